#!/usr/bin/env python3
"""Regenerate shared/tests/fixtures/qrtext/: QR codes in every mode and charset, written by
segno (it writes Hanzi mode, GB/T 18284, which the Rust `qrcode` crate cannot), and the
truth for each: the text, the charsets it is read with, the charset hecha guesses (null
when the code defines it), and each segment's bytes in hex.

    pip install segno==1.6.6
    python3 tools/qrtext/make.py shared/tests/fixtures/qrtext

The tests (shared/tests/qr_text.rs) decode every PNG as it is and as a photo made from it,
and compare the text exactly; they need neither Python nor segno.
"""
import json
import os
import sys

import segno
from segno import consts

# (mode, text, charset the bytes are written in, ECI written)
NUM, ALNUM, BYTE, KANJI, HANZI = "numeric", "alphanumeric", "byte", "kanji", "hanzi"

CODES = {
    "numeric.png": [(NUM, "320102199001011232", "ascii", False)],
    "alphanumeric.png": [(ALNUM, "HTTPS://SI.EXAMPLE.GOV.CN/V/12345", "ascii", False)],
    "byte_utf8.png": [(BYTE, "姓名：张伟\n参保地：苏州工业园区", "utf-8", False)],
    "byte_utf8_eci.png": [(BYTE, "姓名：张伟\n参保地：苏州工业园区", "utf-8", True)],
    "byte_gb18030_eci.png": [(BYTE, "姓名：张伟\n参保地：苏州工业园区", "gb18030", True)],
    "byte_gb18030.png": [(BYTE, "姓名：张伟\n参保地：苏州工业园区", "gb18030", False)],
    # Short names in GBK are valid Shift_JIS too (half-width katakana, level-2 kanji).
    "byte_gbk_name_zhangwei.png": [(BYTE, "张伟", "gb18030", False)],
    "byte_gbk_name_lina.png": [(BYTE, "李娜", "gb18030", False)],
    "byte_gbk_company.png": [(BYTE, "苏州某某科技有限公司", "gb18030", False)],
    "byte_shift_jis.png": [(BYTE, "こんにちは、テストです", "shift_jis", False)],
    "byte_shift_jis_eci.png": [(BYTE, "東京都港区", "shift_jis", True)],
    "byte_latin1.png": [(BYTE, "Müller café", "latin-1", False)],
    "kanji.png": [(KANJI, "山田太郎", "shift_jis", False)],
    "kanji_kana.png": [(KANJI, "漢字とカタカナ", "shift_jis", False)],
    "hanzi.png": [(HANZI, "张伟苏州工业园区", "gb2312", False)],
    "mixed.png": [
        (NUM, "2025", "ascii", False),
        (BYTE, "张伟", "gb18030", False),
        (KANJI, "東京", "shift_jis", False),
        (ALNUM, "AB-12", "ascii", False),
    ],
    # Kanji mode after a UTF-8 ECI is still Shift_JIS; Hanzi mode is still GB 2312.
    "mixed_eci.png": [
        (ALNUM, "NO.", "ascii", False),
        (BYTE, "参保地：苏州", "utf-8", True),
        (KANJI, "漢字", "shift_jis", False),
        (HANZI, "汉字", "gb2312", False),
        (NUM, "12", "ascii", False),
    ],
}

MODES = {NUM: consts.MODE_NUMERIC, ALNUM: consts.MODE_ALPHANUMERIC, BYTE: consts.MODE_BYTE,
         KANJI: consts.MODE_KANJI, HANZI: consts.MODE_HANZI}
NAMES = {"ascii": "US-ASCII", "utf-8": "UTF-8", "gb18030": "GB18030", "gb2312": "GB2312",
         "shift_jis": "Shift_JIS", "latin-1": "ISO-8859-1"}


def charset_read(mode, charset, eci, open_as):
    if mode in (NUM, ALNUM):
        return "US-ASCII"
    if mode == KANJI:
        return "Shift_JIS"
    if mode == HANZI:
        return "GB2312"
    return NAMES[charset] if eci else open_as


def make(out):
    os.makedirs(out, exist_ok=True)
    truth = {}
    for name, segs in CODES.items():
        parts = []
        for mode, text, charset, eci in segs:
            data = text.encode(charset)
            # An ECI segment is given as text (segno writes the designator from the
            # encoding); the others as the exact bytes.
            m = MODES[mode]
            parts.append((text, m, charset) if eci else (data, m, None))
        any_eci = any(eci for *_, eci in segs)
        q = segno.make_qr(parts, eci=any_eci, error="m", boost_error=False)
        q.save(os.path.join(out, name), scale=4, border=4)

        open_bytes = [t.encode(c) for m, t, c, e in segs if m == BYTE and not e]
        utf8 = all(_is_utf8(b) for b in open_bytes)
        open_charset = segs[[m == BYTE and not e for m, _, _, e in segs].index(True)][2] if open_bytes else None
        guessed = None if utf8 or not open_bytes else NAMES[open_charset]
        open_as = "UTF-8" if utf8 else guessed
        charsets = []
        for mode, _, charset, eci in segs:
            c = charset_read(mode, charset, eci, open_as)
            if c not in charsets:
                charsets.append(c)
        truth[name] = {
            "text": "".join(t for _, t, _, _ in segs),
            "charsets": charsets,
            "guessed": guessed,
            "segments": [{"mode": m, "eci": NAMES[c] if e else None, "hex": t.encode(c).hex()}
                         for m, t, c, e in segs],
        }
    with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.write("\n")


def _is_utf8(b):
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


if __name__ == "__main__":
    make(sys.argv[1])

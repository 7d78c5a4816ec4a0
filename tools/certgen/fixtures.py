#!/usr/bin/env python3
"""Regenerate shared/tests/fixtures/qr/ (small: the whole set stays under 4 MB).

    python3 tools/certgen/fixtures.py shared/tests/fixtures/qr
    python3 tools/certgen/fixtures.py shared/tests/fixtures/qr --tiny 12,34   # only the tiny_* crops

Photos come from certgen.py (fixed seeds); the broken files are made from them here.
"""
import io
import os
import struct
import subprocess
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def gen(out, count, seed, sizes, prefix, negatives="0.0"):
    subprocess.run([sys.executable, os.path.join(HERE, "certgen.py"), "--out", out, "--count", str(count),
                    "--seed", str(seed), "--sizes", sizes, "--prefix", prefix, "--negatives", negatives], check=True)


# ECI-marked codes (segno writes the ECI designator; the qrcode package cannot): the text
# must come back exactly, whatever the charset. ISO-8859-5 is the proof that ECI is
# honoured: without it the bytes would be read as GB18030 (hecha's rule for non-UTF-8).
ECI_CODES = [
    ("eci_gb18030.png", "gb18030", "姓名：张三\n公民身份号码：320102199001011234\n参保地：苏州工业园区"),
    ("eci_utf8.png", "utf-8", "参保地：苏州工业园区\n缴费月数：12"),
    ("eci_iso8859_5.png", "iso-8859-5", "Привет, ЕЦИ"),
]


def eci_fixtures(out):
    import json
    import segno
    truth_path = os.path.join(out, "truth.json")
    truth = json.load(open(truth_path, encoding="utf-8")) if os.path.exists(truth_path) else {}
    for name, enc, text in ECI_CODES:
        q = segno.make_qr(text, encoding=enc, eci=True, mode="byte", error="m")
        q.save(os.path.join(out, name), scale=4, border=4)
        truth[name] = [text]
    with open(truth_path, "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=1, sort_keys=True)


# Small, blurred codes (issue 17): photos of the bands corpus (certgen.py --profile bands
# --seed 17) at 1.2-2 px modules with blur, cropped around the code so that each file stays
# small. Chosen among those the pipeline before the grid/finders stages did not read; the
# indices are in shared/tests/qr_fixtures.rs.


def tiny_fixtures(out, indices, seed=17, margin=160):
    import json
    import random
    sys.path.insert(0, HERE)
    import certgen
    from PIL import Image
    truth_path = os.path.join(out, "truth.json")
    truth = json.load(open(truth_path, encoding="utf-8")) if os.path.exists(truth_path) else {}
    for i in indices:
        jpeg, texts, attrs = certgen.banded_photo(random.Random(f"{seed}:{i}"))
        if attrs["orientation"] != 1:
            raise SystemExit(f"photo {i}: stored rotated, pick another")
        im = Image.open(io.BytesIO(jpeg))
        xs = [p[0] for p in attrs["quad"]]
        ys = [p[1] for p in attrs["quad"]]
        box = (max(0, min(xs) - margin), max(0, min(ys) - margin),
               min(im.width, max(xs) + margin), min(im.height, max(ys) + margin))
        name = f"tiny_{i:04d}.jpg"
        im.crop(box).save(os.path.join(out, name), "JPEG", quality=92)
        truth[name] = sorted(texts)
        print(name, attrs)
    with open(truth_path, "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=1, sort_keys=True)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def main():
    out = sys.argv[1]
    if len(sys.argv) > 2 and sys.argv[2] == "--tiny":
        tiny_fixtures(out, [int(i) for i in sys.argv[3].split(",")])
        return
    os.makedirs(out, exist_ok=True)
    gen(out, 2, 7001, "12mp", "big")
    gen(out, 7, 7002, "small", "small")
    gen(out, 1, 7003, "small", "neg", negatives="1.0")
    eci_fixtures(out)
    src = open(os.path.join(out, "small_0000.jpg"), "rb").read()
    # Truncated: an upload cut off two thirds of the way through the scan data.
    open(os.path.join(out, "truncated.jpg"), "wb").write(src[: len(src) * 2 // 3])
    # Corrupt: a JPEG whose frame header (SOF) is overwritten with garbage.
    b = bytearray(src)
    i = b.find(b"\xff\xc0")
    if i < 0:
        i = b.find(b"\xff\xc2")
    b[i + 2:i + 12] = b"\x00\x01\xff\xff\xff\xff\xff\xff\xff\xff"
    open(os.path.join(out, "corrupt.jpg"), "wb").write(bytes(b))
    # Decompression bomb: a valid PNG whose header claims 100000 × 100000 pixels.
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 0, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + png_chunk(b"IEND", b"")
    open(os.path.join(out, "bomb.png"), "wb").write(bomb)
    try:
        import pillow_heif
        from PIL import Image
        pillow_heif.register_heif_opener()
        im = Image.open(io.BytesIO(src))
        im.thumbnail((320, 320))
        im.save(os.path.join(out, "photo.heic"), quality=50)
    except Exception as e:  # no HEIF encoder here: the test skips the HEIC case
        print("no HEIC fixture:", e)


if __name__ == "__main__":
    main()

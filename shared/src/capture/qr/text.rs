//! A symbol's data segments → its text: each segment in the character set its mode or ECI
//! defines, and hecha's guess, said to be one, for bytes that nothing defines. The rules
//! are in the module docs of [`super`] ("Text encoding").

use std::borrow::Cow;
use std::collections::btree_map::{BTreeMap, Entry};

use encoding_rs::{GB18030, SHIFT_JIS};
use rxing::common::CharacterSet;
use serde::Serialize;

/// How the text of one code was read from its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextEncoding {
    /// Every character set the text was read with, in order of first use: `US-ASCII`
    /// (numeric and alphanumeric segments), `Shift_JIS` (Kanji mode), `GB2312` (Hanzi
    /// mode), an ECI's character set, and what bytes without an ECI were read as
    /// (`UTF-8`, or the guess: `GB18030`, `Shift_JIS`, `ISO-8859-1`).
    pub charsets: Vec<String>,
    /// The character set hecha chose for bytes that the symbol leaves open (byte mode
    /// without ECI, not valid UTF-8; or a code whose segments could not be told apart):
    /// the text may not be the one its author wrote. `None` when the symbol defined every
    /// character.
    pub guessed: Option<String>,
}

/// The text of one code and how it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrText {
    pub text: String,
    pub encoding: TextEncoding,
}

/// One data segment of a symbol, as its mode and ECI define it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Segment {
    /// Numeric or alphanumeric mode (and an FNC1 application indicator): ASCII.
    Ascii(Vec<u8>),
    /// Kanji mode: Shift_JIS byte pairs (JIS X 0208), whatever ECI is in force.
    Kanji(Vec<u8>),
    /// Hanzi mode (GB/T 18284, subset 1): GB 2312 byte pairs.
    Hanzi(Vec<u8>),
    /// Byte mode under an ECI designating a character set hecha knows.
    Declared(CharacterSet, Vec<u8>),
    /// Byte mode without an ECI, or under an ECI hecha does not know: nothing defines it.
    Open(Vec<u8>),
}

impl Segment {
    pub(super) fn bytes(&self) -> &[u8] {
        match self {
            Segment::Ascii(b)
            | Segment::Kanji(b)
            | Segment::Hanzi(b)
            | Segment::Declared(_, b)
            | Segment::Open(b) => b,
        }
    }
}

/// The text of a symbol's segments, in order.
pub(super) fn read(segments: &[Segment]) -> QrText {
    let open: Vec<&[u8]> = segments
        .iter()
        .filter_map(|s| match s {
            Segment::Open(b) => Some(b.as_slice()),
            _ => None,
        })
        .collect();
    let (reading, guessed) = open_reading(&open);
    let mut text = String::new();
    let mut charsets: Vec<String> = Vec::new();
    for segment in segments {
        let (part, charset): (Cow<str>, &str) = match segment {
            Segment::Ascii(b) => (String::from_utf8_lossy(b), "US-ASCII"),
            Segment::Kanji(b) => (SHIFT_JIS.decode_without_bom_handling(b).0, "Shift_JIS"),
            // GB18030 is a superset of GB 2312: the same characters for every GB 2312 pair.
            Segment::Hanzi(b) => (GB18030.decode_without_bom_handling(b).0, "GB2312"),
            Segment::Declared(cs, b) => (declared(*cs, b), charset_name(*cs)),
            Segment::Open(b) => (reading.decode(b), reading.name()),
        };
        text.push_str(&part);
        if !charsets.iter().any(|c| c == charset) {
            charsets.push(charset.to_owned());
        }
    }
    QrText {
        text,
        encoding: TextEncoding {
            charsets,
            guessed: guessed.then(|| reading.name().to_owned()),
        },
    }
}

/// The bytes of one byte-mode segment without an ECI → text: UTF-8 when valid, otherwise
/// the scored guess among GB18030, Shift_JIS and ISO-8859-1 (see the module docs).
pub fn payload_text(raw: &[u8]) -> QrText {
    read(&[Segment::Open(raw.to_vec())])
}

/// A payload whose segments could not be told apart (rqrr's decoder drops the ECI and
/// the modes; a symbol rxing decodes but hecha cannot walk): read like a byte segment
/// without ECI, and guessed unless it is plain ASCII, which every mode and charset read
/// alike.
pub(super) fn unstructured(raw: &[u8]) -> QrText {
    let mut t = payload_text(raw);
    if !raw.is_ascii() && t.encoding.guessed.is_none() {
        t.encoding.guessed = t.encoding.charsets.first().cloned();
    }
    t
}

/// Adds a text to a set of distinct texts; the same text read once with a guess and once
/// as the symbol defines it keeps the defined reading. True when the text is new.
pub(super) fn keep(texts: &mut BTreeMap<String, TextEncoding>, t: QrText) -> bool {
    match texts.entry(t.text) {
        Entry::Vacant(v) => {
            v.insert(t.encoding);
            true
        }
        Entry::Occupied(mut o) => {
            if o.get().guessed.is_some() && t.encoding.guessed.is_none() {
                o.insert(t.encoding);
            }
            false
        }
    }
}

/// Bytes under an ECI: the designated character set; bytes that are invalid in it are
/// shown as U+FFFD (the symbol's fault, visible in the text, not hidden by a guess).
fn declared(cs: CharacterSet, bytes: &[u8]) -> Cow<'static, str> {
    Cow::Owned(
        cs.decode(bytes)
            .or_else(|_| cs.decode_replace(bytes))
            .unwrap_or_else(|_| String::from_utf8_lossy(bytes).into_owned()),
    )
}

/// The IANA name of a character set an ECI designates.
fn charset_name(cs: CharacterSet) -> &'static str {
    match cs {
        CharacterSet::Cp437 => "IBM437",
        CharacterSet::ISO8859_1 => "ISO-8859-1",
        CharacterSet::ISO8859_2 => "ISO-8859-2",
        CharacterSet::ISO8859_3 => "ISO-8859-3",
        CharacterSet::ISO8859_4 => "ISO-8859-4",
        CharacterSet::ISO8859_5 => "ISO-8859-5",
        CharacterSet::ISO8859_6 => "ISO-8859-6",
        CharacterSet::ISO8859_7 => "ISO-8859-7",
        CharacterSet::ISO8859_8 => "ISO-8859-8",
        CharacterSet::ISO8859_9 => "ISO-8859-9",
        CharacterSet::ISO8859_10 => "ISO-8859-10",
        CharacterSet::ISO8859_11 => "ISO-8859-11",
        CharacterSet::ISO8859_13 => "ISO-8859-13",
        CharacterSet::ISO8859_14 => "ISO-8859-14",
        CharacterSet::ISO8859_15 => "ISO-8859-15",
        CharacterSet::ISO8859_16 => "ISO-8859-16",
        CharacterSet::Shift_JIS => "Shift_JIS",
        CharacterSet::Cp1250 => "windows-1250",
        CharacterSet::Cp1251 => "windows-1251",
        CharacterSet::Cp1252 => "windows-1252",
        CharacterSet::Cp1256 => "windows-1256",
        CharacterSet::UTF16BE => "UTF-16BE",
        CharacterSet::UTF16LE => "UTF-16LE",
        CharacterSet::UTF32BE => "UTF-32BE",
        CharacterSet::UTF32LE => "UTF-32LE",
        CharacterSet::UTF8 => "UTF-8",
        CharacterSet::ASCII => "US-ASCII",
        CharacterSet::Big5 => "Big5",
        CharacterSet::GB2312 => "GB2312",
        CharacterSet::GB18030 => "GB18030",
        CharacterSet::EUC_KR => "EUC-KR",
        CharacterSet::Binary => "binary",
        CharacterSet::Unknown => "unknown",
    }
}

/// How bytes that nothing defines are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    Utf8,
    Gb18030,
    ShiftJis,
    Latin1,
}

/// The guesses, in the order that wins a tie: hecha reads Chinese certificates.
const GUESSES: [Reading; 3] = [Reading::Gb18030, Reading::ShiftJis, Reading::Latin1];

impl Reading {
    fn name(self) -> &'static str {
        match self {
            Reading::Utf8 => "UTF-8",
            Reading::Gb18030 => "GB18030",
            Reading::ShiftJis => "Shift_JIS",
            Reading::Latin1 => "ISO-8859-1",
        }
    }

    /// The text, with U+FFFD for what does not decode (only when no guess decodes).
    fn decode(self, b: &[u8]) -> Cow<'_, str> {
        match self {
            Reading::Utf8 => String::from_utf8_lossy(b),
            Reading::Gb18030 => GB18030.decode_without_bom_handling(b).0,
            Reading::ShiftJis => SHIFT_JIS.decode_without_bom_handling(b).0,
            // ISO-8859-1 is the first 256 code points (encoding_rs would read windows-1252).
            Reading::Latin1 => Cow::Owned(b.iter().map(|&c| char::from(c)).collect()),
        }
    }

    /// How plausible `b` is as text in this charset: `None` when it cannot be (invalid
    /// bytes, unmapped codes, private-use characters), else a score summed over its
    /// characters (see the module docs).
    fn score(self, b: &[u8]) -> Option<i64> {
        match self {
            Reading::Utf8 => std::str::from_utf8(b).ok().map(|_| 0),
            Reading::Gb18030 => strict(GB18030, b).and_then(|_| score_gb18030(b)),
            Reading::ShiftJis => strict(SHIFT_JIS, b).and_then(|_| score_shift_jis(b)),
            Reading::Latin1 => score_latin1(b),
        }
    }
}

/// The reading of the open byte segments, and whether it is a guess.
fn open_reading(open: &[&[u8]]) -> (Reading, bool) {
    if open.iter().all(|b| std::str::from_utf8(b).is_ok()) {
        return (Reading::Utf8, false);
    }
    (guess(open), true)
}

/// The best-scoring guess for bytes that are not UTF-8 (all open segments of a symbol
/// together: one charset for the whole symbol); GB18030 when none can be right.
fn guess(open: &[&[u8]]) -> Reading {
    let mut best: Option<(Reading, i64)> = None;
    for r in GUESSES {
        let total: Option<i64> = open.iter().map(|b| r.score(b)).sum();
        if let Some(s) = total
            && best.is_none_or(|(_, b)| s > b)
        {
            best = Some((r, s));
        }
    }
    best.map_or(Reading::Gb18030, |(r, _)| r)
}

/// Decoded without any replacement and without private-use characters (which no real
/// text uses: both encodings map their user-defined areas there).
fn strict(enc: &'static encoding_rs::Encoding, b: &[u8]) -> Option<()> {
    let s = enc.decode_without_bom_handling_and_without_replacement(b)?;
    (!s.chars().any(|c| ('\u{E000}'..='\u{F8FF}').contains(&c))).then_some(())
}

/// GB18030: common hanzi (GB 2312 level 1) +2, level 2 and GB 2312's symbols +1, anything
/// outside GB 2312 (GBK/GB18030 extensions: rare and traditional characters) −1, four-byte
/// sequences and the lone 0x80 (€) −2. ASCII 0.
fn score_gb18030(b: &[u8]) -> Option<i64> {
    let mut score = 0;
    let mut i = 0;
    while i < b.len() {
        let lead = b[i];
        if lead < 0x80 {
            i += 1;
            continue;
        }
        if lead == 0x80 {
            score -= 2;
            i += 1;
            continue;
        }
        let trail = *b.get(i + 1)?;
        if (0x30..=0x39).contains(&trail) {
            score -= 2;
            i += 4;
            continue;
        }
        score += match (lead, trail) {
            (0xB0..=0xD7, 0xA1..=0xFE) => 2,
            (0xD8..=0xF7 | 0xA1..=0xA9, 0xA1..=0xFE) => 1,
            _ => -1,
        };
        i += 2;
    }
    Some(score)
}

/// Shift_JIS, with ZXing's validity rules (`StringUtils.guessEncoding`: no 0x80 or 0xA0,
/// no lead byte above 0xEF, trail bytes 0x40–0xFC but 0x7F): hiragana and katakana +2,
/// JIS X 0208 symbols and full-width forms (rows 1–8) and level-1 kanji +1, level-2 kanji
/// and half-width katakana 0, vendor extensions (NEC row 13, NEC-selected IBM) −1.
fn score_shift_jis(b: &[u8]) -> Option<i64> {
    let mut score = 0;
    let mut i = 0;
    while i < b.len() {
        let lead = b[i];
        if lead < 0x80 || (0xA1..=0xDF).contains(&lead) {
            i += 1;
            continue;
        }
        if lead == 0x80 || lead == 0xA0 || lead > 0xEF {
            return None;
        }
        let trail = *b.get(i + 1)?;
        if !(0x40..=0xFC).contains(&trail) || trail == 0x7F {
            return None;
        }
        score += match (lead, trail) {
            (0x82, 0x9F..) | (0x83, ..=0x96) => 2,
            (0x81..=0x84, _) | (0x88..=0x97, _) | (0x98, ..=0x72) => 1,
            (0x87, _) | (0xED..=0xEE, _) => -1,
            _ => 0,
        };
        i += 2;
    }
    Some(score)
}

/// ISO-8859-1, with ZXing's validity rule (no C1 control 0x80–0x9F): an accented letter
/// next to an ASCII letter (inside a word) +1, alone among other high bytes 0; the other
/// high characters (symbols 0xA0–0xBF, × and ÷; ZXing's "isoHighOther") −1.
fn score_latin1(b: &[u8]) -> Option<i64> {
    let mut score = 0;
    for (i, &c) in b.iter().enumerate() {
        match c {
            0x80..=0x9F => return None,
            0xA0..=0xBF | 0xD7 | 0xF7 => score -= 1,
            0xC0..=0xFF => {
                let letter = |j: Option<usize>| {
                    j.and_then(|j| b.get(j))
                        .is_some_and(|n| n.is_ascii_alphabetic())
                };
                if letter(i.checked_sub(1)) || letter(Some(i + 1)) {
                    score += 1;
                }
            }
            _ => {}
        }
    }
    Some(score)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        GB18030.encode(s).0.into_owned()
    }

    fn sjis(s: &str) -> Vec<u8> {
        SHIFT_JIS.encode(s).0.into_owned()
    }

    fn guessed(bytes: &[u8]) -> (String, Option<String>) {
        let t = payload_text(bytes);
        (t.text, t.encoding.guessed)
    }

    #[test]
    fn utf8_is_not_a_guess() {
        let t = payload_text("参保地：苏州".as_bytes());
        assert_eq!(t.text, "参保地：苏州");
        assert_eq!(t.encoding.charsets, ["UTF-8"]);
        assert_eq!(t.encoding.guessed, None);
        assert_eq!(
            payload_text(b"https://x.example/?a=1").encoding.guessed,
            None
        );
    }

    /// The names are valid Shift_JIS too (half-width katakana and level-2 kanji).
    #[test]
    fn short_chinese_names_in_gbk_are_gb18030() {
        for name in [
            "张伟",
            "王秀英",
            "李娜",
            "刘洋",
            "陈静",
            "苏州工业园区某某科技有限公司",
        ] {
            let b = gbk(name);
            assert_eq!(
                guessed(&b),
                (name.to_owned(), Some("GB18030".to_owned())),
                "{name}"
            );
        }
        assert!(strict(SHIFT_JIS, &gbk("张伟")).is_some());
        assert!(strict(SHIFT_JIS, &gbk("李娜")).is_some());
    }

    /// The bytes are valid GBK too (rare characters of its extension area).
    #[test]
    fn japanese_with_kana_is_shift_jis() {
        for text in [
            "こんにちは",
            "テスト",
            "東京都港区",
            "山田太郎です",
            "ｶﾞｲﾄﾞ：ガイド",
        ] {
            let b = sjis(text);
            assert_eq!(
                guessed(&b),
                (text.to_owned(), Some("Shift_JIS".to_owned())),
                "{text}"
            );
        }
        assert!(strict(GB18030, &sjis("こんにちは")).is_some());
    }

    #[test]
    fn latin1_words_are_iso_8859_1() {
        for text in ["Müller café", "Zürich", "José", "Ñandú"] {
            let b: Vec<u8> = text.chars().map(|c| c as u8).collect();
            assert_eq!(
                guessed(&b),
                (text.to_owned(), Some("ISO-8859-1".to_owned())),
                "{text}"
            );
        }
    }

    #[test]
    fn bytes_no_guess_can_read_are_gb18030_with_replacements() {
        let (text, charset) = guessed(&[0x41, 0xFF, 0x80, 0x9F, 0xFF]);
        assert!(text.starts_with('A') && text.contains('\u{FFFD}'), "{text}");
        assert_eq!(charset.as_deref(), Some("GB18030"));
    }

    #[test]
    fn segments_keep_their_own_charsets() {
        let t = read(&[
            Segment::Ascii(b"0123".to_vec()),
            Segment::Kanji(sjis("漢字")),
            Segment::Hanzi(gbk("汉字")),
            Segment::Declared(CharacterSet::ISO8859_5, vec![0xBF, 0xE0, 0xD8]),
            Segment::Open(gbk("张伟")),
        ]);
        assert_eq!(t.text, "0123漢字汉字При张伟");
        assert_eq!(
            t.encoding.charsets,
            ["US-ASCII", "Shift_JIS", "GB2312", "ISO-8859-5", "GB18030"]
        );
        assert_eq!(t.encoding.guessed.as_deref(), Some("GB18030"));
    }

    #[test]
    fn one_guess_for_all_open_segments() {
        // Alone, the second segment (two half-width katakana) could be anything; with
        // the first, the symbol is Japanese.
        let t = read(&[
            Segment::Open(sjis("ひらがな")),
            Segment::Ascii(b"1".to_vec()),
            Segment::Open(sjis("ﾃｽ")),
        ]);
        assert_eq!(t.text, "ひらがな1ﾃｽ");
        assert_eq!(t.encoding.guessed.as_deref(), Some("Shift_JIS"));
    }

    #[test]
    fn unstructured_non_ascii_is_always_a_guess() {
        let t = unstructured("参保地".as_bytes());
        assert_eq!(t.text, "参保地");
        assert_eq!(t.encoding.guessed.as_deref(), Some("UTF-8"));
        assert_eq!(unstructured(b"ABC").encoding.guessed, None);
    }

    #[test]
    fn a_defined_reading_replaces_a_guess_of_the_same_text() {
        let mut texts = BTreeMap::new();
        assert!(keep(&mut texts, unstructured("参保地".as_bytes())));
        assert!(!keep(&mut texts, payload_text("参保地".as_bytes())));
        assert_eq!(texts["参保地"].guessed, None);
        assert!(!keep(&mut texts, unstructured("参保地".as_bytes())));
        assert_eq!(texts["参保地"].guessed, None);
    }
}

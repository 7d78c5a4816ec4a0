//! The right text (issue 17): QR codes in every mode and charset — numeric, alphanumeric,
//! byte UTF-8, byte GB18030 with and without ECI, byte Shift_JIS, byte ISO-8859-1, Kanji
//! mode, Hanzi mode, mixed segments — decoded from clean renders and from photos, the text
//! compared exactly, with the charsets it was read with and whether one was guessed.
//!
//! Two encoders: the `qrcode` crate here (numeric, alphanumeric, byte, ECI, Kanji), and
//! segno for committed fixtures (tools/qrtext/make.py; it writes Hanzi mode, GB/T 18284,
//! which the crate cannot).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use hecha_core::capture::pii::PersonHasher;
use hecha_core::capture::qr::{QrLimits, TextEncoding, decode_qr};
use hecha_core::model::SiPayloadFormat;
use hecha_core::rehearsal::record_from_photo;
use image::GrayImage;
use qrcode::bits::Bits;
use qrcode::{EcLevel, QrCode, Version};

/// Debug builds run our own code unoptimised: time enough to test what is read, not speed.
fn limits() -> QrLimits {
    QrLimits {
        time_budget: Duration::from_secs(60),
        ..QrLimits::default()
    }
}

fn gbk(s: &str) -> Vec<u8> {
    encoding_rs::GB18030.encode(s).0.into_owned()
}

fn sjis(s: &str) -> Vec<u8> {
    encoding_rs::SHIFT_JIS.encode(s).0.into_owned()
}

fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect()
}

/// One segment as the `qrcode` crate writes it.
enum Seg {
    Num(&'static str),
    Alnum(&'static str),
    Byte(Vec<u8>),
    Eci(u32),
    Kanji(Vec<u8>),
}

/// The smallest version at level M that holds the segments.
fn encode(segs: &[Seg]) -> QrCode {
    for v in 1..=40 {
        let mut bits = Bits::new(Version::Normal(v));
        let pushed = segs.iter().try_for_each(|s| match s {
            Seg::Num(d) => bits.push_numeric_data(d.as_bytes()),
            Seg::Alnum(a) => bits.push_alphanumeric_data(a.as_bytes()),
            Seg::Byte(b) => bits.push_byte_data(b),
            Seg::Eci(e) => bits.push_eci_designator(*e),
            Seg::Kanji(k) => bits.push_kanji_data(k),
        });
        if pushed.is_ok() && bits.push_terminator(EcLevel::M).is_ok() {
            return QrCode::with_bits(bits, EcLevel::M).unwrap();
        }
    }
    panic!("too long for a QR code");
}

/// Pixels per module of [`render`].
const RENDER_MODULE: u32 = 6;

/// A clean render: black modules on white, a four-module quiet zone.
fn render(code: &QrCode) -> GrayImage {
    let n = code.width() as u32;
    let (m, border) = (RENDER_MODULE, 4u32);
    let colors = code.to_colors();
    GrayImage::from_fn((n + 2 * border) * m, (n + 2 * border) * m, |x, y| {
        let (cx, cy) = (x / m, y / m);
        let dark = (border..n + border).contains(&cx)
            && (border..n + border).contains(&cy)
            && colors[((cy - border) * n + (cx - border)) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    })
}

fn png(img: &GrayImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A photo of a code as a phone takes it at arm's length in a dim machine room: about
/// four pixels a module, turned 6–10° and foreshortened on a larger page, dim and uneven
/// light, out of focus (Gaussian blur), sensor noise, then JPEG at quality 70.
/// `module` is the code image's pixels per module.
fn photo(code: &GrayImage, module: u32, seed: u64) -> Vec<u8> {
    let (w, h) = (1600u32, 1200u32);
    let scale = 4.0 / f64::from(module);
    let (sin, cos) = (0.10 + 0.01 * (seed % 7) as f64).sin_cos();
    let (cx, cy) = (f64::from(w) * 0.52, f64::from(h) * 0.47);
    let (sw, sh) = (f64::from(code.width()), f64::from(code.height()));
    let img = GrayImage::from_fn(w, h, |x, y| {
        // Perspective, then rotation, then scale: photo pixel → code pixel.
        let (u, v) = (f64::from(x) - cx, f64::from(y) - cy);
        let d = 1.0 + 0.00012 * u - 0.00009 * v;
        let (u, v) = (u / d, v / d);
        let (a, b) = (cos * u + sin * v, -sin * u + cos * v);
        let white = sample(code, a / scale + sw / 2.0, b / scale + sh / 2.0);
        let paper = 95.0 + 55.0 * f64::from(x) / f64::from(w) + 20.0 * f64::from(y) / f64::from(h);
        let ink = 28.0;
        image::Luma([(ink + (paper - ink) * white) as u8])
    });
    let mut img = image::imageops::blur(&img, 1.1);
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for p in img.pixels_mut() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let noise = (state % 21) as i16 - 10;
        p.0[0] = (i16::from(p.0[0]) + noise).clamp(0, 255) as u8;
    }
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 70)
        .encode_image(&img)
        .unwrap();
    jpeg
}

/// Bilinear sample of a code image, 0.0 = black, 1.0 = white (and outside the image).
fn sample(img: &GrayImage, x: f64, y: f64) -> f64 {
    let at = |x: f64, y: f64| -> f64 {
        if x < 0.0 || y < 0.0 || x >= f64::from(img.width()) || y >= f64::from(img.height()) {
            1.0
        } else {
            f64::from(img.get_pixel(x as u32, y as u32).0[0]) / 255.0
        }
    };
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1.0, y0) * fx;
    let bottom = at(x0, y0 + 1.0) * (1.0 - fx) + at(x0 + 1.0, y0 + 1.0) * fx;
    top * (1.0 - fy) + bottom * fy
}

/// What a code must read as.
struct Expected<'a> {
    text: &'a str,
    charsets: Vec<String>,
    guessed: Option<String>,
}

/// Decodes `image` and compares with `expected`; a description of the difference if any.
fn mismatch(what: &str, image: &[u8], expected: &Expected) -> Option<String> {
    let scan = match decode_qr(image, &limits()) {
        Ok(scan) => scan,
        Err(e) => return Some(format!("{what}: not read: {e}")),
    };
    let got: Vec<(&str, &TextEncoding)> = scan.decoded().collect();
    match got.as_slice() {
        [(text, enc)]
            if *text == expected.text
                && enc.charsets == expected.charsets
                && enc.guessed == expected.guessed =>
        {
            None
        }
        _ => Some(format!(
            "{what}: expected {:?} read as {:?}, guessed {:?}; got {got:?}",
            expected.text, expected.charsets, expected.guessed
        )),
    }
}

fn expect<'a>(text: &'a str, charsets: &[&str], guessed: Option<&str>) -> Expected<'a> {
    Expected {
        text,
        charsets: charsets.iter().map(|s| (*s).to_owned()).collect(),
        guessed: guessed.map(str::to_owned),
    }
}

/// Codes written by the `qrcode` crate, and how each must read.
fn crate_codes() -> Vec<(&'static str, Vec<Seg>, Expected<'static>)> {
    use Seg::*;
    let lines = "姓名：张伟\n参保地：苏州工业园区";
    let ja = "こんにちは、テストです";
    let gb = Some("GB18030");
    vec![
        (
            "numeric",
            vec![Num("320102199001011232")],
            expect("320102199001011232", &["US-ASCII"], None),
        ),
        (
            "alphanumeric",
            vec![Alnum("HTTPS://SI.EXAMPLE.GOV.CN/V/12345")],
            expect("HTTPS://SI.EXAMPLE.GOV.CN/V/12345", &["US-ASCII"], None),
        ),
        (
            "byte UTF-8",
            vec![Byte(lines.as_bytes().to_vec())],
            expect(lines, &["UTF-8"], None),
        ),
        (
            "byte UTF-8, ECI 26",
            vec![Eci(26), Byte(lines.as_bytes().to_vec())],
            expect(lines, &["UTF-8"], None),
        ),
        (
            "byte GB18030, ECI 29",
            vec![Eci(29), Byte(gbk(lines))],
            expect(lines, &["GB18030"], None),
        ),
        (
            "byte GB18030, ECI 32",
            vec![Eci(32), Byte(gbk(lines))],
            expect(lines, &["GB18030"], None),
        ),
        (
            "byte GB18030",
            vec![Byte(gbk(lines))],
            expect(lines, &["GB18030"], gb),
        ),
        (
            "byte GBK 张伟",
            vec![Byte(gbk("张伟"))],
            expect("张伟", &["GB18030"], gb),
        ),
        (
            "byte GBK 王秀英",
            vec![Byte(gbk("王秀英"))],
            expect("王秀英", &["GB18030"], gb),
        ),
        (
            "byte GBK 李娜",
            vec![Byte(gbk("李娜"))],
            expect("李娜", &["GB18030"], gb),
        ),
        (
            "byte Shift_JIS",
            vec![Byte(sjis(ja))],
            expect(ja, &["Shift_JIS"], Some("Shift_JIS")),
        ),
        (
            "byte Shift_JIS, ECI 20",
            vec![Eci(20), Byte(sjis("東京都港区"))],
            expect("東京都港区", &["Shift_JIS"], None),
        ),
        (
            "byte ISO-8859-1",
            vec![Byte(latin1("Müller café"))],
            expect("Müller café", &["ISO-8859-1"], Some("ISO-8859-1")),
        ),
        (
            "byte ISO-8859-1, ECI 3",
            vec![Eci(3), Byte(latin1("Müller café"))],
            expect("Müller café", &["ISO-8859-1"], None),
        ),
        (
            "Kanji",
            vec![Kanji(sjis("山田太郎"))],
            expect("山田太郎", &["Shift_JIS"], None),
        ),
        (
            "Kanji with kana",
            vec![Kanji(sjis("漢字とカタカナ"))],
            expect("漢字とカタカナ", &["Shift_JIS"], None),
        ),
        (
            "numeric + byte GBK + Kanji + alphanumeric",
            vec![
                Num("2025"),
                Byte(gbk("张伟")),
                Kanji(sjis("東京")),
                Alnum("AB-12"),
            ],
            expect(
                "2025张伟東京AB-12",
                &["US-ASCII", "GB18030", "Shift_JIS"],
                gb,
            ),
        ),
        (
            // rxing's own text drops everything after the ECI here: the Kanji bytes are
            // not UTF-8.
            "alphanumeric + ECI 26 byte + Kanji + numeric",
            vec![
                Alnum("NO."),
                Eci(26),
                Byte("参保地：苏州".as_bytes().to_vec()),
                Kanji(sjis("漢字")),
                Num("12"),
            ],
            expect(
                "NO.参保地：苏州漢字12",
                &["US-ASCII", "UTF-8", "Shift_JIS"],
                None,
            ),
        ),
    ]
}

#[test]
fn codes_of_every_mode_and_charset_read_right_clean_and_photographed() {
    let mut failures = Vec::new();
    for (i, (name, segs, expected)) in crate_codes().into_iter().enumerate() {
        let img = render(&encode(&segs));
        failures.extend(mismatch(&format!("{name}, clean"), &png(&img), &expected));
        failures.extend(mismatch(
            &format!("{name}, photo"),
            &photo(&img, RENDER_MODULE, i as u64),
            &expected,
        ));
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/qrtext")
}

#[derive(serde::Deserialize)]
struct Truth {
    text: String,
    charsets: Vec<String>,
    guessed: Option<String>,
    segments: Vec<TruthSegment>,
}

#[derive(serde::Deserialize)]
struct TruthSegment {
    mode: String,
    eci: Option<String>,
    hex: String,
}

fn truth() -> BTreeMap<String, Truth> {
    let raw = std::fs::read(fixtures().join("truth.json")).unwrap();
    serde_json::from_slice(&raw).unwrap()
}

/// segno's codes (segno writes 4 px modules): Hanzi mode among them.
#[test]
fn segno_codes_read_right_clean_and_photographed() {
    let truth = truth();
    assert!(truth.len() >= 17, "{}", truth.len());
    assert!(
        truth["hanzi.png"]
            .segments
            .iter()
            .all(|s| s.mode == "hanzi")
    );
    let mut failures = Vec::new();
    for (i, (name, t)) in truth.iter().enumerate() {
        let bytes = std::fs::read(fixtures().join(name)).unwrap();
        let expected = Expected {
            text: &t.text,
            charsets: t.charsets.clone(),
            guessed: t.guessed.clone(),
        };
        failures.extend(mismatch(&format!("{name}, clean"), &bytes, &expected));
        let img = image::load_from_memory(&bytes).unwrap().to_luma8();
        failures.extend(mismatch(
            &format!("{name}, photo"),
            &photo(&img, 4, 100 + i as u64),
            &expected,
        ));
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The truth is consistent: each segment's bytes, read in the charset its mode, its ECI or
/// (without one) the expected reading gives, make the text.
#[test]
fn segno_truth_bytes_are_the_text_in_each_segments_charset() {
    for (name, t) in truth() {
        let mut text = String::new();
        for s in &t.segments {
            let bytes = hex::decode(&s.hex).unwrap();
            let charset = match (s.mode.as_str(), &s.eci) {
                ("numeric" | "alphanumeric", _) => "US-ASCII".to_owned(),
                ("kanji", _) => "Shift_JIS".to_owned(),
                ("hanzi", _) => "GB2312".to_owned(),
                (_, Some(eci)) => eci.clone(),
                _ => t.guessed.clone().unwrap_or_else(|| "UTF-8".to_owned()),
            };
            text.push_str(&match charset.as_str() {
                "ISO-8859-1" => bytes.iter().map(|&b| char::from(b)).collect(),
                "US-ASCII" | "UTF-8" => String::from_utf8(bytes).unwrap(),
                other => {
                    let enc = encoding_rs::Encoding::for_label(other.as_bytes()).unwrap();
                    let (s, _, bad) = enc.decode(&bytes);
                    assert!(!bad, "{name}: {other}");
                    s.into_owned()
                }
            });
        }
        assert_eq!(text, t.text, "{name}");
    }
}

/// Why the names are a test: their GBK bytes are valid Shift_JIS too (ZXing's
/// `guessEncoding` reads 张伟 as half-width katakana ﾕﾅﾎｰ), and the Japanese bytes are
/// valid GBK. A decoder with one fixed fallback gets one of the two wrong.
#[test]
fn the_ambiguity_is_real() {
    for name in ["张伟", "李娜"] {
        let bytes = gbk(name);
        let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&bytes);
        assert!(!bad && text != name, "{name}: {text}");
    }
    let bytes = sjis("こんにちは、テストです");
    let (text, _, bad) = encoding_rs::GB18030.decode(&bytes);
    assert!(!bad && text != "こんにちは、テストです", "{text}");
}

fn hasher() -> PersonHasher {
    PersonHasher::new("test-2026", b"hecha-test-key-0123456789abcdef").unwrap()
}

/// A certificate whose issuer wrote GBK without ECI: the guess is right, the record is
/// read and says the charset was guessed.
#[test]
fn a_gbk_certificate_photo_is_a_record_that_says_its_charset_was_guessed() {
    let payload =
        "姓名：张伟\n公民身份号码：320102199001011232\n参保地：苏州工业园区\n缴费月数：12";
    let img = render(&encode(&[Seg::Byte(gbk(payload))]));
    let r = record_from_photo(&photo(&img, RENDER_MODULE, 7), &hasher());
    assert_eq!(r.format, SiPayloadFormat::Lines, "{r:?}");
    assert_eq!(r.name.as_deref(), Some("张伟"));
    assert_eq!(r.months_paid, Some(12));
    assert_eq!(r.charset_guessed.as_deref(), Some("GB18030"));
    assert!(r.problems.is_empty(), "{:?}", r.problems);
}

/// A code whose text is a guess and no known layout is for a person to review, saying so.
#[test]
fn a_guessed_unrecognised_payload_is_no_persons_record() {
    let img = render(&encode(&[Seg::Byte(sjis("こんにちは、テストです"))]));
    let r = record_from_photo(&png(&img), &hasher());
    assert_eq!(r.format, SiPayloadFormat::Unknown);
    assert_eq!((r.name, r.id_masked, r.id_hash), (None, None, None));
    assert_eq!(r.charset_guessed.as_deref(), Some("Shift_JIS"));
    assert!(
        r.problems
            .iter()
            .any(|p| p.contains("guessed character set (Shift_JIS)")),
        "{:?}",
        r.problems
    );
}

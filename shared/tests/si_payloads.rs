//! Realistic social-insurance QR payloads (fixtures/si/*.txt, fake people with valid check
//! digits) and what the parser must read from them.

// Helpers outside #[test] functions are test code too (clippy only exempts #[test] bodies).
#![allow(clippy::unwrap_used)]

use hecha_core::capture::pii::PersonHasher;
use hecha_core::capture::si::{parse_si_decoded, parse_si_payload};
use hecha_core::model::{SiPayloadFormat, SiRecord};

/// Every full ID number used in the fixtures: none may survive into a record.
const FIXTURE_IDS: &[&str] = &[
    "320508198803152016",
    "320582199207083622",
    "320506198511240038",
    "320102199001011232",
    "440305199506110065",
    "11010519491231002X",
    "11010519491231002x",
    "320102900101123",
];

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/si/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn hasher() -> PersonHasher {
    PersonHasher::new("test-2026", b"hecha-test-key-0123456789abcdef").unwrap()
}

/// Parses a fixture and checks the privacy invariants common to all of them.
fn parse(name: &str) -> SiRecord {
    let h = hasher();
    let record = parse_si_payload(&fixture(name), Some(&h));
    let json = serde_json::to_string(&record).unwrap();
    let debug = format!("{record:?}");
    for id in FIXTURE_IDS {
        assert!(
            !json.contains(id),
            "{name}: full ID in the record JSON: {json}"
        );
        assert!(!debug.contains(id), "{name}: full ID in the record's Debug");
        for p in &record.problems {
            assert!(!p.contains(id), "{name}: full ID in a problem");
        }
    }
    // The record round-trips through its own schema (deny_unknown_fields).
    let back: SiRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(back, record);
    record
}

fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

#[test]
fn url_jiangsu_utf8() {
    let r = parse("url_jiangsu_utf8.txt");
    assert_eq!(r.format, SiPayloadFormat::Url);
    assert_eq!(r.name, s("张三"));
    assert_eq!(r.id_masked, s("320***********2016"));
    assert_eq!(r.id_valid, Some(true));
    assert_eq!(r.id_hash, Some(hasher().hash_id("320508198803152016")));
    assert_eq!(r.insured_place, s("苏州工业园区"));
    assert_eq!(r.insurance_types, vec!["养老", "医疗", "失业"]);
    assert_eq!(r.months_paid, Some(10));
    assert_eq!(r.period_start, s("2025-01"));
    assert_eq!(r.period_end, s("2025-10"));
    assert_eq!(r.employer_name, s("苏州某某信息科技有限公司"));
    assert_eq!(r.employer_uscc, s("91320594MA1Q2W3E4U"));
    assert_eq!(r.employer_uscc_valid, Some(true));
    assert_eq!(
        r.verify_url.as_deref(),
        Some(
            "https://si.jshrss.gov.cn/verify?xm=张三&sfzh=320***********2016&cbd=苏州工业园区&xz=养老,医疗,失业\
             &jfys=10&qsny=202501&jzny=202510&dwmc=苏州某某信息科技有限公司&tyshxydm=91320594MA1Q2W3E4U"
        )
    );
    assert_eq!(r.raw_masked, None);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
}

#[test]
fn url_gbk_english_keys() {
    let r = parse("url_gbk_english.txt");
    assert_eq!(r.format, SiPayloadFormat::Url);
    assert_eq!(r.name, s("李四"));
    assert_eq!(r.id_masked, s("320***********3622"));
    assert_eq!(r.id_valid, Some(true));
    assert_eq!(r.insured_place, s("苏州市姑苏区"));
    assert_eq!(r.months_paid, Some(6));
    assert_eq!(r.period_start, s("2025-05"));
    assert_eq!(r.period_end, s("2025-10"));
    assert_eq!(r.employer_name, s("苏州某某呼叫中心有限公司"));
    assert_eq!(r.employer_uscc_valid, Some(true));
    assert!(
        r.verify_url
            .as_deref()
            .unwrap()
            .contains("idNo=320***********3622")
    );
    assert_eq!(
        r.problems,
        vec!["URL is percent-encoded in GBK/GB18030, not UTF-8"]
    );
}

#[test]
fn url_raw_with_fragment() {
    let r = parse("url_raw_fragment.txt");
    assert_eq!(r.format, SiPayloadFormat::Url);
    assert_eq!(r.name, s("王五"));
    assert_eq!(r.id_masked, s("110***********002X"));
    assert_eq!(r.id_valid, Some(true));
    assert_eq!(r.insured_place, s("苏州高新区"));
    assert_eq!(r.period_start, s("2024-11"));
    assert_eq!(r.period_end, s("2025-10"));
    assert_eq!(r.months_paid, Some(12));
    assert_eq!(r.employer_uscc, s("91320508MA1TTY5R6L"));
    assert_eq!(r.employer_uscc_valid, Some(true));
    assert!(
        r.verify_url
            .as_deref()
            .unwrap()
            .starts_with("https://si.example.gov.cn/#/verify?xm=王五&idcard=110***********002X&")
    );
    // Upper- and lowercase X hash alike.
    assert_eq!(r.id_hash, Some(hasher().hash_id("11010519491231002X")));
}

#[test]
fn json_nested_under_data() {
    let r = parse("json_nested.txt");
    assert_eq!(r.format, SiPayloadFormat::Json);
    assert_eq!(r.name, s("赵六"));
    assert_eq!(r.id_masked, s("320***********0038"));
    assert_eq!(r.id_valid, Some(true));
    assert!(r.id_hash.is_some());
    assert_eq!(r.insured_place, s("苏州工业园区"));
    assert_eq!(
        r.insurance_types,
        vec!["养老", "医疗", "失业", "工伤", "生育"]
    );
    assert_eq!(r.months_paid, Some(12));
    assert_eq!(r.period_start, s("2024-11"));
    assert_eq!(r.period_end, s("2025-10"));
    assert_eq!(r.employer_name, s("苏州某某信息科技有限公司"));
    assert_eq!(r.employer_uscc_valid, Some(true));
    assert_eq!(r.verify_url, None);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
}

#[test]
fn json_chinese_keys_months_derived() {
    let r = parse("json_chinese_keys.txt");
    assert_eq!(r.format, SiPayloadFormat::Json);
    assert_eq!(r.name, s("孙七"));
    assert_eq!(r.id_masked, s("440***********0065"));
    assert_eq!(r.insured_place, s("苏州市姑苏区"));
    assert_eq!(r.insurance_types, vec!["养老", "医疗"]);
    // No 缴费月数 given: derived from 2025-01..2025-10 inclusive.
    assert_eq!(r.months_paid, Some(10));
    assert_eq!(r.employer_uscc, s("91320505MA2N8K7L11"));
    assert!(r.problems.is_empty(), "{:?}", r.problems);
}

#[test]
fn lines_with_full_width_colons() {
    let r = parse("lines_fullwidth.txt");
    assert_eq!(r.format, SiPayloadFormat::Lines);
    assert_eq!(r.name, s("张三"));
    assert_eq!(r.id_masked, s("320***********2016"));
    assert_eq!(r.id_valid, Some(true));
    assert_eq!(r.id_hash, Some(hasher().hash_id("320508198803152016")));
    assert_eq!(r.insured_place, s("苏州工业园区"));
    assert_eq!(
        r.insurance_types,
        vec!["养老", "医疗", "失业", "工伤", "生育"]
    );
    assert_eq!(r.months_paid, Some(10));
    assert_eq!(r.period_start, s("2025-01"));
    assert_eq!(r.period_end, s("2025-10"));
    assert_eq!(r.employer_name, s("苏州某某信息科技有限公司"));
    assert_eq!(r.employer_uscc_valid, Some(true));
    assert!(r.problems.is_empty(), "{:?}", r.problems);
}

#[test]
fn lines_traditional_characters() {
    let r = parse("lines_traditional.txt");
    assert_eq!(r.format, SiPayloadFormat::Lines);
    // Names and employer names are kept as written; the insured place is simplified so it
    // compares with the profile's list of local places.
    assert_eq!(r.name, s("陳小明"));
    assert_eq!(r.id_masked, s("320***********3622"));
    assert_eq!(r.id_valid, Some(true));
    assert_eq!(r.insured_place, s("苏州高新区"));
    assert_eq!(r.months_paid, Some(6));
    assert_eq!(r.period_start, s("2025-05"));
    assert_eq!(r.period_end, s("2025-10"));
    assert_eq!(r.employer_name, s("蘇州某某呼叫中心有限公司"));
    assert_eq!(r.employer_uscc, s("91320505MA2N8K7L11"));
    assert_eq!(r.employer_uscc_valid, Some(true));
    assert!(r.problems.is_empty(), "{:?}", r.problems);
}

#[test]
fn lines_on_one_line_with_disagreements() {
    let r = parse("lines_one_line.txt");
    assert_eq!(r.format, SiPayloadFormat::Lines);
    assert_eq!(r.name, s("王五"));
    // Written in groups: 3201 0219 9001 0112 32.
    assert_eq!(r.id_masked, s("320***********1232"));
    assert_eq!(r.id_valid, Some(true));
    assert_eq!(r.insured_place, s("苏州工业园区"));
    // Given 12, the period says 10: the given number is kept, with a problem.
    assert_eq!(r.months_paid, Some(12));
    assert_eq!(r.period_start, s("2025-01"));
    assert_eq!(r.period_end, s("2025-10"));
    assert_eq!(r.employer_name, s("苏州某某科技有限公司"));
    assert_eq!(r.employer_uscc, s("91320508MA1TTY5R6M"));
    assert_eq!(r.employer_uscc_valid, Some(false));
    assert_eq!(
        r.problems,
        vec![
            "months paid (12) disagrees with the paid period (10 months); the given number was kept",
            "credit code fails the GB 32100 check character",
        ]
    );
}

#[test]
fn lines_legacy_15_digit_id() {
    let r = parse("lines_legacy15.txt");
    assert_eq!(r.format, SiPayloadFormat::Lines);
    assert_eq!(r.id_masked, s("320********1123"));
    // No check digit to verify.
    assert_eq!(r.id_valid, None);
    // Hashed as its 18-character form, so the same person matches either way.
    let upgraded = hecha_core::capture::ids::upgrade_legacy15("320102900101123").unwrap();
    assert_eq!(r.id_hash, Some(hasher().hash_id(&upgraded)));
    // 连续缴费月数 is preferred over 累计缴费月数.
    assert_eq!(r.months_paid, Some(36));
    assert_eq!(
        r.problems,
        vec!["15-digit legacy ID number: it has no check digit to verify"]
    );
}

#[test]
fn unknown_layout_is_kept_masked() {
    let r = parse("unknown_opaque.txt");
    assert_eq!(r.format, SiPayloadFormat::Unknown);
    assert_eq!(
        r.raw_masked,
        s("SIQR1|v2|320***********0038|eyJzaWciOiJleGFtcGxlIn0=|13800138000")
    );
    assert_eq!(
        r,
        SiRecord {
            format: SiPayloadFormat::Unknown,
            raw_masked: r.raw_masked.clone(),
            ..Default::default()
        }
    );
}

#[test]
fn without_a_hasher_there_is_no_hash() {
    let r = parse_si_payload(&fixture("lines_fullwidth.txt"), None);
    assert_eq!(r.id_hash, None);
    assert_eq!(r.id_masked, s("320***********2016"));
}

#[test]
fn bad_values_become_problems() {
    let r = parse_si_payload(
        "姓名：张三\n公民身份号码：320508198803152017\n缴费月数：十二\n缴费起止：2025年10月至2025年01月",
        None,
    );
    assert_eq!(r.format, SiPayloadFormat::Lines);
    assert_eq!(r.id_valid, Some(false));
    assert_eq!(r.months_paid, None);
    assert_eq!(r.period_start, None);
    assert_eq!(
        r.problems,
        vec![
            "ID number fails the GB 11643 check digit",
            "months paid not a number",
            "paid period ends before it starts"
        ]
    );
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains("320508198803152017"));
}

#[test]
fn url_without_fields_is_unknown_but_masked() {
    let r = parse_si_payload(
        "https://si.example.gov.cn/v/%33%32%30508198803152016?token=abc",
        None,
    );
    assert_eq!(r.format, SiPayloadFormat::Unknown);
    assert_eq!(
        r.raw_masked,
        s("https://si.example.gov.cn/v/320***********2016?token=abc")
    );
    assert_eq!(r.verify_url, None);
}

#[test]
fn broken_json_and_empty_input() {
    let r = parse_si_payload("{\"xm\": \"张三\", \"sfzh\": \"320508198803152016\"", None);
    assert_eq!(r.format, SiPayloadFormat::Unknown);
    assert!(
        !r.raw_masked
            .as_deref()
            .unwrap()
            .contains("320508198803152016")
    );
    assert_eq!(
        r.problems,
        vec!["payload looks like JSON but does not parse"]
    );
    let r = parse_si_payload("  \n", None);
    assert_eq!(r.format, SiPayloadFormat::Unknown);
    assert_eq!(r.problems, vec!["empty payload"]);
}

#[test]
fn huge_payload_is_capped() {
    let text = format!(
        "姓名：张三\n公民身份号码：320508198803152016\n备注：{}",
        "很长".repeat(20_000)
    );
    let r = parse_si_payload(&text, None);
    assert_eq!(r.format, SiPayloadFormat::Lines);
    assert_eq!(r.name, s("张三"));
    assert_eq!(
        r.problems[0],
        "payload longer than 16 KiB; only the first 16 KiB were read"
    );
}

#[test]
fn the_briefs_example_url() {
    // Unencoded, with a check digit that does not match and a placeholder credit code.
    let r = parse_si_payload(
        "https://si.jshrss.gov.cn/verify?xm=张三&sfzh=320102199001011234&cbd=苏州工业园区&jfys=12&dwmc=苏州某某科技有限公司&tyshxydm=91320594MA1XXXXXXX",
        Some(&hasher()),
    );
    assert_eq!(r.format, SiPayloadFormat::Url);
    assert_eq!(r.name, s("张三"));
    assert_eq!(r.id_masked, s("320***********1234"));
    assert_eq!(r.id_valid, Some(false));
    // A mistyped number is still hashed: the same mistyping matches itself.
    assert!(r.id_hash.is_some());
    assert_eq!(r.insured_place, s("苏州工业园区"));
    assert_eq!(r.months_paid, Some(12));
    assert_eq!(r.employer_uscc_valid, Some(false));
    assert_eq!(
        r.verify_url.as_deref(),
        Some(
            "https://si.jshrss.gov.cn/verify?xm=张三&sfzh=320***********1234&cbd=苏州工业园区&jfys=12\
             &dwmc=苏州某某科技有限公司&tyshxydm=91320594MA1XXXXXXX"
        )
    );
    assert_eq!(
        r.problems,
        vec![
            "ID number fails the GB 11643 check digit",
            "credit code fails the GB 32100 check character"
        ]
    );
    assert!(
        !serde_json::to_string(&r)
            .unwrap()
            .contains("320102199001011234")
    );
}

/// Text the QR decoder read in a guessed charset (GBK bytes without ECI read as Shift_JIS
/// would give this): no layout recognises it, so it stays for a person to review, saying
/// why, and is never taken for someone's record.
#[test]
fn guessed_unrecognised_text_needs_review() {
    let misread = "ﾐﾕﾃ�ｺ ﾕﾅﾎｰ\n320102199001011232";
    let r = parse_si_decoded(misread, Some("Shift_JIS"), Some(&hasher()));
    assert_eq!(r.format, SiPayloadFormat::Unknown);
    assert_eq!((&r.name, &r.id_masked, &r.id_hash), (&None, &None, &None));
    assert_eq!(r.charset_guessed, s("Shift_JIS"));
    assert_eq!(
        r.problems,
        [
            "QR text in a guessed character set (Shift_JIS) and no known layout: it may be misread; check the certificate itself"
        ]
    );
    assert!(!r.raw_masked.unwrap().contains("320102199001011232"));
}

/// A guessed text that parses was read right where it matters (its labels); the record is
/// kept, and keeps the guess.
#[test]
fn guessed_text_that_parses_keeps_the_guess() {
    let r = parse_si_decoded(&fixture("lines_fullwidth.txt"), Some("GB18030"), None);
    assert_eq!(r.format, SiPayloadFormat::Lines);
    assert_eq!(r.charset_guessed, s("GB18030"));
    let plain = parse_si_payload(&fixture("lines_fullwidth.txt"), None);
    assert_eq!(
        r,
        SiRecord {
            charset_guessed: s("GB18030"),
            ..plain.clone()
        }
    );
    assert_eq!(
        parse_si_decoded(&fixture("lines_fullwidth.txt"), None, None),
        plain
    );
}

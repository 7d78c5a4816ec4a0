//! Parsing the payload of the QR code on a social-insurance certificate (社会保险参保缴费证明)
//! into a masked [`SiRecord`].
//!
//! Three layouts are recognised — a verification URL with query parameters, a JSON object,
//! and labelled text lines — and anything else is kept as masked raw text for a human to
//! review. Whatever the layout, the full ID number never reaches the record (个人信息保护法;
//! requirements, "Personal data"): it is masked with [`mask_id`], hashed with the
//! authority's key when a [`PersonHasher`] is given, and every free-text value stored goes
//! through [`mask_id_like`] last.
//!
//! The parser never fails and never panics: what it cannot read becomes a `problems` entry.
//!
//! Text that hecha's QR decoder read in a guessed character set goes through
//! [`parse_si_decoded`], which keeps the guess on the record and leaves an unrecognised
//! guessed payload to a person.

mod json;
mod lines;
mod period;
mod url;

use super::ids::{IdError, normalize_code, to_half_width, validate_resident_id, validate_uscc};
use super::pii::{PersonHasher, mask_id, mask_id_like};
use crate::model::{SiPayloadFormat, SiRecord};

/// Longest payload read. A QR code holds at most 2,953 bytes (version 40, binary), so real
/// payloads are far below this; the cap keeps a hostile or mis-decoded input cheap.
pub const MAX_PAYLOAD_BYTES: usize = 16 * 1024;

/// Longest field value kept, in characters; longer values are cut (after masking).
const MAX_VALUE_CHARS: usize = 200;

/// Most insurance types kept (there are five: 养老, 医疗, 失业, 工伤, 生育; some
/// certificates split them further).
const MAX_TYPES: usize = 16;

/// Most months paid believed (a hundred years).
const MAX_MONTHS: u32 = 1200;

/// The fields of a certificate, whatever the layout names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    Id,
    Place,
    Types,
    /// 连续缴费月数: preferred, the rules count consecutive months.
    MonthsConsecutive,
    /// 缴费月数.
    Months,
    /// 累计缴费月数: the lifetime total, used only when nothing better is given.
    MonthsTotal,
    Period,
    Start,
    End,
    Employer,
    Uscc,
}

impl Field {
    /// How a problem names the field (English, never the value).
    fn label(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Id => "ID number",
            Self::Place => "insured place",
            Self::Types => "insurance types",
            Self::MonthsConsecutive | Self::Months | Self::MonthsTotal => "months paid",
            Self::Period => "paid period",
            Self::Start => "period start",
            Self::End => "period end",
            Self::Employer => "employer name",
            Self::Uscc => "employer credit code",
        }
    }
}

/// Chinese labels (simplified; traditional text is mapped by [`simplify`] before lookup).
const CHINESE_LABELS: &[(&str, Field)] = &[
    ("姓名", Field::Name),
    ("参保人", Field::Name),
    ("公民身份号码", Field::Id),
    ("身份证号码", Field::Id),
    ("身份证号", Field::Id),
    ("证件号码", Field::Id),
    // By the Social Insurance Law (社会保险法 §58) the social security number is the
    // resident ID number.
    ("社会保障号码", Field::Id),
    ("参保地区", Field::Place),
    ("参保地", Field::Place),
    ("参保险种", Field::Types),
    ("险种", Field::Types),
    ("连续缴费月数", Field::MonthsConsecutive),
    ("累计缴费月数", Field::MonthsTotal),
    ("缴费月数", Field::Months),
    ("缴费起止年月", Field::Period),
    ("缴费起止", Field::Period),
    ("缴费期间", Field::Period),
    ("缴费年月", Field::Period),
    ("起始年月", Field::Start),
    ("缴费起始年月", Field::Start),
    ("截止年月", Field::End),
    ("缴费截止年月", Field::End),
    ("单位名称", Field::Employer),
    ("参保单位", Field::Employer),
    ("统一社会信用代码", Field::Uscc),
    ("社会信用代码", Field::Uscc),
];

/// Pinyin abbreviations and English keys used in URLs and JSON, compared after
/// [`key_form`] (lowercase, no `_`, `-` or spaces).
const LATIN_KEYS: &[(&str, Field)] = &[
    ("xm", Field::Name),
    ("name", Field::Name),
    ("xingming", Field::Name),
    // Item codes of the national social-insurance information system (AAC003 姓名,
    // AAC002 公民身份号码, AAB004 单位名称).
    ("aac003", Field::Name),
    ("sfzh", Field::Id),
    ("sfzhm", Field::Id),
    ("zjhm", Field::Id),
    ("gmsfhm", Field::Id),
    ("idcard", Field::Id),
    ("idno", Field::Id),
    ("idnumber", Field::Id),
    ("idcardno", Field::Id),
    ("aac002", Field::Id),
    ("cbd", Field::Place),
    ("cbdq", Field::Place),
    ("place", Field::Place),
    ("insuredplace", Field::Place),
    ("xz", Field::Types),
    ("cbxz", Field::Types),
    ("types", Field::Types),
    ("insurancetypes", Field::Types),
    ("insurance", Field::Types),
    ("jfys", Field::Months),
    ("months", Field::Months),
    ("monthspaid", Field::Months),
    ("lxjfys", Field::MonthsConsecutive),
    ("ljjfys", Field::MonthsTotal),
    ("jfqj", Field::Period),
    ("period", Field::Period),
    ("qsny", Field::Start),
    ("start", Field::Start),
    ("startmonth", Field::Start),
    ("jzny", Field::End),
    ("end", Field::End),
    ("endmonth", Field::End),
    ("dwmc", Field::Employer),
    ("company", Field::Employer),
    ("companyname", Field::Employer),
    ("employer", Field::Employer),
    ("employername", Field::Employer),
    ("aab004", Field::Employer),
    ("tyshxydm", Field::Uscc),
    ("xydm", Field::Uscc),
    ("shxydm", Field::Uscc),
    ("uscc", Field::Uscc),
    ("creditcode", Field::Uscc),
];

/// Traditional characters met in certificate labels and places (Hong Kong / Taiwan
/// software, or a template set in traditional type) to their simplified forms. A small
/// table on purpose: names and employer names are kept as written.
pub(crate) fn simplify(c: char) -> char {
    match c {
        '繳' => '缴',
        '費' => '费',
        '數' => '数',
        '參' => '参',
        '單' => '单',
        '稱' => '称',
        '統' => '统',
        '會' => '会',
        '碼' => '码',
        '號' => '号',
        '險' => '险',
        '種' => '种',
        '證' => '证',
        '計' => '计',
        '續' => '续',
        '連' => '连',
        '間' => '间',
        '區' => '区',
        '業' => '业',
        '園' => '园',
        '蘇' => '苏',
        '醫' => '医',
        '療' => '疗',
        '養' => '养',
        '傷' => '伤',
        '歲' => '岁',
        '處' => '处',
        '縣' => '县',
        '鎮' => '镇',
        '崑' => '昆',
        '陽' => '阳',
        '東' => '东',
        '廣' => '广',
        '門' => '门',
        '華' => '华',
        '寧' => '宁',
        '濟' => '济',
        '開' => '开',
        '發' => '发',
        '億' => '亿',
        '與' => '与',
        '個' => '个',
        '時' => '时',
        '職' => '职',
        '員' => '员',
        '齡' => '龄',
        '類' => '类',
        '別' => '别',
        _ => c,
    }
}

fn simplify_str(s: &str) -> String {
    s.chars().map(simplify).collect()
}

/// A URL or JSON key in comparable form.
fn key_form(key: &str) -> String {
    to_half_width(key)
        .chars()
        .map(simplify)
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field a URL or JSON key names, in pinyin, English or Chinese.
fn field_for_key(key: &str) -> Option<Field> {
    let k = key_form(key);
    LATIN_KEYS
        .iter()
        .chain(CHINESE_LABELS)
        .find(|(name, _)| *name == k)
        .map(|(_, f)| *f)
}

/// What a layout found: fields in the order met (raw values, full ID included: never
/// `Debug`, never stored), and problems.
#[derive(Default)]
struct Found {
    fields: Vec<(Field, String)>,
    problems: Vec<String>,
}

impl Found {
    fn push(&mut self, field: Field, value: impl Into<String>) {
        self.fields.push((field, value.into()));
    }

    fn problem(&mut self, p: impl Into<String>) {
        let p = p.into();
        if !self.problems.contains(&p) {
            self.problems.push(p);
        }
    }
}

/// Parses a QR payload read from a social-insurance certificate. Never fails: unreadable
/// parts become `problems`, and an unrecognised layout gives `format = Unknown` with the
/// masked raw text. The hash of the ID number is filled only when `hasher` is given.
pub fn parse_si_payload(text: &str, hasher: Option<&PersonHasher>) -> SiRecord {
    let mut pre = Found::default();
    let text = cap(text, &mut pre);
    let text = text.trim_start_matches('\u{FEFF}').trim();
    if text.is_empty() {
        return SiRecord {
            problems: vec!["empty payload".into()],
            ..unknown(text, pre.problems)
        };
    }

    if let Some(parsed) = url::parse(text) {
        if parsed.found.fields.is_empty() {
            let mut problems = pre.problems;
            problems.push("verification URL carries no certificate fields".into());
            problems.extend(parsed.found.problems);
            return SiRecord {
                raw_masked: Some(parsed.masked),
                problems,
                format: SiPayloadFormat::Unknown,
                ..Default::default()
            };
        }
        let mut record = build(SiPayloadFormat::Url, pre, parsed.found, hasher);
        record.verify_url = Some(parsed.masked);
        return record;
    }

    if text.starts_with('{') || text.starts_with('[') {
        match json::parse(text) {
            Some(found) if !found.fields.is_empty() => {
                return build(SiPayloadFormat::Json, pre, found, hasher);
            }
            Some(_) => pre.problem("JSON payload has no certificate fields"),
            None => pre.problem("payload looks like JSON but does not parse"),
        }
    }

    let found = lines::parse(text);
    if !found.fields.is_empty() {
        return build(SiPayloadFormat::Lines, pre, found, hasher);
    }
    unknown(text, pre.problems)
}

/// Parses the text of a QR code that hecha decoded ([`crate::capture::qr`]), given the
/// charset the decoder guessed for it (`guessed`, from [`TextEncoding::guessed`]; `None`
/// when the code defined its charset). A guessed text may be the right code turned into
/// the wrong characters, so the record keeps the guess (`charset_guessed`), and one that no
/// layout recognises is said to be so: it stays `Unknown` — only a person can read it —
/// never taken for a person's record. A guessed text that parses is kept: its labels or
/// keys were read right, so were its values, most likely; the guess stays on the record.
///
/// [`TextEncoding::guessed`]: crate::capture::qr::TextEncoding::guessed
pub fn parse_si_decoded(
    text: &str,
    guessed: Option<&str>,
    hasher: Option<&PersonHasher>,
) -> SiRecord {
    let mut record = parse_si_payload(text, hasher);
    if let Some(charset) = guessed {
        if record.format == SiPayloadFormat::Unknown {
            record.problems.push(format!(
                "QR text in a guessed character set ({charset}) and no known layout: it may be misread; check the certificate itself"
            ));
        }
        record.charset_guessed = Some(charset.to_owned());
    }
    record
}

/// Cuts `text` to [`MAX_PAYLOAD_BYTES`] on a character boundary. A digit run at the cut is
/// dropped too, so that a cut-off ID number (too short to be recognised and masked) cannot
/// survive.
fn cap<'a>(text: &'a str, found: &mut Found) -> &'a str {
    if text.len() <= MAX_PAYLOAD_BYTES {
        return text;
    }
    let mut end = MAX_PAYLOAD_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    found.problem(format!(
        "payload longer than {} KiB; only the first {} KiB were read",
        MAX_PAYLOAD_BYTES / 1024,
        MAX_PAYLOAD_BYTES / 1024
    ));
    text[..end].trim_end_matches(|c: char| {
        c.is_ascii_digit()
            || ('\u{FF10}'..='\u{FF19}').contains(&c)
            || matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ')
    })
}

fn unknown(text: &str, problems: Vec<String>) -> SiRecord {
    SiRecord {
        format: SiPayloadFormat::Unknown,
        raw_masked: Some(mask_id_like(text)),
        problems,
        ..Default::default()
    }
}

/// A free-text value as stored: trimmed, ID-like sequences masked, then cut to
/// [`MAX_VALUE_CHARS`] (masking first, so a cut cannot leave part of a number unmasked).
fn clean_text(raw: &str, field: Field, problems: &mut Found) -> Option<String> {
    let trimmed = raw.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '：' | ';' | '；' | ',' | '，' | '|')
    });
    if trimmed.is_empty() {
        return None;
    }
    let masked = mask_id_like(trimmed);
    if masked.chars().count() > MAX_VALUE_CHARS {
        problems.problem(format!(
            "{} longer than {MAX_VALUE_CHARS} characters; cut",
            field.label()
        ));
        return Some(masked.chars().take(MAX_VALUE_CHARS).collect());
    }
    Some(masked)
}

/// The first value of each field; a second, different value is reported.
fn first_value(found: &Found, field: Field, problems: &mut Found) -> Option<String> {
    let mut values = found
        .fields
        .iter()
        .filter(|(f, v)| *f == field && !v.trim().is_empty())
        .map(|(_, v)| v.trim());
    let first = values.next()?;
    if values.any(|v| v != first) {
        problems.problem(format!(
            "several values for {}; the first was kept",
            field.label()
        ));
    }
    Some(first.to_owned())
}

/// The ID number in a field value: half-width, uppercase, separators removed; if that is
/// not 15 or 18 characters, the first ID-shaped run inside it.
fn id_candidate(raw: &str) -> String {
    let norm: String = to_half_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{2010}' | '\u{2011}'))
        .collect::<String>()
        .to_ascii_uppercase();
    let n = norm.chars().count();
    if n == 15 || n == 18 {
        return norm;
    }
    let chars: Vec<char> = norm.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let len = i - start;
            if len == 18 || len == 15 {
                return chars[start..i].iter().collect();
            }
            if len == 17 && chars.get(i) == Some(&'X') {
                return chars[start..=i].iter().collect();
            }
        } else {
            i += 1;
        }
    }
    norm
}

fn parse_months(raw: &str, problems: &mut Found) -> Option<u32> {
    let s = to_half_width(raw);
    let s = s.trim();
    let s = s
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '个' | '個' | '月'))
        .trim();
    if s.is_empty() || s.len() > 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        problems.problem("months paid not a number");
        return None;
    }
    match s.parse::<u32>() {
        Ok(n) if n <= MAX_MONTHS => Some(n),
        _ => {
            problems.problem(format!("months paid above {MAX_MONTHS}; not believed"));
            None
        }
    }
}

/// Turns what a layout found into the record.
fn build(
    format: SiPayloadFormat,
    pre: Found,
    found: Found,
    hasher: Option<&PersonHasher>,
) -> SiRecord {
    let mut p = Found {
        fields: Vec::new(),
        problems: pre.problems,
    };
    for q in &found.problems {
        p.problem(q.clone());
    }
    let mut r = SiRecord {
        format,
        ..Default::default()
    };

    r.name =
        first_value(&found, Field::Name, &mut p).and_then(|v| clean_text(&v, Field::Name, &mut p));

    if let Some(raw) = first_value(&found, Field::Id, &mut p) {
        let id = id_candidate(&raw);
        if !id.is_empty() {
            r.id_masked = Some(mask_id(&id));
            let shaped = match validate_resident_id(&id) {
                Ok(()) => {
                    r.id_valid = Some(true);
                    true
                }
                Err(IdError::Legacy15) => {
                    p.problem(IdError::Legacy15.to_string());
                    true
                }
                Err(e @ (IdError::Length { .. } | IdError::Characters)) => {
                    r.id_valid = Some(false);
                    p.problem(e.to_string());
                    false
                }
                Err(e) => {
                    r.id_valid = Some(false);
                    p.problem(e.to_string());
                    true
                }
            };
            // Only something shaped like an ID number is worth hashing: a hash of garbage
            // would never match anyone.
            if shaped && let Some(h) = hasher {
                r.id_hash = Some(h.hash_id(&id));
            }
        }
    } else {
        p.problem("no ID number");
    }

    r.insured_place = first_value(&found, Field::Place, &mut p)
        .and_then(|v| clean_text(&simplify_str(&v), Field::Place, &mut p));

    if let Some(v) = first_value(&found, Field::Types, &mut p) {
        let masked = mask_id_like(&simplify_str(&v));
        let mut types: Vec<String> = Vec::new();
        for t in masked.split(|c: char| {
            c.is_whitespace()
                || matches!(c, '、' | ',' | '，' | '/' | '／' | ';' | '；' | '|' | '+')
        }) {
            let t = t.trim();
            if !t.is_empty() && !types.iter().any(|k| k == t) {
                types.push(t.chars().take(32).collect());
            }
        }
        if types.len() > MAX_TYPES {
            p.problem(format!(
                "more than {MAX_TYPES} insurance types; the rest dropped"
            ));
            types.truncate(MAX_TYPES);
        }
        r.insurance_types = types;
    }

    let given = [Field::MonthsConsecutive, Field::Months, Field::MonthsTotal]
        .into_iter()
        .find_map(|f| first_value(&found, f, &mut p))
        .and_then(|v| parse_months(&v, &mut p));

    let (mut start, mut end) = (None, None);
    if let Some(v) = first_value(&found, Field::Period, &mut p) {
        let (s, e, problem) = period::period(&v);
        (start, end) = (s, e);
        if let Some(problem) = problem {
            p.problem(problem.message());
        }
    }
    for (field, slot) in [(Field::Start, &mut start), (Field::End, &mut end)] {
        if let Some(v) = first_value(&found, field, &mut p) {
            match period::year_months(&v).first() {
                Some(ym) if slot.is_none() => *slot = Some(*ym),
                Some(ym) if *slot != Some(*ym) => {
                    p.problem(format!("{} disagrees with the paid period", field.label()))
                }
                Some(_) => {}
                None => p.problem(format!("{} is not a year-month", field.label())),
            }
        }
    }
    let derived = match (start, end) {
        (Some(s), Some(e)) => {
            let n = s.months_through(e);
            if n.is_none() {
                p.problem(period::PeriodProblem::Reversed.message());
            }
            n
        }
        _ => None,
    };
    r.period_start = start.map(period::YearMonth::iso);
    r.period_end = end.map(period::YearMonth::iso);
    r.months_paid = match (given, derived) {
        (Some(g), Some(d)) if g != d => {
            p.problem(format!("months paid ({g}) disagrees with the paid period ({d} months); the given number was kept"));
            Some(g)
        }
        (Some(g), _) => Some(g),
        (None, d) => d,
    };

    r.employer_name = first_value(&found, Field::Employer, &mut p)
        .and_then(|v| clean_text(&v, Field::Employer, &mut p));

    if let Some(v) = first_value(&found, Field::Uscc, &mut p) {
        let code: String = normalize_code(&v)
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let valid = validate_uscc(&code);
        if let Err(e) = valid {
            p.problem(e.to_string());
        }
        r.employer_uscc_valid = Some(valid.is_ok());
        // A personal ID number typed into the credit-code field is masked like anywhere else.
        r.employer_uscc = clean_text(&code, Field::Uscc, &mut p);
    }

    r.problems = p.problems;
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_in_any_script() {
        assert_eq!(field_for_key("XM"), Some(Field::Name));
        assert_eq!(field_for_key("id_no"), Some(Field::Id));
        assert_eq!(field_for_key("idNo"), Some(Field::Id));
        assert_eq!(field_for_key("公民身份號碼"), Some(Field::Id));
        assert_eq!(field_for_key("繳費月數"), Some(Field::Months));
        assert_eq!(field_for_key("統一社會信用代碼"), Some(Field::Uscc));
        assert_eq!(field_for_key("ｔｙｓｈｘｙｄｍ"), Some(Field::Uscc));
        assert_eq!(field_for_key("id"), None);
    }

    #[test]
    fn months_values() {
        let mut p = Found::default();
        assert_eq!(parse_months("12", &mut p), Some(12));
        assert_eq!(parse_months(" 12个月", &mut p), Some(12));
        assert_eq!(parse_months("１０", &mut p), Some(10));
        assert!(p.problems.is_empty());
        assert_eq!(parse_months("twelve", &mut p), None);
        assert_eq!(parse_months("99999", &mut p), None);
        assert_eq!(p.problems.len(), 2);
    }

    #[test]
    fn id_candidates() {
        assert_eq!(id_candidate("3201 0219 9001 0112 32"), "320102199001011232");
        assert_eq!(id_candidate("11010519491231002x"), "11010519491231002X");
        assert_eq!(
            id_candidate("号码11010519491231002x（有效）"),
            "11010519491231002X"
        );
    }

    #[test]
    fn cap_drops_a_cut_number() {
        let mut text = "a".repeat(MAX_PAYLOAD_BYTES - 10);
        text.push_str("320102199001011232");
        let mut f = Found::default();
        let capped = cap(&text, &mut f);
        assert!(capped.ends_with('a'));
        assert_eq!(f.problems.len(), 1);
    }
}

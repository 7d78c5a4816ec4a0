//! Labelled text lines: `姓名：张三`, `公民身份号码：…`, separators `:` `：` `=` or
//! whitespace, several fields per line separated by spaces, tabs, `;` or `；`, labels
//! spaced out for alignment (`姓　　名：`), traditional characters.

use super::{CHINESE_LABELS, Field, Found, simplify};
use crate::capture::ids::half_width_char;

/// Reads every labelled field of `text`; an empty result means the text is not in this layout.
pub(super) fn parse(text: &str) -> Found {
    let mut found = Found::default();
    for line in text.split(['\n', '\r']) {
        read_line(line, &mut found);
    }
    found
}

/// A label found in a line: where it starts, where its value starts, and its field (`None`
/// for a label we do not know, which only ends the previous value).
struct Label {
    start: usize,
    value_start: usize,
    field: Option<Field>,
}

fn read_line(line: &str, found: &mut Found) {
    let orig: Vec<char> = line.chars().collect();
    // Same length as `orig`: every mapping is one character to one character.
    let norm: Vec<char> = orig.iter().map(|c| simplify(half_width_char(*c))).collect();
    let n = norm.len();
    let boundary = |i: usize| {
        i == 0 || norm[i - 1].is_whitespace() || matches!(norm[i - 1], ';' | ',' | '|' | '、')
    };

    let mut labels: Vec<Label> = Vec::new();
    let mut i = 0;
    while i < n {
        if boundary(i) {
            if let Some((field, end)) = match_label(&norm, i) {
                let mut j = end;
                while j < n && norm[j].is_whitespace() {
                    j += 1;
                }
                let value_start = if j < n && matches!(norm[j], ':' | '=') {
                    Some(j + 1)
                } else if j > end {
                    Some(j)
                } else {
                    None
                };
                if let Some(value_start) = value_start {
                    labels.push(Label {
                        start: i,
                        value_start,
                        field: Some(field),
                    });
                    i = value_start;
                    continue;
                }
            }
            if let Some(end) = unknown_label(&norm, i) {
                labels.push(Label {
                    start: i,
                    value_start: end + 1,
                    field: None,
                });
                i = end + 1;
                continue;
            }
        }
        i += 1;
    }

    for (k, label) in labels.iter().enumerate() {
        let Some(field) = label.field else { continue };
        let end = labels.get(k + 1).map_or(n, |next| next.start);
        let value: String = orig[label.value_start.min(end)..end].iter().collect();
        let value = value.trim_matches(|c: char| {
            c.is_whitespace() || matches!(c, ';' | '；' | ',' | '，' | '|' | '｜' | '、')
        });
        found.push(field, value);
    }
}

/// The longest known label starting at `i`, allowing whitespace between its characters
/// (certificates space short labels out: `姓　　名`). Returns the field and the index after
/// the label.
fn match_label(norm: &[char], i: usize) -> Option<(Field, usize)> {
    let mut best: Option<(usize, Field, usize)> = None;
    for (label, field) in CHINESE_LABELS {
        let mut j = i;
        let mut matched = 0;
        for (k, want) in label.chars().enumerate() {
            if k > 0 {
                while norm.get(j).is_some_and(|c| c.is_whitespace()) {
                    j += 1;
                }
            }
            if norm.get(j) != Some(&want) {
                break;
            }
            j += 1;
            matched += 1;
        }
        let len = label.chars().count();
        if matched == len && best.is_none_or(|(l, _, _)| len > l) {
            best = Some((len, *field, j));
        }
    }
    best.map(|(_, f, end)| (f, end))
}

/// An unknown Chinese label (2–10 CJK characters right before `:`), e.g. `打印日期：`; returns
/// the index of the colon.
fn unknown_label(norm: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    while j < norm.len() && j - i <= 10 && ('\u{4E00}'..='\u{9FFF}').contains(&norm[j]) {
        j += 1;
    }
    (j - i >= 2 && j - i <= 10 && norm.get(j) == Some(&':')).then_some(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<(Field, String)> {
        parse(text).fields
    }

    #[test]
    fn one_per_line() {
        let f = fields("姓名：张三\n公民身份号码: 320102199001011232\r\n缴费月数\t12");
        assert_eq!(
            f,
            vec![
                (Field::Name, "张三".into()),
                (Field::Id, "320102199001011232".into()),
                (Field::Months, "12".into())
            ]
        );
    }

    #[test]
    fn several_per_line_and_unknown_labels() {
        let f = fields(
            "姓名：张三 身份证号：320102199001011232；参保地：苏州工业园区;打印日期：2025-11-01 单位名称：苏州某某 科技有限公司",
        );
        assert_eq!(
            f,
            vec![
                (Field::Name, "张三".into()),
                (Field::Id, "320102199001011232".into()),
                (Field::Place, "苏州工业园区".into()),
                (Field::Employer, "苏州某某 科技有限公司".into())
            ]
        );
    }

    #[test]
    fn spaced_and_traditional_labels() {
        let f = fields("姓　　名：陳大文\n繳費月數：6\n參保險種：養老、醫療\n累計繳費月數：100");
        assert_eq!(
            f,
            vec![
                (Field::Name, "陳大文".into()),
                (Field::Months, "6".into()),
                (Field::Types, "養老、醫療".into()),
                (Field::MonthsTotal, "100".into())
            ]
        );
    }

    #[test]
    fn label_inside_a_word_is_not_a_label() {
        assert!(fields("这是参保地说明").is_empty());
        assert!(fields("hello world").is_empty());
    }
}

//! Property tests of the social-insurance payload parser: no input panics it, and no valid
//! ID number in any input survives into the record.

// Helpers outside #[test] functions are test code too (clippy only exempts #[test] bodies).
#![allow(clippy::unwrap_used)]

use hecha_core::capture::ids::resident_id_check_char;
use hecha_core::capture::pii::PersonHasher;
use hecha_core::capture::si::parse_si_payload;
use proptest::prelude::*;

fn hasher() -> PersonHasher {
    PersonHasher::new("prop", &[7u8; 32]).unwrap()
}

/// A valid 18-character ID number (real province, real date, right check character).
fn valid_id() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["11", "32", "44", "51", "65", "81", "91"]),
        0u32..10_000,
        1930i32..2010,
        1u32..13,
        1u32..29,
        0u32..1000,
        any::<bool>(),
    )
        .prop_map(|(p, r, y, m, d, s, lower)| {
            let body = format!("{p}{r:04}{y:04}{m:02}{d:02}{s:03}");
            let id = format!("{body}{}", resident_id_check_char(&body).unwrap_or('0'));
            if lower { id.to_lowercase() } else { id }
        })
}

/// Text around the ID: arbitrary, or shaped like each layout the parser knows.
fn wrapper() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        (".{0,60}", ".{0,60}"),
        Just((
            "https://si.example.gov.cn/v?xm=张三&sfzh=".to_owned(),
            "&jfys=12".to_owned()
        )),
        Just((
            "https://si.example.gov.cn/v?note=".to_owned(),
            "".to_owned()
        )),
        Just(("https://si.example.gov.cn/".to_owned(), "/x#y".to_owned())),
        Just((
            "{\"data\":{\"xm\":\"张三\",\"sfzh\":\"".to_owned(),
            "\"}}".to_owned()
        )),
        Just(("{\"name\":\"".to_owned(), "\",\"months\":3}".to_owned())),
        Just(("{\"uscc\":\"".to_owned(), "\"}".to_owned())),
        Just((
            "姓名：张三\n公民身份号码：".to_owned(),
            "\n缴费月数：3".to_owned()
        )),
        Just(("姓名：".to_owned(), "\n缴费月数：3".to_owned())),
        Just(("统一社会信用代码：".to_owned(), "".to_owned())),
        Just(("参保险种：养老、".to_owned(), "、医疗".to_owned())),
        Just(("单位名称：".to_owned(), "".to_owned())),
        (".{0,20}", ".{0,20}")
            .prop_map(|(a, b)| (format!("姓名：{a}"), format!("{b}；参保地：苏州"))),
        (".{0,20}", ".{0,20}").prop_map(|(a, b)| (format!("https://x.cn/?dwmc={a}"), b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(s in ".{0,400}") {
        let h = hasher();
        let _ = parse_si_payload(&s, Some(&h));
        let _ = parse_si_payload(&s, None);
    }

    #[test]
    fn arbitrary_structured_text_never_panics(
        s in "(https?://|\\{|\\[|姓名[:：]|公民身份號碼：|缴费起止：|缴费月数：|%|[0-9xX ]|[-~至年月.,;；、]|\\PC){0,120}"
    ) {
        let h = hasher();
        let _ = parse_si_payload(&s, Some(&h));
    }

    #[test]
    fn a_valid_id_never_reaches_the_record(id in valid_id(), (prefix, suffix) in wrapper()) {
        let h = hasher();
        let text = format!("{prefix}{id}{suffix}");
        let record = parse_si_payload(&text, Some(&h));
        let json = serde_json::to_string(&record).unwrap();
        let upper = id.to_uppercase();
        prop_assert!(!json.contains(&id), "full ID in {}", json);
        prop_assert!(!json.contains(&upper), "full ID in {}", json);
        let debug = format!("{record:?}");
        prop_assert!(!debug.contains(&upper));
    }
}

#[test]
fn huge_and_odd_inputs_never_panic() {
    let h = hasher();
    let inputs = [
        "9".repeat(1_000_000),
        "姓名：".repeat(100_000),
        format!("https://x.cn/?{}", "a=%ZZ&".repeat(50_000)),
        "{".repeat(200_000),
        format!("{}{}", "[".repeat(50_000), "]".repeat(50_000)),
        "\u{FEFF}\u{200B}\u{0301}\u{10FFFF}".repeat(20_000),
        "２０２５年".repeat(50_000),
        "3201 ".repeat(100_000),
        "é".repeat(MAXISH) + "320508198803152016",
    ];
    for text in &inputs {
        let r = parse_si_payload(text, Some(&h));
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.len() < 200_000, "record too large: {}", json.len());
        assert!(!json.contains("320508198803152016"));
    }
}

/// Just below the 16 KiB cap (é is 2 bytes), so the ID straddles the cut.
const MAXISH: usize = 16 * 1024 / 2 - 8;

/// Every string leaf of a value, as JSON pointers.
fn string_leaves(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(_) => out.push(at),
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                string_leaves(x, format!("{at}/{i}"), out);
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                string_leaves(
                    x,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        _ => {}
    }
}

/// A full ID number put into every text field of every kind of item the example holds (one
/// field at a time): masked by the core's one masking function, or the item refused when
/// the field is an identifier — never kept. Fields that are not free text (dates, enums,
/// numbers written as strings) refuse the change when the item is read back and are skipped.
#[test]
fn a_full_id_in_any_text_field_of_the_model_is_masked_or_refused() {
    use hecha_core::model::EvidenceItem;
    use hecha_core::model::personal_ids::{full_id_fields, mask_inspection, mask_item};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/suzhou");
    let folder = hecha_core::rehearsal::load_folder(&dir, &hasher()).unwrap();
    let id = "32050819770815061".to_owned()
        + &resident_id_check_char("32050819770815061")
            .unwrap()
            .to_string();
    let (mut masked, mut refused, mut kinds) = (0, 0, std::collections::BTreeSet::new());
    for item in &folder.evidence {
        let value = serde_json::to_value(item).unwrap();
        let mut leaves = Vec::new();
        string_leaves(&value, String::new(), &mut leaves);
        for leaf in leaves {
            let mut v = value.clone();
            let s = v.pointer_mut(&leaf).unwrap();
            *s = serde_json::Value::String(format!("{} {id}", s.as_str().unwrap()));
            let Ok(planted) = serde_json::from_value::<EvidenceItem>(v) else {
                continue;
            };
            kinds.insert(planted.body.kind_name());
            assert!(!full_id_fields(&planted).is_empty(), "{leaf} is scanned");
            match mask_item(&planted) {
                Ok(m) => {
                    masked += 1;
                    let json = serde_json::to_string(&m.value).unwrap();
                    assert!(!json.contains(&id), "{leaf} kept the number");
                    assert!(full_id_fields(&m.value).is_empty(), "{leaf}");
                }
                Err(e) => {
                    refused += 1;
                    assert!(!e.to_string().contains(&id), "{e}");
                }
            }
        }
    }
    assert!(kinds.len() >= 6, "{kinds:?}");
    assert!(
        masked > 40 && refused > 5,
        "masked {masked}, refused {refused}"
    );

    // The inspection's every text field too.
    let value = serde_json::to_value(&folder.inspection).unwrap();
    let mut leaves = Vec::new();
    string_leaves(&value, String::new(), &mut leaves);
    let mut checked = 0;
    for leaf in leaves {
        let mut v = value.clone();
        let s = v.pointer_mut(&leaf).unwrap();
        *s = serde_json::Value::String(format!("{} {id}", s.as_str().unwrap()));
        let Ok(planted) = serde_json::from_value::<hecha_core::model::Inspection>(v) else {
            continue;
        };
        checked += 1;
        if let Ok(m) = mask_inspection(&planted) {
            assert!(
                !serde_json::to_string(&m.value).unwrap().contains(&id),
                "{leaf}"
            );
        }
    }
    assert!(checked > 8, "{checked}");
}

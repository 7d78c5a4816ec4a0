//! RFC 8785 JSON Canonicalization Scheme (JCS) of any `Serialize` value.
//!
//! Our format has no floats: every number that is not an integer is a decimal string
//! (coordinates, areas). [`to_canonical_json`] refuses a non-integer number, and an
//! integer outside ±(2^53 − 1) that JCS (IEEE 754 doubles) could not carry exactly, with
//! the JSON Pointer of the offending value — so a model change that slips in an `f64` is
//! caught at the first seal, never written.

use serde::Serialize;
use serde_json::Value;

/// The largest integer an IEEE 754 double holds exactly (I-JSON, RFC 7493 §2.2).
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Why a value has no canonical form.
#[derive(Debug, thiserror::Error)]
pub enum CanonicalError {
    #[error(
        "JSON number {value} at {pointer:?} is not an integer: the sealed format has no floats \
         (write it as a decimal string, e.g. rust_decimal::Decimal)"
    )]
    Float { pointer: String, value: String },
    #[error(
        "JSON integer {value} at {pointer:?} is outside ±(2^53 − 1) and would not survive \
         canonical JSON exactly (write it as a string)"
    )]
    UnsafeInteger { pointer: String, value: String },
    #[error("value cannot be serialized to JSON: {0}")]
    Serialize(#[from] serde_json::Error),
}

/// The canonical JSON bytes (RFC 8785) of `value`.
pub fn to_canonical_json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, CanonicalError> {
    let value = serde_json::to_value(value)?;
    check_numbers(&value, &mut String::new())?;
    Ok(serde_jcs::to_vec(&value)?)
}

/// The canonical JSON (RFC 8785) of `value`, as a string.
pub fn to_canonical_string<T: Serialize + ?Sized>(value: &T) -> Result<String, CanonicalError> {
    let bytes = to_canonical_json(value)?;
    // serde_jcs writes UTF-8 only; a failure here would be a bug in it, reported not panicked.
    String::from_utf8(bytes).map_err(|e| {
        CanonicalError::Serialize(serde::ser::Error::custom(format!(
            "canonical JSON is not UTF-8: {e}"
        )))
    })
}

/// Lowercase hex SHA-256 of the canonical JSON of `value`.
pub fn canonical_sha256<T: Serialize + ?Sized>(value: &T) -> Result<String, CanonicalError> {
    Ok(super::hash::sha256_hex(&to_canonical_json(value)?))
}

fn check_numbers(value: &Value, pointer: &mut String) -> Result<(), CanonicalError> {
    match value {
        Value::Number(n) => {
            let safe = if let Some(u) = n.as_u64() {
                u <= MAX_SAFE_INTEGER
            } else if let Some(i) = n.as_i64() {
                i.unsigned_abs() <= MAX_SAFE_INTEGER
            } else {
                return Err(CanonicalError::Float {
                    pointer: pointer.clone(),
                    value: n.to_string(),
                });
            };
            if !safe {
                return Err(CanonicalError::UnsafeInteger {
                    pointer: pointer.clone(),
                    value: n.to_string(),
                });
            }
            Ok(())
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                check_numbers(item, pointer)?;
                pointer.truncate(len);
            }
            Ok(())
        }
        Value::Object(map) => {
            for (key, item) in map {
                let len = pointer.len();
                pointer.push('/');
                // RFC 6901 escaping.
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                check_numbers(item, pointer)?;
                pointer.truncate(len);
            }
            Ok(())
        }
        Value::Null | Value::Bool(_) | Value::String(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_and_whitespace_removed() {
        let v = json!({"b": 1, "a": [true, null, "x"], "c": {"z": 0, "y": -3}});
        assert_eq!(
            to_canonical_string(&v).unwrap(),
            r#"{"a":[true,null,"x"],"b":1,"c":{"y":-3,"z":0}}"#
        );
    }

    #[test]
    fn keys_sort_by_utf16_code_units_as_rfc8785_says() {
        // RFC 8785 §3.2.3: "\u{e9}" (é) sorts after "z"; U+1F600 (a surrogate pair,
        // 0xD83D…) sorts before U+FB33 (0xFB33) in UTF-16, unlike in UTF-8 or code points.
        let v = json!({"\u{fb33}": 1, "\u{1f600}": 2, "z": 3, "\u{e9}": 4});
        assert_eq!(
            to_canonical_string(&v).unwrap(),
            "{\"z\":3,\"\u{e9}\":4,\"\u{1f600}\":2,\"\u{fb33}\":1}"
        );
    }

    #[test]
    fn strings_escape_only_what_rfc8785_requires() {
        let v = json!("中\u{1}\"\\/\n");
        assert_eq!(
            to_canonical_string(&v).unwrap(),
            "\"中\\u0001\\\"\\\\/\\n\""
        );
    }

    #[test]
    fn a_float_is_refused_with_its_pointer() {
        let err = to_canonical_json(&json!({"site": {"lat": 31.3}})).unwrap_err();
        match err {
            CanonicalError::Float { pointer, value } => {
                assert_eq!(pointer, "/site/lat");
                assert_eq!(value, "31.3");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            to_canonical_json(&json!([1, 2.0])),
            Err(CanonicalError::Float { pointer, .. }) if pointer == "/1"
        ));
    }

    #[test]
    fn integers_beyond_two_to_the_53_are_refused() {
        assert!(to_canonical_json(&json!(9_007_199_254_740_991u64)).is_ok());
        assert!(matches!(
            to_canonical_json(&json!({"a/b": 9_007_199_254_740_992u64})),
            Err(CanonicalError::UnsafeInteger { pointer, .. }) if pointer == "/a~1b"
        ));
        assert!(to_canonical_json(&json!(-9_007_199_254_740_993i64)).is_err());
    }

    #[test]
    fn decimals_from_the_model_are_strings() {
        let d: rust_decimal::Decimal = "31.2989".parse().unwrap();
        assert_eq!(
            to_canonical_string(&json!({"lat": d})).unwrap(),
            r#"{"lat":"31.2989"}"#
        );
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-(MAX_SAFE_INTEGER as i64)..=MAX_SAFE_INTEGER as i64).prop_map(|i| json!(i)),
            ".*".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(".*", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn canonical_form_is_a_fixed_point_and_parses_back(v in arb_json()) {
            let once = to_canonical_json(&v).unwrap();
            let parsed: Value = serde_json::from_slice(&once).unwrap();
            prop_assert_eq!(&parsed, &v);
            prop_assert_eq!(to_canonical_json(&parsed).unwrap(), once);
        }
    }
}

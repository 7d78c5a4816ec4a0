//! JSON payloads: an object with the certificate fields, possibly nested under `data` (or any
//! other key), keys in Chinese, pinyin or English.

use std::collections::VecDeque;

use serde_json::Value;

use super::{Found, field_for_key};

/// How deep nested objects are searched for fields.
const MAX_DEPTH: usize = 4;

/// Reads `text` as JSON; `None` if it does not parse. serde_json stops at 128 levels of
/// nesting, so a hostile payload cannot exhaust the stack.
pub(super) fn parse(text: &str) -> Option<Found> {
    let root: Value = serde_json::from_str(text).ok()?;
    let mut found = Found::default();
    // Breadth first, so top-level fields win over nested ones.
    let mut queue: VecDeque<(Value, usize)> = VecDeque::from([(root, 0)]);
    let mut strings_reparsed = 0;
    while let Some((value, depth)) = queue.pop_front() {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match (field_for_key(&key), v) {
                        (Some(field), Value::String(s)) => found.push(field, s),
                        (Some(field), Value::Number(n)) => found.push(field, n.to_string()),
                        (Some(field), Value::Array(items)) => {
                            let parts: Vec<String> = items
                                .iter()
                                .filter_map(|i| match i {
                                    Value::String(s) => Some(s.clone()),
                                    Value::Number(n) => Some(n.to_string()),
                                    _ => None,
                                })
                                .collect();
                            found.push(field, parts.join("、"));
                        }
                        (_, v @ (Value::Object(_) | Value::Array(_))) if depth < MAX_DEPTH => {
                            queue.push_back((v, depth + 1))
                        }
                        // Some services double-encode: {"data": "{\"xm\": …}"}.
                        (None, Value::String(s))
                            if depth < MAX_DEPTH
                                && strings_reparsed < 4
                                && s.trim_start().starts_with('{') =>
                        {
                            strings_reparsed += 1;
                            if let Ok(inner) = serde_json::from_str::<Value>(&s) {
                                queue.push_back((inner, depth + 1));
                            }
                        }
                        _ => {}
                    }
                }
            }
            Value::Array(items) => {
                let mut objects = items.into_iter().filter(|i| i.is_object() || i.is_array());
                if let Some(first) = objects.next() {
                    queue.push_back((first, depth + 1));
                }
                if objects.next().is_some() {
                    found.problem("payload holds several records; only the first was read");
                }
            }
            _ => {}
        }
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::super::Field;
    use super::*;

    #[test]
    fn nested_under_data() {
        let f = parse(r#"{"code":0,"data":{"xm":"张三","jfys":12,"xz":["养老","医疗"]}}"#).unwrap();
        assert!(f.fields.contains(&(Field::Name, "张三".into())));
        assert!(f.fields.contains(&(Field::Months, "12".into())));
        assert!(f.fields.contains(&(Field::Types, "养老、医疗".into())));
    }

    #[test]
    fn double_encoded_and_arrays() {
        let f = parse(r#"{"data":"{\"name\":\"李四\"}"}"#).unwrap();
        assert_eq!(f.fields, vec![(Field::Name, "李四".into())]);
        let f = parse(r#"[{"name":"A"},{"name":"B"}]"#).unwrap();
        assert_eq!(f.fields, vec![(Field::Name, "A".into())]);
        assert_eq!(f.problems.len(), 1);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse(&deep).is_none());
    }
}

//! Input checked against the model's JSON Schema (the one `hecha schema` prints), before
//! serde reads it: a field the model does not know, and a date or time not in its format,
//! are refused naming where they are and what was expected.
//!
//! serde alone cannot do it: an evidence item's kind-specific body is `#[serde(flatten)]`ed,
//! and `deny_unknown_fields` does not pass through a flatten, so a typo (`subjct`) was
//! dropped silently. The model's serde stays as it is: what it writes (the canonical JSON,
//! so every digest) does not change, and records read back from storage stay readable. The
//! rehearsal folder, the server's intake and the phone core check what people send.

use serde_json::{Map, Value};

use crate::capture::pii::mask_id_like;
use crate::i18n::Message;
use crate::model::{Lang, Text};

/// Input that does not fit the model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message().render(Lang::En))]
pub enum InputError {
    /// `at` is the object holding the field (`evidence[3] (office1)`).
    UnknownField {
        at: String,
        field: String,
        /// The fields the model knows there.
        expected: Vec<String>,
        /// The known field nearest to `field`, when one is close.
        nearest: Option<String>,
    },
    /// `at` is the field (`evidence[5] (fire-ext).inspection_valid_until`).
    NotADate {
        at: String,
        value: String,
    },
    NotATime {
        at: String,
        value: String,
    },
}

impl InputError {
    /// A stable code for problem documents and the phone's errors.
    pub fn code(&self) -> &'static str {
        match self {
            InputError::UnknownField { .. } => "input.unknown_field",
            InputError::NotADate { .. } => "input.date",
            InputError::NotATime { .. } => "input.time",
        }
    }

    /// What went wrong, as catalogue data.
    pub fn message(&self) -> Message {
        match self {
            InputError::UnknownField {
                at,
                field,
                nearest: Some(nearest),
                ..
            } => crate::msg!(
                "input-unknown-field-nearest",
                at = at,
                field = field,
                nearest = nearest
            ),
            InputError::UnknownField {
                at,
                field,
                expected,
                nearest: None,
            } => crate::msg!(
                "input-unknown-field",
                at = at,
                field = field,
                expected = expected.join(", ")
            ),
            InputError::NotADate { at, value } => {
                crate::msg!("input-not-a-date", at = at, value = value)
            }
            InputError::NotATime { at, value } => {
                crate::msg!("input-not-a-time", at = at, value = value)
            }
        }
    }

    /// The message in both languages.
    pub fn text(&self) -> Text {
        self.message().text()
    }
}

/// Checks `value` against the JSON Schema of `T`. `root` names the document in messages
/// (`inspection.toml`, `item`, `checklist`).
pub fn check<T: schemars::JsonSchema>(root: &str, value: &Value) -> Result<(), InputError> {
    let schema = schemars::schema_for!(T).to_value();
    Walker { root: &schema }.value(&schema, value, &Path::root(root))
}

/// Where a value is, for messages: `evidence[3] (office1).exif`.
#[derive(Clone)]
struct Path {
    text: String,
    /// The document's own name, used when the path is still empty.
    root: String,
}

impl Path {
    fn root(name: &str) -> Self {
        Path {
            text: String::new(),
            root: name.to_owned(),
        }
    }

    fn key(&self, key: &str) -> Path {
        let text = if self.text.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.text)
        };
        Path {
            text,
            ..self.clone()
        }
    }

    /// An array element, with its `id` when it has one (masked: an id may hold an ID number).
    fn index(&self, i: usize, element: &Value) -> Path {
        let mut text = format!("{}[{i}]", self.shown());
        if let Some(id) = element.get("id").and_then(Value::as_str) {
            text.push_str(&format!(" ({})", mask_id_like(id)));
        }
        Path {
            text,
            ..self.clone()
        }
    }

    fn shown(&self) -> &str {
        if self.text.is_empty() {
            &self.root
        } else {
            &self.text
        }
    }
}

/// What the schema says about one value, gathered through `$ref`, `allOf` and the
/// `oneOf`/`anyOf` branches the value's discriminators (`kind`, `checklist`, `doc_kind` …)
/// select.
#[derive(Default)]
struct Shape<'s> {
    properties: Vec<(&'s str, &'s Value)>,
    /// Keys the schema leaves open (a map, or a variant no branch names: serde says which).
    open: bool,
    items: Vec<&'s Value>,
    values: Vec<&'s Value>,
    format: Option<&'s str>,
}

struct Walker<'s> {
    root: &'s Value,
}

/// Deeper than any type of the model; a guard against a schema that refers to itself.
const MAX_DEPTH: usize = 32;

impl<'s> Walker<'s> {
    fn resolve(&self, reference: &str) -> Option<&'s Value> {
        self.root.pointer(reference.strip_prefix('#')?)
    }

    fn gather(&self, schema: &'s Value, value: &Value, shape: &mut Shape<'s>, depth: usize) {
        if depth > MAX_DEPTH {
            shape.open = true;
            return;
        }
        if let Some(target) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| self.resolve(r))
        {
            self.gather(target, value, shape, depth + 1);
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            shape
                .properties
                .extend(props.iter().map(|(k, v)| (k.as_str(), v)));
        }
        match schema.get("additionalProperties") {
            None | Some(Value::Bool(false)) => {}
            Some(more @ Value::Object(_)) => {
                shape.open = true;
                shape.values.push(more);
            }
            Some(_) => shape.open = true,
        }
        if let Some(items) = schema.get("items") {
            shape.items.push(items);
        }
        if let Some(format) = schema.get("format").and_then(Value::as_str) {
            shape.format = Some(format);
        }
        for sub in list(schema, "allOf") {
            self.gather(sub, value, shape, depth + 1);
        }
        for key in ["oneOf", "anyOf"] {
            let branches = list(schema, key);
            let chosen: Vec<&Value> = branches
                .iter()
                .copied()
                .filter(|b| discriminators_match(b, value))
                .collect();
            if chosen.is_empty() && !branches.is_empty() {
                shape.open = true;
            }
            for b in chosen {
                self.gather(b, value, shape, depth + 1);
            }
        }
    }

    fn value(&self, schema: &'s Value, value: &Value, at: &Path) -> Result<(), InputError> {
        let mut shape = Shape::default();
        self.gather(schema, value, &mut shape, 0);
        match value {
            Value::Object(obj) => self.object(&shape, obj, at),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    for s in &shape.items {
                        self.value(s, item, &at.index(i, item))?;
                    }
                }
                Ok(())
            }
            Value::Null => Ok(()),
            other => check_format(shape.format, other, at),
        }
    }

    fn object(
        &self,
        shape: &Shape<'s>,
        obj: &Map<String, Value>,
        at: &Path,
    ) -> Result<(), InputError> {
        let open = shape.open || shape.properties.is_empty();
        for (key, v) in obj {
            let known: Vec<&'s Value> = shape
                .properties
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, s)| *s)
                .collect();
            if known.is_empty() && !open {
                return Err(unknown_field(shape, key, at));
            }
            for s in known.iter().chain(&shape.values) {
                self.value(s, v, &at.key(key))?;
            }
        }
        Ok(())
    }
}

fn list<'s>(schema: &'s Value, key: &str) -> Vec<&'s Value> {
    schema
        .get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// Whether a branch fits the value: every `const` property it declares (an enum's tag)
/// has that value. A branch that is not about objects fits any object only if it has none.
fn discriminators_match(branch: &Value, value: &Value) -> bool {
    let Some(props) = branch.get("properties").and_then(Value::as_object) else {
        return branch.get("type").and_then(Value::as_str) != Some("null") || value.is_null();
    };
    props.iter().all(|(k, s)| match s.get("const") {
        Some(c) => value.get(k) == Some(c),
        None => true,
    })
}

fn unknown_field(shape: &Shape<'_>, field: &str, at: &Path) -> InputError {
    let mut expected: Vec<String> = shape
        .properties
        .iter()
        .map(|(k, _)| (*k).to_owned())
        .collect();
    expected.sort();
    expected.dedup();
    let nearest = expected
        .iter()
        .map(|k| (strsim::damerau_levenshtein(k, field), k))
        .filter(|(d, k)| *d <= (k.chars().count() / 3).max(1))
        .min()
        .map(|(_, k)| k.clone());
    InputError::UnknownField {
        at: at.shown().to_owned(),
        field: field.to_owned(),
        expected,
        nearest,
    }
}

/// Dates and times as serde reads them for the model (chrono's `NaiveDate`,
/// `DateTime<FixedOffset>`), so what passes here reads there.
fn check_format(format: Option<&str>, value: &Value, at: &Path) -> Result<(), InputError> {
    let shown = || match value {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    };
    match format {
        Some("date") if serde_json::from_value::<chrono::NaiveDate>(value.clone()).is_err() => {
            Err(InputError::NotADate {
                at: at.shown().to_owned(),
                value: shown(),
            })
        }
        Some("date-time")
            if serde_json::from_value::<chrono::DateTime<chrono::FixedOffset>>(value.clone())
                .is_err() =>
        {
            Err(InputError::NotATime {
                at: at.shown().to_owned(),
                value: shown(),
            })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Checklist, EvidenceItem, Inspection};
    use serde_json::json;

    fn item_error(v: Value) -> InputError {
        check::<EvidenceItem>("item", &v).unwrap_err()
    }

    #[test]
    fn a_typo_in_a_photo_names_the_field_and_the_nearest_one() {
        let err = item_error(json!({"id": "office1", "kind": "photo", "subjct": "office"}));
        assert_eq!(
            err,
            InputError::UnknownField {
                at: "item".into(),
                field: "subjct".into(),
                expected: err_expected(&err),
                nearest: Some("subject".into()),
            }
        );
        let en = err.to_string();
        assert!(en.contains("\"subjct\"") && en.contains("subject"), "{en}");
    }

    fn err_expected(e: &InputError) -> Vec<String> {
        match e {
            InputError::UnknownField { expected, .. } => {
                assert!(expected.contains(&"subject".to_owned()));
                assert!(expected.contains(&"rule_ids".to_owned()));
                expected.clone()
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_typo_in_a_checklist_or_a_document_is_refused() {
        let err = item_error(json!({
            "id": "fire", "kind": "checklist", "checklist": "fire_extinguisher",
            "present": true, "inspection_valid_untill": "2027-08-31"
        }));
        assert!(
            matches!(&err, InputError::UnknownField { field, nearest: Some(n), .. }
                if field == "inspection_valid_untill" && n == "inspection_valid_until"),
            "{err:?}"
        );
        let err = item_error(json!({
            "id": "lease", "kind": "document", "doc_kind": "lease",
            "start": "2026-07-01", "end": "2029-06-30", "registered": true
        }));
        assert!(
            matches!(&err, InputError::UnknownField { field, .. } if field == "registered"),
            "{err:?}"
        );
        // A unit variant takes no fields either.
        let err = item_error(json!({
            "id": "idc", "kind": "document", "doc_kind": "idc_license", "number": "B1-1"
        }));
        assert!(matches!(&err, InputError::UnknownField { .. }), "{err:?}");
    }

    #[test]
    fn a_field_far_from_every_known_one_lists_the_known_ones() {
        let err = item_error(json!({"id": "n", "kind": "note", "text": "t", "zzzzzz": 1}));
        let InputError::UnknownField {
            expected, nearest, ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!(nearest, &None);
        assert!(expected.contains(&"text".to_owned()), "{expected:?}");
        assert!(err.text().zh.contains("zzzzzz"), "{}", err.text().zh);
    }

    #[test]
    fn nested_objects_are_checked_with_their_path() {
        let err = item_error(json!({
            "id": "p", "kind": "photo",
            "blob": {"sha256": "00", "size": 1, "sha": "x"}
        }));
        assert!(
            matches!(&err, InputError::UnknownField { at, field, .. } if at == "blob" && field == "sha"),
            "{err:?}"
        );
    }

    #[test]
    fn dates_and_times_name_the_field_and_the_format() {
        let err = item_error(json!({
            "id": "fire", "kind": "checklist", "checklist": "fire_extinguisher",
            "present": true, "inspection_valid_until": "2027/08/31"
        }));
        assert_eq!(
            err,
            InputError::NotADate {
                at: "inspection_valid_until".into(),
                value: "\"2027/08/31\"".into()
            }
        );
        let t = err.text();
        assert!(
            t.en.contains("YYYY-MM-DD") && t.en.contains("2027-08-31"),
            "{}",
            t.en
        );
        assert!(
            t.zh.contains("YYYY-MM-DD") && t.zh.contains("日期"),
            "{}",
            t.zh
        );
        let err = item_error(json!({
            "id": "n", "kind": "note", "text": "t", "device_time": "2026-11-23 09:30"
        }));
        assert!(
            matches!(&err, InputError::NotATime { at, .. } if at == "device_time"),
            "{err:?}"
        );
        assert!(
            err.to_string().contains("2026-11-23T09:30:00+08:00"),
            "{err}"
        );
    }

    #[test]
    fn array_elements_are_named_by_index_and_id() {
        #[derive(schemars::JsonSchema)]
        #[allow(dead_code)]
        struct Doc {
            evidence: Vec<EvidenceItem>,
        }
        let v = json!({"evidence": [
            {"id": "a", "kind": "note", "text": "t"},
            {"id": "office1", "kind": "photo", "subjct": "office"}
        ]});
        let err = check::<Doc>("inspection.toml", &v).unwrap_err();
        assert!(
            matches!(&err, InputError::UnknownField { at, .. } if at == "evidence[1] (office1)"),
            "{err:?}"
        );
    }

    #[test]
    fn the_inspection_and_a_bare_checklist_are_checked_too() {
        let mut insp = crate::model::test_inspection_json("official");
        insp["company"]["nmae"] = json!("x");
        let err = check::<Inspection>("inspection", &insp).unwrap_err();
        assert!(
            matches!(&err, InputError::UnknownField { at, nearest: Some(n), .. } if at == "company" && n == "name"),
            "{err:?}"
        );
        let mut insp = crate::model::test_inspection_json("official");
        insp["window"]["end"] = json!("2026-11-23T17:00:00");
        let err = check::<Inspection>("inspection", &insp).unwrap_err();
        assert!(
            matches!(&err, InputError::NotATime { at, .. } if at == "window.end"),
            "{err:?}"
        );
        let ok = json!({"checklist": "ups", "present": true, "status_normal": true});
        check::<Checklist>("checklist", &ok).unwrap();
        let bad = json!({"checklist": "ups", "present": true, "runtime_minuts": "30"});
        assert!(check::<Checklist>("checklist", &bad).is_err());
    }

    #[test]
    fn an_unknown_kind_is_left_to_serde_which_names_the_variants() {
        check::<EvidenceItem>("item", &json!({"id": "x", "kind": "fax", "pages": 2})).unwrap();
    }
}

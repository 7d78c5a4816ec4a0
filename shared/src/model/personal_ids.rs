//! Full resident ID numbers never enter the record (requirements.md, "Personal data").
//!
//! A number typed into a note, a title, an address or a file name is masked before the item
//! is signed (the phone core, the rehearsal loader) or stored (the server, for unsigned
//! items). The rules are the same everywhere because they are written once, here, over the
//! serde form of a document, so a field added to the model later is covered without anyone
//! remembering to list it:
//! - **free text** (every string not named below) is masked with
//!   [`mask_id_like`](crate::capture::pii::mask_id_like): any run of 15 or more digits, an ID
//!   ending in `X`, an ID written in groups;
//! - **identifiers** (an item's `id`, `device_id`, seat tags, references to other items,
//!   rule ids, credit codes, an inspection's `id`, `profile` and `supplement_of`) are never
//!   rewritten —
//!   other records point at them — so one holding a full ID number is refused;
//! - **digests** (`sha256`, `certificate_sha256`, `hmac_sha256`) are left alone when they
//!   are hex (computed by hecha: a digit run inside one is not a person); one that is not
//!   hex is treated as an identifier.
//!
//! [`full_id_fields`] is the strict check ([`contains_full_id`]): what the server refuses in
//! a signed item, and what `hecha pii-scan` reports in stored documents.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use thiserror::Error;

use crate::capture::pii::{contains_full_id, mask_id_like};

use super::{EvidenceItem, Inspection};

/// Why a document could not be masked. Never carries the value, only where it is.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PersonalIdError {
    #[error(
        "{field} holds a full ID number; identifiers are not rewritten, choose another without one"
    )]
    InIdentifier { field: String },
    #[error("{field} holds a long digit sequence that is not valid there once masked")]
    Unmaskable { field: String },
    #[error("the document could not be read as JSON: {0}")]
    Json(String),
}

impl PersonalIdError {
    /// The problem as catalogue data (the field's path is an argument, never the value).
    pub fn message(&self) -> crate::i18n::Message {
        match self {
            PersonalIdError::InIdentifier { field } => {
                crate::msg!("error-personal-id-in-identifier", field = field)
            }
            PersonalIdError::Unmaskable { field } => {
                crate::msg!("error-personal-id-unmaskable", field = field)
            }
            PersonalIdError::Json(e) => crate::msg!("error-personal-id-json", problem = e),
        }
    }

    /// The field path named.
    pub fn field(&self) -> Option<&str> {
        match self {
            PersonalIdError::InIdentifier { field } | PersonalIdError::Unmaskable { field } => {
                Some(field)
            }
            PersonalIdError::Json(_) => None,
        }
    }
}

/// A masked document and the fields that changed (field paths such as `text`,
/// `record.employer_name`, `blob.file_name`).
#[derive(Debug, Clone, PartialEq)]
pub struct Masked<T> {
    pub value: T,
    pub masked_fields: Vec<String>,
}

/// What a string field is, from its key (the last object key on its path).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Text,
    Identifier,
    Digest,
}

/// Keys that are digests everywhere.
const DIGEST_KEYS: &[&str] = &["sha256", "certificate_sha256", "hmac_sha256"];

/// Keys of an evidence item that identify something (at any depth).
const ITEM_IDENTIFIERS: &[&str] = &[
    "device_id",
    "seat_tag",
    "recording_item",
    "hosting_agreement_item",
    "idc_license_item",
    "rule_ids",
    "employer_uscc",
];

/// Keys of an inspection that identify something (at the top level).
const INSPECTION_IDENTIFIERS: &[&str] = &["id", "profile", "supplement_of"];

/// Keys of an inspection that identify something at any depth: the company's credit code
/// (GB 32100, a company's and checked as one; a digit run in it is not a person).
const INSPECTION_DEEP_IDENTIFIERS: &[&str] = &["uscc"];

fn class_of(path: &[String], top_level_ids: &[&str], ids: &[&str]) -> Class {
    let keys: Vec<&str> = path
        .iter()
        .map(String::as_str)
        .filter(|k| !k.starts_with('['))
        .collect();
    let Some(last) = keys.last().copied() else {
        return Class::Text;
    };
    if DIGEST_KEYS.contains(&last) {
        Class::Digest
    } else if ids.contains(&last) || (keys.len() == 1 && top_level_ids.contains(&last)) {
        Class::Identifier
    } else {
        Class::Text
    }
}

fn field_name(path: &[String]) -> String {
    let mut out = String::new();
    for seg in path {
        if !seg.starts_with('[') && !out.is_empty() {
            out.push('.');
        }
        out.push_str(seg);
    }
    out
}

/// Masks the free text of a JSON value in place; refuses identifiers holding a full ID.
fn mask_value(
    v: &mut Value,
    path: &mut Vec<String>,
    top_level_ids: &[&str],
    ids: &[&str],
    changed: &mut Vec<String>,
) -> Result<(), PersonalIdError> {
    match v {
        Value::String(s) => match class_of(path, top_level_ids, ids) {
            Class::Digest if is_hex_digest(s) => {}
            // A "digest" that is not one is not rewritten either: refused when it holds a
            // number.
            Class::Digest | Class::Identifier => {
                if contains_full_id(s) {
                    return Err(PersonalIdError::InIdentifier {
                        field: field_name(path),
                    });
                }
            }
            Class::Text => {
                let masked = mask_id_like(s);
                if masked != *s {
                    *s = masked;
                    changed.push(field_name(path));
                }
            }
        },
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(format!("[{i}]"));
                let r = mask_value(item, path, top_level_ids, ids, changed);
                path.pop();
                r?;
            }
        }
        Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                path.push(k.clone());
                let r = mask_value(item, path, top_level_ids, ids, changed);
                path.pop();
                r?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn mask_document<T: Serialize + DeserializeOwned>(
    doc: &T,
    top_level_ids: &[&str],
    ids: &[&str],
) -> Result<Masked<T>, PersonalIdError> {
    let mut v = serde_json::to_value(doc).map_err(|e| PersonalIdError::Json(e.to_string()))?;
    let mut changed = Vec::new();
    mask_value(&mut v, &mut Vec::new(), top_level_ids, ids, &mut changed)?;
    if changed.is_empty() {
        return serde_json::from_value(v)
            .map(|value| Masked {
                value,
                masked_fields: changed,
            })
            .map_err(|e| PersonalIdError::Json(e.to_string()));
    }
    // A masked string that no longer parses (a number field given as a long digit string)
    // is named; its value is not.
    let value = serde_json::from_value(v).map_err(|_| PersonalIdError::Unmaskable {
        field: changed.join(", "),
    })?;
    Ok(Masked {
        value,
        masked_fields: changed,
    })
}

/// Masks every ID-number-looking sequence in an item's free text (see the module
/// documentation); an identifier holding a full ID number is an error.
pub fn mask_item(item: &EvidenceItem) -> Result<Masked<EvidenceItem>, PersonalIdError> {
    mask_document(item, &["id"], ITEM_IDENTIFIERS)
}

/// [`mask_item`] for an inspection: company name, addresses, business scope, licence
/// number and every other text.
pub fn mask_inspection(insp: &Inspection) -> Result<Masked<Inspection>, PersonalIdError> {
    mask_document(insp, INSPECTION_IDENTIFIERS, INSPECTION_DEEP_IDENTIFIERS)
}

/// [`mask_item`] for facts read from bytes (EXIF, an SI record): every string is free text
/// except digests. The server masks what it re-reads from a photo before comparing it with
/// what the phone signed (which the phone masked the same way).
pub fn mask_facts<T: Serialize + DeserializeOwned>(facts: &T) -> Result<T, PersonalIdError> {
    mask_document(facts, &[], &[]).map(|m| m.value)
}

/// Masks a short free text (a display name, a comment, a device name).
pub fn mask_text(text: &str) -> String {
    mask_id_like(text)
}

/// The fields of `doc` holding a full ID number (strict: [`contains_full_id`]), digests
/// excepted. Strings that are themselves JSON documents (a stored manifest, an event's
/// payload) are searched too, and JSON Lines texts line by line.
pub fn full_id_fields<T: Serialize>(doc: &T) -> Vec<String> {
    match serde_json::to_value(doc) {
        Ok(v) => full_id_fields_in_json(&v),
        Err(_) => Vec::new(),
    }
}

/// [`full_id_fields`] over a JSON value.
pub fn full_id_fields_in_json(v: &Value) -> Vec<String> {
    let mut found = Vec::new();
    scan_value(v, &mut Vec::new(), &mut found);
    found
}

/// [`full_id_fields`] over a text that may be JSON, JSON Lines or plain text; `name` is
/// the field path reported for a hit in plain text.
pub fn full_id_fields_in_text(text: &str, name: &str) -> Vec<String> {
    let mut found = Vec::new();
    scan_string(text, &mut vec![name.to_owned()], &mut found);
    found
}

fn is_hex_digest(s: &str) -> bool {
    s.len() >= 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A compact JWS or another base64url blob: its payload is scanned where it is also kept
/// as a document (the manifest beside manifest.jws), so the encoding is skipped.
fn is_base64ish(s: &str) -> bool {
    s.len() >= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.=+/".contains(&b))
}

fn scan_string(s: &str, path: &mut Vec<String>, found: &mut Vec<String>) {
    let t = s.trim_start();
    if (t.starts_with('{') || t.starts_with('['))
        && let Ok(inner) = serde_json::from_str::<Value>(s)
    {
        scan_value(&inner, path, found);
        return;
    }
    if t.starts_with('{') && s.contains('\n') {
        let lines: Vec<&str> = s.lines().filter(|l| !l.trim().is_empty()).collect();
        let parsed: Vec<Value> = lines
            .iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        if parsed.len() == lines.len() {
            for (i, v) in parsed.iter().enumerate() {
                path.push(format!("[{i}]"));
                scan_value(v, path, found);
                path.pop();
            }
            return;
        }
    }
    if is_hex_digest(s) || is_base64ish(s) {
        return;
    }
    if contains_full_id(s) {
        found.push(field_name(path));
    }
}

fn scan_value(v: &Value, path: &mut Vec<String>, found: &mut Vec<String>) {
    match v {
        Value::String(s) if class_of(path, &[], &[]) != Class::Digest || !is_hex_digest(s) => {
            scan_string(s, path, found);
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(format!("[{i}]"));
                scan_value(item, path, found);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                // A key can carry a number too.
                if contains_full_id(k) {
                    found.push(format!("{} (key)", field_name(path)));
                }
                path.push(k.clone());
                scan_value(item, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BlobRef, CaptureSource, EvidenceBody, Note};

    const ID: &str = "11010519491231002X";

    fn note(id: &str, text: &str) -> EvidenceItem {
        EvidenceItem {
            id: id.into(),
            rule_ids: vec!["site.office".into()],
            captured_by: Some(format!("王五 {ID}")),
            device_id: None,
            device_time: None,
            source: CaptureSource::Entered,
            blob: Some(BlobRef {
                sha256: "0".repeat(64),
                size: 3,
                media_type: Some("image/jpeg".into()),
                file_name: Some(format!("{ID}.jpg")),
            }),
            missing_file: None,
            body: EvidenceBody::Note(Note { text: text.into() }),
        }
    }

    #[test]
    fn free_text_is_masked_and_named() {
        let item = note("n-1", &format!("负责人身份证 {ID}，电话 13800138000"));
        assert_eq!(full_id_fields(&item).len(), 3);
        let m = mask_item(&item).unwrap();
        assert!(full_id_fields(&m.value).is_empty());
        let mut fields = m.masked_fields.clone();
        fields.sort();
        assert_eq!(fields, ["blob.file_name", "captured_by", "text"]);
        let EvidenceBody::Note(n) = &m.value.body else {
            panic!()
        };
        assert_eq!(n.text, "负责人身份证 110***********002X，电话 13800138000");
        // Idempotent: masking the masked item changes nothing.
        assert!(mask_item(&m.value).unwrap().masked_fields.is_empty());
    }

    #[test]
    fn identifiers_holding_an_id_are_refused_not_rewritten() {
        let item = note(&format!("n-{ID}"), "nothing personal");
        let err = mask_item(&item).unwrap_err();
        assert_eq!(err, PersonalIdError::InIdentifier { field: "id".into() });
        assert!(!err.to_string().contains(ID));
    }

    #[test]
    fn digests_and_generated_ids_are_left_alone() {
        // A UUID-based item id with long digit runs, a digest made of digits.
        let mut item = note("abcd1234-5678-4123-8123-123456789012", "ok");
        item.blob.as_mut().unwrap().sha256 = "1".repeat(64);
        item.blob.as_mut().unwrap().file_name = None;
        item.captured_by = None;
        let m = mask_item(&item).unwrap();
        assert_eq!(m.value, item);
        assert!(full_id_fields(&item).is_empty());
    }

    #[test]
    fn nested_documents_are_scanned() {
        let inner = serde_json::json!({"note": format!("x{ID}")}).to_string();
        let lines = format!("{{\"a\":1}}\n{{\"b\":\"{ID}\"}}\n");
        let doc = serde_json::json!({
            "manifest": inner,
            "events_jsonl": lines,
            "sha256": "1".repeat(64),
        });
        let mut found = full_id_fields_in_json(&doc);
        found.sort();
        assert_eq!(found, ["events_jsonl[1].b", "manifest.note"]);
    }
}

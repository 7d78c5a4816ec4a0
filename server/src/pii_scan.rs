//! `hecha pii-scan`: where full ID numbers remain in the database and in stored bundles.
//! Intake masks (or refuses) them and the migration masked unsealed rows, but a sealed
//! bundle cannot change and ids are not rewritten: this lists them so an operator can act.
//! Detection is the core's (`contains_full_id`, the one `mask_id_like` uses); a finding
//! shows the value masked, never the number.

use sea_orm::EntityTrait;
use serde::Serialize;
use serde_json::Value;

use hecha_core::capture::pii::{contains_full_id, mask_id_like};

use crate::db::entities::{
    device, event, evidence, inspection, organization, seat_tag, upload, user, webhook,
    webhook_delivery,
};
use crate::state::AppState;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One place holding a full ID number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `table <name>` or `store`.
    pub source: String,
    /// The row's key (database) or the object's key (store).
    pub at: String,
    /// The column, then a JSON pointer inside a JSON document (`body/text`).
    pub path: String,
    /// The value with every full number masked.
    pub masked: String,
}

/// A lowercase hex digest (manifest, item, blob, hash chain): not free text, and 64 hex
/// digits hold a run of 15 decimal ones often enough to be noise.
fn is_digest(s: &str) -> bool {
    s.len() >= 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn check_text(out: &mut Vec<Finding>, source: &str, at: &str, path: String, s: &str) {
    if contains_full_id(s) && !is_digest(s) {
        out.push(Finding {
            source: source.to_owned(),
            at: at.to_owned(),
            path,
            masked: mask_id_like(s),
        });
    }
}

fn check_json(out: &mut Vec<Finding>, source: &str, at: &str, path: String, v: &Value) {
    match v {
        Value::String(s) => check_text(out, source, at, path, s),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                check_json(out, source, at, format!("{path}/{i}"), x);
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                check_text(out, source, at, format!("{path}/(key)"), k);
                check_json(out, source, at, format!("{path}/{k}"), x);
            }
        }
        _ => {}
    }
}

/// A column holding JSON text: its strings are checked one by one (a path says which);
/// text that is not JSON is checked whole.
fn check_document(out: &mut Vec<Finding>, source: &str, at: &str, column: &str, text: &str) {
    match serde_json::from_str::<Value>(text) {
        Ok(v) => check_json(out, source, at, column.to_owned(), &v),
        Err(_) => check_text(out, source, at, column.to_owned(), text),
    }
}

/// Every row of the tables that hold text, and every stored bundle document.
pub async fn run(state: &AppState) -> Result<Vec<Finding>, ScanError> {
    let db = &state.db;
    let mut out = Vec::new();
    let o = &mut out;
    for r in organization::Entity::find().all(db).await? {
        check_text(o, "table organizations", &r.id, "name".into(), &r.name);
    }
    for r in user::Entity::find().all(db).await? {
        let t = "table users";
        check_text(o, t, &r.id, "username".into(), &r.username);
        check_text(o, t, &r.id, "display_name".into(), &r.display_name);
        if let Some(s) = &r.external_subject {
            check_text(o, t, &r.id, "external_subject".into(), s);
        }
    }
    for r in device::Entity::find().all(db).await? {
        check_text(o, "table devices", &r.id, "name".into(), &r.name);
    }
    for r in inspection::Entity::find().all(db).await? {
        check_document(o, "table inspections", &r.id, "body", &r.body);
    }
    for r in evidence::Entity::find().all(db).await? {
        let t = "table evidence";
        check_text(o, t, &r.id, "item_id".into(), &r.item_id);
        check_document(o, t, &r.id, "body", &r.body);
    }
    for r in event::Entity::find().all(db).await? {
        let at = format!("{}#{}", r.inspection_id, r.seq);
        check_document(o, "table events", &at, "line", &r.line);
    }
    for r in seat_tag::Entity::find().all(db).await? {
        let t = "table seat_tags";
        check_text(o, t, &r.tag, "seat_id".into(), &r.seat_id);
    }
    for r in upload::Entity::find().all(db).await? {
        check_document(o, "table uploads", &r.id, "metadata", &r.metadata);
    }
    for r in webhook::Entity::find().all(db).await? {
        check_text(o, "table webhooks", &r.id, "url".into(), &r.url);
    }
    for r in webhook_delivery::Entity::find().all(db).await? {
        let t = "table webhook_deliveries";
        check_document(o, t, &r.id, "payload", &r.payload);
        if let Some(e) = &r.last_error {
            check_text(o, t, &r.id, "last_error".into(), e);
        }
    }
    for obj in state.store.list("bundles/").await? {
        let bytes = state.store.get_bytes(&obj.key, 256 * 1024 * 1024).await?;
        let text = String::from_utf8_lossy(&bytes);
        check_document(o, "store", &obj.key, "", &text);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_names_the_place_and_shows_the_value_masked() {
        let mut out = Vec::new();
        let doc = r#"{"body":{"text":"见11010519491231002X号","digest":"0123456789012345678901234567890123456789012345678901234567890123"}}"#;
        check_document(&mut out, "table evidence", "e1", "body", doc);
        assert_eq!(
            out,
            [Finding {
                source: "table evidence".into(),
                at: "e1".into(),
                path: "body/body/text".into(),
                masked: "见110***********002X号".into(),
            }]
        );
    }
}

//! `hecha pii-scan`: where full ID numbers remain in what the server keeps.
//!
//! New input is masked at intake, and a migration masked the rows that could still change;
//! sealed bundles, their evidence rows and hash-chained events cannot change, so an
//! operator needs to know where numbers written before masking existed remain. The scan
//! reads every text column of the database and every stored bundle document
//! (`bundles/…json`, with the manifest, events and addendum nested inside), and reports
//! the place and the field — never the value. Detection is strict
//! ([`contains_full_id`](hecha_core::capture::pii::contains_full_id)): a valid check
//! character, or a 15-digit legacy number with a real region and birth date; hex digests
//! and base64 are skipped, so a digit run inside a hash is not reported. Blobs (photos,
//! documents: binary) are not read.

use hecha_core::model::personal_ids::{full_id_fields_in_json, full_id_fields_in_text};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde::Serialize;

use crate::store::{BlobStore, StoreError};

/// One place holding a full ID number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    /// `db:<table>/<row key>` or `store:<object key>`.
    pub place: String,
    /// The column, and inside a document the field path.
    pub field: String,
}

/// What was scanned and what was found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ScanReport {
    pub rows: u64,
    pub objects: u64,
    pub hits: Vec<Hit>,
}

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// Tables, the expression naming a row, and their text columns.
const TABLES: &[(&str, &str, &[&str])] = &[
    (
        "organizations",
        "id",
        &["name", "uscc", "authority_id", "person_hash_key_id"],
    ),
    (
        "users",
        "id",
        &["username", "display_name", "external_subject"],
    ),
    ("devices", "id", &["name", "public_jwk"]),
    ("inspections", "id", &["body", "profile", "supplement_of"]),
    (
        "evidence",
        "id",
        &["item_id", "body", "device_signature", "captured_by"],
    ),
    ("events", "inspection_id", &["line"]),
    ("uploads", "id", &["metadata"]),
    ("seat_tags", "inspection_id", &["seat_id", "tag"]),
    ("webhooks", "id", &["url", "events"]),
    ("webhook_deliveries", "id", &["payload", "last_error"]),
    ("seal_log", "seq", &["entry"]),
];

/// The largest stored bundle document read.
const MAX_DOCUMENT: u64 = 256 * 1024 * 1024;

/// Scans the database and the store.
pub async fn scan(db: &DatabaseConnection, store: &dyn BlobStore) -> Result<ScanReport, ScanError> {
    let mut report = ScanReport::default();
    let backend = db.get_database_backend();
    for (table, key, cols) in TABLES {
        let sql = format!("SELECT {key}, {} FROM {table}", cols.join(", "));
        let rows = db
            .query_all_raw(Statement::from_string(backend, sql))
            .await?;
        for row in rows {
            report.rows += 1;
            let row_key: String = row
                .try_get::<String>("", key)
                .or_else(|_| row.try_get::<i64>("", key).map(|n| n.to_string()))
                .unwrap_or_default();
            for col in *cols {
                let Ok(Some(value)) = row.try_get::<Option<String>>("", col) else {
                    continue;
                };
                for field in full_id_fields_in_text(&value, col) {
                    report.hits.push(Hit {
                        place: format!("db:{table}/{row_key}"),
                        field,
                    });
                }
            }
        }
    }
    for object in store.list("bundles/").await? {
        report.objects += 1;
        let bytes = store.get_bytes(&object.key, MAX_DOCUMENT).await?;
        let place = format!("store:{}", object.key);
        let fields = match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(doc) => full_id_fields_in_json(&doc),
            Err(_) => full_id_fields_in_text(&String::from_utf8_lossy(&bytes), "(bytes)"),
        };
        for field in fields {
            report.hits.push(Hit {
                place: place.clone(),
                field,
            });
        }
    }
    Ok(report)
}

//! The outbox: every captured item, durable before the capture call returns, until the
//! server has acknowledged it.
//!
//! Layout in the directory the app gives:
//! ```text
//! outbox.sqlite3          items (JSON, digest, device JWS, state, upload URL, verdict) + meta
//! blobs/<sha256>          the items' bytes, content-addressed
//! blobs/.tmp-<uuid>       a blob being written (never referenced)
//! ```
//! Invariants, for a kill at any instant:
//! - a blob is written to a temporary file, fsynced, renamed to its final name and the
//!   directory fsynced BEFORE its row is inserted; so a row always has its whole blob;
//! - the row is committed with `synchronous=FULL` (WAL) before the call returns; so a
//!   returned item survives;
//! - at open, temporary files and blobs no row references (the kill fell between the
//!   rename and the commit) are removed; so nothing half-written is left.
//!
//! One session per directory at a time (the app opens one inspection's outbox once).

use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use hecha_core::model::EvidenceItem;
use hecha_core::seal::hash::{is_sha256_hex, sha256_hex};
use rusqlite::{Connection, OptionalExtension, params};

use crate::error::MobileError;

const DB_FILE: &str = "outbox.sqlite3";
const BLOB_DIR: &str = "blobs";
const TMP_PREFIX: &str = ".tmp-";

/// Where an item is on its way to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    /// Captured; not yet acknowledged by the server.
    Pending,
    /// The server answered 200/201 for it.
    Acked,
}

impl ItemState {
    fn as_str(self) -> &'static str {
        match self {
            ItemState::Pending => "pending",
            ItemState::Acked => "acked",
        }
    }
}

/// One row.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxItem {
    pub item: EvidenceItem,
    /// SHA-256 of the item's canonical JSON.
    pub digest: String,
    /// The device's compact JWS over (item id, digest).
    pub jws: String,
    pub state: ItemState,
    /// The tus upload URL of the item's blob, once created (resumed with HEAD).
    pub upload_url: Option<String>,
    /// The server's answer when acknowledged (`digest`, `assessment`, …), JSON.
    pub verdict_json: Option<String>,
}

#[derive(Debug)]
pub struct Outbox {
    dir: PathBuf,
    db: Connection,
}

impl Outbox {
    /// Opens (or creates) the outbox in `dir` and removes what a kill left half-written.
    pub fn open(dir: &Path) -> Result<Outbox, MobileError> {
        fs::create_dir_all(dir.join(BLOB_DIR))?;
        let db = Connection::open(dir.join(DB_FILE))?;
        // WAL + FULL: a commit is on disk when it returns, and a kill mid-write leaves the
        // last committed state.
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        db.busy_timeout(std::time::Duration::from_secs(5))?;
        db.execute_batch(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS items (
                 seq INTEGER PRIMARY KEY AUTOINCREMENT,
                 item_id TEXT NOT NULL UNIQUE,
                 item_json TEXT NOT NULL,
                 digest TEXT NOT NULL,
                 jws TEXT NOT NULL,
                 blob_sha256 TEXT,
                 state TEXT NOT NULL DEFAULT 'pending',
                 upload_url TEXT,
                 verdict_json TEXT
             );",
        )?;
        let outbox = Outbox {
            dir: dir.to_owned(),
            db,
        };
        outbox.remove_orphans()?;
        Ok(outbox)
    }

    fn blob_dir(&self) -> PathBuf {
        self.dir.join(BLOB_DIR)
    }

    /// The file of a stored blob.
    pub fn blob_path(&self, sha256: &str) -> PathBuf {
        self.blob_dir().join(sha256)
    }

    pub fn read_blob(&self, sha256: &str) -> Result<Vec<u8>, MobileError> {
        Ok(fs::read(self.blob_path(sha256))?)
    }

    /// Removes temporary files and blobs that no row references.
    fn remove_orphans(&self) -> Result<(), MobileError> {
        let mut referenced = std::collections::HashSet::new();
        let mut stmt = self
            .db
            .prepare("SELECT blob_sha256 FROM items WHERE blob_sha256 IS NOT NULL")?;
        for sha in stmt.query_map([], |r| r.get::<_, String>(0))? {
            referenced.insert(sha?);
        }
        let mut removed = false;
        for entry in fs::read_dir(self.blob_dir())? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let keep = is_sha256_hex(&name) && referenced.contains(&name);
            if !keep {
                fs::remove_file(entry.path())?;
                removed = true;
            }
        }
        if removed {
            sync_dir(&self.blob_dir())?;
        }
        Ok(())
    }

    /// Writes `bytes` as a blob (fsync, rename, directory fsync); returns its SHA-256. The
    /// blob is durable when this returns, and unreferenced until an item names it.
    pub fn put_blob(&self, bytes: &[u8]) -> Result<String, MobileError> {
        let sha = sha256_hex(bytes);
        let target = self.blob_path(&sha);
        if target.exists() {
            return Ok(sha);
        }
        let tmp = self
            .blob_dir()
            .join(format!("{TMP_PREFIX}{}", uuid::Uuid::new_v4().simple()));
        {
            let mut f = File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
        }
        fs::rename(&tmp, &target)?;
        sync_dir(&self.blob_dir())?;
        Ok(sha)
    }

    /// Records a captured item (its blob, if any, already put). Committed when it returns.
    pub fn insert(&self, item: &EvidenceItem, digest: &str, jws: &str) -> Result<(), MobileError> {
        if let Some(b) = &item.blob
            && !self.blob_path(&b.sha256).is_file()
        {
            return Err(MobileError::storage(format!(
                "blob {} is not in the outbox",
                b.sha256
            )));
        }
        let json = serde_json::to_string(item).map_err(MobileError::internal)?;
        self.db.execute(
            "INSERT INTO items (item_id, item_json, digest, jws, blob_sha256) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                item.id,
                json,
                digest,
                jws,
                item.blob.as_ref().map(|b| b.sha256.as_str())
            ],
        )?;
        Ok(())
    }

    fn select(&self, filter: &str) -> Result<Vec<OutboxItem>, MobileError> {
        let sql = format!(
            "SELECT item_json, digest, jws, state, upload_url, verdict_json FROM items {filter} ORDER BY seq"
        );
        let mut stmt = self.db.prepare(&sql)?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (json, digest, jws, state, upload_url, verdict_json) = row?;
            let item: EvidenceItem = serde_json::from_str(&json)
                .map_err(|e| MobileError::storage(format!("an outbox row does not parse: {e}")))?;
            out.push(OutboxItem {
                item,
                digest,
                jws,
                state: if state == ItemState::Acked.as_str() {
                    ItemState::Acked
                } else {
                    ItemState::Pending
                },
                upload_url,
                verdict_json,
            });
        }
        Ok(out)
    }

    /// Every item, in capture order.
    pub fn items(&self) -> Result<Vec<OutboxItem>, MobileError> {
        self.select("")
    }

    /// The items the server has not acknowledged, in capture order.
    pub fn pending(&self) -> Result<Vec<OutboxItem>, MobileError> {
        self.select("WHERE state = 'pending'")
    }

    pub fn set_upload_url(&self, item_id: &str, url: Option<&str>) -> Result<(), MobileError> {
        self.db.execute(
            "UPDATE items SET upload_url = ?2 WHERE item_id = ?1",
            params![item_id, url],
        )?;
        Ok(())
    }

    /// The server acknowledged the item: it leaves the pending state, with its verdict.
    pub fn ack(&self, item_id: &str, verdict_json: &str) -> Result<(), MobileError> {
        self.db.execute(
            "UPDATE items SET state = 'acked', verdict_json = ?2, upload_url = NULL WHERE item_id = ?1",
            params![item_id, verdict_json],
        )?;
        Ok(())
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, MobileError> {
        Ok(self
            .db
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn delete_meta(&self, key: &str) -> Result<(), MobileError> {
        self.db
            .execute("DELETE FROM meta WHERE key = ?1", params![key])?;
        Ok(())
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), MobileError> {
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

/// Makes a rename in `dir` durable.
fn sync_dir(dir: &Path) -> Result<(), MobileError> {
    File::open(dir)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hecha_core::model::{BlobRef, EvidenceBody, Note};

    fn note(id: &str) -> EvidenceItem {
        EvidenceItem {
            id: id.into(),
            rule_ids: vec![],
            captured_by: Some("u1".into()),
            device_id: Some("d1".into()),
            device_time: None,
            source: Default::default(),
            blob: None,
            missing_file: None,
            body: EvidenceBody::Note(Note {
                text: "机房门禁正常".into(),
            }),
        }
    }

    fn with_blob(id: &str, outbox: &Outbox, bytes: &[u8]) -> EvidenceItem {
        let sha = outbox.put_blob(bytes).unwrap();
        EvidenceItem {
            blob: Some(BlobRef {
                sha256: sha,
                size: bytes.len() as u64,
                media_type: Some("image/jpeg".into()),
                file_name: None,
            }),
            ..note(id)
        }
    }

    #[test]
    fn reopen_returns_the_same_items_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let written = {
            let o = Outbox::open(dir.path()).unwrap();
            let a = note("a");
            let b = with_blob("b", &o, b"photo bytes");
            o.insert(&a, &"1".repeat(64), "jws-a").unwrap();
            o.insert(&b, &"2".repeat(64), "jws-b").unwrap();
            o.ack("a", r#"{"digest":"x"}"#).unwrap();
            o.set_upload_url("b", Some("/tus/1")).unwrap();
            o.items().unwrap()
        };
        let o = Outbox::open(dir.path()).unwrap();
        assert_eq!(o.items().unwrap(), written);
        assert_eq!(written[0].state, ItemState::Acked);
        let pending = o.pending().unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].upload_url.as_deref(), Some("/tus/1"));
        assert_eq!(
            o.read_blob(&pending[0].item.blob.as_ref().unwrap().sha256)
                .unwrap(),
            b"photo bytes"
        );
    }

    #[test]
    fn a_blob_without_a_row_and_a_temporary_file_are_removed_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let (kept, orphan) = {
            let o = Outbox::open(dir.path()).unwrap();
            let item = with_blob("k", &o, b"kept");
            o.insert(&item, &"3".repeat(64), "jws").unwrap();
            // Killed after the rename, before the commit.
            let orphan = o.put_blob(b"never committed").unwrap();
            // Killed while writing the temporary file.
            fs::write(o.blob_dir().join(".tmp-123"), b"half").unwrap();
            (item.blob.unwrap().sha256, orphan)
        };
        let o = Outbox::open(dir.path()).unwrap();
        let names: Vec<String> = fs::read_dir(o.blob_dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec![kept.clone()]);
        assert!(!o.blob_path(&orphan).exists());
        // Every row has its blob.
        for i in o.items().unwrap() {
            if let Some(b) = i.item.blob {
                assert!(o.blob_path(&b.sha256).is_file());
            }
        }
    }

    #[test]
    fn an_item_whose_blob_is_absent_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let o = Outbox::open(dir.path()).unwrap();
        let mut item = note("x");
        item.blob = Some(BlobRef {
            sha256: "4".repeat(64),
            size: 1,
            media_type: None,
            file_name: None,
        });
        assert!(o.insert(&item, &"5".repeat(64), "jws").is_err());
        assert!(o.items().unwrap().is_empty());
    }

    #[test]
    fn the_same_item_id_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let o = Outbox::open(dir.path()).unwrap();
        o.insert(&note("n"), &"6".repeat(64), "jws").unwrap();
        assert!(o.insert(&note("n"), &"6".repeat(64), "jws").is_err());
        assert_eq!(o.items().unwrap().len(), 1);
    }

    #[test]
    fn meta_values_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        Outbox::open(dir.path())
            .unwrap()
            .set_meta("inspection_id", "i-1")
            .unwrap();
        let o = Outbox::open(dir.path()).unwrap();
        assert_eq!(o.meta("inspection_id").unwrap().as_deref(), Some("i-1"));
        assert_eq!(o.meta("nothing").unwrap(), None);
    }
}

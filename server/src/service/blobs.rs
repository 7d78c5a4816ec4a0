//! Stored bytes: spool files, content-addressed blobs (stored once, their row written
//! after the store said the bytes are durable), and which inspection received which.

use std::path::Path;

use chrono::Utc;
use sea_orm::{EntityTrait, IntoActiveModel, TransactionTrait};

use crate::auth::Caller;
use crate::db::entities::{blob, evidence, inspection_blob};
use crate::service::inspection::load_visible;
use crate::service::{ServiceError, ServiceResult};
use crate::state::AppState;
use crate::store::{ByteStream, blob_key};

/// An item's stored bytes, as an inspection serves them.
pub struct ServedBlob {
    pub sha256: String,
    pub size: u64,
    /// As the uploader declared it (`application/octet-stream` when none was).
    pub media_type: String,
    pub bytes: ByteStream,
}

/// The bytes `sha256` of the inspection `inspection_id`, if the caller reaches the
/// inspection and one of its items refers to them. Bytes merely uploaded to it, or
/// referred to by another inspection only, are not served here (404): a blob's digest
/// must not open another tenant's evidence.
pub async fn serve(
    state: &AppState,
    caller: &Caller,
    inspection_id: &str,
    sha256: &str,
) -> ServiceResult<ServedBlob> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let row = load_visible(&state.db, caller, inspection_id).await?;
    let referenced = evidence::Entity::find()
        .filter(evidence::Column::InspectionId.eq(&row.id))
        .filter(evidence::Column::BlobSha256.eq(sha256))
        .one(&state.db)
        .await?
        .is_some();
    let b = blob::Entity::find_by_id(sha256.to_owned())
        .one(&state.db)
        .await?
        .filter(|_| referenced)
        .ok_or_else(|| ServiceError::not_found(hecha_core::msg!("error-no-such-blob")))?;
    let bytes = state.store.get_stream(&blob_key(sha256)).await?;
    Ok(ServedBlob {
        sha256: b.sha256,
        size: u64::try_from(b.size).map_err(ServiceError::internal)?,
        media_type: b
            .media_type
            .unwrap_or_else(|| "application/octet-stream".into()),
        bytes,
    })
}

/// A received body on disk (deleted when dropped).
pub struct Spooled {
    pub path: tempfile::TempPath,
    pub sha256: String,
    pub size: u64,
}

impl Spooled {
    /// Stores these bytes as a blob received by `inspection_id` (see [`store_blob`]).
    pub async fn store(
        &self,
        state: &AppState,
        inspection_id: &str,
        media_type: Option<String>,
    ) -> ServiceResult<()> {
        store_blob(
            state,
            inspection_id,
            &self.path,
            &self.sha256,
            self.size,
            media_type,
        )
        .await
    }
}

/// A new empty file in the spool directory, opened for writing (buffered), deleted when
/// its path is dropped.
pub async fn spool_file(
    state: &AppState,
    prefix: &str,
) -> ServiceResult<(tempfile::TempPath, tokio::io::BufWriter<tokio::fs::File>)> {
    let dir = state.settings.spool_dir();
    crate::private_fs::private_dir(&dir)?;
    let path = tempfile::Builder::new()
        .prefix(prefix)
        .tempfile_in(&dir)?
        .into_temp_path();
    let file = tokio::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .await?;
    Ok((path, tokio::io::BufWriter::with_capacity(256 * 1024, file)))
}

/// Stores a spooled file as a blob (once per content), records its row afterwards, and
/// records that `inspection_id` received it (items may only refer to such bytes).
pub async fn store_blob(
    state: &AppState,
    inspection_id: &str,
    file: &Path,
    sha256: &str,
    size: u64,
    media_type: Option<String>,
) -> ServiceResult<()> {
    let stored = if blob_stored(state, sha256).await? {
        None
    } else {
        let _slot = state
            .store_slots
            .acquire()
            .await
            .map_err(ServiceError::internal)?;
        let content_type = content_type(&media_type);
        state
            .store
            .put_file(&blob_key(sha256), file, size, sha256, content_type)
            .await?;
        Some((size, media_type))
    };
    record_blob(state, inspection_id, sha256, stored).await
}

pub(crate) fn content_type(media_type: &Option<String>) -> &str {
    media_type.as_deref().unwrap_or("application/octet-stream")
}

/// Whether the blob's row exists (its bytes are durably stored).
pub(crate) async fn blob_stored(state: &AppState, sha256: &str) -> ServiceResult<bool> {
    Ok(blob::Entity::find_by_id(sha256.to_owned())
        .one(&state.db)
        .await?
        .is_some())
}

/// Records that `inspection_id` received the blob `sha256` (items may only refer to such
/// bytes) and, when `stored` gives its size and media type, the blob's own row, written
/// after its bytes are durable: one transaction, one commit. Either row may be there
/// already (the same bytes uploaded concurrently, or again).
pub(crate) async fn record_blob(
    state: &AppState,
    inspection_id: &str,
    sha256: &str,
    stored: Option<(u64, Option<String>)>,
) -> ServiceResult<()> {
    let now = Utc::now();
    let txn = state.db.begin().await?;
    if let Some((size, media_type)) = stored {
        let row = blob::Model {
            sha256: sha256.to_owned(),
            size: size as i64,
            media_type,
            created_at: now,
        };
        blob::Entity::insert(row.into_active_model())
            .on_conflict_do_nothing()
            .exec_without_returning(&txn)
            .await?;
    }
    let link = inspection_blob::Model {
        inspection_id: inspection_id.to_owned(),
        sha256: sha256.to_owned(),
        created_at: now,
    };
    inspection_blob::Entity::insert(link.into_active_model())
        .on_conflict_do_nothing()
        .exec_without_returning(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

//! Garbage collection (`hecha gc`): blob objects no `blobs` row refers to (a crash between
//! the store's write and the row's commit leaves them) and expired resumable uploads.

use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::db::entities::{blob, upload};
use crate::service::ServiceResult;
use crate::state::AppState;
use crate::store::{blob_key, upload_chunk_key};

/// What a collection deleted (or, in a dry run, would delete).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GcReport {
    /// Store keys of the orphan blob objects.
    pub orphan_keys: Vec<String>,
    pub orphan_bytes: u64,
    /// Ids of the expired, unfinished uploads.
    pub expired_uploads: Vec<String>,
    pub dry_run: bool,
}

/// Collects orphan blobs older than `grace` (younger ones may be uploads about to commit
/// their row) and expired unfinished uploads; with `dry_run`, deletes nothing.
pub async fn run(state: &AppState, grace: Duration, dry_run: bool) -> ServiceResult<GcReport> {
    let cutoff = Utc::now() - grace;
    let mut report = GcReport {
        dry_run,
        ..GcReport::default()
    };
    for obj in state.store.list("blobs/sha256/").await? {
        let Some(sha) = obj.key.rsplit('/').next() else {
            continue;
        };
        if obj.modified.is_some_and(|m| m > cutoff) {
            continue;
        }
        if blob_key(sha) == obj.key
            && blob::Entity::find_by_id(sha.to_owned())
                .one(&state.db)
                .await?
                .is_some()
        {
            continue;
        }
        if !dry_run {
            state.store.delete(&obj.key).await?;
        }
        report.orphan_bytes += obj.size;
        report.orphan_keys.push(obj.key);
    }
    let expired = upload::Entity::find()
        .filter(upload::Column::ExpiresAt.lt(Utc::now()))
        .filter(upload::Column::BlobSha256.is_null())
        .all(&state.db)
        .await?;
    for u in expired {
        if !dry_run {
            for n in 0..u.chunks as u32 {
                state.store.delete(&upload_chunk_key(&u.id, n)).await?;
            }
            upload::Entity::delete_by_id(u.id.clone())
                .exec(&state.db)
                .await?;
        }
        report.expired_uploads.push(u.id);
    }
    Ok(report)
}

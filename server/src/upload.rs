//! Receiving bytes: a request body streamed to a spool file while it is hashed (bounded
//! memory whatever the size), then stored content-addressed; the `blobs` row is committed
//! only after the store said the bytes are durable.

use std::path::Path;

use actix_web::web;
use base64::Engine;
use chrono::Utc;
use futures_util::StreamExt;
use sea_orm::{EntityTrait, IntoActiveModel};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::db::entities::{blob, inspection_blob};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::blob_key;

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
    ) -> ApiResult<()> {
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
) -> ApiResult<(tempfile::TempPath, tokio::io::BufWriter<tokio::fs::File>)> {
    let dir = state.settings.spool_dir();
    tokio::fs::create_dir_all(&dir).await?;
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

/// Streams `payload` into a spool file, hashing it, refusing more than `limit` bytes (413).
/// A body cut short (client gone) is an error and leaves nothing behind.
pub async fn spool(state: &AppState, mut payload: web::Payload, limit: u64) -> ApiResult<Spooled> {
    let (path, mut file) = spool_file(state, "upload-").await?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    state.metrics.uploads_in_flight.inc();
    let result = async {
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| {
                ApiError::bad_request(
                    "upload.incomplete",
                    format!("the upload was cut short: {e}"),
                )
            })?;
            size += chunk.len() as u64;
            if size > limit {
                return Err(ApiError::too_large(limit));
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await?;
        }
        file.flush().await?;
        Ok(())
    }
    .await;
    state.metrics.uploads_in_flight.dec();
    result?;
    state.metrics.upload_bytes.inc_by(size);
    Ok(Spooled {
        path,
        sha256: hex::encode(hasher.finalize()),
        size,
    })
}

/// The client's announced SHA-256: `X-Content-SHA256: <hex>` or RFC 9530
/// `Content-Digest: sha-256=:<base64>:`.
pub fn client_sha256(req: &actix_web::HttpRequest) -> ApiResult<Option<String>> {
    if let Some(h) = req.headers().get("x-content-sha256") {
        let v = h.to_str().unwrap_or("").trim().to_ascii_lowercase();
        if !crate::store::is_sha256_hex(&v) {
            return Err(ApiError::bad_request(
                "upload.bad_digest_header",
                "X-Content-SHA256 must be 64 hex digits",
            ));
        }
        return Ok(Some(v));
    }
    if let Some(h) = req.headers().get("content-digest") {
        let v = h.to_str().unwrap_or("");
        for part in v.split(',') {
            let part = part.trim();
            if let Some(b64) = part
                .strip_prefix("sha-256=:")
                .and_then(|r| r.strip_suffix(':'))
            {
                let raw = base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|_| {
                        ApiError::bad_request(
                            "upload.bad_digest_header",
                            "Content-Digest sha-256 is not base64",
                        )
                    })?;
                if raw.len() != 32 {
                    return Err(ApiError::bad_request(
                        "upload.bad_digest_header",
                        "Content-Digest sha-256 must be 32 bytes",
                    ));
                }
                return Ok(Some(hex::encode(raw)));
            }
        }
        return Err(ApiError::bad_request(
            "upload.bad_digest_header",
            "Content-Digest has no sha-256",
        ));
    }
    Ok(None)
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
) -> ApiResult<()> {
    if blob::Entity::find_by_id(sha256.to_owned())
        .one(&state.db)
        .await?
        .is_none()
    {
        put_blob(state, file, sha256, size, media_type).await?;
    }
    let link = inspection_blob::Model {
        inspection_id: inspection_id.to_owned(),
        sha256: sha256.to_owned(),
        created_at: Utc::now(),
    };
    match inspection_blob::Entity::insert(link.into_active_model())
        .exec_without_returning(&state.db)
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if crate::db::is_unique_violation(&e) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

async fn put_blob(
    state: &AppState,
    file: &Path,
    sha256: &str,
    size: u64,
    media_type: Option<String>,
) -> ApiResult<()> {
    let _slot = state
        .store_slots
        .acquire()
        .await
        .map_err(ApiError::internal)?;
    let content_type = media_type
        .clone()
        .unwrap_or_else(|| "application/octet-stream".into());
    state
        .store
        .put_file(&blob_key(sha256), file, size, sha256, &content_type)
        .await?;
    let row = blob::Model {
        sha256: sha256.to_owned(),
        size: size as i64,
        media_type,
        created_at: Utc::now(),
    };
    match blob::Entity::insert(row.into_active_model())
        .exec_without_returning(&state.db)
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if crate::db::is_unique_violation(&e) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Sanitized media type from a request header (or `None`).
pub fn media_type(req: &actix_web::HttpRequest) -> Option<String> {
    let v = req.headers().get("content-type")?.to_str().ok()?;
    let v = v.split(';').next()?.trim().to_ascii_lowercase();
    let ok = !v.is_empty()
        && v.len() <= 100
        && v.contains('/')
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/.+-".contains(&b));
    (ok && v != "application/offset+octet-stream").then_some(v)
}

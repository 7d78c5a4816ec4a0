//! Receiving bytes: a request body streamed to a spool file while it is hashed (bounded
//! memory whatever the size), then stored content-addressed; the `blobs` row is committed
//! only after the store said the bytes are durable.

use actix_web::web;
use base64::Engine;
use bytes::Bytes;
use futures_util::StreamExt;
use hecha_core::msg;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::api::problem::{ApiError, ApiResult};
use crate::service::blobs::{Spooled, blob_stored, content_type, record_blob, spool_file};
use crate::state::AppState;
use crate::store::{ByteStream, PASS_THROUGH_MAX, StoreError, blob_key};

/// Streams `payload` into a spool file, hashing it, refusing more than `limit` bytes (413).
/// A body cut short (client gone) is an error and leaves nothing behind.
pub async fn spool(state: &AppState, payload: web::Payload, limit: u64) -> ApiResult<Spooled> {
    let (path, mut file) = spool_file(state, "upload-").await?;
    let (sha256, size) = read_body(state, payload, limit, Some(&mut file)).await?;
    Ok(Spooled { path, sha256, size })
}

/// Reads a request body to its end, hashing it and writing it to `file` when given (flushed
/// at the end), refusing more than `limit` bytes (413); an upload in flight meanwhile.
/// Returns the SHA-256 (hex) and the size.
async fn read_body(
    state: &AppState,
    mut payload: web::Payload,
    limit: u64,
    mut file: Option<&mut tokio::io::BufWriter<tokio::fs::File>>,
) -> ApiResult<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let in_flight = InFlight::new(&state.metrics.uploads_in_flight);
    let result = async {
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(cut_short)?;
            size += chunk.len() as u64;
            if size > limit {
                return Err(ApiError::too_large(limit));
            }
            hasher.update(&chunk);
            if let Some(file) = file.as_deref_mut() {
                file.write_all(&chunk).await?;
            }
        }
        if let Some(file) = file {
            file.flush().await?;
        }
        Ok(())
    }
    .await;
    drop(in_flight);
    result?;
    state.metrics.upload_bytes.inc_by(size);
    Ok((hex::encode(hasher.finalize()), size))
}

/// Counts an upload in flight for as long as it lives, also when the request's future is
/// dropped half-way (the client went away).
struct InFlight(prometheus::IntGauge);

impl InFlight {
    fn new(gauge: &prometheus::IntGauge) -> Self {
        gauge.inc();
        InFlight(gauge.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

fn cut_short(e: actix_web::error::PayloadError) -> ApiError {
    ApiError::bad_request(
        "upload.incomplete",
        msg!("error-upload-incomplete", problem = e.to_string()),
    )
}

/// The client's announced SHA-256: `X-Content-SHA256: <hex>` or RFC 9530
/// `Content-Digest: sha-256=:<base64>:`.
pub fn client_sha256(req: &actix_web::HttpRequest) -> ApiResult<Option<String>> {
    if let Some(h) = req.headers().get("x-content-sha256") {
        let v = h.to_str().unwrap_or("").trim().to_ascii_lowercase();
        if !crate::store::is_sha256_hex(&v) {
            return Err(ApiError::bad_request(
                "upload.bad_digest_header",
                msg!("error-upload-digest-header-hex"),
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
                            msg!("error-upload-content-digest-base64"),
                        )
                    })?;
                if raw.len() != 32 {
                    return Err(ApiError::bad_request(
                        "upload.bad_digest_header",
                        msg!("error-upload-content-digest-length"),
                    ));
                }
                return Ok(Some(hex::encode(raw)));
            }
        }
        return Err(ApiError::bad_request(
            "upload.bad_digest_header",
            msg!("error-upload-content-digest-missing"),
        ));
    }
    Ok(None)
}

/// Receives `POST …/blobs`: a body whose SHA-256 the client announced (`expected`) and,
/// when it sent one, its `Content-Length`, stored as a blob `inspection_id` received.
///
/// Bytes already stored are only hashed, never written again. A body of known length up to
/// [`PASS_THROUGH_MAX`] goes straight to the store as it arrives, hashed on the way, when a
/// store slot is free at once: one pass, no spool file, and the client's bytes reach S3 at
/// the client's pace. The last chunk is held back until the hash is known, so a body that
/// does not hash to `expected` never completes in the store. Anything else (no length, a
/// large body, every store slot busy) is spooled first.
pub async fn receive_blob(
    state: &AppState,
    payload: web::Payload,
    length: Option<u64>,
    expected: &str,
    media_type: Option<String>,
    inspection_id: &str,
) -> ApiResult<u64> {
    let limit = state.settings.limits.max_upload_bytes;
    let mismatch = |sha256: &str| {
        ApiError::unprocessable(
            "upload.digest_mismatch",
            msg!(
                "error-upload-digest-mismatch",
                received = sha256,
                announced = expected
            ),
        )
    };
    if blob_stored(state, expected).await? {
        // Hashed only: its bytes are stored already.
        let (sha256, size) = read_body(state, payload, limit, None).await?;
        if sha256 != expected {
            return Err(mismatch(&sha256));
        }
        record_blob(state, inspection_id, expected, None).await?;
        return Ok(size);
    }
    let slot = match length {
        Some(len) if (1..=PASS_THROUGH_MAX.min(limit)).contains(&len) => {
            state.store_slots.clone().try_acquire_owned().ok()
        }
        _ => None,
    };
    let (Some(len), Some(slot)) = (length, slot) else {
        let spooled = spool(state, payload, limit).await?;
        if spooled.sha256 != expected {
            return Err(mismatch(&spooled.sha256));
        }
        spooled.store(state, inspection_id, media_type).await?;
        return Ok(spooled.size);
    };

    // The feed runs up to 16 chunks ahead of the store (hyper writes queued chunks to the
    // store's socket with one vectored write).
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, StoreError>>(16);
    let body: ByteStream = Box::pin(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }));
    let stop = |why: &str| Err(StoreError::Io(std::io::Error::other(why.to_owned())));
    let idle = std::time::Duration::from_secs(state.settings.limits.body_idle_timeout_s.max(1));
    let feed = async move {
        let mut payload = payload;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        // The last chunk read, sent only when the next one came or the hash is right.
        let mut held: Option<Bytes> = None;
        loop {
            // A stalled sender must not hold the store slot (and the store's request) forever.
            let chunk = match tokio::time::timeout(idle, payload.next()).await {
                Ok(None) => break,
                Ok(Some(Ok(chunk))) => chunk,
                Ok(Some(Err(e))) => {
                    let _ = tx.send(stop("the upload was cut short")).await;
                    return Err(cut_short(e));
                }
                Err(_) => {
                    let _ = tx.send(stop("the upload stalled")).await;
                    return Err(ApiError::new(
                        actix_web::http::StatusCode::REQUEST_TIMEOUT,
                        "upload.stalled",
                        msg!("error-upload-stalled", seconds = idle.as_secs()),
                    ));
                }
            };
            size += chunk.len() as u64;
            hasher.update(&chunk);
            if let Some(previous) = held.replace(chunk)
                && tx.send(Ok(previous)).await.is_err()
            {
                // The store gave up (its error is the answer); stop reading.
                return Ok(size);
            }
        }
        let sha256 = hex::encode(hasher.finalize());
        if sha256 != expected || size != len {
            let _ = tx.send(stop("the upload does not hash as announced")).await;
            return Err(mismatch(&sha256));
        }
        if let Some(last) = held {
            let _ = tx.send(Ok(last)).await;
        }
        Ok(size)
    };
    let key = blob_key(expected);
    let put = state
        .store
        .put_stream(&key, body, len, expected, content_type(&media_type));
    let in_flight = InFlight::new(&state.metrics.uploads_in_flight);
    let (fed, put) = tokio::join!(feed, put);
    drop((in_flight, slot));
    let size = fed?;
    put?;
    state.metrics.upload_bytes.inc_by(size);
    record_blob(state, inspection_id, expected, Some((size, media_type))).await?;
    Ok(size)
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

//! Sync: the outbox to the server, in capture order. Per pending item, its bytes over tus
//! (fixed chunk boundaries, the upload URL kept in the outbox so a later sync resumes with
//! `HEAD`), then the item with its device signature; the item is acknowledged (leaves the
//! pending state) only on a 200/201. The server answers the same item id with the same
//! content with 200, so a sync cut anywhere and run again sends nothing twice.
//!
//! Errors: a 401 `auth.expired_token` asks the app for a new token once; other 4xx stop at
//! once (fatal: authentication, sealed inspection, too large, refused item); network
//! errors, 5xx and 429 back off exponentially, with bounded attempts per sync call.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use hecha_core::model::wire::NewEvidence;
use hecha_core::msg;
use hecha_core::seal::manifest::DeviceSignature;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::MobileError;
use crate::outbox::OutboxItem;
use crate::records::SyncReport;
use crate::session::InspectionSession;

/// The chunk size of resumable uploads. Fixed, so a chunk is the same bytes on every retry.
pub const CHUNK_BYTES: usize = 1 << 20;
/// Attempts of one request on retryable failures.
const ATTEMPTS_PER_REQUEST: u32 = 5;
/// Retries of all requests together in one sync call.
const RETRY_BUDGET: u32 = 20;
const BASE_BACKOFF_MS: u64 = 200;
const MAX_BACKOFF_MS: u64 = 5_000;

/// Access tokens, from the app (which signs in and keeps the refresh token).
#[uniffi::export(with_foreign)]
pub trait TokenProvider: Send + Sync {
    /// The current access token.
    fn access_token(&self) -> String;
    /// A new access token, after the server said the current one expired.
    fn refresh(&self) -> Result<String, MobileError>;
}

/// Progress of a sync, for the app's screen.
#[uniffi::export(with_foreign)]
pub trait SyncProgress: Send + Sync {
    /// `state`: `uploading`, `sending`, `acked` (`created` or `already_there` in `detail`).
    fn on_item(&self, item_id: String, state: String);
    /// Bytes of blobs sent in this sync, of the total pending.
    fn on_bytes(&self, sent: u64, total: u64);
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    fn code(&self) -> String {
        self.json()
            .get("code")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("http.{}", self.status))
    }
    fn success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

struct Http<'a> {
    agent: ureq::Agent,
    base: String,
    tokens: Arc<dyn TokenProvider>,
    token: String,
    refreshed: bool,
    retries_left: u32,
    cancelled: &'a AtomicBool,
}

impl Http<'_> {
    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    fn check_cancel(&self) -> Result<(), MobileError> {
        if self.cancelled.load(Ordering::SeqCst) {
            Err(MobileError::cancelled())
        } else {
            Ok(())
        }
    }

    /// Waits, waking up to notice a cancel.
    fn sleep(&self, ms: u64) -> Result<(), MobileError> {
        let mut left = ms;
        while left > 0 {
            self.check_cancel()?;
            let step = left.min(100);
            std::thread::sleep(Duration::from_millis(step));
            left -= step;
        }
        Ok(())
    }

    fn once(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: Option<&[u8]>,
    ) -> Result<Answer, String> {
        let mut req = ureq::http::Request::builder()
            .method(method)
            .uri(self.url(path))
            .header("Authorization", format!("Bearer {}", self.token));
        for (k, v) in headers {
            req = req.header(*k, v.as_str());
        }
        let res = match body {
            Some(b) => req
                .body(b.to_vec())
                .map_err(|e| e.to_string())
                .and_then(|r| self.agent.run(r).map_err(|e| e.to_string())),
            None => req
                .body(())
                .map_err(|e| e.to_string())
                .and_then(|r| self.agent.run(r).map_err(|e| e.to_string())),
        };
        let mut res = res?;
        let status = res.status().as_u16();
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let body = if method == "HEAD" {
            Vec::new()
        } else {
            res.body_mut()
                .with_config()
                .limit(64 << 20)
                .read_to_vec()
                .map_err(|e| e.to_string())?
        };
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// One request with the retry policy; returns any answer that is not retryable (the
    /// caller classifies it).
    fn call(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: Option<&[u8]>,
    ) -> Result<Answer, MobileError> {
        let mut attempt = 0u32;
        loop {
            self.check_cancel()?;
            let (reason, wait_ms) = match self.once(method, path, headers, body) {
                Ok(a) if a.status == 401 && a.code() == "auth.expired_token" && !self.refreshed => {
                    self.refreshed = true;
                    self.token = self.tokens.refresh()?;
                    continue;
                }
                Ok(a) if a.status == 429 || a.status >= 500 => {
                    let after = a
                        .header("retry-after")
                        .and_then(|s| s.trim().parse::<u64>().ok())
                        .map(|s| (s * 1000).min(10_000));
                    (format!("HTTP {} {}", a.status, a.code()), after)
                }
                Ok(a) => return Ok(a),
                Err(e) => (e, None),
            };
            attempt += 1;
            if attempt >= ATTEMPTS_PER_REQUEST || self.retries_left == 0 {
                return Err(MobileError::retry_later(
                    "sync.unreachable",
                    &msg!("mobile-unreachable", reason = reason.to_string()),
                ));
            }
            self.retries_left -= 1;
            let backoff = (BASE_BACKOFF_MS << (attempt - 1)).min(MAX_BACKOFF_MS);
            self.sleep(wait_ms.unwrap_or(backoff).max(backoff))?;
        }
    }
}

/// A refusal the sync cannot get past: stop now and say why.
fn fatal(a: &Answer) -> MobileError {
    let v = a.json();
    let detail = v
        .get("detail")
        .or_else(|| v.get("title"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let code = a.code();
    let says = match (a.status, code.as_str()) {
        (401, _) => msg!("mobile-signed-out"),
        (403, _) => msg!("mobile-forbidden"),
        (409, "inspection.sealed") => msg!("mobile-sealed"),
        (413, _) => msg!("mobile-too-large"),
        _ => msg!("mobile-refused", detail = detail),
    };
    MobileError::fatal(&code, &says)
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub(crate) fn run(
    s: &InspectionSession,
    server_url: &str,
    tokens: Arc<dyn TokenProvider>,
    progress: Arc<dyn SyncProgress>,
) -> Result<SyncReport, MobileError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into();
    let mut http = Http {
        agent,
        base: server_url.trim_end_matches('/').to_owned(),
        token: tokens.access_token(),
        tokens,
        refreshed: false,
        retries_left: RETRY_BUDGET,
        cancelled: &s.cancelled,
    };
    let insp = s.inspection.id.clone();

    // The device clock against the server's, halfway through the round trip.
    let t0 = now_ms();
    let a = http.call(
        "GET",
        &format!(
            "/api/v1/inspections/{insp}/assignment?device_id={}",
            s.device_id
        ),
        &[],
        None,
    )?;
    let t1 = now_ms();
    if !a.success() {
        return Err(fatal(&a));
    }
    let server_ms = a
        .json()
        .get("server_time")
        .and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .or_else(|| {
            a.header("date")
                .and_then(|d| DateTime::parse_from_rfc2822(d).ok())
        })
        .map(|t| t.timestamp_millis());
    let clock_offset_ms = server_ms.map(|srv| (t0 + t1) / 2 - srv).unwrap_or(0);
    s.outbox()
        .set_meta("clock_offset_ms", &clock_offset_ms.to_string())?;

    let pending = s.outbox().pending()?;
    let total: u64 = pending
        .iter()
        .filter_map(|i| i.item.blob.as_ref().map(|b| b.size))
        .sum();
    let mut report = SyncReport {
        created: 0,
        already_there: 0,
        pending: pending.len() as u32,
        bytes_sent: 0,
        clock_offset_ms,
    };
    for item in pending {
        http.check_cancel()?;
        let id = item.item.id.clone();
        if item.item.blob.is_some() {
            progress.on_item(id.clone(), "uploading".into());
            upload_blob(
                &mut http,
                s,
                &item,
                &mut report.bytes_sent,
                total,
                &*progress,
            )?;
        }
        progress.on_item(id.clone(), "sending".into());
        let body = NewEvidence {
            item: item.item.clone(),
            qr_text: None,
            id_number: None,
            device_signature: Some(DeviceSignature {
                device_id: s.device_id.clone(),
                jws: item.jws.clone(),
            }),
            clock_offset_ms: Some(clock_offset_ms),
        };
        let body = serde_json::to_vec(&body).map_err(MobileError::internal)?;
        let a = http.call(
            "POST",
            &format!("/api/v1/inspections/{insp}/evidence"),
            &[("Content-Type", "application/json".to_owned())],
            Some(&body),
        )?;
        if !matches!(a.status, 200 | 201) {
            return Err(fatal(&a));
        }
        let v = a.json();
        let verdict = json!({
            "status": a.status,
            "digest": v.get("digest"),
            "received_at": v.get("received_at"),
            "signed": v.get("signed"),
            "assessment": v.get("assessment"),
        });
        s.outbox().ack(&id, &verdict.to_string())?;
        if a.status == 201 {
            report.created += 1;
        } else {
            report.already_there += 1;
        }
        report.pending -= 1;
        progress.on_item(id, "acked".into());
    }
    Ok(report)
}

/// The item's blob over tus, resuming a stored upload.
fn upload_blob(
    http: &mut Http<'_>,
    s: &InspectionSession,
    item: &OutboxItem,
    sent: &mut u64,
    total: u64,
    progress: &dyn SyncProgress,
) -> Result<(), MobileError> {
    let Some(blob) = &item.item.blob else {
        return Ok(());
    };
    let bytes = s.outbox().read_blob(&blob.sha256)?;
    let len = bytes.len();
    let tus = |extra: &[(&'static str, String)]| {
        let mut h = vec![("Tus-Resumable", "1.0.0".to_owned())];
        h.extend_from_slice(extra);
        h
    };
    let mut url = item.upload_url.clone();
    // Bounded: an upload discarded by the server (whole-file checksum, expiry) restarts.
    for _restart in 0..3 {
        let mut offset = 0usize;
        if let Some(u) = &url {
            let a = http.call("HEAD", u, &tus(&[]), None)?;
            match a.status {
                200 | 204 => {
                    if a.header("hecha-blob-sha256").is_some() {
                        return Ok(());
                    }
                    offset = a
                        .header("upload-offset")
                        .and_then(|o| o.parse().ok())
                        .unwrap_or(0);
                }
                404 | 410 => url = None,
                _ => return Err(fatal(&a)),
            }
        }
        let u = match url.clone() {
            Some(u) => u,
            None => {
                let meta = format!(
                    "filename {},filetype {},sha256 {}",
                    b64(blob.file_name.as_deref().unwrap_or("blob").as_bytes()),
                    b64(blob
                        .media_type
                        .as_deref()
                        .unwrap_or("application/octet-stream")
                        .as_bytes()),
                    b64(blob.sha256.as_bytes()),
                );
                let a = http.call(
                    "POST",
                    &format!("/api/v1/inspections/{}/tus", s.inspection.id),
                    &tus(&[
                        ("Upload-Length", len.to_string()),
                        ("Upload-Metadata", meta),
                    ]),
                    None,
                )?;
                if a.status != 201 {
                    return Err(fatal(&a));
                }
                let loc = a.header("location").unwrap_or("").to_owned();
                s.outbox().set_upload_url(&item.item.id, Some(&loc))?;
                if a.header("hecha-blob-sha256").is_some() {
                    return Ok(());
                }
                url = Some(loc.clone());
                loc
            }
        };
        let mut restart = false;
        while offset < len {
            http.check_cancel()?;
            // Chunk boundaries at multiples of CHUNK_BYTES, whatever offset we resume at.
            let end = ((offset / CHUNK_BYTES + 1) * CHUNK_BYTES).min(len);
            let chunk = &bytes[offset..end];
            let a = http.call(
                "PATCH",
                &u,
                &tus(&[
                    ("Content-Type", "application/offset+octet-stream".to_owned()),
                    ("Upload-Offset", offset.to_string()),
                    (
                        "Upload-Checksum",
                        format!("sha256 {}", b64(&Sha256::digest(chunk))),
                    ),
                ]),
                Some(chunk),
            )?;
            match a.status {
                204 | 200 => {
                    let new = a
                        .header("upload-offset")
                        .and_then(|o| o.parse().ok())
                        .unwrap_or(end);
                    *sent += (new.saturating_sub(offset)) as u64;
                    progress.on_bytes(*sent, total);
                    offset = new;
                    if let Some(sha) = a.header("hecha-blob-sha256")
                        && sha != blob.sha256
                    {
                        return Err(MobileError::fatal(
                            "upload.digest",
                            &msg!("mobile-upload-digest"),
                        ));
                    }
                }
                // Someone (an earlier, cut request) moved the offset: ask where it is.
                409 if a.code() == "tus.offset_mismatch" => {
                    let h = http.call("HEAD", &u, &tus(&[]), None)?;
                    if h.header("hecha-blob-sha256").is_some() {
                        return Ok(());
                    }
                    offset = h
                        .header("upload-offset")
                        .and_then(|o| o.parse().ok())
                        .unwrap_or(0);
                }
                // Corrupted in transit (chunk: resend; whole file: the upload was dropped).
                460 | 404 | 410 => {
                    url = None;
                    s.outbox().set_upload_url(&item.item.id, None)?;
                    restart = true;
                    break;
                }
                _ => return Err(fatal(&a)),
            }
        }
        if !restart {
            return Ok(());
        }
    }
    Err(MobileError::retry_later(
        "upload.restarted",
        &msg!("mobile-upload-restarted"),
    ))
}

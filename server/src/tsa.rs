//! The RFC 3161 client: asks a time-stamping authority to time-stamp a manifest digest.
//!
//! The DER work (request, response, token checks) is `hecha_core::seal::timestamp`; this
//! module only carries the bytes over HTTP(S) (blocking `ureq`, rustls on `ring`). Every
//! failure is an error, never a bundle silently sealed without its token.

use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use hecha_core::seal::timestamp::{TimestampRequest, TsaTrustAnchors, accept_response};

/// Content type of an RFC 3161 request (RFC 3161 §3.4).
pub const TIMESTAMP_QUERY: &str = "application/timestamp-query";
/// Content type of an RFC 3161 reply.
pub const TIMESTAMP_REPLY: &str = "application/timestamp-reply";
/// A reply larger than this is not a time-stamp token.
const MAX_REPLY_BYTES: u64 = 1 << 20;

/// POSTs a `TimeStampReq` for `digest_hex` (the manifest digest, lowercase hex SHA-256) to
/// the TSA at `url` and returns the token (`ContentInfo` DER) to store byte for byte as
/// `hecha/timestamp.tsr`.
///
/// The reply must be HTTP 200, status granted (or grantedWithMods), and its token must
/// verify for this digest and this request's nonce (signature, messageDigest, EKU). The
/// TSA is not pinned here: `hecha verify` checks it against trust anchors.
pub fn request_timestamp(
    url: &str,
    digest_hex: &str,
    timeout: Duration,
) -> anyhow::Result<Vec<u8>> {
    let request = TimestampRequest::new(digest_hex)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .post(url)
        .header("Content-Type", TIMESTAMP_QUERY)
        .header("Accept", TIMESTAMP_REPLY)
        .send(request.der())
        .with_context(|| format!("time-stamping authority {url}: request failed"))?;
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_REPLY_BYTES)
        .read_to_vec()
        .with_context(|| format!("time-stamping authority {url}: reading the reply failed"))?;
    if !status.is_success() {
        bail!(
            "time-stamping authority {url}: HTTP {status}{}",
            snippet(&body)
        );
    }
    let (token, _info) =
        accept_response(&request, &body, &TsaTrustAnchors::none()).map_err(|e| {
            let hint = if content_type.starts_with(TIMESTAMP_REPLY) {
                String::new()
            } else {
                format!(" (reply content type {content_type:?}, not {TIMESTAMP_REPLY})")
            };
            anyhow!("time-stamping authority {url}: {e}{hint}")
        })?;
    Ok(token)
}

/// The start of a non-200 reply body, when it is short text, for the error message.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() || text.contains('\u{fffd}') {
        return String::new();
    }
    let short: String = text.chars().take(200).collect();
    format!(": {short}")
}

//! Sealing: the primitives a sealed bundle (`hecha.bundle/v2`; v1 still verified) is made of.
//!
//! - [`canonical`]: RFC 8785 (JCS) canonical JSON, with no floats.
//! - [`hash`]: streaming SHA-256, lowercase hex.
//! - [`merkle`]: the RFC 6962 Merkle tree over item digests and its inclusion proofs.
//! - [`events`]: the hash-chained event log.
//! - [`key`]: an Ed25519 bundle key, its public JWK, JWK Sets, what a key may sign, and the
//!   [`key::BundleSigner`] trait.
//! - [`key_history`]: the signed history that introduces and retires keys, and the verified
//!   [`key_history::KeyChain`] a verifier walks.
//! - [`keyring`]: the keyring directory (key files, index, history) that rotates and retires.
//! - [`sign`]: the bundle JWS (EdDSA).
//! - [`device`]: ES256 device signatures over item digests.
//! - [`manifest`]: the manifest, its digest and its Merkle root.
//! - [`timestamp`]: RFC 3161 time-stamp requests, responses and offline token checks.
//! - [`log`]: the seal log's entries, consistency and inclusion proofs, signed tree heads.
//!
//! `docs/bundle-format.md` specifies every byte these produce. Nothing here does network
//! I/O; only [`keyring::Keyring`], the PEM files of [`key::Ed25519Key`] and the file-hashing
//! helpers touch the file system.
//!
//! Dependencies between the key modules go one way: `key` ← `key_history` ← `keyring`, and
//! `sign` uses `key` and `key_history`; none of them imports `keyring`.

pub mod canonical;
pub mod device;
pub mod events;
pub mod hash;
pub mod key;
pub mod key_history;
pub mod keyring;
pub mod log;
pub mod manifest;
pub mod merkle;
pub mod seat;
pub mod sign;
pub mod timestamp;

/// Schema id of the bundles sealed now, in the manifest and in the JWS claims.
pub const BUNDLE_SCHEMA: &str = BUNDLE_SCHEMA_V2;
/// The first format: still verified, never written.
pub const BUNDLE_SCHEMA_V1: &str = "hecha.bundle/v1";
/// The current format (`docs/bundle-format.md`).
pub const BUNDLE_SCHEMA_V2: &str = "hecha.bundle/v2";

/// Which format a bundle was sealed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum BundleVersion {
    #[serde(rename = "hecha.bundle/v1")]
    V1,
    #[serde(rename = "hecha.bundle/v2")]
    V2,
}

impl BundleVersion {
    /// The version a schema id names, if it is one this verifier reads.
    pub fn of(schema: &str) -> Option<Self> {
        match schema {
            BUNDLE_SCHEMA_V1 => Some(Self::V1),
            BUNDLE_SCHEMA_V2 => Some(Self::V2),
            _ => None,
        }
    }

    pub fn schema(self) -> &'static str {
        match self {
            Self::V1 => BUNDLE_SCHEMA_V1,
            Self::V2 => BUNDLE_SCHEMA_V2,
        }
    }
}

/// RFC 3339 UTC, seconds precision: how the keyring, the key history, the manifest and the
/// server write times.
pub fn format_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// base64url without padding (RFC 7515 §2), as JWS and JWK use it.
pub(crate) fn b64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url without padding; `None` when it is not exactly that.
pub(crate) fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()
}

/// base64url (no padding) decoding, for tests and tools that read the documented example.
#[doc(hidden)]
pub fn b64url_decode_for_docs(text: &str) -> Option<Vec<u8>> {
    b64url_decode(text)
}

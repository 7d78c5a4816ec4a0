//! Blob storage: original evidence bytes (content-addressed) and sealed bundle documents.
//!
//! Two real implementations: [`local::LocalStore`], a directory (the embedded default),
//! and [`s3::S3Store`], any S3-compatible service (AWS, MinIO, Ceph RGW, Alibaba OSS,
//! Tencent COS, Huawei OBS). Keys:
//! - `blobs/sha256/<hh>/<sha256>` — evidence bytes, written once, never changed;
//! - `bundles/<inspection-id>/<manifest-sha256>.json` — a sealed bundle's documents;
//! - `uploads/<upload-id>/<nnnnnn>` — the chunks of a resumable (tus) upload in progress.
//!
//! A `put_*` call returns only when the object is durable (fsync + rename locally, the
//! service's 200 on S3); callers commit the database row after it, never before.

use std::path::Path;
use std::pin::Pin;

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::Stream;

pub mod local;
pub mod s3;

/// A stream of an object's bytes.
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, StoreError>> + Send>>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("object {0} not found")]
    NotFound(String),
    /// The store cannot be reached or answered with a server error: try again later.
    #[error("blob store unavailable: {0}")]
    Unavailable(String),
    /// The store refused the request (credentials, permissions, a missing bucket).
    #[error("blob store refused the request: {0}")]
    Refused(String),
    #[error("blob store I/O: {0}")]
    Io(#[from] std::io::Error),
}

/// One stored object, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    pub key: String,
    pub size: u64,
    pub modified: Option<DateTime<Utc>>,
}

/// Object Lock retention asked for a sealed bundle document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub mode: RetentionMode,
    pub until: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RetentionMode {
    Governance,
    Compliance,
}

impl RetentionMode {
    pub fn as_header(self) -> &'static str {
        match self {
            RetentionMode::Governance => "GOVERNANCE",
            RetentionMode::Compliance => "COMPLIANCE",
        }
    }
}

#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Where the store is, for logs and `hecha serve`'s banner (no credentials).
    fn describe(&self) -> String;

    /// Stores the file at `path` (`size` bytes whose SHA-256 is `sha256`, as computed when
    /// they were received) under `key`; durable when it returns. The file is streamed, never
    /// whole in memory; large files go up in parts (S3 multipart). A file that is no longer
    /// `size` bytes hashing to `sha256` is refused and leaves nothing under `key` on S3,
    /// where the service checks the hash; the local store does not hash again.
    async fn put_file(
        &self,
        key: &str,
        path: &Path,
        size: u64,
        sha256: &str,
        content_type: &str,
    ) -> Result<(), StoreError>;

    /// Stores the bytes `body` yields, as they arrive, under `key`; durable when it returns.
    /// `body` must yield exactly `size` bytes hashing to `sha256`: a stream that fails (an
    /// `Err` item) or yields another number of bytes leaves nothing under `key`. The caller
    /// hashes the bytes and fails the stream before its last bytes when they do not match;
    /// S3 signs the request with `sha256`, so the service checks the hash as well. Nothing
    /// is retried (the bytes are gone): callers keep bodies small ([`PASS_THROUGH_MAX`]).
    async fn put_stream(
        &self,
        key: &str,
        body: ByteStream,
        size: u64,
        sha256: &str,
        content_type: &str,
    ) -> Result<(), StoreError>;

    /// Stores small bytes under `key`, with Object Lock retention when asked and supported.
    async fn put_bytes(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
        retention: Option<Retention>,
    ) -> Result<(), StoreError>;

    /// The whole object, refusing more than `limit` bytes.
    async fn get_bytes(&self, key: &str, limit: u64) -> Result<Vec<u8>, StoreError>;

    /// The object as a stream (for HTTP responses and exports).
    async fn get_stream(&self, key: &str) -> Result<ByteStream, StoreError>;

    /// The object's size, or `None` when it does not exist.
    async fn size(&self, key: &str) -> Result<Option<u64>, StoreError>;

    /// Deletes the object; deleting a missing object is not an error.
    async fn delete(&self, key: &str) -> Result<(), StoreError>;

    /// Every object whose key starts with `prefix`.
    async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>, StoreError>;

    /// Readiness: the store answers and the bucket/directory is usable.
    async fn check(&self) -> Result<(), StoreError>;
}

/// The largest body a caller should hand to [`BlobStore::put_stream`] (larger ones are
/// spooled and sent with [`BlobStore::put_file`], in parts and with a retry).
pub const PASS_THROUGH_MAX: u64 = 64 * 1024 * 1024;

/// The key of an evidence blob.
pub fn blob_key(sha256: &str) -> String {
    let prefix = sha256.get(..2).unwrap_or("00");
    format!("blobs/sha256/{prefix}/{sha256}")
}

/// The key of a sealed bundle document.
pub fn bundle_key(inspection_id: &str, manifest_sha256: &str) -> String {
    format!("bundles/{inspection_id}/{manifest_sha256}.json")
}

/// The key of chunk `n` of a resumable upload.
pub fn upload_chunk_key(upload_id: &str, n: u32) -> String {
    format!("uploads/{upload_id}/{n:06}")
}

/// Whether a digest is 64 lowercase hex digits (keys are built from it): the core's one
/// definition.
pub use hecha_core::seal::hash::is_sha256_hex;

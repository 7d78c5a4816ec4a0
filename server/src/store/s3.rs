//! The S3 blob store: any S3-compatible service (AWS, MinIO, Ceph RGW, Alibaba OSS, Tencent
//! COS, Huawei OBS) through rust-s3, at any endpoint URL, path-style or virtual-host.
//!
//! Errors are sorted for the caller: a missing object is [`StoreError::NotFound`]; wrong
//! credentials, a missing bucket or a denied request are [`StoreError::Refused`] with the
//! S3 error code in the message; no connection, a timeout or a 5xx are
//! [`StoreError::Unavailable`] (try again later).

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use futures_util::StreamExt;
use http::{HeaderMap, HeaderName, HeaderValue};
use s3::command::Command;
use s3::creds::Credentials;
use s3::error::S3Error;
use s3::request::Request as _;
use s3::request::tokio_backend::ReqwestRequest;
use s3::{Bucket, BucketConfiguration, Region};

use super::{BlobStore, ByteStream, ObjectInfo, Retention, RetentionMode, StoreError};

/// Deadline of a request that carries no object body (HEAD, LIST, DELETE, multipart control).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Deadline of a request carrying a body of up to one part (8 MiB), on a slow uplink.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(300);
/// Multipart parts (8 MiB each, rust-s3's `CHUNK_SIZE`) read and sent at once by `put_file`.
/// rust-s3 holds each part twice (the part and its copy as the request body), so an upload
/// takes ~2 × 8 MiB × this; one part keeps `limits.upload_concurrency` (8) uploads near
/// 128 MiB whatever the file size (bench/upload.py: 64 uploads of 10 MiB peaked at 395 MiB
/// with 16 uploads of 3 parts). Uploads still run in parallel with each other.
const PARTS_IN_FLIGHT: usize = 1;
/// Keys per LIST page; S3 never answers more than 1000.
const LIST_PAGE: usize = 1000;

/// Where the blobs go when they go to S3 (`[s3]` in `hecha.toml`, `HECHA_S3__…`).
#[derive(Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct S3Settings {
    /// The service URL, e.g. `https://s3.eu-central-1.amazonaws.com`, `http://minio:9000`,
    /// `https://oss-cn-hangzhou.aliyuncs.com`, `https://cos.ap-guangzhou.myqcloud.com`.
    pub endpoint: String,
    /// The signing region (`us-east-1` for MinIO, Ceph and most self-hosted services).
    #[serde(default = "default_region")]
    pub region: String,
    pub bucket: String,
    /// `https://host/bucket/key` when true; `https://bucket.host/key` (virtual-host, what
    /// Alibaba OSS and Tencent COS require) when false.
    #[serde(default = "default_path_style")]
    pub path_style: bool,
    pub access_key: String,
    pub secret_key: String,
    /// Object Lock retention for sealed bundles; the bucket must have been created with
    /// Object Lock enabled.
    #[serde(default)]
    pub object_lock: Option<ObjectLockSettings>,
}

/// Object Lock retention given to every sealed bundle document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectLockSettings {
    pub mode: RetentionMode,
    pub days: u32,
}

impl ObjectLockSettings {
    /// The retention of a document sealed at `now`.
    pub fn retention(&self, now: DateTime<Utc>) -> Retention {
        Retention {
            mode: self.mode,
            until: now + chrono::Duration::days(i64::from(self.days)),
        }
    }
}

fn default_region() -> String {
    "us-east-1".to_owned()
}

fn default_path_style() -> bool {
    true
}

// By hand so the secret key never reaches a log line.
impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &without_userinfo(&self.endpoint))
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("path_style", &self.path_style)
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field("object_lock", &self.object_lock)
            .finish()
    }
}

pub struct S3Store {
    /// Carries the credentials, the addressing style and [`REQUEST_TIMEOUT`].
    bucket: Box<Bucket>,
    region: String,
    list_page: usize,
}

impl S3Store {
    /// A store on the bucket the settings name. Sends nothing: [`BlobStore::check`] proves
    /// the bucket and the credentials.
    pub fn open(settings: &S3Settings) -> Result<S3Store, StoreError> {
        let endpoint = settings.endpoint.trim();
        if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
            return Err(StoreError::Refused(format!(
                "S3 endpoint {:?} is not an http:// or https:// URL",
                without_userinfo(endpoint)
            )));
        }
        if settings.bucket.is_empty() {
            return Err(StoreError::Refused("S3 bucket name is empty".into()));
        }
        let region = Region::Custom {
            region: settings.region.clone(),
            endpoint: endpoint.trim_end_matches('/').to_owned(),
        };
        let credentials = Credentials::new(
            Some(&settings.access_key),
            Some(&settings.secret_key),
            None,
            None,
            None,
        )
        .map_err(|e| StoreError::Refused(format!("S3 credentials: {e}")))?;
        let mut bucket = Bucket::new(&settings.bucket, region, credentials)
            .map_err(|e| StoreError::Refused(format!("S3 settings: {e}")))?;
        if settings.path_style {
            bucket.set_path_style();
        } else {
            bucket.set_subdomain_style();
        }
        bucket.set_request_timeout(Some(REQUEST_TIMEOUT));
        Ok(S3Store {
            bucket,
            region: settings.region.clone(),
            list_page: LIST_PAGE,
        })
    }

    /// Lists in pages of `keys` (at most 1000) instead of 1000: tests use it to cross page
    /// boundaries with a handful of objects.
    pub fn with_list_page(mut self, keys: usize) -> Self {
        self.list_page = keys.clamp(1, LIST_PAGE);
        self
    }

    /// The bucket's base URL: `endpoint/bucket` path-style, `scheme://bucket.host`
    /// virtual-host.
    pub fn bucket_url(&self) -> String {
        without_userinfo(&self.bucket.url())
    }

    /// Creates the bucket unless it exists already (and is ours), with Object Lock enabled
    /// when asked (Object Lock can only be enabled at creation). An existing bucket is left
    /// as it is, with or without Object Lock.
    pub async fn create_bucket_if_missing(&self, object_lock: bool) -> Result<(), StoreError> {
        // rust-s3 0.38's `Bucket::create` adds a LocationConstraint for every region but its
        // own `Region::UsEast1` (a Custom region named us-east-1 included) unless the
        // process-wide RUST_S3_SKIP_LOCATION_CONSTRAINT is set, and AWS and moto refuse a
        // us-east-1 constraint; it also writes `x-amz-bucket-object-lock-enabled: Enabled`,
        // which S3 does not read as true. So the CreateBucket is sent through rust-s3's
        // generic signed-request path with the constraint and the header we choose.
        let mut bucket = (*self.bucket).clone();
        if object_lock {
            bucket.extra_headers.insert(
                HeaderName::from_static("x-amz-bucket-object-lock-enabled"),
                HeaderValue::from_static("true"),
            );
        }
        let location = (self.region != "us-east-1").then(|| bucket.region.clone());
        let config = BucketConfiguration::new(None, false, None, None, None, None, None, location);
        let sent = async {
            ReqwestRequest::new(&bucket, "", Command::CreateBucket { config })
                .await?
                .response_data(false)
                .await
        }
        .await;
        match sent {
            Ok(_) => Ok(()),
            Err(e) => match s3_error_code(&e) {
                Some((409, "BucketAlreadyOwnedByYou")) => Ok(()),
                // Someone's bucket has the name: fine if it is ours to use.
                Some((409, "BucketAlreadyExists")) => self.check().await,
                _ => Err(self.classify(e, None)),
            },
        }
    }

    fn with_timeout(&self, timeout: Option<Duration>) -> Bucket {
        let mut bucket = (*self.bucket).clone();
        bucket.set_request_timeout(timeout);
        bucket
    }

    fn classify(&self, error: S3Error, key: Option<&str>) -> StoreError {
        classify(error, key, &self.bucket.name, &self.bucket_url())
    }
}

#[async_trait]
impl BlobStore for S3Store {
    fn describe(&self) -> String {
        format!("S3 bucket {} at {}", self.bucket.name, self.bucket_url())
    }

    async fn put_file(
        &self,
        key: &str,
        path: &Path,
        size: u64,
        content_type: &str,
    ) -> Result<(), StoreError> {
        let mut file = tokio::fs::File::open(path).await?;
        // rust-s3 0.38 streams from the reader: under 8 MiB one PUT, otherwise a multipart
        // upload with PARTS_IN_FLIGHT parts read ahead, aborted when a part fails.
        let bucket = self.with_timeout(Some(TRANSFER_TIMEOUT));
        let sent = bucket
            .put_object_stream_builder(key)
            .with_content_type(content_type)
            .with_max_concurrent_chunks(PARTS_IN_FLIGHT)
            .execute_stream(&mut file)
            .await
            .map_err(|e| self.classify(e, Some(key)))?;
        let sent_bytes = sent.uploaded_bytes() as u64;
        if sent_bytes != size {
            // The file changed under us: never leave a wrong object under a content key.
            let _ = self.delete(key).await;
            return Err(StoreError::Io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "{} changed during upload: {size} bytes expected, {sent_bytes} sent",
                    path.display()
                ),
            )));
        }
        Ok(())
    }

    async fn put_bytes(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
        retention: Option<Retention>,
    ) -> Result<(), StoreError> {
        let mut headers = HeaderMap::new();
        if let Some(retention) = retention {
            // S3 wants a Content-MD5 on a PUT with Object Lock headers; rust-s3 0.38 adds one
            // to every PutObject itself.
            headers.insert(
                HeaderName::from_static("x-amz-object-lock-mode"),
                HeaderValue::from_static(retention.mode.as_header()),
            );
            let until = retention.until.to_rfc3339_opts(SecondsFormat::Secs, true);
            headers.insert(
                HeaderName::from_static("x-amz-object-lock-retain-until-date"),
                HeaderValue::from_str(&until)
                    .map_err(|e| StoreError::Refused(format!("retention date {until}: {e}")))?,
            );
        }
        self.with_timeout(Some(TRANSFER_TIMEOUT))
            .put_object_with_content_type_and_headers(key, &bytes, content_type, Some(headers))
            .await
            .map_err(|e| self.classify(e, Some(key)))?;
        Ok(())
    }

    async fn get_bytes(&self, key: &str, limit: u64) -> Result<Vec<u8>, StoreError> {
        // Streamed so an object over the limit is never read past it.
        let mut stream = self.get_stream(key).await?;
        let mut bytes = Vec::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            if (bytes.len() + chunk.len()) as u64 > limit {
                return Err(StoreError::Refused(format!(
                    "object {key} is more than {limit} bytes"
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }

    async fn get_stream(&self, key: &str) -> Result<ByteStream, StoreError> {
        // rust-s3's request deadline covers the whole body, which would cut a long download:
        // the stream has none, and instead REQUEST_TIMEOUT bounds the wait for the answer and
        // every pause between chunks.
        let bucket = self.with_timeout(None);
        let answer = tokio::time::timeout(REQUEST_TIMEOUT, bucket.get_object_stream(key))
            .await
            .map_err(|_| silent(&self.bucket_url()))?
            .map_err(|e| self.classify(e, Some(key)))?;
        let context = ErrorContext {
            key: key.to_owned(),
            bucket: self.bucket.name.clone(),
            url: self.bucket_url(),
        };
        let chunks =
            futures_util::stream::unfold(Some((answer.bytes, context)), |state| async move {
                let (mut body, context) = state?;
                match tokio::time::timeout(REQUEST_TIMEOUT, body.next()).await {
                    Ok(None) => None,
                    Ok(Some(Ok(chunk))) => Some((Ok(chunk), Some((body, context)))),
                    Ok(Some(Err(e))) => Some((Err(context.classify(e)), None)),
                    Err(_) => Some((Err(silent(&context.url)), None)),
                }
            });
        Ok(Box::pin(chunks))
    }

    async fn size(&self, key: &str) -> Result<Option<u64>, StoreError> {
        // A HEAD answer has no body: a 404 cannot tell a missing key from a missing bucket,
        // and is read as a missing key (check() catches a missing bucket).
        match self.bucket.head_object(key).await {
            Ok((head, _)) => match head.content_length.and_then(|n| u64::try_from(n).ok()) {
                Some(n) => Ok(Some(n)),
                None => Err(StoreError::Unavailable(format!(
                    "HEAD {key} on {} answered without a Content-Length",
                    self.bucket_url()
                ))),
            },
            Err(e) => match self.classify(e, Some(key)) {
                StoreError::NotFound(_) => Ok(None),
                other => Err(other),
            },
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.bucket.delete_object(key).await {
            Ok(_) => Ok(()),
            Err(e) => match self.classify(e, Some(key)) {
                StoreError::NotFound(_) => Ok(()),
                other => Err(other),
            },
        }
    }

    async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>, StoreError> {
        let mut objects = Vec::new();
        let mut continuation = None;
        loop {
            let (page, _) = self
                .bucket
                .list_page(
                    prefix.to_owned(),
                    None,
                    continuation,
                    None,
                    Some(self.list_page),
                )
                .await
                .map_err(|e| self.classify(e, None))?;
            objects.extend(page.contents.into_iter().map(|object| {
                ObjectInfo {
                    modified: DateTime::parse_from_rfc3339(&object.last_modified)
                        .ok()
                        .map(|t| t.with_timezone(&Utc)),
                    key: object.key,
                    size: object.size,
                }
            }));
            continuation = page.next_continuation_token;
            if !page.is_truncated || continuation.is_none() {
                // S3 lists in key order; not every compatible service does.
                objects.sort_by(|a, b| a.key.cmp(&b.key));
                return Ok(objects);
            }
        }
    }

    async fn check(&self) -> Result<(), StoreError> {
        // One key at most: proves the endpoint answers, the bucket exists and the
        // credentials may list it.
        self.bucket
            .list_page(String::new(), None, None, None, Some(1))
            .await
            .map_err(|e| self.classify(e, None))?;
        Ok(())
    }
}

/// What a stream needs, after its store is out of reach, to name its errors.
struct ErrorContext {
    key: String,
    bucket: String,
    url: String,
}

impl ErrorContext {
    fn classify(&self, error: S3Error) -> StoreError {
        classify(error, Some(&self.key), &self.bucket, &self.url)
    }
}

fn silent(url: &str) -> StoreError {
    StoreError::Unavailable(format!(
        "{url} did not answer within {} s",
        REQUEST_TIMEOUT.as_secs()
    ))
}

/// Sorts a rust-s3 error (with `fail-on-err`, every non-2xx answer is `HttpFailWithBody`)
/// into what the caller can act on.
fn classify(error: S3Error, key: Option<&str>, bucket: &str, url: &str) -> StoreError {
    match error {
        S3Error::HttpFailWithBody(status, body) => {
            let code = xml_text(&body, "Code").unwrap_or_default();
            let message = xml_text(&body, "Message").unwrap_or_default();
            // A HEAD's 404 carries no body; any other 404 must say NoSuchKey, so a web
            // server's HTML 404 (a wrong endpoint) is not taken for a missing object.
            let missing_key = code == "NoSuchKey" || (status == 404 && body.trim().is_empty());
            if let (true, Some(key)) = (missing_key, key) {
                return StoreError::NotFound(key.to_owned());
            }
            let what = if !code.is_empty() {
                format!("{code} ({status}) on bucket {bucket}")
            } else if body.trim().is_empty() {
                format!("HTTP {status} on bucket {bucket}")
            } else {
                format!("HTTP {status} on bucket {bucket}, not an S3 answer (is {url} right?)")
            };
            let what = if message.is_empty() {
                what
            } else {
                format!("{what}: {message}")
            };
            let retry_later = matches!(status, 408 | 429 | 500..=599)
                || matches!(
                    code,
                    "SlowDown" | "ServiceUnavailable" | "InternalError" | "RequestTimeout"
                );
            if retry_later {
                StoreError::Unavailable(what)
            } else {
                StoreError::Refused(what)
            }
        }
        S3Error::HttpFail => StoreError::Unavailable(format!("{url} answered with an error")),
        S3Error::Reqwest(e) => StoreError::Unavailable(format!("{url}: {}", error_chain(&e))),
        S3Error::Io(e) => StoreError::Io(e),
        e @ (S3Error::SerdeXml(_) | S3Error::Utf8(_) | S3Error::FromUtf8(_)) => {
            StoreError::Unavailable(format!("{url} answered something unreadable: {e}"))
        }
        other => StoreError::Refused(format!("S3 request on bucket {bucket}: {other}")),
    }
}

/// An error and its causes on one line (reqwest says little more than "error sending
/// request" on its own).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !line.contains(&cause_text) {
            line.push_str(": ");
            line.push_str(&cause_text);
        }
        source = cause.source();
    }
    line
}

/// The S3 error code and status of a failed request, when the service sent an error body.
fn s3_error_code(error: &S3Error) -> Option<(u16, &str)> {
    match error {
        S3Error::HttpFailWithBody(status, body) => Some((*status, xml_text(body, "Code")?)),
        _ => None,
    }
}

/// The text of the first `<name>` element of an S3 error document (`<Error><Code>…`), which
/// has a fixed, flat shape.
fn xml_text<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let len = xml.get(start..)?.find(&close)?;
    xml.get(start..start + len).map(str::trim)
}

/// `https://user:pass@host/…` without `user:pass@`, for messages and logs.
fn without_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest.get(..authority_end).and_then(|a| a.rfind('@')) {
        Some(at) => format!("{scheme}://{}", rest.get(at + 1..).unwrap_or_default()),
        None => url.to_owned(),
    }
}

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
use hmac::{Hmac, KeyInit, Mac};
use http::{HeaderMap, HeaderName, HeaderValue};
use s3::command::Command;
use s3::creds::Credentials;
use s3::error::S3Error;
use s3::request::Request as _;
use s3::request::tokio_backend::ReqwestRequest;
use s3::serde_types::Part;
use s3::{Bucket, BucketConfiguration, Region};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;
use url::Url;

use super::{BlobStore, ByteStream, ObjectInfo, Retention, RetentionMode, StoreError};

/// Deadline of a request that carries no object body (HEAD, LIST, DELETE, multipart control).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Deadline of a request carrying a body of up to one part (8 MiB), on a slow uplink.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(300);
/// `put_file` sends a file of up to this size in one PUT, a larger one as a multipart upload
/// in parts of this size (the last one shorter), one part after the other.
const PART_SIZE: u64 = 8 * 1024 * 1024;
/// The read buffer of a file streamed to S3: all an upload holds in memory.
const STREAM_BUFFER: usize = 256 * 1024;
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
    /// Sends the file bodies rust-s3 would read whole into memory (see [`Self::put_range`]).
    http: reqwest::Client,
    access_key: String,
    secret_key: String,
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
        let http = reqwest::Client::builder()
            .connect_timeout(REQUEST_TIMEOUT)
            .read_timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| StoreError::Refused(format!("S3 HTTP client: {}", error_chain(&e))))?;
        Ok(S3Store {
            bucket,
            region: settings.region.clone(),
            list_page: LIST_PAGE,
            http,
            access_key: settings.access_key.clone(),
            secret_key: settings.secret_key.clone(),
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

    fn answered(&self, answer: Answer, key: &str) -> StoreError {
        match answer {
            Answer::Io(e) => StoreError::Io(e),
            Answer::Transport(e) => StoreError::Unavailable(format!("{}: {e}", self.bucket_url())),
            Answer::Failed(status, body) => classify_answer(
                status,
                &body,
                Some(key),
                &self.bucket.name,
                &self.bucket_url(),
            ),
            Answer::Other(e) => e,
        }
    }

    /// A multipart upload of the file in [`PART_SIZE`] parts, each signed with its own
    /// SHA-256 (read from the file just before it is sent), aborted when anything fails.
    /// The whole file's SHA-256 is recomputed on the way and must be `sha256`.
    async fn put_in_parts(
        &self,
        key: &str,
        path: &Path,
        size: u64,
        sha256: &str,
        content_type: &str,
    ) -> Result<(), StoreError> {
        let upload = self
            .bucket
            .initiate_multipart_upload(key, content_type)
            .await
            .map_err(|e| self.classify(e, Some(key)))?;
        let upload_id = upload.upload_id;
        let sent = async {
            let mut whole = Sha256::new();
            let mut parts = Vec::new();
            let mut offset = 0;
            while offset < size {
                let len = PART_SIZE.min(size - offset);
                let (part_sha256, carried) =
                    hash_range(path.to_owned(), offset, len, whole).await?;
                whole = carried;
                let part_number = parts.len() as u32 + 1;
                let number = part_number.to_string();
                let url =
                    self.object_url(key, &[("partNumber", &number), ("uploadId", &upload_id)])?;
                let answer = self
                    .put_range(url, path, offset, len, &part_sha256, None)
                    .await
                    .map_err(|e| self.answered(e, key))?;
                let etag = answer
                    .get(reqwest::header::ETAG)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| {
                        StoreError::Unavailable(format!(
                            "{} answered part {part_number} of {key} without an ETag",
                            self.bucket_url()
                        ))
                    })?;
                parts.push(Part {
                    part_number,
                    etag: etag.to_owned(),
                });
                offset += len;
            }
            let read = hex::encode(whole.finalize());
            if read != sha256 {
                return Err(changed(
                    path,
                    format!("SHA-256 {sha256} expected, {read} read"),
                ));
            }
            self.bucket
                .complete_multipart_upload(key, &upload_id, parts)
                .await
                .map_err(|e| self.classify(e, Some(key)))?;
            Ok(())
        }
        .await;
        if sent.is_err() {
            // Leaves no parts billed; a failed abort is left to the bucket's lifecycle rule.
            if let Err(e) = self.bucket.abort_upload(key, &upload_id).await {
                tracing::warn!(key, error = %self.classify(e, Some(key)), "S3 multipart upload not aborted");
            }
        }
        sent
    }

    /// The URL of `key` (path-style or virtual-host, as rust-s3 builds it) with `query`.
    fn object_url(&self, key: &str, query: &[(&str, &str)]) -> Result<Url, StoreError> {
        let base = format!(
            "{}/{}",
            self.bucket.url(),
            s3::signing::uri_encode(key.trim_start_matches('/'), false)
        );
        let mut url = Url::parse(&base)
            .map_err(|e| StoreError::Refused(format!("S3 object URL {base}: {e}")))?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    /// PUTs `len` bytes of the file from `offset` to `url`, streamed from the file through a
    /// [`STREAM_BUFFER`] (rust-s3 reads a body whole into memory, copies it once more and
    /// computes an MD5 and a SHA-256 of it), the request signed with SigV4 for the payload
    /// hash `sha256`, which the service checks. Sent again once, a second later, when no
    /// answer came or the service answered that it is unavailable (as rust-s3 does for its
    /// own requests). Returns the answer's headers.
    async fn put_range(
        &self,
        url: Url,
        path: &Path,
        offset: u64,
        len: u64,
        sha256: &str,
        content_type: Option<&str>,
    ) -> Result<reqwest::header::HeaderMap, Answer> {
        let mut retried = false;
        loop {
            let mut file = tokio::fs::File::open(path).await.map_err(Answer::Io)?;
            file.seek(std::io::SeekFrom::Start(offset))
                .await
                .map_err(Answer::Io)?;
            let body = reqwest::Body::wrap_stream(ReaderStream::with_capacity(
                file.take(len),
                STREAM_BUFFER,
            ));
            let headers = self.signed_headers("PUT", &url, sha256, content_type)?;
            let answer = self
                .send_put(url.clone(), headers, body, len, Some(TRANSFER_TIMEOUT))
                .await;
            let transient = match &answer {
                Err(Answer::Transport(_)) => true,
                Err(Answer::Failed(status, body)) => matches!(
                    classify_answer(*status, body, None, "", ""),
                    StoreError::Unavailable(_)
                ),
                _ => false,
            };
            if retried || !transient {
                return answer;
            }
            retried = true;
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    /// Sends a signed PUT of a `len`-byte `body`; the answer's headers when it is a 2xx.
    async fn send_put(
        &self,
        url: Url,
        headers: reqwest::header::HeaderMap,
        body: reqwest::Body,
        len: u64,
        deadline: Option<Duration>,
    ) -> Result<reqwest::header::HeaderMap, Answer> {
        let mut request = self
            .http
            .put(url)
            .headers(headers)
            // With the length given, hyper sends the stream as it is instead of chunked, and
            // fails the request when the stream ends early.
            .header(reqwest::header::CONTENT_LENGTH, len)
            .body(body);
        if let Some(deadline) = deadline {
            request = request.timeout(deadline);
        }
        let response = request
            .send()
            .await
            .map_err(|e| Answer::Transport(error_chain(&e)))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response.headers().clone());
        }
        let body = response.text().await.unwrap_or_default();
        Err(Answer::Failed(status.as_u16(), body))
    }

    /// SigV4 headers (`Authorization`, `x-amz-date`, `x-amz-content-sha256`, `Host` and the
    /// content type when given) of a request whose payload hashes to `sha256`.
    fn signed_headers(
        &self,
        method: &str,
        url: &Url,
        sha256: &str,
        content_type: Option<&str>,
    ) -> Result<reqwest::header::HeaderMap, StoreError> {
        let now = time::OffsetDateTime::now_utc();
        let date = format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            now.year(),
            u8::from(now.month()),
            now.day(),
            now.hour(),
            now.minute(),
            now.second()
        );
        let host = match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => return Err(StoreError::Refused(format!("S3 URL {url} has no host"))),
        };
        let refused = |e: &dyn std::fmt::Display| StoreError::Refused(format!("S3 signing: {e}"));
        let value = |v: &str| HeaderValue::from_str(v).map_err(|e| refused(&e));
        let mut headers = HeaderMap::new();
        headers.insert(http::header::HOST, value(&host)?);
        headers.insert(
            HeaderName::from_static("x-amz-content-sha256"),
            value(sha256)?,
        );
        headers.insert(HeaderName::from_static("x-amz-date"), value(&date)?);
        if let Some(content_type) = content_type {
            headers.insert(http::header::CONTENT_TYPE, value(content_type)?);
        }
        let region = &self.bucket.region;
        let canonical = s3::signing::canonical_request(method, url, &headers, sha256)
            .map_err(|e| refused(&e))?;
        let to_sign =
            s3::signing::string_to_sign(&now, region, &canonical).map_err(|e| refused(&e))?;
        let key = s3::signing::signing_key(&now, &self.secret_key, region, "s3")
            .map_err(|e| refused(&e))?;
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| refused(&e))?;
        mac.update(to_sign.as_bytes());
        let signature = hex::encode(mac.finalize().into_bytes());
        let authorization = s3::signing::authorization_header(
            &self.access_key,
            &now,
            region,
            &s3::signing::signed_header_string(&headers),
            &signature,
        )
        .map_err(|e| refused(&e))?;
        headers.insert(http::header::AUTHORIZATION, value(&authorization)?);
        Ok(headers)
    }
}

/// How a streamed PUT went wrong, before it is named for a key.
enum Answer {
    /// Reading the file.
    Io(std::io::Error),
    /// No answer: no connection, a timeout, a connection cut mid-body.
    Transport(String),
    /// A non-2xx status and its body.
    Failed(u16, String),
    Other(StoreError),
}

impl From<StoreError> for Answer {
    fn from(e: StoreError) -> Self {
        Answer::Other(e)
    }
}

/// The SHA-256 of `len` bytes of the file from `offset`, fed on the way into `whole` (the
/// running hash of the file), read on a blocking thread.
async fn hash_range(
    path: std::path::PathBuf,
    offset: u64,
    len: u64,
    mut whole: Sha256,
) -> Result<(String, Sha256), StoreError> {
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Seek};
        let mut file = std::fs::File::open(&path)?;
        file.seek(std::io::SeekFrom::Start(offset))?;
        let mut part = Sha256::new();
        let mut buffer = vec![0; STREAM_BUFFER];
        let mut left = len;
        while left > 0 {
            let want = buffer
                .len()
                .min(usize::try_from(left).unwrap_or(usize::MAX));
            let n = file.read(&mut buffer[..want])?;
            if n == 0 {
                return Err(changed(
                    &path,
                    format!("ended before byte {}", offset + len),
                ));
            }
            part.update(&buffer[..n]);
            whole.update(&buffer[..n]);
            left -= n as u64;
        }
        Ok((hex::encode(part.finalize()), whole))
    })
    .await
    .map_err(|e| StoreError::Io(std::io::Error::other(e)))?
}

/// The error for a spool file that is not what it was when it was received: nothing is
/// stored from it.
fn changed(path: &Path, what: String) -> StoreError {
    StoreError::Io(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("{} changed before it was stored: {what}", path.display()),
    ))
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
        sha256: &str,
        content_type: &str,
    ) -> Result<(), StoreError> {
        let on_disk = tokio::fs::metadata(path).await?.len();
        if on_disk != size {
            return Err(changed(
                path,
                format!("{size} bytes expected, {on_disk} on disk"),
            ));
        }
        if size <= PART_SIZE {
            // One PUT signed with the SHA-256 the bytes were received with: the service
            // recomputes it and refuses the object when the file no longer matches.
            let url = self.object_url(key, &[])?;
            self.put_range(url, path, 0, size, sha256, Some(content_type))
                .await
                .map_err(|e| self.answered(e, key))?;
            return Ok(());
        }
        self.put_in_parts(key, path, size, sha256, content_type)
            .await
    }

    async fn put_stream(
        &self,
        key: &str,
        body: ByteStream,
        size: u64,
        sha256: &str,
        content_type: &str,
    ) -> Result<(), StoreError> {
        let url = self.object_url(key, &[])?;
        let headers = self.signed_headers("PUT", &url, sha256, Some(content_type))?;
        // No deadline: the body comes at its sender's pace (the service drops a request
        // whose body stalls); the answer is awaited for at most REQUEST_TIMEOUT.
        self.send_put(url, headers, reqwest::Body::wrap_stream(body), size, None)
            .await
            .map_err(|e| self.answered(e, key))?;
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
        S3Error::HttpFailWithBody(status, body) => classify_answer(status, &body, key, bucket, url),
        S3Error::HttpFail => StoreError::Unavailable(format!("{url} answered with an error")),
        S3Error::Reqwest(e) => StoreError::Unavailable(format!("{url}: {}", error_chain(&e))),
        S3Error::Io(e) => StoreError::Io(e),
        e @ (S3Error::SerdeXml(_) | S3Error::Utf8(_) | S3Error::FromUtf8(_)) => {
            StoreError::Unavailable(format!("{url} answered something unreadable: {e}"))
        }
        other => StoreError::Refused(format!("S3 request on bucket {bucket}: {other}")),
    }
}

/// Sorts a non-2xx answer (its status and body) into what the caller can act on.
fn classify_answer(
    status: u16,
    body: &str,
    key: Option<&str>,
    bucket: &str,
    url: &str,
) -> StoreError {
    let code = xml_text(body, "Code").unwrap_or_default();
    let message = xml_text(body, "Message").unwrap_or_default();
    // A HEAD's 404 carries no body; any other 404 must say NoSuchKey, so a web server's HTML
    // 404 (a wrong endpoint) is not taken for a missing object.
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

#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The S3 blob store against real S3 servers, no mocks: s3s-fs (path-style, SigV4 checked
//! against one key pair) for the store's behaviour and its errors, moto for Object Lock.
//!
//! Virtual-host addressing is only checked for the URL it builds: a live test would need
//! `<bucket>.127.0.0.1` to resolve, which it does not without a DNS or /etc/hosts entry.

use futures_util::StreamExt;
use hecha_server::store::s3::{ObjectLockSettings, S3Settings, S3Store};
use hecha_server::store::{BlobStore, Retention, RetentionMode, StoreError, blob_key};
use hecha_tests::client::sha256_hex;
use hecha_tests::noise;
use hecha_tests::s3::{S3Server, free_port};
use sha2::{Digest, Sha256};

const MIB: usize = 1024 * 1024;

async fn store_with_bucket(settings: &S3Settings) -> S3Store {
    let store = S3Store::open(settings).unwrap();
    store.create_bucket_if_missing(false).await.unwrap();
    store
}

#[tokio::test]
async fn bytes_round_trip_put_get_size_list_delete() {
    let server = S3Server::start_s3s_fs();
    let store = store_with_bucket(&server.settings("hecha")).await;
    store.check().await.unwrap();

    let document = br#"{"manifest":"sealed"}"#.to_vec();
    let key = "bundles/insp-1/abc.json";
    store
        .put_bytes(key, document.clone(), "application/json", None)
        .await
        .unwrap();
    let blob = b"evidence bytes".to_vec();
    let blob_at = blob_key(&sha256_hex(&blob));
    store
        .put_bytes(&blob_at, blob.clone(), "image/jpeg", None)
        .await
        .unwrap();

    assert_eq!(store.get_bytes(key, 1024).await.unwrap(), document);
    assert_eq!(store.size(key).await.unwrap(), Some(document.len() as u64));
    assert_eq!(store.size("bundles/insp-1/other.json").await.unwrap(), None);

    let bundles = store.list("bundles/").await.unwrap();
    assert_eq!(bundles.len(), 1);
    assert_eq!(bundles[0].key, key);
    assert_eq!(bundles[0].size, document.len() as u64);
    assert!(bundles[0].modified.is_some());
    let everything: Vec<String> = store
        .list("")
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.key)
        .collect();
    assert_eq!(everything, vec![blob_at.clone(), key.to_owned()]);
    assert!(store.list("uploads/").await.unwrap().is_empty());

    store.delete(key).await.unwrap();
    assert_eq!(store.size(key).await.unwrap(), None);
    store
        .delete(key)
        .await
        .expect("deleting a missing object is not an error");
    assert_eq!(store.get_bytes(&blob_at, 1024).await.unwrap(), blob);
}

#[tokio::test]
async fn list_follows_continuation_pages() {
    let server = S3Server::start_s3s_fs();
    let store = store_with_bucket(&server.settings("hecha"))
        .await
        .with_list_page(2);
    let mut keys: Vec<String> = (0..5).map(|n| format!("uploads/u1/{n:06}")).collect();
    for key in &keys {
        store
            .put_bytes(
                key,
                key.as_bytes().to_vec(),
                "application/octet-stream",
                None,
            )
            .await
            .unwrap();
    }
    store
        .put_bytes(
            "uploads/u2/000000",
            vec![1],
            "application/octet-stream",
            None,
        )
        .await
        .unwrap();

    let mut listed: Vec<String> = store
        .list("uploads/u1/")
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.key)
        .collect();
    listed.sort();
    keys.sort();
    assert_eq!(listed, keys, "five keys over three pages of two");
}

#[tokio::test]
async fn large_file_goes_up_in_parts_and_reads_back_identical() {
    let server = S3Server::start_s3s_fs();
    let settings = server.settings("hecha");
    let store = store_with_bucket(&settings).await;
    // 20 MiB and a bit: two full 8 MiB parts and a short last one.
    let bytes = noise(20 * MIB + 12_345, 7);
    let digest = sha256_hex(&bytes);
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &bytes).unwrap();
    let key = blob_key(&digest);

    store
        .put_file(&key, file.path(), bytes.len() as u64, &digest, "video/mp4")
        .await
        .unwrap();

    let (head, _) = hecha_tests::s3::raw_bucket(&settings)
        .head_object(&key)
        .await
        .unwrap();
    let etag = head.e_tag.unwrap();
    assert!(
        etag.trim_matches('"').ends_with("-3"),
        "a multipart upload of 3 parts has an ETag ending in -3, got {etag}"
    );
    assert_eq!(store.size(&key).await.unwrap(), Some(bytes.len() as u64));

    let mut stream = store.get_stream(&key).await.unwrap();
    let mut hasher = Sha256::new();
    let mut streamed = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        streamed += chunk.len();
        hasher.update(&chunk);
    }
    assert_eq!(streamed, bytes.len());
    assert_eq!(hex::encode(hasher.finalize()), digest);

    let read = store.get_bytes(&key, bytes.len() as u64).await.unwrap();
    assert_eq!(sha256_hex(&read), digest);
}

#[tokio::test]
async fn small_file_goes_up_in_one_put() {
    let server = S3Server::start_s3s_fs();
    let settings = server.settings("hecha");
    let store = store_with_bucket(&settings).await;
    let bytes = noise(100_000, 3);
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &bytes).unwrap();

    store
        .put_file(
            "blobs/small",
            file.path(),
            bytes.len() as u64,
            &sha256_hex(&bytes),
            "image/jpeg",
        )
        .await
        .unwrap();

    let (head, _) = hecha_tests::s3::raw_bucket(&settings)
        .head_object("blobs/small")
        .await
        .unwrap();
    assert!(!head.e_tag.unwrap().contains('-'), "a single PUT's ETag");
    assert_eq!(
        store.get_bytes("blobs/small", 100_000).await.unwrap(),
        bytes
    );
}

#[tokio::test]
async fn put_file_refuses_a_file_whose_size_is_not_the_one_announced() {
    let server = S3Server::start_s3s_fs();
    let store = store_with_bucket(&server.settings("hecha")).await;
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), b"twelve bytes").unwrap();

    let err = store
        .put_file(
            "blobs/changed",
            file.path(),
            99,
            &sha256_hex(b"twelve bytes"),
            "image/jpeg",
        )
        .await
        .unwrap_err();

    assert!(matches!(err, StoreError::Io(_)), "{err:?}");
    assert_eq!(store.size("blobs/changed").await.unwrap(), None);
}

/// Puts a file of `len` noise bytes announced with their SHA-256, one byte of which changed
/// on disk after they were hashed (at `flip`); returns the error and whether anything is
/// stored under the announced key.
async fn put_changed_file(store: &S3Store, len: usize, flip: usize) -> (StoreError, bool) {
    let received = noise(len, 11);
    let mut on_disk = received.clone();
    on_disk[flip] ^= 0x40;
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &on_disk).unwrap();
    let digest = sha256_hex(&received);
    let key = blob_key(&digest);
    let err = store
        .put_file(&key, file.path(), len as u64, &digest, "video/mp4")
        .await
        .unwrap_err();
    (err, store.size(&key).await.unwrap().is_some())
}

/// The spool file changed after its bytes were hashed (same size, other content): a single
/// PUT is signed with the announced SHA-256, so the S3 service itself refuses the body.
#[tokio::test]
async fn a_single_put_whose_bytes_do_not_hash_as_announced_is_refused_by_the_service() {
    let server = S3Server::start_s3s_fs();
    let store = store_with_bucket(&server.settings("hecha")).await;

    let (err, stored) = put_changed_file(&store, 300_000, 150_000).await;

    // AWS answers 400 XAmzContentSHA256Mismatch; s3s-fs 0.14 answers 500 InternalError.
    assert!(
        matches!(err, StoreError::Refused(_) | StoreError::Unavailable(_)),
        "{err:?}"
    );
    assert!(!stored, "nothing stored");
}

/// The same for a file large enough for parts: each part is signed with its own hash, and
/// the whole file's hash, recomputed on the way, no longer matches; the upload is aborted.
#[tokio::test]
async fn a_multipart_upload_whose_bytes_do_not_hash_as_announced_is_aborted() {
    let server = S3Server::start_s3s_fs();
    let store = store_with_bucket(&server.settings("hecha")).await;

    let (err, stored) = put_changed_file(&store, 17 * MIB, 16 * MIB + 5).await;

    match &err {
        StoreError::Io(e) => {
            assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
            assert!(e.to_string().contains("changed"), "{e}");
        }
        other => panic!("expected an I/O error, got {other:?}"),
    }
    assert!(!stored, "nothing stored");
}

#[tokio::test]
async fn get_bytes_refuses_an_object_over_the_limit() {
    let server = S3Server::start_s3s_fs();
    let store = store_with_bucket(&server.settings("hecha")).await;
    store
        .put_bytes(
            "bundles/i/big.json",
            vec![b'x'; 5000],
            "application/json",
            None,
        )
        .await
        .unwrap();

    let err = store
        .get_bytes("bundles/i/big.json", 4999)
        .await
        .unwrap_err();

    assert!(matches!(err, StoreError::Refused(_)), "{err:?}");
    assert_eq!(
        store
            .get_bytes("bundles/i/big.json", 5000)
            .await
            .unwrap()
            .len(),
        5000
    );
}

#[tokio::test]
async fn a_missing_key_is_not_found() {
    let server = S3Server::start_s3s_fs();
    let store = store_with_bucket(&server.settings("hecha")).await;

    let err = store.get_bytes("blobs/none", 10).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::NotFound(k) if k == "blobs/none"),
        "{err:?}"
    );
    let Err(err) = store.get_stream("blobs/none").await else {
        panic!("a stream of a missing object");
    };
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}

#[tokio::test]
async fn a_wrong_secret_key_is_refused_naming_the_s3_error() {
    let server = S3Server::start_s3s_fs();
    store_with_bucket(&server.settings("hecha")).await;
    let mut settings = server.settings("hecha");
    settings.secret_key = "not-the-secret".to_owned();
    let store = S3Store::open(&settings).unwrap();

    let err = store
        .put_bytes("bundles/i/x.json", b"{}".to_vec(), "application/json", None)
        .await
        .unwrap_err();

    let StoreError::Refused(message) = &err else {
        panic!("expected Refused, got {err:?}");
    };
    assert!(
        message.contains("SignatureDoesNotMatch (403)"),
        "the message names the S3 error: {err}"
    );
    assert!(!err.to_string().contains("not-the-secret"), "{err}");
    assert!(matches!(store.check().await, Err(StoreError::Refused(_))));
}

#[tokio::test]
async fn an_unknown_access_key_is_refused() {
    let server = S3Server::start_s3s_fs();
    let mut settings = server.settings("hecha");
    settings.access_key = "nobody".to_owned();
    let store = S3Store::open(&settings).unwrap();

    let err = store.check().await.unwrap_err();

    // s3s-fs says NotSignedUp, AWS InvalidAccessKeyId: both 403.
    assert!(
        matches!(&err, StoreError::Refused(m) if m.contains("(403)")),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_endpoint_where_nothing_listens_is_unavailable() {
    let store = S3Store::open(&S3Settings {
        endpoint: format!("http://127.0.0.1:{}", free_port()),
        region: "us-east-1".to_owned(),
        bucket: "hecha".to_owned(),
        path_style: true,
        access_key: "a".to_owned(),
        secret_key: "s".to_owned(),
        object_lock: None,
    })
    .unwrap();

    let err = store
        .put_bytes("bundles/i/x.json", b"{}".to_vec(), "application/json", None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    let err = store.check().await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
}

#[tokio::test]
async fn check_passes_on_the_bucket_and_fails_on_a_missing_one() {
    let server = S3Server::start_s3s_fs();
    let store = store_with_bucket(&server.settings("hecha")).await;
    store.check().await.unwrap();
    store
        .create_bucket_if_missing(false)
        .await
        .expect("an existing bucket is left as it is");

    let missing = S3Store::open(&server.settings("no-such-bucket")).unwrap();
    let err = missing.check().await.unwrap_err();

    assert!(
        matches!(&err, StoreError::Refused(m) if m.contains("NoSuchBucket")),
        "{err:?}"
    );
}

#[test]
fn virtual_host_style_puts_the_bucket_in_the_host() {
    let settings = S3Settings {
        endpoint: "https://oss-cn-hangzhou.aliyuncs.com".to_owned(),
        region: "oss-cn-hangzhou".to_owned(),
        bucket: "hecha-evidence".to_owned(),
        path_style: false,
        access_key: "LTAI-example".to_owned(),
        secret_key: "very-secret".to_owned(),
        object_lock: None,
    };
    let virtual_host = S3Store::open(&settings).unwrap();
    assert_eq!(
        virtual_host.bucket_url(),
        "https://hecha-evidence.oss-cn-hangzhou.aliyuncs.com"
    );

    let path_style = S3Store::open(&S3Settings {
        path_style: true,
        ..settings.clone()
    })
    .unwrap();
    assert_eq!(
        path_style.bucket_url(),
        "https://oss-cn-hangzhou.aliyuncs.com/hecha-evidence"
    );

    for shown in [virtual_host.describe(), format!("{settings:?}")] {
        assert!(!shown.contains("very-secret"), "{shown}");
    }
}

#[test]
fn settings_have_defaults_and_reject_unknown_fields() {
    let settings: S3Settings = serde_json::from_value(serde_json::json!({
        "endpoint": "http://minio:9000",
        "bucket": "hecha",
        "access_key": "a",
        "secret_key": "s",
        "object_lock": { "mode": "compliance", "days": 3650 },
    }))
    .unwrap();
    assert_eq!(settings.region, "us-east-1");
    assert!(settings.path_style);
    assert_eq!(
        settings.object_lock,
        Some(ObjectLockSettings {
            mode: RetentionMode::Compliance,
            days: 3650
        })
    );

    let typo = serde_json::from_value::<S3Settings>(serde_json::json!({
        "endpoint": "http://minio:9000",
        "bucket": "hecha",
        "access_key": "a",
        "secret_key": "s",
        "pathstyle": false,
    }));
    assert!(typo.is_err());
    assert!(
        S3Store::open(&S3Settings {
            endpoint: "minio:9000".to_owned(),
            ..settings
        })
        .is_err()
    );
}

#[tokio::test]
async fn object_lock_retention_goes_with_the_put() {
    let server = S3Server::start_moto();
    let settings = server.settings("hecha-locked");
    let store = S3Store::open(&settings).unwrap();
    store.create_bucket_if_missing(true).await.unwrap();
    let until = chrono::Utc::now() + chrono::Duration::days(1);
    let retention = Retention {
        mode: RetentionMode::Governance,
        until,
    };

    store
        .put_bytes(
            "bundles/i/sealed.json",
            b"{}".to_vec(),
            "application/json",
            Some(retention),
        )
        .await
        .unwrap();

    // moto answers GetObjectRetention with a 500: the HEAD carries the same headers.
    let (head, _) = hecha_tests::s3::raw_bucket(&settings)
        .head_object("bundles/i/sealed.json")
        .await
        .unwrap();
    assert_eq!(head.object_lock_mode.as_deref(), Some("GOVERNANCE"));
    let kept_until = head
        .object_lock_retain_until_date
        .expect("a retain-until date");
    let kept_until = chrono::DateTime::parse_from_rfc3339(&kept_until).unwrap();
    assert_eq!(kept_until.timestamp(), until.timestamp());

    // A bucket without Object Lock refuses a PUT with retention.
    let plain = store_with_bucket(&server.settings("hecha-plain")).await;
    let err = plain
        .put_bytes(
            "bundles/i/sealed.json",
            b"{}".to_vec(),
            "application/json",
            Some(retention),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Refused(_)), "{err:?}");
}

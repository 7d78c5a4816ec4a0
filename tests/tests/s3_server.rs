//! The server on S3: wrong credentials answer clearly (readiness 503, uploads 503 with a
//! stable code, nothing recorded); sealed bundles get Object Lock retention (moto).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Utc;
use hecha_server::store::RetentionMode;
use hecha_server::store::s3::{ObjectLockSettings, S3Store};
use hecha_tests::flow::{create_inspection, sign_off, world};
use hecha_tests::s3::S3Server;
use hecha_tests::server::run_async;
use hecha_tests::{Backend, TestServer};
use serde_json::json;

#[test]
fn wrong_credentials_are_a_clear_error() {
    let s3 = S3Server::start_s3s_fs();
    let good = s3.settings("hecha-creds");
    run_async(async {
        S3Store::open(&good)
            .unwrap()
            .create_bucket_if_missing(false)
            .await
            .unwrap()
    });
    let mut bad = good.clone();
    bad.secret_key = "not-the-secret".into();
    let server = TestServer::start_with(Backend::Sqlite, |s| s.s3 = Some(bad.clone()));
    let ready = server.api().get("/readyz");
    assert_eq!(ready.status, 503);
    assert_eq!(ready.header("retry-after"), Some("5"));
    assert!(
        ready.body["store"]
            .as_str()
            .unwrap()
            .contains("SignatureDoesNotMatch"),
        "{}",
        ready.body
    );
    let w = world(&server);
    let id = create_inspection(&w.a.inspector, &w.a.company, "official");
    let bytes = b"photo bytes".to_vec();
    let sha = hecha_tests::client::sha256_hex(&bytes);
    let r = w.a.inspector.send(
        "POST",
        &format!("/api/v1/inspections/{id}/blobs"),
        Some((&bytes, "image/jpeg")),
        &[("X-Content-SHA256", &sha)],
    );
    assert_eq!((r.status, r.code()), (503, "store.refused"), "{}", r.body);
    assert!(
        !r.body.to_string().contains("not-the-secret"),
        "no credentials in answers"
    );
    // Nothing recorded: the blob row comes only after the store accepted the bytes.
    let item = json!({"item": {"id": "p1", "kind": "photo", "rule_ids": [], "blob": {"sha256": sha, "size": bytes.len()}}});
    let r =
        w.a.inspector
            .post(&format!("/api/v1/inspections/{id}/evidence"), &item);
    assert_eq!(r.code(), "evidence.blob_missing");
}

#[test]
fn sealed_bundles_get_object_lock_retention() {
    let s3 = S3Server::start_moto();
    let mut settings = s3.settings("hecha-locked");
    settings.object_lock = Some(ObjectLockSettings {
        mode: RetentionMode::Governance,
        days: 30,
    });
    let store = S3Store::open(&settings).unwrap();
    run_async(async { store.create_bucket_if_missing(true).await.unwrap() });
    let server = TestServer::start_with(Backend::Sqlite, |s| s.s3 = Some(settings.clone()));
    let w = world(&server);
    let a = &w.a;
    let id = create_inspection(&a.inspector, &a.company, "official");
    a.inspector
        .post(
            &format!("/api/v1/inspections/{id}/evidence"),
            &json!({"item": {"id": "n1", "kind": "note", "text": "现场核查", "rule_ids": []}}),
        )
        .expect(201);
    sign_off(&a.inspector, &id);
    let seal = a
        .inspector
        .post(&format!("/api/v1/inspections/{id}/seal"), &json!({}))
        .ok();
    let key = hecha_server::store::bundle_key(&id, seal["manifest_sha256"].as_str().unwrap());
    let (head, _) = run_async(async {
        hecha_tests::s3::raw_bucket(&settings)
            .head_object(&key)
            .await
            .unwrap()
    });
    assert_eq!(head.object_lock_mode.as_deref(), Some("GOVERNANCE"));
    let until = chrono::DateTime::parse_from_rfc3339(
        head.object_lock_retain_until_date.as_deref().unwrap(),
    )
    .unwrap();
    let days = (until.with_timezone(&Utc) - Utc::now()).num_days();
    assert!((29..=30).contains(&days), "retained {days} days");
    // The export still works from the locked bucket.
    a.auditor
        .get(&format!("/api/v1/inspections/{id}/export"))
        .expect(200);
}

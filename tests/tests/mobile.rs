//! The phone core from Python (the generated UniFFI bindings) against a real server: an
//! inspector's device captures offline while being killed at random moments, syncs (also
//! killed mid-way), and every item it returned reaches the server exactly once; the
//! inspection then seals and its bundle verifies.
//!
//! The bindings are built before `cargo test` (never a cargo build inside a test), by
//! `.ci/run`:
//! ```sh
//! cargo build --workspace --all-targets
//! target/debug/uniffi-bindgen generate --library target/debug/libhecha_mobile.so \
//!     --language python --out-dir target/uniffi/python
//! cp target/debug/libhecha_mobile.so target/uniffi/python/
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use hecha_core::seal::device::DeviceKey;
use hecha_tests::flow::{create_inspection, world};
use hecha_tests::{Backend, TestServer, workspace_root};
use serde_json::json;

#[test]
fn phone_captures_offline_survives_kills_and_syncs_exactly_once() {
    let root = workspace_root();
    let bindings = std::env::var("HECHA_PY_BINDINGS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| root.join("target/uniffi/python"));
    assert!(
        bindings.join("hecha_mobile.py").is_file() && bindings.join("libhecha_mobile.so").is_file(),
        "the Python bindings of hecha-mobile are missing in {}; build them first:\n  \
         cargo build --workspace --all-targets\n  \
         target/debug/uniffi-bindgen generate --library target/debug/libhecha_mobile.so --language python --out-dir target/uniffi/python\n  \
         cp target/debug/libhecha_mobile.so target/uniffi/python/",
        bindings.display()
    );

    let server = TestServer::start(Backend::Sqlite);
    let w = world(&server);
    let a = &w.a;
    let id = create_inspection(&a.inspector, &a.company, "official");
    let seats: Vec<String> = (1..=5).map(|n| format!("SZ-SEAT-0{n}")).collect();
    a.inspector
        .post(
            &format!("/api/v1/inspections/{id}/seat-tags"),
            &json!({ "seat_ids": seats }),
        )
        .ok();

    // The device: a software key whose secret the Python side gets, enrolled here.
    let mut secret = [0u8; 32];
    let key = loop {
        getrandom_fill(&mut secret);
        if let Ok(k) = DeviceKey::from_secret_bytes(&secret) {
            break k;
        }
    };
    let device_id = a
        .inspector
        .post(
            "/api/v1/devices",
            &json!({"name": "Python phone", "public_jwk": key.public_jwk()}),
        )
        .expect(201)
        .str("id");
    let assignment = a
        .inspector
        .get(&format!(
            "/api/v1/inspections/{id}/assignment?device_id={device_id}"
        ))
        .ok();
    assert_eq!(assignment["seat_tags"].as_array().unwrap().len(), 5);

    // An access token that expired while the phone was offline (the sync refreshes it).
    let expired = server
        .state
        .tokens
        .issue_at(&a.inspector_id, chrono::Utc::now().timestamp() - 3600, 60)
        .unwrap();
    let work = tempfile::tempdir().unwrap();
    let assignment_path = work.path().join("assignment.json");
    std::fs::write(&assignment_path, assignment.to_string()).unwrap();
    let result_path = work.path().join("result.json");
    let out = Command::new("python3")
        .arg(root.join("tests/python/mobile_flow.py"))
        .env("HECHA_BINDINGS", &bindings)
        .env("HECHA_URL", &server.base)
        .env("HECHA_ACCESS_TOKEN", a.inspector.token.as_deref().unwrap())
        .env("HECHA_EXPIRED_TOKEN", &expired)
        .env("HECHA_ASSIGNMENT", &assignment_path)
        .env("HECHA_USER_ID", &a.inspector_id)
        .env("HECHA_DEVICE_ID", &device_id)
        .env("HECHA_DEVICE_SECRET", hex::encode(secret))
        .env("HECHA_WORKDIR", work.path())
        .env("HECHA_EXAMPLES", root.join("examples/suzhou"))
        .env(
            "HECHA_SIGNATURE_PNG",
            root.join("tests/fixtures/signature.png"),
        )
        .env("HECHA_RESULT", &result_path)
        .env("HECHA_KILLS", "15")
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "the Python phone failed:\n--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let result: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&result_path).unwrap()).unwrap();
    eprintln!("mobile flow: {result}");
    assert!(result["printed"].as_u64().unwrap() > 40, "{result}");
    assert_eq!(result["local"], result["server"]);

    // The server's view agrees: every item device-signed, each id once.
    let evidence = a
        .inspector
        .get(&format!("/api/v1/inspections/{id}/evidence"))
        .ok();
    let items = evidence.as_array().unwrap();
    assert_eq!(items.len() as u64, result["server"].as_u64().unwrap());
    assert!(items.iter().all(|e| e["device_id"] == device_id.as_str()));

    // Seal with the phone's sign-offs; the exported bundle verifies offline.
    a.inspector
        .post(&format!("/api/v1/inspections/{id}/seal"), &json!({}))
        .ok();
    hecha_tests::flow::export_verified(&a.auditor, &id);
}

fn getrandom_fill(buf: &mut [u8; 32]) {
    // A fresh key per run; uuid's randomness is enough for a test key.
    let a = uuid::Uuid::new_v4();
    let b = uuid::Uuid::new_v4();
    buf[..16].copy_from_slice(a.as_bytes());
    buf[16..].copy_from_slice(b.as_bytes());
}

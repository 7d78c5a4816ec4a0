//! Two inspectors on two phones work on one inspection: each device captures offline and
//! signs its own items, both sync at the same time, the server holds every item once with
//! the right device's signature, and the sealed bundle verifies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use hecha_mobile::{
    InspectionSession, MobileError, SoftwareSigner, Source, SyncProgress, TokenProvider,
};
use hecha_tests::flow::{create_inspection, user, world};
use hecha_tests::{Api, Backend, TestServer};
use serde_json::json;

struct Token(String);

impl TokenProvider for Token {
    fn access_token(&self) -> String {
        self.0.clone()
    }
    fn refresh(&self) -> Result<String, MobileError> {
        Ok(self.0.clone())
    }
}

struct Quiet;

impl SyncProgress for Quiet {
    fn on_item(&self, _: String, _: String) {}
    fn on_bytes(&self, _: u64, _: u64) {}
}

/// A phone: its own key, enrolled for `api`'s user, and a session opened from the assignment.
fn phone(
    api: &Api,
    user_id: &str,
    inspection: &str,
    dir: &std::path::Path,
) -> (Arc<InspectionSession>, String) {
    let signer = SoftwareSigner::generate().unwrap();
    let jwk: serde_json::Value = serde_json::from_str(&signer.public_jwk_json().unwrap()).unwrap();
    let device = api
        .post(
            "/api/v1/devices",
            &json!({"name": "phone", "public_jwk": jwk}),
        )
        .expect(201)
        .str("id");
    let assignment = api
        .get(&format!(
            "/api/v1/inspections/{inspection}/assignment?device_id={device}"
        ))
        .ok();
    let session = InspectionSession::open_assignment(
        dir.to_str().unwrap().to_owned(),
        assignment.to_string(),
        user_id.to_owned(),
        device.clone(),
        signer.as_device_signer(),
        std::sync::Arc::new(TestVault),
    )
    .unwrap();
    (session, device)
}

/// A vault for the test (no protection; a phone's is its platform keystore's).
#[derive(Debug)]
struct TestVault;

impl hecha_mobile::KeyVault for TestVault {
    fn seal(&self, secret: Vec<u8>) -> Result<Vec<u8>, hecha_mobile::MobileError> {
        Ok(secret.iter().map(|b| b ^ 0x3C).collect())
    }
    fn open(&self, sealed: Vec<u8>) -> Result<Vec<u8>, hecha_mobile::MobileError> {
        Ok(sealed.iter().map(|b| b ^ 0x3C).collect())
    }
}

#[test]
fn two_inspectors_two_phones_one_inspection() {
    let server = TestServer::start(Backend::Postgres);
    let w = world(&server);
    let a = &w.a;
    let (second, second_id) = user(&w.admin, &a.authority, "inspector");
    let id = create_inspection(&a.inspector, &a.company, "official");
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (one, dev_one) = phone(&a.inspector, &a.inspector_id, &id, dirs.0.path());
    let (two, dev_two) = phone(&second, &second_id, &id, dirs.1.path());
    assert_ne!(dev_one, dev_two);

    let photo =
        std::fs::read(hecha_tests::flow::example_dir().join("photos/office-1.jpg")).unwrap();
    let png =
        std::fs::read(hecha_tests::workspace_root().join("tests/fixtures/signature.png")).unwrap();
    // Both capture at once, offline.
    let (o, t) = (one.clone(), two.clone());
    let p = photo.clone();
    let h1 = std::thread::spawn(move || {
        let shot = o
            .add_photo(p, vec!["site.real_address".into()], Source::InApp)
            .unwrap();
        assert!(shot.inside_geofence.unwrap_or(false), "{shot:?}");
        for i in 0..10 {
            o.add_note(format!("甲记录 {i}"), vec![]).unwrap();
        }
        o.sign_off("inspector".into(), "检查员甲".into(), None, None)
            .unwrap();
    });
    let h2 = std::thread::spawn(move || {
        for i in 0..10 {
            t.add_note(format!("乙记录 {i}"), vec![]).unwrap();
        }
        t.sign_off(
            "company_representative".into(),
            "周明".into(),
            Some(png),
            Some(hecha_tests::flow::REPRESENTATIVE_ID.into()),
        )
        .unwrap();
    });
    h1.join().unwrap();
    h2.join().unwrap();

    // Both sync at once.
    let url = server.base.clone();
    let (o, t) = (one.clone(), two.clone());
    let (tok1, tok2) = (
        a.inspector.token.clone().unwrap(),
        second.token.clone().unwrap(),
    );
    let u1 = url.clone();
    let s1 =
        std::thread::spawn(move || o.sync(u1, Arc::new(Token(tok1)), Arc::new(Quiet)).unwrap());
    let s2 =
        std::thread::spawn(move || t.sync(url, Arc::new(Token(tok2)), Arc::new(Quiet)).unwrap());
    let (r1, r2) = (s1.join().unwrap(), s2.join().unwrap());
    assert_eq!((r1.created, r1.pending), (12, 0));
    assert_eq!((r2.created, r2.pending), (11, 0));

    let evidence = a
        .inspector
        .get(&format!("/api/v1/inspections/{id}/evidence"))
        .ok();
    let items = evidence.as_array().unwrap();
    assert_eq!(items.len(), 23);
    assert_eq!(
        items
            .iter()
            .filter(|e| e["device_id"] == dev_one.as_str())
            .count(),
        12
    );
    assert_eq!(
        items
            .iter()
            .filter(|e| e["device_id"] == dev_two.as_str())
            .count(),
        11
    );
    assert!(items.iter().all(|e| e["signed"] == true));

    a.inspector
        .post(&format!("/api/v1/inspections/{id}/seal"), &json!({}))
        .ok();
    let m = hecha_tests::flow::export_verified(&a.auditor, &id);
    let signers: std::collections::BTreeSet<_> = m
        .items
        .iter()
        .filter_map(|i| i.device_signature.as_ref().map(|s| s.device_id.clone()))
        .collect();
    assert_eq!(signers, [dev_one, dev_two].into_iter().collect());
}

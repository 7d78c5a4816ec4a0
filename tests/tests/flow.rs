//! The whole flow as users do it, over real HTTP, on SQLite and on PostgreSQL: an admin
//! creates an authority and a company; company staff rehearse and get findings; an
//! inspector runs the official inspection (photos with EXIF, SI scans, checklists, five
//! seats' dial tests with server-signed tags), signs off and seals; an auditor exports, the
//! offline verifier accepts the export and refuses a tampered copy.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Cursor, Read, Write};

use hecha_core::bundle::trust::TrustAnchors;
use hecha_core::bundle::verify::{VerifyOptions, verify_bundle};
use hecha_core::seal::key::Jwks;
use hecha_core::seal::key_history::KeyHistory;
use hecha_tests::flow::{create_inspection, published_history, push_example, sign_off, world};
use hecha_tests::s3::S3Server;
use hecha_tests::{Backend, TestServer, both_backends};

#[path = "flow/personal_ids.rs"]
mod personal_ids;

/// Unknown fields and malformed dates refused at the API, by name.
#[path = "flow/input.rs"]
mod input;
use serde_json::json;

/// The seal log end to end: two seals, exports verified with `--require-log`, two tree
/// heads checked consistent by `hecha log consistency`, and a forked log caught.
#[path = "flow/seal_log.rs"]
mod seal_log;

/// Verified as an auditor does: the authority's published key history pinned, an official
/// record required.
fn verify(zip: &[u8], history: &KeyHistory) -> hecha_core::bundle::verify::VerifyReport {
    let mut trust = TrustAnchors::default();
    trust
        .add_history(history.clone())
        .expect("the published history verifies");
    verify_bundle(
        Cursor::new(zip.to_vec()),
        &VerifyOptions {
            trust,
            require_official: true,
            ..Default::default()
        },
        &mut |_| {},
    )
    .expect("a readable bag")
}

/// The same bag with one byte of one evidence file changed.
fn tamper(zip: &[u8], victim: &str) -> Vec<u8> {
    let mut src = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut hit = false;
    for i in 0..src.len() {
        let mut f = src.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name.ends_with(victim) {
            let mid = bytes.len() / 2;
            bytes[mid] ^= 0x01;
            hit = true;
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    assert!(hit, "{victim} is in the bag");
    out.finish().unwrap().into_inner()
}

fn whole_flow(backend: Backend) {
    whole_flow_on(&TestServer::start(backend));
}

/// The same flow with every blob and bundle in a real S3 server (s3s-fs, SigV4).
#[test]
fn whole_flow_on_s3_and_postgres() {
    let s3 = S3Server::start_s3s_fs();
    let settings = s3.bucket("hecha-flow");
    let server = TestServer::start_with(Backend::Postgres, |s| s.s3 = Some(settings.clone()));
    whole_flow_on(&server);
    // Everything went to the bucket, nothing to the local directory.
    let store = server.state.store.clone();
    let (blobs, bundles) = hecha_tests::server::run_async(async move {
        (
            store.list("blobs/").await.unwrap().len(),
            store.list("bundles/").await.unwrap().len(),
        )
    });
    assert!(blobs > 10, "{blobs} blobs in S3");
    assert_eq!(bundles, 2, "the rehearsal's and the official bundle");
    assert!(!server.data_dir.path().join("blobs").join("blobs").exists());
}

fn whole_flow_on(server: &TestServer) {
    let w = world(server);
    let (a, b) = (&w.a, &w.b);

    // ---- Company staff rehearse ------------------------------------------------------
    let rehearsal = create_inspection(&a.staff, &a.company, "rehearsal");
    push_example(&a.staff, &rehearsal);
    let findings = a
        .staff
        .get(&format!("/api/v1/inspections/{rehearsal}/findings"))
        .ok();
    assert_eq!(findings["summary"]["fail"], 0, "{}", findings["findings"]);
    assert_eq!(
        findings["summary"]["missing"], 0,
        "{}",
        findings["findings"]
    );
    assert_eq!(findings["summary"]["ready"], true);
    // The inspectors do not see a company's rehearsal.
    a.inspector
        .get(&format!("/api/v1/inspections/{rehearsal}"))
        .expect(404);
    let sealed = a
        .staff
        .post(&format!("/api/v1/inspections/{rehearsal}/seal"), &json!({}))
        .ok();
    assert_eq!(sealed["items"], findings_items(&a.staff, &rehearsal));

    // ---- The inspector's official visit ------------------------------------------------
    let official = create_inspection(&a.inspector, &a.company, "official");
    // Company staff do not see an official inspection until it is sealed.
    a.staff
        .get(&format!("/api/v1/inspections/{official}"))
        .expect(404);
    let pushed = push_example(&a.inspector, &official);
    assert_eq!(pushed.seat_tags.len(), 5, "five seats tagged");
    // A dial test naming a tag not issued for this inspection is refused.
    let forged = a.inspector.post(
        &format!("/api/v1/inspections/{official}/evidence"),
        &json!({"item": {"id": "dial-forged", "kind": "dial_test", "seat_tag": "SZ-SEAT-99",
            "dialed_number": "95000", "temporary_trunk": false, "connected": true,
            "caller_id_shown": true, "recording_played_back": true, "rule_ids": []}}),
    );
    assert_eq!(forged.status, 422, "{}", forged.body);
    assert_eq!(forged.code(), "evidence.seat_tag");
    // Sealing before the sign-offs is refused.
    let early = a
        .inspector
        .post(&format!("/api/v1/inspections/{official}/seal"), &json!({}));
    assert_eq!(early.code(), "seal.sign_off_missing", "{}", early.body);
    sign_off(&a.inspector, &official);
    // Photos carry the server-read EXIF and the geofence/window verdicts.
    let evidence = a
        .inspector
        .get(&format!("/api/v1/inspections/{official}/evidence"))
        .ok();
    let office = evidence
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["item_id"] == "photo-office-1")
        .unwrap();
    assert!(office["item"]["exif"]["gps"].is_object(), "{office}");
    assert_eq!(office["assessment"]["in_window"], true, "{office}");
    assert_eq!(office["assessment"]["geofence"]["inside"], true, "{office}");
    // The certificate photo was not kept: only its digest.
    let chen = evidence
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["item_id"] == "si-chen")
        .unwrap();
    assert!(chen["item"]["blob"].is_null());
    assert_eq!(chen["item"]["certificate_kept"], false);
    assert!(
        chen["item"]["record"]["id_masked"]
            .as_str()
            .unwrap()
            .contains('*')
    );
    // Re-sending an item is idempotent; changing it under the same id is a conflict.
    let again = a.inspector.post(
        &format!("/api/v1/inspections/{official}/evidence"),
        &json!({"item": {"id": "sign-inspector", "kind": "sign_off", "signer_role": "inspector", "name": "检查员甲", "signed_at": "2026-11-23T16:30:00+08:00", "rule_ids": []}}),
    );
    assert_eq!(again.status, 200, "{}", again.body);
    let changed = a.inspector.post(
        &format!("/api/v1/inspections/{official}/evidence"),
        &json!({"item": {"id": "sign-inspector", "kind": "sign_off", "signer_role": "inspector", "name": "检查员乙", "signed_at": "2026-11-23T16:30:00+08:00", "rule_ids": []}}),
    );
    assert_eq!(changed.code(), "evidence.conflict");
    // An auditor cannot seal; the inspector can.
    a.auditor
        .post(&format!("/api/v1/inspections/{official}/seal"), &json!({}))
        .expect(403);
    let seal = a
        .inspector
        .post(&format!("/api/v1/inspections/{official}/seal"), &json!({}))
        .ok();
    let manifest_sha = seal["manifest_sha256"].as_str().unwrap().to_owned();
    assert_eq!(
        seal["items"].as_u64().unwrap() as usize,
        pushed.digests.len() + 2
    );
    // Sealed is final.
    let late = a.inspector.post(
        &format!("/api/v1/inspections/{official}/evidence"),
        &json!({"item": {"id": "note-late", "kind": "note", "text": "too late", "rule_ids": []}}),
    );
    assert_eq!((late.status, late.code()), (409, "inspection.sealed"));
    a.inspector
        .post(&format!("/api/v1/inspections/{official}/seal"), &json!({}))
        .expect(409);
    // Now the company sees its sealed result; the other tenant still sees nothing.
    assert_eq!(
        a.staff.get(&format!("/api/v1/inspections/{official}")).ok()["status"],
        "sealed"
    );
    b.auditor
        .get(&format!("/api/v1/inspections/{official}"))
        .expect(404);
    b.auditor
        .get(&format!("/api/v1/inspections/{official}/export"))
        .expect(404);

    // ---- The auditor exports; the offline verifier decides ------------------------------
    let export = a
        .auditor
        .get(&format!("/api/v1/inspections/{official}/export"))
        .expect(200);
    assert_eq!(export.header("content-type"), Some("application/zip"));
    let history = published_history(&a.auditor);
    // The published JWKS holds the same keys as the published history.
    let jwks: Jwks =
        serde_json::from_value(a.auditor.anonymous().get("/.well-known/jwks.json").ok()).unwrap();
    assert_eq!(jwks, history.verify().unwrap().jwks());
    let report = verify(&export.bytes, &history);
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(
        report.manifest_sha256.as_deref(),
        Some(manifest_sha.as_str())
    );
    assert_eq!(report.signer_pinned, Some(true));
    assert_eq!(report.retirement_checked, Some(true));
    assert!(report.addendum.is_none(), "no event after the seal yet");
    let tampered = verify(
        &tamper(&export.bytes, "data/evidence/photo-office-1.jpg"),
        &history,
    );
    assert!(!tampered.ok(), "a tampered bag must be refused");
    // The company's rehearsal is signed by the rehearsal keyring: intact, never trusted by
    // the authority's history, never official.
    let rehearsal_zip = a
        .staff
        .get(&format!("/api/v1/inspections/{rehearsal}/export"))
        .expect(200);
    let r = verify(&rehearsal_zip.bytes, &history);
    let codes: Vec<&str> = r.problems.iter().map(|p| p.code).collect();
    assert!(codes.contains(&"signature.untrusted"), "{codes:?}");
    assert!(codes.contains(&"mode.rehearsal"), "{codes:?}");
    assert_ne!(r.signer_kid.as_deref(), report.signer_kid.as_deref());

    // ---- Review after sealing: an event, the sealed content unchanged -------------------
    let review = a
        .auditor
        .post(
            &format!("/api/v1/inspections/{official}/reviews"),
            &json!({"verdict": "approved", "comment": "材料齐全"}),
        )
        .ok();
    assert_eq!(review["verdict"], "approved");
    let view = a
        .auditor
        .get(&format!("/api/v1/inspections/{official}"))
        .ok();
    assert_eq!(view["review_status"], "approved");
    assert_eq!(view["manifest_sha256"], manifest_sha.as_str());
    let events = a
        .auditor
        .get(&format!("/api/v1/inspections/{official}/events"))
        .ok();
    let kinds: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"inspection.created"));
    assert_eq!(kinds.last(), Some(&"inspection.reviewed"));
    assert!(kinds.contains(&"inspection.sealing"));
    // The review travels with the next export as a signed addendum; the manifest is the same.
    let again = a
        .auditor
        .get(&format!("/api/v1/inspections/{official}/export"))
        .expect(200);
    let report = verify(&again.bytes, &history);
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(
        report.manifest_sha256.as_deref(),
        Some(manifest_sha.as_str())
    );
    let addendum = report.addendum.expect("the review is in the addendum");
    assert_eq!(
        addendum.kinds.last().map(String::as_str),
        Some("inspection.reviewed")
    );
}

fn findings_items(api: &hecha_tests::Api, id: &str) -> serde_json::Value {
    let n = api
        .get(&format!("/api/v1/inspections/{id}/evidence"))
        .ok()
        .as_array()
        .unwrap()
        .len();
    json!(n)
}

both_backends!(whole_flow_works, whole_flow);

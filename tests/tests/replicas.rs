//! Replicas are stateless: two servers on one PostgreSQL database, one bucket and the same
//! keys behave as one (tokens, evidence from both, one event chain, one seal). And a
//! graceful shutdown finishes the upload in flight.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};

use hecha_core::seal::events::{Event, verify_chain};
use hecha_tests::flow::{create_inspection, sign_off, world};
use hecha_tests::s3::S3Server;
use hecha_tests::{Backend, TestServer, both_backends};
use serde_json::json;

/// Four writers at once (over the given servers): sixty items, all recorded, one linear
/// event chain.
fn write_concurrently(apis: &[hecha_tests::Api], id: &str) {
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let api = apis[t % apis.len()].clone();
            let id = id.to_owned();
            std::thread::spawn(move || {
                for i in 0..15 {
                    let item = if i % 3 == 0 {
                        let bytes = format!("document {t}-{i}").into_bytes();
                        let blob = api.upload(&id, &bytes, "text/plain", "doc.txt");
                        json!({"id": format!("doc-{t}-{i}"), "kind": "document", "doc_kind": "other", "rule_ids": [], "blob": blob})
                    } else {
                        json!({"id": format!("note-{t}-{i}"), "kind": "note", "text": format!("记录 {t}-{i}"), "rule_ids": []})
                    };
                    let r = api.post(&format!("/api/v1/inspections/{id}/evidence"), &json!({"item": item}));
                    assert_eq!(r.status, 201, "{}", r.body);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let events: Vec<Event> = serde_json::from_value(
        apis[apis.len() - 1]
            .get(&format!("/api/v1/inspections/{id}/events"))
            .ok(),
    )
    .unwrap();
    verify_chain(&events).expect("one linear chain");
    assert_eq!(
        events.iter().filter(|e| e.kind == "evidence.added").count(),
        60
    );
}

fn concurrent_writers(backend: Backend) {
    let server = TestServer::start(backend);
    let w = world(&server);
    let id = create_inspection(&w.a.inspector, &w.a.company, "official");
    write_concurrently(std::slice::from_ref(&w.a.inspector), &id);
}

both_backends!(concurrent_writers_keep_one_chain, concurrent_writers);

/// Seals racing on two replicas of one database append to one seal log: every seal gets its
/// own leaf (the losers of a race for an index retry), no gap, and each export proves it.
fn replicas_share_one_seal_log(backend: Backend) {
    use hecha_core::bundle::trust::TrustAnchors;
    use hecha_core::bundle::verify::{VerifyOptions, verify_bundle};

    let one = TestServer::start(backend);
    let two = one.replica();
    let w = world(&one);
    let ids: Vec<String> = (0..6)
        .map(|_| {
            let id = create_inspection(&w.a.inspector, &w.a.company, "official");
            sign_off(&w.a.inspector, &id);
            id
        })
        .collect();
    let threads: Vec<_> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let mut api = w.a.inspector.clone();
            if i % 2 == 1 {
                api.base = two.base.clone();
            }
            let id = id.clone();
            std::thread::spawn(move || {
                api.post(&format!("/api/v1/inspections/{id}/seal"), &json!({}))
                    .ok();
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let mut auditor = w.a.auditor.clone();
    auditor.base = two.base.clone();
    let head = auditor.anonymous().get("/api/v1/log/tree-head").ok();
    // The key history, then the six seals.
    assert_eq!(head["tree_size"], 7, "{head}");
    let history = hecha_tests::flow::published_history(&auditor);
    let mut trust = TrustAnchors::default();
    trust.add_history(history).unwrap();
    let options = VerifyOptions {
        trust,
        require_log: true,
        ..Default::default()
    };
    let mut leaves: Vec<u64> = ids
        .iter()
        .map(|id| {
            let zip = auditor
                .get(&format!("/api/v1/inspections/{id}/export"))
                .expect(200)
                .bytes;
            let r = verify_bundle(std::io::Cursor::new(zip), &options, &mut |_| {}).unwrap();
            assert!(r.ok(), "{id}: {:?}", r.problems);
            r.log.expect("in the log").leaf_index
        })
        .collect();
    leaves.sort_unstable();
    assert_eq!(leaves, [1, 2, 3, 4, 5, 6]);
}

both_backends!(
    seals_on_two_replicas_share_one_log,
    replicas_share_one_seal_log
);

/// `hecha key rotate` on the keyring the replicas share, while they run: the next seal on
/// either replica is signed by the new key, and both publish it (JWKS and key history),
/// without a restart.
fn a_rotation_reaches_running_replicas(backend: Backend) {
    let one = TestServer::start(backend);
    let two = one.replica();
    let w = world(&one);
    let on_two = |api: &hecha_tests::Api| {
        let mut api = api.clone();
        api.base = two.base.clone();
        api
    };
    let seal = |api: &hecha_tests::Api| -> String {
        let id = create_inspection(api, &w.a.company, "official");
        sign_off(api, &id);
        let sealed = api
            .post(&format!("/api/v1/inspections/{id}/seal"), &json!({}))
            .ok();
        sealed["signer_kid"].as_str().unwrap().to_owned()
    };
    let published = |api: &hecha_tests::Api| -> Vec<String> {
        let jwks: hecha_core::seal::key::Jwks =
            serde_json::from_value(api.anonymous().get("/.well-known/jwks.json").ok()).unwrap();
        jwks.keys.into_iter().map(|k| k.kid).collect()
    };
    let old = seal(&w.a.inspector);
    assert_eq!(seal(&on_two(&w.a.inspector)), old);
    assert_eq!(published(&on_two(&w.a.auditor)), [old.as_str()]);

    let rotated = std::process::Command::new(hecha_tests::hecha_binary())
        .args(["key", "rotate", "--keyring"])
        .arg(one.state.settings.signing_keyring())
        .output()
        .unwrap();
    assert!(rotated.status.success(), "{rotated:?}");
    let new = String::from_utf8(rotated.stdout).unwrap().trim().to_owned();
    assert_ne!(new, old);

    assert_eq!(seal(&on_two(&w.a.inspector)), new);
    assert_eq!(seal(&w.a.inspector), new);
    for api in [w.a.auditor.clone(), on_two(&w.a.auditor)] {
        assert_eq!(published(&api), [old.clone(), new.clone()]);
        let history = hecha_tests::flow::published_history(&api);
        assert_eq!(history.entries.len(), 2);
    }
}

both_backends!(
    a_key_rotated_on_disk_signs_the_next_seal_on_every_replica,
    a_rotation_reaches_running_replicas
);

#[test]
fn two_replicas_behave_as_one() {
    let s3 = S3Server::start_s3s_fs();
    let settings = s3.bucket("hecha-replicas");
    let one = TestServer::start_with(Backend::Postgres, |s| s.s3 = Some(settings.clone()));
    let two = one.replica();
    let w = world(&one);
    // A token from one replica works on the other.
    let insp_one = w.a.inspector.clone();
    let mut insp_two = w.a.inspector.clone();
    insp_two.base = two.base.clone();
    assert_eq!(insp_two.get("/api/v1/me").ok()["role"], "inspector");

    let id = create_inspection(&insp_one, &w.a.company, "official");
    // Forty notes and twenty documents, sent to both replicas at once.
    write_concurrently(&[insp_one.clone(), insp_two.clone()], &id);
    sign_off(&insp_one, &id);
    // Both replicas asked to seal at once: exactly one seals.
    let (a, b) = (insp_one.clone(), insp_two.clone());
    let (ia, ib) = (id.clone(), id.clone());
    let ta = std::thread::spawn(move || {
        a.post(&format!("/api/v1/inspections/{ia}/seal"), &json!({}))
            .status
    });
    let tb = std::thread::spawn(move || {
        b.post(&format!("/api/v1/inspections/{ib}/seal"), &json!({}))
            .status
    });
    let mut statuses = [ta.join().unwrap(), tb.join().unwrap()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    // Exported from the other replica, it verifies.
    let mut aud_two = w.a.auditor.clone();
    aud_two.base = two.base.clone();
    let zip = aud_two
        .get(&format!("/api/v1/inspections/{id}/export"))
        .expect(200)
        .bytes;
    let report = hecha_core::bundle::verify::verify_bundle(
        std::io::Cursor::new(zip),
        &Default::default(),
        &mut |_| {},
    )
    .unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(report.items, 62);
}

#[test]
fn graceful_shutdown_finishes_the_upload_in_flight() {
    let mut server = TestServer::start(Backend::Sqlite);
    let w = world(&server);
    let id = create_inspection(&w.a.inspector, &w.a.company, "official");
    let body = vec![7u8; 512 * 1024];
    let sha = hecha_tests::client::sha256_hex(&body);
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut sock = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        sock,
        "POST /api/v1/inspections/{id}/blobs HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nContent-Type: application/octet-stream\r\nX-Content-SHA256: {sha}\r\nContent-Length: {}\r\n\r\n",
        w.a.inspector.token.as_deref().unwrap(),
        body.len()
    )
    .unwrap();
    sock.write_all(&body[..body.len() / 2]).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    // Stop while the body is half sent.
    let handle = server.handle().unwrap();
    let stopper = std::thread::spawn(move || hecha_tests::server::run_async(handle.stop(true)));
    std::thread::sleep(std::time::Duration::from_millis(300));
    sock.write_all(&body[body.len() / 2..]).unwrap();
    let mut answer = String::new();
    sock.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    stopper.join().unwrap();
    server.stop();
    // New connections are refused once stopped.
    assert!(std::net::TcpStream::connect(&addr).is_err());
}

//! Webhooks on seal and review, over real HTTP to a real receiver: signed with the
//! webhook's secret, retried with backoff while the receiver fails, the same bytes on
//! every attempt, a delivery log, manual redelivery.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hecha_tests::flow::{create_inspection, push_example, sign_off, world};
use hecha_tests::receiver::Receiver;
use hecha_tests::{Backend, TestServer, both_backends};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::json;

fn hmac_hex(secret: &str, body: &[u8]) -> String {
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    m.update(body);
    format!("sha256={}", hex::encode(m.finalize().into_bytes()))
}

fn webhooks(backend: Backend) {
    let server = TestServer::start(backend);
    let w = world(&server);
    let a = &w.a;
    // The authority's receiver fails twice, then accepts.
    let rx = Receiver::start(vec![500, 503, 200]);
    let hook = a
        .auditor
        .post(
            "/api/v1/webhooks",
            &json!({"url": rx.url, "events": ["inspection.sealed", "inspection.reviewed"]}),
        )
        .expect(201);
    let secret = hook.str("secret");
    let hook_id = hook.str("id");
    assert_eq!(secret.len(), 64);
    // The other authority's receiver must hear nothing of tenant a.
    let other = Receiver::start(vec![200]);
    w.b.auditor
        .post("/api/v1/webhooks", &json!({"url": other.url}))
        .expect(201);

    let id = create_inspection(&a.inspector, &a.company, "official");
    push_example(&a.inspector, &id);
    sign_off(&a.inspector, &id);
    let seal = a
        .inspector
        .post(&format!("/api/v1/inspections/{id}/seal"), &json!({}))
        .ok();

    assert!(
        rx.wait_for(3, 30),
        "three attempts (two failures, one success): got {}",
        rx.count()
    );
    let got = rx.all();
    assert!(
        got.iter().all(|r| r.body == got[0].body),
        "the same bytes on every attempt"
    );
    for r in &got {
        assert_eq!(r.header("X-Hecha-Event"), Some("inspection.sealed"));
        assert_eq!(
            r.header("X-Hecha-Signature"),
            Some(hmac_hex(&secret, &r.body).as_str())
        );
    }
    let body: serde_json::Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(body["manifest_sha256"], seal["manifest_sha256"]);
    assert_eq!(body["manifest"]["merkle_root"], seal["merkle_root"]);
    assert!(body["jws"].as_str().unwrap().split('.').count() == 3);

    // The delivery log shows one delivery, delivered after three attempts.
    let log = wait_log(&a.auditor, &hook_id, |d| d[0]["delivered_at"].is_string());
    assert_eq!(log[0]["attempts"], 3, "{log}");
    assert_eq!(log[0]["last_status"], 200);

    // A review notifies too.
    a.auditor
        .post(
            &format!("/api/v1/inspections/{id}/reviews"),
            &json!({"verdict": "has_issues", "comment": "UPS 照片模糊"}),
        )
        .ok();
    assert!(rx.wait_for(4, 30));
    let review = rx.all().pop().unwrap();
    assert_eq!(review.header("X-Hecha-Event"), Some("inspection.reviewed"));
    let rb: serde_json::Value = serde_json::from_slice(&review.body).unwrap();
    assert_eq!(rb["review"]["verdict"], "has_issues");

    // Manual redelivery sends the same payload again.
    let log = wait_log(&a.auditor, &hook_id, |d| {
        d.as_array().unwrap().len() == 2 && d[0]["delivered_at"].is_string()
    });
    let sealed_delivery = log
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["event"] == "inspection.sealed")
        .unwrap();
    a.auditor
        .post(
            &format!(
                "/api/v1/webhooks/{hook_id}/deliveries/{}/redeliver",
                sealed_delivery["id"].as_str().unwrap()
            ),
            &json!({}),
        )
        .expect(202);
    assert!(rx.wait_for(5, 30));
    assert_eq!(rx.all().pop().unwrap().body, got[0].body);

    // Tenant b heard nothing; b cannot read a's webhook log.
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(other.count(), 0);
    w.b.auditor
        .get(&format!("/api/v1/webhooks/{hook_id}/deliveries"))
        .expect(404);
}

fn wait_log(
    api: &hecha_tests::Api,
    hook: &str,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    for _ in 0..100 {
        let log = api.get(&format!("/api/v1/webhooks/{hook}/deliveries")).ok();
        if log.as_array().is_some_and(|a| !a.is_empty()) && done(&log) {
            return log;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("delivery log never reached the expected state");
}

both_backends!(webhooks_deliver_and_retry, webhooks);

/// Seals an official inspection of tenant `a` (its webhooks fire).
fn seal_one(w: &hecha_tests::flow::World) {
    let a = &w.a;
    let id = create_inspection(&a.inspector, &a.company, "official");
    push_example(&a.inspector, &id);
    sign_off(&a.inspector, &id);
    a.inspector
        .post(&format!("/api/v1/inspections/{id}/seal"), &json!({}))
        .ok();
}

/// A webhook's deliveries once its first attempt is recorded.
fn first_attempt(api: &hecha_tests::Api, hook: &str) -> serde_json::Value {
    let log = wait_log(api, hook, |d| {
        d.as_array().is_some_and(|a| !a.is_empty()) && d[0]["attempts"].as_i64() >= Some(1)
    });
    log[0].clone()
}

/// A company's staff cannot make the server reach internal hosts: such targets are refused
/// at creation and, for a row from before, at delivery (nothing reaches the receiver); no
/// redirect is followed; failures are recorded by class, so a closed port and an open
/// non-HTTP one read alike.
#[test]
fn webhooks_reach_no_internal_host() {
    let server = TestServer::start_with(Backend::Sqlite, |s| s.webhooks.allow_hosts.clear());
    let w = world(&server);
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:9/hook",
        "http://[fd00::1]/hook",
        "http://[::ffff:127.0.0.1]:9/hook",
        "http://0.0.0.0:9/hook",
    ] {
        let r = w.a.staff.post("/api/v1/webhooks", &json!({ "url": url }));
        assert_eq!(
            (r.status, r.code()),
            (422, "webhook.target"),
            "{url}: {}",
            r.body
        );
    }
    // A webhook row from before this check, to a live receiver on loopback.
    let rx = Receiver::start(vec![200]);
    server.sql(&format!(
        "INSERT INTO webhooks (id, org_id, url, secret, events, active, created_at) VALUES ('old-hook', '{}', '{}', 'secret', 'inspection.sealed', 1, CURRENT_TIMESTAMP)",
        w.a.authority, rx.url
    ));
    seal_one(&w);
    let d = first_attempt(&w.a.auditor, "old-hook");
    assert!(
        d["last_error"].as_str().unwrap().starts_with("refused"),
        "{d}"
    );
    assert_eq!(rx.count(), 0, "nothing reached the internal receiver");

    // Allowed by the operator: a redirect is the receiver's answer, not followed; a closed
    // port and an open port that speaks no HTTP are one class of failure.
    let server = TestServer::start(Backend::Sqlite);
    let w = world(&server);
    let inner = Receiver::start(vec![200]);
    let redirector = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let redirect_url = format!("http://{}/hook", redirector.local_addr().unwrap());
    let location = inner.url.clone();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for s in redirector.incoming().flatten() {
            let mut s = s;
            let mut buf = [0u8; 65536];
            let _ = s.read(&mut buf);
            let _ = write!(
                s,
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/hook", l.local_addr().unwrap())
    };
    let mute = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mute_url = format!("http://{}/hook", mute.local_addr().unwrap());
    std::thread::spawn(move || {
        for s in mute.incoming().flatten() {
            drop(s);
        }
    });
    let hooks: Vec<String> = [&redirect_url, &closed, &mute_url]
        .iter()
        .map(|u| {
            w.a.auditor
                .post(
                    "/api/v1/webhooks",
                    &json!({"url": u, "events": ["inspection.sealed"]}),
                )
                .expect(201)
                .str("id")
        })
        .collect();
    seal_one(&w);
    let redirected = first_attempt(&w.a.auditor, &hooks[0]);
    assert_eq!(redirected["last_status"], 307, "{redirected}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(inner.count(), 0, "the redirect was not followed");
    let (c, m) = (
        first_attempt(&w.a.auditor, &hooks[1]),
        first_attempt(&w.a.auditor, &hooks[2]),
    );
    assert!(c["last_error"].is_string(), "{c}");
    assert_eq!(c["last_error"], m["last_error"], "{c} {m}");
}

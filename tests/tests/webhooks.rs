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

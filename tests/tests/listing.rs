//! Listing and searching inspections (filters, paging, reach), an operator's rule profile
//! that keeps certificate photos, and what operations see: request ids and metrics.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hecha_tests::flow::{create_inspection, world};
use hecha_tests::{Backend, TestServer, both_backends};
use serde_json::json;

fn starting_twice_at_once(backend: Backend) {
    let server = TestServer::start(backend);
    let w = world(&server);
    let a = &w.a;
    // Starting twice at once: the status is read under the row lock, so one of them
    // starts it and the chain holds one `inspection.started`.
    let racing = create_inspection(&a.inspector, &a.company, "official");
    std::thread::scope(|scope| {
        for _ in 0..6 {
            scope.spawn(|| {
                a.inspector
                    .post(&format!("/api/v1/inspections/{racing}/start"), &json!({}))
                    .ok();
            });
        }
    });
    let events = a
        .inspector
        .get(&format!("/api/v1/inspections/{racing}/events"))
        .ok();
    let started = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "inspection.started")
        .count();
    assert_eq!(started, 1, "{events}");
}

fn listing(backend: Backend) {
    let server = TestServer::start(backend);
    let w = world(&server);
    let a = &w.a;
    let official: Vec<String> = (0..5)
        .map(|_| create_inspection(&a.inspector, &a.company, "official"))
        .collect();
    let rehearsals: Vec<String> = (0..3)
        .map(|_| create_inspection(&a.staff, &a.company, "rehearsal"))
        .collect();
    a.inspector
        .post(
            &format!("/api/v1/inspections/{}/start", official[0]),
            &json!({}),
        )
        .ok();

    let page = |api: &hecha_tests::Api, q: &str| api.get(&format!("/api/v1/inspections?{q}")).ok();
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    // The inspector sees the five official ones, newest first, two per page.
    let p1 = page(&a.inspector, "per_page=2&page=1");
    assert_eq!(p1["total"], 5);
    assert_eq!(ids(&p1), vec![official[4].clone(), official[3].clone()]);
    let p3 = page(&a.inspector, "per_page=2&page=3");
    assert_eq!(ids(&p3), vec![official[0].clone()]);
    // Filters.
    assert_eq!(
        ids(&page(&a.inspector, "status=in_progress")),
        vec![official[0].clone()]
    );
    assert_eq!(page(&a.inspector, "status=draft")["total"], 4);
    // Filters are typed: a status or mode that does not exist is a bad request, naming it.
    for q in ["status=closed", "mode=practice"] {
        let r = a.inspector.get(&format!("/api/v1/inspections?{q}"));
        assert_eq!(r.status, 400, "{q}: {}", r.body);
        assert_eq!(r.body["code"], "request.query", "{q}: {}", r.body);
    }
    assert_eq!(
        page(&a.inspector, "mode=rehearsal")["total"],
        0,
        "rehearsals are the company's"
    );
    assert_eq!(
        page(&a.inspector, &format!("company_id={}", a.company))["total"],
        5
    );
    assert_eq!(page(&a.inspector, "from=2999-01-01T00:00:00Z")["total"], 0);
    assert_eq!(page(&a.inspector, "to=2000-01-01T00:00:00Z")["total"], 0);
    // Past the end is an empty page, however far: a page near u64::MAX once overflowed
    // the offset and dropped the connection.
    for far in [
        "page=4",
        "page=9223372036854775808",
        "page=18446744073709551615&per_page=200",
    ] {
        let p = page(&a.inspector, far);
        assert_eq!(p["items"].as_array().map(Vec::len), Some(0), "{far}");
        assert_eq!(p["total"], 5, "{far}");
    }
    assert_eq!(page(&a.inspector, "from=2000-01-01T00:00:00Z")["total"], 5);
    // Company staff: their rehearsals only (nothing official is sealed yet).
    let staff = page(&a.staff, "per_page=50");
    let mut got = ids(&staff);
    got.sort();
    let mut want = rehearsals.clone();
    want.sort();
    assert_eq!(got, want);
    // Another authority: nothing.
    assert_eq!(page(&w.b.auditor, "")["total"], 0);
    // A bad filter is a clear 400, not a 500.
    let bad = a.inspector.get("/api/v1/inspections?from=yesterday");
    assert_eq!((bad.status, bad.code()), (400, "request.query"));
}

both_backends!(list_and_search, listing);
both_backends!(start_once, starting_twice_at_once);

#[test]
fn operator_profile_keeps_certificate_photos_when_it_says_so() {
    let profiles = tempfile::tempdir().unwrap();
    let national = hecha_core::rules::RuleProfile::builtin("national").unwrap();
    let text = national.source().replacen(
        "id = \"national\"",
        "id = \"national-keep\"\nkeep_certificate_photos = true",
        1,
    );
    std::fs::write(profiles.path().join("national-keep.toml"), text).unwrap();
    let dir = profiles.path().to_owned();
    let server = TestServer::start_with(Backend::Sqlite, |s| s.profiles_dir = Some(dir.clone()));
    let w = world(&server);
    let mut insp =
        hecha_tests::flow::example_inspection("official", hecha_tests::flow::EXAMPLE_USCC);
    insp["profile"] = json!("national-keep");
    insp["scope"] = json!("nationwide");
    let id =
        w.a.inspector
            .post(
                "/api/v1/inspections",
                &json!({"company_id": w.a.company, "inspection": insp}),
            )
            .expect(201)
            .str("id");
    let photo =
        std::fs::read(hecha_tests::flow::example_dir().join("certificates/si-chen.jpg")).unwrap();
    let r =
        w.a.inspector
            .send(
                "POST",
                &format!("/api/v1/inspections/{id}/si-scans?item_id=si-1"),
                Some((&photo, "image/jpeg")),
                &[],
            )
            .expect(201);
    assert_eq!(r.body["item"]["certificate_kept"], true);
    let sha = r.body["item"]["blob"]["sha256"].as_str().unwrap();
    let back =
        w.a.inspector
            .get(&format!("/api/v1/inspections/{id}/blobs/{sha}"))
            .expect(200);
    assert_eq!(back.bytes, photo);
    // An unknown profile is refused at creation.
    let mut bad =
        hecha_tests::flow::example_inspection("official", hecha_tests::flow::EXAMPLE_USCC);
    bad["profile"] = json!("no-such-profile");
    let r = w.a.inspector.post(
        "/api/v1/inspections",
        &json!({"company_id": w.a.company, "inspection": bad}),
    );
    assert_eq!((r.status, r.code()), (422, "profile.unknown"));
    // A profile of the other scope would judge a provincial (地网) license with 95 numbers
    // and nationwide capital: refused, naming both.
    let mut other =
        hecha_tests::flow::example_inspection("official", hecha_tests::flow::EXAMPLE_USCC);
    other["profile"] = json!("national-keep");
    let r = w.a.inspector.post(
        "/api/v1/inspections",
        &json!({"company_id": w.a.company, "inspection": other}),
    );
    assert_eq!((r.status, r.code()), (422, "inspection.profile"));
    let detail = r.body["texts"]["detail"]["zh"].as_str().unwrap_or_default();
    assert!(
        detail.contains("全网") && detail.contains("地网"),
        "{}",
        r.body
    );
}

#[test]
fn request_ids_and_metrics() {
    let server = TestServer::start(Backend::Sqlite);
    let w = world(&server);
    let r = w.a.inspector.get("/api/v1/me");
    let rid = r.header("x-request-id").unwrap().to_owned();
    assert_eq!(rid.len(), 36, "a UUID: {rid}");
    let r2 = w.a.inspector.get("/api/v1/me");
    assert_ne!(r2.header("x-request-id").unwrap(), rid);
    let m = String::from_utf8(server.api().get("/metrics").bytes).unwrap();
    assert!(
        m.contains(r#"hecha_http_requests_total{method="GET",route="/api/v1/me",status="200"} 2"#),
        "{m}"
    );
    assert!(m.contains("hecha_http_request_duration_seconds_bucket"));
    assert!(
        !m.contains(&w.a.company),
        "route patterns, never ids, in metric labels"
    );
}

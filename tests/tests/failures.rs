//! When things go wrong: `hecha gc` collects what a crash left and nothing else; a database
//! or a blob store that cannot be reached answers 503 with Retry-After, and the server
//! recovers when they come back; garbage in (a corrupt photo, an unreadable certificate, a
//! nonsense QR text, oversized or broken JSON, an unknown route) gets a record of the
//! problem or a problem document, never a 500.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime};

use hecha_server::db::entities::upload;
use hecha_tests::client::sha256_hex;
use hecha_tests::flow::{create_inspection, world};
use hecha_tests::server::run_async;
use hecha_tests::{Api, Backend, Resp, TestServer, both_backends, noise};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};

/// Records a document item referring to `bytes` (uploaded first).
fn document(api: &Api, inspection: &str, item_id: &str, bytes: &[u8]) -> String {
    let blob = api.upload(inspection, bytes, "application/pdf", "doc.pdf");
    api.post(
        &format!("/api/v1/inspections/{inspection}/evidence"),
        &json!({"item": {"id": item_id, "kind": "document", "doc_kind": "idc_license", "blob": blob}}),
    )
    .expect(201);
    sha256_hex(bytes)
}

/// Writes a file into the local store as a crash would leave it, `age` old.
fn plant(server: &TestServer, key: &str, bytes: &[u8], age: Duration) {
    let path = server.data_dir.path().join("blobs").join(key);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    age_file(&path, age);
}

fn age_file(path: &std::path::Path, age: Duration) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(SystemTime::now() - age).unwrap();
}

fn blob_key(sha: &str) -> String {
    hecha_server::store::blob_key(sha)
}

const TWO_DAYS: Duration = Duration::from_secs(48 * 3600);

/// `hecha gc` as the command runs it: its own state over the server's settings.
fn gc(server: &TestServer, dry_run: bool) -> hecha_server::service::gc::GcReport {
    let settings = server.state.settings.clone();
    run_async(async move {
        let state = hecha_server::startup::prepare(settings).await.unwrap();
        hecha_server::service::gc::run(&state, chrono::Duration::hours(24), dry_run).await
    })
    .expect("gc runs")
}

fn gc_collects_orphans_and_expired_uploads_only(backend: Backend) {
    let server = TestServer::start(backend);
    let w = world(&server);
    let api = &w.a.inspector;
    let inspection = create_inspection(api, &w.a.company, "official");

    // Referenced bytes, and bytes uploaded whose item never came: both have a row.
    let referenced = document(api, &inspection, "doc-kept", &noise(5000, 1));
    let unreferenced = noise(4000, 2);
    api.upload(&inspection, &unreferenced, "application/pdf", "x.pdf");
    let unreferenced = sha256_hex(&unreferenced);
    for sha in [&referenced, &unreferenced] {
        age_file(
            &server.data_dir.path().join("blobs").join(blob_key(sha)),
            TWO_DAYS,
        );
    }
    // A crash between the store's write and the row's commit left these; the young one
    // may still be an upload about to commit.
    let orphan = noise(3000, 3);
    let orphan_sha = sha256_hex(&orphan);
    plant(&server, &blob_key(&orphan_sha), &orphan, TWO_DAYS);
    let young = noise(3000, 4);
    let young_sha = sha256_hex(&young);
    plant(
        &server,
        &blob_key(&young_sha),
        &young,
        Duration::from_secs(60),
    );

    // An unfinished resumable upload, then expired.
    let created = api
        .send(
            "POST",
            &format!("/api/v1/inspections/{inspection}/tus"),
            None,
            &[("Tus-Resumable", "1.0.0"), ("Upload-Length", "100")],
        )
        .expect(201);
    let url = created.header("location").unwrap().to_owned();
    let upload_id = url.rsplit('/').next().unwrap().to_owned();
    api.send(
        "PATCH",
        &url,
        Some((&[7u8; 40], "application/offset+octet-stream")),
        &[("Tus-Resumable", "1.0.0"), ("Upload-Offset", "0")],
    )
    .expect(204);
    let chunk_dir = format!("blobs/uploads/{upload_id}");
    assert_eq!(server.files_under(&chunk_dir).len(), 1);
    expire_upload(&server, &upload_id);

    let dry = gc(&server, true);
    assert_eq!(dry.orphan_keys, vec![blob_key(&orphan_sha)]);
    assert_eq!(dry.orphan_bytes, 3000);
    assert_eq!(dry.expired_uploads, vec![upload_id.clone()]);
    assert!(
        server.files_under("blobs").contains(&blob_key(&orphan_sha)),
        "a dry run deletes nothing"
    );
    assert_eq!(server.files_under(&chunk_dir).len(), 1);

    let done = gc(&server, false);
    assert_eq!(done.orphan_keys, dry.orphan_keys);
    assert!(!done.dry_run);
    let files = server.files_under("blobs");
    assert!(!files.contains(&blob_key(&orphan_sha)));
    for kept in [&referenced, &unreferenced, &young_sha] {
        assert!(files.contains(&blob_key(kept)), "{kept} kept");
    }
    assert!(server.files_under(&chunk_dir).is_empty());
    api.send("HEAD", &url, None, &[("Tus-Resumable", "1.0.0")])
        .expect(404);
    // The evidence is whole.
    let back = api.get(&format!(
        "/api/v1/inspections/{inspection}/blobs/{referenced}"
    ));
    assert_eq!(back.expect(200).bytes, noise(5000, 1));

    // Nothing left to collect.
    assert_eq!(gc(&server, false).orphan_keys, Vec::<String>::new());
}
both_backends!(gc, gc_collects_orphans_and_expired_uploads_only);

/// Moves an upload's expiry into the past (through a connection of its own).
fn expire_upload(server: &TestServer, id: &str) {
    let url = server.state.settings.database_url();
    let id = id.to_owned();
    run_async(async move {
        let db = hecha_server::db::connect(&url).await?;
        upload::Entity::update_many()
            .col_expr(
                upload::Column::ExpiresAt,
                Expr::value(chrono::Utc::now() - chrono::Duration::hours(1)),
            )
            .filter(upload::Column::Id.eq(id))
            .exec(&db)
            .await?;
        db.close().await
    })
    .expect("upload expired");
}

// ───────────────────────────── dependencies down ─────────────────────────────

#[track_caller]
fn assert_unavailable(r: &Resp, code: &str) {
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.code(), code);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert!(
        r.header("retry-after")
            .is_some_and(|s| s.parse::<u32>().is_ok()),
        "Retry-After: {:?}",
        r.header("retry-after")
    );
}

fn pg_admin(sql: &str) {
    hecha_tests::pg::admin_exec(sql.to_owned()).expect("admin SQL");
}

#[test]
fn postgres_down_answers_503_and_the_server_recovers() {
    let server = TestServer::start(Backend::Postgres);
    let w = world(&server);
    let api = &w.a.inspector;
    let inspection = create_inspection(api, &w.a.company, "official");
    let path = format!("/api/v1/inspections/{inspection}");
    api.get(&path).expect(200);
    let url = server.state.settings.database_url();
    let db = url.rsplit('/').next().unwrap();

    // The database stops taking connections and drops the ones it has (a failover, a
    // restart): what the server holds and what it opens next both fail.
    pg_admin(&format!("ALTER DATABASE {db} ALLOW_CONNECTIONS false"));
    pg_admin(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}'"
    ));
    assert_unavailable(&api.get(&path), "database.unavailable");
    let bytes = noise(1000, 9);
    let r = api.send(
        "POST",
        &format!("{path}/blobs"),
        Some((&bytes, "application/pdf")),
        &[("X-Content-SHA256", &sha256_hex(&bytes))],
    );
    assert_unavailable(&r, "database.unavailable");
    let r = api.post(
        &format!("{path}/evidence"),
        &json!({"item": {"id": "note-1", "kind": "note", "text": "站点整洁"}}),
    );
    assert_unavailable(&r, "database.unavailable");
    let r = server.api().anonymous().post(
        "/api/v1/auth/token",
        &json!({"grant_type": "password", "username": "nobody", "password": "whatever it is"}),
    );
    assert_unavailable(&r, "database.unavailable");
    let ready = server.api().get("/readyz");
    assert_eq!(ready.status, 503, "{}", ready.body);
    assert!(ready.header("retry-after").is_some());
    assert_ne!(ready.body["database"], "ok");
    assert_eq!(ready.body["store"], "ok");
    server.api().get("/healthz").expect(200);

    pg_admin(&format!("ALTER DATABASE {db} ALLOW_CONNECTIONS true"));
    server.api().get("/readyz").expect(200);
    api.get(&path).expect(200);
    api.upload(&inspection, &bytes, "application/pdf", "after.pdf");
}

#[test]
fn blob_store_gone_fails_readiness_and_uploads_with_503() {
    let server = TestServer::start(Backend::Sqlite);
    let w = world(&server);
    let api = &w.a.inspector;
    let inspection = create_inspection(api, &w.a.company, "official");
    server.api().get("/readyz").expect(200);

    // The volume is unmounted and something else sits where it was (tests may run as
    // root, for whom permissions deny nothing).
    let root = server.data_dir.path().join("blobs");
    std::fs::remove_dir_all(&root).unwrap();
    std::fs::write(&root, b"not a directory").unwrap();

    let ready = server.api().get("/readyz");
    assert_eq!(ready.status, 503, "{}", ready.body);
    assert!(ready.header("retry-after").is_some());
    assert_eq!(ready.body["database"], "ok");
    assert_ne!(ready.body["store"], "ok");
    let bytes = noise(2000, 10);
    let sha = sha256_hex(&bytes);
    let r = api.send(
        "POST",
        &format!("/api/v1/inspections/{inspection}/blobs"),
        Some((&bytes, "application/pdf")),
        &[("X-Content-SHA256", &sha)],
    );
    assert_unavailable(&r, "store.unavailable");
    assert!(
        !server.blob_rows().contains(&sha),
        "no row for bytes not stored"
    );
    assert!(server.files_under("spool").is_empty());

    std::fs::remove_file(&root).unwrap();
    std::fs::create_dir(&root).unwrap();
    server.api().get("/readyz").expect(200);
    api.upload(&inspection, &bytes, "application/pdf", "again.pdf");
    assert!(server.blob_rows().contains(&sha));
}

// ───────────────────────────── garbage in ─────────────────────────────

const JSON_LIMIT: usize = 64 * 1024;

#[test]
fn garbage_in_gets_a_record_of_the_problem_or_a_problem_document() {
    let server = TestServer::start_with(Backend::Sqlite, |s| s.limits.max_json_bytes = JSON_LIMIT);
    let w = world(&server);
    let api = &w.a.inspector;
    let inspection = create_inspection(api, &w.a.company, "official");
    let base = format!("/api/v1/inspections/{inspection}");

    // Bytes that are no image at all are not a photo: refused, nothing recorded.
    let junk = noise(20_000, 11);
    let blob = api.upload(&inspection, &junk, "image/jpeg", "office.jpg");
    let r = api.post(
        &format!("{base}/evidence"),
        &json!({"item": {"id": "photo-junk", "kind": "photo", "subject": "office", "blob": blob}}),
    );
    assert_problem(&r, 422, "evidence.not_an_image");
    let listed = api.get(&format!("{base}/evidence")).ok();
    assert!(
        !listed.to_string().contains("photo-junk"),
        "a refused photo is not recorded: {listed}"
    );
    // A damaged JPEG is still evidence: recorded, with why its EXIF could not be read.
    let mut damaged = b"\xFF\xD8\xFF\xE1\x00\x10Exif\x00\x00".to_vec();
    damaged.extend(noise(20_000, 13));
    let blob = api.upload(&inspection, &damaged, "image/jpeg", "office.jpg");
    let view = api
        .post(
            &format!("{base}/evidence"),
            &json!({"item": {"id": "photo-damaged", "kind": "photo", "subject": "office", "blob": blob}}),
        )
        .expect(201)
        .body;
    let item = &view["item"];
    assert!(
        item["exif_error"].as_str().is_some_and(|e| !e.is_empty()),
        "{view}"
    );
    assert!(item.get("exif").is_none_or(Value::is_null), "{view}");

    // Certificate photos that yield no SI record: random bytes, an image with no QR code.
    let png =
        std::fs::read(hecha_tests::workspace_root().join("tests/fixtures/signature.png")).unwrap();
    for (id, bytes) in [("si-junk", noise(30_000, 12)), ("si-no-qr", png)] {
        let r = api.send(
            "POST",
            &format!("{base}/si-scans?item_id={id}&roles=technical_lead"),
            Some((&bytes, "image/jpeg")),
            &[],
        );
        assert_eq!(r.status, 201, "{id}: {}", r.body);
        let item = &r.body["item"];
        assert_eq!(item["certificate_sha256"], sha256_hex(&bytes));
        assert_problems(&item["record"], id);
    }

    // QR texts the scanner returned that are nobody's certificate: recorded, marked for a
    // person to review (format `unknown`), with what was wrong when something was.
    for (id, text, problem) in [
        ("si-text-empty", "  \n", true),
        ("si-text-json", "{\"xm\": \"张三\", \"sfzh\": ", true),
        (
            "si-text-url",
            "https://si.example.invalid/v?token=abc",
            true,
        ),
        (
            "si-text-junk",
            "\u{1}\u{0}☃ 12345 %%% not a certificate",
            false,
        ),
    ] {
        let r = api.post(
            &format!("{base}/evidence"),
            &json!({"item": {"id": id, "kind": "si_scan", "roles": ["technical_lead"]}, "qr_text": text}),
        );
        assert_eq!(r.status, 201, "{id}: {}", r.body);
        let record = &r.body["item"]["record"];
        assert_eq!(record["format"], "unknown", "{id}: {record}");
        if problem {
            assert_problems(record, id);
        } else {
            assert!(record["raw_masked"].is_string(), "{id}: {record}");
        }
    }

    // JSON over the limit.
    let big = json!({"item": {"id": "note-big", "kind": "note", "text": "字".repeat(JSON_LIMIT)}});
    let r = api.post(&format!("{base}/evidence"), &big);
    assert_problem(&r, 413, "upload.too_large");
    // Malformed JSON, JSON of the wrong shape, not JSON at all.
    for (body, content_type) in [
        (&b"{\"item\": {\"id\": \"x\", "[..], "application/json"),
        (&b"{\"item\": 42}"[..], "application/json"),
        (&b"[1, 2, 3]"[..], "application/json"),
        (&b"\xff\xfe\x00garbage"[..], "application/json"),
        (&b"{\"item\": {}}"[..], "text/plain"),
    ] {
        let r = api.send(
            "POST",
            &format!("{base}/evidence"),
            Some((body, content_type)),
            &[],
        );
        assert!(
            (400..500).contains(&r.status),
            "{:?}: {} {}",
            String::from_utf8_lossy(body),
            r.status,
            r.body
        );
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
        assert!(r.code().starts_with("request."), "{}", r.body);
    }
    // Nothing of all that became an item.
    let items = api.get(&format!("{base}/evidence")).ok();
    let ids: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["item_id"].as_str())
        .collect();
    assert!(!ids.contains(&"note-big") && !ids.contains(&"x"), "{ids:?}");

    // Routes that do not exist.
    for path in [
        "/nope",
        "/api/v1/nope",
        &format!("{base}/nope"),
        "/api/v2/inspections",
    ] {
        let r = api.get(path);
        assert_problem(&r, 404, "not_found");
    }
}

#[track_caller]
fn assert_problems(record: &Value, id: &str) {
    let problems = record["problems"].as_array();
    assert!(
        problems.is_some_and(|p| !p.is_empty()),
        "{id}: the record says what is wrong: {record}"
    );
}

#[track_caller]
fn assert_problem(r: &Resp, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.code(), code, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert_eq!(r.body["status"], status);
}

/// Certificate photos take their share of the decode budget before they are decoded: with
/// the budget held by other decodes, a photo waits, then 503 `decode.busy` with Retry-After
/// and nothing is recorded; sent again once there is room, it is. A photo needing more than
/// the whole budget is refused (413). (Peak memory itself is a benchmark's business.)
#[test]
fn certificate_photos_wait_for_the_decode_budget() {
    let server = TestServer::start_with(Backend::Sqlite, |s| {
        s.limits.decode_memory_mb = 64;
        s.limits.decode_wait_s = 1;
    });
    let w = world(&server);
    let id = create_inspection(&w.a.inspector, &w.a.company, "official");
    // 1600 × 1600 pixels: about 25 MB to decode.
    let photo = std::fs::read(
        hecha_tests::workspace_root().join("examples/suzhou/certificates/si-chen.jpg"),
    )
    .unwrap();
    let post = |api: &Api, inspection: &str, item: &str| {
        api.send(
            "POST",
            &format!("/api/v1/inspections/{inspection}/si-scans?item_id={item}&roles=agent"),
            Some((&photo, "image/jpeg")),
            &[],
        )
    };
    let held = server
        .state
        .decode_budget
        .try_hold_all()
        .expect("the whole budget");
    let busy = post(&w.a.inspector, &id, "si-1");
    assert_eq!(
        (busy.status, busy.code()),
        (503, "decode.busy"),
        "{}",
        busy.body
    );
    assert!(busy.header("retry-after").is_some());
    let items =
        w.a.inspector
            .get(&format!("/api/v1/inspections/{id}/evidence"))
            .ok();
    assert_eq!(items.as_array().unwrap().len(), 0, "nothing recorded");
    drop(held);
    post(&w.a.inspector, &id, "si-1").expect(201);

    // An export renders thumbnails: it waits for its share as well.
    let sealed = create_inspection(&w.a.inspector, &w.a.company, "official");
    hecha_tests::flow::push_example(&w.a.inspector, &sealed);
    hecha_tests::flow::sign_off(&w.a.inspector, &sealed);
    w.a.inspector
        .post(&format!("/api/v1/inspections/{sealed}/seal"), &json!({}))
        .ok();
    let held = server
        .state
        .decode_budget
        .try_hold_all()
        .expect("the whole budget");
    let busy =
        w.a.auditor
            .get(&format!("/api/v1/inspections/{sealed}/export"));
    assert_eq!(
        (busy.status, busy.code()),
        (503, "decode.busy"),
        "{}",
        busy.body
    );
    drop(held);
    w.a.auditor
        .get(&format!("/api/v1/inspections/{sealed}/export"))
        .expect(200);

    let small = TestServer::start_with(Backend::Sqlite, |s| s.limits.decode_memory_mb = 8);
    let w = world(&small);
    let id = create_inspection(&w.a.inspector, &w.a.company, "official");
    let big = post(&w.a.inspector, &id, "si-1");
    assert_eq!(
        (big.status, big.code()),
        (413, "image.too_large_to_decode"),
        "{}",
        big.body
    );
}

/// A time-stamping authority that takes the request and never answers; it says each time
/// a request comes in.
fn hanging_tsa() -> (String, std::sync::mpsc::Receiver<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/tsa", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            held.push(conn);
            let _ = tx.send(());
        }
    });
    (url, rx)
}

/// Records a note `item` in the inspection `id`.
fn add_note(api: &Api, id: &str, item: &str) -> Resp {
    api.post(
        &format!("/api/v1/inspections/{id}/evidence"),
        &json!({"item": {"id": item, "kind": "note", "text": "现场记录", "rule_ids": []}}),
    )
}

/// Sealing waits for the TSA (its whole timeout, when the TSA hangs) without holding the
/// inspection's row lock: evidence sent meanwhile is recorded at once, and the seal, whose
/// TSA gave up, seals nothing.
fn a_slow_tsa_holds_no_lock(backend: Backend) {
    use std::sync::atomic::{AtomicBool, Ordering};
    let (url, asked) = hanging_tsa();
    let server = TestServer::start_with(backend, |s| {
        s.tsa = Some(hecha_server::settings::TsaSettings { url, timeout_s: 10 });
    });
    let w = world(&server);
    let staff = &w.a.staff;
    let id = create_inspection(staff, &w.a.company, "rehearsal");
    let note = |item: &str| add_note(staff, &id, item);
    note("note-1").expect(201);
    let sealed = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let seal = scope.spawn(|| {
            let r = staff.post(&format!("/api/v1/inspections/{id}/seal"), &json!({}));
            sealed.store(true, Ordering::SeqCst);
            r
        });
        asked
            .recv_timeout(Duration::from_secs(60))
            .expect("the seal asks the TSA");
        note("note-2").expect(201);
        assert!(
            !sealed.load(Ordering::SeqCst),
            "the evidence waited for the seal (the row lock was held over the TSA call)"
        );
        let r = seal.join().unwrap();
        assert_problem(&r, 503, "seal.timestamp");
    });
    let row = staff.get(&format!("/api/v1/inspections/{id}")).ok();
    assert_eq!(row["status"], "in_progress", "{row}");
    let items = staff
        .get(&format!("/api/v1/inspections/{id}/evidence"))
        .ok();
    assert_eq!(items.as_array().unwrap().len(), 2);
}

both_backends!(slow_tsa, a_slow_tsa_holds_no_lock);

/// The seal commits only if the inspection is still at the revision whose facts it
/// sealed. Here the race is made certain: the seal starts from the row as read before a
/// note is recorded (what a seal waiting on its TSA or its store sees when evidence comes
/// in meanwhile). The commit finds a newer revision: `seal.changed`, nothing sealed, no
/// seal-log entry, and sealing again seals both notes.
fn a_seal_of_facts_that_changed_meanwhile_commits_nothing(backend: Backend) {
    use hecha_server::db::entities::inspection;
    let server = TestServer::start(backend);
    let w = world(&server);
    let staff = &w.a.staff;
    let id = create_inspection(staff, &w.a.company, "rehearsal");
    let note = |item: &str| add_note(staff, &id, item);
    note("note-1").expect(201);
    let me = staff.get("/api/v1/me").ok();
    let caller = hecha_server::auth::Caller {
        user_id: me["user_id"].as_str().unwrap().to_owned(),
        username: me["username"].as_str().unwrap().to_owned(),
        role: serde_json::from_value(me["role"].clone()).unwrap(),
        org_id: me["org_id"].as_str().unwrap().to_owned(),
        org_kind: serde_json::from_value(me["org_kind"].clone()).unwrap(),
    };
    let settings = server.state.settings.clone();
    let read_row = |settings: hecha_server::settings::Settings, id: String| {
        run_async(async move {
            let db = hecha_server::db::connect(&settings.database_url()).await?;
            let row = inspection::Entity::find_by_id(id).one(&db).await?;
            db.close().await?;
            anyhow::Ok(row.expect("the inspection"))
        })
        .unwrap()
    };
    let before = read_row(settings.clone(), id.clone());
    note("note-2").expect(201);
    let after = read_row(settings.clone(), id.clone());
    assert!(
        after.revision > before.revision,
        "a write moves the revision"
    );

    let err = run_async(async move {
        let state = hecha_server::startup::prepare(settings).await.unwrap();
        hecha_server::service::sealing::seal(&state, &caller, &before).await
    })
    .expect_err("a seal of an older revision does not commit");
    assert_eq!(err.code(), "seal.changed", "{err}");

    let row = staff.get(&format!("/api/v1/inspections/{id}")).ok();
    assert_eq!(row["status"], "in_progress", "{row}");
    assert!(row["manifest_sha256"].is_null(), "{row}");
    let events = staff.get(&format!("/api/v1/inspections/{id}/events")).ok();
    assert!(
        events
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["kind"] != "inspection.sealing"),
        "no sealing event was written: {events}"
    );

    // Sealing again seals what is there now: both notes.
    let sealed = staff
        .post(&format!("/api/v1/inspections/{id}/seal"), &json!({}))
        .expect(200)
        .body;
    assert_eq!(sealed["items"], 2, "{sealed}");
}

both_backends!(
    seal_of_changed_facts,
    a_seal_of_facts_that_changed_meanwhile_commits_nothing
);

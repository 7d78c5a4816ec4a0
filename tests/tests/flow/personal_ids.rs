//! Full ID numbers never get in: one is sent through every text field of the API (names,
//! the inspection's texts, notes, titles, subjects, file names, upload metadata, SI text,
//! a review comment); ids, seat ids, user names and signed items holding one are refused
//! without echoing it. Then everything the server wrote is searched — the SQLite database
//! with its WAL or a PostgreSQL dump, the blob and bundle store, the export, the debug-level
//! log — and `pii-scan` finds nothing. Rows written behind the API's back (data from before
//! masking) are masked by the migration where they can still change and reported by
//! `pii-scan` where they cannot.

use std::io::{Cursor, Read, Write};
use std::sync::{Arc, Mutex, OnceLock};

use hecha_core::capture::ids::resident_id_check_char;
use hecha_core::capture::pii::mask_id;
use hecha_core::seal::device::{DeviceKey, sign_item};
use hecha_core::seal::manifest::item_digest;
use hecha_tests::flow::{EXAMPLE_USCC, example_inspection, push_example, sign_off, world};
use hecha_tests::{Backend, TestServer, both_backends};
use serde_json::json;

/// A valid 18-character ID number (check character computed), one per field under test.
fn full_id(n: u32) -> String {
    let body = format!("32050819770815{:03}", n % 1000);
    let check = resident_id_check_char(&body).expect("17 digits");
    format!("{body}{check}")
}

/// The debug-level log of every server in this test binary, written through the
/// server's masking writer (what `hecha serve` installs).
fn log_buffer() -> Arc<Mutex<Vec<u8>>> {
    static BUF: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUF.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let sink = buf.clone();
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
            .with_ansi(false)
            .with_writer(move || hecha_server::telemetry::MaskingWriter(SharedBuf(sink.clone())))
            .try_init()
            .expect("the only subscriber of this test binary");
        buf
    })
    .clone()
}

struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Which of `ids` occur in `bytes` (ASCII).
fn found_in(bytes: &[u8], ids: &[String]) -> Vec<String> {
    ids.iter()
        .filter(|id| bytes.windows(id.len()).any(|w| w == id.as_bytes()))
        .cloned()
        .collect()
}

fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn assert_refused_quietly(resp: &hecha_tests::Resp, status: u16, code: &str, ids: &[String]) {
    assert_eq!(resp.status, status, "{}", resp.body);
    assert_eq!(resp.code(), code, "{}", resp.body);
    let text = resp.body.to_string();
    assert!(found_in(text.as_bytes(), ids).is_empty(), "echoed: {text}");
}

fn personal_ids(backend: Backend) {
    let logs = log_buffer();
    let server = TestServer::start(backend);
    let w = world(&server);
    let a = &w.a;
    let planted: Vec<String> = (100..120).map(full_id).collect();
    let id = |n: usize| planted[n].clone();

    // ---- Names -----------------------------------------------------------------------
    let org = w
        .admin
        .post(
            "/api/v1/organizations",
            &json!({"kind": "authority", "name": format!("局 {}", id(0))}),
        )
        .expect(201)
        .body;
    assert!(org["name"].as_str().unwrap().contains(&mask_id(&id(0))));
    w.admin
        .post(
            "/api/v1/users",
            &json!({"org_id": a.authority, "username": format!("u-{}", uuid::Uuid::new_v4().simple()),
                "display_name": format!("检查员 {}", id(1)), "role": "inspector",
                "password": hecha_tests::flow::PASSWORD}),
        )
        .expect(201);
    let refused = w.admin.post(
        "/api/v1/users",
        &json!({"org_id": a.authority, "username": format!("u{}", id(2)), "display_name": "x",
            "role": "inspector", "password": hecha_tests::flow::PASSWORD}),
    );
    assert_refused_quietly(&refused, 422, "input.personal_id", &planted);
    let key = DeviceKey::generate().unwrap();
    let device = a
        .inspector
        .post(
            "/api/v1/devices",
            &json!({"name": format!("手机 {}", id(3)), "public_jwk": key.public_jwk()}),
        )
        .expect(201)
        .str("id");

    // ---- The inspection's own texts --------------------------------------------------
    let mut insp = example_inspection("official", EXAMPLE_USCC);
    insp["company"]["name"] = json!(format!("苏州核查示例科技有限公司（法人 {}）", id(4)));
    insp["company"]["registered_address"] = json!(format!("苏州工业园区 {} 号", id(5)));
    insp["site"]["address"] = json!(format!("星湖街 328 号 {}", id(6)));
    let official = a
        .inspector
        .post(
            "/api/v1/inspections",
            &json!({"company_id": a.company, "inspection": insp}),
        )
        .expect(201)
        .str("id");
    let view = a
        .inspector
        .get(&format!("/api/v1/inspections/{official}"))
        .ok();
    assert!(
        view.to_string().contains(&mask_id(&id(4))),
        "{}",
        view["inspection"]["company"]
    );
    push_example(&a.inspector, &official);
    sign_off(&a.inspector, &official);
    let evidence = format!("/api/v1/inspections/{official}/evidence");

    // ---- Evidence free text (unsigned: masked at intake) -------------------------------
    let blob = a.inspector.upload(
        &official,
        b"%PDF-1.4 lease",
        "application/pdf",
        &format!("租赁合同-{}.pdf", id(7)),
    );
    for item in [
        json!({"id": "pii-note", "kind": "note", "text": format!("身份证 {}，电话 13800138000", id(8)), "rule_ids": []}),
        json!({"id": "pii-doc", "kind": "document", "doc_kind": "other", "title": format!("承租人 {}", id(9)), "blob": blob, "rule_ids": []}),
        json!({"id": "pii-office", "kind": "checklist", "checklist": "office", "area_m2": "150", "note": format!("负责人 {}", id(10)), "rule_ids": []}),
        json!({"id": "pii-ups", "kind": "checklist", "checklist": "ups", "present": true, "model": format!("UPS-{}", id(11)), "status_normal": true, "rule_ids": []}),
    ] {
        let r = a
            .inspector
            .post(&evidence, &json!({ "item": item }))
            .expect(201);
        let text = r.body.to_string();
        assert!(found_in(text.as_bytes(), &planted).is_empty(), "{text}");
        assert!(text.contains("***"), "{text}");
    }
    // SI text as a phone's scanner returned it: the server parses, masks and hashes.
    let si = a
        .inspector
        .post(
            &evidence,
            &json!({"item": {"id": "pii-si", "kind": "si_scan", "rule_ids": ["staff.si_count"]},
                "qr_text": format!("姓名：赵六\n公民身份号码：{}\n参保地：苏州工业园区\n缴费起止：2025年01月至2026年10月", id(12))}),
        )
        .expect(201)
        .body;
    assert_eq!(
        si["item"]["record"]["id_masked"].as_str(),
        Some(mask_id(&id(12)).as_str())
    );
    // A masked ID typed by the client is not believed: it comes from a parse.
    let claimed = a.inspector.post(
        &evidence,
        &json!({"item": {"id": "pii-si-claimed", "kind": "si_scan", "record": {"id_masked": "320***********0000"}, "rule_ids": []}}),
    );
    assert_refused_quietly(&claimed, 422, "evidence.record", &planted);
    // A resumable upload's file name.
    let tus = a.inspector.send(
        "POST",
        &format!("/api/v1/inspections/{official}/tus"),
        None,
        &[
            ("Tus-Resumable", "1.0.0"),
            ("Upload-Length", "5"),
            (
                "Upload-Metadata",
                &format!(
                    "filename {}",
                    base64::Engine::encode(
                        &base64::engine::general_purpose::STANDARD,
                        format!("录音-{}.wav", id(13))
                    )
                ),
            ),
        ],
    );
    assert_eq!(tus.status, 201, "{}", tus.body);

    // ---- Refused, never echoed -------------------------------------------------------
    let r = a.inspector.post(
        &evidence,
        &json!({"item": {"id": format!("n-{}", id(14)), "kind": "note", "text": "x", "rule_ids": []}}),
    );
    assert_refused_quietly(&r, 422, "input.personal_id", &planted);
    let r = a.inspector.post(
        &format!("/api/v1/inspections/{official}/seat-tags"),
        &json!({"seat_ids": [format!("S{}", id(15))]}),
    );
    assert_refused_quietly(&r, 422, "input.personal_id", &planted);
    // A parser's error would echo the value it could not read.
    let r = a.inspector.post(
        &evidence,
        &json!({"item": {"id": "pii-bad", "kind": id(16), "rule_ids": []}}),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.to_string().contains(&mask_id(&id(16))), "{}", r.body);
    assert!(
        found_in(r.body.to_string().as_bytes(), &planted).is_empty(),
        "{}",
        r.body
    );
    // A signed item holding a number cannot be rewritten: refused, naming the field.
    let mut item: hecha_core::model::EvidenceItem = serde_json::from_value(json!({
        "id": "pii-signed", "kind": "note", "text": format!("号码 {}", id(17)), "rule_ids": [],
        "device_id": device, "captured_by": a.inspector_id,
    }))
    .unwrap();
    item.device_id = Some(device.clone());
    let digest = item_digest(&item).unwrap();
    let jws = sign_item(&item.id, &digest, &key).unwrap();
    let r = a.inspector.post(
        &evidence,
        &json!({"item": item, "device_signature": {"device_id": device, "jws": jws}}),
    );
    assert_refused_quietly(&r, 422, "input.personal_id", &planted);
    assert!(r.body.to_string().contains("text"), "{}", r.body);

    // ---- Seal, review, export ----------------------------------------------------------
    a.inspector
        .post(&format!("/api/v1/inspections/{official}/seal"), &json!({}))
        .ok();
    a.auditor
        .post(
            &format!("/api/v1/inspections/{official}/reviews"),
            &json!({"verdict": "approved", "comment": format!("核对 {} 无误", id(18))}),
        )
        .ok();
    let zip = a
        .auditor
        .get(&format!("/api/v1/inspections/{official}/export"))
        .expect(200)
        .bytes;

    // ---- Search everything -----------------------------------------------------------
    let mut leaks = Vec::new();
    let mut bag = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    let mut review_seen = false;
    for i in 0..bag.len() {
        let mut f = bag.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        review_seen |= name.ends_with("addendum.jsonl")
            && String::from_utf8_lossy(&bytes).contains(&mask_id(&id(18)));
        for hit in found_in(&bytes, &planted) {
            leaks.push(format!("export {name}: {hit}"));
        }
    }
    assert!(
        review_seen,
        "the masked review comment travels in the addendum"
    );
    let mut files = Vec::new();
    files_under(server.data_dir.path(), &mut files);
    assert!(
        files
            .iter()
            .any(|f| f.to_string_lossy().ends_with(".db-wal") || backend == Backend::Postgres),
        "the SQLite WAL is searched too: {files:?}"
    );
    for f in &files {
        let bytes = std::fs::read(f).unwrap_or_default();
        for hit in found_in(&bytes, &planted) {
            leaks.push(format!("{}: {hit}", f.display()));
        }
    }
    if backend == Backend::Postgres {
        let out = std::process::Command::new("pg_dump")
            .arg("--data-only")
            .arg(server.state.settings.database_url())
            .output()
            .expect("pg_dump runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.len() > 1000, "a dump of the test database");
        for hit in found_in(&out.stdout, &planted) {
            leaks.push(format!("pg_dump: {hit}"));
        }
    }
    let log = logs.lock().unwrap().clone();
    // The refused request with a number as its kind was logged, masked: the log was
    // captured and carried the input.
    assert!(
        String::from_utf8_lossy(&log).contains(&mask_id(&id(16))),
        "the debug log of this server was captured"
    );
    for hit in found_in(&log, &planted) {
        leaks.push(format!("log: {hit}"));
    }
    assert!(leaks.is_empty(), "full ID numbers found: {leaks:#?}");

    // pii-scan agrees: nothing anywhere (the example's own SI numbers were masked too).
    let report = scan(&server);
    assert!(report.hits.is_empty(), "{:?}", report.hits);
    assert!(report.rows > 50 && report.objects >= 1, "{report:?}");

    // ---- Rows from before masking ------------------------------------------------------
    // Written behind the API's back: an organization name, an item of an open inspection,
    // an item of the sealed one.
    let open = a
        .inspector
        .post(
            "/api/v1/inspections",
            &json!({"company_id": a.company, "inspection": example_inspection("official", EXAMPLE_USCC)}),
        )
        .expect(201)
        .str("id");
    a.inspector
        .post(
            &format!("/api/v1/inspections/{open}/evidence"),
            &json!({"item": {"id": "old-note", "kind": "note", "text": "PLACEHOLDER", "rule_ids": []}}),
        )
        .expect(201);
    let legacy = id(19);
    server.sql(&format!(
        "UPDATE organizations SET name = 'legacy {legacy}' WHERE id = '{}'",
        a.company
    ));
    server.sql(&format!(
        "UPDATE evidence SET body = REPLACE(body, 'PLACEHOLDER', '{legacy}') WHERE inspection_id = '{open}'"
    ));
    server.sql(&format!(
        "UPDATE evidence SET body = REPLACE(body, '检查员甲', '{legacy}') WHERE inspection_id = '{official}' AND item_id = 'sign-inspector'"
    ));
    let before = scan(&server);
    let places: Vec<String> = before
        .hits
        .iter()
        .map(|h| format!("{} {}", h.place.split('/').next().unwrap(), h.field))
        .collect();
    assert_eq!(before.hits.len(), 3, "{places:?}");
    assert!(
        places.contains(&"db:organizations name".to_owned()),
        "{places:?}"
    );
    assert!(
        places.contains(&"db:evidence body.text".to_owned()),
        "{places:?}"
    );
    assert!(
        places.contains(&"db:evidence body.name".to_owned()),
        "{places:?}"
    );
    assert!(
        before
            .hits
            .iter()
            .all(|h| !h.place.contains(&legacy) && !h.field.contains(&legacy)),
        "a report names places, never values"
    );
    // The migration masks what can still change; the sealed item stays, reported.
    let url = server.state.settings.database_url();
    hecha_tests::server::run_async(async move {
        let db = hecha_server::db::connect(&url).await?;
        let manager = migration::SchemaManager::new(&db);
        migration::m20261201_000001_mask_personal_ids::mask_rows(&manager).await?;
        db.close().await
    })
    .unwrap();
    let after = scan(&server);
    assert_eq!(after.hits.len(), 1, "{:?}", after.hits);
    assert_eq!(after.hits[0].field, "body.name");
    let old = a
        .inspector
        .get(&format!("/api/v1/inspections/{open}/evidence"))
        .ok();
    let note = &old.as_array().unwrap()[0];
    assert_eq!(note["item"]["text"], mask_id(&legacy));
    // Its digest follows the masked body (the manifest will list that).
    let masked: hecha_core::model::EvidenceItem =
        serde_json::from_value(note["item"].clone()).unwrap();
    assert_eq!(note["digest"], item_digest(&masked).unwrap());
}

/// `pii-scan` over the server's database and store, on a connection of its own (a pooled
/// connection belongs to the runtime that opened it: the server's pool stays the server's).
fn scan(server: &TestServer) -> hecha_server::pii_scan::ScanReport {
    let url = server.state.settings.database_url();
    let store = server.state.store.clone();
    hecha_tests::server::run_async(async move {
        let db = hecha_server::db::connect(&url).await.expect("connect");
        let report = hecha_server::pii_scan::scan(&db, store.as_ref()).await;
        let _ = db.close().await;
        report
    })
    .expect("pii-scan")
}

both_backends!(full_id_numbers_never_get_in, personal_ids);

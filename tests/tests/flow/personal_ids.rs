//! "Full ID numbers never get in": one resident ID number (valid check character, and its
//! old 15-digit form, and grouped) sent through every text field of the API and the phone
//! core; afterwards no form of it is in the database files (SQLite with its WAL) or a
//! PostgreSQL dump, the blob store (sealed bundles), the export (inflated), the phone's
//! outbox, the debug-level logs or any answer. Where it cannot be masked (a signed item, an
//! id) it is refused with 422 naming the field, never echoing the value.

use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::Arc;

use hecha_core::capture::ids::validate_resident_id;
use hecha_core::model::EvidenceItem;
use hecha_core::seal::device::{DeviceKey, sign_item};
use hecha_core::seal::manifest::item_digest;
use hecha_mobile::{InspectionSession, MobileError, SiEntered, SoftwareSigner};
use hecha_mobile::{SyncProgress, TokenProvider};
use hecha_tests::flow::{EXAMPLE_USCC, PASSWORD, example_inspection, sign_off, world};
use hecha_tests::server::{capture_debug_logs, captured_logs, run_async};
use hecha_tests::{Backend, Resp, TestServer, both_backends};
use serde_json::{Value, json};

const ID18: &str = "11010519491231002X";
const ID15: &str = "110105491231002";
const GROUPED: &str = "110105 19491231 002X";
/// What must never be found, in any case of the check character: the 17 digits before it,
/// the old form, both grouped forms.
const FORMS: [&str; 4] = [
    "11010519491231002",
    ID15,
    "110105 19491231 002",
    "1101 0519 4912 3100 2",
];

fn every_form() -> String {
    format!("身份证 {ID18}，旧号 {ID15}，分组 {GROUPED}")
}

/// Panics (naming `what` and the offset, not the number) if `bytes` hold any form.
fn assert_clean(what: &str, bytes: &[u8]) {
    for form in FORMS {
        if let Some(at) = bytes.windows(form.len()).position(|w| w == form.as_bytes()) {
            panic!("{what} holds a full ID number at byte {at}");
        }
    }
}

/// Every file under `dir` (database, WAL, blobs, bundles, outbox), each scanned.
fn assert_dir_clean(what: &str, dir: &Path) {
    let mut stack = vec![dir.to_owned()];
    let mut files = 0;
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                files += 1;
                assert_clean(&format!("{what} {}", p.display()), &bytes);
            }
        }
    }
    assert!(files > 0, "{what}: nothing to scan in {}", dir.display());
}

/// A 422 naming `field` without the value.
fn assert_refused(r: Resp, field: &str) {
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.code(), "input.personal_id");
    let detail = r.body["detail"].as_str().unwrap();
    assert!(detail.contains(field), "{detail}");
    assert_clean("the problem document", &r.bytes);
}

fn evidence(api: &hecha_tests::Api, id: &str, body: Value) -> Resp {
    api.post(&format!("/api/v1/inspections/{id}/evidence"), &body)
}

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

fn a_full_id_number_never_gets_in(backend: Backend) {
    assert!(
        validate_resident_id(ID18).is_ok(),
        "the test number is valid"
    );
    capture_debug_logs();
    let server = TestServer::start(backend);
    let w = world(&server);
    let (admin, a) = (&w.admin, &w.a);

    // ---- Directory: names are masked, ids refused -----------------------------------------
    let org = admin
        .post(
            "/api/v1/organizations",
            &json!({"kind": "authority", "name": format!("管理局 {}", every_form())}),
        )
        .expect(201);
    assert_clean("the new organization", &org.bytes);
    assert!(org.str("name").contains("110***********002X"));
    let user = |username: String, display: String| {
        admin.post(
            "/api/v1/users",
            &json!({"org_id": a.authority, "username": username, "display_name": display,
                    "role": "inspector", "password": PASSWORD}),
        )
    };
    assert_refused(user(format!("u{ID18}"), "x".into()), "username");
    let named = user(
        format!("pii-{}", uuid::Uuid::new_v4().simple()),
        every_form(),
    );
    assert_clean("the new user", &named.expect(201).bytes);

    // ---- An official inspection whose free text carries the number ------------------------
    let mut insp = example_inspection("official", EXAMPLE_USCC);
    insp["company"]["name"] = json!(format!("示例公司 {ID18}"));
    insp["company"]["registered_address"] = json!(format!("苏州 {ID15}"));
    insp["company"]["business_scope"] = json!(every_form());
    insp["site"]["address"] = json!(format!("联系人 {GROUPED}"));
    let created = a
        .inspector
        .post(
            "/api/v1/inspections",
            &json!({"company_id": a.company, "inspection": insp}),
        )
        .expect(201);
    assert_clean("the new inspection", &created.bytes);
    let id = created.str("id");
    let seat = |ids: Value| {
        a.inspector.post(
            &format!("/api/v1/inspections/{id}/seat-tags"),
            &json!({ "seat_ids": ids }),
        )
    };
    assert_refused(seat(json!([ID18])), "seat_ids");
    let tag = seat(json!(["A-01"])).ok()[0]["tag"]
        .as_str()
        .unwrap()
        .to_owned();

    // ---- Unsigned items: every text field masked at intake --------------------------------
    let pdf = b"%PDF-1.4 a document".to_vec();
    let blob = a
        .inspector
        .upload(&id, &pdf, "application/pdf", &format!("{ID18}.pdf"));
    let t = every_form();
    let items = [
        json!({"id": "note", "kind": "note", "text": t, "rule_ids": [format!("r-{ID15}")]}),
        json!({"id": "office", "kind": "checklist", "checklist": "office", "area_m2": "120", "note": t}),
        json!({"id": "ups", "kind": "checklist", "checklist": "ups", "present": true, "model": t}),
        json!({"id": "demo", "kind": "checklist", "checklist": "system_demo", "function": "inbound", "demonstrated": true, "note": t}),
        json!({"id": "dial", "kind": "dial_test", "seat_tag": tag, "dialed_number": t, "connected": true, "caller_id_shown": true, "recording_played_back": true}),
        json!({"id": "doc", "kind": "document", "doc_kind": "business_license", "title": t, "business_scope": t, "blob": blob}),
        json!({"id": "witness", "kind": "sign_off", "signer_role": "inspector", "name": t, "statement": t, "signed_at": "2026-11-23T16:00:00+08:00"}),
        // A client-supplied "masked" id and name holding the full number.
        json!({"id": "si-client", "kind": "si_scan", "record": {"name": t, "id_masked": ID18, "raw_masked": t}, "specialty": t}),
    ];
    for item in items {
        let r = evidence(&a.inspector, &id, json!({ "item": item })).expect(201);
        assert_clean("an evidence answer", &r.bytes);
    }
    // The server's own parse of the scanner's text, never the client's record.
    let scanned = evidence(
        &a.inspector,
        &id,
        json!({"item": {"id": "si-text", "kind": "si_scan", "record": {"id_masked": ID18}},
               "qr_text": format!("姓名：周明\n公民身份号码：{ID18}\n参保地：苏州工业园区\n缴费月数：20")}),
    )
    .expect(201);
    assert_eq!(
        scanned.body["item"]["record"]["id_masked"],
        "110***********002X"
    );
    assert!(scanned.body["item"]["record"]["id_hash"]["hmac_sha256"].is_string());
    assert_refused(
        evidence(
            &a.inspector,
            &id,
            json!({"item": {"id": ID18, "kind": "note", "text": "x"}}),
        ),
        "item.id",
    );

    // ---- Signed items: refused when they hold the number, kept when masked first ----------
    let key = DeviceKey::generate().unwrap();
    let device = a
        .inspector
        .post(
            "/api/v1/devices",
            &json!({"name": format!("{ID18} 的手机"), "public_jwk": key.public_jwk()}),
        )
        .expect(201);
    assert_clean("the enrolled device", &device.bytes);
    let device = device.str("id");
    let signed = |text: &str, mask: bool| {
        let mut item: EvidenceItem = serde_json::from_value(
            json!({"id": format!("signed-{mask}"), "kind": "note", "text": text}),
        )
        .unwrap();
        item.device_id = Some(device.clone());
        item.captured_by = Some(a.inspector_id.clone());
        if mask {
            item.mask_personal_ids();
        }
        let digest = item_digest(&item).unwrap();
        let jws = sign_item(&item.id, &digest, &key).unwrap();
        json!({"item": item, "device_signature": {"device_id": device, "jws": jws}})
    };
    assert_refused(
        evidence(&a.inspector, &id, signed(&every_form(), false)),
        "item.text",
    );
    let kept = evidence(&a.inspector, &id, signed(&every_form(), true)).expect(201);
    assert_eq!(kept.body["signed"], true);

    // ---- The phone core masks before it signs ---------------------------------------------
    let phone_dir = tempfile::tempdir().unwrap();
    let signer = SoftwareSigner::generate().unwrap();
    let jwk: Value = serde_json::from_str(&signer.public_jwk_json().unwrap()).unwrap();
    let phone_device = a
        .inspector
        .post(
            "/api/v1/devices",
            &json!({"name": "phone", "public_jwk": jwk}),
        )
        .expect(201)
        .str("id");
    let assignment = a
        .inspector
        .get(&format!(
            "/api/v1/inspections/{id}/assignment?device_id={phone_device}"
        ))
        .ok();
    let session = InspectionSession::open_assignment(
        phone_dir.path().to_str().unwrap().to_owned(),
        assignment.to_string(),
        a.inspector_id.clone(),
        phone_device,
        signer.as_device_signer(),
    )
    .unwrap();
    let note = session.add_note(every_form(), vec![]).unwrap();
    assert_clean("the phone's captured item", note.item_json.as_bytes());
    session
        .record_checklist(
            json!({"checklist": "access_log", "present": true, "log_kind": every_form()})
                .to_string(),
        )
        .unwrap();
    session
        .scan_qr_text(
            format!("姓名：{ID15}\n公民身份号码：{ID18}\n参保地：苏州工业园区\n缴费月数：20"),
            SiEntered {
                roles: vec!["agent".into()],
                specialty: Some(every_form()),
                specialty_related: None,
                telecom_experience_years: None,
                rule_ids: vec![],
            },
        )
        .unwrap();
    assert_dir_clean("the phone outbox", phone_dir.path());
    let token = a.inspector.token.clone().unwrap();
    let report = session
        .sync(server.base.clone(), Arc::new(Token(token)), Arc::new(Quiet))
        .unwrap();
    assert_eq!((report.created, report.pending), (3, 0), "{report:?}");
    assert_dir_clean("the phone outbox after sync", phone_dir.path());

    // ---- Seal, review, export --------------------------------------------------------------
    sign_off(&a.inspector, &id);
    a.inspector
        .post(&format!("/api/v1/inspections/{id}/seal"), &json!({}))
        .ok();
    a.auditor
        .post(
            &format!("/api/v1/inspections/{id}/reviews"),
            &json!({"verdict": "has_issues", "comment": every_form()}),
        )
        .ok();
    let zip = a
        .auditor
        .get(&format!("/api/v1/inspections/{id}/export"))
        .expect(200)
        .bytes;
    assert_clean("the export", &zip);
    let mut bag = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    for i in 0..bag.len() {
        let mut entry = bag.by_index(i).unwrap();
        let name = format!("{:?}", entry.name());
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        assert_clean(&format!("the export's {name}"), &bytes);
    }
    for path in ["", "/evidence", "/events", "/findings"] {
        let r = a.inspector.get(&format!("/api/v1/inspections/{id}{path}"));
        assert_clean(&format!("GET …{path}"), &r.bytes);
    }

    // ---- At rest: database files or dump, blob store, logs; and pii-scan agrees -----------
    match backend {
        // The data directory holds the database, its WAL, the blobs and the bundles.
        Backend::Sqlite => {
            assert!(server.data_dir.path().join("hecha.db-wal").exists());
            assert_dir_clean("the data directory", server.data_dir.path());
        }
        Backend::Postgres => {
            assert_dir_clean("the data directory", server.data_dir.path());
            let dump = std::process::Command::new(hecha_tests::pg::pg_bin("pg_dump"))
                .arg(server.state.settings.database_url())
                .output()
                .unwrap();
            assert!(
                dump.status.success(),
                "{}",
                String::from_utf8_lossy(&dump.stderr)
            );
            assert!(dump.stdout.len() > 1000);
            assert_clean("the PostgreSQL dump", &dump.stdout);
        }
    }
    let logs = captured_logs();
    assert!(!logs.is_empty(), "debug logs were captured");
    assert_clean("the debug-level logs", &logs);
    let settings = server.state.settings.clone();
    let found = run_async(async move {
        let state = hecha_server::startup::prepare(settings).await.unwrap();
        hecha_server::pii_scan::run(&state).await.unwrap()
    });
    assert!(found.is_empty(), "pii-scan found {found:?}");
}

both_backends!(
    a_full_id_number_never_gets_in_anywhere,
    a_full_id_number_never_gets_in
);

/// Rows written before intake masked: the migration masks those of unsealed inspections
/// (the item re-digested), and `pii-scan` lists what it leaves (ids), masked.
fn rows_from_before_are_masked_by_the_migration(backend: Backend) {
    use hecha_server::db::entities::{evidence as ev, user as us};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

    let server = TestServer::start(backend);
    let w = world(&server);
    let a = &w.a;
    let id = hecha_tests::flow::create_inspection(&a.inspector, &a.company, "official");
    evidence(
        &a.inspector,
        &id,
        json!({"item": {"id": "old", "kind": "note", "text": "PLACEHOLDER"}}),
    )
    .expect(201);
    let url = server.state.settings.database_url();
    let (staff_id, inspection_id) = (w.a.staff_id.clone(), id.clone());
    run_async(async move {
        let db = hecha_server::db::connect(&url).await?;
        // What an older server stored: the text as typed, and a user name holding a number.
        let row = ev::Entity::find()
            .filter(ev::Column::InspectionId.eq(&inspection_id))
            .one(&db)
            .await?
            .unwrap();
        ev::Entity::update_many()
            .col_expr(
                ev::Column::Body,
                Expr::value(row.body.replace("PLACEHOLDER", &every_form())),
            )
            .filter(ev::Column::Id.eq(&row.id))
            .exec(&db)
            .await?;
        us::Entity::update_many()
            .col_expr(us::Column::Username, Expr::value(format!("u{ID18}")))
            .col_expr(us::Column::DisplayName, Expr::value(every_form()))
            .filter(us::Column::Id.eq(&staff_id))
            .exec(&db)
            .await?;
        // The masking migration runs again as on an upgraded server.
        db.execute_unprepared(
            "DELETE FROM seaql_migrations WHERE version = 'm20261201_000001_mask_personal_ids'",
        )
        .await?;
        hecha_server::db::migrate(&db).await?;
        db.close().await
    })
    .unwrap();

    let items = a
        .inspector
        .get(&format!("/api/v1/inspections/{id}/evidence"))
        .expect(200);
    assert_clean("the migrated evidence", &items.bytes);
    let item: EvidenceItem = serde_json::from_value(items.body[0]["item"].clone()).unwrap();
    assert!(
        items.body[0]["item"]["text"]
            .as_str()
            .unwrap()
            .contains("110***********002X")
    );
    assert_eq!(
        items.body[0]["digest"],
        item_digest(&item).unwrap().as_str()
    );
    let users = w.admin.get("/api/v1/users").expect(200);
    let staff = users
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == w.a.staff_id.as_str())
        .unwrap();
    assert!(
        !staff["display_name"]
            .as_str()
            .unwrap()
            .contains("11010519491231002")
    );

    // The user name is an id (sign-in, logs): not rewritten, listed by pii-scan, masked.
    let settings = server.state.settings.clone();
    let found = run_async(async move {
        let state = hecha_server::startup::prepare(settings).await.unwrap();
        hecha_server::pii_scan::run(&state).await.unwrap()
    });
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].source.as_str(), found[0].path.as_str()),
        ("table users", "username")
    );
    assert_eq!(found[0].masked, "u110***********002X");
}

both_backends!(
    legacy_rows_are_masked_by_the_migration,
    rows_from_before_are_masked_by_the_migration
);

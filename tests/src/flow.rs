//! The world of a test: an admin, two authorities each with a company, and users of every
//! role; the example inspection (examples/suzhou) turned into API calls as a phone app or
//! a company's web page would make them.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::client::Api;
use crate::server::TestServer;

pub const PASSWORD: &str = "a long enough test password";

/// One authority with its company and users.
pub struct Tenant {
    pub authority: String,
    pub company: String,
    pub inspector: Api,
    pub inspector_id: String,
    pub auditor: Api,
    pub staff: Api,
    pub staff_id: String,
}

pub struct World {
    pub admin: Api,
    pub a: Tenant,
    /// Another authority and company: must see nothing of `a`.
    pub b: Tenant,
}

fn uid() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..10].to_owned()
}

/// Creates a user; returns the signed-in client and the user id.
pub fn user(admin: &Api, org: &str, role: &str) -> (Api, String) {
    let username = format!("{role}-{}", uid());
    let u = admin
        .post(
            "/api/v1/users",
            &json!({"org_id": org, "username": username, "display_name": format!("Test {role}"), "role": role, "password": PASSWORD}),
        )
        .expect(201)
        .body;
    (
        admin.login(&username, PASSWORD),
        u["id"].as_str().unwrap_or_default().to_owned(),
    )
}

/// The example company's USCC (the inspection refers to it).
pub const EXAMPLE_USCC: &str = "91320594MA1XY2E40D";
/// A second valid USCC for the other tenant's company.
pub const OTHER_USCC: &str = "91110000600037341L";

pub fn tenant(admin: &Api, name: &str, uscc: &str) -> Tenant {
    let authority = admin
        .post(
            "/api/v1/organizations",
            &json!({"kind": "authority", "name": format!("{name} 通信管理局")}),
        )
        .expect(201)
        .str("id");
    let company = admin
        .post(
            "/api/v1/organizations",
            &json!({"kind": "company", "name": format!("{name} 公司"), "uscc": uscc, "authority_id": authority}),
        )
        .expect(201)
        .str("id");
    let (inspector, inspector_id) = user(admin, &authority, "inspector");
    let (auditor, _) = user(admin, &authority, "auditor");
    let (staff, staff_id) = user(admin, &company, "company_staff");
    Tenant {
        authority,
        company,
        inspector,
        inspector_id,
        auditor,
        staff,
        staff_id,
    }
}

pub fn world(server: &TestServer) -> World {
    let admin = server.admin();
    let a = tenant(&admin, "江苏", EXAMPLE_USCC);
    let b = tenant(&admin, "北京", OTHER_USCC);
    World { admin, a, b }
}

pub fn example_dir() -> std::path::PathBuf {
    crate::workspace_root().join("examples").join("suzhou")
}

fn toml_to_json(v: toml::Value) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn example_file() -> toml::Table {
    let text = std::fs::read_to_string(example_dir().join("inspection.toml")).expect("example");
    toml::from_str(&text).expect("example parses")
}

/// The example's `[inspection]` as API JSON, without its id, in `mode`, for `uscc`.
pub fn example_inspection(mode: &str, uscc: &str) -> Value {
    let mut t = example_file();
    let mut insp = toml_to_json(t.remove("inspection").expect("inspection table"));
    if let Some(o) = insp.as_object_mut() {
        o.remove("id");
        o.insert("mode".into(), json!(mode));
        if let Some(c) = o.get_mut("company").and_then(Value::as_object_mut) {
            c.insert("uscc".into(), json!(uscc));
        }
    }
    insp
}

pub fn create_inspection(api: &Api, company: &str, mode: &str) -> String {
    api.post(
        "/api/v1/inspections",
        &json!({"company_id": company, "inspection": example_inspection(mode, EXAMPLE_USCC)}),
    )
    .expect(201)
    .str("id")
}

fn media_type(file: &str) -> &'static str {
    match Path::new(file).extension().and_then(|e| e.to_str()) {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("pdf") => "application/pdf",
        Some("m4a") => "audio/mp4",
        Some("mp3") => "audio/mpeg",
        Some("wav") => "audio/wav",
        _ => "application/octet-stream",
    }
}

/// What pushing the example recorded.
pub struct Pushed {
    /// Item id → digest, as the server answered.
    pub digests: BTreeMap<String, String>,
    pub seat_tags: BTreeMap<String, String>,
}

/// Records every evidence item of the example through the API: seat tags issued first (the
/// example's seat ids become server-signed tags), bytes uploaded before their items, the
/// certificate photo sent to the SI-scan endpoint.
pub fn push_example(api: &Api, inspection: &str) -> Pushed {
    let t = example_file();
    let items: Vec<toml::Table> = t
        .get("evidence")
        .and_then(|e| e.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_table().cloned()).collect())
        .unwrap_or_default();
    let mut seats: Vec<String> = items
        .iter()
        .filter_map(|i| {
            i.get("seat_tag")
                .and_then(|s| s.as_str())
                .map(str::to_owned)
        })
        .collect();
    seats.sort();
    seats.dedup();
    let tags = api
        .post(
            &format!("/api/v1/inspections/{inspection}/seat-tags"),
            &json!({"seat_ids": seats}),
        )
        .ok();
    let seat_tags: BTreeMap<String, String> = tags
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            (
                t["seat_id"].as_str().unwrap_or_default().to_owned(),
                t["tag"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let mut digests = BTreeMap::new();
    let dir = example_dir();
    for mut item in items {
        let file = item
            .remove("file")
            .and_then(|f| f.as_str().map(str::to_owned));
        let qr_text = item
            .remove("qr_text")
            .and_then(|f| f.as_str().map(str::to_owned));
        if let Some(tag) = item
            .get("seat_tag")
            .and_then(|s| s.as_str())
            .map(str::to_owned)
        {
            item.insert(
                "seat_tag".into(),
                toml::Value::String(seat_tags[&tag].clone()),
            );
        }
        let id = item
            .get("id")
            .and_then(|s| s.as_str())
            .unwrap_or_default()
            .to_owned();
        let kind = item
            .get("kind")
            .and_then(|s| s.as_str())
            .unwrap_or_default()
            .to_owned();
        let mut item = toml_to_json(toml::Value::Table(item));
        let resp = match (kind.as_str(), file) {
            ("si_scan", Some(file)) => {
                let bytes = std::fs::read(dir.join(&file)).expect("certificate");
                let mut q = format!("item_id={id}");
                for key in ["roles", "rule_ids"] {
                    if let Some(a) = item.get(key).and_then(Value::as_array) {
                        let list: Vec<&str> = a.iter().filter_map(Value::as_str).collect();
                        q.push_str(&format!("&{key}={}", list.join(",")));
                    }
                }
                if let Some(s) = item.get("specialty").and_then(Value::as_str) {
                    q.push_str(&format!("&specialty={}", url_escape(s)));
                }
                if let Some(b) = item.get("specialty_related").and_then(Value::as_bool) {
                    q.push_str(&format!("&specialty_related={b}"));
                }
                api.send(
                    "POST",
                    &format!("/api/v1/inspections/{inspection}/si-scans?{q}"),
                    Some((&bytes, "image/jpeg")),
                    &[],
                )
            }
            (_, file) => {
                if let Some(file) = file {
                    let bytes = std::fs::read(dir.join(&file)).expect("evidence file");
                    let name = Path::new(&file)
                        .file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or("file");
                    item["blob"] = api.upload(inspection, &bytes, media_type(&file), name);
                }
                let mut body = json!({"item": item});
                if let Some(q) = qr_text {
                    body["qr_text"] = json!(q);
                }
                api.post(&format!("/api/v1/inspections/{inspection}/evidence"), &body)
            }
        };
        assert_eq!(resp.status, 201, "item {id}: {}", resp.body);
        digests.insert(id, resp.str("digest"));
    }
    Pushed { digests, seat_tags }
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The two sign-offs an official seal needs: the inspector's and the company
/// representative's (with a signature image).
/// The company representative's ID number in the tests (a valid GB 11643 check digit); the
/// server keeps it only masked and hashed.
pub const REPRESENTATIVE_ID: &str = "11010519491231002X";

pub fn sign_off(api: &Api, inspection: &str) {
    let at = "2026-11-23T16:30:00+08:00";
    api.post(
        &format!("/api/v1/inspections/{inspection}/evidence"),
        &json!({"item": {"id": "sign-inspector", "kind": "sign_off", "signer_role": "inspector", "name": "检查员甲", "signed_at": at, "rule_ids": []}}),
    )
    .expect(201);
    let png = std::fs::read(crate::workspace_root().join("tests/fixtures/signature.png"))
        .unwrap_or_else(|_| b"\x89PNG\r\n\x1a\nsignature".to_vec());
    let blob = api.upload(inspection, &png, "image/png", "signature.png");
    api.post(
        &format!("/api/v1/inspections/{inspection}/evidence"),
        &json!({"item": {"id": "sign-company", "kind": "sign_off", "signer_role": "company_representative", "name": "周明", "signed_at": at, "rule_ids": [], "blob": blob},
                "id_number": REPRESENTATIVE_ID}),
    )
    .expect(201);
}

/// Exports a sealed inspection as `api`, checks the bag verifies offline (no pinned keys),
/// and returns its manifest.
pub fn export_verified(api: &Api, inspection: &str) -> hecha_core::seal::manifest::Manifest {
    use std::io::{Cursor, Read};
    let zip = api
        .get(&format!("/api/v1/inspections/{inspection}/export"))
        .expect(200)
        .bytes;
    let report = hecha_core::bundle::verify::verify_bundle(
        Cursor::new(zip.clone()),
        &Default::default(),
        &mut |_| {},
    )
    .expect("a readable bag");
    assert!(report.ok(), "{:?}", report.problems);
    let mut bag = zip::ZipArchive::new(Cursor::new(zip)).expect("a zip");
    let mut manifest = Vec::new();
    bag.by_name(&format!("{inspection}/hecha/manifest.json"))
        .expect("the manifest")
        .read_to_end(&mut manifest)
        .expect("read");
    hecha_core::seal::manifest::Manifest::from_json(&manifest).expect("a manifest")
}

/// The bundle key history the server publishes (`/.well-known/hecha-key-history.json`): what
/// an auditor pins.
pub fn published_history(api: &Api) -> hecha_core::seal::key_history::KeyHistory {
    serde_json::from_value(
        api.anonymous()
            .get("/.well-known/hecha-key-history.json")
            .ok(),
    )
    .expect("a key history")
}

//! The `hecha` binary as an operator runs it: `migrate`, `admin create`, `serve` on
//! embedded defaults (configured from `hecha.toml` and `HECHA_*`), then `export` from the
//! command line after the server stopped, and `verify` of what it wrote.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::support::cli::{assert_exit, hecha, repo, s, text};
use serde_json::{Value, json};

/// The child, its base URL, and what it logged to standard error.
struct Server(Child, String, std::sync::Arc<std::sync::Mutex<String>>);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `hecha serve` in `dir` (its working directory, so `./hecha.toml` and `./hecha-data`
/// are the defaults), on a free port; waits for the banner and returns the base URL.
fn serve(dir: &std::path::Path, env: &[(&str, &str)]) -> Server {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hecha"));
    cmd.env("HECHA_LANG", "zh")
        .args(["serve", "--listen", "127.0.0.1:0"])
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .stderr(Stdio::piped())
        .stdout(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let mut banner = String::new();
    let url = loop {
        let line = lines.next().expect("serve printed its banner").unwrap();
        banner.push_str(&line);
        banner.push('\n');
        // The first line ends with the address, in either language.
        if line.starts_with("hecha ")
            && let Some(url) = line
                .split_whitespace()
                .last()
                .filter(|w| w.starts_with("http://"))
        {
            break url.to_owned();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe; keep what it says.
    let log = std::sync::Arc::new(std::sync::Mutex::new(banner));
    let sink = log.clone();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let mut l = sink.lock().unwrap();
            l.push_str(&line);
            l.push('\n');
        }
    });
    Server(child, url, log)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<(Vec<u8>, &str)>,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let mut req = ureq::http::Request::builder().method(method).uri(url);
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut res = match body {
        Some((b, ct)) => agent().run(req.header("Content-Type", ct).body(b).unwrap()),
        None => agent().run(req.body(()).unwrap()),
    }
    .unwrap();
    let status = res.status().as_u16();
    let text = res.body_mut().read_to_string().unwrap_or_default();
    let v = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, v)
}

fn post(url: &str, token: Option<&str>, body: Value) -> Value {
    let (status, v) = call(
        "POST",
        url,
        token,
        Some((serde_json::to_vec(&body).unwrap(), "application/json")),
        &[],
    );
    assert!((200..300).contains(&status), "POST {url}: {status} {v}");
    v
}

fn login(base: &str, user: &str, password: &str) -> String {
    post(
        &format!("{base}/api/v1/auth/token"),
        None,
        json!({"grant_type": "password", "username": user, "password": password}),
    )["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn migrate_admin_serve_export_verify() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A configuration file in the working directory, overridden by the environment.
    std::fs::write(d.join("hecha.toml"), "[limits]\nmax_json_bytes = 65536\n").unwrap();

    let o = Command::new(env!("CARGO_BIN_EXE_hecha"))
        .env("HECHA_LANG", "zh")
        .args(["migrate"])
        .current_dir(d)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_exit(&o, 0);
    assert!(d.join("hecha-data/hecha.db").exists());

    let admin = |user: &str| {
        Command::new(env!("CARGO_BIN_EXE_hecha"))
            .env("HECHA_LANG", "zh")
            .args(["admin", "create", "--username", user])
            .current_dir(d)
            .env_remove("DATABASE_URL")
            .env("HECHA_ADMIN_PASSWORD", "an admin password")
            .output()
            .unwrap()
    };
    let o = admin("root");
    assert_exit(&o, 0);
    assert!(text(&o).contains("\"role\":\"admin\""), "{}", text(&o));
    let again = admin("root");
    assert_exit(&again, 2);
    // The server's message in the command line's language: Chinese, the default.
    assert!(
        text(&again).contains("该用户名已被占用"),
        "{}",
        text(&again)
    );

    // Debug level: sea-orm logs every statement with its parameters.
    let server = serve(
        d,
        &[
            ("HECHA_LIMITS__MAX_JSON_BYTES", "20000"),
            ("HECHA_LOG", "debug"),
        ],
    );
    let base = server.1.clone();
    assert_eq!(
        call("GET", &format!("{base}/readyz"), None, None, &[]).0,
        200
    );
    let root = login(&base, "root", "an admin password");
    // HECHA_LIMITS__MAX_JSON_BYTES (20000) wins over hecha.toml (65536).
    let big = json!({"kind": "authority", "name": "x".repeat(30000)});
    let (status, problem) = call(
        "POST",
        &format!("{base}/api/v1/organizations"),
        Some(&root),
        Some((serde_json::to_vec(&big).unwrap(), "application/json")),
        &[],
    );
    assert_eq!(
        (status, problem["code"].as_str()),
        (413, Some("upload.too_large"))
    );

    let authority = post(
        &format!("{base}/api/v1/organizations"),
        Some(&root),
        json!({"kind": "authority", "name": "江苏省通信管理局"}),
    )["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let company = post(&format!("{base}/api/v1/organizations"), Some(&root), json!({"kind": "company", "name": "苏州核查示例科技有限公司", "uscc": "91320594MA1XY2E40D", "authority_id": authority}))["id"].as_str().unwrap().to_owned();
    post(
        &format!("{base}/api/v1/users"),
        Some(&root),
        json!({"org_id": authority, "username": "insp", "display_name": "检查员", "role": "inspector", "password": "an inspector password"}),
    );
    let insp = login(&base, "insp", "an inspector password");

    let example: toml::Table = toml::from_str(
        &std::fs::read_to_string(repo().join("examples/suzhou/inspection.toml")).unwrap(),
    )
    .unwrap();
    let mut inspection = serde_json::to_value(&example["inspection"]).unwrap();
    inspection.as_object_mut().unwrap().remove("id");
    inspection["mode"] = json!("official");
    let id = post(
        &format!("{base}/api/v1/inspections"),
        Some(&insp),
        json!({"company_id": company, "inspection": inspection}),
    )["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let photo = std::fs::read(repo().join("examples/suzhou/photos/office-1.jpg")).unwrap();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&photo));
    let (status, _) = call(
        "POST",
        &format!("{base}/api/v1/inspections/{id}/blobs"),
        Some(&insp),
        Some((photo.clone(), "image/jpeg")),
        &[("X-Content-SHA256", &sha)],
    );
    assert_eq!(status, 201);
    let ev = format!("{base}/api/v1/inspections/{id}/evidence");
    let blob = json!({"sha256": sha, "size": photo.len(), "media_type": "image/jpeg", "file_name": "office-1.jpg"});
    post(
        &ev,
        Some(&insp),
        json!({"item": {"id": "photo-office", "kind": "photo", "rule_ids": ["site.office_area"], "blob": blob}}),
    );
    post(
        &ev,
        Some(&insp),
        json!({"item": {"id": "sign-1", "kind": "sign_off", "signer_role": "inspector", "name": "检查员", "signed_at": "2026-11-23T16:00:00+08:00", "rule_ids": []}}),
    );
    post(
        &ev,
        Some(&insp),
        json!({"item": {"id": "sign-2", "kind": "sign_off", "signer_role": "company_representative", "name": "周明", "signed_at": "2026-11-23T16:01:00+08:00", "rule_ids": [], "blob": blob},
            "id_number": "11010519491231002X"}),
    );
    // A full ID number in a note (masked at intake) and in a request the parser refuses:
    // neither reaches the log.
    let full_id = "320508197708150616";
    let note = post(
        &ev,
        Some(&insp),
        json!({"item": {"id": "note-1", "kind": "note", "text": format!("代表 {full_id}"), "rule_ids": []}}),
    );
    assert!(!note.to_string().contains(full_id), "{note}");
    let (status, problem) = call(
        "POST",
        &ev,
        Some(&insp),
        Some((
            serde_json::to_vec(&json!({"item": {"id": "x", "kind": full_id, "text": "x"}}))
                .unwrap(),
            "application/json",
        )),
        &[],
    );
    assert_eq!(status, 422);
    // The parser's message names the unknown kind: masked in the answer and in the log.
    assert!(!problem.to_string().contains(full_id), "{problem}");
    assert!(
        problem.to_string().contains("320***********0616"),
        "{problem}"
    );
    let sealed = post(
        &format!("{base}/api/v1/inspections/{id}/seal"),
        Some(&insp),
        json!({}),
    );
    // The auditor's trust anchor: the server's published bundle keys.
    let (_, jwks) = call(
        "GET",
        &format!("{base}/.well-known/jwks.json"),
        None,
        None,
        &[],
    );
    std::fs::write(d.join("jwks.json"), jwks.to_string()).unwrap();
    let log = server.2.clone();
    drop(server);
    let log = log.lock().unwrap().clone();
    assert!(
        log.contains("320***********0616"),
        "the refused request is logged, masked"
    );
    assert!(!log.contains(full_id), "a full ID number in the log");

    // Nothing for pii-scan to report, the example's SI numbers included.
    let o = Command::new(env!("CARGO_BIN_EXE_hecha"))
        .env("HECHA_LANG", "zh")
        .args(["pii-scan"])
        .current_dir(d)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_exit(&o, 0);
    assert!(text(&o).contains("0 处含完整身份证号码"), "{}", text(&o));

    // The server is gone: export straight from the database and the blob directory.
    let out = d.join("bundle.zip");
    let o = Command::new(env!("CARGO_BIN_EXE_hecha"))
        .env("HECHA_LANG", "zh")
        .args(["export", &id, "--out", s(&out)])
        .current_dir(d)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_exit(&o, 0);
    let o = hecha(&[
        "verify",
        s(&out),
        "--trust",
        s(&d.join("jwks.json")),
        "--require-official",
        "--json",
    ]);
    let verdict = text(&o);
    assert_exit(&o, 0);
    assert!(
        verdict.contains(sealed["manifest_sha256"].as_str().unwrap()),
        "{verdict}"
    );
    // An unknown inspection is a usage error, not a crash.
    let o = Command::new(env!("CARGO_BIN_EXE_hecha"))
        .env("HECHA_LANG", "zh")
        .args(["export", "no-such-id", "--out", s(&d.join("x.zip"))])
        .current_dir(d)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_exit(&o, 2);
    assert!(!d.join("x.zip").exists());
}

#[cfg(unix)]
#[test]
fn secrets_at_rest_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| {
        std::fs::metadata(p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .permissions()
            .mode()
            & 0o777
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = d.join("hecha-data");
    // An installation from before: the data directory and the database world-readable.
    std::fs::create_dir_all(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(data.join("hecha.db"), b"").unwrap();
    std::fs::set_permissions(
        data.join("hecha.db"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_hecha"))
        .env("HECHA_LANG", "zh")
        .args(["admin", "create", "--username", "root"])
        .current_dir(d)
        .env_remove("DATABASE_URL")
        .env("HECHA_ADMIN_PASSWORD", "an admin password")
        .output()
        .unwrap();
    assert_exit(&o, 0);
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("hecha.db")), 0o600);
    for sub in [
        "keys",
        "keys/bundle",
        "keys/rehearsal",
        "keys/auth",
        "blobs",
        "spool",
    ] {
        assert_eq!(mode(&data.join(sub)), 0o700, "{sub}");
    }
    let mut pems = 0;
    for ring in ["keys/bundle", "keys/rehearsal", "keys/auth"] {
        for f in std::fs::read_dir(data.join(ring)).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "pem") {
                assert_eq!(mode(&f), 0o600, "{}", f.display());
                pems += 1;
            }
        }
    }
    assert!(pems >= 3, "{pems} keys");

    // While the server runs, the WAL holds what the database holds: owner-only too. A blob
    // and its directory as well.
    let server = serve(d, &[]);
    let base = server.1.clone();
    let root = login(&base, "root", "an admin password");
    post(
        &format!("{base}/api/v1/organizations"),
        Some(&root),
        json!({"kind": "authority", "name": "江苏省通信管理局"}),
    );
    let wal = data.join("hecha.db-wal");
    assert!(wal.exists(), "the database runs in WAL mode");
    assert_eq!(mode(&wal), 0o600);
    assert_eq!(mode(&data.join("hecha.db-shm")), 0o600);
    drop(server);
    // A database the operator created elsewhere, by URL, is created 0600 too.
    let elsewhere = d.join("db").join("other.db");
    let o = Command::new(env!("CARGO_BIN_EXE_hecha"))
        .env("HECHA_LANG", "zh")
        .args(["migrate"])
        .current_dir(d)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", elsewhere.display()),
        )
        .output()
        .unwrap();
    assert_exit(&o, 0);
    assert_eq!(mode(&elsewhere), 0o600);
    assert_eq!(mode(&d.join("db")), 0o700);
}

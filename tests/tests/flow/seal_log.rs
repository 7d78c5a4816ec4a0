//! The seal log over real HTTP (format §19), on SQLite and PostgreSQL: an inspector seals
//! two official inspections; each seal is a leaf of the server's log; the exports verify
//! with the published key history pinned and `--require-log`; two tree heads fetched
//! between the seals are consistent (`hecha log consistency`, the built binary); a second
//! server holding the same key but its own database — a forked log, as a compromised or
//! cloned server would keep — is caught by the consistency check.

use std::path::Path;
use std::process::{Command, Output};

use hecha_tests::flow::{create_inspection, published_history, sign_off, world};
use hecha_tests::{Api, Backend, TestServer, both_backends};
use serde_json::{Value, json};

/// Runs `hecha` in English (these tests read its verdict words).
fn hecha(args: &[&str]) -> Output {
    Command::new(hecha_tests::hecha_binary())
        .args(args)
        .args(["--lang", "en"])
        .output()
        .expect("run hecha")
}

#[track_caller]
fn assert_exit(o: &Output, code: i32) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(code), "{text}");
    text
}

/// `hecha log consistency D/OLD D/NEW --server URL|--proof FILE --trust TRUST`.
fn consistency(d: &Path, old: &str, new: &str, via: (&str, &str), trust: &Path) -> Output {
    hecha(&[
        "log",
        "consistency",
        s(&d.join(old)),
        s(&d.join(new)),
        via.0,
        via.1,
        "--trust",
        s(trust),
    ])
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// An official inspection with its sign-offs, sealed by the inspector; its manifest digest.
fn seal_one(inspector: &Api, company: &str) -> (String, String) {
    let id = create_inspection(inspector, company, "official");
    inspector
        .post(
            &format!("/api/v1/inspections/{id}/evidence"),
            &json!({"item": {"id": "note-1", "kind": "note", "text": "现场核查", "rule_ids": []}}),
        )
        .expect(201);
    sign_off(inspector, &id);
    let sealed = inspector
        .post(&format!("/api/v1/inspections/{id}/seal"), &json!({}))
        .ok();
    (id, sealed["manifest_sha256"].as_str().unwrap().to_owned())
}

fn tree_head(api: &Api) -> Value {
    let head = api.anonymous().get("/api/v1/log/tree-head").ok();
    assert!(head["tree_head_jws"].is_string(), "{head}");
    head
}

fn seal_log_flow(backend: Backend) {
    let server = TestServer::start(backend);
    let w = world(&server);
    let a = &w.a;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let (first, _) = seal_one(&a.inspector, &a.company);
    let head1 = tree_head(&a.auditor);
    // The key history, then the first seal.
    assert_eq!(head1["tree_size"], 2, "{head1}");
    let (second, second_sha) = seal_one(&a.inspector, &a.company);
    // A rehearsal is never official: it stays out of the log.
    let rehearsal = create_inspection(&a.staff, &a.company, "rehearsal");
    a.staff
        .post(&format!("/api/v1/inspections/{rehearsal}/seal"), &json!({}))
        .ok();
    let head2 = tree_head(&a.auditor);
    assert_eq!(head2["tree_size"], 3, "{head2}");
    std::fs::write(d.join("head1.json"), head1.to_string()).unwrap();
    std::fs::write(d.join("head2.json"), head2.to_string()).unwrap();

    let history = published_history(&a.auditor);
    let trust = d.join("history.json");
    std::fs::write(&trust, serde_json::to_string(&history).unwrap()).unwrap();

    // Both exports carry their place in the log and verify with it required.
    for (id, index) in [(&first, 1), (&second, 2)] {
        let zip = a
            .auditor
            .get(&format!("/api/v1/inspections/{id}/export"))
            .expect(200)
            .bytes;
        let path = d.join(format!("{id}.zip"));
        std::fs::write(&path, &zip).unwrap();
        let o = hecha(&[
            "verify",
            s(&path),
            "--trust",
            s(&trust),
            "--require-official",
            "--require-log",
            "--json",
        ]);
        let text = assert_exit(&o, 0);
        let report: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(report["log"]["leaf_index"], index, "{text}");
        assert_eq!(report["log"]["pinned"], true, "{text}");
        assert!(report["log"]["tree_size"].as_u64().unwrap() >= 3, "{text}");
    }
    // The rehearsal's export is in no log: `--require-log` refuses it.
    let zip = a
        .staff
        .get(&format!("/api/v1/inspections/{rehearsal}/export"))
        .expect(200)
        .bytes;
    let path = d.join("rehearsal.zip");
    std::fs::write(&path, &zip).unwrap();
    let text = assert_exit(&hecha(&["verify", s(&path), "--require-log"]), 1);
    assert!(text.contains("log.required"), "{text}");

    // The two heads belong to one log: the server's proof joins them.
    let text = assert_exit(
        &consistency(
            d,
            "head1.json",
            "head2.json",
            ("--server", &server.base),
            &trust,
        ),
        0,
    );
    assert!(text.contains("CONSISTENT"), "{text}");
    // The same with the proof in a file, and the heads given in the wrong order.
    let proof = a
        .auditor
        .anonymous()
        .get("/api/v1/log/consistency?first=2&second=3")
        .ok();
    std::fs::write(d.join("proof.json"), proof.to_string()).unwrap();
    assert_exit(
        &consistency(
            d,
            "head1.json",
            "head2.json",
            ("--proof", s(&d.join("proof.json"))),
            &trust,
        ),
        0,
    );
    let text = assert_exit(
        &consistency(
            d,
            "head2.json",
            "head1.json",
            ("--server", &server.base),
            &trust,
        ),
        1,
    );
    assert!(text.contains("truncated"), "{text}");
    // Impossible sizes are refused by the server.
    let bad = a
        .auditor
        .anonymous()
        .get("/api/v1/log/consistency?first=0&second=3");
    assert_eq!((bad.status, bad.code()), (422, "log.sizes"));
    // `hecha log tree-head` fetches and checks the latest head.
    let text = assert_exit(
        &hecha(&[
            "log",
            "tree-head",
            "--server",
            &server.base,
            "--trust",
            s(&trust),
            "--out",
            s(&d.join("head3.json")),
        ]),
        0,
    );
    assert!(text.contains("pinned by the --trust key history"), "{text}");

    // ---- A rotation: logged before the new key signs, and the log goes on ----------------
    let keyring = server.state.settings.signing_keyring();
    assert_exit(&hecha(&["key", "rotate", "--keyring", s(&keyring)]), 0);
    // Fetched right after the rotation: the new key signs (its period starts there,
    // inclusive). The old heads stay valid: the rotation took effect at the next whole
    // second, after everything the old key signed (its period ends there, exclusive).
    let head4 = tree_head(&a.auditor);
    assert_eq!(
        head4["tree_size"], 4,
        "the new key history is a leaf: {head4}"
    );
    std::fs::write(d.join("head4.json"), head4.to_string()).unwrap();
    let rotated = d.join("rotated.json");
    std::fs::write(
        &rotated,
        a.auditor
            .anonymous()
            .get("/.well-known/hecha-key-history.json")
            .ok()
            .to_string(),
    )
    .unwrap();
    // The old head (old key, before the rotation) and the new one are judged by the
    // current history, and the log extends.
    let text = assert_exit(
        &consistency(
            d,
            "head1.json",
            "head4.json",
            ("--server", &server.base),
            &rotated,
        ),
        0,
    );
    assert!(text.contains("CONSISTENT"), "{text}");
    // An export after the rotation: its tree head is signed by the new key.
    let zip = a
        .auditor
        .get(&format!("/api/v1/inspections/{first}/export"))
        .expect(200)
        .bytes;
    let path = d.join("after-rotation.zip");
    std::fs::write(&path, &zip).unwrap();
    assert_exit(
        &hecha(&[
            "verify",
            s(&path),
            "--trust",
            s(&rotated),
            "--require-official",
            "--require-log",
        ]),
        0,
    );

    // ---- An audit of the whole log, and an insider's backdated seal --------------------
    let audit = || {
        hecha(&[
            "log",
            "audit",
            "--server",
            &server.base,
            "--trust",
            s(&rotated),
        ])
    };
    let text = assert_exit(&audit(), 0);
    assert!(
        text.contains("AUDITED: 4 entries (2 seals, 2 key-history changes)"),
        "{text}"
    );
    let page = a
        .auditor
        .anonymous()
        .get("/api/v1/log/entries?start=1&count=1")
        .ok();
    assert_eq!(page["tree_size"], 4, "{page}");
    assert_eq!(page["entries"][0]["kind"], "manifest", "{page}");
    // Someone with the database appends a seal dated years back: the server signs heads
    // over it like any other, and the audit shows it.
    let forged = hecha_core::seal::log::LogEntry::Manifest {
        manifest_sha256: "ab".repeat(32),
        inspection_id: "forged".into(),
        sealed_at: "2020-01-01T00:00:00Z".into(),
    };
    let entry = String::from_utf8(forged.to_canonical_json().unwrap()).unwrap();
    let leaf = hex::encode(forged.leaf_hash().unwrap());
    server.sql(&format!(
        "INSERT INTO seal_log (seq, leaf_hash, entry, created_at) VALUES (4, '{leaf}', '{entry}', CURRENT_TIMESTAMP)"
    ));
    let text = assert_exit(&audit(), 1);
    assert!(
        text.contains("BACKDATED") && text.contains("forged"),
        "{text}"
    );
    server.sql("DELETE FROM seal_log WHERE seq = 4");
    // Entries served that are not the ones signed (the text of a logged seal rewritten, its
    // leaf hash kept): the recomputed root differs.
    server.sql("UPDATE seal_log SET entry = REPLACE(entry, '\"sealed_at\":\"', '\"sealed_at\":\"1') WHERE seq = 1");
    let text = assert_exit(&audit(), 1);
    assert!(text.contains("not the log signed"), "{text}");
    server.sql("UPDATE seal_log SET entry = REPLACE(entry, '\"sealed_at\":\"1', '\"sealed_at\":\"') WHERE seq = 1");
    assert_exit(&audit(), 0);

    // ---- A fork: the same key, another database ----------------------------------------
    let fork = TestServer::start_with(backend, |s| s.signing_keyring = Some(keyring.clone()));
    let fw = world(&fork);
    let (_, fork_sha) = seal_one(&fw.a.inspector, &fw.a.company);
    assert_ne!(fork_sha, second_sha);
    let fork_head = tree_head(&fw.a.auditor);
    std::fs::write(d.join("fork.json"), fork_head.to_string()).unwrap();
    // Signed by the pinned key, so each head alone looks fine…
    assert_exit(
        &hecha(&[
            "log",
            "tree-head",
            "--server",
            &fork.base,
            "--trust",
            s(&rotated),
        ]),
        0,
    );
    // …but no consistency proof joins the fork to the real log: the real server's proof
    // does not start from the fork's head, and two heads of one size must be equal.
    for (old, new, base) in [
        ("fork.json", "head2.json", &server.base),
        ("head1.json", "fork.json", &fork.base),
    ] {
        let text = assert_exit(&consistency(d, old, new, ("--server", base), &rotated), 1);
        assert!(text.contains("INCONSISTENT"), "{old} {new}: {text}");
    }
    // A head signed by a key outside --trust is refused before any proof.
    let other = d.join("other.pem");
    assert_exit(&hecha(&["key", "generate", "--out", s(&other)]), 0);
    let text = assert_exit(
        &consistency(
            d,
            "head1.json",
            "head2.json",
            ("--server", &server.base),
            &other,
        ),
        1,
    );
    assert!(text.contains("INVALID"), "{text}");

    // ---- The keyring retired: no head can be signed, exports go on without a proof -----
    let o = hecha(&["key", "list", "--keyring", s(&keyring), "--json"]);
    assert_exit(&o, 0);
    let active: Value = serde_json::from_slice(&o.stdout).unwrap();
    let kid = active["active"].as_str().unwrap();
    assert_exit(&hecha(&["key", "retire", kid, "--keyring", s(&keyring)]), 0);
    let r = a.auditor.anonymous().get("/api/v1/log/tree-head");
    assert_eq!(
        (r.status, r.code()),
        (409, "log.no_signing_key"),
        "{}",
        r.body
    );
    let zip = a
        .auditor
        .get(&format!("/api/v1/inspections/{second}/export"))
        .expect(200)
        .bytes;
    let path = d.join("retired.zip");
    std::fs::write(&path, &zip).unwrap();
    let text = assert_exit(&hecha(&["verify", s(&path), "--require-log"]), 1);
    assert!(text.contains("log.required"), "{text}");
}

both_backends!(seal_log_works, seal_log_flow);

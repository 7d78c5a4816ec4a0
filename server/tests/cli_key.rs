//! `hecha key …`, run as the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::cli::{hecha, s, stdout};

use hecha_core::seal::key::Ed25519Key;
use hecha_core::seal::key_history::KeyHistory;

#[test]
fn generate_writes_a_private_pem_and_prints_kid_and_jwk() {
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("signer.pem");
    let out = hecha(&["key", "generate", "--out", s(&pem)]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = stdout(&out);
    let mut lines = text.lines();
    let kid = lines.next().unwrap();
    let jwk: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(jwk["kty"], "OKP");
    assert_eq!(jwk["crv"], "Ed25519");
    assert_eq!(jwk["kid"], kid);
    assert_eq!(Ed25519Key::read_pem_file(&pem).unwrap().kid(), kid);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&pem).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // Never overwrites a key.
    let again = hecha(&["key", "generate", "--out", s(&pem)]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn rotate_list_retire_a_keyring() {
    let dir = tempfile::tempdir().unwrap();
    let ring = dir.path().join("ring");
    let first = hecha(&["key", "rotate", "--keyring", s(&ring)]);
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let first = stdout(&first).trim().to_owned();
    let second = hecha(&["key", "rotate", "--keyring", s(&ring)]);
    assert_eq!(second.status.code(), Some(0), "{second:?}");
    let second = stdout(&second).trim().to_owned();
    assert_ne!(first, second);

    let list = hecha(&["key", "list", "--keyring", s(&ring), "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(doc["active"], second.as_str());
    assert_eq!(doc["keys"][0]["kid"], first.as_str());
    assert!(doc["keys"][0]["retired"].is_string());
    assert!(doc["keys"][1]["retired"].is_null());
    let table = stdout(&hecha(&["key", "list", "--keyring", s(&ring)]));
    assert!(
        table.contains(&second) && table.contains("使用中"),
        "{table}"
    );

    // Retiring an already retired key or an unknown one is a usage error.
    assert_eq!(
        hecha(&["key", "retire", &first, "--keyring", s(&ring)])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        hecha(&["key", "retire", "nope", "--keyring", s(&ring)])
            .status
            .code(),
        Some(2)
    );
    // A kid is base64url and one in 64 begins with `-`: it is a kid, not an option.
    let dashed = hecha(&["key", "retire", "-VXrUfw6xEnbP4oq", "--keyring", s(&ring)]);
    assert_eq!(dashed.status.code(), Some(2));
    let err = String::from_utf8_lossy(&dashed.stderr);
    assert!(!err.contains("unexpected argument"), "{err}");
    let retired = hecha(&["key", "retire", &second, "--keyring", s(&ring)]);
    assert_eq!(retired.status.code(), Some(0), "{retired:?}");
    let doc: serde_json::Value =
        serde_json::from_slice(&hecha(&["key", "list", "--keyring", s(&ring), "--json"]).stdout)
            .unwrap();
    assert!(doc["active"].is_null());

    // The history the keyring keeps walks from the first key to the last.
    let history: KeyHistory =
        serde_json::from_str(&std::fs::read_to_string(ring.join("key-history.json")).unwrap())
            .unwrap();
    let chain = history.verify().unwrap();
    assert!(chain.is_reached_from(&[first.as_str()], &second));
}

#[test]
fn export_history_writes_the_keyrings_history_as_a_trust_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let ring = dir.path().join("ring");
    assert_eq!(
        hecha(&["key", "rotate", "--keyring", s(&ring)])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        hecha(&["key", "rotate", "--keyring", s(&ring)])
            .status
            .code(),
        Some(0)
    );
    let out = dir.path().join("history.json");
    let done = hecha(&[
        "key",
        "export-history",
        "--keyring",
        s(&ring),
        "--out",
        s(&out),
    ]);
    assert_eq!(done.status.code(), Some(0), "{done:?}");
    let written: KeyHistory =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let kept: KeyHistory =
        serde_json::from_str(&std::fs::read_to_string(ring.join("key-history.json")).unwrap())
            .unwrap();
    assert_eq!(written, kept);
    assert_eq!(written.verify().unwrap().keys().len(), 2);
    // To stdout as well.
    let printed = hecha(&["key", "export-history", "--keyring", s(&ring)]);
    let printed: KeyHistory = serde_json::from_slice(&printed.stdout).unwrap();
    assert_eq!(printed, kept);
}

fn openssl_available() -> bool {
    std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn private_keys_are_pkcs8_v1_that_openssl_loads() {
    if !openssl_available() {
        assert!(std::env::var_os("CI").is_none(), "CI installs openssl");
        eprintln!("skipped: no openssl");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("signer.pem");
    let out = hecha(&["key", "generate", "--out", s(&pem)]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let kid = stdout(&out).lines().next().unwrap().to_owned();
    assert!(Ed25519Key::pem_is_v1(
        &std::fs::read_to_string(&pem).unwrap()
    ));
    // openssl reads it and derives the same public key.
    let pubout = std::process::Command::new("openssl")
        .args(["pkey", "-in", s(&pem), "-pubout"])
        .output()
        .unwrap();
    assert!(pubout.status.success(), "{pubout:?}");
    use ed25519_dalek::pkcs8::DecodePublicKey;
    let public = ed25519_dalek::VerifyingKey::from_public_key_pem(
        &String::from_utf8(pubout.stdout).unwrap(),
    )
    .unwrap();
    assert_eq!(
        hecha_core::seal::key::PublicJwk::ed25519(public.as_bytes()).kid,
        kid
    );
    // And a key openssl made is one hecha reads.
    let theirs = dir.path().join("openssl.pem");
    let made = std::process::Command::new("openssl")
        .args(["genpkey", "-algorithm", "ed25519", "-out", s(&theirs)])
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    Ed25519Key::read_pem_file(&theirs).unwrap();
}

#[test]
fn a_keyring_of_pkcs8_v2_files_is_migrated_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let ring = dir.path().join("ring");
    assert_eq!(
        hecha(&["key", "rotate", "--keyring", s(&ring)])
            .status
            .code(),
        Some(0)
    );
    // Rewrite the key file as an earlier version did: PKCS#8 v2 (with the public key).
    let index = std::fs::read_to_string(ring.join("keyring.toml")).unwrap();
    let file = index
        .lines()
        .find_map(|l| l.strip_prefix("file = \""))
        .unwrap()
        .trim_end_matches('"')
        .to_owned();
    let path = ring.join(&file);
    let key = Ed25519Key::read_pem_file(&path).unwrap();
    let v2 = {
        use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
        ed25519_dalek::SigningKey::from_pkcs8_pem(&std::fs::read_to_string(&path).unwrap())
            .unwrap()
            .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .unwrap()
    };
    std::fs::write(&path, v2.as_bytes()).unwrap();
    assert!(!Ed25519Key::pem_is_v1(
        &std::fs::read_to_string(&path).unwrap()
    ));
    // Opening the keyring (any command) migrates it; the key is the same.
    let list = hecha(&["key", "list", "--keyring", s(&ring)]);
    assert_eq!(list.status.code(), Some(0), "{list:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(Ed25519Key::pem_is_v1(&text), "{text}");
    assert_eq!(Ed25519Key::from_pkcs8_pem(&text).unwrap().kid(), key.kid());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

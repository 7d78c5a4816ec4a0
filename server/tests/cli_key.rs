//! `hecha key …` and `hecha verify-proof`, run as the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::cli::{hecha, s, stdout};

use hecha_core::seal::hash::sha256;
use hecha_core::seal::keys::{Ed25519Key, KeyHistory};
use hecha_core::seal::merkle::{InclusionProof, merkle_root};

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
    assert!(table.contains(&second) && table.contains("active"));

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
fn verify_proof_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let items: Vec<(String, [u8; 32])> = (0..5)
        .map(|i| {
            (
                format!("photo-{i}"),
                sha256(format!("bytes {i}").as_bytes()),
            )
        })
        .collect();
    let digests: Vec<[u8; 32]> = items.iter().map(|(_, d)| *d).collect();
    let root = hex::encode(merkle_root(&digests));
    let proof = InclusionProof::build(&items, 3).unwrap();
    let path = dir.path().join("proof.json");
    std::fs::write(&path, serde_json::to_string_pretty(&proof).unwrap()).unwrap();

    let ok = hecha(&["verify-proof", s(&path), "--root", &root]);
    assert_eq!(ok.status.code(), Some(0), "{ok:?}");
    assert!(stdout(&ok).contains("photo-3"));

    let other_root = hex::encode(sha256(b"another bundle"));
    let bad = hecha(&["verify-proof", s(&path), "--root", &other_root]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stdout(&bad).contains("INVALID"));

    let mut forged = proof.clone();
    forged.leaf = hex::encode(sha256(b"a swapped photo"));
    std::fs::write(&path, serde_json::to_string(&forged).unwrap()).unwrap();
    assert_eq!(
        hecha(&["verify-proof", s(&path), "--root", &root])
            .status
            .code(),
        Some(1)
    );

    std::fs::write(&path, "{not a proof").unwrap();
    assert_eq!(
        hecha(&["verify-proof", s(&path), "--root", &root])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        hecha(&[
            "verify-proof",
            s(&dir.path().join("missing.json")),
            "--root",
            &root
        ])
        .status
        .code(),
        Some(2)
    );
}

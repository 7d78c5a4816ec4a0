//! `hecha seal --tsa URL` and `hecha verify` with trusted time, over real HTTP against a
//! local `openssl ts -reply` TSA.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::PathBuf;
use std::process::Output;
use std::sync::Arc;

use support::cli::{hecha, text};
use support::tsa::{Behaviour, Pki, Signer, TestTsa};

/// Generates a key in a fresh temp dir and seals `examples/suzhou` with the TSA at `url`.
fn seal_with_tsa(url: &str) -> (tempfile::TempDir, PathBuf, Output) {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k.pem");
    let zip = dir.path().join("s.zip");
    assert!(
        hecha(&["key", "generate", "--out", key.to_str().unwrap()])
            .status
            .success()
    );
    let out = hecha(&[
        "seal",
        "examples/suzhou",
        "--key",
        key.to_str().unwrap(),
        "--out",
        zip.to_str().unwrap(),
        "--tsa",
        url,
    ]);
    (dir, zip, out)
}

#[test]
fn sealed_with_a_tsa_the_bundle_carries_a_token_verified_offline() {
    let pki = Arc::new(Pki::generate());
    let tsa = TestTsa::start(pki.clone(), Behaviour::Sign(Signer::Genuine));
    let (dir, zip, out) = seal_with_tsa(&tsa.url);
    assert!(out.status.success(), "{}", text(&out));

    let out = hecha(&["verify", zip.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["timestamped"], true);
    assert_eq!(report["timestamp"]["pinned"], false);
    assert!(
        report["timestamp"]["tsa_subject"]
            .as_str()
            .unwrap()
            .contains("hecha test TSA")
    );

    // Pinned to the TSA's root: still intact, and now pinned.
    let root = dir.path().join("root.pem");
    std::fs::write(&root, pki.cert_pem("root")).unwrap();
    let out = hecha(&[
        "verify",
        zip.to_str().unwrap(),
        "--tsa-trust",
        root.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("TSA pinned by --tsa-trust"),
        "{}",
        text(&out)
    );

    // Pinned to an unrelated root: the token is refused.
    let other = Pki::generate();
    let stranger = dir.path().join("stranger.pem");
    std::fs::write(&stranger, other.cert_pem("root")).unwrap();
    let out = hecha(&[
        "verify",
        zip.to_str().unwrap(),
        "--tsa-trust",
        stranger.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("[timestamp.invalid]"), "{}", text(&out));
}

#[test]
fn a_failing_tsa_fails_the_seal_and_leaves_no_bundle() {
    let pki = Arc::new(Pki::generate());
    for behaviour in [
        Behaviour::Reject,
        Behaviour::Garbage,
        Behaviour::ServerError,
        Behaviour::OtherDigest,
    ] {
        let tsa = TestTsa::start(pki.clone(), behaviour);
        let (dir, zip, out) = seal_with_tsa(&tsa.url);
        assert_eq!(out.status.code(), Some(2), "{behaviour:?}: {}", text(&out));
        assert!(
            text(&out).contains("time-stamping failed"),
            "{behaviour:?}: {}",
            text(&out)
        );
        assert!(!zip.exists(), "{behaviour:?}: a bundle was written");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "{behaviour:?}: leftovers"
        );
    }
}

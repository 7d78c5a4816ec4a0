//! `hecha seal --tsa URL` and `hecha verify` with trusted time, over real HTTP against a
//! local `openssl ts -reply` TSA.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Output;
use std::sync::Arc;

use crate::support::cli::{hecha, text};
use crate::support::tsa::{Behaviour, Pki, Signer, TestTsa};

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
        text(&out).contains("时间戳机构已由 `--tsa-trust` 锁定"),
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

/// Seals `examples/suzhou` in-process, claiming `sealed_at` = now + `claim_offset_s`, with
/// the real TSA's token (dated now); returns the verified report.
fn sealed_with_claim(
    tsa_url: &str,
    claim_offset_s: i64,
) -> hecha_core::bundle::verify::VerifyReport {
    use hecha_core::bundle::export::{BlobSource, bag_info_for, write_bundle};
    use hecha_core::bundle::seal::{SealRequest, seal_bundle};
    use hecha_core::bundle::verify::{VerifyOptions, verify_bundle};
    use hecha_core::capture::pii::PersonHasher;
    use hecha_core::model::EvidenceItem;
    use hecha_core::rules::RuleProfile;
    use hecha_core::seal::events::EventLog;
    use hecha_core::seal::key::{Ed25519Key, Jwks, KeyPurpose};
    use hecha_core::seal::key_history::KeyHistory;
    use std::collections::BTreeMap;
    use std::io::Read;

    struct Files(BTreeMap<String, PathBuf>);
    impl BlobSource for Files {
        fn open(&self, item: &EvidenceItem) -> std::io::Result<Option<Box<dyn Read + '_>>> {
            match self.0.get(&item.id) {
                Some(p) => Ok(Some(Box::new(std::fs::File::open(p)?))),
                None => Ok(None),
            }
        }
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let hasher = PersonHasher::new("tsa-test", &[7; 32]).unwrap();
    let folder =
        hecha_core::rehearsal::load_folder(&root.join("examples/suzhou"), &hasher).unwrap();
    let key = Ed25519Key::from_secret_bytes(&[9; 32]);
    let mut history = KeyHistory::default();
    let jwk = key.public_jwk().clone().with_purpose(KeyPurpose::Rehearsal);
    history
        .introduce(&jwk, &key, chrono::Utc::now() - chrono::Duration::days(30))
        .unwrap();
    let url = tsa_url.to_owned();
    let tsa = move |digest: &str| {
        hecha_server::tsa::request_timestamp(&url, digest, std::time::Duration::from_secs(20))
            .map_err(|e| e.to_string())
    };
    let bundle = seal_bundle(
        SealRequest {
            inspection: &folder.inspection,
            evidence: &folder.evidence,
            device_signatures: BTreeMap::new(),
            profile: RuleProfile::builtin("jiangsu-suzhou").unwrap(),
            events: EventLog::new(),
            key_history: history,
            device_keys: Jwks::default(),
            sealed_at: chrono::Utc::now() + chrono::Duration::seconds(claim_offset_s),
            previous_manifest_sha256: None,
        },
        &key,
        Some(&tsa),
    )
    .unwrap();
    let info = bag_info_for(&bundle.manifest, "2026-12-01").unwrap();
    let blobs = Files(folder.files.iter().cloned().collect());
    let zip = write_bundle(
        std::io::Cursor::new(Vec::new()),
        &bundle,
        &blobs,
        &info,
        &mut |_| {},
    )
    .unwrap()
    .into_inner();
    verify_bundle(
        std::io::Cursor::new(zip),
        &VerifyOptions::default(),
        &mut |_| {},
    )
    .unwrap()
}

#[test]
fn sealed_at_must_agree_with_the_tokens_time_either_way() {
    let pki = Arc::new(Pki::generate());
    let tsa = TestTsa::start(pki, Behaviour::Sign(Signer::Genuine));
    // The token's time is the bundle's time.
    let r = sealed_with_claim(&tsa.url, 0);
    assert!(r.ok(), "{:?}", r.problems);
    assert_eq!(
        r.time_source,
        Some(hecha_core::bundle::verify::TimeSource::Timestamp)
    );
    assert_eq!(
        r.trusted_time.as_deref(),
        r.timestamp.as_ref().map(|t| t.gen_time.as_str())
    );
    // Backdated behind the token, or dated after it, beyond the one tolerance (300 s).
    for offset in [-900, 900] {
        let r = sealed_with_claim(&tsa.url, offset);
        let codes: Vec<&str> = r.problems.iter().map(|p| p.code).collect();
        assert_eq!(
            codes,
            ["timestamp.sealed_at"],
            "offset {offset}: {:?}",
            r.problems
        );
    }
    // Within it: fine.
    let r = sealed_with_claim(&tsa.url, -60);
    assert!(r.ok(), "{:?}", r.problems);
}

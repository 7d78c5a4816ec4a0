//! `hecha seal`, `hecha verify`, `hecha prove` and `hecha verify-proof` over the built
//! binary, and bagit-python's opinion of the exported bag.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::cli::{assert_exit, hecha, s, stdout};

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

use hecha_core::bundle::bagit::{BagZip, ReadLimits};
use hecha_core::bundle::export::MANIFEST_PATH;
use hecha_core::seal::manifest::Manifest;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/suzhou")
}

/// One key and one sealed bundle of `examples/suzhou`, shared by the tests.
struct Sealed {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    key: PathBuf,
    other_key: PathBuf,
    zip: PathBuf,
}

static SEALED: LazyLock<Sealed> = LazyLock::new(|| {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_owned();
    let key = dir.join("signer.pem");
    let other_key = dir.join("other.pem");
    assert_exit(&hecha(&["key", "generate", "--out", s(&key)]), 0);
    assert_exit(&hecha(&["key", "generate", "--out", s(&other_key)]), 0);
    let zip = dir.join("suzhou.zip");
    let out = hecha(&["seal", s(&example()), "--key", s(&key), "--out", s(&zip)]);
    assert_exit(&out, 0);
    assert!(stdout(&out).contains("默克尔树根"), "{}", stdout(&out));
    Sealed {
        _dir: tmp,
        dir,
        key,
        other_key,
        zip,
    }
});

fn manifest(zip: &Path) -> Manifest {
    let mut bag = BagZip::open(
        BufReader::new(File::open(zip).unwrap()),
        ReadLimits::default(),
    )
    .unwrap();
    Manifest::from_json(&bag.read_small(MANIFEST_PATH, 1 << 26).unwrap()).unwrap()
}

#[test]
fn seal_then_verify_says_the_signer_is_not_pinned() {
    let b = &*SEALED;
    // Chinese by default.
    let out = hecha(&["verify", s(&b.zip)]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("通过：证据包完整"), "{text}");
    assert!(text.contains("签名者") && text.contains("未锁定"), "{text}");
    assert!(text.contains("封存时间"), "{text}");
    assert!(text.contains("预检（演练）"), "{text}");
    assert!(text.contains("example-suzhou-2026-11"), "{text}");
    assert!(!text.contains("not pinned"), "{text}");
    // The same report in English.
    let out = hecha(&["verify", s(&b.zip), "--lang", "en"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("OK: intact"), "{text}");
    assert!(text.contains("not pinned"), "{text}");
    assert!(text.contains("REHEARSAL"), "{text}");
    assert!(text.contains("sealed at"), "{text}");
}

#[test]
fn trust_with_the_right_key_and_with_another() {
    let b = &*SEALED;
    let out = hecha(&["verify", s(&b.zip), "--trust", s(&b.key)]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("由受信任的密钥签名"),
        "{}",
        stdout(&out)
    );

    let out = hecha(&["verify", s(&b.zip), "--trust", s(&b.other_key)]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(text.contains("signature.untrusted"), "{text}");
    assert!(text.contains("不受信任"), "{text}");
    assert!(text.contains("无效：1 个问题"), "{text}");
    let out = hecha(&[
        "verify",
        s(&b.zip),
        "--trust",
        s(&b.other_key),
        "--lang",
        "en",
    ]);
    let text = stdout(&out);
    assert!(text.contains("NOT trusted"), "{text}");
    assert!(text.contains("INVALID: 1 problem\n"), "{text}");

    // Either of two trusted keys will do.
    let out = hecha(&[
        "verify",
        s(&b.zip),
        "--trust",
        s(&b.other_key),
        "--trust",
        s(&b.key),
    ]);
    assert_exit(&out, 0);
}

#[test]
fn json_report_fields() {
    let b = &*SEALED;
    let out = hecha(&["verify", s(&b.zip), "--json", "--trust", s(&b.key)]);
    assert_exit(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = manifest(&b.zip);
    assert_eq!(v["ok"], true);
    assert_eq!(v["inspection_id"], "example-suzhou-2026-11");
    assert_eq!(v["mode"], "rehearsal");
    assert_eq!(v["signer_pinned"], true);
    assert_eq!(v["merkle_root"], m.merkle_root.as_str());
    assert_eq!(v["signer_kid"], m.signer_kid.as_str());
    assert_eq!(v["sealed_at"], m.sealed_at.as_str());
    assert_eq!(v["manifest_sha256"], m.digest().unwrap().as_str());
    assert_eq!(v["items"], m.items.len());
    assert_eq!(v["events"], m.event_log.count);
    assert_eq!(v["timestamped"], false);
    assert_eq!(v["problems"], serde_json::json!([]));

    // Untrusted: ok false, the problem listed with its code.
    let out = hecha(&["verify", s(&b.zip), "--json", "--trust", s(&b.other_key)]);
    assert_exit(&out, 1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["signer_pinned"], false);
    assert_eq!(v["problems"][0]["code"], "signature.untrusted");
    // Each problem says what it says as data and in both languages.
    let problem = &v["problems"][0];
    assert_eq!(problem["says"]["id"], "verify-trust-not-reached");
    assert!(
        problem["message"]["zh"]
            .as_str()
            .unwrap()
            .contains("无法从任何"),
        "{problem}"
    );
    assert!(
        problem["message"]["en"]
            .as_str()
            .unwrap()
            .contains("is not reached from any --trust key"),
        "{problem}"
    );

    // Without --trust: not pinned is null, not false.
    let out = hecha(&["verify", s(&b.zip), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["signer_pinned"], serde_json::Value::Null);
}

/// The bundle with the bytes of one stored entry changed in place (same length, so the
/// zip stays readable; the zip's CRC catches it only when read, which verify reports).
fn flip_in_stored_entry(zip: &[u8], needle: &[u8]) -> Vec<u8> {
    let at = zip
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("needle in the zip");
    let mut out = zip.to_vec();
    out[at + needle.len() / 2] ^= 0x01;
    out
}

#[test]
fn a_tampered_bundle_exits_1() {
    let b = &*SEALED;
    let bytes = std::fs::read(&b.zip).unwrap();
    // The JPEG of the UPS photo is stored: change one byte in its middle.
    let photo = std::fs::read(example().join("photos/ups.jpg")).unwrap();
    let needle = &photo[photo.len() / 2..photo.len() / 2 + 64];
    let tampered = b.dir.join("tampered.zip");
    std::fs::write(&tampered, flip_in_stored_entry(&bytes, needle)).unwrap();
    let out = hecha(&["verify", s(&tampered), "--trust", s(&b.key)]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    // Chinese by default: the verdict, how many problems, and each problem in words.
    assert!(text.contains("无效："), "{text}");
    assert!(text.contains("个问题"), "{text}");
    assert!(text.contains("photo-ups"), "{text}");
    assert!(text.contains("[evidence.missing] 包内没有"), "{text}");
    assert!(!text.contains("INVALID"), "{text}");

    let out = hecha(&["verify", s(&tampered), "--json"]);
    assert_exit(&out, 1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert!(!v["problems"].as_array().unwrap().is_empty());
}

#[test]
fn unreadable_input_exits_2() {
    let b = &*SEALED;
    let not_zip = b.dir.join("not-a-zip.zip");
    std::fs::write(&not_zip, "this is not a zip file").unwrap();
    let out = hecha(&["verify", s(&not_zip)]);
    assert_exit(&out, 2);
    assert!(out.stdout.is_empty() || !stdout(&out).contains("OK"));

    let out = hecha(&["verify", s(&b.dir.join("missing.zip"))]);
    assert_exit(&out, 2);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("missing.zip"),
        "{out:?}"
    );

    // A trust file that is not a key: usage error, not "untrusted".
    let out = hecha(&["verify", s(&b.zip), "--trust", s(&not_zip)]);
    assert_exit(&out, 2);
}

#[test]
fn require_log_refuses_a_bundle_sealed_offline() {
    // `hecha seal` signs with a local key and no server: the seal is in no seal log.
    let b = &*SEALED;
    let out = hecha(&["verify", s(&b.zip), "--trust", s(&b.key)]);
    assert_exit(&out, 0);
    assert!(stdout(&out).contains("[log.absent]"), "{}", stdout(&out));
    let out = hecha(&["verify", s(&b.zip), "--trust", s(&b.key), "--require-log"]);
    assert_exit(&out, 1);
    assert!(stdout(&out).contains("[log.required]"), "{}", stdout(&out));
}

#[test]
fn require_official_refuses_a_rehearsal() {
    let b = &*SEALED;
    let out = hecha(&[
        "verify",
        s(&b.zip),
        "--require-official",
        "--trust",
        s(&b.key),
    ]);
    assert_exit(&out, 1);
    assert!(stdout(&out).contains("mode.rehearsal"), "{}", stdout(&out));
}

#[test]
fn prove_and_verify_proof_against_the_signed_statement() {
    let b = &*SEALED;
    let m = manifest(&b.zip);
    assert!(m.items.len() > 30);
    let proofs = b.dir.join("proofs");
    std::fs::create_dir_all(&proofs).unwrap();
    let statement = proofs.join("statement.json");
    for (i, entry) in m.items.iter().enumerate() {
        let id = &entry.item.id;
        let out = hecha(&["prove", s(&b.zip), id, "--statement", s(&statement)]);
        assert_exit(&out, 0);
        let proof: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(proof["item_id"], id.as_str());
        assert_eq!(proof["leaf"], entry.digest.as_str());
        assert_eq!(proof["leaf_index"], i);
        let file = proofs.join(format!("{i}.json"));
        std::fs::write(&file, &out.stdout).unwrap();
        if i % 8 != 0 {
            continue;
        }
        let ok = hecha(&[
            "verify-proof",
            s(&file),
            "--statement",
            s(&statement),
            "--trust",
            s(&b.key),
        ]);
        assert_exit(&ok, 0);
        assert!(stdout(&ok).contains("（受信任）"), "{}", stdout(&ok));
        // Another signer pinned: untrusted.
        let other = hecha(&[
            "verify-proof",
            s(&file),
            "--statement",
            s(&statement),
            "--trust",
            s(&b.other_key),
        ]);
        assert_exit(&other, 1);
        // The proof file's own size is never believed: a smaller tree is refused.
        let mut lying = proof.clone();
        lying["tree_size"] = serde_json::json!(m.items.len() - 1);
        let lie = proofs.join("lying.json");
        std::fs::write(&lie, serde_json::to_vec(&lying).unwrap()).unwrap();
        let out = hecha(&["verify-proof", s(&lie), "--statement", s(&statement)]);
        assert_exit(&out, 1);
        assert!(
            stdout(&out).contains("signed statement"),
            "{}",
            stdout(&out)
        );
        // A swapped leaf.
        let mut swapped = proof.clone();
        swapped["leaf"] = serde_json::json!("ab".repeat(32));
        std::fs::write(&lie, serde_json::to_vec(&swapped).unwrap()).unwrap();
        assert_exit(
            &hecha(&["verify-proof", s(&lie), "--statement", s(&statement)]),
            1,
        );
    }
    let out = hecha(&["prove", s(&b.zip), "no-such-item"]);
    assert_ne!(out.status.code(), Some(0));
    // Unreadable input: usage error.
    let garbage = proofs.join("garbage.json");
    std::fs::write(&garbage, "{not a proof").unwrap();
    assert_exit(
        &hecha(&["verify-proof", s(&garbage), "--statement", s(&statement)]),
        2,
    );
}

#[test]
fn require_official_needs_trust_and_findings_are_printed() {
    let b = &*SEALED;
    let out = hecha(&["verify", s(&b.zip), "--require-official"]);
    assert_exit(&out, 2);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--trust"),
        "{out:?}"
    );
    let out = hecha(&["findings", s(&b.zip), "--json"]);
    assert_exit(&out, 0);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["equal_to_sealed"], true);
    let m = manifest(&b.zip);
    assert_eq!(doc["findings"], serde_json::to_value(&m.findings).unwrap());
    // The report says which format it read and that the time is the signer's claim.
    let out = hecha(&["verify", s(&b.zip), "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema"], "hecha.bundle/v2");
    assert_eq!(doc["time_source"], "signer_claim");
    let out = hecha(&["verify", s(&b.zip), "--require-timestamp"]);
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("timestamp.required"),
        "{}",
        stdout(&out)
    );
}

// ───────────────────────────── bagit-python ─────────────────────────────

fn bagit_importable() -> bool {
    Command::new("python3")
        .args(["-c", "import bagit"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Extracts a bag zip with hecha's own safe reader (names already checked).
fn extract(zip: &Path, into: &Path) -> PathBuf {
    let mut bag = BagZip::open(
        BufReader::new(File::open(zip).unwrap()),
        ReadLimits::default(),
    )
    .unwrap();
    let top = into.join(bag.top());
    let paths: Vec<String> = bag.paths().map(str::to_owned).collect();
    for rel in paths {
        let dest = top.join(&rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        let mut file = File::create(&dest).unwrap();
        bag.with_entry(&rel, |r| std::io::copy(r, &mut file).map(|_| ()))
            .unwrap();
    }
    top
}

#[test]
fn bagit_python_accepts_the_exported_bag() {
    if !bagit_importable() {
        let msg = "bagit-python is not importable (python3 -m pip install bagit)";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{msg}: required on CI"
        );
        eprintln!("SKIPPED bagit_python_accepts_the_exported_bag: {msg}");
        return;
    }
    let b = &*SEALED;
    let tmp = tempfile::tempdir().unwrap();
    let bag = extract(&b.zip, tmp.path());
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, bagit; b = bagit.Bag(sys.argv[1]); b.validate(); \
             print(len(list(b.payload_files())), b.info['Payload-Oxum'])",
            s(&bag),
        ])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let text = stdout(&out);
    let files = std::fs::read_dir(bag.join("data/evidence"))
        .unwrap()
        .count()
        + 2;
    assert!(text.starts_with(&format!("{files} ")), "{text}");

    // …and it notices a changed byte (so the check above means something).
    let photo = bag.join("data/evidence/photo-ups.jpg");
    let mut bytes = std::fs::read(&photo).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&photo, bytes).unwrap();
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, bagit; bagit.Bag(sys.argv[1]).validate()",
            s(&bag),
        ])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
}

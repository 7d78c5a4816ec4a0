//! The seal log (format §19): an official bundle exported with `hecha/seal-log.json`, the
//! way the server writes it, and every attack on the proof — another seal's entry, a
//! backdated entry, a changed path, a tree head signed by a key the verifier does not pin or
//! by a retired key, a tree head of a truncated log, a bundle signature passed off as a tree
//! head — each caught with its code. And a bundle in no log: noted, or refused with
//! `require_log`.

use std::io::{Cursor, Read};
use std::sync::LazyLock;

use hecha_core::bundle::export::{BlobSource, JWS_PATH, SealedBundle, bag_info_for, write_bundle};
use hecha_core::bundle::seal::seal_bundle;
use hecha_core::bundle::seal_log::{SEAL_LOG_PATH, SealLogProof};
use hecha_core::bundle::verify::VerifyOptions;
use hecha_core::model::{EvidenceItem, Mode, SignerRole};
use hecha_core::seal::hash::sha256_hex;
use hecha_core::seal::key::{Ed25519Key, KeyPurpose};
use hecha_core::seal::key_history::KeyHistory;
use hecha_core::seal::log::{LogEntry, TreeHead, inclusion_path};
use hecha_core::seal::merkle::Hash32;

use super::{
    BUNDLE, Bag, FOLDER, FolderBlobs, assert_codes, history_for, no_options, note_codes,
    official_request, other_signer, sign_off, signer, time, trusting_history, verify,
};

/// The handwritten signature image of the company representative's sign-off.
const SIGNATURE_PNG: &[u8] = b"\x89PNG not really, but the bytes the sign-off names";

/// The folder's files, and the signature image.
struct Blobs(FolderBlobs);

impl BlobSource for Blobs {
    fn open(&self, item: &EvidenceItem) -> std::io::Result<Option<Box<dyn Read + '_>>> {
        if item.id == "so-2" {
            return Ok(Some(Box::new(Cursor::new(SIGNATURE_PNG))));
        }
        self.0.open(item)
    }
}

/// The official seal of `examples/suzhou`, signed by [`signer`] under an official history.
fn official_bundle() -> SealedBundle {
    let mut inspection = FOLDER.inspection.clone();
    inspection.mode = Mode::Official;
    inspection.id = "official-suzhou".into();
    let mut evidence = FOLDER.evidence.clone();
    evidence.push(sign_off("so-1", SignerRole::Inspector, None, false));
    let mut so2 = sign_off(
        "so-2",
        SignerRole::CompanyRepresentative,
        Some(&sha256_hex(SIGNATURE_PNG)),
        true,
    );
    if let Some(b) = &mut so2.blob {
        b.size = SIGNATURE_PNG.len() as u64;
    }
    evidence.push(so2);
    let key = signer();
    seal_bundle(official_request(&inspection, &evidence, &key), &key, None).unwrap()
}

fn official_history() -> KeyHistory {
    history_for(&signer(), KeyPurpose::Official)
}

fn manifest_entry(b: &SealedBundle) -> LogEntry {
    LogEntry::Manifest {
        manifest_sha256: b.manifest.digest().unwrap(),
        inspection_id: b.manifest.inspection.id.clone(),
        sealed_at: b.manifest.sealed_at.clone(),
    }
}

/// A log as the server keeps it: the key history, two earlier seals, this seal, one later.
struct Log {
    entries: Vec<LogEntry>,
    ours: u64,
}

impl Log {
    fn around(entry: LogEntry) -> Self {
        let other = |n: u8| LogEntry::Manifest {
            manifest_sha256: format!("{n:02x}").repeat(32),
            inspection_id: format!("insp-{n}"),
            sealed_at: "2026-11-20T10:00:00Z".into(),
        };
        let entries = vec![
            LogEntry::key_history(&official_history()).unwrap(),
            other(1),
            other(2),
            entry,
            other(3),
        ];
        Self { entries, ours: 3 }
    }

    fn leaves(&self) -> Vec<Hash32> {
        self.entries
            .iter()
            .map(|e| e.leaf_hash().unwrap())
            .collect()
    }

    /// The proof of leaf `index` under a head of the first `size` leaves signed by `key`.
    fn proof(&self, index: u64, size: usize, key: &Ed25519Key, at: &str) -> SealLogProof {
        let leaves = self.leaves();
        let head = TreeHead::of(&leaves[..size], signer().kid(), at);
        let path = if index < size as u64 {
            inclusion_path(&leaves[..size], index).unwrap()
        } else {
            Vec::new()
        };
        SealLogProof::new(
            self.entries[index as usize].clone(),
            index,
            &path,
            head.sign(key).unwrap(),
        )
    }
}

const HEAD_TIME: &str = "2026-11-23T10:05:00Z";

fn export_with(bundle: &SealedBundle, proof: Option<SealLogProof>) -> Vec<u8> {
    let mut b = bundle.clone_for_export();
    b.seal_log = proof;
    let blobs = Blobs(FolderBlobs(FOLDER.files.iter().cloned().collect()));
    let info = bag_info_for(&b.manifest, "2026-11-23").unwrap();
    write_bundle(Cursor::new(Vec::new()), &b, &blobs, &info, &mut |_| {})
        .unwrap()
        .into_inner()
}

/// `SealedBundle` is not `Clone`; an export takes the parts it needs.
trait CloneForExport {
    fn clone_for_export(&self) -> SealedBundle;
}

impl CloneForExport for SealedBundle {
    fn clone_for_export(&self) -> SealedBundle {
        SealedBundle {
            manifest: self.manifest.clone(),
            jws: self.jws.clone(),
            jwks: self.jwks.clone(),
            key_history: self.key_history.clone(),
            events: self.events.clone(),
            profile: self.profile.clone(),
            timestamp: self.timestamp.clone(),
            addendum: self.addendum.clone(),
            seal_log: self.seal_log.clone(),
        }
    }
}

struct Fixture {
    bundle: SealedBundle,
    log: Log,
    zip: Vec<u8>,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let bundle = official_bundle();
    let log = Log::around(manifest_entry(&bundle));
    let proof = log.proof(log.ours, log.entries.len(), &signer(), HEAD_TIME);
    let zip = export_with(&bundle, Some(proof));
    Fixture { bundle, log, zip }
});

fn pinned() -> VerifyOptions {
    trusting_history(&official_history())
}

fn with_proof(proof: &SealLogProof) -> Bag {
    let mut bag = Bag::read(&FIXTURE.zip);
    bag.set(SEAL_LOG_PATH, serde_json::to_vec_pretty(proof).unwrap())
        .fix_tag_manifest();
    bag
}

fn proof_of(bag: &Bag) -> SealLogProof {
    serde_json::from_slice(bag.get(SEAL_LOG_PATH)).unwrap()
}

#[test]
fn an_exported_seal_in_the_log_verifies_with_its_place() {
    let r = verify(FIXTURE.zip.clone(), &pinned());
    assert_codes(&r, &[]);
    let log = r.log.as_ref().expect("the log proof holds");
    assert_eq!(
        (log.leaf_index, log.tree_size, log.tree_head_time.as_str()),
        (3, 5, HEAD_TIME)
    );
    assert_eq!(log.pinned, Some(true));
    assert!(!note_codes(&r).contains("log.absent"), "{:?}", r.notes);
    // Required: it is there.
    let r = verify(
        FIXTURE.zip.clone(),
        &VerifyOptions {
            require_log: true,
            ..pinned()
        },
    );
    assert_codes(&r, &[]);
    // Without --trust: intact, and the verifier says the head's signer is not pinned.
    let r = verify(FIXTURE.zip.clone(), &no_options());
    assert_codes(&r, &[]);
    assert!(note_codes(&r).contains("log.unpinned"), "{:?}", r.notes);
    assert_eq!(r.log.as_ref().and_then(|l| l.pinned), None);
}

#[test]
fn a_bundle_in_no_log_is_noted_and_fails_require_log() {
    // The reference bundle was sealed offline (as `hecha seal` does): no seal-log.json.
    let r = verify(BUNDLE.clone(), &no_options());
    assert!(note_codes(&r).contains("log.absent"), "{:?}", r.notes);
    assert!(r.log.is_none());
    let r = verify(
        BUNDLE.clone(),
        &VerifyOptions {
            require_log: true,
            ..no_options()
        },
    );
    assert_codes(&r, &["log.required"]);
    // Removing the proof from a logged export is the same: the careful attacker cannot
    // make a bundle look older by dropping its log entry, once the log is required.
    let mut bag = Bag::read(&FIXTURE.zip);
    bag.remove(SEAL_LOG_PATH).fix_tag_manifest();
    let r = bag.verify(&VerifyOptions {
        require_log: true,
        ..pinned()
    });
    assert_codes(&r, &["log.required"]);
}

#[test]
fn an_edited_proof_without_fixing_the_bag_fails_bagit() {
    let mut bag = Bag::read(&FIXTURE.zip);
    let mut bytes = bag.get(SEAL_LOG_PATH).to_vec();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    bag.set(SEAL_LOG_PATH, bytes);
    assert!(
        super::codes(&bag.verify(&pinned())).contains("bagit.hash_mismatch"),
        "the tag manifest covers hecha/seal-log.json"
    );
}

#[test]
fn another_seals_entry_is_refused() {
    // The proof of another seal of the same log, copied in: it holds, but is not this seal.
    let log = &FIXTURE.log;
    let r = with_proof(&log.proof(2, log.entries.len(), &signer(), HEAD_TIME)).verify(&pinned());
    assert_codes(&r, &["log.entry"]);
    // A key-history entry is not a seal either.
    let r = with_proof(&log.proof(0, log.entries.len(), &signer(), HEAD_TIME)).verify(&pinned());
    assert_codes(&r, &["log.entry"]);
}

#[test]
fn a_swapped_entry_under_the_same_path_fails_inclusion() {
    // The attacker rewrites the entry to name this bundle but keeps another leaf's place
    // (say, an earlier one, to backdate the seal): the path no longer leads to the root.
    let log = &FIXTURE.log;
    let mut proof = log.proof(1, log.entries.len(), &signer(), HEAD_TIME);
    proof.entry = manifest_entry(&FIXTURE.bundle);
    let r = with_proof(&proof).verify(&pinned());
    assert_codes(&r, &["log.inclusion"]);
    // Or moves the index alone.
    let mut proof = proof_of(&Bag::read(&FIXTURE.zip));
    proof.leaf_index = 1;
    assert_codes(&with_proof(&proof).verify(&pinned()), &["log.inclusion"]);
}

#[test]
fn an_altered_inclusion_path_fails() {
    let good = proof_of(&Bag::read(&FIXTURE.zip));
    for i in 0..good.inclusion_path.len() {
        let mut proof = good.clone();
        let mut node = hex::decode(&proof.inclusion_path[i]).unwrap();
        node[7] ^= 0x40;
        proof.inclusion_path[i] = hex::encode(node);
        assert_codes(&with_proof(&proof).verify(&pinned()), &["log.inclusion"]);
    }
    let mut proof = good.clone();
    proof.inclusion_path.pop();
    assert_codes(&with_proof(&proof).verify(&pinned()), &["log.inclusion"]);
    let mut proof = good;
    proof.inclusion_path.push("00".repeat(32));
    assert_codes(&with_proof(&proof).verify(&pinned()), &["log.inclusion"]);
}

#[test]
fn a_tree_head_re_signed_by_an_unpinned_key_fails() {
    // The attacker builds a log of their own holding this seal and signs its head with
    // their key: the pinned history does not know it.
    let log = &FIXTURE.log;
    let forged = log.proof(log.ours, log.entries.len(), &other_signer(), HEAD_TIME);
    let r = with_proof(&forged).verify(&pinned());
    assert_codes(&r, &["log.tree_head"]);
    // Nor does the bundle's own history, without --trust.
    let r = with_proof(&forged).verify(&no_options());
    assert_codes(&r, &["log.tree_head"]);
}

#[test]
fn a_tree_head_by_a_retired_key_fails() {
    // The authority rotated at 10:05:00; the old key signing a head at that second or
    // later is outside its period (the new key's starts there, inclusive).
    let old = signer();
    let new = Ed25519Key::from_secret_bytes(&[0x55; 32]);
    let mut rotated = official_history();
    rotated
        .introduce(
            &new.public_jwk().clone().with_purpose(KeyPurpose::Official),
            &old,
            time(HEAD_TIME),
        )
        .unwrap();
    let log = &FIXTURE.log;
    let by_old = log.proof(log.ours, log.entries.len(), &old, HEAD_TIME);
    let r = with_proof(&by_old).verify(&trusting_history(&rotated));
    assert_codes(&r, &["log.tree_head"]);
    let by_new = log.proof(log.ours, log.entries.len(), &new, HEAD_TIME);
    let r = with_proof(&by_new).verify(&trusting_history(&rotated));
    assert_codes(&r, &[]);
}

#[test]
fn a_tree_head_of_a_truncated_log_fails() {
    // Signed by the real key over the log cut before this seal (history truncation): the
    // seal's leaf is not in that tree.
    let log = &FIXTURE.log;
    for size in 1..=log.ours as usize {
        let mut truncated = log.proof(log.ours, size, &signer(), HEAD_TIME);
        truncated.inclusion_path = proof_of(&Bag::read(&FIXTURE.zip)).inclusion_path;
        let r = with_proof(&truncated).verify(&pinned());
        assert_codes(&r, &["log.inclusion"]);
    }
}

#[test]
fn a_bundle_signature_is_no_tree_head() {
    let mut proof = proof_of(&Bag::read(&FIXTURE.zip));
    proof.tree_head_jws = String::from_utf8(Bag::read(&FIXTURE.zip).get(JWS_PATH).to_vec())
        .unwrap()
        .trim()
        .to_owned();
    assert_codes(&with_proof(&proof).verify(&pinned()), &["log.tree_head"]);
    // And garbage is a problem, not a panic.
    let mut bag = Bag::read(&FIXTURE.zip);
    bag.set(SEAL_LOG_PATH, b"{\"entry\": 1}".to_vec())
        .fix_tag_manifest();
    assert_codes(&bag.verify(&pinned()), &["log.entry"]);
}

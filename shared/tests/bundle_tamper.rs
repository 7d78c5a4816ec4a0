//! Issue 4, "Tests": a sealed bundle of `examples/suzhou` is tampered with in every way the
//! issue lists, and `verify_bundle` must catch each one **with its specific reason** (the
//! problem code). An untampered bundle has no problem at all; a re-zipped copy still
//! verifies; every item's Merkle proof holds; malicious zips are refused without writing.
//!
//! Two attackers are modelled for the tag files: a naive one, who edits a file inside the
//! zip (BagIt's own hashes catch it, `bagit.hash_mismatch`), and a careful one, who also
//! rewrites `manifest-sha256.txt`, `tagmanifest-sha256.txt` and Payload-Oxum so the bag is
//! consistent ([`fix_bag`]) — then the failure must come from the hecha checks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use hecha_core::bundle::addendum::{ADDENDUM_EVENTS_PATH, ADDENDUM_JWS_PATH, Addendum};
use hecha_core::bundle::bagit::{BagError, BagZip, ReadLimits};
use hecha_core::bundle::export::{
    BlobSource, EVENTS_PATH, JWKS_PATH, JWS_PATH, KEY_HISTORY_PATH, MANIFEST_PATH, SealedBundle,
    bag_info_for, findings_csv, write_bundle,
};
use hecha_core::bundle::proof::{ProofCheckError, ProofStatement};
use hecha_core::bundle::seal::{SealError, SealRequest, seal_bundle};
use hecha_core::bundle::trust::TrustAnchors;
use hecha_core::bundle::verify::{TimeSource, VerifyOptions, VerifyReport, verify_bundle};
use hecha_core::capture::pii::PersonHasher;
use hecha_core::model::{EvidenceBody, EvidenceItem, KeyedHash, Mode, PersonId, SignerRole};
use hecha_core::rehearsal::{Rehearsal, load_folder};
use hecha_core::rules::RuleProfile;
use hecha_core::seal::device::{DeviceKey, sign_item};
use hecha_core::seal::events::EventLog;
use hecha_core::seal::hash::sha256_hex;
use hecha_core::seal::key::{Ed25519Key, Jwks, KeyPurpose};
use hecha_core::seal::key_history::KeyHistory;
use hecha_core::seal::keyring::Keyring;
use hecha_core::seal::manifest::{DeviceSignature, Manifest, item_digest};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// Archives two zip readers could read differently (crafted with Python's zipfile).
#[path = "bundle_tamper/zip_attacks.rs"]
mod zip_attacks;

/// The seal log's proof in an export (format §19), and every attack on it.
#[path = "bundle_tamper/seal_log.rs"]
mod seal_log;

// ───────────────────────────── fixture ─────────────────────────────

const DEVICE_ITEM: &str = "photo-ups";
const PHOTO: &str = "data/evidence/photo-ups.jpg";

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/suzhou")
}

fn signer() -> Ed25519Key {
    Ed25519Key::from_secret_bytes(&[0x11; 32])
}

fn other_signer() -> Ed25519Key {
    Ed25519Key::from_secret_bytes(&[0x22; 32])
}

fn device() -> DeviceKey {
    DeviceKey::from_secret_bytes(&[0x33; 32]).unwrap()
}

fn time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

static FOLDER: LazyLock<Rehearsal> = LazyLock::new(|| {
    let hasher = PersonHasher::new("bundle-tamper-test", &[0x44; 32]).unwrap();
    load_folder(&example_dir(), &hasher).unwrap()
});

struct FolderBlobs(BTreeMap<String, PathBuf>);

impl BlobSource for FolderBlobs {
    fn open(&self, item: &EvidenceItem) -> std::io::Result<Option<Box<dyn Read + '_>>> {
        match self.0.get(&item.id) {
            Some(p) => Ok(Some(Box::new(std::fs::File::open(p)?))),
            None => Ok(None),
        }
    }
}

/// What varies between the bundles the tests seal.
struct Params<'a> {
    inspection_id: &'a str,
    signer: &'a Ed25519Key,
    history: KeyHistory,
    sealed_at: DateTime<Utc>,
}

/// A one-key history of rehearsal keys (the example is a rehearsal: format §6).
fn single_key_history(key: &Ed25519Key) -> KeyHistory {
    history_for(key, KeyPurpose::Rehearsal)
}

fn history_for(key: &Ed25519Key, purpose: KeyPurpose) -> KeyHistory {
    let mut h = KeyHistory::default();
    h.introduce(
        &key.public_jwk().clone().with_purpose(purpose),
        key,
        time("2026-01-01T00:00:00Z"),
    )
    .unwrap();
    h
}

fn default_params(key: &Ed25519Key) -> Params<'_> {
    Params {
        inspection_id: "example-suzhou-2026-11",
        signer: key,
        history: single_key_history(key),
        sealed_at: time("2026-11-23T10:00:00Z"),
    }
}

/// Seals `examples/suzhou` (plus one device-signed item) with `p`.
fn seal(p: Params<'_>) -> SealedBundle {
    let folder = &*FOLDER;
    let mut inspection = folder.inspection.clone();
    inspection.id = p.inspection_id.to_owned();
    let at = "2026-11-23T09:00:00+08:00";
    let mut events = EventLog::new();
    events
        .append(
            at,
            "inspector-1",
            "inspection.created",
            serde_json::json!({ "inspection_id": inspection.id }),
        )
        .unwrap();
    for item in &folder.evidence {
        events
            .append(
                at,
                "inspector-1",
                "evidence.added",
                serde_json::json!({ "item": item.id, "digest": item_digest(item).unwrap() }),
            )
            .unwrap();
    }
    let device = device();
    let item = folder
        .evidence
        .iter()
        .find(|i| i.id == DEVICE_ITEM)
        .unwrap();
    let jws = sign_item(&item.id, &item_digest(item).unwrap(), &device).unwrap();
    let device_signatures = BTreeMap::from([(
        item.id.clone(),
        DeviceSignature {
            device_id: "phone-1".into(),
            jws,
        },
    )]);
    seal_bundle(
        SealRequest {
            inspection: &inspection,
            evidence: &folder.evidence,
            device_signatures,
            profile: RuleProfile::builtin("jiangsu-suzhou").unwrap(),
            events,
            key_history: p.history,
            device_keys: Jwks {
                keys: vec![device.public_jwk().clone()],
            },
            sealed_at: p.sealed_at,
            previous_manifest_sha256: None,
        },
        p.signer,
        None,
    )
    .unwrap()
}

fn export(bundle: &SealedBundle) -> Vec<u8> {
    let blobs = FolderBlobs(FOLDER.files.iter().cloned().collect());
    let info = bag_info_for(&bundle.manifest, "2026-11-23").unwrap();
    write_bundle(Cursor::new(Vec::new()), bundle, &blobs, &info, &mut |_| {})
        .unwrap()
        .into_inner()
}

/// The reference bundle: sealed once per test binary.
static BUNDLE: LazyLock<Vec<u8>> = LazyLock::new(|| export(&seal(default_params(&signer()))));

// ───────────────────────────── zip surgery ─────────────────────────────

/// A bag as (bag-relative path, bytes), in zip order; `top` is the top folder.
#[derive(Clone)]
struct Bag {
    top: String,
    files: Vec<(String, Vec<u8>)>,
}

impl Bag {
    fn read(zip: &[u8]) -> Self {
        let mut archive = ZipArchive::new(Cursor::new(zip)).unwrap();
        let mut top = String::new();
        let mut files = Vec::new();
        for i in 0..archive.len() {
            let mut e = archive.by_index(i).unwrap();
            let name = e.name().unwrap().to_string();
            let (t, rel) = name.split_once('/').unwrap();
            top = t.to_owned();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            files.push((rel.to_owned(), bytes));
        }
        Self { top, files }
    }

    fn reference() -> Self {
        Self::read(&BUNDLE)
    }

    fn get(&self, rel: &str) -> &[u8] {
        &self.files.iter().find(|(p, _)| p == rel).unwrap().1
    }

    fn get_mut(&mut self, rel: &str) -> &mut Vec<u8> {
        &mut self.files.iter_mut().find(|(p, _)| p == rel).unwrap().1
    }

    fn text(&self, rel: &str) -> String {
        String::from_utf8(self.get(rel).to_vec()).unwrap()
    }

    fn set(&mut self, rel: &str, bytes: impl Into<Vec<u8>>) -> &mut Self {
        *self.get_mut(rel) = bytes.into();
        self
    }

    fn remove(&mut self, rel: &str) -> &mut Self {
        let before = self.files.len();
        self.files.retain(|(p, _)| p != rel);
        assert_eq!(self.files.len() + 1, before, "{rel} was in the bag");
        self
    }

    fn add(&mut self, rel: &str, bytes: impl Into<Vec<u8>>) -> &mut Self {
        self.files.push((rel.to_owned(), bytes.into()));
        self
    }

    /// The careful attacker: rewrites the payload manifest, Payload-Oxum, the manifest's
    /// facts in bag-info.txt and the tag manifest so that the bag is consistent again.
    fn fix_bag(&mut self) -> &mut Self {
        let facts = Manifest::from_json(self.get(MANIFEST_PATH))
            .ok()
            .map(|m| (m.digest().unwrap(), m.mode.as_str().to_owned()));
        let line = |(p, b): &(String, Vec<u8>)| format!("{}  {p}\n", sha256_hex(b));
        let mut data: Vec<&(String, Vec<u8>)> = self
            .files
            .iter()
            .filter(|(p, _)| p.starts_with("data/"))
            .collect();
        data.sort_by(|a, b| a.0.cmp(&b.0));
        let manifest: String = data.iter().map(|f| line(f)).collect();
        let octets: usize = data.iter().map(|(_, b)| b.len()).sum();
        let oxum = format!("Payload-Oxum: {octets}.{}", data.len());
        let info: String = self
            .text("bag-info.txt")
            .lines()
            .map(|l| match (&facts, l.split_once(": ")) {
                _ if l.starts_with("Payload-Oxum:") => format!("{oxum}\n"),
                (Some((digest, _)), Some(("Hecha-Manifest-SHA256", _))) => {
                    format!("Hecha-Manifest-SHA256: {digest}\n")
                }
                (Some((_, mode)), Some(("Hecha-Mode", _))) => format!("Hecha-Mode: {mode}\n"),
                _ => format!("{l}\n"),
            })
            .collect();
        self.set("manifest-sha256.txt", manifest);
        self.set("bag-info.txt", info);
        self.fix_tag_manifest()
    }

    /// Rewrites only the tag manifest (after a tag file was set by hand).
    fn fix_tag_manifest(&mut self) -> &mut Self {
        let line = |(p, b): &(String, Vec<u8>)| format!("{}  {p}\n", sha256_hex(b));
        let mut tags: Vec<&(String, Vec<u8>)> = self
            .files
            .iter()
            .filter(|(p, _)| !p.starts_with("data/") && p != "tagmanifest-sha256.txt")
            .collect();
        tags.sort_by(|a, b| a.0.cmp(&b.0));
        let tagmanifest: String = tags.iter().map(|f| line(f)).collect();
        self.set("tagmanifest-sha256.txt", tagmanifest);
        self
    }

    /// Writes the zip; `method` for every entry, or (`None`) JPEGs stored and the rest
    /// deflated as the exporter does.
    fn zip(&self, method: Option<CompressionMethod>) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (rel, bytes) in &self.files {
            let m = method.unwrap_or(if rel.ends_with(".jpg") {
                CompressionMethod::Stored
            } else {
                CompressionMethod::Deflated
            });
            w.start_file(
                format!("{}/{rel}", self.top),
                SimpleFileOptions::default().compression_method(m),
            )
            .unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    /// Zipped (stored: fast) and verified.
    fn verify(&self, options: &VerifyOptions) -> VerifyReport {
        verify(self.zip(Some(CompressionMethod::Stored)), options)
    }
}

fn verify(zip: Vec<u8>, options: &VerifyOptions) -> VerifyReport {
    verify_bundle(Cursor::new(zip), options, &mut |_| {}).unwrap()
}

fn no_options() -> VerifyOptions {
    VerifyOptions::default()
}

/// Trusting a bare key (who, not when).
fn trusting(key: &Ed25519Key) -> VerifyOptions {
    let mut trust = TrustAnchors::default();
    trust.add_key(key.public_jwk().clone());
    VerifyOptions {
        trust,
        ..VerifyOptions::default()
    }
}

/// Trusting a key history (who, and when each key stopped signing).
fn trusting_history(history: &KeyHistory) -> VerifyOptions {
    let mut trust = TrustAnchors::default();
    trust.add_history(history.clone()).unwrap();
    VerifyOptions {
        trust,
        ..VerifyOptions::default()
    }
}

fn note_codes(r: &VerifyReport) -> BTreeSet<&'static str> {
    r.notes.iter().map(|p| p.code).collect()
}

fn codes(r: &VerifyReport) -> BTreeSet<&'static str> {
    r.problems.iter().map(|p| p.code).collect()
}

/// The report's problem codes are exactly `expected`.
#[track_caller]
fn assert_codes(r: &VerifyReport, expected: &[&str]) {
    let want: BTreeSet<&str> = expected.iter().copied().collect();
    assert_eq!(codes(r), want, "problems: {:#?}", r.problems);
    assert_said_in_both_languages(r);
}

/// Every problem and note is a catalogue message that renders in Chinese and English, and
/// its words are that rendering.
#[track_caller]
fn assert_said_in_both_languages(r: &VerifyReport) {
    for p in r.problems.iter().chain(&r.notes) {
        assert!(
            p.says.is_known(),
            "{}: {:?} is not in the catalogue",
            p.code,
            p.says
        );
        assert_eq!(p.message, p.says.text(), "{}", p.code);
        assert!(
            p.message.zh != p.message.en && !p.message.zh.is_empty(),
            "{}: {:?}",
            p.code,
            p.message
        );
    }
}

fn manifest_of(bag: &Bag) -> Manifest {
    Manifest::from_json(bag.get(MANIFEST_PATH)).unwrap()
}

fn canonical(m: &Manifest) -> Vec<u8> {
    m.to_canonical_json().unwrap()
}

// ───────────────────────────── the good bundle ─────────────────────────────

#[test]
fn the_sealed_bundle_verifies_with_no_problem() {
    let r = verify(BUNDLE.clone(), &no_options());
    assert_codes(&r, &[]);
    assert!(r.ok());
    assert_eq!(r.mode, Some(Mode::Rehearsal));
    assert_eq!(r.signer_pinned, None);
    assert_eq!(r.signer_kid.as_deref(), Some(signer().kid()));
    let bag = Bag::reference();
    let m = manifest_of(&bag);
    assert_eq!(r.items, m.items.len());
    assert_eq!(r.events, FOLDER.evidence.len() + 1);
    assert!(
        m.items
            .iter()
            .any(|i| i.item.id == DEVICE_ITEM && i.device_signature.is_some()),
        "the fixture covers device signatures"
    );

    let r = verify(BUNDLE.clone(), &trusting(&signer()));
    assert_codes(&r, &[]);
    assert_eq!(r.signer_pinned, Some(true));
}

#[test]
fn the_careful_attackers_rewrite_is_a_no_op_on_an_intact_bag() {
    // fix_bag regenerates the BagIt manifests exactly as the exporter writes them, so the
    // "BagIt kept consistent" variants below differ from the original only where tampered.
    let bag = Bag::reference();
    let mut fixed = bag.clone();
    fixed.fix_bag();
    for ((p, a), (_, b)) in bag.files.iter().zip(&fixed.files) {
        assert_eq!(a, b, "{p}");
    }
}

#[test]
fn a_rezipped_copy_verifies_whatever_the_order_and_compression() {
    let mut bag = Bag::reference();
    bag.files.reverse();
    assert_codes(
        &verify(bag.zip(Some(CompressionMethod::Deflated)), &no_options()),
        &[],
    );
    bag.files.sort_by(|a, b| b.0.cmp(&a.0));
    assert_codes(
        &verify(bag.zip(Some(CompressionMethod::Stored)), &no_options()),
        &[],
    );
}

#[test]
fn every_item_has_an_inclusion_proof_under_the_signed_root() {
    let mut bag = BagZip::open(Cursor::new(BUNDLE.clone()), ReadLimits::default()).unwrap();
    let m = Manifest::from_json(&bag.read_small(MANIFEST_PATH, 1 << 24).unwrap()).unwrap();
    let report = verify(BUNDLE.clone(), &no_options());
    assert_eq!(report.merkle_root.as_deref(), Some(m.merkle_root.as_str()));
    assert!(m.items.len() > 30);
    for (i, entry) in m.items.iter().enumerate() {
        let proof = m.prove(&entry.item.id).unwrap();
        assert_eq!(proof.leaf, entry.digest);
        assert_eq!(proof.leaf_index as usize, i);
        proof.verify(&m.merkle_root).unwrap();
        // …and not under another root.
        assert!(proof.verify(&"00".repeat(32)).is_err());
    }
}

// ───────────────────────────── every byte ─────────────────────────────

/// Flips one bit of each byte of `rel` at `positions`, one byte at a time, in both variants
/// `variants(position)` (BagIt left inconsistent: `false`; fixed by the careful attacker:
/// `true`), and checks each verdict
/// with `check(position, report, bag_fixed)`. Runs on the available cores.
fn each_byte(
    rel: &str,
    positions: &[usize],
    variants: impl Fn(usize) -> &'static [bool] + Sync,
    check: impl Fn(usize, &VerifyReport, bool) + Sync,
) {
    let bag = Bag::reference();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    std::thread::scope(|s| {
        for chunk in positions.chunks(positions.len().div_ceil(threads).max(1)) {
            let (bag, check, variants) = (&bag, &check, &variants);
            s.spawn(move || {
                for &i in chunk {
                    for &fixed in variants(i) {
                        let mut b = bag.clone();
                        b.get_mut(rel)[i] ^= 0x01;
                        if fixed {
                            b.fix_bag();
                        }
                        check(i, &b.verify(&no_options()), fixed);
                    }
                }
            });
        }
    });
}

fn all_positions(rel: &str) -> Vec<usize> {
    (0..Bag::reference().get(rel).len()).collect()
}

/// Any change of the manifest: unparseable (that is the reason), or parseable and no
/// longer the manifest the signature covers.
fn manifest_change_caught(i: usize, r: &VerifyReport, fixed: bool) {
    let c = codes(r);
    let reason = c.contains("manifest.unreadable") || c.contains("signature.manifest");
    assert!(reason, "byte {i} (bag fixed: {fixed}): {:#?}", r.problems);
    assert_eq!(
        c.contains("bagit.hash_mismatch"),
        !fixed,
        "byte {i}: {:#?}",
        r.problems
    );
}

const BOTH: &[bool] = &[false, true];
const FIXED: &[bool] = &[true];

/// The manifest is 37 KB and one in-process verify takes ~30 ms in the debug profile, so CI
/// checks, with the bag fixed, every byte of the head and of the tail (`merkle_root`, `mode`,
/// the profile digest, `schema`, `sealed_at`, `signer_kid`, `timestamped` all sit in the
/// last 400 bytes) and every 61st byte in between, and a fifth of those with the bag left
/// inconsistent. `every_byte_of_the_manifest_exhaustive` (ignored: run it in release)
/// does every byte in both variants.
#[test]
fn single_byte_changes_of_the_manifest_are_caught() {
    let len = Bag::reference().get(MANIFEST_PATH).len();
    let tail = &Bag::reference().text(MANIFEST_PATH)[len - 400..];
    for member in [
        "\"mode\"",
        "\"sealed_at\"",
        "\"signer_kid\"",
        "\"timestamped\"",
    ] {
        assert!(tail.contains(member), "{member} is in the tail");
    }
    let positions: Vec<usize> = (0..len)
        .filter(|&i| i < 128 || i + 400 >= len || i % 61 == 0)
        .collect();
    each_byte(
        MANIFEST_PATH,
        &positions,
        |i| if i % 5 == 0 { BOTH } else { FIXED },
        manifest_change_caught,
    );
}

/// Every byte of the manifest, both variants: run it with
/// `cargo test --release -p hecha-core --test core -- --ignored bundle_tamper::`.
#[test]
#[ignore = "exhaustive: ~75k verifications; run in release"]
fn every_byte_of_the_manifest_exhaustive() {
    each_byte(
        MANIFEST_PATH,
        &all_positions(MANIFEST_PATH),
        |_| BOTH,
        manifest_change_caught,
    );
}

#[test]
fn every_single_byte_change_of_the_jws_is_caught() {
    each_byte(
        JWS_PATH,
        &all_positions(JWS_PATH),
        |_| BOTH,
        |i, r, fixed| {
            let mut c = codes(r);
            assert_eq!(c.remove("bagit.hash_mismatch"), !fixed, "byte {i}");
            // Header, payload or signature: the JWS no longer verifies.
            assert_eq!(
                c,
                BTreeSet::from(["signature.invalid"]),
                "byte {i} (bag fixed: {fixed}): {:#?}",
                r.problems
            );
        },
    );
}

// ───────────────────────────── payload files ─────────────────────────────

#[test]
fn one_byte_of_one_photo() {
    let mut bag = Bag::reference();
    bag.get_mut(PHOTO)[1000] ^= 0x40;
    let r = bag.verify(&no_options());
    assert_codes(&r, &["bagit.hash_mismatch", "evidence.mismatch"]);
    assert!(
        r.problems
            .iter()
            .all(|p| p.message.en.contains("photo-ups"))
    );
    bag.fix_bag();
    assert_codes(&bag.verify(&no_options()), &["evidence.mismatch"]);
}

#[test]
fn a_photo_removed() {
    let mut bag = Bag::reference();
    bag.remove(PHOTO);
    assert_codes(
        &bag.verify(&no_options()),
        &[
            "bagit.missing_file",
            "bagit.payload_oxum",
            "evidence.missing",
        ],
    );
    bag.fix_bag();
    assert_codes(&bag.verify(&no_options()), &["evidence.missing"]);
}

#[test]
fn a_tag_file_removed() {
    let mut bag = Bag::reference();
    bag.remove(EVENTS_PATH);
    assert_codes(
        &bag.verify(&no_options()),
        &["bagit.missing_file", "bundle.missing_file"],
    );
    bag.fix_bag();
    assert_codes(&bag.verify(&no_options()), &["bundle.missing_file"]);
}

#[test]
fn an_evidence_file_added() {
    let mut bag = Bag::reference();
    bag.add("data/evidence/photo-planted.jpg", bag.get(PHOTO).to_vec());
    assert_codes(
        &bag.verify(&no_options()),
        &["bagit.unlisted_file", "evidence.unexpected"],
    );
    bag.fix_bag();
    assert_codes(&bag.verify(&no_options()), &["evidence.unexpected"]);
}

#[test]
fn a_file_added_elsewhere() {
    // In the payload, outside data/evidence/.
    let mut bag = Bag::reference();
    bag.add("data/addendum.html", "<p>all findings waived</p>");
    assert_codes(
        &bag.verify(&no_options()),
        &["bagit.unlisted_file", "bundle.unexpected_file"],
    );
    bag.fix_bag();
    assert_codes(&bag.verify(&no_options()), &["bundle.unexpected_file"]);

    // A tag file BagIt does not require to be listed.
    for rel in ["hecha/override.json", "extra.txt"] {
        let mut bag = Bag::reference();
        bag.add(rel, "{}");
        assert_codes(&bag.verify(&no_options()), &["bundle.unexpected_file"]);
        bag.fix_bag();
        assert_codes(&bag.verify(&no_options()), &["bundle.unexpected_file"]);
    }
}

#[test]
fn the_findings_csv_edited() {
    let mut bag = Bag::reference();
    let csv = bag
        .text("data/findings.csv")
        .replacen("\"pass\"", "\"fail\"", 1);
    assert_ne!(csv, bag.text("data/findings.csv"));
    bag.set("data/findings.csv", csv);
    assert_codes(
        &bag.verify(&no_options()),
        &["bagit.hash_mismatch", "report.findings_csv"],
    );
    bag.fix_bag();
    assert_codes(&bag.verify(&no_options()), &["report.findings_csv"]);
}

// ───────────────────────────── the event log ─────────────────────────────

fn event_lines(bag: &Bag) -> Vec<String> {
    bag.text(EVENTS_PATH).lines().map(str::to_owned).collect()
}

fn set_events(bag: &mut Bag, lines: &[String]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    bag.set(EVENTS_PATH, text).fix_bag();
}

#[test]
fn events_reordered() {
    let mut bag = Bag::reference();
    let mut lines = event_lines(&bag);
    lines.swap(3, 4);
    set_events(&mut bag, &lines);
    assert_codes(&bag.verify(&no_options()), &["events.chain"]);
}

#[test]
fn an_event_dropped() {
    let mut bag = Bag::reference();
    let mut lines = event_lines(&bag);
    lines.remove(5);
    set_events(&mut bag, &lines);
    assert_codes(&bag.verify(&no_options()), &["events.chain"]);

    // The last one: the chain holds, the head sealed in the manifest does not.
    let mut bag = Bag::reference();
    let mut lines = event_lines(&bag);
    lines.pop();
    set_events(&mut bag, &lines);
    assert_codes(&bag.verify(&no_options()), &["events.head"]);
}

#[test]
fn an_event_edited() {
    let mut bag = Bag::reference();
    let mut lines = event_lines(&bag);
    lines[2] = lines[2].replace("inspector-1", "inspector-2");
    set_events(&mut bag, &lines);
    assert_codes(&bag.verify(&no_options()), &["events.chain"]);
}

// ───────────────────────────── signatures and keys ─────────────────────────────

#[test]
fn a_signature_taken_from_another_bundle() {
    // Same key, another inspection.
    let other = Bag::read(&export(&seal(Params {
        inspection_id: "another-inspection",
        ..default_params(&signer())
    })));
    let mut bag = Bag::reference();
    bag.set(JWS_PATH, other.get(JWS_PATH).to_vec()).fix_bag();
    assert_codes(
        &bag.verify(&no_options()),
        &["signature.manifest", "signature.inspection"],
    );

    // Same inspection, same key, sealed at another time: the digest still differs.
    let other = seal(Params {
        sealed_at: time("2026-11-24T10:00:00Z"),
        ..default_params(&signer())
    });
    let mut bag = Bag::reference();
    bag.set(JWS_PATH, other.jws.clone()).fix_bag();
    assert_codes(
        &bag.verify(&no_options()),
        &["signature.manifest", "signature.sealed_at"],
    );

    // Another key altogether (not in this bundle's key history).
    let key = other_signer();
    let other = seal(default_params(&key));
    let mut bag = Bag::reference();
    bag.set(JWS_PATH, other.jws.clone()).fix_bag();
    let r = bag.verify(&no_options());
    assert_codes(&r, &["signature.invalid"]);
    assert!(
        r.problems[0].message.en.contains(key.kid()),
        "{:?}",
        r.problems
    );
}

#[test]
fn alg_none_and_hs256_are_refused() {
    let bag = Bag::reference();
    let jws = bag.text(JWS_PATH);
    let payload = jws.split('.').nth(1).unwrap();
    let b64 = |b: &[u8]| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    };
    let kid = signer().kid().to_owned();

    let none_header = b64(format!(r#"{{"alg":"none","kid":"{kid}"}}"#).as_bytes());
    let none = format!("{none_header}.{payload}.");
    // HS256 keyed with the signer's *public* key: the classic algorithm-confusion forgery.
    let hs_header = jsonwebtoken::Header {
        kid: Some(kid.clone()),
        ..jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256)
    };
    let claims: serde_json::Value = {
        use base64::Engine;
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap();
        serde_json::from_slice(&raw).unwrap()
    };
    let hs256 = jsonwebtoken::encode(
        &hs_header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(&signer().public_bytes()),
    )
    .unwrap();

    for (alg, token) in [("none", none), ("HS256", hs256)] {
        let mut b = bag.clone();
        b.set(JWS_PATH, token).fix_bag();
        let r = b.verify(&trusting(&signer()));
        assert_codes(&r, &["signature.invalid"]);
        assert!(
            r.problems[0].message.en.contains(&format!("{alg:?}")),
            "{alg}: {:?}",
            r.problems
        );
    }
}

#[test]
fn a_signer_outside_trust_is_untrusted() {
    let r = verify(BUNDLE.clone(), &trusting(&other_signer()));
    assert_codes(&r, &["signature.untrusted"]);
    assert_eq!(r.signer_pinned, Some(false));

    // A forger who re-seals everything with their own key: intact, but not trusted.
    let forged = export(&seal(default_params(&other_signer())));
    assert_codes(&verify(forged.clone(), &no_options()), &[]);
    assert_codes(
        &verify(forged, &trusting(&signer())),
        &["signature.untrusted"],
    );
}

/// A keyring whose first key A was retired by rotating to B on 2026-06-01, and B retired on
/// 2026-09-01. Returns (A, B, the history).
fn rotated_keyring(dir: &Path) -> (Ed25519Key, Ed25519Key, KeyHistory) {
    let mut ring =
        Keyring::create_for(dir, KeyPurpose::Rehearsal, time("2026-01-01T00:00:00Z")).unwrap();
    let a = ring.active_signer().unwrap();
    ring.rotate(time("2026-06-01T00:00:00Z")).unwrap();
    let b = ring.active_signer().unwrap();
    ring.retire(b.kid(), time("2026-09-01T00:00:00Z")).unwrap();
    assert!(
        ring.active_signer().is_err(),
        "a retired keyring signs nothing"
    );
    (a, b, ring.history().clone())
}

/// Seals with `key`, bypassing the sealing-time check of `seal_bundle`: what a thief of a
/// retired key would do.
fn seal_bypassing_checks(key: &Ed25519Key, history: &KeyHistory, at: &str) -> SealedBundle {
    // Seal legitimately with a one-key history, then swap in the real history.
    let mut bundle = seal(Params {
        history: single_key_history(key),
        sealed_at: time(at),
        ..default_params(key)
    });
    bundle.key_history = history.clone();
    bundle.jwks = {
        let mut jwks = bundle.jwks.clone();
        for k in history.verify().unwrap().jwks().keys {
            jwks.insert(k);
        }
        jwks
    };
    bundle.jws = bundle.manifest.sign(key).unwrap();
    bundle
}

#[test]
fn a_retired_key_verifies_what_it_signed_before_and_nothing_after() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, history) = rotated_keyring(&dir.path().join("ring"));

    // Before retirement: fine, and the history reaches B from a trusted A.
    let before = export(&seal_bypassing_checks(&a, &history, "2026-03-01T00:00:00Z"));
    assert_codes(&verify(before, &trusting(&a)), &[]);
    let b_in_time = export(&seal_bypassing_checks(&b, &history, "2026-07-01T00:00:00Z"));
    assert_codes(&verify(b_in_time, &trusting(&a)), &[]);

    // After: A was retired by rotation, B by `key retire`.
    for (key, what) in [(&a, "rotation"), (&b, "retirement")] {
        let after = seal_bypassing_checks(key, &history, "2026-11-23T10:00:00Z");
        let r = verify(export(&after), &trusting(&a));
        assert_codes(&r, &["signature.invalid"]);
        assert!(
            r.problems[0].message.en.contains("after its retirement"),
            "{what}: {:?}",
            r.problems
        );
    }
}

#[test]
fn seal_refuses_a_key_outside_its_signing_period() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _, history) = rotated_keyring(&dir.path().join("ring"));
    let folder = &*FOLDER;
    let err = seal_bundle(
        SealRequest {
            inspection: &folder.inspection,
            evidence: &folder.evidence,
            device_signatures: BTreeMap::new(),
            profile: RuleProfile::builtin("jiangsu-suzhou").unwrap(),
            events: EventLog::new(),
            key_history: history,
            device_keys: Jwks::default(),
            sealed_at: time("2026-11-23T10:00:00Z"),
            previous_manifest_sha256: None,
        },
        &a,
        None,
    )
    .err()
    .expect("a retired key signs nothing new");
    assert!(err.to_string().contains("retire"), "{err}");
}

#[test]
fn a_key_history_with_a_broken_link() {
    let dir = tempfile::tempdir().unwrap();
    let (_, b, history) = rotated_keyring(&dir.path().join("ring"));
    let good = Bag::read(&export(&seal_bypassing_checks(
        &b,
        &history,
        "2026-07-01T00:00:00Z",
    )));
    assert_codes(&good.verify(&no_options()), &[]);

    let mut breaks: Vec<(&str, KeyHistory)> = Vec::new();
    let mut h = history.clone();
    h.entries[1].statement.prev = "00".repeat(32);
    breaks.push(("prev does not match", h));
    let mut h = history.clone();
    h.entries.remove(1);
    breaks.push(("seq is", h));
    let mut h = history.clone();
    h.entries[1].statement.at = "2026-06-02T00:00:00Z".into();
    breaks.push(("does not verify", h));
    let mut h = history.clone();
    h.entries[1].signer = b.kid().to_owned();
    breaks.push(("must be signed by", h));
    for (why, h) in breaks {
        let mut bag = good.clone();
        bag.set(KEY_HISTORY_PATH, serde_json::to_vec_pretty(&h).unwrap())
            .fix_bag();
        let r = bag.verify(&no_options());
        assert_codes(&r, &["keys.history"]);
        assert!(
            r.problems[0].message.en.contains(why),
            "{why}: {:?}",
            r.problems
        );
    }
}

#[test]
fn a_device_key_swapped() {
    let mut bag = Bag::reference();
    let mut jwks: Jwks = serde_json::from_slice(bag.get(JWKS_PATH)).unwrap();
    let device_kid = device().public_jwk().kid.clone();
    jwks.keys.retain(|k| k.kid != device_kid);
    let impostor = DeviceKey::from_secret_bytes(&[0x55; 32]).unwrap();
    jwks.keys.push(impostor.public_jwk().clone());
    bag.set(JWKS_PATH, serde_json::to_vec_pretty(&jwks).unwrap())
        .fix_bag();
    // The impostor's key is also a key of no signing device (v2: jwks.json is exact).
    assert_codes(
        &bag.verify(&no_options()),
        &["device.signature", "keys.jwks"],
    );

    // A device signature re-made by another device key (the manifest then no longer
    // matches the bundle signature, and the device key is unknown).
    let mut bag = Bag::reference();
    let mut m = manifest_of(&bag);
    let entry = m
        .items
        .iter_mut()
        .find(|i| i.item.id == DEVICE_ITEM)
        .unwrap();
    let sig = entry.device_signature.as_mut().unwrap();
    sig.jws = sign_item(DEVICE_ITEM, &entry.digest, &impostor).unwrap();
    bag.set(MANIFEST_PATH, canonical(&m)).fix_bag();
    // (and jwks.json now lists a device key no item's signature names)
    assert_codes(
        &bag.verify(&no_options()),
        &["device.signature", "keys.jwks", "signature.manifest"],
    );
}

// ───────────────────────────── the key history is the anchor ─────────────────────────────

/// The forger holds A, retired by rotation on 2026-06-01, and seals a new bundle in
/// November shipping only the first entry of the history (where A is not retired yet).
fn retired_key_forgery(dir: &Path) -> (Vec<u8>, KeyHistory, Ed25519Key) {
    let (a, _, full) = rotated_keyring(dir);
    let early = KeyHistory {
        entries: full.entries[..1].to_vec(),
        ..full.clone()
    };
    let forged = seal(Params {
        history: early,
        sealed_at: time("2026-11-23T10:00:00Z"),
        ..default_params(&a)
    });
    (export(&forged), full, a)
}

#[test]
fn a_retired_key_with_a_cut_history_passes_bare_keys_with_a_note_and_fails_the_pinned_history() {
    let dir = tempfile::tempdir().unwrap();
    let (forged, full, a) = retired_key_forgery(&dir.path().join("ring"));
    // Intact on its own terms: the cut history verifies and A may sign in it.
    assert_codes(&verify(forged.clone(), &no_options()), &[]);

    // The server's full JWKS pins who, not when: accepted, and the verifier says retirement
    // could not be checked.
    let mut jwks_trust = TrustAnchors::default();
    for k in full.verify().unwrap().jwks().keys {
        jwks_trust.add_key(k);
    }
    let r = verify(
        forged.clone(),
        &VerifyOptions {
            trust: jwks_trust,
            ..no_options()
        },
    );
    assert_codes(&r, &[]);
    assert_eq!(r.retirement_checked, Some(false));
    assert!(
        note_codes(&r).contains("trust.retirement_unchecked"),
        "{:?}",
        r.notes
    );

    // The published history is the anchor: A was retired before the bundle's time.
    let r = verify(forged, &trusting_history(&full));
    assert_codes(&r, &["signature.key_period"]);
    assert_eq!(r.signer_pinned, Some(false));
    assert!(
        r.problems[0].message.en.contains("after its retirement"),
        "{:?}",
        r.problems
    );
    let _ = a;
}

#[test]
fn a_forked_key_history_is_not_a_prefix_of_the_pinned_one() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _, full) = rotated_keyring(&dir.path().join("ring"));
    // A (its private key stolen) introduces a key of the forger's after its own entry: a
    // history that verifies on its own, diverging from the published one at entry 2.
    let forger = Ed25519Key::from_secret_bytes(&[0x66; 32]);
    let mut fork = KeyHistory {
        entries: full.entries[..1].to_vec(),
        ..full.clone()
    };
    fork.introduce(
        &forger
            .public_jwk()
            .clone()
            .with_purpose(KeyPurpose::Rehearsal),
        &a,
        time("2026-05-01T00:00:00Z"),
    )
    .unwrap();
    let forged = export(&seal(Params {
        history: fork,
        sealed_at: time("2026-11-23T10:00:00Z"),
        ..default_params(&forger)
    }));
    assert_codes(&verify(forged.clone(), &no_options()), &[]);
    // Bare keys: A introduced the forger, so the bare anchor A "reaches" it.
    assert_codes(&verify(forged.clone(), &trusting(&a)), &[]);
    let r = verify(forged, &trusting_history(&full));
    assert_codes(&r, &["signature.untrusted"]);
    assert!(
        r.problems[0].message.en.contains("not a prefix"),
        "{:?}",
        r.problems
    );
}

#[test]
fn a_bundle_signed_in_its_key_period_verifies_against_the_pinned_history() {
    let dir = tempfile::tempdir().unwrap();
    let (_, b, full) = rotated_keyring(&dir.path().join("ring"));
    // B signed in July with the history as it stood then (B introduced, not retired).
    let then = KeyHistory {
        entries: full.entries[..2].to_vec(),
        ..full.clone()
    };
    let bundle = export(&seal(Params {
        history: then,
        sealed_at: time("2026-07-01T00:00:00Z"),
        ..default_params(&b)
    }));
    let r = verify(bundle, &trusting_history(&full));
    assert_codes(&r, &[]);
    assert_eq!(r.signer_pinned, Some(true));
    assert_eq!(r.retirement_checked, Some(true));
}

#[test]
fn without_a_time_stamp_the_time_is_the_signers_claim() {
    let r = verify(BUNDLE.clone(), &no_options());
    assert_eq!(r.time_source, Some(TimeSource::SignerClaim));
    assert!(
        note_codes(&r).contains("time.signer_claim"),
        "{:?}",
        r.notes
    );
    let r = verify(
        BUNDLE.clone(),
        &VerifyOptions {
            require_timestamp: true,
            ..no_options()
        },
    );
    assert_codes(&r, &["timestamp.required"]);
}

// ───────────────────────────── jwks.json and bag-info.txt ─────────────────────────────

#[test]
fn jwks_holds_exactly_the_history_and_the_signing_devices() {
    let good: Jwks = serde_json::from_slice(Bag::reference().get(JWKS_PATH)).unwrap();
    let stranger = DeviceKey::from_secret_bytes(&[0x77; 32]).unwrap();
    let other = other_signer();
    let signer_kid = signer().kid().to_owned();
    let cases: Vec<(&str, Jwks)> = vec![
        ("an unrelated key added", {
            let mut j = good.clone();
            j.keys.push(stranger.public_jwk().clone());
            j
        }),
        ("another bundle key added", {
            let mut j = good.clone();
            j.keys.push(other.public_jwk().clone());
            j
        }),
        ("the signer's key removed", {
            let mut j = good.clone();
            j.keys.retain(|k| k.kid != signer_kid);
            j
        }),
        ("the signer's key swapped under its kid", {
            let mut j = good.clone();
            for k in &mut j.keys {
                if k.kid == signer_kid {
                    k.x = other.public_jwk().x.clone();
                }
            }
            j
        }),
        ("a key listed twice", {
            let mut j = good.clone();
            let dup = j.keys[0].clone();
            j.keys.push(dup);
            j
        }),
    ];
    for (what, jwks) in cases {
        let mut bag = Bag::reference();
        bag.set(JWKS_PATH, serde_json::to_vec_pretty(&jwks).unwrap())
            .fix_bag();
        let c = codes(&bag.verify(&no_options()));
        assert!(c.contains("keys.jwks"), "{what}: {c:?}");
        assert!(
            c.iter()
                .all(|c| ["keys.jwks", "device.signature"].contains(c)),
            "{what}: {c:?}"
        );
    }
}

#[test]
fn bag_info_must_say_what_the_manifest_says() {
    for (label, value) in [
        ("Hecha-Mode", "official"),
        ("External-Identifier", "another-inspection"),
        ("Source-Organization", "另一家公司"),
        ("Hecha-Sealed-At", "2020-01-01T00:00:00Z"),
        ("Hecha-Manifest-SHA256", &"ab".repeat(32)),
    ] {
        let mut bag = Bag::reference();
        let info: String = bag
            .text("bag-info.txt")
            .lines()
            .map(|l| {
                if l.starts_with(&format!("{label}:")) {
                    format!("{label}: {value}\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        // Written after fix_bag, which would otherwise restore the manifest's facts.
        bag.fix_bag().set("bag-info.txt", info);
        let mut b = bag.clone();
        b.fix_tag_manifest();
        assert_codes(&b.verify(&no_options()), &["bag_info.mismatch"]);
    }
}

// ───────────────────────────── proofs stand alone ─────────────────────────────

#[test]
fn an_inclusion_proof_checks_against_the_signed_statement_alone() {
    let bag = Bag::reference();
    let m = manifest_of(&bag);
    let statement = ProofStatement::new(
        bag.text(JWS_PATH).trim().to_owned(),
        serde_json::from_slice(bag.get(KEY_HISTORY_PATH)).unwrap(),
    );
    let proof = m.prove(DEVICE_ITEM).unwrap();
    let proven = statement.check(&proof, &TrustAnchors::default()).unwrap();
    assert_eq!(proven.claims.tree_size, Some(m.items.len() as u64));
    assert_eq!(proven.claims.merkle_root, m.merkle_root);

    // A proof claiming another tree size (a shorter tree it was built against): refused,
    // though its path would fit that tree.
    let mut lying = proof.clone();
    lying.tree_size -= 1;
    let err = statement
        .check(&lying, &TrustAnchors::default())
        .unwrap_err();
    assert!(matches!(err, ProofCheckError::TreeSize { .. }), "{err}");

    // A statement whose JWS is altered, or signed by someone else, proves nothing.
    let mut bad = statement.clone();
    bad.jws = seal(default_params(&other_signer())).jws;
    assert!(
        statement
            .check(&proof, &trusting(&other_signer()).trust)
            .is_err()
    );
    assert!(bad.check(&proof, &TrustAnchors::default()).is_err());
}

// ───────────────────────────── reviews after the seal ─────────────────────────────

fn with_addendum(kinds: &[&str]) -> (SealedBundle, Vec<u8>) {
    let mut bundle = seal(default_params(&signer()));
    let mut log = bundle.events.clone();
    for kind in kinds {
        log.append(
            "2026-11-30T10:00:00+08:00",
            "auditor-1",
            kind,
            serde_json::json!({ "verdict": "accepted" }),
        )
        .unwrap();
    }
    let after = log.events()[bundle.events.events().len()..].to_vec();
    let digest = bundle.manifest.digest().unwrap();
    bundle.addendum = Some(
        Addendum::sign(
            &bundle.manifest,
            &digest,
            after,
            &signer(),
            "2026-11-30T02:00:00Z",
        )
        .unwrap(),
    );
    let zip = export(&bundle);
    (bundle, zip)
}

#[test]
fn a_review_after_the_seal_travels_as_a_signed_addendum() {
    let (_, zip) = with_addendum(&["inspection.reviewed"]);
    let r = verify(zip.clone(), &trusting(&signer()));
    assert_codes(&r, &[]);
    let info = r.addendum.expect("the addendum is reported");
    assert_eq!(info.kinds, vec!["inspection.reviewed".to_owned()]);

    // An addendum event edited (verdict changed), the BagIt manifests fixed.
    let mut bag = Bag::read(&zip);
    let text = bag
        .text(ADDENDUM_EVENTS_PATH)
        .replace("accepted", "rejected");
    bag.set(ADDENDUM_EVENTS_PATH, text).fix_bag();
    assert_codes(&bag.verify(&no_options()), &["addendum.invalid"]);

    // The addendum's signature dropped: incomplete.
    let mut bag = Bag::read(&zip);
    bag.remove(ADDENDUM_JWS_PATH).fix_bag();
    assert_codes(&bag.verify(&no_options()), &["addendum.incomplete"]);

    // An addendum of another bundle's events does not continue this chain.
    let mut bag = Bag::read(&zip);
    let other = Bag::read(&export(&{
        let mut b = seal(Params {
            inspection_id: "another-inspection",
            ..default_params(&signer())
        });
        let digest = b.manifest.digest().unwrap();
        let mut log = b.events.clone();
        log.append(
            "2026-11-30T10:00:00+08:00",
            "auditor-1",
            "inspection.reviewed",
            serde_json::json!({}),
        )
        .unwrap();
        let after = log.events()[b.events.events().len()..].to_vec();
        b.addendum = Some(
            Addendum::sign(
                &b.manifest,
                &digest,
                after,
                &signer(),
                "2026-11-30T02:00:00Z",
            )
            .unwrap(),
        );
        b
    }));
    bag.set(
        ADDENDUM_EVENTS_PATH,
        other.get(ADDENDUM_EVENTS_PATH).to_vec(),
    )
    .set(ADDENDUM_JWS_PATH, other.get(ADDENDUM_JWS_PATH).to_vec())
    .fix_bag();
    assert_codes(&bag.verify(&no_options()), &["addendum.invalid"]);

    // Signed by a key outside --trust.
    assert_codes(
        &verify(zip, &trusting(&other_signer())),
        &["signature.untrusted", "addendum.untrusted"],
    );
}

// ───────────────────────────── official means official ─────────────────────────────

fn official_request<'a>(
    inspection: &'a hecha_core::model::Inspection,
    evidence: &'a [EvidenceItem],
    key: &Ed25519Key,
) -> SealRequest<'a> {
    SealRequest {
        inspection,
        evidence,
        device_signatures: BTreeMap::new(),
        profile: RuleProfile::builtin("jiangsu-suzhou").unwrap(),
        events: EventLog::new(),
        key_history: history_for(key, KeyPurpose::Official),
        device_keys: Jwks::default(),
        sealed_at: time("2026-11-23T10:00:00Z"),
        previous_manifest_sha256: None,
    }
}

fn sign_off(id: &str, role: SignerRole, image: Option<&str>, person: bool) -> EvidenceItem {
    let mut item: EvidenceItem = serde_json::from_value(serde_json::json!({
        "id": id, "rule_ids": [], "captured_by": "inspector-1", "source": "in_app",
        "kind": "sign_off", "signer_role": role, "name": "张三",
        "signed_at": "2026-11-23T17:00:00+08:00",
    }))
    .unwrap();
    if let Some(sha) = image {
        item.blob = Some(serde_json::from_value(serde_json::json!({"sha256": sha, "size": 10, "media_type": "image/png", "file_name": "sig.png"})).unwrap());
    }
    if person && let EvidenceBody::SignOff(s) = &mut item.body {
        s.person = Some(PersonId {
            id_masked: "320***********1234".into(),
            id_hash: KeyedHash {
                key_id: "k1".into(),
                hmac_sha256: "cd".repeat(32),
            },
        });
    }
    item
}

#[test]
fn an_official_seal_needs_the_sign_offs_the_profile_requires() {
    let mut inspection = FOLDER.inspection.clone();
    inspection.mode = Mode::Official;
    let key = signer();
    let base = FOLDER.evidence.clone();
    let image = "ab".repeat(32);
    let cases: Vec<(&str, Vec<EvidenceItem>)> = vec![
        ("none", vec![]),
        (
            "no representative",
            vec![sign_off("so-1", SignerRole::Inspector, None, false)],
        ),
        (
            "a representative without the person",
            vec![
                sign_off("so-1", SignerRole::Inspector, None, false),
                sign_off(
                    "so-2",
                    SignerRole::CompanyRepresentative,
                    Some(&image),
                    false,
                ),
            ],
        ),
        (
            "one image for two roles",
            vec![
                sign_off("so-1", SignerRole::Inspector, Some(&image), false),
                sign_off(
                    "so-2",
                    SignerRole::CompanyRepresentative,
                    Some(&image),
                    true,
                ),
            ],
        ),
    ];
    for (what, extra) in cases {
        let mut evidence = base.clone();
        evidence.extend(extra);
        let err = seal_bundle(official_request(&inspection, &evidence, &key), &key, None)
            .err()
            .unwrap_or_else(|| panic!("{what}: sealed"));
        assert!(matches!(err, SealError::SignOffs(_)), "{what}: {err}");
    }
    // All there: the seal goes through.
    let mut evidence = base.clone();
    evidence.push(sign_off("so-1", SignerRole::Inspector, None, false));
    evidence.push(sign_off(
        "so-2",
        SignerRole::CompanyRepresentative,
        Some(&image),
        true,
    ));
    seal_bundle(official_request(&inspection, &evidence, &key), &key, None).unwrap();
}

#[test]
fn each_mode_is_sealed_by_its_own_keys_only() {
    // A rehearsal sealed with an official key: refused.
    let key = signer();
    let err = seal_bundle(
        SealRequest {
            key_history: history_for(&key, KeyPurpose::Official),
            ..official_request(&FOLDER.inspection, &FOLDER.evidence, &key)
        },
        &key,
        None,
    )
    .err()
    .expect("refused");
    assert!(matches!(err, SealError::KeyPurpose { .. }), "{err}");

    // A forger relabels a rehearsal bundle official and re-signs it with the rehearsal
    // key: the key's purpose says rehearsal.
    let mut bag = Bag::reference();
    let mut m = manifest_of(&bag);
    m.mode = Mode::Official;
    m.inspection.mode = Mode::Official;
    let jws = m.sign(&signer()).unwrap();
    bag.set(MANIFEST_PATH, canonical(&m))
        .set(JWS_PATH, jws)
        .fix_bag();
    let c = codes(&bag.verify(&no_options()));
    assert!(c.contains("signature.purpose"), "{c:?}");
    assert!(c.contains("signoff.invalid"), "{c:?}");
}

#[test]
fn two_items_never_share_an_evidence_file() {
    let mut evidence = FOLDER.evidence.clone();
    let photo = evidence
        .iter()
        .find(|i| i.id == DEVICE_ITEM)
        .unwrap()
        .clone();
    let mut twin = photo.clone();
    // `photo/ups` and `photo_ups` differ, but both would be stored as photo_ups.jpg.
    twin.id = DEVICE_ITEM.replace('-', "/");
    let mut first = photo;
    first.id = DEVICE_ITEM.replace('-', "_");
    evidence.push(first);
    evidence.push(twin);
    let key = signer();
    let err = seal_bundle(
        SealRequest {
            inspection: &FOLDER.inspection,
            evidence: &evidence,
            device_signatures: BTreeMap::new(),
            profile: RuleProfile::builtin("jiangsu-suzhou").unwrap(),
            events: EventLog::new(),
            key_history: single_key_history(&key),
            device_keys: Jwks::default(),
            sealed_at: time("2026-11-23T10:00:00Z"),
            previous_manifest_sha256: None,
        },
        &key,
        None,
    )
    .err()
    .expect("refused");
    assert!(
        matches!(err, SealError::EvidencePathCollision { .. }),
        "{err}"
    );
}

// ───────────────────────────── v1 bundles ─────────────────────────────

fn v1_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/v1")
        .join(name)
}

/// `suzhou-gaps.zip` was sealed by `hecha seal` before v2 (commit 1b2f249) with the key in
/// `signer.pem`; it must keep verifying, and the report must say what it cannot prove.
#[test]
fn a_v1_bundle_still_verifies_and_says_what_it_cannot_prove() {
    let zip = std::fs::read(v1_fixture("suzhou-gaps.zip")).unwrap();
    let key = Ed25519Key::read_pem_file(&v1_fixture("signer.pem")).unwrap();
    let r = verify(zip.clone(), &trusting(&key));
    assert_codes(&r, &[]);
    assert_eq!(r.schema.as_deref(), Some("hecha.bundle/v1"));
    assert_eq!(r.signer_pinned, Some(true));
    assert!(note_codes(&r).contains("bundle.v1"), "{:?}", r.notes);
    // Its statement signs no tree size: a stand-alone proof is refused.
    let bag = Bag::read(&zip);
    let statement = ProofStatement::new(
        bag.text(JWS_PATH).trim().to_owned(),
        serde_json::from_slice(bag.get(KEY_HISTORY_PATH)).unwrap(),
    );
    let proof = manifest_of(&bag)
        .prove(&manifest_of(&bag).items[0].item.id)
        .unwrap();
    assert!(matches!(
        statement.check(&proof, &TrustAnchors::default()),
        Err(ProofCheckError::NoTreeSize)
    ));
    // And it is still checked: one byte of its manifest changed is caught.
    let mut bag = Bag::read(&zip);
    let mut m = manifest_of(&bag);
    m.inspection.id.push('x');
    bag.set(MANIFEST_PATH, canonical(&m)).fix_bag();
    assert!(codes(&bag.verify(&no_options())).contains("signature.manifest"));
}

// ───────────────────────────── rehearsal vs official ─────────────────────────────

#[test]
fn a_rehearsal_relabelled_official() {
    // The manifest's mode only.
    let mut bag = Bag::reference();
    let mut m = manifest_of(&bag);
    assert_eq!(m.mode, Mode::Rehearsal);
    m.mode = Mode::Official;
    bag.set(MANIFEST_PATH, canonical(&m)).fix_bag();
    let r = bag.verify(&no_options());
    // v2 also sees a rehearsal key signing an official bundle, and no sign-offs.
    assert_codes(
        &r,
        &[
            "manifest.integrity",
            "signature.manifest",
            "signature.mode",
            "signature.purpose",
            "signoff.invalid",
        ],
    );

    // The inspection's mode too (consistent, and required official).
    m.inspection.mode = Mode::Official;
    bag.set(MANIFEST_PATH, canonical(&m)).fix_bag();
    let options = VerifyOptions {
        require_official: true,
        ..no_options()
    };
    let mut c = codes(&bag.verify(&options));
    // The rules may or may not depend on the mode; the signature does.
    c.remove("findings.differ");
    assert_eq!(
        c,
        BTreeSet::from([
            "signature.manifest",
            "signature.mode",
            "signature.purpose",
            "signoff.invalid",
            "mode.unpinned",
        ])
    );

    // Naive attacker (tag manifest not fixed).
    let mut bag = Bag::reference();
    bag.set(MANIFEST_PATH, canonical(&m));
    let c = codes(&bag.verify(&no_options()));
    assert!(
        c.contains("bagit.hash_mismatch") && c.contains("signature.mode"),
        "{c:?}"
    );
}

#[test]
fn require_official_refuses_a_rehearsal() {
    let options = VerifyOptions {
        require_official: true,
        ..trusting(&signer())
    };
    assert_codes(&verify(BUNDLE.clone(), &options), &["mode.rehearsal"]);
}

#[test]
fn findings_changed_and_re_digested() {
    // The manifest edited to claim a finding passed: manifest digest differs (signature),
    // and re-computation disagrees.
    let mut bag = Bag::reference();
    let mut m = manifest_of(&bag);
    let f = m
        .findings
        .iter_mut()
        .find(|f| serde_json::to_value(f.status).unwrap() != "pass")
        .unwrap();
    f.status = serde_json::from_value(serde_json::json!("pass")).unwrap();
    bag.set(MANIFEST_PATH, canonical(&m)).fix_bag();
    assert_codes(
        &bag.verify(&no_options()),
        &[
            "findings.differ",
            "report.findings_csv",
            "signature.manifest",
        ],
    );
}

/// The reference bag with `m` as its manifest, signed again by the test signer, its
/// findings.csv made from `m`'s findings: what a signer who wrote `m` would export.
fn resigned_with_findings(m: &Manifest) -> Bag {
    let jws = m.sign(&signer()).unwrap();
    let mut bag = Bag::reference();
    bag.set(MANIFEST_PATH, canonical(m))
        .set(JWS_PATH, jws)
        .set("data/findings.csv", findings_csv(&m.findings))
        .fix_bag();
    bag
}

#[test]
fn findings_worded_otherwise_by_a_later_engine_still_verify() {
    // What a bundle sealed by an engine with other words looks like today: the same data,
    // other text, properly signed. It verifies, with a note naming the rule.
    let mut m = manifest_of(&Bag::reference());
    let rule = m.findings[0].rule_id.clone();
    m.findings[0].message.zh = "后来的引擎换了一种说法".into();
    m.findings[0].message.en = "a later engine's words".into();
    let bag = resigned_with_findings(&m);
    let r = bag.verify(&trusting(&signer()));
    assert_codes(&r, &[]);
    assert!(
        note_codes(&r).contains("findings.reworded"),
        "{:?}",
        r.notes
    );
    assert!(
        r.notes.iter().any(|n| n.message.en.contains(&rule)),
        "{:?}",
        r.notes
    );
    // The same signer claiming another status: the data disagrees.
    let mut m = manifest_of(&Bag::reference());
    let f = m
        .findings
        .iter_mut()
        .find(|f| serde_json::to_value(f.status).unwrap() == "pass")
        .unwrap();
    f.status = serde_json::from_value(serde_json::json!("fail")).unwrap();
    let bag = resigned_with_findings(&m);
    assert_codes(&bag.verify(&trusting(&signer())), &["findings.differ"]);
}

#[test]
fn findings_are_sealed_as_messages_and_their_arguments_are_data() {
    let m = manifest_of(&Bag::reference());
    assert!(
        m.findings.iter().all(|f| !f.says.is_empty()),
        "every sealed finding carries its messages"
    );
    // The signer's own words for a verdict that says something else: a measure-free
    // argument (a name, a date, a count in words) forged is caught by recomputation.
    let mut forged = m.clone();
    let (fi, mi) = forged
        .findings
        .iter()
        .enumerate()
        .find_map(|(fi, f)| {
            f.says
                .iter()
                .position(|s| !s.args.is_empty())
                .map(|mi| (fi, mi))
        })
        .expect("a message with arguments");
    let said = &mut forged.findings[fi].says[mi];
    let name = said.args.keys().next().unwrap().clone();
    said.args
        .insert(name, hecha_core::i18n::Arg::Text("forged".into()));
    forged.findings[fi].message = hecha_core::i18n::text_of(&forged.findings[fi].says);
    let bag = resigned_with_findings(&forged);
    assert_codes(&bag.verify(&trusting(&signer())), &["findings.differ"]);

    // Findings sealed as words only (before the catalogue) still verify as data, and the
    // verifier says their words were not re-rendered.
    let mut old = m.clone();
    for f in &mut old.findings {
        f.says.clear();
    }
    let bag = resigned_with_findings(&old);
    let r = bag.verify(&trusting(&signer()));
    assert_codes(&r, &[]);
    assert!(
        note_codes(&r).contains("findings.words_only"),
        "{:?}",
        r.notes
    );
    assert!(
        !note_codes(&r).contains("findings.reworded"),
        "{:?}",
        r.notes
    );
}

#[test]
fn findings_judged_otherwise_by_a_later_engine_are_noted_not_failed() {
    // A bundle sealed by an earlier engine whose rules were corrected since: the same facts
    // now give another verdict. The sealed findings are that engine's, signed; this engine
    // cannot re-check them and says so. Under the same engine version the same difference
    // is a forgery.
    let mut m = manifest_of(&Bag::reference());
    let f = m
        .findings
        .iter_mut()
        .find(|f| serde_json::to_value(f.status).unwrap() == "pass")
        .unwrap();
    f.status = serde_json::from_value(serde_json::json!("fail")).unwrap();
    let rule = f.rule_id.clone();
    m.engine_version = "hecha-core/0.1.0".into();
    let bag = resigned_with_findings(&m);
    let r = bag.verify(&trusting(&signer()));
    assert_codes(&r, &[]);
    let note = r
        .notes
        .iter()
        .find(|n| n.code == "findings.other_engine")
        .expect("a note");
    assert!(note.message.en.contains(&rule), "{:?}", note.message);
    let strict = VerifyOptions {
        strict_findings: true,
        ..trusting(&signer())
    };
    assert_codes(&bag.verify(&strict), &["findings.differ"]);
}

// ───────────────────────────── malicious zips ─────────────────────────────

fn files_under(dir: &Path) -> BTreeSet<PathBuf> {
    walk(dir).into_iter().collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

/// Whether a refusal is the expected one.
type IsExpected = fn(&BagError) -> bool;

fn zip_with(entries: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        w.start_file(
            *name,
            SimpleFileOptions::default().compression_method(method),
        )
        .unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The reference bag's files plus `extra` raw entries.
fn bag_plus(extra: &[(&str, &[u8])]) -> Vec<u8> {
    let bag = Bag::reference();
    let names: Vec<String> = bag
        .files
        .iter()
        .map(|(p, _)| format!("{}/{p}", bag.top))
        .collect();
    let mut all: Vec<(&str, &[u8])> = names
        .iter()
        .zip(&bag.files)
        .map(|(n, (_, b))| (n.as_str(), b.as_slice()))
        .collect();
    all.extend_from_slice(extra);
    zip_with(&all, CompressionMethod::Stored)
}

#[test]
fn malicious_zips_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let top = Bag::reference().top;
    let escape = format!("{top}/../../hecha-tamper-escape.txt");
    let absolute = "/tmp/hecha-tamper-absolute.txt".to_owned();
    let zeros = vec![0u8; 64 << 20];
    let bomb_name = format!("{top}/data/evidence/zeros.bin");

    let mut cases: Vec<(&str, Vec<u8>, IsExpected)> = vec![
        (
            "path traversal",
            bag_plus(&[(escape.as_str(), b"x")]),
            |e| matches!(e, BagError::UnsafeName(_)),
        ),
        (
            "absolute path",
            bag_plus(&[(absolute.as_str(), b"x")]),
            |e| matches!(e, BagError::UnsafeName(_)),
        ),
        (
            "zip bomb",
            {
                let bag = Bag::reference();
                let mut entries: Vec<(String, Vec<u8>)> = bag
                    .files
                    .iter()
                    .map(|(p, b)| (format!("{top}/{p}"), b.clone()))
                    .collect();
                entries.push((bomb_name.clone(), zeros.clone()));
                let refs: Vec<(&str, &[u8])> = entries
                    .iter()
                    .map(|(n, b)| (n.as_str(), b.as_slice()))
                    .collect();
                zip_with(&refs, CompressionMethod::Deflated)
            },
            |e| matches!(e, BagError::Bomb { .. }),
        ),
    ];
    // A symlink entry pointing outside.
    {
        let bag = Bag::reference();
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (p, b) in &bag.files {
            w.start_file(format!("{top}/{p}"), SimpleFileOptions::default())
                .unwrap();
            w.write_all(b).unwrap();
        }
        w.add_symlink(
            format!("{top}/data/evidence/link.jpg"),
            "/etc/passwd",
            SimpleFileOptions::default(),
        )
        .unwrap();
        cases.push(("symlink", w.finish().unwrap().into_inner(), |e| {
            matches!(e, BagError::Symlink(_))
        }));
    }
    // Duplicate names: a second manifest.json with other content (patched name bytes).
    {
        let decoy = format!("{top}/hecha/manifest.jsoX");
        let zip = bag_plus(&[(decoy.as_str(), b"{\"forged\":true}")]);
        let needle = decoy.as_bytes();
        let mut patched = zip.clone();
        let mut hits = 0;
        for i in 0..zip.len() - needle.len() {
            if &zip[i..i + needle.len()] == needle {
                *patched.get_mut(i + needle.len() - 1).unwrap() = b'n';
                hits += 1;
            }
        }
        assert_eq!(hits, 2, "local header and central directory");
        cases.push(("duplicate names", patched, |e| {
            matches!(e, BagError::Duplicate(_) | BagError::Zip(_))
        }));
    }

    let before = files_under(dir.path());
    for (what, zip, expected) in cases {
        let path = work.join(format!("{}.zip", what.replace(' ', "-")));
        std::fs::write(&path, &zip).unwrap();
        let listing = files_under(dir.path());
        let err = verify_bundle(
            std::fs::File::open(&path).unwrap(),
            &trusting(&signer()),
            &mut |_| {},
        )
        .err()
        .unwrap_or_else(|| panic!("{what} was not refused"));
        assert!(expected(&err), "{what}: {err:?}");
        assert!(!err.to_string().is_empty());
        assert_eq!(files_under(dir.path()), listing, "{what} wrote something");
        std::fs::remove_file(&path).unwrap();
    }
    assert_eq!(files_under(dir.path()), before);
    assert!(!dir.path().join("../hecha-tamper-escape.txt").exists());
    assert!(!Path::new(&absolute).exists());
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    for bytes in [
        Vec::new(),
        b"PK\x03\x04 not really".to_vec(),
        BUNDLE[..1000].to_vec(),
    ] {
        assert!(verify_bundle(Cursor::new(bytes), &no_options(), &mut |_| {}).is_err());
    }
    // A truncated tail: the central directory is gone.
    let cut = BUNDLE[..BUNDLE.len() - 30].to_vec();
    assert!(verify_bundle(Cursor::new(cut), &no_options(), &mut |_| {}).is_err());
}

// ───────────────────────────── fuzz seeds ─────────────────────────────

/// Writes the sealed reference bundle and its signed documents as seeds of the fuzz
/// corpus (`fuzz/corpus/`): run again when the bundle format changes.
#[test]
#[ignore = "writes fuzz/corpus/ seeds: cargo test -p hecha-core --test core bundle_tamper::write_fuzz_seeds -- --ignored"]
fn write_fuzz_seeds() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    std::fs::write(corpus.join("bundle_reader/sealed-bundle.zip"), &*BUNDLE).unwrap();
    let bag = Bag::reference();
    for path in [MANIFEST_PATH, JWS_PATH, KEY_HISTORY_PATH, JWKS_PATH] {
        let name = path.rsplit('/').next().unwrap();
        std::fs::write(corpus.join("jws_manifest").join(name), bag.get(path)).unwrap();
    }
}

//! Offline verification of a sealed bundle: no server, no network. Checks the BagIt
//! manifests, every hash, the Merkle root, the signature and its key history, device
//! signatures, the event chain, the rule profile and re-computed findings, and reports
//! rehearsal vs official. Every problem found is listed, not just the first.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Seek};

use serde::Serialize;

use super::bagit::{BagError, BagProblem, BagZip, ReadLimits};
use super::export::{
    EVENTS_PATH, JWKS_PATH, JWS_PATH, KEY_HISTORY_PATH, MANIFEST_PATH, PROFILE_PATH,
    TIMESTAMP_PATH, evidence_path, findings_csv,
};
use crate::model::Mode;
use crate::rules::RuleProfile;
use crate::seal::events::EventLog;
use crate::seal::keys::{Jwks, KeyChain, KeyHistory, PublicJwk};
use crate::seal::manifest::Manifest;
use crate::seal::sign::verify_bundle_jws_in_chain;
use crate::seal::timestamp::{TimestampInfo, TsaTrustAnchors, verify_token};

/// A token dated this long before the sealing time cannot be for this seal.
const TIMESTAMP_SKEW_S: i64 = 300;

/// Small tag files are read whole; nothing legitimate is bigger than this.
const MAX_TAG_FILE: u64 = 256 * 1024 * 1024;

/// What the verifier is told to trust.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Pinned signer keys (`--trust`). Empty: the signer is reported as not pinned.
    pub trusted: Vec<PublicJwk>,
    /// Fail a rehearsal bundle (it never verifies as an official record).
    pub require_official: bool,
    /// Certificates the time-stamping authority must chain to (`--tsa-trust`). Empty: a
    /// token is checked for integrity and the TSA is reported as not pinned.
    pub tsa_anchors: TsaTrustAnchors,
}

/// The verdict.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub inspection_id: Option<String>,
    pub mode: Option<Mode>,
    pub signer_kid: Option<String>,
    pub sealed_at: Option<String>,
    pub manifest_sha256: Option<String>,
    pub merkle_root: Option<String>,
    pub items: usize,
    pub events: usize,
    /// `None` without `--trust`; else whether the signer is reached from a pinned key.
    pub signer_pinned: Option<bool>,
    pub timestamped: bool,
    /// What the RFC 3161 token says, when there is one and it verifies.
    pub timestamp: Option<TimestampInfo>,
    pub problems: Vec<Problem>,
}

/// One problem, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub code: &'static str,
    pub message: String,
}

impl From<BagProblem> for Problem {
    fn from(p: BagProblem) -> Self {
        Self {
            code: p.code,
            message: p.message,
        }
    }
}

impl VerifyReport {
    /// Intact, and (when keys were pinned) signed by a trusted key.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    fn push(&mut self, code: &'static str, message: impl Into<String>) {
        self.problems.push(Problem {
            code,
            message: message.into(),
        });
    }
}

/// Verifies a bundle zip. `Err` only when the input cannot be read as a bag at all (not a
/// zip, or refused as malicious before any content is read).
pub fn verify_bundle<R: Read + Seek>(
    input: R,
    options: &VerifyOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<VerifyReport, BagError> {
    let mut bag = BagZip::open(input, ReadLimits::default())?;
    let mut report = VerifyReport {
        inspection_id: None,
        mode: None,
        signer_kid: None,
        sealed_at: None,
        manifest_sha256: None,
        merkle_root: None,
        items: 0,
        events: 0,
        signer_pinned: None,
        timestamped: false,
        timestamp: None,
        problems: Vec::new(),
    };
    let check = bag.check(progress);
    report
        .problems
        .extend(check.problems.into_iter().map(Problem::from));
    let payload: BTreeMap<&str, (&str, u64)> = check
        .payload
        .iter()
        .map(|e| (e.path.as_str(), (e.sha256.as_str(), e.size)))
        .collect();

    let read = |bag: &mut BagZip<R>, report: &mut VerifyReport, path: &str| match bag
        .read_small(path, MAX_TAG_FILE)
    {
        Ok(b) => Some(b),
        Err(e) => {
            report.push("bundle.missing_file", format!("{path}: {e}"));
            None
        }
    };

    // The manifest.
    let Some(manifest_bytes) = read(&mut bag, &mut report, MANIFEST_PATH) else {
        return Ok(report);
    };
    let manifest = match Manifest::from_json(&manifest_bytes) {
        Ok(m) => m,
        Err(e) => {
            report.push("manifest.unreadable", e.to_string());
            return Ok(report);
        }
    };
    report.inspection_id = Some(manifest.inspection.id.clone());
    report.mode = Some(manifest.mode);
    report.signer_kid = Some(manifest.signer_kid.clone());
    report.sealed_at = Some(manifest.sealed_at.clone());
    report.merkle_root = Some(manifest.merkle_root.clone());
    report.items = manifest.items.len();
    report.timestamped = manifest.timestamped;
    match manifest.to_canonical_json() {
        Ok(canon) if canon == manifest_bytes => {}
        Ok(_) => report.push(
            "manifest.not_canonical",
            "hecha/manifest.json is not in canonical (RFC 8785) form",
        ),
        Err(e) => report.push("manifest.not_canonical", e.to_string()),
    }
    let digest = crate::seal::hash::sha256_hex(&manifest_bytes);
    report.manifest_sha256 = Some(digest.clone());
    for p in manifest.check_integrity() {
        report.push("manifest.integrity", p.to_string());
    }

    // The signer's key history and the bundle signature.
    let chain: Option<KeyChain> =
        read(&mut bag, &mut report, KEY_HISTORY_PATH).and_then(|b| match serde_json::from_slice::<
            KeyHistory,
        >(&b)
        .map_err(|e| e.to_string())
        .and_then(|h| h.verify().map_err(|e| e.to_string()))
        {
            Ok(chain) => Some(chain),
            Err(e) => {
                report.push("keys.history", e);
                None
            }
        });
    if let (Some(jws), Some(chain)) = (read(&mut bag, &mut report, JWS_PATH), &chain) {
        let token = String::from_utf8_lossy(&jws).trim().to_owned();
        match verify_bundle_jws_in_chain(&token, chain) {
            Ok(claims) => {
                if claims.manifest_sha256 != digest {
                    report.push(
                        "signature.manifest",
                        format!(
                            "the signature covers manifest {}, the bundle holds {digest}",
                            claims.manifest_sha256
                        ),
                    );
                }
                if claims.merkle_root != manifest.merkle_root {
                    report.push(
                        "signature.merkle_root",
                        "the signature covers another Merkle root",
                    );
                }
                if claims.inspection_id != manifest.inspection.id {
                    report.push(
                        "signature.inspection",
                        format!("the signature is for inspection {}", claims.inspection_id),
                    );
                }
                if claims.mode != manifest.mode {
                    report.push(
                        "signature.mode",
                        format!("signed as {:?}, labelled {:?}", claims.mode, manifest.mode),
                    );
                }
                if claims.sealed_at != manifest.sealed_at {
                    report.push(
                        "signature.sealed_at",
                        "the signature's sealing time differs from the manifest's",
                    );
                }
                match crate::seal::sign::bundle_jws_kid(&token) {
                    Ok(kid) if kid != manifest.signer_kid => report.push(
                        "signature.kid",
                        format!(
                            "signed by {kid}, the manifest names {}",
                            manifest.signer_kid
                        ),
                    ),
                    _ => {}
                }
            }
            Err(e) => report.push("signature.invalid", e.to_string()),
        }
        if !options.trusted.is_empty() {
            let trusted: Vec<String> = options.trusted.iter().map(PublicJwk::thumbprint).collect();
            let refs: Vec<&str> = trusted.iter().map(String::as_str).collect();
            let pinned = chain.is_reached_from(&refs, &manifest.signer_kid);
            report.signer_pinned = Some(pinned);
            if !pinned {
                report.push(
                    "signature.untrusted",
                    format!(
                        "signer {} is not reached from any --trust key",
                        manifest.signer_kid
                    ),
                );
            }
        }
    }

    // Device signatures.
    if let Some(b) = read(&mut bag, &mut report, JWKS_PATH) {
        match serde_json::from_slice::<Jwks>(&b) {
            Ok(jwks) => {
                for p in manifest.verify_device_signatures(&jwks) {
                    report.push("device.signature", p.to_string());
                }
            }
            Err(e) => report.push("keys.jwks", e.to_string()),
        }
    }

    // The event chain and its head.
    if let Some(b) = read(&mut bag, &mut report, EVENTS_PATH) {
        match EventLog::read_jsonl(&b[..]) {
            Ok(Ok(log)) => {
                report.events = log.events().len();
                if log.head() != manifest.event_log.head
                    || log.events().len() as u64 != manifest.event_log.count
                {
                    report.push(
                        "events.head",
                        format!(
                            "the log ends at {} after {} events; the manifest says {} after {}",
                            log.head(),
                            log.events().len(),
                            manifest.event_log.head,
                            manifest.event_log.count
                        ),
                    );
                }
            }
            Ok(Err(breaks)) => {
                for b in breaks {
                    report.push("events.chain", b.to_string());
                }
            }
            Err(e) => report.push("events.unreadable", e.to_string()),
        }
    }

    // The rule profile, byte for byte, and the findings re-computed from the recorded facts.
    if let Some(b) = read(&mut bag, &mut report, PROFILE_PATH) {
        let sha = crate::seal::hash::sha256_hex(&b);
        if sha != manifest.profile.sha256 {
            report.push(
                "profile.digest",
                format!(
                    "hecha/profile.toml has SHA-256 {sha}, the manifest says {}",
                    manifest.profile.sha256
                ),
            );
        }
        match String::from_utf8(b)
            .map_err(|e| e.to_string())
            .and_then(|t| RuleProfile::from_toml(&t).map_err(|e| e.to_string()))
        {
            Ok(profile) => {
                if let Err(e) = manifest.verify_findings(&profile) {
                    report.push("findings.differ", e.to_string());
                }
            }
            Err(e) => report.push("profile.invalid", e),
        }
    }

    // Evidence files: each item's bytes present with the digest and size the manifest seals.
    let mut expected = BTreeSet::new();
    for entry in &manifest.items {
        let item = &entry.item;
        let (Some(path), Some(blob)) = (evidence_path(item), &item.blob) else {
            continue;
        };
        match payload.get(path.as_str()) {
            Some((sha, size)) if *sha == blob.sha256 && *size == blob.size => {}
            Some((sha, size)) => report.push(
                "evidence.mismatch",
                format!(
                    "{path}: {size} bytes with SHA-256 {sha}; sealed as {} bytes with {}",
                    blob.size, blob.sha256
                ),
            ),
            None => report.push(
                "evidence.missing",
                format!("{path} (item {}) is not in the bag", item.id),
            ),
        }
        expected.insert(path);
    }
    let extra: Vec<String> = bag
        .paths()
        .filter(|p| p.starts_with("data/evidence/") && !expected.contains(*p))
        .map(str::to_owned)
        .collect();
    for p in extra {
        report.push(
            "evidence.unexpected",
            format!("{p} is not an item of the manifest"),
        );
    }

    // The derived payload: findings.csv is re-made from the sealed findings (the report
    // cannot be, cheaply: its thumbnails come from the photos; it carries the manifest
    // digest). A file the format does not name is not covered by the signature: a careful
    // forger could add one and keep BagIt consistent, so it is reported.
    for path in [REPORT_PATH, FINDINGS_CSV_PATH] {
        if !bag.contains(path) {
            report.push("bundle.missing_file", format!("{path} is not in the bag"));
        }
    }
    if let Some((sha, _)) = payload.get(FINDINGS_CSV_PATH) {
        let want = crate::seal::hash::sha256_hex(findings_csv(&manifest.findings).as_bytes());
        if *sha != want {
            report.push(
                "report.findings_csv",
                format!("{FINDINGS_CSV_PATH} does not list the sealed findings"),
            );
        }
    }
    let unexpected: Vec<String> = bag
        .paths()
        .filter(|p| !p.starts_with("data/evidence/") && !is_bundle_file(p))
        .map(str::to_owned)
        .collect();
    for p in unexpected {
        report.push(
            "bundle.unexpected_file",
            format!("{p} is not part of the bundle format (not covered by the signature)"),
        );
    }

    // Trusted time: the token must be present exactly when the manifest says so, cover
    // the manifest digest, and not predate the sealing.
    match (manifest.timestamped, bag.contains(TIMESTAMP_PATH)) {
        (true, false) => report.push(
            "timestamp.missing",
            "the manifest says time-stamped but hecha/timestamp.tsr is absent",
        ),
        (false, true) => report.push(
            "timestamp.unexpected",
            "hecha/timestamp.tsr is present but the manifest is not time-stamped",
        ),
        (true, true) => {
            if let Some(token) = read(&mut bag, &mut report, TIMESTAMP_PATH) {
                match verify_token(&token, &digest, &options.tsa_anchors) {
                    Ok(info) => {
                        let generated = chrono::DateTime::parse_from_rfc3339(&info.gen_time).ok();
                        let sealed = chrono::DateTime::parse_from_rfc3339(&manifest.sealed_at).ok();
                        if let (Some(generated), Some(sealed)) = (generated, sealed)
                            && (sealed - generated).num_seconds() > TIMESTAMP_SKEW_S
                        {
                            report.push(
                                "timestamp.before_sealing",
                                format!(
                                    "the token is dated {}, before the sealing at {}",
                                    info.gen_time, manifest.sealed_at
                                ),
                            );
                        }
                        report.timestamp = Some(info);
                    }
                    Err(e) => report.push("timestamp.invalid", e.to_string()),
                }
            }
        }
        (false, false) => {}
    }

    if options.require_official && manifest.mode != Mode::Official {
        report.push(
            "mode.rehearsal",
            "a rehearsal bundle is never an official record",
        );
    }
    Ok(report)
}

const REPORT_PATH: &str = "data/report.html";
const FINDINGS_CSV_PATH: &str = "data/findings.csv";

/// The files a bundle may hold besides its evidence: BagIt's own (other checksum
/// algorithms' manifests too), the report, and the `hecha/` tag files.
fn is_bundle_file(rel: &str) -> bool {
    let manifest_of_alg = |prefix: &str| {
        rel.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(".txt"))
            .is_some_and(|alg| !alg.is_empty() && alg.chars().all(|c| c.is_ascii_alphanumeric()))
    };
    matches!(
        rel,
        "bagit.txt"
            | "bag-info.txt"
            | REPORT_PATH
            | FINDINGS_CSV_PATH
            | MANIFEST_PATH
            | JWS_PATH
            | JWKS_PATH
            | KEY_HISTORY_PATH
            | EVENTS_PATH
            | PROFILE_PATH
            | TIMESTAMP_PATH
    ) || manifest_of_alg("manifest-")
        || manifest_of_alg("tagmanifest-")
}

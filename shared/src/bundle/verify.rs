//! Offline verification of a sealed bundle: no server, no network. Checks the BagIt
//! manifests, every hash, the Merkle root, the signature and its key history, device
//! signatures, the event chain, the rule profile and re-computed findings, and reports
//! rehearsal vs official. Every problem found is listed, not just the first.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Seek};

use serde::Serialize;

use super::addendum::{ADDENDUM_EVENTS_PATH, ADDENDUM_JWS_PATH, Addendum, AddendumInfo};
use super::bagit::{BagError, BagProblem, BagZip, ReadLimits};
use super::export::{
    EVENTS_PATH, JWKS_PATH, JWS_PATH, KEY_HISTORY_PATH, MANIFEST_PATH, PROFILE_PATH,
    TIMESTAMP_PATH, bag_info_for, evidence_path, findings_csv,
};
use super::seal::{evidence_path_collision, sign_off_problems};
use super::seal_log::{LogInfo, SEAL_LOG_PATH, check_seal_log};
use super::trust::TrustAnchors;
use crate::i18n::Message;
use crate::model::{Mode, Text};
use crate::msg;
use crate::rules::RuleProfile;
use crate::seal::BundleVersion;
use crate::seal::events::EventLog;
use crate::seal::key::Jwks;
use crate::seal::key_history::{KeyChain, KeyHistory};
use crate::seal::manifest::Manifest;
use crate::seal::sign::verify_bundle_jws_in_chain;
use crate::seal::timestamp::{TimestampInfo, TsaTrustAnchors, verify_token};

/// The one time tolerance of the format: a time-stamp's genTime and the manifest's
/// `sealed_at` may differ by this much, either way (clocks, the TSA round trip).
pub const TIME_TOLERANCE_S: i64 = 300;

/// Small tag files are read whole; nothing legitimate is bigger than this.
const MAX_TAG_FILE: u64 = 256 * 1024 * 1024;

/// What the verifier is told to trust and to require.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Pinned anchors (`--trust`): key histories and bare keys. Empty: the signer is
    /// reported as not pinned.
    pub trust: TrustAnchors,
    /// Fail a rehearsal bundle (it never verifies as an official record).
    pub require_official: bool,
    /// Fail a bundle without a valid RFC 3161 token: its time is only the signer's claim.
    pub require_timestamp: bool,
    /// Certificates the time-stamping authority must chain to (`--tsa-trust`). Empty: a
    /// token is checked for integrity and the TSA is reported as not pinned.
    pub tsa_anchors: TsaTrustAnchors,
    /// Fail a bundle without a seal-log proof (`--require-log`): one sealed offline, or
    /// before the server kept a log, is in no log anyone can audit.
    pub require_log: bool,
    /// Fail a bundle whose findings this engine judges otherwise even when another engine
    /// sealed it (`--strict-findings`). Without it, a difference under another engine
    /// version is a note: the rules were corrected since, and the sealed verdicts are what
    /// that engine gave.
    pub strict_findings: bool,
}

/// Where the bundle's trusted time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeSource {
    /// The RFC 3161 token's genTime.
    Timestamp,
    /// `sealed_at`: what the signer says.
    SignerClaim,
}

/// The verdict.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// The format the bundle was read as (`hecha.bundle/v1` or `/v2`).
    pub schema: Option<String>,
    pub inspection_id: Option<String>,
    pub mode: Option<Mode>,
    pub signer_kid: Option<String>,
    pub sealed_at: Option<String>,
    pub manifest_sha256: Option<String>,
    pub merkle_root: Option<String>,
    pub items: usize,
    pub events: usize,
    /// `None` without `--trust`; else whether the signer is reached from a pinned anchor.
    pub signer_pinned: Option<bool>,
    /// With `--trust`: whether the signer's retirement was checked (a pinned key history);
    /// bare keys cannot say when a key stopped signing.
    pub retirement_checked: Option<bool>,
    pub timestamped: bool,
    /// What the RFC 3161 token says, when there is one and it verifies.
    pub timestamp: Option<TimestampInfo>,
    /// The time the key's signing period is judged at, and where it comes from.
    pub trusted_time: Option<String>,
    pub time_source: Option<TimeSource>,
    /// The signed events after the seal (reviews), when the export carries them.
    pub addendum: Option<AddendumInfo>,
    /// The seal's place in the server's seal log, when the bundle carries a proof that holds.
    pub log: Option<LogInfo>,
    pub problems: Vec<Problem>,
    /// What the verifier could not establish, without being a problem (a v1 bundle's
    /// limits, a time that is only the signer's claim, an unchecked retirement).
    pub notes: Vec<Problem>,
}

/// One problem (or note), with a stable code: what it says is catalogue data, its words
/// are rendered in both languages for a reader of the JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub code: &'static str,
    /// The sentence as data (a catalogue id and its arguments).
    pub says: Message,
    /// `says` in Chinese and English.
    pub message: Text,
}

impl Problem {
    pub fn new(code: &'static str, says: Message) -> Self {
        Self {
            code,
            message: says.text(),
            says,
        }
    }
}

impl From<BagProblem> for Problem {
    fn from(p: BagProblem) -> Self {
        Self::new(p.code, p.says)
    }
}

/// A bundle mode as a word of the catalogue (official, rehearsal).
pub fn mode_word(mode: Mode) -> Message {
    match mode {
        Mode::Official => msg!("verify-kind-official"),
        Mode::Rehearsal => msg!("verify-kind-rehearsal"),
    }
}

impl VerifyReport {
    /// Intact, and (when keys were pinned) signed by a trusted key.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    fn push(&mut self, code: &'static str, says: Message) {
        self.problems.push(Problem::new(code, says));
    }

    fn note(&mut self, code: &'static str, says: Message) {
        self.notes.push(Problem::new(code, says));
    }

    fn empty() -> Self {
        Self {
            schema: None,
            inspection_id: None,
            mode: None,
            signer_kid: None,
            sealed_at: None,
            manifest_sha256: None,
            merkle_root: None,
            items: 0,
            events: 0,
            signer_pinned: None,
            retirement_checked: None,
            timestamped: false,
            timestamp: None,
            trusted_time: None,
            time_source: None,
            addendum: None,
            log: None,
            problems: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// The opened bag and what has been read of it, passed through the steps.
struct Bundle<'a, R: Read + Seek> {
    bag: BagZip<R>,
    report: VerifyReport,
    options: &'a VerifyOptions,
}

impl<R: Read + Seek> Bundle<'_, R> {
    /// A tag file, whole; absent or unreadable is the problem `bundle.missing_file`.
    fn read(&mut self, path: &str) -> Option<Vec<u8>> {
        match self.bag.read_small(path, MAX_TAG_FILE) {
            Ok(b) => Some(b),
            Err(e) => {
                self.report.push(
                    "bundle.missing_file",
                    msg!(
                        "verify-file-unreadable",
                        path = path,
                        detail = e.to_string()
                    ),
                );
                None
            }
        }
    }
}

/// Verifies a bundle zip. `Err` only when the input cannot be read as a bag at all (not a
/// zip, or refused as malicious before any content is read).
pub fn verify_bundle<R: Read + Seek>(
    input: R,
    options: &VerifyOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<VerifyReport, BagError> {
    let bag = BagZip::open(input, ReadLimits::default())?;
    let mut b = Bundle {
        bag,
        report: VerifyReport::empty(),
        options,
    };
    let check = b.bag.check(progress);
    b.report
        .problems
        .extend(check.problems.into_iter().map(Problem::from));
    let payload: BTreeMap<String, (String, u64)> = check
        .payload
        .into_iter()
        .map(|e| (e.path, (e.sha256, e.size)))
        .collect();

    let Some((manifest, digest)) = read_manifest(&mut b) else {
        return Ok(b.report);
    };
    let v2 = manifest.version() == Some(BundleVersion::V2);
    if !v2 {
        b.report.note("bundle.v1", msg!("verify-v1-limits"));
    }
    let chain = read_key_history(&mut b);
    let time = check_timestamp(&mut b, &manifest, &digest);
    if let Some((history, chain)) = &chain {
        check_signature(&mut b, &manifest, &digest, chain);
        check_trust(&mut b, &manifest, history, chain, &time);
        if v2 && chain.purpose().mode() != manifest.mode {
            b.report.push(
                "signature.purpose",
                msg!(
                    "verify-signature-purpose",
                    mode = mode_word(manifest.mode),
                    purpose = mode_word(chain.purpose().mode())
                ),
            );
        }
    }
    check_keys(&mut b, &manifest, chain.as_ref().map(|(_, c)| c), v2);
    check_addendum(&mut b, &manifest, &digest, chain.as_ref());
    check_log(&mut b, &manifest, &digest, chain.as_ref().map(|(_, c)| c));
    check_events(&mut b, &manifest);
    check_profile_and_findings(&mut b, &manifest, v2);
    check_evidence(&mut b, &manifest, &payload, v2);
    check_derived_files(&mut b, &manifest, &payload);
    check_bag_info(&mut b, &manifest, v2);

    if options.require_official && manifest.mode != Mode::Official {
        b.report
            .push("mode.rehearsal", msg!("verify-mode-rehearsal-refused"));
    }
    if options.require_official && options.trust.is_empty() {
        // Anyone can label a bundle official and sign it with a key of their own.
        b.report.push("mode.unpinned", msg!("verify-mode-unpinned"));
    }
    Ok(b.report)
}

/// `hecha/manifest.json`: parsed, canonical, integral. Returns it with its digest.
fn read_manifest<R: Read + Seek>(b: &mut Bundle<'_, R>) -> Option<(Manifest, String)> {
    let bytes = b.read(MANIFEST_PATH)?;
    let manifest = match Manifest::from_json(&bytes) {
        Ok(m) => m,
        Err(e) => {
            b.report.push(
                "manifest.unreadable",
                msg!("verify-manifest-unreadable", detail = e.to_string()),
            );
            return None;
        }
    };
    let r = &mut b.report;
    r.schema = Some(manifest.schema.clone());
    r.inspection_id = Some(manifest.inspection.id.clone());
    r.mode = Some(manifest.mode);
    r.signer_kid = Some(manifest.signer_kid.clone());
    r.sealed_at = Some(manifest.sealed_at.clone());
    r.merkle_root = Some(manifest.merkle_root.clone());
    r.items = manifest.items.len();
    r.timestamped = manifest.timestamped;
    match manifest.to_canonical_json() {
        Ok(canon) if canon == bytes => {}
        Ok(_) => r.push(
            "manifest.not_canonical",
            msg!("verify-manifest-not-canonical"),
        ),
        Err(e) => r.push(
            "manifest.not_canonical",
            msg!("verify-manifest-canonical-error", detail = e.to_string()),
        ),
    }
    let digest = crate::seal::hash::sha256_hex(&bytes);
    r.manifest_sha256 = Some(digest.clone());
    for p in manifest.check_integrity() {
        r.push(
            "manifest.integrity",
            msg!("verify-manifest-integrity", detail = p.to_string()),
        );
    }
    Some((manifest, digest))
}

/// The bundle's own key history, verified from its first key.
fn read_key_history<R: Read + Seek>(b: &mut Bundle<'_, R>) -> Option<(KeyHistory, KeyChain)> {
    let bytes = b.read(KEY_HISTORY_PATH)?;
    match serde_json::from_slice::<KeyHistory>(&bytes)
        .map_err(|e| e.to_string())
        .and_then(|h| h.verify().map(|c| (h, c)).map_err(|e| e.to_string()))
    {
        Ok(pair) => Some(pair),
        Err(e) => {
            b.report
                .push("keys.history", msg!("verify-keys-history", detail = e));
            None
        }
    }
}

/// Trusted time: the token is present exactly when the manifest says so, covers the
/// manifest digest, and its genTime is within [`TIME_TOLERANCE_S`] of `sealed_at`. Returns
/// the time the signer is judged at: genTime, or `sealed_at` (the signer's claim).
fn check_timestamp<R: Read + Seek>(
    b: &mut Bundle<'_, R>,
    manifest: &Manifest,
    digest: &str,
) -> String {
    let mut time = (manifest.sealed_at.clone(), TimeSource::SignerClaim);
    match (manifest.timestamped, b.bag.contains(TIMESTAMP_PATH)) {
        (true, false) => b
            .report
            .push("timestamp.missing", msg!("verify-timestamp-missing")),
        (false, true) => b
            .report
            .push("timestamp.unexpected", msg!("verify-timestamp-unexpected")),
        (true, true) => {
            if let Some(token) = b.read(TIMESTAMP_PATH) {
                match verify_token(&token, digest, &b.options.tsa_anchors) {
                    Ok(info) => {
                        let generated = chrono::DateTime::parse_from_rfc3339(&info.gen_time).ok();
                        let sealed = chrono::DateTime::parse_from_rfc3339(&manifest.sealed_at).ok();
                        match (generated, sealed) {
                            (Some(g), Some(s))
                                if (s - g).num_seconds().abs() <= TIME_TOLERANCE_S => {}
                            _ => b.report.push(
                                "timestamp.sealed_at",
                                msg!(
                                    "verify-timestamp-sealed-at",
                                    time = &info.gen_time,
                                    sealed_at = &manifest.sealed_at,
                                    tolerance = TIME_TOLERANCE_S
                                ),
                            ),
                        }
                        time = (info.gen_time.clone(), TimeSource::Timestamp);
                        b.report.timestamp = Some(info);
                    }
                    Err(e) => b.report.push(
                        "timestamp.invalid",
                        msg!("verify-timestamp-bad", detail = e.to_string()),
                    ),
                }
            }
        }
        (false, false) => {}
    }
    if time.1 == TimeSource::SignerClaim {
        if b.options.require_timestamp {
            b.report
                .push("timestamp.required", msg!("verify-timestamp-required"));
        } else {
            b.report
                .note("time.signer_claim", msg!("verify-time-signer-claim"));
        }
    }
    b.report.trusted_time = Some(time.0.clone());
    b.report.time_source = Some(time.1);
    time.0
}

/// The bundle JWS: EdDSA under a key of the bundle's history that could sign at
/// `sealed_at`, with claims equal to the manifest's.
fn check_signature<R: Read + Seek>(
    b: &mut Bundle<'_, R>,
    manifest: &Manifest,
    digest: &str,
    chain: &KeyChain,
) {
    let Some(jws) = b.read(JWS_PATH) else {
        return;
    };
    let token = String::from_utf8_lossy(&jws).trim().to_owned();
    let r = &mut b.report;
    let claims = match verify_bundle_jws_in_chain(&token, chain) {
        Ok(c) => c,
        Err(e) => {
            r.push(
                "signature.invalid",
                msg!("verify-signature-invalid", detail = e.to_string()),
            );
            return;
        }
    };
    if claims.manifest_sha256 != digest {
        r.push(
            "signature.manifest",
            msg!(
                "verify-signature-manifest",
                signed = &claims.manifest_sha256,
                actual = digest
            ),
        );
    }
    if claims.merkle_root != manifest.merkle_root {
        r.push(
            "signature.merkle_root",
            msg!("verify-signature-merkle-root"),
        );
    }
    if claims.inspection_id != manifest.inspection.id {
        r.push(
            "signature.inspection",
            msg!(
                "verify-signature-inspection",
                inspection = &claims.inspection_id
            ),
        );
    }
    if claims.mode != manifest.mode {
        r.push(
            "signature.mode",
            msg!(
                "verify-signature-mode",
                signed = mode_word(claims.mode),
                labelled = mode_word(manifest.mode)
            ),
        );
    }
    if claims.sealed_at != manifest.sealed_at {
        r.push("signature.sealed_at", msg!("verify-signature-sealed-at"));
    }
    if claims.schema != manifest.schema {
        r.push(
            "signature.schema",
            msg!(
                "verify-signature-schema",
                signed = &claims.schema,
                schema = &manifest.schema
            ),
        );
    }
    if let Some(size) = claims.tree_size
        && size != manifest.items.len() as u64
    {
        r.push(
            "signature.tree_size",
            msg!(
                "verify-signature-tree-size",
                signed = size,
                listed = manifest.items.len()
            ),
        );
    }
    match crate::seal::sign::bundle_jws_kid(&token) {
        Ok(kid) if kid != manifest.signer_kid => r.push(
            "signature.kid",
            msg!(
                "verify-signature-kid",
                kid = &kid,
                named = &manifest.signer_kid
            ),
        ),
        _ => {}
    }
}

/// `--trust`: the signer judged by the pinned anchors at the trusted time.
fn check_trust<R: Read + Seek>(
    b: &mut Bundle<'_, R>,
    manifest: &Manifest,
    history: &KeyHistory,
    chain: &KeyChain,
    time: &str,
) {
    if b.options.trust.is_empty() {
        return;
    }
    let judgement = b
        .options
        .trust
        .judge(history, chain, &manifest.signer_kid, time);
    b.report.signer_pinned = Some(judgement.pinned);
    b.report.retirement_checked = Some(judgement.retirement_checked);
    for (code, message) in judgement.problems {
        b.report.push(code, message);
    }
    if judgement.pinned && !judgement.retirement_checked {
        b.report.note(
            "trust.retirement_unchecked",
            msg!("verify-retirement-unchecked"),
        );
    }
}

/// `hecha/jwks.json`: every device signature verifies with its key; in v2 the set holds
/// exactly the key history's keys and the keys of the devices that signed items.
fn check_keys<R: Read + Seek>(
    b: &mut Bundle<'_, R>,
    manifest: &Manifest,
    chain: Option<&KeyChain>,
    v2: bool,
) {
    let Some(bytes) = b.read(JWKS_PATH) else {
        return;
    };
    let jwks = match serde_json::from_slice::<Jwks>(&bytes) {
        Ok(j) => j,
        Err(e) => {
            b.report.push(
                "keys.jwks",
                msg!("verify-jwks-unreadable", detail = e.to_string()),
            );
            return;
        }
    };
    for p in manifest.verify_device_signatures(&jwks) {
        b.report.push(
            "device.signature",
            msg!("verify-device-signature", detail = p.to_string()),
        );
    }
    let (Some(chain), true) = (chain, v2) else {
        return;
    };
    let history = chain.jwks();
    let devices = manifest.device_kids();
    let mut seen = BTreeSet::new();
    for jwk in &jwks.keys {
        if !seen.insert(jwk.kid.as_str()) {
            b.report
                .push("keys.jwks", msg!("verify-jwks-twice", kid = &jwk.kid));
            continue;
        }
        if let Err(e) = jwk.check_kid() {
            b.report.push(
                "keys.jwks",
                msg!("verify-jwks-bad-kid", detail = e.to_string()),
            );
            continue;
        }
        match history.find(&jwk.kid) {
            Some(h) if h == jwk => {}
            Some(_) => b
                .report
                .push("keys.jwks", msg!("verify-jwks-differs", kid = &jwk.kid)),
            None if devices.contains(&jwk.kid) => {}
            None => b
                .report
                .push("keys.jwks", msg!("verify-jwks-stranger", kid = &jwk.kid)),
        }
    }
    for k in &history.keys {
        if !seen.contains(k.kid.as_str()) {
            b.report
                .push("keys.jwks", msg!("verify-jwks-missing", kid = &k.kid));
        }
    }
}

/// The addendum (events after the seal): both files or neither; the events continue the
/// sealed chain; the JWS is by a key of the history allowed to sign then, and with
/// `--trust`, a pinned one.
fn check_addendum<R: Read + Seek>(
    b: &mut Bundle<'_, R>,
    manifest: &Manifest,
    digest: &str,
    chain: Option<&(KeyHistory, KeyChain)>,
) {
    let (has_events, has_jws) = (
        b.bag.contains(ADDENDUM_EVENTS_PATH),
        b.bag.contains(ADDENDUM_JWS_PATH),
    );
    if !has_events && !has_jws {
        return;
    }
    if has_events != has_jws {
        b.report
            .push("addendum.incomplete", msg!("verify-addendum-incomplete"));
        return;
    }
    let (Some(events), Some(jws), Some((history, chain))) = (
        b.read(ADDENDUM_EVENTS_PATH),
        b.read(ADDENDUM_JWS_PATH),
        chain,
    ) else {
        return;
    };
    let jws = String::from_utf8_lossy(&jws).trim().to_owned();
    match Addendum::check(&events, &jws, manifest, digest, chain) {
        Ok(info) => {
            if !b.options.trust.is_empty() {
                let judgement =
                    b.options
                        .trust
                        .judge(history, chain, &info.signer_kid, &info.signed_at);
                if !judgement.pinned {
                    for (_, message) in judgement.problems {
                        b.report.push(
                            "addendum.untrusted",
                            msg!("verify-addendum-untrusted", reason = message),
                        );
                    }
                }
            }
            b.report.addendum = Some(info);
        }
        Err(e) => b.report.push(
            "addendum.invalid",
            msg!("verify-addendum-invalid", detail = e.to_string()),
        ),
    }
}

/// The seal log (format §19): the entry names this seal, it is included in the signed tree,
/// and the tree head's signer is pinned (or the bundle's own history at least signs it).
fn check_log<R: Read + Seek>(
    b: &mut Bundle<'_, R>,
    manifest: &Manifest,
    digest: &str,
    chain: Option<&KeyChain>,
) {
    if !b.bag.contains(SEAL_LOG_PATH) {
        if b.options.require_log {
            b.report.push("log.required", msg!("verify-log-absent"));
        } else {
            b.report.note("log.absent", msg!("verify-log-absent"));
        }
        return;
    }
    let Some(bytes) = b.read(SEAL_LOG_PATH) else {
        return;
    };
    let check = check_seal_log(&bytes, manifest, digest, chain, &b.options.trust);
    for (code, message) in check.problems {
        b.report.push(code, message);
    }
    for (code, message) in check.notes {
        b.report.note(code, message);
    }
    b.report.log = check.info;
}

/// The event chain and its head.
fn check_events<R: Read + Seek>(b: &mut Bundle<'_, R>, manifest: &Manifest) {
    let Some(bytes) = b.read(EVENTS_PATH) else {
        return;
    };
    let r = &mut b.report;
    match EventLog::read_jsonl(&bytes[..]) {
        Ok(Ok(log)) => {
            r.events = log.events().len();
            if log.head() != manifest.event_log.head
                || log.events().len() as u64 != manifest.event_log.count
            {
                r.push(
                    "events.head",
                    msg!(
                        "verify-events-head",
                        head = log.head(),
                        count = log.events().len(),
                        sealed_head = &manifest.event_log.head,
                        sealed_count = manifest.event_log.count
                    ),
                );
            }
        }
        Ok(Err(breaks)) => {
            for b in breaks {
                r.push(
                    "events.chain",
                    msg!("verify-events-chain", detail = b.to_string()),
                );
            }
        }
        Err(e) => r.push(
            "events.unreadable",
            msg!("verify-events-unreadable", detail = e.to_string()),
        ),
    }
}

/// The rule profile, byte for byte, the findings re-computed from the recorded facts, and
/// (v2, official) the sign-offs the profile requires.
fn check_profile_and_findings<R: Read + Seek>(
    b: &mut Bundle<'_, R>,
    manifest: &Manifest,
    v2: bool,
) {
    let Some(bytes) = b.read(PROFILE_PATH) else {
        return;
    };
    let strict_findings = b.options.strict_findings;
    let r = &mut b.report;
    let sha = crate::seal::hash::sha256_hex(&bytes);
    if sha != manifest.profile.sha256 {
        r.push(
            "profile.digest",
            msg!(
                "verify-profile-digest",
                actual = &sha,
                sealed = &manifest.profile.sha256
            ),
        );
    }
    let profile = match String::from_utf8(bytes)
        .map_err(|e| e.to_string())
        .and_then(|t| RuleProfile::from_recorded_toml(&t).map_err(|e| e.to_string()))
    {
        Ok(p) => p,
        Err(e) => {
            r.push(
                "profile.invalid",
                msg!("verify-profile-invalid", detail = e),
            );
            return;
        }
    };
    match manifest.verify_findings(&profile) {
        Ok(check) => {
            if !check.words_only.is_empty() {
                r.note(
                    "findings.words_only",
                    msg!(
                        "verify-findings-words-only",
                        rules = check.words_only.clone()
                    ),
                );
            }
            if !check.reworded.is_empty() {
                r.note(
                    "findings.reworded",
                    msg!("verify-findings-reworded", rules = check.reworded.clone()),
                );
            }
        }
        // The same engine giving other findings from the same facts means the sealed
        // ones are not what the engine said: a forgery or a broken engine. Another engine
        // may judge otherwise because the rules were corrected (every change of a verdict
        // changes ENGINE_VERSION, a test enforces it).
        Err(e @ crate::seal::manifest::ManifestError::FindingsDiffer { .. })
            if manifest.engine_version != crate::ENGINE_VERSION && !strict_findings =>
        {
            r.note(
                "findings.other_engine",
                msg!("verify-findings-other-engine", detail = e.to_string()),
            )
        }
        Err(e) => r.push(
            "findings.differ",
            msg!("verify-findings-differ", detail = e.to_string()),
        ),
    }
    if v2 && manifest.mode == Mode::Official {
        let evidence: Vec<_> = manifest.items.iter().map(|i| i.item.clone()).collect();
        for p in sign_off_problems(&profile, &evidence) {
            r.push(
                "signoff.invalid",
                msg!("verify-signoff-invalid", detail = p.to_string()),
            );
        }
    }
}

/// Evidence files: each item's bytes present with the sealed digest and size, no others,
/// and (v2) no two items sharing a file name.
fn check_evidence<R: Read + Seek>(
    b: &mut Bundle<'_, R>,
    manifest: &Manifest,
    payload: &BTreeMap<String, (String, u64)>,
    v2: bool,
) {
    let r = &mut b.report;
    let mut expected = BTreeSet::new();
    if v2 {
        let evidence: Vec<_> = manifest.items.iter().map(|i| i.item.clone()).collect();
        if let Some((first, second, path)) = evidence_path_collision(&evidence) {
            r.push(
                "evidence.path_collision",
                msg!(
                    "verify-evidence-collision",
                    first = first,
                    second = second,
                    path = path
                ),
            );
        }
    }
    for entry in &manifest.items {
        let item = &entry.item;
        let (Some(path), Some(blob)) = (evidence_path(item), &item.blob) else {
            continue;
        };
        match payload.get(path.as_str()) {
            Some((sha, size)) if *sha == blob.sha256 && *size == blob.size => {}
            Some((sha, size)) => r.push(
                "evidence.mismatch",
                msg!(
                    "verify-evidence-mismatch",
                    path = &path,
                    size = *size,
                    sha = sha,
                    sealed_size = blob.size,
                    sealed_sha = &blob.sha256
                ),
            ),
            None => r.push(
                "evidence.missing",
                msg!("verify-evidence-missing", path = &path, item = &item.id),
            ),
        }
        expected.insert(path);
    }
    let extra: Vec<String> = b
        .bag
        .paths()
        .filter(|p| p.starts_with("data/evidence/") && !expected.contains(*p))
        .map(str::to_owned)
        .collect();
    for p in extra {
        b.report.push(
            "evidence.unexpected",
            msg!("verify-evidence-unexpected", path = p),
        );
    }
}

/// The derived payload and the file list: findings.csv is re-made from the sealed findings
/// (the report cannot be, cheaply: its thumbnails come from the photos; it carries the
/// manifest digest). A file the format does not name is not covered by the signature: a
/// careful forger could add one and keep BagIt consistent, so it is reported.
fn check_derived_files<R: Read + Seek>(
    b: &mut Bundle<'_, R>,
    manifest: &Manifest,
    payload: &BTreeMap<String, (String, u64)>,
) {
    for path in [REPORT_PATH, FINDINGS_CSV_PATH] {
        if !b.bag.contains(path) {
            b.report.push(
                "bundle.missing_file",
                msg!("verify-file-absent", path = path),
            );
        }
    }
    if let Some((sha, _)) = payload.get(FINDINGS_CSV_PATH) {
        let want = crate::seal::hash::sha256_hex(findings_csv(&manifest.findings).as_bytes());
        if *sha != want {
            b.report.push(
                "report.findings_csv",
                msg!("verify-findings-csv", path = FINDINGS_CSV_PATH),
            );
        }
    }
    let unexpected: Vec<String> = b
        .bag
        .paths()
        .filter(|p| !p.starts_with("data/evidence/") && !is_bundle_file(p))
        .map(str::to_owned)
        .collect();
    for p in unexpected {
        b.report.push(
            "bundle.unexpected_file",
            msg!("verify-unexpected-file", path = p),
        );
    }
}

/// `bag-info.txt`: the fields derived from the manifest say what the manifest says
/// (v1: External-Identifier only; v2: also Source-Organization and the `Hecha-*` fields).
fn check_bag_info<R: Read + Seek>(b: &mut Bundle<'_, R>, manifest: &Manifest, v2: bool) {
    let Ok(bytes) = b.bag.read_small("bag-info.txt", 1 << 20) else {
        return; // reported by the BagIt check (`bagit.bag_info`)
    };
    let fields = parse_bag_info(&String::from_utf8_lossy(&bytes));
    let want = match bag_info_for(manifest, "") {
        Ok(info) => info,
        Err(e) => {
            b.report.push(
                "bag_info.mismatch",
                msg!("verify-bag-info-error", detail = e.to_string()),
            );
            return;
        }
    };
    let mut expected: Vec<(String, String)> =
        vec![("External-Identifier".into(), want.external_identifier)];
    if v2 {
        expected.push(("Source-Organization".into(), want.source_organization));
        expected.extend(
            want.extra
                .into_iter()
                .filter(|(label, _)| label.starts_with("Hecha-")),
        );
    }
    for (label, value) in expected {
        let found: Vec<&String> = fields
            .iter()
            .filter(|(l, _)| l.eq_ignore_ascii_case(&label))
            .map(|(_, v)| v)
            .collect();
        match found.as_slice() {
            [one] if **one == value => {}
            [] => b.report.push(
                "bag_info.mismatch",
                msg!("verify-bag-info-absent", label = &label, value = &value),
            ),
            _ => b.report.push(
                "bag_info.mismatch",
                msg!("verify-bag-info-differs", label = &label, value = &value),
            ),
        }
    }
}

/// `bag-info.txt` as (label, value) pairs, continuation lines (RFC 8493 §2.2.2: leading
/// whitespace) joined to the previous value with a space.
fn parse_bag_info(text: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = fields.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
        } else if let Some((label, value)) = line.split_once(':') {
            fields.push((label.trim().to_owned(), value.trim().to_owned()));
        }
    }
    fields
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
            | ADDENDUM_EVENTS_PATH
            | ADDENDUM_JWS_PATH
            | SEAL_LOG_PATH
    ) || manifest_of_alg("manifest-")
        || manifest_of_alg("tagmanifest-")
}

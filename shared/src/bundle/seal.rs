//! Sealing: the one path from an inspection's evidence to a signed bundle, used by
//! `hecha seal` (a rehearsal folder with a local key) and by the server.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::export::{SealedBundle, evidence_path};
use crate::model::{EvidenceBody, EvidenceItem, Inspection, Mode, SignerRole};
use crate::rules::RuleProfile;
use crate::seal::events::EventLog;
use crate::seal::format_time;
use crate::seal::key::{BundleSigner, Jwks, KeyPurpose};
use crate::seal::key_history::KeyHistory;
use crate::seal::manifest::{
    DeviceSignature, EventLogHead, Manifest, ManifestError, ManifestInput,
};

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error("signer {0} is not in the key history")]
    SignerNotInHistory(String),
    #[error("key history: {0}")]
    KeyHistory(String),
    #[error("time-stamping failed (the bundle is not sealed): {0}")]
    Timestamp(String),
    #[error("an official inspection is sealed only when the on-site record is signed: {}", list(.0))]
    SignOffs(Vec<SignOffProblem>),
    #[error("a {mode:?} inspection cannot be sealed with a key for {purpose:?} bundles")]
    KeyPurpose { mode: Mode, purpose: KeyPurpose },
    #[error("items {first} and {second} would both be stored as {path}")]
    EvidencePathCollision {
        first: String,
        second: String,
        path: String,
    },
}

fn list(problems: &[SignOffProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// What is wrong with the sign-offs of an official inspection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignOffProblem {
    #[error("no sign-off by {}", role_name(*.0))]
    Missing(SignerRole),
    #[error("the company representative's sign-off {0} has no signature image")]
    NoImage(String),
    #[error(
        "the company representative's sign-off {0} does not name the person (masked ID number and keyed hash)"
    )]
    NoPerson(String),
    #[error("sign-offs {first} and {second} use the same signature image for two roles")]
    SharedImage { first: String, second: String },
}

impl SignOffProblem {
    /// The problem as catalogue data.
    pub fn message(&self) -> crate::i18n::Message {
        match self {
            SignOffProblem::Missing(SignerRole::Inspector) => {
                crate::msg!("error-sign-off-missing-inspector")
            }
            SignOffProblem::Missing(SignerRole::CompanyRepresentative) => {
                crate::msg!("error-sign-off-missing-representative")
            }
            SignOffProblem::NoImage(item) => crate::msg!("error-sign-off-no-image", item = item),
            SignOffProblem::NoPerson(item) => crate::msg!("error-sign-off-no-person", item = item),
            SignOffProblem::SharedImage { first, second } => crate::msg!(
                "error-sign-off-shared-image",
                first = first,
                second = second
            ),
        }
    }
}

fn role_name(role: SignerRole) -> &'static str {
    match role {
        SignerRole::Inspector => "an inspector",
        SignerRole::CompanyRepresentative => "the company representative",
    }
}

/// The sign-offs an official seal needs (the profile's `[seal] sign_offs`), each
/// company-representative sign-off with its signature image and the person it names, and
/// no signature image serving two roles. Empty when all is well. The verifier applies the
/// same function to a v2 official bundle.
pub fn sign_off_problems(profile: &RuleProfile, evidence: &[EvidenceItem]) -> Vec<SignOffProblem> {
    let sign_offs: Vec<(&EvidenceItem, &crate::model::SignOff)> = evidence
        .iter()
        .filter_map(|i| match &i.body {
            EvidenceBody::SignOff(s) => Some((i, s)),
            _ => None,
        })
        .collect();
    let mut problems: Vec<SignOffProblem> = profile
        .seal
        .sign_offs
        .iter()
        .filter(|role| !sign_offs.iter().any(|(_, s)| s.signer_role == **role))
        .map(|role| SignOffProblem::Missing(*role))
        .collect();
    for (item, s) in &sign_offs {
        if s.signer_role.signs_by_hand() && item.blob.is_none() {
            problems.push(SignOffProblem::NoImage(item.id.clone()));
        }
        if s.signer_role == SignerRole::CompanyRepresentative && s.person.is_none() {
            problems.push(SignOffProblem::NoPerson(item.id.clone()));
        }
    }
    // One image, one role: a representative's scanned signature reused as the inspector's
    // (or the other way round) proves nobody signed twice.
    for (n, (a, sa)) in sign_offs.iter().enumerate() {
        for (b, sb) in &sign_offs[n + 1..] {
            if let (Some(x), Some(y)) = (&a.blob, &b.blob)
                && x.sha256 == y.sha256
                && sa.signer_role != sb.signer_role
            {
                problems.push(SignOffProblem::SharedImage {
                    first: a.id.clone(),
                    second: b.id.clone(),
                });
            }
        }
    }
    problems
}

/// Two items whose evidence files would have the same name in the bag (ids that differ
/// only in characters [`super::bagit::path_safe`] replaces, and the same extension).
pub fn evidence_path_collision(evidence: &[EvidenceItem]) -> Option<(String, String, String)> {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for item in evidence {
        if let Some(path) = evidence_path(item) {
            if let Some(first) = seen.get(&path) {
                return Some(((*first).to_owned(), item.id.clone(), path));
            }
            seen.insert(path, &item.id);
        }
    }
    None
}

/// What to seal.
pub struct SealRequest<'a> {
    pub inspection: &'a Inspection,
    pub evidence: &'a [EvidenceItem],
    pub device_signatures: BTreeMap<String, DeviceSignature>,
    pub profile: RuleProfile,
    pub events: EventLog,
    /// The signer's key history (each key introduced by its predecessor).
    pub key_history: KeyHistory,
    /// Device public keys (the signer's keys are added from the history).
    pub device_keys: Jwks,
    pub sealed_at: DateTime<Utc>,
    pub previous_manifest_sha256: Option<String>,
}

/// A time-stamping authority: given the manifest digest (hex), returns an RFC 3161 token.
pub type Timestamper<'a> = &'a dyn Fn(&str) -> Result<Vec<u8>, String>;

/// Builds the manifest (findings recomputed by the engine), time-stamps its digest when a
/// TSA is given (a failure is an error, never silently skipped), and signs it.
pub fn seal_bundle(
    req: SealRequest<'_>,
    signer: &dyn BundleSigner,
    tsa: Option<Timestamper<'_>>,
) -> Result<SealedBundle, SealError> {
    let chain = req
        .key_history
        .verify()
        .map_err(|e| SealError::KeyHistory(e.to_string()))?;
    if !chain.keys().iter().any(|k| k.jwk.kid == signer.kid()) {
        return Err(SealError::SignerNotInHistory(signer.kid().to_owned()));
    }
    // A retired key signs nothing new: refuse to seal what every verifier would reject
    // (`signature.invalid`, signed after retirement or before introduction).
    chain
        .key_at(signer.kid(), &format_time(req.sealed_at))
        .map_err(|e| SealError::KeyHistory(e.to_string()))?;
    // Rehearsals are signed by rehearsal keys only, official records by official keys only.
    if chain.purpose() != KeyPurpose::for_mode(req.inspection.mode) {
        return Err(SealError::KeyPurpose {
            mode: req.inspection.mode,
            purpose: chain.purpose(),
        });
    }
    if req.inspection.mode == Mode::Official {
        let problems = sign_off_problems(&req.profile, req.evidence);
        if !problems.is_empty() {
            return Err(SealError::SignOffs(problems));
        }
    }
    if let Some((first, second, path)) = evidence_path_collision(req.evidence) {
        return Err(SealError::EvidencePathCollision {
            first,
            second,
            path,
        });
    }
    let manifest = Manifest::build(ManifestInput {
        inspection: req.inspection,
        evidence: req.evidence,
        device_signatures: req.device_signatures,
        profile: &req.profile,
        event_log: EventLogHead {
            count: req.events.events().len() as u64,
            head: req.events.head(),
        },
        signer_kid: signer.kid(),
        sealed_at: req.sealed_at,
        previous_manifest_sha256: req.previous_manifest_sha256,
        timestamped: tsa.is_some(),
    })?;
    let timestamp = match tsa {
        Some(tsa) => Some(tsa(&manifest.digest()?).map_err(SealError::Timestamp)?),
        None => None,
    };
    let jws = manifest.sign(signer)?;
    // `hecha/jwks.json` holds exactly the key history's keys and the keys of the devices
    // that signed items (format §6): the verifier refuses any other.
    let used = manifest.device_kids();
    let mut jwks = Jwks::default();
    for k in req.device_keys.keys {
        if used.contains(&k.kid) {
            jwks.insert(k);
        }
    }
    for k in chain.jwks().keys {
        jwks.insert(k);
    }
    Ok(SealedBundle {
        manifest,
        jws,
        jwks,
        key_history: req.key_history,
        events: req.events,
        profile: req.profile,
        timestamp,
        addendum: None,
        seal_log: None,
    })
}

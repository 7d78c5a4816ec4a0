//! Sealing: the one path from an inspection's evidence to a signed bundle, used by
//! `hecha seal` (a rehearsal folder with a local key) and by the server.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::export::SealedBundle;
use crate::model::{EvidenceItem, Inspection};
use crate::rules::RuleProfile;
use crate::seal::events::EventLog;
use crate::seal::keys::{Jwks, KeyHistory, format_time};
use crate::seal::manifest::{
    DeviceSignature, EventLogHead, Manifest, ManifestError, ManifestInput,
};
use crate::seal::sign::BundleSigner;

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
    let mut jwks = req.device_keys;
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
    })
}

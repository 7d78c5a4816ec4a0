//! What happens to an inspection after its seal (an auditor's review) travels with every
//! later export as a signed **addendum**: the events after the seal, continuing the sealed
//! chain (`hecha/addendum.jsonl`), and a JWS by the bundle keyring over their head
//! (`hecha/addendum.jws`). The sealed manifest is never touched; a verifier checks that the
//! addendum continues exactly where the manifest's event log ended and who signed it when.

use serde::{Deserialize, Serialize};

use crate::seal::events::{ChainBreak, Event, EventLogError, parse_jsonl, verify_chain_after};
use crate::seal::key::BundleSigner;
use crate::seal::key_history::KeyChain;
use crate::seal::manifest::Manifest;
use crate::seal::sign::{JwsError, bundle_jws_kid, sign_claims, verify_claims};

pub const ADDENDUM_EVENTS_PATH: &str = "hecha/addendum.jsonl";
pub const ADDENDUM_JWS_PATH: &str = "hecha/addendum.jws";
/// Schema id of the addendum claims.
pub const ADDENDUM_SCHEMA: &str = "hecha.addendum/v1";

/// What the addendum JWS signs. JSON members in this (alphabetical) order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddendumClaims {
    /// The number of events the sealed log held (the addendum's first event is this + 1).
    pub after_seq: u64,
    /// Events in the addendum.
    pub count: u64,
    /// Hash of the addendum's last event.
    pub head: String,
    pub inspection_id: String,
    /// The sealed manifest the addendum follows.
    pub manifest_sha256: String,
    /// Always [`ADDENDUM_SCHEMA`].
    pub schema: String,
    /// RFC 3339 UTC: when the server signed the addendum (the export).
    pub signed_at: String,
}

/// The events after the seal and their signature.
#[derive(Debug, Clone, PartialEq)]
pub struct Addendum {
    pub events: Vec<Event>,
    pub jws: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AddendumError {
    #[error("the addendum's events are unreadable: {0}")]
    Events(#[from] EventLogError),
    #[error("the addendum does not continue the sealed event log: {}", breaks(.0))]
    Chain(Vec<ChainBreak>),
    #[error("the addendum is empty")]
    Empty,
    #[error("the addendum signature: {0}")]
    Signature(#[from] JwsError),
    #[error("the addendum signature covers {what} {signed}, the bundle has {actual}")]
    Claims {
        what: &'static str,
        signed: String,
        actual: String,
    },
}

fn breaks(b: &[ChainBreak]) -> String {
    b.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// What a verified addendum says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddendumInfo {
    pub events: u64,
    pub kinds: Vec<String>,
    pub signed_at: String,
    pub signer_kid: String,
}

impl Addendum {
    /// Signs the events that followed the seal of `manifest` (whose digest is `digest`).
    pub fn sign(
        manifest: &Manifest,
        digest: &str,
        events: Vec<Event>,
        signer: &dyn BundleSigner,
        signed_at: &str,
    ) -> Result<Self, AddendumError> {
        let head = verify_chain_after(&events, manifest.event_log.count, &manifest.event_log.head)
            .map_err(AddendumError::Chain)?;
        if events.is_empty() {
            return Err(AddendumError::Empty);
        }
        let claims = AddendumClaims {
            after_seq: manifest.event_log.count,
            count: events.len() as u64,
            head,
            inspection_id: manifest.inspection.id.clone(),
            manifest_sha256: digest.to_owned(),
            schema: ADDENDUM_SCHEMA.into(),
            signed_at: signed_at.to_owned(),
        };
        let jws = sign_claims(&claims, signer)?;
        Ok(Self { events, jws })
    }

    /// `hecha/addendum.jsonl`: one canonical event per line.
    pub fn events_jsonl(&self) -> Result<Vec<u8>, AddendumError> {
        let mut out = Vec::new();
        for e in &self.events {
            out.extend(crate::seal::canonical::to_canonical_json(e).map_err(EventLogError::from)?);
            out.push(b'\n');
        }
        Ok(out)
    }

    /// Checks an addendum read from a bundle: its events continue the sealed chain, its JWS
    /// is by a key of `chain` allowed to sign at the signed time, its claims name this
    /// bundle and these events. Returns what it says, and the signer's kid and time so a
    /// verifier can judge them against its anchors.
    pub fn check(
        events_jsonl: &[u8],
        jws: &str,
        manifest: &Manifest,
        digest: &str,
        chain: &KeyChain,
    ) -> Result<AddendumInfo, AddendumError> {
        let events = parse_jsonl(events_jsonl)?;
        if events.is_empty() {
            return Err(AddendumError::Empty);
        }
        let head = verify_chain_after(&events, manifest.event_log.count, &manifest.event_log.head)
            .map_err(AddendumError::Chain)?;
        let claims: AddendumClaims = verify_claims(jws, &chain.jwks())?;
        let kid = bundle_jws_kid(jws)?;
        chain
            .key_at(&kid, &claims.signed_at)
            .map_err(JwsError::from)?;
        let checks = [
            ("schema", claims.schema.clone(), ADDENDUM_SCHEMA.to_owned()),
            (
                "manifest",
                claims.manifest_sha256.clone(),
                digest.to_owned(),
            ),
            (
                "inspection",
                claims.inspection_id.clone(),
                manifest.inspection.id.clone(),
            ),
            (
                "the sealed event count",
                claims.after_seq.to_string(),
                manifest.event_log.count.to_string(),
            ),
            (
                "event count",
                claims.count.to_string(),
                events.len().to_string(),
            ),
            ("head", claims.head.clone(), head),
        ];
        for (what, signed, actual) in checks {
            if signed != actual {
                return Err(AddendumError::Claims {
                    what,
                    signed,
                    actual,
                });
            }
        }
        Ok(AddendumInfo {
            events: claims.count,
            kinds: events.iter().map(|e| e.kind.clone()).collect(),
            signed_at: claims.signed_at,
            signer_kid: kid,
        })
    }
}

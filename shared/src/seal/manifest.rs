//! The manifest of a sealed bundle (`hecha/manifest.json`, schema `hecha.bundle/v1`).
//!
//! It lists the inspection, every evidence item with its item digest (and the device's
//! signature over it, when there is one), the findings re-computed by the rules engine,
//! the profile id with the SHA-256 of its TOML, the engine version, the event-log head,
//! the mode, the signer's kid, the sealing time, for a supplement the previous manifest's
//! digest, whether an RFC 3161 token accompanies it, and the Merkle root.
//!
//! Items are sorted by id (byte-wise on the UTF-8 id, ids are unique): the manifest then
//! does not depend on the order in which devices uploaded. The Merkle leaves follow the
//! same order. The manifest digest is SHA-256 of the manifest's canonical JSON, which is
//! also the exact content of `hecha/manifest.json`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::canonical::{CanonicalError, canonical_sha256, to_canonical_json};
use super::device::{DeviceSignatureError, verify_item_signature};
use super::hash::{is_sha256_hex, parse_sha256_hex};
use super::key::{BundleSigner, Jwks};
use super::merkle::{Hash32, InclusionProof, ProofError, merkle_root};
use super::sign::{BundleClaims, JwsError, sign_bundle};
use super::{BUNDLE_SCHEMA, BundleVersion, format_time};
use crate::model::{EvidenceItem, Finding, Inspection, Mode};
use crate::rules::{RuleProfile, evaluate};

/// The rule profile a bundle was evaluated with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileRef {
    pub id: String,
    /// SHA-256 (hex) of the profile's TOML, byte for byte (`hecha/profile.toml`).
    pub sha256: String,
}

/// The head of the event log at sealing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventLogHead {
    /// Number of events (the last event's seq).
    pub count: u64,
    /// Hash of the last event (64 zeros for an empty log).
    pub head: String,
}

/// A device's signature over an item digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceSignature {
    /// The registered device that signed (its key is in `hecha/jwks.json`, by the JWS kid).
    pub device_id: String,
    /// Compact JWS, ES256, see [`super::device`].
    pub jws: String,
}

/// One evidence item in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestItem {
    /// SHA-256 (hex) of the canonical JSON of `item`.
    pub digest: String,
    /// The item's metadata, including its blob's SHA-256 and size when it has bytes.
    pub item: EvidenceItem,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_signature: Option<DeviceSignature>,
}

/// The sealed manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`BUNDLE_SCHEMA`] when sealed now; `hecha.bundle/v1` in bundles sealed before.
    pub schema: String,
    pub inspection: Inspection,
    /// Sorted by item id.
    pub items: Vec<ManifestItem>,
    /// As the engine returns them, in profile rule order.
    pub findings: Vec<Finding>,
    pub profile: ProfileRef,
    /// `hecha_core::ENGINE_VERSION` of the sealing engine.
    pub engine_version: String,
    pub event_log: EventLogHead,
    /// The inspection's mode, repeated for readers and in the JWS claims.
    pub mode: Mode,
    /// Kid of the key that signs `hecha/manifest.jws`.
    pub signer_kid: String,
    /// RFC 3339 UTC, seconds.
    pub sealed_at: String,
    /// For a supplement: the digest of the manifest it completes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_manifest_sha256: Option<String>,
    /// Whether an RFC 3161 token over the manifest digest accompanies the bundle.
    pub timestamped: bool,
    /// Merkle root (hex) over the item digests, in item order.
    pub merkle_root: String,
}

/// What a manifest is built from.
#[derive(Debug, Clone)]
pub struct ManifestInput<'a> {
    pub inspection: &'a Inspection,
    pub evidence: &'a [EvidenceItem],
    /// Device signatures by item id.
    pub device_signatures: BTreeMap<String, DeviceSignature>,
    pub profile: &'a RuleProfile,
    pub event_log: EventLogHead,
    pub signer_kid: &'a str,
    pub sealed_at: DateTime<Utc>,
    pub previous_manifest_sha256: Option<String>,
    pub timestamped: bool,
}

/// Why a manifest cannot be built, or a problem found in one.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("evidence id {0:?} appears twice")]
    DuplicateItem(String),
    #[error("a device signature names item {0:?}, which is not in the evidence")]
    SignatureForUnknownItem(String),
    #[error("item {item}: blob sha256 {value:?} is not a lowercase hex SHA-256")]
    BadBlobDigest { item: String, value: String },
    #[error("{field} {value:?} is not a lowercase hex SHA-256")]
    BadDigest { field: &'static str, value: String },
    #[error("inspection {0} is a supplement: the previous manifest's digest is required")]
    SupplementWithoutPrevious(String),
    #[error("manifest schema is {0:?}, expected {BUNDLE_SCHEMA:?} (or hecha.bundle/v1)")]
    Schema(String),
    #[error("items are not sorted by id at position {0}")]
    Unsorted(usize),
    #[error("item {item}: recorded digest {recorded}, its content hashes to {computed}")]
    ItemDigest {
        item: String,
        recorded: String,
        computed: String,
    },
    #[error("merkle root recorded {recorded}, the items give {computed}")]
    MerkleRoot { recorded: String, computed: String },
    #[error("mode {manifest:?} differs from the inspection's {inspection:?}")]
    Mode { manifest: Mode, inspection: Mode },
    #[error(
        "profile {given} (sha256 {given_sha256}) is not the sealed {sealed} (sha256 {sealed_sha256})"
    )]
    ProfileDiffers {
        given: String,
        given_sha256: String,
        sealed: String,
        sealed_sha256: String,
    },
    #[error(
        "re-computed findings differ from the sealed ones for rules: {rules} (engine sealed {sealed_engine}, this is {this_engine})"
    )]
    FindingsDiffer {
        rules: String,
        sealed_engine: String,
        this_engine: String,
    },
    #[error("the signer is {signer}, the manifest names {manifest}")]
    SignerMismatch { signer: String, manifest: String },
    #[error("item {item}: device signature: {source}")]
    DeviceSignature {
        item: String,
        source: DeviceSignatureError,
    },
    #[error("item {item}: signed by device key {kid}, which is not in the key set")]
    UnknownDeviceKey { item: String, kid: String },
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
    #[error(transparent)]
    Jws(#[from] JwsError),
    #[error(transparent)]
    Proof(#[from] ProofError),
    #[error("manifest is not valid JSON for {BUNDLE_SCHEMA}: {0}")]
    Parse(String),
}

/// SHA-256 (hex) of an item's canonical JSON: what the Merkle tree and device sign.
pub fn item_digest(item: &EvidenceItem) -> Result<String, CanonicalError> {
    canonical_sha256(item)
}

impl Manifest {
    /// Builds the manifest: sorts the items by id, digests them, evaluates the profile
    /// over them (as of the inspection window's end) and computes the Merkle root.
    pub fn build(input: ManifestInput<'_>) -> Result<Self, ManifestError> {
        let mut evidence: Vec<EvidenceItem> = input.evidence.to_vec();
        evidence.sort_by(|a, b| a.id.cmp(&b.id));
        let mut seen = BTreeSet::new();
        for item in &evidence {
            if !seen.insert(item.id.as_str()) {
                return Err(ManifestError::DuplicateItem(item.id.clone()));
            }
            if let Some(blob) = &item.blob
                && !is_sha256_hex(&blob.sha256)
            {
                return Err(ManifestError::BadBlobDigest {
                    item: item.id.clone(),
                    value: blob.sha256.clone(),
                });
            }
        }
        if let Some(unknown) = input
            .device_signatures
            .keys()
            .find(|id| !seen.contains(id.as_str()))
        {
            return Err(ManifestError::SignatureForUnknownItem(unknown.clone()));
        }
        if let Some(prev) = &input.previous_manifest_sha256
            && !is_sha256_hex(prev)
        {
            return Err(ManifestError::BadDigest {
                field: "previous_manifest_sha256",
                value: prev.clone(),
            });
        }
        if input.inspection.supplement_of.is_some() && input.previous_manifest_sha256.is_none() {
            return Err(ManifestError::SupplementWithoutPrevious(
                input.inspection.id.clone(),
            ));
        }
        if !is_sha256_hex(&input.event_log.head) {
            return Err(ManifestError::BadDigest {
                field: "event_log.head",
                value: input.event_log.head.clone(),
            });
        }
        let findings = evaluate(input.profile, input.inspection, &evidence);
        let mut signatures = input.device_signatures;
        let items = evidence
            .into_iter()
            .map(|item| {
                Ok(ManifestItem {
                    digest: item_digest(&item)?,
                    device_signature: signatures.remove(&item.id),
                    item,
                })
            })
            .collect::<Result<Vec<_>, CanonicalError>>()?;
        let mut manifest = Manifest {
            schema: BUNDLE_SCHEMA.into(),
            inspection: input.inspection.clone(),
            items,
            findings,
            profile: ProfileRef {
                id: input.profile.id.clone(),
                sha256: input.profile.sha256(),
            },
            engine_version: crate::ENGINE_VERSION.into(),
            event_log: input.event_log,
            mode: input.inspection.mode,
            signer_kid: input.signer_kid.to_owned(),
            sealed_at: format_time(input.sealed_at),
            previous_manifest_sha256: input.previous_manifest_sha256,
            timestamped: input.timestamped,
            merkle_root: String::new(),
        };
        manifest.merkle_root = hex::encode(merkle_root(&manifest.item_digests()?));
        Ok(manifest)
    }

    /// Parses `hecha/manifest.json`.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ManifestError> {
        serde_json::from_slice(bytes).map_err(|e| ManifestError::Parse(e.to_string()))
    }

    /// The canonical JSON: the exact bytes of `hecha/manifest.json`.
    pub fn to_canonical_json(&self) -> Result<Vec<u8>, ManifestError> {
        Ok(to_canonical_json(self)?)
    }

    /// The manifest digest: SHA-256 (hex) of its canonical JSON.
    pub fn digest(&self) -> Result<String, ManifestError> {
        Ok(canonical_sha256(self)?)
    }

    /// The recorded item digests, in item order.
    pub fn item_digests(&self) -> Result<Vec<Hash32>, ManifestError> {
        self.items
            .iter()
            .map(|i| {
                parse_sha256_hex(&i.digest).ok_or_else(|| ManifestError::BadDigest {
                    field: "items[].digest",
                    value: i.digest.clone(),
                })
            })
            .collect()
    }

    /// The inclusion proof of one item (for `hecha prove`).
    pub fn prove(&self, item_id: &str) -> Result<InclusionProof, ManifestError> {
        let index = self
            .items
            .iter()
            .position(|i| i.item.id == item_id)
            .ok_or_else(|| ProofError::UnknownItem(item_id.to_owned()))?;
        let leaves: Vec<(String, Hash32)> = self
            .items
            .iter()
            .map(|i| i.item.id.clone())
            .zip(self.item_digests()?)
            .collect();
        Ok(InclusionProof::build(&leaves, index)?)
    }

    /// The format this manifest says it is in (`None`: one this verifier does not read).
    pub fn version(&self) -> Option<BundleVersion> {
        BundleVersion::of(&self.schema)
    }

    /// The claims the bundle JWS signs (v2: with the tree size).
    pub fn claims(&self) -> Result<BundleClaims, ManifestError> {
        Ok(BundleClaims {
            inspection_id: self.inspection.id.clone(),
            manifest_sha256: self.digest()?,
            merkle_root: self.merkle_root.clone(),
            mode: self.mode,
            schema: self.schema.clone(),
            sealed_at: self.sealed_at.clone(),
            tree_size: (self.version() != Some(BundleVersion::V1))
                .then_some(self.items.len() as u64),
        })
    }

    /// Signs the manifest: `hecha/manifest.jws`. The signer must be the manifest's signer.
    pub fn sign(&self, signer: &dyn BundleSigner) -> Result<String, ManifestError> {
        if signer.kid() != self.signer_kid {
            return Err(ManifestError::SignerMismatch {
                signer: signer.kid().to_owned(),
                manifest: self.signer_kid.clone(),
            });
        }
        Ok(sign_bundle(&self.claims()?, signer)?)
    }

    /// Checks what the manifest says about itself: schema, item order, every item digest,
    /// the Merkle root, the mode. Returns every problem found.
    pub fn check_integrity(&self) -> Vec<ManifestError> {
        let mut problems = Vec::new();
        if self.version().is_none() {
            problems.push(ManifestError::Schema(self.schema.clone()));
        }
        if self.mode != self.inspection.mode {
            problems.push(ManifestError::Mode {
                manifest: self.mode,
                inspection: self.inspection.mode,
            });
        }
        for (i, pair) in self.items.windows(2).enumerate() {
            if pair[0].item.id >= pair[1].item.id {
                problems.push(ManifestError::Unsorted(i + 1));
            }
        }
        for entry in &self.items {
            match item_digest(&entry.item) {
                Ok(computed) if computed == entry.digest => {}
                Ok(computed) => problems.push(ManifestError::ItemDigest {
                    item: entry.item.id.clone(),
                    recorded: entry.digest.clone(),
                    computed,
                }),
                Err(e) => problems.push(e.into()),
            }
        }
        match self.item_digests() {
            Ok(digests) => {
                let computed = hex::encode(merkle_root(&digests));
                if computed != self.merkle_root {
                    problems.push(ManifestError::MerkleRoot {
                        recorded: self.merkle_root.clone(),
                        computed,
                    });
                }
            }
            Err(e) => problems.push(e),
        }
        problems
    }

    /// Re-evaluates `profile` over the recorded facts and compares with the sealed findings
    /// as data: rule, status, severity, evidence ids, measures, sources and what the
    /// finding says as catalogue messages (ids and arguments), in profile order. The words
    /// (title, message) are not compared — a later catalogue may word a verdict
    /// differently without the bundle becoming invalid. Findings sealed before the
    /// catalogue carry no messages; theirs are compared without them (see
    /// [`FindingsCheck::words_only`]). `profile` must be the sealed one (same id, same TOML
    /// digest).
    pub fn verify_findings(&self, profile: &RuleProfile) -> Result<FindingsCheck, ManifestError> {
        if profile.id != self.profile.id || profile.sha256() != self.profile.sha256 {
            return Err(ManifestError::ProfileDiffers {
                given: profile.id.clone(),
                given_sha256: profile.sha256(),
                sealed: self.profile.id.clone(),
                sealed_sha256: self.profile.sha256.clone(),
            });
        }
        let evidence: Vec<EvidenceItem> = self.items.iter().map(|i| i.item.clone()).collect();
        let recomputed = evaluate(profile, &self.inspection, &evidence);
        // Findings sealed as words only are compared without messages; a sealed finding
        // with messages is compared with them, so a forged argument cannot hide.
        let with_says: BTreeSet<&str> = self
            .findings
            .iter()
            .filter(|f| !f.says.is_empty())
            .map(|f| f.rule_id.as_str())
            .collect();
        fn data<'f>(f: &'f Finding, with_says: &BTreeSet<&str>) -> FindingData<'f> {
            FindingData::of(f, with_says.contains(f.rule_id.as_str()))
        }
        let sealed_data: Vec<FindingData> =
            self.findings.iter().map(|f| data(f, &with_says)).collect();
        let fresh_data: Vec<FindingData> = recomputed.iter().map(|f| data(f, &with_says)).collect();
        if sealed_data == fresh_data {
            return Ok(FindingsCheck {
                reworded: self
                    .findings
                    .iter()
                    .zip(&recomputed)
                    .filter(|(a, b)| a.title != b.title || a.message != b.message)
                    .map(|(a, _)| a.rule_id.clone())
                    .collect(),
                words_only: self
                    .findings
                    .iter()
                    .filter(|f| f.says.is_empty())
                    .map(|f| f.rule_id.clone())
                    .collect(),
            });
        }
        let sealed: BTreeMap<&str, FindingData> = self
            .findings
            .iter()
            .map(|f| (f.rule_id.as_str(), data(f, &with_says)))
            .collect();
        let fresh: BTreeMap<&str, FindingData> = recomputed
            .iter()
            .map(|f| (f.rule_id.as_str(), data(f, &with_says)))
            .collect();
        let mut differing: Vec<&str> = sealed
            .keys()
            .chain(fresh.keys())
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter(|r| sealed.get(r) != fresh.get(r))
            .collect();
        if differing.is_empty() {
            differing.push("(order)");
        }
        Err(ManifestError::FindingsDiffer {
            rules: differing.join(", "),
            sealed_engine: self.engine_version.clone(),
            this_engine: crate::ENGINE_VERSION.into(),
        })
    }

    /// The kids of the device keys the items' signatures name (unverified: the signatures
    /// are checked by [`Self::verify_device_signatures`]).
    pub fn device_kids(&self) -> BTreeSet<String> {
        self.items
            .iter()
            .filter_map(|i| i.device_signature.as_ref())
            .filter_map(|s| jws_kid(&s.jws))
            .collect()
    }

    /// Checks every device signature against the device keys in `jwks`; returns every
    /// problem found.
    pub fn verify_device_signatures(&self, jwks: &Jwks) -> Vec<ManifestError> {
        let mut problems = Vec::new();
        for entry in &self.items {
            let Some(sig) = &entry.device_signature else {
                continue;
            };
            let id = &entry.item.id;
            let kid = jws_kid(&sig.jws).unwrap_or_default();
            let Some(jwk) = jwks.find(&kid) else {
                problems.push(ManifestError::UnknownDeviceKey {
                    item: id.clone(),
                    kid,
                });
                continue;
            };
            if let Err(source) = verify_item_signature(&sig.jws, id, &entry.digest, jwk) {
                problems.push(ManifestError::DeviceSignature {
                    item: id.clone(),
                    source,
                });
            }
        }
        problems
    }
}

/// The `kid` of a compact JWS's header, unverified.
pub(crate) fn jws_kid(jws: &str) -> Option<String> {
    let header = super::b64url_decode(jws.split('.').next()?)?;
    let value: serde_json::Value = serde_json::from_slice(&header).ok()?;
    value.get("kid")?.as_str().map(str::to_owned)
}

/// What the findings check found when the findings agree as data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingsCheck {
    /// Rules whose sealed words differ from this engine's rendering.
    pub reworded: Vec<String>,
    /// Rules sealed as words only (before the message catalogue): compared on status,
    /// evidence ids and measures; their words cannot be re-rendered.
    pub words_only: Vec<String>,
}

/// What a finding says as data, without its words: what `verify_findings` compares.
#[derive(Debug, PartialEq, Eq)]
struct FindingData<'a> {
    rule_id: &'a str,
    status: crate::model::FindingStatus,
    severity: crate::model::Severity,
    evidence_ids: &'a [String],
    measures: &'a [crate::model::Measure],
    seeds: &'a [String],
    /// `None` for a finding sealed as words only.
    says: Option<&'a [crate::i18n::Message]>,
}

impl<'a> FindingData<'a> {
    fn of(f: &'a Finding, with_says: bool) -> Self {
        Self {
            rule_id: &f.rule_id,
            status: f.status,
            severity: f.severity,
            evidence_ids: &f.evidence_ids,
            measures: &f.measures,
            seeds: &f.seeds,
            says: with_says.then_some(f.says.as_slice()),
        }
    }
}

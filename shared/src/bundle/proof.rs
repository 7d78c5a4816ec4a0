//! One item proven without the rest of the bundle: an RFC 6962 inclusion proof
//! (`hecha prove`) checked against the bundle's **signed statement** — the bundle JWS,
//! whose v2 claims carry the manifest digest, the Merkle root and the tree size — and the
//! key history that signed it. The root and the size always come from the signature, never
//! from the proof file (a proof file can claim any size).

use serde::{Deserialize, Serialize};

use super::trust::TrustAnchors;
use crate::seal::key_history::{KeyHistory, KeyHistoryError};
use crate::seal::merkle::{InclusionProof, ProofError};
use crate::seal::sign::{BundleClaims, JwsError, bundle_jws_kid, verify_bundle_jws_in_chain};

/// Schema id of a proof statement file.
pub const PROOF_STATEMENT_SCHEMA: &str = "hecha.proof-statement/v1";

/// The signed statement an inclusion proof is checked against: the bundle's
/// `hecha/manifest.jws` and `hecha/key-history.json`, in one small file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofStatement {
    pub schema: String,
    /// The bundle JWS (compact).
    pub jws: String,
    /// The signer's key history as the bundle carries it.
    pub key_history: KeyHistory,
}

/// Why a proof does not hold.
#[derive(Debug, thiserror::Error)]
pub enum ProofCheckError {
    #[error("the statement's schema is {0:?}, expected {PROOF_STATEMENT_SCHEMA:?}")]
    Schema(String),
    #[error("the statement's key history does not verify: {0}")]
    History(#[from] KeyHistoryError),
    #[error("the statement's signature does not verify: {0}")]
    Signature(#[from] JwsError),
    #[error(
        "the statement is of a hecha.bundle/v1 bundle, whose signature does not cover the tree size: check the proof against the whole bundle"
    )]
    NoTreeSize,
    #[error("the proof says the tree has {proof} items, the signed statement {signed}")]
    TreeSize { proof: u64, signed: u64 },
    #[error(transparent)]
    Proof(#[from] ProofError),
    #[error("the statement's signer is not trusted: {0}")]
    Untrusted(String),
}

/// A proof that held.
#[derive(Debug, Clone)]
pub struct ProvenItem {
    /// The signed claims (inspection, manifest digest, root, size, mode, time).
    pub claims: BundleClaims,
    pub signer_kid: String,
    /// `None` without anchors; `Some(true)` when the signer was judged trusted.
    pub signer_pinned: Option<bool>,
}

impl ProofStatement {
    pub fn new(jws: String, key_history: KeyHistory) -> Self {
        Self {
            schema: PROOF_STATEMENT_SCHEMA.into(),
            jws,
            key_history,
        }
    }

    /// Checks `proof` against this statement: the signature under the key history (the
    /// signer allowed to sign at the signed `sealed_at`), the size and root from the claims,
    /// and, with anchors, the signer judged by them.
    pub fn check(
        &self,
        proof: &InclusionProof,
        trust: &TrustAnchors,
    ) -> Result<ProvenItem, ProofCheckError> {
        if self.schema != PROOF_STATEMENT_SCHEMA {
            return Err(ProofCheckError::Schema(self.schema.clone()));
        }
        let chain = self.key_history.verify()?;
        let claims = verify_bundle_jws_in_chain(&self.jws, &chain)?;
        let signed = claims.tree_size.ok_or(ProofCheckError::NoTreeSize)?;
        if proof.tree_size != signed {
            return Err(ProofCheckError::TreeSize {
                proof: proof.tree_size,
                signed,
            });
        }
        proof.verify(&claims.merkle_root)?;
        let signer_kid = bundle_jws_kid(&self.jws)?;
        let signer_pinned = if trust.is_empty() {
            None
        } else {
            let judgement = trust.judge(&self.key_history, &chain, &signer_kid, &claims.sealed_at);
            if !judgement.pinned {
                let why = judgement
                    .problems
                    .into_iter()
                    .map(|(_, m)| m.render(crate::model::Lang::En))
                    .collect::<Vec<_>>()
                    .join("; ");
                return Err(ProofCheckError::Untrusted(why));
            }
            Some(true)
        };
        Ok(ProvenItem {
            claims,
            signer_kid,
            signer_pinned,
        })
    }
}

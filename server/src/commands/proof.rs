//! `hecha verify-proof PROOF.json --statement STATEMENT.json [--trust HISTORY]`: checks one
//! item's Merkle inclusion proof against a bundle's signed statement (the bundle JWS and
//! its key history, as `hecha prove --statement` writes them), so one photo can be shown
//! without the rest. The root and the tree size come from the signature, never from the
//! proof. Exit 0 valid, 1 invalid or untrusted, 2 unreadable.

use std::path::PathBuf;

use anyhow::Context;
use hecha_core::bundle::proof::ProofStatement;
use hecha_core::seal::merkle::InclusionProof;

use crate::EXIT_PROBLEMS;

#[derive(clap::Args)]
pub struct VerifyProofArgs {
    /// The proof, as `hecha prove` prints it.
    pub proof: PathBuf,
    /// The bundle's signed statement, as `hecha prove --statement` writes it.
    #[arg(long)]
    pub statement: PathBuf,
    /// Trust anchors for the statement's signer (a key history, JWKS, JWK or PEM).
    #[arg(long)]
    pub trust: Vec<PathBuf>,
}

pub fn run(args: &VerifyProofArgs) -> anyhow::Result<u8> {
    let text = std::fs::read_to_string(&args.proof)
        .with_context(|| format!("cannot read {}", args.proof.display()))?;
    let proof: InclusionProof = serde_json::from_str(&text)
        .with_context(|| format!("{} is not an inclusion proof", args.proof.display()))?;
    let text = std::fs::read_to_string(&args.statement)
        .with_context(|| format!("cannot read {}", args.statement.display()))?;
    let statement: ProofStatement = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a proof statement", args.statement.display()))?;
    let trust = super::bundle::read_trust(&args.trust)?;
    match statement.check(&proof, &trust) {
        Ok(proven) => {
            let c = &proven.claims;
            println!(
                "valid: item {} (digest {}) is leaf {} of {} of inspection {} ({}), manifest {}, signed by {}{}",
                proof.item_id,
                proof.leaf,
                proof.leaf_index,
                proof.tree_size,
                c.inspection_id,
                c.mode.as_str(),
                c.manifest_sha256,
                proven.signer_kid,
                match proven.signer_pinned {
                    Some(true) => " (trusted)",
                    _ => " (not pinned: pass --trust HISTORY)",
                }
            );
            Ok(0)
        }
        Err(e) => {
            println!("INVALID: item {}: {e}", proof.item_id);
            Ok(EXIT_PROBLEMS)
        }
    }
}

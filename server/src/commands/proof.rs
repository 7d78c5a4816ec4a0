//! `hecha verify-proof PROOF.json --root HEX`: checks one item's Merkle inclusion proof
//! against a bundle's Merkle root, so one photo can be shown without the rest.
//! Exit 0 valid, 1 invalid, 2 unreadable.

use std::path::PathBuf;

use anyhow::Context;
use hecha_core::seal::merkle::InclusionProof;

use crate::EXIT_PROBLEMS;

#[derive(clap::Args)]
pub struct VerifyProofArgs {
    /// The proof, as `hecha prove` prints it.
    pub proof: PathBuf,
    /// The bundle's Merkle root (lowercase hex), from the signed manifest.
    #[arg(long)]
    pub root: String,
}

pub fn run(args: &VerifyProofArgs) -> anyhow::Result<u8> {
    let text = std::fs::read_to_string(&args.proof)
        .with_context(|| format!("cannot read {}", args.proof.display()))?;
    let proof: InclusionProof = serde_json::from_str(&text)
        .with_context(|| format!("{} is not an inclusion proof", args.proof.display()))?;
    match proof.verify(&args.root) {
        Ok(()) => {
            println!(
                "valid: item {} (digest {}) is leaf {} of {} under root {}",
                proof.item_id, proof.leaf, proof.leaf_index, proof.tree_size, args.root
            );
            Ok(0)
        }
        Err(e) => {
            println!("INVALID: item {}: {e}", proof.item_id);
            Ok(EXIT_PROBLEMS)
        }
    }
}

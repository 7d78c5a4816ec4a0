//! `hecha verify-proof PROOF.json --statement STATEMENT.json [--trust HISTORY]`: checks one
//! item's Merkle inclusion proof against a bundle's signed statement (the bundle JWS and
//! its key history, as `hecha prove --statement` writes them), so one photo can be shown
//! without the rest. The root and the tree size come from the signature, never from the
//! proof. Exit 0 valid, 1 invalid or untrusted, 2 unreadable.

use super::doing;
use std::path::PathBuf;

use anyhow::Context;
use hecha_core::bundle::proof::ProofStatement;
use hecha_core::bundle::verify::mode_word;
use hecha_core::i18n::Message;
use hecha_core::msg;
use hecha_core::seal::merkle::InclusionProof;

use super::say;
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
    let text =
        std::fs::read_to_string(&args.proof).with_context(doing("cli-cannot-read", &args.proof))?;
    let proof: InclusionProof =
        serde_json::from_str(&text).with_context(doing("cli-not-inclusion-proof", &args.proof))?;
    let text = std::fs::read_to_string(&args.statement)
        .with_context(doing("cli-cannot-read", &args.statement))?;
    let statement: ProofStatement = serde_json::from_str(&text)
        .with_context(doing("cli-not-proof-statement", &args.statement))?;
    let trust = super::bundle::read_trust(&args.trust)?;
    match statement.check(&proof, &trust) {
        Ok(proven) => {
            let c = &proven.claims;
            let pin = match proven.signer_pinned {
                Some(true) => "cli-proof-trusted",
                _ => "cli-proof-unpinned",
            };
            say(&msg!(
                "cli-proof-valid",
                item = &proof.item_id,
                leaf = &proof.leaf,
                index = proof.leaf_index,
                size = proof.tree_size,
                inspection = &c.inspection_id,
                mode = mode_word(c.mode),
                manifest = &c.manifest_sha256,
                kid = &proven.signer_kid,
                pin = Message::new(pin)
            ));
            Ok(0)
        }
        Err(e) => {
            say(&msg!(
                "cli-proof-invalid",
                item = &proof.item_id,
                reason = e.to_string()
            ));
            Ok(EXIT_PROBLEMS)
        }
    }
}

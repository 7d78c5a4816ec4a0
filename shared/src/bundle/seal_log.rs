//! `hecha/seal-log.json`: where a server-sealed bundle stands in the server's seal log
//! (format §19). Like the addendum it lies outside the signed manifest (the log entry is
//! made after the manifest is final); the tag manifest covers it, and the verifier checks
//! that its entry names this very manifest, that the entry is included in the tree the
//! signed tree head describes, and who signed that head when.

use serde::{Deserialize, Serialize};

use super::trust::TrustAnchors;
use crate::i18n::Message;
use crate::msg;
use crate::seal::key_history::KeyChain;
use crate::seal::log::{
    LogEntry, LogError, TreeHead, parse_path, verify_inclusion, verify_tree_head,
};
use crate::seal::manifest::Manifest;
use crate::seal::merkle::Hash32;

pub const SEAL_LOG_PATH: &str = "hecha/seal-log.json";

/// The file: the seal's log entry, its leaf index, its audit path and the signed tree head
/// the path leads to. The tree size is the signed head's, never taken from this file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealLogProof {
    pub entry: LogEntry,
    pub leaf_index: u64,
    /// RFC 6962 audit path, lowercase hex, from the leaf up.
    pub inclusion_path: Vec<String>,
    /// The signed tree head (compact JWS, `typ: hecha-sth+jwt`).
    pub tree_head_jws: String,
}

/// What a verified seal-log proof says (the verify report's `log`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogInfo {
    pub tree_size: u64,
    pub leaf_index: u64,
    /// The tree head's timestamp: the seal was in the log no later than this.
    pub tree_head_time: String,
    pub tree_head_kid: String,
    /// `None` without `--trust`; else whether the head's signer is pinned.
    pub pinned: Option<bool>,
}

/// The outcome of the checks: what holds, and every problem and note as (code, message).
#[derive(Debug, Default)]
pub struct LogCheck {
    pub info: Option<LogInfo>,
    pub problems: Vec<(&'static str, Message)>,
    pub notes: Vec<(&'static str, Message)>,
}

impl SealLogProof {
    pub fn new(entry: LogEntry, leaf_index: u64, path: &[Hash32], tree_head_jws: String) -> Self {
        Self {
            entry,
            leaf_index,
            inclusion_path: path.iter().map(hex::encode).collect(),
            tree_head_jws,
        }
    }

    /// The entry is this manifest's: its digest, inspection and sealing time.
    pub fn check_entry(&self, manifest: &Manifest, digest: &str) -> Result<(), Message> {
        match &self.entry {
            LogEntry::Manifest {
                manifest_sha256,
                inspection_id,
                sealed_at,
            } => {
                let mut wrong = Vec::new();
                if manifest_sha256 != digest {
                    wrong.push(msg!(
                        "verify-log-wrong-manifest",
                        logged = manifest_sha256,
                        actual = digest
                    ));
                }
                if *inspection_id != manifest.inspection.id {
                    wrong.push(msg!(
                        "verify-log-wrong-inspection",
                        logged = inspection_id,
                        actual = &manifest.inspection.id
                    ));
                }
                if *sealed_at != manifest.sealed_at {
                    wrong.push(msg!(
                        "verify-log-wrong-sealed-at",
                        logged = sealed_at,
                        actual = &manifest.sealed_at
                    ));
                }
                if wrong.is_empty() {
                    Ok(())
                } else {
                    Err(msg!("verify-log-other-seal", wrong = wrong))
                }
            }
            LogEntry::KeyHistory { .. } => Err(msg!("verify-log-key-history-entry")),
        }
    }

    /// The entry is leaf `leaf_index` of the tree `head` signs.
    pub fn check_inclusion(&self, head: &TreeHead) -> Result<(), LogError> {
        let path = parse_path("inclusion_path", &self.inclusion_path)?;
        verify_inclusion(
            &self.entry.leaf_hash()?,
            self.leaf_index,
            head.tree_size,
            &path,
            &head.root()?,
        )
    }
}

/// Checks `hecha/seal-log.json` of a bundle whose manifest is `manifest` (digest `digest`).
/// The tree head is judged by the pinned anchors when there are any (`log.tree_head` when
/// they do not pin its signer), else by the bundle's own key history (`chain`), which only
/// shows it is intact (the note `log.unpinned`).
pub fn check_seal_log(
    bytes: &[u8],
    manifest: &Manifest,
    digest: &str,
    chain: Option<&KeyChain>,
    anchors: &TrustAnchors,
) -> LogCheck {
    let mut out = LogCheck::default();
    let proof: SealLogProof = match serde_json::from_slice(bytes) {
        Ok(p) => p,
        Err(e) => {
            out.problems.push((
                "log.entry",
                msg!("verify-log-not-proof", detail = e.to_string()),
            ));
            return out;
        }
    };
    if let Err(e) = proof.check_entry(manifest, digest) {
        out.problems.push(("log.entry", e));
    }
    let token = proof.tree_head_jws.trim();
    let judged = if anchors.is_empty() {
        match chain {
            Some(chain) => verify_tree_head(token, chain)
                .map(|(head, kid)| (head, kid, None))
                .map_err(|e| msg!("verify-tree-head-bad", detail = e.to_string())),
            None => Err(msg!("verify-tree-head-no-history")),
        }
    } else {
        anchors
            .verify_tree_head(token)
            .map(|(head, kid, _)| (head, kid, Some(true)))
    };
    let (head, kid, pinned) = match judged {
        Ok(j) => j,
        Err(e) => {
            out.problems.push(("log.tree_head", e));
            return out;
        }
    };
    if pinned.is_none() {
        out.notes
            .push(("log.unpinned", msg!("verify-log-unpinned")));
    }
    if let Err(e) = proof.check_inclusion(&head) {
        out.problems.push((
            "log.inclusion",
            msg!(
                "verify-log-inclusion",
                leaf = proof.leaf_index,
                size = head.tree_size,
                detail = e.to_string()
            ),
        ));
        return out;
    }
    out.info = Some(LogInfo {
        tree_size: head.tree_size,
        leaf_index: proof.leaf_index,
        tree_head_time: head.timestamp,
        tree_head_kid: kid,
        pinned,
    });
    out
}

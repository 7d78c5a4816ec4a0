//! The seal log: an append-only RFC 6962 Merkle log of every official seal and every change
//! of the official key history, kept by the server, with tree heads signed by the bundle
//! keyring (format §19). As Certificate Transparency does for certificates, it makes a
//! backdated seal (a leaf appended after later ones) and a truncated or forked history
//! (two tree heads no consistency proof joins) visible to anyone holding two tree heads.
//!
//! - a leaf is the canonical JSON (JCS) of a [`LogEntry`], hashed as RFC 6962 leaves are;
//! - inclusion proofs are RFC 6962 audit paths, checked with RFC 9162 §2.1.3.2;
//! - consistency proofs are RFC 6962 §2.1.2 `PROOF(m, D[n])`, checked with RFC 9162
//!   §2.1.4.2;
//! - a signed tree head ([`TreeHead`]) is a compact EdDSA JWS with `typ: hecha-sth+jwt`,
//!   judged by the key history with the bundle signature's key-period rule: a key may sign
//!   at `t` when introduced at or before `t` and not retired at or before `t`.

use serde::{Deserialize, Serialize};

use super::canonical::{CanonicalError, canonical_sha256, to_canonical_json};
use super::key::{BundleSigner, Jwks, KeyPurpose};
use super::key_history::{KeyChain, KeyHistory, KeyHistoryError};
use super::merkle::{
    Hash32, ProofError, leaf_hash, node_hash, parse_hex, path_of, root_from_path,
    root_of_leaf_hashes, split,
};
use super::sign::{JwsError, bundle_jws_kid, jws_typ, sign_typed_claims, verify_claims};

/// The `typ` of a signed tree head's JWS header.
pub const TREE_HEAD_TYP: &str = "hecha-sth+jwt";

/// One leaf of the seal log. JSON: `{"kind": "manifest", …}` or `{"kind": "key_history", …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum LogEntry {
    /// An official seal: the manifest digest, its inspection and its `sealed_at`.
    Manifest {
        manifest_sha256: String,
        inspection_id: String,
        sealed_at: String,
    },
    /// The official key history as it became: SHA-256 of its canonical JSON, its number of
    /// entries, and the time of its last entry (when it took this form). The same history
    /// always makes the same entry, so replicas logging it at once log it once.
    KeyHistory {
        history_sha256: String,
        entries: u64,
        at: String,
    },
}

impl LogEntry {
    /// The entry of a key history as it is now.
    pub fn key_history(history: &KeyHistory) -> Result<Self, CanonicalError> {
        Ok(Self::KeyHistory {
            history_sha256: canonical_sha256(history)?,
            entries: history.entries.len() as u64,
            at: history
                .entries
                .last()
                .map(|e| e.statement.at.clone())
                .unwrap_or_default(),
        })
    }

    /// The leaf's bytes: the entry's canonical JSON.
    pub fn to_canonical_json(&self) -> Result<Vec<u8>, CanonicalError> {
        to_canonical_json(self)
    }

    /// RFC 6962 leaf hash of the canonical JSON.
    pub fn leaf_hash(&self) -> Result<Hash32, CanonicalError> {
        Ok(leaf_hash(&self.to_canonical_json()?))
    }
}

/// Why a log proof or a tree head does not hold.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error(transparent)]
    Proof(#[from] ProofError),
    #[error("a consistency proof needs 0 < first ≤ second; got first {first}, second {second}")]
    Sizes { first: u64, second: u64 },
    #[error(
        "the consistency proof does not join the tree of {first} leaves to the tree of {second} (a forked or rewritten log, or a wrong proof)"
    )]
    Inconsistent { first: u64, second: u64 },
    #[error("the JWS is a {found:?}, not a seal-log tree head ({TREE_HEAD_TYP})")]
    NotATreeHead { found: Option<String> },
    #[error("the tree head: {0}")]
    Signature(#[from] JwsError),
    #[error("the tree head's signer was not allowed to sign at its timestamp: {0}")]
    KeyPeriod(#[from] KeyHistoryError),
    #[error(
        "the tree head is judged by a rehearsal key history; only official keys sign tree heads"
    )]
    NotOfficial,
    #[error("the tree head names log {found}, the key history is log {expected}")]
    LogId { expected: String, found: String },
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
}

/// The audit path of leaf `index` in the log of `leaves` (leaf hashes), from the leaf up.
pub fn inclusion_path(leaves: &[Hash32], index: u64) -> Result<Vec<Hash32>, LogError> {
    let size = leaves.len() as u64;
    if index >= size {
        return Err(ProofError::IndexOutOfRange {
            leaf_index: index,
            tree_size: size,
        }
        .into());
    }
    let mut path = Vec::new();
    path_of(index as usize, leaves, &mut path);
    Ok(path)
}

/// Checks that `leaf` (a leaf hash) is leaf `index` of the tree of `size` leaves whose root
/// is `root`.
pub fn verify_inclusion(
    leaf: &Hash32,
    index: u64,
    size: u64,
    path: &[Hash32],
    root: &Hash32,
) -> Result<(), LogError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange {
            leaf_index: index,
            tree_size: size,
        }
        .into());
    }
    let computed = root_from_path(index, size, *leaf, path).ok_or(ProofError::PathLength {
        leaf_index: index,
        tree_size: size,
    })?;
    if computed != *root {
        return Err(ProofError::RootMismatch {
            computed: hex::encode(computed),
            expected: hex::encode(root),
        }
        .into());
    }
    Ok(())
}

/// RFC 6962 §2.1.2 `PROOF(first, D[n])` for the log of `leaves` (n = its length):
/// `0 < first ≤ n`; empty when `first == n`.
pub fn consistency_proof(leaves: &[Hash32], first: u64) -> Result<Vec<Hash32>, LogError> {
    let second = leaves.len() as u64;
    if first == 0 || first > second {
        return Err(LogError::Sizes { first, second });
    }
    let mut proof = Vec::new();
    subproof(first as usize, leaves, true, &mut proof);
    Ok(proof)
}

/// RFC 6962 `SUBPROOF(m, D[n], b)`.
fn subproof(m: usize, leaves: &[Hash32], whole: bool, out: &mut Vec<Hash32>) {
    let n = leaves.len();
    if m == n {
        if !whole {
            out.push(root_of_leaf_hashes(leaves));
        }
        return;
    }
    let k = split(n);
    if m <= k {
        subproof(m, &leaves[..k], whole, out);
        out.push(root_of_leaf_hashes(&leaves[k..]));
    } else {
        subproof(m - k, &leaves[k..], false, out);
        out.push(root_of_leaf_hashes(&leaves[..k]));
    }
}

/// Checks a consistency proof between the tree of `first` leaves with root `first_root` and
/// the tree of `second` leaves with root `second_root` (RFC 9162 §2.1.4.2): the first tree
/// is a prefix of the second, nothing in it rewritten.
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash32,
    second_root: &Hash32,
    proof: &[Hash32],
) -> Result<(), LogError> {
    if first == 0 || first > second {
        return Err(LogError::Sizes { first, second });
    }
    let inconsistent = LogError::Inconsistent { first, second };
    if first == second {
        return if proof.is_empty() && first_root == second_root {
            Ok(())
        } else {
            Err(inconsistent)
        };
    }
    let Some((&head, rest)) = proof.split_first() else {
        return Err(inconsistent);
    };
    // Step 2: when `first` is a power of two its root is the first node of the path.
    let (start, path): (Hash32, &[Hash32]) = if first.is_power_of_two() {
        (*first_root, proof)
    } else {
        (head, rest)
    };
    let (mut f, mut s) = (first - 1, second - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (start, start);
    for c in path {
        if s == 0 {
            return Err(inconsistent);
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if fr == *first_root && sr == *second_root && s == 0 {
        Ok(())
    } else {
        Err(inconsistent)
    }
}

/// What a tree head signs. JSON members in this (alphabetical) order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TreeHead {
    /// The log's identity: the kid of the first key of the official key history (the
    /// authority's root key), the same across rotations.
    pub log_id: String,
    /// The Merkle tree head (RFC 6962 MTH) over the log's leaves, lowercase hex.
    pub root_hash: String,
    /// RFC 3339 UTC, seconds: when the server signed the head. The signer's key period is
    /// judged at this time.
    pub timestamp: String,
    pub tree_size: u64,
}

impl TreeHead {
    /// The head of the log of `leaves` (leaf hashes).
    pub fn of(leaves: &[Hash32], log_id: &str, timestamp: &str) -> Self {
        Self {
            log_id: log_id.to_owned(),
            root_hash: hex::encode(root_of_leaf_hashes(leaves)),
            timestamp: timestamp.to_owned(),
            tree_size: leaves.len() as u64,
        }
    }

    /// The root as bytes.
    pub fn root(&self) -> Result<Hash32, LogError> {
        Ok(parse_hex("root_hash", &self.root_hash)?)
    }

    /// The signed tree head: a compact EdDSA JWS, header `typ: hecha-sth+jwt`.
    pub fn sign(&self, signer: &dyn BundleSigner) -> Result<String, LogError> {
        Ok(sign_typed_claims(self, signer, TREE_HEAD_TYP)?)
    }
}

/// The log id of a key history: the kid of its first key.
pub fn log_id_of(chain: &KeyChain) -> Option<&str> {
    chain.keys().first().map(|k| k.jwk.kid.as_str())
}

/// Checks a signed tree head's header (`typ`, EdDSA, a kid) and signature with the key of
/// its kid in `jwks`; returns the head and the kid. The key period is the caller's business.
pub fn verify_tree_head_with(token: &str, jwks: &Jwks) -> Result<(TreeHead, String), LogError> {
    let typ = jws_typ(token)?;
    if typ.as_deref() != Some(TREE_HEAD_TYP) {
        return Err(LogError::NotATreeHead { found: typ });
    }
    let kid = bundle_jws_kid(token)?;
    let head: TreeHead = verify_claims(token, jwks)?;
    Ok((head, kid))
}

/// Checks a signed tree head against a verified key history: signed by one of its keys,
/// allowed to sign at the head's timestamp (the bundle signature's rule), for this
/// history's log. Returns the head and the signer's kid.
pub fn verify_tree_head(token: &str, chain: &KeyChain) -> Result<(TreeHead, String), LogError> {
    // Only the official keyring keeps the log: a rehearsal key signs no tree head.
    if chain.purpose() != KeyPurpose::Official {
        return Err(LogError::NotOfficial);
    }
    let (head, kid) = verify_tree_head_with(token, &chain.jwks())?;
    chain.key_at(&kid, &head.timestamp)?;
    match log_id_of(chain) {
        Some(id) if id == head.log_id => Ok((head, kid)),
        expected => Err(LogError::LogId {
            expected: expected.unwrap_or_default().to_owned(),
            found: head.log_id,
        }),
    }
}

/// Parses hex nodes (a proof's path), each a lowercase SHA-256.
pub fn parse_path(field: &'static str, nodes: &[String]) -> Result<Vec<Hash32>, LogError> {
    nodes
        .iter()
        .map(|n| parse_hex(field, n).map_err(LogError::from))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::format_time;
    use crate::seal::key::Ed25519Key;
    use crate::seal::merkle::tests::{CT_ROOTS, ct_leaf_hashes as ct_leaves};
    use chrono::{Duration, TimeZone, Utc};
    use proptest::prelude::*;

    /// The tree head of the first `n` Certificate Transparency reference leaves.
    fn root(n: usize) -> Hash32 {
        parse_hex("root", CT_ROOTS[n]).unwrap()
    }

    fn hexes(path: &[Hash32]) -> Vec<String> {
        path.iter().map(hex::encode).collect()
    }

    /// The consistency vectors of certificate-transparency / transparency-dev.
    #[test]
    fn consistency_proofs_match_certificate_transparency() {
        let leaves = ct_leaves();
        let cases: [(u64, usize, &[&str]); 4] = [
            (1, 1, &[]),
            (
                1,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                6,
                8,
                &[
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
            (
                2,
                5,
                &[
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
        ];
        for (m, n, want) in cases {
            let proof = consistency_proof(&leaves[..n], m).unwrap();
            assert_eq!(hexes(&proof), want, "PROOF({m}, D[{n}])");
            verify_consistency(m, n as u64, &root(m as usize), &root(n), &proof).unwrap();
        }
    }

    #[test]
    fn inclusion_in_the_log_matches_certificate_transparency() {
        let leaves = ct_leaves();
        let path = inclusion_path(&leaves, 5).unwrap();
        assert_eq!(
            hexes(&path),
            [
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        );
        verify_inclusion(&leaves[5], 5, 8, &path, &root(8)).unwrap();
        // The same path does not fit another index, size or leaf.
        assert!(verify_inclusion(&leaves[5], 4, 8, &path, &root(8)).is_err());
        assert!(verify_inclusion(&leaves[5], 5, 7, &path, &root(7)).is_err());
        assert!(verify_inclusion(&leaves[4], 5, 8, &path, &root(8)).is_err());
        assert!(matches!(
            verify_inclusion(&leaves[5], 8, 8, &path, &root(8)),
            Err(LogError::Proof(ProofError::IndexOutOfRange { .. }))
        ));
    }

    #[test]
    fn size_zero_and_one_edge_cases() {
        let leaves = ct_leaves();
        // Nothing is in an empty log, and no proof starts from one.
        assert!(inclusion_path(&[], 0).is_err());
        assert!(verify_inclusion(&leaves[0], 0, 0, &[], &root(1)).is_err());
        assert!(matches!(
            consistency_proof(&leaves[..3], 0),
            Err(LogError::Sizes { .. })
        ));
        assert!(matches!(
            verify_consistency(0, 3, &root(1), &root(3), &[]),
            Err(LogError::Sizes { .. })
        ));
        // A one-leaf log: the leaf is the root, the path is empty.
        assert!(inclusion_path(&leaves[..1], 0).unwrap().is_empty());
        verify_inclusion(&leaves[0], 0, 1, &[], &root(1)).unwrap();
        // Same size: consistent exactly when the roots are equal and the proof empty.
        verify_consistency(3, 3, &root(3), &root(3), &[]).unwrap();
        assert!(verify_consistency(3, 3, &root(3), &root(4), &[]).is_err());
        assert!(verify_consistency(3, 3, &root(3), &root(3), &[root(1)]).is_err());
        // A bigger tree needs a proof; "shrinking" is never consistent.
        assert!(verify_consistency(2, 3, &root(2), &root(3), &[]).is_err());
        assert!(matches!(
            verify_consistency(4, 3, &root(4), &root(3), &[]),
            Err(LogError::Sizes { .. })
        ));
        assert!(matches!(
            consistency_proof(&leaves[..3], 4),
            Err(LogError::Sizes { .. })
        ));
    }

    #[test]
    fn a_forked_log_is_inconsistent() {
        // Two logs that share their first three leaves and then differ.
        let a = ct_leaves();
        let mut b = a.clone();
        b[3] = leaf_hash(b"backdated seal");
        let b_root = root_of_leaf_hashes(&b);
        let proof = consistency_proof(&b, 5).unwrap();
        // B's proof from its own 5-leaf head verifies, not from A's 5-leaf head.
        verify_consistency(5, 8, &root_of_leaf_hashes(&b[..5]), &b_root, &proof).unwrap();
        assert!(matches!(
            verify_consistency(5, 8, &root(5), &b_root, &proof),
            Err(LogError::Inconsistent { .. })
        ));
        // And A's honest proof does not lead to B's head.
        let honest = consistency_proof(&a, 5).unwrap();
        assert!(verify_consistency(5, 8, &root(5), &b_root, &honest).is_err());
    }

    fn leaves(n: usize) -> Vec<Hash32> {
        (0..n as u64).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        /// Every pair of sizes 1 ≤ m ≤ n ≤ 64: the proof verifies, and flipping any bit of
        /// any node, or claiming other sizes, makes it fail.
        #[test]
        fn every_consistency_proof_verifies_and_any_change_fails(
            n in 1usize..=64,
            pick in any::<prop::sample::Index>(),
            flip in any::<prop::sample::Index>(),
            bit in 0u8..8,
        ) {
            let all = leaves(n);
            let second = root_of_leaf_hashes(&all);
            for m in 1..=n {
                let first = root_of_leaf_hashes(&all[..m]);
                let proof = consistency_proof(&all, m as u64).unwrap();
                prop_assert!(verify_consistency(m as u64, n as u64, &first, &second, &proof).is_ok());
                if !proof.is_empty() {
                    let mut bad = proof.clone();
                    let node = pick.index(bad.len());
                    bad[node][flip.index(32)] ^= 1 << bit;
                    prop_assert!(verify_consistency(m as u64, n as u64, &first, &second, &bad).is_err());
                    let mut short = proof.clone();
                    short.pop();
                    prop_assert!(verify_consistency(m as u64, n as u64, &first, &second, &short).is_err());
                }
                if m < n {
                    let other = root_of_leaf_hashes(&all[..m + 1]);
                    prop_assert!(verify_consistency(m as u64 + 1, n as u64, &other, &second, &proof).is_err());
                }
                let mut long = proof.clone();
                long.push(second);
                prop_assert!(verify_consistency(m as u64, n as u64, &first, &second, &long).is_err());
            }
            for i in 0..n as u64 {
                let path = inclusion_path(&all, i).unwrap();
                prop_assert!(verify_inclusion(&all[i as usize], i, n as u64, &path, &second).is_ok());
                if !path.is_empty() {
                    let mut bad = path.clone();
                    let node = pick.index(bad.len());
                    bad[node][flip.index(32)] ^= 1 << bit;
                    prop_assert!(verify_inclusion(&all[i as usize], i, n as u64, &bad, &second).is_err());
                }
            }
        }
    }

    fn history_of(keys: &[&Ed25519Key], times: &[chrono::DateTime<Utc>]) -> KeyHistory {
        let mut history = KeyHistory::default();
        history
            .introduce(keys[0].public_jwk(), keys[0], times[0])
            .unwrap();
        for (i, k) in keys.iter().enumerate().skip(1) {
            history
                .introduce(k.public_jwk(), keys[i - 1], times[i])
                .unwrap();
        }
        history
    }

    #[test]
    fn a_tree_head_verifies_in_its_signers_period_only() {
        let old = Ed25519Key::from_secret_bytes(&[1; 32]);
        let new = Ed25519Key::from_secret_bytes(&[2; 32]);
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        // The rotation happens at 12:00:00.700; the history records it to the second.
        let rotation = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
        let chain = history_of(&[&old, &new], &[t0, rotation + Duration::milliseconds(700)])
            .verify()
            .unwrap();
        let log_id = old.kid();
        let leaves = leaves(3);
        let head = |at| TreeHead::of(&leaves, log_id, &format_time(at));
        // The new key signs from the second of its introduction on (inclusive)…
        let sth = head(rotation).sign(&new).unwrap();
        let (got, kid) = verify_tree_head(&sth, &chain).unwrap();
        assert_eq!((got.tree_size, kid.as_str()), (3, new.kid()));
        // …and the old key no longer in that second (exclusive), as for bundle signatures.
        let sth = head(rotation).sign(&old).unwrap();
        assert!(matches!(
            verify_tree_head(&sth, &chain),
            Err(LogError::KeyPeriod(
                KeyHistoryError::SignedAfterRetirement { .. }
            ))
        ));
        let sth = head(rotation - Duration::seconds(1)).sign(&old).unwrap();
        verify_tree_head(&sth, &chain).unwrap();
        // Before its introduction the new key signs nothing.
        let sth = head(rotation - Duration::seconds(1)).sign(&new).unwrap();
        assert!(verify_tree_head(&sth, &chain).is_err());
        // Another log's id under the same keys is refused.
        let mut other = head(rotation);
        other.log_id = new.kid().to_owned();
        assert!(matches!(
            verify_tree_head(&other.sign(&new).unwrap(), &chain),
            Err(LogError::LogId { .. })
        ));
    }

    #[test]
    fn a_bundle_signature_is_not_a_tree_head() {
        let key = Ed25519Key::from_secret_bytes(&[3; 32]);
        let chain = history_of(
            &[&key],
            &[Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()],
        )
        .verify()
        .unwrap();
        let head = TreeHead::of(&leaves(2), key.kid(), "2026-02-01T00:00:00Z");
        // The same claims signed with the bundle header (typ JWT) are refused.
        let untyped = crate::seal::sign::sign_claims(&head, &key).unwrap();
        assert!(matches!(
            verify_tree_head(&untyped, &chain),
            Err(LogError::NotATreeHead { .. })
        ));
        let sth = head.sign(&key).unwrap();
        verify_tree_head(&sth, &chain).unwrap();
        // A tree head signed by a key outside the history.
        let stranger = Ed25519Key::from_secret_bytes(&[4; 32]);
        assert!(matches!(
            verify_tree_head(&head.sign(&stranger).unwrap(), &chain),
            Err(LogError::Signature(JwsError::UnknownKid(_)))
        ));
    }

    #[test]
    fn entries_are_canonical_json_with_their_kind() {
        let e = LogEntry::Manifest {
            manifest_sha256: "ab".repeat(32),
            inspection_id: "insp-1".into(),
            sealed_at: "2026-11-23T09:30:00Z".into(),
        };
        let json = String::from_utf8(e.to_canonical_json().unwrap()).unwrap();
        assert_eq!(
            json,
            format!(
                r#"{{"inspection_id":"insp-1","kind":"manifest","manifest_sha256":"{}","sealed_at":"2026-11-23T09:30:00Z"}}"#,
                "ab".repeat(32)
            )
        );
        let back: LogEntry = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e);
        assert!(serde_json::from_str::<LogEntry>(r#"{"kind":"manifest","x":1}"#).is_err());
        let h = LogEntry::KeyHistory {
            history_sha256: "cd".repeat(32),
            entries: 2,
            at: "2026-11-23T09:30:00Z".into(),
        };
        assert!(
            String::from_utf8(h.to_canonical_json().unwrap())
                .unwrap()
                .contains(r#""kind":"key_history""#)
        );
    }
}

//! The RFC 6962 (§2.1) Merkle tree over item digests, and inclusion proofs.
//!
//! Leaves are the manifest's item digests, in manifest item order. A leaf hash is
//! SHA-256(0x00 ‖ digest), an interior node SHA-256(0x01 ‖ left ‖ right); a tree of n > 1
//! leaves splits at k, the largest power of two smaller than n. The empty tree's root is
//! SHA-256 of the empty string. An [`InclusionProof`] shows one item belongs to a sealed
//! bundle without revealing the others.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::hash::{is_sha256_hex, parse_sha256_hex};

/// A SHA-256 value.
pub type Hash32 = [u8; 32];

/// Hash of a leaf: SHA-256(0x00 ‖ data). For our trees `data` is a 32-byte item digest.
pub fn leaf_hash(data: &[u8]) -> Hash32 {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(data);
    h.finalize().into()
}

/// Hash of an interior node: SHA-256(0x01 ‖ left ‖ right).
pub fn node_hash(left: &Hash32, right: &Hash32) -> Hash32 {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Largest power of two strictly smaller than `n` (n ≥ 2).
pub(crate) fn split(n: usize) -> usize {
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// The tree head over leaf hashes (RFC 6962 MTH); the seal log's trees use it too.
pub fn root_of_leaf_hashes(leaves: &[Hash32]) -> Hash32 {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(
                &root_of_leaf_hashes(&leaves[..k]),
                &root_of_leaf_hashes(&leaves[k..]),
            )
        }
    }
}

/// The audit path of leaf `m` (RFC 6962 PATH), from the leaf up. `m < leaves.len()`.
pub(crate) fn path_of(m: usize, leaves: &[Hash32], out: &mut Vec<Hash32>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split(n);
    if m < k {
        path_of(m, &leaves[..k], out);
        out.push(root_of_leaf_hashes(&leaves[k..]));
    } else {
        path_of(m - k, &leaves[k..], out);
        out.push(root_of_leaf_hashes(&leaves[..k]));
    }
}

/// The root over item digests, in the order given (manifest item order).
pub fn merkle_root(item_digests: &[Hash32]) -> Hash32 {
    let leaves: Vec<Hash32> = item_digests.iter().map(|d| leaf_hash(d)).collect();
    root_of_leaf_hashes(&leaves)
}

/// Root from leaf hashes and an audit path (RFC 9162 §2.1.3.2); `None` when the path's
/// length does not fit the index and size.
pub(crate) fn root_from_path(
    leaf_index: u64,
    tree_size: u64,
    leaf: Hash32,
    path: &[Hash32],
) -> Option<Hash32> {
    if leaf_index >= tree_size {
        return None;
    }
    let (mut f, mut s) = (leaf_index, tree_size - 1);
    let mut r = leaf;
    for p in path {
        if s == 0 {
            return None;
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    (s == 0).then_some(r)
}

/// Why a proof cannot be made or does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("no item {0:?} in the manifest")]
    UnknownItem(String),
    #[error("{field} is not a lowercase hex SHA-256: {value:?}")]
    BadHex { field: &'static str, value: String },
    #[error("leaf index {leaf_index} is not inside a tree of {tree_size} leaves")]
    IndexOutOfRange { leaf_index: u64, tree_size: u64 },
    #[error("the audit path has the wrong length for leaf {leaf_index} of {tree_size}")]
    PathLength { leaf_index: u64, tree_size: u64 },
    #[error("the proof leads to root {computed}, not to {expected}")]
    RootMismatch { computed: String, expected: String },
}

/// Proof that one item digest is leaf `leaf_index` of the tree with the given root.
///
/// JSON: `{"item_id", "leaf", "leaf_index", "tree_size", "path": [hex, …]}`; `leaf` is the
/// item digest (not the leaf hash), `path` the sibling hashes from the leaf up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionProof {
    /// The manifest item the proof is about (informative: the digest is what is proven).
    pub item_id: String,
    /// The item digest, lowercase hex.
    pub leaf: String,
    pub leaf_index: u64,
    pub tree_size: u64,
    /// Audit path, lowercase hex, from the leaf up.
    pub path: Vec<String>,
}

impl InclusionProof {
    /// The proof for leaf `index` of `items` (`(item_id, item_digest)` in manifest order).
    pub fn build(items: &[(String, Hash32)], index: usize) -> Result<Self, ProofError> {
        let size = items.len() as u64;
        let (item_id, digest) = items.get(index).ok_or(ProofError::IndexOutOfRange {
            leaf_index: index as u64,
            tree_size: size,
        })?;
        let leaves: Vec<Hash32> = items.iter().map(|(_, d)| leaf_hash(d)).collect();
        let mut path = Vec::new();
        path_of(index, &leaves, &mut path);
        Ok(Self {
            item_id: item_id.clone(),
            leaf: hex::encode(digest),
            leaf_index: index as u64,
            tree_size: size,
            path: path.iter().map(hex::encode).collect(),
        })
    }

    /// The root this proof leads to.
    pub fn computed_root(&self) -> Result<Hash32, ProofError> {
        let leaf = parse_hex("leaf", &self.leaf)?;
        let path = self
            .path
            .iter()
            .map(|p| parse_hex("path", p))
            .collect::<Result<Vec<_>, _>>()?;
        if self.leaf_index >= self.tree_size {
            return Err(ProofError::IndexOutOfRange {
                leaf_index: self.leaf_index,
                tree_size: self.tree_size,
            });
        }
        root_from_path(self.leaf_index, self.tree_size, leaf_hash(&leaf), &path).ok_or(
            ProofError::PathLength {
                leaf_index: self.leaf_index,
                tree_size: self.tree_size,
            },
        )
    }

    /// Checks the proof against the sealed Merkle root (lowercase hex).
    pub fn verify(&self, root_hex: &str) -> Result<(), ProofError> {
        let expected = parse_hex("root", root_hex)?;
        let computed = self.computed_root()?;
        if computed != expected {
            return Err(ProofError::RootMismatch {
                computed: hex::encode(computed),
                expected: root_hex.to_owned(),
            });
        }
        Ok(())
    }
}

pub(crate) fn parse_hex(field: &'static str, value: &str) -> Result<Hash32, ProofError> {
    if !is_sha256_hex(value) {
        return Err(ProofError::BadHex {
            field,
            value: value.to_owned(),
        });
    }
    parse_sha256_hex(value).ok_or(ProofError::BadHex {
        field,
        value: value.to_owned(),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The Certificate Transparency reference leaves (certificate-transparency
    /// merkle_tree_test, transparency-dev/merkle testdata) and the tree heads for sizes
    /// 0..=8; the seal log's tests use them too.
    pub(crate) const CT_LEAVES: [&str; 8] = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ];
    pub(crate) const CT_ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    pub(crate) fn ct_leaf_hashes() -> Vec<Hash32> {
        CT_LEAVES
            .iter()
            .map(|h| leaf_hash(&hex::decode(h).unwrap()))
            .collect()
    }

    #[test]
    fn tree_heads_match_certificate_transparency() {
        let leaves = ct_leaf_hashes();
        for n in 0..=8 {
            assert_eq!(
                hex::encode(root_of_leaf_hashes(&leaves[..n])),
                CT_ROOTS[n],
                "size {n}"
            );
        }
        assert_eq!(hex::encode(merkle_root(&[])), CT_ROOTS[0]);
    }

    #[test]
    fn audit_paths_match_certificate_transparency() {
        let leaves = ct_leaf_hashes();
        let cases: [(usize, usize, &[&str]); 3] = [
            (
                0,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                5,
                8,
                &[
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
            (
                2,
                3,
                &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
            ),
        ];
        for (m, n, want) in cases {
            let mut path = Vec::new();
            path_of(m, &leaves[..n], &mut path);
            let got: Vec<String> = path.iter().map(hex::encode).collect();
            assert_eq!(got, want, "leaf {m} of {n}");
            let root = root_from_path(m as u64, n as u64, leaves[m], &path).unwrap();
            assert_eq!(hex::encode(root), CT_ROOTS[n]);
        }
    }

    fn items(n: usize) -> Vec<(String, Hash32)> {
        (0..n)
            .map(|i| {
                (
                    format!("item-{i}"),
                    super::super::hash::sha256(&i.to_le_bytes()),
                )
            })
            .collect()
    }

    #[test]
    fn proof_json_round_trips_and_names_the_item() {
        let items = items(5);
        let root = hex::encode(merkle_root(
            &items.iter().map(|(_, d)| *d).collect::<Vec<_>>(),
        ));
        let proof = InclusionProof::build(&items, 3).unwrap();
        let json = serde_json::to_string(&proof).unwrap();
        let back: InclusionProof = serde_json::from_str(&json).unwrap();
        assert_eq!(back.item_id, "item-3");
        back.verify(&root).unwrap();
        assert!(InclusionProof::build(&items, 5).is_err());
    }

    #[test]
    fn a_single_item_tree_has_an_empty_path() {
        let items = items(1);
        let proof = InclusionProof::build(&items, 0).unwrap();
        assert!(proof.path.is_empty());
        proof
            .verify(&hex::encode(merkle_root(&[items[0].1])))
            .unwrap();
    }

    #[test]
    fn malformed_proofs_are_refused_not_panicked() {
        let items = items(4);
        let root = hex::encode(merkle_root(
            &items.iter().map(|(_, d)| *d).collect::<Vec<_>>(),
        ));
        let good = InclusionProof::build(&items, 1).unwrap();
        let mut p = good.clone();
        p.tree_size = 0;
        assert!(matches!(
            p.verify(&root),
            Err(ProofError::IndexOutOfRange { .. })
        ));
        let mut p = good.clone();
        p.path.push(p.path[0].clone());
        assert!(matches!(
            p.verify(&root),
            Err(ProofError::PathLength { .. })
        ));
        let mut p = good.clone();
        p.path.pop();
        assert!(p.verify(&root).is_err());
        let mut p = good.clone();
        p.leaf = p.leaf.to_uppercase();
        assert!(matches!(p.verify(&root), Err(ProofError::BadHex { .. })));
        let mut p = good;
        p.tree_size = u64::MAX;
        assert!(p.verify(&root).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn every_proof_of_every_leaf_verifies_and_any_changed_byte_fails(
            n in 1usize..40,
            flip in any::<prop::sample::Index>(),
            bit in 0u8..8,
        ) {
            let items = items(n);
            let digests: Vec<Hash32> = items.iter().map(|(_, d)| *d).collect();
            let root = hex::encode(merkle_root(&digests));
            for i in 0..n {
                let proof = InclusionProof::build(&items, i).unwrap();
                prop_assert!(proof.verify(&root).is_ok());
                // Flip one bit of the leaf or of one path element.
                let mut bytes: Vec<Vec<u8>> = std::iter::once(hex::decode(&proof.leaf).unwrap())
                    .chain(proof.path.iter().map(|p| hex::decode(p).unwrap()))
                    .collect();
                let total = bytes.len() * 32;
                let at = flip.index(total);
                bytes[at / 32][at % 32] ^= 1 << bit;
                let mut bad = proof.clone();
                bad.leaf = hex::encode(&bytes[0]);
                bad.path = bytes[1..].iter().map(hex::encode).collect();
                prop_assert!(bad.verify(&root).is_err());
                // Another index or size is another proof.
                let mut moved = proof.clone();
                moved.leaf_index = (proof.leaf_index + 1) % n as u64;
                if n > 1 {
                    prop_assert!(moved.verify(&root).is_err());
                }
            }
        }
    }
}

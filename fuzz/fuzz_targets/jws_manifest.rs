//! Bytes as the signed documents of a bundle: the manifest and its integrity checks, the
//! bundle JWS, the key history, a key set, and the seal log's documents (`seal-log.json`,
//! a signed tree head, inclusion and consistency proofs over arbitrary hashes).
#![no_main]

use std::sync::LazyLock;

use hecha_core::bundle::seal_log::SealLogProof;
use hecha_core::seal::key::{Ed25519Key, Jwks};
use hecha_core::seal::key_history::KeyHistory;
use hecha_core::seal::log::{
    TreeHead, verify_consistency, verify_inclusion, verify_tree_head_with,
};
use hecha_core::seal::manifest::Manifest;
use hecha_core::seal::sign::{bundle_jws_kid, verify_bundle_jws};
use libfuzzer_sys::fuzz_target;

/// The key the seed corpus's JWS is signed with (bundle_tamper's signer).
static JWKS: LazyLock<Jwks> = LazyLock::new(|| Jwks {
    keys: vec![
        Ed25519Key::from_secret_bytes(&[0x11; 32])
            .public_jwk()
            .clone(),
    ],
});

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = Manifest::from_json(data) {
        let _ = m.check_integrity();
        let _ = m.to_canonical_json();
        let _ = m.digest();
    }
    let text = String::from_utf8_lossy(data);
    let token = text.trim();
    let _ = bundle_jws_kid(token);
    let _ = verify_bundle_jws(token, &JWKS);
    if let Ok(history) = serde_json::from_slice::<KeyHistory>(data) {
        let _ = history.verify();
    }
    if let Ok(jwks) = serde_json::from_slice::<Jwks>(data) {
        for key in &jwks.keys {
            let _ = key.check_kid();
        }
    }
    let _ = verify_tree_head_with(token, &JWKS);
    if let Ok(proof) = serde_json::from_slice::<SealLogProof>(data) {
        let _ = proof.entry.leaf_hash();
        let _ = verify_tree_head_with(proof.tree_head_jws.trim(), &JWKS);
        let head = TreeHead {
            log_id: String::new(),
            root_hash: "00".repeat(32),
            timestamp: String::new(),
            tree_size: proof.leaf_index.saturating_add(1),
        };
        let _ = proof.check_inclusion(&head);
    }
    if let Ok(head) = serde_json::from_slice::<TreeHead>(data) {
        let _ = head.root();
    }
    // The proof verifiers over arbitrary sizes, roots and paths.
    if data.len() >= 80 {
        let size = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
        let (first, second) = (size(&data[..8]), size(&data[8..16]));
        let r1: [u8; 32] = data[16..48].try_into().unwrap_or([0; 32]);
        let r2: [u8; 32] = data[48..80].try_into().unwrap_or([0; 32]);
        let path: Vec<[u8; 32]> = data[80..]
            .chunks_exact(32)
            .take(70)
            .map(|c| c.try_into().unwrap_or([0; 32]))
            .collect();
        let _ = verify_consistency(first, second, &r1, &r2, &path);
        let _ = verify_inclusion(&r1, first, second, &path, &r2);
    }
});

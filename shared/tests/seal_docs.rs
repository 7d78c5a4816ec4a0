//! Recomputes the worked example of `docs/bundle-format.md` and compares it with the
//! values written there (read from the fenced blocks labelled `example:<name>`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeZone, Utc};
use hecha_core::model::EvidenceItem;
use hecha_core::seal::b64url_decode_for_docs as b64d;
use hecha_core::seal::canonical::to_canonical_string;
use hecha_core::seal::device::{DeviceKey, sign_item};
use hecha_core::seal::events::{Event, verify_chain};
use hecha_core::seal::key::{Ed25519Key, PublicJwk};
use hecha_core::seal::key_history::KeyHistory;
use hecha_core::seal::manifest::item_digest;
use hecha_core::seal::merkle::{InclusionProof, merkle_root};
use hecha_core::seal::sign::{BundleClaims, sign_bundle, verify_bundle_jws};

fn doc() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/bundle-format.md");
    std::fs::read_to_string(path).expect("docs/bundle-format.md")
}

/// The content of the fenced block whose info string ends with `example:<name>`.
fn block(doc: &str, name: &str) -> String {
    let tag = format!("example:{name}");
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("```") && line.split_whitespace().any(|w| w == tag) {
            let body: Vec<&str> = lines
                .by_ref()
                .take_while(|l| !l.starts_with("```"))
                .collect();
            return body.join("\n");
        }
    }
    panic!("no fenced block labelled {tag} in docs/bundle-format.md");
}

struct Computed {
    jwk: String,
    items_canonical: Vec<String>,
    item_digests: Vec<String>,
    root: String,
    proof: String,
    event: String,
    jws: String,
    device_jwk: String,
    device_jws: String,
    history: String,
}

fn compute(doc: &str) -> Computed {
    let seed: [u8; 32] = b64d(block(doc, "seed").trim()).unwrap().try_into().unwrap();
    let key = Ed25519Key::from_secret_bytes(&seed);
    let items: Vec<EvidenceItem> = serde_json::from_str(&block(doc, "items")).unwrap();
    let items_canonical: Vec<String> = items
        .iter()
        .map(|i| to_canonical_string(i).unwrap())
        .collect();
    let item_digests: Vec<String> = items.iter().map(|i| item_digest(i).unwrap()).collect();
    let raw: Vec<[u8; 32]> = item_digests
        .iter()
        .map(|d| hex::decode(d).unwrap().try_into().unwrap())
        .collect();
    let root = hex::encode(merkle_root(&raw));
    let leaves: Vec<(String, [u8; 32])> = items
        .iter()
        .map(|i| i.id.clone())
        .zip(raw.iter().copied())
        .collect();
    let proof = serde_json::to_string_pretty(&InclusionProof::build(&leaves, 1).unwrap()).unwrap();
    let mut event: Event = serde_json::from_str(&block(doc, "event")).unwrap();
    event.hash = event.compute_hash().unwrap();
    let event = to_canonical_string(&event).unwrap();
    let claims: BundleClaims = serde_json::from_str(&block(doc, "claims")).unwrap();
    let jws = sign_bundle(&claims, &key).unwrap();
    let device_secret: [u8; 32] = hex::decode(block(doc, "device-secret").trim())
        .unwrap()
        .try_into()
        .unwrap();
    let device = DeviceKey::from_secret_bytes(&device_secret).unwrap();
    let device_jws = sign_item(&items[1].id, &item_digests[1], &device).unwrap();
    let mut history = KeyHistory::default();
    history
        .introduce(
            key.public_jwk(),
            &key,
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        )
        .unwrap();
    Computed {
        jwk: serde_json::to_string(key.public_jwk()).unwrap(),
        items_canonical,
        item_digests,
        root,
        proof,
        event,
        jws,
        device_jwk: serde_json::to_string(device.public_jwk()).unwrap(),
        device_jws,
        history: serde_json::to_string_pretty(&history).unwrap(),
    }
}

/// `HECHA_PRINT_DOC_EXAMPLE=1 cargo test -p hecha-core --test core seal_docs -- --nocapture`
/// prints the values to paste when the example or the format changes.
#[test]
fn the_documented_example_is_what_the_code_computes() {
    let doc = doc();
    let c = compute(&doc);
    if std::env::var_os("HECHA_PRINT_DOC_EXAMPLE").is_some() {
        println!("jwk:\n{}\n", c.jwk);
        println!("items-canonical:\n{}\n", c.items_canonical.join("\n"));
        println!("item-digests:\n{}\n", c.item_digests.join("\n"));
        println!("root:\n{}\n", c.root);
        println!("proof:\n{}\n", c.proof);
        println!("event-hashed:\n{}\n", c.event);
        println!("jws:\n{}\n", c.jws);
        println!("device-jwk:\n{}\n", c.device_jwk);
        println!("device-jws:\n{}\n", c.device_jws);
        println!("key-history:\n{}\n", c.history);
        return;
    }
    assert_eq!(block(&doc, "jwk").trim(), c.jwk);
    assert_eq!(
        block(&doc, "items-canonical").trim(),
        c.items_canonical.join("\n")
    );
    assert_eq!(
        block(&doc, "item-digests").trim(),
        c.item_digests.join("\n")
    );
    assert_eq!(block(&doc, "root").trim(), c.root);
    assert_eq!(block(&doc, "proof").trim(), c.proof);
    assert_eq!(block(&doc, "event-hashed").trim(), c.event);
    assert_eq!(block(&doc, "jws").trim(), c.jws);
    assert_eq!(block(&doc, "device-jwk").trim(), c.device_jwk);
    assert_eq!(block(&doc, "device-jws").trim(), c.device_jws);
    assert_eq!(block(&doc, "key-history").trim(), c.history);

    // And the documented artefacts verify with the documented keys.
    let jwk: PublicJwk = serde_json::from_str(&c.jwk).unwrap();
    let claims = verify_bundle_jws(
        block(&doc, "jws").trim(),
        &hecha_core::seal::key::Jwks { keys: vec![jwk] },
    )
    .unwrap();
    assert_eq!(claims.merkle_root, c.root);
    let proof: InclusionProof = serde_json::from_str(&c.proof).unwrap();
    proof.verify(block(&doc, "root").trim()).unwrap();
    let event: Event = serde_json::from_str(&c.event).unwrap();
    verify_chain(&[event]).unwrap();
    let history: KeyHistory = serde_json::from_str(&block(&doc, "key-history")).unwrap();
    history.verify().unwrap();
}

//! Bytes as the signed documents of a bundle: the manifest and its integrity checks, the
//! bundle JWS, the key history and a key set.
#![no_main]

use std::sync::LazyLock;

use hecha_core::seal::keys::{Ed25519Key, Jwks, KeyHistory};
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
});

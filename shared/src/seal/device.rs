//! Device signatures: the capturing device signs an item's digest with its P-256 key
//! (ES256, RFC 7518 §3.4), so the item is bound to a registered device.
//!
//! Form: a compact JWS with protected header `{"alg":"ES256","kid":<device key kid>}` and
//! payload the canonical JSON `{"item_digest":<hex>,"item_id":<id>}`; the signature is the
//! raw `r ‖ s` (64 bytes), as JWS requires. Android Keystore and iOS Secure Enclave return
//! ASN.1 DER signatures: a [`DeviceSigner`] may hand back either form
//! ([`EcdsaSignature`]) and [`der_to_raw`] converts.

use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::canonical::{CanonicalError, to_canonical_json};
use super::hash::is_sha256_hex;
use super::key::{JwkError, PublicJwk, SignerError};
use super::{b64url, b64url_decode};

/// An ECDSA P-256 signature as a keystore returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EcdsaSignature {
    /// `r ‖ s`, 32 bytes each, big-endian (JWS form).
    Raw([u8; 64]),
    /// ASN.1 DER `SEQUENCE { r INTEGER, s INTEGER }` (Android Keystore, Secure Enclave).
    Der(Vec<u8>),
}

/// A device's P-256 key, wherever it lives (implemented across UniFFI by the phone).
pub trait DeviceSigner {
    /// The device key's kid: the RFC 7638 thumbprint of its public JWK.
    fn kid(&self) -> &str;
    /// ECDSA P-256 with SHA-256 over `message` (the JWS signing input).
    fn sign_es256(&self, message: &[u8]) -> Result<EcdsaSignature, SignerError>;
}

/// Why a device signature cannot be made or does not verify.
#[derive(Debug, thiserror::Error)]
pub enum DeviceSignatureError {
    #[error("not a DER ECDSA P-256 signature: {0}")]
    BadDer(String),
    #[error("the device JWS is malformed: {0}")]
    Malformed(String),
    #[error("the device JWS algorithm is {0:?}; only ES256 is accepted")]
    AlgorithmNotAllowed(String),
    #[error("the device JWS is by key {found:?}, the device's key is {expected}")]
    WrongKey { expected: String, found: String },
    #[error("the device key is unusable: {0}")]
    BadKey(String),
    #[error(
        "the device signature covers item {found_id} / {found_digest}, not {expected_id} / {expected_digest}"
    )]
    WrongItem {
        expected_id: String,
        expected_digest: String,
        found_id: String,
        found_digest: String,
    },
    #[error("the device signature does not verify")]
    BadSignature,
    #[error("item digest {0:?} is not a lowercase hex SHA-256")]
    BadDigest(String),
    #[error("the device signer failed: {0}")]
    Signer(#[from] SignerError),
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
}

impl From<JwkError> for DeviceSignatureError {
    fn from(e: JwkError) -> Self {
        Self::BadKey(e.to_string())
    }
}

/// The payload a device signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceSignedItem {
    pub item_digest: String,
    pub item_id: String,
}

/// Converts a DER ECDSA P-256 signature to raw `r ‖ s`.
pub fn der_to_raw(der: &[u8]) -> Result<[u8; 64], DeviceSignatureError> {
    let sig = Signature::from_der(der).map_err(|e| DeviceSignatureError::BadDer(e.to_string()))?;
    Ok(sig.to_bytes().into())
}

/// Signs an item digest with a device key: the compact JWS of the module docs.
pub fn sign_item(
    item_id: &str,
    item_digest: &str,
    signer: &dyn DeviceSigner,
) -> Result<String, DeviceSignatureError> {
    if !is_sha256_hex(item_digest) {
        return Err(DeviceSignatureError::BadDigest(item_digest.to_owned()));
    }
    let header = to_canonical_json(&serde_json::json!({"alg": "ES256", "kid": signer.kid()}))?;
    let payload = to_canonical_json(&DeviceSignedItem {
        item_digest: item_digest.to_owned(),
        item_id: item_id.to_owned(),
    })?;
    let input = format!("{}.{}", b64url(&header), b64url(&payload));
    let raw = match signer.sign_es256(input.as_bytes())? {
        EcdsaSignature::Raw(raw) => raw,
        EcdsaSignature::Der(der) => der_to_raw(&der)?,
    };
    Ok(format!("{input}.{}", b64url(&raw)))
}

/// Verifies a device JWS over `item_id` / `item_digest` with the device's public JWK.
pub fn verify_item_signature(
    jws: &str,
    item_id: &str,
    item_digest: &str,
    device_key: &PublicJwk,
) -> Result<(), DeviceSignatureError> {
    let malformed = |m: &str| DeviceSignatureError::Malformed(m.to_owned());
    let mut parts = jws.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("expected three dot-separated parts"));
    };
    let header: serde_json::Value = b64url_decode(h)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| malformed("header is not base64url JSON"))?;
    match header.get("alg").and_then(|a| a.as_str()) {
        Some("ES256") => {}
        other => {
            return Err(DeviceSignatureError::AlgorithmNotAllowed(
                other.unwrap_or("(none)").to_owned(),
            ));
        }
    }
    if header.get("crit").is_some() {
        return Err(malformed("crit is not supported"));
    }
    let kid = header.get("kid").and_then(|k| k.as_str()).unwrap_or("");
    if kid != device_key.kid {
        return Err(DeviceSignatureError::WrongKey {
            expected: device_key.kid.clone(),
            found: kid.to_owned(),
        });
    }
    let (x, y) = device_key.p256_coordinates()?;
    let point = p256::EncodedPoint::from_affine_coordinates(&x.into(), &y.into(), false);
    let key = VerifyingKey::from_encoded_point(&point)
        .map_err(|e| DeviceSignatureError::BadKey(e.to_string()))?;
    let raw = b64url_decode(s).ok_or_else(|| malformed("signature is not base64url"))?;
    let sig = Signature::from_slice(&raw).map_err(|_| DeviceSignatureError::BadSignature)?;
    let input_len = h.len() + 1 + p.len();
    key.verify(&jws.as_bytes()[..input_len], &sig)
        .map_err(|_| DeviceSignatureError::BadSignature)?;
    let signed: DeviceSignedItem = b64url_decode(p)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| malformed("payload is not the device payload"))?;
    if signed.item_id != item_id || signed.item_digest != item_digest {
        return Err(DeviceSignatureError::WrongItem {
            expected_id: item_id.to_owned(),
            expected_digest: item_digest.to_owned(),
            found_id: signed.item_id,
            found_digest: signed.item_digest,
        });
    }
    Ok(())
}

/// A software device key, for tests and for devices without a keystore.
pub struct DeviceKey {
    signing: SigningKey,
    jwk: PublicJwk,
}

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceKey")
            .field("kid", &self.jwk.kid)
            .finish_non_exhaustive()
    }
}

impl DeviceKey {
    /// A new random key.
    pub fn generate() -> Result<Self, DeviceSignatureError> {
        // A random 32-byte string is a valid scalar except with probability ~2^-128; retry.
        for _ in 0..8 {
            let mut secret = Zeroizing::new([0u8; 32]);
            getrandom::fill(secret.as_mut())
                .map_err(|e| DeviceSignatureError::BadKey(format!("no randomness: {e}")))?;
            if let Ok(key) = Self::from_secret_bytes(&secret) {
                return Ok(key);
            }
        }
        Err(DeviceSignatureError::BadKey(
            "could not draw a P-256 scalar".into(),
        ))
    }

    /// The key with this secret scalar (big-endian). For tests and fixed examples.
    pub fn from_secret_bytes(secret: &[u8; 32]) -> Result<Self, DeviceSignatureError> {
        let signing = SigningKey::from_bytes(&(*secret).into())
            .map_err(|e| DeviceSignatureError::BadKey(e.to_string()))?;
        let point = signing.verifying_key().to_encoded_point(false);
        let (Some(x), Some(y)) = (point.x(), point.y()) else {
            return Err(DeviceSignatureError::BadKey(
                "public key at infinity".into(),
            ));
        };
        let jwk = PublicJwk::p256(&(*x).into(), &(*y).into());
        Ok(Self { signing, jwk })
    }

    pub fn public_jwk(&self) -> &PublicJwk {
        &self.jwk
    }

    /// A DER signature, as a phone keystore returns it.
    pub fn sign_der(&self, message: &[u8]) -> Vec<u8> {
        let sig: Signature = self.signing.sign(message);
        sig.to_der().as_bytes().to_vec()
    }
}

impl DeviceSigner for DeviceKey {
    fn kid(&self) -> &str {
        &self.jwk.kid
    }

    fn sign_es256(&self, message: &[u8]) -> Result<EcdsaSignature, SignerError> {
        let sig: Signature = self.signing.sign(message);
        Ok(EcdsaSignature::Raw(sig.to_bytes().into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A keystore that answers in DER, like Android's.
    struct DerKeystore(DeviceKey);
    impl DeviceSigner for DerKeystore {
        fn kid(&self) -> &str {
            self.0.kid()
        }
        fn sign_es256(&self, message: &[u8]) -> Result<EcdsaSignature, SignerError> {
            Ok(EcdsaSignature::Der(self.0.sign_der(message)))
        }
    }

    const DIGEST: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn raw_and_der_signers_both_verify() {
        let key = DeviceKey::generate().unwrap();
        let jwk = key.public_jwk().clone();
        let jws = sign_item("p1", DIGEST, &key).unwrap();
        verify_item_signature(&jws, "p1", DIGEST, &jwk).unwrap();
        let der = DerKeystore(key);
        let jws = sign_item("p1", DIGEST, &der).unwrap();
        verify_item_signature(&jws, "p1", DIGEST, &jwk).unwrap();
        assert_eq!(
            jws.rsplit('.')
                .next()
                .map(|s| b64url_decode(s).unwrap().len()),
            Some(64)
        );
    }

    #[test]
    fn jsonwebtoken_accepts_our_device_jws() {
        let key = DeviceKey::generate().unwrap();
        let jws = sign_item("p1", DIGEST, &key).unwrap();
        let jwk = key.public_jwk();
        let decoding =
            jsonwebtoken::DecodingKey::from_ec_components(&jwk.x, jwk.y.as_deref().unwrap())
                .unwrap();
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
        v.validate_exp = false;
        v.required_spec_claims.clear();
        let data = jsonwebtoken::decode::<DeviceSignedItem>(&jws, &decoding, &v).unwrap();
        assert_eq!(data.claims.item_digest, DIGEST);
    }

    #[test]
    fn another_item_another_key_or_another_alg_fails() {
        let key = DeviceKey::generate().unwrap();
        let other = DeviceKey::generate().unwrap();
        let jws = sign_item("p1", DIGEST, &key).unwrap();
        assert!(matches!(
            verify_item_signature(&jws, "p2", DIGEST, key.public_jwk()),
            Err(DeviceSignatureError::WrongItem { .. })
        ));
        let other_digest = "00".repeat(32);
        assert!(verify_item_signature(&jws, "p1", &other_digest, key.public_jwk()).is_err());
        assert!(matches!(
            verify_item_signature(&jws, "p1", DIGEST, other.public_jwk()),
            Err(DeviceSignatureError::WrongKey { .. })
        ));
        let parts: Vec<&str> = jws.split('.').collect();
        let none = format!(
            "{}.{}.",
            b64url(format!(r#"{{"alg":"none","kid":"{}"}}"#, key.kid()).as_bytes()),
            parts[1]
        );
        assert!(matches!(
            verify_item_signature(&none, "p1", DIGEST, key.public_jwk()),
            Err(DeviceSignatureError::AlgorithmNotAllowed(_))
        ));
        assert!(matches!(
            sign_item("p1", "not-a-digest", &key),
            Err(DeviceSignatureError::BadDigest(_))
        ));
    }

    #[test]
    fn der_conversion_refuses_garbage() {
        assert!(der_to_raw(&[0x30, 0x02, 0x01]).is_err());
        let key = DeviceKey::generate().unwrap();
        let der = key.sign_der(b"m");
        let raw = der_to_raw(&der).unwrap();
        let sig = Signature::from_slice(&raw).unwrap();
        key.signing.verifying_key().verify(b"m", &sig).unwrap();
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]
        #[test]
        fn a_changed_signature_byte_fails(i in 0usize..64, bit in 0u8..8) {
            let key = DeviceKey::from_secret_bytes(&[7u8; 32]).unwrap();
            let jws = sign_item("p1", DIGEST, &key).unwrap();
            let (input, sig) = jws.rsplit_once('.').unwrap();
            let mut raw = b64url_decode(sig).unwrap();
            raw[i] ^= 1 << bit;
            let forged = format!("{input}.{}", b64url(&raw));
            prop_assert!(verify_item_signature(&forged, "p1", DIGEST, key.public_jwk()).is_err());
        }
    }
}

//! The bundle signature: a compact JWS (RFC 7515), `alg: EdDSA` (Ed25519, RFC 8037), with
//! the signer's `kid` in the protected header, over [`BundleClaims`].
//!
//! Signing goes through the [`BundleSigner`] trait (defined in `key.rs`) so the key can live
//! in an HSM, a cloud KMS or a phone keystore: the trait only signs bytes. Verification uses
//! `jsonwebtoken` with the algorithm pinned to EdDSA: `none`, HS256 (the public key used as
//! an HMAC secret) and every other algorithm are refused before any key is touched. No `exp` is
//! required or checked — a bundle must verify decades after sealing; whether the key was
//! allowed to sign at `sealed_at` is the key history's business ([`verify_bundle_jws_in_chain`]).

use std::collections::HashSet;

use jsonwebtoken::{Algorithm, DecodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::canonical::{CanonicalError, to_canonical_json};
use super::key::{BundleSigner, JwkError, Jwks, SignerError};
use super::key_history::{KeyChain, KeyHistoryError};
use super::{BUNDLE_SCHEMA, BundleVersion, b64url, b64url_decode};
use crate::model::Mode;

/// What the bundle JWS signs. JSON members in this (alphabetical) order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleClaims {
    pub inspection_id: String,
    /// SHA-256 (hex) of `hecha/manifest.json`, the manifest's canonical JSON.
    pub manifest_sha256: String,
    /// Merkle root (hex) over the manifest's item digests.
    pub merkle_root: String,
    /// `official` or `rehearsal`: a rehearsal bundle never verifies as official.
    pub mode: Mode,
    /// [`BUNDLE_SCHEMA`] when sealed now; `hecha.bundle/v1` in bundles sealed before.
    pub schema: String,
    /// RFC 3339 sealing time (the same string as the manifest's `sealed_at`).
    pub sealed_at: String,
    /// v2: the number of items, the Merkle tree's size. With the root, it makes the JWS a
    /// statement an inclusion proof is checked against on its own (`hecha verify-proof
    /// --statement`), so neither the size nor the root is taken from the proof file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tree_size: Option<u64>,
}

impl BundleClaims {
    pub fn is_official(&self) -> bool {
        self.mode == Mode::Official
    }
}

/// Why a bundle JWS cannot be made or does not verify.
#[derive(Debug, thiserror::Error)]
pub enum JwsError {
    #[error("the JWS is not compact serialization (header.payload.signature): {0}")]
    Malformed(String),
    #[error("the JWS algorithm is {0:?}; only EdDSA is accepted for bundles")]
    AlgorithmNotAllowed(String),
    #[error("the JWS header has no kid")]
    MissingKid,
    #[error("the JWS header carries unsupported member {0:?}")]
    UnsupportedHeader(String),
    #[error("the JWS is signed by key {0}, which is not in the key set")]
    UnknownKid(String),
    #[error("the signer's key is unusable: {0}")]
    BadKey(#[from] JwkError),
    #[error(
        "the JWS signature does not verify (the claims or the signature were altered, or another key signed)"
    )]
    BadSignature,
    #[error("the JWS claims are not bundle claims: {0}")]
    BadClaims(String),
    #[error("the JWS schema is {found:?}, expected {BUNDLE_SCHEMA:?}")]
    WrongSchema { found: String },
    #[error("the JWS claims of a {schema} bundle {problem}")]
    TreeSize {
        schema: String,
        problem: &'static str,
    },
    #[error("the signer failed: {0}")]
    Signer(#[from] SignerError),
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
    #[error("the signing key was not allowed to sign then: {0}")]
    KeyHistory(#[from] KeyHistoryError),
}

/// The protected header of a bundle JWS.
fn header(kid: &str) -> Header {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.to_owned());
    header
}

/// The protected header of a JWS whose `typ` says what it is (a seal-log tree head), so it
/// can never be taken for a bundle or an addendum signature.
fn typed_header(kid: &str, typ: &str) -> Header {
    let mut header = header(kid);
    header.typ = Some(typ.to_owned());
    header
}

/// Signs `claims` (its `schema` must be [`BUNDLE_SCHEMA`]) into a compact JWS.
///
/// The payload is the claims' canonical JSON; the header is
/// `{"typ":"JWT","alg":"EdDSA","kid":…}` as `jsonwebtoken` writes it, so the token is
/// byte-identical to `jsonwebtoken::encode` with the same key.
pub fn sign_bundle(claims: &BundleClaims, signer: &dyn BundleSigner) -> Result<String, JwsError> {
    if claims.schema != BUNDLE_SCHEMA || claims.tree_size.is_none() {
        return Err(JwsError::WrongSchema {
            found: claims.schema.clone(),
        });
    }
    sign_claims(claims, signer)
}

/// A compact EdDSA JWS over the canonical JSON of `claims`, with the signer's kid: the one
/// signing form of the format (bundle claims, addendum claims).
pub fn sign_claims<T: Serialize>(
    claims: &T,
    signer: &dyn BundleSigner,
) -> Result<String, JwsError> {
    sign_with_header(&header(signer.kid()), claims, signer)
}

/// [`sign_claims`] with the header's `typ` set to `typ` (instead of `JWT`).
pub fn sign_typed_claims<T: Serialize>(
    claims: &T,
    signer: &dyn BundleSigner,
    typ: &str,
) -> Result<String, JwsError> {
    sign_with_header(&typed_header(signer.kid(), typ), claims, signer)
}

fn sign_with_header<T: Serialize>(
    header: &Header,
    claims: &T,
    signer: &dyn BundleSigner,
) -> Result<String, JwsError> {
    let header = serde_json::to_vec(header).map_err(|e| JwsError::Malformed(e.to_string()))?;
    let payload = to_canonical_json(claims)?;
    let signing_input = format!("{}.{}", b64url(&header), b64url(&payload));
    let signature = signer.sign(signing_input.as_bytes())?;
    Ok(format!("{signing_input}.{}", b64url(&signature)))
}

/// The kid of a JWS whose header is that of a bundle JWS (EdDSA, a kid, nothing exotic).
/// Reads the header only; proves nothing.
pub fn bundle_jws_kid(token: &str) -> Result<String, JwsError> {
    Ok(read_header(token)?.0)
}

/// The `typ` of a JWS header (checked as [`bundle_jws_kid`] checks it), if it has one.
/// Reads the header only; proves nothing.
pub fn jws_typ(token: &str) -> Result<Option<String>, JwsError> {
    Ok(read_header(token)?.1)
}

/// The kid and the `typ` of a compact EdDSA JWS header.
fn read_header(token: &str) -> Result<(String, Option<String>), JwsError> {
    let mut parts = token.split('.');
    let (Some(h), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwsError::Malformed(
            "expected three dot-separated parts".into(),
        ));
    };
    let bytes =
        b64url_decode(h).ok_or_else(|| JwsError::Malformed("header is not base64url".into()))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| JwsError::Malformed(format!("header is not JSON: {e}")))?;
    let obj = value
        .as_object()
        .ok_or_else(|| JwsError::Malformed("header is not a JSON object".into()))?;
    match obj.get("alg") {
        Some(serde_json::Value::String(alg)) if alg == "EdDSA" => {}
        Some(serde_json::Value::String(alg)) => {
            return Err(JwsError::AlgorithmNotAllowed(alg.clone()));
        }
        other => {
            return Err(JwsError::AlgorithmNotAllowed(format!("{other:?}")));
        }
    }
    // `crit` would oblige us to understand extensions; `jwk`/`jku`/`x5u`/`x5c` would let the
    // token bring its own key. None of them is part of the format.
    for member in ["crit", "jwk", "jku", "x5u", "x5c", "b64"] {
        if obj.contains_key(member) {
            return Err(JwsError::UnsupportedHeader(member.into()));
        }
    }
    let typ = obj
        .get("typ")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    match obj.get("kid") {
        Some(serde_json::Value::String(kid)) if !kid.is_empty() => Ok((kid.clone(), typ)),
        _ => Err(JwsError::MissingKid),
    }
}

/// Verifies a bundle JWS against a key set: EdDSA only, `kid` must be in `jwks` (and be
/// the key's thumbprint), the signature must hold, the claims must be bundle claims.
/// Returns the claims; the caller compares them with the manifest and checks `mode`.
pub fn verify_bundle_jws(token: &str, jwks: &Jwks) -> Result<BundleClaims, JwsError> {
    let claims: BundleClaims = verify_claims(token, jwks)?;
    let problem = match (BundleVersion::of(&claims.schema), claims.tree_size) {
        (None, _) => {
            return Err(JwsError::WrongSchema {
                found: claims.schema,
            });
        }
        (Some(BundleVersion::V1), Some(_)) => Some("carry a tree_size (a v2 member)"),
        (Some(BundleVersion::V2), None) => Some("lack the tree_size"),
        _ => None,
    };
    if let Some(problem) = problem {
        return Err(JwsError::TreeSize {
            schema: claims.schema,
            problem,
        });
    }
    Ok(claims)
}

/// Verifies a compact EdDSA JWS (the format's only algorithm: `none`, HS256 and the rest are
/// refused before any key is touched) with the key of its kid in `jwks`, and parses its
/// claims as `T` (whose unknown members are refused by `T`'s serde rules).
pub fn verify_claims<T: serde::de::DeserializeOwned>(
    token: &str,
    jwks: &Jwks,
) -> Result<T, JwsError> {
    let kid = bundle_jws_kid(token)?;
    let jwk = jwks
        .find(&kid)
        .ok_or_else(|| JwsError::UnknownKid(kid.clone()))?;
    let public = jwk.ed25519_bytes()?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    // Sealed bundles never expire: no exp, nbf, aud, iss.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims = HashSet::new();
    let data = jsonwebtoken::decode::<serde_json::Value>(
        token,
        &DecodingKey::from_ed_der(&public),
        &validation,
    )
    .map_err(|e| match e.kind() {
        jsonwebtoken::errors::ErrorKind::InvalidSignature
        | jsonwebtoken::errors::ErrorKind::InvalidEddsaKey => JwsError::BadSignature,
        jsonwebtoken::errors::ErrorKind::InvalidAlgorithm => {
            JwsError::AlgorithmNotAllowed("(per jsonwebtoken)".into())
        }
        _ => JwsError::Malformed(e.to_string()),
    })?;
    serde_json::from_value(data.claims).map_err(|e| JwsError::BadClaims(e.to_string()))
}

/// [`verify_bundle_jws`] against a verified key history, and the signer must have been
/// allowed to sign at the claimed `sealed_at` (introduced before, not yet retired).
pub fn verify_bundle_jws_in_chain(token: &str, chain: &KeyChain) -> Result<BundleClaims, JwsError> {
    let claims = verify_bundle_jws(token, &chain.jwks())?;
    let kid = bundle_jws_kid(token)?;
    chain.key_at(&kid, &claims.sealed_at)?;
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::key::Ed25519Key;
    use crate::seal::key_history::KeyHistory;
    use chrono::{TimeZone, Utc};
    use jsonwebtoken::EncodingKey;

    fn claims(mode: Mode) -> BundleClaims {
        BundleClaims {
            inspection_id: "insp-1".into(),
            manifest_sha256: "ab".repeat(32),
            merkle_root: "cd".repeat(32),
            mode,
            schema: BUNDLE_SCHEMA.into(),
            sealed_at: "2025-03-01T10:00:00Z".into(),
            tree_size: Some(2),
        }
    }

    fn jwks(key: &Ed25519Key) -> Jwks {
        Jwks {
            keys: vec![key.public_jwk().clone()],
        }
    }

    #[test]
    fn sign_then_verify_returns_the_claims() {
        let key = Ed25519Key::generate().unwrap();
        let token = sign_bundle(&claims(Mode::Official), &key).unwrap();
        let back = verify_bundle_jws(&token, &jwks(&key)).unwrap();
        assert_eq!(back, claims(Mode::Official));
        assert!(back.is_official());
        assert_eq!(bundle_jws_kid(&token).unwrap(), key.kid());
    }

    #[test]
    fn the_trait_path_equals_jsonwebtoken_encode() {
        let key = Ed25519Key::generate().unwrap();
        let ours = sign_bundle(&claims(Mode::Rehearsal), &key).unwrap();
        let der = key.to_pkcs8_der().unwrap();
        let theirs = jsonwebtoken::encode(
            &header(key.kid()),
            &claims(Mode::Rehearsal),
            &EncodingKey::from_ed_der(&der),
        )
        .unwrap();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn another_key_or_an_unknown_kid_fails() {
        let key = Ed25519Key::generate().unwrap();
        let other = Ed25519Key::generate().unwrap();
        let token = sign_bundle(&claims(Mode::Official), &key).unwrap();
        assert!(matches!(
            verify_bundle_jws(&token, &jwks(&other)),
            Err(JwsError::UnknownKid(_))
        ));
        // A key set that maps the signer's kid to another key.
        let mut liar = other.public_jwk().clone();
        liar.kid = key.kid().into();
        let set = Jwks { keys: vec![liar] };
        assert!(matches!(
            verify_bundle_jws(&token, &set),
            Err(JwsError::BadKey(JwkError::KidNotThumbprint { .. }))
        ));
    }

    fn forge(header: &str, payload: &BundleClaims, sig: &[u8]) -> String {
        format!(
            "{}.{}.{}",
            b64url(header.as_bytes()),
            b64url(&serde_json::to_vec(payload).unwrap()),
            b64url(sig)
        )
    }

    #[test]
    fn alg_none_hs256_and_es256_are_refused() {
        let key = Ed25519Key::generate().unwrap();
        let kid = key.kid();
        let set = jwks(&key);
        let none = forge(
            &format!(r#"{{"alg":"none","kid":"{kid}"}}"#),
            &claims(Mode::Official),
            b"",
        );
        assert!(matches!(
            verify_bundle_jws(&none, &set),
            Err(JwsError::AlgorithmNotAllowed(a)) if a == "none"
        ));
        // HS256 keyed with the public key: the classic algorithm-confusion forgery.
        let mut h = Header::new(Algorithm::HS256);
        h.kid = Some(kid.into());
        let hs = jsonwebtoken::encode(
            &h,
            &claims(Mode::Official),
            &EncodingKey::from_secret(&key.public_bytes()),
        )
        .unwrap();
        assert!(matches!(
            verify_bundle_jws(&hs, &set),
            Err(JwsError::AlgorithmNotAllowed(a)) if a == "HS256"
        ));
        for alg in ["ES256", "RS256", "eddsa", "EdDSA "] {
            let t = forge(
                &format!(r#"{{"alg":"{alg}","kid":"{kid}"}}"#),
                &claims(Mode::Official),
                &[0u8; 64],
            );
            assert!(
                matches!(
                    verify_bundle_jws(&t, &set),
                    Err(JwsError::AlgorithmNotAllowed(_))
                ),
                "{alg}"
            );
        }
        let nokid = forge(r#"{"alg":"EdDSA"}"#, &claims(Mode::Official), &[0u8; 64]);
        assert!(matches!(
            verify_bundle_jws(&nokid, &set),
            Err(JwsError::MissingKid)
        ));
        let embedded = forge(
            &format!(r#"{{"alg":"EdDSA","kid":"{kid}","jwk":{{}}}}"#),
            &claims(Mode::Official),
            &[0u8; 64],
        );
        assert!(matches!(
            verify_bundle_jws(&embedded, &set),
            Err(JwsError::UnsupportedHeader(_))
        ));
    }

    #[test]
    fn rehearsal_relabelled_official_fails() {
        let key = Ed25519Key::generate().unwrap();
        let token = sign_bundle(&claims(Mode::Rehearsal), &key).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            b64url(&to_canonical_json(&claims(Mode::Official)).unwrap()),
            parts[2]
        );
        assert!(matches!(
            verify_bundle_jws(&forged, &jwks(&key)),
            Err(JwsError::BadSignature)
        ));
    }

    #[test]
    fn every_single_byte_change_of_the_jws_fails() {
        let key = Ed25519Key::generate().unwrap();
        let set = jwks(&key);
        let token = sign_bundle(&claims(Mode::Official), &key).unwrap();
        let bytes = token.as_bytes();
        for i in 0..bytes.len() {
            for replacement in [b'A', b'.', b'_'] {
                if bytes[i] == replacement {
                    continue;
                }
                let mut changed = bytes.to_vec();
                changed[i] = replacement;
                let changed = String::from_utf8(changed).unwrap();
                let result = verify_bundle_jws(&changed, &set);
                // base64url may carry spare bits in the last character of a part: a
                // change there can decode to the same bytes, and then the claims are the
                // same claims.
                if let Ok(c) = result {
                    assert_eq!(c, claims(Mode::Official), "byte {i}");
                }
            }
        }
    }

    #[test]
    fn a_retired_key_verifies_only_what_it_signed_before() {
        let old = Ed25519Key::generate().unwrap();
        let new = Ed25519Key::generate().unwrap();
        let mut history = KeyHistory::default();
        history
            .introduce(
                old.public_jwk(),
                &old,
                Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
            )
            .unwrap();
        history
            .introduce(
                new.public_jwk(),
                &old,
                Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).unwrap(),
            )
            .unwrap();
        let chain = history.verify().unwrap();
        let before = claims(Mode::Official); // sealed 2025-03-01T10:00Z, after rotation
        let token = sign_bundle(&before, &old).unwrap();
        assert!(matches!(
            verify_bundle_jws_in_chain(&token, &chain),
            Err(JwsError::KeyHistory(
                KeyHistoryError::SignedAfterRetirement { .. }
            ))
        ));
        let mut early = before.clone();
        early.sealed_at = "2025-02-01T10:00:00+08:00".into();
        let token = sign_bundle(&early, &old).unwrap();
        assert_eq!(verify_bundle_jws_in_chain(&token, &chain).unwrap(), early);
        let token = sign_bundle(&before, &new).unwrap();
        verify_bundle_jws_in_chain(&token, &chain).unwrap();
    }
}

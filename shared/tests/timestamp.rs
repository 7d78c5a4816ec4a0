//! RFC 3161 tokens verified offline, against DER fixtures made by the local
//! `openssl ts -reply` TSA of `server/tests/support/tsa.rs` (regenerate with
//! `cargo test -p hecha-server --test cli -- --ignored tsa::regenerate_fixtures`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hecha_core::seal::timestamp::{
    TimestampError, TimestampRequest, TsaTrustAnchors, accept_response, parse_response,
    verify_token, verify_token_for_request,
};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tsa")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn digest_hex() -> String {
    String::from_utf8(fixture("digest.txt"))
        .unwrap()
        .trim()
        .to_string()
}

fn digest() -> [u8; 32] {
    hex::decode(digest_hex()).unwrap().try_into().unwrap()
}

/// The request the fixtures answer (its nonce is fixed).
fn request() -> TimestampRequest {
    TimestampRequest::with_nonce(&digest(), [1, 2, 3, 4, 5, 6, 7, 8]).unwrap()
}

fn anchors(name: &str) -> TsaTrustAnchors {
    TsaTrustAnchors::parse(&fixture(name)).unwrap()
}

fn none() -> TsaTrustAnchors {
    TsaTrustAnchors::none()
}

/// Offset of the TSTInfo's genTime value (`18 0f YYYYMMDDHHMMSSZ`): the first
/// GeneralizedTime in the token, before the certificates.
fn gen_time_offset(token: &[u8]) -> usize {
    token.windows(2).position(|w| w == [0x18, 0x0f]).unwrap() + 2
}

#[test]
fn the_request_is_the_documented_der() {
    let req = request();
    assert_eq!(req.der(), fixture("request.tsq").as_slice());
    // SEQUENCE { INTEGER 1, MessageImprint { sha256, digest }, INTEGER nonce, BOOLEAN TRUE }
    let der = req.der();
    assert_eq!(&der[..5], &[0x30, 0x43, 0x02, 0x01, 0x01]);
    assert!(der.windows(32).any(|w| w == digest()));
    assert!(der.ends_with(&[0x02, 0x08, 0x41, 2, 3, 4, 5, 6, 7, 8, 0x01, 0x01, 0xff]));
    assert_eq!(req.nonce_hex(), "4102030405060708");
    // Fresh requests: random nonces.
    let a = TimestampRequest::new(&digest_hex()).unwrap();
    let b = TimestampRequest::new(&digest_hex()).unwrap();
    assert_ne!(a.nonce_hex(), b.nonce_hex());
    assert_eq!(
        TimestampRequest::new("ABC").unwrap_err(),
        TimestampError::BadDigest
    );
}

#[test]
fn genuine_token_verifies_and_gives_gen_time() {
    let token = fixture("genuine.tsr");
    let info = verify_token(&token, &digest_hex(), &none()).unwrap();
    assert!(!info.pinned);
    assert_eq!(info.tsa_subject, "O=hecha tests,CN=hecha test TSA");
    assert_eq!(info.policy, "1.3.6.1.4.1.99999.1");
    assert!(!info.serial.is_empty());
    let at = chrono::DateTime::parse_from_rfc3339(&info.gen_time).unwrap();
    assert!(info.gen_time.ends_with('Z'), "{}", info.gen_time);
    assert!(at.timestamp() > 1_700_000_000);

    // Pinned: to the root that issued the TSA certificate, or to the certificate itself.
    assert!(
        verify_token(&token, &digest_hex(), &anchors("root.pem"))
            .unwrap()
            .pinned
    );
    assert!(
        verify_token(&token, &digest_hex(), &anchors("tsa.der"))
            .unwrap()
            .pinned
    );
    let mut both = anchors("forged-root.pem");
    both.add(&fixture("root.pem")).unwrap();
    assert_eq!(both.len(), 2);
    assert!(verify_token(&token, &digest_hex(), &both).unwrap().pinned);
}

#[test]
fn genuine_response_is_accepted_for_its_request_only() {
    let response = fixture("genuine-response.der");
    let (token, info) = accept_response(&request(), &response, &none()).unwrap();
    assert_eq!(
        token,
        fixture("genuine.tsr"),
        "the token is stored byte for byte"
    );
    assert!(!info.pinned);
    assert_eq!(parse_response(&response).unwrap(), token);
    verify_token_for_request(&token, &request(), &anchors("root.pem")).unwrap();

    let other_nonce = TimestampRequest::with_nonce(&digest(), [9; 8]).unwrap();
    let err = accept_response(&other_nonce, &response, &none()).unwrap_err();
    assert!(matches!(err, TimestampError::NonceMismatch { .. }), "{err}");
    assert!(err.to_string().contains("nonce mismatch"), "{err}");
}

#[test]
fn token_for_another_digest_is_an_imprint_mismatch() {
    let other = hecha_core::seal::hash::sha256_hex(b"another manifest");
    let err = verify_token(&fixture("genuine.tsr"), &other, &none()).unwrap_err();
    assert!(
        matches!(err, TimestampError::ImprintMismatch { .. }),
        "{err}"
    );
    assert!(err.to_string().contains(&digest_hex()), "{err}");
}

#[test]
fn one_flipped_byte_of_the_signature_is_a_bad_signature() {
    // openssl puts no unsigned attributes: the token ends with the signature.
    let mut token = fixture("genuine.tsr");
    let last = token.len() - 1;
    token[last] ^= 0x01;
    let err = verify_token(&token, &digest_hex(), &none()).unwrap_err();
    assert_eq!(err, TimestampError::BadSignature, "{err}");
}

#[test]
fn altered_tst_info_fails_its_message_digest() {
    let mut token = fixture("genuine.tsr");
    let at = gen_time_offset(&token) + 3; // the year's last digit
    token[at] = if token[at] == b'9' {
        b'8'
    } else {
        token[at] + 1
    };
    let err = verify_token(&token, &digest_hex(), &none()).unwrap_err();
    assert_eq!(err, TimestampError::MessageDigestMismatch, "{err}");
}

#[test]
fn certificate_without_critical_timestamping_eku_is_refused() {
    let err = verify_token(&fixture("wrong-eku.tsr"), &digest_hex(), &none()).unwrap_err();
    assert!(matches!(err, TimestampError::WrongEku { .. }), "{err}");
    assert!(err.to_string().contains("1.3.6.1.5.5.7.3.1"), "{err}");
    let err = verify_token(&fixture("noncritical-eku.tsr"), &digest_hex(), &none()).unwrap_err();
    assert!(matches!(err, TimestampError::WrongEku { .. }), "{err}");
    assert!(err.to_string().contains("not critical"), "{err}");
}

#[test]
fn forged_token_is_refused_when_a_trust_anchor_is_pinned() {
    let forged = fixture("forged.tsr");
    // Same subject, same-named root, its own key: intact but unpinned on its own…
    let info = verify_token(&forged, &digest_hex(), &none()).unwrap();
    assert!(!info.pinned);
    assert_eq!(info.tsa_subject, "O=hecha tests,CN=hecha test TSA");
    // …refused against the real root or the real TSA certificate.
    for anchor in ["root.pem", "tsa.der"] {
        let err = verify_token(&forged, &digest_hex(), &anchors(anchor)).unwrap_err();
        assert!(matches!(err, TimestampError::UntrustedTsa { .. }), "{err}");
    }
    // The forger's own root pins it: pinning means exactly "chains to this anchor".
    assert!(
        verify_token(&forged, &digest_hex(), &anchors("forged-root.pem"))
            .unwrap()
            .pinned
    );
}

#[test]
fn rsa_pkcs1_tsa_verifies() {
    let info = verify_token(&fixture("rsa.tsr"), &digest_hex(), &anchors("root.pem")).unwrap();
    assert!(info.pinned);
}

#[test]
fn rejection_carries_status_and_fail_info() {
    let err = parse_response(&fixture("rejected-response.der")).unwrap_err();
    let TimestampError::Rejected {
        status, fail_info, ..
    } = &err
    else {
        panic!("{err}");
    };
    assert_eq!(status, "rejection");
    assert_eq!(fail_info, &["badAlg".to_string()]);
    assert!(
        err.to_string()
            .contains("status rejection, failInfo badAlg"),
        "{err}"
    );
}

#[test]
fn not_a_token_is_a_clear_error() {
    let err = verify_token(b"garbage", &digest_hex(), &none()).unwrap_err();
    assert!(matches!(err, TimestampError::Malformed { .. }), "{err}");
    // A full response where a token is expected: not a ContentInfo.
    let err = verify_token(&fixture("genuine-response.der"), &digest_hex(), &none()).unwrap_err();
    assert!(matches!(err, TimestampError::Malformed { .. }), "{err}");
    assert!(TsaTrustAnchors::parse(b"no certificate here").is_err());
}

#[test]
fn every_single_byte_change_outside_the_spare_root_certificate_is_caught() {
    let token = fixture("genuine.tsr");
    let root = pem_to_der(&fixture("root.pem"));
    // The token also carries the root certificate (openssl `certs`); the verifier uses
    // the pinned anchor's own copy, so changes inside that copy are harmless.
    let spare = token.windows(root.len()).position(|w| w == root).unwrap();
    let spare = spare..spare + root.len();
    let pinned = anchors("root.pem");
    let mut missed = Vec::new();
    for i in 0..token.len() {
        if spare.contains(&i) {
            continue;
        }
        let mut bad = token.clone();
        bad[i] ^= 0x01;
        if verify_token(&bad, &digest_hex(), &pinned).is_ok() {
            missed.push(i);
        }
    }
    assert!(missed.is_empty(), "undetected changes at {missed:?}");
}

fn pem_to_der(pem: &[u8]) -> Vec<u8> {
    use base64::Engine;
    let text = std::str::from_utf8(pem).unwrap();
    let b64: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_response(&bytes);
        let _ = verify_token(&bytes, &digest_hex(), &none());
        let _ = TsaTrustAnchors::parse(&bytes);
    }

    #[test]
    fn mutated_tokens_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut token = fixture("genuine.tsr");
        for (at, value) in edits {
            let i = at.index(token.len());
            token[i] = value;
        }
        let _ = verify_token(&token, &digest_hex(), &anchors("root.pem"));
        token.truncate(cut.index(token.len() + 1));
        let _ = verify_token(&token, &digest_hex(), &none());
        let mut response = fixture("genuine-response.der");
        let i = cut.index(response.len());
        response[i] ^= 0x80;
        let _ = accept_response(&request(), &response, &none());
    }
}

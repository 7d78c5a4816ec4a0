//! The RFC 3161 client over real HTTP against a local `openssl ts -reply` TSA, every
//! failure mode of the HTTP path, and (ignored) the generator of the committed fixtures
//! in `shared/tests/fixtures/tsa/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpListener;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::support::tsa::{Behaviour, Pki, Signer, TestTsa, token_of};
use hecha_core::seal::hash::sha256_hex;
use hecha_core::seal::timestamp::{
    TimestampError, TimestampRequest, TsaTrustAnchors, parse_response, verify_token,
};
use hecha_server::tsa::request_timestamp;

const TIMEOUT: Duration = Duration::from_secs(20);

/// One PKI for the whole test binary (RSA key generation is slow-ish).
fn pki() -> Arc<Pki> {
    static PKI: OnceLock<Arc<Pki>> = OnceLock::new();
    PKI.get_or_init(|| Arc::new(Pki::generate())).clone()
}

fn digest() -> String {
    sha256_hex(b"{\"schema\":\"hecha.bundle/v1\",\"test\":true}")
}

fn anchors(name: &str) -> TsaTrustAnchors {
    TsaTrustAnchors::parse(&pki().cert_pem(name)).unwrap()
}

fn request_error(behaviour: Behaviour) -> String {
    let tsa = TestTsa::start(pki(), behaviour);
    let err = request_timestamp(&tsa.url, &digest(), TIMEOUT).unwrap_err();
    format!("{err:#}")
}

#[test]
fn genuine_tsa_over_http_gives_a_token_that_verifies_offline() {
    let tsa = TestTsa::start(pki(), Behaviour::Sign(Signer::Genuine));
    let token = request_timestamp(&tsa.url, &digest(), TIMEOUT).unwrap();

    let unpinned = verify_token(&token, &digest(), &TsaTrustAnchors::none()).unwrap();
    assert!(!unpinned.pinned);
    assert!(
        unpinned.tsa_subject.contains("CN=hecha test TSA"),
        "{unpinned:?}"
    );
    assert_eq!(unpinned.policy, "1.3.6.1.4.1.99999.1");
    chrono::DateTime::parse_from_rfc3339(&unpinned.gen_time).unwrap();

    // Pinned to the root that issued the TSA certificate, or to the certificate itself.
    assert!(
        verify_token(&token, &digest(), &anchors("root"))
            .unwrap()
            .pinned
    );
    assert!(
        verify_token(&token, &digest(), &anchors("tsa"))
            .unwrap()
            .pinned
    );

    // openssl agrees on the stored bytes.
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &token).unwrap();
    let check = std::process::Command::new("openssl")
        .args(["ts", "-verify", "-token_in", "-in"])
        .arg(file.path())
        .args(["-digest", &digest(), "-CAfile"])
        .arg(pki().path("root.crt"))
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    // Another digest: imprint mismatch.
    let other = sha256_hex(b"another manifest");
    let err = verify_token(&token, &other, &TsaTrustAnchors::none()).unwrap_err();
    assert!(
        matches!(err, TimestampError::ImprintMismatch { .. }),
        "{err}"
    );
}

#[test]
fn rsa_tsa_verifies() {
    let tsa = TestTsa::start(pki(), Behaviour::Sign(Signer::Rsa));
    let token = request_timestamp(&tsa.url, &digest(), TIMEOUT).unwrap();
    assert!(
        verify_token(&token, &digest(), &anchors("root"))
            .unwrap()
            .pinned
    );
}

#[test]
fn forged_tsa_is_refused_when_a_trust_anchor_is_pinned() {
    let tsa = TestTsa::start(pki(), Behaviour::Sign(Signer::Forged));
    // Intact on its own terms: the client cannot know yet, verify pins.
    let token = request_timestamp(&tsa.url, &digest(), TIMEOUT).unwrap();
    let err = verify_token(&token, &digest(), &anchors("root")).unwrap_err();
    assert!(matches!(err, TimestampError::UntrustedTsa { .. }), "{err}");
    assert!(err.to_string().contains("untrusted TSA"), "{err}");
}

#[test]
fn tsa_certificate_without_critical_timestamping_eku_is_refused() {
    let err = request_error(Behaviour::Sign(Signer::WrongEku));
    assert!(err.contains("wrong extended key usage"), "{err}");
    let err = request_error(Behaviour::Sign(Signer::NonCritical));
    assert!(err.contains("not critical"), "{err}");
}

#[test]
fn rejection_status_is_a_clear_error() {
    let err = request_error(Behaviour::Reject);
    assert!(err.contains("refused the request"), "{err}");
    assert!(err.contains("rejection"), "{err}");
    assert!(err.contains("badAlg"), "{err}");
}

#[test]
fn garbage_reply_is_a_clear_error() {
    let err = request_error(Behaviour::Garbage);
    assert!(err.contains("malformed DER in the TimeStampResp"), "{err}");
}

#[test]
fn closed_connection_is_a_clear_error() {
    let err = request_error(Behaviour::Close);
    assert!(
        err.contains("time-stamping authority http://127.0.0.1:"),
        "{err}"
    );
    assert!(err.contains("failed"), "{err}");
}

#[test]
fn http_error_is_a_clear_error() {
    let err = request_error(Behaviour::ServerError);
    assert!(err.contains("HTTP 500"), "{err}");
    assert!(err.contains("TSA signing module offline"), "{err}");
}

#[test]
fn token_for_another_digest_is_refused() {
    let err = request_error(Behaviour::OtherDigest);
    assert!(err.contains("imprint mismatch"), "{err}");
}

#[test]
fn unresponsive_tsa_times_out() {
    let tsa = TestTsa::start(pki(), Behaviour::Hang);
    let err = request_timestamp(&tsa.url, &digest(), Duration::from_millis(500)).unwrap_err();
    let err = format!("{err:#}");
    assert!(err.contains("time-stamping authority"), "{err}");
    assert!(
        err.to_lowercase().contains("timeout") || err.contains("timed out"),
        "{err}"
    );
}

#[test]
fn connection_refused_is_a_clear_error() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/tsa");
    let err = format!(
        "{:#}",
        request_timestamp(&url, &digest(), TIMEOUT).unwrap_err()
    );
    assert!(err.contains("request failed"), "{err}");
    assert!(
        err.to_lowercase().contains("refused") || err.contains("connect"),
        "{err}"
    );
}

#[test]
fn bad_digest_and_bad_url_are_errors() {
    let err = request_timestamp("http://127.0.0.1:9/tsa", "not hex", TIMEOUT).unwrap_err();
    assert!(err.to_string().contains("64 lowercase hex"), "{err}");
    let err = request_timestamp("not a url", &digest(), TIMEOUT).unwrap_err();
    assert!(
        format!("{err:#}").contains("time-stamping authority"),
        "{err}"
    );
}

/// Regenerates `shared/tests/fixtures/tsa/` (public certificates and tokens only):
/// `cargo test -p hecha-server --test cli -- --ignored tsa::regenerate_fixtures`
#[test]
#[ignore = "writes the committed fixtures"]
fn regenerate_fixtures() {
    let pki = pki();
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tests/fixtures/tsa");
    std::fs::create_dir_all(&out).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(out.join(name), bytes).unwrap();

    let digest_hex = sha256_hex(b"hecha timestamp fixture");
    let digest: [u8; 32] = hex::decode(&digest_hex).unwrap().try_into().unwrap();
    let request = TimestampRequest::with_nonce(&digest, [1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
    write("digest.txt", format!("{digest_hex}\n").as_bytes());
    write("request.tsq", request.der());

    let genuine = pki.reply(Signer::Genuine, request.der());
    write("genuine-response.der", &genuine);
    write("genuine.tsr", &parse_response(&genuine).unwrap());
    for (signer, name) in [
        (Signer::Rsa, "rsa.tsr"),
        (Signer::Forged, "forged.tsr"),
        (Signer::WrongEku, "wrong-eku.tsr"),
        (Signer::NonCritical, "noncritical-eku.tsr"),
    ] {
        write(name, &token_of(&pki.reply(signer, request.der())));
    }
    write(
        "rejected-response.der",
        &pki.ts_reply("reject", request.der()),
    );
    write("root.pem", &pki.cert_pem("root"));
    write("forged-root.pem", &pki.cert_pem("forged-root"));
    write("tsa.der", &pki.cert_der("tsa"));
}

//! Tokens of an external OpenID provider: accepted when signed by a key of its JWKS, for
//! the configured issuer and audience, and only for a user linked to the token's `sub`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hecha_core::seal::key::Ed25519Key;
use hecha_server::settings::OidcSettings;
use hecha_tests::receiver::Receiver;
use hecha_tests::{Backend, TestServer};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

fn token(key: &Ed25519Key, iss: &str, aud: &str, sub: &str, exp_in: i64) -> String {
    let now = chrono::Utc::now().timestamp();
    let mut h = Header::new(Algorithm::EdDSA);
    h.kid = Some(key.kid().to_owned());
    jsonwebtoken::encode(
        &h,
        &json!({"iss": iss, "aud": aud, "sub": sub, "iat": now, "exp": now + exp_in}),
        &EncodingKey::from_ed_der(&key.to_pkcs8_der().unwrap()),
    )
    .unwrap()
}

#[test]
fn external_provider_tokens() {
    let idp_key = Ed25519Key::generate().unwrap();
    let mut jwk = serde_json::to_value(idp_key.public_jwk()).unwrap();
    jwk["alg"] = json!("EdDSA");
    jwk["use"] = json!("sig");
    let idp = Receiver::serve_json(json!({"keys": [jwk]}).to_string());
    let (iss, aud) = ("https://idp.example.gov.cn", "hecha");
    let server = TestServer::start_with(Backend::Sqlite, |s| {
        s.auth.oidc = Some(OidcSettings {
            issuer: iss.into(),
            jwks_url: idp.url.clone(),
            audience: aud.into(),
        })
    });
    let w = hecha_tests::flow::world(&server);
    // An inspector who signs in at the provider only.
    w.admin
        .post(
            "/api/v1/users",
            &json!({"org_id": w.a.authority, "username": "sso-inspector", "display_name": "SSO", "role": "inspector", "external_subject": "idp|42"}),
        )
        .expect(201);
    let api = server.api();
    let me = api
        .with_token(&token(&idp_key, iss, aud, "idp|42", 300))
        .get("/api/v1/me")
        .ok();
    assert_eq!(me["role"], "inspector");
    assert_eq!(me["org_id"], w.a.authority.as_str());
    assert_eq!(idp.count(), 1, "the JWKS is fetched once and cached");
    api.with_token(&token(&idp_key, iss, aud, "idp|42", 300))
        .get("/api/v1/me")
        .ok();
    assert_eq!(idp.count(), 1);
    // Wrong audience, wrong issuer, expired, unknown subject, unknown key: all 401.
    let cases = [
        (
            token(&idp_key, iss, "other-app", "idp|42", 300),
            "auth.invalid_token",
        ),
        (
            token(&idp_key, "https://evil.example", aud, "idp|42", 300),
            "auth.invalid_token",
        ),
        (
            token(&idp_key, iss, aud, "idp|42", -600),
            "auth.expired_token",
        ),
        (
            token(&idp_key, iss, aud, "idp|nobody", 300),
            "auth.unknown_subject",
        ),
        (
            token(&Ed25519Key::generate().unwrap(), iss, aud, "idp|42", 300),
            "auth.invalid_token",
        ),
    ];
    for (t, code) in cases {
        let r = api.with_token(&t).get("/api/v1/me");
        assert_eq!((r.status, r.code()), (401, code), "{}", r.body);
    }
    // Password sign-in is impossible for a provider-only user.
    let r = api.post(
        "/api/v1/auth/token",
        &json!({"grant_type": "password", "username": "sso-inspector", "password": ""}),
    );
    assert_eq!(r.status, 401);
}

//! Authentication and authorization: Argon2 passwords, short-lived EdDSA access tokens
//! (`kid` in the header; keys in their own keyring, separate from bundle-signing keys),
//! revocable refresh tokens, and the `Caller` every handler receives.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use chrono::Utc;
use hecha_core::i18n::Message;
use hecha_core::msg;
use hecha_core::seal::key::Jwks;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

use crate::api::problem::ApiError;
use crate::db::entities::{organization, user};
use crate::service::ServiceError;
use crate::state::AppState;

pub const ISSUER: &str = "hecha";
pub const AUDIENCE: &str = "hecha-api";

crate::stored_enum! {
    /// What a user may do; see docs/server.md (roles).
    pub enum Role {
        /// Platform operator: organizations, users, devices; reads everything.
        Admin = "admin",
        /// Regulator staff: runs and seals official inspections of companies under the
        /// authority.
        Inspector = "inspector",
        /// Regulator staff: reads, exports and reviews the authority's official inspections.
        Auditor = "auditor",
        /// Company staff: the company's rehearsals, and its sealed official results.
        CompanyStaff = "company_staff",
    }
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Inspector => "inspector",
            Role::Auditor => "auditor",
            Role::CompanyStaff => "company_staff",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "admin" => Role::Admin,
            "inspector" => Role::Inspector,
            "auditor" => Role::Auditor,
            "company_staff" => Role::CompanyStaff,
            _ => return None,
        })
    }
    /// The kind of organization the role belongs to.
    pub fn org_kind(self) -> OrgKind {
        match self {
            Role::Admin => OrgKind::Platform,
            Role::Inspector | Role::Auditor => OrgKind::Authority,
            Role::CompanyStaff => OrgKind::Company,
        }
    }
}

crate::stored_enum! {
    pub enum OrgKind {
        /// The operator's own organization (admins).
        Platform = "platform",
        /// A licensing authority (通信管理局).
        Authority = "authority",
        /// A company applying for or holding the license.
        Company = "company",
    }
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Platform => "platform",
            OrgKind::Authority => "authority",
            OrgKind::Company => "company",
        }
    }
    pub fn parse(s: &str) -> Option<OrgKind> {
        Some(match s {
            "platform" => OrgKind::Platform,
            "authority" => OrgKind::Authority,
            "company" => OrgKind::Company,
            _ => return None,
        })
    }
}

/// Argon2id with the crate's defaults and a random salt.
pub fn hash_password(password: &str) -> crate::service::ServiceResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(crate::service::ServiceError::internal)
}

/// An Argon2id hash with the parameters [`hash_password`] uses, of no password anyone
/// knows: checking against it costs what checking a real one does.
pub const DUMMY_PASSWORD_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Clock skew allowed between the server that issued a token and the one checking it.
pub const TOKEN_LEEWAY_S: i64 = 30;

/// Whether a compact JWS's protected header has a `crit` member.
fn header_has_crit(token: &str) -> bool {
    use base64::Engine;
    token
        .split('.')
        .next()
        .and_then(|h| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(h)
                .ok()
        })
        .and_then(|h| serde_json::from_slice::<serde_json::Value>(&h).ok())
        .is_some_and(|h| h.get("crit").is_some())
}

/// Access-token claims.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    /// Not before (never issued by us; refused when in the future).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
}

/// The token-signing keys: the keyring's active key signs, every key of it verifies.
pub struct TokenKeys {
    kid: String,
    encoding: EncodingKey,
    decoding: Vec<(String, DecodingKey)>,
    jwks: Jwks,
    ttl_s: i64,
}

impl TokenKeys {
    /// Opens the keyring at `dir`, creating it (one new key) on first start.
    pub fn open_or_create(dir: &Path, ttl_s: i64) -> anyhow::Result<Self> {
        let ring =
            crate::keyrings::open_or_create(dir, hecha_core::seal::key::KeyPurpose::Official)?;
        let signer = ring.active_signer()?;
        let der = signer.to_pkcs8_der()?;
        let jwks = ring.jwks()?;
        let mut decoding = Vec::new();
        for k in &jwks.keys {
            decoding.push((k.kid.clone(), DecodingKey::from_ed_der(&k.ed25519_bytes()?)));
        }
        Ok(TokenKeys {
            kid: signer.kid().to_owned(),
            encoding: EncodingKey::from_ed_der(&der),
            decoding,
            jwks,
            ttl_s,
        })
    }

    pub fn jwks(&self) -> &Jwks {
        &self.jwks
    }

    pub fn ttl_s(&self) -> i64 {
        self.ttl_s
    }

    /// A signed access token for `user_id`.
    pub fn issue(&self, user_id: &str) -> Result<String, ServiceError> {
        self.issue_at(user_id, Utc::now().timestamp(), self.ttl_s)
    }

    /// A token issued at `iat` living `ttl_s` (tests make expired ones with this).
    pub fn issue_at(&self, user_id: &str, iat: i64, ttl_s: i64) -> Result<String, ServiceError> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        let claims = Claims {
            sub: user_id.to_owned(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat,
            exp: iat + ttl_s,
            jti: uuid::Uuid::new_v4().to_string(),
            nbf: None,
        };
        jsonwebtoken::encode(&header, &claims, &self.encoding).map_err(ServiceError::internal)
    }

    /// Whether `kid` is one of our token keys.
    pub fn knows(&self, kid: &str) -> bool {
        self.decoding.iter().any(|(k, _)| k == kid)
    }

    /// The user id of a valid token of ours.
    pub fn verify(&self, token: &str) -> Result<String, ServiceError> {
        let bad = |m: Message| ServiceError::unauthorized("auth.invalid_token", m);
        let header =
            jsonwebtoken::decode_header(token).map_err(|_| bad(msg!("error-token-malformed")))?;
        let kid = header.kid.ok_or_else(|| bad(msg!("error-token-no-kid")))?;
        let key = self
            .decoding
            .iter()
            .find(|(k, _)| *k == kid)
            .map(|(_, key)| key)
            .ok_or_else(|| bad(msg!("error-token-unknown-key")))?;
        // RFC 7515 §4.1.11: a `crit` header names extensions the verifier must understand;
        // we understand none, so a token carrying one is refused (jsonwebtoken ignores it).
        if header_has_crit(token) {
            return Err(bad(msg!("error-token-critical-header")));
        }
        let mut v = Validation::new(Algorithm::EdDSA);
        v.set_issuer(&[ISSUER]);
        v.set_audience(&[AUDIENCE]);
        v.leeway = TOKEN_LEEWAY_S as u64;
        v.validate_nbf = true;
        let data = jsonwebtoken::decode::<Claims>(token, key, &v).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                ServiceError::unauthorized("auth.expired_token", msg!("error-token-expired"))
            }
            _ => bad(msg!("error-token-rejected")),
        })?;
        let c = &data.claims;
        let now = Utc::now().timestamp();
        // Our key signed it, but not as we issue: issued in the future, or living longer
        // than the configured lifetime (a leaked signing key, a clock gone wrong).
        if c.iat > now + TOKEN_LEEWAY_S {
            return Err(bad(msg!("error-token-issued-in-future")));
        }
        if c.nbf.is_some_and(|nbf| nbf > now + TOKEN_LEEWAY_S) {
            return Err(bad(msg!("error-token-not-yet-valid")));
        }
        if c.exp - c.iat > self.ttl_s + TOKEN_LEEWAY_S {
            return Err(bad(msg!("error-token-lifetime")));
        }
        Ok(data.claims.sub)
    }
}

/// The authenticated caller, loaded fresh from the database on every request (a disabled
/// user is refused at once, whatever the token says).
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: String,
    pub username: String,
    pub role: Role,
    pub org_id: String,
    pub org_kind: OrgKind,
}

impl Caller {
    pub fn require(&self, roles: &[Role]) -> crate::service::ServiceResult<()> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(crate::service::ServiceError::forbidden(msg!(
                "error-role-cannot",
                role = self.role.as_str()
            )))
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let header = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned);
        Box::pin(async move {
            let caller: Result<Self, ServiceError> = async move {
                let state = state.ok_or_else(|| ServiceError::internal("no app state"))?;
                let header = header.ok_or_else(|| {
                    ServiceError::unauthorized("auth.missing_token", msg!("error-token-missing"))
                })?;
                let token = header
                    .strip_prefix("Bearer ")
                    .or_else(|| header.strip_prefix("bearer "))
                    .ok_or_else(|| {
                        ServiceError::unauthorized(
                            "auth.missing_token",
                            msg!("error-token-not-bearer"),
                        )
                    })?;
                let token = token.trim();
                let header = jsonwebtoken::decode_header(token).map_err(|_| {
                    ServiceError::unauthorized("auth.invalid_token", msg!("error-token-malformed"))
                })?;
                let kid = header.kid.clone().unwrap_or_default();
                if !state.tokens.knows(&kid)
                    && let Some(oidc) = &state.oidc
                {
                    let sub = oidc.verify(token, &kid, header.alg).await?;
                    let u = user::Entity::find()
                        .filter(user::Column::ExternalSubject.eq(&sub))
                        .one(&state.db)
                        .await?
                        .ok_or_else(|| {
                            ServiceError::unauthorized(
                                "auth.unknown_subject",
                                msg!("error-token-unknown-subject"),
                            )
                        })?;
                    return load_caller(&state, &u.id).await;
                }
                let user_id = state.tokens.verify(token)?;
                load_caller(&state, &user_id).await
            }
            .await;
            caller.map_err(ApiError::from)
        })
    }
}

pub async fn load_caller(state: &AppState, user_id: &str) -> Result<Caller, ServiceError> {
    let gone = || ServiceError::unauthorized("auth.invalid_token", msg!("error-token-user-gone"));
    let u = user::Entity::find_by_id(user_id.to_owned())
        .one(&state.db)
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(gone)?;
    let org = organization::Entity::find_by_id(u.org_id.clone())
        .one(&state.db)
        .await?
        .ok_or_else(gone)?;
    Ok(Caller {
        user_id: u.id,
        username: u.username,
        role: u.role,
        org_id: org.id,
        org_kind: org.kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dummy hash makes the full Argon2 work: it parses, with exactly the parameters
    /// real hashes get, so a check against it is no shortcut.
    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() {
        let real = hash_password("a password").unwrap();
        let real = PasswordHash::new(&real).unwrap();
        let dummy = PasswordHash::new(DUMMY_PASSWORD_HASH).unwrap();
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert_eq!(dummy.hash.map(|h| h.len()), real.hash.map(|h| h.len()));
        assert!(!verify_password("", DUMMY_PASSWORD_HASH));
    }
}

//! Tokens of an external OpenID provider, accepted beside our own: verified against the
//! provider's JWKS (fetched, cached, refetched when a token names an unknown key, at most
//! every 30 s), issuer and audience checked, and the token's `sub` mapped to a user
//! linked to it (`external_subject`). The provider authenticates; hecha still decides the
//! role and the organization.

use std::sync::RwLock;
use std::time::{Duration, Instant};

use hecha_core::msg;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

use crate::service::{ServiceError, ServiceResult};
use crate::settings::OidcSettings;

pub struct OidcVerifier {
    settings: OidcSettings,
    cache: RwLock<Option<(Instant, JwkSet)>>,
}

const REFETCH_AFTER: Duration = Duration::from_secs(30);
const MAX_AGE: Duration = Duration::from_secs(3600);

#[derive(Debug, serde::Deserialize)]
struct ExternalClaims {
    sub: String,
}

impl OidcVerifier {
    pub fn new(settings: OidcSettings) -> Self {
        OidcVerifier {
            settings,
            cache: RwLock::new(None),
        }
    }

    fn cached(&self) -> Option<(Instant, JwkSet)> {
        self.cache.read().ok().and_then(|c| c.clone())
    }

    async fn fetch(&self) -> ServiceResult<JwkSet> {
        let url = self.settings.jwks_url.clone();
        let set = actix_web::web::block(move || -> Result<JwkSet, String> {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_secs(10)))
                .build()
                .into();
            let body = agent
                .get(&url)
                .call()
                .map_err(|e| e.to_string())?
                .body_mut()
                .with_config()
                .limit(1 << 20)
                .read_to_string()
                .map_err(|e| e.to_string())?;
            serde_json::from_str(&body).map_err(|e| e.to_string())
        })
        .await
        .map_err(ServiceError::internal)?
        .map_err(|e| {
            tracing::warn!(error = %e, "identity provider JWKS unavailable");
            ServiceError::unavailable("auth.idp_unavailable", msg!("error-idp-unavailable"))
        })?;
        if let Ok(mut c) = self.cache.write() {
            *c = Some((Instant::now(), set.clone()));
        }
        Ok(set)
    }

    /// The provider's key `kid`, fetching the JWKS when it is unknown or stale.
    async fn key(&self, kid: &str) -> ServiceResult<DecodingKey> {
        let mut set = match self.cached() {
            Some((at, set)) if at.elapsed() < MAX_AGE => Some((at, set)),
            _ => None,
        };
        let fresh_enough = set
            .as_ref()
            .is_some_and(|(at, _)| at.elapsed() < REFETCH_AFTER);
        if set.as_ref().is_none_or(|(_, s)| s.find(kid).is_none()) && !fresh_enough {
            let fetched = self.fetch().await?;
            set = Some((Instant::now(), fetched));
        }
        let jwk = set
            .as_ref()
            .and_then(|(_, s)| s.find(kid).cloned())
            .ok_or_else(|| {
                ServiceError::unauthorized("auth.invalid_token", msg!("error-token-unknown-key"))
            })?;
        DecodingKey::from_jwk(&jwk).map_err(|_| {
            ServiceError::unauthorized("auth.invalid_token", msg!("error-idp-key-unusable"))
        })
    }

    /// The `sub` of a valid provider token.
    pub async fn verify(&self, token: &str, kid: &str, alg: Algorithm) -> ServiceResult<String> {
        if !matches!(
            alg,
            Algorithm::RS256 | Algorithm::ES256 | Algorithm::EdDSA | Algorithm::PS256
        ) {
            return Err(ServiceError::unauthorized(
                "auth.invalid_token",
                msg!("error-token-algorithm"),
            ));
        }
        let key = self.key(kid).await?;
        let mut v = Validation::new(alg);
        v.set_issuer(&[&self.settings.issuer]);
        v.set_audience(&[&self.settings.audience]);
        v.leeway = 30;
        let data = jsonwebtoken::decode::<ExternalClaims>(token, &key, &v).map_err(|e| match e
            .kind()
        {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                ServiceError::unauthorized("auth.expired_token", msg!("error-token-expired"))
            }
            _ => ServiceError::unauthorized("auth.invalid_token", msg!("error-token-rejected")),
        })?;
        Ok(data.claims.sub)
    }
}

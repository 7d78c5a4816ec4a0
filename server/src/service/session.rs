//! Sign-in sessions: a password or a refresh token exchanged for an access token and a
//! rotating refresh token (a replayed one revokes its whole sign-in), and sign-out.

use chrono::{Duration, Utc};
use hecha_core::msg;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::auth::{Role, verify_password};
use crate::db::entities::{refresh_token, user};
use crate::service::{ServiceError, ServiceResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "grant_type", rename_all = "snake_case")]
pub enum TokenRequest {
    Password { username: String, password: String },
    RefreshToken { refresh_token: String },
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: i64,
    /// Opaque; exchange it for a new pair before it expires. Each use rotates it.
    pub refresh_token: String,
    pub user_id: String,
    pub role: Role,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RevokeRequest {
    pub refresh_token: String,
}

fn token_sha(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn random_token() -> ServiceResult<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(ServiceError::internal)?;
    Ok(hex::encode(b))
}

/// A new access token and refresh token; the refresh token continues `family` (a refresh)
/// or starts one (a sign-in).
async fn issue_pair(
    state: &AppState,
    u: &user::Model,
    family: Option<String>,
) -> ServiceResult<TokenResponse> {
    let refresh = random_token()?;
    let now = Utc::now();
    let id = uuid::Uuid::now_v7().to_string();
    refresh_token::Entity::insert(
        refresh_token::Model {
            family_id: Some(family.unwrap_or_else(|| id.clone())),
            id,
            user_id: u.id.clone(),
            token_sha256: token_sha(&refresh),
            expires_at: now + Duration::seconds(state.settings.auth.refresh_ttl_s),
            revoked_at: None,
            created_at: now,
        }
        .into_active_model(),
    )
    .exec_without_returning(&state.db)
    .await?;
    Ok(TokenResponse {
        access_token: state.tokens.issue(&u.id)?,
        token_type: "Bearer".into(),
        expires_in: state.tokens.ttl_s(),
        refresh_token: refresh,
        user_id: u.id.clone(),
        role: u.role,
    })
}

/// The hash a password is checked against: the user's, or [`DUMMY_PASSWORD_HASH`] (an
/// unknown user, a user without a password), so every attempt costs the same.
fn hash_to_check(u: Option<&user::Model>) -> &str {
    u.and_then(|u| u.password_hash.as_deref())
        .unwrap_or(crate::auth::DUMMY_PASSWORD_HASH)
}

fn bad_credentials() -> ServiceError {
    ServiceError::unauthorized("auth.bad_credentials", msg!("error-bad-credentials"))
}

/// A password or refresh-token grant; `client_address` counts failed sign-ins against the
/// client too (`service::sign_in`).
pub async fn exchange(
    state: &AppState,
    request: TokenRequest,
    client_address: Option<String>,
) -> ServiceResult<TokenResponse> {
    match request {
        TokenRequest::Password { username, password } => {
            let attempt = crate::service::sign_in::Attempt::new(&username, client_address);
            crate::service::sign_in::check(state, &attempt).await?;
            let u = user::Entity::find()
                .filter(user::Column::Username.eq(&username))
                .one(&state.db)
                .await?;
            // The same Argon2 work whoever is asked for: an unknown user, or one who signs
            // in only through the external provider, is not told apart by speed.
            let hash = hash_to_check(u.as_ref()).to_owned();
            let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
                .await
                .map_err(ServiceError::internal)?;
            match u {
                Some(u) if ok && !u.disabled && u.password_hash.is_some() => {
                    crate::service::sign_in::succeeded(state, &attempt).await?;
                    issue_pair(state, &u, None).await
                }
                _ => {
                    crate::service::sign_in::failed(state, &attempt).await?;
                    Err(bad_credentials())
                }
            }
        }
        TokenRequest::RefreshToken { refresh_token: t } => {
            let now = Utc::now();
            // Rotation: the presented token is revoked in the same statement that checks it,
            // so a stolen-and-replayed refresh token works at most once.
            let res = refresh_token::Entity::update_many()
                .col_expr(refresh_token::Column::RevokedAt, Expr::value(Some(now)))
                .filter(refresh_token::Column::TokenSha256.eq(token_sha(&t)))
                .filter(refresh_token::Column::RevokedAt.is_null())
                .filter(refresh_token::Column::ExpiresAt.gt(now))
                .exec(&state.db)
                .await?;
            let row = refresh_token::Entity::find()
                .filter(refresh_token::Column::TokenSha256.eq(token_sha(&t)))
                .one(&state.db)
                .await?;
            if res.rows_affected != 1 {
                // A token already used (or signed out) presented again: someone holds a
                // copy. Every token of its sign-in is revoked, the thief's and the user's.
                if let Some(row) = row.filter(|r| r.revoked_at.is_some() && r.expires_at > now) {
                    let family = row.family_id.clone().unwrap_or(row.id.clone());
                    // Rotated (a successor was issued), not signed out: a replay.
                    let rotated = refresh_token::Entity::find()
                        .filter(refresh_token::Column::FamilyId.eq(&family))
                        .filter(refresh_token::Column::CreatedAt.gt(row.created_at))
                        .one(&state.db)
                        .await?
                        .is_some();
                    if !rotated {
                        return Err(ServiceError::unauthorized(
                            "auth.bad_refresh_token",
                            msg!("error-bad-refresh-token"),
                        ));
                    }
                    revoke_family(state, &family).await?;
                    tracing::warn!(user = %row.user_id, "a used refresh token was presented again: its sign-in is revoked");
                    return Err(ServiceError::unauthorized(
                        "auth.refresh_reused",
                        msg!("error-refresh-reused"),
                    ));
                }
                return Err(ServiceError::unauthorized(
                    "auth.bad_refresh_token",
                    msg!("error-bad-refresh-token"),
                ));
            }
            let row = row.ok_or_else(bad_credentials)?;
            let u = user::Entity::find_by_id(row.user_id.clone())
                .one(&state.db)
                .await?
                .filter(|u| !u.disabled)
                .ok_or_else(bad_credentials)?;
            let family = row.family_id.unwrap_or(row.id);
            issue_pair(state, &u, Some(family)).await
        }
    }
}

/// Revokes every live token of a sign-in.
async fn revoke_family(state: &AppState, family: &str) -> ServiceResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(
            refresh_token::Column::RevokedAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(refresh_token::Column::FamilyId.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&state.db)
        .await?;
    Ok(())
}

/// Signs out: revokes a refresh token. Unknown tokens are accepted silently (RFC 7009).
pub async fn sign_out(state: &AppState, refresh_token: &str) -> ServiceResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(
            refresh_token::Column::RevokedAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(refresh_token::Column::TokenSha256.eq(token_sha(refresh_token)))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&state.db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_with(password_hash: Option<&str>) -> user::Model {
        user::Model {
            id: "u".into(),
            org_id: "o".into(),
            username: "name".into(),
            display_name: "Name".into(),
            role: Role::Inspector,
            password_hash: password_hash.map(str::to_owned),
            external_subject: Some("sub".into()),
            disabled: false,
            created_at: Utc::now(),
        }
    }

    /// A user who signs in only through the external provider, and a user who does not
    /// exist, are checked against the dummy hash: the same work as a real user's.
    #[test]
    fn every_attempt_checks_a_real_argon2_hash() {
        assert_eq!(hash_to_check(None), crate::auth::DUMMY_PASSWORD_HASH);
        let external = user_with(None);
        assert_eq!(
            hash_to_check(Some(&external)),
            crate::auth::DUMMY_PASSWORD_HASH
        );
        let real = user_with(Some("$argon2id$real"));
        assert_eq!(hash_to_check(Some(&real)), "$argon2id$real");
    }
}

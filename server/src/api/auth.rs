//! `POST /auth/token` (password or refresh-token grant), `POST /auth/revoke`, the token
//! keys, and who-am-I.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::problem::{ApiResult, Problem};
use crate::auth::{Caller, OrgKind, Role};
use crate::service::session::{self, RevokeRequest, TokenRequest, TokenResponse};
use crate::service::sign_in::client_address;
use crate::state::AppState;

/// Exchange a password or a refresh token for an access token (and a new refresh token).
#[utoipa::path(
    tag = "auth",
    request_body = TokenRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem),
        (status = 429, body = Problem, description = "too many failed sign-ins for this user name or client address",
            headers(("Retry-After" = u32, description = "seconds until a sign-in is counted again")))),
    security(())
)]
#[post("/auth/token")]
pub async fn token(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    body: web::Json<TokenRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let address = client_address(&state, req.peer_addr(), |name| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    });
    Ok(web::Json(
        session::exchange(&state, body.into_inner(), address).await?,
    ))
}

/// Revoke a refresh token (sign out). Unknown tokens are accepted silently (RFC 7009).
#[utoipa::path(tag = "auth", request_body = RevokeRequest, responses((status = 204)), security(()))]
#[post("/auth/revoke")]
pub async fn revoke(
    state: web::Data<AppState>,
    body: web::Json<RevokeRequest>,
) -> ApiResult<HttpResponse> {
    session::sign_out(&state, &body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub user_id: String,
    pub username: String,
    pub role: Role,
    pub org_id: String,
    pub org_kind: OrgKind,
}

/// Who the token belongs to.
#[utoipa::path(tag = "auth", responses((status = 200, body = Me), (status = 401, body = Problem)))]
#[get("/me")]
pub async fn me(caller: Caller) -> ApiResult<web::Json<Me>> {
    Ok(web::Json(Me {
        user_id: caller.user_id,
        username: caller.username,
        role: caller.role,
        org_id: caller.org_id,
        org_kind: caller.org_kind,
    }))
}

/// The public keys access tokens are signed with (separate from bundle-signing keys).
#[utoipa::path(tag = "auth", responses((status = 200, description = "JWKS")), security(()))]
#[get("/auth/jwks.json")]
pub async fn token_jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(state.tokens.jwks())
}

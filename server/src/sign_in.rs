//! Limits on password sign-in: after `max_failures_per_user` failures for one user name, or
//! `max_failures_per_address` for one client address, within `failure_window_s`, sign-in
//! answers 429 with `Retry-After` until the oldest counted failure leaves the window — the
//! right password included, so guessing stops paying. Failures are rows in the database, so
//! every replica counts the same. The client address is the connection's peer, or the last
//! value of the header a trusted proxy sets (`auth.client_address_header`) when configured.

use actix_web::HttpRequest;
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder};

use crate::db::entities::sign_in_failure;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Who a sign-in attempt counts against.
#[derive(Debug, Clone)]
pub struct Attempt {
    user: String,
    address: Option<String>,
}

impl Attempt {
    pub fn new(state: &AppState, req: &HttpRequest, username: &str) -> Self {
        let peer = || req.peer_addr().map(|a| a.ip().to_string());
        let address = match &state.settings.auth.client_address_header {
            // A request that did not come through the proxy counts against its peer.
            Some(header) => req
                .headers()
                .get(header.as_str())
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .or_else(peer),
            None => peer(),
        };
        Attempt {
            user: format!("user:{}", username.trim().to_lowercase()),
            address: address.map(|a| format!("address:{a}")),
        }
    }
}

fn limits(state: &AppState, a: &Attempt) -> Vec<(String, u32)> {
    let auth = &state.settings.auth;
    let mut out = vec![(a.user.clone(), auth.max_failures_per_user)];
    if let Some(addr) = &a.address {
        out.push((addr.clone(), auth.max_failures_per_address));
    }
    out
}

/// 429 when the attempt's user name or address failed too often within the window.
pub async fn check(state: &AppState, a: &Attempt) -> ApiResult<()> {
    let window = Duration::seconds(state.settings.auth.failure_window_s.max(1));
    let since = Utc::now() - window;
    for (subject, max) in limits(state, a) {
        let n = sign_in_failure::Entity::find()
            .filter(sign_in_failure::Column::Subject.eq(&subject))
            .filter(sign_in_failure::Column::At.gt(since))
            .count(&state.db)
            .await?;
        if n >= u64::from(max.max(1)) {
            // The oldest failure counted leaves the window first.
            let oldest = sign_in_failure::Entity::find()
                .filter(sign_in_failure::Column::Subject.eq(&subject))
                .filter(sign_in_failure::Column::At.gt(since))
                .order_by_asc(sign_in_failure::Column::At)
                .one(&state.db)
                .await?
                .map_or(since, |f| f.at);
            let wait = (oldest + window - Utc::now()).num_seconds().max(1);
            let mut e = ApiError::new(
                actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                "auth.too_many_failures",
                "too many failed sign-ins; try again later (see Retry-After)",
            );
            e.retry_after = Some(u32::try_from(wait).unwrap_or(u32::MAX));
            return Err(e);
        }
    }
    Ok(())
}

/// Counts a failed attempt (and forgets failures older than the window).
pub async fn failed(state: &AppState, a: &Attempt) -> ApiResult<()> {
    let now = Utc::now();
    let since = now - Duration::seconds(state.settings.auth.failure_window_s.max(1));
    sign_in_failure::Entity::delete_many()
        .filter(sign_in_failure::Column::At.lt(since))
        .exec(&state.db)
        .await?;
    for (subject, _) in limits(state, a) {
        sign_in_failure::Entity::insert(
            sign_in_failure::Model {
                id: uuid::Uuid::now_v7().to_string(),
                subject,
                at: now,
            }
            .into_active_model(),
        )
        .exec_without_returning(&state.db)
        .await?;
    }
    Ok(())
}

/// A successful sign-in forgets the user name's failures (not the address's).
pub async fn succeeded(state: &AppState, a: &Attempt) -> ApiResult<()> {
    sign_in_failure::Entity::delete_many()
        .filter(sign_in_failure::Column::Subject.eq(&a.user))
        .exec(&state.db)
        .await?;
    Ok(())
}

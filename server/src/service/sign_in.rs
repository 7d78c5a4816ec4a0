//! Limits on password sign-in: after `max_failures_per_user` failures for one user name, or
//! `max_failures_per_address` for one client address, within `failure_window_s`, sign-in
//! answers 429 with `Retry-After` until the oldest counted failure leaves the window — the
//! right password included, so guessing stops paying. Failures are rows in the database, so
//! every replica counts the same. The client address is the connection's peer, or the last
//! value of the header a trusted proxy sets (`auth.client_address_header`) when configured.

use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder};

use crate::db::entities::sign_in_failure;
use crate::service::{ServiceError, ServiceResult};
use crate::state::AppState;

/// Who a sign-in attempt counts against.
#[derive(Debug, Clone)]
pub struct Attempt {
    user: String,
    address: Option<String>,
}

impl Attempt {
    /// An attempt for `username` from `client_address` (what the API read off the
    /// connection or the trusted proxy's header: [`client_address`]).
    pub fn new(username: &str, client_address: Option<String>) -> Self {
        Attempt {
            user: format!("user:{}", username.trim().to_lowercase()),
            address: client_address.map(|a| format!("address:{a}")),
        }
    }
}

/// The client's address: the connection's peer, or the last value of the header a trusted
/// proxy sets (`auth.client_address_header`) when one is configured.
pub fn client_address(
    state: &AppState,
    peer: Option<std::net::SocketAddr>,
    header: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    let peer = || peer.map(|a| a.ip().to_string());
    match &state.settings.auth.client_address_header {
        // A request that did not come through the proxy counts against its peer.
        Some(name) => header(name.as_str())
            .and_then(|v| v.rsplit(',').next().map(|v| v.trim().to_owned()))
            .filter(|v| !v.is_empty())
            .or_else(peer),
        None => peer(),
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
pub async fn check(state: &AppState, a: &Attempt) -> ServiceResult<()> {
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
            return Err(ServiceError::too_many(
                "auth.too_many_failures",
                hecha_core::msg!("error-sign-in-too-many-failures"),
                u32::try_from(wait).unwrap_or(u32::MAX),
            ));
        }
    }
    Ok(())
}

/// Counts a failed attempt (and forgets failures older than the window).
pub async fn failed(state: &AppState, a: &Attempt) -> ServiceResult<()> {
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
pub async fn succeeded(state: &AppState, a: &Attempt) -> ServiceResult<()> {
    sign_in_failure::Entity::delete_many()
        .filter(sign_in_failure::Column::Subject.eq(&a.user))
        .exec(&state.db)
        .await?;
    Ok(())
}

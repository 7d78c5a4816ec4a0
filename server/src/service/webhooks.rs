//! Webhooks on seal and review: deliveries are rows (queued in the transaction that seals
//! or reviews), sent by whichever replica claims them first, retried with exponential
//! backoff, the same bytes on every attempt, signed with HMAC-SHA256 of the webhook secret;
//! and the subscriptions themselves, with their delivery log.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use hecha_core::msg;
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use utoipa::ToSchema;

use crate::auth::{Caller, Role};
use crate::db::entities::{InspectionMode, inspection, webhook, webhook_delivery};
use crate::service::{ServiceError, ServiceResult};
use crate::state::AppState;

pub const EVENTS: [&str; 2] = ["inspection.sealed", "inspection.reviewed"];

/// Queues a delivery to every active webhook of the inspection's authority and company
/// that listens to `event`. Official results go to both; rehearsals to the company only.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    row: &inspection::Model,
    event: &str,
    payload: &str,
) -> ServiceResult<()> {
    let mut orgs = vec![row.company_id.clone()];
    if row.mode == InspectionMode::Official {
        orgs.push(row.authority_id.clone());
    }
    let hooks = webhook::Entity::find()
        .filter(webhook::Column::OrgId.is_in(orgs))
        .filter(webhook::Column::Active.eq(true))
        .all(db)
        .await?;
    let now = Utc::now();
    for h in hooks
        .into_iter()
        .filter(|h| h.events.split(',').any(|e| e == event))
    {
        let d = webhook_delivery::Model {
            id: uuid::Uuid::now_v7().to_string(),
            webhook_id: h.id,
            inspection_id: row.id.clone(),
            event: event.to_owned(),
            payload: payload.to_owned(),
            attempts: 0,
            next_attempt_at: now,
            locked_until: None,
            last_status: None,
            last_error: None,
            delivered_at: None,
            created_at: now,
        };
        webhook_delivery::Entity::insert(d.into_active_model())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// `X-Hecha-Signature: sha256=<hex HMAC of the body>`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Backoff before attempt `n+1`: base × 2ⁿ, at most one hour.
pub fn backoff(base_s: i64, attempts: i32) -> chrono::Duration {
    let factor = 1i64 << attempts.clamp(0, 20);
    chrono::Duration::seconds(std::cmp::min(std::cmp::max(base_s, 1) * factor, 3600))
}

/// Claims one due delivery (a conditional update: two replicas never send it at once).
async fn claim(
    state: &AppState,
) -> ServiceResult<Option<(webhook_delivery::Model, webhook::Model)>> {
    let now = Utc::now();
    let due = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::DeliveredAt.is_null())
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .filter(webhook_delivery::Column::Attempts.lt(state.settings.webhooks.max_attempts))
        .filter(
            webhook_delivery::Column::LockedUntil
                .is_null()
                .or(webhook_delivery::Column::LockedUntil.lt(now)),
        )
        .order_by_asc(webhook_delivery::Column::NextAttemptAt)
        .limit(8)
        .all(&state.db)
        .await?;
    for d in due {
        let lock = now + chrono::Duration::seconds(state.settings.webhooks.timeout_s as i64 + 30);
        let res = webhook_delivery::Entity::update_many()
            .col_expr(
                webhook_delivery::Column::LockedUntil,
                Expr::value(Some(lock)),
            )
            .filter(webhook_delivery::Column::Id.eq(&d.id))
            .filter(webhook_delivery::Column::DeliveredAt.is_null())
            .filter(
                webhook_delivery::Column::LockedUntil
                    .is_null()
                    .or(webhook_delivery::Column::LockedUntil.lt(now)),
            )
            .exec(&state.db)
            .await?;
        if res.rows_affected == 1
            && let Some(h) = webhook::Entity::find_by_id(d.webhook_id.clone())
                .one(&state.db)
                .await?
        {
            return Ok(Some((d, h)));
        }
    }
    Ok(None)
}

/// Sends one delivery and records the outcome.
pub async fn attempt(
    state: &AppState,
    d: webhook_delivery::Model,
    h: webhook::Model,
) -> ServiceResult<bool> {
    let timeout = Duration::from_secs(state.settings.webhooks.timeout_s);
    let body = d.payload.clone();
    let sig = signature(&h.secret, body.as_bytes());
    let url = h.url.clone();
    let allow = state.settings.webhooks.allow_hosts.clone();
    let (delivery_id, event) = (d.id.clone(), d.event.clone());
    let outcome = tokio::task::spawn_blocking(move || -> Result<u16, String> {
        // Resolved and checked here, then connected to those addresses only; no redirect
        // is followed (a 3xx is the receiver's answer). Transport failures are recorded by
        // class only, so the log cannot tell an open port from a closed one.
        let parsed = url::Url::parse(&url).map_err(|_| "the URL is invalid".to_owned())?;
        let addrs =
            crate::outbound::check_target(&parsed, &allow).map_err(|e| format!("refused: {e}"))?;
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .build();
        let agent = ureq::Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::new(),
            crate::outbound::PinnedResolver(addrs),
        );
        agent
            .post(&url)
            .header("Content-Type", "application/json")
            .header("X-Hecha-Event", &event)
            .header("X-Hecha-Delivery", &delivery_id)
            .header("X-Hecha-Signature", &sig)
            .send(body.as_bytes())
            .map(|r| r.status().as_u16())
            .map_err(|e| match e {
                ureq::Error::Timeout(_) => "no answer in time".to_owned(),
                _ => "no HTTP answer from the receiver".to_owned(),
            })
    })
    .await
    .map_err(ServiceError::internal)?;
    let now = Utc::now();
    let attempts = d.attempts + 1;
    let (ok, status, error) = match outcome {
        Ok(s) if (200..300).contains(&s) => (true, Some(i32::from(s)), None),
        Ok(s) => (
            false,
            Some(i32::from(s)),
            Some(format!("receiver answered {s}")),
        ),
        Err(e) => (false, None, Some(e)),
    };
    state
        .metrics
        .webhook_deliveries
        .with_label_values(&[if ok { "delivered" } else { "failed" }])
        .inc();
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::Attempts, Expr::value(attempts))
        .col_expr(webhook_delivery::Column::LastStatus, Expr::value(status))
        .col_expr(
            webhook_delivery::Column::LastError,
            Expr::value(error.clone()),
        )
        .col_expr(
            webhook_delivery::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(
            webhook_delivery::Column::DeliveredAt,
            Expr::value(if ok { Some(now) } else { None }),
        )
        .col_expr(
            webhook_delivery::Column::NextAttemptAt,
            Expr::value(now + backoff(state.settings.webhooks.base_delay_s, attempts - 1)),
        )
        .filter(webhook_delivery::Column::Id.eq(&d.id))
        .exec(&state.db)
        .await?;
    if ok {
        tracing::info!(delivery = %d.id, webhook = %h.id, "webhook delivered");
    } else {
        tracing::warn!(delivery = %d.id, webhook = %h.id, attempts, error = ?error, "webhook delivery failed");
    }
    Ok(ok)
}

/// The delivery loop of one replica; ends when `stop` is notified.
pub async fn run(state: Arc<AppState>, stop: Arc<tokio::sync::Notify>) {
    let interval =
        Duration::from_millis(std::cmp::max(state.settings.webhooks.poll_interval_ms, 50));
    loop {
        let worked = match claim(&state).await {
            Ok(Some((d, h))) => attempt(&state, d, h).await.is_ok(),
            Ok(None) => false,
            Err(e) => {
                tracing::warn!(error = %e, "webhook queue unavailable");
                false
            }
        };
        if worked {
            continue;
        }
        tokio::select! {
            _ = stop.notified() => return,
            _ = tokio::time::sleep(interval) => {}
        }
    }
}

// ── Subscriptions: what an organization asks to be told, and its delivery log ──

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// http(s) URL receiving `POST`s.
    pub url: String,
    /// `inspection.sealed`, `inspection.reviewed` (default: both).
    #[serde(default)]
    pub events: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Webhook {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub active: bool,
    /// Shown once, at creation: verify `X-Hecha-Signature` (HMAC-SHA256) with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

fn out(h: webhook::Model, secret: bool) -> Webhook {
    Webhook {
        events: h.events.split(',').map(str::to_owned).collect(),
        secret: secret.then_some(h.secret),
        id: h.id,
        url: h.url,
        active: h.active,
    }
}

/// Who may manage an organization's webhooks.
fn manager(c: &Caller) -> ServiceResult<()> {
    c.require(&[
        Role::Admin,
        Role::Auditor,
        Role::Inspector,
        Role::CompanyStaff,
    ])
}

async fn own_hook(state: &AppState, c: &Caller, id: &str) -> ServiceResult<webhook::Model> {
    webhook::Entity::find_by_id(id.to_owned())
        .one(&state.db)
        .await?
        .filter(|h| h.org_id == c.org_id)
        .ok_or_else(|| ServiceError::not_found(msg!("error-no-such-webhook")))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Delivery {
    pub id: String,
    pub inspection_id: String,
    pub event: String,
    pub attempts: i32,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<String>,
    pub next_attempt_at: String,
    pub created_at: String,
}

/// Subscribe the caller's organization to events.
pub async fn create_webhook(
    state: &AppState,
    caller: &Caller,
    new: NewWebhook,
) -> ServiceResult<Webhook> {
    manager(caller)?;
    let NewWebhook { url, mut events } = new;
    let parsed = url::Url::parse(&url).map_err(|e| {
        ServiceError::unprocessable(
            "webhook.url",
            msg!("error-webhook-url", problem = e.to_string()),
        )
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ServiceError::unprocessable(
            "webhook.url",
            msg!("error-webhook-scheme"),
        ));
    }
    // Checked again at every delivery (a name may resolve elsewhere later); a name that
    // does not resolve yet is accepted and refused at delivery if it never does.
    let allow = state.settings.webhooks.allow_hosts.clone();
    let target = parsed.clone();
    match tokio::task::spawn_blocking(move || crate::outbound::check_target(&target, &allow))
        .await
        .map_err(ServiceError::internal)?
    {
        Ok(_) | Err(crate::outbound::TargetError::Unresolvable) => {}
        Err(e) => {
            return Err(ServiceError::unprocessable(
                "webhook.target",
                msg!("error-webhook-target", problem = e.to_string()),
            ));
        }
    }
    if events.is_empty() {
        events = EVENTS.iter().map(|e| (*e).to_owned()).collect();
    }
    if let Some(bad) = events.iter().find(|e| !EVENTS.contains(&e.as_str())) {
        return Err(ServiceError::unprocessable(
            "webhook.events",
            msg!(
                "error-webhook-event",
                event = bad,
                known = EVENTS.join(", ")
            ),
        ));
    }
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(ServiceError::internal)?;
    let h = webhook::Model {
        id: uuid::Uuid::now_v7().to_string(),
        org_id: caller.org_id.clone(),
        url,
        secret: hex::encode(secret),
        events: events.join(","),
        active: true,
        created_at: Utc::now(),
    };
    webhook::Entity::insert(h.clone().into_active_model())
        .exec_without_returning(&state.db)
        .await?;
    Ok(out(h, true))
}

/// The organization's webhooks.
pub async fn list_webhooks(state: &AppState, caller: &Caller) -> ServiceResult<Vec<Webhook>> {
    manager(caller)?;
    let rows = webhook::Entity::find()
        .filter(webhook::Column::OrgId.eq(&caller.org_id))
        .order_by_asc(webhook::Column::CreatedAt)
        .all(&state.db)
        .await?;
    Ok(rows.into_iter().map(|h| out(h, false)).collect())
}

/// Stop a webhook (its delivery log stays).
pub async fn delete_webhook(state: &AppState, caller: &Caller, id: &str) -> ServiceResult<()> {
    manager(caller)?;
    let h = own_hook(state, caller, id).await?;
    webhook::Entity::update_many()
        .col_expr(webhook::Column::Active, Expr::value(false))
        .filter(webhook::Column::Id.eq(h.id))
        .exec(&state.db)
        .await?;
    Ok(())
}

/// The delivery log of a webhook, newest first (at most 200).
pub async fn list_deliveries(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> ServiceResult<Vec<Delivery>> {
    manager(caller)?;
    let h = own_hook(state, caller, id).await?;
    let rows = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::WebhookId.eq(h.id))
        .order_by_desc(webhook_delivery::Column::CreatedAt)
        .limit(200)
        .all(&state.db)
        .await?;
    use crate::service::inspection::ts;
    Ok(rows
        .into_iter()
        .map(|d| Delivery {
            id: d.id,
            inspection_id: d.inspection_id,
            event: d.event,
            attempts: d.attempts,
            last_status: d.last_status,
            last_error: d.last_error,
            delivered_at: d.delivered_at.map(ts),
            next_attempt_at: ts(d.next_attempt_at),
            created_at: ts(d.created_at),
        })
        .collect())
}

/// Send a delivery again now (the same payload), e.g. after the receiver was fixed.
pub async fn redeliver(
    state: &AppState,
    caller: &Caller,
    id: &str,
    delivery: &str,
) -> ServiceResult<()> {
    manager(caller)?;
    let h = own_hook(state, caller, id).await?;
    let res = webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::NextAttemptAt,
            Expr::value(Utc::now()),
        )
        .col_expr(webhook_delivery::Column::Attempts, Expr::value(0))
        .col_expr(
            webhook_delivery::Column::DeliveredAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(
            webhook_delivery::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .filter(webhook_delivery::Column::Id.eq(delivery))
        .filter(webhook_delivery::Column::WebhookId.eq(h.id))
        .exec(&state.db)
        .await?;
    if res.rows_affected == 0 {
        return Err(ServiceError::not_found(msg!("error-no-such-delivery")));
    }
    Ok(())
}

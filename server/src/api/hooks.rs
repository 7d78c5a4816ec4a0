//! Webhook subscriptions of the caller's organization, their delivery log, redelivery.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Caller, Role};
use crate::db::entities::{webhook, webhook_delivery};
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::webhooks::EVENTS;

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
fn manager(c: &Caller) -> ApiResult<()> {
    c.require(&[
        Role::Admin,
        Role::Auditor,
        Role::Inspector,
        Role::CompanyStaff,
    ])
}

async fn own_hook(state: &AppState, c: &Caller, id: &str) -> ApiResult<webhook::Model> {
    webhook::Entity::find_by_id(id.to_owned())
        .one(&state.db)
        .await?
        .filter(|h| h.org_id == c.org_id)
        .ok_or_else(|| ApiError::not_found("webhook"))
}

/// Subscribe the caller's organization to events.
#[utoipa::path(tag = "webhooks", request_body = NewWebhook,
    responses((status = 201, body = Webhook), (status = 422, body = Problem)))]
#[post("/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<NewWebhook>,
) -> ApiResult<HttpResponse> {
    manager(&caller)?;
    let NewWebhook { url, mut events } = body.into_inner();
    let parsed =
        url::Url::parse(&url).map_err(|e| ApiError::unprocessable("webhook.url", e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ApiError::unprocessable("webhook.url", "http or https only"));
    }
    // Checked again at every delivery (a name may resolve elsewhere later); a name that
    // does not resolve yet is accepted and refused at delivery if it never does.
    let allow = state.settings.webhooks.allow_hosts.clone();
    let target = parsed.clone();
    match web::block(move || crate::outbound::check_target(&target, &allow))
        .await
        .map_err(ApiError::internal)?
    {
        Ok(_) | Err(crate::outbound::TargetError::Unresolvable) => {}
        Err(e) => return Err(ApiError::unprocessable("webhook.target", e.to_string())),
    }
    if events.is_empty() {
        events = EVENTS.iter().map(|e| (*e).to_owned()).collect();
    }
    if let Some(bad) = events.iter().find(|e| !EVENTS.contains(&e.as_str())) {
        return Err(ApiError::unprocessable(
            "webhook.events",
            format!("unknown event {bad}"),
        ));
    }
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(ApiError::internal)?;
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
    Ok(HttpResponse::Created().json(out(h, true)))
}

/// The organization's webhooks.
#[utoipa::path(tag = "webhooks", responses((status = 200, body = Vec<Webhook>)))]
#[get("/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<web::Json<Vec<Webhook>>> {
    manager(&caller)?;
    let rows = webhook::Entity::find()
        .filter(webhook::Column::OrgId.eq(&caller.org_id))
        .order_by_asc(webhook::Column::CreatedAt)
        .all(&state.db)
        .await?;
    Ok(web::Json(rows.into_iter().map(|h| out(h, false)).collect()))
}

/// Stop a webhook (its delivery log stays).
#[utoipa::path(tag = "webhooks", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    manager(&caller)?;
    let h = own_hook(&state, &caller, &id).await?;
    webhook::Entity::update_many()
        .col_expr(webhook::Column::Active, Expr::value(false))
        .filter(webhook::Column::Id.eq(h.id))
        .exec(&state.db)
        .await?;
    Ok(HttpResponse::NoContent().finish())
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

/// The delivery log of a webhook, newest first (at most 200).
#[utoipa::path(tag = "webhooks", params(("id" = String, Path)),
    responses((status = 200, body = Vec<Delivery>), (status = 404, body = Problem)))]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<Vec<Delivery>>> {
    manager(&caller)?;
    let h = own_hook(&state, &caller, &id).await?;
    let rows = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::WebhookId.eq(h.id))
        .order_by_desc(webhook_delivery::Column::CreatedAt)
        .limit(200)
        .all(&state.db)
        .await?;
    use crate::inspections::ts;
    Ok(web::Json(
        rows.into_iter()
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
            .collect(),
    ))
}

/// Send a delivery again now (the same payload), e.g. after the receiver was fixed.
#[utoipa::path(tag = "webhooks", params(("id" = String, Path), ("delivery_id" = String, Path)),
    responses((status = 202), (status = 404, body = Problem)))]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    manager(&caller)?;
    let (id, delivery) = path.into_inner();
    let h = own_hook(&state, &caller, &id).await?;
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
        return Err(ApiError::not_found("delivery"));
    }
    Ok(HttpResponse::Accepted().finish())
}

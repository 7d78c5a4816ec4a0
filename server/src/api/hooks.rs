//! Routes of webhook subscriptions, their delivery log, redelivery (`service::webhooks`).

use actix_web::{HttpResponse, delete, get, post, web};

use crate::api::problem::{ApiResult, Problem};
use crate::auth::Caller;
use crate::service::webhooks::{self, Delivery, NewWebhook, Webhook};
use crate::state::AppState;

/// Subscribe the caller's organization to events.
#[utoipa::path(tag = "webhooks", request_body = NewWebhook,
    responses((status = 201, body = Webhook), (status = 422, body = Problem)))]
#[post("/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<NewWebhook>,
) -> ApiResult<HttpResponse> {
    let hook = webhooks::create_webhook(&state, &caller, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(hook))
}

/// The organization's webhooks.
#[utoipa::path(tag = "webhooks", responses((status = 200, body = Vec<Webhook>)))]
#[get("/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<web::Json<Vec<Webhook>>> {
    Ok(web::Json(webhooks::list_webhooks(&state, &caller).await?))
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
    webhooks::delete_webhook(&state, &caller, &id).await?;
    Ok(HttpResponse::NoContent().finish())
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
    Ok(web::Json(
        webhooks::list_deliveries(&state, &caller, &id).await?,
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
    let (id, delivery) = path.into_inner();
    webhooks::redeliver(&state, &caller, &id, &delivery).await?;
    Ok(HttpResponse::Accepted().finish())
}

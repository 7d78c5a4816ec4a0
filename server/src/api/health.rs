//! Liveness, readiness and metrics (outside `/api/v1`, no auth).

use actix_web::{HttpResponse, get, web};

use crate::state::AppState;

/// The process answers.
#[utoipa::path(tag = "operations", responses((status = 200)), security(()))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// The database and the blob store answer; 503 with Retry-After otherwise.
#[utoipa::path(tag = "operations", responses((status = 200), (status = 503)), security(()))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let db = state.db.ping().await.map_err(|e| e.to_string());
    let store = state.store.check().await.map_err(|e| e.to_string());
    let body = serde_json::json!({
        "database": db.as_ref().map(|_| "ok").unwrap_or_else(|e| e.as_str()),
        "store": store.as_ref().map(|_| "ok").unwrap_or_else(|e| e.as_str()),
    });
    if db.is_ok() && store.is_ok() {
        HttpResponse::Ok().json(body)
    } else {
        tracing::warn!(%body, "not ready");
        HttpResponse::ServiceUnavailable()
            .insert_header(("Retry-After", "5"))
            .json(body)
    }
}

/// Prometheus text format.
#[utoipa::path(tag = "operations", responses((status = 200, content_type = "text/plain")), security(()))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render())
}

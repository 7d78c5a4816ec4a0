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

/// Prometheus text format. With `metrics_token` configured, only for
/// `Authorization: Bearer <token>` (401 otherwise).
#[utoipa::path(tag = "operations", responses((status = 200, content_type = "text/plain"),
    (status = 401, body = crate::api::problem::Problem)), security(()))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>, req: actix_web::HttpRequest) -> HttpResponse {
    // Served on a listener of its own (`metrics_listen`): not here.
    if state.settings.metrics_listen.is_some() {
        return crate::api::problem::ApiError::new(
            actix_web::http::StatusCode::NOT_FOUND,
            "not_found",
            hecha_core::msg!("error-no-such-resource"),
        )
        .response_in(crate::api::problem::accepted_language(req.headers()));
    }
    render_metrics(&state, &req)
}

/// `/metrics` on its own listener (`metrics_listen`), which serves nothing else.
pub async fn metrics_listener(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
) -> HttpResponse {
    render_metrics(&state, &req)
}

fn render_metrics(state: &AppState, req: &actix_web::HttpRequest) -> HttpResponse {
    if let Some(want) = &state.settings.metrics_token {
        let given = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !same_secret(given, want) {
            return crate::api::problem::ApiError::unauthorized(
                "metrics.token",
                hecha_core::msg!("error-metrics-token"),
            )
            .response_in(crate::api::problem::accepted_language(req.headers()));
        }
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render())
}

/// Compares two secrets by their SHA-256 digests, whose comparison time tells nothing
/// about the secret.
fn same_secret(a: &str, b: &str) -> bool {
    use sha2::{Digest, Sha256};
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}

//! The seal log's public face (format §19): the latest signed tree head, consistency
//! proofs between two tree sizes, and the entries. Public, like the key history: anyone may audit the log.

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::problem::{ApiResult, Problem};
use crate::service::seal_log::{ConsistencyProof, LogEntries, SignedTreeHead};
use crate::state::AppState;

/// The latest signed tree head of the seal log: its size, its RFC 6962 root, when it was
/// signed and the JWS by the bundle keyring's active key (`typ: hecha-sth+jwt`). Keep the
/// heads you fetch: `hecha log consistency OLD NEW` shows two of them belong to one log
/// that never forked.
#[utoipa::path(tag = "seal log", responses((status = 200, body = SignedTreeHead),
    (status = 409, body = Problem)), security(()))]
#[get("/log/tree-head")]
pub async fn tree_head(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let head = crate::service::seal_log::tree_head(&state).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(head))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsistencyQuery {
    /// The older tree size (≥ 1).
    pub first: u64,
    /// The newer tree size (≥ first, ≤ the log's size).
    pub second: u64,
}

/// The RFC 6962 consistency proof from the tree of `first` leaves to the tree of `second`.
#[utoipa::path(tag = "seal log", params(ConsistencyQuery),
    responses((status = 200, body = ConsistencyProof), (status = 422, body = Problem)), security(()))]
#[get("/log/consistency")]
pub async fn consistency(
    state: web::Data<AppState>,
    query: web::Query<ConsistencyQuery>,
) -> ApiResult<web::Json<ConsistencyProof>> {
    Ok(web::Json(
        crate::service::seal_log::consistency(&state, query.first, query.second).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntriesQuery {
    /// The index of the first entry (0 is the first).
    #[serde(default)]
    pub start: u64,
    /// How many (1–1000; default 1000).
    pub count: Option<u64>,
}

/// The log's entries from `start` on, in order (pages of up to 1000): recompute the tree
/// from them and check what was logged — `hecha log audit` does.
#[utoipa::path(tag = "seal log", params(EntriesQuery),
    responses((status = 200, body = LogEntries), (status = 422, body = Problem)), security(()))]
#[get("/log/entries")]
pub async fn entries(
    state: web::Data<AppState>,
    query: web::Query<EntriesQuery>,
) -> ApiResult<HttpResponse> {
    let page = crate::service::seal_log::entries(
        &state,
        query.start,
        query
            .count
            .unwrap_or(crate::service::seal_log::MAX_ENTRIES_PAGE),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(page))
}

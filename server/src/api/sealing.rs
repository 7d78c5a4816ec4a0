//! Seal, export, review, and the bundle-signing keys.

use actix_web::{HttpResponse, get, post, web};

use crate::api::problem::{ApiResult, Problem};
use crate::auth::Caller;
use crate::service::sealing::{self, NewReview, SealOutcome};
use crate::state::AppState;

/// Seal: canonical manifest, Merkle root, signature, stored in the blob store; the
/// inspection becomes immutable. Official: an inspector of the authority, after both
/// sign-offs; rehearsal: the company's staff.
#[utoipa::path(tag = "sealing", params(("id" = String, Path)),
    responses((status = 200, body = SealOutcome), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem), (status = 503, body = Problem)))]
#[post("/inspections/{id}/seal")]
pub async fn seal(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<SealOutcome>> {
    Ok(web::Json(
        sealing::seal_inspection(&state, &caller, &id).await?,
    ))
}

/// The sealed bundle as a BagIt zip (`hecha verify` checks it offline).
#[utoipa::path(tag = "sealing", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/zip", description = "BagIt bag, zipped"),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
#[get("/inspections/{id}/export")]
pub async fn export(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (inspection_id, file, len) = sealing::export_inspection(&state, &caller, &id).await?;
    let stream = crate::store::local::file_stream(tokio::fs::File::from_std(file));
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header(("Content-Length", len.to_string()))
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{inspection_id}.zip\""),
        ))
        .streaming(stream))
}

#[utoipa::path(tag = "sealing", params(("id" = String, Path)), request_body = NewReview,
    responses((status = 200, description = "the review as recorded", body = Object), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/inspections/{id}/reviews")]
pub async fn review(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Json<NewReview>,
) -> ApiResult<HttpResponse> {
    let out = sealing::review_inspection(&state, &caller, &id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The bundle-signing public keys (every key of the history, retired ones included, so old
/// bundles stay verifiable). Pin one of these to trust exports.
#[utoipa::path(tag = "sealing", responses((status = 200, description = "JWKS")), security(()))]
#[get("/.well-known/jwks.json")]
pub async fn jwks(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=300"))
        .json(state.keyrings.official().await?.jwks()))
}

/// The bundle-signing key history: each key introduced by its predecessor, with its
/// introduction and retirement times. This is the trust anchor to pin
/// (`hecha verify --trust`): unlike the JWKS, it says when each key stopped signing, and a
/// bundle's own copy must be a prefix of it. `hecha key export-history` writes the same file
/// from the keyring.
#[utoipa::path(tag = "sealing", responses((status = 200, description = "hecha.key-history/v1")), security(()))]
#[get("/.well-known/hecha-key-history.json")]
pub async fn key_history(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=300"))
        .json(state.keyrings.official().await?.history()))
}

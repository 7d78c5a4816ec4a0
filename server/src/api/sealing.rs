//! Seal, export, review, and the bundle-signing keys.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Caller, Role};
use crate::bundles::SealOutcome;
use crate::error::{ApiError, ApiResult, Problem};
use crate::inspections::load_visible;
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
    let row = load_visible(&state.db, &caller, &id).await?;
    Ok(web::Json(
        crate::bundles::seal(&state, &caller, &row).await?,
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
    let row = load_visible(&state.db, &caller, &id).await?;
    let (file, len) = crate::bundles::export(&state, &row).await?;
    let stream = crate::store::local::file_stream(tokio::fs::File::from_std(file));
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header(("Content-Length", len.to_string()))
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}.zip\"", row.id),
        ))
        .streaming(stream))
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approved,
    HasIssues,
    Rejected,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReview {
    pub verdict: Verdict,
    #[serde(default)]
    pub comment: String,
}

/// Review a sealed official inspection (auditor or inspector of the authority; admin).
/// Recorded as an event continuing the chain; the sealed content never changes.
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
    let row = load_visible(&state.db, &caller, &id).await?;
    caller.require(&[Role::Auditor, Role::Inspector, Role::Admin])?;
    if row.mode != "official" {
        return Err(ApiError::conflict(
            "review.rehearsal",
            "rehearsals are not reviewed",
        ));
    }
    if body.comment.chars().count() > 4000 {
        return Err(ApiError::unprocessable(
            "review.comment",
            "at most 4000 characters",
        ));
    }
    let verdict = match body.verdict {
        Verdict::Approved => "approved",
        Verdict::HasIssues => "has_issues",
        Verdict::Rejected => "rejected",
    };
    let out = crate::bundles::review(
        &state,
        &caller,
        &row,
        verdict,
        &hecha_core::model::personal_ids::mask_text(&body.comment),
    )
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The bundle-signing public keys (every key of the history, retired ones included, so old
/// bundles stay verifiable). Pin one of these to trust exports.
#[utoipa::path(tag = "sealing", responses((status = 200, description = "JWKS")), security(()))]
#[get("/.well-known/jwks.json")]
pub async fn jwks(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=300"))
        .json(crate::seat::signing_jwks(&state.settings)?))
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
        .json(crate::seat::signing_history(&state.settings)?))
}

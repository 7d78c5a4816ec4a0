//! Evidence: items (JSON, idempotent by the client's item id), their bytes (streamed, the
//! client's SHA-256 checked), and SI scans from a certificate photo.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use hecha_core::model::StaffRole;
use hecha_core::msg;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::created_or_found;
use crate::api::problem::{ApiError, ApiResult, Problem};
use crate::api::wire::NewEvidenceSchema;
use crate::auth::Caller;
use crate::service::blobs;
use crate::service::evidence::{self, EvidenceView};
use crate::service::inspection::load_writable;
use crate::state::AppState;
use crate::upload::{client_sha256, media_type, receive_blob, spool};

#[utoipa::path(tag = "evidence", params(("id" = String, Path)), request_body = NewEvidenceSchema,
    responses((status = 403, body = Problem), (status = 201, body = EvidenceView), (status = 200, body = EvidenceView, description = "already recorded"),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/inspections/{id}/evidence")]
pub async fn add_evidence(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Json<serde_json::Value>,
) -> ApiResult<HttpResponse> {
    let new = evidence::read_new(body.into_inner())?;
    let recorded = evidence::add(&state, &caller, &id, new).await?;
    Ok(created_or_found(recorded.created, recorded.view))
}

/// The evidence recorded so far.
#[utoipa::path(tag = "evidence", params(("id" = String, Path)),
    responses((status = 200, body = Vec<EvidenceView>), (status = 404, body = Problem)))]
#[get("/inspections/{id}/evidence")]
pub async fn list_evidence(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<Vec<EvidenceView>>> {
    Ok(web::Json(evidence::list(&state, &caller, &id).await?))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StoredBlob {
    pub sha256: String,
    pub size: u64,
    pub media_type: Option<String>,
}

/// Upload an item's bytes in one request (streamed; `X-Content-SHA256` or `Content-Digest`
/// required and checked). For large files on poor networks use the tus endpoint.
#[utoipa::path(tag = "evidence", params(("id" = String, Path)),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 403, body = Problem), (status = 408, body = Problem), (status = 201, body = StoredBlob), (status = 413, body = Problem), (status = 422, body = Problem), (status = 409, body = Problem)))]
#[post("/inspections/{id}/blobs")]
pub async fn upload_blob(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let row = load_writable(&state.db, &caller, &id).await?;
    let expected = client_sha256(&req)?.ok_or_else(|| {
        ApiError::bad_request(
            "upload.digest_required",
            msg!("error-upload-digest-required"),
        )
    })?;
    let limit = state.settings.limits.max_upload_bytes;
    let length = req
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if length.is_some_and(|len| len > limit) {
        return Err(ApiError::too_large(limit));
    }
    let mt = media_type(&req);
    let size = receive_blob(&state, payload, length, &expected, mt.clone(), &row.id).await?;
    Ok(HttpResponse::Created().json(StoredBlob {
        sha256: expected,
        size,
        media_type: mt,
    }))
}

/// An item's bytes (only blobs an item of this inspection refers to).
#[utoipa::path(tag = "evidence", params(("id" = String, Path), ("sha256" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream", description = "the original bytes"), (status = 404, body = Problem)))]
#[get("/inspections/{id}/blobs/{sha256}")]
pub async fn get_blob(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, sha) = path.into_inner();
    let blob = blobs::serve(&state, &caller, &id, &sha).await?;
    let mut res = HttpResponse::Ok();
    // Uploaded bytes are the company's or the inspector's, not ours: only photo formats a
    // browser cannot run are shown inline; anything else (HTML, SVG, PDF, audio…) is a
    // download, never a page on the API's origin. Never sniffed, and sandboxed whatever a
    // browser makes of it.
    if !is_inline_image(&blob.media_type) {
        res.insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}\"", blob.sha256),
        ));
    }
    Ok(res
        .content_type(blob.media_type)
        .insert_header(("Content-Length", blob.size.to_string()))
        .insert_header(("Cache-Control", "private, max-age=31536000, immutable"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Content-Security-Policy", "default-src 'none'; sandbox"))
        .streaming(blob.bytes))
}

/// Media types served inline: raster photo formats, which carry no script.
fn is_inline_image(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "image/jpeg" | "image/png" | "image/webp" | "image/heic" | "image/heif" | "image/gif"
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SiPhotoQuery {
    /// The client's item id.
    pub item_id: String,
    /// Comma-separated staff roles (e.g. `customer_service,technical_lead`).
    pub roles: Option<String>,
    /// Comma-separated rule ids the item supports (default: the staff SI rules).
    pub rule_ids: Option<String>,
    /// Degree / title specialty, as entered by the inspector.
    pub specialty: Option<String>,
    pub specialty_related: Option<bool>,
    /// Years of telecom experience (a decimal string).
    #[param(value_type = Option<String>)]
    pub telecom_experience_years: Option<rust_decimal::Decimal>,
}

/// An SI scan from a photo of the certificate: the QR code is decoded and parsed here; the
/// photo itself is not kept unless the profile says so (only its SHA-256 is recorded).
#[utoipa::path(tag = "evidence", params(("id" = String, Path), SiPhotoQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 403, body = Problem), (status = 408, body = Problem), (status = 409, body = Problem), (status = 201, body = EvidenceView), (status = 200, body = EvidenceView), (status = 413, body = Problem), (status = 422, body = Problem)))]
#[post("/inspections/{id}/si-scans")]
pub async fn si_scan_photo(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
    q: web::Query<SiPhotoQuery>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let row = load_writable(&state.db, &caller, &id).await?;
    let limit = state.settings.limits.max_image_bytes;
    let spooled = spool(&state, payload, limit).await?;
    if let Some(expected) = client_sha256(&req)?
        && expected != spooled.sha256
    {
        return Err(ApiError::unprocessable(
            "upload.digest_mismatch",
            msg!("error-photo-digest-mismatch"),
        ));
    }
    let roles: Vec<StaffRole> = q
        .roles
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| serde_json::from_value(serde_json::Value::String(s.trim().to_owned())))
        .collect::<Result<_, _>>()
        .map_err(|e| {
            ApiError::unprocessable(
                "evidence.roles",
                msg!("error-evidence-roles", problem = e.to_string()),
            )
        })?;
    let rule_ids: Option<Vec<String>> = q.rule_ids.as_deref().map(|ids| {
        ids.split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    });
    let input = evidence::SiPhoto {
        item_id: q.item_id.clone(),
        roles,
        rule_ids,
        specialty: q.specialty.clone(),
        specialty_related: q.specialty_related,
        telecom_experience_years: q.telecom_experience_years,
        media_type: media_type(&req),
    };
    let recorded = evidence::add_si_scan_photo(&state, &caller, &row, spooled, input).await?;
    Ok(created_or_found(recorded.created, recorded.view))
}

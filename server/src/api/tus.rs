//! Resumable uploads over tus 1.0 (core, creation, checksum with sha256, termination), so
//! phone apps can also use existing tus clients.
//!
//! Each accepted `PATCH` is stored as a chunk object (`uploads/<id>/<n>`) before the
//! offset moves, so any replica can take the next `PATCH` and nothing depends on one
//! machine's disk. A `PATCH` cut short stores nothing; the client asks `HEAD` for the
//! offset and sends again from there. When the last byte arrives the chunks are joined,
//! hashed, checked against the `sha256` metadata when given, and stored as the blob.

use actix_web::{HttpRequest, HttpResponse, delete, head, options, patch, post, web};
use base64::Engine;
use chrono::{Duration, Utc};
use futures_util::StreamExt;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use hecha_core::msg;

use crate::api::problem::{ApiError, ApiResult, Problem};
use crate::auth::Caller;
use crate::db::entities::upload;
use crate::service::blobs::store_blob;
use crate::service::inspection::{load_visible, load_writable};
use crate::state::AppState;
use crate::store::upload_chunk_key;
use crate::upload::spool;

pub const TUS_VERSION: &str = "1.0.0";

fn tus(mut r: actix_web::HttpResponseBuilder) -> actix_web::HttpResponseBuilder {
    r.insert_header(("Tus-Resumable", TUS_VERSION));
    r
}

fn require_tus(req: &HttpRequest) -> ApiResult<()> {
    match req
        .headers()
        .get("tus-resumable")
        .and_then(|v| v.to_str().ok())
    {
        Some(TUS_VERSION) => Ok(()),
        _ => Err(ApiError::new(
            actix_web::http::StatusCode::PRECONDITION_FAILED,
            "tus.version",
            msg!("error-tus-version"),
        )),
    }
}

fn header_u64(req: &HttpRequest, name: &str) -> ApiResult<Option<u64>> {
    match req.headers().get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Some)
            .ok_or_else(|| {
                ApiError::bad_request("tus.header", msg!("error-tus-header", header = name))
            }),
    }
}

/// `Upload-Metadata: key base64,key2 base64` → map (values must be UTF-8).
fn parse_metadata(v: Option<&str>) -> ApiResult<serde_json::Map<String, serde_json::Value>> {
    let mut out = serde_json::Map::new();
    let Some(v) = v else { return Ok(out) };
    for pair in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, val) = pair.split_once(' ').unwrap_or((pair, ""));
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(val.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| {
                ApiError::bad_request("tus.metadata", msg!("error-tus-metadata", key = k))
            })?;
        // A file name may carry an ID number: masked like any free text (the digest is not
        // free text).
        let decoded = if k == "sha256" {
            decoded
        } else {
            hecha_core::model::personal_ids::mask_text(&decoded)
        };
        out.insert(
            hecha_core::model::personal_ids::mask_text(k),
            serde_json::Value::String(decoded),
        );
    }
    Ok(out)
}

/// The server's tus capabilities.
#[utoipa::path(tag = "uploads", params(("id" = String, Path)), responses((status = 204)), security(()))]
#[options("/inspections/{id}/tus")]
pub async fn tus_options(state: web::Data<AppState>) -> HttpResponse {
    tus(HttpResponse::NoContent())
        .insert_header(("Tus-Version", TUS_VERSION))
        .insert_header(("Tus-Extension", "creation,checksum,termination"))
        .insert_header(("Tus-Checksum-Algorithm", "sha256"))
        .insert_header((
            "Tus-Max-Size",
            state.settings.limits.max_upload_bytes.to_string(),
        ))
        .finish()
}

/// Create an upload (`Upload-Length` required; `Upload-Metadata` may carry `filename`,
/// `filetype` and `sha256` (hex) of the whole file, checked at the end).
#[utoipa::path(tag = "uploads", params(("id" = String, Path), ("Tus-Resumable" = String, Header, description = "The tus protocol version: 1.0.0", example = "1.0.0"),
        ("Upload-Length" = u64, Header, description = "The whole file's length in bytes"),
        ("Upload-Metadata" = Option<String>, Header, description = "tus metadata: `filename`, `filetype`, `sha256` (hex), each base64")),
    responses((status = 201, description = "Location: the upload URL"), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 413, body = Problem)))]
#[post("/inspections/{id}/tus")]
pub async fn tus_create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    require_tus(&req)?;
    let row = load_writable(&state.db, &caller, &id).await?;
    let length = header_u64(&req, "upload-length")?
        .ok_or_else(|| ApiError::bad_request("tus.length", msg!("error-tus-length")))?;
    let limit = state.settings.limits.max_upload_bytes;
    if length > limit {
        return Err(ApiError::too_large(limit));
    }
    let meta = parse_metadata(
        req.headers()
            .get("upload-metadata")
            .and_then(|v| v.to_str().ok()),
    )?;
    let sha256 = match meta.get("sha256").and_then(|v| v.as_str()) {
        Some(s) if crate::store::is_sha256_hex(s) => Some(s.to_owned()),
        Some(_) => {
            return Err(ApiError::bad_request(
                "tus.metadata",
                msg!("error-tus-metadata-sha256"),
            ));
        }
        None => None,
    };
    let now = Utc::now();
    let u = upload::Model {
        id: uuid::Uuid::new_v4().simple().to_string(),
        inspection_id: row.id.clone(),
        user_id: caller.user_id.clone(),
        length: length as i64,
        offset: 0,
        chunks: 0,
        metadata: serde_json::Value::Object(meta).to_string(),
        sha256,
        blob_sha256: None,
        created_at: now,
        expires_at: now + Duration::hours(state.settings.limits.upload_expiry_hours),
    };
    upload::Entity::insert(u.clone().into_active_model())
        .exec_without_returning(&state.db)
        .await?;
    let location = format!("/api/v1/inspections/{}/tus/{}", row.id, u.id);
    let mut r = tus(HttpResponse::Created());
    r.insert_header(("Location", location))
        .insert_header(("Upload-Expires", u.expires_at.to_rfc2822()));
    if length == 0 {
        let done = finish(&state, &u).await?;
        r.insert_header(("Hecha-Blob-Sha256", done));
    }
    Ok(r.finish())
}

async fn own_upload(
    state: &AppState,
    caller: &Caller,
    id: &str,
    uid: &str,
) -> ApiResult<upload::Model> {
    let row = load_visible(&state.db, caller, id).await?;
    upload::Entity::find_by_id(uid.to_owned())
        .one(&state.db)
        .await?
        .filter(|u| u.inspection_id == row.id && u.user_id == caller.user_id)
        .filter(|u| u.expires_at > Utc::now() || u.blob_sha256.is_some())
        .ok_or_else(|| ApiError::not_found(msg!("error-no-such-upload")))
}

/// The upload's offset.
#[utoipa::path(tag = "uploads", params(("id" = String, Path), ("upload_id" = String, Path)),
    responses((status = 200, description = "Upload-Offset and Upload-Length headers"), (status = 404, body = Problem)))]
#[head("/inspections/{id}/tus/{upload_id}")]
pub async fn tus_head(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, uid) = path.into_inner();
    let u = own_upload(&state, &caller, &id, &uid).await?;
    let mut r = tus(HttpResponse::Ok());
    r.insert_header(("Upload-Offset", u.offset.to_string()))
        .insert_header(("Upload-Length", u.length.to_string()))
        .insert_header(("Cache-Control", "no-store"));
    if let Some(b) = &u.blob_sha256 {
        r.insert_header(("Hecha-Blob-Sha256", b.clone()));
    }
    Ok(r.finish())
}

/// Send bytes from `Upload-Offset` (`Content-Type: application/offset+octet-stream`;
/// `Upload-Checksum: sha256 <base64>` checks this request's bytes, 460 on mismatch).
#[utoipa::path(tag = "uploads", params(("id" = String, Path), ("upload_id" = String, Path), ("Tus-Resumable" = String, Header, description = "The tus protocol version: 1.0.0", example = "1.0.0"),
        ("Upload-Offset" = u64, Header, description = "Where these bytes start"),
        ("Upload-Checksum" = Option<String>, Header, description = "`sha256 <base64>` of this request's bytes")),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses((status = 204, description = "Upload-Offset: the new offset"), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 408, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem), (status = 415, body = Problem), (status = 460, body = Problem)))]
#[patch("/inspections/{id}/tus/{upload_id}")]
pub async fn tus_patch(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    require_tus(&req)?;
    let (id, uid) = path.into_inner();
    let ct = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct != "application/offset+octet-stream" {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "tus.content_type",
            msg!("error-tus-content-type"),
        ));
    }
    let u = own_upload(&state, &caller, &id, &uid).await?;
    if crate::db::entities::inspection::Entity::find_by_id(u.inspection_id.clone())
        .one(&state.db)
        .await?
        .is_some_and(|i| !i.status.accepts_writes())
    {
        return Err(crate::service::ServiceError::sealed().into());
    }
    let offset = header_u64(&req, "upload-offset")?
        .ok_or_else(|| ApiError::bad_request("tus.offset", msg!("error-tus-offset")))?;
    if u.blob_sha256.is_some() || offset != u.offset as u64 {
        return Err(ApiError::conflict(
            "tus.offset_mismatch",
            msg!("error-tus-offset-mismatch", offset = u.offset),
        ));
    }
    let checksum = match req
        .headers()
        .get("upload-checksum")
        .and_then(|v| v.to_str().ok())
    {
        None => None,
        Some(v) => {
            let (algo, b64) = v.trim().split_once(' ').unwrap_or((v, ""));
            if algo != "sha256" {
                return Err(ApiError::bad_request(
                    "tus.checksum_algorithm",
                    msg!("error-tus-checksum-algorithm"),
                ));
            }
            Some(
                base64::engine::general_purpose::STANDARD
                    .decode(b64.trim())
                    .map_err(|_| {
                        ApiError::bad_request("tus.checksum", msg!("error-tus-checksum"))
                    })?,
            )
        }
    };
    let remaining = (u.length - u.offset) as u64;
    let part = spool(&state, payload, remaining).await?;
    if let Some(want) = checksum
        && hex::decode(&part.sha256).ok() != Some(want)
    {
        return Err(ApiError::new(
            actix_web::http::StatusCode::from_u16(460)
                .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST),
            "tus.checksum_mismatch",
            msg!("error-tus-checksum-mismatch"),
        ));
    }
    if part.size == 0 {
        return Ok(tus(HttpResponse::NoContent())
            .insert_header(("Upload-Offset", u.offset.to_string()))
            .finish());
    }
    let n = u.chunks as u32;
    state
        .store
        .put_file(
            &upload_chunk_key(&u.id, n),
            &part.path,
            part.size,
            &part.sha256,
            "application/octet-stream",
        )
        .await?;
    let new_offset = u.offset + part.size as i64;
    let res = upload::Entity::update_many()
        .col_expr(upload::Column::Offset, Expr::value(new_offset))
        .col_expr(upload::Column::Chunks, Expr::value(u.chunks + 1))
        .filter(upload::Column::Id.eq(&u.id))
        .filter(upload::Column::Offset.eq(u.offset))
        .exec(&state.db)
        .await?;
    if res.rows_affected != 1 {
        return Err(ApiError::conflict(
            "tus.offset_mismatch",
            msg!("error-tus-offset-moved"),
        ));
    }
    let mut r = tus(HttpResponse::NoContent());
    r.insert_header(("Upload-Offset", new_offset.to_string()));
    if new_offset == u.length {
        let done = upload::Model {
            offset: new_offset,
            chunks: u.chunks + 1,
            ..u
        };
        let sha = finish(&state, &done).await?;
        r.insert_header(("Hecha-Blob-Sha256", sha));
    }
    Ok(r.finish())
}

/// Joins the chunks into the blob, checks the whole-file SHA-256, stores it, and drops
/// the chunks.
async fn finish(state: &AppState, u: &upload::Model) -> ApiResult<String> {
    let (path, mut f) = crate::service::blobs::spool_file(state, "join-").await?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    for n in 0..u.chunks as u32 {
        let mut s = state.store.get_stream(&upload_chunk_key(&u.id, n)).await?;
        while let Some(c) = s.next().await {
            let c = c?;
            size += c.len() as u64;
            hasher.update(&c);
            f.write_all(&c).await?;
        }
    }
    f.flush().await?;
    drop(f);
    let sha = hex::encode(hasher.finalize());
    if size != u.length as u64 {
        return Err(ApiError::internal(format!(
            "upload {} joined to {size} bytes, expected {}",
            u.id, u.length
        )));
    }
    if let Some(want) = &u.sha256
        && *want != sha
    {
        // The whole file is wrong: start over (the chunks are dropped).
        discard(state, u).await?;
        return Err(ApiError::new(
            actix_web::http::StatusCode::from_u16(460)
                .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST),
            "tus.checksum_mismatch",
            msg!("error-tus-file-mismatch", sha256 = sha),
        ));
    }
    let meta: serde_json::Value = serde_json::from_str(&u.metadata).unwrap_or_default();
    let media = meta
        .get("filetype")
        .and_then(|v| v.as_str())
        .filter(|t| t.contains('/') && t.len() <= 100)
        .map(str::to_owned);
    store_blob(state, &u.inspection_id, &path, &sha, size, media).await?;
    upload::Entity::update_many()
        .col_expr(upload::Column::BlobSha256, Expr::value(Some(sha.clone())))
        .filter(upload::Column::Id.eq(&u.id))
        .exec(&state.db)
        .await?;
    for n in 0..u.chunks as u32 {
        if let Err(e) = state.store.delete(&upload_chunk_key(&u.id, n)).await {
            tracing::warn!(upload = %u.id, error = %e, "chunk not deleted (gc will)");
        }
    }
    Ok(sha)
}

async fn discard(state: &AppState, u: &upload::Model) -> ApiResult<()> {
    for n in 0..u.chunks as u32 {
        state.store.delete(&upload_chunk_key(&u.id, n)).await?;
    }
    upload::Entity::delete_by_id(u.id.clone())
        .exec(&state.db)
        .await?;
    Ok(())
}

/// Terminate an unfinished upload (its chunks are deleted).
#[utoipa::path(tag = "uploads", params(("id" = String, Path), ("upload_id" = String, Path), ("Tus-Resumable" = String, Header, description = "The tus protocol version: 1.0.0", example = "1.0.0")),
    responses((status = 204), (status = 404, body = Problem), (status = 412, body = Problem)))]
#[delete("/inspections/{id}/tus/{upload_id}")]
pub async fn tus_delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    require_tus(&req)?;
    let (id, uid) = path.into_inner();
    let u = own_upload(&state, &caller, &id, &uid).await?;
    discard(&state, &u).await?;
    Ok(tus(HttpResponse::NoContent()).finish())
}

//! Evidence: items (JSON, idempotent by the client's item id), their bytes (streamed, the
//! client's SHA-256 checked), and SI scans from a certificate photo.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use hecha_core::capture::exif::read_exif;
use hecha_core::capture::photo::{PhotoAssessment, assess_photo};
use hecha_core::capture::pii::{PersonHasher, contains_full_id};
use hecha_core::capture::si::parse_si_payload;
use hecha_core::model::personal_ids::{
    PersonalIdError, full_id_fields, mask_facts, mask_item, mask_text,
};
use hecha_core::model::{
    BlobRef, Checklist, EvidenceBody, EvidenceItem, SiScan, SiSource, SignerRole, StaffRole,
};
use hecha_core::seal::device::verify_item_signature;
use hecha_core::seal::keys::PublicJwk;
use hecha_core::seal::manifest::{DeviceSignature, item_digest};
use sea_orm::{ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::db::entities::{
    blob, device, evidence, inspection, inspection_blob, organization, seat_tag,
};
use crate::error::{ApiError, ApiResult, Problem};
use crate::inspections::{
    append_event, begin_write, evidence_rows, load_profile, load_visible, load_writable,
    parse_body, parse_item, ts,
};
use crate::state::AppState;
use crate::upload::{client_sha256, media_type, receive_blob, spool};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvidence {
    /// The item in the core's model; its `id` (the client's) makes the call idempotent.
    #[schema(value_type = Object)]
    pub item: EvidenceItem,
    /// For an `si_scan`: the text the phone's QR scanner returned. The server parses and
    /// masks it; the text itself is not stored.
    pub qr_text: Option<String>,
    /// For a `sign_off`: the signer's ID number (required of the company's representative
    /// for an official seal). The server checks it, masks it and hashes it with the
    /// authority's person-hash key into the item's `person`; the number is not stored.
    pub id_number: Option<String>,
    /// The capturing device's ES256 signature over the item digest.
    #[schema(value_type = Object)]
    pub device_signature: Option<DeviceSignature>,
    /// The device clock minus the server clock, measured by the phone at sync.
    pub clock_offset_ms: Option<i64>,
    /// Set by the server when it parsed the SI record itself (a certificate photo).
    #[serde(skip)]
    #[schema(ignore)]
    pub server_parsed: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EvidenceView {
    pub item_id: String,
    pub kind: String,
    /// SHA-256 of the item's canonical JSON (what the manifest lists and devices sign).
    pub digest: String,
    pub received_at: String,
    pub captured_by: String,
    pub device_id: Option<String>,
    pub signed: bool,
    pub clock_offset_ms: Option<i64>,
    #[schema(value_type = Object)]
    pub item: EvidenceItem,
    /// For a photo: the geofence and window verdicts.
    #[schema(value_type = Object)]
    pub assessment: Option<PhotoAssessment>,
}

fn evidence_view(
    row: &evidence::Model,
    insp: &hecha_core::model::Inspection,
    params: &hecha_core::capture::photo::PhotoParams,
) -> ApiResult<EvidenceView> {
    let item = parse_item(row)?;
    let assessment = match &item.body {
        EvidenceBody::Photo(p) => p.exif.as_ref().map(|e| assess_photo(e, insp, params)),
        _ => None,
    };
    Ok(EvidenceView {
        item_id: row.item_id.clone(),
        kind: row.kind.clone(),
        digest: row.digest.clone(),
        received_at: ts(row.received_at),
        captured_by: row.captured_by.clone(),
        device_id: row.device_id.clone(),
        signed: row.device_signature.is_some(),
        clock_offset_ms: row.clock_offset_ms,
        item,
        assessment,
    })
}

fn valid_item_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

/// The person-hash key: the authority's for an official inspection, the company's own
/// for a rehearsal.
async fn person_hasher(state: &AppState, row: &inspection::Model) -> ApiResult<PersonHasher> {
    let org_id = if row.mode == "official" {
        &row.authority_id
    } else {
        &row.company_id
    };
    let org = organization::Entity::find_by_id(org_id.clone())
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::internal("organization missing"))?;
    let key = hex::decode(&org.person_hash_key).map_err(ApiError::internal)?;
    PersonHasher::new(org.person_hash_key_id, &key).map_err(ApiError::internal)
}

async fn check_seat_tag(state: &AppState, inspection_id: &str, tag: &str) -> ApiResult<()> {
    seat_tag::Entity::find_by_id(tag.to_owned())
        .one(&state.db)
        .await?
        .filter(|t| t.inspection_id == inspection_id)
        .map(|_| ())
        .ok_or_else(|| {
            ApiError::unprocessable(
                "evidence.seat_tag",
                "the seat tag is not one this server issued for this inspection",
            )
        })
}

/// Checks an item's bytes are stored, and returns them for a photo (EXIF is read here,
/// never taken from the client).
async fn check_blob(
    state: &AppState,
    inspection_id: &str,
    b: &BlobRef,
    read: bool,
) -> ApiResult<Option<Vec<u8>>> {
    // Only bytes uploaded to this inspection: content addressing must not let one tenant
    // borrow (or probe for) another's bytes by their digest.
    let received =
        inspection_blob::Entity::find_by_id((inspection_id.to_owned(), b.sha256.clone()))
            .one(&state.db)
            .await?
            .is_some();
    let row = blob::Entity::find_by_id(b.sha256.clone())
        .one(&state.db)
        .await?
        .filter(|_| received)
        .ok_or_else(|| {
            ApiError::unprocessable(
                "evidence.blob_missing",
                format!("upload the bytes (sha256 {}) before the item", b.sha256),
            )
        })?;
    if row.size as u64 != b.size {
        return Err(ApiError::unprocessable(
            "evidence.blob_size",
            format!(
                "the item says {} bytes; the stored blob has {}",
                b.size, row.size
            ),
        ));
    }
    if !read {
        return Ok(None);
    }
    let limit = state.settings.limits.max_image_bytes;
    if b.size > limit {
        return Err(ApiError::unprocessable(
            "evidence.photo_too_large",
            format!("a photo larger than {limit} bytes cannot be read"),
        ));
    }
    Ok(Some(
        state
            .store
            .get_bytes(&crate::store::blob_key(&b.sha256), limit)
            .await?,
    ))
}

/// Prepares an item: server-derived facts filled in, references checked.
async fn prepare(
    state: &AppState,
    caller: &Caller,
    row: &inspection::Model,
    new: &mut NewEvidence,
) -> ApiResult<()> {
    let item = &mut new.item;
    if !valid_item_id(&item.id) {
        return Err(ApiError::unprocessable(
            "evidence.id",
            "item ids are 1–128 of A–Z a–z 0–9 - _ . :",
        ));
    }
    // Before any message can name the id.
    if contains_full_id(&item.id) {
        return Err(personal_id_problem(&PersonalIdError::InIdentifier {
            field: "id".into(),
        }));
    }
    match &item.captured_by {
        Some(by) if *by != caller.user_id => {
            return Err(ApiError::unprocessable(
                "evidence.captured_by",
                "captured_by must be the caller's user id",
            ));
        }
        None if new.device_signature.is_none() => item.captured_by = Some(caller.user_id.clone()),
        _ => {}
    }
    if new.qr_text.is_some() && !matches!(item.body, EvidenceBody::SiScan(_)) {
        return Err(ApiError::unprocessable(
            "evidence.qr_text",
            "qr_text is only for si_scan items",
        ));
    }
    if let Some(b) = &item.blob
        && !crate::store::is_sha256_hex(&b.sha256)
    {
        return Err(ApiError::unprocessable(
            "evidence.blob",
            "blob.sha256 must be 64 lowercase hex digits",
        ));
    }
    let signed = new.device_signature.is_some();
    match &mut item.body {
        EvidenceBody::Photo(photo) => {
            let b = item.blob.clone().ok_or_else(|| {
                ApiError::unprocessable("evidence.blob", "a photo needs its bytes (blob)")
            })?;
            let bytes = check_blob(state, &row.id, &b, true)
                .await?
                .unwrap_or_default();
            let (exif, exif_error) = match web::block(move || read_exif(&bytes))
                .await
                .map_err(ApiError::internal)?
            {
                Ok(f) => (Some(f), None),
                Err(e) => (None, Some(e.to_string())),
            };
            // The phone masks ID-number-like text in what it read before signing.
            let exif = exif
                .map(|f| mask_facts(&f))
                .transpose()
                .map_err(|e| personal_id_problem(&e))?;
            let exif_error = exif_error.map(|e| mask_text(&e));
            if signed {
                // The device read the same bytes with the same core: its facts must agree.
                if photo.exif != exif || photo.exif_error != exif_error {
                    return Err(ApiError::unprocessable(
                        "evidence.exif_mismatch",
                        "the item's EXIF facts are not those of its photo",
                    ));
                }
            } else {
                photo.exif = exif;
                photo.exif_error = exif_error;
            }
        }
        EvidenceBody::SiScan(scan) => {
            if let Some(text) = new.qr_text.take() {
                if signed {
                    return Err(ApiError::unprocessable(
                        "evidence.qr_text",
                        "a signed item carries its parsed record, not qr_text",
                    ));
                }
                let hasher = person_hasher(state, row).await?;
                scan.record = parse_si_payload(&text, Some(&hasher));
                scan.source_kind = SiSource::ScannerText;
            } else if !signed
                && !new.server_parsed
                && (scan.record.id_masked.is_some() || scan.record.id_hash.is_some())
            {
                // The masked ID and its hash come from a parse: the server's (qr_text, the
                // certificate photo) or the signing device's, never a client's say-so.
                return Err(ApiError::unprocessable(
                    "evidence.record",
                    "send the scanned text as qr_text or the certificate photo: the server parses, masks and hashes the ID number",
                ));
            }
            if let Some(b) = &item.blob {
                check_blob(state, &row.id, b, false).await?;
            }
        }
        EvidenceBody::DialTest(d) => check_seat_tag(state, &row.id, &d.seat_tag).await?,
        EvidenceBody::Checklist(Checklist::SeatEquipment(s)) => {
            check_seat_tag(state, &row.id, &s.seat_tag).await?
        }
        EvidenceBody::Media(m) => {
            if let Some(tag) = &m.seat_tag {
                check_seat_tag(state, &row.id, tag).await?;
            }
            let b = item.blob.as_ref().ok_or_else(|| {
                ApiError::unprocessable("evidence.blob", "media needs its bytes (blob)")
            })?;
            check_blob(state, &row.id, b, false).await?;
        }
        EvidenceBody::SignOff(s) => {
            match (new.id_number.take(), signed) {
                (Some(_), true) => {
                    return Err(ApiError::unprocessable(
                        "evidence.id_number",
                        "a signed sign-off carries its person (masked ID and keyed hash), not id_number",
                    ));
                }
                (Some(number), false) => {
                    let hasher = person_hasher(state, row).await?;
                    // The error names the field and the rule broken, never the value.
                    s.person = Some(hasher.person_id(&number).map_err(|e| {
                        ApiError::unprocessable("evidence.id_number", format!("id_number: {e}"))
                    })?);
                }
                (None, false) if s.person.is_some() => {
                    return Err(ApiError::unprocessable(
                        "evidence.person",
                        "send the signer's ID number as id_number: the server computes the masked ID and the keyed hash",
                    ));
                }
                (None, _) => {}
            }
            if s.signer_role == SignerRole::CompanyRepresentative && item.blob.is_none() {
                return Err(ApiError::unprocessable(
                    "evidence.signature_image",
                    "the company representative's sign-off needs the signature image (blob)",
                ));
            }
            if let Some(b) = &item.blob {
                check_blob(state, &row.id, b, false).await?;
            }
        }
        _ => {
            if let Some(b) = &item.blob {
                check_blob(state, &row.id, b, false).await?;
            }
        }
    }
    // Full ID numbers: a signed item cannot be changed here, so one holding a number is
    // refused (the phone masks before signing); an unsigned one is masked before it is
    // stored. Problems name the fields, never the values.
    if signed {
        let fields = full_id_fields(&*item);
        if !fields.is_empty() {
            return Err(ApiError::unprocessable(
                "input.personal_id",
                format!(
                    "{} hold a full ID number; a signed item is not rewritten, mask it on the device and sign again",
                    fields.join(", ")
                ),
            ));
        }
    } else {
        let masked = mask_item(item).map_err(|e| personal_id_problem(&e))?;
        if !masked.masked_fields.is_empty() {
            tracing::info!(
                inspection = %row.id,
                fields = %masked.masked_fields.join(","),
                "ID numbers masked in an unsigned item"
            );
        }
        *item = masked.value;
    }
    Ok(())
}

/// 422 naming the field that holds a full ID number (never the value).
fn personal_id_problem(e: &PersonalIdError) -> ApiError {
    ApiError::unprocessable("input.personal_id", e.to_string())
}

/// The enrolled device's key, checked against the signature's claim.
async fn device_key(
    state: &AppState,
    caller: &Caller,
    item: &EvidenceItem,
    sig: &DeviceSignature,
) -> ApiResult<PublicJwk> {
    if item.device_id.as_deref() != Some(sig.device_id.as_str()) {
        return Err(ApiError::unprocessable(
            "evidence.device",
            "the item's device_id is not the signing device",
        ));
    }
    let d = device::Entity::find_by_id(sig.device_id.clone())
        .one(&state.db)
        .await?
        .filter(|d| d.user_id == caller.user_id && d.revoked_at.is_none())
        .ok_or_else(|| {
            ApiError::unprocessable(
                "evidence.device",
                "the signing device is not an enrolled device of the caller",
            )
        })?;
    serde_json::from_str(&d.public_jwk).map_err(ApiError::internal)
}

/// Record one evidence item. Idempotent: the same item id with the same content answers
/// 200 with what is stored; with different content, 409.
#[utoipa::path(tag = "evidence", params(("id" = String, Path)), request_body = NewEvidence,
    responses((status = 201, body = EvidenceView), (status = 200, body = EvidenceView, description = "already recorded"),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/inspections/{id}/evidence")]
pub async fn add_evidence(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Json<NewEvidence>,
) -> ApiResult<HttpResponse> {
    let row = load_writable(&state.db, &caller, &id).await?;
    let mut new = body.into_inner();
    prepare(&state, &caller, &row, &mut new).await?;
    let (status, view) = record(&state, &caller, &row, new).await?;
    Ok(HttpResponse::build(status).json(view))
}

async fn record(
    state: &AppState,
    caller: &Caller,
    row: &inspection::Model,
    new: NewEvidence,
) -> ApiResult<(actix_web::http::StatusCode, EvidenceView)> {
    let NewEvidence {
        item,
        device_signature,
        clock_offset_ms,
        ..
    } = new;
    let digest = item_digest(&item)
        .map_err(|e| ApiError::unprocessable("evidence.invalid", e.to_string()))?;
    if let Some(sig) = &device_signature {
        let key = device_key(state, caller, &item, sig).await?;
        verify_item_signature(&sig.jws, &item.id, &digest, &key).map_err(|e| {
            ApiError::unprocessable(
                "evidence.signature",
                format!("device signature does not verify: {e}"),
            )
        })?;
    }
    let insp = parse_body(row)?;
    let params = load_profile(&state.settings, &row.profile)?.photo_params();
    let existing = evidence::Entity::find()
        .filter(evidence::Column::InspectionId.eq(&row.id))
        .filter(evidence::Column::ItemId.eq(&item.id))
        .one(&state.db)
        .await?;
    if let Some(e) = existing {
        return same_or_conflict(&e, &digest, &insp, &params);
    }
    let model = evidence::Model {
        id: uuid::Uuid::now_v7().to_string(),
        inspection_id: row.id.clone(),
        item_id: item.id.clone(),
        kind: item.body.kind_name().into(),
        body: serde_json::to_string(&item).map_err(ApiError::internal)?,
        digest: digest.clone(),
        blob_sha256: item.blob.as_ref().map(|b| b.sha256.clone()),
        device_id: item.device_id.clone(),
        device_signature: device_signature
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(ApiError::internal)?,
        captured_by: caller.user_id.clone(),
        clock_offset_ms,
        received_at: Utc::now(),
    };
    let txn = begin_write(state, &row.id).await?;
    let inserted = evidence::Entity::insert(model.clone().into_active_model())
        .exec_without_returning(&txn)
        .await;
    match inserted {
        Ok(_) => {}
        Err(e) if crate::db::is_unique_violation(&e) => {
            // Another request with the same item id won the race.
            txn.rollback().await?;
            let e = evidence::Entity::find()
                .filter(evidence::Column::InspectionId.eq(&row.id))
                .filter(evidence::Column::ItemId.eq(&item.id))
                .one(&state.db)
                .await?
                .ok_or_else(|| ApiError::internal("evidence vanished"))?;
            return same_or_conflict(&e, &digest, &insp, &params);
        }
        Err(e) => return Err(e.into()),
    }
    append_event(
        &txn,
        &row.id,
        &caller.user_id,
        "evidence.added",
        serde_json::json!({
            "item": item.id, "kind": model.kind, "digest": digest,
            "device": model.device_id, "clock_offset_ms": clock_offset_ms,
        }),
    )
    .await?;
    txn.commit().await?;
    tracing::info!(inspection = %row.id, item = %item.id, kind = %model.kind, "evidence recorded");
    Ok((
        actix_web::http::StatusCode::CREATED,
        evidence_view(&model, &insp, &params)?,
    ))
}

fn same_or_conflict(
    e: &evidence::Model,
    digest: &str,
    insp: &hecha_core::model::Inspection,
    params: &hecha_core::capture::photo::PhotoParams,
) -> ApiResult<(actix_web::http::StatusCode, EvidenceView)> {
    if e.digest == digest {
        Ok((
            actix_web::http::StatusCode::OK,
            evidence_view(e, insp, params)?,
        ))
    } else {
        Err(ApiError::conflict(
            "evidence.conflict",
            format!(
                "item {} is recorded already with different content",
                e.item_id
            ),
        ))
    }
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
    let row = load_visible(&state.db, &caller, &id).await?;
    let insp = parse_body(&row)?;
    let params = load_profile(&state.settings, &row.profile)?.photo_params();
    let rows = evidence_rows(&state.db, &row.id).await?;
    Ok(web::Json(
        rows.iter()
            .map(|r| evidence_view(r, &insp, &params))
            .collect::<ApiResult<_>>()?,
    ))
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
    responses((status = 201, body = StoredBlob), (status = 413, body = Problem), (status = 422, body = Problem), (status = 409, body = Problem)))]
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
            "send X-Content-SHA256 (hex) or Content-Digest (sha-256)",
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
    let row = load_visible(&state.db, &caller, &id).await?;
    let referenced = evidence::Entity::find()
        .filter(evidence::Column::InspectionId.eq(&row.id))
        .filter(evidence::Column::BlobSha256.eq(&sha))
        .one(&state.db)
        .await?
        .is_some();
    let b = blob::Entity::find_by_id(sha.clone())
        .one(&state.db)
        .await?
        .filter(|_| referenced)
        .ok_or_else(|| ApiError::not_found("blob"))?;
    let stream = state
        .store
        .get_stream(&crate::store::blob_key(&sha))
        .await?;
    let media_type = b
        .media_type
        .unwrap_or_else(|| "application/octet-stream".into());
    let mut res = HttpResponse::Ok();
    // Uploaded bytes are the company's or the inspector's, not ours: only photo formats a
    // browser cannot run are shown inline; anything else (HTML, SVG, PDF, audio…) is a
    // download, never a page on the API's origin. Never sniffed, and sandboxed whatever a
    // browser makes of it.
    if !is_inline_image(&media_type) {
        res.insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{sha}\""),
        ));
    }
    Ok(res
        .content_type(media_type)
        .insert_header(("Content-Length", b.size.to_string()))
        .insert_header(("Cache-Control", "private, max-age=31536000, immutable"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Content-Security-Policy", "default-src 'none'; sandbox"))
        .streaming(stream))
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
    responses((status = 201, body = EvidenceView), (status = 200, body = EvidenceView), (status = 413, body = Problem), (status = 422, body = Problem)))]
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
            "the photo's SHA-256 is not the announced one",
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
        .map_err(|e| ApiError::unprocessable("evidence.roles", e.to_string()))?;
    let rule_ids: Vec<String> = q
        .rule_ids
        .as_deref()
        .unwrap_or("staff.si_count,staff.si_months,staff.si_local")
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    let hasher = person_hasher(&state, &row).await?;
    let keep = load_profile(&state.settings, &row.profile)?.keep_certificate_photos;
    let path = spooled.path.to_path_buf();
    // Its share of the decode budget, held until the decode is done.
    let _budget = state
        .decode_budget
        .acquire(crate::decode::DecodeBudget::estimate_mb(&path))
        .await?;
    let si_record = web::block(move || -> std::io::Result<_> {
        let bytes = std::fs::read(&path)?;
        Ok(hecha_core::rehearsal::record_from_photo(&bytes, &hasher))
    })
    .await
    .map_err(ApiError::internal)??;
    let mut blob = None;
    if keep {
        let mt = media_type(&req);
        spooled.store(&state, &row.id, mt.clone()).await?;
        blob = Some(BlobRef {
            sha256: spooled.sha256.clone(),
            size: spooled.size,
            media_type: mt,
            file_name: None,
        });
    }
    let item = EvidenceItem {
        id: q.item_id.clone(),
        rule_ids,
        captured_by: Some(caller.user_id.clone()),
        device_id: None,
        device_time: None,
        source: hecha_core::model::CaptureSource::InApp,
        blob,
        body: EvidenceBody::SiScan(SiScan {
            record: si_record,
            source_kind: SiSource::Photo,
            roles,
            certificate_sha256: Some(spooled.sha256.clone()),
            certificate_kept: keep,
            specialty: q.specialty.clone(),
            specialty_related: q.specialty_related,
            telecom_experience_years: q.telecom_experience_years,
        }),
    };
    drop(spooled);
    let mut new = NewEvidence {
        item,
        qr_text: None,
        id_number: None,
        device_signature: None,
        clock_offset_ms: None,
        server_parsed: true,
    };
    prepare(&state, &caller, &row, &mut new).await?;
    let (status, view) = record(&state, &caller, &row, new).await?;
    Ok(HttpResponse::build(status).json(view))
}

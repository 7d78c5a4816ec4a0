//! Evidence intake: an item checked against what the server knows (its bytes stored for
//! this inspection, EXIF read from them, the seat tags it issued, the signing device
//! enrolled, SI payloads parsed here), full ID numbers masked or refused, then recorded
//! once (idempotent by the client's item id) with its `evidence.added` event.

use chrono::Utc;
use hecha_core::capture::exif::{ExifError, read_exif};
use hecha_core::capture::photo::{PhotoAssessment, PhotoParams, assess_photo};
use hecha_core::capture::pii::{PersonHasher, contains_full_id};
use hecha_core::capture::si::parse_si_payload;
use hecha_core::model::personal_ids::{
    PersonalIdError, full_id_fields, mask_facts, mask_item, mask_text,
};
use hecha_core::model::wire::NewEvidence;
use hecha_core::model::{
    BlobRef, Checklist, EvidenceBody, EvidenceItem, Inspection, SI_SCAN_DEFAULT_RULES, SiScan,
    SiSource, StaffRole,
};
use hecha_core::msg;
use hecha_core::seal::device::verify_item_signature;
use hecha_core::seal::key::PublicJwk;
use hecha_core::seal::manifest::{DeviceSignature, item_digest};
use sea_orm::{ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::db::entities::{blob, device, evidence, inspection, inspection_blob, seat_tag};
use crate::service::blobs::Spooled;
use crate::service::inspection::{
    append_event, begin_write, evidence_rows, load_profile, load_visible, load_writable,
    parse_body, parse_item, person_hash_owner, ts,
};
use crate::service::{ServiceError, ServiceResult};
use crate::state::AppState;

/// What recording an item answered.
pub struct Recorded {
    /// `false`: the same item (same id, same content) was recorded before.
    pub created: bool,
    pub view: EvidenceView,
}

/// An SI scan from a photo of the certificate, as the caller describes it.
pub struct SiPhoto {
    pub item_id: String,
    pub roles: Vec<StaffRole>,
    /// `None`: the staff SI rules.
    pub rule_ids: Option<Vec<String>>,
    pub specialty: Option<String>,
    pub specialty_related: Option<bool>,
    pub telecom_experience_years: Option<rust_decimal::Decimal>,
    /// The photo's media type, as sent.
    pub media_type: Option<String>,
}

/// A request's item, checked against the model before serde reads it: an unknown field
/// anywhere in it (the kind's own fields too, which serde's flatten would drop) or a date or
/// time not in its format is a 422 naming it and what was expected.
pub fn read_new(body: serde_json::Value) -> ServiceResult<NewEvidence> {
    hecha_core::model::input::check::<NewEvidence>("request", &body)
        .map_err(|e| ServiceError::unprocessable(e.code(), e.message()))?;
    let new: NewEvidence = serde_json::from_value(body).map_err(|e| {
        ServiceError::unprocessable(
            "request.invalid",
            msg!("error-request-body-shape", problem = e.to_string()),
        )
    })?;
    // Only a rehearsal folder records a file it did not find; a client sends the bytes.
    if new.item.missing_file.is_some() {
        return Err(ServiceError::unprocessable(
            "input.missing_file",
            msg!("error-missing-file-by-client"),
        ));
    }
    Ok(new)
}

/// Records one item in an inspection the caller may write. Idempotent: the same item id
/// with the same content answers what is stored (`created: false`); with other content, a
/// conflict.
pub async fn add(
    state: &AppState,
    caller: &Caller,
    inspection_id: &str,
    mut new: NewEvidence,
) -> ServiceResult<Recorded> {
    let row = load_writable(&state.db, caller, inspection_id).await?;
    prepare(state, caller, &row, &mut new, Parsed::ByClient).await?;
    record(state, caller, &row, new).await
}

/// The evidence recorded so far, with each photo's geofence and window verdicts.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    inspection_id: &str,
) -> ServiceResult<Vec<EvidenceView>> {
    let row = load_visible(&state.db, caller, inspection_id).await?;
    let insp = parse_body(&row)?;
    let params = load_profile(&state.settings, &row.profile)?.photo;
    let rows = evidence_rows(&state.db, &row.id).await?;
    rows.iter()
        .map(|r| evidence_view(r, &insp, &params))
        .collect()
}

/// An SI scan decoded and parsed here from a certificate photo (`photo`, spooled by the
/// caller, in an inspection it may write — `row` from [`load_writable`]). The photo is
/// kept only when the profile says so; its SHA-256 is recorded either way.
pub async fn add_si_scan_photo(
    state: &AppState,
    caller: &Caller,
    row: &inspection::Model,
    photo: Spooled,
    input: SiPhoto,
) -> ServiceResult<Recorded> {
    let hasher = person_hasher(state, row).await?;
    let keep = load_profile(&state.settings, &row.profile)?.keep_certificate_photos;
    let path = photo.path.to_path_buf();
    // Its share of the decode budget, held until the decode is done.
    let _budget = state
        .decode_budget
        .acquire(crate::decode::DecodeBudget::estimate_mb(&path))
        .await?;
    let si_record = tokio::task::spawn_blocking(move || -> std::io::Result<_> {
        let bytes = std::fs::read(&path)?;
        Ok(hecha_core::rehearsal::record_from_photo(&bytes, &hasher))
    })
    .await
    .map_err(ServiceError::internal)??;
    let mut blob = None;
    if keep {
        photo
            .store(state, &row.id, input.media_type.clone())
            .await?;
        blob = Some(BlobRef {
            sha256: photo.sha256.clone(),
            size: photo.size,
            media_type: input.media_type,
            file_name: None,
        });
    }
    let item = EvidenceItem {
        id: input.item_id,
        rule_ids: input
            .rule_ids
            .unwrap_or_else(|| SI_SCAN_DEFAULT_RULES.map(str::to_owned).to_vec()),
        captured_by: Some(caller.user_id.clone()),
        device_id: None,
        device_time: None,
        source: hecha_core::model::CaptureSource::InApp,
        blob,
        missing_file: None,
        body: EvidenceBody::SiScan(SiScan {
            record: si_record,
            source_kind: SiSource::Photo,
            roles: input.roles,
            certificate_sha256: Some(photo.sha256.clone()),
            certificate_kept: keep,
            specialty: input.specialty,
            specialty_related: input.specialty_related,
            telecom_experience_years: input.telecom_experience_years,
        }),
    };
    drop(photo);
    let mut new = NewEvidence {
        item,
        qr_text: None,
        id_number: None,
        device_signature: None,
        clock_offset_ms: None,
    };
    prepare(state, caller, row, &mut new, Parsed::Here).await?;
    record(state, caller, row, new).await
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
    #[schema(value_type = Option<Object>)]
    pub assessment: Option<PhotoAssessment>,
}

fn evidence_view(
    row: &evidence::Model,
    insp: &Inspection,
    params: &PhotoParams,
) -> ServiceResult<EvidenceView> {
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

/// The person-hash key of the inspection ([`person_hash_owner`]), ready to hash.
async fn person_hasher(state: &AppState, row: &inspection::Model) -> ServiceResult<PersonHasher> {
    let org = person_hash_owner(&state.db, row).await?;
    let key = hex::decode(&org.person_hash_key).map_err(ServiceError::internal)?;
    PersonHasher::new(org.person_hash_key_id, &key).map_err(ServiceError::internal)
}

async fn check_seat_tag(state: &AppState, inspection_id: &str, tag: &str) -> ServiceResult<()> {
    seat_tag::Entity::find_by_id(tag.to_owned())
        .one(&state.db)
        .await?
        .filter(|t| t.inspection_id == inspection_id)
        .map(|_| ())
        .ok_or_else(|| {
            ServiceError::unprocessable("evidence.seat_tag", msg!("error-evidence-seat-tag"))
        })
}

/// Checks an item's bytes are stored, and returns them for a photo (EXIF is read here,
/// never taken from the client).
async fn check_blob(
    state: &AppState,
    inspection_id: &str,
    b: &BlobRef,
    read: bool,
) -> ServiceResult<Option<Vec<u8>>> {
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
            ServiceError::unprocessable(
                "evidence.blob_missing",
                msg!("error-evidence-blob-missing", sha256 = &b.sha256),
            )
        })?;
    if row.size as u64 != b.size {
        return Err(ServiceError::unprocessable(
            "evidence.blob_size",
            msg!("error-evidence-blob-size", said = b.size, stored = row.size),
        ));
    }
    if !read {
        return Ok(None);
    }
    let limit = state.settings.limits.max_image_bytes;
    if b.size > limit {
        return Err(ServiceError::unprocessable(
            "evidence.photo_too_large",
            msg!("error-evidence-photo-too-large", limit = limit),
        ));
    }
    Ok(Some(
        state
            .store
            .get_bytes(&crate::store::blob_key(&b.sha256), limit)
            .await?,
    ))
}

/// Who parsed an SI scan's record.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Parsed {
    /// The client sent the item as it is (a signing device's parse is trusted).
    ByClient,
    /// This server, from a certificate photo.
    Here,
}

/// Prepares an item: server-derived facts filled in, references checked.
async fn prepare(
    state: &AppState,
    caller: &Caller,
    row: &inspection::Model,
    new: &mut NewEvidence,
    parsed: Parsed,
) -> ServiceResult<()> {
    let item = &mut new.item;
    if !valid_item_id(&item.id) {
        return Err(ServiceError::unprocessable(
            "evidence.id",
            msg!("error-evidence-id"),
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
            return Err(ServiceError::unprocessable(
                "evidence.captured_by",
                msg!("error-evidence-captured-by"),
            ));
        }
        None if new.device_signature.is_none() => item.captured_by = Some(caller.user_id.clone()),
        _ => {}
    }
    if new.qr_text.is_some() && !matches!(item.body, EvidenceBody::SiScan(_)) {
        return Err(ServiceError::unprocessable(
            "evidence.qr_text",
            msg!("error-evidence-qr-text-kind"),
        ));
    }
    if let Some(b) = &item.blob
        && !crate::store::is_sha256_hex(&b.sha256)
    {
        return Err(ServiceError::unprocessable(
            "evidence.blob",
            msg!("error-evidence-blob-sha256"),
        ));
    }
    let signed = new.device_signature.is_some();
    match &mut item.body {
        EvidenceBody::Photo(photo) => {
            let b = item.blob.clone().ok_or_else(|| {
                ServiceError::unprocessable("evidence.blob", msg!("error-evidence-photo-blob"))
            })?;
            let bytes = check_blob(state, &row.id, &b, true)
                .await?
                .unwrap_or_default();
            let (exif, exif_error) = match tokio::task::spawn_blocking(move || read_exif(&bytes))
                .await
                .map_err(ServiceError::internal)?
            {
                Ok(f) => (Some(f), None),
                // Bytes that are no image the core reads are not a photo: never counted.
                Err(ExifError::UnsupportedFormat) => {
                    return Err(ServiceError::unprocessable(
                        "evidence.not_an_image",
                        msg!("error-evidence-not-an-image"),
                    ));
                }
                // A damaged image is still evidence, recorded with why it cannot be read.
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
                    return Err(ServiceError::unprocessable(
                        "evidence.exif_mismatch",
                        msg!("error-evidence-exif-mismatch"),
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
                    return Err(ServiceError::unprocessable(
                        "evidence.qr_text",
                        msg!("error-evidence-qr-text-signed"),
                    ));
                }
                let hasher = person_hasher(state, row).await?;
                scan.record = parse_si_payload(&text, Some(&hasher));
                scan.source_kind = SiSource::ScannerText;
            } else if !signed
                && parsed != Parsed::Here
                && (scan.record.id_masked.is_some() || scan.record.id_hash.is_some())
            {
                // The masked ID and its hash come from a parse: the server's (qr_text, the
                // certificate photo) or the signing device's, never a client's say-so.
                return Err(ServiceError::unprocessable(
                    "evidence.record",
                    msg!("error-evidence-record"),
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
                ServiceError::unprocessable("evidence.blob", msg!("error-evidence-media-blob"))
            })?;
            check_blob(state, &row.id, b, false).await?;
        }
        EvidenceBody::SignOff(s) => {
            match (new.id_number.take(), signed) {
                (Some(_), true) => {
                    return Err(ServiceError::unprocessable(
                        "evidence.id_number",
                        msg!("error-evidence-id-number-signed"),
                    ));
                }
                (Some(number), false) => {
                    let hasher = person_hasher(state, row).await?;
                    // The error names the field and the rule broken, never the value.
                    s.person = Some(hasher.person_id(&number).map_err(|e| {
                        ServiceError::unprocessable(
                            "evidence.id_number",
                            msg!("error-evidence-id-number", problem = e.message()),
                        )
                    })?);
                }
                (None, false) if s.person.is_some() => {
                    return Err(ServiceError::unprocessable(
                        "evidence.person",
                        msg!("error-evidence-person"),
                    ));
                }
                (None, _) => {}
            }
            if s.signer_role.signs_by_hand() && item.blob.is_none() {
                return Err(ServiceError::unprocessable(
                    "evidence.signature_image",
                    msg!("error-evidence-signature-image"),
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
            return Err(ServiceError::unprocessable(
                "input.personal_id",
                msg!("error-evidence-signed-personal-id", fields = fields),
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
fn personal_id_problem(e: &PersonalIdError) -> ServiceError {
    ServiceError::unprocessable("input.personal_id", e.message())
}

/// The enrolled device's key, checked against the signature's claim.
async fn device_key(
    state: &AppState,
    caller: &Caller,
    item: &EvidenceItem,
    sig: &DeviceSignature,
) -> ServiceResult<PublicJwk> {
    if item.device_id.as_deref() != Some(sig.device_id.as_str()) {
        return Err(ServiceError::unprocessable(
            "evidence.device",
            msg!("error-evidence-device-id"),
        ));
    }
    let d = device::Entity::find_by_id(sig.device_id.clone())
        .one(&state.db)
        .await?
        .filter(|d| d.user_id == caller.user_id && d.revoked_at.is_none())
        .ok_or_else(|| {
            ServiceError::unprocessable(
                "evidence.device",
                msg!("error-evidence-device-not-enrolled"),
            )
        })?;
    serde_json::from_str(&d.public_jwk).map_err(ServiceError::internal)
}

async fn record(
    state: &AppState,
    caller: &Caller,
    row: &inspection::Model,
    new: NewEvidence,
) -> ServiceResult<Recorded> {
    let NewEvidence {
        item,
        device_signature,
        clock_offset_ms,
        ..
    } = new;
    let digest = item_digest(&item).map_err(|e| {
        ServiceError::unprocessable(
            "evidence.invalid",
            msg!("error-evidence-invalid", problem = e.to_string()),
        )
    })?;
    if let Some(sig) = &device_signature {
        let key = device_key(state, caller, &item, sig).await?;
        verify_item_signature(&sig.jws, &item.id, &digest, &key).map_err(|e| {
            ServiceError::unprocessable(
                "evidence.signature",
                msg!("error-evidence-signature", problem = e.to_string()),
            )
        })?;
    }
    let insp = parse_body(row)?;
    let params = load_profile(&state.settings, &row.profile)?.photo;
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
        body: serde_json::to_string(&item).map_err(ServiceError::internal)?,
        digest: digest.clone(),
        blob_sha256: item.blob.as_ref().map(|b| b.sha256.clone()),
        device_id: item.device_id.clone(),
        device_signature: device_signature
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(ServiceError::internal)?,
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
                .ok_or_else(|| ServiceError::internal("evidence vanished"))?;
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
    Ok(Recorded {
        created: true,
        view: evidence_view(&model, &insp, &params)?,
    })
}

fn same_or_conflict(
    e: &evidence::Model,
    digest: &str,
    insp: &Inspection,
    params: &PhotoParams,
) -> ServiceResult<Recorded> {
    if e.digest == digest {
        Ok(Recorded {
            created: false,
            view: evidence_view(e, insp, params)?,
        })
    } else {
        Err(ServiceError::conflict(
            "evidence.conflict",
            msg!("error-evidence-conflict", item = &e.item_id),
        ))
    }
}

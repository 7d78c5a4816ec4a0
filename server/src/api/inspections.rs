//! Inspections: create, list and search, read, start, findings, event log, seat tags, the
//! assignment a phone takes offline, and supplements.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use hecha_core::capture::ids::{normalize_code, validate_uscc};
use hecha_core::model::{Finding, Inspection, Mode};
use hecha_core::rules::{Summary, evaluate, summarize};
use sea_orm::{
    ColumnTrait, EntityTrait, ExprTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Caller, Role};
use crate::db::entities::{device, inspection, organization, seat_tag};
use crate::error::{ApiError, ApiResult, Problem};
use crate::inspections::{
    DRAFT, SEALED, append_event, begin_write, event_log, evidence_rows, load_profile, load_visible,
    mode_str, parse_body, parse_item, ts, writer,
};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInspection {
    /// The company organization inspected.
    pub company_id: String,
    /// The inspection in the core's model (`docs/schema/hecha.model.v1.json`): company
    /// facts, scope, application (new or renewal), profile, mode, site + geofence, window.
    /// `id` is assigned by the server and may be left out.
    #[schema(value_type = Object)]
    pub inspection: serde_json::Value,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct InspectionView {
    pub id: String,
    pub company_id: String,
    pub authority_id: String,
    pub mode: String,
    /// draft | in_progress | sealed
    pub status: String,
    pub profile: String,
    pub supplement_of: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub sealed_at: Option<String>,
    pub manifest_sha256: Option<String>,
    /// approved | has_issues | rejected, after a review.
    pub review_status: Option<String>,
    #[schema(value_type = Object)]
    pub inspection: Inspection,
}

pub fn view(row: &inspection::Model) -> ApiResult<InspectionView> {
    Ok(InspectionView {
        id: row.id.clone(),
        company_id: row.company_id.clone(),
        authority_id: row.authority_id.clone(),
        mode: row.mode.clone(),
        status: row.status.clone(),
        profile: row.profile.clone(),
        supplement_of: row.supplement_of.clone(),
        created_at: ts(row.created_at),
        updated_at: ts(row.updated_at),
        sealed_at: row.sealed_at.map(ts),
        manifest_sha256: row.manifest_sha256.clone(),
        review_status: row.review_status.clone(),
        inspection: parse_body(row)?,
    })
}

/// Create an inspection: official (an inspector of the company's authority) or rehearsal
/// (the company's staff). With `supplement_of`, a supplement to a sealed inspection.
#[utoipa::path(tag = "inspections", request_body = NewInspection,
    responses((status = 201, body = InspectionView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/inspections")]
pub async fn create_inspection(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<NewInspection>,
) -> ApiResult<HttpResponse> {
    let NewInspection {
        company_id,
        inspection: mut raw,
    } = body.into_inner();
    let company = organization::Entity::find_by_id(company_id.clone())
        .one(&state.db)
        .await?
        .filter(|o| o.kind == "company")
        .filter(|o| match caller.role {
            Role::Inspector | Role::Auditor => {
                o.authority_id.as_deref() == Some(caller.org_id.as_str())
            }
            Role::CompanyStaff => o.id == caller.org_id,
            // The admin sees every company: refused by role below (403), not hidden (404).
            Role::Admin => true,
        })
        .ok_or_else(|| ApiError::not_found("company"))?;
    let id = uuid::Uuid::now_v7().to_string();
    let obj = raw.as_object_mut().ok_or_else(|| {
        ApiError::unprocessable("inspection.invalid", "inspection must be an object")
    })?;
    obj.insert("id".into(), serde_json::Value::String(id.clone()));
    let mut insp: Inspection = serde_json::from_value(raw)
        .map_err(|e| ApiError::unprocessable("inspection.invalid", e.to_string()))?;
    insp.id = id.clone();
    // Full ID numbers typed into the company's or the site's texts are masked.
    let mut insp = hecha_core::model::personal_ids::mask_inspection(&insp)
        .map_err(|e| ApiError::unprocessable("input.personal_id", e.to_string()))?
        .value;
    match (insp.mode, caller.role) {
        (Mode::Official, Role::Inspector) | (Mode::Rehearsal, Role::CompanyStaff) => {}
        (Mode::Official, _) => {
            return Err(ApiError::forbidden(
                "only an inspector opens an official inspection",
            ));
        }
        (Mode::Rehearsal, _) => {
            return Err(ApiError::forbidden(
                "rehearsals are run by the company's staff",
            ));
        }
    }
    let uscc = normalize_code(&insp.company.uscc);
    validate_uscc(&uscc).map_err(|e| ApiError::unprocessable("inspection.uscc", e.to_string()))?;
    if Some(uscc.as_str()) != company.uscc.as_deref() {
        return Err(ApiError::unprocessable(
            "inspection.uscc",
            "the inspection's USCC is not the company organization's",
        ));
    }
    insp.company.uscc = uscc;
    insp.tz()
        .map_err(|e| ApiError::unprocessable("inspection.time_zone", e))?;
    if insp.window.end <= insp.window.start {
        return Err(ApiError::unprocessable(
            "inspection.window",
            "the window ends before it starts",
        ));
    }
    if insp.site.geofence.radius_m <= rust_decimal::Decimal::ZERO {
        return Err(ApiError::unprocessable(
            "inspection.geofence",
            "the geofence radius must be positive",
        ));
    }
    load_profile(&state.settings, &insp.profile)?;
    if let Some(prev) = &insp.supplement_of {
        let prev = load_visible(&state.db, &caller, prev).await?;
        if prev.status != SEALED
            || prev.company_id != company.id
            || prev.mode != mode_str(insp.mode)
        {
            return Err(ApiError::unprocessable(
                "inspection.supplement",
                "a supplement follows a sealed inspection of the same company and mode",
            ));
        }
    }
    let authority_id = company
        .authority_id
        .clone()
        .ok_or_else(|| ApiError::internal("company without authority"))?;
    let now = Utc::now();
    let row = inspection::Model {
        id: id.clone(),
        authority_id,
        company_id: company.id.clone(),
        mode: mode_str(insp.mode).into(),
        status: DRAFT.into(),
        profile: insp.profile.clone(),
        supplement_of: insp.supplement_of.clone(),
        body: serde_json::to_string(&insp).map_err(ApiError::internal)?,
        window_start: insp.window.start.with_timezone(&Utc),
        window_end: insp.window.end.with_timezone(&Utc),
        created_by: caller.user_id.clone(),
        created_at: now,
        updated_at: now,
        revision: 0,
        sealed_at: None,
        sealed_by: None,
        manifest_sha256: None,
        review_status: None,
    };
    let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
    inspection::Entity::insert(row.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    append_event(
        &txn,
        &id,
        &caller.user_id,
        "inspection.created",
        serde_json::json!({ "mode": row.mode, "profile": row.profile, "company": row.company_id, "supplement_of": row.supplement_of }),
    )
    .await?;
    txn.commit().await?;
    tracing::info!(inspection = %id, mode = %row.mode, "inspection created");
    Ok(HttpResponse::Created().json(view(&row)?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub company_id: Option<String>,
    /// draft | in_progress | sealed
    pub status: Option<String>,
    /// official | rehearsal
    pub mode: Option<String>,
    /// Created at or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Created before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// From 1.
    pub page: Option<u64>,
    /// At most 200.
    pub per_page: Option<u64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct InspectionPage {
    pub items: Vec<InspectionView>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// List and search the inspections the caller reaches, newest first.
#[utoipa::path(tag = "inspections", params(ListQuery),
    responses((status = 200, body = InspectionPage)))]
#[get("/inspections")]
pub async fn list_inspections(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<ListQuery>,
) -> ApiResult<web::Json<InspectionPage>> {
    use inspection::Column as C;
    let mut find = inspection::Entity::find()
        .order_by_desc(C::CreatedAt)
        .order_by_desc(C::Id);
    find = match caller.role {
        Role::Admin => find,
        Role::Inspector | Role::Auditor => find
            .filter(C::AuthorityId.eq(&caller.org_id))
            .filter(C::Mode.eq("official")),
        Role::CompanyStaff => find
            .filter(C::CompanyId.eq(&caller.org_id))
            .filter(C::Mode.eq("rehearsal").or(C::Status.eq(SEALED))),
    };
    if let Some(v) = &q.company_id {
        find = find.filter(C::CompanyId.eq(v));
    }
    if let Some(v) = &q.status {
        find = find.filter(C::Status.eq(v));
    }
    if let Some(v) = &q.mode {
        find = find.filter(C::Mode.eq(v));
    }
    if let Some(v) = q.from {
        find = find.filter(C::CreatedAt.gte(v));
    }
    if let Some(v) = q.to {
        find = find.filter(C::CreatedAt.lt(v));
    }
    let per_page = q.per_page.unwrap_or(50).clamp(1, 200);
    let page = std::cmp::max(q.page.unwrap_or(1), 1);
    let pages = find.paginate(&state.db, per_page);
    let total = pages.num_items().await?;
    let rows = pages.fetch_page(page - 1).await?;
    Ok(web::Json(InspectionPage {
        items: rows.iter().map(view).collect::<ApiResult<_>>()?,
        total,
        page,
        per_page,
    }))
}

/// One inspection.
#[utoipa::path(tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, body = InspectionView), (status = 404, body = Problem)))]
#[get("/inspections/{id}")]
pub async fn get_inspection(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<InspectionView>> {
    Ok(web::Json(view(
        &load_visible(&state.db, &caller, &id).await?,
    )?))
}

/// Start the visit: draft → in_progress (adding evidence also does it).
#[utoipa::path(tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, body = InspectionView), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/inspections/{id}/start")]
pub async fn start_inspection(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<InspectionView>> {
    let row = load_visible(&state.db, &caller, &id).await?;
    writer(&caller, &row)?;
    let txn = begin_write(&state, &row.id).await?;
    if row.status == DRAFT {
        append_event(
            &txn,
            &row.id,
            &caller.user_id,
            "inspection.started",
            serde_json::json!({}),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(web::Json(view(
        &load_visible(&state.db, &caller, &id).await?,
    )?))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FindingsView {
    pub profile: String,
    #[schema(value_type = Object)]
    pub summary: Summary,
    /// The summary in words, zh and en.
    #[schema(value_type = Object)]
    pub summary_text: hecha_core::model::Text,
    #[schema(value_type = Vec<Object>)]
    pub findings: Vec<Finding>,
}

/// The rules evaluated over the evidence so far (the same engine as the phone and the seal).
#[utoipa::path(tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, body = FindingsView), (status = 404, body = Problem)))]
#[get("/inspections/{id}/findings")]
pub async fn findings(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<FindingsView>> {
    let row = load_visible(&state.db, &caller, &id).await?;
    let insp = parse_body(&row)?;
    let profile = load_profile(&state.settings, &row.profile)?;
    let evidence = evidence_rows(&state.db, &row.id)
        .await?
        .iter()
        .map(parse_item)
        .collect::<ApiResult<Vec<_>>>()?;
    let findings = web::block(move || evaluate(&profile, &insp, &evidence))
        .await
        .map_err(ApiError::internal)?;
    let summary = summarize(&findings);
    Ok(web::Json(FindingsView {
        profile: row.profile,
        summary_text: summary.text(),
        summary,
        findings,
    }))
}

/// The hash-chained event log (events after sealing, such as reviews, continue the chain).
#[utoipa::path(tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, description = "events, oldest first", body = Vec<Object>), (status = 404, body = Problem)))]
#[get("/inspections/{id}/events")]
pub async fn events(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let row = load_visible(&state.db, &caller, &id).await?;
    let log = event_log(&state.db, &row.id).await?;
    Ok(HttpResponse::Ok().json(log.events()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSeatTags {
    /// The company's own seat numbers (e.g. "A-01"), 1–64 characters each.
    pub seat_ids: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SeatTag {
    pub seat_id: String,
    /// The signed tag: the text of the QR code stuck on the seat.
    pub tag: String,
    /// Where to fetch the QR code as PNG.
    pub qr_png: String,
}

fn seat_out(row: &seat_tag::Model) -> SeatTag {
    SeatTag {
        qr_png: format!(
            "/api/v1/inspections/{}/seat-tags/{}/qr.png",
            row.inspection_id,
            url_escape(&row.seat_id)
        ),
        seat_id: row.seat_id.clone(),
        tag: row.tag.clone(),
    }
}

fn url_escape(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Issue signed seat tags (idempotent per seat id).
#[utoipa::path(tag = "inspections", params(("id" = String, Path)), request_body = NewSeatTags,
    responses((status = 200, body = Vec<SeatTag>), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/inspections/{id}/seat-tags")]
pub async fn create_seat_tags(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Json<NewSeatTags>,
) -> ApiResult<web::Json<Vec<SeatTag>>> {
    let row = load_visible(&state.db, &caller, &id).await?;
    writer(&caller, &row)?;
    for s in &body.seat_ids {
        if s.is_empty()
            || s.chars().count() > 64
            || s.contains(':')
            || s.chars().any(char::is_control)
        {
            return Err(ApiError::unprocessable(
                "seat.id",
                "seat ids are 1–64 characters, no ':'",
            ));
        }
        // A seat id is printed into the signed tag: it is never rewritten, so refused.
        if hecha_core::capture::pii::contains_full_id(s) {
            return Err(ApiError::unprocessable(
                "input.personal_id",
                "a seat id holds a full ID number; choose a seat number without one",
            ));
        }
    }
    let signer = crate::seat::SeatSigner::open(&state.settings)?;
    let txn = begin_write(&state, &row.id).await?;
    let mut out = Vec::new();
    for s in &body.seat_ids {
        let existing = seat_tag::Entity::find()
            .filter(seat_tag::Column::InspectionId.eq(&row.id))
            .filter(seat_tag::Column::SeatId.eq(s))
            .one(&txn)
            .await?;
        let tag_row = match existing {
            Some(t) => t,
            None => {
                let t = seat_tag::Model {
                    tag: signer.sign(&row.id, s)?,
                    inspection_id: row.id.clone(),
                    seat_id: s.clone(),
                    created_at: Utc::now(),
                };
                seat_tag::Entity::insert(t.clone().into_active_model())
                    .exec_without_returning(&txn)
                    .await?;
                append_event(
                    &txn,
                    &row.id,
                    &caller.user_id,
                    "seat_tag.issued",
                    serde_json::json!({ "seat_id": s, "tag": t.tag }),
                )
                .await?;
                t
            }
        };
        out.push(seat_out(&tag_row));
    }
    txn.commit().await?;
    Ok(web::Json(out))
}

/// The inspection's seat tags.
#[utoipa::path(tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, body = Vec<SeatTag>), (status = 404, body = Problem)))]
#[get("/inspections/{id}/seat-tags")]
pub async fn list_seat_tags(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<Vec<SeatTag>>> {
    let row = load_visible(&state.db, &caller, &id).await?;
    let tags = seat_tag::Entity::find()
        .filter(seat_tag::Column::InspectionId.eq(&row.id))
        .order_by_asc(seat_tag::Column::SeatId)
        .all(&state.db)
        .await?;
    Ok(web::Json(tags.iter().map(seat_out).collect()))
}

/// A seat tag as a QR code (PNG) to print and stick on the seat.
#[utoipa::path(tag = "inspections", params(("id" = String, Path), ("seat_id" = String, Path)),
    responses((status = 200, content_type = "image/png", description = "QR code"), (status = 404, body = Problem)))]
#[get("/inspections/{id}/seat-tags/{seat_id}/qr.png")]
pub async fn seat_tag_qr(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, seat) = path.into_inner();
    let row = load_visible(&state.db, &caller, &id).await?;
    let tag = seat_tag::Entity::find()
        .filter(seat_tag::Column::InspectionId.eq(&row.id))
        .filter(seat_tag::Column::SeatId.eq(&seat))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("seat tag"))?;
    let png = crate::seat::qr_png(&tag.tag)?;
    Ok(HttpResponse::Ok().content_type("image/png").body(png))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssignmentQuery {
    /// The caller's enrolled device that takes the assignment offline.
    pub device_id: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PersonHashKey {
    pub key_id: String,
    /// Hex. Keep it in the device's keystore; it never leaves the app.
    pub key_hex: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Assignment {
    #[schema(value_type = Object)]
    pub inspection: Inspection,
    pub status: String,
    /// The rule profile, TOML, byte for byte.
    pub profile_toml: String,
    pub seat_tags: Vec<SeatTag>,
    /// For the keyed hash of ID numbers on the phone (the authority's key for an official
    /// inspection, the company's own for a rehearsal).
    pub person_hash_key: PersonHashKey,
    /// Item ids the server already holds (the phone skips them when syncing).
    pub received_items: Vec<String>,
    /// Server time, to measure the device clock's offset.
    pub server_time: String,
}

/// What an enrolled device takes offline: the inspection, its profile, the seat tags and
/// the person-hash key.
#[utoipa::path(tag = "inspections", params(("id" = String, Path), AssignmentQuery),
    responses((status = 200, body = Assignment), (status = 404, body = Problem), (status = 403, body = Problem)))]
#[get("/inspections/{id}/assignment")]
pub async fn assignment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    q: web::Query<AssignmentQuery>,
) -> ApiResult<web::Json<Assignment>> {
    let row = load_visible(&state.db, &caller, &id).await?;
    writer(&caller, &row)?;
    device::Entity::find_by_id(q.device_id.clone())
        .one(&state.db)
        .await?
        .filter(|d| d.user_id == caller.user_id && d.revoked_at.is_none())
        .ok_or_else(|| {
            ApiError::forbidden(
                "the assignment goes only to an enrolled, unrevoked device of yours",
            )
        })?;
    let key_org = if row.mode == "official" {
        &row.authority_id
    } else {
        &row.company_id
    };
    let org = organization::Entity::find_by_id(key_org.clone())
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::internal("organization missing"))?;
    let profile = load_profile(&state.settings, &row.profile)?;
    let tags = seat_tag::Entity::find()
        .filter(seat_tag::Column::InspectionId.eq(&row.id))
        .order_by_asc(seat_tag::Column::SeatId)
        .all(&state.db)
        .await?;
    let received = evidence_rows(&state.db, &row.id).await?;
    Ok(web::Json(Assignment {
        inspection: parse_body(&row)?,
        status: row.status.clone(),
        profile_toml: profile.source().to_owned(),
        seat_tags: tags.iter().map(seat_out).collect(),
        person_hash_key: PersonHashKey {
            key_id: org.person_hash_key_id,
            key_hex: org.person_hash_key,
        },
        received_items: received.into_iter().map(|e| e.item_id).collect(),
        server_time: ts(Utc::now()),
    }))
}

//! Inspections as the server keeps them: who reaches which, the state machine, and the
//! hash-chained event log kept row by row. HTTP handlers and the CLI both go through here.

use chrono::{DateTime, Utc};
use hecha_core::capture::ids::{normalize_code, validate_uscc};
use hecha_core::model::wire::{Assignment, PersonHashKey, SeatTag};
use hecha_core::model::{EvidenceItem, Finding, Inspection, Mode};
use hecha_core::msg;
use hecha_core::rules::{RuleProfile, Summary, evaluate, summarize};
use hecha_core::seal::events::{Event, EventLog};
use hecha_core::seal::format_time;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait, ExprTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::OrgKind;
use crate::auth::{Caller, Role};
use crate::db::entities::{
    InspectionMode, InspectionStatus, ReviewStatus, device, event, evidence, inspection,
    organization, seat_tag,
};
use crate::service::{ServiceError, ServiceResult};
use crate::settings::Settings;
use crate::state::AppState;

/// Whether the caller may see the inspection at all (otherwise: 404).
/// - admin: everything;
/// - inspector, auditor: the official inspections of companies under their authority;
/// - company staff: their company's rehearsals, and its official inspections once sealed.
///
/// One condition for every query that lists, reads or writes inspections, so what a caller
/// reaches cannot differ between them.
pub fn reach(c: &Caller) -> Condition {
    use inspection::Column as C;
    match c.role {
        Role::Admin => Condition::all(),
        Role::Inspector | Role::Auditor => Condition::all()
            .add(C::AuthorityId.eq(&c.org_id))
            .add(C::Mode.eq(InspectionMode::Official)),
        Role::CompanyStaff => Condition::all().add(C::CompanyId.eq(&c.org_id)).add(
            Condition::any()
                .add(C::Mode.eq(InspectionMode::Rehearsal))
                .add(C::Status.eq(InspectionStatus::Sealed)),
        ),
    }
}

/// Whether the caller may add evidence to, and seal, the inspection: the inspector for an
/// official one, the company's staff for a rehearsal.
pub fn writer(c: &Caller, row: &inspection::Model) -> ServiceResult<()> {
    let ok = match row.mode {
        InspectionMode::Official => c.role == Role::Inspector && row.authority_id == c.org_id,
        InspectionMode::Rehearsal => c.role == Role::CompanyStaff && row.company_id == c.org_id,
    };
    if ok {
        Ok(())
    } else {
        let role = c.role.as_str();
        Err(ServiceError::forbidden(match row.mode {
            InspectionMode::Official => msg!("error-role-cannot-change-official", role = role),
            InspectionMode::Rehearsal => msg!("error-role-cannot-change-rehearsal", role = role),
        }))
    }
}

/// The inspection row if the caller reaches it; 404 otherwise (never 403: whether an
/// inspection exists is not told to those outside it).
pub async fn load_visible<C: ConnectionTrait>(
    db: &C,
    c: &Caller,
    id: &str,
) -> ServiceResult<inspection::Model> {
    inspection::Entity::find_by_id(id.to_owned())
        .filter(reach(c))
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::not_found(msg!("error-no-such-inspection")))
}

/// The inspection row if the caller reaches it (404), may change it (403) and it is not
/// sealed (409): the gate of every write.
pub async fn load_writable<C: ConnectionTrait>(
    db: &C,
    c: &Caller,
    id: &str,
) -> ServiceResult<inspection::Model> {
    let row = load_visible(db, c, id).await?;
    writer(c, &row)?;
    if row.status == InspectionStatus::Sealed {
        return Err(ServiceError::sealed());
    }
    Ok(row)
}

pub fn parse_body(row: &inspection::Model) -> ServiceResult<Inspection> {
    serde_json::from_str(&row.body).map_err(ServiceError::internal)
}

pub fn parse_item(row: &evidence::Model) -> ServiceResult<EvidenceItem> {
    serde_json::from_str(&row.body).map_err(ServiceError::internal)
}

/// The rule profile by id: the operator's `<profiles_dir>/<id>.toml` when present, else the
/// built-in one.
pub fn load_profile(settings: &Settings, id: &str) -> ServiceResult<RuleProfile> {
    if let Some(path) = settings.profile_path(id)
        && path.exists()
    {
        let text = std::fs::read_to_string(&path).map_err(ServiceError::internal)?;
        return RuleProfile::from_toml(&text)
            .map_err(|e| ServiceError::internal(format!("{}: {e}", path.display())));
    }
    RuleProfile::builtin(id).map_err(|e| {
        ServiceError::unprocessable(
            "profile.unknown",
            match e {
                hecha_core::rules::ProfileError::UnknownProfile(id) => {
                    msg!("error-profile-unknown", profile = id)
                }
                e => msg!("error-profile-invalid", problem = e.to_string()),
            },
        )
    })
}

/// A write transaction on one inspection: locks its row (PostgreSQL `UPDATE` row lock,
/// SQLite's write lock), refuses a sealed inspection, bumps its revision and moves a draft
/// to `in_progress`. Concurrent writers to one inspection (two inspectors, two replicas)
/// are serialized here, which keeps the event chain linear.
pub async fn begin_write(state: &AppState, id: &str) -> ServiceResult<DatabaseTransaction> {
    let txn = state.db.begin().await?;
    lock_for_write(txn, id).await
}

/// [`begin_write`], and whether this transaction moved the inspection out of draft. The
/// status is changed and read in one statement under the row lock, so of two concurrent
/// writers exactly one started it.
pub async fn begin_write_starting(
    state: &AppState,
    id: &str,
) -> ServiceResult<(DatabaseTransaction, bool)> {
    use sea_orm::ActiveEnum;
    let txn = state.db.begin().await?;
    let started = inspection::Entity::update_many()
        .col_expr(
            inspection::Column::Status,
            Expr::value(InspectionStatus::InProgress.to_value()),
        )
        .filter(inspection::Column::Id.eq(id))
        .filter(inspection::Column::Status.eq(InspectionStatus::Draft))
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    Ok((lock_for_write(txn, id).await?, started))
}

/// The one statement of [`begin_write`]: takes the row lock, bumps the revision, moves a
/// draft to `in_progress`, refuses a sealed inspection (rolling back).
async fn lock_for_write(txn: DatabaseTransaction, id: &str) -> ServiceResult<DatabaseTransaction> {
    let res = inspection::Entity::update_many()
        .col_expr(
            inspection::Column::Revision,
            Expr::col(inspection::Column::Revision).add(1),
        )
        .col_expr(inspection::Column::UpdatedAt, Expr::value(Utc::now()))
        .col_expr(
            inspection::Column::Status,
            Expr::cust("CASE WHEN status = 'draft' THEN 'in_progress' ELSE status END"),
        )
        .filter(inspection::Column::Id.eq(id))
        .filter(inspection::Column::Status.ne(InspectionStatus::Sealed))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        txn.rollback().await?;
        return Err(ServiceError::sealed());
    }
    Ok(txn)
}

/// The organization whose person-hash key hashes the ID numbers of an inspection: the
/// authority's for an official inspection (its records must match across companies), the
/// company's own for a rehearsal (the authority never learns a rehearsal's people). The
/// one place this is decided: intake, sign-offs and the phone's assignment use it.
pub async fn person_hash_owner<C: ConnectionTrait>(
    db: &C,
    row: &inspection::Model,
) -> ServiceResult<organization::Model> {
    let id = match row.mode {
        InspectionMode::Official => &row.authority_id,
        InspectionMode::Rehearsal => &row.company_id,
    };
    organization::Entity::find_by_id(id.clone())
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::internal("organization missing"))
}

/// Appends an event to the inspection's chain (inside the caller's write transaction).
pub async fn append_event<C: ConnectionTrait>(
    db: &C,
    inspection_id: &str,
    actor: &str,
    kind: &str,
    data: serde_json::Value,
) -> ServiceResult<Event> {
    let last = event::Entity::find()
        .filter(event::Column::InspectionId.eq(inspection_id))
        .order_by_desc(event::Column::Seq)
        .one(db)
        .await?;
    let prev: Option<Event> = last
        .map(|row| serde_json::from_str(&row.line))
        .transpose()
        .map_err(ServiceError::internal)?;
    let ev = Event::following(prev.as_ref(), &format_time(Utc::now()), actor, kind, data)
        .map_err(ServiceError::internal)?;
    insert_event(db, inspection_id, &ev).await?;
    Ok(ev)
}

/// Writes an event made beforehand (its `prev` the chain's head when it was made). A row
/// with its `seq` already there means the chain moved on meanwhile: a conflict.
pub async fn insert_event<C: ConnectionTrait>(
    db: &C,
    inspection_id: &str,
    ev: &Event,
) -> ServiceResult<()> {
    let row = event::Model {
        inspection_id: inspection_id.to_owned(),
        seq: ev.seq as i64,
        line: serde_json::to_string(&ev).map_err(ServiceError::internal)?,
        hash: ev.hash.clone(),
    };
    event::Entity::insert(row.into_active_model())
        .exec_without_returning(db)
        .await
        .map_err(ServiceError::on_unique(
            "inspection.busy",
            msg!("error-inspection-busy"),
        ))?;
    Ok(())
}

/// The whole event log of an inspection, its chain checked.
pub async fn event_log<C: ConnectionTrait>(db: &C, inspection_id: &str) -> ServiceResult<EventLog> {
    let rows = event::Entity::find()
        .filter(event::Column::InspectionId.eq(inspection_id))
        .order_by_asc(event::Column::Seq)
        .all(db)
        .await?;
    let events = rows
        .iter()
        .map(|r| serde_json::from_str::<Event>(&r.line))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ServiceError::internal)?;
    EventLog::from_events(events)
        .map_err(|breaks| ServiceError::internal(format!("event chain broken: {breaks:?}")))
}

/// The evidence rows of an inspection, in the order they were received.
pub async fn evidence_rows<C: ConnectionTrait>(
    db: &C,
    inspection_id: &str,
) -> ServiceResult<Vec<evidence::Model>> {
    Ok(evidence::Entity::find()
        .filter(evidence::Column::InspectionId.eq(inspection_id))
        .order_by_asc(evidence::Column::ReceivedAt)
        .order_by_asc(evidence::Column::Id)
        .all(db)
        .await?)
}

/// Time as stored.
pub fn ts(t: DateTime<Utc>) -> String {
    format_time(t)
}

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
    pub mode: InspectionMode,
    pub status: InspectionStatus,
    pub profile: String,
    pub supplement_of: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub sealed_at: Option<String>,
    pub manifest_sha256: Option<String>,
    /// After a review.
    pub review_status: Option<ReviewStatus>,
    #[schema(value_type = Object)]
    pub inspection: Inspection,
}

pub fn view(row: &inspection::Model) -> ServiceResult<InspectionView> {
    Ok(InspectionView {
        id: row.id.clone(),
        company_id: row.company_id.clone(),
        authority_id: row.authority_id.clone(),
        mode: row.mode,
        status: row.status,
        profile: row.profile.clone(),
        supplement_of: row.supplement_of.clone(),
        created_at: ts(row.created_at),
        updated_at: ts(row.updated_at),
        sealed_at: row.sealed_at.map(ts),
        manifest_sha256: row.manifest_sha256.clone(),
        review_status: row.review_status,
        inspection: parse_body(row)?,
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub company_id: Option<String>,
    pub status: Option<InspectionStatus>,
    pub mode: Option<InspectionMode>,
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSeatTags {
    /// The company's own seat numbers (e.g. "A-01"), 1–64 characters each.
    pub seat_ids: Vec<String>,
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssignmentQuery {
    /// The caller's enrolled device that takes the assignment offline.
    pub device_id: String,
}

/// Create an inspection: official (an inspector of the company's authority) or rehearsal
/// (the company's staff). With `supplement_of`, a supplement to a sealed inspection.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    new: NewInspection,
) -> ServiceResult<InspectionView> {
    let NewInspection {
        company_id,
        inspection: mut raw,
    } = new;
    // A company the caller reaches (the admin reaches every one: refused by role below,
    // 403, not hidden, 404).
    let company = organization::Entity::find_by_id(company_id.clone())
        .filter(crate::service::directory::org_reach(caller))
        .filter(organization::Column::Kind.eq(OrgKind::Company))
        .one(&state.db)
        .await?
        .ok_or_else(|| ServiceError::not_found(msg!("error-no-such-company")))?;
    let id = uuid::Uuid::now_v7().to_string();
    let obj = raw.as_object_mut().ok_or_else(|| {
        ServiceError::unprocessable("inspection.invalid", msg!("error-inspection-not-object"))
    })?;
    obj.insert("id".into(), serde_json::Value::String(id.clone()));
    // An unknown field or a malformed date is named with its place (e.g. `window.end`).
    hecha_core::model::input::check::<Inspection>("inspection", &raw)
        .map_err(|e| ServiceError::unprocessable(e.code(), e.message()))?;
    let mut insp: Inspection = serde_json::from_value(raw).map_err(|e| {
        ServiceError::unprocessable(
            "inspection.invalid",
            msg!("error-inspection-invalid", problem = e.to_string()),
        )
    })?;
    insp.id = id.clone();
    // Full ID numbers typed into the company's or the site's texts are masked.
    let mut insp = hecha_core::model::personal_ids::mask_inspection(&insp)
        .map_err(|e| ServiceError::unprocessable("input.personal_id", e.message()))?
        .value;
    match (insp.mode, caller.role) {
        (Mode::Official, Role::Inspector) | (Mode::Rehearsal, Role::CompanyStaff) => {}
        (Mode::Official, _) => {
            return Err(ServiceError::forbidden(msg!("error-official-by-inspector")));
        }
        (Mode::Rehearsal, _) => {
            return Err(ServiceError::forbidden(msg!("error-rehearsal-by-company")));
        }
    }
    let uscc = normalize_code(&insp.company.uscc);
    validate_uscc(&uscc)
        .map_err(|e| ServiceError::unprocessable("inspection.uscc", e.message()))?;
    if Some(uscc.as_str()) != company.uscc.as_deref() {
        return Err(ServiceError::unprocessable(
            "inspection.uscc",
            msg!("error-inspection-uscc-not-company"),
        ));
    }
    insp.company.uscc = uscc;
    insp.tz().map_err(|_| {
        ServiceError::unprocessable(
            "inspection.time_zone",
            msg!("error-inspection-time-zone", zone = &insp.time_zone),
        )
    })?;
    if insp.window.end <= insp.window.start {
        return Err(ServiceError::unprocessable(
            "inspection.window",
            msg!("error-inspection-window"),
        ));
    }
    if insp.site.geofence.radius_m <= rust_decimal::Decimal::ZERO {
        return Err(ServiceError::unprocessable(
            "inspection.geofence",
            msg!("error-inspection-geofence"),
        ));
    }
    // A profile of the other scope would judge with another license's numbers.
    load_profile(&state.settings, &insp.profile)?
        .check_scope(&insp)
        .map_err(|e| {
            ServiceError::unprocessable(
                "inspection.profile",
                msg!("error-profile-invalid", problem = e.message()),
            )
        })?;
    if let Some(prev) = &insp.supplement_of {
        let prev = load_visible(&state.db, caller, prev).await?;
        if prev.status != InspectionStatus::Sealed
            || prev.company_id != company.id
            || prev.mode != InspectionMode::from(insp.mode)
        {
            return Err(ServiceError::unprocessable(
                "inspection.supplement",
                msg!("error-inspection-supplement"),
            ));
        }
    }
    let authority_id = company
        .authority_id
        .clone()
        .ok_or_else(|| ServiceError::internal("company without authority"))?;
    let now = Utc::now();
    let row = inspection::Model {
        id: id.clone(),
        authority_id,
        company_id: company.id.clone(),
        mode: insp.mode.into(),
        status: InspectionStatus::Draft,
        profile: insp.profile.clone(),
        supplement_of: insp.supplement_of.clone(),
        body: serde_json::to_string(&insp).map_err(ServiceError::internal)?,
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
    tracing::info!(inspection = %id, mode = ?row.mode, "inspection created");
    view(&row)
}

/// List and search the inspections the caller reaches, newest first.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    q: &ListQuery,
) -> ServiceResult<InspectionPage> {
    use inspection::Column as C;
    let mut find = inspection::Entity::find()
        .order_by_desc(C::CreatedAt)
        .order_by_desc(C::Id);
    find = find.filter(reach(caller));
    if let Some(v) = &q.company_id {
        find = find.filter(C::CompanyId.eq(v));
    }
    if let Some(v) = q.status {
        find = find.filter(C::Status.eq(v));
    }
    if let Some(v) = q.mode {
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
    // A page past the end is empty, however far past: its offset is never computed (a
    // page near u64::MAX would overflow it).
    let past_end = (page - 1)
        .checked_mul(per_page)
        .is_none_or(|offset| offset >= total);
    let rows = if past_end {
        Vec::new()
    } else {
        pages.fetch_page(page - 1).await?
    };
    Ok(InspectionPage {
        items: rows.iter().map(view).collect::<ServiceResult<_>>()?,
        total,
        page,
        per_page,
    })
}

/// One inspection.
pub async fn get(state: &AppState, caller: &Caller, id: &str) -> ServiceResult<InspectionView> {
    view(&load_visible(&state.db, caller, id).await?)
}

/// Start the visit: draft → in_progress (adding evidence also does it).
pub async fn start(state: &AppState, caller: &Caller, id: &str) -> ServiceResult<InspectionView> {
    let row = load_visible(&state.db, caller, id).await?;
    writer(caller, &row)?;
    let (txn, started) = begin_write_starting(state, &row.id).await?;
    if started {
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
    view(&load_visible(&state.db, caller, id).await?)
}

/// The rules evaluated over the evidence so far (the same engine as the phone and the seal).
pub async fn findings(state: &AppState, caller: &Caller, id: &str) -> ServiceResult<FindingsView> {
    let row = load_visible(&state.db, caller, id).await?;
    let insp = parse_body(&row)?;
    let profile = load_profile(&state.settings, &row.profile)?;
    let evidence = evidence_rows(&state.db, &row.id)
        .await?
        .iter()
        .map(parse_item)
        .collect::<crate::service::ServiceResult<Vec<_>>>()?;
    let findings = tokio::task::spawn_blocking(move || evaluate(&profile, &insp, &evidence))
        .await
        .map_err(ServiceError::internal)?;
    let summary = summarize(&findings);
    Ok(FindingsView {
        profile: row.profile,
        summary_text: summary.text(),
        summary,
        findings,
    })
}

/// The hash-chained event log (events after sealing, such as reviews, continue the chain).
pub async fn events(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> ServiceResult<Vec<hecha_core::seal::events::Event>> {
    let row = load_visible(&state.db, caller, id).await?;
    let log = event_log(&state.db, &row.id).await?;
    Ok(log.events().to_vec())
}

/// Issue signed seat tags (idempotent per seat id).
pub async fn create_seat_tags(
    state: &AppState,
    caller: &Caller,
    id: &str,
    body: NewSeatTags,
) -> ServiceResult<Vec<SeatTag>> {
    let row = load_visible(&state.db, caller, id).await?;
    writer(caller, &row)?;
    for s in &body.seat_ids {
        if s.is_empty()
            || s.chars().count() > 64
            || s.contains(':')
            || s.chars().any(char::is_control)
        {
            return Err(ServiceError::unprocessable(
                "seat.id",
                msg!("error-seat-id"),
            ));
        }
        // A seat id is printed into the signed tag: it is never rewritten, so refused.
        if hecha_core::capture::pii::contains_full_id(s) {
            return Err(ServiceError::unprocessable(
                "input.personal_id",
                msg!("error-seat-id-personal-id"),
            ));
        }
    }
    let signer = crate::service::seat::SeatSigner::current(state).await?;
    let txn = begin_write(state, &row.id).await?;
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
    Ok(out)
}

/// The inspection's seat tags.
pub async fn list_seat_tags(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> ServiceResult<Vec<SeatTag>> {
    let row = load_visible(&state.db, caller, id).await?;
    let tags = issued_tags(&state.db, &row.id).await?;
    Ok(tags.iter().map(seat_out).collect())
}

/// The seat tags issued for an inspection, by seat id.
async fn issued_tags<C: ConnectionTrait>(
    db: &C,
    inspection_id: &str,
) -> ServiceResult<Vec<seat_tag::Model>> {
    Ok(seat_tag::Entity::find()
        .filter(seat_tag::Column::InspectionId.eq(inspection_id))
        .order_by_asc(seat_tag::Column::SeatId)
        .all(db)
        .await?)
}

/// A seat tag as a QR code (PNG) to print and stick on the seat.
pub async fn seat_tag_png(
    state: &AppState,
    caller: &Caller,
    id: &str,
    seat: &str,
) -> ServiceResult<Vec<u8>> {
    let row = load_visible(&state.db, caller, id).await?;
    let tag = seat_tag::Entity::find()
        .filter(seat_tag::Column::InspectionId.eq(&row.id))
        .filter(seat_tag::Column::SeatId.eq(seat))
        .one(&state.db)
        .await?
        .ok_or_else(|| ServiceError::not_found(msg!("error-no-such-seat-tag")))?;
    crate::service::seat::qr_png(&tag)
}

/// The inspection's seat labels as an A4 sheet to print (HTML), for whoever reaches it.
pub async fn seat_label_sheet(
    state: &AppState,
    caller: &Caller,
    id: &str,
    lang: hecha_core::model::Lang,
) -> ServiceResult<String> {
    let row = load_visible(&state.db, caller, id).await?;
    let tags = issued_tags(&state.db, &row.id).await?;
    let company = organization::Entity::find_by_id(row.company_id.clone())
        .one(&state.db)
        .await?
        .ok_or_else(|| ServiceError::internal("the inspection's company is missing"))?;
    crate::service::seat::label_sheet(&company.name, &row.id, &tags, lang)
}

/// What an enrolled device takes offline: the inspection, its profile, the seat tags and
/// the person-hash key.
pub async fn assignment(
    state: &AppState,
    caller: &Caller,
    id: &str,
    q: &AssignmentQuery,
) -> ServiceResult<Assignment> {
    let row = load_visible(&state.db, caller, id).await?;
    writer(caller, &row)?;
    device::Entity::find_by_id(q.device_id.clone())
        .one(&state.db)
        .await?
        .filter(|d| d.user_id == caller.user_id && d.revoked_at.is_none())
        .ok_or_else(|| ServiceError::forbidden(msg!("error-assignment-device")))?;
    let org = person_hash_owner(&state.db, &row).await?;
    let profile = load_profile(&state.settings, &row.profile)?;
    let tags = issued_tags(&state.db, &row.id).await?;
    let received = evidence_rows(&state.db, &row.id).await?;
    Ok(Assignment {
        inspection: parse_body(&row)?,
        status: Some(row.status.into()),
        profile_toml: profile.source().to_owned(),
        seat_tags: tags.iter().map(seat_out).collect(),
        person_hash_key: PersonHashKey {
            key_id: org.person_hash_key_id,
            key_hex: org.person_hash_key,
        },
        received_items: received.into_iter().map(|e| e.item_id).collect(),
        server_time: Some(ts(Utc::now())),
    })
}

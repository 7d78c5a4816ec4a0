//! Inspections as the server keeps them: who reaches which, the state machine, and the
//! hash-chained event log kept row by row. HTTP handlers and the CLI both go through here.

use chrono::{DateTime, Utc};
use hecha_core::model::{EvidenceItem, Inspection, Mode};
use hecha_core::rules::RuleProfile;
use hecha_core::seal::events::{Event, EventLog};
use hecha_core::seal::keys::format_time;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, ExprTrait, IntoActiveModel,
    QueryFilter, QueryOrder, TransactionTrait,
};

use crate::auth::{Caller, Role};
use crate::db::entities::{event, evidence, inspection};
use crate::error::{ApiError, ApiResult};
use crate::settings::Settings;
use crate::state::AppState;

pub const DRAFT: &str = "draft";
pub const IN_PROGRESS: &str = "in_progress";
pub const SEALED: &str = "sealed";

pub fn mode_str(m: Mode) -> &'static str {
    match m {
        Mode::Official => "official",
        Mode::Rehearsal => "rehearsal",
    }
}

/// Whether the caller may see the inspection at all (otherwise: 404).
/// - admin: everything;
/// - inspector, auditor: the official inspections of companies under their authority;
/// - company staff: their company's rehearsals, and its official inspections once sealed.
pub fn visible(c: &Caller, row: &inspection::Model) -> bool {
    match c.role {
        Role::Admin => true,
        Role::Inspector | Role::Auditor => row.authority_id == c.org_id && row.mode == "official",
        Role::CompanyStaff => {
            row.company_id == c.org_id && (row.mode == "rehearsal" || row.status == SEALED)
        }
    }
}

/// Whether the caller may add evidence to, and seal, the inspection: the inspector for an
/// official one, the company's staff for a rehearsal.
pub fn writer(c: &Caller, row: &inspection::Model) -> ApiResult<()> {
    let ok = match row.mode.as_str() {
        "official" => c.role == Role::Inspector && row.authority_id == c.org_id,
        _ => c.role == Role::CompanyStaff && row.company_id == c.org_id,
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "the {} role cannot change a{} {} inspection",
            c.role.as_str(),
            if row.mode == "official" { "n" } else { "" },
            row.mode
        )))
    }
}

/// The inspection row if the caller reaches it; 404 otherwise (never 403: whether an
/// inspection exists is not told to those outside it).
pub async fn load_visible<C: ConnectionTrait>(
    db: &C,
    c: &Caller,
    id: &str,
) -> ApiResult<inspection::Model> {
    inspection::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .filter(|row| visible(c, row))
        .ok_or_else(|| ApiError::not_found("inspection"))
}

/// The inspection row if the caller reaches it (404), may change it (403) and it is not
/// sealed (409): the gate of every write.
pub async fn load_writable<C: ConnectionTrait>(
    db: &C,
    c: &Caller,
    id: &str,
) -> ApiResult<inspection::Model> {
    let row = load_visible(db, c, id).await?;
    writer(c, &row)?;
    if row.status == SEALED {
        return Err(ApiError::sealed());
    }
    Ok(row)
}

pub fn parse_body(row: &inspection::Model) -> ApiResult<Inspection> {
    serde_json::from_str(&row.body).map_err(ApiError::internal)
}

pub fn parse_item(row: &evidence::Model) -> ApiResult<EvidenceItem> {
    serde_json::from_str(&row.body).map_err(ApiError::internal)
}

/// The rule profile by id: the operator's `<profiles_dir>/<id>.toml` when present, else the
/// built-in one.
pub fn load_profile(settings: &Settings, id: &str) -> ApiResult<RuleProfile> {
    if let Some(path) = settings.profile_path(id)
        && path.exists()
    {
        let text = std::fs::read_to_string(&path).map_err(ApiError::internal)?;
        return RuleProfile::from_toml(&text)
            .map_err(|e| ApiError::internal(format!("{}: {e}", path.display())));
    }
    RuleProfile::builtin(id).map_err(|e| ApiError::unprocessable("profile.unknown", e.to_string()))
}

/// A write transaction on one inspection: locks its row (PostgreSQL `UPDATE` row lock,
/// SQLite's write lock), refuses a sealed inspection, bumps its revision and moves a draft
/// to `in_progress`. Concurrent writers to one inspection (two inspectors, two replicas)
/// are serialized here, which keeps the event chain linear.
pub async fn begin_write(state: &AppState, id: &str) -> ApiResult<DatabaseTransaction> {
    let txn = state.db.begin().await?;
    let now = Utc::now();
    let res = inspection::Entity::update_many()
        .col_expr(
            inspection::Column::Revision,
            Expr::col(inspection::Column::Revision).add(1),
        )
        .col_expr(inspection::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            inspection::Column::Status,
            Expr::cust("CASE WHEN status = 'draft' THEN 'in_progress' ELSE status END"),
        )
        .filter(inspection::Column::Id.eq(id))
        .filter(inspection::Column::Status.ne(SEALED))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        txn.rollback().await?;
        return Err(ApiError::sealed());
    }
    Ok(txn)
}

/// Appends an event to the inspection's chain (inside the caller's write transaction).
pub async fn append_event<C: ConnectionTrait>(
    db: &C,
    inspection_id: &str,
    actor: &str,
    kind: &str,
    data: serde_json::Value,
) -> ApiResult<Event> {
    let last = event::Entity::find()
        .filter(event::Column::InspectionId.eq(inspection_id))
        .order_by_desc(event::Column::Seq)
        .one(db)
        .await?;
    let prev: Option<Event> = last
        .map(|row| serde_json::from_str(&row.line))
        .transpose()
        .map_err(ApiError::internal)?;
    let ev = Event::following(prev.as_ref(), &format_time(Utc::now()), actor, kind, data)
        .map_err(ApiError::internal)?;
    let row = event::Model {
        inspection_id: inspection_id.to_owned(),
        seq: ev.seq as i64,
        line: serde_json::to_string(&ev).map_err(ApiError::internal)?,
        hash: ev.hash.clone(),
    };
    event::Entity::insert(row.into_active_model())
        .exec_without_returning(db)
        .await
        .map_err(|e| {
            if crate::db::is_unique_violation(&e) {
                ApiError::conflict(
                    "inspection.busy",
                    "the inspection changed at the same time; retry",
                )
            } else {
                e.into()
            }
        })?;
    Ok(ev)
}

/// The whole event log of an inspection, its chain checked.
pub async fn event_log<C: ConnectionTrait>(db: &C, inspection_id: &str) -> ApiResult<EventLog> {
    let rows = event::Entity::find()
        .filter(event::Column::InspectionId.eq(inspection_id))
        .order_by_asc(event::Column::Seq)
        .all(db)
        .await?;
    let events = rows
        .iter()
        .map(|r| serde_json::from_str::<Event>(&r.line))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::internal)?;
    EventLog::from_events(events)
        .map_err(|breaks| ApiError::internal(format!("event chain broken: {breaks:?}")))
}

/// The evidence rows of an inspection, in the order they were received.
pub async fn evidence_rows<C: ConnectionTrait>(
    db: &C,
    inspection_id: &str,
) -> ApiResult<Vec<evidence::Model>> {
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

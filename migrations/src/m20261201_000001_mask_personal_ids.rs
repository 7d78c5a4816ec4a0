//! Masks the full ID numbers rows already hold (requirements.md, "Personal data"), with the
//! core's own masking so it agrees with what the server does at intake since:
//! - inspections not sealed: the inspection document (`Inspection::mask_personal_ids`);
//! - their evidence: the item document (`EvidenceItem::mask_personal_ids`), its digest
//!   recomputed; a device signature over the unmasked item can no longer verify and is
//!   dropped (the item is kept as received unsigned);
//! - names: organizations, users' display names, devices; resumable uploads' metadata.
//!
//! Sealed inspections and their evidence are left alone: their bundle is signed and stored
//! (`hecha pii-scan` lists what remains there). Ids (user names, seat ids, item ids) are
//! referred to elsewhere and are not rewritten either; `hecha pii-scan` lists them.
//! Nothing to undo: `down` does nothing (the full numbers are gone on purpose).

use hecha_core::capture::pii::mask_id_like;
use hecha_core::model::{EvidenceItem, Inspection};
use hecha_core::seal::manifest::item_digest;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::QueryResult;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn text(row: &QueryResult, col: &str) -> Result<String, DbErr> {
    row.try_get::<String>("", col)
}

fn other(e: impl std::fmt::Display) -> DbErr {
    DbErr::Custom(e.to_string())
}

async fn update<C: ConnectionTrait>(
    db: &C,
    table: &'static str,
    key: (&'static str, &str),
    values: Vec<(&'static str, SimpleExpr)>,
) -> Result<(), DbErr> {
    let mut q = Query::update();
    q.table(table).and_where(Expr::col(key.0).eq(key.1));
    for (col, v) in values {
        q.value(col, v);
    }
    db.execute(&q).await?;
    Ok(())
}

/// Masks one text column of every row of `table`.
async fn mask_column<C: ConnectionTrait>(
    db: &C,
    table: &'static str,
    key: &'static str,
    col: &'static str,
) -> Result<(), DbErr> {
    let rows = db
        .query_all(&Query::select().columns([key, col]).from(table).to_owned())
        .await?;
    for row in rows {
        let value = text(&row, col)?;
        let masked = mask_id_like(&value);
        if masked != value {
            update(
                db,
                table,
                (key, &text(&row, key)?),
                vec![(col, masked.into())],
            )
            .await?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let open = db
            .query_all(
                &Query::select()
                    .columns(["id", "body"])
                    .from("inspections")
                    .and_where(Expr::col("status").ne("sealed"))
                    .to_owned(),
            )
            .await?;
        for row in open {
            let id = text(&row, "id")?;
            let mut insp: Inspection = serde_json::from_str(&text(&row, "body")?).map_err(other)?;
            if !insp.mask_personal_ids().is_empty() {
                let body = serde_json::to_string(&insp).map_err(other)?;
                update(db, "inspections", ("id", &id), vec![("body", body.into())]).await?;
            }
            let items = db
                .query_all(
                    &Query::select()
                        .columns(["id", "body"])
                        .from("evidence")
                        .and_where(Expr::col("inspection_id").eq(id.as_str()))
                        .to_owned(),
                )
                .await?;
            for item_row in items {
                let mut item: EvidenceItem =
                    serde_json::from_str(&text(&item_row, "body")?).map_err(other)?;
                if item.mask_personal_ids().is_empty() {
                    continue;
                }
                let digest = item_digest(&item).map_err(other)?;
                let body = serde_json::to_string(&item).map_err(other)?;
                update(
                    db,
                    "evidence",
                    ("id", &text(&item_row, "id")?),
                    vec![
                        ("body", body.into()),
                        ("digest", digest.into()),
                        ("device_signature", Option::<String>::None.into()),
                    ],
                )
                .await?;
            }
        }
        mask_column(db, "organizations", "id", "name").await?;
        mask_column(db, "users", "id", "display_name").await?;
        mask_column(db, "devices", "id", "name").await?;
        mask_column(db, "uploads", "id", "metadata").await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}

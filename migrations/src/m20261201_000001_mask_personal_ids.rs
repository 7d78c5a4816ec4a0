//! Masks the full ID numbers that rows written before masking existed may hold (issue: full
//! ID numbers never get in). Only what can still change is touched: inspections not yet
//! sealed and their evidence, organization names, user display names and device names.
//! Sealed inspections, their evidence and every event are left as they are (a sealed bundle
//! and a hash chain cannot change); `hecha pii-scan` lists where numbers remain.
//!
//! An unsealed item signed by a phone and holding a number is masked all the same: its
//! digest is recomputed and its device signature, which no longer matches, is removed (the
//! item is then what an unsigned upload would be). An item whose identifier holds a number
//! cannot be rewritten (other rows point at it) and is left for `hecha pii-scan`.

use hecha_core::model::personal_ids::{mask_inspection, mask_item, mask_text};
use hecha_core::model::{EvidenceItem, Inspection};
use hecha_core::seal::manifest::item_digest;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, QueryResult};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SEALED: &str = "sealed";

fn text(row: &QueryResult, col: &str) -> Result<String, DbErr> {
    row.try_get::<String>("", col)
}

async fn rows(
    manager: &SchemaManager<'_>,
    stmt: SelectStatement,
) -> Result<Vec<QueryResult>, DbErr> {
    let db = manager.get_connection();
    db.query_all(&stmt).await
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, DbErr> {
    serde_json::to_string(v).map_err(|e| DbErr::Custom(e.to_string()))
}

/// Sets columns of the row `id` of `table`.
async fn update(
    manager: &SchemaManager<'_>,
    table: &'static str,
    id: String,
    values: Vec<(&'static str, SimpleExpr)>,
) -> Result<(), DbErr> {
    let mut stmt = Query::update();
    stmt.table(table).and_where(Expr::col("id").eq(id));
    for (col, value) in values {
        stmt.value(col, value);
    }
    manager.exec_stmt(stmt.to_owned()).await
}

/// Masks one text column of a table, row by row.
async fn mask_column(
    manager: &SchemaManager<'_>,
    table: &'static str,
    col: &'static str,
) -> Result<(), DbErr> {
    let all = rows(
        manager,
        Query::select().columns(["id", col]).from(table).to_owned(),
    )
    .await?;
    for row in all {
        let value = text(&row, col)?;
        let masked = mask_text(&value);
        if masked != value {
            update(
                manager,
                table,
                text(&row, "id")?,
                vec![(col, masked.into())],
            )
            .await?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        mask_rows(manager).await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Masking cannot be undone: the numbers are gone.
        Ok(())
    }
}

/// What the migration does, callable again (tests run it over rows written behind the
/// API's back).
pub async fn mask_rows(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    mask_column(manager, "organizations", "name").await?;
    mask_column(manager, "users", "display_name").await?;
    mask_column(manager, "devices", "name").await?;

    let open = rows(
        manager,
        Query::select()
            .columns(["id", "body"])
            .from("inspections")
            .and_where(Expr::col("status").ne(SEALED))
            .to_owned(),
    )
    .await?;
    for row in open {
        let id = text(&row, "id")?;
        let Ok(insp) = serde_json::from_str::<Inspection>(&text(&row, "body")?) else {
            continue;
        };
        let Ok(masked) = mask_inspection(&insp) else {
            continue;
        };
        if !masked.masked_fields.is_empty() {
            let body = json(&masked.value)?;
            update(
                manager,
                "inspections",
                id.clone(),
                vec![("body", body.into())],
            )
            .await?;
        }
        let items = rows(
            manager,
            Query::select()
                .columns(["id", "body"])
                .from("evidence")
                .and_where(Expr::col("inspection_id").eq(id))
                .to_owned(),
        )
        .await?;
        for item_row in items {
            let Ok(item) = serde_json::from_str::<EvidenceItem>(&text(&item_row, "body")?) else {
                continue;
            };
            let Ok(masked) = mask_item(&item) else {
                continue;
            };
            if masked.masked_fields.is_empty() {
                continue;
            }
            let digest = item_digest(&masked.value).map_err(|e| DbErr::Custom(e.to_string()))?;
            let body = json(&masked.value)?;
            let values = vec![
                ("body", body.into()),
                ("digest", digest.into()),
                ("device_signature", Option::<String>::None.into()),
            ];
            update(manager, "evidence", text(&item_row, "id")?, values).await?;
        }
    }
    Ok(())
}

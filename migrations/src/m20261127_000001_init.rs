//! The first schema: organizations, users, tokens, devices, inspections and their evidence,
//! events, blobs, resumable uploads, seat tags and webhooks.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn index(table: &'static str, name: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(name).table(table);
    for c in cols {
        idx.col(*c);
    }
    idx.to_owned()
}

fn unique(table: &'static str, name: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut idx = index(table, name, cols);
    idx.unique();
    idx
}

fn fk(
    from: (&'static str, &'static str),
    to: (&'static str, &'static str),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

const TABLES: [&str; 13] = [
    "inspection_blobs",
    "webhook_deliveries",
    "webhooks",
    "seat_tags",
    "uploads",
    "events",
    "evidence",
    "inspections",
    "devices",
    "refresh_tokens",
    "users",
    "blobs",
    "organizations",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // authority | company | platform (the admins' own organization)
        m.create_table(
            Table::create()
                .table("organizations")
                .col(string("id").primary_key())
                .col(string("kind"))
                .col(string("name"))
                .col(string_null("uscc").unique_key())
                .col(string_null("authority_id"))
                .col(string("person_hash_key_id"))
                .col(string("person_hash_key"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("organizations", "authority_id"),
                    ("organizations", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("users")
                .col(string("id").primary_key())
                .col(string("org_id"))
                .col(string("username").unique_key())
                .col(string("display_name"))
                .col(string("role"))
                .col(string_null("password_hash"))
                .col(string_null("external_subject").unique_key())
                .col(boolean("disabled"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(("users", "org_id"), ("organizations", "id")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("refresh_tokens")
                .col(string("id").primary_key())
                .col(string("user_id"))
                .col(string("token_sha256").unique_key())
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(("refresh_tokens", "user_id"), ("users", "id")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("devices")
                .col(string("id").primary_key())
                .col(string("user_id"))
                .col(string("org_id"))
                .col(string("name"))
                .col(text("public_jwk"))
                .col(timestamp_with_time_zone("enrolled_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk(("devices", "user_id"), ("users", "id")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("inspections")
                .col(string("id").primary_key())
                .col(string("authority_id"))
                .col(string("company_id"))
                .col(string("mode"))
                .col(string("status"))
                .col(string("profile"))
                .col(string_null("supplement_of"))
                .col(text("body"))
                .col(timestamp_with_time_zone("window_start"))
                .col(timestamp_with_time_zone("window_end"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(big_integer("revision"))
                .col(timestamp_with_time_zone_null("sealed_at"))
                .col(string_null("sealed_by"))
                .col(string_null("manifest_sha256"))
                .col(string_null("review_status"))
                .foreign_key(&mut fk(
                    ("inspections", "company_id"),
                    ("organizations", "id"),
                ))
                .foreign_key(&mut fk(
                    ("inspections", "authority_id"),
                    ("organizations", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "inspections",
            "inspections_company",
            &["company_id", "created_at"],
        ))
        .await?;
        m.create_index(index(
            "inspections",
            "inspections_authority",
            &["authority_id", "created_at"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("evidence")
                .col(string("id").primary_key())
                .col(string("inspection_id"))
                .col(string("item_id"))
                .col(string("kind"))
                .col(text("body"))
                .col(string("digest"))
                .col(string_null("blob_sha256"))
                .col(string_null("device_id"))
                .col(text_null("device_signature"))
                .col(string("captured_by"))
                .col(big_integer_null("clock_offset_ms"))
                .col(timestamp_with_time_zone("received_at"))
                .foreign_key(&mut fk(
                    ("evidence", "inspection_id"),
                    ("inspections", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "evidence",
            "evidence_item",
            &["inspection_id", "item_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("events")
                .col(string("inspection_id"))
                .col(big_integer("seq"))
                .col(text("line"))
                .col(string("hash"))
                .primary_key(Index::create().col("inspection_id").col("seq"))
                .foreign_key(&mut fk(("events", "inspection_id"), ("inspections", "id")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("blobs")
                .col(string("sha256").primary_key())
                .col(big_integer("size"))
                .col(string_null("media_type"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        // Which inspection received which bytes: blobs are stored once per content, but an
        // item may only refer to bytes uploaded to its own inspection.
        m.create_table(
            Table::create()
                .table("inspection_blobs")
                .col(string("inspection_id"))
                .col(string("sha256"))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("inspection_id").col("sha256"))
                .foreign_key(&mut fk(
                    ("inspection_blobs", "inspection_id"),
                    ("inspections", "id"),
                ))
                .foreign_key(&mut fk(("inspection_blobs", "sha256"), ("blobs", "sha256")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("uploads")
                .col(string("id").primary_key())
                .col(string("inspection_id"))
                .col(string("user_id"))
                .col(big_integer("length"))
                .col(big_integer("offset"))
                .col(integer("chunks"))
                .col(text("metadata"))
                .col(string_null("sha256"))
                .col(string_null("blob_sha256"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .foreign_key(&mut fk(("uploads", "inspection_id"), ("inspections", "id")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("seat_tags")
                .col(string("tag").primary_key())
                .col(string("inspection_id"))
                .col(string("seat_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("seat_tags", "inspection_id"),
                    ("inspections", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "seat_tags",
            "seat_tags_seat",
            &["inspection_id", "seat_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("webhooks")
                .col(string("id").primary_key())
                .col(string("org_id"))
                .col(string("url"))
                .col(string("secret"))
                .col(string("events"))
                .col(boolean("active"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(("webhooks", "org_id"), ("organizations", "id")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("webhook_deliveries")
                .col(string("id").primary_key())
                .col(string("webhook_id"))
                .col(string("inspection_id"))
                .col(string("event"))
                .col(text("payload"))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(timestamp_with_time_zone_null("locked_until"))
                .col(integer_null("last_status"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone_null("delivered_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("webhook_deliveries", "webhook_id"),
                    ("webhooks", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "webhook_deliveries",
            "webhook_deliveries_due",
            &["delivered_at", "next_attempt_at"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

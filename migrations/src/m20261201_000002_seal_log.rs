//! The seal log (format §19): one row per leaf of the server's append-only RFC 6962 log of
//! official seals and key-history changes. `seq` (from 0, the leaf index) is the primary
//! key: an append inserts max + 1 inside the sealing transaction, so two replicas that race
//! for one index fail one insert, which retries — the database serializes the log. The leaf
//! hash is unique: one entry is one leaf, however many replicas append it at once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("seal_log")
                .col(big_integer("seq").primary_key())
                // RFC 6962 leaf hash (hex) of `entry`, kept so a tree head needs no re-hash.
                .col(string("leaf_hash"))
                // The entry's canonical JSON (JCS): the leaf's bytes.
                .col(text("entry"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        // One leaf per entry: replicas logging the same key history at once log it once.
        m.create_index(
            Index::create()
                .name("seal_log_leaf_hash")
                .table("seal_log")
                .col("leaf_hash")
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("seal_log").if_exists().to_owned())
            .await
    }
}

//! Failed sign-ins, so that every replica counts them alike: one row per failure, by user
//! name and by client address; rows older than the window are deleted as new ones come.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("sign_in_failures")
                .col(string("id").primary_key())
                // `user:<name>` or `address:<ip>`: never a password, never more.
                .col(string("subject"))
                .col(timestamp_with_time_zone("at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sign_in_failures_subject_at")
                .table("sign_in_failures")
                .col("subject")
                .col("at")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("sign_in_failures").to_owned())
            .await
    }
}

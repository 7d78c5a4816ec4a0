//! Refresh tokens belong to a family: the tokens one sign-in rotates through. Reusing a
//! token already rotated (a stolen copy replayed, or the thief's own use seen by the user)
//! revokes the whole family (OAuth 2.0 Security BCP, RFC 9700 §4.14.2). Rows from before are
//! each their own family.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("refresh_tokens")
                .add_column(string_null("family_id"))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::update()
                .table("refresh_tokens")
                .value("family_id", Expr::col("id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("refresh_tokens_family")
                .table("refresh_tokens")
                .col("family_id")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("refresh_tokens_family")
                .table("refresh_tokens")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("refresh_tokens")
                .drop_column("family_id")
                .to_owned(),
        )
        .await
    }
}

//! hecha's database schema as sea-orm migrations. The same migrations run on SQLite (the
//! embedded default) and PostgreSQL (production); the server runs them at start
//! (`hecha serve`) or alone (`hecha migrate`).
//!
//! Conventions: ids are text (UUIDs, JWK thumbprints, SHA-256 hex), times are
//! `timestamp with time zone`, structured documents (an inspection, an evidence item) are
//! JSON text written and read by the core's serde model, never interpreted by SQL.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_init;
pub mod m20261201_000001_mask_personal_ids;
mod m20261201_000002_seal_log;
mod m20261201_000003_refresh_token_family;
mod m20261201_000004_sign_in_failures;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_init::Migration),
            Box::new(m20261201_000001_mask_personal_ids::Migration),
            Box::new(m20261201_000002_seal_log::Migration),
            Box::new(m20261201_000003_refresh_token_family::Migration),
            Box::new(m20261201_000004_sign_in_failures::Migration),
        ]
    }
}

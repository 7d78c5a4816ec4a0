//! Persistence: sea-orm entities (one per table of `migrations/`) and connecting.

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use sea_orm_migration_reexport::MigratorTrait;

pub mod entities;

mod sea_orm_migration_reexport {
    pub use migration::MigratorTrait;
}

/// Connects to `url` (`sqlite://…?mode=rwc` or `postgres://…`).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .connect_timeout(std::time::Duration::from_secs(5))
        .acquire_timeout(std::time::Duration::from_secs(5));
    if url.starts_with("sqlite:") {
        // One writer at a time on SQLite; WAL lets readers go on while it writes. The
        // pragmas are per connection: set on every connection of the pool.
        opts.max_connections(8).map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(std::time::Duration::from_secs(15))
        });
        Database::connect(opts).await
    } else {
        opts.max_connections(32);
        Database::connect(opts).await
    }
}

/// Runs every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    migration::Migrator::up(db, None).await
}

/// Whether a database error means "the database cannot be reached" (503, not 500).
pub fn is_unavailable(e: &DbErr) -> bool {
    matches!(e, DbErr::Conn(_) | DbErr::ConnectionAcquire(_))
        || e.to_string().contains("Connection refused")
        || e.to_string().contains("PoolTimedOut")
}

/// Whether a database error is a unique-key violation (a concurrent insert won).
pub fn is_unique_violation(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

//! PostgreSQL for tests: the server at 127.0.0.1:5432 when one answers, else a throwaway
//! cluster started once (initdb + pg_ctl as the postgres user). Each test gets its own
//! database, dropped when the test ends.

use std::net::TcpStream;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use sea_orm::{ConnectionTrait, Database};

static BASE: OnceLock<String> = OnceLock::new();

fn answers(port: u16) -> bool {
    TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_millis(500),
    )
    .is_ok()
}

/// `postgres://postgres@127.0.0.1:PORT`, starting a cluster when none answers.
pub fn base_url() -> &'static str {
    BASE.get_or_init(|| {
        if answers(5432) {
            return "postgres://postgres@127.0.0.1:5432".to_owned();
        }
        let port = 55432;
        let dir = std::env::temp_dir().join("hecha-test-pg");
        if !answers(port) {
            start_cluster(&dir, port);
        }
        format!("postgres://postgres@127.0.0.1:{port}")
    })
}

fn pg_bin(name: &str) -> String {
    for v in ["17", "16", "15", "14", "13"] {
        let p = format!("/usr/lib/postgresql/{v}/bin/{name}");
        if std::path::Path::new(&p).exists() {
            return p;
        }
    }
    name.to_owned()
}

fn start_cluster(dir: &std::path::Path, port: u16) {
    let d = dir.display();
    let script = format!(
        "set -e; mkdir -p {d}; chown postgres {d}; \
         if [ ! -f {d}/PG_VERSION ]; then su postgres -c '{initdb} -D {d} -U postgres --auth=trust -E UTF8 >/dev/null'; fi; \
         su postgres -c \"{pg_ctl} -D {d} -o '-c listen_addresses=127.0.0.1 -p {port} -k {d}' -l {d}/pg.log -w start >/dev/null\"",
        initdb = pg_bin("initdb"),
        pg_ctl = pg_bin("pg_ctl"),
    );
    let st = Command::new("sh").arg("-c").arg(&script).status();
    assert!(
        matches!(st, Ok(s) if s.success()),
        "no PostgreSQL at 127.0.0.1:5432 and a throwaway one did not start (see {d}/pg.log)"
    );
}

/// A database of its own for one test; dropped on drop.
pub struct PgDb {
    pub name: String,
    pub url: String,
}

/// Runs SQL as the superuser on the maintenance database (`postgres`).
pub fn admin_exec(sql: String) -> Result<(), sea_orm::DbErr> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
    rt.block_on(async move {
        let db = Database::connect(format!("{}/postgres", base_url())).await?;
        db.execute_unprepared(&sql).await?;
        db.close().await
    })
}

impl PgDb {
    pub fn create() -> PgDb {
        let name = format!("hecha_test_{}", uuid::Uuid::new_v4().simple());
        if let Err(e) = admin_exec(format!("CREATE DATABASE {name}")) {
            panic!("cannot create test database {name}: {e}");
        }
        PgDb {
            url: format!("{}/{name}", base_url()),
            name,
        }
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        // The server's pool may still hold connections: FORCE closes them.
        let _ = std::thread::spawn(move || {
            admin_exec(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        })
        .join();
    }
}

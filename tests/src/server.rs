//! A real hecha server in this process: its own actix system on a thread, listening on
//! a free port, over SQLite (a temporary data directory) or a fresh PostgreSQL database.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::mpsc;

use hecha_server::settings::Settings;
use hecha_server::state::AppState;

use crate::client::Api;
use crate::pg::PgDb;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestServer {
    pub base: String,
    pub state: Arc<AppState>,
    pub data_dir: tempfile::TempDir,
    handle: Option<actix_web::dev::ServerHandle>,
    thread: Option<std::thread::JoinHandle<()>>,
    // Dropped after the server stopped.
    _pg: Option<PgDb>,
}

impl TestServer {
    /// A server with default settings on `backend` and a local blob directory.
    pub fn start(backend: Backend) -> TestServer {
        Self::start_with(backend, |_| {})
    }

    /// A server whose settings `adjust` may change (limits, S3, webhooks…).
    pub fn start_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> TestServer {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let pg = (backend == Backend::Postgres).then(PgDb::create);
        let mut settings = Settings {
            data_dir: data_dir.path().to_owned(),
            database_url: pg.as_ref().map(|p| p.url.clone()),
            listen: "127.0.0.1:0".into(),
            workers: Some(2),
            shutdown_timeout_s: 5,
            ..Settings::default()
        };
        settings.webhooks.poll_interval_ms = 100;
        settings.webhooks.base_delay_s = 1;
        // The tests' receivers listen on loopback: allowed as an operator would allow them.
        settings.webhooks.allow_hosts = vec!["127.0.0.1".into()];
        adjust(&mut settings);
        Self::launch(settings, pg, data_dir)
    }

    fn launch(settings: Settings, pg: Option<PgDb>, data_dir: tempfile::TempDir) -> TestServer {
        // HECHA_TEST_LOG=debug shows the servers' logs in a test's output.
        if let Ok(filter) = std::env::var("HECHA_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let sys = actix_web::rt::System::new();
            sys.block_on(async move {
                let started = async {
                    let state = hecha_server::startup::prepare(settings).await?;
                    let listener = TcpListener::bind("127.0.0.1:0")?;
                    let addr = listener.local_addr()?;
                    let (server, stop) = hecha_server::startup::run(state.clone(), listener)?;
                    anyhow::Ok((state, addr, server, stop))
                }
                .await;
                match started {
                    Ok((state, addr, server, stop)) => {
                        let _ = tx.send(Ok((state, addr, server.handle())));
                        let _ = server.await;
                        stop.notify_waiters();
                    }
                    Err(e) => {
                        let _ = tx.send(Err(format!("{e:#}")));
                    }
                }
            });
        });
        let (state, addr, handle) = match rx.recv() {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => panic!("server did not start: {e}"),
            Err(_) => panic!("server thread died"),
        };
        TestServer {
            base: format!("http://{addr}"),
            state,
            data_dir,
            handle: Some(handle),
            thread: Some(thread),
            _pg: pg,
        }
    }

    /// A second replica: same database, same keys, same blob store (S3 bucket or
    /// directory), its own process state and port.
    pub fn replica(&self) -> TestServer {
        let mut settings = self.state.settings.clone();
        settings.signing_keyring = Some(settings.signing_keyring());
        settings.auth.keyring = Some(settings.auth_keyring());
        if settings.database_url.is_none() {
            settings.database_url = Some(settings.database_url());
        }
        if settings.s3.is_none() {
            // The local store is shared through the first replica's directory.
            let blobs = settings.blob_dir();
            let dir = tempfile::tempdir().expect("temp dir");
            std::fs::remove_dir_all(dir.path()).ok();
            std::fs::create_dir_all(dir.path()).expect("dir");
            #[cfg(unix)]
            std::os::unix::fs::symlink(&blobs, dir.path().join("blobs")).expect("symlink");
            settings.data_dir = dir.path().to_owned();
            return Self::launch(settings, None, dir);
        }
        let dir = tempfile::tempdir().expect("temp dir");
        settings.data_dir = dir.path().to_owned();
        Self::launch(settings, None, dir)
    }

    /// A handle to stop the server from another thread (graceful: requests in flight end).
    pub fn handle(&self) -> Option<actix_web::dev::ServerHandle> {
        self.handle.clone()
    }

    /// Runs SQL on the server's database on a connection of its own (a pooled connection
    /// belongs to the runtime that opened it: the server's pool stays the server's) — rows
    /// written behind the API's back, as an insider or data from before a fix would.
    pub fn sql(&self, sql: &str) {
        use sea_orm::ConnectionTrait;
        let url = self.state.settings.database_url();
        let sql = sql.to_owned();
        run_async(async move {
            let db = hecha_server::db::connect(&url).await?;
            db.execute_unprepared(&sql).await?;
            db.close().await
        })
        .expect("sql");
    }

    pub fn api(&self) -> Api {
        Api::new(&self.base)
    }

    /// Creates an admin directly (as `hecha admin create` does) and signs in.
    pub fn admin(&self) -> Api {
        let api = self.api();
        let username = format!("admin-{}", uuid::Uuid::new_v4().simple());
        let password = "correct horse battery staple";
        let url = self.state.settings.database_url();
        let u = username.clone();
        run_async(async move {
            use hecha_server::service::directory::{
                NewOrganization, NewUser, create_org, create_user_in,
            };
            // A connection of its own: a PostgreSQL connection this short-lived runtime
            // opened in the server's pool would die with it and fail a later request.
            let db = hecha_server::db::connect(&url)
                .await
                .map_err(|e| e.to_string())?;
            let org = create_org(
                &db,
                NewOrganization {
                    kind: hecha_server::auth::OrgKind::Platform,
                    name: "platform".into(),
                    uscc: None,
                    authority_id: None,
                },
            )
            .await
            .map_err(|e| e.to_string())?;
            create_user_in(
                &db,
                NewUser {
                    org_id: org.id,
                    username: u,
                    display_name: "Admin".into(),
                    role: hecha_server::auth::Role::Admin,
                    password: Some(password.into()),
                    external_subject: None,
                },
            )
            .await
            .map_err(|e| e.to_string())?;
            db.close().await.map_err(|e| e.to_string())
        })
        .expect("admin created");
        api.login(&username, password)
    }

    /// The digests the `blobs` table holds (through a connection of its own, as `admin`).
    pub fn blob_rows(&self) -> Vec<String> {
        use sea_orm::EntityTrait;
        let url = self.state.settings.database_url();
        run_async(async move {
            let db = hecha_server::db::connect(&url).await?;
            let rows = hecha_server::db::entities::blob::Entity::find()
                .all(&db)
                .await?;
            db.close().await?;
            Ok::<_, sea_orm::DbErr>(rows.into_iter().map(|b| b.sha256).collect())
        })
        .expect("blobs table readable")
    }

    /// The files under `<data_dir>/<dir>` (relative to it, sorted); none
    /// when it does not exist. `blobs` is the local store's root, `spool` where request
    /// bodies land before they are stored.
    pub fn files_under(&self, dir: &str) -> Vec<String> {
        let root = self.data_dir.path().join(dir);
        let mut out = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(rel) = p.strip_prefix(&root) {
                    out.push(rel.to_string_lossy().into_owned());
                }
            }
        }
        out.sort();
        out
    }

    /// Every key the server's blob store holds: the bucket's keys when it stores on S3 (read
    /// with a store of the test's own), else the files under `<data_dir>/blobs`.
    pub fn stored_keys(&self) -> Vec<String> {
        use hecha_server::store::BlobStore;
        match self.state.settings.s3.clone() {
            Some(s3) => run_async(async move {
                let store = hecha_server::store::s3::S3Store::open(&s3)?;
                store.list("").await
            })
            .expect("bucket listable")
            .into_iter()
            .map(|o| o.key)
            .collect(),
            None => self.files_under("blobs"),
        }
    }

    /// Stops the server (graceful) and waits for it.
    pub fn stop(&mut self) {
        if let Some(h) = self.handle.take() {
            run_async(h.stop(true));
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs a future to completion on a fresh single-threaded runtime.
pub fn run_async<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

//! `hecha serve`, `hecha migrate`, `hecha admin`, `hecha export`, `hecha gc`: the server
//! and its operations from the command line.

use super::doing;
use super::words;
use hecha_core::msg;
use std::io::{BufRead, Write};
use std::net::TcpListener;
use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::Duration;
use hecha_core::model::Lang;
use hecha_server::auth::{OrgKind, Role};
use hecha_server::db::entities::{inspection, organization, user};
use hecha_server::service::ServiceError;
use hecha_server::settings::{Overrides, Settings};
use hecha_server::startup;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// Where the configuration comes from (every command that opens the server's state).
#[derive(clap::Args, Debug, Clone)]
pub struct ConfigArgs {
    /// Configuration file (default: ./hecha.toml when present).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Data directory: SQLite database, local blobs, keys.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Database URL (also DATABASE_URL): postgres://… or sqlite://…
    #[arg(long)]
    pub database_url: Option<String>,
}

impl ConfigArgs {
    fn load(&self, listen: Option<String>) -> anyhow::Result<Settings> {
        Settings::load(&Overrides {
            config: self.config.clone(),
            listen,
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
        })
    }
}

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long)]
    pub listen: Option<String>,
}

/// A failed operation, as the command line reports it: its message in `lang`.
fn failed(e: &ServiceError, lang: Lang) -> anyhow::Error {
    anyhow::anyhow!("{}", e.detail(lang))
}

fn system<F: std::future::Future<Output = anyhow::Result<u8>>>(f: F) -> anyhow::Result<u8> {
    actix_web::rt::System::new().block_on(f)
}

pub fn serve(args: &ServeArgs) -> anyhow::Result<u8> {
    let settings = args.config.load(args.listen.clone())?;
    system(async move {
        let listener = TcpListener::bind(&settings.listen).with_context(|| {
            words(&msg!(
                "cli-cannot-listen",
                address = settings.listen.to_string()
            ))
        })?;
        let addr = listener.local_addr()?;
        let state = startup::prepare(settings).await?;
        let admins = user::Entity::find()
            .filter(user::Column::Role.eq(Role::Admin.as_str()))
            .all(&state.db)
            .await?
            .len();
        let s = &state.settings;
        // The address ends the first line (scripts and tests read it from there).
        let addr = addr.to_string();
        for line in [
            msg!(
                "cli-serve-listening",
                program = "hecha",
                version = env!("CARGO_PKG_VERSION"),
                url = format!("http://{addr}")
            ),
            msg!(
                "cli-serve-data-dir",
                path = s.data_dir.display().to_string()
            ),
            msg!(
                "cli-serve-database",
                url = startup::redact(&s.database_url()).to_string()
            ),
            msg!("cli-serve-blob-store", store = state.store.describe()),
            msg!(
                "cli-serve-api",
                api = format!("http://{addr}/api/v1"),
                openapi = "/api/v1/openapi.json"
            ),
            msg!(
                "cli-serve-health",
                health = format!("http://{addr}/healthz  /readyz  /metrics")
            ),
        ] {
            eprintln!("{}", words(&line));
        }
        if admins == 0 {
            eprintln!();
            eprintln!("{}", words(&msg!("cli-serve-no-admin")));
            eprintln!("  hecha admin create --username admin{}", data_dir_flag(s));
        }
        tracing::info!(%addr, "listening");
        let (server, stop) = startup::run(state, listener)?;
        server.await?;
        stop.notify_waiters();
        Ok(0)
    })
}

fn data_dir_flag(s: &Settings) -> String {
    if s.data_dir == std::path::Path::new("hecha-data") && s.database_url.is_none() {
        String::new()
    } else if s.database_url.is_some() {
        " (with the same DATABASE_URL)".into()
    } else {
        format!(" --data-dir {}", s.data_dir.display())
    }
}

pub fn migrate(args: &ConfigArgs) -> anyhow::Result<u8> {
    let settings = args.load(None)?;
    system(async move {
        hecha_server::private_fs::secure_data_dir(&settings)
            .with_context(doing("cli-data-dir", &settings.data_dir))?;
        let url = settings.database_url();
        let db = hecha_server::db::connect(&url).await.with_context(|| {
            words(&msg!(
                "cli-cannot-open",
                what = startup::redact(&url).to_string()
            ))
        })?;
        hecha_server::db::migrate(&db).await?;
        eprintln!(
            "{}",
            words(&msg!(
                "cli-migrated",
                url = startup::redact(&url).to_string()
            ))
        );
        Ok(0)
    })
}

#[derive(clap::Args, Debug)]
pub struct AdminArgs {
    #[command(subcommand)]
    pub command: AdminCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum AdminCommand {
    /// Create an admin (the platform organization is created with the first one). The
    /// password is read from HECHA_ADMIN_PASSWORD or the first line of standard input.
    Create {
        #[command(flatten)]
        config: ConfigArgs,
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "Administrator")]
        display_name: String,
    },
}

/// `lang`: the language a failed operation's message is printed in.
pub fn admin(args: &AdminArgs, lang: Lang) -> anyhow::Result<u8> {
    let AdminCommand::Create {
        config,
        username,
        display_name,
    } = &args.command;
    let settings = config.load(None)?;
    let password = match std::env::var("HECHA_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            eprint!("password for {username} (at least 12 characters): ");
            std::io::stderr().flush()?;
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let (username, display_name) = (username.clone(), display_name.clone());
    system(async move {
        let state = startup::prepare(settings).await?;
        let platform = match organization::Entity::find()
            .filter(organization::Column::Kind.eq(OrgKind::Platform.as_str()))
            .one(&state.db)
            .await?
        {
            Some(p) => p,
            None => hecha_server::service::directory::create_org(
                &state.db,
                hecha_server::service::directory::NewOrganization {
                    kind: OrgKind::Platform,
                    name: "hecha platform".into(),
                    uscc: None,
                    authority_id: None,
                },
            )
            .await
            .map_err(|e| failed(&e, lang))?,
        };
        let u = hecha_server::service::directory::create_user_in(
            &state.db,
            hecha_server::service::directory::NewUser {
                org_id: platform.id,
                username,
                display_name,
                role: Role::Admin,
                password: Some(password),
                external_subject: None,
            },
        )
        .await
        .map_err(|e| failed(&e, lang))?;
        println!(
            "{}",
            serde_json::json!({ "user_id": u.id, "username": u.username, "role": "admin" })
        );
        Ok(0)
    })
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// The sealed inspection's id.
    pub inspection_id: String,
    /// Where to write the BagIt zip.
    #[arg(long)]
    pub out: PathBuf,
}

/// `lang`: the language a failed operation's message is printed in.
pub fn export(args: &ExportArgs, lang: Lang) -> anyhow::Result<u8> {
    let settings = args.config.load(None)?;
    let (id, out) = (args.inspection_id.clone(), args.out.clone());
    system(async move {
        let state = startup::prepare(settings).await?;
        let Some(row) = inspection::Entity::find_by_id(id.clone())
            .one(&state.db)
            .await?
        else {
            eprintln!(
                "hecha: {}",
                words(&msg!("cli-no-inspection", id = id.as_str()))
            );
            return Ok(crate::EXIT_USAGE);
        };
        if row.status != hecha_server::db::entities::InspectionStatus::Sealed {
            eprintln!(
                "hecha: {}",
                words(&msg!(
                    "cli-not-sealed",
                    id = id.as_str(),
                    status = row.status.to_string()
                ))
            );
            return Ok(crate::EXIT_PROBLEMS);
        }
        let (mut file, len) = hecha_server::service::sealing::export(&state, &row)
            .await
            .map_err(|e| failed(&e, lang))?;
        let bar = super::bundle::progress_bar(len, "export");
        let tmp = out.with_extension("zip.partial");
        let result = (|| -> anyhow::Result<()> {
            let mut dest =
                std::fs::File::create(&tmp).with_context(doing("cli-cannot-create", &tmp))?;
            std::io::copy(&mut file, &mut bar.wrap_write(&mut dest))?;
            dest.sync_all()?;
            std::fs::rename(&tmp, &out)?;
            Ok(())
        })();
        bar.finish_and_clear();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        eprintln!(
            "{}",
            words(&msg!(
                "cli-wrote",
                path = out.display().to_string(),
                bytes = len
            ))
        );
        Ok(0)
    })
}

#[derive(clap::Args, Debug)]
pub struct GcArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Only objects older than this are collected (uploads in flight are younger).
    #[arg(long, default_value_t = 24)]
    pub grace_hours: i64,
    /// Say what would be deleted, delete nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Deletes blobs no row refers to (a crash between store and commit leaves them) and
/// expired resumable uploads.
pub fn gc(args: &GcArgs) -> anyhow::Result<u8> {
    let settings = args.config.load(None)?;
    let (grace, dry) = (args.grace_hours, args.dry_run);
    system(async move {
        let state = startup::prepare(settings).await?;
        let report = hecha_server::service::gc::run(&state, Duration::hours(grace), dry).await?;
        if dry {
            for key in &report.orphan_keys {
                println!("{}", words(&msg!("cli-would-delete", key = key.as_str())));
            }
            for id in &report.expired_uploads {
                println!(
                    "{}",
                    words(&msg!("cli-would-drop-upload", id = id.as_str()))
                );
            }
        }
        println!(
            "{}",
            serde_json::json!({
                "orphan_blobs": report.orphan_keys.len(), "orphan_bytes": report.orphan_bytes,
                "expired_uploads": report.expired_uploads.len(), "dry_run": dry,
            })
        );
        if !report.orphan_keys.is_empty() && dry {
            bail!(words(&msg!("cli-dry-run")));
        }
        Ok(0)
    })
}

#[derive(clap::Args, Debug)]
pub struct PiiScanArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Print the report as one JSON document.
    #[arg(long)]
    pub json: bool,
}

/// Lists where full ID numbers remain (places and fields, never values); exit 1 when any.
pub fn pii_scan(args: &PiiScanArgs) -> anyhow::Result<u8> {
    let settings = args.config.load(None)?;
    let json = args.json;
    system(async move {
        let state = startup::prepare(settings).await?;
        let report = hecha_server::pii_scan::scan(&state.db, state.store.as_ref()).await?;
        if json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            for hit in &report.hits {
                println!("{}\t{}", hit.place, hit.field);
            }
            eprintln!(
                "{}",
                words(&msg!(
                    "cli-pii-scanned",
                    rows = report.rows,
                    objects = report.objects,
                    hits = report.hits.len()
                ))
            );
        }
        Ok(if report.hits.is_empty() {
            0
        } else {
            crate::EXIT_PROBLEMS
        })
    })
}

//! Configuration: built-in defaults, then `hecha.toml` (or `--config FILE`), then
//! environment variables `HECHA_<KEY>` with `__` for nesting (`HECHA_S3__BUCKET`), then
//! `DATABASE_URL`, then command-line flags. Nothing is required: with no configuration the
//! server keeps everything under `./hecha-data`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::store::s3::S3Settings;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Settings {
    /// Address to listen on.
    pub listen: String,
    /// Where the SQLite database, the local blob directory and the keys live.
    pub data_dir: PathBuf,
    /// `postgres://…` in production; default `sqlite://<data_dir>/hecha.db`.
    pub database_url: Option<String>,
    /// S3-compatible object storage; when absent, blobs go to `<data_dir>/blobs`.
    pub s3: Option<S3Settings>,
    pub auth: AuthSettings,
    pub limits: Limits,
    /// Bundle-signing keyring directory (default `<data_dir>/keys/bundle`). Replicas share it
    /// (a mounted secret).
    pub signing_keyring: Option<PathBuf>,
    /// Rehearsal-signing keyring directory (default `<data_dir>/keys/rehearsal`): rehearsal
    /// bundles are signed by keys of their own, which no official key history reaches.
    pub rehearsal_keyring: Option<PathBuf>,
    /// Operator rule profiles: `<dir>/<id>.toml` overrides or adds to the built-in ones.
    pub profiles_dir: Option<PathBuf>,
    pub tsa: Option<TsaSettings>,
    pub webhooks: WebhookSettings,
    /// A bearer token `/metrics` requires (Prometheus' `authorization` credentials). Unset:
    /// `/metrics` is public — keep the port off the internet then.
    pub metrics_token: Option<String>,
    /// An address of its own for `/metrics` (e.g. `127.0.0.1:9464`): when set, `/metrics`
    /// is served there only, and that listener serves nothing else.
    pub metrics_listen: Option<String>,
    /// Seconds graceful shutdown waits for requests in flight (uploads) to finish.
    pub shutdown_timeout_s: u64,
    /// HTTP worker threads (default: the number of cores).
    pub workers: Option<usize>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct AuthSettings {
    /// Access token lifetime.
    pub access_ttl_s: i64,
    /// Refresh token lifetime.
    pub refresh_ttl_s: i64,
    /// Token-signing keyring (default `<data_dir>/keys/auth`), separate from bundle keys.
    pub keyring: Option<PathBuf>,
    /// An external OpenID provider whose tokens are also accepted.
    pub oidc: Option<OidcSettings>,
    /// Failed sign-ins of one user name within `failure_window_s` after which sign-in
    /// answers 429 until the window has passed (counted in the database: every replica).
    pub max_failures_per_user: u32,
    /// The same for one client address (many user names tried from one place).
    pub max_failures_per_address: u32,
    pub failure_window_s: i64,
    /// The header a trusted reverse proxy sets to the client's address (e.g.
    /// `X-Forwarded-For`, whose last value is taken). Unset: the connection's peer address;
    /// a client-sent header is then ignored, so it cannot choose its own address.
    pub client_address_header: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OidcSettings {
    pub issuer: String,
    pub jwks_url: String,
    pub audience: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Limits {
    /// Largest evidence upload (photo, document, media), bytes.
    pub max_upload_bytes: u64,
    /// Largest JSON request body, bytes.
    pub max_json_bytes: usize,
    /// Largest image read whole (EXIF, QR decoding), bytes.
    pub max_image_bytes: u64,
    /// Uploads written to the store at once. A body that finds no free slot is spooled to
    /// disk and waits for one. Bodies are streamed to the store, never whole in memory.
    pub upload_concurrency: usize,
    /// Unfinished resumable uploads expire after this many hours.
    pub upload_expiry_hours: i64,
    /// A body passed straight to the store (holding a store slot) is given up, 408
    /// `upload.stalled`, when no byte of it arrives for this many seconds.
    pub body_idle_timeout_s: u64,
    /// Memory, MB, photos may take while being decoded at once (`crate::decode`).
    pub decode_memory_mb: u32,
    /// Seconds a decode waits for its share of that memory before 503 `decode.busy`.
    pub decode_wait_s: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TsaSettings {
    pub url: String,
    #[serde(default = "default_tsa_timeout")]
    pub timeout_s: u64,
}

fn default_tsa_timeout() -> u64 {
    30
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct WebhookSettings {
    /// Attempts before a delivery is given up (it stays in the log; redeliver by hand).
    pub max_attempts: i32,
    /// First retry delay; doubles each attempt (capped at one hour).
    pub base_delay_s: i64,
    /// Seconds to wait for the receiver.
    pub timeout_s: u64,
    /// How often a replica looks for due deliveries.
    pub poll_interval_ms: u64,
    /// Hosts (names or addresses, as written in the webhook URL) a webhook may reach even
    /// when they are internal (loopback, private, link-local). Empty: public addresses only.
    pub allow_hosts: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("hecha-data"),
            database_url: None,
            s3: None,
            auth: AuthSettings::default(),
            limits: Limits::default(),
            signing_keyring: None,
            rehearsal_keyring: None,
            profiles_dir: None,
            tsa: None,
            webhooks: WebhookSettings::default(),
            metrics_token: None,
            metrics_listen: None,
            shutdown_timeout_s: 60,
            workers: None,
        }
    }
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            access_ttl_s: 15 * 60,
            refresh_ttl_s: 30 * 24 * 3600,
            keyring: None,
            oidc: None,
            max_failures_per_user: 10,
            max_failures_per_address: 100,
            failure_window_s: 15 * 60,
            client_address_header: None,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_upload_bytes: 2 * 1024 * 1024 * 1024,
            max_json_bytes: 1024 * 1024,
            max_image_bytes: 64 * 1024 * 1024,
            upload_concurrency: 8,
            upload_expiry_hours: 72,
            body_idle_timeout_s: 30,
            decode_memory_mb: 768,
            decode_wait_s: 60,
        }
    }
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            max_attempts: 12,
            base_delay_s: 5,
            timeout_s: 10,
            poll_interval_ms: 1000,
            allow_hosts: Vec::new(),
        }
    }
}

/// What the command line may override.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
}

impl Settings {
    /// Loads the settings: defaults < file < `HECHA_*` < `DATABASE_URL` < flags. The file is
    /// `--config` (must exist) or `./hecha.toml` (when present).
    pub fn load(o: &Overrides) -> anyhow::Result<Settings> {
        use config::{Config, Environment, File, FileFormat};
        let mut b = Config::builder().add_source(config::Config::try_from(&Settings::default())?);
        match &o.config {
            Some(path) => {
                b = b.add_source(
                    File::from(path.as_path())
                        .format(FileFormat::Toml)
                        .required(true),
                );
            }
            None => {
                b = b.add_source(File::new("hecha.toml", FileFormat::Toml).required(false));
            }
        }
        b = b.add_source(
            Environment::with_prefix("HECHA")
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true),
        );
        let mut s: Settings = b
            .build()
            .and_then(|c| c.try_deserialize())
            .map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
        if let Ok(url) = std::env::var("DATABASE_URL")
            && !url.is_empty()
        {
            s.database_url = Some(url);
        }
        if let Some(v) = &o.listen {
            s.listen = v.clone();
        }
        if let Some(v) = &o.data_dir {
            s.data_dir = v.clone();
        }
        if let Some(v) = &o.database_url {
            s.database_url = Some(v.clone());
        }
        Ok(s)
    }

    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("hecha.db").display()
            )
        })
    }

    pub fn blob_dir(&self) -> PathBuf {
        self.data_dir.join("blobs")
    }

    /// Where uploads are spooled before they go to the store.
    pub fn spool_dir(&self) -> PathBuf {
        self.data_dir.join("spool")
    }

    pub fn signing_keyring(&self) -> PathBuf {
        self.signing_keyring
            .clone()
            .unwrap_or_else(|| self.data_dir.join("keys").join("bundle"))
    }

    pub fn rehearsal_keyring(&self) -> PathBuf {
        self.rehearsal_keyring
            .clone()
            .unwrap_or_else(|| self.data_dir.join("keys").join("rehearsal"))
    }

    /// The keyring whose keys sign bundles of `purpose`.
    pub fn keyring_for(&self, purpose: hecha_core::seal::keys::KeyPurpose) -> PathBuf {
        match purpose {
            hecha_core::seal::keys::KeyPurpose::Official => self.signing_keyring(),
            hecha_core::seal::keys::KeyPurpose::Rehearsal => self.rehearsal_keyring(),
        }
    }

    pub fn auth_keyring(&self) -> PathBuf {
        self.auth
            .keyring
            .clone()
            .unwrap_or_else(|| self.data_dir.join("keys").join("auth"))
    }

    pub fn profile_path(&self, id: &str) -> Option<PathBuf> {
        let dir: &Path = self.profiles_dir.as_deref()?;
        Some(dir.join(format!("{id}.toml")))
    }
}

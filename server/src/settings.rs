//! Configuration: built-in defaults, then `hecha.toml` (or `--config FILE`), then
//! environment variables `HECHA_<KEY>` with `__` for nesting (`HECHA_S3__BUCKET`), then
//! `DATABASE_URL`, then command-line flags. Nothing is required: with no configuration the
//! server keeps everything under `./hecha-data`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::store::s3::S3Settings;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
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
#[serde(default, deny_unknown_fields)]
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
#[serde(default, deny_unknown_fields)]
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
#[serde(default, deny_unknown_fields)]
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
        Self::load_from(o, std::env::vars())
    }

    /// [`Settings::load`] with the environment given. Every table refuses keys it does not
    /// know, so a typo (`[limits] max_uplod_bytes`, `HECHA_LIMITS__MAX_UPLOD_BYTES`) is an
    /// error naming the key, not a bound silently left at its default. `HECHA_*` variables
    /// whose first part names no setting (`HECHA_LOG`, `HECHA_ADMIN_PASSWORD`: read by
    /// other parts) are not configuration and are left out.
    pub fn load_from(
        o: &Overrides,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<Settings> {
        use config::{Config, Environment, File, FileFormat};
        let known: Vec<String> = match serde_json::to_value(Settings::default()) {
            Ok(serde_json::Value::Object(m)) => m.keys().cloned().collect(),
            _ => Vec::new(),
        };
        let settings_env: config::Map<String, String> = env
            .into_iter()
            .filter(|(k, _)| {
                k.strip_prefix("HECHA_")
                    .map(|rest| rest.split("__").next().unwrap_or("").to_ascii_lowercase())
                    .is_some_and(|first| known.contains(&first))
            })
            .collect();
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
                .try_parsing(true)
                .source(Some(settings_env)),
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
    pub fn keyring_for(&self, purpose: hecha_core::seal::key::KeyPurpose) -> PathBuf {
        match purpose {
            hecha_core::seal::key::KeyPurpose::Official => self.signing_keyring(),
            hecha_core::seal::key::KeyPurpose::Rehearsal => self.rehearsal_keyring(),
        }
    }

    pub fn auth_keyring(&self) -> PathBuf {
        self.auth
            .keyring
            .clone()
            .unwrap_or_else(|| self.data_dir.join("keys").join("auth"))
    }

    /// The operator's file for profile `id`, when a profiles directory is set and `id` is
    /// a profile id (`[a-z0-9]` then up to 63 of `[a-z0-9_-]`): an id from a request is
    /// never joined into a path otherwise (`../../etc/passwd` names no file).
    pub fn profile_path(&self, id: &str) -> Option<PathBuf> {
        let dir: &Path = self.profiles_dir.as_deref()?;
        is_profile_id(id).then(|| dir.join(format!("{id}.toml")))
    }
}

/// Whether `id` can name a profile: `[a-z0-9]` then up to 63 of `[a-z0-9_-]`.
pub fn is_profile_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && id.len() <= 64
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> (tempfile::TempDir, Overrides) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hecha.toml");
        std::fs::write(&path, text).unwrap();
        let o = Overrides {
            config: Some(path),
            ..Overrides::default()
        };
        (dir, o)
    }

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_typo_in_any_table_is_an_error_naming_the_key() {
        for (text, key) in [
            ("listn = \"0.0.0.0:80\"\n", "listn"),
            ("[limits]\nmax_uplod_bytes = 5\n", "max_uplod_bytes"),
            ("[auth]\naccess_ttl = 60\n", "access_ttl"),
            ("[webhooks]\nallow_host = [\"x\"]\n", "allow_host"),
            (
                "[s3]\nbucket = \"b\"\nregion = \"r\"\nendpoint = \"http://x\"\naccess_key = \"a\"\nsecret_key = \"s\"\npath_styl = true\n",
                "path_styl",
            ),
        ] {
            let (_dir, o) = file(text);
            let e = Settings::load_from(&o, env(&[])).unwrap_err().to_string();
            assert!(e.contains(key), "{text}: {e}");
        }
        let (_dir, o) = file("[limits]\nmax_upload_bytes = 5\n");
        assert_eq!(
            Settings::load_from(&o, env(&[]))
                .unwrap()
                .limits
                .max_upload_bytes,
            5
        );
    }

    #[test]
    fn the_environment_is_checked_too_and_other_hecha_variables_are_left_alone() {
        let (_dir, o) = file("");
        let e = Settings::load_from(&o, env(&[("HECHA_LIMITS__MAX_UPLOD_BYTES", "5")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("max_uplod_bytes"), "{e}");
        let s = Settings::load_from(
            &o,
            env(&[
                ("HECHA_LOG", "debug"),
                ("HECHA_ADMIN_PASSWORD", "x"),
                ("HECHA_LIMITS__MAX_UPLOAD_BYTES", "7"),
            ]),
        )
        .unwrap();
        assert_eq!(s.limits.max_upload_bytes, 7);
    }

    #[test]
    fn a_profile_id_from_a_request_is_never_a_path() {
        let s = Settings {
            profiles_dir: Some(PathBuf::from("/srv/profiles")),
            ..Settings::default()
        };
        assert_eq!(
            s.profile_path("jiangsu-suzhou"),
            Some(PathBuf::from("/srv/profiles/jiangsu-suzhou.toml"))
        );
        for bad in [
            "../../etc/passwd",
            "a/b",
            "/abs",
            "",
            "UPPER",
            ".hidden",
            "a\\b",
        ] {
            assert_eq!(s.profile_path(bad), None, "{bad}");
        }
    }
}

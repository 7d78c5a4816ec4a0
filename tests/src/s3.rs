//! Real S3 servers for the tests, each a child process on a free port of 127.0.0.1, killed
//! when the [`S3Server`] is dropped:
//! - s3s-fs (a Rust S3 server on a directory; checks SigV4 signatures with one key pair);
//! - moto (Python; accepts any credentials; has Object Lock).

use std::collections::BTreeSet;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use hecha_server::store::s3::S3Settings;

const S3S_FS_INSTALL: &str = "cargo install s3s-fs@0.14.1 --features binary --locked";
const MOTO_INSTALL: &str = "python3 -m pip install 'moto[server]'";
const STARTUP: Duration = Duration::from_secs(30);

pub struct S3Server {
    child: Child,
    port: u16,
    pub access_key: String,
    pub secret_key: String,
    /// The server's data directory and its log.
    dir: tempfile::TempDir,
}

impl S3Server {
    /// s3s-fs on a fresh directory, accepting only [`Self::access_key`] / [`Self::secret_key`].
    pub fn start_s3s_fs() -> S3Server {
        let program = find_s3s_fs().unwrap_or_else(|| {
            panic!(
                "s3s-fs is not installed (not on PATH nor in ~/.cargo/bin): run `{S3S_FS_INSTALL}`"
            )
        });
        let dir = temp_dir();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap_or_else(|e| panic!("creating {}: {e}", data.display()));
        let (access_key, secret_key) = ("hecha-test-access", "hecha-test-secret");
        let command = |port: u16| {
            let mut command = Command::new(&program);
            command
                .args(["--host", "127.0.0.1", "--port", &port.to_string()])
                .args(["--access-key", access_key, "--secret-key", secret_key])
                .arg(&data);
            command
        };
        S3Server::spawn(command, "s3s-fs", dir, access_key, secret_key)
    }

    /// moto's server (any credentials are accepted; these are placeholders).
    pub fn start_moto() -> S3Server {
        let moto_server = find_on_path("moto_server");
        if moto_server.is_none() {
            let importable = Command::new("python3")
                .args(["-c", "import moto.server"])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !importable {
                panic!("moto is not installed: run `{MOTO_INSTALL}`");
            }
        }
        let command = |port: u16| {
            let mut command = match &moto_server {
                Some(program) => Command::new(program),
                None => {
                    let mut command = Command::new("python3");
                    command.args(["-m", "moto.server"]);
                    command
                }
            };
            command.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
            command
        };
        S3Server::spawn(command, "moto", temp_dir(), "testing", "testing")
    }

    /// Starts `command(port)` on a free port, on another one when the port was taken in
    /// the meantime by a process outside these tests.
    fn spawn(
        command: impl Fn(u16) -> Command,
        name: &str,
        dir: tempfile::TempDir,
        access_key: &str,
        secret_key: &str,
    ) -> S3Server {
        let mut tries = 3;
        loop {
            tries -= 1;
            let port = free_port();
            match S3Server::spawn_on(command(port), name, &dir, port) {
                Ok(child) => {
                    return S3Server {
                        child,
                        port,
                        access_key: access_key.to_owned(),
                        secret_key: secret_key.to_owned(),
                        dir,
                    };
                }
                Err(failure) if tries == 0 => panic!("{failure}"),
                Err(_) => continue,
            }
        }
    }

    /// The child once it listens on `port`, or why it does not.
    fn spawn_on(
        mut command: Command,
        name: &str,
        dir: &tempfile::TempDir,
        port: u16,
    ) -> Result<Child, String> {
        let log_path = dir.path().join("server.log");
        let log = std::fs::File::create(&log_path)
            .unwrap_or_else(|e| panic!("creating {}: {e}", log_path.display()));
        let log_err = log
            .try_clone()
            .unwrap_or_else(|e| panic!("cloning the log file handle: {e}"));
        let mut child = command
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {name} ({command:?}): {e}"));
        let log = || std::fs::read_to_string(&log_path).unwrap_or_default();
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + STARTUP;
        loop {
            // Our child must still run once the port answers: a port taken by someone else
            // answers too, while our server dies on it.
            let answers = TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok();
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!(
                    "{name} exited ({status}) before listening:\n{}",
                    log()
                ));
            }
            if answers {
                return Ok(child);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{name} is not listening on {address} after {} s:\n{}",
                    STARTUP.as_secs(),
                    log()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Path-style settings for `bucket` on this server, without Object Lock.
    /// Settings for `bucket`, created first (path style, no Object Lock).
    pub fn bucket(&self, bucket: &str) -> S3Settings {
        let settings = self.settings(bucket);
        crate::server::run_async(async {
            hecha_server::store::s3::S3Store::open(&settings)
                .expect("S3 settings")
                .create_bucket_if_missing(false)
                .await
                .expect("bucket created")
        });
        settings
    }

    pub fn settings(&self, bucket: &str) -> S3Settings {
        S3Settings {
            endpoint: self.endpoint(),
            region: "us-east-1".to_owned(),
            bucket: bucket.to_owned(),
            path_style: true,
            access_key: self.access_key.clone(),
            secret_key: self.secret_key.clone(),
            object_lock: None,
        }
    }

    /// What the server printed so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("hecha-s3-")
        .tempdir()
        .unwrap_or_else(|e| panic!("creating a temporary directory: {e}"))
}

/// A port nobody listens on right now (the OS picks it; the server binds it right after),
/// never handed out twice in this process: tests run in parallel, and two servers (or a
/// server and a test that needs a silent port) must not get the same one.
pub fn free_port() -> u16 {
    static HANDED_OUT: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    loop {
        let port = TcpListener::bind(("127.0.0.1", 0))
            .and_then(|listener| listener.local_addr())
            .map(|address| address.port())
            .unwrap_or_else(|e| panic!("finding a free port: {e}"));
        let mut handed_out = HANDED_OUT.lock().unwrap_or_else(PoisonError::into_inner);
        if handed_out.insert(port) {
            return port;
        }
    }
}

fn find_s3s_fs() -> Option<PathBuf> {
    find_on_path("s3s-fs").or_else(|| {
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))?;
        let program = cargo_home.join("bin").join("s3s-fs");
        program.is_file().then_some(program)
    })
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// A bucket client of its own (rust-s3), to look at objects as the service has them.
pub fn raw_bucket(settings: &S3Settings) -> Box<s3::Bucket> {
    let region = s3::Region::Custom {
        region: settings.region.clone(),
        endpoint: settings.endpoint.clone(),
    };
    let credentials = s3::creds::Credentials::new(
        Some(&settings.access_key),
        Some(&settings.secret_key),
        None,
        None,
        None,
    )
    .unwrap();
    s3::Bucket::new(&settings.bucket, region, credentials)
        .unwrap()
        .with_path_style()
}

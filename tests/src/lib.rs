//! Helpers shared by the end-to-end tests (see `tests/tests/`): a real `hecha` server
//! started in-process on a free port over SQLite or a fresh PostgreSQL database, an HTTP
//! client, and the example inspection turned into API calls.

// A test-support crate: a failed expectation here is a failed test, as in the tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod client;
pub mod flow;
pub mod pg;
pub mod receiver;
pub mod s3;
pub mod server;

pub use client::{Api, Resp};
pub use server::{Backend, TestServer};

/// The workspace root (examples, fixtures).
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default()
}

/// The built `hecha` binary (target/<profile>/hecha, beside this test's `deps/`).
/// `cargo test --workspace` builds it with the server's tests; never a nested cargo build.
pub fn hecha_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let bin = exe
        .parent()
        .and_then(std::path::Path::parent)
        .map(|d| d.join(format!("hecha{}", std::env::consts::EXE_SUFFIX)))
        .unwrap_or_default();
    assert!(
        bin.exists(),
        "{} is missing: build the workspace first (cargo build --workspace --all-targets)",
        bin.display()
    );
    bin
}

/// Whether `python3` can import `module`, for a test that drives a Python tool. On CI
/// (`CI=true`, where `.ci/run` installs it) a missing module fails the test; elsewhere the
/// test is skipped with a note naming what to install.
#[track_caller]
pub fn python_module_or_skip(module: &str, pip_package: &str, test: &str) -> bool {
    let importable = std::process::Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !importable {
        let msg = format!("{module} is not importable (python3 -m pip install {pip_package})");
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{msg}: required on CI"
        );
        eprintln!("SKIPPED {test}: {msg}");
    }
    importable
}

/// `len` reproducible bytes that look random (no two seeds alike, nothing compresses).
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    // xorshift64*: enough to make distinct, incompressible test files.
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        out.extend_from_slice(&x.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Runs a test body once on SQLite and once on PostgreSQL:
/// `both_backends!(name, body_fn)` where `body_fn: fn(Backend)`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:ident) => {
        mod $name {
            #[test]
            fn sqlite() {
                super::$body($crate::Backend::Sqlite)
            }
            #[test]
            fn postgres() {
                super::$body($crate::Backend::Postgres)
            }
        }
    };
}

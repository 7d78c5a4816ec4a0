//! Helpers shared by the end-to-end tests (see `tests/tests/`): a real `hecha` server
//! started in-process on a free port over SQLite or a fresh PostgreSQL database, an HTTP
//! client, and the example inspection turned into API calls.
// Test support: a failed set-up step should stop the test with its message.
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

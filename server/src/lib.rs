//! The hecha server: HTTP API, persistence, blob stores, sealing and export services.
//! The `hecha` binary (src/main.rs) is its command line.

pub mod api;
pub mod auth;
pub mod db;
pub mod decode;
pub mod keyrings;
pub mod metrics;
pub mod oidc;
pub mod outbound;
pub mod pii_scan;
pub mod private_fs;
pub mod service;
pub mod settings;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod tsa;
pub mod upload;

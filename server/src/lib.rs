//! The hecha server: HTTP API, persistence, blob stores, sealing and export services.
//! The `hecha` binary (src/main.rs) is its command line.

pub mod store;

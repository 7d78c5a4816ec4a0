//! The `hecha` command's integration tests (the built binary, a local TSA), one binary for all.

// Test code: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod cli_bundle;
mod cli_check;
mod cli_exif;
mod cli_init;
mod cli_key;
mod cli_labels;
mod cli_qr;
mod cli_server;
mod tsa;
mod tsa_bundle;

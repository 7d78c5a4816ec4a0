//! End-to-end tests of the server over real HTTP, PostgreSQL, SQLite and S3, and the phone core through its Python bindings: one binary for all.

// Test code: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod devices;
mod failures;
mod flow;
mod listing;
mod mobile;
mod oidc;
mod openapi;
mod problems;
mod replicas;
mod s3_server;
mod s3_store;
mod tenancy;
mod two_phones;
mod uploads;
mod webhooks;

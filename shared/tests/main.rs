//! hecha-core's integration tests, one binary for all (one link, one process); `qr_panic` swaps the panic hook and runs alone.

// Test code: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod bundle_tamper;
mod exif_fixtures;
mod exif_robustness;
mod findings_golden;
mod folder_start;
mod photo_backing;
mod profile_photo;
mod qr_fixtures;
mod qr_robustness;
mod qr_text;
mod rehearsal;
mod report;
mod rules;
mod rules_sources_cases;
mod schema;
mod seal_docs;
mod seal_manifest;
mod si_payloads;
mod si_privacy;
mod source_cases;
mod sources;
mod timestamp;

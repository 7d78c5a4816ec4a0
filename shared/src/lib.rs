//! `hecha-core`: the one library shared by the phone, the server and the CLI.
//!
//! It knows the evidence model, how to read EXIF and QR codes from photos, how to parse a
//! social-insurance certificate's payload, and the rule profiles and their engine. It
//! knows nothing of HTTP, SQL, S3 or UniFFI.

pub mod bundle;
pub mod capture;
pub mod i18n;
pub mod model;
pub mod rehearsal;
pub mod rules;
pub mod schema;
pub mod seal;

/// Version of the rules engine, recorded with every evaluation so findings can be
/// recomputed by the same logic later.
pub const ENGINE_VERSION: &str = concat!("hecha-core/", env!("CARGO_PKG_VERSION"));

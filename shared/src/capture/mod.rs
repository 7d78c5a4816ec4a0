//! Reading captured material: EXIF from photos, positions and datums, QR codes from
//! photos, social-insurance payloads, ID / USCC checksums and PII masking.

pub mod exif;
pub mod geo;
pub mod ids;
pub mod photo;
pub mod pii;
pub mod qr;
pub mod si;

//! `hecha-mobile`: the phone core as a UniFFI library for Kotlin, Swift (and Python in
//! tests). A thin surface over `hecha-core`: an [`InspectionSession`] that captures
//! evidence offline into a crash-safe [`outbox`], signs every item with the device key
//! ([`DeviceSigner`], implemented by the app's keystore), and [`sync`]s to the server.
//! Every rule, parser and hash is the core's; nothing here decides what evidence means.

uniffi::setup_scaffolding!();

pub mod error;
pub mod outbox;
pub mod records;
pub mod session;
pub mod signer;
pub mod sync;
pub mod vault;

pub use error::MobileError;
pub use records::*;
pub use session::InspectionSession;
pub use signer::{DeviceSigner, SoftwareSigner};
pub use sync::{SyncProgress, TokenProvider};
pub use vault::KeyVault;

/// The library's version (for the app's about screen and bug reports).
#[uniffi::export]
pub fn core_version() -> String {
    hecha_core::ENGINE_VERSION.to_owned()
}

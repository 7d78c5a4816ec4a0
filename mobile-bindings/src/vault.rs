//! Secrets the phone keeps at rest — the person-hash key of an assignment (the authority's:
//! with it, whoever copies the app's storage could test guesses of ID numbers against the
//! keyed hashes) and a rehearsal's own key — are stored only sealed by a key the platform
//! keystore holds (Android Keystore, the iOS Keychain or Secure Enclave), through this small
//! trait the app implements. The core never sees the keystore's key; the outbox holds the
//! sealed bytes only.

use crate::error::MobileError;

/// Seals and opens small secrets with a key held by the platform keystore (implemented by
/// the app; e.g. AES-GCM with a non-exportable Keystore key).
#[uniffi::export(with_foreign)]
pub trait KeyVault: Send + Sync {
    /// The sealed form of `secret` (authenticated encryption; the keystore's key never
    /// leaves it).
    fn seal(&self, secret: Vec<u8>) -> Result<Vec<u8>, MobileError>;
    /// `secret` again from what [`KeyVault::seal`] returned; an error when it was not
    /// sealed by this vault or was altered.
    fn open(&self, sealed: Vec<u8>) -> Result<Vec<u8>, MobileError>;
}

//! The one error type the apps see: a small enum of what the app can act on, each with a
//! stable `code` (for the app's logic and logs) and a message in Chinese and English (for
//! the inspector). Internal errors of the core, SQLite and HTTP are mapped here at the edge.

use hecha_core::i18n::Message;
use hecha_core::msg;

/// Every failure of a call into the phone core.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum MobileError {
    /// The input is not usable (bad JSON, a seat tag not of this assignment, …); fix it
    /// and call again.
    #[error("{code}: {en}")]
    Invalid {
        code: String,
        zh: String,
        en: String,
    },
    /// The outbox on the device could not be read or written (disk full, permissions).
    #[error("{code}: {en}")]
    Storage {
        code: String,
        zh: String,
        en: String,
    },
    /// The device key could not sign (keystore locked, key invalidated).
    #[error("{code}: {en}")]
    Signer {
        code: String,
        zh: String,
        en: String,
    },
    /// Sync stopped for a reason retrying will not fix: authentication after a refresh,
    /// a sealed inspection, an item the server refuses, a file too large. `code` is the
    /// server's problem code when it gave one.
    #[error("{code}: {en}")]
    SyncFatal {
        code: String,
        zh: String,
        en: String,
    },
    /// Sync gave up for now (no network, server busy) after its bounded retries; nothing
    /// is lost, call sync again later.
    #[error("{code}: {en}")]
    SyncRetryLater {
        code: String,
        zh: String,
        en: String,
    },
    /// `cancel()` was called; what was acknowledged stays acknowledged.
    #[error("{code}: {en}")]
    Cancelled {
        code: String,
        zh: String,
        en: String,
    },
    /// A bug: a panic in the core, caught so the app does not crash.
    #[error("{code}: {en}")]
    Internal {
        code: String,
        zh: String,
        en: String,
    },
}

impl MobileError {
    /// The stable code.
    pub fn code(&self) -> &str {
        match self {
            MobileError::Invalid { code, .. }
            | MobileError::Storage { code, .. }
            | MobileError::Signer { code, .. }
            | MobileError::SyncFatal { code, .. }
            | MobileError::SyncRetryLater { code, .. }
            | MobileError::Cancelled { code, .. }
            | MobileError::Internal { code, .. } => code,
        }
    }

    pub fn invalid(code: &str, says: &Message) -> Self {
        let (code, zh, en) = parts(code, says);
        MobileError::Invalid { code, zh, en }
    }

    pub fn storage(detail: impl std::fmt::Display) -> Self {
        let (code, zh, en) = parts(
            "outbox.storage",
            &msg!("mobile-storage", detail = detail.to_string()),
        );
        MobileError::Storage { code, zh, en }
    }

    pub fn signer(detail: impl std::fmt::Display) -> Self {
        let (code, zh, en) = parts(
            "device.signer",
            &msg!("mobile-signer", detail = detail.to_string()),
        );
        MobileError::Signer { code, zh, en }
    }

    pub fn fatal(code: &str, says: &Message) -> Self {
        let (code, zh, en) = parts(code, says);
        MobileError::SyncFatal { code, zh, en }
    }

    pub fn retry_later(code: &str, says: &Message) -> Self {
        let (code, zh, en) = parts(code, says);
        MobileError::SyncRetryLater { code, zh, en }
    }

    pub fn cancelled() -> Self {
        let (code, zh, en) = parts("sync.cancelled", &msg!("mobile-cancelled"));
        MobileError::Cancelled { code, zh, en }
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        let (code, zh, en) = parts(
            "internal",
            &msg!("mobile-internal", detail = detail.to_string()),
        );
        MobileError::Internal { code, zh, en }
    }
}

/// Every message the app receives (and may log) passes here: its words come from the
/// catalogue, and a full ID number a parser's message echoes is masked.
fn parts(code: &str, says: &Message) -> (String, String, String) {
    let mask = |s: String| hecha_core::capture::pii::mask_full_ids(&s);
    let text = says.text();
    (code.to_owned(), mask(text.zh), mask(text.en))
}

/// A callback into the app failed unexpectedly (an exception the app did not declare).
impl From<uniffi::UnexpectedUniFFICallbackError> for MobileError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        MobileError::internal(format!("callback failed: {}", e.reason))
    }
}

impl From<rusqlite::Error> for MobileError {
    fn from(e: rusqlite::Error) -> Self {
        MobileError::storage(e)
    }
}

impl From<std::io::Error> for MobileError {
    fn from(e: std::io::Error) -> Self {
        MobileError::storage(e)
    }
}

/// Runs `f`, turning a panic into [`MobileError::Internal`] so the app gets an error, not
/// a crash (the workspace keeps `panic = "unwind"` for this).
pub fn guard<T>(f: impl FnOnce() -> Result<T, MobileError>) -> Result<T, MobileError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let what = p
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_owned());
            Err(MobileError::internal(what))
        }
    }
}

//! What an operation can answer besides its result: one enum, no HTTP in it. The API maps
//! each variant to a problem document in one place (`api::problem`); the command line
//! prints it; the web console will show it.
//!
//! `code` is stable (clients branch on it, the OpenAPI document lists them); `detail` is
//! for people, says what to change, and never holds personal data: every constructor masks
//! full ID numbers, since a detail may echo what the caller sent.

use crate::store::StoreError;

/// An operation's failure, by what the caller can do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// The request itself is malformed (a parameter, a header's value).
    #[error("{code}: {detail}")]
    BadRequest { code: &'static str, detail: String },
    /// Well-formed but not acceptable; `detail` says what to change.
    #[error("{code}: {detail}")]
    Invalid { code: &'static str, detail: String },
    /// Nothing the caller may see has this id (what another tenant has is not found
    /// either).
    #[error("no such {what}")]
    NotFound { what: String },
    /// The state forbids it now: sealed, recorded already with other content, a duplicate.
    #[error("{code}: {detail}")]
    Conflict { code: &'static str, detail: String },
    /// The caller's role does not allow it.
    #[error("forbidden: {detail}")]
    Forbidden { detail: String },
    /// No valid credentials (a token missing, expired, revoked; a wrong password).
    #[error("{code}: {detail}")]
    Unauthenticated { code: &'static str, detail: String },
    /// Larger than a limit.
    #[error("{code}: {detail}")]
    TooLarge { code: &'static str, detail: String },
    /// Too many attempts: try again after `retry_after_s` seconds.
    #[error("{code}: {detail}")]
    TooMany {
        code: &'static str,
        detail: String,
        retry_after_s: u32,
    },
    /// A dependency (the database, the blob store, the decode budget) cannot serve now;
    /// nothing was lost, retry after `retry_after_s` seconds.
    #[error("{code}: {detail}")]
    Unavailable {
        code: &'static str,
        detail: String,
        retry_after_s: u32,
    },
    /// A bug or a broken invariant, logged where it arose.
    #[error("internal error")]
    Internal,
}

pub type ServiceResult<T> = Result<T, ServiceError>;

fn masked(detail: impl Into<String>) -> String {
    hecha_core::capture::pii::mask_full_ids(&detail.into())
}

impl ServiceError {
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            detail: masked(detail),
        }
    }
    pub fn unprocessable(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            detail: masked(detail),
        }
    }
    pub fn not_found(what: &str) -> Self {
        Self::NotFound {
            what: what.to_owned(),
        }
    }
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            detail: masked(detail),
        }
    }
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::Forbidden {
            detail: masked(detail),
        }
    }
    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Unauthenticated {
            code,
            detail: masked(detail),
        }
    }
    /// A body larger than the upload limit.
    pub fn too_large(limit: u64) -> Self {
        Self::too_large_as(
            "upload.too_large",
            format!("the body is larger than the limit of {limit} bytes"),
        )
    }
    pub fn too_large_as(code: &'static str, detail: impl Into<String>) -> Self {
        Self::TooLarge {
            code,
            detail: masked(detail),
        }
    }
    pub fn too_many(code: &'static str, detail: impl Into<String>, retry_after_s: u32) -> Self {
        Self::TooMany {
            code,
            detail: masked(detail),
            retry_after_s,
        }
    }
    pub fn unavailable(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Unavailable {
            code,
            detail: masked(detail),
            retry_after_s: 5,
        }
    }
    /// Logs what went wrong (it stays in the log with the request's id) and answers
    /// nothing of it.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Self::Internal
    }
    /// For an insert: a unique-key violation (the row exists already) becomes this
    /// conflict; any other database error converts as usual.
    pub fn on_unique(
        code: &'static str,
        detail: &'static str,
    ) -> impl FnOnce(sea_orm::DbErr) -> Self {
        move |e| {
            if crate::db::is_unique_violation(&e) {
                ServiceError::conflict(code, detail)
            } else {
                e.into()
            }
        }
    }
    pub fn sealed() -> Self {
        Self::conflict(
            "inspection.sealed",
            "the inspection is sealed; nothing can be added or changed (create a supplement)",
        )
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. }
            | Self::Invalid { code, .. }
            | Self::Conflict { code, .. }
            | Self::Unauthenticated { code, .. }
            | Self::TooLarge { code, .. }
            | Self::TooMany { code, .. }
            | Self::Unavailable { code, .. } => code,
            Self::NotFound { .. } => "not_found",
            Self::Forbidden { .. } => "forbidden.role",
            Self::Internal => "internal",
        }
    }

    /// What a person reads.
    pub fn detail(&self) -> String {
        match self {
            Self::BadRequest { detail, .. }
            | Self::Invalid { detail, .. }
            | Self::Conflict { detail, .. }
            | Self::Forbidden { detail }
            | Self::Unauthenticated { detail, .. }
            | Self::TooLarge { detail, .. }
            | Self::TooMany { detail, .. }
            | Self::Unavailable { detail, .. } => detail.clone(),
            Self::NotFound { what } => format!("no such {what}"),
            Self::Internal => "internal error (logged with this request's id)".to_owned(),
        }
    }
}

impl From<sea_orm::DbErr> for ServiceError {
    fn from(e: sea_orm::DbErr) -> Self {
        if crate::db::is_unavailable(&e) {
            tracing::warn!(error = %e, "database unavailable");
            ServiceError::unavailable(
                "database.unavailable",
                "the database cannot be reached; retry later",
            )
        } else {
            ServiceError::internal(e)
        }
    }
}

impl From<sea_orm::TransactionError<ServiceError>> for ServiceError {
    fn from(e: sea_orm::TransactionError<ServiceError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(e) => e.into(),
            sea_orm::TransactionError::Transaction(e) => e,
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => ServiceError::not_found("object"),
            StoreError::Unavailable(m) => {
                tracing::warn!(error = %m, "blob store unavailable");
                ServiceError::unavailable(
                    "store.unavailable",
                    "the blob store cannot be reached; retry later",
                )
            }
            StoreError::Refused(m) => {
                tracing::error!(error = %m, "blob store refused");
                ServiceError::unavailable(
                    "store.refused",
                    "the blob store refused the request (configuration); retry later",
                )
            }
            StoreError::Io(e) if e.kind() == std::io::ErrorKind::StorageFull => {
                tracing::error!(error = %e, "disk full");
                ServiceError::unavailable(
                    "store.full",
                    "no space left to store the upload; retry later",
                )
            }
            StoreError::Io(e) => ServiceError::internal(e),
        }
    }
}

impl From<std::io::Error> for ServiceError {
    fn from(e: std::io::Error) -> Self {
        StoreError::Io(e).into()
    }
}

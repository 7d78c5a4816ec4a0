//! What an operation can answer besides its result: one enum, no HTTP in it. The API maps
//! each variant to a problem document in one place (`api::problem`); the command line
//! prints it; the web console will show it.
//!
//! `code` is stable (clients branch on it, the OpenAPI document lists them); the message is
//! for people, says what to change, and never holds personal data: every constructor masks
//! full ID numbers in its arguments, since a message may echo what the caller sent. The
//! message is data (a catalogue id and its arguments, `shared/src/i18n/*/error.ftl`): the
//! API answers it in the language the request prefers, the command line in its own.

use hecha_core::i18n::Message;
use hecha_core::model::Lang;
use hecha_core::msg;

use crate::store::StoreError;

/// An operation's failure, by what the caller can do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// The request itself is malformed (a parameter, a header's value).
    #[error("{code}: {}", english(.message))]
    BadRequest {
        code: &'static str,
        message: Message,
    },
    /// Well-formed but not acceptable; the message says what to change.
    #[error("{code}: {}", english(.message))]
    Invalid {
        code: &'static str,
        message: Message,
    },
    /// Nothing the caller may see has this id (what another tenant has is not found
    /// either); the message names what was looked for.
    #[error("not_found: {}", english(.message))]
    NotFound { message: Message },
    /// The state forbids it now: sealed, recorded already with other content, a duplicate.
    #[error("{code}: {}", english(.message))]
    Conflict {
        code: &'static str,
        message: Message,
    },
    /// The caller's role does not allow it.
    #[error("forbidden: {}", english(.message))]
    Forbidden { message: Message },
    /// No valid credentials (a token missing, expired, revoked; a wrong password).
    #[error("{code}: {}", english(.message))]
    Unauthenticated {
        code: &'static str,
        message: Message,
    },
    /// Larger than a limit.
    #[error("{code}: {}", english(.message))]
    TooLarge {
        code: &'static str,
        message: Message,
    },
    /// Too many attempts: try again after `retry_after_s` seconds.
    #[error("{code}: {}", english(.message))]
    TooMany {
        code: &'static str,
        message: Message,
        retry_after_s: u32,
    },
    /// A dependency (the database, the blob store, the decode budget) cannot serve now;
    /// nothing was lost, retry after `retry_after_s` seconds.
    #[error("{code}: {}", english(.message))]
    Unavailable {
        code: &'static str,
        message: Message,
        retry_after_s: u32,
    },
    /// A bug or a broken invariant, logged where it arose.
    #[error("internal error")]
    Internal,
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// Logs read English.
fn english(message: &Message) -> String {
    message.render(Lang::En)
}

/// A message may echo what the caller sent (a parser's message, a file name): a full ID
/// number in any of its arguments is masked, whatever the code path.
fn masked(message: Message) -> Message {
    message.with_full_ids_masked()
}

impl ServiceError {
    pub fn bad_request(code: &'static str, message: Message) -> Self {
        Self::BadRequest {
            code,
            message: masked(message),
        }
    }
    pub fn unprocessable(code: &'static str, message: Message) -> Self {
        Self::Invalid {
            code,
            message: masked(message),
        }
    }
    /// `message` names what was looked for (`error-no-such-inspection`).
    pub fn not_found(message: Message) -> Self {
        Self::NotFound {
            message: masked(message),
        }
    }
    pub fn conflict(code: &'static str, message: Message) -> Self {
        Self::Conflict {
            code,
            message: masked(message),
        }
    }
    pub fn forbidden(message: Message) -> Self {
        Self::Forbidden {
            message: masked(message),
        }
    }
    pub fn unauthorized(code: &'static str, message: Message) -> Self {
        Self::Unauthenticated {
            code,
            message: masked(message),
        }
    }
    /// A body larger than the upload limit.
    pub fn too_large(limit: u64) -> Self {
        Self::too_large_as(
            "upload.too_large",
            msg!("error-upload-too-large", limit = limit),
        )
    }
    pub fn too_large_as(code: &'static str, message: Message) -> Self {
        Self::TooLarge {
            code,
            message: masked(message),
        }
    }
    pub fn too_many(code: &'static str, message: Message, retry_after_s: u32) -> Self {
        Self::TooMany {
            code,
            message: masked(message),
            retry_after_s,
        }
    }
    pub fn unavailable(code: &'static str, message: Message) -> Self {
        Self::Unavailable {
            code,
            message: masked(message),
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
    pub fn on_unique(code: &'static str, message: Message) -> impl FnOnce(sea_orm::DbErr) -> Self {
        move |e| {
            if crate::db::is_unique_violation(&e) {
                ServiceError::conflict(code, message)
            } else {
                e.into()
            }
        }
    }
    pub fn sealed() -> Self {
        Self::conflict("inspection.sealed", msg!("error-inspection-sealed"))
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

    /// What a person reads, as catalogue data.
    pub fn message(&self) -> Message {
        match self {
            Self::BadRequest { message, .. }
            | Self::Invalid { message, .. }
            | Self::NotFound { message }
            | Self::Conflict { message, .. }
            | Self::Forbidden { message }
            | Self::Unauthenticated { message, .. }
            | Self::TooLarge { message, .. }
            | Self::TooMany { message, .. }
            | Self::Unavailable { message, .. } => message.clone(),
            Self::Internal => msg!("error-internal"),
        }
    }

    /// What a person reads, in one language.
    pub fn detail(&self, lang: Lang) -> String {
        self.message().render(lang)
    }
}

impl From<sea_orm::DbErr> for ServiceError {
    fn from(e: sea_orm::DbErr) -> Self {
        if crate::db::is_unavailable(&e) {
            tracing::warn!(error = %e, "database unavailable");
            ServiceError::unavailable("database.unavailable", msg!("error-database-unavailable"))
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
            StoreError::NotFound(_) => ServiceError::not_found(msg!("error-no-such-object")),
            StoreError::Unavailable(m) => {
                tracing::warn!(error = %m, "blob store unavailable");
                ServiceError::unavailable("store.unavailable", msg!("error-store-unavailable"))
            }
            StoreError::Refused(m) => {
                tracing::error!(error = %m, "blob store refused");
                ServiceError::unavailable("store.refused", msg!("error-store-refused"))
            }
            StoreError::Io(e) if e.kind() == std::io::ErrorKind::StorageFull => {
                tracing::error!(error = %e, "disk full");
                ServiceError::unavailable("store.full", msg!("error-store-full"))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid GB 11643 number (the standard's example), as a caller might send it.
    const FULL_ID: &str = "11010519491231002X";

    /// What every constructor and conversion makes, with arguments as call sites give them.
    fn every_kind() -> Vec<ServiceError> {
        vec![
            ServiceError::bad_request("request.query", msg!("error-request-query", problem = "x")),
            ServiceError::unprocessable("inspection.window", msg!("error-inspection-window")),
            ServiceError::not_found(msg!("error-no-such-inspection")),
            ServiceError::conflict("user.exists", msg!("error-user-exists")),
            ServiceError::forbidden(msg!("error-role-cannot", role = "auditor")),
            ServiceError::unauthorized("auth.missing_token", msg!("error-token-missing")),
            ServiceError::too_large(1024),
            ServiceError::too_large_as(
                "image.too_large_to_decode",
                msg!(
                    "error-image-too-large-to-decode",
                    needed_mb = 900,
                    budget_mb = 512
                ),
            ),
            ServiceError::too_many(
                "auth.too_many_failures",
                msg!("error-sign-in-too-many-failures"),
                30,
            ),
            ServiceError::unavailable("decode.busy", msg!("error-decode-busy")),
            ServiceError::sealed(),
            ServiceError::Internal,
            ServiceError::from(StoreError::NotFound("k".into())),
            ServiceError::from(StoreError::Unavailable("down".into())),
            ServiceError::from(StoreError::Refused("403".into())),
            ServiceError::from(StoreError::Io(std::io::Error::from(
                std::io::ErrorKind::StorageFull,
            ))),
            ServiceError::on_unique("user.exists", msg!("error-user-exists"))(
                sea_orm::DbErr::Custom("x".into()),
            ),
        ]
    }

    #[test]
    fn every_constructor_speaks_both_languages() {
        for e in every_kind() {
            let m = e.message();
            assert!(m.is_known(), "{e:?}: {m:?} is not in the catalogue");
            let (zh, en) = (e.detail(Lang::Zh), e.detail(Lang::En));
            assert_ne!(zh, en, "{e:?}: the same words in both languages");
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{e:?}: {zh}"
            );
        }
    }

    #[test]
    fn a_full_id_number_sent_never_comes_back_in_either_language() {
        let echoed = format!("unknown variant `{FULL_ID}`");
        let nested = msg!(
            "error-evidence-id-number",
            problem = msg!("error-personal-id-in-identifier", field = FULL_ID)
        );
        for e in [
            ServiceError::unprocessable(
                "request.invalid",
                msg!("error-request-body-shape", problem = echoed.as_str()),
            ),
            ServiceError::bad_request("tus.metadata", msg!("error-tus-metadata", key = FULL_ID)),
            ServiceError::unprocessable("evidence.id_number", nested),
            ServiceError::unprocessable(
                "input.personal_id",
                msg!("error-evidence-signed-personal-id", fields = vec![FULL_ID]),
            ),
        ] {
            for lang in [Lang::Zh, Lang::En] {
                let text = e.detail(lang);
                assert!(!text.contains(FULL_ID), "{lang:?}: {text}");
                let masked = hecha_core::capture::pii::mask_id(FULL_ID);
                assert!(text.contains(&masked), "{lang:?}: {text}");
            }
            assert!(!format!("{e}").contains(FULL_ID), "{e}");
        }
    }
}

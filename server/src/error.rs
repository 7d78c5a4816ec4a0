//! API errors as RFC 9457 problem details (`application/problem+json`) with stable codes.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::store::StoreError;

/// An error answered to a client. `code` is stable (clients branch on it); `detail` is for
/// people and never holds personal data.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    /// Seconds, for 503 and 429.
    pub retry_after: Option<u32>,
}

/// The problem document.
#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Problem {
    /// `urn:hecha:problem:<code>`
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code, e.g. `inspection.sealed`.
    pub code: String,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            // An error may echo what the client sent (a parser's message): a full ID
            // number in it is masked, whatever the code path.
            detail: hecha_core::capture::pii::mask_full_ids(&detail.into()),
            retry_after: None,
        }
    }
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }
    pub fn unprocessable(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no such {what}"),
        )
    }
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden.role", detail)
    }
    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, detail)
    }
    pub fn too_large(limit: u64) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "upload.too_large",
            format!("the body is larger than the limit of {limit} bytes"),
        )
    }
    pub fn unavailable(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            retry_after: Some(5),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, code, detail)
        }
    }
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error (logged with this request's id)",
        )
    }
    pub fn sealed() -> Self {
        Self::conflict(
            "inspection.sealed",
            "the inspection is sealed; nothing can be added or changed (create a supplement)",
        )
    }
    pub fn problem(&self) -> Problem {
        Problem {
            type_: format!("urn:hecha:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_owned(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }
    fn error_response(&self) -> HttpResponse {
        let mut r = HttpResponse::build(self.status);
        r.content_type("application/problem+json");
        if let Some(s) = self.retry_after {
            r.insert_header(("Retry-After", s.to_string()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            r.insert_header(("WWW-Authenticate", "Bearer"));
        }
        r.json(self.problem())
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        if crate::db::is_unavailable(&e) {
            tracing::warn!(error = %e, "database unavailable");
            ApiError::unavailable(
                "database.unavailable",
                "the database cannot be reached; retry later",
            )
        } else {
            ApiError::internal(e)
        }
    }
}

impl From<sea_orm::TransactionError<ApiError>> for ApiError {
    fn from(e: sea_orm::TransactionError<ApiError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(e) => e.into(),
            sea_orm::TransactionError::Transaction(e) => e,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => ApiError::not_found("object"),
            StoreError::Unavailable(m) => {
                tracing::warn!(error = %m, "blob store unavailable");
                ApiError::unavailable(
                    "store.unavailable",
                    "the blob store cannot be reached; retry later",
                )
            }
            StoreError::Refused(m) => {
                tracing::error!(error = %m, "blob store refused");
                ApiError::unavailable(
                    "store.refused",
                    "the blob store refused the request (configuration); retry later",
                )
            }
            StoreError::Io(e) if e.kind() == std::io::ErrorKind::StorageFull => {
                tracing::error!(error = %e, "disk full");
                ApiError::unavailable(
                    "store.full",
                    "no space left to store the upload; retry later",
                )
            }
            StoreError::Io(e) => ApiError::internal(e),
        }
    }
}

impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> Self {
        StoreError::Io(e).into()
    }
}

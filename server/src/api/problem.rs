//! HTTP answers to failures: RFC 9457 problem details (`application/problem+json`) with
//! stable codes. An operation's [`ServiceError`] becomes one here, in one mapping.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::service::ServiceError;
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
    /// An HTTP-level answer with its own status (a protocol's: 408, 412, 415, tus's 460).
    /// Everything an operation answers comes from a [`ServiceError`] instead.
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
        ServiceError::bad_request(code, detail).into()
    }
    pub fn unprocessable(code: &'static str, detail: impl Into<String>) -> Self {
        ServiceError::unprocessable(code, detail).into()
    }
    pub fn not_found(what: &str) -> Self {
        ServiceError::not_found(what).into()
    }
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        ServiceError::conflict(code, detail).into()
    }
    pub fn forbidden(detail: impl Into<String>) -> Self {
        ServiceError::forbidden(detail).into()
    }
    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        ServiceError::unauthorized(code, detail).into()
    }
    pub fn too_large(limit: u64) -> Self {
        ServiceError::too_large(limit).into()
    }
    pub fn unavailable(code: &'static str, detail: impl Into<String>) -> Self {
        ServiceError::unavailable(code, detail).into()
    }
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        ServiceError::internal(detail).into()
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

/// The one mapping of an operation's failure to HTTP.
impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        let status = match &e {
            ServiceError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ServiceError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ServiceError::NotFound { .. } => StatusCode::NOT_FOUND,
            ServiceError::Conflict { .. } => StatusCode::CONFLICT,
            ServiceError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ServiceError::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
            ServiceError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ServiceError::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
            ServiceError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ServiceError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let retry_after = match &e {
            ServiceError::TooMany { retry_after_s, .. }
            | ServiceError::Unavailable { retry_after_s, .. } => Some(*retry_after_s),
            _ => None,
        };
        ApiError {
            status,
            code: e.code(),
            // Masked when the service error was made.
            detail: e.detail(),
            retry_after,
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
        ServiceError::from(e).into()
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

impl From<sea_orm::TransactionError<ServiceError>> for ApiError {
    fn from(e: sea_orm::TransactionError<ServiceError>) -> Self {
        ServiceError::from(e).into()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ServiceError::from(e).into()
    }
}

impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> Self {
        ServiceError::from(e).into()
    }
}

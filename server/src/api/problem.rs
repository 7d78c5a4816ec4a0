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

/// The OpenAPI side of the one mapping: every failure an operation can answer is documented
/// as a problem document (`application/problem+json`, schema [`Problem`]).
///
/// An operation's own annotation names the failures of its service (403, 409, 422 …); what
/// follows from how every request is taken apart is added here, from the operation's own
/// description, so it cannot be forgotten on one route: a path parameter can fail to parse
/// (400 `request.path`) or name nothing the caller reaches (404); a query can fail to parse
/// (400 `request.query`); a JSON body can be malformed (400), too large (413), of another
/// content type (415) or not the expected shape (422); a bearer token can be missing,
/// expired or revoked (401). Every operation can meet an unavailable database or store
/// (503, with Retry-After) and a bug (500).
pub struct ProblemResponses;

impl utoipa::Modify for ProblemResponses {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        for item in api.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
                &mut item.head,
                &mut item.options,
            ]
            .into_iter()
            .flatten()
            {
                document_failures(op);
            }
        }
    }
}

fn document_failures(op: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{RefOr, Required};

    let params_in = |place: ParameterIn| {
        op.parameters.iter().flatten().any(|p| match p {
            RefOr::T(p) => p.parameter_in == place,
            RefOr::Ref(_) => false,
        })
    };
    let has_path = params_in(ParameterIn::Path);
    let has_query = params_in(ParameterIn::Query);
    let body = op.request_body.as_ref().and_then(|b| match b {
        RefOr::T(b) => Some(b),
        RefOr::Ref(_) => None,
    });
    let json_body = body.is_some_and(|b| b.content.contains_key("application/json"));
    let other_body = body.is_some() && !json_body;
    let body_required = body.is_some_and(|b| b.required == Some(Required::True));
    // `security(())` (an empty requirement) marks an operation open to anyone.
    let secured = op.security.as_ref().is_none_or(|reqs| {
        !reqs
            .iter()
            .any(|r| serde_json::to_value(r).is_ok_and(|v| v == serde_json::json!({})))
    });

    let mut add = |status: u16, description: &str| add_problem(op, status, description);
    if has_path || has_query || json_body || body_required {
        add(
            400,
            "Malformed request: a path or query parameter, or the body",
        );
    }
    if has_path {
        add(404, "Nothing the caller may see has this id");
    }
    if json_body {
        add(413, "The body is larger than the configured limit");
        add(415, "The body is not `application/json`");
        add(422, "The body is not what the operation takes");
    }
    if other_body {
        add(413, "The body is larger than the configured limit");
    }
    if secured {
        add(
            401,
            "No valid bearer token (missing, expired, revoked, or its user disabled)",
        );
    }
    add(500, "A bug: logged with the request id");
    add(
        503,
        "The database or the blob store cannot serve now; nothing was lost, retry after Retry-After seconds",
    );
    // Whatever failure the operation documented itself is a problem document too.
    let failures: Vec<u16> = op
        .responses
        .responses
        .keys()
        .filter_map(|status| status.parse::<u16>().ok())
        .filter(|status| *status >= 400)
        .collect();
    for status in failures {
        add_problem(op, status, "The problem's `code` says which failure");
    }
}

/// Documents `status` as a problem document; an operation that named it keeps its
/// description.
fn add_problem(op: &mut utoipa::openapi::path::Operation, status: u16, description: &str) {
    use utoipa::openapi::RefOr;
    let problem = problem_response(status, description);
    match op.responses.responses.get_mut(&status.to_string()) {
        Some(RefOr::T(existing)) => {
            if existing.description.is_empty() {
                existing.description = problem.description;
            }
            existing.content = problem.content;
            existing.headers.extend(problem.headers);
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            op.responses
                .responses
                .insert(status.to_string(), RefOr::T(problem));
        }
    }
}

/// A response answering [`Problem`] as `application/problem+json`; 429 and 503 say when
/// to retry.
fn problem_response(status: u16, description: &str) -> utoipa::openapi::Response {
    use utoipa::openapi::schema::{Object, Type};
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder, header::Header};

    let mut r = ResponseBuilder::new().description(description).content(
        "application/problem+json",
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build(),
    );
    if status == 429 || status == 503 {
        r = r.header("Retry-After", Header::new(Object::with_type(Type::Integer)));
    }
    if status == 401 {
        r = r.header("WWW-Authenticate", Header::default());
    }
    r.build()
}

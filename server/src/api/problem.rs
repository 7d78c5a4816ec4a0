//! HTTP answers to failures: RFC 9457 problem details (`application/problem+json`) with
//! stable codes. An operation's [`ServiceError`] becomes one here, in one mapping.
//!
//! The words come from the catalogue (`shared/src/i18n/*/error.ftl`): `title` and `detail`
//! are in the language the request's `Accept-Language` prefers (Chinese unless English is
//! preferred), named by `Content-Language`; `texts` holds both languages and `message` the
//! catalogue id with its arguments, for a client that renders from its own catalogue.
//! `error_response` has no request: [`in_accepted_language`] (a middleware around every
//! route, extractors' errors included) renders the error again in the language asked for.

use actix_web::body::EitherBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{ACCEPT_LANGUAGE, CONTENT_LANGUAGE, HeaderMap};
use actix_web::{HttpResponse, ResponseError};
use hecha_core::i18n::Message;
use hecha_core::model::{Lang, Text};
use hecha_core::msg;
use serde::Serialize;

use crate::service::ServiceError;
use crate::store::StoreError;

/// An error answered to a client. `code` is stable (clients branch on it); `message` is for
/// people and never holds personal data.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: Message,
    /// Seconds, for 503 and 429.
    pub retry_after: Option<u32>,
    /// The language the answer is rendered in: Chinese until [`in_accepted_language`]
    /// sets the request's.
    pub lang: Lang,
}

/// The problem document.
#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Problem {
    /// `urn:hecha:problem:<code>`
    #[serde(rename = "type")]
    pub type_: String,
    /// The status in words, in the language of `Content-Language`.
    pub title: String,
    pub status: u16,
    /// What went wrong and what to change, in the language of `Content-Language` (the one
    /// `Accept-Language` prefers; Chinese by default).
    pub detail: String,
    /// Stable machine-readable code, e.g. `inspection.sealed`.
    pub code: String,
    /// `title` and `detail` in both languages.
    pub texts: ProblemTexts,
    /// The detail as catalogue data: the id (e.g. `error-inspection-sealed`) and its
    /// arguments.
    #[schema(value_type = CatalogueMessage)]
    pub message: Message,
}

/// A problem's words in both languages.
#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ProblemTexts {
    #[schema(value_type = BilingualText)]
    pub title: Text,
    #[schema(value_type = BilingualText)]
    pub detail: Text,
}

/// A text in Chinese and in English.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // the schema of `hecha_core::model::Text`
pub struct BilingualText {
    zh: String,
    en: String,
}

/// A sentence as data (`hecha_core::i18n::Message`).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // the schema of `hecha_core::i18n::Message`
pub struct CatalogueMessage {
    /// The catalogue id.
    id: String,
    /// Its arguments by name: a number, a text, a list, or a nested message (absent when
    /// it has none).
    #[schema(value_type = Option<Object>)]
    args: Option<serde_json::Value>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// An HTTP-level answer with its own status (a protocol's: 408, 412, 415, tus's 460).
    /// Everything an operation answers comes from a [`ServiceError`] instead.
    pub fn new(status: StatusCode, code: &'static str, message: Message) -> Self {
        ApiError {
            status,
            code,
            // An error may echo what the client sent (a parser's message): a full ID
            // number in it is masked, whatever the code path.
            message: message.with_full_ids_masked(),
            retry_after: None,
            lang: Lang::Zh,
        }
    }
    pub fn bad_request(code: &'static str, message: Message) -> Self {
        ServiceError::bad_request(code, message).into()
    }
    pub fn unprocessable(code: &'static str, message: Message) -> Self {
        ServiceError::unprocessable(code, message).into()
    }
    pub fn not_found(message: Message) -> Self {
        ServiceError::not_found(message).into()
    }
    pub fn conflict(code: &'static str, message: Message) -> Self {
        ServiceError::conflict(code, message).into()
    }
    pub fn forbidden(message: Message) -> Self {
        ServiceError::forbidden(message).into()
    }
    pub fn unauthorized(code: &'static str, message: Message) -> Self {
        ServiceError::unauthorized(code, message).into()
    }
    pub fn too_large(limit: u64) -> Self {
        ServiceError::too_large(limit).into()
    }
    pub fn unavailable(code: &'static str, message: Message) -> Self {
        ServiceError::unavailable(code, message).into()
    }
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        ServiceError::internal(detail).into()
    }

    /// The status in words.
    pub fn title(&self) -> Message {
        match self.status.as_u16() {
            400 => msg!("error-title-bad-request"),
            401 => msg!("error-title-unauthorized"),
            403 => msg!("error-title-forbidden"),
            404 => msg!("error-title-not-found"),
            408 => msg!("error-title-request-timeout"),
            409 => msg!("error-title-conflict"),
            412 => msg!("error-title-precondition-failed"),
            413 => msg!("error-title-content-too-large"),
            415 => msg!("error-title-unsupported-media-type"),
            422 => msg!("error-title-unprocessable"),
            429 => msg!("error-title-too-many-requests"),
            460 => msg!("error-title-checksum-mismatch"),
            500 => msg!("error-title-internal"),
            503 => msg!("error-title-unavailable"),
            status => msg!("error-title-other", status = u32::from(status)),
        }
    }

    /// The problem document, `title` and `detail` in `lang`.
    pub fn problem(&self, lang: Lang) -> Problem {
        let title = self.title().text();
        let detail = self.message.text();
        Problem {
            type_: format!("urn:hecha:problem:{}", self.code),
            title: title.get(lang).to_owned(),
            status: self.status.as_u16(),
            detail: detail.get(lang).to_owned(),
            code: self.code.to_owned(),
            texts: ProblemTexts { title, detail },
            message: self.message.clone(),
        }
    }

    /// The answer in `lang`, which `Content-Language` names.
    pub fn response_in(&self, lang: Lang) -> HttpResponse {
        let mut r = HttpResponse::build(self.status);
        r.content_type("application/problem+json");
        r.insert_header((CONTENT_LANGUAGE, language_tag(lang)));
        if let Some(s) = self.retry_after {
            r.insert_header(("Retry-After", s.to_string()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            r.insert_header(("WWW-Authenticate", "Bearer"));
        }
        r.json(self.problem(lang))
    }
}

/// The language a request prefers (RFC 9110 `Accept-Language`, q-values honoured): `zh*`
/// is Chinese, `en*` English; nothing, `*` or only other languages give Chinese, the
/// product's default. Of equal weights the first listed wins.
pub fn accepted_language(headers: &HeaderMap) -> Lang {
    let mut best: Option<(u16, Lang)> = None;
    for value in headers.get_all(ACCEPT_LANGUAGE) {
        let Ok(value) = value.to_str() else { continue };
        for range in value.split(',') {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let primary = tag.split('-').next().unwrap_or("");
            let lang = match primary {
                "zh" => Lang::Zh,
                "en" => Lang::En,
                _ => continue,
            };
            let weight = parts
                .find_map(|p| {
                    let (k, v) = p.split_once('=')?;
                    (k.trim().eq_ignore_ascii_case("q")).then(|| quality(v.trim()))
                })
                .unwrap_or(Some(1000));
            let Some(weight) = weight.filter(|w| *w > 0) else {
                continue;
            };
            if best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, lang));
            }
        }
    }
    best.map_or(Lang::Zh, |(_, lang)| lang)
}

/// A q-value in thousandths (`0.5` → 500), or `None` when it is not one.
fn quality(v: &str) -> Option<u16> {
    let q: f32 = v.parse().ok()?;
    (0.0..=1.0)
        .contains(&q)
        .then(|| (q * 1000.0).round() as u16)
}

/// The tag `Content-Language` names.
pub fn language_tag(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    }
}

/// The middleware's half: an answer that carries an [`ApiError`] (an operation's, an
/// extractor's, the fallback 404) is rendered again in `lang`; any other passes unchanged.
/// The answer keeps carrying its error, for the request's log (`tracing-actix-web`).
pub fn in_accepted_language<B>(
    res: ServiceResponse<B>,
    lang: Lang,
) -> ServiceResponse<EitherBody<B>> {
    let error = res
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
        .filter(|e| e.lang != lang)
        .cloned();
    match error {
        Some(e) => res
            .into_response(HttpResponse::from_error(ApiError { lang, ..e }))
            .map_into_right_body(),
        None => res.map_into_left_body(),
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
            message: e.message(),
            retry_after,
            lang: Lang::Zh,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message.render(Lang::En)
        )
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }
    /// In `lang`: Chinese, the default, unless [`in_accepted_language`] set the request's.
    fn error_response(&self) -> HttpResponse {
        self.response_in(self.lang)
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

/// A response answering [`Problem`] as `application/problem+json` in the language
/// `Content-Language` names; 429 and 503 say when to retry.
fn problem_response(status: u16, description: &str) -> utoipa::openapi::Response {
    use utoipa::openapi::schema::{Object, Type};
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder, header::Header};

    let mut r = ResponseBuilder::new().description(description).content(
        "application/problem+json",
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build(),
    );
    // The language of `title` and `detail`: `zh-CN` or `en`, as `Accept-Language` prefers.
    r = r.header(
        "Content-Language",
        Header::new(Object::with_type(Type::String)),
    );
    if status == 429 || status == 503 {
        r = r.header("Retry-After", Header::new(Object::with_type(Type::Integer)));
    }
    if status == 401 {
        r = r.header("WWW-Authenticate", Header::default());
    }
    r.build()
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::HeaderValue;

    use super::*;

    fn accepting(values: &[&str]) -> Lang {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(ACCEPT_LANGUAGE, HeaderValue::from_str(v).unwrap());
        }
        accepted_language(&headers)
    }

    #[test]
    fn accept_language_chooses_by_weight_and_defaults_to_chinese() {
        assert_eq!(accepting(&[]), Lang::Zh);
        assert_eq!(accepting(&["en"]), Lang::En);
        assert_eq!(accepting(&["en-GB,en;q=0.9"]), Lang::En);
        assert_eq!(accepting(&["zh-CN,zh;q=0.9,en;q=0.8"]), Lang::Zh);
        assert_eq!(accepting(&["en;q=0.5, zh;q=0.9"]), Lang::Zh);
        assert_eq!(accepting(&["zh;q=0.4, EN-us;q=0.6"]), Lang::En);
        assert_eq!(accepting(&["fr, en;q=0.8"]), Lang::En);
        assert_eq!(accepting(&["de, fr;q=0.5"]), Lang::Zh);
        assert_eq!(accepting(&["*"]), Lang::Zh);
        assert_eq!(accepting(&["en;q=0"]), Lang::Zh);
        assert_eq!(accepting(&["en;q=nonsense"]), Lang::Zh);
        assert_eq!(accepting(&["de", "en;q=0.3"]), Lang::En);
        // Equal weights: the first listed.
        assert_eq!(accepting(&["en, zh"]), Lang::En);
        assert_eq!(accepting(&["zh-TW, en"]), Lang::Zh);
    }

    #[test]
    fn every_title_speaks_both_languages() {
        for status in [
            400, 401, 403, 404, 408, 409, 412, 413, 415, 422, 429, 460, 500, 503, 418,
        ] {
            let e = ApiError::new(
                StatusCode::from_u16(status).unwrap(),
                "x",
                msg!("error-internal"),
            );
            assert!(e.title().is_known(), "{status}");
        }
    }

    #[test]
    fn the_problem_holds_both_languages_and_renders_the_one_asked_for() {
        let e = ApiError::from(ServiceError::sealed());
        let zh = e.problem(Lang::Zh);
        let en = e.problem(Lang::En);
        assert_eq!(en.detail, en.texts.detail.en);
        assert_eq!(zh.detail, zh.texts.detail.zh);
        assert_eq!(zh.texts.detail, en.texts.detail);
        assert_eq!((zh.title.as_str(), en.title.as_str()), ("冲突", "Conflict"));
        assert_eq!(zh.message.id, "error-inspection-sealed");
        assert_eq!(zh.code, "inspection.sealed");
    }
}

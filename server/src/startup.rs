//! Building the server: state (database, store, keys), the actix-web app with its
//! middleware, and running it.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::{App, HttpMessage, HttpResponse, HttpServer, web};
use anyhow::Context;
use hecha_core::msg;
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder, TracingLogger};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::api;
use crate::api::problem::ApiError;
use crate::auth::TokenKeys;
use crate::metrics::Metrics;
use crate::settings::Settings;
use crate::state::AppState;
use crate::store::BlobStore;
use crate::store::local::LocalStore;

/// Opens everything the server needs, creating what is missing (data directory, SQLite
/// database, keys) and running the migrations.
pub async fn prepare(settings: Settings) -> anyhow::Result<Arc<AppState>> {
    crate::private_fs::secure_data_dir(&settings).with_context(|| {
        format!(
            "cannot create or protect the data directory {}",
            settings.data_dir.display()
        )
    })?;
    let db = crate::db::connect(&settings.database_url())
        .await
        .with_context(|| {
            format!(
                "cannot open the database {}",
                redact(&settings.database_url())
            )
        })?;
    crate::db::migrate(&db).await.context("migrations failed")?;
    let store = open_store(&settings).await?;
    let keyrings = crate::keyrings::BundleKeyrings::open(&settings).await?;
    let tokens = TokenKeys::open_or_create(&settings.auth_keyring(), settings.auth.access_ttl_s)
        .context("token keyring")?;
    let slots = settings.limits.upload_concurrency.max(1);
    Ok(Arc::new(AppState {
        db,
        store,
        tokens,
        keyrings,
        oidc: settings
            .auth
            .oidc
            .clone()
            .map(crate::oidc::OidcVerifier::new),
        metrics: Metrics::new()?,
        store_slots: Arc::new(tokio::sync::Semaphore::new(slots)),
        decode_budget: crate::decode::DecodeBudget::new(
            settings.limits.decode_memory_mb,
            settings.limits.decode_wait_s,
        ),
        settings,
    }))
}

pub async fn open_store(settings: &Settings) -> anyhow::Result<Arc<dyn BlobStore>> {
    Ok(match &settings.s3 {
        Some(s3) => Arc::new(crate::store::s3::S3Store::open(s3)?),
        None => Arc::new(LocalStore::open(&settings.blob_dir())?),
    })
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

/// The request span: method, route pattern, request id, status. No client address, no
/// user agent, no query string: nothing personal reaches the logs.
pub struct QuietSpan;

impl RootSpanBuilder for QuietSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|r| r.to_string())
            .unwrap_or_default();
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "unmatched".into());
        tracing::info_span!(
            "request",
            request_id = %request_id,
            method = %request.method(),
            route = %route,
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(
        span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        let status = match outcome {
            Ok(r) => r.status().as_u16(),
            Err(e) => e.as_response_error().status_code().as_u16(),
        };
        span.record("status", status);
        let _guard = span.enter();
        if status >= 500 {
            tracing::warn!(status, "request failed");
        } else {
            tracing::debug!(status, "request done");
        }
    }
}

fn json_error(
    err: actix_web::error::JsonPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    match err {
        E::Overflow { limit } | E::OverflowKnownLength { limit, .. } => {
            ApiError::too_large(limit as u64).into()
        }
        E::ContentType => ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "request.content_type",
            msg!("error-request-content-type"),
        )
        .into(),
        // The parser's own words (English) stay an argument: they name the place.
        E::Deserialize(e) => ApiError::unprocessable(
            "request.invalid",
            msg!("error-request-body-shape", problem = e.to_string()),
        )
        .into(),
        e => ApiError::bad_request(
            "request.invalid",
            msg!("error-request-body", problem = e.to_string()),
        )
        .into(),
    }
}

fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::bad_request(
        "request.query",
        msg!("error-request-query", problem = err.to_string()),
    )
    .into()
}

fn path_error(err: actix_web::error::PathError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    ApiError::bad_request(
        "request.path",
        msg!("error-request-path", problem = err.to_string()),
    )
    .into()
}

/// The OpenAPI document of the app (the same one served at `/api/v1/openapi.json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(api::ApiDoc::openapi())
        .configure(api::configure_root)
        .service(utoipa_actix_web::scope("/api/v1").configure(api::configure))
        .split_for_parts();
    // After the routes are in: it reads every operation's parameters and body.
    utoipa::Modify::modify(&api::problem::ProblemResponses, &mut api);
    api
}

/// Starts serving on `listener` (the webhook worker runs beside it). Must be called inside
/// an actix system.
pub fn run(
    state: Arc<AppState>,
    listener: TcpListener,
) -> anyhow::Result<(Server, Arc<tokio::sync::Notify>)> {
    let data = web::Data::from(state.clone());
    let json_limit = state.settings.limits.max_json_bytes;
    let spec = Arc::new(openapi().to_json()?);
    let mut server = HttpServer::new(move || {
        let spec = spec.clone();
        let openapi_route = web::get().to(move || {
            let spec = spec.clone();
            async move {
                HttpResponse::Ok()
                    .content_type("application/json")
                    .body(spec.as_str().to_owned())
            }
        });
        let (app, _) = App::new()
            .into_utoipa_app()
            .openapi(api::ApiDoc::openapi())
            .app_data(data.clone())
            .app_data(
                web::JsonConfig::default()
                    .limit(json_limit)
                    .error_handler(json_error),
            )
            .app_data(web::QueryConfig::default().error_handler(query_error))
            .app_data(web::PathConfig::default().error_handler(path_error))
            // Before the /api/v1 scope, which would answer 404 for it.
            .route("/api/v1/openapi.json", openapi_route)
            .configure(api::configure_root)
            .service(utoipa_actix_web::scope("/api/v1").configure(api::configure))
            .split_for_parts();
        app.default_service(web::to(|| async {
            Err::<HttpResponse, _>(ApiError::new(
                actix_web::http::StatusCode::NOT_FOUND,
                "not_found",
                msg!("error-no-such-resource"),
            ))
        }))
        // Innermost: every error answer (an operation's, an extractor's, the fallback's) in
        // the language the request prefers.
        .wrap_fn(|req, srv| {
            use actix_web::dev::Service;
            let lang = crate::api::problem::accepted_language(req.headers());
            let fut = srv.call(req);
            async move {
                let res = fut.await?;
                Ok(crate::api::problem::in_accepted_language(res, lang))
            }
        })
        .wrap_fn(|req, srv| {
            use actix_web::dev::Service;
            let start = Instant::now();
            let method = req.method().to_string();
            let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
            let state = req.app_data::<web::Data<AppState>>().cloned();
            let request_id = req.extensions().get::<RequestId>().map(|r| r.to_string());
            let fut = srv.call(req);
            async move {
                let mut res = fut.await?;
                if let Some(state) = state {
                    let status = res.status().as_u16().to_string();
                    state
                        .metrics
                        .http_requests
                        .with_label_values(&[&method, &route, &status])
                        .inc();
                    state
                        .metrics
                        .http_duration
                        .with_label_values(&[&method, &route])
                        .observe(start.elapsed().as_secs_f64());
                }
                if let Some(id) = request_id
                    && let Ok(v) = actix_web::http::header::HeaderValue::from_str(&id)
                {
                    res.headers_mut().insert(
                        actix_web::http::header::HeaderName::from_static("x-request-id"),
                        v,
                    );
                }
                Ok(res)
            }
        })
        // Standard security headers on every answer (a handler that sets one keeps its own):
        // the API serves JSON and files, never pages to frame, sniff or refer from.
        .wrap(
            actix_web::middleware::DefaultHeaders::new()
                .add(("X-Content-Type-Options", "nosniff"))
                .add(("X-Frame-Options", "DENY"))
                .add(("Referrer-Policy", "no-referrer"))
                .add((
                    "Content-Security-Policy",
                    "default-src 'none'; frame-ancestors 'none'",
                ))
                .add(("Cross-Origin-Resource-Policy", "same-origin")),
        )
        .wrap(TracingLogger::<QuietSpan>::new())
    })
    .shutdown_timeout(state.settings.shutdown_timeout_s);
    if let Some(w) = state.settings.workers {
        server = server.workers(w.max(1));
    }
    let server = server.listen(listener)?.run();
    let stop = Arc::new(tokio::sync::Notify::new());
    if let Some(addr) = &state.settings.metrics_listen {
        // `/metrics` alone, on its own address; stopped with the main server.
        let data = web::Data::from(state.clone());
        let metrics = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/metrics", web::get().to(api::health::metrics_listener))
        })
        .workers(1)
        .disable_signals()
        .bind(addr)
        .with_context(|| format!("cannot listen on {addr} (metrics)"))?
        .run();
        let handle = metrics.handle();
        let stopped = stop.clone();
        actix_web::rt::spawn(async move {
            stopped.notified().await;
            handle.stop(true).await;
        });
        actix_web::rt::spawn(metrics);
    }
    actix_web::rt::spawn(crate::service::webhooks::run(state, stop.clone()));
    Ok((server, stop))
}

//! The HTTP API (`/api/v1`), documented with utoipa: `/api/v1/openapi.json`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;

pub mod auth;
pub mod directory;
pub mod evidence;
pub mod health;
pub mod hooks;
pub mod inspections;
pub mod problem;
pub mod seal_log;
pub mod sealing;
pub mod tus;
pub mod wire;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "hecha",
        description = "核查 — evidence of on-site license inspections: captured, checked, sealed, exported. Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`; their `title` and `detail` follow `Accept-Language` (Chinese unless English is preferred, named by `Content-Language`), and `texts` holds both languages.",
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(
        crate::api::problem::Problem,
        crate::api::problem::ProblemTexts,
        crate::api::problem::BilingualText,
        crate::api::problem::CatalogueMessage
    ))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("JWT")
                        .build(),
                ),
            );
        }
    }
}

/// An idempotent create's answer: 201 for what it created, 200 for what was there already
/// with the same content.
pub fn created_or_found(created: bool, body: impl serde::Serialize) -> actix_web::HttpResponse {
    if created {
        actix_web::HttpResponse::Created().json(body)
    } else {
        actix_web::HttpResponse::Ok().json(body)
    }
}

/// Everything under `/api/v1`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(auth::token)
        .service(auth::revoke)
        .service(auth::me)
        .service(auth::token_jwks)
        .service(directory::create_organization)
        .service(directory::list_organizations)
        .service(directory::get_organization)
        .service(directory::create_user)
        .service(directory::list_users)
        .service(directory::disable_user)
        .service(directory::enable_user)
        .service(directory::enroll_device)
        .service(directory::list_devices)
        .service(directory::revoke_device)
        .service(inspections::create_inspection)
        .service(inspections::list_inspections)
        .service(inspections::get_inspection)
        .service(inspections::start_inspection)
        .service(inspections::findings)
        .service(inspections::events)
        .service(inspections::create_seat_tags)
        .service(inspections::list_seat_tags)
        .service(inspections::seat_tag_qr)
        .service(inspections::seat_labels)
        .service(inspections::assignment)
        .service(evidence::add_evidence)
        .service(evidence::list_evidence)
        .service(evidence::upload_blob)
        .service(evidence::get_blob)
        .service(evidence::si_scan_photo)
        .service(tus::tus_options)
        .service(tus::tus_create)
        .service(tus::tus_head)
        .service(tus::tus_patch)
        .service(tus::tus_delete)
        .service(sealing::seal)
        .service(sealing::export)
        .service(sealing::review)
        .service(seal_log::tree_head)
        .service(seal_log::consistency)
        .service(seal_log::entries)
        .service(hooks::create_webhook)
        .service(hooks::list_webhooks)
        .service(hooks::delete_webhook)
        .service(hooks::list_deliveries)
        .service(hooks::redeliver);
}

/// Outside `/api/v1`: operations and the well-known keys.
pub fn configure_root(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(sealing::jwks)
        .service(sealing::key_history);
}

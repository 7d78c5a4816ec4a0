//! Routes of inspections: create, list and search, read, start, findings, event log, seat
//! tags, the assignment a phone takes offline (`service::inspection`).

use actix_web::{HttpResponse, get, post, web};

use hecha_core::model::wire::{Assignment, SeatTag};

use crate::api::problem::{ApiResult, Problem};
use crate::api::wire::{AssignmentSchema, SeatTagSchema};
use crate::auth::Caller;
use crate::service::inspection::{
    self, AssignmentQuery, FindingsView, InspectionPage, InspectionView, ListQuery, NewInspection,
    NewSeatTags,
};
use crate::state::AppState;

/// Create an inspection: official (an inspector of the company's authority) or rehearsal
/// (the company's staff). With `supplement_of`, a supplement to a sealed inspection.
#[utoipa::path(tag = "inspections", request_body = NewInspection,
    responses((status = 201, body = InspectionView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/inspections")]
pub async fn create_inspection(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<NewInspection>,
) -> ApiResult<HttpResponse> {
    let v = inspection::create(&state, &caller, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(v))
}

/// List and search the inspections the caller reaches, newest first.
#[utoipa::path(tag = "inspections", params(ListQuery),
    responses((status = 200, body = InspectionPage)))]
#[get("/inspections")]
pub async fn list_inspections(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<ListQuery>,
) -> ApiResult<web::Json<InspectionPage>> {
    Ok(web::Json(inspection::list(&state, &caller, &q).await?))
}

/// One inspection.
#[utoipa::path(tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, body = InspectionView), (status = 404, body = Problem)))]
#[get("/inspections/{id}")]
pub async fn get_inspection(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<InspectionView>> {
    Ok(web::Json(inspection::get(&state, &caller, &id).await?))
}

/// Start the visit: draft → in_progress (adding evidence also does it).
#[utoipa::path(tag = "inspections", params(("id" = String, Path)),
    responses((status = 403, body = Problem), (status = 200, body = InspectionView), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/inspections/{id}/start")]
pub async fn start_inspection(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<InspectionView>> {
    Ok(web::Json(inspection::start(&state, &caller, &id).await?))
}

/// The rules evaluated over the evidence so far (the same engine as the phone and the seal).
#[utoipa::path(tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, body = FindingsView), (status = 404, body = Problem)))]
#[get("/inspections/{id}/findings")]
pub async fn findings(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<FindingsView>> {
    Ok(web::Json(inspection::findings(&state, &caller, &id).await?))
}

/// The hash-chained event log (events after sealing, such as reviews, continue the chain).
#[utoipa::path(tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, description = "events, oldest first", body = Vec<Object>), (status = 404, body = Problem)))]
#[get("/inspections/{id}/events")]
pub async fn events(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(inspection::events(&state, &caller, &id).await?))
}

/// Issue signed seat tags (idempotent per seat id).
#[utoipa::path(tag = "inspections", params(("id" = String, Path)), request_body = NewSeatTags,
    responses((status = 200, body = Vec<SeatTagSchema>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/inspections/{id}/seat-tags")]
pub async fn create_seat_tags(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Json<NewSeatTags>,
) -> ApiResult<web::Json<Vec<SeatTag>>> {
    Ok(web::Json(
        inspection::create_seat_tags(&state, &caller, &id, body.into_inner()).await?,
    ))
}

/// The inspection's seat tags.
#[utoipa::path(tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, body = Vec<SeatTagSchema>), (status = 404, body = Problem)))]
#[get("/inspections/{id}/seat-tags")]
pub async fn list_seat_tags(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<Vec<SeatTag>>> {
    Ok(web::Json(
        inspection::list_seat_tags(&state, &caller, &id).await?,
    ))
}

/// A seat tag as a QR code (PNG) to print and stick on the seat.
#[utoipa::path(tag = "inspections", params(("id" = String, Path), ("seat_id" = String, Path)),
    responses((status = 200, content_type = "image/png", description = "QR code"), (status = 404, body = Problem)))]
#[get("/inspections/{id}/seat-tags/{seat_id}/qr.png")]
pub async fn seat_tag_qr(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, seat) = path.into_inner();
    let png = inspection::seat_tag_png(&state, &caller, &id, &seat).await?;
    Ok(HttpResponse::Ok().content_type("image/png").body(png))
}

/// The seat labels as an A4 sheet to print and stick on the seats (HTML): each label
/// with the tag's QR code, the seat number and the company, in Chinese and English.
#[utoipa::path(tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, content_type = "text/html", description = "the printable sheet"), (status = 404, body = Problem)))]
#[get("/inspections/{id}/seat-labels")]
pub async fn seat_labels(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: actix_web::HttpRequest,
) -> ApiResult<HttpResponse> {
    // In the language the request prefers, as problem documents are.
    let lang = crate::api::problem::accepted_language(req.headers());
    let html = inspection::seat_label_sheet(&state, &caller, &id, lang).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_LANGUAGE,
            match lang {
                hecha_core::model::Lang::Zh => "zh-CN",
                hecha_core::model::Lang::En => "en",
            },
        ))
        // The page's own style and its data-URI images, nothing else.
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
        ))
        .body(html))
}

/// What an enrolled device takes offline: the inspection, its profile, the seat tags and
/// the person-hash key.
#[utoipa::path(tag = "inspections", params(("id" = String, Path), AssignmentQuery),
    responses((status = 200, body = AssignmentSchema), (status = 404, body = Problem), (status = 403, body = Problem)))]
#[get("/inspections/{id}/assignment")]
pub async fn assignment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    q: web::Query<AssignmentQuery>,
) -> ApiResult<web::Json<Assignment>> {
    Ok(web::Json(
        inspection::assignment(&state, &caller, &id, &q).await?,
    ))
}

//! Routes of the directory: organizations, users and devices (`service::directory`).

use actix_web::{HttpResponse, delete, get, post, web};

use crate::api::problem::{ApiResult, Problem};
use crate::auth::Caller;
use crate::service::directory::{
    self, Device, NewDevice, NewOrganization, NewUser, Organization, User,
};
use crate::state::AppState;

/// Create an organization (admin).
#[utoipa::path(tag = "directory", request_body = NewOrganization,
    responses((status = 201, body = Organization), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/organizations")]
pub async fn create_organization(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<NewOrganization>,
) -> ApiResult<HttpResponse> {
    let org = directory::create_organization(&state.db, &caller, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(org))
}

/// The organizations the caller reaches: all (admin), an authority and its companies, or
/// the caller's own company.
#[utoipa::path(tag = "directory", responses((status = 200, body = Vec<Organization>)))]
#[get("/organizations")]
pub async fn list_organizations(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<web::Json<Vec<Organization>>> {
    Ok(web::Json(
        directory::list_organizations(&state.db, &caller).await?,
    ))
}

/// One organization, if the caller reaches it.
#[utoipa::path(tag = "directory", params(("id" = String, Path)),
    responses((status = 200, body = Organization), (status = 404, body = Problem)))]
#[get("/organizations/{id}")]
pub async fn get_organization(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<Organization>> {
    Ok(web::Json(
        directory::get_organization(&state.db, &caller, &id).await?,
    ))
}

/// Create a user (admin).
#[utoipa::path(tag = "directory", request_body = NewUser,
    responses((status = 201, body = User), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<NewUser>,
) -> ApiResult<HttpResponse> {
    let user = directory::create_user(&state.db, &caller, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(user))
}

/// Users: all (admin) or those of the caller's organization.
#[utoipa::path(tag = "directory", responses((status = 200, body = Vec<User>)))]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<web::Json<Vec<User>>> {
    Ok(web::Json(directory::list_users(&state.db, &caller).await?))
}

/// Disable a user (admin): their tokens stop working at once. An admin cannot disable
/// themself, and the last active admin cannot be disabled (nobody could undo it).
#[utoipa::path(tag = "directory", params(("id" = String, Path)),
    responses((status = 403, body = Problem), (status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/users/{id}/disable")]
pub async fn disable_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    directory::disable_user(&state.db, &caller, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Enable a disabled user again (admin). They sign in again: disabling revoked their
/// refresh tokens.
#[utoipa::path(tag = "directory", params(("id" = String, Path)),
    responses((status = 403, body = Problem), (status = 204), (status = 404, body = Problem)))]
#[post("/users/{id}/enable")]
pub async fn enable_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    directory::enable_user(&state.db, &caller, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Enroll the caller's device (its evidence signatures verify against this key).
#[utoipa::path(tag = "directory", request_body = NewDevice,
    responses((status = 201, body = Device), (status = 200, body = Device, description = "enrolled already by the caller"), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/devices")]
pub async fn enroll_device(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<NewDevice>,
) -> ApiResult<HttpResponse> {
    let (created, device) = directory::enroll_device(&state.db, &caller, body.into_inner()).await?;
    Ok(crate::api::created_or_found(created, device))
}

/// The caller's devices (admin: all).
#[utoipa::path(tag = "directory", responses((status = 200, body = Vec<Device>)))]
#[get("/devices")]
pub async fn list_devices(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<web::Json<Vec<Device>>> {
    Ok(web::Json(
        directory::list_devices(&state.db, &caller).await?,
    ))
}

/// Revoke a device (its owner or an admin). Items it signed before stay verifiable.
#[utoipa::path(tag = "directory", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
#[delete("/devices/{id}")]
pub async fn revoke_device(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    directory::revoke_device(&state.db, &caller, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

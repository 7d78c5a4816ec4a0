//! Organizations, users and devices: who exists, who may sign in, which keys sign evidence.

use chrono::Utc;
use hecha_core::capture::ids::validate_uscc;
use hecha_core::capture::pii::contains_full_id;
use hecha_core::model::personal_ids::mask_text;
use hecha_core::msg;
use hecha_core::seal::key::PublicJwk;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Caller, OrgKind, Role, hash_password};
use crate::db::entities::{device, organization, refresh_token, user};
use crate::service::{ServiceError, ServiceResult};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    pub kind: OrgKind,
    pub name: String,
    /// A company's unified social credit code (GB 32100), checked.
    pub uscc: Option<String>,
    /// A company's licensing authority.
    pub authority_id: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Organization {
    pub id: String,
    pub kind: OrgKind,
    pub name: String,
    pub uscc: Option<String>,
    pub authority_id: Option<String>,
    pub created_at: String,
}

impl From<organization::Model> for Organization {
    fn from(m: organization::Model) -> Self {
        Organization {
            id: m.id,
            kind: m.kind,
            name: m.name,
            uscc: m.uscc,
            authority_id: m.authority_id,
            created_at: crate::service::inspection::ts(m.created_at),
        }
    }
}

fn random_hex(n: usize) -> ServiceResult<String> {
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b).map_err(ServiceError::internal)?;
    Ok(hex::encode(b))
}

/// The organizations a caller reaches: every one (admin); an authority's staff, their
/// authority and its companies; company staff, their own company. One condition for
/// listing, reading, and choosing the company of a new inspection.
pub fn org_reach(caller: &Caller) -> sea_orm::Condition {
    use organization::Column as C;
    match caller.role {
        Role::Admin => sea_orm::Condition::all(),
        Role::Inspector | Role::Auditor => sea_orm::Condition::any()
            .add(C::Id.eq(&caller.org_id))
            .add(C::AuthorityId.eq(&caller.org_id)),
        Role::CompanyStaff => sea_orm::Condition::all().add(C::Id.eq(&caller.org_id)),
    }
}

/// The users a caller reaches: every one (admin), their own organization's otherwise. One
/// condition for listing and for every write to a user.
pub fn user_reach(caller: &Caller) -> sea_orm::Condition {
    match caller.role {
        Role::Admin => sea_orm::Condition::all(),
        _ => sea_orm::Condition::all().add(user::Column::OrgId.eq(&caller.org_id)),
    }
}

/// The devices a caller reaches: every one (admin), their own otherwise. One condition for
/// listing and revoking.
pub fn device_reach(caller: &Caller) -> sea_orm::Condition {
    match caller.role {
        Role::Admin => sea_orm::Condition::all(),
        _ => sea_orm::Condition::all().add(device::Column::UserId.eq(&caller.user_id)),
    }
}

/// Creates an organization (with its own person-hash key).
pub async fn create_org<C: ConnectionTrait>(
    db: &C,
    new: NewOrganization,
) -> ServiceResult<organization::Model> {
    if new.name.trim().is_empty() {
        return Err(ServiceError::unprocessable(
            "organization.name",
            msg!("error-organization-name"),
        ));
    }
    let mut uscc = None;
    let mut authority_id = None;
    match new.kind {
        OrgKind::Company => {
            let code = new.uscc.ok_or_else(|| {
                ServiceError::unprocessable("organization.uscc", msg!("error-company-needs-uscc"))
            })?;
            let code = hecha_core::capture::ids::normalize_code(&code);
            validate_uscc(&code)
                .map_err(|e| ServiceError::unprocessable("organization.uscc", e.message()))?;
            let auth_id = new.authority_id.ok_or_else(|| {
                ServiceError::unprocessable(
                    "organization.authority",
                    msg!("error-company-needs-authority"),
                )
            })?;
            let auth = organization::Entity::find_by_id(auth_id.clone())
                .one(db)
                .await?;
            if auth.as_ref().map(|a| a.kind.as_str()) != Some("authority") {
                return Err(ServiceError::unprocessable(
                    "organization.authority",
                    msg!("error-not-an-authority"),
                ));
            }
            uscc = Some(code);
            authority_id = Some(auth_id);
        }
        OrgKind::Authority | OrgKind::Platform => {
            if new.uscc.is_some() || new.authority_id.is_some() {
                return Err(ServiceError::unprocessable(
                    "organization.fields",
                    msg!("error-organization-company-fields"),
                ));
            }
        }
    }
    let id = uuid::Uuid::now_v7().to_string();
    let model = organization::Model {
        person_hash_key_id: format!("{id}/1"),
        person_hash_key: random_hex(32)?,
        id,
        kind: new.kind,
        name: mask_text(new.name.trim()),
        uscc,
        authority_id,
        created_at: Utc::now(),
    };
    organization::Entity::insert(model.clone().into_active_model())
        .exec_without_returning(db)
        .await
        .map_err(ServiceError::on_unique(
            "organization.exists",
            msg!("error-organization-exists"),
        ))?;
    Ok(model)
}

/// Create an organization (admin).
pub async fn create_organization<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    new: NewOrganization,
) -> ServiceResult<Organization> {
    caller.require(&[Role::Admin])?;
    Ok(create_org(db, new).await?.into())
}

/// The organizations the caller reaches: all (admin), an authority and its companies, or
/// the caller's own company.
pub async fn list_organizations<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
) -> ServiceResult<Vec<Organization>> {
    let q = organization::Entity::find()
        .filter(org_reach(caller))
        .order_by_asc(organization::Column::CreatedAt);
    Ok(q.all(db).await?.into_iter().map(Into::into).collect())
}

/// One organization, if the caller reaches it.
pub async fn get_organization<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: &str,
) -> ServiceResult<Organization> {
    let org = organization::Entity::find_by_id(id.to_owned())
        .filter(org_reach(caller))
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::not_found(msg!("error-no-such-organization")))?;
    Ok(org.into())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub org_id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// At least 12 characters. Optional for a user who signs in through the external
    /// OpenID provider only.
    #[serde(default)]
    pub password: Option<String>,
    /// The `sub` of this user's tokens at the external OpenID provider.
    #[serde(default)]
    pub external_subject: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct User {
    pub id: String,
    pub org_id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
}

impl From<user::Model> for User {
    fn from(m: user::Model) -> Self {
        User {
            id: m.id,
            org_id: m.org_id,
            username: m.username,
            display_name: m.display_name,
            role: m.role,
            disabled: m.disabled,
        }
    }
}

pub const MIN_PASSWORD_LEN: usize = 12;

/// Creates a user in an organization of the kind its role belongs to.
pub async fn create_user_in<C: ConnectionTrait>(
    db: &C,
    new: NewUser,
) -> ServiceResult<user::Model> {
    let org = organization::Entity::find_by_id(new.org_id.clone())
        .one(db)
        .await?
        .ok_or_else(|| {
            ServiceError::unprocessable("user.org", msg!("error-no-such-organization"))
        })?;
    if org.kind != new.role.org_kind() {
        return Err(ServiceError::unprocessable(
            "user.role",
            msg!(
                "error-user-role-org",
                role = new.role.as_str(),
                wanted = new.role.org_kind().as_str(),
                found = org.kind.as_str()
            ),
        ));
    }
    let username = new.username.trim().to_owned();
    if username.is_empty() || username.len() > 64 || username.chars().any(char::is_whitespace) {
        return Err(ServiceError::unprocessable(
            "user.username",
            msg!("error-username"),
        ));
    }
    // A user name is an identifier (sign-in, logs): never rewritten, so refused.
    if contains_full_id(&username) {
        return Err(ServiceError::unprocessable(
            "input.personal_id",
            msg!("error-username-personal-id"),
        ));
    }
    let hash = match new.password {
        Some(password) => {
            if password.chars().count() < MIN_PASSWORD_LEN {
                return Err(ServiceError::unprocessable(
                    "user.password",
                    msg!("error-password-short", min = MIN_PASSWORD_LEN),
                ));
            }
            Some(
                tokio::task::spawn_blocking(move || hash_password(&password))
                    .await
                    .map_err(ServiceError::internal)??,
            )
        }
        None if new.external_subject.is_some() => None,
        None => {
            return Err(ServiceError::unprocessable(
                "user.password",
                msg!("error-user-needs-password"),
            ));
        }
    };
    let model = user::Model {
        id: uuid::Uuid::now_v7().to_string(),
        org_id: org.id,
        username,
        display_name: mask_text(&new.display_name),
        role: new.role,
        password_hash: hash,
        external_subject: new.external_subject.filter(|s| !s.trim().is_empty()),
        disabled: false,
        created_at: Utc::now(),
    };
    user::Entity::insert(model.clone().into_active_model())
        .exec_without_returning(db)
        .await
        .map_err(ServiceError::on_unique(
            "user.exists",
            msg!("error-user-exists"),
        ))?;
    Ok(model)
}

/// Create a user (admin).
pub async fn create_user<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    new: NewUser,
) -> ServiceResult<User> {
    caller.require(&[Role::Admin])?;
    Ok(create_user_in(db, new).await?.into())
}

/// Users: all (admin) or those of the caller's organization.
pub async fn list_users<C: ConnectionTrait>(db: &C, caller: &Caller) -> ServiceResult<Vec<User>> {
    let users = user::Entity::find()
        .filter(user_reach(caller))
        .order_by_asc(user::Column::Username)
        .all(db)
        .await?;
    Ok(users.into_iter().map(Into::into).collect())
}

/// Disable a user (admin): their tokens stop working at once. An admin cannot disable
/// themself, and the last active admin cannot be disabled (nobody could undo it).
pub async fn disable_user(
    db: &sea_orm::DatabaseConnection,
    caller: &Caller,
    id: &str,
) -> ServiceResult<()> {
    caller.require(&[Role::Admin])?;
    let id = id.to_owned();
    if id == caller.user_id {
        return Err(ServiceError::conflict("user.self", msg!("error-user-self")));
    }
    let txn = db.begin().await?;
    // Every active admin's row is written first, so two admins disabling each other at
    // once are serialized (row locks on PostgreSQL, the write lock on SQLite) and the
    // count below sees the other's commit.
    user::Entity::update_many()
        .col_expr(user::Column::Disabled, Expr::col(user::Column::Disabled))
        .filter(user::Column::Role.eq(Role::Admin.as_str()))
        .filter(user::Column::Disabled.eq(false))
        .exec(&txn)
        .await?;
    let target = user::Entity::find_by_id(id.clone())
        .filter(user_reach(caller))
        .one(&txn)
        .await?
        .ok_or_else(|| ServiceError::not_found(msg!("error-no-such-user")))?;
    if target.role == Role::Admin && !target.disabled {
        let others = user::Entity::find()
            .filter(user::Column::Role.eq(Role::Admin.as_str()))
            .filter(user::Column::Disabled.eq(false))
            .filter(user::Column::Id.ne(id.clone()))
            .count(&txn)
            .await?;
        if others == 0 {
            txn.rollback().await?;
            return Err(ServiceError::conflict(
                "user.last_admin",
                msg!("error-user-last-admin"),
            ));
        }
    }
    user::Entity::update_many()
        .col_expr(user::Column::Disabled, Expr::value(true))
        .filter(user::Column::Id.eq(id.clone()))
        .exec(&txn)
        .await?;
    // Their sign-ins end: enabled again, they sign in again.
    refresh_token::Entity::update_many()
        .col_expr(
            refresh_token::Column::RevokedAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(refresh_token::Column::UserId.eq(id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Enable a disabled user again (admin). They sign in again: disabling revoked their
/// refresh tokens.
pub async fn enable_user<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: &str,
) -> ServiceResult<()> {
    caller.require(&[Role::Admin])?;
    let res = user::Entity::update_many()
        .col_expr(user::Column::Disabled, Expr::value(false))
        .filter(user::Column::Id.eq(id))
        .filter(user_reach(caller))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(ServiceError::not_found(msg!("error-no-such-user")));
    }
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDevice {
    pub name: String,
    /// The device's P-256 public key (JWK, `kty` EC, `crv` P-256); its RFC 7638 thumbprint
    /// becomes the device id.
    #[schema(value_type = Object)]
    pub public_jwk: PublicJwk,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Device {
    pub id: String,
    pub user_id: String,
    pub name: String,
    #[schema(value_type = Object)]
    pub public_jwk: PublicJwk,
    pub enrolled_at: String,
    pub revoked: bool,
}

fn device_out(m: device::Model) -> ServiceResult<Device> {
    Ok(Device {
        public_jwk: serde_json::from_str(&m.public_jwk).map_err(ServiceError::internal)?,
        id: m.id,
        user_id: m.user_id,
        name: m.name,
        enrolled_at: crate::service::inspection::ts(m.enrolled_at),
        revoked: m.revoked_at.is_some(),
    })
}

/// Enroll the caller's device (its evidence signatures verify against this key).
/// Answers `(true, device)` for a new enrollment, `(false, device)` when the caller had
/// enrolled this key already.
pub async fn enroll_device<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    new: NewDevice,
) -> ServiceResult<(bool, Device)> {
    let NewDevice {
        name,
        mut public_jwk,
    } = new;
    let name = mask_text(&name);
    public_jwk.p256_coordinates().map_err(|e| {
        ServiceError::unprocessable(
            "device.key",
            msg!("error-device-key", problem = e.to_string()),
        )
    })?;
    let id = public_jwk.thumbprint();
    public_jwk.kid = id.clone();
    let existing = device::Entity::find_by_id(id.clone()).one(db).await?;
    if let Some(d) = existing {
        if d.user_id == caller.user_id && d.revoked_at.is_none() {
            return Ok((false, device_out(d)?));
        }
        return Err(ServiceError::conflict(
            "device.exists",
            msg!("error-device-exists"),
        ));
    }
    let model = device::Model {
        id,
        user_id: caller.user_id.clone(),
        org_id: caller.org_id.clone(),
        name,
        public_jwk: serde_json::to_string(&public_jwk).map_err(ServiceError::internal)?,
        enrolled_at: Utc::now(),
        revoked_at: None,
    };
    device::Entity::insert(model.clone().into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok((true, device_out(model)?))
}

/// The caller's devices (admin: all).
pub async fn list_devices<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
) -> ServiceResult<Vec<Device>> {
    device::Entity::find()
        .filter(device_reach(caller))
        .order_by_asc(device::Column::EnrolledAt)
        .all(db)
        .await?
        .into_iter()
        .map(device_out)
        .collect()
}

/// Revoke a device (its owner or an admin). Items it signed before stay verifiable.
pub async fn revoke_device<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: &str,
) -> ServiceResult<()> {
    let revoked = device::Entity::update_many()
        .col_expr(device::Column::RevokedAt, Expr::value(Some(Utc::now())))
        .filter(device::Column::Id.eq(id))
        .filter(device::Column::RevokedAt.is_null())
        .filter(device_reach(caller))
        .exec(db)
        .await?;
    if revoked.rows_affected == 0 {
        return Err(ServiceError::not_found(msg!("error-no-such-device")));
    }
    Ok(())
}

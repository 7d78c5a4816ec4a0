//! One module per table; the schema itself is in `migrations/`. Columns holding one of a
//! few values are Rust enums, stored as their snake_case strings.

/// An enum stored as its snake_case string (sea-orm `ActiveEnum`), the same string in
/// JSON, the OpenAPI document and `Display`.
#[macro_export]
macro_rules! stored_enum {
    ($(#[$meta:meta])* pub enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident = $value:literal,)*
    }) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            serde::Serialize,
            serde::Deserialize,
            utoipa::ToSchema,
            sea_orm::EnumIter,
            sea_orm::DeriveActiveEnum,
        )]
        #[serde(rename_all = "snake_case")]
        #[sea_orm(
            rs_type = "String",
            db_type = "String(sea_orm::sea_query::StringLen::None)"
        )]
        pub enum $name {
            $($(#[$vmeta])* #[sea_orm(string_value = $value)] $variant,)*
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&sea_orm::ActiveEnum::to_value(self))
            }
        }
    };
}

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, sea_orm::EnumIter, sea_orm::DeriveRelation)]
        pub enum Relation {}
        impl sea_orm::ActiveModelBehavior for ActiveModel {}
    };
}

stored_enum! {
    /// Official (an inspector's record) or rehearsal (the company's own, never official).
    pub enum InspectionMode {
        Official = "official",
        Rehearsal = "rehearsal",
    }
}

impl From<hecha_core::model::Mode> for InspectionMode {
    fn from(m: hecha_core::model::Mode) -> Self {
        match m {
            hecha_core::model::Mode::Official => InspectionMode::Official,
            hecha_core::model::Mode::Rehearsal => InspectionMode::Rehearsal,
        }
    }
}

stored_enum! {
    /// Where an inspection is in its life: draft → in progress (the first write or `start`)
    /// → sealed (nothing changes after; reviews are events after the seal). The transitions
    /// are `service::inspection::begin_write` (draft → in progress) and the seal's
    /// conditional commit (→ sealed).
    pub enum InspectionStatus {
        Draft = "draft",
        InProgress = "in_progress",
        Sealed = "sealed",
    }
}

impl From<InspectionStatus> for hecha_core::model::InspectionStatus {
    fn from(s: InspectionStatus) -> Self {
        match s {
            InspectionStatus::Draft => Self::Draft,
            InspectionStatus::InProgress => Self::InProgress,
            InspectionStatus::Sealed => Self::Sealed,
        }
    }
}

impl InspectionStatus {
    /// Whether evidence, seat tags and the seal may still be written.
    pub fn accepts_writes(self) -> bool {
        self != InspectionStatus::Sealed
    }
}

stored_enum! {
    /// A reviewer's verdict on a sealed official inspection.
    pub enum ReviewStatus {
        Approved = "approved",
        HasIssues = "has_issues",
        Rejected = "rejected",
    }
}

pub mod organization {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "organizations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub kind: crate::auth::OrgKind,
        pub name: String,
        pub uscc: Option<String>,
        /// For a company: the authority that licenses it.
        pub authority_id: Option<String>,
        pub person_hash_key_id: String,
        /// Hex of the secret key for the keyed hash of ID numbers (never sent to company staff).
        pub person_hash_key: String,
        pub created_at: ChronoDateTimeUtc,
    }
    no_relations!();
}

pub mod user {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub org_id: String,
        pub username: String,
        pub display_name: String,
        pub role: crate::auth::Role,
        pub password_hash: Option<String>,
        pub external_subject: Option<String>,
        pub disabled: bool,
        pub created_at: ChronoDateTimeUtc,
    }
    no_relations!();
}

pub mod refresh_token {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "refresh_tokens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub user_id: String,
        pub token_sha256: String,
        pub expires_at: ChronoDateTimeUtc,
        pub revoked_at: Option<ChronoDateTimeUtc>,
        pub created_at: ChronoDateTimeUtc,
        /// The sign-in this token descends from (its first token's id).
        pub family_id: Option<String>,
    }
    no_relations!();
}

pub mod sign_in_failure {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sign_in_failures")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub subject: String,
        pub at: ChronoDateTimeUtc,
    }
    no_relations!();
}

pub mod device {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "devices")]
    pub struct Model {
        /// The RFC 7638 thumbprint of the device's P-256 public key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub user_id: String,
        pub org_id: String,
        pub name: String,
        #[sea_orm(column_type = "Text")]
        pub public_jwk: String,
        pub enrolled_at: ChronoDateTimeUtc,
        pub revoked_at: Option<ChronoDateTimeUtc>,
    }
    no_relations!();
}

pub mod inspection {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "inspections")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub authority_id: String,
        pub company_id: String,
        pub mode: super::InspectionMode,
        pub status: super::InspectionStatus,
        pub profile: String,
        pub supplement_of: Option<String>,
        /// The core's `Inspection`, JSON.
        #[sea_orm(column_type = "Text")]
        pub body: String,
        pub window_start: ChronoDateTimeUtc,
        pub window_end: ChronoDateTimeUtc,
        pub created_by: String,
        pub created_at: ChronoDateTimeUtc,
        pub updated_at: ChronoDateTimeUtc,
        /// Bumped by every write; sealing is conditional on it (optimistic concurrency).
        pub revision: i64,
        pub sealed_at: Option<ChronoDateTimeUtc>,
        pub sealed_by: Option<String>,
        pub manifest_sha256: Option<String>,
        pub review_status: Option<super::ReviewStatus>,
    }
    no_relations!();
}

pub mod evidence {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "evidence")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub inspection_id: String,
        /// The client's item id (idempotency key within the inspection).
        pub item_id: String,
        pub kind: String,
        /// The core's `EvidenceItem`, JSON.
        #[sea_orm(column_type = "Text")]
        pub body: String,
        pub digest: String,
        pub blob_sha256: Option<String>,
        pub device_id: Option<String>,
        /// The core's `DeviceSignature`, JSON.
        #[sea_orm(column_type = "Text", nullable)]
        pub device_signature: Option<String>,
        pub captured_by: String,
        pub clock_offset_ms: Option<i64>,
        pub received_at: ChronoDateTimeUtc,
    }
    no_relations!();
}

pub mod event {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "events")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub inspection_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        /// The core's `Event`, JSON (one line of events.jsonl).
        #[sea_orm(column_type = "Text")]
        pub line: String,
        pub hash: String,
    }
    no_relations!();
}

pub mod blob {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "blobs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub sha256: String,
        pub size: i64,
        pub media_type: Option<String>,
        pub created_at: ChronoDateTimeUtc,
    }
    no_relations!();
}

pub mod inspection_blob {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "inspection_blobs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub inspection_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub sha256: String,
        pub created_at: ChronoDateTimeUtc,
    }
    no_relations!();
}

pub mod upload {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "uploads")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub inspection_id: String,
        pub user_id: String,
        pub length: i64,
        pub offset: i64,
        pub chunks: i32,
        /// The tus Upload-Metadata, decoded, JSON.
        #[sea_orm(column_type = "Text")]
        pub metadata: String,
        /// The SHA-256 the client announced (metadata `sha256`), checked at the end.
        pub sha256: Option<String>,
        /// Set when the upload is complete and its blob stored.
        pub blob_sha256: Option<String>,
        pub created_at: ChronoDateTimeUtc,
        pub expires_at: ChronoDateTimeUtc,
    }
    no_relations!();
}

pub mod seat_tag {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "seat_tags")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub tag: String,
        pub inspection_id: String,
        pub seat_id: String,
        pub created_at: ChronoDateTimeUtc,
    }
    no_relations!();
}

pub mod webhook {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "webhooks")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub org_id: String,
        pub url: String,
        pub secret: String,
        /// Comma-separated event kinds (`inspection.sealed`, `inspection.reviewed`).
        pub events: String,
        pub active: bool,
        pub created_at: ChronoDateTimeUtc,
    }
    no_relations!();
}

pub mod webhook_delivery {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "webhook_deliveries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub webhook_id: String,
        pub inspection_id: String,
        pub event: String,
        /// The exact bytes sent on every attempt.
        #[sea_orm(column_type = "Text")]
        pub payload: String,
        pub attempts: i32,
        pub next_attempt_at: ChronoDateTimeUtc,
        pub locked_until: Option<ChronoDateTimeUtc>,
        pub last_status: Option<i32>,
        #[sea_orm(column_type = "Text", nullable)]
        pub last_error: Option<String>,
        pub delivered_at: Option<ChronoDateTimeUtc>,
        pub created_at: ChronoDateTimeUtc,
    }
    no_relations!();
}

pub mod seal_log {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "seal_log")]
    pub struct Model {
        /// The leaf index, from 0.
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        /// RFC 6962 leaf hash (hex) of `entry`.
        pub leaf_hash: String,
        /// The core's `LogEntry`, canonical JSON: the leaf's bytes.
        #[sea_orm(column_type = "Text")]
        pub entry: String,
        pub created_at: ChronoDateTimeUtc,
    }
    no_relations!();
}

//! What every request handler shares. Nothing in it is per-replica state that matters:
//! the database and the blob store hold everything, so replicas are interchangeable.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio::sync::Semaphore;

use crate::auth::TokenKeys;
use crate::keyrings::BundleKeyrings;
use crate::metrics::Metrics;
use crate::settings::Settings;
use crate::store::BlobStore;

pub struct AppState {
    pub settings: Settings,
    pub db: DatabaseConnection,
    pub store: Arc<dyn BlobStore>,
    pub tokens: TokenKeys,
    /// The bundle keyrings, reloaded when `hecha key` changes them on the shared directory.
    pub keyrings: BundleKeyrings,
    /// An external OpenID provider whose tokens are accepted too.
    pub oidc: Option<crate::oidc::OidcVerifier>,
    pub metrics: Metrics,
    /// Bounds the uploads being written to the store at once (each spools to disk first).
    pub store_slots: Arc<Semaphore>,
    /// The memory photos may take while the server decodes them (`crate::decode`).
    pub decode_budget: crate::decode::DecodeBudget,
}

//! The S3 blob store (rust-s3). Placeholder until the S3 store lands (branch wip-s3).

use serde::{Deserialize, Serialize};

use super::{RetentionMode, StoreError};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct S3Settings {
    pub endpoint: String,
    #[serde(default = "default_region")]
    pub region: String,
    pub bucket: String,
    #[serde(default = "yes")]
    pub path_style: bool,
    pub access_key: String,
    pub secret_key: String,
    #[serde(default)]
    pub object_lock: Option<ObjectLockSettings>,
}

fn default_region() -> String {
    "us-east-1".into()
}
fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectLockSettings {
    pub mode: RetentionMode,
    pub days: u32,
}

pub struct S3Store;

impl S3Store {
    pub fn open(_s: &S3Settings) -> Result<S3Store, StoreError> {
        Err(StoreError::Refused(
            "the S3 store is not built in yet".into(),
        ))
    }
}

//! SHIM until the si branch lands.
use crate::model::KeyedHash;
pub struct PersonHasher {
    key_id: String,
}
#[derive(Debug, thiserror::Error)]
#[error("bad key")]
pub struct KeyError;
impl PersonHasher {
    pub fn new(key_id: impl Into<String>, _key: &[u8]) -> Result<Self, KeyError> {
        Ok(Self {
            key_id: key_id.into(),
        })
    }
    pub fn hash_id(&self, id: &str) -> KeyedHash {
        KeyedHash {
            key_id: self.key_id.clone(),
            hmac_sha256: id.into(),
        }
    }
}

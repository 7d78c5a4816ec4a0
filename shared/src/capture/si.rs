//! SHIM until the si branch lands.
use super::pii::PersonHasher;
use crate::model::SiRecord;
pub fn parse_si_payload(_text: &str, _h: Option<&PersonHasher>) -> SiRecord {
    SiRecord::default()
}

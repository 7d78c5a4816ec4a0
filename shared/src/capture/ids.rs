//! SHIM until the si branch lands.
#[derive(Debug, thiserror::Error)]
pub enum UsccError {
    #[error("bad")]
    Bad,
}
pub fn validate_uscc(s: &str) -> Result<(), UsccError> {
    if s.len() == 18 {
        Ok(())
    } else {
        Err(UsccError::Bad)
    }
}

//! SHIM until the qr branch lands.
#[derive(Default)]
pub struct QrLimits;
pub struct QrScan {
    pub texts: Vec<String>,
}
#[derive(Debug, thiserror::Error)]
#[error("qr")]
pub struct QrError;
pub fn decode_qr(_b: &[u8], _l: &QrLimits) -> Result<QrScan, QrError> {
    Err(QrError)
}

//! Seat tags signed with the bundle-signing key, and their QR codes.

use std::sync::Arc;

use hecha_core::seal::key::Ed25519Key;
use hecha_core::seal::seat::sign_seat_tag;

use crate::service::{ServiceError, ServiceResult};
use crate::state::AppState;

/// Signs seat tags with the official keyring's active key.
pub struct SeatSigner {
    key: Arc<Ed25519Key>,
}

impl SeatSigner {
    /// The official keyring's active key as the keyring is now.
    pub async fn current(state: &AppState) -> ServiceResult<Self> {
        let ring = state.keyrings.official().await?;
        Ok(SeatSigner {
            key: ring.active_signer().map_err(ServiceError::internal)?,
        })
    }

    pub fn sign(&self, inspection_id: &str, seat_id: &str) -> ServiceResult<String> {
        sign_seat_tag(&*self.key, inspection_id, seat_id)
            .map_err(|e| ServiceError::unprocessable("seat.id", e.to_string()))
    }
}

/// The tag as a QR code PNG (error correction M, 8 px modules, quiet zone).
pub fn qr_png(text: &str) -> ServiceResult<Vec<u8>> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(ServiceError::internal)?;
    let img = code
        .render::<image::Luma<u8>>()
        .module_dimensions(8, 8)
        .build();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(ServiceError::internal)?;
    Ok(out.into_inner())
}

//! Seat tags signed with the bundle-signing key, their QR codes and their label sheet.

use std::sync::Arc;

use hecha_core::labels::{LabelSheet, SeatLabel, render_label_sheet, tag_qr_png};
use hecha_core::msg;
use hecha_core::seal::key::Ed25519Key;
use hecha_core::seal::seat::sign_seat_tag;

use crate::db::entities::seat_tag;
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
        sign_seat_tag(&*self.key, inspection_id, seat_id).map_err(|e| {
            ServiceError::unprocessable("seat.id", msg!("error-seat-tag", problem = e.to_string()))
        })
    }
}

/// The tag as a QR code PNG (error correction M, 8 px modules, quiet zone).
pub fn qr_png(tag: &seat_tag::Model) -> ServiceResult<Vec<u8>> {
    tag_qr_png(&label(tag), 8).map_err(ServiceError::internal)
}

fn label(tag: &seat_tag::Model) -> SeatLabel {
    SeatLabel {
        seat_id: tag.seat_id.clone(),
        tag: tag.tag.clone(),
    }
}

/// The A4 sheet of these seats' labels (HTML: QR code, seat number, company).
pub fn label_sheet(
    company: &str,
    inspection_id: &str,
    tags: &[seat_tag::Model],
    lang: hecha_core::model::Lang,
) -> ServiceResult<String> {
    let labels: Vec<SeatLabel> = tags.iter().map(label).collect();
    render_label_sheet(&LabelSheet {
        company,
        inspection_id,
        labels: &labels,
        lang: Some(lang),
    })
    .map_err(ServiceError::internal)
}

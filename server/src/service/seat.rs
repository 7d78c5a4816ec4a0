//! Seat tags signed with the bundle-signing key, and their QR codes.

use hecha_core::seal::key::{Ed25519Key, Jwks, KeyPurpose};
use hecha_core::seal::key_history::KeyHistory;
use hecha_core::seal::keyring::Keyring;
use hecha_core::seal::seat::sign_seat_tag;

use crate::service::{ServiceError, ServiceResult};
use crate::settings::Settings;

pub struct SeatSigner {
    key: Ed25519Key,
}

/// The bundle-signing keyring of `purpose` (official records, or rehearsals); created on
/// first start.
pub fn open_keyring(settings: &Settings, purpose: KeyPurpose) -> anyhow::Result<Keyring> {
    open_or_create(&settings.keyring_for(purpose), purpose)
}

/// Opens the keyring in `dir`, creating it with one new key for `purpose` when there is
/// none. Opening migrates key files written as PKCS#8 v2 to v1, in place.
pub fn open_or_create(dir: &std::path::Path, purpose: KeyPurpose) -> anyhow::Result<Keyring> {
    if dir.join(hecha_core::seal::keyring::KEYRING_INDEX).exists() {
        let ring = Keyring::open(dir)?;
        anyhow::ensure!(
            ring.purpose() == purpose,
            "keyring {} holds {:?} keys, expected {purpose:?} keys",
            dir.display(),
            ring.purpose()
        );
        Ok(ring)
    } else {
        Ok(Keyring::create_for(dir, purpose, chrono::Utc::now())?)
    }
}

/// The official keyring's key history: the trust anchor auditors pin
/// (`/.well-known/hecha-key-history.json`).
pub fn signing_history(settings: &Settings) -> ServiceResult<KeyHistory> {
    let ring = Keyring::open(&settings.signing_keyring()).map_err(ServiceError::internal)?;
    Ok(ring.history().clone())
}

/// The public bundle-signing keys (for `/.well-known/jwks.json` and tag checks).
pub fn signing_jwks(settings: &Settings) -> ServiceResult<Jwks> {
    let ring = Keyring::open(&settings.signing_keyring()).map_err(ServiceError::internal)?;
    ring.jwks().map_err(ServiceError::internal)
}

impl SeatSigner {
    pub fn open(settings: &Settings) -> ServiceResult<Self> {
        let ring = Keyring::open(&settings.signing_keyring()).map_err(ServiceError::internal)?;
        Ok(SeatSigner {
            key: ring.active_signer().map_err(ServiceError::internal)?,
        })
    }

    pub fn sign(&self, inspection_id: &str, seat_id: &str) -> ServiceResult<String> {
        sign_seat_tag(&self.key, inspection_id, seat_id)
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

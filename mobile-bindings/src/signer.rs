//! The device key across the FFI: the app implements [`DeviceSigner`] with the hardware
//! keystore (Android Keystore, Secure Enclave); [`SoftwareSigner`] is the Rust key for
//! tests and devices without one. The core's `sign_item` does the JWS; this only adapts.

use std::sync::Arc;

use hecha_core::seal::device::{self, DeviceKey, EcdsaSignature};
use hecha_core::seal::key::SignerError;

use crate::error::{MobileError, guard};

/// A P-256 device key (implemented by the app).
#[uniffi::export(with_foreign)]
pub trait DeviceSigner: Send + Sync {
    /// The key's kid: the RFC 7638 thumbprint of its public JWK (= the device id).
    fn kid(&self) -> String;
    /// ECDSA P-256 over SHA-256 of `message`; either DER (what keystores return) or the
    /// raw 64-byte `r ‖ s`.
    fn sign_es256(&self, message: Vec<u8>) -> Result<Vec<u8>, MobileError>;
}

/// A software P-256 key held in memory.
#[derive(uniffi::Object)]
pub struct SoftwareSigner {
    key: DeviceKey,
}

#[uniffi::export]
impl SoftwareSigner {
    /// A new random key.
    #[uniffi::constructor]
    pub fn generate() -> Result<Arc<Self>, MobileError> {
        guard(|| {
            let key = DeviceKey::generate().map_err(MobileError::signer)?;
            Ok(Arc::new(Self { key }))
        })
    }

    /// The key with this 32-byte secret scalar (big-endian), e.g. kept by the app.
    #[uniffi::constructor]
    pub fn from_secret(secret: Vec<u8>) -> Result<Arc<Self>, MobileError> {
        guard(|| {
            let secret = <[u8; 32]>::try_from(secret.as_slice()).map_err(|_| {
                MobileError::invalid("device.secret", &hecha_core::msg!("mobile-secret-length"))
            })?;
            let key = DeviceKey::from_secret_bytes(&secret).map_err(MobileError::signer)?;
            Ok(Arc::new(Self { key }))
        })
    }

    /// The public JWK to enrol (`POST /api/v1/devices`), as JSON.
    pub fn public_jwk_json(&self) -> Result<String, MobileError> {
        serde_json::to_string(self.key.public_jwk()).map_err(MobileError::internal)
    }

    /// This key as a [`DeviceSigner`] (no round trip through the app's language).
    pub fn as_device_signer(self: Arc<Self>) -> Arc<dyn DeviceSigner> {
        self
    }
}

impl DeviceSigner for SoftwareSigner {
    fn kid(&self) -> String {
        self.key.public_jwk().kid.clone()
    }

    fn sign_es256(&self, message: Vec<u8>) -> Result<Vec<u8>, MobileError> {
        Ok(self.key.sign_der(&message))
    }
}

/// The app's signer seen as the core's `DeviceSigner`.
pub(crate) struct CoreSigner {
    kid: String,
    inner: Arc<dyn DeviceSigner>,
}

impl CoreSigner {
    pub(crate) fn new(inner: Arc<dyn DeviceSigner>) -> Self {
        Self {
            kid: inner.kid(),
            inner,
        }
    }
}

impl device::DeviceSigner for CoreSigner {
    fn kid(&self) -> &str {
        &self.kid
    }

    fn sign_es256(&self, message: &[u8]) -> Result<EcdsaSignature, SignerError> {
        let sig = self
            .inner
            .sign_es256(message.to_vec())
            .map_err(|e| SignerError::Unavailable(e.to_string()))?;
        // DER unless it is 64 bytes that do not parse as DER: the raw `r ‖ s` form.
        match <[u8; 64]>::try_from(sig.as_slice()) {
            Ok(raw) if device::der_to_raw(&sig).is_err() => Ok(EcdsaSignature::Raw(raw)),
            _ => Ok(EcdsaSignature::Der(sig)),
        }
    }
}

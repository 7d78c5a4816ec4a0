//! Decoding a photo costs memory its file size does not show: a 49-megapixel JPEG of a few
//! MB decodes to about 200 MB of RGBA, and QR decoding works on further copies. Decodes on
//! the server (certificate photos sent to the SI-scan endpoint) therefore take their share
//! of a memory budget (`limits.decode_memory_mb`, default 768 MB: what a 2 GiB server can
//! spare beside its database connections and uploads) before they start. A request that
//! finds too little left waits up to `limits.decode_wait_s`, then answers 503 with
//! Retry-After; a photo bigger than the whole budget is refused (413). An export, which
//! renders the report's thumbnails one photo at a time, takes the share of its largest
//! photo (at most the whole budget) for as long as it writes the bag.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hecha_core::msg;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::service::{ServiceError, ServiceResult};

/// Bytes a decode needs per pixel: the RGBA image, its grey copy, and the QR decoder's
/// working images.
pub const BYTES_PER_PIXEL: u64 = 10;

/// The decode budget, in MB.
pub struct DecodeBudget {
    mb: Arc<Semaphore>,
    total_mb: u32,
    wait: Duration,
}

impl DecodeBudget {
    pub fn new(total_mb: u32, wait_s: u64) -> Self {
        let total_mb = total_mb.max(1);
        DecodeBudget {
            mb: Arc::new(Semaphore::new(total_mb as usize)),
            total_mb,
            wait: Duration::from_secs(wait_s),
        }
    }

    /// MB a decode of the image at `path` needs, from the dimensions its header declares
    /// (read without decoding). An unreadable header counts 1 MB: the decoder refuses it at
    /// once.
    pub fn estimate_mb(path: &Path) -> u32 {
        let pixels = image::ImageReader::open(path)
            .and_then(|r| r.with_guessed_format())
            .ok()
            .and_then(|r| r.into_dimensions().ok())
            .map_or(0, |(w, h)| u64::from(w) * u64::from(h));
        let mb = (pixels * BYTES_PER_PIXEL).div_ceil(1024 * 1024);
        u32::try_from(mb).unwrap_or(u32::MAX).max(1)
    }

    /// Takes `mb` of the budget, waiting for it up to the configured time.
    pub async fn acquire(&self, mb: u32) -> ServiceResult<OwnedSemaphorePermit> {
        if mb > self.total_mb {
            return Err(ServiceError::too_large_as(
                "image.too_large_to_decode",
                msg!(
                    "error-image-too-large-to-decode",
                    needed_mb = mb,
                    budget_mb = self.total_mb
                ),
            ));
        }
        match tokio::time::timeout(self.wait, self.mb.clone().acquire_many_owned(mb)).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_)) => Err(ServiceError::internal("decode budget closed")),
            Err(_) => Err(ServiceError::unavailable(
                "decode.busy",
                msg!("error-decode-busy"),
            )),
        }
    }

    /// Takes `mb` of the budget, or the whole budget when `mb` is more (a job that decodes
    /// its photos one at a time and must not be refused for one big photo: it runs alone).
    pub async fn acquire_at_most(&self, mb: u32) -> ServiceResult<OwnedSemaphorePermit> {
        self.acquire(mb.min(self.total_mb)).await
    }

    /// Holds the whole budget (tests: a server busy decoding).
    pub fn try_hold_all(&self) -> Option<OwnedSemaphorePermit> {
        self.mb.clone().try_acquire_many_owned(self.total_mb).ok()
    }
}

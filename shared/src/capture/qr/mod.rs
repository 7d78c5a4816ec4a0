//! QR codes from photos: bytes of a phone photo (of a social-insurance certificate on a
//! desk) → every distinct QR text in it.
//!
//! The pipeline, cheapest first, stopping as soon as every code that was located has been
//! read (or the time budget is spent):
//!
//! 1. **load** ([`load`]): sniff the format (HEIC/AVIF refused with a clear message), read
//!    the dimensions from the header and refuse more than [`QrLimits::max_pixels`] before
//!    any pixel buffer exists, decode to greyscale (JPEG: luma plane only), turn upright by
//!    EXIF Orientation.
//! 2. **fast**: downscale to ~1300 px and let rqrr threshold it itself (row running mean).
//! 3. **adaptive@N**: a scale pyramid (long side ~1300, ~2100, full), each binarized with
//!    a local-mean threshold ([`binarize::adaptive`]) before rqrr sees it.
//! 4. **zoom**: regions where rqrr located a code but could not read it are cut from the
//!    full-resolution image, upscaled when the code is small and retried with several
//!    thresholds.
//!
//! Every rqrr call runs under `catch_unwind`: rqrr panics on some inputs
//! (WanzenBug/rqrr#54), and a panic there is one failed attempt, never a crash.
//!
//! ## Text encoding (what was decided, precisely)
//! rqrr 0.11 parses an ECI designator and throws it away (`decode_eci` reads the number
//! and writes nothing), concatenating the segments' raw bytes; it exposes no way to see
//! the ECI number short of re-doing Reed–Solomon correction ourselves, which is not cheap.
//! So ECI is **not** honoured. The payload bytes are read as UTF-8 when they are valid
//! UTF-8 (ECI 26, and what every modern generator writes), otherwise as GB18030 (the
//! superset of GBK/GB2312 that Chinese government systems emit without ECI). Pure ASCII
//! is the same in both. A Latin-1 payload (the standard's default without ECI) with
//! bytes ≥ 0x80 would be misread as GB18030; no certificate issuer is known to do that.

mod binarize;
mod load;

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use image::GrayImage;

/// What the decoder may spend on one photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrLimits {
    /// Refuse images with more pixels than this (decompression bombs), checked from the
    /// header before decoding. Default 50 MP: the largest phone photos are ~48–50 MP.
    pub max_pixels: u64,
    /// Refuse files larger than this many bytes. Default 64 MiB.
    pub max_bytes: u64,
    /// Wall time after which no new stage starts. Default 2 s.
    pub time_budget: Duration,
}

impl Default for QrLimits {
    fn default() -> Self {
        QrLimits {
            max_pixels: 50_000_000,
            max_bytes: 64 << 20,
            time_budget: Duration::from_secs(2),
        }
    }
}

/// The codes found in one photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrScan {
    /// Every distinct decoded text, sorted (so the order does not depend on which stage
    /// happened to find which code).
    pub texts: Vec<String>,
    /// The stage(s) that found them, `+`-joined, e.g. `fast` or `adaptive@2000+zoom`;
    /// for diagnostics and the benchmark only.
    pub stage: String,
}

#[derive(Debug, thiserror::Error)]
pub enum QrError {
    #[error("unsupported image format: {0}")]
    UnsupportedFormat(String),
    #[error("image too large: {pixels} pixels, the limit is {limit}")]
    TooLarge { pixels: u64, limit: u64 },
    #[error("file too large: {bytes} bytes, the limit is {limit}")]
    FileTooLarge { bytes: u64, limit: u64 },
    #[error("unreadable image: {0}")]
    Unreadable(String),
    #[error("no QR code found")]
    NotFound,
    #[error("time budget exceeded before any QR code was decoded")]
    TimeBudgetExceeded,
}

/// Decodes every QR code in a photo. See the module docs for the stages.
pub fn decode_qr(bytes: &[u8], limits: &QrLimits) -> Result<QrScan, QrError> {
    let start = Instant::now();
    let img = load::load_grey(bytes, limits)?;
    Pipeline::new(start, limits.time_budget).run(&img)
}

/// rqrr alone on the whole decoded image (its own thresholding, no pyramid): the baseline
/// the benchmark compares the pipeline against. Same loading and limits as [`decode_qr`].
pub fn decode_qr_plain(bytes: &[u8], limits: &QrLimits) -> Result<QrScan, QrError> {
    let img = load::load_grey(bytes, limits)?;
    let found = rqrr_grey(&img);
    let texts: BTreeSet<String> = found.texts.into_iter().collect();
    if texts.is_empty() {
        return Err(QrError::NotFound);
    }
    Ok(QrScan {
        texts: texts.into_iter().collect(),
        stage: "plain".to_owned(),
    })
}

/// Long side of the first, cheap look. Large enough for a module of ~6 px in a 12 MP
/// photo to keep ~2 px, small enough to cost a few tens of ms.
const FAST_SIDE: u32 = 1300;
/// Long side of the middle pyramid level.
const MID_SIDE: u32 = 2100;

/// A located-but-unread code, in full-resolution coordinates: (min x, min y, max x, max y).
type Region = (i64, i64, i64, i64);

#[derive(Default)]
struct Attempt {
    texts: Vec<String>,
    unread: Vec<Region>,
}

struct Pipeline {
    start: Instant,
    budget: Duration,
    texts: BTreeSet<String>,
    stages: Vec<String>,
    unread: Vec<Region>,
    out_of_time: bool,
}

impl Pipeline {
    fn new(start: Instant, budget: Duration) -> Self {
        Pipeline {
            start,
            budget,
            texts: BTreeSet::new(),
            stages: Vec::new(),
            unread: Vec::new(),
            out_of_time: false,
        }
    }

    fn time_left(&mut self) -> bool {
        if self.start.elapsed() >= self.budget {
            self.out_of_time = true;
        }
        !self.out_of_time
    }

    /// Done when something was read and nothing located is still unread.
    fn done(&self) -> bool {
        !self.texts.is_empty() && self.unread.is_empty()
    }

    fn record(&mut self, stage: &str, attempt: Attempt, scale: u32) {
        let mut new = false;
        for t in attempt.texts {
            new |= self.texts.insert(t);
        }
        if new {
            self.stages.push(stage.to_owned());
        }
        let s = i64::from(scale);
        for (x0, y0, x1, y1) in attempt.unread {
            let r = (x0 * s, y0 * s, x1 * s, y1 * s);
            // One region per location: the same code is located again at other scales.
            if !self.unread.iter().any(|u| overlap(u, &r)) {
                self.unread.push(r);
            }
        }
    }

    fn run(mut self, img: &GrayImage) -> Result<QrScan, QrError> {
        let long = img.width().max(img.height());
        // Pyramid levels as integer downscale factors, coarsest first: a cheap look at
        // ~1300 px, then ~2100 px, then full resolution (for ~2 px modules in 12 MP).
        let mut factors = vec![long.div_ceil(FAST_SIDE), long.div_ceil(MID_SIDE), 1];
        factors.dedup();
        for (i, &f) in factors.iter().enumerate() {
            if self.done() || !self.time_left() {
                break;
            }
            let level = binarize::downscale(img, f);
            let side = long / f;
            if i == 0 {
                self.record(&format!("fast@{side}"), rqrr_grey(&level), f);
                if self.done() || !self.time_left() {
                    break;
                }
            }
            // Window ≈ 1/40 of the image: several modules for any code we can read,
            // smaller than the shadows. Full resolution keeps the sensor noise, so it
            // gets a larger offset.
            let r = (side / 80).max(6);
            let offset = if f == 1 && long > MID_SIDE { 10 } else { 6 };
            let bits = binarize::adaptive(&level, r, offset);
            let a = rqrr_bits(level.width(), level.height(), &bits);
            self.record(&format!("adaptive@{side}"), a, f);
            drop(bits);
            // Codes located at this level but unread: try them zoomed before paying for
            // the next, larger level.
            self.zoom(img);
        }

        if self.texts.is_empty() {
            return Err(if self.out_of_time {
                QrError::TimeBudgetExceeded
            } else {
                QrError::NotFound
            });
        }
        Ok(QrScan {
            texts: self.texts.into_iter().collect(),
            stage: self.stages.join("+"),
        })
    }

    /// Retries located-but-unread codes on full-resolution crops, upscaled when small.
    fn zoom(&mut self, img: &GrayImage) {
        let regions = std::mem::take(&mut self.unread);
        for (x0, y0, x1, y1) in regions {
            if !self.time_left() {
                return;
            }
            let size = (x1 - x0).max(y1 - y0).max(1);
            let margin = size / 4 + 8;
            let cx0 = (x0 - margin).clamp(0, i64::from(img.width()) - 1);
            let cy0 = (y0 - margin).clamp(0, i64::from(img.height()) - 1);
            let cx1 = (x1 + margin).clamp(cx0 + 1, i64::from(img.width()));
            let cy1 = (y1 + margin).clamp(cy0 + 1, i64::from(img.height()));
            let crop = image::imageops::crop_imm(
                img,
                cx0 as u32,
                cy0 as u32,
                (cx1 - cx0) as u32,
                (cy1 - cy0) as u32,
            )
            .to_image();
            // Upscale small crops so that a 2 px module becomes 4–6 px.
            let up = if size < 300 {
                3
            } else if size < 700 {
                2
            } else {
                1
            };
            let crop = binarize::upscale(&crop, up);
            let r = (crop.width().max(crop.height()) / 24).max(8);
            let attempts: [&dyn Fn() -> Attempt; 3] = [
                &|| rqrr_grey(&crop),
                &|| {
                    rqrr_bits(
                        crop.width(),
                        crop.height(),
                        &binarize::adaptive(&crop, r, 4),
                    )
                },
                &|| {
                    rqrr_bits(
                        crop.width(),
                        crop.height(),
                        &binarize::adaptive(&crop, r / 2, 10),
                    )
                },
            ];
            for attempt in attempts {
                let a = attempt();
                if !a.texts.is_empty() {
                    // Regions found inside the crop are not fed back: one level of zoom.
                    self.record(
                        "zoom",
                        Attempt {
                            texts: a.texts,
                            unread: Vec::new(),
                        },
                        1,
                    );
                    break;
                }
                if !self.time_left() {
                    return;
                }
            }
        }
    }
}

fn overlap(a: &Region, b: &Region) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Detects and decodes every grid of a prepared image. A macro, not a function: rqrr
/// does not export the buffer trait a generic function would have to name.
macro_rules! detect_decode {
    ($prepared:expr) => {{
        let mut prepared = $prepared;
        let mut out = Attempt::default();
        for grid in prepared.detect_grids() {
            let mut raw = Vec::new();
            // A fresh buffer per grid: decode_to may have written half a payload on error.
            match grid.decode_to(&mut raw) {
                Ok(_) => out.texts.push(payload_text(&raw)),
                Err(_) => out.unread.push(bounds_rect(&grid.bounds)),
            }
        }
        out
    }};
}

/// rqrr with its own thresholding.
fn rqrr_grey(img: &GrayImage) -> Attempt {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let px = img.as_raw();
    guarded(|| {
        detect_decode!(rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
            px[y * w + x]
        }))
    })
}

/// rqrr on an already binarized image (`true` = dark).
fn rqrr_bits(w: u32, h: u32, bits: &[bool]) -> Attempt {
    let (w, h) = (w as usize, h as usize);
    if bits.len() != w * h {
        return Attempt::default();
    }
    guarded(|| {
        detect_decode!(rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| {
            bits[y * w + x]
        }))
    })
}

/// Turns any rqrr panic into an empty attempt.
fn guarded(f: impl FnOnce() -> Attempt) -> Attempt {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_default()
}

fn bounds_rect(b: &[rqrr::Point; 4]) -> Region {
    let xs = b.iter().map(|p| i64::from(p.x));
    let ys = b.iter().map(|p| i64::from(p.y));
    (
        xs.clone().min().unwrap_or(0),
        ys.clone().min().unwrap_or(0),
        xs.max().unwrap_or(0),
        ys.max().unwrap_or(0),
    )
}

/// Payload bytes → text: UTF-8 when valid, else GB18030 (see the module docs for why).
pub fn payload_text(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(raw)
            .0
            .into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gb18030_payload() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("姓名：张三");
        assert_eq!(payload_text(&bytes), "姓名：张三");
        assert_eq!(payload_text("参保地".as_bytes()), "参保地");
    }

    #[test]
    fn overlap_rects() {
        assert!(overlap(&(0, 0, 10, 10), &(5, 5, 15, 15)));
        assert!(!overlap(&(0, 0, 10, 10), &(11, 0, 20, 10)));
    }
}

//! QR codes from photos: bytes of a phone photo (of a social-insurance certificate on a
//! desk) → every distinct QR text in it.
//!
//! The pipeline ([`DEFAULT_STAGES`]), stopping as soon as every code that was located has
//! been read (or the time budget is spent); the order comes from `bench/run`'s figures
//! (`docs/benchmarks.md`):
//!
//! 1. **load** ([`load`]): sniff the format (HEIC/AVIF refused with a clear message), read
//!    the dimensions from the header and refuse more than [`QrLimits::max_pixels`] before
//!    any pixel buffer exists, decode to greyscale (JPEG: luma plane only), turn upright by
//!    EXIF Orientation.
//! 2. **rxing@2000**, then **rxing@full**: rxing (a pure-Rust port of ZXing with the
//!    zxing-cpp QR detector) with its hybrid local-average binarizer, first on the image
//!    area-downscaled to ~2000 px (averaging removes noise and JPEG blocking; cheap), then
//!    at full resolution for ~2 px modules.
//! 3. **grid** ([`grid`]): codes whose grid the detector sampled but could not decode are
//!    resampled module by module from the greyscale image, the grid refined against the
//!    modules the standard fixes, the blur measured on them and undone; every candidate
//!    grid must pass the decoder's Reed–Solomon check. It runs after each stage that
//!    locates codes, most promising location first; a location whose fixed modules do
//!    not separate into dark and light at all ([`grid::MIN_PROSPECT`]) is no code, is
//!    dropped, and no longer keeps the pipeline going once something was read. That check
//!    cut the stage from ~57 to 3–5 ms a photo on the bands corpus and lost no read: false
//!    locations (text, sharpened noise) cost up to half a second each to refine.
//! 4. **finders**: finder patterns that no code was read around (0.8–3 px modules): the
//!    region a code could occupy is cut out, upscaled ×3 (×2 from 2 px modules) with
//!    bicubic (Catmull–Rom) interpolation and searched again; what is located there and
//!    not read goes to **grid**. Patterns with partners of their size at a code's distance
//!    come first, cropped around the group; at most [`MAX_FINDER_CROPS`] crops.
//! 5. **rxing-sharp@full**: rxing after an unsharp mask ([`binarize::sharpen`]): blur fills
//!    the one-module light ring of a finder pattern at 1.2–2 px modules; sharpening brings
//!    it back. It is the dearest stage (sharpened noise is full of finder-like patterns),
//!    so it comes after the finder crops, which read many of the same photos without it;
//!    then **grid** and **finders** again on what it found.
//!
//! Measured and left out of the default list (still available by name): **zoom** (codes
//! located but unread cut out, upscaled and retried with rxing and rqrr at several
//! thresholds) read 0 photos on the bands corpus and 1 on the screen corpus after the
//! stages above, at ~40 ms a miss; `rxing-adaptive@full` (rxing on our local-mean
//! binarization, [`binarize::adaptive`]) read nothing that the stages above do not, at
//! +47 ms a photo. rqrr used to come first (`rqrr@1300`, a cheap look); on the first
//! benchmark corpus it read no photo that rxing@2000 does not, cost ~15 ms per photo, and
//! its located-but-unread false finds kept the pipeline going after rxing had read the
//! code. rqrr's whole-image stages (`adaptive@2100`) read nothing more either. rqrr's
//! decoder remains the fallback for every grid it samples (zoom, `rqrr@N`).
//! `rxing-up@2200` (frames up to 2200 px upscaled ×2, bilinear, and searched whole) read
//! 6 more photos on the screen corpus and 2 on the bands corpus after the first finder
//! crops, at +17 and +41 ms a photo: the decode lead it buys costs the time goal, so it is
//! not in the default yet (docs/benchmarks.md).
//!
//! Any stage list can be run with [`decode_qr_stages`] (`HECHA_QR_PIPELINE` for
//! `hecha qr`); [`decode_qr_plain`] is rqrr alone, the baseline.
//!
//! Every decoder call runs under `catch_unwind` ([`contained`]): rqrr panics on some
//! inputs (WanzenBug/rqrr#54), and a panic there is one failed attempt, never a crash; a
//! panic hook keeps such contained panics off stderr.
//!
//! ## Text encoding (what was decided, precisely)
//! The text follows the symbol, as ISO/IEC 18004 and GB/T 18284 define it; a decoder that
//! returns the wrong text is worse than one that returns none, so where the symbol does
//! not define the charset hecha guesses and says so. Every grid is decoded by rxing, and
//! its text is read segment by segment ([`rx`]: the error-corrected data codewords walked
//! with rxing's per-mode decoders; [`text`] turns the segments into text):
//!
//! - **Numeric and alphanumeric** segments are ASCII (`US-ASCII`).
//! - **Kanji mode** is JIS X 0208 by definition: its byte pairs are read as `Shift_JIS`,
//!   whatever ECI is in force.
//! - **Hanzi mode** (GB/T 18284, subset 1) is GB 2312 (read with GB18030, its superset;
//!   reported as `GB2312`). Other subsets are refused.
//! - **Byte mode under an ECI** follows the designated charset (UTF-8, GB18030 — ECI 29 and
//!   32 —, ISO-8859-x, Shift_JIS, …); bytes that are invalid in it come out as U+FFFD.
//!   An ECI that rxing does not know leaves the bytes open, as if there were none.
//! - **Byte mode without an ECI**: all such segments of a symbol together are UTF-8 when
//!   every one is valid UTF-8 (what modern generators write; pure ASCII included) — not a
//!   guess. Otherwise hecha **guesses** one charset for them all among GB18030, Shift_JIS
//!   and ISO-8859-1 (ZXing's `StringUtils.guessEncoding` chooses between the last two;
//!   GB18030 is added), never a fixed fallback:
//!   - a candidate that cannot be right is out: bytes invalid or unmapped in it (strict
//!     decoding, encoding_rs), a private-use character (both map their user-defined areas
//!     there), and ZXing's rules: ISO-8859-1 has no C1 byte 0x80–0x9F; Shift_JIS has no
//!     0x80 or 0xA0, no lead byte above 0xEF, trail bytes 0x40–0xFC but 0x7F;
//!   - each remaining one is scored by the characters it makes, summed: GB18030 +2 for a
//!     common hanzi (GB 2312 level 1), +1 for a level-2 hanzi or a GB 2312 symbol or
//!     full-width form, −1 for a character outside GB 2312 (GBK/GB18030 extensions),
//!     −2 for a four-byte sequence or the lone 0x80; Shift_JIS +2 for hiragana and
//!     katakana, +1 for a level-1 kanji or a JIS X 0208 symbol or full-width form, 0 for a
//!     level-2 kanji or half-width katakana, −1 for NEC/IBM extensions; ISO-8859-1 +1 for
//!     an accented letter next to an ASCII letter, 0 for one among other high bytes, −1
//!     for the other high characters (0xA0–0xBF, ×, ÷: ZXing's "isoHighOther"); ASCII 0;
//!   - the highest score wins, a tie in the order GB18030, Shift_JIS, ISO-8859-1 (hecha
//!     reads Chinese certificates); when none is left, GB18030 with U+FFFD for the
//!     undecodable bytes.
//!
//!   Why it works: GB 2312 text never has a byte 0x81–0x9F, where every kana and level-1
//!   kanji of Shift_JIS begins, so read as Shift_JIS it is half-width katakana and level-2
//!   kanji (0) at best; Japanese text read as GBK is extension-area characters (−1). So
//!   short Chinese names in GBK bytes (张伟, 李娜: valid Shift_JIS too) come out GB18030
//!   and Japanese with kana or common kanji comes out Shift_JIS. Half-width-katakana-only
//!   Japanese that is also valid GB 2312 is read as Chinese: an ambiguity in the bytes,
//!   resolved for the country hecha works in.
//!
//! The reading is reported with the text ([`QrScan::encodings`], `encodings` in `hecha
//! qr`): the charsets used, and `guessed`, the charset hecha chose, only for the guess
//! above — also when just one candidate decodes, as nothing in the symbol says it is
//! right — and for a payload whose segments could not be told apart: rqrr's decoder (the
//! fallback for grids rxing cannot decode) drops the ECI and the modes, so its non-ASCII
//! text is always a guess. The SI parser keeps the guess on the record
//! ([`crate::capture::si::parse_si_decoded`]), and a guessed payload that no layout
//! recognises is for a person to review, never a person's record.

mod binarize;
mod contain;
mod grid;
mod load;
mod rx;
mod text;

pub use contain::{contained, contained_panics};
pub use text::{QrText, TextEncoding, payload_text};

use std::collections::BTreeMap;
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
    /// How each text was read, in the order of `texts`: its character sets, and the one
    /// hecha guessed when the code leaves its bytes' charset open (module docs, "Text
    /// encoding").
    pub encodings: Vec<TextEncoding>,
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

/// One step of the pipeline. `side` is the long side the image is area-downscaled to
/// first (by an integer factor; `0` = full resolution).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// rqrr with its own thresholding (row running mean).
    Rqrr { side: u32 },
    /// rqrr on a local-mean binarization ([`binarize::adaptive`]).
    Adaptive { side: u32 },
    /// rxing (zxing-cpp's detector, ported) on its own hybrid binarization.
    Rxing { side: u32 },
    /// rxing on the local-mean binarization.
    RxingAdaptive { side: u32 },
    /// rxing's hybrid binarizer after an unsharp mask ([`binarize::sharpen`]): finder
    /// patterns of 1.2–2 px modules that blur has merged into blobs.
    RxingSharp { side: u32 },
    /// rxing on the whole image upscaled ×2 (bilinear), only when its long side is at most
    /// `max` px: small frames whose 1.2–2 px modules the detector's run-length test does
    /// not resolve.
    RxingUp { max: u32 },
    /// Codes located but not read so far, cut from the full-resolution image, upscaled
    /// when small and retried with both decoders.
    Zoom,
    /// Codes located but not read so far, whose grid the detector sampled: resampled
    /// module by module from the greyscale image, grid refined, blur measured and undone
    /// ([`grid`]).
    Grid,
    /// Finder patterns found that no code was read around: an upscaled crop around each,
    /// searched again.
    Finders,
}

impl Stage {
    /// Parses `rqrr@1300`, `adaptive@full`, `rxing@2000`, `rxing-adaptive@full`,
    /// `rxing-sharp@full`, `rxing-up@2200`, `zoom`, `grid`, `finders`.
    pub fn parse(s: &str) -> Option<Stage> {
        match s {
            "zoom" => return Some(Stage::Zoom),
            "grid" => return Some(Stage::Grid),
            "finders" => return Some(Stage::Finders),
            _ => {}
        }
        let (kind, side) = s.split_once('@')?;
        let side = if side == "full" {
            0
        } else {
            side.parse().ok()?
        };
        Some(match kind {
            "rqrr" => Stage::Rqrr { side },
            "adaptive" => Stage::Adaptive { side },
            "rxing" => Stage::Rxing { side },
            "rxing-adaptive" => Stage::RxingAdaptive { side },
            "rxing-sharp" => Stage::RxingSharp { side },
            "rxing-up" => Stage::RxingUp { max: side },
            _ => return None,
        })
    }

    /// Parses a comma-separated list of stages.
    pub fn parse_list(s: &str) -> Option<Vec<Stage>> {
        s.split(',').map(|p| Stage::parse(p.trim())).collect()
    }

    fn name(self, long: u32) -> String {
        let side = |s: u32| {
            if s == 0 || s >= long {
                long
            } else {
                long / long.div_ceil(s)
            }
        };
        match self {
            Stage::Rqrr { side: s } => format!("rqrr@{}", side(s)),
            Stage::Adaptive { side: s } => format!("adaptive@{}", side(s)),
            Stage::Rxing { side: s } => format!("rxing@{}", side(s)),
            Stage::RxingAdaptive { side: s } => format!("rxing-adaptive@{}", side(s)),
            Stage::RxingSharp { side: s } => format!("rxing-sharp@{}", side(s)),
            Stage::RxingUp { max } => format!("rxing-up@{max}"),
            Stage::Zoom => "zoom".to_owned(),
            Stage::Grid => "grid".to_owned(),
            Stage::Finders => "finders".to_owned(),
        }
    }
}

/// At most this many finder-pattern crops per photo ([`Stage::Finders`]): a page of text
/// has finder-like blobs, and a photo without a code must not cost seconds.
const MAX_FINDER_CROPS: usize = 4;

/// The default stage order (see the module docs and `docs/benchmarks.md` for why).
pub const DEFAULT_STAGES: &[Stage] = &[
    Stage::Rxing { side: 2000 },
    Stage::Rxing { side: 0 },
    Stage::Grid,
    Stage::Finders,
    Stage::Grid,
    Stage::RxingSharp { side: 0 },
    Stage::Grid,
    Stage::Finders,
    Stage::Grid,
];

/// Decodes every QR code in a photo. See the module docs for the stages.
pub fn decode_qr(bytes: &[u8], limits: &QrLimits) -> Result<QrScan, QrError> {
    decode_qr_stages(bytes, limits, DEFAULT_STAGES)
}

/// [`decode_qr`] with another stage list (for the benchmark and experiments).
pub fn decode_qr_stages(
    bytes: &[u8],
    limits: &QrLimits,
    stages: &[Stage],
) -> Result<QrScan, QrError> {
    decode_qr_traced(bytes, limits, stages).0
}

/// What the pipeline saw besides the texts (for `bench/qr.py`'s diagnosis of misses).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QrTrace {
    /// Distinct places where a code was located (a grid sampled) but never read.
    pub unread: usize,
    /// Each stage that ran, with the time it took (loading the image is `load`).
    pub times: Vec<(String, Duration)>,
}

/// [`decode_qr_stages`] that also says how many located codes stayed unread.
pub fn decode_qr_traced(
    bytes: &[u8],
    limits: &QrLimits,
    stages: &[Stage],
) -> (Result<QrScan, QrError>, QrTrace) {
    let start = Instant::now();
    let img = match load::load_grey(bytes, limits) {
        Ok(img) => img,
        Err(e) => return (Err(e), QrTrace::default()),
    };
    let mut pipeline = Pipeline::new(start, limits.time_budget);
    pipeline.times.push(("load".to_owned(), start.elapsed()));
    let scan = pipeline.run(&img, stages);
    let read = &pipeline.read;
    let unread = pipeline
        .seen_unread
        .iter()
        .filter(|u| !read.iter().any(|r| overlap(u, r)))
        .count();
    let times = std::mem::take(&mut pipeline.times);
    (scan, QrTrace { unread, times })
}

/// rqrr alone on the whole decoded image (its own thresholding, no pyramid): the baseline
/// the benchmark compares the pipeline against. Same loading and limits as [`decode_qr`].
pub fn decode_qr_plain(bytes: &[u8], limits: &QrLimits) -> Result<QrScan, QrError> {
    let img = load::load_grey(bytes, limits)?;
    let found = rqrr_only(&img);
    let mut texts = BTreeMap::new();
    for t in found.texts {
        text::keep(&mut texts, t);
    }
    if texts.is_empty() {
        return Err(QrError::NotFound);
    }
    Ok(QrScan::new(texts, "plain".to_owned()))
}

impl QrScan {
    fn new(texts: BTreeMap<String, TextEncoding>, stage: String) -> Self {
        let (texts, encodings) = texts.into_iter().unzip();
        QrScan {
            texts,
            encodings,
            stage,
        }
    }

    /// Each text with how it was read.
    pub fn decoded(&self) -> impl Iterator<Item = (&str, &TextEncoding)> {
        self.texts.iter().map(String::as_str).zip(&self.encodings)
    }
}

/// A code's bounding box, in the coordinates of the image it was found in (scaled to
/// full resolution by [`Pipeline::record`]): (min x, min y, max x, max y).
type Region = (i64, i64, i64, i64);

#[derive(Default)]
struct Attempt {
    texts: Vec<QrText>,
    /// Where the texts were read (so that the same code, located-but-unread at another
    /// scale, is not chased further).
    read: Vec<Region>,
    /// Located but not read.
    unread: Vec<Region>,
    /// The geometry of located-but-unread codes, where the detector sampled a grid.
    located: Vec<grid::Located>,
    /// Finder patterns found but not part of a code that was read: (x, y, size in px).
    finders: Vec<(f32, f32, f32)>,
}

struct Pipeline {
    start: Instant,
    budget: Duration,
    texts: BTreeMap<String, TextEncoding>,
    stages: Vec<String>,
    read: Vec<Region>,
    unread: Vec<Region>,
    /// Every located-but-unread region ever recorded (for [`QrTrace`]).
    seen_unread: Vec<Region>,
    /// Geometry of located-but-unread codes (full resolution) and the downscale factor
    /// it was found at, for [`Stage::Grid`].
    located: Vec<(grid::Located, u32)>,
    /// Finder patterns not part of a read code (full resolution), for [`Stage::Finders`].
    finders: Vec<(f32, f32, f32)>,
    out_of_time: bool,
    /// Downscaled levels already computed, by factor.
    levels: Vec<(u32, GrayImage)>,
    /// Each stage run and its time, for [`QrTrace`].
    times: Vec<(String, Duration)>,
}

impl Pipeline {
    fn new(start: Instant, budget: Duration) -> Self {
        Pipeline {
            start,
            budget,
            texts: BTreeMap::new(),
            stages: Vec::new(),
            read: Vec::new(),
            unread: Vec::new(),
            seen_unread: Vec::new(),
            located: Vec::new(),
            finders: Vec::new(),
            out_of_time: false,
            levels: Vec::new(),
            times: Vec::new(),
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
        let s = i64::from(scale);
        let up = |(x0, y0, x1, y1): Region| (x0 * s, y0 * s, x1 * s, y1 * s);
        let mut new = false;
        for t in attempt.texts {
            new |= text::keep(&mut self.texts, t);
        }
        if new {
            self.stages.push(stage.to_owned());
        }
        self.read.extend(attempt.read.into_iter().map(up));
        for r in attempt.unread.into_iter().map(up) {
            // One region per location: the same code is located again at other scales.
            if !self.unread.iter().any(|u| overlap(u, &r)) {
                self.unread.push(r);
            }
            if !self.seen_unread.iter().any(|u| overlap(u, &r)) {
                self.seen_unread.push(r);
            }
        }
        for l in attempt.located {
            let l = l.scaled(scale as f32);
            let b = l.bounds();
            // One geometry per location, the one found at the finest scale.
            match self
                .located
                .iter_mut()
                .find(|(k, _)| overlap(&k.bounds(), &b))
            {
                Some(k) if k.1 > scale => *k = (l, scale),
                Some(_) => {}
                None => self.located.push((l, scale)),
            }
        }
        let sf = scale as f32;
        for (x, y, size) in attempt.finders {
            let (x, y, size) = (x * sf, y * sf, size * sf);
            // The same pattern seen again at another scale.
            let near = |&(fx, fy, fs): &(f32, f32, f32)| {
                (fx - x).abs() < fs.max(size) && (fy - y).abs() < fs.max(size)
            };
            if !self.finders.iter().any(near) {
                self.finders.push((x, y, size));
            }
        }
        let read = &self.read;
        self.unread.retain(|u| !read.iter().any(|r| overlap(u, r)));
        self.located
            .retain(|(l, _)| !read.iter().any(|r| overlap(&l.bounds(), r)));
    }

    /// The image downscaled so that its long side is at most `side` (0: full resolution).
    fn level(&mut self, img: &GrayImage, side: u32) -> u32 {
        let long = img.width().max(img.height());
        let f = if side == 0 { 1 } else { long.div_ceil(side) };
        if f > 1 && !self.levels.iter().any(|(k, _)| *k == f) {
            self.levels.push((f, binarize::downscale(img, f)));
        }
        f
    }

    fn run(&mut self, img: &GrayImage, stages: &[Stage]) -> Result<QrScan, QrError> {
        let long = img.width().max(img.height());
        let mut ran: Vec<String> = Vec::new();
        for &stage in stages {
            if self.done() || !self.time_left() {
                break;
            }
            let name = stage.name(long);
            // `rxing@2000` and `rxing@full` are one level on a 2000 px photo: run it once.
            if !matches!(
                stage,
                Stage::Zoom | Stage::Grid | Stage::Finders | Stage::RxingUp { .. }
            ) {
                if ran.contains(&name) {
                    continue;
                }
                ran.push(name.clone());
            }
            let t = Instant::now();
            self.stage(img, stage, &name);
            self.times.push((name, t.elapsed()));
        }

        if self.texts.is_empty() {
            return Err(if self.out_of_time {
                QrError::TimeBudgetExceeded
            } else {
                QrError::NotFound
            });
        }
        let stage = self.stages.join("+");
        Ok(QrScan::new(std::mem::take(&mut self.texts), stage))
    }

    /// Runs one stage (named `name` at this image's size) and records what it found.
    fn stage(&mut self, img: &GrayImage, stage: Stage, name: &str) {
        let long = img.width().max(img.height());
        let side = match stage {
            Stage::Zoom => {
                self.zoom(img);
                return;
            }
            Stage::Grid => {
                self.grid(img);
                return;
            }
            Stage::Finders => {
                self.finders(img);
                return;
            }
            Stage::RxingUp { max } => {
                self.upscaled(img, max, name);
                return;
            }
            Stage::Rqrr { side }
            | Stage::Adaptive { side }
            | Stage::Rxing { side }
            | Stage::RxingAdaptive { side }
            | Stage::RxingSharp { side } => side,
        };
        let f = self.level(img, side);
        let level = if f == 1 {
            img
        } else {
            match self.levels.iter().find(|(k, _)| *k == f) {
                Some((_, l)) => l,
                None => img,
            }
        };
        let (w, h) = level.dimensions();
        let attempt = match stage {
            Stage::Rqrr { .. } => rqrr_grey(level),
            Stage::Rxing { .. } => guarded(|| rx::hybrid(w, h, level.as_raw())),
            Stage::RxingSharp { .. } => {
                let sharp = binarize::sharpen(level, 24);
                guarded(|| rx::hybrid(w, h, sharp.as_raw()))
            }
            Stage::Adaptive { .. } | Stage::RxingAdaptive { .. } => {
                // Window ≈ 1/40 of the image: several modules for any code we can
                // read, smaller than the shadows. Full resolution keeps the sensor
                // noise, so it gets a larger offset.
                let lside = w.max(h);
                let r = (lside / 80).max(6);
                let offset = if f == 1 && long > 2100 { 10 } else { 6 };
                let bits = binarize::adaptive(level, r, offset);
                if matches!(stage, Stage::Adaptive { .. }) {
                    rqrr_bits(w, h, &bits)
                } else {
                    guarded(|| rx::bits(w, h, &bits))
                }
            }
            Stage::Zoom | Stage::Grid | Stage::Finders | Stage::RxingUp { .. } => {
                Attempt::default()
            }
        };
        self.record(name, attempt, f);
    }

    /// [`Stage::RxingUp`]: the whole image ×2, searched; what it finds mapped back.
    fn upscaled(&mut self, img: &GrayImage, max: u32, name: &str) {
        let (w, h) = img.dimensions();
        if w.max(h) > max {
            return;
        }
        let up = binarize::upscale(img, 2);
        let a = guarded(|| rx::hybrid(w * 2, h * 2, up.as_raw()));
        let half = |(x0, y0, x1, y1): Region| (x0 / 2, y0 / 2, (x1 + 1) / 2, (y1 + 1) / 2);
        let attempt = Attempt {
            texts: a.texts,
            read: a.read.into_iter().map(half).collect(),
            unread: a.unread.into_iter().map(half).collect(),
            located: a
                .located
                .into_iter()
                .map(|l| l.uncropped(2.0, 0.0, 0.0))
                .collect(),
            finders: a
                .finders
                .into_iter()
                .map(|(x, y, size)| (x / 2.0, y / 2.0, size / 2.0))
                .collect(),
        };
        self.record(name, attempt, 1);
    }

    /// Finder patterns that no code was read around: a crop around each likely code,
    /// upscaled ×2–×3 (bicubic), searched again; codes located there but not read go to
    /// [`Self::grid`]. The crops come from [`finder_crops`], best first, at most
    /// [`MAX_FINDER_CROPS`].
    fn finders(&mut self, img: &GrayImage) {
        let finders = std::mem::take(&mut self.finders);
        let inside = |r: &Region, x: f32, y: f32| {
            (r.0 as f32) <= x && x <= r.2 as f32 && (r.1 as f32) <= y && y <= r.3 as f32
        };
        let open: Vec<(f32, f32, f32)> = finders
            .into_iter()
            .filter(|&(x, y, _)| {
                !self.read.iter().any(|r| inside(r, x, y))
                    && !self.located.iter().any(|(l, _)| inside(&l.bounds(), x, y))
            })
            .collect();
        for c in finder_crops(&open) {
            // A code read from an earlier crop covers this one's finders.
            if self.read.iter().any(|r| inside(r, c.x, c.y)) {
                continue;
            }
            if !self.time_left() {
                return;
            }
            let (w, h) = (img.width() as f32, img.height() as f32);
            let x0 = (c.x - c.half).clamp(0.0, w - 1.0).floor();
            let y0 = (c.y - c.half).clamp(0.0, h - 1.0).floor();
            let x1 = (c.x + c.half).clamp(x0 + 1.0, w).ceil();
            let y1 = (c.y + c.half).clamp(y0 + 1.0, h).ceil();
            let crop = image::imageops::crop_imm(
                img,
                x0 as u32,
                y0 as u32,
                (x1 - x0) as u32,
                (y1 - y0) as u32,
            )
            .to_image();
            let up = if c.module_px < 2.0 { 3 } else { 2 };
            let crop = image::imageops::resize(
                &crop,
                crop.width() * up,
                crop.height() * up,
                image::imageops::FilterType::CatmullRom,
            );
            let (cw, ch) = crop.dimensions();
            let a = guarded(|| rx::hybrid(cw, ch, crop.as_raw()));
            let region = (x0 as i64, y0 as i64, x1 as i64, y1 as i64);
            if !a.texts.is_empty() {
                self.record(
                    "finders",
                    Attempt {
                        texts: a.texts,
                        read: vec![region],
                        ..Attempt::default()
                    },
                    1,
                );
                continue;
            }
            for l in a.located {
                let l = l.uncropped(up as f32, x0, y0);
                self.record(
                    "finders",
                    Attempt {
                        unread: vec![l.bounds()],
                        located: vec![l],
                        ..Attempt::default()
                    },
                    1,
                );
            }
        }
    }

    /// Resamples located-but-unread codes module by module from the greyscale image.
    fn grid(&mut self, img: &GrayImage) {
        let located = std::mem::take(&mut self.located);
        // Most promising first; what does not look like a code at all is dropped, and no
        // longer keeps the pipeline going once something was read.
        let mut ranked: Vec<(f32, grid::Located)> = located
            .into_iter()
            .map(|(l, _)| (grid::prospect(img, &l), l))
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (prospect, loc) in ranked {
            if prospect < grid::MIN_PROSPECT {
                let b = loc.bounds();
                self.unread.retain(|u| !overlap(u, &b));
                continue;
            }
            if !self.time_left() {
                return;
            }
            let mut text = None;
            let mut decode = |n: u32, bits: &[bool]| {
                let n = n as usize;
                text =
                    contain::contained(|| rx::decode_modules(n, |x, y| bits[y * n + x])).flatten();
                text.is_some()
            };
            grid::candidates(img, &loc, &mut decode);
            if let Some(t) = text {
                self.record(
                    "grid",
                    Attempt {
                        texts: vec![t],
                        read: vec![loc.bounds()],
                        ..Attempt::default()
                    },
                    1,
                );
            }
        }
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
            let (w, h) = crop.dimensions();
            let r = (w.max(h) / 24).max(8);
            let attempts: [&dyn Fn() -> Attempt; 4] = [
                &|| guarded(|| rx::hybrid(w, h, crop.as_raw())),
                &|| rqrr_grey(&crop),
                &|| rqrr_bits(w, h, &binarize::adaptive(&crop, r, 4)),
                &|| rqrr_bits(w, h, &binarize::adaptive(&crop, r / 2, 10)),
            ];
            for attempt in attempts {
                let a = attempt();
                if !a.texts.is_empty() {
                    // Regions found inside the crop are not fed back: one level of zoom.
                    self.record(
                        "zoom",
                        Attempt {
                            texts: a.texts,
                            read: vec![(x0, y0, x1, y1)],
                            ..Attempt::default()
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

/// Where [`Stage::Finders`] looks again: a square around a likely code, in full-resolution
/// pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
struct FinderCrop {
    x: f32,
    y: f32,
    half: f32,
    module_px: f32,
    /// Other finder patterns of the same size at a distance a code's finders could be
    /// apart (0–2 count; more are capped at 2).
    partners: usize,
}

/// Finder patterns (x, y, size in px) → crops, best first, at most [`MAX_FINDER_CROPS`].
///
/// A code has three finder patterns of one size, 14–(dim − 7) modules apart (up to ~70 on
/// the diagonal of a version-10 code; up to 90 are taken, as blur moves the centres); a
/// page of text has finder-like blobs with no such partner. A pattern with partners is cropped around the group, first; a lone one (its
/// partners lost to blur) around itself, up to a version-10 code in any direction. Patterns already inside
/// a chosen crop add no crop of their own. Larger modules (> 3 px) are read by the
/// whole-image stages or not at all; smaller than 0.8 px, by none.
fn finder_crops(finders: &[(f32, f32, f32)]) -> Vec<FinderCrop> {
    let usable: Vec<(f32, f32, f32)> = finders
        .iter()
        .copied()
        .filter(|&(_, _, size)| (0.8..=3.0).contains(&(size / 7.0)))
        .collect();
    let mut groups: Vec<FinderCrop> = usable
        .iter()
        .map(|&(x, y, size)| {
            let ms = size / 7.0;
            let partners: Vec<(f32, f32)> = usable
                .iter()
                .filter(|&&(px, py, ps)| {
                    let d = (px - x).hypot(py - y);
                    let ratio = ps / size;
                    (0.7..=1.43).contains(&ratio) && (13.0 * ms..=90.0 * ms).contains(&d)
                })
                .map(|&(px, py, _)| (px, py))
                .collect();
            let n = partners.len() as f32 + 1.0;
            let cx = (x + partners.iter().map(|p| p.0).sum::<f32>()) / n;
            let cy = (y + partners.iter().map(|p| p.1).sum::<f32>()) / n;
            // Around a lone pattern: a version-10 code (57 modules) from its corner, with
            // the quiet zone. Around a group, centred between its patterns: its extent,
            // plus the code's far side.
            let reach = partners
                .iter()
                .map(|&(px, py)| (px - x).hypot(py - y))
                .fold(0.0f32, f32::max);
            let half = if partners.is_empty() {
                50.0 * ms
            } else {
                ((x - cx).hypot(y - cy) + reach + 12.0 * ms).max(30.0 * ms)
            };
            FinderCrop {
                x: cx,
                y: cy,
                half,
                module_px: ms,
                partners: partners.len().min(2),
            }
        })
        .collect();
    // Most partners first; among equals the smaller modules (the ones the whole-image
    // stages could not read), then position, for a stable order.
    groups.sort_by(|a, b| {
        b.partners
            .cmp(&a.partners)
            .then(a.module_px.total_cmp(&b.module_px))
            .then(a.y.total_cmp(&b.y))
            .then(a.x.total_cmp(&b.x))
    });
    let mut chosen: Vec<FinderCrop> = Vec::new();
    for g in groups {
        if chosen.len() >= MAX_FINDER_CROPS {
            break;
        }
        let covered = chosen
            .iter()
            .any(|c| (c.x - g.x).abs() < c.half * 0.6 && (c.y - g.y).abs() < c.half * 0.6);
        if !covered {
            chosen.push(g);
        }
    }
    chosen
}

fn overlap(a: &Region, b: &Region) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Detects and decodes every grid of a prepared image. A macro, not a function: rqrr
/// does not export the buffer trait a generic function would have to name.
///
/// Each grid rqrr samples is first decoded by rxing's bit-stream decoder, which honours
/// ECI; rqrr's own decoder (which drops the ECI designator and the modes) is the
/// fallback, its text read as [`text::unstructured`].
macro_rules! detect_decode {
    ($prepared:expr) => {
        detect_decode!($prepared, true)
    };
    ($prepared:expr, $with_rxing:expr) => {{
        use rqrr::BitGrid as _;
        let mut prepared = $prepared;
        let mut out = Attempt::default();
        for grid in prepared.detect_grids() {
            let size = grid.grid.size();
            let by_rxing = if $with_rxing {
                rx::decode_modules(size, |x, y| grid.grid.bit(y, x))
            } else {
                None
            };
            let text = by_rxing.or_else(|| {
                let mut raw = Vec::new();
                // A fresh buffer per grid: decode_to may have written half a payload.
                grid.decode_to(&mut raw)
                    .ok()
                    .map(|_| text::unstructured(&raw))
            });
            match text {
                Some(t) => {
                    out.texts.push(t);
                    out.read.push(bounds_rect(&grid.bounds));
                }
                None => out.unread.push(bounds_rect(&grid.bounds)),
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

/// rqrr alone, decoder included (the baseline: no ECI).
fn rqrr_only(img: &GrayImage) -> Attempt {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let px = img.as_raw();
    guarded(|| {
        detect_decode!(
            rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| px[y * w + x]),
            false
        )
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

/// Turns any decoder panic into an empty (failed) attempt, silently (see [`contain`]).
fn guarded(f: impl FnOnce() -> Attempt) -> Attempt {
    contain::contained(f).unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contained_panic_is_a_failed_attempt() {
        let before = contained_panics();
        let a = guarded(|| panic!("decoder bug"));
        assert!(a.texts.is_empty() && a.unread.is_empty());
        assert!(contained_panics() > before);
    }

    #[test]
    fn stage_lists_parse() {
        assert_eq!(
            Stage::parse_list("rqrr@1300, rxing@full,zoom"),
            Some(vec![
                Stage::Rqrr { side: 1300 },
                Stage::Rxing { side: 0 },
                Stage::Zoom
            ])
        );
        assert_eq!(
            Stage::parse_list("rxing-up@2200,grid"),
            Some(vec![Stage::RxingUp { max: 2200 }, Stage::Grid])
        );
        assert_eq!(Stage::parse_list("rqrr@x"), None);
    }

    #[test]
    fn finder_crops_put_a_codes_patterns_first_and_cover_it() {
        // A version-5 code (37 modules) at 1.5 px: finder centres 30 modules = 45 px apart.
        let size = 7.0 * 1.5;
        let code = [
            (1000.0, 1000.0, size),
            (1045.0, 1000.0, size),
            (1000.0, 1045.0, size),
        ];
        // Lone finder-like blobs elsewhere, of text; one too large and one too small.
        let mut all: Vec<(f32, f32, f32)> = (0..10)
            .map(|i| (200.0 + 150.0 * i as f32, 300.0, size))
            .collect();
        all.extend([(3000.0, 3000.0, 7.0 * 6.0), (3000.0, 100.0, 7.0 * 0.5)]);
        all.extend(code);
        let crops = finder_crops(&all);
        assert_eq!(crops.len(), MAX_FINDER_CROPS);
        let first = crops[0];
        assert_eq!(first.partners, 2);
        // The whole code (its far corner at 33.5 modules + 4 of quiet zone from the top-left
        // finder's centre) lies inside the first crop.
        for (x, y) in [
            (995.0, 995.0),
            (1056.0, 1056.0),
            (1056.0, 995.0),
            (995.0, 1056.0),
        ] {
            assert!(
                (first.x - x).abs() <= first.half && (first.y - y).abs() <= first.half,
                "{first:?} misses ({x}, {y})"
            );
        }
        // The code's three patterns make one crop, not three.
        let near_code = crops
            .iter()
            .filter(|c| (c.x - 1020.0).abs() < 60.0 && (c.y - 1020.0).abs() < 60.0)
            .count();
        assert_eq!(near_code, 1, "{crops:?}");
        // Neither the 6 px nor the 0.5 px pattern gets a crop.
        assert!(crops.iter().all(|c| (0.8..=3.0).contains(&c.module_px)));
    }

    #[test]
    fn a_lone_finder_pattern_is_cropped_around_itself() {
        let crops = finder_crops(&[(500.0, 400.0, 14.0)]);
        assert_eq!(crops.len(), 1);
        let c = crops[0];
        assert_eq!((c.x, c.y, c.partners), (500.0, 400.0, 0));
        assert!((c.half - 100.0).abs() < 1e-3, "{c:?}");
        assert!(finder_crops(&[]).is_empty());
    }

    #[test]
    fn overlap_rects() {
        assert!(overlap(&(0, 0, 10, 10), &(5, 5, 15, 15)));
        assert!(!overlap(&(0, 0, 10, 10), &(11, 0, 20, 10)));
    }
}

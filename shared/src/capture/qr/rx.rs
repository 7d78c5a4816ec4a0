//! The second decoder: rxing's port of the zxing-cpp QR detector and decoder, driven
//! directly (finder patterns → sets → sampled grid → decode) rather than through its
//! `Reader` so that we choose the binarization and see located-but-unread codes.
//!
//! It also decodes grids that rqrr sampled ([`decode_modules`]): rxing's bit-stream
//! decoder honours ECI, rqrr's throws the designator away.

use rxing::common::cpp_essentials::ConcentricPattern;
use rxing::common::{BitMatrix, DetectorRXingResult, HybridBinarizer};
use rxing::qrcode::cpp_port::decoder::Decode;
use rxing::qrcode::cpp_port::detector::{FindFinderPatterns, GenerateFinderPatternSets, SampleQR};
use rxing::{Binarizer, Luma8Source};

use super::grid::Located;
use super::{Attempt, Region, payload_text};

/// rxing's own local-average binarizer (ZXing's `HybridBinarizer`: 8×8 blocks, 5×5 block
/// neighbourhood — what zxing-cpp uses by default) on a greyscale raster, then detection.
pub(super) fn hybrid(w: u32, h: u32, luma: &[u8]) -> Attempt {
    let Ok(source) = Luma8Source::new_with_slice(luma, w, h) else {
        return Attempt::default();
    };
    let binarizer = HybridBinarizer::new(source);
    match binarizer.get_black_matrix() {
        Ok(m) => detect(m),
        Err(_) => Attempt::default(),
    }
}

/// Detection and decoding on a binarized image (`true` = dark).
pub(super) fn bits(w: u32, h: u32, bits: &[bool]) -> Attempt {
    let Ok(mut m) = BitMatrix::new(w, h) else {
        return Attempt::default();
    };
    if bits.len() != (w as usize) * (h as usize) {
        return Attempt::default();
    }
    for (i, &b) in bits.iter().enumerate() {
        if b {
            m.set((i % w as usize) as u32, (i / w as usize) as u32);
        }
    }
    detect(&m)
}

/// zxing-cpp's `QRCode::Reader::decode(image, maxSymbols = ∞)` for model-2 QR codes, with
/// try-harder finder search (every third row, all versions).
fn detect(m: &BitMatrix) -> Attempt {
    let mut out = Attempt::default();
    let mut patterns = FindFinderPatterns(m, true, 0);
    let all = patterns.clone();
    let sets = GenerateFinderPatternSets(&mut patterns);
    let mut used: Vec<ConcentricPattern> = Vec::new();
    for set in sets {
        if used.contains(&set.bl) || used.contains(&set.tl) || used.contains(&set.tr) {
            continue;
        }
        let Ok(sampled) = SampleQR(m, &set) else {
            continue;
        };
        match decode_matrix(sampled.getBits()) {
            Some(text) => {
                used.extend([set.bl, set.tl, set.tr]);
                out.texts.push(text);
            }
            None => {
                out.unread.push(points_rect(sampled.getPoints()));
                if let Some(l) = located(sampled.getPoints(), sampled.getBits().width()) {
                    out.located.push(l);
                }
            }
        }
    }
    out.finders = all
        .iter()
        .filter(|p| !used.contains(p))
        .map(|p| (p.p.x, p.p.y, p.size as f32))
        .collect();
    out
}

/// Decodes a sampled module grid (one bool per module, `true` = dark) with rxing's
/// decoder; `None` when it does not decode.
pub(super) fn decode_modules(size: usize, dark: impl Fn(usize, usize) -> bool) -> Option<String> {
    let n = u32::try_from(size).ok()?;
    let mut m = BitMatrix::with_single_dimension(n).ok()?;
    for y in 0..size {
        for x in 0..size {
            if dark(x, y) {
                m.set(x as u32, y as u32);
            }
        }
    }
    decode_matrix(&m)
}

fn decode_matrix(m: &BitMatrix) -> Option<String> {
    let r = Decode(m).ok()?;
    if !r.isValid() {
        return None;
    }
    // rxing turns ECI segments into text by their designated charset; without any ECI
    // the payload bytes get hecha's rule (UTF-8 if valid, else GB18030) rather than
    // ZXing's Shift_JIS / ISO-8859-1 guess.
    Some(if r.content().has_eci {
        r.text()
    } else {
        payload_text(r.content().bytes())
    })
}

/// The sampler's corners ([tl, tr, bl, br], pixel-centre convention) as a [`Located`].
fn located(points: &[rxing::Point], dim: u32) -> Option<Located> {
    let p = |i: usize| points.get(i).map(|q| (q.x - 0.5, q.y - 0.5));
    Some(Located {
        tl: p(0)?,
        tr: p(1)?,
        bl: p(2)?,
        br: p(3)?,
        dim,
    })
}

fn points_rect(points: &[rxing::Point]) -> Region {
    let xs = points.iter().map(|p| p.x as i64);
    let ys = points.iter().map(|p| p.y as i64);
    (
        xs.clone().min().unwrap_or(0),
        ys.clone().min().unwrap_or(0),
        xs.max().unwrap_or(0),
        ys.max().unwrap_or(0),
    )
}

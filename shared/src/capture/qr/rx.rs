//! The second decoder: rxing's port of the zxing-cpp QR detector and decoder, driven
//! directly (finder patterns → sets → sampled grid → decode) rather than through its
//! `Reader` so that we choose the binarization and see located-but-unread codes.
//!
//! It also decodes grids that rqrr sampled ([`decode_modules`]): rxing's bit-stream
//! decoder honours ECI, rqrr's throws the designator away.
//!
//! rxing's decoder result keeps the payload bytes but not which mode or ECI each came
//! from, so the text is read from the segments ([`segments`]): the error-corrected data
//! codewords walked segment by segment with rxing's own per-mode decoders.

use rxing::common::cpp_essentials::ConcentricPattern;
use rxing::common::{
    AIFlag, BitMatrix, BitSource, CharacterSet, DetectorRXingResult, ECIStringBuilder,
    HybridBinarizer,
};
use rxing::qrcode::common::{Mode, VersionRef};
use rxing::qrcode::cpp_port::decoder::{
    CorrectErrors, Decode, DecodeAlphanumericSegment, DecodeByteSegment, DecodeHanziSegment,
    DecodeKanjiSegment, DecodeNumericSegment, IsEndOfStream, ParseECIValue,
};
use rxing::qrcode::cpp_port::detector::{FindFinderPatterns, GenerateFinderPatternSets, SampleQR};
use rxing::qrcode::decoder::{BitMatrixParser, DataBlock};
use rxing::{Binarizer, Luma8Source};

use super::grid::Located;
use super::text::{self, QrText, Segment};
use super::{Attempt, Region};

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
pub(super) fn decode_modules(size: usize, dark: impl Fn(usize, usize) -> bool) -> Option<QrText> {
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

fn decode_matrix(m: &BitMatrix) -> Option<QrText> {
    let r = Decode(m).ok()?;
    if !r.isValid() {
        return None;
    }
    // The segments must hold exactly the bytes rxing decoded; a grid they cannot be
    // walked for (a model-1 code) is read without them, as a guess.
    Some(match segments(m) {
        Some(segs) if segs.iter().flat_map(Segment::bytes).eq(r.content().bytes()) => {
            text::read(&segs)
        }
        _ => text::unstructured(r.content().bytes()),
    })
}

/// The data segments of a grid, each with the mode and ECI that define its charset
/// (ISO/IEC 18004:2015 §7.4; Hanzi mode: GB/T 18284-2000), as zxing-cpp's
/// `DecodeBitStream` walks them. `None` when the grid or its bit stream does not read.
fn segments(m: &BitMatrix) -> Option<Vec<Segment>> {
    let (data, version) = data_codewords(m)?;
    let mut bits = BitSource::new(&data);
    let mode_bits = usize::from(Mode::get_codec_mode_bits_length(version));
    // The ECI in force: it applies to every byte segment after it.
    let mut eci: Option<CharacterSet> = None;
    let mut ai = AIFlag::None;
    let mut out = Vec::new();
    while !IsEndOfStream(&mut bits, version).ok()? {
        let mode = Mode::CodecModeForBits(bits.readBits(mode_bits).ok()?, None).ok()?;
        let mut part = ECIStringBuilder::default();
        // In GS1 and AIM modes an alphanumeric '%' stands for FNC1.
        part.symbology.aiFlag = ai;
        match mode {
            Mode::FNC1_FIRST_POSITION => ai = AIFlag::GS1,
            Mode::FNC1_SECOND_POSITION => {
                // The application indicator: "00"–"99", or a letter (value − 100).
                let indicator = bits.readBits(8).ok()?;
                let shown = match indicator {
                    0..100 => format!("{indicator:02}"),
                    165..=190 | 197..=222 => char::from_u32(indicator - 100)?.to_string(),
                    _ => return None,
                };
                out.push(Segment::Ascii(shown.into_bytes()));
                ai = AIFlag::AIM;
            }
            // Position, count and parity of a structured-append sequence: no text.
            Mode::STRUCTURED_APPEND => {
                bits.readBits(16).ok()?;
            }
            Mode::ECI => eci = Some(CharacterSet::from(ParseECIValue(&mut bits).ok()?)),
            Mode::HANZI => {
                // GB/T 18284: a subset indicator follows the mode; 1 = GB 2312.
                if bits.readBits(4).ok()? != 1 {
                    return None;
                }
                let count = bits
                    .readBits(mode.CharacterCountBits(version) as usize)
                    .ok()?;
                DecodeHanziSegment(&mut bits, count, &mut part).ok()?;
                out.push(Segment::Hanzi(part.bytes().to_vec()));
            }
            Mode::NUMERIC | Mode::ALPHANUMERIC | Mode::BYTE | Mode::KANJI => {
                let count = bits
                    .readBits(mode.CharacterCountBits(version) as usize)
                    .ok()?;
                let decode = match mode {
                    Mode::NUMERIC => DecodeNumericSegment,
                    Mode::ALPHANUMERIC => DecodeAlphanumericSegment,
                    Mode::BYTE => DecodeByteSegment,
                    _ => DecodeKanjiSegment,
                };
                decode(&mut bits, count, &mut part).ok()?;
                let bytes = part.bytes().to_vec();
                out.push(match (mode, eci) {
                    (Mode::NUMERIC | Mode::ALPHANUMERIC, _) => Segment::Ascii(bytes),
                    (Mode::KANJI, _) => Segment::Kanji(bytes),
                    (_, None | Some(CharacterSet::Unknown)) => Segment::Open(bytes),
                    (_, Some(cs)) => Segment::Declared(cs, bytes),
                });
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The error-corrected data codewords of a grid and its version, read as ZXing's decoder
/// reads them (format and version information, unmasking, blocks, Reed–Solomon), mirrored
/// as a second try. rxing's own `Decode` does the same but keeps the codewords to itself.
fn data_codewords(m: &BitMatrix) -> Option<(Vec<u8>, VersionRef)> {
    let mut parser = BitMatrixParser::new(m.clone()).ok()?;
    if let Some(found) = corrected(&mut parser) {
        return Some(found);
    }
    parser.remask().ok()?;
    parser.setMirror(true);
    parser.readVersion().ok()?;
    parser.readFormatInformation().ok()?;
    parser.mirror();
    corrected(&mut parser)
}

fn corrected(parser: &mut BitMatrixParser) -> Option<(Vec<u8>, VersionRef)> {
    let version = parser.readVersion().ok()?;
    let level = parser
        .readFormatInformation()
        .ok()?
        .getErrorCorrectionLevel();
    let codewords = parser.readCodewords().ok()?;
    let mut data = Vec::new();
    for block in DataBlock::getDataBlocks(&codewords, version, level).ok()? {
        let mut words = block.getCodewords().to_vec();
        let n = block.getNumDataCodewords();
        CorrectErrors(&mut words, n).ok()?;
        data.extend_from_slice(words.get(..n as usize)?);
    }
    Some((data, version))
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

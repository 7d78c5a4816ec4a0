//! EXIF facts from a photo's bytes: GPS fix, capture time and offset, camera, software.
//!
//! Read leniently: phones and editors write EXIF that strict readers refuse (the classic is
//! a GPS IFD with a non-zero "next IFD" offset). kamadak-exif's `continue_on_error` keeps
//! every field it could parse; what it skipped goes to `ExifFacts::warnings`. A value that
//! is present but unusable (zero denominator, NaN, out of range) is dropped with a warning:
//! a wrong position is worse than no position.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use ::exif::{Exif, In, Reader, Tag, Value};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::model::{ExifFacts, GpsPosition, ImageFormat, parse_offset};

/// Why no EXIF facts could be read. `Ok` with warnings is preferred whenever anything at
/// all could be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExifError {
    /// The file is a supported image without an EXIF block (stripped by a messenger app,
    /// a screenshot, an export "without metadata"): ask for the original photo.
    #[error("no EXIF data")]
    NoExif,
    /// The bytes are not JPEG, HEIC/HEIF, PNG, WebP or TIFF.
    #[error("unsupported image format")]
    UnsupportedFormat,
    /// The file ends before its EXIF block could be found or read in full (an interrupted
    /// copy or upload): fetch the file again.
    #[error("file is truncated: {0}")]
    Truncated(String),
    /// An EXIF block is present but nothing could be read from it.
    #[error("corrupt EXIF: {0}")]
    Corrupt(String),
}

/// Container format from the first bytes (magic numbers), never from a file name.
pub fn sniff_format(bytes: &[u8]) -> ImageFormat {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => ImageFormat::Jpeg,
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => ImageFormat::Png,
        [b'R', b'I', b'F', b'F', _, _, _, _, rest @ ..] if rest.starts_with(b"WEBP") => {
            ImageFormat::Webp
        }
        [b'I', b'I', 0x2A, 0x00, ..] | [b'M', b'M', 0x00, 0x2A, ..] => ImageFormat::Tiff,
        _ if is_heif(bytes) => ImageFormat::Heic,
        _ => ImageFormat::Unknown,
    }
}

/// ISO/IEC 23008-12 (HEIF): an `ftyp` box first whose major or compatible brands name a
/// HEIF image brand. AVIF shares the container (and kamadak reads its EXIF the same way),
/// so it is reported as the HEIF family too.
fn is_heif(bytes: &[u8]) -> bool {
    const BRANDS: [&[u8; 4]; 12] = [
        b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1",
        b"mif2", b"avif",
    ];
    if bytes.get(4..8) != Some(b"ftyp") {
        return false;
    }
    let Some(size) = bytes.get(0..4).and_then(|b| <[u8; 4]>::try_from(b).ok()) else {
        return false;
    };
    let size = (u32::from_be_bytes(size) as usize).clamp(16, bytes.len().max(16));
    // major brand at 8..12, minor version 12..16, compatible brands from 16 to the box end.
    let major = bytes.get(8..12).into_iter();
    let compatible = bytes
        .get(16..size.min(bytes.len()))
        .unwrap_or(&[])
        .chunks_exact(4);
    major
        .chain(compatible)
        .any(|brand| BRANDS.iter().any(|b| b.as_slice() == brand))
}

/// Read the EXIF facts of a photo (JPEG, HEIC/HEIF, PNG, WebP, TIFF). Never panics.
pub fn read_exif(bytes: &[u8]) -> Result<ExifFacts, ExifError> {
    let format = sniff_format(bytes);
    if format == ImageFormat::Unknown {
        return Err(ExifError::UnsupportedFormat);
    }
    let (exif, mut warnings) = contain(|| parse_container(bytes))
        .unwrap_or_else(|| Err(ExifError::Corrupt("EXIF parser failed".into())))?;
    let mut facts = distill(&exif, &mut warnings);
    facts.format = Some(format);
    if (facts.width.is_none() || facts.height.is_none())
        && let Some((w, h)) = contain(|| header_dimensions(bytes, format)).flatten()
    {
        facts.width = Some(w);
        facts.height = Some(h);
    }
    facts.warnings = warnings;
    Ok(facts)
}

/// Third-party parsers meet hostile bytes here; a panic in one of them (the build keeps
/// `panic = "unwind"`) becomes "no result" instead of taking the phone app or server down.
fn contain<T>(f: impl FnOnce() -> T) -> Option<T> {
    catch_unwind(AssertUnwindSafe(f)).ok()
}

fn parse_container(bytes: &[u8]) -> Result<(Exif, Vec<String>), ExifError> {
    let mut reader = Reader::new();
    reader.continue_on_error(true);
    let lenient = |result: Result<Exif, ::exif::Error>| {
        let mut warnings = Vec::new();
        result
            .or_else(|e| {
                e.distill_partial_result(|errors| {
                    warnings.extend(errors.iter().map(|e| e.to_string()));
                })
            })
            .map(|exif| (exif, warnings))
    };
    match lenient(reader.read_from_container(&mut Cursor::new(bytes))) {
        Ok((exif, warnings)) if exif.fields().len() == 0 && !warnings.is_empty() => {
            Err(ExifError::Corrupt(warnings.join("; ")))
        }
        Ok(read) => Ok(read),
        // Some writers (older Pillow WebP, a few PNG tools) keep JPEG's "Exif\0\0" prefix
        // inside the chunk; kamadak then sees no TIFF header. Retry just past the prefix.
        Err(::exif::Error::InvalidFormat("Invalid TIFF byte order")) => {
            match prefixed_tiff(bytes) {
                Some(raw) => lenient(reader.read_raw(raw.to_vec()))
                    .map_err(|e| ExifError::Corrupt(e.to_string())),
                None => Err(ExifError::Corrupt("invalid TIFF byte order".into())),
            }
        }
        Err(e) => Err(classify(e)),
    }
}

fn prefixed_tiff(bytes: &[u8]) -> Option<&[u8]> {
    let at = bytes
        .windows(10)
        .position(|w| w.starts_with(b"Exif\0\0") && (&w[6..] == b"II*\0" || &w[6..] == b"MM\0*"))?;
    bytes.get(at + 6..)
}

fn classify(e: ::exif::Error) -> ExifError {
    match e {
        ::exif::Error::NotFound(_) => ExifError::NoExif,
        // kamadak maps an early end of file inside a container to these messages.
        ::exif::Error::InvalidFormat(
            msg @ ("Broken JPEG file"
            | "Broken PNG file"
            | "Broken WebP file"
            | "Broken HEIF file"
            | "Truncated TIFF header"),
        ) => ExifError::Truncated(msg.to_owned()),
        ::exif::Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            ExifError::Truncated(io.to_string())
        }
        other => ExifError::Corrupt(other.to_string()),
    }
}

/// Walks a JPEG's marker segments from SOI up to and including the start of scan (SOS):
/// `(marker, payload range)`. A range may run past the end of `bytes` when they are only
/// the file's head; the walk stops at the first malformed marker.
pub fn jpeg_segments(bytes: &[u8]) -> impl Iterator<Item = (u8, std::ops::Range<usize>)> + '_ {
    let mut at = 2; // after SOI
    let mut done = !bytes.starts_with(&[0xFF, 0xD8]);
    std::iter::from_fn(move || {
        while !done {
            let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
                done = true;
                return None;
            };
            match marker {
                0xFF => at += 1, // fill byte
                0x01 | 0xD0..=0xD7 => at += 2,
                _ => {
                    let (Some(&hi), Some(&lo)) = (bytes.get(at + 2), bytes.get(at + 3)) else {
                        done = true;
                        return None;
                    };
                    let start = at + 4;
                    let end = at + 2 + usize::from(u16::from_be_bytes([hi, lo]));
                    done = marker == 0xDA || end < start;
                    at = end;
                    return Some((marker, start..end.max(start)));
                }
            }
        }
        None
    })
}

/// The pixel size in a JPEG's frame header (SOFn), without building a decoder.
fn jpeg_frame_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let (_, r) = jpeg_segments(bytes)
        .find(|(m, _)| matches!(m, 0xC0..=0xCF) && !matches!(m, 0xC4 | 0xC8 | 0xCC))?;
    let p = bytes.get(r.start..r.start + 5)?;
    let (h, w) = (
        u16::from_be_bytes([p[1], p[2]]),
        u16::from_be_bytes([p[3], p[4]]),
    );
    (w > 0 && h > 0).then_some((u32::from(w), u32::from(h)))
}

/// The container's own pixel size (header only; the image is not decoded).
fn header_dimensions(bytes: &[u8], format: ImageFormat) -> Option<(u32, u32)> {
    if format == ImageFormat::Jpeg
        && let Some(size) = jpeg_frame_size(bytes)
    {
        return Some(size);
    }
    let format = match format {
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::Webp => image::ImageFormat::WebP,
        ImageFormat::Tiff => image::ImageFormat::Tiff,
        ImageFormat::Heic | ImageFormat::Unknown => return None,
    };
    image::ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .ok()
}

fn distill(exif: &Exif, warnings: &mut Vec<String>) -> ExifFacts {
    let ascii = |tag| field(exif, tag).and_then(ascii_value);
    let mut facts = ExifFacts {
        gps: gps_position(exif, warnings),
        gps_time: gps_time(exif, warnings),
        datetime_original: ascii(Tag::DateTimeOriginal),
        subsec: ascii(Tag::SubSecTimeOriginal),
        make: ascii(Tag::Make),
        model: ascii(Tag::Model),
        software: ascii(Tag::Software),
        ..ExifFacts::default()
    };
    // EXIF 2.31 OffsetTimeOriginal; OffsetTime (of DateTime) is the next best witness.
    for tag in [Tag::OffsetTimeOriginal, Tag::OffsetTime] {
        let Some(raw) = ascii(tag) else { continue };
        if parse_offset(&raw).is_some() {
            facts.offset = Some(raw);
            break;
        }
        warnings.push(format!(
            "{tag} {raw:?} is not an offset like +08:00; ignored"
        ));
    }
    if let Some(o) = field(exif, Tag::Orientation).and_then(|v| v.get_uint(0)) {
        match u16::try_from(o) {
            Ok(o @ 1..=8) => facts.orientation = Some(o),
            _ => warnings.push(format!("Orientation {o} is not 1–8; ignored")),
        }
    }
    let dims = |w, h| Some((field(exif, w)?.get_uint(0)?, field(exif, h)?.get_uint(0)?));
    if let Some((w, h)) = dims(Tag::PixelXDimension, Tag::PixelYDimension)
        .or_else(|| dims(Tag::ImageWidth, Tag::ImageLength))
        .filter(|&(w, h)| w > 0 && h > 0)
    {
        facts.width = Some(w);
        facts.height = Some(h);
    }
    facts
}

/// The primary image's field (IFD0 and its Exif/GPS sub-IFDs), never the thumbnail's.
fn field(exif: &Exif, tag: Tag) -> Option<&Value> {
    exif.get_field(tag, In::PRIMARY).map(|f| &f.value)
}

/// An ASCII value as written, without the trailing NULs and spaces some cameras pad with.
/// Non-ASCII bytes (some Chinese apps write UTF-8 here) are kept, decoded leniently.
fn ascii_value(value: &Value) -> Option<String> {
    let Value::Ascii(parts) = value else {
        return None;
    };
    let first = parts.first()?;
    let text = String::from_utf8_lossy(first);
    let text = text.trim_end_matches(['\0', ' ']).trim_start();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The numbers of a GPS value. EXIF says RATIONAL, but some writers use SRATIONAL (signed)
/// or floating point; all are accepted. A zero denominator or a non-finite float makes the
/// whole value unusable.
fn numbers(value: &Value) -> Result<Vec<Decimal>, String> {
    fn ratio(num: i64, den: i64) -> Result<Decimal, String> {
        if den == 0 {
            return Err(format!("zero denominator ({num}/0)"));
        }
        Decimal::from(num)
            .checked_div(Decimal::from(den))
            .ok_or_else(|| "overflow".to_owned())
    }
    fn float(f: f64) -> Result<Decimal, String> {
        Decimal::from_f64_retain(f)
            .filter(|_| f.is_finite())
            .ok_or_else(|| format!("non-finite value {f}"))
    }
    let out: Result<Vec<_>, _> = match value {
        Value::Rational(v) => v
            .iter()
            .map(|r| ratio(r.num.into(), r.denom.into()))
            .collect(),
        Value::SRational(v) => v
            .iter()
            .map(|r| ratio(r.num.into(), r.denom.into()))
            .collect(),
        Value::Double(v) => v.iter().map(|&f| float(f)).collect(),
        Value::Float(v) => v.iter().map(|&f| float(f.into())).collect(),
        other => match other.iter_uint() {
            Some(it) => Ok(it.map(Decimal::from).collect()),
            None => Err("not a number".to_owned()),
        },
    };
    let out = out?;
    if out.is_empty() {
        Err("empty value".to_owned())
    } else {
        Ok(out)
    }
}

/// Degrees from one to three components: degrees, minutes, seconds (a lone value is
/// decimal degrees, two are degrees and decimal minutes). A negative component means the
/// writer signed the value itself (SRATIONAL); its sign then applies to the whole angle.
fn degrees(parts: &[Decimal]) -> Option<Decimal> {
    let weights = [Decimal::ONE, Decimal::from(60), Decimal::from(3600)];
    if parts.len() > 3 {
        return None;
    }
    let mut total = Decimal::ZERO;
    for (p, w) in parts.iter().zip(weights) {
        total = total.checked_add(p.abs().checked_div(w)?)?;
    }
    Some(
        if parts.iter().any(|p| p.is_sign_negative() && !p.is_zero()) {
            -total
        } else {
            total
        },
    )
}

fn round_away(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

/// One coordinate with its reference letter (`N`/`S`, `E`/`W`), rounded to 1e-7° (~1 cm).
fn coordinate(
    exif: &Exif,
    (tag, ref_tag): (Tag, Tag),
    (positive, negative): (char, char),
    limit: i64,
    warnings: &mut Vec<String>,
) -> Option<Decimal> {
    let raw = field(exif, tag)?;
    let value = match numbers(raw).map(|p| degrees(&p)) {
        Ok(Some(v)) => v,
        Ok(None) => {
            warnings.push(format!(
                "{tag} has an unexpected number of components; ignored"
            ));
            return None;
        }
        Err(e) => {
            warnings.push(format!("{tag}: {e}; ignored"));
            return None;
        }
    };
    let letter = field(exif, ref_tag)
        .and_then(ascii_value)
        .and_then(|r| r.chars().next())
        .map(|c| c.to_ascii_uppercase());
    let signed = match letter {
        Some(c) if c == negative => -value.abs(),
        Some(c) if c == positive => {
            if value.is_sign_negative() {
                warnings.push(format!(
                    "{tag} is negative but {ref_tag} is {c}; kept negative"
                ));
            }
            value
        }
        other => {
            let shown = other.map_or_else(|| "missing".to_owned(), |c| format!("{c:?}"));
            warnings.push(format!("{ref_tag} {shown}; read the value as signed"));
            value
        }
    };
    let rounded = round_away(signed, 7);
    if rounded.abs() > Decimal::from(limit) {
        warnings.push(format!("{tag} {rounded} is out of range ±{limit}; ignored"));
        return None;
    }
    Some(rounded)
}

/// Altitude in metres, negative below sea level (GPSAltitudeRef 1, or a signed value).
fn altitude(exif: &Exif, warnings: &mut Vec<String>) -> Option<Decimal> {
    let raw = field(exif, Tag::GPSAltitude)?;
    let value = match numbers(raw) {
        Ok(parts) if parts.len() == 1 => parts[0],
        Ok(_) => {
            warnings.push("GPSAltitude has more than one value; ignored".to_owned());
            return None;
        }
        Err(e) => {
            warnings.push(format!("GPSAltitude: {e}; ignored"));
            return None;
        }
    };
    let below = field(exif, Tag::GPSAltitudeRef).and_then(|v| v.get_uint(0)) == Some(1);
    let signed = if below { -value.abs() } else { value };
    let rounded = round_away(signed, 2);
    // Deeper than the deepest mine, higher than any aircraft: a garbage value.
    if rounded < Decimal::from(-12_000) || rounded > Decimal::from(100_000) {
        warnings.push(format!("GPSAltitude {rounded} m is implausible; ignored"));
        return None;
    }
    Some(rounded)
}

fn gps_position(exif: &Exif, warnings: &mut Vec<String>) -> Option<GpsPosition> {
    let lat = coordinate(
        exif,
        (Tag::GPSLatitude, Tag::GPSLatitudeRef),
        ('N', 'S'),
        90,
        warnings,
    );
    let lon = coordinate(
        exif,
        (Tag::GPSLongitude, Tag::GPSLongitudeRef),
        ('E', 'W'),
        180,
        warnings,
    );
    let alt_m = altitude(exif, warnings);
    match (lat, lon) {
        (Some(lat), Some(lon)) => Some(GpsPosition { lat, lon, alt_m }),
        (None, None) => None,
        _ => {
            warnings.push("GPS latitude or longitude missing; position ignored".to_owned());
            None
        }
    }
}

/// GPSDateStamp (`YYYY:MM:DD`) + GPSTimeStamp (three rationals, UTC by definition).
fn gps_time(exif: &Exif, warnings: &mut Vec<String>) -> Option<DateTime<Utc>> {
    let date_raw = field(exif, Tag::GPSDateStamp).and_then(ascii_value);
    let time_raw = field(exif, Tag::GPSTimeStamp);
    let (date_raw, time_raw) = match (date_raw, time_raw) {
        (Some(d), Some(t)) => (d, t),
        (None, None) => return None,
        _ => {
            warnings.push("GPSDateStamp or GPSTimeStamp missing; GPS time ignored".to_owned());
            return None;
        }
    };
    let date = NaiveDate::parse_from_str(&date_raw, "%Y:%m:%d")
        .or_else(|_| NaiveDate::parse_from_str(&date_raw, "%Y-%m-%d"));
    let time = numbers(time_raw).ok().and_then(|p| hms(&p));
    match (date, time) {
        (Ok(d), Some(t)) => Some(d.and_time(t).and_utc()),
        _ => {
            warnings.push(format!(
                "GPS date/time {date_raw:?} {time_raw:?} is not valid; ignored"
            ));
            None
        }
    }
}

fn hms(parts: &[Decimal]) -> Option<NaiveTime> {
    let [h, m, s] = parts else { return None };
    let whole = |d: &Decimal| d.fract().is_zero().then(|| d.to_u32()).flatten();
    let secs = s.trunc();
    let nanos = (*s - secs)
        .checked_mul(Decimal::from(1_000_000_000))?
        .trunc();
    // Leap second 60 is not representable in chrono's NaiveTime; such fixes are dropped.
    NaiveTime::from_hms_nano_opt(whole(h)?, whole(m)?, whole(&secs)?, nanos.to_u32()?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn jpeg_frame_size_agrees_with_the_image_decoder() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/suzhou/photos");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(
                jpeg_frame_size(&bytes),
                image::image_dimensions(&path).ok(),
                "{}",
                path.display()
            );
            // The head of the file suffices when the frame header lies in it.
            assert_eq!(
                jpeg_frame_size(&bytes[..bytes.len().min(96 * 1024)]),
                jpeg_frame_size(&bytes)
            );
            seen += 1;
        }
        assert!(seen >= 10);
    }

    proptest::proptest! {
        #[test]
        fn jpeg_segment_walk_never_panics(tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let mut bytes = vec![0xFF, 0xD8];
            bytes.extend(tail);
            let _ = jpeg_segments(&bytes).count();
            let _ = jpeg_frame_size(&bytes);
        }
    }

    use super::*;
    use ::exif::{Rational, SRational};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn degrees_accept_one_two_or_three_components() {
        assert_eq!(degrees(&[d("31.3042")]), Some(d("31.3042")));
        assert_eq!(degrees(&[d("31"), d("18.252")]), Some(d("31.3042")));
        assert_eq!(degrees(&[d("31"), d("18"), d("15.12")]), Some(d("31.3042")));
        assert_eq!(degrees(&[d("1"), d("2"), d("3"), d("4")]), None);
    }

    #[test]
    fn a_negative_component_signs_the_whole_angle() {
        assert_eq!(
            degrees(&[d("-31"), d("18"), d("15.12")]),
            Some(d("-31.3042"))
        );
    }

    #[test]
    fn unusable_numbers_are_errors() {
        assert!(numbers(&Value::Rational(vec![Rational { num: 1, denom: 0 }])).is_err());
        assert!(numbers(&Value::SRational(vec![SRational { num: -1, denom: 0 }])).is_err());
        assert!(numbers(&Value::Double(vec![f64::NAN])).is_err());
        assert!(numbers(&Value::Float(vec![f32::INFINITY])).is_err());
        assert!(numbers(&Value::Rational(vec![])).is_err());
        assert_eq!(numbers(&Value::Double(vec![31.5])), Ok(vec![d("31.5")]));
    }

    #[test]
    fn gps_time_of_day_with_fractional_seconds() {
        let t = hms(&[d("6"), d("5"), d("7.25")]).unwrap();
        assert_eq!(t.to_string(), "06:05:07.250");
        assert_eq!(hms(&[d("24"), d("0"), d("0")]), None);
        assert_eq!(hms(&[d("6.5"), d("0"), d("0")]), None);
        assert_eq!(hms(&[d("6"), d("0"), d("-1")]), None);
    }

    #[test]
    fn ascii_values_lose_padding_only() {
        let v = Value::Ascii(vec![b"Xiaomi  \0\0".to_vec()]);
        assert_eq!(ascii_value(&v).as_deref(), Some("Xiaomi"));
        assert_eq!(ascii_value(&Value::Ascii(vec![b"   ".to_vec()])), None);
        assert_eq!(
            ascii_value(&Value::Ascii(vec!["美图秀秀".as_bytes().to_vec()])).as_deref(),
            Some("美图秀秀")
        );
    }

    #[test]
    fn heif_brands_in_major_or_compatible_position() {
        let mut heic = vec![0, 0, 0, 24];
        heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
        assert_eq!(sniff_format(&heic), ImageFormat::Heic);
        let mut compat = vec![0, 0, 0, 24];
        compat.extend_from_slice(b"ftypXXXX\0\0\0\0isommif1");
        assert_eq!(sniff_format(&compat), ImageFormat::Heic);
        let mut mp4 = vec![0, 0, 0, 24];
        mp4.extend_from_slice(b"ftypisom\0\0\0\0isomavc1");
        assert_eq!(sniff_format(&mp4), ImageFormat::Unknown);
        assert_eq!(sniff_format(b"ftyp"), ImageFormat::Unknown);
    }

    #[test]
    fn exif_prefix_inside_a_chunk_is_skipped() {
        let bytes = b"RIFF....WEBPEXIF....Exif\0\0II*\0rest";
        assert_eq!(prefixed_tiff(bytes), Some(&b"II*\0rest"[..]));
    }
}

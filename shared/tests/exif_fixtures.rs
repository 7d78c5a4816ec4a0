//! Every fixture in tests/fixtures/exif (see its README.md for how each was made), read
//! through the public API, with the exact values a reviewer would check by hand.

// Helpers outside #[test] fns are test code too (clippy's allow-unwrap-in-tests misses them).
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use hecha_core::capture::exif::{ExifError, read_exif, sniff_format};
use hecha_core::model::{ExifFacts, GpsPosition, ImageFormat};
use rust_decimal::Decimal;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/exif")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read(name: &str) -> ExifFacts {
    read_exif(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn gps(lat: &str, lon: &str, alt: Option<&str>) -> Option<GpsPosition> {
    Some(GpsPosition {
        lat: dec(lat),
        lon: dec(lon),
        alt_m: alt.map(dec),
    })
}

fn utc(s: &str) -> Option<DateTime<Utc>> {
    Some(s.parse().unwrap())
}

fn some(s: &str) -> Option<String> {
    Some(s.to_owned())
}

/// Suzhou Industrial Park, 31°18'15.12"N 120°44'6.36"E.
const SUZHOU: (&str, &str) = ("31.3042", "120.7351");

#[test]
fn jpeg_with_full_gps_and_capture_time() {
    let facts = read("gps_full.jpg");
    assert_eq!(
        facts,
        ExifFacts {
            format: Some(ImageFormat::Jpeg),
            gps: gps(SUZHOU.0, SUZHOU.1, Some("12.5")),
            gps_time: utc("2026-11-23T06:05:07Z"),
            datetime_original: some("2026:11:23 14:05:09"),
            subsec: some("123"),
            offset: some("+08:00"),
            make: some("Xiaomi"),
            model: some("23127PN0CC"),
            software: some("V816.0.5.0.UNCCNXM"),
            orientation: Some(1),
            width: Some(64),
            height: Some(48),
            warnings: vec![],
        }
    );
    let at = facts.captured_at(None).unwrap();
    assert_eq!(at.to_rfc3339(), "2026-11-23T14:05:09.123+08:00");
}

#[test]
fn southern_western_hemisphere_below_sea_level_big_endian() {
    let facts = read("south_west.jpg");
    assert_eq!(facts.gps, gps("-49.5786667", "-68.352", Some("-105")));
    assert_eq!(facts.gps_time, utc("2026-03-01T12:29:58Z"));
    assert_eq!(
        facts.datetime_original.as_deref(),
        Some("2026:03:01 09:30:00")
    );
    // Only OffsetTime is written: it stands in for OffsetTimeOriginal.
    assert_eq!(facts.offset.as_deref(), Some("-03:00"));
    assert_eq!(facts.make.as_deref(), Some("Apple"));
    assert_eq!(facts.model.as_deref(), Some("iPhone 15 Pro"));
    assert_eq!(facts.software, None);
    assert!(facts.warnings.is_empty(), "{:?}", facts.warnings);
}

#[test]
fn gps_written_as_signed_rationals() {
    let facts = read("srational.jpg");
    // DMS latitude, a lone decimal-degrees longitude, a negative altitude with ref 0.
    assert_eq!(facts.gps, gps(SUZHOU.0, SUZHOU.1, Some("-3.5")));
    assert_eq!(facts.gps_time, None);
    assert_eq!(facts.offset, None);
    assert_eq!(
        facts.datetime_original.as_deref(),
        Some("2026:11:23 15:00:00")
    );
    assert_eq!(facts.make.as_deref(), Some("HUAWEI"));
    assert!(facts.warnings.is_empty(), "{:?}", facts.warnings);
}

#[test]
fn png_exif_chunk_with_size_from_the_png_header() {
    let facts = read("photo.png");
    assert_eq!(facts.format, Some(ImageFormat::Png));
    assert_eq!(facts.gps, gps(SUZHOU.0, SUZHOU.1, None));
    assert_eq!(
        facts.datetime_original.as_deref(),
        Some("2026:11:23 14:10:00")
    );
    assert_eq!(facts.offset.as_deref(), Some("+08:00"));
    assert_eq!(
        (facts.make.as_deref(), facts.model.as_deref()),
        (Some("Google"), Some("Pixel 8"))
    );
    assert_eq!((facts.width, facts.height), (Some(64), Some(48)));
}

#[test]
fn webp_exif_chunk_with_degrees_and_decimal_minutes() {
    let facts = read("photo.webp");
    assert_eq!(facts.format, Some(ImageFormat::Webp));
    assert_eq!(facts.gps, gps(SUZHOU.0, SUZHOU.1, None));
    assert_eq!(
        facts.datetime_original.as_deref(),
        Some("2026:11:23 14:11:00")
    );
    assert_eq!(
        (facts.make.as_deref(), facts.model.as_deref()),
        (Some("OPPO"), Some("PHZ110"))
    );
    assert_eq!((facts.width, facts.height), (Some(64), Some(48)));
}

#[test]
fn big_endian_tiff_with_size_from_ifd0() {
    let facts = read("photo.tif");
    assert_eq!(facts.format, Some(ImageFormat::Tiff));
    assert_eq!(facts.gps, gps(SUZHOU.0, SUZHOU.1, None));
    assert_eq!(
        facts.datetime_original.as_deref(),
        Some("2026:11:23 14:12:00")
    );
    assert_eq!(
        facts.software.as_deref(),
        Some("Digital Photo Professional")
    );
    assert_eq!((facts.width, facts.height), (Some(64), Some(48)));
    assert!(facts.warnings.is_empty(), "{:?}", facts.warnings);
}

#[test]
fn heic_exif_item() {
    let facts = read("photo.heic");
    assert_eq!(facts.format, Some(ImageFormat::Heic));
    assert_eq!(facts.gps, gps(SUZHOU.0, SUZHOU.1, Some("8")));
    assert_eq!(
        facts.datetime_original.as_deref(),
        Some("2026:11:23 14:13:00")
    );
    assert_eq!(facts.offset.as_deref(), Some("+08:00"));
    assert_eq!(
        (facts.make.as_deref(), facts.model.as_deref()),
        (Some("Apple"), Some("iPhone 15 Pro"))
    );
    assert_eq!((facts.width, facts.height), (Some(64), Some(48)));
}

#[test]
fn jpeg_without_exif_is_a_typed_result() {
    assert_eq!(read_exif(&fixture("no_exif.jpg")), Err(ExifError::NoExif));
}

#[test]
fn malformed_next_ifd_offsets_are_read_leniently() {
    let bytes = fixture("malformed.jpg");
    // The trap this guards against: a strict read refuses the whole block.
    let strict = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(&bytes));
    assert!(strict.is_err());

    let facts = read_exif(&bytes).unwrap();
    assert_eq!(facts.gps, gps(SUZHOU.0, SUZHOU.1, None));
    assert_eq!(
        facts.datetime_original.as_deref(),
        Some("2026:11:23 14:20:00")
    );
    assert_eq!(facts.make.as_deref(), Some("vivo"));
    assert_eq!(facts.warnings.len(), 2, "{:?}", facts.warnings);
    assert!(
        facts
            .warnings
            .iter()
            .any(|w| w.contains("Unexpected next IFD")),
        "{:?}",
        facts.warnings
    );
}

#[test]
fn editing_software_is_read_as_written() {
    let facts = read("photoshop.jpg");
    assert_eq!(
        facts.software.as_deref(),
        Some("Adobe Photoshop 25.0 (Windows)")
    );
}

#[test]
fn unusable_gps_values_become_warnings_not_positions() {
    let facts = read("bad_gps.jpg");
    assert_eq!(facts.gps, None);
    assert_eq!(
        facts.datetime_original.as_deref(),
        Some("2026:11:23 14:40:00")
    );
    let w = facts.warnings.join("\n");
    assert!(w.contains("GPSLatitude: zero denominator"), "{w}");
    assert!(w.contains("GPSLongitude 200 is out of range"), "{w}");
    assert!(w.contains("GPSAltitude: zero denominator"), "{w}");
}

#[test]
fn truncated_file_is_a_typed_result() {
    assert!(matches!(
        read_exif(&fixture("truncated.jpg")),
        Err(ExifError::Truncated(_))
    ));
}

#[test]
fn formats_are_sniffed_from_magic_bytes() {
    let cases = [
        ("gps_full.jpg", ImageFormat::Jpeg),
        ("photo.png", ImageFormat::Png),
        ("photo.webp", ImageFormat::Webp),
        ("photo.tif", ImageFormat::Tiff),
        ("photo.heic", ImageFormat::Heic),
        ("make_fixtures.py", ImageFormat::Unknown),
    ];
    for (name, format) in cases {
        assert_eq!(sniff_format(&fixture(name)), format, "{name}");
    }
    assert_eq!(
        read_exif(&fixture("make_fixtures.py")),
        Err(ExifError::UnsupportedFormat)
    );
}

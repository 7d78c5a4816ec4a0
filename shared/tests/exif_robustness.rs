//! `read_exif` never panics: arbitrary bytes, every truncation of real files, and real
//! files with bits flipped (the malformed EXIF a phone, an editor or an attacker may send).

// Helpers outside #[test] fns are test code too (clippy's allow-unwrap-in-tests misses them).
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use hecha_core::capture::exif::{read_exif, sniff_format};
use proptest::prelude::*;

const REAL: [&str; 9] = [
    "gps_full.jpg",
    "south_west.jpg",
    "srational.jpg",
    "malformed.jpg",
    "bad_gps.jpg",
    "photo.png",
    "photo.webp",
    "photo.tif",
    "photo.heic",
];

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/exif")
        .join(name);
    std::fs::read(path).unwrap()
}

#[test]
fn every_truncation_of_every_fixture_reads_or_fails_cleanly() {
    for name in REAL {
        let bytes = fixture(name);
        for len in 0..bytes.len() {
            let _ = read_exif(&bytes[..len]);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = sniff_format(&bytes);
        let _ = read_exif(&bytes);
    }

    #[test]
    fn arbitrary_bytes_behind_a_real_header_never_panic(
        which in 0..REAL.len(),
        keep in 0usize..64,
        tail in proptest::collection::vec(any::<u8>(), 0..1024),
    ) {
        let mut bytes = fixture(REAL[which]);
        bytes.truncate(keep.min(bytes.len()));
        bytes.extend(tail);
        let _ = read_exif(&bytes);
    }

    #[test]
    fn bit_flipped_fixtures_never_panic(
        which in 0..REAL.len(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..8), 1..16),
    ) {
        let mut bytes = fixture(REAL[which]);
        for (at, bit) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= 1 << bit;
        }
        if let Ok(facts) = read_exif(&bytes) {
            // Whatever is read must still satisfy the documented invariants.
            if let Some(gps) = facts.gps {
                prop_assert!(gps.lat.abs() <= 90.into() && gps.lon.abs() <= 180.into());
            }
        }
    }
}

//! No input makes the QR decoder panic (rqrr#54 is contained, decoders fail cleanly).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::time::Duration;

use hecha_core::capture::qr::{QrLimits, decode_qr};
use proptest::prelude::*;

fn limits() -> QrLimits {
    QrLimits {
        max_pixels: 4_000_000,
        time_budget: Duration::from_secs(5),
        ..QrLimits::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = decode_qr(&bytes, &limits());
    }

    /// Valid magic numbers followed by garbage reach the format decoders themselves.
    #[test]
    fn garbage_after_magic_never_panics(
        magic in prop::sample::select(vec![
            &b"\xff\xd8\xff\xe0"[..], b"\x89PNG\r\n\x1a\n", b"GIF89a", b"BM", b"II*\0", b"RIFF\0\0\0\0WEBPVP8 ",
            b"\0\0\0\x18ftypheic",
        ]),
        tail in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut bytes = magic.to_vec();
        bytes.extend_from_slice(&tail);
        let _ = decode_qr(&bytes, &limits());
    }
}

/// Random noise images: rqrr gets real pixel data to chew on.
#[test]
fn noise_images_do_not_panic() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for side in [31u32, 200, 640] {
        let img = image::GrayImage::from_fn(side, side, |_, _| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            image::Luma([if state & 1 == 0 { 0 } else { 255 }])
        });
        let mut png = std::io::Cursor::new(Vec::new());
        img.write_to(&mut png, image::ImageFormat::Png)
            .unwrap_or_default();
        let _ = decode_qr(&png.into_inner(), &limits());
    }
}

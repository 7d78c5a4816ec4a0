//! Redacted derivatives: small JPEGs for the report, re-encoded from pixels so no EXIF,
//! XMP or maker notes (device serials, owner names) survive. Originals are never touched.

use std::io::Cursor;

use image::{ImageDecoder, ImageReader, Limits};

/// Why a derivative could not be made (the report then shows no picture, never fails).
#[derive(Debug, thiserror::Error)]
pub enum ThumbnailError {
    #[error("not an image this build can decode: {0}")]
    Decode(String),
    #[error("image of {0} pixels is over the limit")]
    TooLarge(u64),
    #[error("cannot encode the derivative: {0}")]
    Encode(String),
}

const MAX_PIXELS: u64 = 100_000_000;

/// A JPEG at most `max_side` pixels on its longer side, upright (EXIF orientation applied),
/// carrying no metadata at all.
pub fn redacted_thumbnail(bytes: &[u8], max_side: u32) -> Result<Vec<u8>, ThumbnailError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ThumbnailError::Decode(e.to_string()))?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| ThumbnailError::Decode(e.to_string()))?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(ThumbnailError::TooLarge(u64::from(w) * u64::from(h)));
    }
    let orientation = decoder.orientation().ok();
    let mut img = image::DynamicImage::from_decoder(decoder)
        .map_err(|e| ThumbnailError::Decode(e.to_string()))?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    let small = img.thumbnail(max_side, max_side).to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 75)
        .encode_image(&small)
        .map_err(|e| ThumbnailError::Encode(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbnail_drops_exif_and_shrinks() {
        let photo = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/suzhou/photos/rack.jpg"
        ))
        .unwrap();
        assert!(photo.windows(4).any(|w| w == b"Exif"));
        let thumb = redacted_thumbnail(&photo, 320).unwrap();
        assert!(!thumb.windows(4).any(|w| w == b"Exif"), "EXIF survived");
        let img = image::load_from_memory(&thumb).unwrap();
        assert_eq!(img.width().max(img.height()), 320);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(redacted_thumbnail(b"not a picture", 320).is_err());
        assert!(redacted_thumbnail(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16], 320).is_err());
    }
}

//! Bytes → one greyscale raster, upright: format sniffing, the decompression-bomb guard,
//! decoding and EXIF orientation.

use std::io::Cursor;

use image::{GrayImage, ImageFormat, ImageReader};

use super::{QrError, QrLimits};

/// Decodes `bytes` to an upright greyscale image, refusing what it must not decode.
pub(super) fn load_grey(bytes: &[u8], limits: &QrLimits) -> Result<GrayImage, QrError> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(QrError::FileTooLarge {
            bytes: bytes.len() as u64,
            limit: limits.max_bytes,
        });
    }
    if let Some(brand) = heif_brand(bytes) {
        let what = if brand.starts_with("avi") {
            "AVIF"
        } else {
            "HEIC"
        };
        return Err(QrError::UnsupportedFormat(format!(
            "{what} has no pixel decoder here; export the photo as JPEG"
        )));
    }
    let format = image::guess_format(bytes).map_err(|_| {
        QrError::UnsupportedFormat(
            "not a recognised image (JPEG, PNG, WebP, TIFF, GIF or BMP expected)".to_owned(),
        )
    })?;
    if !matches!(
        format,
        ImageFormat::Jpeg
            | ImageFormat::Png
            | ImageFormat::WebP
            | ImageFormat::Tiff
            | ImageFormat::Gif
            | ImageFormat::Bmp
    ) {
        return Err(QrError::UnsupportedFormat(format!(
            "{format:?} images are not decoded here; export the photo as JPEG"
        )));
    }

    // Dimensions come from the header alone: a 100 000 × 100 000 PNG of a few hundred
    // bytes must be refused before a single pixel buffer is allocated.
    let (w, h) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|e| QrError::Unreadable(e.to_string()))?;
    let pixels = u64::from(w) * u64::from(h);
    if pixels > limits.max_pixels {
        return Err(QrError::TooLarge {
            pixels,
            limit: limits.max_pixels,
        });
    }
    if pixels == 0 {
        return Err(QrError::Unreadable("image has no pixels".to_owned()));
    }

    let grey = if format == ImageFormat::Jpeg {
        decode_jpeg_luma(bytes, w, h)?
    } else {
        let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
        // Belt and braces: the header said w × h, but a decoder must not be talked into
        // allocating more than that by later chunks (animated GIF frames, TIFF strips).
        let mut il = image::Limits::default();
        il.max_image_width = Some(w);
        il.max_image_height = Some(h);
        il.max_alloc = Some(limits.max_pixels.saturating_mul(8).max(64 << 20));
        reader.limits(il);
        reader
            .decode()
            .map_err(|e| QrError::Unreadable(e.to_string()))?
            .into_luma8()
    };
    Ok(apply_orientation(grey, exif_orientation(bytes)))
}

/// JPEG goes straight to zune-jpeg asking for the luma plane only: it skips chroma
/// upsampling and colour conversion, which is most of the decode time of a 12 MP photo,
/// and a QR code needs nothing but luma.
fn decode_jpeg_luma(bytes: &[u8], w: u32, h: u32) -> Result<GrayImage, QrError> {
    use zune_jpeg::zune_core::bytestream::ZCursor;
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    use zune_jpeg::zune_core::options::DecoderOptions;

    // zune-jpeg fills a truncated scan with grey and reports success; an evidence photo
    // cut short is a broken upload, so it is refused rather than half-read.
    if !jpeg_has_eoi_after_scan(bytes) {
        return Err(QrError::Unreadable(
            "JPEG is truncated (no end-of-image marker after the scan data)".to_owned(),
        ));
    }
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::Luma)
        .set_max_width(w as usize)
        .set_max_height(h as usize);
    let mut dec = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    let data = dec
        .decode()
        .map_err(|e| QrError::Unreadable(format!("JPEG: {e:?}")))?;
    let (dw, dh) = dec
        .info()
        .map(|i| (u32::from(i.width), u32::from(i.height)))
        .unwrap_or((w, h));
    GrayImage::from_raw(dw, dh, data)
        .ok_or_else(|| QrError::Unreadable("JPEG: luma plane has the wrong size".to_owned()))
}

/// Walks the marker segments up to the first start-of-scan, then looks for an EOI marker
/// in what follows. Inside entropy-coded data 0xFF is always stuffed (FF 00) or a restart
/// marker, so FF D9 there really is the end. Walking the segments (rather than searching
/// the whole file) keeps the EXIF thumbnail's own EOI from hiding a cut-off main image.
fn jpeg_has_eoi_after_scan(b: &[u8]) -> bool {
    let mut i = 2usize; // after SOI
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return false;
        }
        let marker = b[i + 1];
        if marker == 0xFF {
            i += 1; // fill byte
            continue;
        }
        let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
        if marker == 0xDA {
            let scan = b.get(i + 2 + len..).unwrap_or(&[]);
            return scan.windows(2).any(|w| w == [0xFF, 0xD9]);
        }
        i += 2 + len;
    }
    false
}

/// The major brand of an ISO-BMFF file if it is HEIF/HEIC/AVIF: `image` has no decoder
/// for them and would only say "unsupported", which tells an inspector nothing.
fn heif_brand(b: &[u8]) -> Option<String> {
    if b.len() < 12 || &b[4..8] != b"ftyp" {
        return None;
    }
    let brand = String::from_utf8_lossy(&b[8..12]).into_owned();
    let known = [
        "heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1", "avif",
        "avis",
    ];
    known.contains(&brand.as_str()).then_some(brand)
}

/// EXIF Orientation (1–8) or 1. Lenient: phones write EXIF that the strict reader rejects
/// ("Unexpected next IFD"); whatever could be read is used.
fn exif_orientation(bytes: &[u8]) -> u32 {
    let mut reader = exif::Reader::new();
    reader.continue_on_error(true);
    let parsed = match reader.read_from_container(&mut Cursor::new(bytes)) {
        Ok(e) => e,
        Err(e) => match e.distill_partial_result(|_| {}) {
            Ok(e) => e,
            Err(_) => return 1,
        },
    };
    parsed
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .filter(|o| (1..=8).contains(o))
        .unwrap_or(1)
}

fn apply_orientation(img: GrayImage, orientation: u32) -> GrayImage {
    use image::imageops::{flip_horizontal, flip_vertical, rotate90, rotate180, rotate270};
    match orientation {
        2 => flip_horizontal(&img),
        3 => rotate180(&img),
        4 => flip_vertical(&img),
        5 => flip_horizontal(&rotate90(&img)),
        6 => rotate90(&img),
        7 => flip_horizontal(&rotate270(&img)),
        8 => rotate270(&img),
        _ => img,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eoi_check() {
        assert!(!jpeg_has_eoi_after_scan(&[0xFF, 0xD8]));
        let ok = [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0xD9];
        assert!(jpeg_has_eoi_after_scan(&ok));
        assert!(!jpeg_has_eoi_after_scan(&ok[..8]));
    }

    #[test]
    fn heif_sniff() {
        let mut b = vec![0, 0, 0, 24];
        b.extend_from_slice(b"ftypheic");
        b.extend_from_slice(&[0; 12]);
        assert_eq!(heif_brand(&b).as_deref(), Some("heic"));
        assert_eq!(heif_brand(b"\x89PNG\r\n\x1a\n0000"), None);
    }
}

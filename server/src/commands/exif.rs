//! `hecha exif FILE...`: the EXIF facts of photos, one JSON line per file, in the order
//! given. A file that cannot be read or has no EXIF gets a line with `error`; the command
//! still exits 0 so a batch over a folder is never cut short by one bad file.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::SecondsFormat;
use hecha_core::capture::exif::{read_exif, sniff_format};
use hecha_core::model::ExifFacts;
use hecha_core::model::ImageFormat;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

/// Photos are a few MB; anything this large is not a photo and is refused unread.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// How much of a file is read first: a JPEG's EXIF segment is at most 64 KiB and comes
/// right after SOI/APP0, so this usually holds it whole.
const HEAD_BYTES: u64 = 96 * 1024;

/// One output line. Field order is the documented key order; absent values are `null`.
#[derive(Serialize, Default)]
struct ExifLine {
    file: String,
    /// Signed decimal degrees, WGS-84 as written.
    lat: Option<f64>,
    lon: Option<f64>,
    /// Metres, negative below sea level.
    alt: Option<f64>,
    /// RFC 3339, UTC (`Z`).
    gps_time: Option<String>,
    /// Exactly as EXIF writes it, e.g. `2026:11:23 14:05:09`.
    datetime_original: Option<String>,
    offset: Option<String>,
    /// RFC 3339 with the offset when known, else the naive local time.
    captured_at: Option<String>,
    make: Option<String>,
    model: Option<String>,
    software: Option<String>,
    error: Option<String>,
}

pub fn run(files: &[PathBuf]) -> anyhow::Result<u8> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in files {
        let line = describe(path);
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(0)
}

fn describe(path: &Path) -> ExifLine {
    let file = path.display().to_string();
    let failed = |error: String| ExifLine {
        file: file.clone(),
        error: Some(error),
        ..ExifLine::default()
    };
    match read_facts(path) {
        Ok(facts) => {
            for warning in &facts.warnings {
                tracing::debug!(file = %file, "{warning}");
            }
            line(file, &facts)
        }
        Err(e) => failed(e),
    }
}

/// Reads a photo's EXIF touching as few bytes as possible: a JPEG's EXIF block is one
/// APP1 segment (at most 64 KiB) near the start, so the head usually suffices; other
/// containers keep EXIF anywhere and are read whole.
fn read_facts(path: &Path) -> Result<ExifFacts, String> {
    let io = |e: std::io::Error| format!("cannot read file: {e}");
    let mut f = std::fs::File::open(path).map_err(io)?;
    let size = f.metadata().map_err(io)?.len();
    if size > MAX_FILE_BYTES {
        return Err(format!("file too large: {size} bytes (limit 256 MiB)"));
    }
    let mut bytes = vec![0u8; size.min(HEAD_BYTES) as usize];
    f.read_exact(&mut bytes).map_err(io)?;
    if size > HEAD_BYTES && sniff_format(&bytes) == ImageFormat::Jpeg {
        // Trust the head when it holds the EXIF segment whole and the pixel size was found
        // (in EXIF, or in a frame header that also lies within the head).
        if let Ok(facts) = read_exif(&bytes)
            && facts.width.is_some()
            && jpeg_exif_within(&bytes)
        {
            return Ok(facts);
        }
    }
    if size > HEAD_BYTES {
        f.read_to_end(&mut bytes).map_err(io)?;
    }
    read_exif(&bytes).map_err(|e| e.to_string())
}

/// Whether a JPEG head holds its whole `Exif` APP1 segment (walking the segments from SOI).
fn jpeg_exif_within(head: &[u8]) -> bool {
    let mut at = 2; // after SOI
    while let Some(&[0xFF, marker]) = head.get(at..at + 2) {
        match marker {
            0xDA => return false, // image data reached without an EXIF segment
            0xFF => at += 1,      // fill byte
            0xD0..=0xD7 | 0x01 => at += 2,
            _ => {
                let Some(&[hi, lo]) = head.get(at + 2..at + 4) else {
                    return false;
                };
                let end = at + 2 + usize::from(u16::from_be_bytes([hi, lo]));
                if marker == 0xE1 && head.get(at + 4..at + 10) == Some(b"Exif\0\0") {
                    return end <= head.len();
                }
                at = end;
            }
        }
    }
    false
}

fn line(file: String, facts: &ExifFacts) -> ExifLine {
    let gps = facts.gps.as_ref();
    let captured_at = match facts.captured_at(None) {
        Some(at) => Some(at.to_rfc3339_opts(SecondsFormat::AutoSi, false)),
        None => facts
            .datetime_original_local()
            .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.f").to_string()),
    };
    ExifLine {
        file,
        lat: gps.and_then(|g| g.lat.to_f64()),
        lon: gps.and_then(|g| g.lon.to_f64()),
        alt: gps.and_then(|g| g.alt_m).and_then(|a| a.to_f64()),
        gps_time: facts
            .gps_time
            .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        datetime_original: facts.datetime_original.clone(),
        offset: facts.offset.clone(),
        captured_at,
        make: facts.make.clone(),
        model: facts.model.clone(),
        software: facts.software.clone(),
        error: None,
    }
}

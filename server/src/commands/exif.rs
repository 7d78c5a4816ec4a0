//! `hecha exif FILE...`: the EXIF facts of photos, one JSON line per file, in the order
//! given. A file that cannot be read or has no EXIF gets a line with `error`; the command
//! still exits 0 so a batch over a folder is never cut short by one bad file.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::SecondsFormat;
use hecha_core::capture::exif::{jpeg_segments, read_exif, sniff_format};
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
    // Block-buffered: stdout is line-buffered, and one write per file costs more than
    // reading the file's EXIF.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
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
    // Not zero-filled first: the buffer is written by the read.
    let mut bytes = Vec::with_capacity(size.min(HEAD_BYTES) as usize + 1);
    (&mut f)
        .take(HEAD_BYTES)
        .read_to_end(&mut bytes)
        .map_err(io)?;
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

/// Whether a JPEG head holds its whole `Exif` APP1 segment.
fn jpeg_exif_within(head: &[u8]) -> bool {
    jpeg_segments(head)
        .find(|(marker, r)| *marker == 0xE1 && head.get(r.start..r.start + 6) == Some(b"Exif\0\0"))
        .is_some_and(|(_, r)| r.end <= head.len())
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

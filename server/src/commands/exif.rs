//! `hecha exif FILE...`: the EXIF facts of photos, one JSON line per file, in the order
//! given. A file that cannot be read or has no EXIF gets a line with `error`; the command
//! still exits 0 so a batch over a folder is never cut short by one bad file.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::SecondsFormat;
use hecha_core::capture::exif::read_exif;
use hecha_core::model::ExifFacts;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

/// Photos are a few MB; anything this large is not a photo and is refused unread.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

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
    let bytes = match read_bounded(path) {
        Ok(bytes) => bytes,
        Err(e) => return failed(e),
    };
    match read_exif(&bytes) {
        Ok(facts) => {
            for warning in &facts.warnings {
                tracing::warn!(file = %file, "{warning}");
            }
            line(file, &facts)
        }
        Err(e) => failed(e.to_string()),
    }
}

fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read file: {e}"))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(format!("file too large: {size} bytes (limit 256 MiB)"));
    }
    std::fs::read(path).map_err(|e| format!("cannot read file: {e}"))
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

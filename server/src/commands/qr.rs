//! `hecha qr FILE...`: decode every QR code in each photo, one JSON line per file:
//! `{"file": "...", "texts": [...], "encodings": [...], "ms": 123, "error": null}`.
//! `encodings[i]` says how `texts[i]` was read: `{"charsets": ["GB18030"], "guessed":
//! "GB18030"}` — the character sets used and, when the code left its bytes' charset open
//! (byte mode without ECI, not UTF-8), the one hecha guessed (`null` when the code defined
//! it). A guessed text may be the right code turned into the wrong characters.
//!
//! Exit code: 0 when every file was processed — per-file problems (unreadable, no code,
//! unsupported format) are reported in that file's `error` field, not by the exit code,
//! so one bad photo in a batch does not hide the others' results. 2 only for usage
//! problems (no files: clap refuses that before this runs) or when stdout fails.
//!
//! `HECHA_QR_PIPELINE=plain` (undocumented in `--help`, for `bench/run`) runs rqrr alone on
//! the whole image instead of the pipeline, to show what the pipeline adds;
//! `HECHA_QR_PIPELINE=rqrr@1300,rxing@full,zoom` (any list [`Stage::parse_list`] accepts)
//! runs another stage order, for experiments; its lines also carry `unread`, how many
//! located codes stayed unread (bench/qr.py tells "located, not read" from "not located"),
//! and `times`, each stage that ran with its milliseconds (`[{"stage": "load", "ms":
//! 31.2}, {"stage": "rxing@2000", "ms": 12.9}, ...]`), for the stage cost table.
use super::words;
use hecha_core::msg;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use hecha_core::capture::qr::{
    QrLimits, Stage, TextEncoding, decode_qr, decode_qr_plain, decode_qr_traced,
};
use serde::Serialize;

#[derive(Serialize)]
struct Line<'a> {
    file: &'a str,
    texts: Vec<String>,
    /// How each text was read, in the order of `texts`.
    encodings: Vec<TextEncoding>,
    ms: u64,
    error: Option<String>,
    /// Which stage decoded the code(s); for diagnostics.
    #[serde(skip_serializing_if = "Option::is_none")]
    stage: Option<String>,
    /// With a stage list in `HECHA_QR_PIPELINE`: located codes that stayed unread.
    #[serde(skip_serializing_if = "Option::is_none")]
    unread: Option<usize>,
    /// With a stage list in `HECHA_QR_PIPELINE`: each stage that ran (`load` first) and
    /// its time in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    times: Option<Vec<StageTime>>,
}

#[derive(Serialize)]
struct StageTime {
    stage: String,
    ms: f64,
}

pub fn run(files: &[PathBuf]) -> anyhow::Result<u8> {
    let pipeline = std::env::var("HECHA_QR_PIPELINE").unwrap_or_default();
    let plain = pipeline == "plain";
    let stages = if plain || pipeline.is_empty() {
        None
    } else {
        match Stage::parse_list(&pipeline) {
            Some(s) => Some(s),
            None => anyhow::bail!("HECHA_QR_PIPELINE: not `plain` nor a stage list: {pipeline}"),
        }
    };
    let limits = QrLimits::default();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for file in files {
        let start = Instant::now();
        let mut unread = None;
        let mut times = None;
        let result = std::fs::read(file)
            .map_err(|e| format!("cannot read file: {e}"))
            .and_then(|bytes| {
                let r = match &stages {
                    _ if plain => decode_qr_plain(&bytes, &limits),
                    Some(stages) => {
                        let (r, trace) = decode_qr_traced(&bytes, &limits, stages);
                        unread = Some(trace.unread);
                        times = Some(
                            trace
                                .times
                                .into_iter()
                                .map(|(stage, d)| StageTime {
                                    stage,
                                    ms: d.as_secs_f64() * 1000.0,
                                })
                                .collect(),
                        );
                        r
                    }
                    None => decode_qr(&bytes, &limits),
                };
                r.map_err(|e| e.to_string())
            });
        let ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
        let name = file.to_string_lossy();
        let line = match result {
            Ok(scan) => Line {
                file: &name,
                texts: scan.texts,
                encodings: scan.encodings,
                ms,
                error: None,
                stage: Some(scan.stage),
                unread,
                times,
            },
            Err(e) => Line {
                file: &name,
                texts: Vec::new(),
                encodings: Vec::new(),
                ms,
                error: Some(e),
                stage: None,
                unread,
                times,
            },
        };
        serde_json::to_writer(&mut out, &line)
            .with_context(|| words(&msg!("cli-writing-stdout")))?;
        out.write_all(b"\n")
            .with_context(|| words(&msg!("cli-writing-stdout")))?;
        // Flushed per file so a long batch can be followed live.
        out.flush()
            .with_context(|| words(&msg!("cli-writing-stdout")))?;
    }
    Ok(0)
}

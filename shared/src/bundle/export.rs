//! Writing a sealed bundle as a BagIt zip (design.md, "Sealing and the bundle"):
//!
//! ```text
//! <inspection-id>/
//!   bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt
//!   data/evidence/<item-id>.<ext>   original bytes
//!   data/report.html                self-contained, zh + en
//!   data/findings.csv
//!   hecha/manifest.json  manifest.jws  jwks.json  key-history.json  events.jsonl
//!   hecha/profile.toml   timestamp.tsr (when time-stamped)
//!   hecha/addendum.jsonl addendum.jws (events after the seal)  seal-log.json (server exports)
//! ```

use std::collections::BTreeMap;
use std::io::{Read, Seek, Write};

use super::addendum::{ADDENDUM_EVENTS_PATH, ADDENDUM_JWS_PATH, Addendum};
use super::bagit::{BagError, BagInfo, BagZipWriter, path_safe};
use super::report::{ReportInput, render_report_citing};
use super::seal_log::{SEAL_LOG_PATH, SealLogProof};
use super::thumbnail::redacted_thumbnail;
use crate::model::{EvidenceBody, EvidenceItem, Finding};
use crate::rules::RuleProfile;
use crate::seal::events::EventLog;
use crate::seal::key::Jwks;
use crate::seal::key_history::KeyHistory;
use crate::seal::manifest::{Manifest, ManifestError};

/// Paths of the tag files inside the bag.
pub const MANIFEST_PATH: &str = "hecha/manifest.json";
pub const JWS_PATH: &str = "hecha/manifest.jws";
pub const JWKS_PATH: &str = "hecha/jwks.json";
pub const KEY_HISTORY_PATH: &str = "hecha/key-history.json";
pub const EVENTS_PATH: &str = "hecha/events.jsonl";
pub const PROFILE_PATH: &str = "hecha/profile.toml";
pub const TIMESTAMP_PATH: &str = "hecha/timestamp.tsr";

/// Photos bigger than this get no thumbnail in the report (they are still exported).
const MAX_THUMBNAIL_SOURCE: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Bag(#[from] BagError),
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error("cannot serialize {0}: {1}")]
    Json(&'static str, serde_json::Error),
    #[error("evidence {item}: {source}")]
    Blob {
        item: String,
        source: std::io::Error,
    },
    #[error("evidence {item}: stored bytes are {actual}, the manifest says {expected}")]
    BlobMismatch {
        item: String,
        expected: String,
        actual: String,
    },
    #[error("event log: {0}")]
    Events(String),
}

/// Everything sealed: what goes under `hecha/`.
pub struct SealedBundle {
    pub manifest: Manifest,
    /// Compact JWS over the manifest digest, Merkle root, inspection id and mode.
    pub jws: String,
    /// Public keys of the signer(s) and the capturing devices.
    pub jwks: Jwks,
    pub key_history: KeyHistory,
    pub events: EventLog,
    pub profile: RuleProfile,
    /// RFC 3161 token over the manifest digest, when a TSA was used.
    pub timestamp: Option<Vec<u8>>,
    /// The events after the seal (reviews), signed: written by exports made after them.
    pub addendum: Option<Addendum>,
    /// The seal's place in the server's seal log (format §19): written by server exports of
    /// official bundles sealed since the log exists.
    pub seal_log: Option<SealLogProof>,
}

/// Where the original bytes of an item come from (a local directory, S3, the rehearsal
/// folder). `None` when the item has no stored bytes (e.g. a certificate photo not kept).
pub trait BlobSource {
    fn open(&self, item: &EvidenceItem) -> std::io::Result<Option<Box<dyn Read + '_>>>;
}

/// The `bag-info.txt` of a sealed bundle's bag: the fields derived from the manifest
/// (format §12), which the verifier compares with it, and the date of bagging (free).
pub fn bag_info_for(manifest: &Manifest, bagging_date: &str) -> Result<BagInfo, ManifestError> {
    let line = |s: &str| s.replace(['\r', '\n'], " ");
    Ok(BagInfo {
        source_organization: line(&manifest.inspection.company.name),
        bagging_date: bagging_date.to_owned(),
        external_identifier: line(&manifest.inspection.id),
        extra: vec![
            (
                "Bag-Software-Agent".into(),
                crate::ENGINE_VERSION.to_owned(),
            ),
            (BAG_INFO_SCHEMA.into(), manifest.schema.clone()),
            (BAG_INFO_MANIFEST.into(), manifest.digest()?),
            (BAG_INFO_MODE.into(), manifest.mode.as_str().to_owned()),
            (BAG_INFO_SEALED_AT.into(), manifest.sealed_at.clone()),
        ],
    })
}

/// `bag-info.txt` labels of the manifest's facts (v2).
pub const BAG_INFO_SCHEMA: &str = "Hecha-Schema";
pub const BAG_INFO_MANIFEST: &str = "Hecha-Manifest-SHA256";
pub const BAG_INFO_MODE: &str = "Hecha-Mode";
pub const BAG_INFO_SEALED_AT: &str = "Hecha-Sealed-At";

/// The file name of an item's bytes in the bag: `data/evidence/<item-id>.<ext>`, with the
/// id made path-safe and the extension taken from the original file name.
pub fn evidence_path(item: &EvidenceItem) -> Option<String> {
    let blob = item.blob.as_ref()?;
    let id = path_safe(&item.id);
    let ext = blob
        .file_name
        .as_deref()
        .and_then(|n| n.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()))
        .filter(|e| !e.is_empty() && e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or_else(|| "bin".to_owned());
    Some(format!("data/evidence/{id}.{ext}"))
}

/// `data/findings.csv`: one row per finding, UTF-8 with a BOM so spreadsheet programs
/// show the Chinese text correctly.
pub fn findings_csv(findings: &[Finding]) -> String {
    fn q(s: &str) -> String {
        format!("\"{}\"", s.replace('"', "\"\""))
    }
    let mut out = String::from(
        "\u{feff}rule_id,status,severity,title_zh,title_en,message_zh,message_en,evidence_ids,measures,seeds\r\n",
    );
    for f in findings {
        let status = serde_json::to_value(f.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let severity = serde_json::to_value(f.severity)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let measures: Vec<String> = f
            .measures
            .iter()
            .map(|m| format!("{}={}", m.name, m.value))
            .collect();
        let row = [
            q(&f.rule_id),
            q(&status),
            q(&severity),
            q(&f.title.zh),
            q(&f.title.en),
            // The sealed words, as written when sealed: the CSV is the sealed record, and
            // a later catalogue must not make it disagree (verify compares it).
            q(&f.message.zh),
            q(&f.message.en),
            q(&f.evidence_ids.join(" ")),
            q(&measures.join("; ")),
            q(&f.seeds.join(" ")),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

fn json<T: serde::Serialize>(what: &'static str, v: &T) -> Result<Vec<u8>, ExportError> {
    serde_json::to_vec_pretty(v).map_err(|e| ExportError::Json(what, e))
}

/// Writes the bag. Evidence bytes are streamed once (photos are also read once more,
/// bounded, for the report's redacted thumbnails); memory stays bounded whatever the size.
pub fn write_bundle<W: Write + Seek>(
    out: W,
    bundle: &SealedBundle,
    blobs: &dyn BlobSource,
    info: &BagInfo,
    progress: &mut dyn FnMut(u64),
) -> Result<W, ExportError> {
    let m = &bundle.manifest;
    let mut bag = BagZipWriter::new(out, &m.inspection.id)?;
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(&m.sealed_at) {
        bag = bag.with_time(at.naive_utc());
    }
    let evidence: Vec<EvidenceItem> = m.items.iter().map(|i| i.item.clone()).collect();

    let mut thumbnails = BTreeMap::new();
    for item in &evidence {
        let Some(path) = evidence_path(item) else {
            continue;
        };
        let Some(blob) = &item.blob else { continue };
        let io = |source| ExportError::Blob {
            item: item.id.clone(),
            source,
        };
        let Some(reader) = blobs.open(item).map_err(io)? else {
            return Err(ExportError::Blob {
                item: item.id.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "bytes not found"),
            });
        };
        let mut counting = ProgressReader {
            inner: reader,
            progress: &mut *progress,
        };
        let written = bag.add_payload(&path, &mut counting, blob.size)?;
        if written.sha256 != blob.sha256 || written.size != blob.size {
            return Err(ExportError::BlobMismatch {
                item: item.id.clone(),
                expected: blob.sha256.clone(),
                actual: written.sha256,
            });
        }
        if matches!(item.body, EvidenceBody::Photo(_))
            && blob.size <= MAX_THUMBNAIL_SOURCE
            && let Some(mut r) = blobs.open(item).map_err(io)?
        {
            let mut bytes = Vec::with_capacity(blob.size as usize);
            r.read_to_end(&mut bytes).map_err(io)?;
            if let Ok(t) = redacted_thumbnail(&bytes, 320) {
                thumbnails.insert(item.id.clone(), t);
            }
        }
    }

    let digest = m.digest()?;
    let sealed_at = chrono::DateTime::parse_from_rfc3339(&m.sealed_at).ok();
    let html = render_report_citing(
        &ReportInput {
            inspection: &m.inspection,
            evidence: &evidence,
            findings: &m.findings,
            profile_id: &m.profile.id,
            profile_sha256: &m.profile.sha256,
            engine_version: &m.engine_version,
            manifest_sha256: Some(&digest),
            sealed_at,
            thumbnails: &thumbnails,
            photo_params: &bundle.profile.photo,
        },
        Some(&bundle.profile),
    );
    bag.add_payload("data/report.html", html.as_bytes(), html.len() as u64)?;
    let csv = findings_csv(&m.findings);
    bag.add_payload("data/findings.csv", csv.as_bytes(), csv.len() as u64)?;

    bag.add_tag(MANIFEST_PATH, &m.to_canonical_json()?)?;
    bag.add_tag(JWS_PATH, bundle.jws.as_bytes())?;
    bag.add_tag(JWKS_PATH, &json("jwks", &bundle.jwks)?)?;
    bag.add_tag(KEY_HISTORY_PATH, &json("key history", &bundle.key_history)?)?;
    let mut events = Vec::new();
    bundle
        .events
        .write_jsonl(&mut events)
        .map_err(|e| ExportError::Events(e.to_string()))?;
    bag.add_tag(EVENTS_PATH, &events)?;
    bag.add_tag(PROFILE_PATH, bundle.profile.source().as_bytes())?;
    if let Some(tsr) = &bundle.timestamp {
        bag.add_tag(TIMESTAMP_PATH, tsr)?;
    }
    if let Some(addendum) = &bundle.addendum {
        let events = addendum
            .events_jsonl()
            .map_err(|e| ExportError::Events(e.to_string()))?;
        bag.add_tag(ADDENDUM_EVENTS_PATH, &events)?;
        bag.add_tag(ADDENDUM_JWS_PATH, addendum.jws.as_bytes())?;
    }
    // Outside the signed manifest, like the addendum: a tag file the tag manifest covers.
    if let Some(proof) = &bundle.seal_log {
        bag.add_tag(SEAL_LOG_PATH, &json("seal log proof", proof)?)?;
    }
    Ok(bag.finish(info)?)
}

struct ProgressReader<'a, R> {
    inner: R,
    progress: &'a mut dyn FnMut(u64),
}

impl<R: Read> Read for ProgressReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.progress)(n as u64);
        Ok(n)
    }
}

//! A rehearsal folder (预检): `inspection.toml` plus the files it names. `hecha check`
//! evaluates it; `hecha seal` seals it with the same code the server uses.
//!
//! `inspection.toml` is the serde form of the model: an `[inspection]` table and one
//! `[[evidence]]` table per item. An item may name a `file` (relative to the folder) whose
//! bytes become its blob; for a photo the EXIF is read from it, for an `si_scan` the QR code
//! is decoded from it (the certificate photo itself is not kept, only its SHA-256) — or the
//! scanner's text is given as `qr_text`, or (written by `hecha import`) the record itself,
//! already masked and hashed.

pub mod on_the_day;
pub mod roster;
pub mod skeleton;

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::capture::exif::{ExifError, read_exif};
use crate::capture::pii::{PersonHasher, contains_full_id};
use crate::capture::qr::{QrLimits, decode_qr};
use crate::capture::si::{parse_si_decoded, parse_si_payload};
use crate::i18n::Message;
use crate::model::Lang;
use crate::model::input::check;
use crate::model::personal_ids::{PersonalIdError, mask_inspection, mask_item};
use crate::model::{
    BlobRef, EvidenceBody, EvidenceItem, Inspection, SiPayloadFormat, SiRecord, SiSource,
};
use crate::msg;

/// The file name a rehearsal folder is described by.
pub const INSPECTION_FILE: &str = "inspection.toml";

/// Photos and certificates are read whole for EXIF and QR; nothing bigger is a photo.
const MAX_IMAGE_BYTES: u64 = 64 * 1024 * 1024;

/// Why a folder cannot be read, as a message in both languages ([`RehearsalError::message`];
/// `Display` gives the English).
#[derive(Debug)]
pub enum RehearsalError {
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// What toml (or the time zone) says is wrong, in its words.
    Invalid {
        path: PathBuf,
        message: String,
    },
    PathEscapes {
        item: String,
        file: String,
    },
    DuplicateId(String),
    /// What is wrong with one item.
    Item {
        item: String,
        says: Message,
    },
    /// An unknown field, or a date or time not in its format.
    Input {
        path: PathBuf,
        source: crate::model::input::InputError,
    },
    /// Named by position: the item's id may be what holds the number.
    PersonalId {
        index: usize,
        source: crate::model::personal_ids::PersonalIdError,
    },
    InspectionPersonalId {
        path: PathBuf,
        source: crate::model::personal_ids::PersonalIdError,
    },
}

impl RehearsalError {
    /// What is wrong, for the person who wrote the folder.
    pub fn message(&self) -> Message {
        match self {
            RehearsalError::Io { path, source } => msg!(
                "folder-unreadable",
                path = path.display().to_string(),
                problem = source.to_string()
            ),
            RehearsalError::Invalid { path, message } => msg!(
                "folder-invalid",
                path = path.display().to_string(),
                problem = message
            ),
            RehearsalError::PathEscapes { item, file } => {
                msg!("folder-path-escapes", item = item, file = file)
            }
            RehearsalError::DuplicateId(id) => msg!("folder-duplicate-id", id = id),
            RehearsalError::Item { item, says } => {
                msg!("folder-item", item = item, problem = says.clone())
            }
            RehearsalError::Input { path, source } => msg!(
                "folder-at",
                path = path.display().to_string(),
                problem = source.message()
            ),
            RehearsalError::PersonalId { index, source } => {
                msg!("folder-item-at", index = *index, problem = source.message())
            }
            RehearsalError::InspectionPersonalId { path, source } => msg!(
                "folder-at",
                path = path.display().to_string(),
                problem = source.message()
            ),
        }
    }
}

impl std::fmt::Display for RehearsalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message().render(Lang::En))
    }
}

/// The message says what its cause said: no `source` to print twice.
impl std::error::Error for RehearsalError {}

/// One `[[evidence]]` entry as written: the model's item plus where its bytes come from.
#[derive(Debug, Deserialize, JsonSchema)]
struct EvidenceDraft {
    /// Path of the item's bytes, relative to the folder.
    #[serde(default)]
    file: Option<String>,
    /// For `si_scan`: the text a phone's QR scanner returned (instead of a photo).
    #[serde(default)]
    qr_text: Option<String>,
    /// For `sign_off`: the signer's ID number, kept only masked and hashed (`person`).
    #[serde(default)]
    id_number: Option<String>,
    #[serde(flatten)]
    item: EvidenceItem,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct FolderFile {
    inspection: Inspection,
    #[serde(default)]
    evidence: Vec<EvidenceDraft>,
}

/// A loaded rehearsal: the inspection and its evidence with facts read from the files.
#[derive(Debug, Clone)]
pub struct Rehearsal {
    pub dir: PathBuf,
    pub inspection: Inspection,
    pub evidence: Vec<EvidenceItem>,
    /// Where each item's kept bytes are, by item id (certificate photos are not listed).
    pub files: Vec<(String, PathBuf)>,
}

/// Loads and reads a rehearsal folder. `hasher` makes the keyed hash of ID numbers.
pub fn load_folder(dir: &Path, hasher: &PersonHasher) -> Result<Rehearsal, RehearsalError> {
    let path = dir.join(INSPECTION_FILE);
    let text = std::fs::read_to_string(&path).map_err(|source| RehearsalError::Io {
        path: path.clone(),
        source,
    })?;
    let invalid = |e: toml::de::Error| RehearsalError::Invalid {
        path: path.clone(),
        message: e.to_string(),
    };
    // Unknown fields (a typo the flattened item would drop) and malformed dates are named
    // with their place first; what else is wrong, toml says with its line.
    let table: toml::Table = toml::from_str(&text).map_err(invalid)?;
    let json = serde_json::to_value(&table).map_err(|e| RehearsalError::Invalid {
        path: path.clone(),
        message: e.to_string(),
    })?;
    check::<FolderFile>(INSPECTION_FILE, &json).map_err(|source| RehearsalError::Input {
        path: path.clone(),
        source,
    })?;
    let parsed: FolderFile = toml::from_str(&text).map_err(invalid)?;
    parsed
        .inspection
        .tz()
        .map_err(|message| RehearsalError::Invalid {
            path: path.clone(),
            message,
        })?;
    // Full ID numbers typed into the description are masked before anything is signed;
    // one in an identifier is refused, named by position, before any message names the id.
    let inspection = mask_inspection(&parsed.inspection)
        .map_err(|source| RehearsalError::InspectionPersonalId {
            path: path.clone(),
            source,
        })?
        .value;
    if let Some(index) = parsed
        .evidence
        .iter()
        .position(|d| contains_full_id(&d.item.id))
    {
        return Err(RehearsalError::PersonalId {
            index: index + 1,
            source: PersonalIdError::InIdentifier { field: "id".into() },
        });
    }
    let mut seen = BTreeSet::new();
    if let Some(dup) = parsed
        .evidence
        .iter()
        .find(|d| !seen.insert(d.item.id.as_str()))
    {
        return Err(RehearsalError::DuplicateId(dup.item.id.clone()));
    }
    // Refuse a path outside the folder before reading anything.
    for d in &parsed.evidence {
        if let Some(file) = &d.file {
            resolve(dir, &d.item.id, file)?;
        }
    }
    let mut evidence = Vec::with_capacity(parsed.evidence.len());
    let mut files = Vec::new();
    for (index, draft) in parsed.evidence.into_iter().enumerate() {
        let (item, kept) = read_item(dir, draft, hasher)?;
        let item = mask_item(&item)
            .map_err(|source| RehearsalError::PersonalId {
                index: index + 1,
                source,
            })?
            .value;
        if let Some(kept) = kept {
            files.push((item.id.clone(), kept));
        }
        evidence.push(item);
    }
    Ok(Rehearsal {
        dir: dir.to_owned(),
        inspection,
        evidence,
        files,
    })
}

/// Resolves `file` inside `dir`, refusing absolute paths and `..`. A Windows path
/// (`photos\office-2.jpg`) names the same file as `photos/office-2.jpg`.
fn resolve(dir: &Path, item: &str, file: &str) -> Result<PathBuf, RehearsalError> {
    let file = &file.replace('\\', "/");
    let rel = Path::new(file);
    let escapes = rel
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if escapes || file.is_empty() {
        return Err(RehearsalError::PathEscapes {
            item: item.to_owned(),
            file: file.to_owned(),
        });
    }
    Ok(dir.join(rel))
}

pub use crate::seal::hash::hash_file;

fn not_found(path: &Path) -> bool {
    matches!(std::fs::metadata(path), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
}

fn read_small(path: &Path) -> Result<Vec<u8>, RehearsalError> {
    let io = |source| RehearsalError::Io {
        path: path.to_owned(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_IMAGE_BYTES {
        return Err(RehearsalError::Item {
            item: path.display().to_string(),
            says: msg!(
                "folder-photo-too-large",
                size = len,
                limit = MAX_IMAGE_BYTES
            ),
        });
    }
    std::fs::read(path).map_err(io)
}

fn media_type(path: &Path) -> Option<String> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    let t = match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "heic" | "heif" => "image/heic",
        "tif" | "tiff" => "image/tiff",
        "pdf" => "application/pdf",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "wav" => "audio/wav",
        "amr" => "audio/amr",
        "mp4" => "video/mp4",
        "txt" => "text/plain",
        _ => return None,
    };
    Some(t.to_owned())
}

fn blob_ref(path: &Path, sha256: String, size: u64) -> BlobRef {
    BlobRef {
        sha256,
        size,
        media_type: media_type(path),
        file_name: path.file_name().and_then(|n| n.to_str()).map(str::to_owned),
    }
}

fn read_item(
    dir: &Path,
    draft: EvidenceDraft,
    hasher: &PersonHasher,
) -> Result<(EvidenceItem, Option<PathBuf>), RehearsalError> {
    let EvidenceDraft {
        file,
        qr_text,
        id_number,
        mut item,
    } = draft;
    match (&mut item.body, id_number) {
        (EvidenceBody::SignOff(s), Some(number)) => {
            s.person = Some(
                hasher
                    .person_id(&number)
                    .map_err(|e| RehearsalError::Item {
                        item: item.id.clone(),
                        says: msg!("folder-id-number", problem = e.message()),
                    })?,
            );
        }
        (_, Some(_)) => {
            return Err(RehearsalError::Item {
                item: item.id,
                says: msg!("folder-id-number-only-sign-off"),
            });
        }
        (_, None) => {}
    }
    let path = file
        .as_deref()
        .map(|f| resolve(dir, &item.id, f))
        .transpose()?;
    if qr_text.is_some() && !matches!(item.body, EvidenceBody::SiScan(_)) {
        return Err(RehearsalError::Item {
            item: item.id,
            says: msg!("folder-qr-text-only-si-scan"),
        });
    }
    // A file that is not there is recorded, not an abort: the item stays, without bytes,
    // and the rules it names say it is missing (rules::engine).
    let mut path = path;
    if path.as_deref().is_some_and(not_found) {
        item.missing_file = file.map(|f| f.replace('\\', "/"));
        match (&mut item.body, &qr_text) {
            // The scanner's text is the record; the photo only named too.
            (EvidenceBody::SiScan(_), Some(_)) => path = None,
            (EvidenceBody::SiScan(scan), None) => {
                scan.source_kind = SiSource::Photo;
                scan.record = unreadable("certificate photo not found");
                return Ok((item, None));
            }
            _ => return Ok((item, None)),
        }
    }
    let mut kept = None;
    match &mut item.body {
        EvidenceBody::Photo(photo) => {
            let path = path.ok_or_else(|| RehearsalError::Item {
                item: item.id.clone(),
                says: msg!("folder-photo-needs-file"),
            })?;
            let bytes = read_small(&path)?;
            match read_exif(&bytes) {
                Ok(facts) => photo.exif = Some(facts),
                // Not an image the core reads: not a photo, never counted.
                Err(ExifError::UnsupportedFormat) => {
                    return Err(RehearsalError::Item {
                        item: item.id,
                        says: msg!("folder-photo-not-an-image"),
                    });
                }
                Err(e) => photo.exif_error = Some(e.to_string()),
            }
            item.blob = Some(blob_ref(
                &path,
                hex::encode(Sha256::digest(&bytes)),
                bytes.len() as u64,
            ));
            kept = Some(path);
        }
        EvidenceBody::SiScan(scan) => {
            scan.record = match (&qr_text, &path) {
                (Some(text), _) => {
                    scan.source_kind = SiSource::ScannerText;
                    parse_si_payload(text, Some(hasher))
                }
                (None, Some(path)) => {
                    scan.source_kind = SiSource::Photo;
                    let bytes = read_small(path)?;
                    // The certificate shows the full ID: keep only its digest (requirements.md).
                    scan.certificate_sha256 = Some(hex::encode(Sha256::digest(&bytes)));
                    scan.certificate_kept = false;
                    record_from_photo(&bytes, hasher)
                }
                // Imported from a spreadsheet: the record as written (masked and hashed there).
                (None, None) if scan.record != SiRecord::default() => {
                    std::mem::take(&mut scan.record)
                }
                (None, None) => {
                    return Err(RehearsalError::Item {
                        item: item.id,
                        says: msg!("folder-si-scan-needs-source"),
                    });
                }
            };
        }
        _ => {
            if let Some(path) = path {
                let (sha, size) = hash_file(&path).map_err(|source| RehearsalError::Io {
                    path: path.clone(),
                    source,
                })?;
                item.blob = Some(blob_ref(&path, sha, size));
                kept = Some(path);
            }
        }
    }
    Ok((item, kept))
}

/// Decodes the certificate's QR code and parses the first payload that is recognised. A
/// photo with no readable code still yields a record (needs review), never an error: the
/// inspector's scan is not lost.
/// The SI record of a certificate photo: every QR code decoded, the first one that parses as
/// a known payload format wins; an unreadable photo gives a record saying why (never an
/// error: the inspector sees the problem and rescans). Used by the server and the phone too.
pub fn record_from_photo(bytes: &[u8], hasher: &PersonHasher) -> SiRecord {
    match decode_qr(bytes, &QrLimits::default()) {
        Ok(scan) => {
            let records: Vec<SiRecord> = scan
                .decoded()
                .map(|(t, e)| parse_si_decoded(t, e.guessed.as_deref(), Some(hasher)))
                .collect();
            let first_known = records
                .iter()
                .position(|r| r.format != SiPayloadFormat::Unknown);
            match first_known.or(if records.is_empty() { None } else { Some(0) }) {
                Some(i) => records.into_iter().nth(i).unwrap_or_default(),
                None => unreadable("no QR code decoded"),
            }
        }
        Err(e) => unreadable(&format!("QR decode failed: {e}")),
    }
}

fn unreadable(problem: &str) -> SiRecord {
    SiRecord {
        format: SiPayloadFormat::Unknown,
        problems: vec![problem.to_owned()],
        ..SiRecord::default()
    }
}

//! BagIt (RFC 8493) bags in a zip: a streaming writer with bounded memory, and a reader that
//! refuses malicious archives and checks every manifest without extracting anything.
//!
//! Layout: one top folder named after the inspection, holding `bagit.txt`, `bag-info.txt`,
//! `manifest-sha256.txt`, `tagmanifest-sha256.txt`, the payload under `data/` and tag files
//! (e.g. `hecha/`). Entry order and compression method do not matter to the reader.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Seek, Write};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::zipread::{self, EntryLimits, EntryReader, ZipEntry};
use crate::i18n::Message;
use crate::msg;

/// Files already compressed are stored, not deflated (no gain, only CPU).
const STORED_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "webp", "heic", "heif", "gif", "mp4", "m4a", "mp3", "amr", "aac", "zip",
    "gz", "tsr",
];

const CHUNK: usize = 256 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum BagError {
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("zip error: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("unsafe entry name {0:?} (absolute, `..`, backslash or control characters)")]
    UnsafeName(String),
    #[error("entry {0:?} is a symbolic link")]
    Symlink(String),
    #[error("entry {0:?} appears twice")]
    Duplicate(String),
    #[error("the zip must hold exactly one top folder (found {0})")]
    TopFolder(String),
    #[error("entry {name:?} inflates {ratio}x — refused as a zip bomb")]
    Bomb { name: String, ratio: u64 },
    #[error("the bag would inflate to {0} bytes, over the limit")]
    TooLarge(u64),
    #[error("too many entries ({0})")]
    TooManyEntries(usize),
    #[error("entry {0:?} holds more bytes than its header declares")]
    SizeLie(String),
    #[error("entry {0:?} holds fewer bytes than its header declares")]
    Truncated(String),
    #[error("entry {0:?}: the CRC-32 of its bytes is not the one its header declares")]
    CrcMismatch(String),
    #[error("entry {name:?}: {why}")]
    CorruptEntry { name: String, why: String },
    #[error("not a zip archive (no end-of-central-directory record)")]
    NotAZip,
    #[error("ambiguous zip structure, refused: {0}")]
    Structure(String),
    #[error("entry {name:?}: its local header and central directory record differ in {field}")]
    HeaderMismatch { name: String, field: &'static str },
    #[error("{first} and {second} overlap in the archive")]
    Overlap { first: String, second: String },
    #[error("entry {0:?} is encrypted")]
    Encrypted(String),
    #[error("entry {name:?} uses compression method {method} (only stored and deflate are read)")]
    UnsupportedMethod { name: String, method: u16 },
    #[error("entry {0:?} is a device, FIFO or socket")]
    SpecialFile(String),
    #[error("no entry {0:?} in the bag")]
    NoEntry(String),
    #[error("bag path {0:?} is not allowed")]
    BadPath(String),
}

/// `bag-info.txt` fields (RFC 8493 §2.2.2).
#[derive(Debug, Clone)]
pub struct BagInfo {
    pub source_organization: String,
    /// `YYYY-MM-DD`.
    pub bagging_date: String,
    pub external_identifier: String,
    /// Extra `Label: value` lines (e.g. Bag-Software-Agent).
    pub extra: Vec<(String, String)>,
}

/// One line of a manifest: the file's digest, size and bag-relative path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEntry {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// RFC 8493 §2.1.3: CR, LF and % in manifest paths are percent-encoded.
fn encode_path(p: &str) -> String {
    p.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn decode_path(p: &str) -> String {
    p.replace("%0D", "\r")
        .replace("%0d", "\r")
        .replace("%0A", "\n")
        .replace("%0a", "\n")
        .replace("%25", "%")
}

/// A bag-relative path is safe: relative, no `..`, no empty or dot segments, no backslash,
/// no control characters.
fn safe_rel(p: &str) -> bool {
    !p.is_empty()
        && !p.starts_with('/')
        && !p.contains('\\')
        && !p.chars().any(|c| c.is_control())
        && p.split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..")
        && !p
            .split('/')
            .next()
            .is_some_and(|s| s.len() == 2 && s.ends_with(':'))
}

/// A path segment made from an id: ASCII letters, digits, `-`, `_` and `.` kept, anything
/// else replaced by `_` (so ids in any script give portable, unambiguous file names).
pub fn path_safe(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A folder name made from an inspection id: [`path_safe`], never empty or hidden.
pub fn top_folder_name(id: &str) -> String {
    let s = path_safe(id);
    if s.is_empty() || s.starts_with('.') {
        format!("bag{s}")
    } else {
        s
    }
}

/// Writes a bag into a zip as a stream: each file passes once through a SHA-256 hasher into
/// the archive, with a fixed-size buffer.
pub struct BagZipWriter<W: Write + Seek> {
    zip: ZipWriter<W>,
    top: String,
    payload: Vec<ManifestEntry>,
    tags: Vec<ManifestEntry>,
    names: BTreeSet<String>,
    modified: zip::DateTime,
}

impl<W: Write + Seek> BagZipWriter<W> {
    pub fn new(out: W, top: &str) -> Result<Self, BagError> {
        let top = top_folder_name(top);
        Ok(Self {
            zip: ZipWriter::new(out),
            top,
            payload: Vec::new(),
            tags: Vec::new(),
            names: BTreeSet::new(),
            modified: zip::DateTime::default(),
        })
    }

    /// Stamps every entry with this time (zip times are local and 2-second; readers must
    /// not depend on them — it is for people listing the archive).
    pub fn with_time(mut self, at: chrono::NaiveDateTime) -> Self {
        use chrono::{Datelike, Timelike};
        let year = u16::try_from(at.year()).unwrap_or(1980);
        let narrow = |v: u32| u8::try_from(v).unwrap_or(0);
        if let Ok(t) = zip::DateTime::from_date_and_time(
            year,
            narrow(at.month()),
            narrow(at.day()),
            narrow(at.hour()),
            narrow(at.minute()),
            narrow(at.second()),
        ) {
            self.modified = t;
        }
        self
    }

    fn options(&self, rel: &str, size_hint: u64) -> SimpleFileOptions {
        let ext = rel.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
        let method = if STORED_EXTENSIONS.contains(&ext.as_str()) {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        SimpleFileOptions::default()
            .compression_method(method)
            .large_file(size_hint >= u64::from(u32::MAX))
            .unix_permissions(0o644)
            .last_modified_time(self.modified)
    }

    fn start(&mut self, rel: &str, size_hint: u64) -> Result<(), BagError> {
        if !safe_rel(rel) {
            return Err(BagError::BadPath(rel.to_owned()));
        }
        if !self.names.insert(rel.to_owned()) {
            return Err(BagError::Duplicate(rel.to_owned()));
        }
        let name = format!("{}/{}", self.top, rel);
        let options = self.options(rel, size_hint);
        self.zip.start_file(name, options)?;
        Ok(())
    }

    fn copy(&mut self, mut from: impl Read) -> Result<(String, u64), BagError> {
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; CHUNK];
        let mut size = 0u64;
        loop {
            let n = from.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            self.zip.write_all(&buf[..n])?;
            size += n as u64;
        }
        Ok((hex::encode(hasher.finalize()), size))
    }

    /// Adds a payload file (path under `data/`), streamed from `from`.
    pub fn add_payload(
        &mut self,
        rel: &str,
        from: impl Read,
        size_hint: u64,
    ) -> Result<ManifestEntry, BagError> {
        if !rel.starts_with("data/") {
            return Err(BagError::BadPath(rel.to_owned()));
        }
        self.start(rel, size_hint)?;
        let (sha256, size) = self.copy(from)?;
        let entry = ManifestEntry {
            path: rel.to_owned(),
            sha256,
            size,
        };
        self.payload.push(entry.clone());
        Ok(entry)
    }

    /// Adds a tag file (outside `data/`, e.g. `hecha/manifest.json`).
    pub fn add_tag(&mut self, rel: &str, bytes: &[u8]) -> Result<ManifestEntry, BagError> {
        if rel.starts_with("data/") || is_bag_control_file(rel) {
            return Err(BagError::BadPath(rel.to_owned()));
        }
        self.start(rel, bytes.len() as u64)?;
        let (sha256, size) = self.copy(bytes)?;
        let entry = ManifestEntry {
            path: rel.to_owned(),
            sha256,
            size,
        };
        self.tags.push(entry.clone());
        Ok(entry)
    }

    fn add_control(&mut self, rel: &str, text: &str) -> Result<ManifestEntry, BagError> {
        self.start(rel, text.len() as u64)?;
        let (sha256, size) = self.copy(text.as_bytes())?;
        Ok(ManifestEntry {
            path: rel.to_owned(),
            sha256,
            size,
        })
    }

    /// Writes `bagit.txt`, `bag-info.txt` (with Payload-Oxum), the payload manifest and the
    /// tag manifest, and closes the zip.
    pub fn finish(mut self, info: &BagInfo) -> Result<W, BagError> {
        let bagit = self.add_control(
            "bagit.txt",
            "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        )?;
        let octets: u64 = self.payload.iter().map(|e| e.size).sum();
        let mut bag_info = format!(
            "Source-Organization: {}\nBagging-Date: {}\nExternal-Identifier: {}\nPayload-Oxum: {octets}.{}\n",
            one_line(&info.source_organization),
            one_line(&info.bagging_date),
            one_line(&info.external_identifier),
            self.payload.len()
        );
        for (k, v) in &info.extra {
            bag_info.push_str(&format!("{}: {}\n", one_line(k), one_line(v)));
        }
        let bag_info = self.add_control("bag-info.txt", &bag_info)?;
        let manifest = manifest_text(&self.payload);
        let manifest = self.add_control("manifest-sha256.txt", &manifest)?;
        let mut tag_entries = vec![bagit, bag_info, manifest];
        tag_entries.extend(self.tags.iter().cloned());
        let tagmanifest = manifest_text(&tag_entries);
        self.add_control("tagmanifest-sha256.txt", &tagmanifest)?;
        Ok(self.zip.finish()?)
    }
}

fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

fn manifest_text(entries: &[ManifestEntry]) -> String {
    let mut sorted: Vec<&ManifestEntry> = entries.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    sorted
        .iter()
        .map(|e| format!("{}  {}\n", e.sha256, encode_path(&e.path)))
        .collect()
}

fn is_bag_control_file(rel: &str) -> bool {
    matches!(
        rel,
        "bagit.txt" | "bag-info.txt" | "manifest-sha256.txt" | "tagmanifest-sha256.txt"
    ) || rel.starts_with("manifest-")
        || rel.starts_with("tagmanifest-")
}

/// Limits applied when opening an untrusted bag.
#[derive(Debug, Clone, Copy)]
pub struct ReadLimits {
    pub max_entries: usize,
    pub max_total_bytes: u64,
    /// Highest accepted uncompressed/compressed ratio for entries over 1 MiB.
    pub max_ratio: u64,
}

impl Default for ReadLimits {
    fn default() -> Self {
        Self {
            max_entries: 100_000,
            max_total_bytes: 1 << 40,
            max_ratio: 200,
        }
    }
}

/// A problem found in a bag (the verifier lists them all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BagProblem {
    /// Stable code, e.g. `bagit.hash_mismatch`.
    pub code: &'static str,
    /// What is wrong, as catalogue data.
    pub says: Message,
}

fn problem(code: &'static str, says: Message) -> BagProblem {
    BagProblem { code, says }
}

/// The outcome of checking a bag's manifests.
#[derive(Debug, Clone, Default)]
pub struct BagCheck {
    pub problems: Vec<BagProblem>,
    /// Payload files as hashed (listed ones that could be read).
    pub payload: Vec<ManifestEntry>,
}

/// An opened, name-checked bag zip. Nothing is extracted: entries are read as streams,
/// by the strict reader of [`zipread`](super::zipread).
pub struct BagZip<R: Read + Seek> {
    reader: R,
    entries: Vec<ZipEntry>,
    top: String,
    /// bag-relative path → index in `entries`
    index: BTreeMap<String, usize>,
    limits: ReadLimits,
    /// Bytes read out of entries so far, re-reads included (the total bomb limit).
    inflated: u64,
}

impl<R: Read + Seek> BagZip<R> {
    /// Opens a bag, refusing an ambiguous archive structure (see [`zipread`](super::zipread)),
    /// traversal, absolute paths, symlinks, duplicates (also names equal but for case),
    /// several top folders, too many entries and zip bombs — before reading any content.
    pub fn open(mut reader: R, limits: ReadLimits) -> Result<Self, BagError> {
        let entries = zipread::read_directory(&mut reader, limits.max_entries)?;
        if entries.len() > limits.max_entries {
            return Err(BagError::TooManyEntries(entries.len()));
        }
        let mut tops = BTreeSet::new();
        let mut index = BTreeMap::new();
        // Names as a case-insensitive file system (macOS, Windows) would merge them.
        let mut folded = BTreeSet::new();
        let mut total = 0u64;
        for (i, entry) in entries.iter().enumerate() {
            let raw = &entry.name;
            match entry.unix_type {
                0 | 0o100000 | 0o040000 => {}
                0o120000 => return Err(BagError::Symlink(raw.clone())),
                _ => return Err(BagError::SpecialFile(raw.clone())),
            }
            let path = raw.strip_suffix('/').unwrap_or(raw);
            // Directory entries too: an extracting tool creates them.
            if !safe_rel(path) {
                return Err(BagError::UnsafeName(raw.clone()));
            }
            if !folded.insert(path.to_lowercase()) {
                return Err(BagError::Duplicate(raw.clone()));
            }
            let (top, rel) = match path.split_once('/') {
                Some(split) => split,
                None if entry.is_dir() => (path, ""),
                None => return Err(BagError::TopFolder(format!("a file at the root: {raw}"))),
            };
            tops.insert(top.to_owned());
            if entry.is_dir() {
                if entry.size != 0 {
                    return Err(BagError::SizeLie(raw.clone()));
                }
                continue;
            }
            let size = entry.size;
            let packed = entry.compressed_size.max(1);
            if size > 1 << 20 && size / packed > limits.max_ratio {
                return Err(BagError::Bomb {
                    name: raw.clone(),
                    ratio: size / packed,
                });
            }
            total = total.saturating_add(size);
            if total > limits.max_total_bytes {
                return Err(BagError::TooLarge(total));
            }
            if index.insert(rel.to_owned(), i).is_some() {
                return Err(BagError::Duplicate(raw.clone()));
            }
        }
        let top = match tops.len() {
            1 => tops.into_iter().next().unwrap_or_default(),
            0 => return Err(BagError::TopFolder("none".into())),
            n => {
                return Err(BagError::TopFolder(format!(
                    "{n}: {}",
                    tops.into_iter().collect::<Vec<_>>().join(", ")
                )));
            }
        };
        Ok(Self {
            reader,
            entries,
            top,
            index,
            limits,
            inflated: 0,
        })
    }

    /// The top folder's name.
    pub fn top(&self) -> &str {
        &self.top
    }

    /// Bag-relative paths of every file.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.index.keys().map(String::as_str)
    }

    pub fn contains(&self, rel: &str) -> bool {
        self.index.contains_key(rel)
    }

    /// Bytes read out of entries so far by this bag (every read counts, re-reads again);
    /// reading stops with [`BagError::TooLarge`] past `max_total_bytes`.
    pub fn inflated_bytes(&self) -> u64 {
        self.inflated
    }

    fn entry(&self, rel: &str) -> Result<&ZipEntry, BagError> {
        self.index
            .get(rel)
            .and_then(|&i| self.entries.get(i))
            .ok_or_else(|| BagError::NoEntry(rel.to_owned()))
    }

    /// Streams one entry through `f`. Reading stops with an error as soon as more bytes
    /// come out than the header declared, than `max(1 MiB, max_ratio × compressed size)`,
    /// or than the bag's total allows; at the end the size and CRC-32 must be the declared
    /// ones (what `f` did not read is read and checked too).
    pub fn with_entry<T>(
        &mut self,
        rel: &str,
        f: impl FnOnce(&mut dyn Read) -> std::io::Result<T>,
    ) -> Result<T, BagError> {
        let i = *self
            .index
            .get(rel)
            .ok_or_else(|| BagError::NoEntry(rel.to_owned()))?;
        // Once past the total, nothing more is inflated (not even the byte that tells).
        if self.inflated > self.limits.max_total_bytes {
            return Err(BagError::TooLarge(self.inflated));
        }
        let entry = self
            .entries
            .get(i)
            .ok_or_else(|| BagError::NoEntry(rel.to_owned()))?;
        let limits = EntryLimits {
            declared: entry.size,
            ratio_cap: (1u64 << 20)
                .max(self.limits.max_ratio.saturating_mul(entry.compressed_size)),
            total_left: self.limits.max_total_bytes.saturating_sub(self.inflated),
        };
        let mut reader = EntryReader::new(&mut self.reader, entry, limits, &mut self.inflated)?;
        let out = f(&mut reader);
        if let Some(e) = reader.take_failure() {
            return Err(e);
        }
        let out = out?;
        reader.finish()?;
        Ok(out)
    }

    /// Reads a small entry whole (manifests, tag files), at most `max` bytes.
    pub fn read_small(&mut self, rel: &str, max: u64) -> Result<Vec<u8>, BagError> {
        let declared = self.entry(rel)?.size;
        if declared > max {
            return Err(BagError::TooLarge(declared));
        }
        self.with_entry(rel, |r| {
            let mut v = Vec::with_capacity(declared as usize);
            r.read_to_end(&mut v)?;
            Ok(v)
        })
    }

    /// SHA-256 and size of an entry, streamed. `progress` is told of every chunk.
    pub fn hash_entry(
        &mut self,
        rel: &str,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(String, u64), BagError> {
        self.with_entry(rel, |r| {
            let mut hasher = Sha256::new();
            let mut buf = vec![0u8; CHUNK];
            let mut size = 0u64;
            loop {
                let n = r.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                size += n as u64;
                progress(n as u64);
            }
            Ok((hex::encode(hasher.finalize()), size))
        })
    }

    /// Total declared payload bytes (for a progress bar).
    pub fn total_bytes(&self) -> u64 {
        self.index
            .values()
            .filter_map(|&i| self.entries.get(i))
            .map(|e| e.size)
            .sum()
    }

    /// Checks the bag against RFC 8493: `bagit.txt`, both SHA-256 manifests (every listed
    /// file present with its digest, every payload file listed), and Payload-Oxum. Returns
    /// every problem found, not just the first.
    pub fn validate(&mut self, progress: &mut dyn FnMut(u64)) -> Vec<BagProblem> {
        self.check(progress).problems
    }

    /// [`validate`](Self::validate), also returning the digests actually computed for the
    /// payload files listed in the manifest (so callers need not hash them again).
    pub fn check(&mut self, progress: &mut dyn FnMut(u64)) -> BagCheck {
        let mut problems = Vec::new();
        match self.read_small("bagit.txt", 4096) {
            Ok(b) if String::from_utf8_lossy(&b).contains("BagIt-Version: ") => {}
            Ok(_) => problems.push(problem(
                "bagit.declaration",
                msg!("verify-bagit-no-version"),
            )),
            Err(e) => problems.push(problem(
                "bagit.declaration",
                msg!("verify-bagit-declaration", detail = e.to_string()),
            )),
        }
        let payload = self.check_manifest("manifest-sha256.txt", &mut problems, progress);
        // Every payload file must be listed.
        let listed: BTreeSet<&str> = payload.iter().map(|e| e.path.as_str()).collect();
        let unlisted: Vec<String> = self
            .paths()
            .filter(|p| p.starts_with("data/") && !listed.contains(p))
            .map(str::to_owned)
            .collect();
        for p in unlisted {
            problems.push(problem(
                "bagit.unlisted_file",
                msg!("verify-bagit-unlisted", path = p),
            ));
        }
        self.check_manifest("tagmanifest-sha256.txt", &mut problems, progress);
        if let Ok(info) = self.read_small("bag-info.txt", 1 << 20) {
            let info = String::from_utf8_lossy(&info);
            if let Some(oxum) = info.lines().find_map(|l| l.strip_prefix("Payload-Oxum:")) {
                let octets: u64 = payload.iter().map(|e| e.size).sum();
                let want = format!("{octets}.{}", payload.len());
                if oxum.trim() != want {
                    problems.push(problem(
                        "bagit.payload_oxum",
                        msg!("verify-bagit-oxum", said = oxum.trim(), actual = want),
                    ));
                }
            }
        } else {
            problems.push(problem("bagit.bag_info", msg!("verify-bagit-no-bag-info")));
        }
        BagCheck { problems, payload }
    }

    fn check_manifest(
        &mut self,
        name: &str,
        problems: &mut Vec<BagProblem>,
        progress: &mut dyn FnMut(u64),
    ) -> Vec<ManifestEntry> {
        let text = match self.read_small(name, 64 << 20) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                problems.push(problem(
                    "bagit.manifest_missing",
                    msg!(
                        "verify-bagit-manifest-missing",
                        name = name,
                        detail = e.to_string()
                    ),
                ));
                return Vec::new();
            }
        };
        let mut entries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let Some((digest, path)) = line.split_once(char::is_whitespace) else {
                problems.push(problem(
                    "bagit.manifest_syntax",
                    msg!("verify-bagit-no-path", name = name, line = n + 1),
                ));
                continue;
            };
            let path = decode_path(path.trim_start());
            if !safe_rel(&path) {
                problems.push(problem(
                    "bagit.manifest_syntax",
                    msg!(
                        "verify-bagit-unsafe-path",
                        name = name,
                        line = n + 1,
                        path = format!("{path:?}")
                    ),
                ));
                continue;
            }
            match self.hash_entry(&path, progress) {
                Ok((actual, size)) => {
                    if !actual.eq_ignore_ascii_case(digest) {
                        problems.push(problem(
                            "bagit.hash_mismatch",
                            msg!(
                                "verify-bagit-hash-mismatch",
                                path = &path,
                                actual = &actual,
                                name = name,
                                listed = digest
                            ),
                        ));
                    }
                    entries.push(ManifestEntry {
                        path,
                        sha256: actual,
                        size,
                    });
                }
                Err(BagError::NoEntry(_)) => problems.push(problem(
                    "bagit.missing_file",
                    msg!("verify-bagit-missing-file", path = &path, name = name),
                )),
                Err(e) => problems.push(problem(
                    "bagit.unreadable",
                    msg!(
                        "verify-file-unreadable",
                        path = &path,
                        detail = e.to_string()
                    ),
                )),
            }
        }
        entries
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use zip::ZipArchive;

    use super::*;

    fn info() -> BagInfo {
        BagInfo {
            source_organization: "测试".into(),
            bagging_date: "2026-11-27".into(),
            external_identifier: "insp-1".into(),
            extra: vec![],
        }
    }

    fn sample() -> Vec<u8> {
        let mut w = BagZipWriter::new(Cursor::new(Vec::new()), "insp-1").unwrap();
        w.add_payload("data/evidence/a.jpg", &b"\xFF\xD8jpeg bytes"[..], 12)
            .unwrap();
        w.add_payload("data/report.html", &b"<html></html>"[..], 13)
            .unwrap();
        w.add_tag("hecha/manifest.json", b"{}").unwrap();
        w.finish(&info()).unwrap().into_inner()
    }

    fn open(bytes: Vec<u8>) -> Result<BagZip<Cursor<Vec<u8>>>, BagError> {
        BagZip::open(Cursor::new(bytes), ReadLimits::default())
    }

    #[test]
    fn written_bag_validates_and_jpegs_are_stored() {
        let bytes = sample();
        let mut bag = open(bytes.clone()).unwrap();
        assert_eq!(bag.top(), "insp-1");
        assert!(bag.validate(&mut |_| {}).is_empty());
        let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(
            archive
                .by_name("insp-1/data/evidence/a.jpg")
                .unwrap()
                .compression(),
            CompressionMethod::Stored
        );
        assert_eq!(
            archive
                .by_name("insp-1/data/report.html")
                .unwrap()
                .compression(),
            CompressionMethod::Deflated
        );
        let mut info = String::new();
        archive
            .by_name("insp-1/bag-info.txt")
            .unwrap()
            .read_to_string(&mut info)
            .unwrap();
        assert!(info.contains("Payload-Oxum: 25.2"), "{info}");
    }

    fn entries(bytes: Vec<u8>) -> Vec<(String, Vec<u8>)> {
        let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
        (0..archive.len())
            .map(|i| {
                let mut e = archive.by_index(i).unwrap();
                let mut d = Vec::new();
                e.read_to_end(&mut d).unwrap();
                (e.name().unwrap().to_string(), d)
            })
            .collect()
    }

    fn zip_of(files: Vec<(String, Vec<u8>)>, method: CompressionMethod) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (n, d) in files {
            w.start_file(n, SimpleFileOptions::default().compression_method(method))
                .unwrap();
            w.write_all(&d).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn every_problem_is_reported() {
        let mut files: Vec<(String, Vec<u8>)> = entries(sample())
            .into_iter()
            .filter(|(n, _)| !n.ends_with("report.html")) // a file removed
            .map(|(n, mut d)| {
                if n.ends_with("a.jpg") {
                    d[3] ^= 1; // one byte of one photo
                }
                (n, d)
            })
            .collect();
        files.push(("insp-1/data/extra.txt".into(), b"added".to_vec())); // a file added
        let mut bag = open(zip_of(files, CompressionMethod::Stored)).unwrap();
        let codes: Vec<&str> = bag.validate(&mut |_| {}).iter().map(|p| p.code).collect();
        assert!(codes.contains(&"bagit.hash_mismatch"), "{codes:?}");
        assert!(codes.contains(&"bagit.missing_file"), "{codes:?}");
        assert!(codes.contains(&"bagit.unlisted_file"), "{codes:?}");
        assert!(codes.contains(&"bagit.payload_oxum"), "{codes:?}");
    }

    #[test]
    fn entry_order_and_compression_do_not_matter() {
        let mut files = entries(sample());
        files.reverse();
        let mut bag = open(zip_of(files, CompressionMethod::Deflated)).unwrap();
        assert!(bag.validate(&mut |_| {}).is_empty());
    }

    fn zip_with(names: &[&str]) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for n in names {
            w.start_file(*n, SimpleFileOptions::default()).unwrap();
            w.write_all(b"x").unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn malicious_archives_are_refused() {
        for bad in ["b/../../etc/passwd", "/etc/passwd", "b/..\\x", "b/./x"] {
            assert!(
                matches!(open(zip_with(&[bad])), Err(BagError::UnsafeName(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            open(zip_with(&["a/x", "b/y"])),
            Err(BagError::TopFolder(_))
        ));
        assert!(matches!(
            open(zip_with(&["rootfile"])),
            Err(BagError::TopFolder(_))
        ));
        // Duplicate names (the writer refuses them, so patch the bytes): refused on open.
        let dup: Vec<u8> = {
            let bytes = zip_with(&["a/x", "a/y"]);
            let mut out = bytes.clone();
            for i in 0..bytes.len() - 2 {
                if &bytes[i..i + 3] == b"a/y" {
                    out[i + 2] = b'x';
                }
            }
            out
        };
        assert!(matches!(
            open(dup),
            Err(BagError::Duplicate(_)) | Err(BagError::Zip(_))
        ));

        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        w.add_symlink("a/link", "/etc/passwd", SimpleFileOptions::default())
            .unwrap();
        assert!(matches!(
            open(w.finish().unwrap().into_inner()),
            Err(BagError::Symlink(_))
        ));

        // 64 MiB of zeros deflate to ~64 KiB: refused before inflating.
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file(
            "a/zeros",
            SimpleFileOptions::default().compression_method(CompressionMethod::Deflated),
        )
        .unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            w.write_all(&zeros).unwrap();
        }
        assert!(matches!(
            open(w.finish().unwrap().into_inner()),
            Err(BagError::Bomb { .. })
        ));
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(open(b"not a zip".to_vec()).is_err());
        assert!(open(Vec::new()).is_err());
    }
}

//! A strict zip reader for untrusted bags: it parses the archive's structure itself and
//! refuses any zip that two readers could read differently (docs/bundle-format.md §12).
//!
//! General-purpose zip readers keep one entry per name and trust whichever record they
//! meet first; a zip whose end record, zip64 record, central directory and local headers
//! disagree can then show one file to other tools and another to `hecha verify`. Here
//! every record is cross-checked, the entries and the directory must tile the file with
//! no gap or overlap, and entry data is inflated by us, counting every byte that comes out.

use std::io::{self, Read, Seek, SeekFrom, Take};

use flate2::read::DeflateDecoder;

use super::bagit::BagError;

const EOCD_SIG: [u8; 4] = *b"PK\x05\x06";
const ZIP64_EOCD_SIG: [u8; 4] = *b"PK\x06\x06";
const ZIP64_LOCATOR_SIG: [u8; 4] = *b"PK\x06\x07";
const CENTRAL_SIG: [u8; 4] = *b"PK\x01\x02";
const LOCAL_SIG: [u8; 4] = *b"PK\x03\x04";
const DESCRIPTOR_SIG: [u8; 4] = *b"PK\x07\x08";

const EOCD_LEN: u64 = 22;
const LOCATOR_LEN: u64 = 20;
const ZIP64_EOCD_LEN: u64 = 56;
const CENTRAL_LEN: usize = 46;
const LOCAL_LEN: usize = 30;

const ZIP64_EXTRA: u16 = 0x0001;
/// Info-ZIP Unicode Path: readers that honour it show this name instead of the entry's.
const UNICODE_PATH_EXTRA: u16 = 0x7075;

const FLAG_ENCRYPTED: u16 = 1 << 0;
const FLAG_DESCRIPTOR: u16 = 1 << 3;
const FLAG_STRONG_ENCRYPTION: u16 = 1 << 6;
const FLAG_UTF8: u16 = 1 << 11;
/// Central directory encryption (APPNOTE 7.2): local headers are masked.
const FLAG_MASKED_HEADERS: u16 = 1 << 13;

/// A central directory bigger than this is refused before it is read (100 000 entries
/// with long names take ~20 MiB).
const MAX_CENTRAL_DIRECTORY: u64 = 64 << 20;

/// How an entry's bytes are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Stored,
    Deflated,
}

/// One entry, every field cross-checked between its central and local records.
#[derive(Debug, Clone)]
pub struct ZipEntry {
    pub name: String,
    pub method: Method,
    pub crc32: u32,
    pub compressed_size: u64,
    pub size: u64,
    /// Offset of the first byte of the compressed data.
    pub data_start: u64,
    /// Unix file type bits from the external attributes (0 when none were recorded).
    pub unix_type: u32,
}

impl ZipEntry {
    pub fn is_dir(&self) -> bool {
        self.name.ends_with('/')
    }
}

/// Reads and cross-checks the whole structure of an archive; nothing is inflated.
pub fn read_directory<R: Read + Seek>(
    r: &mut R,
    max_entries: usize,
) -> Result<Vec<ZipEntry>, BagError> {
    let len = r.seek(SeekFrom::End(0))?;
    let end = find_end(r, len)?;
    if end.entries > max_entries as u64 {
        return Err(BagError::TooManyEntries(
            usize::try_from(end.entries).unwrap_or(usize::MAX),
        ));
    }
    let cd_end = end
        .cd_offset
        .checked_add(end.cd_size)
        .ok_or_else(|| structure("the central directory's offset and size overflow"))?;
    // The directory must end exactly where the end records start: no gap to hide a
    // record in, no end record read from inside the directory.
    if cd_end != end.records_start {
        return Err(structure(format!(
            "the central directory ends at {cd_end}, the end records start at {}",
            end.records_start
        )));
    }
    if end.cd_size > MAX_CENTRAL_DIRECTORY {
        return Err(structure(format!(
            "central directory of {} bytes",
            end.cd_size
        )));
    }
    r.seek(SeekFrom::Start(end.cd_offset))?;
    let mut cd = vec![0u8; usize::try_from(end.cd_size).unwrap_or(usize::MAX)];
    r.read_exact(&mut cd)?;

    let mut entries = Vec::new();
    // (start, end, what) of every byte range the archive's parts occupy.
    let mut spans: Vec<(u64, u64, String)> = Vec::new();
    let mut at = 0usize;
    while at < cd.len() {
        if entries.len() as u64 >= end.entries {
            return Err(structure(format!(
                "the end record declares {} entries, the central directory holds more",
                end.entries
            )));
        }
        let (central, next) = parse_central(&cd, at)?;
        at = next;
        let (entry, span_end) = check_local(r, len, &central)?;
        spans.push((
            central.local_offset,
            span_end,
            format!("entry {:?}", entry.name),
        ));
        entries.push(entry);
    }
    if entries.len() as u64 != end.entries {
        return Err(structure(format!(
            "the end record declares {} entries, the central directory holds {}",
            end.entries,
            entries.len()
        )));
    }
    spans.push((end.cd_offset, cd_end, "the central directory".into()));
    spans.push((end.records_start, len, "the end records".into()));
    check_tiling(spans)?;
    Ok(entries)
}

fn structure(why: impl Into<String>) -> BagError {
    BagError::Structure(why.into())
}

fn mismatch(name: &str, field: &'static str) -> BagError {
    BagError::HeaderMismatch {
        name: name.to_owned(),
        field,
    }
}

/// What the end records say.
struct End {
    entries: u64,
    cd_size: u64,
    cd_offset: u64,
    /// Where the zip64 record (or, without one, the end record) starts.
    records_start: u64,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2)
        .map_or(0, |s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8).map_or(0, |s| {
        u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]])
    })
}

fn read_at<R: Read + Seek>(r: &mut R, at: u64, n: usize) -> Result<Vec<u8>, BagError> {
    r.seek(SeekFrom::Start(at))?;
    let mut buf = vec![0u8; n];
    r.read_exact(&mut buf)?;
    Ok(buf)
}

/// Finds the one end-of-central-directory record and, when present, the zip64 records,
/// and checks that they agree.
fn find_end<R: Read + Seek>(r: &mut R, len: u64) -> Result<End, BagError> {
    let tail_len = len.min(EOCD_LEN + u64::from(u16::MAX));
    let tail_start = len - tail_len;
    let tail = read_at(r, tail_start, tail_len as usize)?;
    let signatures: Vec<usize> = tail
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == EOCD_SIG)
        .map(|(i, _)| i)
        .collect();
    if signatures.is_empty() {
        return Err(BagError::NotAZip);
    }
    // The end record is the one whose comment reaches exactly the end of the file.
    let ends_at_eof = |&i: &usize| {
        tail.len() >= i + EOCD_LEN as usize
            && i + EOCD_LEN as usize + usize::from(u16_at(&tail, i + 20)) == tail.len()
    };
    let candidates: Vec<usize> = signatures.iter().copied().filter(ends_at_eof).collect();
    let pos = match candidates.as_slice() {
        [] => {
            return Err(structure(
                "bytes after the end record (trailing data beyond its comment)",
            ));
        }
        [one] => *one,
        _ => return Err(structure("two end records both reach the end of the file")),
    };
    // A comment holding another end record: readers that scan backwards stop there.
    if signatures.iter().any(|&i| i > pos) {
        return Err(structure(
            "the zip comment holds another end-of-central-directory signature",
        ));
    }
    let eocd = &tail[pos..];
    let eocd_at = tail_start + pos as u64;
    let disk = u16_at(eocd, 4);
    let cd_disk = u16_at(eocd, 6);
    let on_disk = u16_at(eocd, 8);
    let total = u16_at(eocd, 10);
    let cd_size = u32_at(eocd, 12);
    let cd_offset = u32_at(eocd, 16);
    if on_disk != total {
        return Err(structure(format!(
            "the end record declares {on_disk} entries on this disk and {total} in all"
        )));
    }

    let locator_at = eocd_at.checked_sub(LOCATOR_LEN);
    let locator = match locator_at {
        Some(at) => Some(read_at(r, at, LOCATOR_LEN as usize)?),
        None => None,
    };
    let Some((locator, locator_at)) = locator
        .filter(|l| l[..4] == ZIP64_LOCATOR_SIG)
        .zip(locator_at)
    else {
        if disk != 0 || cd_disk != 0 {
            return Err(structure("a multi-disk archive"));
        }
        return Ok(End {
            entries: u64::from(total),
            cd_size: u64::from(cd_size),
            cd_offset: u64::from(cd_offset),
            records_start: eocd_at,
        });
    };
    if u32_at(&locator, 4) != 0 || u32_at(&locator, 16) != 1 {
        return Err(structure("a multi-disk archive (zip64 locator)"));
    }
    let z64_at = u64_at(&locator, 8);
    if z64_at
        .checked_add(ZIP64_EOCD_LEN)
        .is_none_or(|e| e > locator_at)
    {
        return Err(structure("the zip64 end record lies outside the file"));
    }
    let z64 = read_at(r, z64_at, ZIP64_EOCD_LEN as usize)?;
    if z64[..4] != ZIP64_EOCD_SIG {
        return Err(structure("no zip64 end record where the locator points"));
    }
    // The record (with its extensible data) must end where the locator starts.
    if z64_at
        .checked_add(12)
        .and_then(|a| a.checked_add(u64_at(&z64, 4)))
        != Some(locator_at)
    {
        return Err(structure(
            "the zip64 end record does not end at its locator",
        ));
    }
    let z_disk = u32_at(&z64, 16);
    let z_cd_disk = u32_at(&z64, 20);
    let z_on_disk = u64_at(&z64, 24);
    let z_total = u64_at(&z64, 32);
    let z_cd_size = u64_at(&z64, 40);
    let z_cd_offset = u64_at(&z64, 48);
    if z_disk != 0 || z_cd_disk != 0 || z_on_disk != z_total {
        return Err(structure("a multi-disk archive (zip64 end record)"));
    }
    // Where the classic record holds a real value (not the 0xFFFF… "see zip64" marker),
    // it must say what the zip64 record says: readers differ on which one they trust.
    let agree16 = |v: u16, z: u64| v == u16::MAX || u64::from(v) == z;
    let agree32 = |v: u32, z: u64| v == u32::MAX || u64::from(v) == z;
    if !agree16(total, z_total) || !agree16(on_disk, z_on_disk) {
        return Err(structure(format!(
            "the end record declares {total} entries, the zip64 end record {z_total}"
        )));
    }
    if !agree32(cd_size, z_cd_size) || !agree32(cd_offset, z_cd_offset) {
        return Err(structure(
            "the end record and the zip64 end record place the central directory differently",
        ));
    }
    if !agree16(disk, 0) || !agree16(cd_disk, 0) {
        return Err(structure("a multi-disk archive"));
    }
    Ok(End {
        entries: z_total,
        cd_size: z_cd_size,
        cd_offset: z_cd_offset,
        records_start: z64_at,
    })
}

/// A central directory record, sizes resolved through its zip64 extra field.
struct Central {
    name_raw: Vec<u8>,
    name: String,
    flags: u16,
    method: u16,
    crc32: u32,
    compressed_size: u64,
    size: u64,
    local_offset: u64,
    unix_type: u32,
}

fn extra_fields(extra: &[u8]) -> Result<Vec<(u16, &[u8])>, String> {
    let mut fields = Vec::new();
    let mut at = 0;
    while at < extra.len() {
        let id = u16_at(extra, at);
        let n = usize::from(u16_at(extra, at + 2));
        let data = extra
            .get(at + 4..at + 4 + n)
            .ok_or("an extra field runs past its record")?;
        fields.push((id, data));
        at += 4 + n;
    }
    Ok(fields)
}

fn parse_central(cd: &[u8], at: usize) -> Result<(Central, usize), BagError> {
    let fixed = cd
        .get(at..at + CENTRAL_LEN)
        .ok_or_else(|| structure("a central directory record is cut short"))?;
    if fixed[..4] != CENTRAL_SIG {
        return Err(structure(format!(
            "no central directory record at offset {at} of the directory"
        )));
    }
    let name_len = usize::from(u16_at(fixed, 28));
    let extra_len = usize::from(u16_at(fixed, 30));
    let comment_len = usize::from(u16_at(fixed, 32));
    let name_at = at + CENTRAL_LEN;
    let next = name_at + name_len + extra_len + comment_len;
    let (name_raw, extra) = cd
        .get(name_at..next)
        .map(|b| (&b[..name_len], &b[name_len..name_len + extra_len]))
        .ok_or_else(|| structure("a central directory record is cut short"))?;
    let name = entry_name(name_raw, u16_at(fixed, 8))?;
    let mut size = u64::from(u32_at(fixed, 24));
    let mut compressed_size = u64::from(u32_at(fixed, 20));
    let mut local_offset = u64::from(u32_at(fixed, 42));
    let disk_start = u16_at(fixed, 34);
    let fields = extra_fields(extra).map_err(|e| structure(format!("{name:?}: {e}")))?;
    check_unicode_path(&name, &fields)?;
    if let Some((_, z)) = fields.iter().find(|(id, _)| *id == ZIP64_EXTRA) {
        // APPNOTE 4.5.3: only the fields whose 32-bit value is 0xFFFFFFFF, in this order.
        let mut at = 0;
        let mut take = |v: &mut u64| -> Result<(), BagError> {
            if *v == u64::from(u32::MAX) {
                if z.len() < at + 8 {
                    return Err(structure(format!("{name:?}: zip64 extra field too short")));
                }
                *v = u64_at(z, at);
                at += 8;
            }
            Ok(())
        };
        take(&mut size)?;
        take(&mut compressed_size)?;
        take(&mut local_offset)?;
    }
    if disk_start != 0 && disk_start != u16::MAX {
        return Err(structure("a multi-disk archive (entry on another disk)"));
    }
    let central = Central {
        name_raw: name_raw.to_vec(),
        name,
        flags: u16_at(fixed, 8),
        method: u16_at(fixed, 10),
        crc32: u32_at(fixed, 16),
        compressed_size,
        size,
        local_offset,
        unix_type: (u32_at(fixed, 38) >> 16) & 0o170000,
    };
    Ok((central, next))
}

/// Names must read the same in every reader: valid UTF-8, and non-ASCII only when the
/// UTF-8 flag says so (readers without it decode CP437 and see another name).
fn entry_name(raw: &[u8], flags: u16) -> Result<String, BagError> {
    let name = std::str::from_utf8(raw)
        .map_err(|_| BagError::UnsafeName(String::from_utf8_lossy(raw).into_owned()))?;
    if !name.is_ascii() && flags & FLAG_UTF8 == 0 {
        return Err(BagError::UnsafeName(format!(
            "{name} (non-ASCII without the UTF-8 flag)"
        )));
    }
    Ok(name.to_owned())
}

/// An Info-ZIP Unicode Path field that names another file than the entry's name.
fn check_unicode_path(name: &str, fields: &[(u16, &[u8])]) -> Result<(), BagError> {
    for (_, data) in fields.iter().filter(|(id, _)| *id == UNICODE_PATH_EXTRA) {
        if data.get(5..) != Some(name.as_bytes()) {
            return Err(mismatch(name, "Unicode path extra field"));
        }
    }
    Ok(())
}

/// Reads the local header of `c` and checks it against the central record; returns the
/// entry and the end of everything it occupies (header, data, data descriptor).
fn check_local<R: Read + Seek>(
    r: &mut R,
    len: u64,
    c: &Central,
) -> Result<(ZipEntry, u64), BagError> {
    let name = c.name.as_str();
    if c.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION | FLAG_MASKED_HEADERS) != 0 {
        return Err(BagError::Encrypted(name.to_owned()));
    }
    let method = match c.method {
        0 => Method::Stored,
        8 => Method::Deflated,
        m => {
            return Err(BagError::UnsupportedMethod {
                name: name.to_owned(),
                method: m,
            });
        }
    };
    if method == Method::Stored && c.compressed_size != c.size {
        return Err(BagError::SizeLie(name.to_owned()));
    }
    if c.local_offset.saturating_add(LOCAL_LEN as u64) > len {
        return Err(structure(format!(
            "{name:?}: local header outside the file"
        )));
    }
    let fixed = read_at(r, c.local_offset, LOCAL_LEN)?;
    if fixed[..4] != LOCAL_SIG {
        return Err(structure(format!(
            "{name:?}: no local header at its offset"
        )));
    }
    let name_len = usize::from(u16_at(&fixed, 26));
    let extra_len = usize::from(u16_at(&fixed, 28));
    let header_end = c.local_offset + (LOCAL_LEN + name_len + extra_len) as u64;
    if header_end > len {
        return Err(structure(format!(
            "{name:?}: local header outside the file"
        )));
    }
    let rest = read_at(r, c.local_offset + LOCAL_LEN as u64, name_len + extra_len)?;
    // The classic attack: readers that stream local headers see this name instead.
    if rest[..name_len] != c.name_raw[..] {
        return Err(mismatch(name, "name"));
    }
    let fields =
        extra_fields(&rest[name_len..]).map_err(|e| structure(format!("{name:?}: {e}")))?;
    check_unicode_path(name, &fields)?;
    if u16_at(&fixed, 6) != c.flags {
        return Err(mismatch(name, "flags"));
    }
    if u16_at(&fixed, 8) != c.method {
        return Err(mismatch(name, "method"));
    }
    let zip64 = fields
        .iter()
        .find(|(id, _)| *id == ZIP64_EXTRA)
        .map(|f| f.1);
    let mut size = u64::from(u32_at(&fixed, 22));
    let mut compressed_size = u64::from(u32_at(&fixed, 18));
    if let Some(z) = zip64 {
        // APPNOTE 4.5.3: a local zip64 field holds both sizes.
        if size == u64::from(u32::MAX) {
            size = u64_at(z, 0);
        }
        if compressed_size == u64::from(u32::MAX) {
            compressed_size = u64_at(z, 8);
        }
    }
    let crc = u32_at(&fixed, 14);
    let data_end = header_end
        .checked_add(c.compressed_size)
        .filter(|&e| e <= len)
        .ok_or_else(|| structure(format!("{name:?}: data runs past the end of the file")))?;
    let mut span_end = data_end;
    if c.flags & FLAG_DESCRIPTOR != 0 {
        // Streamed entries: each value zero here (Info-ZIP fills in some) or the true
        // one, and all of them after the data.
        let zero_or = |v: u64, want: u64| v == 0 || v == want;
        if !(zero_or(u64::from(crc), u64::from(c.crc32))
            && zero_or(compressed_size, c.compressed_size)
            && zero_or(size, c.size))
        {
            return Err(mismatch(name, "CRC or sizes (before a data descriptor)"));
        }
        span_end = check_descriptor(r, len, data_end, zip64.is_some(), c)?;
    } else if crc != c.crc32 {
        return Err(mismatch(name, "CRC"));
    } else if (compressed_size, size) != (c.compressed_size, c.size) {
        return Err(mismatch(name, "sizes"));
    }
    let entry = ZipEntry {
        name: c.name.clone(),
        method,
        crc32: c.crc32,
        compressed_size: c.compressed_size,
        size: c.size,
        data_start: header_end,
        unix_type: c.unix_type,
    };
    Ok((entry, span_end))
}

/// The data descriptor after a streamed entry's data (signature optional, sizes 8 bytes
/// each when the local header has a zip64 field) must repeat the central record's values.
fn check_descriptor<R: Read + Seek>(
    r: &mut R,
    len: u64,
    at: u64,
    zip64: bool,
    c: &Central,
) -> Result<u64, BagError> {
    let sizes = if zip64 { 16 } else { 8 };
    let avail = usize::try_from((len - at).min(4 + 4 + sizes)).unwrap_or(0);
    let b = read_at(r, at, avail)?;
    let read = |b: &[u8]| -> Option<(u32, u64, u64)> {
        if b.len() < 4 + sizes as usize {
            return None;
        }
        Some(if zip64 {
            (u32_at(b, 0), u64_at(b, 4), u64_at(b, 12))
        } else {
            (
                u32_at(b, 0),
                u64::from(u32_at(b, 4)),
                u64::from(u32_at(b, 8)),
            )
        })
    };
    let want = Some((c.crc32, c.compressed_size, c.size));
    if b.get(..4) == Some(&DESCRIPTOR_SIG[..]) && read(&b[4..]) == want {
        return Ok(at + 4 + 4 + sizes);
    }
    if read(&b) == want {
        return Ok(at + 4 + sizes);
    }
    Err(mismatch(&c.name, "data descriptor"))
}

/// Entries, directory and end records must cover the file exactly once: an overlap lets
/// one byte range be two files (or a file and the directory), a gap can hold a local
/// entry that streaming readers see and the directory does not list.
fn check_tiling(mut spans: Vec<(u64, u64, String)>) -> Result<(), BagError> {
    spans.sort_by_key(|s| (s.0, s.1));
    let mut prev: Option<&(u64, u64, String)> = None;
    for s in &spans {
        let expected = prev.map_or(0, |p| p.1);
        if s.0 < expected {
            let first = prev.map_or_else(String::new, |p| p.2.clone());
            return Err(BagError::Overlap {
                first,
                second: s.2.clone(),
            });
        }
        if s.0 > expected {
            return Err(structure(format!(
                "{} bytes at offset {expected} belong to no entry (before {})",
                s.0 - expected,
                s.2
            )));
        }
        prev = Some(s);
    }
    Ok(())
}

/// Limits on the bytes one read of an entry may produce.
pub struct EntryLimits {
    /// Bytes over this are a size lie.
    pub declared: u64,
    /// Bytes over this are a bomb, whatever the header declared.
    pub ratio_cap: u64,
    /// Bytes the whole bag may still produce before the total limit.
    pub total_left: u64,
}

enum Source<'a, R: Read> {
    Stored(Take<&'a mut R>),
    Deflated(DeflateDecoder<Take<&'a mut R>>),
}

/// One entry's bytes as they are read: inflated from exactly the validated range, counted
/// against the limits, CRC-checked at the end. A broken limit is kept in `failure` (the
/// caller's closure only sees an I/O error).
pub struct EntryReader<'a, R: Read> {
    source: Source<'a, R>,
    entry: &'a ZipEntry,
    limits: EntryLimits,
    hasher: crc32fast::Hasher,
    out: u64,
    /// Every byte produced, for the bag's total.
    counter: &'a mut u64,
    failure: Option<BagError>,
    done: bool,
}

impl<'a, R: Read + Seek> EntryReader<'a, R> {
    pub fn new(
        r: &'a mut R,
        entry: &'a ZipEntry,
        limits: EntryLimits,
        counter: &'a mut u64,
    ) -> Result<Self, BagError> {
        r.seek(SeekFrom::Start(entry.data_start))?;
        let range = r.take(entry.compressed_size);
        let source = match entry.method {
            Method::Stored => Source::Stored(range),
            Method::Deflated => Source::Deflated(DeflateDecoder::new(range)),
        };
        Ok(Self {
            source,
            entry,
            limits,
            hasher: crc32fast::Hasher::new(),
            out: 0,
            counter,
            failure: None,
            done: false,
        })
    }
}

impl<R: Read> EntryReader<'_, R> {
    fn fail(&mut self, e: BagError) -> io::Error {
        let err = io::Error::other(e.to_string());
        self.failure = Some(e);
        err
    }

    /// Called at the end of the stream: the right number of bytes, all the compressed
    /// range used, the right CRC.
    fn finish_stream(&mut self) -> Result<(), BagError> {
        let name = &self.entry.name;
        if self.out < self.limits.declared {
            return Err(BagError::Truncated(name.clone()));
        }
        if let Source::Deflated(d) = &self.source
            && d.total_in() != self.entry.compressed_size
        {
            return Err(BagError::CorruptEntry {
                name: name.clone(),
                why: "bytes after the end of the deflate stream".into(),
            });
        }
        if self.hasher.clone().finalize() != self.entry.crc32 {
            return Err(BagError::CrcMismatch(name.clone()));
        }
        Ok(())
    }

    /// The error recorded while reading, if any.
    pub fn take_failure(&mut self) -> Option<BagError> {
        self.failure.take()
    }

    /// Reads whatever the caller left, then checks size and CRC.
    pub fn finish(mut self) -> Result<(), BagError> {
        if let Some(e) = self.failure.take() {
            return Err(e);
        }
        let drained = io::copy(&mut self, &mut io::sink());
        if let Some(e) = self.failure.take() {
            return Err(e);
        }
        drained?;
        Ok(())
    }
}

impl<R: Read> Read for EntryReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(e) = &self.failure {
            return Err(io::Error::other(e.to_string()));
        }
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        // Never inflate more than one byte past the tightest limit (the bomb's output
        // stops here, not at the end of its stream).
        let cap = self
            .limits
            .declared
            .min(self.limits.ratio_cap)
            .min(self.limits.total_left);
        let room = cap.saturating_sub(self.out).saturating_add(1);
        let want = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = match &mut self.source {
            Source::Stored(s) => s.read(&mut buf[..want]),
            Source::Deflated(d) => d.read(&mut buf[..want]),
        };
        let n = match n {
            Ok(n) => n,
            Err(e) if matches!(self.source, Source::Deflated(_)) => {
                let why = e.to_string();
                return Err(self.fail(BagError::CorruptEntry {
                    name: self.entry.name.clone(),
                    why,
                }));
            }
            Err(e) => return Err(e),
        };
        self.out += n as u64;
        *self.counter = self.counter.saturating_add(n as u64);
        let name = self.entry.name.clone();
        if self.out > self.limits.declared {
            return Err(self.fail(BagError::SizeLie(name)));
        }
        if self.out > self.limits.ratio_cap {
            let ratio = self.out / self.entry.compressed_size.max(1);
            return Err(self.fail(BagError::Bomb { name, ratio }));
        }
        if self.out > self.limits.total_left {
            let total = *self.counter;
            return Err(self.fail(BagError::TooLarge(total)));
        }
        if n == 0 {
            self.done = true;
            if let Err(e) = self.finish_stream() {
                return Err(self.fail(e));
            }
            return Ok(0);
        }
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

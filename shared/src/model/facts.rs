//! Facts read from captured material: EXIF values as read from a photo, and the parsed,
//! masked content of a social-insurance QR code. Findings are recomputed from these facts,
//! never from the raw bytes again, so a sealed bundle's findings stay reproducible.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Container format of an image, as sniffed from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    Jpeg,
    Heic,
    Png,
    Webp,
    Tiff,
    Unknown,
}

/// A GPS fix as written in EXIF (WGS-84 by convention), signed decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GpsPosition {
    /// Latitude, negative south of the equator.
    pub lat: Decimal,
    /// Longitude, negative west of Greenwich.
    pub lon: Decimal,
    /// Altitude in metres, negative below sea level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_m: Option<Decimal>,
}

/// What a photo's EXIF says, as read. Absent tags are `None`; problems reading a slightly
/// malformed block are listed in `warnings` rather than failing the whole read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExifFacts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ImageFormat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gps: Option<GpsPosition>,
    /// GPSDateStamp + GPSTimeStamp (always UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gps_time: Option<DateTime<Utc>>,
    /// DateTimeOriginal exactly as written, e.g. `2026:11:23 14:05:09`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datetime_original: Option<String>,
    /// SubSecTimeOriginal, digits as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subsec: Option<String>,
    /// OffsetTimeOriginal (or OffsetTime), e.g. `+08:00`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub make: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software: Option<String>,
    /// EXIF orientation 1–8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orientation: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Problems met while reading leniently (e.g. a truncated IFD).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl ExifFacts {
    /// DateTimeOriginal (with SubSec) as a naive local time, if it parses.
    pub fn datetime_original_local(&self) -> Option<NaiveDateTime> {
        let raw = self
            .datetime_original
            .as_deref()?
            .trim()
            .trim_end_matches('\0');
        let base = NaiveDateTime::parse_from_str(raw, "%Y:%m:%d %H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%d %H:%M:%S"))
            .ok()?;
        let nanos = self.subsec.as_deref().and_then(subsec_nanos).unwrap_or(0);
        Some(base + chrono::Duration::nanoseconds(i64::from(nanos)))
    }

    /// OffsetTimeOriginal parsed, if present and well formed.
    pub fn offset_parsed(&self) -> Option<FixedOffset> {
        parse_offset(self.offset.as_deref()?)
    }

    /// The capture instant: DateTimeOriginal with its own offset when written, else
    /// interpreted in `fallback` (the inspection's time zone).
    pub fn captured_at(&self, fallback: Option<chrono_tz::Tz>) -> Option<DateTime<FixedOffset>> {
        let local = self.datetime_original_local()?;
        if let Some(off) = self.offset_parsed() {
            return local.and_local_timezone(off).single();
        }
        let tz = fallback?;
        let dt = local.and_local_timezone(tz).earliest()?;
        Some(dt.fixed_offset())
    }
}

/// SubSec digits ("5", "50", "123") to nanoseconds.
fn subsec_nanos(digits: &str) -> Option<u32> {
    let d: String = digits
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .take(9)
        .collect();
    if d.is_empty() {
        return None;
    }
    let padded = format!("{d:0<9}");
    padded.parse().ok()
}

/// `+08:00`, `-05:30`, `Z` to a fixed offset.
pub fn parse_offset(raw: &str) -> Option<FixedOffset> {
    let s = raw.trim().trim_end_matches('\0');
    if s == "Z" {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = rest
        .split_once(':')
        .unwrap_or((rest.get(..2)?, rest.get(2..).unwrap_or("0")));
    let h: i32 = h.parse().ok()?;
    let m: i32 = if m.is_empty() { 0 } else { m.parse().ok()? };
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// How the payload of a social-insurance QR code was laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SiPayloadFormat {
    /// A verification URL with query parameters.
    Url,
    Json,
    /// Labelled text lines (姓名：… 公民身份号码：…).
    Lines,
    /// Not recognised: kept as masked raw text for a human to review.
    #[default]
    Unknown,
}

/// A keyed hash (HMAC-SHA256) of a full ID number: spots the same person scanned twice
/// without keeping the number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyedHash {
    /// Identifier of the authority's person-hash key.
    pub key_id: String,
    /// Lowercase hex HMAC-SHA256.
    pub hmac_sha256: String,
}

/// The parsed, masked content of a 社会保险参保缴费证明 QR code. Never holds a full ID number.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiRecord {
    #[serde(default)]
    pub format: SiPayloadFormat,
    /// 姓名.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// 公民身份号码, masked: first 3 and last 4 characters kept (320***********1234).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_masked: Option<String>,
    /// Whether the full ID number passed the GB 11643 check digit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_valid: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_hash: Option<KeyedHash>,
    /// 参保地 (e.g. 苏州工业园区).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insured_place: Option<String>,
    /// 参保险种 (养老, 医疗, 失业, 工伤, 生育 …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub insurance_types: Vec<String>,
    /// Months paid (缴费月数), given or derived from the 缴费起止 period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months_paid: Option<u32>,
    /// First month of the paid period, `YYYY-MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_start: Option<String>,
    /// Last month of the paid period, `YYYY-MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_end: Option<String>,
    /// 单位名称: the paying employer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employer_name: Option<String>,
    /// 统一社会信用代码 of the employer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employer_uscc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employer_uscc_valid: Option<bool>,
    /// The verification URL, with any ID number in it masked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_url: Option<String>,
    /// For unknown formats only: the raw text with every ID-number-looking sequence masked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_masked: Option<String>,
    /// What the parser could not make sense of (never containing personal data).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// The character set the QR decoder guessed for the payload's bytes (the code did not
    /// define it: byte mode without ECI, not UTF-8), e.g. `GB18030`: the text may not be
    /// what the issuer wrote. Absent when the code defined it, and for scanner text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charset_guessed: Option<String>,
}

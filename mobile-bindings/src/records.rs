//! What the capture calls return to the app: plain records, built from the core's types.

use hecha_core::capture::photo::PhotoAssessment;
use hecha_core::model::{Finding, SiRecord};

/// A message for the inspector, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Message {
    pub code: String,
    pub zh: String,
    pub en: String,
}

/// A recorded item: its id (unique, generated), the digest the device signed, its JSON.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Captured {
    pub item_id: String,
    pub kind: String,
    pub digest: String,
    pub item_json: String,
}

/// A recorded photo and what its EXIF says about place and time.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PhotoCaptured {
    pub item: Captured,
    /// DateTimeOriginal with its offset (RFC 3339), when readable.
    pub captured_at: Option<String>,
    /// WGS-84 decimal degrees as EXIF gives them.
    pub lat: Option<String>,
    pub lon: Option<String>,
    pub distance_m: Option<f64>,
    pub radius_m: Option<f64>,
    /// Inside the site's geofence; `None` without GPS.
    pub inside_geofence: Option<bool>,
    /// Inside the inspection window; `None` without a capture time.
    pub in_window: Option<bool>,
    /// Why EXIF could not be read at all.
    pub exif_error: Option<String>,
    /// Why the photo may not hold up, with the numbers (code `photo.<kind>`).
    pub flags: Vec<Message>,
    /// The likely cause, where the data shows one (code `photo.cause.<kind>`): map
    /// coordinates written as GPS ones, a lost hemisphere sign, a camera clock.
    pub causes: Vec<Message>,
    /// What to do, one sentence per kind of problem, e.g. retake the photo inside the
    /// operating site (code: the catalogue id, e.g. `photo-do-retake-on-site`).
    pub todo: Vec<Message>,
}

/// A catalogue message with its code, in both languages.
fn coded(code: String, says: &hecha_core::i18n::Message) -> Message {
    let t = says.text();
    Message {
        code,
        zh: t.zh,
        en: t.en,
    }
}

/// The `kind` tag a core enum serializes with (`outside_geofence`, `gcj02_written_as_wgs84`).
fn kind_of(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
        .unwrap_or_default()
}

impl PhotoCaptured {
    pub(crate) fn new(
        item: Captured,
        gps: Option<(String, String)>,
        exif_error: Option<String>,
        a: &PhotoAssessment,
    ) -> Self {
        let (lat, lon) = gps.unzip();
        let mut flags: Vec<Message> = a
            .flags
            .iter()
            .map(|f| coded(format!("photo.{}", kind_of(f)), &f.message()))
            .collect();
        let mut todo: Vec<Message> = a
            .remedies()
            .iter()
            .map(|m| coded(m.id.clone(), m))
            .collect();
        // No EXIF at all: nothing shows where or when the photo was taken.
        if let Some(error) = &exif_error {
            flags.push(coded(
                "photo.no_exif".into(),
                &hecha_core::msg!("photo-exif-error", error = error),
            ));
            let keep = hecha_core::msg!("photo-do-keep-exif");
            todo.push(coded(keep.id.clone(), &keep));
        }
        PhotoCaptured {
            item,
            captured_at: a.captured_at.map(|t| t.to_rfc3339()),
            lat,
            lon,
            distance_m: a.geofence.as_ref().map(|g| g.distance_m),
            radius_m: a.geofence.as_ref().map(|g| g.radius_m),
            inside_geofence: a.geofence.as_ref().map(|g| g.inside),
            in_window: a.in_window,
            exif_error,
            flags,
            causes: a
                .causes
                .iter()
                .map(|c| coded(format!("photo.cause.{}", kind_of(c)), &c.message()))
                .collect(),
            todo,
        }
    }
}

/// What the inspector enters about a person whose certificate is scanned.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SiEntered {
    /// `license_lead`, `customer_service_lead`, `network_security_lead`, `technical_lead`,
    /// `agent`, `other`.
    pub roles: Vec<String>,
    pub specialty: Option<String>,
    pub specialty_related: Option<bool>,
    /// Decimal, e.g. "8".
    pub telecom_experience_years: Option<String>,
    pub rule_ids: Vec<String>,
}

/// A recorded SI scan: the parsed record, masked (never the full ID number).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SiCaptured {
    pub item: Captured,
    /// The payload format recognised (`unknown` when none).
    pub format: String,
    pub name: Option<String>,
    pub id_masked: Option<String>,
    /// Keyed hash of the ID number (to spot the same person twice), hex.
    pub id_hash: Option<String>,
    pub insured_place: Option<String>,
    pub months_paid: Option<u32>,
    pub employer_name: Option<String>,
    /// SHA-256 of the certificate photo (the photo itself is not kept).
    pub certificate_sha256: Option<String>,
    pub problems: Vec<String>,
}

impl SiCaptured {
    pub(crate) fn new(item: Captured, r: &SiRecord, certificate_sha256: Option<String>) -> Self {
        SiCaptured {
            item,
            format: serde_json::to_value(r.format)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            name: r.name.clone(),
            id_masked: r.id_masked.clone(),
            id_hash: r.id_hash.as_ref().map(|h| h.hmac_sha256.clone()),
            insured_place: r.insured_place.clone(),
            months_paid: r.months_paid,
            employer_name: r.employer_name.clone(),
            certificate_sha256,
            problems: r.problems.clone(),
        }
    }
}

/// A dial test at one seat.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DialTestInput {
    pub dialed_number: String,
    pub temporary_trunk: bool,
    pub connected: bool,
    pub caller_id_shown: bool,
    pub recording_played_back: bool,
    /// RFC 3339.
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
    /// The item id of the recording played back (from `add_media`).
    pub recording_item: Option<String>,
    pub rule_ids: Vec<String>,
}

/// One rule's verdict, as the readiness screen shows it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FindingView {
    pub rule_id: String,
    /// `pass`, `fail`, `missing`, `needs_review`, `not_applicable`.
    pub status: String,
    pub severity: String,
    pub title_zh: String,
    pub title_en: String,
    pub message_zh: String,
    pub message_en: String,
    pub evidence_ids: Vec<String>,
}

fn enum_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl From<&Finding> for FindingView {
    fn from(f: &Finding) -> Self {
        FindingView {
            rule_id: f.rule_id.clone(),
            status: enum_name(&f.status),
            severity: enum_name(&f.severity),
            title_zh: f.title.zh.clone(),
            title_en: f.title.en.clone(),
            message_zh: f.message.zh.clone(),
            message_en: f.message.en.clone(),
            evidence_ids: f.evidence_ids.clone(),
        }
    }
}

/// An item in the outbox and where it is.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ItemStatus {
    pub item_id: String,
    pub kind: String,
    pub digest: String,
    /// `pending` or `acked`.
    pub state: String,
    /// The server's answer when acknowledged (digest, assessment, …), JSON.
    pub verdict_json: Option<String>,
}

/// What one sync call did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SyncReport {
    /// Items the server recorded now (201).
    pub created: u32,
    /// Items the server already had, same content (200).
    pub already_there: u32,
    /// Items still pending (0 when the sync completed).
    pub pending: u32,
    pub bytes_sent: u64,
    /// Device clock minus server clock, milliseconds, as measured at this sync.
    pub clock_offset_ms: i64,
}

/// Where a photo or file came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Source {
    /// The app's own camera or recorder, during the visit.
    InApp,
    /// Imported from the gallery or files.
    Gallery,
}

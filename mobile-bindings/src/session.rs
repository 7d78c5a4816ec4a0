//! `InspectionSession`: one inspection on one phone, offline. Each capture call builds the
//! item with the core, signs its digest with the device key and commits it to the outbox
//! before it returns.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, FixedOffset};
use hecha_core::bundle::report::{ReportInput, render_report_citing};
use hecha_core::capture::exif::{read_exif, sniff_format};
use hecha_core::capture::photo::assess_photo;
use hecha_core::capture::pii::PersonHasher;
use hecha_core::capture::si::parse_si_payload;
use hecha_core::i18n::Message;
use hecha_core::model::personal_ids;
use hecha_core::model::wire::{Assignment, SeatTag};
use hecha_core::model::{
    BlobRef, CaptureSource, Checklist, DialTest, Document, EvidenceBody, EvidenceItem, ImageFormat,
    Inspection, Media, MediaKind, Mode, Note, Photo, SiScan, SiSource, SignOff, SignerRole,
    StaffRole,
};
use hecha_core::msg;
use hecha_core::rehearsal::record_from_photo;
use hecha_core::rules::{RuleProfile, evaluate};
use hecha_core::seal::device::sign_item;
use hecha_core::seal::hash::sha256_hex;
use hecha_core::seal::manifest::item_digest;

use crate::error::{MobileError, guard};
use crate::outbox::{ItemState, Outbox};
use crate::records::{
    Captured, DialTestInput, FindingView, ItemStatus, PhotoCaptured, SiCaptured, SiEntered, Source,
    SyncReport,
};
use crate::signer::{CoreSigner, DeviceSigner};
use crate::sync::{SyncProgress, TokenProvider};
use crate::vault::KeyVault;

/// One inspection on this device.
#[derive(uniffi::Object)]
pub struct InspectionSession {
    pub(crate) inspection: Inspection,
    profile: RuleProfile,
    hasher: PersonHasher,
    /// Seat tags of the assignment; `None` for a local rehearsal (no tags issued).
    seat_tags: Option<Vec<SeatTag>>,
    pub(crate) user_id: String,
    pub(crate) device_id: String,
    signer: CoreSigner,
    outbox: Mutex<Outbox>,
    pub(crate) cancelled: AtomicBool,
}

fn invalid_json(what: &str, e: impl std::fmt::Display) -> MobileError {
    MobileError::invalid(
        "input.json",
        &msg!("mobile-not-json", what = what, detail = e.to_string()),
    )
}

/// Input checked against the model before serde reads it: an unknown field (which serde
/// drops from a flattened body) or a date or time not in its format is refused naming it.
fn check_input<T: schemars::JsonSchema>(
    what: &str,
    v: &serde_json::Value,
) -> Result<(), MobileError> {
    hecha_core::model::input::check::<T>(what, v)
        .map_err(|e| MobileError::invalid(e.code(), &e.message()))
}

impl InspectionSession {
    #[allow(clippy::too_many_arguments)]
    fn open(
        inspection: Inspection,
        profile: RuleProfile,
        hasher: PersonHasher,
        seat_tags: Option<Vec<SeatTag>>,
        user_id: String,
        device_id: String,
        signer: Arc<dyn DeviceSigner>,
        outbox: Outbox,
    ) -> Result<Arc<Self>, MobileError> {
        let signer = CoreSigner::new(signer);
        if hecha_core::seal::device::DeviceSigner::kid(&signer) != device_id {
            return Err(MobileError::invalid(
                "device.mismatch",
                &msg!("mobile-device-mismatch"),
            ));
        }
        match outbox.meta("inspection_id")? {
            Some(id) if id != inspection.id => {
                return Err(MobileError::invalid(
                    "outbox.other_inspection",
                    &msg!("mobile-other-inspection", inspection = id),
                ));
            }
            Some(_) => {}
            None => outbox.set_meta("inspection_id", &inspection.id)?,
        }
        Ok(Arc::new(InspectionSession {
            inspection,
            profile,
            hasher,
            seat_tags,
            user_id,
            device_id,
            signer,
            outbox: Mutex::new(outbox),
            cancelled: AtomicBool::new(false),
        }))
    }

    pub(crate) fn outbox(&self) -> MutexGuard<'_, Outbox> {
        // A panic while holding the lock leaves the outbox consistent (SQLite transactions).
        self.outbox.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A unique item id: the device id's first characters and a random UUID, hyphenated so
    /// that no run of digits in it is ever long enough to be taken for an ID number.
    fn new_item_id(&self) -> String {
        let prefix: String = self.device_id.chars().take(8).collect();
        format!("{prefix}-{}", uuid::Uuid::new_v4().hyphenated())
    }

    fn check_seat_tag(&self, tag: &str) -> Result<(), MobileError> {
        let known = match &self.seat_tags {
            Some(tags) => tags.iter().any(|t| t.tag == tag),
            None => !tag.trim().is_empty(),
        };
        if known {
            Ok(())
        } else {
            Err(MobileError::invalid(
                "evidence.seat_tag",
                &msg!("mobile-seat-tag-foreign"),
            ))
        }
    }

    /// Fills the envelope, stores the bytes, signs the digest and commits the item.
    fn record(
        &self,
        rule_ids: Vec<String>,
        source: CaptureSource,
        body: EvidenceBody,
        bytes: Option<(&[u8], String, &str)>,
    ) -> Result<(Captured, EvidenceItem), MobileError> {
        let id = self.new_item_id();
        let mut item = EvidenceItem {
            rule_ids,
            captured_by: Some(self.user_id.clone()),
            device_id: Some(self.device_id.clone()),
            device_time: Some(chrono::Local::now().fixed_offset()),
            source,
            blob: None,
            missing_file: None,
            body,
            id,
        };
        let outbox = self.outbox();
        if let Some((bytes, media_type, ext)) = bytes {
            let sha256 = outbox.put_blob(bytes)?;
            item.blob = Some(BlobRef {
                sha256,
                size: bytes.len() as u64,
                media_type: Some(media_type),
                file_name: Some(format!("{}.{ext}", item.id)),
            });
        }
        // Full ID numbers typed into any text are masked before the item is signed.
        let item = personal_ids::mask_item(&item)
            .map_err(|e| MobileError::invalid("input.personal_id", &personal_id_error(&e)))?
            .value;
        let digest = item_digest(&item).map_err(MobileError::internal)?;
        let jws = sign_item(&item.id, &digest, &self.signer).map_err(MobileError::signer)?;
        outbox.insert(&item, &digest, &jws)?;
        let captured = Captured {
            item_id: item.id.clone(),
            kind: item.body.kind_name().to_owned(),
            digest,
            item_json: serde_json::to_string(&item).map_err(MobileError::internal)?,
        };
        Ok((captured, item))
    }

    fn evidence(&self) -> Result<Vec<EvidenceItem>, MobileError> {
        Ok(self.outbox().items()?.into_iter().map(|i| i.item).collect())
    }

    fn scan(
        &self,
        record: hecha_core::model::SiRecord,
        source_kind: SiSource,
        certificate_sha256: Option<String>,
        entered: SiEntered,
    ) -> Result<SiCaptured, MobileError> {
        let roles = entered
            .roles
            .iter()
            .map(|r| {
                serde_json::from_value::<StaffRole>(serde_json::Value::String(r.clone())).map_err(
                    |_| MobileError::invalid("input.role", &msg!("mobile-unknown-role", role = r)),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let years = entered
            .telecom_experience_years
            .as_deref()
            .map(parse_decimal)
            .transpose()?;
        let body = EvidenceBody::SiScan(SiScan {
            record: record.clone(),
            source_kind,
            roles,
            specialty: entered.specialty,
            specialty_related: entered.specialty_related,
            telecom_experience_years: years,
            certificate_sha256: certificate_sha256.clone(),
            certificate_kept: false,
        });
        let (captured, _) = self.record(entered.rule_ids, CaptureSource::InApp, body, None)?;
        Ok(SiCaptured::new(captured, &record, certificate_sha256))
    }
}

fn media_type_of(bytes: &[u8]) -> (String, &'static str) {
    let (t, ext) = match sniff_format(bytes) {
        ImageFormat::Jpeg => ("image/jpeg", "jpg"),
        ImageFormat::Png => ("image/png", "png"),
        ImageFormat::Heic => ("image/heic", "heic"),
        ImageFormat::Webp => ("image/webp", "webp"),
        ImageFormat::Tiff => ("image/tiff", "tif"),
        ImageFormat::Unknown if bytes.starts_with(b"RIFF") => ("audio/wav", "wav"),
        ImageFormat::Unknown if bytes.starts_with(b"%PDF") => ("application/pdf", "pdf"),
        ImageFormat::Unknown => ("application/octet-stream", "bin"),
    };
    (t.to_owned(), ext)
}

fn parse_time(s: &str) -> Result<DateTime<FixedOffset>, MobileError> {
    DateTime::parse_from_rfc3339(s)
        .map_err(|_| MobileError::invalid("input.time", &msg!("mobile-bad-time", value = s)))
}

/// A decimal entered as text ("8", "168.5"), through the model's own serde.
pub fn parse_decimal<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, MobileError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|_| MobileError::invalid("input.number", &msg!("mobile-bad-number", value = s)))
}

#[uniffi::export]
impl InspectionSession {
    /// Opens the session of an official (or company) inspection from the assignment JSON
    /// fetched earlier (`GET …/assignment`), offline. The assignment is kept in `dir` with
    /// its person-hash key sealed by `vault` (the platform keystore): the app need not keep
    /// it, and [`InspectionSession::reopen`] opens the session again from it. The same call
    /// on the same `dir` reopens it too: every item captured before is there.
    #[uniffi::constructor]
    pub fn open_assignment(
        dir: String,
        assignment_json: String,
        user_id: String,
        device_id: String,
        signer: Arc<dyn DeviceSigner>,
        vault: Arc<dyn KeyVault>,
    ) -> Result<Arc<Self>, MobileError> {
        guard(|| {
            let a: Assignment = serde_json::from_str(&assignment_json)
                .map_err(|e| invalid_json("assignment", e))?;
            let session = Self::from_assignment(a.clone(), &dir, user_id, device_id, signer)?;
            // Kept for `reopen`: the key sealed, the rest as it came.
            let key = hex::decode(&a.person_hash_key.key_hex).map_err(MobileError::internal)?;
            let sealed = vault.seal(key)?;
            let mut kept = a;
            kept.person_hash_key.key_hex = String::new();
            let outbox = session.outbox();
            outbox.set_meta(
                "assignment",
                &serde_json::to_string(&kept).map_err(MobileError::internal)?,
            )?;
            outbox.set_meta("person_hash_key_sealed", &hex::encode(sealed))?;
            drop(outbox);
            Ok(session)
        })
    }

    /// Opens again, offline, the session `open_assignment` opened in `dir`, from the
    /// assignment kept there (its person-hash key opened by `vault`).
    #[uniffi::constructor]
    pub fn reopen(
        dir: String,
        user_id: String,
        device_id: String,
        signer: Arc<dyn DeviceSigner>,
        vault: Arc<dyn KeyVault>,
    ) -> Result<Arc<Self>, MobileError> {
        guard(|| {
            let outbox = Outbox::open(&PathBuf::from(&dir))?;
            let (Some(kept), Some(sealed)) = (
                outbox.meta("assignment")?,
                outbox.meta("person_hash_key_sealed")?,
            ) else {
                return Err(MobileError::invalid(
                    "outbox.no_assignment",
                    &msg!("mobile-no-assignment"),
                ));
            };
            drop(outbox);
            let mut a: Assignment =
                serde_json::from_str(&kept).map_err(|e| invalid_json("assignment", e))?;
            let sealed = hex::decode(sealed).map_err(MobileError::internal)?;
            a.person_hash_key.key_hex = hex::encode(vault.open(sealed)?);
            Self::from_assignment(a, &dir, user_id, device_id, signer)
        })
    }
}

impl InspectionSession {
    fn from_assignment(
        a: Assignment,
        dir: &str,
        user_id: String,
        device_id: String,
        signer: Arc<dyn DeviceSigner>,
    ) -> Result<Arc<Self>, MobileError> {
        {
            let profile = RuleProfile::from_recorded_toml(&a.profile_toml).map_err(|e| {
                MobileError::invalid(
                    "assignment.profile",
                    &msg!("mobile-profile-unreadable", detail = e.to_string()),
                )
            })?;
            let key = hex::decode(&a.person_hash_key.key_hex).map_err(|_| {
                MobileError::invalid(
                    "assignment.person_hash_key",
                    &msg!("mobile-person-hash-key"),
                )
            })?;
            let hasher = PersonHasher::new(a.person_hash_key.key_id.clone(), &key)
                .map_err(MobileError::internal)?;
            let outbox = Outbox::open(&PathBuf::from(dir))?;
            Self::open(
                a.inspection,
                profile,
                hasher,
                Some(a.seat_tags),
                user_id,
                device_id,
                signer,
                outbox,
            )
        }
    }
}

#[uniffi::export]
impl InspectionSession {
    /// Opens a local rehearsal (预检) from the inspection JSON and a built-in profile id. ID
    /// numbers are hashed with a key made on this device (kept in the outbox).
    #[uniffi::constructor]
    pub fn open_rehearsal(
        dir: String,
        inspection_json: String,
        profile_id: String,
        user_id: String,
        device_id: String,
        signer: Arc<dyn DeviceSigner>,
        vault: Arc<dyn KeyVault>,
    ) -> Result<Arc<Self>, MobileError> {
        guard(|| {
            let raw: serde_json::Value = serde_json::from_str(&inspection_json)
                .map_err(|e| invalid_json("inspection", e))?;
            check_input::<Inspection>("inspection", &raw)?;
            let mut inspection: Inspection =
                serde_json::from_value(raw).map_err(|e| invalid_json("inspection", e))?;
            inspection.mode = Mode::Rehearsal;
            let profile = RuleProfile::builtin(&profile_id).map_err(|e| {
                MobileError::invalid(
                    "rehearsal.profile",
                    &msg!("mobile-no-such-profile", detail = e.to_string()),
                )
            })?;
            profile
                .check_scope(&inspection)
                .map_err(|e| MobileError::invalid("rehearsal.profile", &e.message()))?;
            let outbox = Outbox::open(&PathBuf::from(&dir))?;
            // The device's own key, kept sealed by the vault (a key kept in clear by an
            // earlier version is sealed now and the clear copy removed).
            let key = match (
                outbox.meta("local_person_hash_key_sealed")?,
                outbox.meta("local_person_hash_key")?,
            ) {
                (Some(sealed), _) => {
                    vault.open(hex::decode(sealed).map_err(MobileError::internal)?)?
                }
                (None, clear) => {
                    let key = match clear {
                        Some(k) => hex::decode(k).map_err(MobileError::internal)?,
                        None => {
                            let mut key = [0u8; 32];
                            getrandom::fill(&mut key).map_err(MobileError::internal)?;
                            key.to_vec()
                        }
                    };
                    let sealed = vault.seal(key.clone())?;
                    outbox.set_meta("local_person_hash_key_sealed", &hex::encode(sealed))?;
                    outbox.delete_meta("local_person_hash_key")?;
                    key
                }
            };
            let hasher = PersonHasher::new(format!("device-{}", &device_id), &key)
                .map_err(MobileError::internal)?;
            Self::open(
                inspection, profile, hasher, None, user_id, device_id, signer, outbox,
            )
        })
    }

    /// The inspection's id.
    pub fn inspection_id(&self) -> String {
        self.inspection.id.clone()
    }

    /// A photo: its EXIF place and time, the geofence and window verdicts. The original
    /// bytes are kept unchanged.
    pub fn add_photo(
        &self,
        bytes: Vec<u8>,
        rule_ids: Vec<String>,
        source: Source,
    ) -> Result<PhotoCaptured, MobileError> {
        guard(|| {
            let (exif, exif_error) = match read_exif(&bytes) {
                Ok(f) => (Some(f), None),
                // Not an image the core reads: not a photo (the server refuses it too).
                Err(hecha_core::capture::exif::ExifError::UnsupportedFormat) => {
                    return Err(MobileError::invalid(
                        "photo.not_an_image",
                        &msg!("mobile-not-an-image"),
                    ));
                }
                Err(e) => (None, Some(e.to_string())),
            };
            let assessment = exif
                .as_ref()
                .map(|e| assess_photo(e, &self.inspection, &self.profile.photo));
            let gps = exif
                .as_ref()
                .and_then(|e| e.gps.as_ref())
                .map(|g| (g.lat.to_string(), g.lon.to_string()));
            let body = EvidenceBody::Photo(Photo {
                subject: None,
                exif,
                exif_error: exif_error.clone(),
            });
            let source = match source {
                Source::InApp => CaptureSource::InApp,
                Source::Gallery => CaptureSource::Gallery,
            };
            let (media_type, ext) = media_type_of(&bytes);
            let (captured, _) =
                self.record(rule_ids, source, body, Some((&bytes, media_type, ext)))?;
            let assessment = assessment.unwrap_or_default();
            Ok(PhotoCaptured::new(captured, gps, exif_error, &assessment))
        })
    }

    /// A photo of a social-insurance certificate: its QR code decoded and parsed, the ID
    /// masked and hashed with the assignment's key. The photo is not kept, only its SHA-256.
    pub fn scan_qr_image(
        &self,
        bytes: Vec<u8>,
        entered: SiEntered,
    ) -> Result<SiCaptured, MobileError> {
        guard(|| {
            let record = record_from_photo(&bytes, &self.hasher);
            self.scan(record, SiSource::Photo, Some(sha256_hex(&bytes)), entered)
        })
    }

    /// The text the phone's own QR scanner read from a certificate.
    pub fn scan_qr_text(
        &self,
        text: String,
        entered: SiEntered,
    ) -> Result<SiCaptured, MobileError> {
        guard(|| {
            let record = parse_si_payload(&text, Some(&self.hasher));
            self.scan(record, SiSource::ScannerText, None, entered)
        })
    }

    /// A typed checklist, as JSON: `{"checklist": "ups", "present": true, …, "rule_ids": […]}`
    /// (the core's `Checklist` plus `rule_ids`).
    pub fn record_checklist(&self, json: String) -> Result<Captured, MobileError> {
        guard(|| {
            let mut v: serde_json::Value =
                serde_json::from_str(&json).map_err(|e| invalid_json("checklist", e))?;
            let rule_ids = take_rule_ids(&mut v)?;
            check_input::<Checklist>("checklist", &v)?;
            let checklist: Checklist =
                serde_json::from_value(v).map_err(|e| invalid_json("checklist", e))?;
            if let Checklist::SeatEquipment(s) = &checklist {
                self.check_seat_tag(&s.seat_tag)?;
            }
            let body = EvidenceBody::Checklist(checklist);
            Ok(self.record(rule_ids, CaptureSource::Entered, body, None)?.0)
        })
    }

    /// A dial test at the seat whose tag was scanned; refused for a tag not of this
    /// assignment.
    pub fn record_dial_test(
        &self,
        seat_tag: String,
        test: DialTestInput,
    ) -> Result<Captured, MobileError> {
        guard(|| {
            self.check_seat_tag(&seat_tag)?;
            let body = EvidenceBody::DialTest(DialTest {
                seat_tag,
                dialed_number: test.dialed_number,
                temporary_trunk: test.temporary_trunk,
                connected: test.connected,
                caller_id_shown: test.caller_id_shown,
                recording_played_back: test.recording_played_back,
                started_at: test.started_at.as_deref().map(parse_time).transpose()?,
                ended_at: test.ended_at.as_deref().map(parse_time).transpose()?,
                recording_item: test.recording_item,
            });
            Ok(self
                .record(test.rule_ids, CaptureSource::InApp, body, None)?
                .0)
        })
    }

    /// Audio or video (a recording played back at a seat, a screen capture), not decoded.
    /// `kind`: `recording`, `screen_capture`, `video`, `other`.
    pub fn add_media(
        &self,
        bytes: Vec<u8>,
        kind: String,
        seat_tag: Option<String>,
        rule_ids: Vec<String>,
    ) -> Result<Captured, MobileError> {
        guard(|| {
            let media_kind: MediaKind =
                serde_json::from_value(serde_json::Value::String(kind.clone())).map_err(|_| {
                    MobileError::invalid(
                        "input.media_kind",
                        &msg!("mobile-unknown-media-kind", kind = kind),
                    )
                })?;
            if let Some(tag) = &seat_tag {
                self.check_seat_tag(tag)?;
            }
            let body = EvidenceBody::Media(Media {
                media_kind,
                duration_s: None,
                seat_tag,
            });
            let (media_type, ext) = media_type_of(&bytes);
            Ok(self
                .record(
                    rule_ids,
                    CaptureSource::InApp,
                    body,
                    Some((&bytes, media_type, ext)),
                )?
                .0)
        })
    }

    /// A document (`{"doc_kind": "lease", "start": …, "rule_ids": […]}`, the core's
    /// `Document`), with its photo or PDF when there is one.
    pub fn add_document(
        &self,
        json: String,
        bytes: Option<Vec<u8>>,
    ) -> Result<Captured, MobileError> {
        guard(|| {
            let mut v: serde_json::Value =
                serde_json::from_str(&json).map_err(|e| invalid_json("document", e))?;
            let rule_ids = take_rule_ids(&mut v)?;
            check_input::<Document>("document", &v)?;
            let doc: Document =
                serde_json::from_value(v).map_err(|e| invalid_json("document", e))?;
            let file = bytes.as_deref().map(|b| {
                let (t, ext) = media_type_of(b);
                (b, t, ext)
            });
            let source = if file.is_some() {
                CaptureSource::InApp
            } else {
                CaptureSource::Entered
            };
            Ok(self
                .record(rule_ids, source, EvidenceBody::Document(doc), file)?
                .0)
        })
    }

    /// A free-text note by the inspector.
    pub fn add_note(&self, text: String, rule_ids: Vec<String>) -> Result<Captured, MobileError> {
        guard(|| {
            let body = EvidenceBody::Note(Note { text });
            Ok(self.record(rule_ids, CaptureSource::Entered, body, None)?.0)
        })
    }

    /// The signature of the on-site record: `role` is `inspector` or
    /// `company_representative` (who needs `signature_png`, the handwritten signature, and
    /// for an official seal `id_number`, the representative's ID number: it is checked,
    /// masked and hashed with the authority's person-hash key before the item is signed,
    /// and never stored).
    pub fn sign_off(
        &self,
        role: String,
        name: String,
        signature_png: Option<Vec<u8>>,
        id_number: Option<String>,
    ) -> Result<Captured, MobileError> {
        guard(|| {
            let signer_role: SignerRole =
                serde_json::from_value(serde_json::Value::String(role.clone())).map_err(|_| {
                    MobileError::invalid(
                        "input.signer_role",
                        &msg!("mobile-unknown-signer-role", role = role),
                    )
                })?;
            if signer_role.signs_by_hand() && signature_png.is_none() {
                return Err(MobileError::invalid(
                    "evidence.signature_image",
                    &msg!("mobile-signature-image-needed"),
                ));
            }
            let person = id_number
                .map(|n| {
                    self.hasher.person_id(&n).map_err(|e| {
                        // Never the number itself in the message.
                        MobileError::invalid(
                            "input.id_number",
                            &msg!("mobile-id-invalid", reason = id_error(&e)),
                        )
                    })
                })
                .transpose()?;
            let body = EvidenceBody::SignOff(SignOff {
                signer_role,
                name,
                signed_at: chrono::Local::now().fixed_offset(),
                statement: None,
                person,
            });
            let file = signature_png.as_deref().map(|b| {
                let (t, ext) = media_type_of(b);
                (b, t, ext)
            });
            Ok(self.record(vec![], CaptureSource::InApp, body, file)?.0)
        })
    }

    /// The rules engine over everything captured on this device (pending or sent).
    pub fn findings(&self) -> Result<Vec<FindingView>, MobileError> {
        guard(|| {
            let evidence = self.evidence()?;
            Ok(evaluate(&self.profile, &self.inspection, &evidence)
                .iter()
                .map(FindingView::from)
                .collect())
        })
    }

    /// The readiness report (HTML, self-contained, Chinese and English; `lang` = `zh` or
    /// `en` says which the page declares first).
    pub fn readiness_report(&self, lang: String) -> Result<String, MobileError> {
        guard(|| {
            let evidence = self.evidence()?;
            let findings = evaluate(&self.profile, &self.inspection, &evidence);
            let html = render_report_citing(
                &ReportInput {
                    inspection: &self.inspection,
                    evidence: &evidence,
                    findings: &findings,
                    profile_id: &self.profile.id,
                    profile_sha256: &self.profile.sha256(),
                    engine_version: hecha_core::ENGINE_VERSION,
                    manifest_sha256: None,
                    sealed_at: None,
                    thumbnails: &BTreeMap::new(),
                    photo_params: &self.profile.photo,
                },
                Some(&self.profile),
            );
            Ok(if lang == "en" {
                html.replacen("<html lang=zh-CN>", "<html lang=en>", 1)
            } else {
                html
            })
        })
    }

    /// Every item on this device and where it is (capture order).
    pub fn items(&self) -> Result<Vec<ItemStatus>, MobileError> {
        guard(|| {
            Ok(self
                .outbox()
                .items()?
                .into_iter()
                .map(|i| ItemStatus {
                    item_id: i.item.id.clone(),
                    kind: i.item.body.kind_name().to_owned(),
                    digest: i.digest,
                    state: match i.state {
                        ItemState::Pending => "pending".into(),
                        ItemState::Acked => "acked".into(),
                    },
                    verdict_json: i.verdict_json,
                })
                .collect())
        })
    }

    /// Uploads the outbox: bytes over tus (resumable), then each item with its device
    /// signature; an item leaves the outbox only when the server acknowledged it.
    pub fn sync(
        &self,
        server_url: String,
        tokens: Arc<dyn TokenProvider>,
        progress: Arc<dyn SyncProgress>,
    ) -> Result<SyncReport, MobileError> {
        self.cancelled.store(false, Ordering::SeqCst);
        guard(|| crate::sync::run(self, &server_url, tokens, progress))
    }

    /// Stops a running sync between two chunks (from another thread).
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }
}

fn take_rule_ids(v: &mut serde_json::Value) -> Result<Vec<String>, MobileError> {
    match v.as_object_mut().and_then(|o| o.remove("rule_ids")) {
        None => Ok(vec![]),
        Some(r) => serde_json::from_value(r).map_err(|e| invalid_json("rule_ids", e)),
    }
}

/// The Chinese of an ID-number check failure.
fn personal_id_error(e: &personal_ids::PersonalIdError) -> Message {
    use personal_ids::PersonalIdError;
    match e {
        PersonalIdError::InIdentifier { field } => {
            msg!("mobile-personal-id-in-identifier", field = field)
        }
        PersonalIdError::Unmaskable { field } => {
            msg!("mobile-personal-id-unmaskable", field = field)
        }
        PersonalIdError::Json(detail) => msg!("mobile-personal-id-json", detail = detail),
    }
}

fn id_error(e: &hecha_core::capture::ids::IdError) -> Message {
    use hecha_core::capture::ids::IdError;
    match e {
        IdError::Length { .. } => msg!("mobile-id-length"),
        IdError::Characters => msg!("mobile-id-characters"),
        IdError::CheckDigit => msg!("mobile-id-check-digit"),
        IdError::BirthDate => msg!("mobile-id-birth-date"),
        IdError::Region => msg!("mobile-id-region"),
        IdError::Legacy15 => msg!("mobile-id-legacy"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::MobileError;
    use crate::signer::SoftwareSigner;
    use hecha_core::seal::device::verify_item_signature;

    const FULL_ID: &str = "320506198803120425";

    fn example() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/suzhou")
    }

    fn assignment() -> String {
        assignment_with(RuleProfile::builtin("jiangsu-suzhou").unwrap().source())
    }

    fn assignment_with(profile_toml: &str) -> String {
        let text = std::fs::read_to_string(example().join("inspection.toml")).unwrap();
        let t: toml::Table = toml::from_str(&text).unwrap();
        let mut inspection: Inspection =
            serde_json::from_value(serde_json::to_value(&t["inspection"]).unwrap()).unwrap();
        inspection.mode = Mode::Official;
        let a = Assignment {
            inspection,
            status: Some(hecha_core::model::InspectionStatus::InProgress),
            profile_toml: profile_toml.to_owned(),
            seat_tags: vec![SeatTag {
                seat_id: "A-01".into(),
                tag: "hecha-seat:v1:k:i:A-01:sig".into(),
                qr_png: String::new(),
            }],
            person_hash_key: hecha_core::model::wire::PersonHashKey {
                key_id: "k1".into(),
                key_hex: "11".repeat(32),
            },
            received_items: vec![],
            server_time: Some("2026-11-23T08:00:00Z".into()),
        };
        serde_json::to_string(&a).unwrap()
    }

    /// A vault for tests: XOR with a fixed pad and a marker (no protection; the app's is
    /// the platform keystore's).
    #[derive(Debug)]
    pub(crate) struct TestVault;

    impl KeyVault for TestVault {
        fn seal(&self, secret: Vec<u8>) -> Result<Vec<u8>, MobileError> {
            let mut out: Vec<u8> = secret.iter().map(|b| b ^ 0xA5).collect();
            out.extend_from_slice(b"sealed");
            Ok(out)
        }
        fn open(&self, sealed: Vec<u8>) -> Result<Vec<u8>, MobileError> {
            let body = sealed
                .strip_suffix(b"sealed")
                .ok_or_else(|| MobileError::internal("not sealed by this vault"))?;
            Ok(body.iter().map(|b| b ^ 0xA5).collect())
        }
    }

    fn vault() -> Arc<dyn KeyVault> {
        Arc::new(TestVault)
    }

    fn open(dir: &std::path::Path, signer: &Arc<SoftwareSigner>) -> Arc<InspectionSession> {
        let kid = DeviceSigner::kid(signer.as_ref());
        InspectionSession::open_assignment(
            dir.to_string_lossy().into_owned(),
            assignment(),
            "user-1".into(),
            kid,
            signer.clone().as_device_signer(),
            vault(),
        )
        .unwrap()
    }

    /// An operator's profile: `site.real_address` off, `[photo]` listing only `editors`.
    fn real_address_off_listing(editors: &str) -> String {
        let src = RuleProfile::builtin("jiangsu-suzhou")
            .unwrap()
            .source()
            .replace(
                "id = \"site.real_address\"\n",
                "id = \"site.real_address\"\napplies = false\n",
            );
        let start = src.find("editing_software = [").unwrap();
        let end = start + src[start..].find('\n').unwrap();
        format!(
            "{}editing_software = [{editors}]{}",
            &src[..start],
            &src[end..]
        )
    }

    #[test]
    fn a_photo_taken_elsewhere_or_without_exif_tells_the_inspector_what_to_do_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let s = open(dir.path(), &SoftwareSigner::generate().unwrap());
        // examples/suzhou-gaps: the rack photo was taken 2.4 km from the site.
        let far = std::fs::read(example().join("../suzhou-gaps/photos/rack.jpg")).unwrap();
        let p = s.add_photo(far, vec![], Source::InApp).unwrap();
        assert_eq!(p.inside_geofence, Some(false), "{p:?}");
        let retake = p
            .todo
            .iter()
            .find(|t| t.code == "photo-do-retake-on-site")
            .unwrap_or_else(|| panic!("no retake in {:?}", p.todo));
        assert!(retake.zh.contains("经营地址范围内重拍"), "{retake:?}");
        assert!(
            retake.en.contains("inside the operating site"),
            "{retake:?}"
        );
        // A photo on site, in the window: nothing to do.
        let near = std::fs::read(example().join("photos/office-1.jpg")).unwrap();
        let ok = s.add_photo(near, vec![], Source::InApp).unwrap();
        assert!(ok.todo.is_empty() && ok.causes.is_empty(), "{ok:?}");
        // A JPEG stripped of its EXIF (a chat app's copy): flagged, and the way out is the
        // app's camera.
        let stripped =
            b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xFF\xD9";
        let bare = s
            .add_photo(stripped.to_vec(), vec![], Source::InApp)
            .unwrap();
        assert!(
            bare.flags.iter().any(|f| f.code == "photo.no_exif"),
            "{bare:?}"
        );
        assert!(
            bare.todo
                .iter()
                .any(|t| t.code == "photo-do-keep-exif" && t.zh.contains("本应用的相机重拍")),
            "{bare:?}"
        );
    }

    #[test]
    fn with_the_rule_off_the_phone_flags_the_editors_the_profile_lists_and_only_those() {
        // A photo whose Software tag is "Adobe Photoshop 25.0 (Windows)".
        let edited =
            std::fs::read(example().join("../suzhou-gaps/photos/extinguisher.jpg")).unwrap();
        let signer = SoftwareSigner::generate().unwrap();
        let flagged = |editors: &str| {
            let dir = tempfile::tempdir().unwrap();
            let s = InspectionSession::open_assignment(
                dir.path().to_string_lossy().into_owned(),
                assignment_with(&real_address_off_listing(editors)),
                "user-1".into(),
                DeviceSigner::kid(&*signer),
                signer.clone().as_device_signer(),
                vault(),
            )
            .unwrap();
            let p = s.add_photo(edited.clone(), vec![], Source::InApp).unwrap();
            p.flags.iter().any(|f| f.code == "photo.editing_software")
        };
        assert!(flagged("\"adobe\""));
        assert!(
            !flagged("\"polarr\""),
            "photoshop is not in this profile's list"
        );
    }

    fn entered() -> SiEntered {
        SiEntered {
            roles: vec!["license_lead".into()],
            specialty: None,
            specialty_related: None,
            telecom_experience_years: Some("8".into()),
            rule_ids: vec!["staff.si_count".into()],
        }
    }

    #[test]
    fn captures_are_signed_masked_checked_and_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let signer = SoftwareSigner::generate().unwrap();
        let s = open(dir.path(), &signer);

        let photo = std::fs::read(example().join("photos/office-1.jpg")).unwrap();
        let p = s
            .add_photo(photo, vec!["site.real_address".into()], Source::InApp)
            .unwrap();
        assert!(
            p.inside_geofence.is_some() && p.captured_at.is_some(),
            "{p:?}"
        );
        assert!(p.item.item_id.starts_with(&s.device_id[..8]));

        let text =
            format!("姓名：周明\n公民身份号码：{FULL_ID}\n参保地：苏州工业园区\n缴费月数：20");
        let si = s.scan_qr_text(text, entered()).unwrap();
        assert!(si.id_masked.as_deref().unwrap().contains('*'));
        assert!(si.id_hash.is_some());
        assert!(!si.item.item_json.contains(FULL_ID), "no full ID stored");

        let bad = s.record_dial_test("hecha-seat:v1:k:other:A-01:sig".into(), dial());
        assert!(
            matches!(&bad, Err(e) if e.code() == "evidence.seat_tag"),
            "{bad:?}"
        );
        let d = s
            .record_dial_test("hecha-seat:v1:k:i:A-01:sig".into(), dial())
            .unwrap();

        // Each item's digest is signed by the device key.
        let rows = s.outbox().items().unwrap();
        assert_eq!(rows.len(), 3);
        let jwk: hecha_core::seal::key::PublicJwk =
            serde_json::from_str(&signer.public_jwk_json().unwrap()).unwrap();
        for r in &rows {
            assert_eq!(item_digest(&r.item).unwrap(), r.digest);
            verify_item_signature(&r.jws, &r.item.id, &r.digest, &jwk).unwrap();
        }
        assert!(!s.findings().unwrap().is_empty());
        assert!(
            s.readiness_report("en".into())
                .unwrap()
                .contains("<html lang=en>")
        );
        drop(s);

        // Reopened: the same items, still pending.
        let again = open(dir.path(), &signer);
        let ids: Vec<String> = again
            .items()
            .unwrap()
            .into_iter()
            .map(|i| i.item_id)
            .collect();
        assert_eq!(ids, vec![p.item.item_id, si.item.item_id, d.item_id]);
    }

    #[test]
    fn a_signer_that_is_not_the_device_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let signer = SoftwareSigner::generate().unwrap();
        let r = InspectionSession::open_assignment(
            dir.path().to_string_lossy().into_owned(),
            assignment(),
            "user-1".into(),
            "another-device".into(),
            signer.as_device_signer(),
            vault(),
        );
        assert!(matches!(r, Err(MobileError::Invalid { code, .. }) if code == "device.mismatch"));
    }

    #[test]
    fn an_unknown_field_or_a_bad_date_in_a_checklist_is_refused_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let signer = Arc::new(SoftwareSigner::generate().unwrap());
        let s = open(dir.path(), &signer);
        let err = s
            .record_checklist(
                r#"{"checklist": "fire_extinguisher", "present": true, "inspection_valid_untill": "2027-08-31"}"#.into(),
            )
            .unwrap_err();
        let MobileError::Invalid { code, zh, en } = err else {
            panic!("{err:?}")
        };
        assert_eq!(code, "input.unknown_field");
        assert!(
            zh.contains("未知字段") && zh.contains("inspection_valid_until"),
            "{zh}"
        );
        assert!(
            en.contains(r#"did you mean "inspection_valid_until"?"#),
            "{en}"
        );
        let err = s
            .record_checklist(
                r#"{"checklist": "fire_extinguisher", "present": true, "inspection_valid_until": "2027/08/31"}"#.into(),
            )
            .unwrap_err();
        assert_eq!(err.code(), "input.date", "{err}");
        assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
        // Nothing was recorded.
        assert!(s.items().unwrap().is_empty());
    }

    #[test]
    fn a_full_id_is_masked_in_notes_and_never_echoed_in_errors() {
        let dir = tempfile::tempdir().unwrap();
        let signer = Arc::new(SoftwareSigner::generate().unwrap());
        let s = open(dir.path(), &signer);
        let full = "11010519491231002X";
        let note = s.add_note(format!("代表 {full}"), vec![]).unwrap();
        assert!(!note.item_json.contains(full), "{}", note.item_json);
        assert!(note.item_json.contains("110***********002X"));
        // A parser's message echoes the unknown value: masked.
        let err = s
            .record_checklist(format!(r#"{{"checklist": "{full}"}}"#))
            .unwrap_err();
        let MobileError::Invalid { zh, en, .. } = err else {
            panic!("{err:?}")
        };
        assert!(!zh.contains(full) && !en.contains(full), "{en}");
        assert!(en.contains("110***********002X"), "{en}");
    }

    #[test]
    fn the_person_hash_key_is_kept_only_sealed_and_reopen_needs_the_vault() {
        let dir = tempfile::tempdir().unwrap();
        let signer = SoftwareSigner::generate().unwrap();
        let s = open(dir.path(), &signer);
        let kid = DeviceSigner::kid(&*signer);
        let first = s.add_note("一".into(), vec![]).unwrap();
        drop(s);
        let a: serde_json::Value = serde_json::from_str(&assignment()).unwrap();
        let key_hex = a["person_hash_key"]["key_hex"].as_str().unwrap().to_owned();
        let key = hex::decode(&key_hex).unwrap();
        for f in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(f.unwrap().path()).unwrap_or_default();
            assert!(
                !bytes
                    .windows(key_hex.len())
                    .any(|w| w == key_hex.as_bytes())
                    && !bytes.windows(key.len()).any(|w| w == key),
                "the key in clear at rest"
            );
        }
        // Reopened from what the outbox keeps, with the vault: the same session.
        let again = InspectionSession::reopen(
            dir.path().to_string_lossy().into_owned(),
            "user-1".into(),
            kid.clone(),
            signer.clone().as_device_signer(),
            vault(),
        )
        .unwrap();
        assert!(
            again
                .items()
                .unwrap()
                .iter()
                .any(|i| i.item_id == first.item_id)
        );
        // Another vault cannot open the key.
        #[derive(Debug)]
        struct Other;
        impl KeyVault for Other {
            fn seal(&self, s: Vec<u8>) -> Result<Vec<u8>, MobileError> {
                Ok(s)
            }
            fn open(&self, _: Vec<u8>) -> Result<Vec<u8>, MobileError> {
                Err(MobileError::internal("not this vault's"))
            }
        }
        let r = InspectionSession::reopen(
            dir.path().to_string_lossy().into_owned(),
            "user-1".into(),
            kid,
            signer.as_device_signer(),
            Arc::new(Other),
        );
        assert!(r.is_err());
        // A directory that never held an assignment.
        let empty = tempfile::tempdir().unwrap();
        let signer = SoftwareSigner::generate().unwrap();
        let r = InspectionSession::reopen(
            empty.path().to_string_lossy().into_owned(),
            "user-1".into(),
            DeviceSigner::kid(&*signer),
            signer.as_device_signer(),
            vault(),
        );
        assert!(
            matches!(r, Err(MobileError::Invalid { code, .. }) if code == "outbox.no_assignment")
        );
    }

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let r: Result<(), MobileError> = crate::error::guard(|| panic!("boom"));
        assert!(matches!(r, Err(MobileError::Internal { en, .. }) if en.contains("boom")));
    }

    fn dial() -> DialTestInput {
        DialTestInput {
            dialed_number: "96110001".into(),
            temporary_trunk: false,
            connected: true,
            caller_id_shown: true,
            recording_played_back: true,
            started_at: Some("2026-11-23T10:33:00+08:00".into()),
            ended_at: None,
            recording_item: None,
            rule_ids: vec!["seats.dial_test".into()],
        }
    }
}

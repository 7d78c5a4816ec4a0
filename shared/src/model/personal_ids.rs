//! Every free-text field of the model, listed once, so a full ID number typed into any of
//! them is masked (requirements.md, "Personal data"). The phone and the rehearsal loader
//! mask before an item is signed; the server masks unsigned items at intake and refuses a
//! signed item for which masking would change something (its signature covers the text).
//!
//! Hash fields (`sha256`, `certificate_sha256`, `hmac_sha256`) are not free text and are
//! left alone: they are lowercase hex checked elsewhere.

use super::{
    BlobRef, Checklist, Document, DocumentFacts, EvidenceBody, EvidenceItem, ExifFacts, Inspection,
    SiRecord,
};
use crate::capture::pii::{contains_full_id, mask_id_like};

/// Calls `f` with the JSON name and the value of every free-text field.
pub(crate) type Visit<'a> = &'a mut dyn FnMut(&'static str, &mut String);

fn opt(name: &'static str, v: &mut Option<String>, f: Visit<'_>) {
    if let Some(s) = v {
        f(name, s);
    }
}

fn all(name: &'static str, v: &mut [String], f: Visit<'_>) {
    for s in v {
        f(name, s);
    }
}

/// Masks every field `visit` lists; the names of the fields that held a full ID number,
/// each once, in the order listed.
fn mask_with(visit: impl FnOnce(Visit<'_>)) -> Vec<&'static str> {
    let mut changed = Vec::new();
    visit(&mut |name: &'static str, s: &mut String| {
        if contains_full_id(s) {
            *s = mask_id_like(s);
            if !changed.contains(&name) {
                changed.push(name);
            }
        }
    });
    changed
}

impl EvidenceItem {
    /// Every free-text field of the item, once, by its JSON name (`body.text`, …).
    pub(crate) fn visit_text(&mut self, f: Visit<'_>) {
        f("id", &mut self.id);
        all("rule_ids", &mut self.rule_ids, f);
        opt("captured_by", &mut self.captured_by, f);
        opt("device_id", &mut self.device_id, f);
        if let Some(b) = &mut self.blob {
            b.visit_text(f);
        }
        self.body.visit_text(f);
    }

    /// Masks every full ID number in the item's free text ([`mask_id_like`]); returns the
    /// names of the fields that held one (empty: nothing changed).
    pub fn mask_personal_ids(&mut self) -> Vec<&'static str> {
        mask_with(|f| self.visit_text(f))
    }

    /// The names of the fields holding a full ID number, the item left as it is.
    pub fn personal_id_fields(&self) -> Vec<&'static str> {
        self.clone().mask_personal_ids()
    }
}

impl BlobRef {
    fn visit_text(&mut self, f: Visit<'_>) {
        opt("blob.media_type", &mut self.media_type, f);
        opt("blob.file_name", &mut self.file_name, f);
    }
}

impl EvidenceBody {
    fn visit_text(&mut self, f: Visit<'_>) {
        match self {
            EvidenceBody::Photo(p) => {
                opt("subject", &mut p.subject, f);
                opt("exif_error", &mut p.exif_error, f);
                if let Some(e) = &mut p.exif {
                    e.visit_text(f);
                }
            }
            EvidenceBody::SiScan(s) => {
                s.record.visit_text(f);
                opt("specialty", &mut s.specialty, f);
            }
            EvidenceBody::Checklist(c) => c.visit_text(f),
            EvidenceBody::DialTest(d) => {
                f("seat_tag", &mut d.seat_tag);
                f("dialed_number", &mut d.dialed_number);
                opt("recording_item", &mut d.recording_item, f);
            }
            EvidenceBody::Document(d) => d.visit_text(f),
            EvidenceBody::Media(m) => opt("seat_tag", &mut m.seat_tag, f),
            EvidenceBody::Note(n) => f("text", &mut n.text),
            EvidenceBody::SignOff(s) => {
                f("name", &mut s.name);
                opt("statement", &mut s.statement, f);
                if let Some(p) = &mut s.person {
                    f("person.id_masked", &mut p.id_masked);
                    f("person.id_hash.key_id", &mut p.id_hash.key_id);
                }
            }
        }
    }
}

impl ExifFacts {
    /// Every free-text tag as read (a camera owner's name can be typed into `make`), once.
    pub(crate) fn visit_text(&mut self, f: Visit<'_>) {
        opt("exif.datetime_original", &mut self.datetime_original, f);
        opt("exif.subsec", &mut self.subsec, f);
        opt("exif.offset", &mut self.offset, f);
        opt("exif.make", &mut self.make, f);
        opt("exif.model", &mut self.model, f);
        opt("exif.software", &mut self.software, f);
        all("exif.warnings", &mut self.warnings, f);
    }

    /// Masks every full ID number in the tags; the server masks what it reads the same way
    /// as the phone, so a signed photo's facts still match.
    pub fn mask_personal_ids(&mut self) -> Vec<&'static str> {
        mask_with(|f| self.visit_text(f))
    }
}

impl SiRecord {
    fn visit_text(&mut self, f: Visit<'_>) {
        opt("record.name", &mut self.name, f);
        opt("record.id_masked", &mut self.id_masked, f);
        if let Some(h) = &mut self.id_hash {
            f("record.id_hash.key_id", &mut h.key_id);
        }
        opt("record.insured_place", &mut self.insured_place, f);
        all("record.insurance_types", &mut self.insurance_types, f);
        opt("record.period_start", &mut self.period_start, f);
        opt("record.period_end", &mut self.period_end, f);
        opt("record.employer_name", &mut self.employer_name, f);
        opt("record.employer_uscc", &mut self.employer_uscc, f);
        opt("record.verify_url", &mut self.verify_url, f);
        opt("record.raw_masked", &mut self.raw_masked, f);
        all("record.problems", &mut self.problems, f);
    }
}

impl Checklist {
    fn visit_text(&mut self, f: Visit<'_>) {
        match self {
            Checklist::Office(c) => opt("note", &mut c.note, f),
            Checklist::Ups(c) => opt("model", &mut c.model, f),
            Checklist::FireExtinguisher(c) => opt("extinguisher_type", &mut c.extinguisher_type, f),
            Checklist::AccessLog(c) => opt("log_kind", &mut c.log_kind, f),
            Checklist::RoomOrRack(c) => {
                opt("carrier", &mut c.carrier, f);
                opt("hosting_agreement_item", &mut c.hosting_agreement_item, f);
                opt("idc_license_item", &mut c.idc_license_item, f);
            }
            Checklist::SeatEquipment(c) => f("seat_tag", &mut c.seat_tag),
            Checklist::SystemDemo(c) => opt("note", &mut c.note, f),
            Checklist::RecordingRetention(_) => {}
            Checklist::OutboundConduct(c) => f("calling_number", &mut c.calling_number),
        }
    }
}

impl Document {
    fn visit_text(&mut self, f: Visit<'_>) {
        opt("title", &mut self.title, f);
        match &mut self.facts {
            DocumentFacts::HostingAgreement { carrier, .. } => opt("carrier", carrier, f),
            DocumentFacts::BusinessLicense { business_scope } => {
                opt("business_scope", business_scope, f)
            }
            DocumentFacts::Lease { .. }
            | DocumentFacts::PropertyCertificate
            | DocumentFacts::IdcLicense
            | DocumentFacts::NoViolationDeclaration { .. }
            | DocumentFacts::TrunkAgreement
            | DocumentFacts::Other => {}
        }
    }
}

impl Inspection {
    /// Every free-text field of the inspection, once, by its JSON name.
    pub(crate) fn visit_text(&mut self, f: Visit<'_>) {
        f("id", &mut self.id);
        let c = &mut self.company;
        f("company.name", &mut c.name);
        f("company.uscc", &mut c.uscc);
        f("company.registered_address", &mut c.registered_address);
        opt("company.registered_province", &mut c.registered_province, f);
        f("company.business_scope", &mut c.business_scope);
        if let super::IcpFiling::Filed { number } = &mut c.icp_filing {
            f("company.icp_filing.number", number);
        }
        f("profile", &mut self.profile);
        f("site.address", &mut self.site.address);
        opt("site.province", &mut self.site.province, f);
        opt("site.city", &mut self.site.city, f);
        f("time_zone", &mut self.time_zone);
        if let Some(l) = &mut self.license {
            opt("license.number", &mut l.number, f);
        }
        opt("supplement_of", &mut self.supplement_of, f);
    }

    /// Masks every full ID number in the inspection's free text; returns the names of the
    /// fields that held one.
    pub fn mask_personal_ids(&mut self) -> Vec<&'static str> {
        mask_with(|f| self.visit_text(f))
    }
}

#[cfg(test)]
mod tests {
    use crate::model::*;
    use chrono::{DateTime, NaiveDate};
    use rust_decimal::Decimal;
    use serde_json::Value;

    /// A full ID number with its valid check character, its old 15-digit form, and what
    /// must never be left of either.
    const ID18: &str = "11010519491231002X";
    const ID15: &str = "110105491231002";
    const FORBIDDEN: [&str; 3] = ["11010519491231002", ID15, "110105 19491231 002"];
    /// Fields that are not free text (hex digests checked elsewhere).
    const NOT_TEXT: [&str; 3] = ["sha256", "certificate_sha256", "hmac_sha256"];

    fn t() -> DateTime<chrono::FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-23T10:00:00+08:00").unwrap()
    }
    fn d() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
    }
    fn s() -> Option<String> {
        Some("x".into())
    }

    /// One item of every kind (and checklist and document kind), every optional field
    /// filled. Struct literals without `..Default::default()`: a new field does not compile
    /// until it is filled here, and then the scan below checks it is masked.
    fn samples() -> Vec<EvidenceItem> {
        let exif = ExifFacts {
            format: Some(ImageFormat::Jpeg),
            gps: None,
            gps_time: None,
            datetime_original: s(),
            subsec: s(),
            offset: s(),
            make: s(),
            model: s(),
            software: s(),
            orientation: Some(1),
            width: Some(1),
            height: Some(1),
            warnings: vec!["x".into()],
        };
        let record = SiRecord {
            format: SiPayloadFormat::Unknown,
            name: s(),
            id_masked: s(),
            id_valid: Some(true),
            id_hash: Some(KeyedHash {
                key_id: "x".into(),
                hmac_sha256: "x".into(),
            }),
            insured_place: s(),
            insurance_types: vec!["x".into()],
            months_paid: Some(1),
            period_start: s(),
            period_end: s(),
            employer_name: s(),
            employer_uscc: s(),
            employer_uscc_valid: Some(true),
            verify_url: s(),
            raw_masked: s(),
            problems: vec!["x".into()],
        };
        let one = Decimal::ONE;
        let checklists = vec![
            Checklist::Office(OfficeCheck {
                area_m2: one,
                note: s(),
            }),
            Checklist::Ups(UpsCheck {
                present: true,
                model: s(),
                capacity_kva: Some(one),
                status_normal: true,
                runtime_minutes: Some(one),
            }),
            Checklist::FireExtinguisher(FireExtinguisherCheck {
                present: true,
                extinguisher_type: s(),
                pressure_in_range: true,
                inspection_valid_until: Some(d()),
            }),
            Checklist::AccessLog(AccessLogCheck {
                present: true,
                log_kind: s(),
                latest_entry_on: Some(d()),
            }),
            Checklist::RoomOrRack(RoomOrRackCheck {
                room_kind: RoomKind::CarrierHosted,
                carrier: s(),
                hosting_agreement_item: s(),
                idc_license_item: s(),
            }),
            Checklist::SeatEquipment(SeatEquipmentCheck {
                seat_tag: "x".into(),
                phone_or_softphone: true,
                computer: true,
                headset: true,
            }),
            Checklist::SystemDemo(SystemDemoCheck {
                function: SystemFunction::Inbound,
                demonstrated: true,
                note: s(),
            }),
            Checklist::RecordingRetention(RecordingRetentionCheck {
                oldest_playable_recording_on: d(),
            }),
            Checklist::OutboundConduct(OutboundConductCheck {
                calling_number: "x".into(),
                max_calls_per_day: 1,
                min_interval_s: one,
                complaint_rate_percent: one,
                health_score: Some(one),
                consent_proof_kept: true,
            }),
        ];
        let facts = vec![
            DocumentFacts::Lease {
                start: d(),
                end: d(),
                registered_with_housing_bureau: Some(true),
            },
            DocumentFacts::PropertyCertificate,
            DocumentFacts::HostingAgreement {
                carrier: s(),
                end: Some(d()),
            },
            DocumentFacts::IdcLicense,
            DocumentFacts::BusinessLicense {
                business_scope: s(),
            },
            DocumentFacts::NoViolationDeclaration {
                signed_on: Some(d()),
            },
            DocumentFacts::TrunkAgreement,
            DocumentFacts::Other,
        ];
        let mut bodies = vec![
            EvidenceBody::Photo(Photo {
                subject: s(),
                exif: Some(exif),
                exif_error: s(),
            }),
            EvidenceBody::SiScan(SiScan {
                record,
                source_kind: SiSource::ScannerText,
                roles: vec![StaffRole::Agent],
                specialty: s(),
                specialty_related: Some(true),
                telecom_experience_years: Some(one),
                certificate_sha256: s(),
                certificate_kept: true,
            }),
            EvidenceBody::DialTest(DialTest {
                seat_tag: "x".into(),
                dialed_number: "x".into(),
                temporary_trunk: true,
                connected: true,
                caller_id_shown: true,
                recording_played_back: true,
                started_at: Some(t()),
                ended_at: Some(t()),
                recording_item: s(),
            }),
            EvidenceBody::Media(Media {
                media_kind: MediaKind::Recording,
                duration_s: Some(one),
                seat_tag: s(),
            }),
            EvidenceBody::Note(Note { text: "x".into() }),
            EvidenceBody::SignOff(SignOff {
                signer_role: SignerRole::Inspector,
                name: "x".into(),
                signed_at: t(),
                statement: s(),
                person: Some(PersonId {
                    id_masked: "x".into(),
                    id_hash: KeyedHash {
                        key_id: "x".into(),
                        hmac_sha256: "ab".repeat(32),
                    },
                }),
            }),
        ];
        bodies.extend(checklists.into_iter().map(EvidenceBody::Checklist));
        bodies.extend(
            facts
                .into_iter()
                .map(|facts| EvidenceBody::Document(Document { title: s(), facts })),
        );
        bodies
            .into_iter()
            .map(|body| EvidenceItem {
                id: "x".into(),
                rule_ids: vec!["x".into()],
                captured_by: s(),
                device_id: s(),
                device_time: Some(t()),
                source: CaptureSource::InApp,
                blob: Some(BlobRef {
                    sha256: "x".into(),
                    size: 1,
                    media_type: s(),
                    file_name: s(),
                }),
                body,
            })
            .collect()
    }

    fn inspection() -> Inspection {
        Inspection {
            id: "x".into(),
            company: Company {
                name: "x".into(),
                uscc: "x".into(),
                registered_address: "x".into(),
                registered_province: s(),
                registered_capital_cny: Decimal::ONE,
                capital_subscribed: true,
                foreign_share_percent: Decimal::ONE,
                chinese_controlled: Some(true),
                business_scope: "x".into(),
                icp_filing: IcpFiling::Filed { number: "x".into() },
            },
            scope: Scope::Provincial,
            application: Application {
                kind: ApplicationKind::New,
                filed_on: Some(d()),
                accepted_on: Some(d()),
                decided_on: Some(d()),
            },
            profile: "x".into(),
            mode: Mode::Official,
            site: Site {
                address: "x".into(),
                province: s(),
                city: s(),
                geofence: Geofence {
                    center: GeoPoint {
                        lat: Decimal::ONE,
                        lon: Decimal::ONE,
                    },
                    datum: Datum::Wgs84,
                    radius_m: Decimal::ONE,
                },
            },
            window: InspectionWindow {
                start: t(),
                end: t(),
            },
            time_zone: "x".into(),
            license: Some(LicenseFacts {
                number: s(),
                issued_on: d(),
                expires_on: d(),
                annual_reports_filed_on: vec![d()],
            }),
            supplement_of: s(),
        }
    }

    /// JSON pointers of every string leaf.
    fn string_leaves(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::String(_) => out.push(at),
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    string_leaves(x, format!("{at}/{i}"), out);
                }
            }
            Value::Object(o) => {
                for (k, x) in o {
                    string_leaves(x, format!("{at}/{k}"), out);
                }
            }
            _ => {}
        }
    }

    /// Puts each ID form into each string leaf of `sample` in turn; whatever the model
    /// accepts there (free text, not an enum, date or decimal) must come out masked.
    fn every_string_is_masked<T>(sample: &T, mask: impl Fn(&mut T) -> Vec<&'static str>)
    where
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        let json = serde_json::to_value(sample).unwrap();
        let mut leaves = Vec::new();
        string_leaves(&json, String::new(), &mut leaves);
        for pointer in leaves {
            if NOT_TEXT.iter().any(|n| pointer.ends_with(&format!("/{n}"))) {
                continue;
            }
            for id in [ID18, ID15, "110105 19491231 002X"] {
                let mut j = json.clone();
                *j.pointer_mut(&pointer).unwrap() = Value::String(format!("见{id}号"));
                let Ok(mut value) = serde_json::from_value::<T>(j) else {
                    continue;
                };
                let changed = mask(&mut value);
                let out = serde_json::to_string(&value).unwrap();
                for f in FORBIDDEN {
                    assert!(
                        !out.contains(f),
                        "{pointer} keeps {f}: not covered by visit_text"
                    );
                }
                assert!(!changed.is_empty(), "{pointer}: masked but not named");
            }
        }
    }

    #[test]
    fn every_free_text_field_of_every_item_kind_is_masked() {
        for item in samples() {
            every_string_is_masked(&item, EvidenceItem::mask_personal_ids);
        }
    }

    #[test]
    fn every_free_text_field_of_an_inspection_is_masked() {
        every_string_is_masked(&inspection(), Inspection::mask_personal_ids);
    }

    #[test]
    fn masking_names_the_fields_and_keeps_the_rest() {
        let mut item = samples().remove(4); // the note
        if let EvidenceBody::Note(n) = &mut item.body {
            n.text = format!("身份证 {ID18}，电话 13800138000");
        }
        item.blob.as_mut().unwrap().file_name = Some(format!("{ID15}.jpg"));
        assert_eq!(item.personal_id_fields(), ["blob.file_name", "text"]);
        assert_eq!(item.mask_personal_ids(), ["blob.file_name", "text"]);
        let EvidenceBody::Note(n) = &item.body else {
            unreachable!()
        };
        assert_eq!(n.text, "身份证 110***********002X，电话 13800138000");
        assert!(item.personal_id_fields().is_empty());
    }
}

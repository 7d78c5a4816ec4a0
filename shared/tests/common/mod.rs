//! Small builders for inspections and evidence, so tests read like their scenario.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(dead_code)]

use chrono::{DateTime, FixedOffset, NaiveDate};
use hecha_core::model::*;
use rust_decimal::Decimal;

pub fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

pub fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub const USCC: &str = "91320594MA1XY2E40D";
pub const COMPANY: &str = "苏州核查示例科技有限公司";
/// The landlord named on the property certificate that goes with the lease.
pub const LANDLORD: &str = "苏州星湖置业有限公司";
/// The operating site, WGS-84 (苏州工业园区).
pub const SITE_LAT: &str = "31.3178";
pub const SITE_LON: &str = "120.7265";

/// A new-license, provincial, Suzhou rehearsal on 2026-11-23 09:00–17:00 +08:00.
pub fn inspection() -> Inspection {
    Inspection {
        id: "insp-test".into(),
        company: Company {
            name: COMPANY.into(),
            uscc: USCC.into(),
            registered_address: "江苏省苏州市苏州工业园区星湖街 328 号".into(),
            registered_province: Some("江苏".into()),
            registered_capital_cny: dec("10000000"),
            capital_subscribed: true,
            foreign_share_percent: dec("0"),
            chinese_controlled: Some(true),
            business_scope: "第二类增值电信业务中的呼叫中心业务".into(),
            icp_filing: IcpFiling::Filed {
                number: "苏ICP备2026000001号".into(),
                access_provider: Some("中国电信股份有限公司苏州分公司".into()),
                access_provider_province: Some("江苏".into()),
            },
        },
        scope: Scope::Provincial,
        application: Application {
            kind: ApplicationKind::New,
            filed_on: Some(day("2026-11-02")),
            accepted_on: Some(day("2026-11-13")),
            decided_on: None,
        },
        profile: "jiangsu-suzhou".into(),
        mode: Mode::Rehearsal,
        site: Site {
            address: "江苏省苏州市苏州工业园区星湖街 328 号".into(),
            province: Some("江苏".into()),
            city: Some("苏州".into()),
            geofence: Geofence {
                center: GeoPoint {
                    lat: dec(SITE_LAT),
                    lon: dec(SITE_LON),
                },
                datum: Datum::Wgs84,
                radius_m: dec("200"),
            },
        },
        window: InspectionWindow {
            start: at("2026-11-23T09:00:00+08:00"),
            end: at("2026-11-23T17:00:00+08:00"),
        },
        time_zone: DEFAULT_TIME_ZONE.into(),
        license: None,
        supplement_of: None,
    }
}

pub fn item(id: &str, rules: &[&str], body: EvidenceBody) -> EvidenceItem {
    EvidenceItem {
        id: id.into(),
        rule_ids: rules.iter().map(|r| r.to_string()).collect(),
        captured_by: Some("tester".into()),
        device_id: None,
        device_time: None,
        source: CaptureSource::InApp,
        blob: None,
        missing_file: None,
        body,
    }
}

/// A photo taken at (lat, lon) at local time `when` (+08:00).
pub fn photo_at(id: &str, rules: &[&str], lat: &str, lon: &str, when: &str) -> EvidenceItem {
    item(
        id,
        rules,
        EvidenceBody::Photo(Photo {
            subject: None,
            exif: Some(ExifFacts {
                format: Some(ImageFormat::Jpeg),
                gps: Some(GpsPosition {
                    lat: dec(lat),
                    lon: dec(lon),
                    alt_m: None,
                }),
                datetime_original: Some(when.into()),
                offset: Some("+08:00".into()),
                make: Some("Xiaomi".into()),
                model: Some("23127PN0CC".into()),
                ..ExifFacts::default()
            }),
            exif_error: None,
        }),
    )
}

pub fn photo(id: &str, rules: &[&str]) -> EvidenceItem {
    photo_at(id, rules, SITE_LAT, SITE_LON, "2026:11:23 10:15:00")
}

pub fn checklist(id: &str, rules: &[&str], c: Checklist) -> EvidenceItem {
    item(id, rules, EvidenceBody::Checklist(c))
}

pub fn document(id: &str, rules: &[&str], facts: DocumentFacts) -> EvidenceItem {
    item(
        id,
        rules,
        EvidenceBody::Document(Document { title: None, facts }),
    )
}

/// A scanned SI record of one person insured by the company in Suzhou.
pub fn si_person(n: u32, roles: &[StaffRole]) -> EvidenceItem {
    si_scan(
        &format!("si-{n}"),
        n,
        COMPANY,
        Some(USCC),
        "苏州工业园区",
        Some(6),
        roles,
    )
}

pub fn si_scan(
    id: &str,
    person: u32,
    employer: &str,
    employer_uscc: Option<&str>,
    place: &str,
    months: Option<u32>,
    roles: &[StaffRole],
) -> EvidenceItem {
    item(
        id,
        &["staff.si_count", "staff.si_months", "staff.si_local"],
        EvidenceBody::SiScan(SiScan {
            record: SiRecord {
                format: SiPayloadFormat::Lines,
                name: Some(format!("员工{person}")),
                id_masked: Some(format!("320***********{person:04}")),
                id_valid: Some(true),
                id_hash: Some(KeyedHash {
                    key_id: "k1".into(),
                    hmac_sha256: format!("{person:064x}"),
                }),
                insured_place: Some(place.into()),
                months_paid: months,
                employer_name: Some(employer.into()),
                employer_uscc: employer_uscc.map(str::to_owned),
                employer_uscc_valid: employer_uscc.map(|_| true),
                ..SiRecord::default()
            },
            source_kind: SiSource::ScannerText,
            roles: roles.to_vec(),
            specialty: Some("计算机科学与技术".into()),
            specialty_related: Some(true),
            telecom_experience_years: roles.contains(&StaffRole::TechnicalLead).then(|| dec("6")),
            certificate_sha256: None,
            certificate_kept: false,
        }),
    )
}

pub fn dial(id: &str, seat: &str, number: &str) -> EvidenceItem {
    item(
        id,
        &["seats.dial_test", "seats.physical_count"],
        EvidenceBody::DialTest(DialTest {
            seat_tag: seat.into(),
            dialed_number: number.into(),
            temporary_trunk: false,
            connected: true,
            caller_id_shown: true,
            recording_played_back: true,
            started_at: Some(at("2026-11-23T11:00:00+08:00")),
            ended_at: Some(at("2026-11-23T11:02:00+08:00")),
            recording_item: None,
        }),
    )
}

pub fn seat_equipment(id: &str, seat: &str) -> EvidenceItem {
    checklist(
        id,
        &["seats.equipment"],
        Checklist::SeatEquipment(SeatEquipmentCheck {
            seat_tag: seat.into(),
            phone_or_softphone: true,
            computer: true,
            headset: true,
        }),
    )
}

pub fn demo(id: &str, rule: &str, f: SystemFunction) -> EvidenceItem {
    checklist(
        id,
        &[rule],
        Checklist::SystemDemo(SystemDemoCheck {
            function: f,
            demonstrated: true,
            note: None,
        }),
    )
}

/// `evidence` with every insured person's months paid set to `months`.
pub fn with_months_paid(mut evidence: Vec<EvidenceItem>, months: u32) -> Vec<EvidenceItem> {
    for i in &mut evidence {
        if let EvidenceBody::SiScan(s) = &mut i.body {
            s.record.months_paid = Some(months);
        }
    }
    evidence
}

/// Everything a complete, passing Suzhou rehearsal holds.
pub fn complete_evidence() -> Vec<EvidenceItem> {
    let mut ev = vec![
        photo("p-office-1", &["site.real_address", "site.office_area"]),
        photo("p-office-2", &["site.real_address"]),
        checklist(
            "c-office",
            &["site.office_area"],
            Checklist::Office(OfficeCheck {
                area_m2: dec("126.5"),
                note: None,
            }),
        ),
        document(
            "d-lease",
            &["site.lease_term"],
            DocumentFacts::Lease {
                start: day("2026-06-01"),
                end: day("2028-05-31"),
                registered_with_housing_bureau: Some(true),
                address: Some("苏州工业园区星湖街328号".into()),
            },
        ),
        document(
            "d-landlord",
            &["site.lease_term"],
            DocumentFacts::PropertyCertificate {
                holder: Some(LANDLORD.into()),
                address: Some("江苏省苏州市苏州工业园区星湖街 328 号".into()),
            },
        ),
        checklist(
            "c-room",
            &["room.room_or_rack"],
            Checklist::RoomOrRack(RoomOrRackCheck {
                room_kind: RoomKind::OwnRack,
                carrier: None,
                hosting_agreement_item: None,
                idc_license_item: None,
                technical_plan_item: None,
            }),
        ),
        photo("p-rack", &["room.room_or_rack"]),
        checklist(
            "c-ups",
            &["room.ups"],
            Checklist::Ups(UpsCheck {
                present: true,
                model: Some("APC SRT3KXLI".into()),
                capacity_kva: Some(dec("3")),
                status_normal: true,
                runtime_minutes: Some(dec("30")),
            }),
        ),
        photo("p-ups", &["room.ups"]),
        checklist(
            "c-fire",
            &["room.fire_extinguisher"],
            Checklist::FireExtinguisher(FireExtinguisherCheck {
                present: true,
                extinguisher_type: Some("二氧化碳".into()),
                pressure_in_range: true,
                inspection_valid_until: Some(day("2027-06-30")),
            }),
        ),
        photo("p-fire", &["room.fire_extinguisher"]),
        checklist(
            "c-access",
            &["room.access_log"],
            Checklist::AccessLog(AccessLogCheck {
                present: true,
                log_kind: Some("electronic".into()),
                latest_entry_on: Some(day("2026-11-22")),
            }),
        ),
        photo("p-access", &["room.access_log"]),
        photo("p-seats", &["seats.equipment"]),
        si_person(1, &[StaffRole::LicenseLead, StaffRole::TechnicalLead]),
        si_person(2, &[StaffRole::CustomerServiceLead]),
        si_person(3, &[StaffRole::NetworkSecurityLead]),
        demo(
            "c-cid",
            "system.caller_id_screening",
            SystemFunction::CallerIdScreening,
        ),
        photo("p-cid", &["system.caller_id_screening"]),
        demo(
            "c-complaint",
            "system.complaint_handling",
            SystemFunction::ComplaintHandling,
        ),
        photo("p-complaint", &["system.complaint_handling"]),
        checklist(
            "c-retention",
            &["system.recording_retention"],
            Checklist::RecordingRetention(RecordingRetentionCheck {
                oldest_playable_recording_on: Some(day("2026-09-01")),
                retention_days_configured: Some(90),
            }),
        ),
        demo(
            "c-in",
            "system.in_out_record_store",
            SystemFunction::Inbound,
        ),
        demo(
            "c-out",
            "system.in_out_record_store",
            SystemFunction::Outbound,
        ),
        demo(
            "c-rec",
            "system.in_out_record_store",
            SystemFunction::Recording,
        ),
        demo(
            "c-store",
            "system.in_out_record_store",
            SystemFunction::DataStorage,
        ),
        document(
            "d-license",
            &["company.business_scope"],
            DocumentFacts::BusinessLicense {
                business_scope: Some("第二类增值电信业务中的呼叫中心业务".into()),
            },
        ),
        document(
            "d-articles",
            &["company.business_scope"],
            DocumentFacts::ArticlesOfAssociation {
                business_scope: Some("第二类增值电信业务中的呼叫中心业务".into()),
            },
        ),
        document(
            "d-decl",
            &["company.no_violations"],
            DocumentFacts::NoViolationDeclaration {
                signed_on: Some(day("2026-11-01")),
            },
        ),
    ];
    for s in 1..=5 {
        ev.push(dial(
            &format!("dial-{s}"),
            &format!("SEAT-{s:02}"),
            "96123456",
        ));
        ev.push(seat_equipment(&format!("eq-{s}"), &format!("SEAT-{s:02}")));
    }
    ev.extend(agreements_and_policies());
    ev
}

/// A carrier agreement of one kind with the company as party A, in force.
pub fn carrier_agreement(id: &str, kind: CarrierAgreementKind) -> EvidenceItem {
    document(
        id,
        &["company.carrier_agreements"],
        DocumentFacts::CarrierAgreement {
            agreement: kind,
            party_a: Some(COMPANY.into()),
            carrier: Some("中国电信股份有限公司苏州分公司".into()),
            end: Some(day("2027-12-31")),
        },
    )
}

/// A policy seen on site and carried out.
pub fn policy(id: &str, name: &str) -> EvidenceItem {
    document(
        id,
        &["company.policies"],
        DocumentFacts::Policy {
            name: name.into(),
            seen_in_practice: Some(true),
        },
    )
}

/// What a new license in Suzhou hands in besides (004): a trunk agreement in the company's
/// name, and the information-security policies in practice (004, 003).
pub fn agreements_and_policies() -> Vec<EvidenceItem> {
    vec![
        carrier_agreement("d-trunk", CarrierAgreementKind::Trunk),
        policy("d-policy-1", "信息安全责任制"),
        policy("d-policy-2", "信息内容管理制度"),
        policy("d-policy-3", "《用户信息保护制度》"),
        policy("d-policy-4", "网络与信息安全应急预案"),
        policy("d-policy-5", "垃圾电话处置预案"),
    ]
}

/// What a renewal hands in besides (000): the number-access agreement, a client's service
/// agreement, a recent query of the bad-record list, and the annual inspection records of
/// `years`, each passed.
pub fn renewal_documents(years: &[i32]) -> Vec<EvidenceItem> {
    let mut ev = vec![
        carrier_agreement("d-number-access", CarrierAgreementKind::NumberAccess),
        document(
            "d-client",
            &["company.client_agreements"],
            DocumentFacts::ClientServiceAgreement {
                client: Some("苏州某银行股份有限公司".into()),
                end: Some(day("2027-06-30")),
            },
        ),
        document(
            "d-bad-record",
            &["company.not_on_bad_record_list"],
            DocumentFacts::BadRecordListQuery {
                checked_on: Some(day("2026-11-02")),
                listed: Some(false),
                checked_in: Some("电信业务市场综合管理信息系统".into()),
            },
        ),
    ];
    for year in years {
        ev.push(document(
            &format!("d-annual-{year}"),
            &["license.annual_inspection_records"],
            DocumentFacts::AnnualInspectionRecord {
                year: *year,
                passed: Some(true),
            },
        ));
    }
    ev
}

//! The rules engine, scenario by scenario.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use hecha_core::model::*;
use hecha_core::rules::{RuleProfile, evaluate, rule_ids, summarize};
use proptest::prelude::*;

/// Every rule id of requirements.md (beside the repository, `../shared/docs/`), written out here so that
/// a rule dropped from the engine or a profile is caught.
const REQUIREMENTS_RULE_IDS: &[&str] = &[
    "site.office_area",
    "site.lease_term",
    "site.real_address",
    "room.room_or_rack",
    "room.ups",
    "room.fire_extinguisher",
    "room.access_log",
    "seats.physical_count",
    "seats.dial_test",
    "seats.equipment",
    "staff.si_count",
    "staff.si_months",
    "staff.si_local",
    "staff.si_specialty",
    "staff.si_qualified",
    "staff.agents",
    "staff.si_roles",
    "system.caller_id_screening",
    "system.complaint_handling",
    "system.recording_retention",
    "system.in_out_record_store",
    "company.uscc",
    "company.capital",
    "company.business_scope",
    "company.foreign_ownership",
    "company.no_violations",
    "company.icp_filing",
    "company.registered_in_province",
    "license.renewal_window",
    "license.validity",
    "license.annual_report",
    "process.inspection_deadline",
];

const PROFILES: &[&str] = &["national", "provincial", "jiangsu-suzhou"];

fn suzhou() -> RuleProfile {
    RuleProfile::builtin("jiangsu-suzhou").unwrap()
}

fn finding<'a>(findings: &'a [Finding], rule: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.rule_id == rule)
        .unwrap_or_else(|| panic!("no finding for {rule}"))
}

fn status_of(
    profile: &RuleProfile,
    inspection: &Inspection,
    evidence: &[EvidenceItem],
    rule: &str,
) -> FindingStatus {
    finding(&evaluate(profile, inspection, evidence), rule).status
}

fn without(evidence: &[EvidenceItem], id: &str) -> Vec<EvidenceItem> {
    evidence.iter().filter(|i| i.id != id).cloned().collect()
}

#[test]
fn every_requirements_rule_is_in_every_profile() {
    let engine: Vec<&str> = rule_ids().collect();
    for id in REQUIREMENTS_RULE_IDS {
        assert!(engine.contains(id), "engine lacks {id}");
    }
    for name in PROFILES {
        let p = RuleProfile::builtin(name).unwrap();
        for id in REQUIREMENTS_RULE_IDS {
            let spec = p.rule(id).unwrap_or_else(|| panic!("{name} lacks {id}"));
            let seeds = p.seed_files(spec);
            assert!(!seeds.is_empty(), "{name}/{id} cites no seed");
            for seed in &seeds {
                assert!(
                    ["000_", "001_", "002_", "003_", "004_"]
                        .iter()
                        .any(|p| seed.starts_with(p))
                        && seed.ends_with(".txt"),
                    "{name}/{id}: {seed} is not a seed file"
                );
            }
        }
        // Outbound conduct is explicitly not applicable unless a profile turns it on.
        let conduct: Vec<_> = p
            .rules
            .iter()
            .filter(|r| r.id.starts_with("conduct."))
            .collect();
        assert_eq!(conduct.len(), 5, "{name}");
        assert!(conduct.iter().all(|r| !r.applies), "{name}");
    }
}

#[test]
fn complete_suzhou_rehearsal_passes_every_rule() {
    let findings = evaluate(&suzhou(), &inspection(), &complete_evidence());
    assert_eq!(findings.len(), rule_ids().count());
    for f in &findings {
        assert!(
            matches!(f.status, FindingStatus::Pass | FindingStatus::NotApplicable),
            "{} is {:?}: {}",
            f.rule_id,
            f.status,
            f.message.en
        );
    }
    assert!(summarize(&findings).ready);
}

#[test]
fn empty_inspection_reports_every_rule_not_just_the_first() {
    let findings = evaluate(&suzhou(), &inspection(), &[]);
    assert_eq!(findings.len(), rule_ids().count());
    let missing = findings
        .iter()
        .filter(|f| f.status == FindingStatus::Missing)
        .count();
    assert!(missing >= 15, "only {missing} missing");
    assert!(!summarize(&findings).ready);
    assert_eq!(
        finding(&findings, "staff.si_count").status,
        FindingStatus::Missing
    );
    assert_eq!(
        finding(&findings, "seats.dial_test").status,
        FindingStatus::Missing
    );
}

#[test]
fn small_office_fails_with_the_area_behind_it() {
    let mut ev = complete_evidence();
    for i in &mut ev {
        if let EvidenceBody::Checklist(Checklist::Office(o)) = &mut i.body {
            o.area_m2 = dec("80");
        }
    }
    let findings = evaluate(&suzhou(), &inspection(), &ev);
    let f = finding(&findings, "site.office_area");
    assert_eq!(f.status, FindingStatus::Fail);
    assert!(f.evidence_ids.contains(&"c-office".to_string()));
    let m = f.measures.iter().find(|m| m.name == "area_m2").unwrap();
    assert_eq!(m.value, "80");
    assert_eq!(m.threshold.as_deref(), Some(">= 100 m²"));
    // Other rules are still evaluated.
    assert_eq!(finding(&findings, "room.ups").status, FindingStatus::Pass);
}

#[test]
fn office_area_without_a_photo_needs_review() {
    let ev: Vec<_> = complete_evidence()
        .into_iter()
        .map(|mut i| {
            i.rule_ids
                .retain(|r| r != "site.office_area" || i.id == "c-office");
            i
        })
        .collect();
    assert_eq!(
        status_of(&suzhou(), &inspection(), &ev, "site.office_area"),
        FindingStatus::NeedsReview
    );
}

#[test]
fn a_new_license_needs_five_seats_a_renewal_counts_people_instead() {
    let ev: Vec<_> = complete_evidence()
        .into_iter()
        .filter(|i| !["dial-4", "dial-5", "eq-4", "eq-5"].contains(&i.id.as_str()))
        .collect();
    let mut insp = inspection();
    assert_eq!(
        status_of(&suzhou(), &insp, &ev, "seats.physical_count"),
        FindingStatus::Fail
    );
    // 000's 至少有3名坐席/客服人員 counts people (staff.agents), not seats.
    insp.application.kind = ApplicationKind::Renewal;
    assert_eq!(
        status_of(&suzhou(), &insp, &ev, "seats.physical_count"),
        FindingStatus::NotApplicable
    );
}

#[test]
fn dial_test_must_call_the_scope_number() {
    let mut insp = inspection();
    let ev = complete_evidence(); // dials 96… numbers
    assert_eq!(
        status_of(&suzhou(), &insp, &ev, "seats.dial_test"),
        FindingStatus::Pass
    );
    insp.scope = Scope::Nationwide;
    let f = evaluate(&suzhou(), &insp, &ev);
    let f = finding(&f, "seats.dial_test");
    assert_eq!(f.status, FindingStatus::Fail);
    assert!(f.message.en.contains("not a 95 number"), "{}", f.message.en);
}

#[test]
fn a_seat_without_playback_fails_the_dial_test() {
    let mut ev = complete_evidence();
    for i in &mut ev {
        if let EvidenceBody::DialTest(d) = &mut i.body
            && d.seat_tag == "SEAT-03"
        {
            d.recording_played_back = false;
        }
    }
    let f = evaluate(&suzhou(), &inspection(), &ev);
    let f = finding(&f, "seats.dial_test");
    assert_eq!(f.status, FindingStatus::Fail);
    assert!(
        f.message.en.contains("SEAT-03: recording not played back"),
        "{}",
        f.message.en
    );
}

#[test]
fn same_person_scanned_twice_counts_once() {
    let mut ev = without(&complete_evidence(), "si-3");
    let mut dup = si_person(1, &[]);
    dup.id = "si-1-again".into();
    ev.push(dup);
    let f = evaluate(&suzhou(), &inspection(), &ev);
    let count = finding(&f, "staff.si_count");
    assert_eq!(count.status, FindingStatus::Fail);
    assert_eq!(count.measures[0].value, "2");
}

#[test]
fn staff_insured_by_another_employer_or_elsewhere_do_not_count() {
    let mut ev = without(&complete_evidence(), "si-3");
    ev.push(si_scan(
        "si-other",
        3,
        "别的公司",
        Some("91320505MA27HC8K12"),
        "苏州工业园区",
        Some(6),
        &[StaffRole::NetworkSecurityLead],
    ));
    let f = evaluate(&suzhou(), &inspection(), &ev);
    assert_eq!(finding(&f, "staff.si_count").status, FindingStatus::Fail);
    assert!(
        finding(&f, "staff.si_count")
            .message
            .en
            .contains("insured by another employer")
    );
    // The security lead is not insured by the company either.
    assert_eq!(finding(&f, "staff.si_roles").status, FindingStatus::Fail);

    let mut ev = without(&complete_evidence(), "si-3");
    ev.push(si_scan(
        "si-shanghai",
        3,
        COMPANY,
        Some(USCC),
        "上海市浦东新区",
        Some(6),
        &[StaffRole::NetworkSecurityLead],
    ));
    let f = evaluate(&suzhou(), &inspection(), &ev);
    assert_eq!(finding(&f, "staff.si_count").status, FindingStatus::Pass);
    assert_eq!(finding(&f, "staff.si_local").status, FindingStatus::Fail);
}

#[test]
fn months_threshold_differs_between_profiles() {
    let ev = with_months_paid(complete_evidence(), 2);
    let insp = inspection();
    // Suzhou (004): one month suffices; provincial (000, 002): three.
    assert_eq!(
        status_of(&suzhou(), &insp, &ev, "staff.si_months"),
        FindingStatus::Pass
    );
    let provincial = RuleProfile::builtin("provincial").unwrap();
    assert_eq!(
        status_of(&provincial, &insp, &ev, "staff.si_months"),
        FindingStatus::Fail
    );
    // Nationwide too asks three (000, 003): 002's one month is another license's guide.
    let national = RuleProfile::builtin("national").unwrap();
    assert_eq!(
        status_of(&national, &insp, &ev, "staff.si_months"),
        FindingStatus::Fail
    );
    let f = evaluate(&national, &insp, &ev);
    assert_eq!(
        finding(&f, "staff.si_months").seeds,
        [
            "000_4638e76bc72305b4.txt",
            "003_fd7e1bb9c5145d6f.txt",
            "002_a5a8f4f4d60a08a7.txt"
        ]
    );
    let f = evaluate(&suzhou(), &insp, &ev);
    assert_eq!(
        finding(&f, "staff.si_months").seeds[0],
        "004_7b0e624443e9969e.txt"
    );
}

#[test]
fn unknown_qr_format_needs_review_rather_than_failing() {
    let mut ev = complete_evidence();
    for i in &mut ev {
        if let EvidenceBody::SiScan(s) = &mut i.body
            && i.id == "si-3"
        {
            s.record = SiRecord {
                format: SiPayloadFormat::Unknown,
                raw_masked: Some("编号 320***********0003".into()),
                ..SiRecord::default()
            };
        }
    }
    let f = evaluate(&suzhou(), &inspection(), &ev);
    assert_eq!(
        finding(&f, "staff.si_count").status,
        FindingStatus::NeedsReview
    );
    assert_eq!(
        finding(&f, "staff.si_months").status,
        FindingStatus::NeedsReview
    );
}

/// The QR decoder guessed the payload's charset and no layout recognised the text: the
/// right code may have been misread, and the finding says so, for a person to review.
#[test]
fn unreadable_guessed_qr_text_needs_review_saying_the_charset_was_guessed() {
    let mut ev = complete_evidence();
    for i in &mut ev {
        if let EvidenceBody::SiScan(s) = &mut i.body
            && i.id == "si-3"
        {
            s.record = SiRecord {
                format: SiPayloadFormat::Unknown,
                raw_masked: Some("ﾕﾅﾎｰ".into()),
                charset_guessed: Some("Shift_JIS".into()),
                ..SiRecord::default()
            };
        }
    }
    let f = evaluate(&suzhou(), &inspection(), &ev);
    let count = finding(&f, "staff.si_count");
    assert_eq!(count.status, FindingStatus::NeedsReview);
    assert!(
        count.message.en.contains("only guessed (Shift_JIS)"),
        "{}",
        count.message.en
    );
    assert!(
        count.message.zh.contains("字符集系推测（Shift_JIS）"),
        "{}",
        count.message.zh
    );
}

#[test]
fn expired_extinguisher_fails_as_of_the_window_end_not_today() {
    let mut ev = complete_evidence();
    for i in &mut ev {
        if let EvidenceBody::Checklist(Checklist::FireExtinguisher(f)) = &mut i.body {
            f.inspection_valid_until = Some(day("2026-11-22"));
        }
    }
    assert_eq!(
        status_of(&suzhou(), &inspection(), &ev, "room.fire_extinguisher"),
        FindingStatus::Fail
    );
    // The same tag was still valid for an inspection a week earlier, its photos taken then.
    let mut early = inspection();
    early.window.start = at("2026-11-16T09:00:00+08:00");
    early.window.end = at("2026-11-16T17:00:00+08:00");
    for i in &mut ev {
        if let EvidenceBody::Photo(p) = &mut i.body {
            let exif = p.exif.as_mut().unwrap();
            exif.datetime_original = Some("2026:11:16 10:15:00".into());
        }
    }
    assert_eq!(
        status_of(&suzhou(), &early, &ev, "room.fire_extinguisher"),
        FindingStatus::Pass
    );
}

#[test]
fn suzhou_requires_a_registered_lease_provincial_does_not() {
    let mut ev = complete_evidence();
    for i in &mut ev {
        if let EvidenceBody::Document(Document {
            facts:
                DocumentFacts::Lease {
                    registered_with_housing_bureau,
                    ..
                },
            ..
        }) = &mut i.body
        {
            *registered_with_housing_bureau = Some(false);
        }
    }
    assert_eq!(
        status_of(&suzhou(), &inspection(), &ev, "site.lease_term"),
        FindingStatus::Fail
    );
    let provincial = RuleProfile::builtin("provincial").unwrap();
    assert_eq!(
        status_of(&provincial, &inspection(), &ev, "site.lease_term"),
        FindingStatus::Pass
    );
}

#[test]
fn company_prerequisites_are_checked_from_entered_data() {
    let mut insp = inspection();
    insp.company.uscc = "91320594MA1XY2E40E".into(); // wrong check character
    insp.company.registered_capital_cny = dec("5000000");
    insp.company.foreign_share_percent = dec("51");
    insp.company.icp_filing = IcpFiling::Pending;
    insp.company.registered_province = Some("上海".into());
    let f = evaluate(&suzhou(), &insp, &complete_evidence());
    for rule in [
        "company.uscc",
        "company.capital",
        "company.foreign_ownership",
        "company.icp_filing",
        "company.registered_in_province",
    ] {
        assert_eq!(finding(&f, rule).status, FindingStatus::Fail, "{rule}");
    }
}

#[test]
fn renewal_reminders_use_license_dates() {
    let mut insp = inspection();
    insp.application.kind = ApplicationKind::Renewal;
    insp.license = Some(LicenseFacts {
        number: Some("苏B2-20220001".into()),
        issued_on: day("2022-01-10"),
        expires_on: day("2027-01-10"),
        annual_reports_filed_on: vec![day("2023-03-01"), day("2024-02-20"), day("2026-01-15")],
    });
    insp.application.filed_on = Some(day("2026-11-02")); // 69 days before expiry
    let f = evaluate(&suzhou(), &insp, &complete_evidence());
    assert_eq!(
        finding(&f, "license.renewal_window").status,
        FindingStatus::Fail
    );
    assert_eq!(finding(&f, "license.validity").status, FindingStatus::Pass);
    let annual = finding(&f, "license.annual_report");
    assert_eq!(annual.status, FindingStatus::Fail);
    assert!(annual.message.en.contains("2025"), "{}", annual.message.en);
    // A new application has no current license.
    let f = evaluate(&suzhou(), &inspection(), &complete_evidence());
    assert_eq!(
        finding(&f, "license.validity").status,
        FindingStatus::NotApplicable
    );
}

#[test]
fn carrier_hosting_needs_agreement_and_license() {
    let mut ev = complete_evidence();
    for i in &mut ev {
        if let EvidenceBody::Checklist(Checklist::RoomOrRack(r)) = &mut i.body {
            r.room_kind = RoomKind::CarrierHosted;
            r.carrier = Some("中国电信苏州分公司".into());
            r.hosting_agreement_item = Some("d-hosting".into());
            r.idc_license_item = Some("d-idc".into());
        }
    }
    assert_eq!(
        status_of(&suzhou(), &inspection(), &ev, "room.room_or_rack"),
        FindingStatus::Fail
    );
    ev.push(document(
        "d-hosting",
        &["room.room_or_rack"],
        DocumentFacts::HostingAgreement {
            carrier: Some("中国电信".into()),
            end: None,
        },
    ));
    ev.push(document(
        "d-idc",
        &["room.room_or_rack"],
        DocumentFacts::IdcLicense,
    ));
    assert_eq!(
        status_of(&suzhou(), &inspection(), &ev, "room.room_or_rack"),
        FindingStatus::Pass
    );
}

#[test]
fn conduct_rules_apply_only_when_a_profile_turns_them_on() {
    let src = RuleProfile::builtin("national")
        .unwrap()
        .source()
        .replace("applies = false\n", "");
    let on = RuleProfile::from_toml(&src).unwrap();
    let mut ev = complete_evidence();
    ev.push(checklist(
        "c-outbound",
        &[],
        Checklist::OutboundConduct(OutboundConductCheck {
            calling_number: "95123456".into(),
            max_calls_per_day: 450,
            min_interval_s: dec("8"),
            complaint_rate_percent: dec("0.2"),
            health_score: Some(dec("75")),
            consent_proof_kept: true,
        }),
    ));
    let f = evaluate(&on, &inspection(), &ev);
    assert_eq!(
        finding(&f, "conduct.calls_per_day").status,
        FindingStatus::Fail
    );
    assert_eq!(
        finding(&f, "conduct.call_interval").status,
        FindingStatus::Pass
    );
    let off = evaluate(&suzhou(), &inspection(), &ev);
    assert_eq!(
        finding(&off, "conduct.calls_per_day").status,
        FindingStatus::NotApplicable
    );
}

#[test]
fn operator_profiles_are_validated() {
    let base = RuleProfile::builtin("national")
        .unwrap()
        .source()
        .to_owned();
    let typo = base.replace("min_area_m2 = \"100\"", "min_area = \"100\"");
    let err = RuleProfile::from_toml(&typo).unwrap_err().to_string();
    assert!(
        err.contains("site.office_area") && err.contains("min_area"),
        "{err}"
    );

    let dropped = base.replace("id = \"room.ups\"", "id = \"room.upz\"");
    assert!(
        RuleProfile::from_toml(&dropped)
            .unwrap_err()
            .to_string()
            .contains("room.upz")
    );

    let cut = base
        .split("[[rule]]\nid = \"conduct.user_consent\"")
        .next()
        .unwrap()
        .to_owned();
    let err = RuleProfile::from_toml(&cut).unwrap_err().to_string();
    assert!(
        err.contains("missing") && err.contains("conduct.user_consent"),
        "{err}"
    );

    assert!(RuleProfile::builtin("atlantis").is_err());
    assert!(RuleProfile::from_toml("not = [toml").is_err());

    // Each reason reads in both languages, naming what to change.
    let no_photo = base.replace("[photo]", "[fotos]");
    for (bad, zh, en) in [
        (typo.as_str(), "的参数有误", "has bad parameters"),
        (
            dropped.as_str(),
            "不认识规则 room.upz",
            "unknown rule room.upz",
        ),
        (cut.as_str(), "缺少规则", "rules missing"),
        ("not = [toml", "不是有效的 TOML", "not valid TOML"),
        (no_photo.as_str(), "", ""),
    ] {
        let err = RuleProfile::from_toml(bad).unwrap_err();
        let said = err.message();
        assert!(said.is_known(), "{err}");
        let text = said.text();
        assert!(text.zh.contains(zh) && text.en.contains(en), "{text:?}");
    }
    let said = RuleProfile::builtin("atlantis")
        .unwrap_err()
        .message()
        .text();
    assert!(
        said.zh.contains("没有名为 atlantis 的内置规则配置"),
        "{}",
        said.zh
    );
    assert!(said.zh.contains("jiangsu-suzhou"), "{}", said.zh);
}

#[test]
fn profile_digest_is_the_sha256_of_its_toml() {
    let p = suzhou();
    use sha2::Digest;
    assert_eq!(
        p.sha256(),
        hex::encode(sha2::Sha256::digest(p.source().as_bytes()))
    );
    assert_ne!(
        p.sha256(),
        RuleProfile::builtin("national").unwrap().sha256()
    );
}

proptest! {
    #[test]
    fn office_area_passes_exactly_at_the_threshold(area in 0u32..100_000, frac in 0u32..100) {
        let area = rust_decimal::Decimal::new(i64::from(area) * 100 + i64::from(frac), 2) / rust_decimal::Decimal::from(10);
        let mut ev = complete_evidence();
        for i in &mut ev {
            if let EvidenceBody::Checklist(Checklist::Office(o)) = &mut i.body {
                o.area_m2 = area;
            }
        }
        let status = status_of(&suzhou(), &inspection(), &ev, "site.office_area");
        let expected = if area >= dec("100") { FindingStatus::Pass } else { FindingStatus::Fail };
        prop_assert_eq!(status, expected);
    }

    #[test]
    fn evaluation_never_panics_on_arbitrary_subsets(mask in proptest::collection::vec(any::<bool>(), 37)) {
        let ev: Vec<_> = complete_evidence().into_iter().zip(mask.iter().cycle()).filter(|(_, k)| **k).map(|(i, _)| i).collect();
        for name in PROFILES {
            let f = evaluate(&RuleProfile::builtin(name).unwrap(), &inspection(), &ev);
            prop_assert_eq!(f.len(), rule_ids().count());
        }
    }
}

#[test]
fn docs_describe_every_rule() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/rules.md")).unwrap();
    for id in rule_ids() {
        assert!(doc.contains(&format!("`{id}`")), "docs/rules.md lacks {id}");
    }
}

#[test]
fn a_failing_seat_is_named_by_the_number_on_its_label_not_its_tag() {
    use hecha_core::seal::key::Ed25519Key;
    use hecha_core::seal::seat::sign_seat_tag;
    let key = Ed25519Key::from_secret_bytes(&[7u8; 32]);
    let insp = inspection();
    let tag = sign_seat_tag(&key, &insp.id, "A-07").unwrap();
    let mut ev = complete_evidence();
    for i in &mut ev {
        match &mut i.body {
            EvidenceBody::DialTest(d) if d.seat_tag == "SEAT-03" => {
                d.seat_tag = tag.clone();
                d.recording_played_back = false;
            }
            EvidenceBody::Checklist(Checklist::SeatEquipment(s)) if s.seat_tag == "SEAT-03" => {
                s.seat_tag = tag.clone();
                s.headset = false;
            }
            _ => {}
        }
    }
    let findings = evaluate(&suzhou(), &insp, &ev);
    for rule in ["seats.dial_test", "seats.equipment"] {
        let f = finding(&findings, rule);
        assert_eq!(f.status, FindingStatus::Fail, "{rule}");
        for text in [&f.message.zh, &f.message.en] {
            assert!(text.contains("A-07"), "{rule}: {text}");
            assert!(!text.contains("hecha-seat:"), "{rule}: {text}");
        }
    }
}

#[test]
fn a_finding_that_is_not_a_pass_says_what_to_do() {
    // Everyone insured too briefly, an unregistered lease: one remedy per kind, with the number it needs, in both languages.
    let mut ev = with_months_paid(complete_evidence(), 0);
    for i in &mut ev {
        if let EvidenceBody::Document(d) = &mut i.body
            && let DocumentFacts::Lease {
                registered_with_housing_bureau,
                ..
            } = &mut d.facts
        {
            *registered_with_housing_bureau = Some(false);
        }
    }
    let findings = evaluate(
        &RuleProfile::builtin("provincial").unwrap(),
        &inspection(),
        &ev,
    );
    let months = finding(&findings, "staff.si_months");
    assert_eq!(months.status, FindingStatus::Fail);
    let remedies: Vec<_> = months
        .says
        .iter()
        .filter(|m| m.id == "staff-do-wait-months")
        .collect();
    assert_eq!(remedies.len(), 1, "{:?}", months.says);
    assert!(
        months.message.zh.contains("须连续缴费满 3 个月"),
        "{}",
        months.message.zh
    );
    assert!(
        months.message.en.contains("3 months in a row are needed"),
        "{}",
        months.message.en
    );
    let findings = evaluate(&suzhou(), &inspection(), &ev);
    let lease = finding(&findings, "site.lease_term");
    assert_eq!(lease.status, FindingStatus::Fail);
    assert!(
        lease.message.zh.contains("房管局办理租赁登记备案"),
        "{}",
        lease.message.zh
    );
    // A pass carries no remedy.
    let findings = evaluate(&suzhou(), &inspection(), &complete_evidence());
    for f in &findings {
        if f.status == FindingStatus::Pass {
            assert!(
                !f.says.iter().any(|m| m.id.contains("-do-")),
                "{}: {:?}",
                f.rule_id,
                f.says
            );
        }
    }
}

#[test]
fn a_rehearsal_names_the_rules_the_visit_checks_again_on_its_day() {
    use hecha_core::rehearsal::on_the_day::OnTheDay;
    let findings = evaluate(&suzhou(), &inspection(), &complete_evidence());
    let day = OnTheDay::of(&findings);
    fn ids<'a>(fs: &[&'a Finding]) -> Vec<&'a str> {
        fs.iter().map(|f| f.rule_id.as_str()).collect()
    }
    for rule in [
        "site.real_address",
        "seats.dial_test",
        "room.ups",
        "staff.si_count",
    ] {
        assert!(ids(&day.on_site).contains(&rule), "{rule}");
    }
    for rule in ["staff.si_months", "site.lease_term"] {
        assert!(ids(&day.as_of_the_day).contains(&rule), "{rule}");
    }
    for rule in ["company.uscc", "company.capital"] {
        assert!(!ids(&day.on_site).contains(&rule) && !ids(&day.as_of_the_day).contains(&rule));
    }
    // Rules the profile turns off are not announced.
    assert!(!ids(&day.on_site).iter().any(|r| r.starts_with("conduct.")));
    let zh = day.lines(Lang::Zh).join("\n");
    assert!(
        zh.contains("正式核查当天会重新核查") && zh.contains("拨测"),
        "{zh}"
    );
    let en = day.lines(Lang::En).join("\n");
    assert!(en.contains("checks these rules again"), "{en}");
}

#[test]
fn insurance_that_stopped_being_paid_does_not_count() {
    // 000: 提供三名人員近期的社保憑證(未下證前不能斷). The window ends in November 2026: paid
    // up to October runs; paid up to August stopped two months before.
    let with_end = |end: &str| {
        let mut ev = complete_evidence();
        for i in &mut ev {
            if let EvidenceBody::SiScan(s) = &mut i.body {
                s.record.period_end = Some(end.to_owned());
            }
        }
        ev
    };
    for profile in ["jiangsu-suzhou", "provincial", "national"] {
        let profile = RuleProfile::builtin(profile).unwrap();
        let insp = inspection();
        assert_eq!(insp.as_of().format("%Y-%m").to_string(), "2026-11");
        for (end, want) in [
            ("2026-11", FindingStatus::Pass),
            ("2026-10", FindingStatus::Pass),
            ("2026-09", FindingStatus::Fail),
            ("2024-05", FindingStatus::Fail),
        ] {
            let findings = evaluate(&profile, &insp, &with_end(end));
            let f = finding(&findings, "staff.si_months");
            assert_eq!(f.status, want, "{} {end}: {}", profile.id, f.message.en);
            if want == FindingStatus::Fail {
                assert!(f.message.zh.contains("视为断缴"), "{}", f.message.zh);
                assert!(
                    f.message.en.contains(&format!("last month paid {end}")),
                    "{}",
                    f.message.en
                );
            }
        }
    }
    // A profile recorded before the check (no max_months_since_last_paid) judges as then.
    let old = RuleProfile::builtin("provincial")
        .unwrap()
        .source()
        .replace(", max_months_since_last_paid = 1", "");
    let old = RuleProfile::from_toml(&old).unwrap();
    let findings = evaluate(&old, &inspection(), &with_end("2024-05"));
    assert_eq!(
        finding(&findings, "staff.si_months").status,
        FindingStatus::Pass
    );
}

//! Verdicts corrected against the sources: each test is a case a source describes, and
//! the verdict the source gives it (issue "Rules that say what the sources say").

use crate::common::*;
use hecha_core::model::*;
use hecha_core::rules::{ProfileError, RuleProfile, evaluate, summarize};

fn profile(id: &str) -> RuleProfile {
    RuleProfile::builtin(id).unwrap()
}

fn finding(profile: &RuleProfile, insp: &Inspection, ev: &[EvidenceItem], rule: &str) -> Finding {
    evaluate(profile, insp, ev)
        .into_iter()
        .find(|f| f.rule_id == rule)
        .unwrap_or_else(|| panic!("no finding for {rule}"))
}

fn status(
    profile: &RuleProfile,
    insp: &Inspection,
    ev: &[EvidenceItem],
    rule: &str,
) -> FindingStatus {
    finding(profile, insp, ev, rule).status
}

fn ids(f: &Finding) -> Vec<&str> {
    f.says.iter().map(|m| m.id.as_str()).collect()
}

/// `ev` with the documents for which `drop` holds removed and `add` appended.
fn docs(
    ev: Vec<EvidenceItem>,
    drop: impl Fn(&DocumentFacts) -> bool,
    add: Vec<EvidenceItem>,
) -> Vec<EvidenceItem> {
    ev.into_iter()
        .filter(|i| !matches!(&i.body, EvidenceBody::Document(d) if drop(&d.facts)))
        .chain(add)
        .collect()
}

fn is_site_doc(d: &DocumentFacts) -> bool {
    matches!(
        d,
        DocumentFacts::Lease { .. } | DocumentFacts::PropertyCertificate { .. }
    )
}

fn lease(start: &str, end: &str, registered: Option<bool>, address: &str) -> EvidenceItem {
    document(
        "d-lease",
        &["site.lease_term"],
        DocumentFacts::Lease {
            start: day(start),
            end: day(end),
            registered_with_housing_bureau: registered,
            address: Some(address.into()),
        },
    )
}

fn certificate(id: &str, holder: Option<&str>) -> EvidenceItem {
    document(
        id,
        &["site.lease_term"],
        DocumentFacts::PropertyCertificate {
            holder: holder.map(str::to_owned),
            address: Some("江苏省苏州市苏州工业园区星湖街 328 号".into()),
        },
    )
}

// ---- Lease (000: 房產證復印件+租賃協議; 004: 租赁 … + 房东房产证) ---------------------------

#[test]
fn a_landlords_certificate_does_not_make_a_short_unregistered_lease_pass() {
    // The forger's case: the landlord's certificate beside a three-month lease that was
    // never registered. It used to count as "the company owns the premises".
    let ev = docs(
        complete_evidence(),
        is_site_doc,
        vec![
            certificate("d-cert", Some(LANDLORD)),
            lease(
                "2026-10-01",
                "2026-12-31",
                Some(false),
                "苏州工业园区星湖街328号",
            ),
        ],
    );
    let f = finding(
        &profile("jiangsu-suzhou"),
        &inspection(),
        &ev,
        "site.lease_term",
    );
    assert_eq!(f.status, FindingStatus::Fail);
    let said = ids(&f);
    assert!(said.contains(&"site-lease-short"), "{said:?}");
    assert!(said.contains(&"site-lease-unregistered"), "{said:?}");
    assert!(!said.contains(&"site-lease-owned"), "{said:?}");
}

#[test]
fn a_certificate_in_the_companys_name_is_ownership_and_needs_no_lease() {
    let ev = docs(
        complete_evidence(),
        is_site_doc,
        vec![certificate("d-cert", Some("苏州核查示例科技有限公司"))],
    );
    for p in ["national", "provincial", "jiangsu-suzhou"] {
        let f = finding(&profile(p), &inspection(), &ev, "site.lease_term");
        assert_eq!(f.status, FindingStatus::Pass, "{p}");
        assert_eq!(ids(&f), ["site-lease-owned"], "{p}");
    }
    // Full-width brackets and spaces do not make it another company.
    let mut insp = inspection();
    insp.company.name = "苏州核查示例（科技）有限公司".into();
    let ev = docs(
        complete_evidence(),
        is_site_doc,
        vec![certificate("d-cert", Some("苏州核查示例(科技) 有限公司"))],
    );
    assert_eq!(
        status(&profile("jiangsu-suzhou"), &insp, &ev, "site.lease_term"),
        FindingStatus::Pass
    );
}

#[test]
fn another_owners_certificate_alone_proves_nothing_for_the_company() {
    let ev = docs(
        complete_evidence(),
        is_site_doc,
        vec![certificate("d-cert", Some(LANDLORD))],
    );
    let f = finding(&profile("national"), &inspection(), &ev, "site.lease_term");
    assert_eq!(f.status, FindingStatus::Missing);
    assert_eq!(ids(&f)[0], "site-lease-certificate-not-company");
    assert!(f.message.zh.contains(LANDLORD), "{}", f.message.zh);
    // A certificate naming nobody: a person must read it.
    let ev = docs(
        complete_evidence(),
        is_site_doc,
        vec![certificate("d-cert", None)],
    );
    assert_eq!(
        status(&profile("national"), &inspection(), &ev, "site.lease_term"),
        FindingStatus::NeedsReview
    );
}

#[test]
fn a_lease_needs_the_landlords_certificate_everywhere() {
    let ev = docs(
        complete_evidence(),
        |d| matches!(d, DocumentFacts::PropertyCertificate { .. }),
        vec![],
    );
    for p in ["national", "provincial", "jiangsu-suzhou"] {
        let f = finding(&profile(p), &inspection(), &ev, "site.lease_term");
        assert_eq!(f.status, FindingStatus::Missing, "{p}");
        assert!(
            ids(&f).contains(&"site-lease-no-landlord-certificate"),
            "{p}"
        );
        assert!(
            ids(&f).contains(&"site-do-bring-landlord-certificate"),
            "{p}"
        );
    }
    // With it, the complete evidence passes in every profile.
    for p in ["national", "provincial", "jiangsu-suzhou"] {
        assert_eq!(
            status(
                &profile(p),
                &inspection(),
                &complete_evidence(),
                "site.lease_term"
            ),
            FindingStatus::Pass,
            "{p}"
        );
    }
}

#[test]
fn the_lease_must_be_for_the_operating_site() {
    let ev = docs(
        complete_evidence(),
        |d| matches!(d, DocumentFacts::Lease { .. }),
        vec![lease(
            "2026-06-01",
            "2028-05-31",
            Some(true),
            "苏州市吴中区东吴北路 99 号",
        )],
    );
    let f = finding(
        &profile("jiangsu-suzhou"),
        &inspection(),
        &ev,
        "site.lease_term",
    );
    assert_eq!(f.status, FindingStatus::Fail);
    assert!(f.message.zh.contains("东吴北路"), "{}", f.message.zh);
    assert!(f.message.zh.contains("经营地址"), "{}", f.message.zh);
    // Written with full-width digits and without the province, it is the same place.
    let ev = docs(
        complete_evidence(),
        |d| matches!(d, DocumentFacts::Lease { .. }),
        vec![lease(
            "2026-06-01",
            "2028-05-31",
            Some(true),
            "苏州工业园区星湖街３２８号",
        )],
    );
    assert_eq!(
        status(
            &profile("jiangsu-suzhou"),
            &inspection(),
            &ev,
            "site.lease_term"
        ),
        FindingStatus::Pass
    );
}

// ---- Hosting (004: 托管在第三方机房 …; Q2: 阿里云上海节点 可以) ----------------------------

fn hosted(kind: RoomKind, host: &str, papers: Vec<EvidenceItem>) -> Vec<EvidenceItem> {
    let mut ev = complete_evidence();
    for i in &mut ev {
        if let EvidenceBody::Checklist(Checklist::RoomOrRack(r)) = &mut i.body {
            r.room_kind = kind;
            r.carrier = Some(host.into());
            r.hosting_agreement_item = Some("d-hosting".into());
            r.idc_license_item = Some("d-idc".into());
            r.technical_plan_item = Some("d-plan".into());
        }
    }
    ev.push(document(
        "d-hosting",
        &["room.room_or_rack"],
        DocumentFacts::HostingAgreement {
            carrier: Some(host.into()),
            end: None,
        },
    ));
    ev.push(document(
        "d-idc",
        &["room.room_or_rack"],
        DocumentFacts::IdcLicense,
    ));
    ev.extend(papers);
    ev
}

fn plan(landing: Option<&str>, backup: Option<&str>) -> EvidenceItem {
    document(
        "d-plan",
        &["room.room_or_rack"],
        DocumentFacts::TechnicalPlan {
            data_landing: landing.map(str::to_owned),
            backup: backup.map(str::to_owned),
        },
    )
}

#[test]
fn any_third_party_machine_room_with_its_papers_is_accepted() {
    // Not one of the three carriers: an IDC with a hosting agreement and its licence.
    let ev = hosted(RoomKind::CarrierHosted, "世纪互联苏州数据中心", vec![]);
    for p in ["national", "provincial", "jiangsu-suzhou"] {
        assert_eq!(
            status(&profile(p), &inspection(), &ev, "room.room_or_rack"),
            FindingStatus::Pass,
            "{p}"
        );
    }
    // Without the licence copy it is not.
    let ev: Vec<_> = ev.into_iter().filter(|i| i.id != "d-idc").collect();
    let f = finding(
        &profile("jiangsu-suzhou"),
        &inspection(),
        &ev,
        "room.room_or_rack",
    );
    assert_eq!(f.status, FindingStatus::Fail);
    assert!(
        ids(&f).contains(&"room-do-bring-idc-license"),
        "{:?}",
        ids(&f)
    );
}

#[test]
fn cloud_seats_pass_with_the_agreement_the_licence_and_the_datas_locations() {
    // 004 Q2: 阿里云上海节点, with the cloud-service agreement, the IDC licence copy and a
    // technical plan stating 数据落地上海，备份在苏州.
    let ev = hosted(
        RoomKind::Cloud,
        "阿里云华东2（上海）",
        vec![plan(Some("上海"), Some("苏州"))],
    );
    let f = finding(
        &profile("jiangsu-suzhou"),
        &inspection(),
        &ev,
        "room.room_or_rack",
    );
    assert_eq!(f.status, FindingStatus::Pass, "{}", f.message.zh);
    assert!(f.message.zh.contains("上海") && f.message.zh.contains("苏州"));
    // The plan states no backup: fails, saying what is missing.
    let ev = hosted(RoomKind::Cloud, "阿里云", vec![plan(Some("上海"), None)]);
    let f = finding(
        &profile("jiangsu-suzhou"),
        &inspection(),
        &ev,
        "room.room_or_rack",
    );
    assert_eq!(f.status, FindingStatus::Fail);
    assert!(
        ids(&f).contains(&"room-do-bring-technical-plan"),
        "{:?}",
        ids(&f)
    );
    let said = &f.says[0];
    assert!(
        format!("{said:?}").contains("room-cloud-no-backup"),
        "{said:?}"
    );
    // No plan at all: fails too.
    let ev = hosted(RoomKind::Cloud, "阿里云", vec![]);
    assert_eq!(
        status(
            &profile("jiangsu-suzhou"),
            &inspection(),
            &ev,
            "room.room_or_rack"
        ),
        FindingStatus::Fail
    );
}

// ---- Recording retention (004: 话务录音保存 30 天 功能, 现场演示; 000: 近2個月的錄音) ------------

fn retention(oldest: Option<&str>, configured: Option<u32>) -> Vec<EvidenceItem> {
    let mut ev = complete_evidence();
    for i in &mut ev {
        if let EvidenceBody::Checklist(Checklist::RecordingRetention(r)) = &mut i.body {
            r.oldest_playable_recording_on = oldest.map(day);
            r.retention_days_configured = configured;
        }
    }
    ev
}

#[test]
fn a_new_system_set_to_keep_recordings_30_days_passes_without_month_old_calls() {
    // Installed last week: its oldest recording is from yesterday.
    let suzhou = profile("jiangsu-suzhou");
    let ev = retention(Some("2026-11-22"), Some(30));
    assert_eq!(
        status(&suzhou, &inspection(), &ev, "system.recording_retention"),
        FindingStatus::Pass
    );
    let ev = retention(Some("2026-11-22"), Some(15));
    let f = finding(&suzhou, &inspection(), &ev, "system.recording_retention");
    assert_eq!(f.status, FindingStatus::Fail);
    assert!(ids(&f).contains(&"system-do-keep-recordings"));
    // No setting recorded and only a fresh recording: a person must see the setting.
    let ev = retention(Some("2026-11-22"), None);
    let f = finding(&suzhou, &inspection(), &ev, "system.recording_retention");
    assert_eq!(f.status, FindingStatus::NeedsReview);
    assert!(ids(&f).contains(&"system-do-show-retention-setting"));
    // A recording already 30 days old shows the function as well.
    let ev = retention(Some("2026-10-01"), None);
    assert_eq!(
        status(&suzhou, &inspection(), &ev, "system.recording_retention"),
        FindingStatus::Pass
    );
}

#[test]
fn a_renewal_needs_the_recordings_of_the_last_two_months_whatever_the_setting() {
    let mut insp = inspection();
    insp.application.kind = ApplicationKind::Renewal;
    let suzhou = profile("jiangsu-suzhou");
    // Set to 180 days, but only one month of recordings plays back.
    let ev = retention(Some("2026-10-23"), Some(180));
    assert_eq!(
        status(&suzhou, &insp, &ev, "system.recording_retention"),
        FindingStatus::Fail
    );
    let ev = retention(Some("2026-09-20"), None);
    assert_eq!(
        status(&suzhou, &insp, &ev, "system.recording_retention"),
        FindingStatus::Pass
    );
    let ev = retention(None, Some(180));
    let f = finding(&suzhou, &insp, &ev, "system.recording_retention");
    assert_eq!(f.status, FindingStatus::Missing);
    assert!(ids(&f).contains(&"system-do-bring-recordings"));
}

// ---- The same three people (004: 至少 3 名计算机/通信相关专业员工在苏州本地连续交社保 1 个月) ----

fn person(n: u32, place: &str, related: bool) -> EvidenceItem {
    let mut item = si_scan(
        &format!("si-{n}"),
        n,
        COMPANY,
        Some(USCC),
        place,
        Some(6),
        &[],
    );
    if let EvidenceBody::SiScan(s) = &mut item.body {
        s.specialty_related = Some(related);
        s.specialty = Some(if related { "通信工程" } else { "会计学" }.into());
    }
    item
}

#[test]
fn in_suzhou_three_locals_and_three_specialists_must_be_the_same_three() {
    let base: Vec<_> = complete_evidence()
        .into_iter()
        .filter(|i| !matches!(i.body, EvidenceBody::SiScan(_)))
        .collect();
    // Three insured in Suzhou who studied accounting, three specialists insured in Shanghai.
    let mut ev = base.clone();
    for n in 1..=3 {
        ev.push(person(n, "苏州工业园区", false));
    }
    for n in 4..=6 {
        ev.push(person(n, "上海市浦东新区", true));
    }
    let suzhou = profile("jiangsu-suzhou");
    let insp = inspection();
    // Counted one condition at a time, each is met …
    assert_eq!(
        status(&suzhou, &insp, &ev, "staff.si_local"),
        FindingStatus::Pass
    );
    // … but by different people.
    let f = finding(&suzhou, &insp, &ev, "staff.si_qualified");
    assert_eq!(f.status, FindingStatus::Fail, "{}", f.message.zh);
    // Three who are each local, specialists and insured long enough: pass.
    let mut ev = base;
    for n in 1..=3 {
        ev.push(person(n, "苏州高新区", true));
    }
    assert_eq!(
        status(&suzhou, &insp, &ev, "staff.si_qualified"),
        FindingStatus::Pass
    );
    // The national and provincial profiles check the conditions rule by rule.
    assert_eq!(
        status(&profile("national"), &insp, &ev, "staff.si_qualified"),
        FindingStatus::NotApplicable
    );
}

// ---- Renewal staff (000: 至少有3名坐席/客服人員) -----------------------------------------

#[test]
fn a_renewal_counts_agents_not_seats() {
    let mut insp = inspection();
    insp.application.kind = ApplicationKind::Renewal;
    let suzhou = profile("jiangsu-suzhou");
    // Five seats, but of the insured staff only the customer-service lead serves customers.
    let ev = complete_evidence();
    let f = finding(&suzhou, &insp, &ev, "staff.agents");
    assert_eq!(f.status, FindingStatus::Fail, "{}", f.message.zh);
    assert_eq!(
        status(&suzhou, &insp, &ev, "seats.physical_count"),
        FindingStatus::NotApplicable
    );
    // Three agents (one seat is enough to count people): pass.
    let ev: Vec<_> = complete_evidence()
        .into_iter()
        .filter(|i| !matches!(i.body, EvidenceBody::SiScan(_)))
        .chain((1..=3).map(|n| si_person(n, &[StaffRole::Agent])))
        .collect();
    assert_eq!(
        status(&suzhou, &insp, &ev, "staff.agents"),
        FindingStatus::Pass
    );
    // A new license counts its seats instead.
    assert_eq!(
        status(&suzhou, &inspection(), &ev, "staff.agents"),
        FindingStatus::NotApplicable
    );
}

// ---- Business scope (000, 003: 增值电信业务; 004: 章程 需写“第二类增值电信业务”) ---------------

#[test]
fn a_scope_listing_only_value_added_telecom_business_is_accepted() {
    let mut insp = inspection();
    insp.company.business_scope = "增值电信业务；软件开发".into();
    let ev = docs(
        complete_evidence(),
        |d| matches!(d, DocumentFacts::BusinessLicense { .. }),
        vec![document(
            "d-license",
            &["company.business_scope"],
            DocumentFacts::BusinessLicense {
                business_scope: Some("增值电信业务；软件开发".into()),
            },
        )],
    );
    for p in ["national", "provincial", "jiangsu-suzhou"] {
        assert_eq!(
            status(&profile(p), &insp, &ev, "company.business_scope"),
            FindingStatus::Pass,
            "{p}"
        );
    }
    // 信息服务业务 is another service of the catalogue.
    insp.company.business_scope = "信息服务业务".into();
    let ev = docs(
        ev,
        |d| matches!(d, DocumentFacts::BusinessLicense { .. }),
        vec![],
    );
    assert_eq!(
        status(&profile("national"), &insp, &ev, "company.business_scope"),
        FindingStatus::Fail
    );
}

#[test]
fn in_suzhou_the_articles_of_association_must_state_class_two() {
    let articles = |text: Option<&str>| {
        docs(
            complete_evidence(),
            |d| matches!(d, DocumentFacts::ArticlesOfAssociation { .. }),
            text.map(|t| {
                document(
                    "d-articles",
                    &["company.business_scope"],
                    DocumentFacts::ArticlesOfAssociation {
                        business_scope: Some(t.into()),
                    },
                )
            })
            .into_iter()
            .collect(),
        )
    };
    let suzhou = profile("jiangsu-suzhou");
    let insp = inspection();
    let f = finding(
        &suzhou,
        &insp,
        &articles(Some("增值电信业务")),
        "company.business_scope",
    );
    assert_eq!(f.status, FindingStatus::Fail);
    assert!(ids(&f).contains(&"company-do-amend-articles"));
    let f = finding(&suzhou, &insp, &articles(None), "company.business_scope");
    assert_eq!(f.status, FindingStatus::Missing);
    assert_eq!(
        status(
            &suzhou,
            &insp,
            &articles(Some("第二类增值电信业务中的呼叫中心业务")),
            "company.business_scope"
        ),
        FindingStatus::Pass
    );
    // Outside Suzhou the articles are not read.
    assert_eq!(
        status(
            &profile("provincial"),
            &insp,
            &articles(None),
            "company.business_scope"
        ),
        FindingStatus::Pass
    );
}

// ---- The scope of a profile -----------------------------------------------------------

#[test]
fn a_profile_of_the_other_scope_is_refused_naming_both() {
    let insp = inspection(); // provincial (地网)
    let err = profile("national").check_scope(&insp).unwrap_err();
    assert!(matches!(
        err,
        ProfileError::ScopeMismatch {
            profile_scope: Scope::Nationwide,
            inspection_scope: Scope::Provincial,
            ..
        }
    ));
    let zh = err.message().text().zh;
    assert!(zh.contains("全网") && zh.contains("地网"), "{zh}");
    profile("provincial").check_scope(&insp).unwrap();
    // 004 is a provincial license: the Suzhou profile says so.
    profile("jiangsu-suzhou").check_scope(&insp).unwrap();
    let mut nationwide = inspection();
    nationwide.scope = Scope::Nationwide;
    assert!(profile("jiangsu-suzhou").check_scope(&nationwide).is_err());
}

// ---- Deadlines the regulator keeps ----------------------------------------------------

#[test]
fn a_late_visit_is_information_and_the_company_stays_ready() {
    let mut insp = inspection();
    // Accepted 2026-10-26: the visit on 2026-11-23 is on working day 20.
    insp.application.accepted_on = Some(day("2026-10-26"));
    let suzhou = profile("jiangsu-suzhou");
    let findings = evaluate(&suzhou, &insp, &complete_evidence());
    let late = findings
        .iter()
        .find(|f| f.rule_id == "process.inspection_deadline")
        .unwrap();
    assert_eq!(late.status, FindingStatus::Fail);
    assert_eq!(late.severity, Severity::Info);
    let summary = summarize(&findings);
    assert_eq!(summary.information, 1);
    assert!(summary.ready, "{:?}", summary);
    assert!(
        summary.text().zh.contains("仅供参考"),
        "{}",
        summary.text().zh
    );
    // A failure the company owns still makes it not ready.
    let ev: Vec<_> = complete_evidence()
        .into_iter()
        .filter(|i| i.id != "c-office")
        .collect();
    assert!(!summarize(&evaluate(&suzhou, &insp, &ev)).ready);
}

#[test]
fn each_profile_counts_the_decision_deadline_in_its_sources_calendar() {
    // Filed 2026-09-01, accepted 2026-09-04, decided 2026-11-13: 73 calendar days after
    // filing (000: over 60), 50 working days after acceptance (004: within 60; the profile
    // lists no holidays, so only weekends are left out).
    let mut insp = inspection();
    insp.application.filed_on = Some(day("2026-09-01"));
    insp.application.accepted_on = Some(day("2026-09-04"));
    insp.application.decided_on = Some(day("2026-11-13"));
    let national = finding(
        &profile("provincial"),
        &insp,
        &complete_evidence(),
        "process.inspection_deadline",
    );
    assert!(
        ids(&national).contains(&"process-decision-late"),
        "{:?}",
        ids(&national)
    );
    assert!(
        national.message.zh.contains("自然日"),
        "{}",
        national.message.zh
    );
    let suzhou = finding(
        &profile("jiangsu-suzhou"),
        &insp,
        &complete_evidence(),
        "process.inspection_deadline",
    );
    assert!(
        !ids(&suzhou).contains(&"process-decision-late"),
        "{:?}",
        ids(&suzhou)
    );
    let days = suzhou
        .measures
        .iter()
        .find(|m| m.name == "days_to_decision")
        .unwrap();
    assert_eq!(days.value, "50");
}

// ---- Profiles recorded before these rules ---------------------------------------------

#[test]
fn a_profile_recorded_before_these_rules_still_loads_and_says_its_rules_changed() {
    // Today's Suzhou profile as an earlier engine recorded it: without the two staff rules,
    // with the room rule's old parameters.
    let today = profile("jiangsu-suzhou").source().to_owned();
    let mut recorded = String::new();
    for block in today.split("\n[[rule]]\n") {
        if block.starts_with("id = \"staff.si_qualified\"")
            || block.starts_with("id = \"staff.agents\"")
        {
            continue;
        }
        if !recorded.is_empty() {
            recorded.push_str("\n[[rule]]\n");
        }
        recorded.push_str(block);
    }
    let recorded = recorded.replace(
        "params = { allow_hosting = true, allow_cloud = true, require_data_locations = true, require_photo = true }",
        "params = { allow_carrier_hosting = true, carriers = [\"电信\", \"移动\", \"联通\"], require_photo = true }",
    );
    assert!(recorded.contains("allow_carrier_hosting"));
    // Today a profile must list every rule and use today's parameters …
    assert!(RuleProfile::from_toml(&recorded).is_err());
    // … but a recorded one is read as it was judged: it verifies with a note.
    let p = RuleProfile::from_recorded_toml(&recorded).unwrap();
    let findings = evaluate(&p, &inspection(), &complete_evidence());
    assert!(findings.iter().all(|f| f.rule_id != "staff.agents"));
    let room = findings
        .iter()
        .find(|f| f.rule_id == "room.room_or_rack")
        .unwrap();
    assert_eq!(room.status, FindingStatus::NeedsReview);
    assert_eq!(room.says[0].id, "rule-bad-parameters");
}

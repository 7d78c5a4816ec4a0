//! The rules issue 16 found missing — carrier and client agreements, the bad-record list and
//! the annual inspection records of a renewal (000), Suzhou's ICP access provider and
//! information-security policies (004), the management systems in practice (003), the
//! pilot areas of 002 — each proven on the case its source describes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use hecha_core::model::*;
use hecha_core::rules::{Recheck, RuleProfile, evaluate, recheck};

const PROFILES: [&str; 3] = ["national", "provincial", "jiangsu-suzhou"];

const NEW_RULES: [&str; 5] = [
    "company.carrier_agreements",
    "company.client_agreements",
    "company.not_on_bad_record_list",
    "company.policies",
    "license.annual_inspection_records",
];

fn profile(id: &str) -> RuleProfile {
    RuleProfile::builtin(id).unwrap()
}

fn finding_of(
    profile: &RuleProfile,
    inspection: &Inspection,
    evidence: &[EvidenceItem],
    rule: &str,
) -> Finding {
    evaluate(profile, inspection, evidence)
        .into_iter()
        .find(|f| f.rule_id == rule)
        .unwrap_or_else(|| panic!("no finding for {rule}"))
}

fn says(f: &Finding) -> Vec<&str> {
    f.says.iter().map(|m| m.id.as_str()).collect()
}

/// A renewal filed 2026-11-02 of a license issued 2022-01-10, expiring 2027-01-10: its
/// annual inspections were due in 2023, 2024, 2025 and 2026.
fn renewal() -> Inspection {
    let mut insp = inspection();
    insp.application.kind = ApplicationKind::Renewal;
    insp.license = Some(LicenseFacts {
        number: Some("苏B2-20220001".into()),
        issued_on: day("2022-01-10"),
        expires_on: day("2027-01-10"),
        annual_reports_filed_on: vec![
            day("2023-03-01"),
            day("2024-02-20"),
            day("2025-03-10"),
            day("2026-01-15"),
        ],
    });
    insp
}

const DUE_YEARS: [i32; 4] = [2023, 2024, 2025, 2026];

fn renewal_evidence() -> Vec<EvidenceItem> {
    let mut ev = complete_evidence();
    ev.extend(renewal_documents(&DUE_YEARS));
    ev
}

/// `evidence` with the document `id`'s facts replaced.
fn with_facts(
    mut evidence: Vec<EvidenceItem>,
    id: &str,
    facts: DocumentFacts,
) -> Vec<EvidenceItem> {
    let item = evidence.iter_mut().find(|i| i.id == id).unwrap();
    item.body = EvidenceBody::Document(Document { title: None, facts });
    evidence
}

fn without(evidence: Vec<EvidenceItem>, id: &str) -> Vec<EvidenceItem> {
    evidence.into_iter().filter(|i| i.id != id).collect()
}

fn trunk(party_a: Option<&str>, end: &str) -> DocumentFacts {
    DocumentFacts::CarrierAgreement {
        agreement: CarrierAgreementKind::Trunk,
        party_a: party_a.map(str::to_owned),
        carrier: Some("中国电信股份有限公司苏州分公司".into()),
        end: Some(day(end)),
    }
}

#[test]
fn every_profile_lists_the_new_rules_with_their_sources_and_the_visit_rechecks_them() {
    for id in PROFILES {
        let p = profile(id);
        for rule in NEW_RULES {
            let spec = p.rule(rule).unwrap_or_else(|| panic!("{id} lacks {rule}"));
            assert!(spec.applies, "{id}/{rule}");
            assert!(!p.citations(rule).is_empty(), "{id}/{rule}");
        }
    }
    assert_eq!(recheck("company.policies"), Some(Recheck::OnSite));
    for rule in [
        "company.carrier_agreements",
        "company.client_agreements",
        "company.not_on_bad_record_list",
        "license.annual_inspection_records",
    ] {
        assert_eq!(recheck(rule), Some(Recheck::AsOfTheDay), "{rule}");
    }
}

#[test]
fn a_renewal_hands_in_the_number_access_and_trunk_agreements_in_its_own_name() {
    // 000: 與運營商簽訂的協議(碼號接入協議+中繼線協議); 004: 甲方必须是你公司.
    let insp = renewal();
    for id in PROFILES {
        let p = profile(id);
        let f = finding_of(&p, &insp, &renewal_evidence(), "company.carrier_agreements");
        assert_eq!(f.status, FindingStatus::Pass, "{id}: {}", f.message.en);
        assert!(f.evidence_ids.contains(&"d-number-access".to_owned()));
        // The trunk agreement alone is not enough for a renewal.
        let ev = without(renewal_evidence(), "d-number-access");
        let f = finding_of(&p, &insp, &ev, "company.carrier_agreements");
        assert_eq!(f.status, FindingStatus::Missing, "{id}");
        assert!(f.message.zh.contains("码号接入协议"), "{}", f.message.zh);
        assert!(says(&f).contains(&"company-do-bring-carrier-agreements"));
    }
    let p = profile("jiangsu-suzhou");
    // Signed by an agency in its own name: party A is not the company.
    let agency = "苏州某通信代理有限公司";
    let ev = with_facts(
        renewal_evidence(),
        "d-trunk",
        trunk(Some(agency), "2027-12-31"),
    );
    let f = finding_of(&p, &insp, &ev, "company.carrier_agreements");
    assert_eq!(f.status, FindingStatus::Fail);
    assert!(f.message.zh.contains(agency) && f.message.en.contains("party A"));
    assert!(says(&f).contains(&"company-do-carrier-party-a"));
    // Party A written with spaces and half-width brackets is still the company.
    let spaced = format!(" {COMPANY} ");
    let ev = with_facts(
        renewal_evidence(),
        "d-trunk",
        trunk(Some(&spaced), "2027-12-31"),
    );
    let f = finding_of(&p, &insp, &ev, "company.carrier_agreements");
    assert_eq!(f.status, FindingStatus::Pass, "{}", f.message.en);
    // Party A not stated: a person reads the agreement.
    let ev = with_facts(renewal_evidence(), "d-trunk", trunk(None, "2027-12-31"));
    let f = finding_of(&p, &insp, &ev, "company.carrier_agreements");
    assert_eq!(f.status, FindingStatus::NeedsReview);
    // An agreement that ended before the visit's day does not count.
    let ev = with_facts(
        renewal_evidence(),
        "d-trunk",
        trunk(Some(COMPANY), "2026-10-31"),
    );
    let f = finding_of(&p, &insp, &ev, "company.carrier_agreements");
    assert_eq!(f.status, FindingStatus::Fail);
    assert!(f.message.en.contains("2026-10-31"), "{}", f.message.en);
    // A trunk agreement recorded before agreements had a kind states no party A.
    let ev = with_facts(renewal_evidence(), "d-trunk", DocumentFacts::TrunkAgreement);
    let f = finding_of(&p, &insp, &ev, "company.carrier_agreements");
    assert_eq!(f.status, FindingStatus::NeedsReview, "{}", f.message.en);
    assert!(says(&f).contains(&"company-carrier-party-unknown"));
}

#[test]
fn a_new_license_brings_a_trunk_or_cloud_agreement_in_suzhou_and_no_number_access_yet() {
    // 004: 与基础运营商签署的“中继线协议”或“云呼叫中心合作协议”; 许可证不绑定具体码号.
    let suzhou = profile("jiangsu-suzhou");
    let insp = inspection();
    let f = finding_of(
        &suzhou,
        &insp,
        &complete_evidence(),
        "company.carrier_agreements",
    );
    assert_eq!(f.status, FindingStatus::Pass, "{}", f.message.en);
    let ev = without(complete_evidence(), "d-trunk");
    let f = finding_of(&suzhou, &insp, &ev, "company.carrier_agreements");
    assert_eq!(f.status, FindingStatus::Missing);
    assert!(
        f.message.zh.contains("中继线协议") && f.message.zh.contains("云呼叫中心合作协议"),
        "{}",
        f.message.zh
    );
    // A cloud call-center agreement stands for the trunk agreement.
    let mut cloud = ev.clone();
    cloud.push(carrier_agreement(
        "d-cloud",
        CarrierAgreementKind::CloudCallCenter,
    ));
    assert_eq!(
        finding_of(&suzhou, &insp, &cloud, "company.carrier_agreements").status,
        FindingStatus::Pass
    );
    // A number-access agreement does not: there is no number before the license.
    let mut number = ev.clone();
    number.push(carrier_agreement(
        "d-number",
        CarrierAgreementKind::NumberAccess,
    ));
    assert_eq!(
        finding_of(&suzhou, &insp, &number, "company.carrier_agreements").status,
        FindingStatus::Missing
    );
    // Elsewhere a new license hands in no carrier agreement (Suzhou's list of materials).
    for id in ["national", "provincial"] {
        let f = finding_of(&profile(id), &insp, &ev, "company.carrier_agreements");
        assert_eq!(f.status, FindingStatus::NotApplicable, "{id}");
    }
}

#[test]
fn a_renewal_shows_service_agreements_with_third_party_clients() {
    // 000: 與客戶簽署的服務協議 (renewal); 僅向自有客戶提供咨詢等服務 is no call-center business.
    let p = profile("provincial");
    let f = finding_of(
        &p,
        &inspection(),
        &complete_evidence(),
        "company.client_agreements",
    );
    assert_eq!(f.status, FindingStatus::NotApplicable);
    let insp = renewal();
    let f = finding_of(&p, &insp, &renewal_evidence(), "company.client_agreements");
    assert_eq!(f.status, FindingStatus::Pass, "{}", f.message.en);
    assert_eq!(f.measures[0].value, "1");
    let client = |client: Option<&str>, end: &str| DocumentFacts::ClientServiceAgreement {
        client: client.map(str::to_owned),
        end: Some(day(end)),
    };
    // The company serving its own customers.
    let ev = with_facts(
        renewal_evidence(),
        "d-client",
        client(Some(COMPANY), "2027-06-30"),
    );
    let f = finding_of(&p, &insp, &ev, "company.client_agreements");
    assert_eq!(f.status, FindingStatus::Fail);
    assert!(
        f.message.en.contains("the company itself"),
        "{}",
        f.message.en
    );
    assert!(says(&f).contains(&"company-do-bring-client-agreements"));
    // The client not stated.
    let ev = with_facts(renewal_evidence(), "d-client", client(None, "2027-06-30"));
    assert_eq!(
        finding_of(&p, &insp, &ev, "company.client_agreements").status,
        FindingStatus::NeedsReview
    );
    // Ended before the visit.
    let ev = with_facts(
        renewal_evidence(),
        "d-client",
        client(Some("某银行"), "2026-06-30"),
    );
    assert_eq!(
        finding_of(&p, &insp, &ev, "company.client_agreements").status,
        FindingStatus::Fail
    );
    let ev = without(renewal_evidence(), "d-client");
    assert_eq!(
        finding_of(&p, &insp, &ev, "company.client_agreements").status,
        FindingStatus::Missing
    );
}

#[test]
fn a_renewal_shows_by_a_recent_query_that_the_company_is_not_on_the_bad_record_list() {
    // 000: 近五年的年檢記錄(未被列入通信不良名單).
    let p = profile("jiangsu-suzhou");
    let rule = "company.not_on_bad_record_list";
    assert_eq!(
        finding_of(&p, &inspection(), &complete_evidence(), rule).status,
        FindingStatus::NotApplicable
    );
    let insp = renewal();
    let f = finding_of(&p, &insp, &renewal_evidence(), rule);
    assert_eq!(f.status, FindingStatus::Pass, "{}", f.message.en);
    let query = |on: &str, listed: Option<bool>| DocumentFacts::BadRecordListQuery {
        checked_on: Some(day(on)),
        listed,
        checked_in: Some("电信业务市场综合管理信息系统".into()),
    };
    let ev = with_facts(
        renewal_evidence(),
        "d-bad-record",
        query("2026-11-02", Some(true)),
    );
    let f = finding_of(&p, &insp, &ev, rule);
    assert_eq!(f.status, FindingStatus::Fail);
    assert!(
        f.message.zh.contains("已被列入通信不良名单"),
        "{}",
        f.message.zh
    );
    let ev = with_facts(
        renewal_evidence(),
        "d-bad-record",
        query("2026-11-02", None),
    );
    assert_eq!(
        finding_of(&p, &insp, &ev, rule).status,
        FindingStatus::NeedsReview
    );
    // A clear result from August says little in late November (60 days at most).
    let ev = with_facts(
        renewal_evidence(),
        "d-bad-record",
        query("2026-08-01", Some(false)),
    );
    let f = finding_of(&p, &insp, &ev, rule);
    assert_eq!(f.status, FindingStatus::NeedsReview);
    assert_eq!(f.measures[0].value, "114");
    // The latest query decides: listed in January, taken off by November.
    let mut ev = with_facts(
        renewal_evidence(),
        "d-bad-record",
        query("2026-11-02", Some(false)),
    );
    ev.push(document(
        "d-bad-record-old",
        &[rule],
        query("2026-01-05", Some(true)),
    ));
    assert_eq!(finding_of(&p, &insp, &ev, rule).status, FindingStatus::Pass);
    let ev = without(renewal_evidence(), "d-bad-record");
    assert_eq!(
        finding_of(&p, &insp, &ev, rule).status,
        FindingStatus::Missing
    );
}

#[test]
fn annual_inspection_records_cover_each_year_since_the_license_was_issued() {
    // 000: 近五年的年檢記錄; 004: 每年 1–3 月做“增值电信年检”; 003: 年檢不合格 may cost the license.
    let rule = "license.annual_inspection_records";
    let p = profile("national");
    assert_eq!(
        finding_of(&p, &inspection(), &complete_evidence(), rule).status,
        FindingStatus::NotApplicable
    );
    let insp = renewal();
    let f = finding_of(&p, &insp, &renewal_evidence(), rule);
    assert_eq!(f.status, FindingStatus::Pass, "{}", f.message.en);
    assert!(f.message.en.contains("2023 to 2026"), "{}", f.message.en);
    // No record for 2024.
    let ev = without(renewal_evidence(), "d-annual-2024");
    let f = finding_of(&p, &insp, &ev, rule);
    assert_eq!(f.status, FindingStatus::Missing);
    assert!(f.message.en.contains("2024") && !f.message.en.contains("2023"));
    // The 2025 inspection was not passed.
    let failed = DocumentFacts::AnnualInspectionRecord {
        year: 2025,
        passed: Some(false),
    };
    let ev = with_facts(renewal_evidence(), "d-annual-2025", failed);
    let f = finding_of(&p, &insp, &ev, rule);
    assert_eq!(f.status, FindingStatus::Fail);
    assert!(
        f.message.zh.contains("年检不合格：2025"),
        "{}",
        f.message.zh
    );
    let unknown = DocumentFacts::AnnualInspectionRecord {
        year: 2025,
        passed: None,
    };
    let ev = with_facts(renewal_evidence(), "d-annual-2025", unknown);
    assert_eq!(
        finding_of(&p, &insp, &ev, rule).status,
        FindingStatus::NeedsReview
    );
    // In February 2026 that year's inspection is not due yet.
    let mut february = renewal();
    february.window.start = at("2026-02-10T09:00:00+08:00");
    february.window.end = at("2026-02-10T17:00:00+08:00");
    let ev = without(renewal_evidence(), "d-annual-2026");
    assert_eq!(
        finding_of(&p, &february, &ev, rule).status,
        FindingStatus::Pass
    );
    // The last `years` only: with 3, the 2023 record is not asked for.
    let three = p
        .source()
        .replace("years = 5, due_by_month = 3", "years = 3, due_by_month = 3");
    let three = RuleProfile::from_toml(&three).unwrap();
    let ev = without(renewal_evidence(), "d-annual-2023");
    assert_eq!(
        finding_of(&p, &insp, &ev, rule).status,
        FindingStatus::Missing
    );
    assert_eq!(
        finding_of(&three, &insp, &ev, rule).status,
        FindingStatus::Pass
    );
}

#[test]
fn suzhou_wants_the_icp_filing_through_an_access_provider_in_jiangsu() {
    // 004: 必须先完成 ICP 备案(接入商必须是江苏省内).
    let rule = "company.icp_filing";
    let filed = |province: Option<&str>| {
        let mut insp = inspection();
        insp.company.icp_filing = IcpFiling::Filed {
            number: "苏ICP备2026000001号".into(),
            access_provider: Some("某云计算有限公司".into()),
            access_provider_province: province.map(str::to_owned),
        };
        insp
    };
    let suzhou = profile("jiangsu-suzhou");
    let ev = complete_evidence();
    assert_eq!(
        finding_of(&suzhou, &filed(Some("江苏省")), &ev, rule).status,
        FindingStatus::Pass
    );
    let f = finding_of(&suzhou, &filed(Some("上海")), &ev, rule);
    assert_eq!(f.status, FindingStatus::Fail);
    assert!(
        f.message.zh.contains("在上海，不在江苏"),
        "{}",
        f.message.zh
    );
    assert!(says(&f).contains(&"company-do-icp-provider"));
    assert_eq!(
        finding_of(&suzhou, &filed(None), &ev, rule).status,
        FindingStatus::NeedsReview
    );
    // Elsewhere the provider's province is not restricted.
    for id in ["national", "provincial"] {
        let f = finding_of(&profile(id), &filed(Some("上海")), &ev, rule);
        assert_eq!(f.status, FindingStatus::Pass, "{id}");
    }
    // No voice codes or click-to-dial: no filing, no provider.
    let mut none = inspection();
    none.company.icp_filing = IcpFiling::NotNeeded;
    assert_eq!(
        finding_of(&suzhou, &none, &ev, rule).status,
        FindingStatus::Pass
    );
}

#[test]
fn the_policies_are_seen_on_site_and_carried_out() {
    // 004: 信息安全管理制度(含《用户信息保护制度》《垃圾电话处置预案》); 003: 管理制度落實情況.
    let rule = "company.policies";
    let suzhou = profile("jiangsu-suzhou");
    let provincial = profile("provincial");
    let insp = inspection();
    let f = finding_of(&suzhou, &insp, &complete_evidence(), rule);
    assert_eq!(f.status, FindingStatus::Pass, "{}", f.message.en);
    // No spam-call handling plan: Suzhou asks for it, the provincial profile does not.
    let ev = without(complete_evidence(), "d-policy-5");
    let f = finding_of(&suzhou, &insp, &ev, rule);
    assert_eq!(f.status, FindingStatus::Missing);
    assert!(
        f.message.zh.contains("垃圾电话处置预案"),
        "{}",
        f.message.zh
    );
    assert_eq!(
        finding_of(&provincial, &insp, &ev, rule).status,
        FindingStatus::Pass
    );
    // On paper only.
    let paper = DocumentFacts::Policy {
        name: "垃圾电话处置预案".into(),
        seen_in_practice: Some(false),
    };
    let f = finding_of(
        &suzhou,
        &insp,
        &with_facts(complete_evidence(), "d-policy-5", paper),
        rule,
    );
    assert_eq!(f.status, FindingStatus::Fail);
    assert!(says(&f).contains(&"company-do-practise-policies"));
    let unsaid = DocumentFacts::Policy {
        name: "垃圾电话处置预案".into(),
        seen_in_practice: None,
    };
    let ev = with_facts(complete_evidence(), "d-policy-5", unsaid);
    assert_eq!(
        finding_of(&suzhou, &insp, &ev, rule).status,
        FindingStatus::NeedsReview
    );
    // 003's name for 004's user-information protection policy is accepted.
    let data = DocumentFacts::Policy {
        name: "用户数据保护制度".into(),
        seen_in_practice: Some(true),
    };
    let ev = with_facts(complete_evidence(), "d-policy-3", data);
    for p in [&suzhou, &provincial] {
        assert_eq!(
            finding_of(p, &insp, &ev, rule).status,
            FindingStatus::Pass,
            "{}",
            p.id
        );
    }
    // 003's management systems are asked in every profile.
    let ev = without(complete_evidence(), "d-policy-1");
    for p in [&suzhou, &provincial] {
        let f = finding_of(p, &insp, &ev, rule);
        assert_eq!(f.status, FindingStatus::Missing, "{}", p.id);
        assert!(f.message.zh.contains("信息安全责任制"));
    }
}

/// A company registered in Shanghai, 60 % foreign-held, under foreign control.
fn shanghai_foreign_controlled() -> Inspection {
    let mut insp = inspection();
    insp.company.registered_address = "上海市浦东新区张江路 100 号".into();
    insp.company.registered_province = Some("上海".into());
    insp.company.foreign_share_percent = dec("60");
    insp.company.chinese_controlled = Some(false);
    insp.scope = Scope::Nationwide;
    insp
}

#[test]
fn foreign_control_in_a_pilot_area_of_002_needs_review_and_never_passes() {
    // 002: 試點地區如北京、上海、海南、深圳允許外資控股,但需通過國家安全審查 — a guide for
    // another license; 003: 外資股比通常不得超過50%; 004: 一旦外资超 50% 直接驳回.
    let rule = "company.foreign_ownership";
    let national = profile("national");
    let insp = shanghai_foreign_controlled();
    let ev = complete_evidence();
    let f = finding_of(&national, &insp, &ev, rule);
    assert_eq!(f.status, FindingStatus::NeedsReview, "{}", f.message.en);
    assert!(f.message.zh.contains("上海") && f.message.en.contains("another license"));
    assert!(says(&f).contains(&"company-do-confirm-pilot-zone"));
    let review = |passed| DocumentFacts::SecurityReview {
        passed: Some(passed),
    };
    let mut reviewed = ev.clone();
    reviewed.push(document("d-review", &[rule], review(true)));
    let f = finding_of(&national, &insp, &reviewed, rule);
    assert_eq!(f.status, FindingStatus::NeedsReview);
    assert!(f.evidence_ids.contains(&"d-review".to_owned()));
    let mut refused = ev.clone();
    refused.push(document("d-review", &[rule], review(false)));
    assert_eq!(
        finding_of(&national, &insp, &refused, rule).status,
        FindingStatus::Fail
    );
    // Registered in Jiangsu, no pilot area: the limit holds, and the finding says why.
    let mut jiangsu = insp.clone();
    jiangsu.company.registered_address = "江苏省苏州市苏州工业园区星湖街 328 号".into();
    jiangsu.company.registered_province = Some("江苏".into());
    let f = finding_of(&national, &jiangsu, &reviewed, rule);
    assert_eq!(f.status, FindingStatus::Fail);
    assert!(f.message.en.contains("does not apply"), "{}", f.message.en);
    // The Suzhou profile applies no pilot exception (004: 直接驳回).
    let f = finding_of(&profile("jiangsu-suzhou"), &insp, &reviewed, rule);
    assert_eq!(f.status, FindingStatus::Fail);
    assert!(
        !says(&f).iter().any(|s| s.contains("pilot")),
        "{:?}",
        says(&f)
    );
    // Within the limit and under Chinese control, everywhere a pass.
    let mut within = insp.clone();
    within.company.foreign_share_percent = dec("40");
    within.company.chinese_controlled = Some(true);
    for id in PROFILES {
        assert_eq!(
            finding_of(&profile(id), &within, &ev, rule).status,
            FindingStatus::Pass,
            "{id}"
        );
    }
}

#[test]
fn the_docs_say_which_items_of_002_the_call_center_profiles_leave_out() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/rules.md")).unwrap();
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/seeds/002_a5a8f4f4d60a08a7.txt"
    ))
    .unwrap();
    let section = doc
        .split("## What the call-center profiles leave out, and why")
        .nth(1)
        .expect("docs/rules.md has the section");
    // Each item is quoted from 002 as written.
    for quote in [
        "團隊中至少2名持有PMP或CCNA認證",
        "通過ISO27001信息安全管理體系認證",
        "提供第三方平臺壓力測試報告(并發(fā)處理能力≥1000路)",
        "電銷人員需人臉識別綁定工號",
        "部署AI動態(tài)監(jiān)測系統(tǒng),實時分析通話內(nèi)容,自動攔截高風險話術(shù)",
        "投訴率超0.5%的企業(yè)將被停業(yè)整頓",
    ] {
        assert!(seed.contains(quote), "002 does not say {quote}");
        assert!(
            section.contains(quote),
            "the section does not quote {quote}"
        );
    }
    for id in PROFILES {
        assert!(
            profile(id)
                .source()
                .contains("What the call-center profiles leave out, and why"),
            "{id}"
        );
    }
}

#[test]
fn a_skeleton_asks_for_the_agreements_records_and_policies() {
    let day = day("2026-11-23");
    let suzhou = hecha_core::rehearsal::skeleton::skeleton(&profile("jiangsu-suzhou"), "r", day);
    for wanted in [
        "# agreement = \"trunk\"",
        "# agreement = \"number_access\"",
        "# doc_kind = \"client_service_agreement\"",
        "# doc_kind = \"bad_record_list_query\"",
        "# name = \"垃圾电话处置预案\"",
        "# year = 2025",
    ] {
        assert!(suzhou.contains(wanted), "{wanted}");
    }
    assert!(!suzhou.contains("security_review"));
    let national = hecha_core::rehearsal::skeleton::skeleton(&profile("national"), "r", day);
    assert!(national.contains("# doc_kind = \"security_review\""));
    assert!(!national.contains("垃圾电话处置预案"));
}

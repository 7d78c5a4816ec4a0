//! The HTML report of a rehearsal folder.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;

use hecha_core::bundle::report::{ReportInput, render_report, render_report_citing};
use hecha_core::bundle::thumbnail::redacted_thumbnail;
use hecha_core::capture::pii::PersonHasher;
use hecha_core::model::Lang;
use hecha_core::rehearsal::load_folder;
use hecha_core::rules::{RuleProfile, evaluate};

#[test]
fn report_of_the_suzhou_example_is_self_contained_bilingual_and_masked() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/suzhou");
    let hasher = PersonHasher::new("test", &[7u8; 32]).unwrap();
    let r = load_folder(&dir, &hasher).unwrap();
    let profile = RuleProfile::builtin(&r.inspection.profile).unwrap();
    let findings = evaluate(&profile, &r.inspection, &r.evidence);
    let mut thumbs = BTreeMap::new();
    for (id, path) in &r.files {
        if let Ok(t) = redacted_thumbnail(&std::fs::read(path).unwrap(), 320) {
            thumbs.insert(id.clone(), t);
        }
    }
    let digest = "ab".repeat(32);
    let html = render_report(&ReportInput {
        inspection: &r.inspection,
        evidence: &r.evidence,
        findings: &findings,
        profile_id: &profile.id,
        profile_sha256: &profile.sha256(),
        engine_version: hecha_core::ENGINE_VERSION,
        manifest_sha256: Some(&digest),
        sealed_at: None,
        thumbnails: &thumbs,
        photo_params: &profile.photo,
    });
    assert!(html.contains("预检（演练），不是正式核查记录") && html.contains("REHEARSAL"));
    for f in &findings {
        assert!(html.contains(&f.rule_id), "{}", f.rule_id);
    }
    // Each finding's sources as citations: the words in Chinese, their English rendering.
    assert!(html.contains("004《在苏州办呼叫中心许可证》：「苏州办公场地≥100 ㎡」"));
    assert!(html.contains("An office in Suzhou of at least 100 m²."));
    assert!(!html.contains(".txt"), "a source shown as a file name");
    // Self-contained: pictures inline, no external fetches.
    assert!(html.contains("data:image/jpeg;base64,"));
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
    assert!(html.contains("<svg"), "manifest digest QR code");
    assert!(html.contains("SZ-SEAT-05"));
    // A rehearsal names what the visit checks again on its day.
    assert!(html.contains("正式核查当天会重新核查") && html.contains("checks these rules again"));
    // Roles by their names, not the program's.
    assert!(
        html.contains("许可证负责人") && html.contains("license lead"),
        "roles"
    );
    assert!(!html.contains("LicenseLead") && !html.contains("CustomerServiceLead"));
    // Personal data: masked only.
    assert!(html.contains("320***********0425"));
    assert!(!html.contains("320506198803120425"));
}

#[test]
fn a_report_judged_by_a_profile_recorded_before_citations_names_its_sources_by_title() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/suzhou");
    let hasher = PersonHasher::new("test", &[7u8; 32]).unwrap();
    let r = load_folder(&dir, &hasher).unwrap();
    let recorded = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/profiles-before-citations/jiangsu-suzhou.toml"),
    )
    .unwrap();
    let profile = RuleProfile::from_recorded_toml(&recorded).unwrap();
    let findings = evaluate(&profile, &r.inspection, &r.evidence);
    let sha = profile.sha256();
    let input = ReportInput {
        inspection: &r.inspection,
        evidence: &r.evidence,
        findings: &findings,
        profile_id: &profile.id,
        profile_sha256: &sha,
        engine_version: hecha_core::ENGINE_VERSION,
        manifest_sha256: None,
        sealed_at: None,
        thumbnails: &BTreeMap::new(),
        photo_params: &profile.photo,
    };
    // Handed the recorded profile, or not (its digest is no shipped profile's): titles.
    for html in [
        render_report_citing(&input, Some(&profile)),
        render_report(&input),
    ] {
        assert!(html.contains("004《在苏州办呼叫中心许可证》"));
        assert!(html.contains("Getting a call-center license in Suzhou"));
        assert!(
            !html.contains("：「"),
            "no quote in a profile without citations"
        );
        assert!(!html.contains(".txt"), "a source shown as a file name");
    }
    // Handed today's profile instead, the report quotes it.
    let today = RuleProfile::builtin("jiangsu-suzhou").unwrap();
    let html = render_report_citing(&input, Some(&today));
    let area = hecha_core::rules::finding_sources(&findings[0], Some(&today));
    assert!(html.contains(&area[1].line(Lang::Zh)), "{:?}", area[1]);
}

/// A record whose QR text was read in a guessed charset says so under the name.
#[test]
fn a_guessed_charset_is_shown_with_the_record() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/suzhou");
    let hasher = PersonHasher::new("test", &[7u8; 32]).unwrap();
    let mut r = load_folder(&dir, &hasher).unwrap();
    let profile = RuleProfile::builtin(&r.inspection.profile).unwrap();
    let render = |evidence: &[hecha_core::model::EvidenceItem]| {
        let findings = evaluate(&profile, &r.inspection, evidence);
        render_report(&ReportInput {
            inspection: &r.inspection,
            evidence,
            findings: &findings,
            profile_id: &profile.id,
            profile_sha256: &profile.sha256(),
            engine_version: hecha_core::ENGINE_VERSION,
            manifest_sha256: None,
            sealed_at: None,
            thumbnails: &BTreeMap::new(),
            photo_params: &profile.photo,
        })
    };
    let note = "二维码文字的字符集系推测：GB18030";
    assert!(!render(&r.evidence).contains(note));
    let scan = r
        .evidence
        .iter_mut()
        .find_map(|i| match &mut i.body {
            hecha_core::model::EvidenceBody::SiScan(s) => Some(s),
            _ => None,
        })
        .unwrap();
    scan.record.charset_guessed = Some("GB18030".into());
    let html = render(&r.evidence);
    assert!(html.contains(note), "zh");
    assert!(
        html.contains("QR text in a guessed character set: GB18030"),
        "en"
    );
}

//! The HTML report of a rehearsal folder.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;

use hecha_core::bundle::report::{ReportInput, render_report};
use hecha_core::bundle::thumbnail::redacted_thumbnail;
use hecha_core::capture::pii::PersonHasher;
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
    for seed in ["004_7b0e624443e9969e.txt", "002_a5a8f4f4d60a08a7.txt"] {
        assert!(html.contains(seed));
    }
    // Self-contained: pictures inline, no external fetches.
    assert!(html.contains("data:image/jpeg;base64,"));
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
    assert!(html.contains("<svg"), "manifest digest QR code");
    assert!(html.contains("SZ-SEAT-05"));
    // Personal data: masked only.
    assert!(html.contains("320***********0425"));
    assert!(!html.contains("320506198803120425"));
}

//! A profile's `[photo]` table: required, the one source of how a photo is assessed —
//! by `site.real_address`, and by the phone, the intake and the report when that rule is
//! off — and read from the rule's parameters in profiles recorded before it existed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use hecha_core::capture::photo::{BackingPhotoOutside, PhotoFlag, assess_photo};
use hecha_core::model::*;
use hecha_core::rules::{RuleProfile, evaluate};

fn national() -> String {
    RuleProfile::builtin("national")
        .unwrap()
        .source()
        .to_owned()
}

/// `national` with its `[photo]` table replaced by `table` (the header included).
fn with_photo_table(table: &str) -> String {
    let src = national();
    let start = src.find("[photo]\n").unwrap();
    let end = start + src[start..].find("\n\n").unwrap();
    format!("{}{table}{}", &src[..start], &src[end..])
}

/// `national` with `site.real_address` turned off.
fn real_address_off(src: &str) -> String {
    src.replace(
        "id = \"site.real_address\"\n",
        "id = \"site.real_address\"\napplies = false\n",
    )
}

/// A photo on site, in the window, whose Software tag names `software`.
fn edited_with(id: &str, software: &str) -> EvidenceItem {
    let mut p = photo(id, &["site.real_address"]);
    if let EvidenceBody::Photo(photo) = &mut p.body {
        photo.exif.as_mut().unwrap().software = Some(software.into());
    }
    p
}

fn flags(profile: &RuleProfile, item: &EvidenceItem) -> Vec<PhotoFlag> {
    let EvidenceBody::Photo(p) = &item.body else {
        panic!("not a photo")
    };
    assess_photo(p.exif.as_ref().unwrap(), &inspection(), &profile.photo).flags
}

#[test]
fn every_shipped_profile_sets_its_photo_table() {
    for id in ["national", "provincial", "jiangsu-suzhou"] {
        let p = RuleProfile::builtin(id).unwrap();
        assert_eq!(p.photo.max_gps_camera_skew_s, 300, "{id}");
        assert!(
            p.photo.editing_software.contains(&"polarr".to_owned()),
            "{id}"
        );
    }
}

#[test]
fn a_profile_without_a_photo_table_does_not_load() {
    let err = RuleProfile::from_toml(&with_photo_table(""))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("national")
            && err.contains("[photo]")
            && err.contains("max_gps_camera_skew_s")
            && err.contains("editing_software")
            && err.contains("backing_photo_outside"),
        "{err}"
    );
    // A recorded one (sealed before `[photo]`) is read as it was judged then: with the
    // engine's built-in parameters of that time, since its rule named none.
    let recorded = RuleProfile::from_recorded_toml(&with_photo_table("")).unwrap();
    assert_eq!(
        recorded.photo.max_gps_camera_skew_s,
        hecha_core::rules::PHOTO_BEFORE_ITS_TABLE.0
    );
}

#[test]
fn a_photo_table_missing_a_parameter_names_it() {
    let err = RuleProfile::from_toml(&with_photo_table("[photo]\nmax_gps_camera_skew_s = 300"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("editing_software"), "{err}");
    let err = RuleProfile::from_toml(&with_photo_table("[photo]\nediting_software = []"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("max_gps_camera_skew_s"), "{err}");
    let err = RuleProfile::from_toml(&with_photo_table(
        "[photo]\nmax_gps_camera_skew_s = 300\nediting_software = []\nmin_photos = 2",
    ))
    .unwrap_err()
    .to_string();
    assert!(err.contains("min_photos"), "{err}");
    let err = RuleProfile::from_toml(&with_photo_table(
        "[photo]\nmax_gps_camera_skew_s = 300\nediting_software = []",
    ))
    .unwrap_err()
    .to_string();
    assert!(err.contains("backing_photo_outside"), "{err}");
}

#[test]
fn a_photo_table_recorded_before_backing_photo_outside_reads_as_it_was_judged() {
    // Engines up to +rules.2 let any photo naming a rule back it.
    let recorded =
        with_photo_table("[photo]\nmax_gps_camera_skew_s = 300\nediting_software = [\"polarr\"]");
    assert!(RuleProfile::from_toml(&recorded).is_err());
    let p = RuleProfile::from_recorded_toml(&recorded).unwrap();
    assert_eq!(
        p.photo.backing_photo_outside,
        BackingPhotoOutside::Unchecked
    );
    assert_eq!(p.source(), recorded, "byte for byte, for its digest");
    for id in ["national", "provincial", "jiangsu-suzhou"] {
        let shipped = RuleProfile::builtin(id).unwrap();
        assert_eq!(
            shipped.photo.backing_photo_outside,
            BackingPhotoOutside::Fail
        );
    }
}

#[test]
fn photo_parameters_in_the_rule_are_refused_with_where_they_belong() {
    let src = national().replace(
        "params = { min_photos = 2, allow_gallery = false }",
        "params = { min_photos = 2, allow_gallery = false, editing_software = [\"gimp\"] }",
    );
    let err = RuleProfile::from_toml(&src).unwrap_err().to_string();
    assert!(
        err.contains("site.real_address")
            && err.contains("editing_software")
            && err.contains("[photo]"),
        "{err}"
    );
    // Turned off, the rule's parameters are not read, but misplaced ones still refused.
    assert!(RuleProfile::from_toml(&real_address_off(&src)).is_err());
}

#[test]
fn an_operator_profile_with_the_rule_off_flags_the_editors_it_lists_and_only_those() {
    let src = real_address_off(&with_photo_table(
        "[photo]\nmax_gps_camera_skew_s = 60\nediting_software = [\"polarr\", \"vsco\"]\nbacking_photo_outside = \"fail\"",
    ));
    let profile = RuleProfile::from_toml(&src).unwrap();
    assert!(!profile.rule("site.real_address").unwrap().applies);

    let listed = edited_with("p-polarr", "Polarr 6.8");
    assert_eq!(
        flags(&profile, &listed),
        vec![PhotoFlag::EditingSoftware {
            software: "Polarr 6.8".into()
        }]
    );
    // Photoshop is an editor every shipped profile lists; this one does not.
    assert_eq!(
        flags(&profile, &edited_with("p-ps", "Adobe Photoshop 25.0")),
        vec![]
    );
    // The skew is the profile's too: 2 minutes is more than its 60 s.
    let mut skewed = photo("p-skew", &[]);
    if let EvidenceBody::Photo(p) = &mut skewed.body {
        p.exif.as_mut().unwrap().gps_time = Some("2026-11-23T02:17:00Z".parse().unwrap());
    }
    assert_eq!(
        flags(&profile, &skewed),
        vec![PhotoFlag::GpsCameraSkew { seconds: 120 }]
    );
    // The rule itself says nothing.
    let f = evaluate(&profile, &inspection(), &[listed]);
    let real = f.iter().find(|f| f.rule_id == "site.real_address").unwrap();
    assert_eq!(real.status, FindingStatus::NotApplicable);
}

#[test]
fn the_rule_judges_with_the_photo_table() {
    let lists = |editors: &str| {
        RuleProfile::from_toml(&with_photo_table(&format!(
            "[photo]\nmax_gps_camera_skew_s = 300\nediting_software = [{editors}]\nbacking_photo_outside = \"fail\""
        )))
        .unwrap()
    };
    let ev = [
        edited_with("p-1", "Polarr 6.8"),
        photo("p-2", &["site.real_address"]),
        photo("p-3", &["site.real_address"]),
    ];
    let status = |p: &RuleProfile| {
        evaluate(p, &inspection(), &ev)
            .into_iter()
            .find(|f| f.rule_id == "site.real_address")
            .unwrap()
    };
    let flagged = status(&lists("\"polarr\""));
    assert_eq!(flagged.status, FindingStatus::Pass);
    assert!(
        flagged
            .says
            .iter()
            .any(|m| m.id == "site-visit-also-review"),
        "{:?}",
        flagged.says
    );
    let unflagged = status(&lists("\"gimp\""));
    assert!(
        unflagged
            .says
            .iter()
            .all(|m| m.id != "site-visit-also-review"),
        "{:?}",
        unflagged.says
    );
}

#[test]
fn a_profile_recorded_before_the_photo_table_is_read_from_its_rule() {
    // The layout sealed by engines before `[photo]`: the parameters in the rule.
    let legacy = with_photo_table("").replace(
        "params = { min_photos = 2, allow_gallery = false }",
        "params = { min_photos = 2, allow_gallery = false, max_gps_camera_skew_s = 120, editing_software = [\"polarr\"] }",
    );
    assert!(
        RuleProfile::from_toml(&legacy).is_err(),
        "an operator's must move them"
    );
    let p = RuleProfile::from_recorded_toml(&legacy).unwrap();
    assert_eq!(p.photo.max_gps_camera_skew_s, 120);
    assert_eq!(p.photo.editing_software, vec!["polarr".to_owned()]);
    assert_eq!(p.source(), legacy, "byte for byte, for its digest");
    // A current profile reads the same either way.
    let current = RuleProfile::builtin("national").unwrap();
    assert_eq!(
        RuleProfile::from_recorded_toml(current.source()).unwrap(),
        current
    );
}

#[test]
fn a_profile_recorded_before_the_photo_table_with_the_rule_off_reads_as_it_was_judged() {
    // Before `[photo]`, a profile whose site.real_address was off (or named no photo
    // parameters) was judged with the engine's built-in ones: a bundle sealed under it must
    // still load, and read the same.
    let (skew, editors) = hecha_core::rules::PHOTO_BEFORE_ITS_TABLE;
    let built_in: Vec<String> = editors.iter().map(|e| (*e).to_owned()).collect();
    let no_values = real_address_off(&with_photo_table(""));
    let p = RuleProfile::from_recorded_toml(&no_values).unwrap();
    assert_eq!(p.photo.max_gps_camera_skew_s, skew);
    assert_eq!(p.photo.editing_software, built_in);
    // The rule off but naming values: they were not used then, so not now either.
    let ignored = real_address_off(&with_photo_table("")).replace(
        "params = { min_photos = 2, allow_gallery = false }",
        "params = { min_photos = 2, allow_gallery = false, max_gps_camera_skew_s = 120, editing_software = [\"polarr\"] }",
    );
    assert_ne!(ignored, no_values, "the fixture names the values");
    let p = RuleProfile::from_recorded_toml(&ignored).unwrap();
    assert_eq!(p.photo.editing_software, built_in);
    assert_eq!(p.source(), ignored, "byte for byte, for its digest");
    // A profile loaded today gets nothing of the kind.
    assert!(RuleProfile::from_toml(&no_values).is_err());
}

/// `national` without its `[seal]` table.
fn without_seal_table() -> String {
    let src = national();
    let start = src.find("[seal]\n").unwrap();
    let end = start + src[start..].find("\n\n").unwrap();
    format!("{}{}", &src[..start], &src[end..])
}

#[test]
fn a_profile_without_a_seal_table_does_not_load_but_one_recorded_before_it_does() {
    let src = without_seal_table();
    assert!(!src.contains("sign_offs"), "the fixture drops the table");
    let err = RuleProfile::from_toml(&src).unwrap_err().to_string();
    assert!(
        err.contains("national") && err.contains("[seal]") && err.contains("sign_offs"),
        "{err}"
    );
    // Sealed before `[seal]` was required: judged then with an inspector and the
    // company's representative, and read so now.
    let recorded = RuleProfile::from_recorded_toml(&src).unwrap();
    assert_eq!(
        recorded.seal.sign_offs,
        vec![SignerRole::Inspector, SignerRole::CompanyRepresentative]
    );
    assert_eq!(
        hecha_core::rules::SIGN_OFFS_BEFORE_THEIR_TABLE.len(),
        recorded.seal.sign_offs.len()
    );
    assert_eq!(recorded.source(), src, "byte for byte, for its digest");
}

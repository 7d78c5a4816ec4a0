//! A photo backs a rule only when it holds up: EXIF present, inside the geofence and the
//! window, not edited. The finding names the photo, the numbers, the likely cause and
//! what to do, in Chinese and English.

use crate::common::*;
use hecha_core::capture::geo::wgs84_to_gcj02;
use hecha_core::model::*;
use hecha_core::rules::{RuleProfile, evaluate};

fn suzhou() -> RuleProfile {
    RuleProfile::builtin("jiangsu-suzhou").unwrap()
}

/// The complete Suzhou rehearsal with its UPS photo replaced by `ups_photo`.
fn with_ups_photo(ups_photo: EvidenceItem) -> Vec<EvidenceItem> {
    let mut ev: Vec<EvidenceItem> = complete_evidence()
        .into_iter()
        .filter(|i| i.id != "p-ups")
        .collect();
    ev.push(ups_photo);
    ev
}

fn judged(profile: &RuleProfile, evidence: &[EvidenceItem], rule: &str) -> Finding {
    evaluate(profile, &inspection(), evidence)
        .into_iter()
        .find(|f| f.rule_id == rule)
        .unwrap()
}

fn ups(ups_photo: EvidenceItem) -> Finding {
    judged(&suzhou(), &with_ups_photo(ups_photo), "room.ups")
}

fn says(f: &Finding, words: &[&str]) {
    for w in words {
        assert!(
            f.message.zh.contains(w) || f.message.en.contains(w),
            "{w:?} not in {:?}",
            f.message
        );
    }
}

fn exif_of(item: &mut EvidenceItem) -> &mut ExifFacts {
    let EvidenceBody::Photo(p) = &mut item.body else {
        panic!("not a photo")
    };
    p.exif.as_mut().unwrap()
}

#[test]
fn a_ups_photo_taken_three_kilometres_away_fails_the_ups_rule_naming_it() {
    let f = ups(photo_at(
        "p-ups-far",
        &["room.ups"],
        "31.3448",
        SITE_LON,
        "2026:11:23 10:15:00",
    ));
    assert_eq!(f.status, FindingStatus::Fail);
    assert!(f.message.zh.contains("p-ups-far") && f.message.en.contains("p-ups-far"));
    says(
        &f,
        &[
            "距经营地址 3002 米，超出 200 米的范围 2802 米",
            "taken 3002 m from the operating site, 2802 m beyond its 200 m radius",
            "请在经营地址范围内重拍。",
            "Retake the photo inside the operating site.",
        ],
    );
}

#[test]
fn a_ups_photo_from_the_day_before_fails_the_ups_rule_with_the_minutes() {
    let f = ups(photo_at(
        "p-ups-yesterday",
        &["room.ups"],
        SITE_LAT,
        SITE_LON,
        "2026:11:22 10:15:00",
    ));
    assert_eq!(f.status, FindingStatus::Fail);
    says(
        &f,
        &[
            "p-ups-yesterday",
            "拍摄时间早于核查时段开始 1365 分钟",
            "taken 1365 minutes before the inspection window opened",
            "请在核查时段内于现场重拍。",
            "Retake the photo on site during the inspection window.",
        ],
    );
}

#[test]
fn a_ups_photo_without_exif_needs_review_naming_it() {
    let mut bare = photo("p-ups-bare", &["room.ups"]);
    if let EvidenceBody::Photo(p) = &mut bare.body {
        p.exif = None;
    }
    let f = ups(bare);
    assert_eq!(f.status, FindingStatus::NeedsReview);
    says(
        &f,
        &[
            "p-ups-bare",
            "照片没有EXIF信息",
            "The photo has no EXIF data",
            "请用本应用的相机重拍",
        ],
    );
}

#[test]
fn an_edited_ups_photo_needs_review_naming_it_and_the_editor() {
    let mut edited = photo("p-ups-edited", &["room.ups"]);
    exif_of(&mut edited).software = Some("美图秀秀 9.9".into());
    let f = ups(edited);
    assert_eq!(f.status, FindingStatus::NeedsReview);
    says(
        &f,
        &[
            "p-ups-edited",
            "照片经过编辑软件处理（美图秀秀 9.9）",
            "Hand in the original photo from the camera, not an edited copy.",
        ],
    );
}

#[test]
fn the_profile_decides_whether_a_photo_outside_fails_or_needs_review() {
    let far = photo_at(
        "p-ups-far",
        &["room.ups"],
        "31.3448",
        SITE_LON,
        "2026:11:23 10:15:00",
    );
    let src = suzhou().source().replace(
        "backing_photo_outside = \"fail\"",
        "backing_photo_outside = \"needs_review\"",
    );
    let lenient = RuleProfile::from_toml(&src).unwrap();
    let f = judged(&lenient, &with_ups_photo(far.clone()), "room.ups");
    assert_eq!(f.status, FindingStatus::NeedsReview);
    says(&f, &["p-ups-far"]);
    let unchecked =
        RuleProfile::from_toml(&src.replace("\"needs_review\"", "\"unchecked\"")).unwrap();
    let f = judged(&unchecked, &with_ups_photo(far), "room.ups");
    assert_eq!(f.status, FindingStatus::Pass);
}

#[test]
fn every_photo_backed_rule_counts_only_photos_that_hold_up() {
    // Each rule's own photo retaken the day before.
    for (photo_id, rule) in [
        ("p-office-1", "site.office_area"),
        ("p-rack", "room.room_or_rack"),
        ("p-ups", "room.ups"),
        ("p-fire", "room.fire_extinguisher"),
    ] {
        let mut ev = complete_evidence();
        for i in ev.iter_mut().filter(|i| i.id == photo_id) {
            exif_of(i).datetime_original = Some("2026:11:22 10:15:00".into());
        }
        let f = judged(&suzhou(), &ev, rule);
        assert_eq!(f.status, FindingStatus::Fail, "{rule}: {:?}", f.message);
        says(&f, &[photo_id]);
    }
}

#[test]
fn a_position_off_by_gcj02_gets_that_cause() {
    let site = (SITE_LAT.parse().unwrap(), SITE_LON.parse().unwrap());
    let (lat, lon) = wgs84_to_gcj02(site);
    let f = ups(photo_at(
        "p-ups-gcj",
        &["room.ups"],
        &format!("{lat:.6}"),
        &format!("{lon:.6}"),
        "2026:11:23 10:15:00",
    ));
    assert_eq!(f.status, FindingStatus::Fail);
    let off = f.message.en.clone();
    assert!(off.contains("p-ups-gcj"), "{off}");
    says(
        &f,
        &[
            "坐标是GCJ-02（国内地图坐标）却按WGS-84写入；换算后距经营地址 0 米",
            "likely cause: the position is GCJ-02 (Chinese map coordinates) written as WGS-84",
        ],
    );
    // The offset is the few hundred metres GCJ-02 adds here.
    let metres: i64 = off
        .split("was taken ")
        .nth(1)
        .and_then(|s| s.split(" m ").next())
        .and_then(|s| s.parse().ok())
        .unwrap();
    assert!((300..=700).contains(&metres), "{metres}");
}

#[test]
fn a_southern_hemisphere_latitude_gets_the_lost_sign_cause() {
    let f = ups(photo_at(
        "p-ups-south",
        &["room.ups"],
        &format!("-{SITE_LAT}"),
        SITE_LON,
        "2026:11:23 10:15:00",
    ));
    assert_eq!(f.status, FindingStatus::Fail);
    says(
        &f,
        &[
            "p-ups-south",
            "GPS经纬度参考标记（N/S、E/W）丢失",
            "the GPS reference tag (N/S, E/W) was lost",
        ],
    );
    assert!(!f.message.en.contains("GCJ-02"), "{:?}", f.message);
}

#[test]
fn a_capture_time_without_offset_or_a_wrong_camera_clock_is_named_as_the_cause() {
    let mut no_offset = photo_at(
        "p-ups-tz",
        &["room.ups"],
        SITE_LAT,
        SITE_LON,
        "2026:11:23 18:15:00",
    );
    exif_of(&mut no_offset).offset = None;
    says(
        &ups(no_offset),
        &[
            "拍摄时间晚于核查时段结束 75 分钟",
            "75 minutes after the inspection window closed",
            "按 Asia/Shanghai 解读",
        ],
    );
    let mut clock = photo_at(
        "p-ups-clock",
        &["room.ups"],
        SITE_LAT,
        SITE_LON,
        "2026:11:24 10:15:00",
    );
    exif_of(&mut clock).gps_time = Some("2026-11-23T02:15:00Z".parse().unwrap());
    says(
        &ups(clock),
        &[
            "相机时钟不准",
            "the camera clock is wrong",
            "Set the phone to take its time from the network",
        ],
    );
}

#[test]
fn months_short_of_insurance_are_in_both_languages() {
    let ev = with_months_paid(complete_evidence(), 2);
    let provincial = RuleProfile::builtin("provincial").unwrap();
    let f = judged(&provincial, &ev, "staff.si_months");
    assert_eq!(f.status, FindingStatus::Fail);
    says(
        &f,
        &[
            "连续缴费 2 个月，比要求的 3 个月少 1 个月",
            "2 months paid, 1 short of the required 3",
        ],
    );
}

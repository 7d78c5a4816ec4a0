//! What the rules engine and the phone both say about one photo: where (geofence), when
//! (capture window), and whether its metadata looks trustworthy. Pure functions of the EXIF
//! facts as read, the inspection, and the rule profile's parameters.

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::capture::geo::{
    GeofenceVerdict, fix_degrees, gcj02_to_wgs84, geofence_verdict, geofence_verdict_at,
    out_of_china, to_wgs84,
};
use crate::i18n::Message;
use crate::model::{ExifFacts, Geofence, GpsPosition, Inspection, InspectionWindow, Text};
use crate::msg;

/// How every photo of an inspection is assessed: a rule profile's `[photo]` table. Required
/// in every profile, whether or not `site.real_address` applies — the phone, the server's
/// intake and the report assess each photo with it.
#[derive(Deserialize, Serialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PhotoParams {
    /// Largest tolerated difference, in seconds, between the GPS clock and the camera clock.
    /// A larger one suggests an edited DateTimeOriginal (or a phone clock set by hand); GPS
    /// time is the fix's, which can lag the shutter when the fix is cached indoors.
    pub max_gps_camera_skew_s: i64,
    /// Case-insensitive substrings of the EXIF Software tag that mark an edited photo.
    pub editing_software: Vec<String>,
    /// What a photo backing a rule (the office, the rack, the UPS, a system demo…) that was
    /// taken outside the geofence or the window does to that rule.
    pub backing_photo_outside: BackingPhotoOutside,
}

/// How strictly the photos backing a rule are held to the site and the window
/// (`[photo] backing_photo_outside`).
#[derive(Deserialize, Serialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum BackingPhotoOutside {
    /// The rule fails: the photo contradicts the claim it backs.
    Fail,
    /// The rule needs review: a person judges the photo.
    NeedsReview,
    /// Photos backing a rule are not assessed: any photo naming the rule backs it (the
    /// engine up to `+rules.2`; profiles recorded then are read with it).
    Unchecked,
}

/// A problem with a photo as evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum PhotoFlag {
    /// No usable GPS position: the site cannot be confirmed from this photo.
    NoGps,
    /// No usable DateTimeOriginal (or no offset and no time zone to read it in).
    NoCaptureTime,
    /// Captured outside the inspection window: `minutes` before it opened (negative) or
    /// after it closed (positive), rounded up.
    OutsideWindow {
        #[serde(default)]
        minutes: i64,
    },
    /// The GPS fix is outside the site's geofence: `distance_m` from its centre, whole
    /// metres, against its `radius_m`.
    OutsideGeofence {
        #[serde(default)]
        distance_m: i64,
        #[serde(default)]
        radius_m: i64,
    },
    /// The Software tag names an image editor.
    EditingSoftware { software: String },
    /// GPS time and camera time disagree by more than the profile allows.
    GpsCameraSkew { seconds: i64 },
}

impl PhotoFlag {
    /// A short message for the phone and the report, as catalogue data.
    pub fn message(&self) -> Message {
        match self {
            PhotoFlag::NoGps => msg!("photo-no-gps"),
            PhotoFlag::NoCaptureTime => msg!("photo-no-capture-time"),
            PhotoFlag::OutsideWindow { minutes } if *minutes < 0 => {
                msg!("photo-before-window", minutes = -minutes)
            }
            PhotoFlag::OutsideWindow { minutes } => msg!("photo-after-window", minutes = *minutes),
            PhotoFlag::OutsideGeofence {
                distance_m,
                radius_m,
            } => msg!(
                "photo-outside-geofence",
                distance = *distance_m,
                radius = *radius_m,
                beyond = distance_m - radius_m
            ),
            PhotoFlag::EditingSoftware { software } => {
                msg!("photo-editing-software", software = software)
            }
            PhotoFlag::GpsCameraSkew { seconds } => {
                msg!("photo-gps-camera-skew", seconds = *seconds)
            }
        }
    }

    /// [`PhotoFlag::message`] in both languages.
    pub fn text(&self) -> Text {
        self.message().text()
    }

    /// What to do about it, one sentence, as catalogue data.
    pub fn remedy(&self) -> Message {
        match self {
            PhotoFlag::NoGps => msg!("photo-do-turn-on-location"),
            PhotoFlag::NoCaptureTime | PhotoFlag::OutsideWindow { .. } => {
                msg!("photo-do-retake-in-window")
            }
            PhotoFlag::OutsideGeofence { .. } => msg!("photo-do-retake-on-site"),
            PhotoFlag::EditingSoftware { .. } => msg!("photo-do-hand-in-original"),
            PhotoFlag::GpsCameraSkew { .. } => msg!("photo-do-set-clock"),
        }
    }

    /// The photo contradicts the claim it backs (taken elsewhere or at another time), as
    /// opposed to merely not proving it.
    pub fn contradicts(&self) -> bool {
        matches!(
            self,
            PhotoFlag::OutsideWindow { .. } | PhotoFlag::OutsideGeofence { .. }
        )
    }
}

/// What the data shows about why a photo was flagged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum PhotoCause {
    /// The fix read as GCJ-02 (a Chinese map datum) and converted to WGS-84 lands inside the
    /// geofence, `distance_m` from its centre: the app wrote map coordinates as GPS ones.
    Gcj02WrittenAsWgs84 { distance_m: i64 },
    /// The fix is in the other hemisphere than the site: the GPS reference tag (N/S, E/W)
    /// that carries the sign was lost.
    HemisphereSignLost,
    /// The capture time carries no offset and was read in the inspection's time zone.
    NoTimeOffset { time_zone: String },
    /// The camera clock is off: the GPS clock puts the photo inside the window.
    CameraClockOff,
}

impl PhotoCause {
    /// The likely cause, as catalogue data.
    pub fn message(&self) -> Message {
        match self {
            PhotoCause::Gcj02WrittenAsWgs84 { distance_m } => {
                msg!("photo-cause-gcj02", distance = *distance_m)
            }
            PhotoCause::HemisphereSignLost => msg!("photo-cause-sign-lost"),
            PhotoCause::NoTimeOffset { time_zone } => {
                msg!("photo-cause-no-offset", time_zone = time_zone)
            }
            PhotoCause::CameraClockOff => msg!("photo-cause-camera-clock"),
        }
    }
}

/// The verdicts for one photo (the default: nothing could be read).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhotoAssessment {
    /// `None` when the photo has no GPS position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geofence: Option<GeofenceVerdict>,
    /// DateTimeOriginal with its own offset, else read in the inspection's time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<DateTime<FixedOffset>>,
    /// Whether `captured_at` falls inside the inspection window (bounds included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_window: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<PhotoFlag>,
    /// The likely causes of the flags, where the data shows one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<PhotoCause>,
}

impl PhotoAssessment {
    /// Why the photo does not hold up, with the numbers, then the likely causes: catalogue
    /// data for a finding or a report.
    pub fn reasons(&self) -> Vec<Message> {
        let flags = self.flags.iter().map(PhotoFlag::message);
        flags
            .chain(self.causes.iter().map(PhotoCause::message))
            .collect()
    }

    /// What to do, one sentence per kind of flag.
    pub fn remedies(&self) -> Vec<Message> {
        let mut remedies = Vec::new();
        for remedy in self.flags.iter().map(PhotoFlag::remedy) {
            if !remedies.contains(&remedy) {
                remedies.push(remedy);
            }
        }
        remedies
    }
}

/// Assess one photo's EXIF facts against the inspection.
pub fn assess_photo(
    exif: &ExifFacts,
    inspection: &Inspection,
    params: &PhotoParams,
) -> PhotoAssessment {
    let geofence = exif
        .gps
        .as_ref()
        .map(|fix| geofence_verdict(&inspection.site.geofence, fix));
    // An unknown time-zone name leaves only photos that carry their own offset datable.
    let captured_at = exif.captured_at(inspection.tz().ok());
    let window = inspection.window;
    let in_window = captured_at.map(|at| minutes_outside(at, &window).is_none());

    let mut flags = Vec::new();
    if geofence.is_none() {
        flags.push(PhotoFlag::NoGps);
    }
    if captured_at.is_none() {
        flags.push(PhotoFlag::NoCaptureTime);
    }
    let outside_by = captured_at.and_then(|at| minutes_outside(at, &window));
    if let Some(minutes) = outside_by {
        flags.push(PhotoFlag::OutsideWindow { minutes });
    }
    if let Some(v) = geofence.filter(|v| !v.inside) {
        flags.push(PhotoFlag::OutsideGeofence {
            distance_m: v.distance_m.round() as i64,
            radius_m: v.radius_m.round() as i64,
        });
    }
    if let Some(software) = exif.software.as_deref().filter(|s| is_editor(s, params)) {
        flags.push(PhotoFlag::EditingSoftware {
            software: software.to_owned(),
        });
    }
    if let (Some(gps), Some(at)) = (exif.gps_time, captured_at) {
        let seconds = (gps.signed_duration_since(at)).num_seconds().abs();
        if seconds > params.max_gps_camera_skew_s {
            flags.push(PhotoFlag::GpsCameraSkew { seconds });
        }
    }
    let mut causes = Vec::new();
    if let (Some(fix), Some(v)) = (&exif.gps, geofence) {
        causes.extend(position_cause(fix, &inspection.site.geofence, v));
    }
    if outside_by.is_some() {
        if exif.offset_parsed().is_none() {
            causes.push(PhotoCause::NoTimeOffset {
                time_zone: inspection.time_zone.clone(),
            });
        }
        let gps_in_window = exif
            .gps_time
            .is_some_and(|gps| minutes_outside(gps.fixed_offset(), &window).is_none());
        if gps_in_window {
            causes.push(PhotoCause::CameraClockOff);
        }
    }
    PhotoAssessment {
        geofence,
        captured_at,
        in_window,
        flags,
        causes,
    }
}

/// Minutes from `at` to the window, rounded up: negative before it opens, positive after it
/// closes, `None` inside it (bounds included).
fn minutes_outside(at: DateTime<FixedOffset>, window: &InspectionWindow) -> Option<i64> {
    let up = |seconds: i64| (seconds + 59) / 60;
    if at < window.start {
        Some(-up((window.start - at).num_seconds()))
    } else if at > window.end {
        Some(up((at - window.end).num_seconds()))
    } else {
        None
    }
}

/// Why a fix outside the geofence is there, when its position shows it.
fn position_cause(fix: &GpsPosition, fence: &Geofence, v: GeofenceVerdict) -> Option<PhotoCause> {
    if v.inside {
        return None;
    }
    let here = fix_degrees(fix);
    let centre = to_wgs84(fence.center, fence.datum);
    // A site in China is north and east; a fix with the other sign lost its GPSLatitudeRef
    // or GPSLongitudeRef (written 0 or absent, read as S or W).
    if here.0 * centre.0 < 0.0 || here.1 * centre.1 < 0.0 {
        return Some(PhotoCause::HemisphereSignLost);
    }
    // Map SDKs in China give GCJ-02, a few hundred metres off WGS-84; an app that writes
    // them into EXIF as GPS moves a genuine visit outside the fence.
    if out_of_china(here) {
        return None;
    }
    let corrected = geofence_verdict_at(fence, gcj02_to_wgs84(here));
    corrected.inside.then(|| PhotoCause::Gcj02WrittenAsWgs84 {
        distance_m: corrected.distance_m.round() as i64,
    })
}

fn is_editor(software: &str, params: &PhotoParams) -> bool {
    let software = software.to_lowercase();
    params
        .editing_software
        .iter()
        .map(|e| e.trim().to_lowercase())
        .any(|e| !e.is_empty() && software.contains(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{GpsPosition, ImageFormat};
    use serde_json::json;

    /// An inspection at Suzhou Industrial Park, fence drawn in WGS-84, 200 m, visit
    /// 2026-11-23 13:00–17:00 Beijing time.
    fn inspection() -> Inspection {
        serde_json::from_value(crate::model::test_inspection_json("rehearsal")).unwrap()
    }

    /// A genuine photo on site: GPS at the centre, taken 14:05:09 +08:00.
    fn photo() -> ExifFacts {
        ExifFacts {
            format: Some(ImageFormat::Jpeg),
            gps: Some(GpsPosition {
                lat: "31.3042".parse().unwrap(),
                lon: "120.7351".parse().unwrap(),
                alt_m: None,
            }),
            gps_time: Some("2026-11-23T06:05:07Z".parse().unwrap()),
            datetime_original: Some("2026:11:23 14:05:09".into()),
            offset: Some("+08:00".into()),
            software: Some("V816.0.5.0.UNCCNXM".into()),
            ..ExifFacts::default()
        }
    }

    /// Parameters written for these tests (a profile's are its own `[photo]` table).
    fn params() -> PhotoParams {
        PhotoParams {
            max_gps_camera_skew_s: 300,
            editing_software: ["photoshop", "美图", "snapseed"]
                .map(str::to_owned)
                .to_vec(),
            backing_photo_outside: BackingPhotoOutside::Fail,
        }
    }

    fn assess(exif: &ExifFacts) -> PhotoAssessment {
        assess_photo(exif, &inspection(), &params())
    }

    #[test]
    fn a_genuine_photo_on_site_has_no_flags() {
        let a = assess(&photo());
        assert_eq!(a.flags, vec![]);
        assert_eq!(a.in_window, Some(true));
        assert_eq!(
            a.captured_at.unwrap().to_rfc3339(),
            "2026-11-23T14:05:09+08:00"
        );
        let fence = a.geofence.unwrap();
        assert!(fence.inside && fence.distance_m == 0.0 && fence.radius_m == 200.0);
    }

    #[test]
    fn a_photo_without_gps_or_time_says_so() {
        let a = assess(&ExifFacts::default());
        assert_eq!(a.flags, vec![PhotoFlag::NoGps, PhotoFlag::NoCaptureTime]);
        assert_eq!((a.geofence, a.captured_at, a.in_window), (None, None, None));
    }

    #[test]
    fn a_photo_without_offset_is_read_in_the_inspection_time_zone() {
        let exif = ExifFacts {
            offset: None,
            ..photo()
        };
        let a = assess(&exif);
        assert_eq!(
            a.captured_at.unwrap().to_rfc3339(),
            "2026-11-23T14:05:09+08:00"
        );
        assert_eq!(a.flags, vec![]);
    }

    #[test]
    fn a_photo_from_the_day_before_is_outside_the_window() {
        let exif = ExifFacts {
            datetime_original: Some("2026:11:22 14:05:09".into()),
            gps_time: Some("2026-11-22T06:05:07Z".parse().unwrap()),
            ..photo()
        };
        let a = assess(&exif);
        assert_eq!(a.flags, vec![PhotoFlag::OutsideWindow { minutes: -1375 }]);
        assert_eq!(a.causes, vec![]);
    }

    #[test]
    fn the_window_bounds_are_inclusive() {
        let exif = ExifFacts {
            datetime_original: Some("2026:11:23 17:00:00".into()),
            gps_time: None,
            ..photo()
        };
        assert_eq!(assess(&exif).in_window, Some(true));
    }

    #[test]
    fn a_photo_a_kilometre_away_is_outside_the_geofence() {
        let exif = ExifFacts {
            gps: Some(GpsPosition {
                lat: "31.3132".parse().unwrap(),
                lon: "120.7351".parse().unwrap(),
                alt_m: None,
            }),
            ..photo()
        };
        let a = assess(&exif);
        assert_eq!(
            a.flags,
            vec![PhotoFlag::OutsideGeofence {
                distance_m: 1001,
                radius_m: 200
            }]
        );
        assert!(
            (a.geofence.unwrap().distance_m - 1000.75).abs() < 1.0,
            "{:?}",
            a.geofence
        );
    }

    #[test]
    fn editing_software_is_matched_case_insensitively_in_both_scripts() {
        for software in ["Adobe Photoshop 25.0 (Windows)", "美图秀秀", "Snapseed 2.0"] {
            let exif = ExifFacts {
                software: Some(software.into()),
                ..photo()
            };
            assert_eq!(
                assess(&exif).flags,
                vec![PhotoFlag::EditingSoftware {
                    software: software.into()
                }],
                "{software}"
            );
        }
    }

    #[test]
    fn a_camera_clock_far_from_gps_time_is_flagged() {
        let exif = ExifFacts {
            gps_time: Some("2026-11-23T05:05:09Z".parse().unwrap()),
            ..photo()
        };
        assert_eq!(
            assess(&exif).flags,
            vec![PhotoFlag::GpsCameraSkew { seconds: 3600 }]
        );
        let params = PhotoParams {
            max_gps_camera_skew_s: 3600,
            ..params()
        };
        assert_eq!(assess_photo(&exif, &inspection(), &params).flags, vec![]);
    }

    #[test]
    fn flags_serialise_with_snake_case_tags_and_have_both_languages() {
        let flag = PhotoFlag::GpsCameraSkew { seconds: 3600 };
        assert_eq!(
            serde_json::to_value(&flag).unwrap(),
            json!({ "kind": "gps_camera_skew", "seconds": 3600 })
        );
        assert_eq!(
            serde_json::to_value(PhotoFlag::NoGps).unwrap(),
            json!({ "kind": "no_gps" })
        );
        let text = flag.text();
        assert_eq!(
            (text.zh.as_str(), text.en.as_str()),
            (
                "GPS时间与相机时间相差 3600 秒",
                "GPS time and camera time differ by 3600 seconds"
            )
        );
        let round: PhotoAssessment =
            serde_json::from_value(serde_json::to_value(assess(&photo())).unwrap()).unwrap();
        assert_eq!(round, assess(&photo()));
    }
}

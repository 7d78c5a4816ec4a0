//! Datums and distances: is a photo's GPS fix inside the site's geofence?
//!
//! Phones write WGS-84 in EXIF; Chinese map apps give GCJ-02 (Amap, Tencent) or BD-09
//! (Baidu), offset from WGS-84 by a few hundred metres. A geofence drawn on a map app must
//! be converted to WGS-84 before measuring, or a genuine visit lands "outside".
//! The GCJ-02 and BD-09 formulas are the well-known public reimplementations
//! (e.g. eviltransform, coordtransform); the inverses are iterative.

use rust_decimal::prelude::ToPrimitive;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{Datum, GeoPoint, Geofence, GpsPosition};

/// Mean Earth radius (IUGG, R1) in metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Krasovsky 1940 ellipsoid, on which GCJ-02's offsets are defined.
const KRASOVSKY_A: f64 = 6_378_245.0;
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;
const BD_X_PI: f64 = std::f64::consts::PI * 3000.0 / 180.0;

/// How far a photo's fix is from the geofence centre, both in WGS-84.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GeofenceVerdict {
    /// Great-circle distance in metres, rounded to the centimetre.
    pub distance_m: f64,
    pub radius_m: f64,
    /// `distance_m <= radius_m`.
    pub inside: bool,
}

/// The geofence verdict for a GPS fix (WGS-84, as EXIF writes it).
pub fn geofence_verdict(fence: &Geofence, fix: &GpsPosition) -> GeofenceVerdict {
    geofence_verdict_at(fence, fix_degrees(fix))
}

/// A GPS fix as `(lat, lon)` in degrees.
pub fn fix_degrees(fix: &GpsPosition) -> (f64, f64) {
    (
        fix.lat.to_f64().unwrap_or(f64::NAN),
        fix.lon.to_f64().unwrap_or(f64::NAN),
    )
}

/// The geofence verdict for a WGS-84 `(lat, lon)` in degrees.
pub fn geofence_verdict_at(fence: &Geofence, here: (f64, f64)) -> GeofenceVerdict {
    let centre = to_wgs84(fence.center, fence.datum);
    // Rounded so the phone and the server (different libm, different last bits of sin/cos)
    // record the same number and the same verdict.
    let distance_m = (distance_m(centre, here) * 100.0).round() / 100.0;
    let radius_m = fence.radius_m.to_f64().unwrap_or(0.0);
    GeofenceVerdict {
        distance_m,
        radius_m,
        inside: distance_m <= radius_m,
    }
}

/// A point in `datum`, as WGS-84 `(lat, lon)` in degrees.
pub fn to_wgs84(point: GeoPoint, datum: Datum) -> (f64, f64) {
    let p = (
        point.lat.to_f64().unwrap_or(f64::NAN),
        point.lon.to_f64().unwrap_or(f64::NAN),
    );
    match datum {
        Datum::Wgs84 => p,
        Datum::Gcj02 => gcj02_to_wgs84(p),
        Datum::Bd09 => gcj02_to_wgs84(bd09_to_gcj02(p)),
    }
}

/// Haversine great-circle distance in metres between two `(lat, lon)` in degrees. On the
/// scale of a geofence (tens to thousands of metres) its error against the ellipsoid
/// (≤ 0.5 %) is far below GPS noise.
pub fn distance_m((lat1, lon1): (f64, f64), (lat2, lon2): (f64, f64)) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// GCJ-02 applies only inside (a rectangle around) China; elsewhere it equals WGS-84.
pub fn out_of_china((lat, lon): (f64, f64)) -> bool {
    !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat)
}

/// WGS-84 → GCJ-02 (the published forward formula).
pub fn wgs84_to_gcj02((lat, lon): (f64, f64)) -> (f64, f64) {
    if out_of_china((lat, lon)) {
        return (lat, lon);
    }
    let (dlat, dlon) = gcj_delta(lat, lon);
    (lat + dlat, lon + dlon)
}

/// GCJ-02 → WGS-84 by fixed-point iteration on the forward formula, to < 1e-9° (0.1 mm).
pub fn gcj02_to_wgs84(gcj: (f64, f64)) -> (f64, f64) {
    invert(gcj, wgs84_to_gcj02)
}

/// GCJ-02 → BD-09 (Baidu's published forward formula).
pub fn gcj02_to_bd09((lat, lon): (f64, f64)) -> (f64, f64) {
    let z = (lon * lon + lat * lat).sqrt() + 0.000_02 * (lat * BD_X_PI).sin();
    let theta = lat.atan2(lon) + 0.000_003 * (lon * BD_X_PI).cos();
    (z * theta.sin() + 0.006, z * theta.cos() + 0.0065)
}

/// BD-09 → GCJ-02: the usual closed-form approximation (errors of a few metres) refined
/// by iteration on the forward formula.
pub fn bd09_to_gcj02(bd: (f64, f64)) -> (f64, f64) {
    invert(bd, gcj02_to_bd09)
}

pub fn wgs84_to_bd09(p: (f64, f64)) -> (f64, f64) {
    gcj02_to_bd09(wgs84_to_gcj02(p))
}

pub fn bd09_to_wgs84(p: (f64, f64)) -> (f64, f64) {
    gcj02_to_wgs84(bd09_to_gcj02(p))
}

/// Solve `forward(x) = target`: both offsets are small and smooth, so `x ← x + (target −
/// forward(x))` converges in a handful of steps.
fn invert(target: (f64, f64), forward: fn((f64, f64)) -> (f64, f64)) -> (f64, f64) {
    const TOLERANCE_DEG: f64 = 1e-9;
    let mut x = target;
    for _ in 0..30 {
        let f = forward(x);
        let (dlat, dlon) = (target.0 - f.0, target.1 - f.1);
        x = (x.0 + dlat, x.1 + dlon);
        if dlat.abs() < TOLERANCE_DEG && dlon.abs() < TOLERANCE_DEG {
            break;
        }
    }
    x
}

fn gcj_delta(lat: f64, lon: f64) -> (f64, f64) {
    use std::f64::consts::PI;
    let (x, y) = (lon - 105.0, lat - 35.0);
    let rad_lat = lat.to_radians();
    let magic = 1.0 - KRASOVSKY_EE * rad_lat.sin().powi(2);
    let sqrt_magic = magic.sqrt();
    let dlat = (transform_lat(x, y) * 180.0)
        / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * PI);
    let dlon = (transform_lon(x, y) * 180.0) / (KRASOVSKY_A / sqrt_magic * rad_lat.cos() * PI);
    (dlat, dlon)
}

fn transform_lat(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn transform_lon(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    /// Suzhou Industrial Park (WGS-84).
    const SUZHOU: (f64, f64) = (31.3042, 120.7351);

    fn point(lat: &str, lon: &str) -> GeoPoint {
        GeoPoint {
            lat: lat.parse().unwrap(),
            lon: lon.parse().unwrap(),
        }
    }

    #[test]
    fn gcj02_is_a_few_hundred_metres_off_wgs84_in_suzhou() {
        let gcj = wgs84_to_gcj02(SUZHOU);
        let offset = distance_m(SUZHOU, gcj);
        assert!((300.0..=600.0).contains(&offset), "offset {offset} m");
        // Reference value from the published formula (eviltransform) for this point.
        assert!(
            (gcj.0 - 31.302_21).abs() < 1e-4 && (gcj.1 - 120.739_54).abs() < 1e-4,
            "{gcj:?}"
        );
    }

    #[test]
    fn forward_formula_matches_the_published_test_vector() {
        // eviltransform's test vector (Shanghai): wgs2gcj(31.1774276, 121.5272106).
        let (lat, lon) = wgs84_to_gcj02((31.177_427_6, 121.527_210_6));
        assert!((lat - 31.175_303_983_645_97).abs() < 1e-9, "{lat}");
        assert!((lon - 121.531_541_859_215).abs() < 1e-9, "{lon}");
    }

    #[test]
    fn gcj02_round_trip_is_below_a_tenth_of_a_millimetre() {
        let back = gcj02_to_wgs84(wgs84_to_gcj02(SUZHOU));
        assert!(distance_m(SUZHOU, back) < 1e-4, "{back:?}");
    }

    #[test]
    fn bd09_round_trip_is_below_a_tenth_of_a_millimetre() {
        let bd = wgs84_to_bd09(SUZHOU);
        assert!(distance_m(SUZHOU, bd) > 500.0);
        assert!(distance_m(SUZHOU, bd09_to_wgs84(bd)) < 1e-4);
    }

    #[test]
    fn outside_china_gcj02_equals_wgs84() {
        let paris = (48.8584, 2.2945);
        assert_eq!(wgs84_to_gcj02(paris), paris);
        assert_eq!(gcj02_to_wgs84(paris), paris);
    }

    #[test]
    fn haversine_matches_known_distances() {
        // One degree of latitude on the mean sphere: 2πR/360.
        let one_degree = distance_m((0.0, 0.0), (1.0, 0.0));
        assert!((one_degree - 111_195.08).abs() < 0.01, "{one_degree}");
        assert_eq!(distance_m(SUZHOU, SUZHOU), 0.0);
        // Antipodes: half the circumference, no NaN from rounding above 1.
        let half = distance_m((0.0, 0.0), (0.0, 180.0));
        assert!((half - std::f64::consts::PI * EARTH_RADIUS_M).abs() < 1e-6);
    }

    #[test]
    fn a_geofence_drawn_on_amap_contains_the_phone_fix_at_its_centre() {
        let (glat, glon) = wgs84_to_gcj02(SUZHOU);
        let fence = Geofence {
            center: point(&format!("{glat:.7}"), &format!("{glon:.7}")),
            datum: Datum::Gcj02,
            radius_m: Decimal::from(50),
        };
        let fix = GpsPosition {
            lat: "31.3042".parse().unwrap(),
            lon: "120.7351".parse().unwrap(),
            alt_m: None,
        };
        let verdict = geofence_verdict(&fence, &fix);
        assert!(verdict.inside && verdict.distance_m < 0.05, "{verdict:?}");
        // The same numbers read as WGS-84 (the classic mistake) put the visit outside.
        let naive = geofence_verdict(
            &Geofence {
                datum: Datum::Wgs84,
                ..fence
            },
            &fix,
        );
        assert!(!naive.inside && naive.distance_m > 300.0, "{naive:?}");
    }

    #[test]
    fn the_radius_is_inclusive() {
        let fence = Geofence {
            center: point("0", "0"),
            datum: Datum::Wgs84,
            radius_m: Decimal::from(0),
        };
        let fix = GpsPosition {
            lat: Decimal::ZERO,
            lon: Decimal::ZERO,
            alt_m: None,
        };
        assert!(geofence_verdict(&fence, &fix).inside);
    }

    proptest! {
        #[test]
        fn round_trips_inside_china(lat in 18.0f64..53.0, lon in 73.0f64..135.0) {
            let p = (lat, lon);
            prop_assert!(distance_m(p, gcj02_to_wgs84(wgs84_to_gcj02(p))) < 0.01);
            prop_assert!(distance_m(p, bd09_to_wgs84(wgs84_to_bd09(p))) < 0.01);
        }
    }
}

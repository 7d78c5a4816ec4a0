//! SHIM until the exif branch lands.
use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{ExifFacts, Inspection, Text};

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PhotoParams {
    pub max_gps_camera_skew_s: i64,
    pub editing_software: Vec<String>,
}
impl Default for PhotoParams {
    fn default() -> Self {
        Self {
            max_gps_camera_skew_s: 300,
            editing_software: vec![],
        }
    }
}
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct GeofenceVerdict {
    pub distance_m: f64,
    pub radius_m: f64,
    pub inside: bool,
}
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum PhotoFlag {
    NoGps,
    NoCaptureTime,
    OutsideWindow,
    OutsideGeofence,
    EditingSoftware { software: String },
    GpsCameraSkew { seconds: i64 },
}
impl PhotoFlag {
    pub fn text(&self) -> Text {
        Text::new("x", "x")
    }
}
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PhotoAssessment {
    pub geofence: Option<GeofenceVerdict>,
    pub captured_at: Option<DateTime<FixedOffset>>,
    pub in_window: Option<bool>,
    pub flags: Vec<PhotoFlag>,
}
pub fn assess_photo(
    _exif: &ExifFacts,
    _inspection: &Inspection,
    _params: &PhotoParams,
) -> PhotoAssessment {
    PhotoAssessment {
        geofence: None,
        captured_at: None,
        in_window: None,
        flags: vec![],
    }
}

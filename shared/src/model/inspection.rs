use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The time zone an inspection is in unless it says otherwise.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

fn default_time_zone() -> String {
    DEFAULT_TIME_ZONE.to_owned()
}

/// One on-site verification (现场核查) of one company for one license application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inspection {
    /// Stable identifier (a UUID on the server, any unique string in a rehearsal folder).
    pub id: String,
    pub company: Company,
    /// 全网 (nationwide, MIIT, 95 numbers) or 地网 (provincial, 96 numbers).
    pub scope: Scope,
    pub application: Application,
    /// Rule profile id, e.g. `national`, `provincial`, `jiangsu-suzhou`.
    pub profile: String,
    pub mode: Mode,
    /// The registered operating site the inspector must visit.
    pub site: Site,
    /// When the visit takes place; photos must be captured inside it, and findings are
    /// evaluated as of its end.
    pub window: InspectionWindow,
    /// IANA time zone used for EXIF times that carry no offset.
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    /// The current license, for renewals and the license.* reminders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<LicenseFacts>,
    /// For a supplement (补充材料 or a second visit): the sealed inspection it completes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplement_of: Option<String>,
}

impl Inspection {
    /// The inspection's time zone, parsed.
    pub fn tz(&self) -> Result<chrono_tz::Tz, String> {
        self.time_zone
            .parse::<chrono_tz::Tz>()
            .map_err(|_| format!("unknown time zone {:?}", self.time_zone))
    }

    /// The instant findings are evaluated at: the end of the inspection window, never "now",
    /// so a sealed bundle's findings can be recomputed years later.
    pub fn as_of(&self) -> DateTime<FixedOffset> {
        self.window.end
    }
}

/// The applicant company, as entered (and checked against documents) in a rehearsal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Company {
    pub name: String,
    /// 统一社会信用代码, 18 characters with a GB 32100-2015 check character.
    pub uscc: String,
    pub registered_address: String,
    /// Province of the registered address (e.g. 江苏). When absent, the rules look for the
    /// province's name in `registered_address`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_province: Option<String>,
    /// Registered capital in CNY (注册资本).
    pub registered_capital_cny: Decimal,
    /// Whether the capital is subscribed (认缴) rather than paid in (实缴); both are accepted.
    #[serde(default)]
    pub capital_subscribed: bool,
    /// Foreign share of the equity in percent (0–100).
    #[serde(default)]
    pub foreign_share_percent: Decimal,
    /// Whether a Chinese party holds control (中方控股).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chinese_controlled: Option<bool>,
    /// Business scope text from the business license (经营范围).
    #[serde(default)]
    pub business_scope: String,
    pub icp_filing: IcpFiling,
}

/// ICP filing (ICP 备案): required first when a website or app offers voice verification
/// codes or click-to-dial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
pub enum IcpFiling {
    /// Filed, with the filing number (e.g. 苏ICP备2024000001号) and the access provider
    /// (接入商) it was filed through, which Suzhou wants inside Jiangsu (004).
    Filed {
        number: String,
        /// The access provider's name (e.g. 中国电信股份有限公司苏州分公司).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        access_provider: Option<String>,
        /// The province the access provider is in (e.g. 江苏).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        access_provider_province: Option<String>,
    },
    /// Not needed: no voice verification codes or click-to-dial on the website or app.
    NotNeeded,
    /// Needed but not yet filed.
    Pending,
}

/// The license scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// 全网 (跨地区): approved by MIIT, 95 numbers.
    Nationwide,
    /// 地网 (省内): approved by the provincial communications administration, 96 numbers.
    Provincial,
}

impl Scope {
    /// The scope's name for people (全网（跨地区）/ 地网（省内）).
    pub fn message(self) -> crate::i18n::Message {
        crate::i18n::Message::new(match self {
            Scope::Nationwide => "report-scope-nationwide",
            Scope::Provincial => "report-scope-provincial",
        })
    }
}

/// New license or renewal: thresholds differ (seats 5 vs 3, recordings of two months).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationKind {
    New,
    Renewal,
}

/// The application the inspection belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Application {
    pub kind: ApplicationKind,
    /// Day the application was filed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filed_on: Option<NaiveDate>,
    /// Day the authority accepted it (受理); the inspection must follow within N working days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_on: Option<NaiveDate>,
    /// Day of the decision, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<NaiveDate>,
}

/// Where an inspection is in its life on the server: draft → in progress (the first
/// write) → sealed (nothing changes after).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InspectionStatus {
    Draft,
    InProgress,
    Sealed,
}

/// Official inspections become records; rehearsals (预检) never do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Official,
    Rehearsal,
}

impl Mode {
    /// The serialised name (`official`, `rehearsal`).
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Official => "official",
            Mode::Rehearsal => "rehearsal",
        }
    }
}

/// The registered operating site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub address: String,
    /// Province of the site (e.g. 江苏).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// City or district (e.g. 苏州工业园区).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    pub geofence: Geofence,
}

/// A circle around the operating site (经营地址); photos' GPS positions must fall inside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Geofence {
    pub center: GeoPoint,
    /// The datum `center` is written in. Chinese map apps give GCJ-02 (Amap, Tencent) or
    /// BD-09 (Baidu); phone GPS writes WGS-84. The core converts before measuring.
    pub datum: Datum,
    /// Radius in metres.
    pub radius_m: Decimal,
}

/// A position in decimal degrees (decimal strings in JSON, never floats).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GeoPoint {
    pub lat: Decimal,
    pub lon: Decimal,
}

/// Geodetic datum of a coordinate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Datum {
    /// GPS, as phones write it in EXIF.
    #[serde(rename = "wgs84", alias = "wgs-84")]
    Wgs84,
    /// 国测局 "Mars" coordinates used by Amap / Tencent maps.
    #[serde(rename = "gcj02", alias = "gcj-02")]
    Gcj02,
    /// Baidu maps.
    #[serde(rename = "bd09", alias = "bd-09")]
    Bd09,
}

/// The inspection window: when the visit takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionWindow {
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
}

/// The company's current license (for renewals and the license.* reminders).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LicenseFacts {
    /// License number, e.g. B2-20210001 or 苏B2-20210001.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    /// Days on which an annual report (年报) was filed.
    #[serde(default)]
    pub annual_reports_filed_on: Vec<NaiveDate>,
}

//! The evidence model: what an inspection is, what evidence it holds, and what the rules
//! engine says about it. One type per concept, shared by the phone, the server and the CLI.

mod evidence;
mod facts;
mod finding;
pub mod input;
mod inspection;
pub mod personal_ids;
pub mod wire;

pub use evidence::*;
pub use facts::*;
pub use finding::*;
pub use inspection::*;

/// A text in both languages of the product (the regulator reads Chinese, auditors may not).
#[derive(
    Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The text in the requested language.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// The two languages of reports and messages.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "zh" | "zh-CN" | "zh_CN" => Ok(Lang::Zh),
            "en" | "en-US" | "en_US" => Ok(Lang::En),
            other => Err(format!("unknown language {other:?} (expected zh or en)")),
        }
    }
}

/// The inspection the core's unit tests share: Suzhou Industrial Park, the fence drawn in
/// WGS-84 with 200 m, the visit 2026-11-23 13:00–17:00 Beijing time.
#[cfg(test)]
pub(crate) fn test_inspection_json(mode: &str) -> serde_json::Value {
    serde_json::json!({
        "id": "insp-1",
        "company": {
            "name": "苏州示例呼叫中心有限公司",
            "uscc": "91320594MA1XXXXXXX",
            "registered_address": "江苏省苏州工业园区星湖街328号",
            "registered_capital_cny": "10000000",
            "icp_filing": { "status": "not_needed" }
        },
        "scope": "provincial",
        "application": { "kind": "new" },
        "profile": "jiangsu-suzhou",
        "mode": mode,
        "site": {
            "address": "江苏省苏州工业园区星湖街328号",
            "geofence": {
                "center": { "lat": "31.3042", "lon": "120.7351" },
                "datum": "wgs84",
                "radius_m": "200"
            }
        },
        "window": { "start": "2026-11-23T13:00:00+08:00", "end": "2026-11-23T17:00:00+08:00" }
    })
}

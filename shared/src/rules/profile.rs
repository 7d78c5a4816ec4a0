//! Rule profiles: which rules apply, with which parameters, severity and texts.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::engine::rule_def;
use crate::model::{Scope, Severity, Text};

/// The profiles shipped in the crate: `(id, TOML)`.
pub const BUILTIN_PROFILES: &[(&str, &str)] = &[
    ("national", include_str!("profiles/national.toml")),
    ("provincial", include_str!("profiles/provincial.toml")),
    (
        "jiangsu-suzhou",
        include_str!("profiles/jiangsu-suzhou.toml"),
    ),
];

/// Why a profile cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("no built-in rule profile named {0:?} (known: national, provincial, jiangsu-suzhou)")]
    UnknownProfile(String),
    #[error("rule profile is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("rule profile {profile}: unknown rule id {rule:?}")]
    UnknownRule { profile: String, rule: String },
    #[error("rule profile {profile}: rule {rule:?} appears twice")]
    DuplicateRule { profile: String, rule: String },
    #[error(
        "rule profile {profile}: rules missing (list them, with applies = false if not applicable): {missing}"
    )]
    MissingRules { profile: String, missing: String },
    #[error("rule profile {profile}: rule {rule}: bad parameters: {reason}")]
    BadParams {
        profile: String,
        rule: String,
        reason: String,
    },
    #[error("rule profile {profile}: rule {rule} cites no seed file")]
    NoSeeds { profile: String, rule: String },
}

/// One rule as configured by a profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    /// `false` marks the rule not applicable in this profile (e.g. outbound conduct).
    #[serde(default = "yes")]
    pub applies: bool,
    pub severity: Severity,
    pub title: Text,
    /// Seed files (shared/seeds) the rule and its thresholds come from.
    pub seeds: Vec<String>,
    /// Rule-specific thresholds; each rule documents its own.
    #[serde(default)]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub params: toml::Table,
}

fn yes() -> bool {
    true
}

/// What the one sealing path requires of an official inspection (`[seal]` in a profile).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SealRequirements {
    /// Who must have signed the on-site record (现场核查记录) before an official seal
    /// (design.md, "sign_off"). Default: an inspector and the company's representative.
    #[serde(default = "default_sign_offs")]
    pub sign_offs: Vec<crate::model::SignerRole>,
}

fn default_sign_offs() -> Vec<crate::model::SignerRole> {
    vec![
        crate::model::SignerRole::Inspector,
        crate::model::SignerRole::CompanyRepresentative,
    ]
}

impl Default for SealRequirements {
    fn default() -> Self {
        Self {
            sign_offs: default_sign_offs(),
        }
    }
}

/// A rule profile: data, not code. Built-in ones ship with the crate; an operator may load
/// their own from a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleProfile {
    pub id: String,
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// The license scope the profile is written for, when it is specific.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    /// Keep the photo of a social-insurance certificate an SI scan was decoded from. Off by
    /// default: the certificate shows the full ID number (requirements.md, "Personal data"),
    /// so only its SHA-256 is recorded.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keep_certificate_photos: bool,
    /// What an official seal requires beyond the rules.
    #[serde(default)]
    pub seal: SealRequirements,
    #[serde(rename = "rule")]
    pub rules: Vec<RuleSpec>,
    /// The TOML the profile was read from, byte for byte (sealed with the bundle).
    #[serde(skip)]
    source: String,
}

impl RuleProfile {
    /// A built-in profile by id.
    pub fn builtin(id: &str) -> Result<Self, ProfileError> {
        let (_, toml) = BUILTIN_PROFILES
            .iter()
            .find(|(name, _)| *name == id)
            .ok_or_else(|| ProfileError::UnknownProfile(id.to_owned()))?;
        Self::from_toml(toml)
    }

    /// Parses and validates a profile: every known rule present exactly once, every
    /// parameter set well-typed for its rule, every rule citing a seed.
    pub fn from_toml(source: &str) -> Result<Self, ProfileError> {
        let mut profile: RuleProfile = toml::from_str(source)?;
        profile.source = source.to_owned();
        profile.validate()?;
        Ok(profile)
    }

    fn validate(&self) -> Result<(), ProfileError> {
        let mut seen = BTreeSet::new();
        for rule in &self.rules {
            let def = rule_def(&rule.id).ok_or_else(|| ProfileError::UnknownRule {
                profile: self.id.clone(),
                rule: rule.id.clone(),
            })?;
            if !seen.insert(rule.id.as_str()) {
                return Err(ProfileError::DuplicateRule {
                    profile: self.id.clone(),
                    rule: rule.id.clone(),
                });
            }
            if rule.seeds.is_empty() {
                return Err(ProfileError::NoSeeds {
                    profile: self.id.clone(),
                    rule: rule.id.clone(),
                });
            }
            if rule.applies {
                (def.validate)(&rule.params).map_err(|reason| ProfileError::BadParams {
                    profile: self.id.clone(),
                    rule: rule.id.clone(),
                    reason,
                })?;
            }
        }
        let missing: Vec<&str> = super::rule_ids().filter(|id| !seen.contains(id)).collect();
        if !missing.is_empty() {
            return Err(ProfileError::MissingRules {
                profile: self.id.clone(),
                missing: missing.join(", "),
            });
        }
        Ok(())
    }

    /// The TOML text the profile was read from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Lowercase hex SHA-256 of the TOML text, recorded with findings and sealed bundles.
    pub fn sha256(&self) -> String {
        hex::encode(Sha256::digest(self.source.as_bytes()))
    }

    /// The photo parameters (`site.real_address`): what the phone and the report show
    /// for each photo. Defaults when the rule is absent or turned off.
    pub fn photo_params(&self) -> crate::capture::photo::PhotoParams {
        #[derive(Deserialize)]
        struct WithPhoto {
            #[serde(flatten)]
            photo: crate::capture::photo::PhotoParams,
        }
        self.rule("site.real_address")
            .filter(|r| r.applies)
            .and_then(|r| {
                toml::Value::Table(r.params.clone())
                    .try_into::<WithPhoto>()
                    .ok()
            })
            .map(|w| w.photo)
            .unwrap_or_default()
    }

    /// The configuration of one rule.
    pub fn rule(&self, id: &str) -> Option<&RuleSpec> {
        self.rules.iter().find(|r| r.id == id)
    }
}

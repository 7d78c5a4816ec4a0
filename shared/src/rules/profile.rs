//! Rule profiles: which rules apply, with which parameters, severity and texts.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::engine::rule_def;
use super::sources::{Citation, Source};
use crate::capture::photo::PhotoParams;
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
    #[error(
        "rule profile {profile}: rule {rule} cites no source: quote the sentence it rests on ([[rule.cite]] source, quote, en)"
    )]
    NoCitation { profile: String, rule: String },
    #[error(
        "rule profile {profile}: rule {rule} lists seed files (seeds = [...]), the layout before citations: quote the sentences instead ([[rule.cite]] source, quote, en), each source named once in [sources]"
    )]
    SeedsListed { profile: String, rule: String },
    #[error(
        "rule profile {profile}: rule {rule} cites source {key:?}, which [sources] does not name"
    )]
    UnknownSource {
        profile: String,
        rule: String,
        key: String,
    },
    #[error(
        "rule profile {profile}: rule {rule} cites source {key:?} with an empty quote or English rendering"
    )]
    EmptyCitation {
        profile: String,
        rule: String,
        key: String,
    },
    #[error(
        "rule profile {profile}: no [photo] table: every profile sets max_gps_camera_skew_s, editing_software and backing_photo_outside there (the phone, the server's intake and the report assess every photo with them, whether or not site.real_address applies)"
    )]
    NoPhotoParams { profile: String },
    #[error(
        "rule profile {profile}: no [seal] table: every profile sets sign_offs there (who signs the on-site record before an official seal, e.g. [\"inspector\", \"company_representative\"])"
    )]
    NoSealRequirements { profile: String },
    #[error(
        "rule profile {profile}: rule site.real_address sets {keys}: photo parameters belong in the profile's [photo] table"
    )]
    PhotoParamsInRule { profile: String, keys: String },
}

impl ProfileError {
    /// Why the profile cannot be used, for the person who wrote it (`Display` gives the
    /// English, for logs).
    pub fn message(&self) -> crate::i18n::Message {
        use crate::msg;
        match self {
            ProfileError::UnknownProfile(id) => msg!(
                "profile-unknown",
                id = id,
                known = BUILTIN_PROFILES
                    .iter()
                    .map(|(id, _)| *id)
                    .collect::<Vec<_>>()
            ),
            ProfileError::Toml(e) => msg!("profile-not-toml", problem = e.to_string()),
            ProfileError::UnknownRule { profile, rule } => {
                msg!("profile-unknown-rule", profile = profile, rule = rule)
            }
            ProfileError::DuplicateRule { profile, rule } => {
                msg!("profile-duplicate-rule", profile = profile, rule = rule)
            }
            ProfileError::MissingRules { profile, missing } => {
                msg!("profile-missing-rules", profile = profile, rules = missing)
            }
            ProfileError::BadParams {
                profile,
                rule,
                reason,
            } => msg!(
                "profile-bad-parameters",
                profile = profile,
                rule = rule,
                problem = reason
            ),
            ProfileError::NoCitation { profile, rule } => {
                msg!("profile-no-citation", profile = profile, rule = rule)
            }
            ProfileError::SeedsListed { profile, rule } => {
                msg!("profile-seeds-listed", profile = profile, rule = rule)
            }
            ProfileError::UnknownSource { profile, rule, key } => msg!(
                "profile-unknown-source",
                profile = profile,
                rule = rule,
                source = key
            ),
            ProfileError::EmptyCitation { profile, rule, key } => msg!(
                "profile-empty-citation",
                profile = profile,
                rule = rule,
                source = key
            ),
            ProfileError::NoPhotoParams { profile } => {
                msg!("profile-no-photo-table", profile = profile)
            }
            ProfileError::NoSealRequirements { profile } => {
                msg!("profile-no-seal-table", profile = profile)
            }
            ProfileError::PhotoParamsInRule { profile, keys } => {
                msg!("profile-photo-keys-in-rule", profile = profile, keys = keys)
            }
        }
    }
}

/// The keys of `[photo]`, which profiles recorded before it existed set in the parameters
/// of `site.real_address`.
const PHOTO_KEYS: [&str; 2] = ["max_gps_camera_skew_s", "editing_software"];
const PHOTO_RULE: &str = "site.real_address";

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
    /// The sentences of the sources the rule and its thresholds rest on (`[[rule.cite]]`),
    /// at least one. Findings record their sources' files ([`RuleProfile::seed_files`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cite: Vec<Citation>,
    /// The seed files by name, without quotes: only in a profile recorded before rules
    /// cited their sources, read by [`RuleProfile::from_recorded_toml`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
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
    /// (design.md, "sign_off"). Required: the profile says it, the code assumes nothing.
    pub sign_offs: Vec<crate::model::SignerRole>,
}

/// Who had to sign before an official seal when profiles had no `[seal]` table (engine
/// `hecha-core/0.1.0+rules.2` and earlier): an inspector and the company's representative.
/// Only [`RuleProfile::from_recorded_toml`] uses it, to read such a recorded profile as it
/// was judged. (Their names in a profile.)
pub const SIGN_OFFS_BEFORE_THEIR_TABLE: [&str; 2] = ["inspector", "company_representative"];

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
    /// What an official seal requires beyond the rules (`[seal]`, required).
    pub seal: SealRequirements,
    /// How every photo is assessed (`[photo]`, required): by `site.real_address`, and by
    /// the phone, the server's intake and the report even when that rule is off.
    pub photo: PhotoParams,
    /// The source documents the rules cite, each named once by a key (`[sources.004]`).
    /// Absent in a profile recorded before citations.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sources: BTreeMap<String, Source>,
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

    /// Parses and validates a profile: a `[photo]` table, every known rule present exactly
    /// once, every parameter set well-typed for its rule, every rule quoting at least one
    /// declared source.
    pub fn from_toml(source: &str) -> Result<Self, ProfileError> {
        let table: toml::Table = toml::from_str(source)?;
        check_photo_table(&table)?;
        // Parsed again from the text, so a type error points at its line.
        let profile: RuleProfile = toml::from_str(source)?;
        profile.with_source(source, Layout::Today)
    }

    /// A profile as it was recorded — sealed in a bundle, kept in a phone's outbox, handed
    /// over by a server — read as [`RuleProfile::from_toml`] does, and also in the layout
    /// before `[photo]` existed. Then the photo parameters were those of
    /// `site.real_address` when that rule applied and named both, and otherwise the engine's
    /// built-in ones of that time ([`PHOTO_BEFORE_ITS_TABLE`]); a `[photo]` table recorded
    /// before `backing_photo_outside` reads it as [`BACKING_BEFORE_ITS_KEY`]: a bundle
    /// sealed then is read as it was judged. A rule recorded before citations names its seed
    /// files (`seeds = [...]`) instead of quoting them; its findings record those files, as
    /// they did. The source stays byte for byte what was recorded.
    pub fn from_recorded_toml(source: &str) -> Result<Self, ProfileError> {
        let mut table: toml::Table = toml::from_str(source)?;
        if !table.contains_key("photo") {
            let applies = table
                .get("rule")
                .and_then(toml::Value::as_array)
                .and_then(|rules| {
                    rules
                        .iter()
                        .filter_map(toml::Value::as_table)
                        .find(|r| is_photo_rule(r))
                })
                .map(|r| r.get("applies").and_then(toml::Value::as_bool) != Some(false));
            // The keys leave the rule in any case: they are no parameters of it now.
            let lifted = real_address_params_mut(&mut table).map(|params| {
                PHOTO_KEYS
                    .iter()
                    .filter_map(|k| params.remove(*k).map(|v| ((*k).to_owned(), v)))
                    .collect::<toml::Table>()
            });
            let photo = match lifted {
                Some(p) if applies == Some(true) && p.len() == PHOTO_KEYS.len() => p,
                _ => photo_before_its_table(),
            };
            table.insert("photo".to_owned(), toml::Value::Table(photo));
        }
        if let Some(photo) = table.get_mut("photo").and_then(toml::Value::as_table_mut) {
            photo
                .entry(BACKING_KEY)
                .or_insert_with(|| BACKING_BEFORE_ITS_KEY.into());
        }
        if !table.contains_key("seal") {
            let roles = SIGN_OFFS_BEFORE_THEIR_TABLE.map(toml::Value::from);
            let mut seal = toml::Table::new();
            seal.insert("sign_offs".to_owned(), toml::Value::Array(roles.to_vec()));
            table.insert("seal".to_owned(), toml::Value::Table(seal));
        }
        check_photo_table(&table)?;
        let profile: RuleProfile = toml::Value::Table(table).try_into()?;
        profile.with_source(source, Layout::Recorded)
    }

    fn with_source(mut self, source: &str, layout: Layout) -> Result<Self, ProfileError> {
        self.source = source.to_owned();
        self.validate(layout)?;
        Ok(self)
    }

    fn validate(&self, layout: Layout) -> Result<(), ProfileError> {
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
            self.validate_citations(rule, layout)?;
            if rule.applies {
                (def.validate)(&rule.params).map_err(|reason| ProfileError::BadParams {
                    profile: self.id.clone(),
                    rule: rule.id.clone(),
                    reason,
                })?;
            }
        }
        let missing: Vec<&str> = super::rule_ids().filter(|id| !seen.contains(id)).collect();
        // A profile recorded before a rule existed judged without it, and still does.
        if !missing.is_empty() && layout == Layout::Today {
            return Err(ProfileError::MissingRules {
                profile: self.id.clone(),
                missing: missing.join(", "),
            });
        }
        Ok(())
    }

    /// A rule quotes at least one declared source, in words; only a recorded profile may
    /// name bare seed files instead, and never both.
    fn validate_citations(&self, rule: &RuleSpec, layout: Layout) -> Result<(), ProfileError> {
        let profile = || self.id.clone();
        let id = || rule.id.clone();
        if !rule.seeds.is_empty() && (layout == Layout::Today || !rule.cite.is_empty()) {
            return Err(ProfileError::SeedsListed {
                profile: profile(),
                rule: id(),
            });
        }
        if rule.cite.is_empty() && rule.seeds.is_empty() {
            return Err(ProfileError::NoCitation {
                profile: profile(),
                rule: id(),
            });
        }
        for c in &rule.cite {
            if !self.sources.contains_key(&c.source) {
                return Err(ProfileError::UnknownSource {
                    profile: profile(),
                    rule: id(),
                    key: c.source.clone(),
                });
            }
            if c.quote.trim().is_empty() || c.en.trim().is_empty() {
                return Err(ProfileError::EmptyCitation {
                    profile: profile(),
                    rule: id(),
                    key: c.source.clone(),
                });
            }
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

    /// The configuration of one rule.
    pub fn rule(&self, id: &str) -> Option<&RuleSpec> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// Which layout a profile is read in: today's, or also the ones recorded before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Today,
    Recorded,
}

/// A `[photo]` table is present, and the photo parameters are not set in a rule.
fn check_photo_table(table: &toml::Table) -> Result<(), ProfileError> {
    let profile = || {
        table
            .get("id")
            .and_then(toml::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    if !table.contains_key("photo") {
        return Err(ProfileError::NoPhotoParams { profile: profile() });
    }
    if !table.contains_key("seal") {
        return Err(ProfileError::NoSealRequirements { profile: profile() });
    }
    let in_rule: Vec<&str> = real_address_params(table)
        .map(|params| {
            PHOTO_KEYS
                .into_iter()
                .filter(|k| params.contains_key(*k))
                .collect()
        })
        .unwrap_or_default();
    if !in_rule.is_empty() {
        return Err(ProfileError::PhotoParamsInRule {
            profile: profile(),
            keys: in_rule.join(", "),
        });
    }
    Ok(())
}

/// The parameters of `site.real_address`, when the profile lists it with some.
fn real_address_params(table: &toml::Table) -> Option<&toml::Table> {
    table
        .get("rule")?
        .as_array()?
        .iter()
        .filter_map(toml::Value::as_table)
        .find(|r| is_photo_rule(r))?
        .get("params")?
        .as_table()
}

/// The photo parameters the engine used, before profiles carried `[photo]`, when
/// `site.real_address` was absent, turned off or named them incompletely (engine
/// `hecha-core/0.1.0+rules.2` and earlier). Only [`RuleProfile::from_recorded_toml`] uses
/// them, to read such a recorded profile as it was judged; a profile loaded today must
/// carry its own `[photo]`.
pub const PHOTO_BEFORE_ITS_TABLE: (i64, [&str; 8]) = (
    300,
    [
        "photoshop",
        "lightroom",
        "gimp",
        "snapseed",
        "美图",
        "醒图",
        "picsart",
        "facetune",
    ],
);

/// `[photo] backing_photo_outside`, and its value before it existed (engine
/// `hecha-core/0.1.0+rules.2` and earlier: any photo naming a rule backed it). Only
/// [`RuleProfile::from_recorded_toml`] supplies it, to read such a recorded profile as it
/// was judged.
const BACKING_KEY: &str = "backing_photo_outside";
pub const BACKING_BEFORE_ITS_KEY: &str = "unchecked";

fn photo_before_its_table() -> toml::Table {
    let (skew, editors) = PHOTO_BEFORE_ITS_TABLE;
    let mut t = toml::Table::new();
    t.insert(PHOTO_KEYS[0].to_owned(), toml::Value::Integer(skew));
    t.insert(
        PHOTO_KEYS[1].to_owned(),
        toml::Value::Array(editors.iter().map(|e| toml::Value::from(*e)).collect()),
    );
    t
}

fn real_address_params_mut(table: &mut toml::Table) -> Option<&mut toml::Table> {
    table
        .get_mut("rule")?
        .as_array_mut()?
        .iter_mut()
        .filter_map(toml::Value::as_table_mut)
        .find(|r| is_photo_rule(r))?
        .get_mut("params")?
        .as_table_mut()
}

fn is_photo_rule(rule: &toml::Table) -> bool {
    rule.get("id").and_then(toml::Value::as_str) == Some(PHOTO_RULE)
}

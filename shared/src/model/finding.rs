use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Lang, Text};
use crate::i18n::{self, Message};

/// The verdict of one rule.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    Pass,
    Fail,
    /// No evidence for the rule was recorded.
    Missing,
    /// Evidence exists but a person must judge it (unknown QR format, gallery photo, …).
    NeedsReview,
    /// The profile does not apply the rule (e.g. outbound conduct), or the case excludes it.
    NotApplicable,
}

impl FindingStatus {
    /// The catalogue id of the status's label.
    pub fn message(self) -> Message {
        Message::new(match self {
            FindingStatus::Pass => "status-pass",
            FindingStatus::Fail => "status-fail",
            FindingStatus::Missing => "status-missing",
            FindingStatus::NeedsReview => "status-needs-review",
            FindingStatus::NotApplicable => "status-not-applicable",
        })
    }

    /// Whether this status blocks the license (the `check` exit code and readiness).
    pub fn is_blocking(self) -> bool {
        matches!(self, FindingStatus::Fail | FindingStatus::Missing)
    }

    pub fn label(self) -> Text {
        self.message().text()
    }
}

/// How much a failed rule matters.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks the license.
    Critical,
    /// Must be fixed before approval.
    Major,
    /// Worth fixing; reminders.
    Minor,
    Info,
}

/// A number (or fact) behind a finding, as a string so it survives canonical JSON exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Measure {
    /// What was measured, e.g. `area_m2`, `distance_m`, `months_paid`.
    pub name: String,
    pub value: String,
    /// The threshold it was compared with, e.g. `>= 100`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<String>,
    /// The evidence item it comes from, when it comes from one item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
}

/// The outcome of one rule for one inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    pub rule_id: String,
    pub status: FindingStatus,
    pub severity: Severity,
    pub title: Text,
    /// Why: the numbers in words, as rendered when the finding was made (from `says`).
    pub message: Text,
    /// Why, as data: the catalogue messages the words were rendered from, one per sentence.
    /// Absent in findings sealed before the catalogue (those carry only their words).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub says: Vec<Message>,
    /// Evidence ids the verdict rests on.
    #[serde(default)]
    pub evidence_ids: Vec<String>,
    #[serde(default)]
    pub measures: Vec<Measure>,
    /// Seed files (shared/seeds) the rule's threshold comes from.
    #[serde(default)]
    pub seeds: Vec<String>,
}

impl Finding {
    /// The reasons in one language: rendered from `says` by this catalogue when it knows
    /// every message, else the words sealed with the finding.
    pub fn words(&self, lang: Lang) -> String {
        match i18n::try_render_all(&self.says, lang) {
            Ok(words) if !self.says.is_empty() => words,
            _ => self.message.get(lang).to_owned(),
        }
    }
}

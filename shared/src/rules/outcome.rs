//! What one rule says before the engine dresses it as a `Finding`.

use crate::model::{FindingStatus, Measure, Text};

/// A rule's verdict with its reasons.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub status: FindingStatus,
    pub message: Text,
    pub evidence_ids: Vec<String>,
    pub measures: Vec<Measure>,
}

impl Outcome {
    pub fn new(status: FindingStatus, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            status,
            message: Text::new(zh, en),
            evidence_ids: Vec::new(),
            measures: Vec::new(),
        }
    }
    pub fn pass(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(FindingStatus::Pass, zh, en)
    }
    pub fn fail(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(FindingStatus::Fail, zh, en)
    }
    pub fn missing(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(FindingStatus::Missing, zh, en)
    }
    pub fn review(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(FindingStatus::NeedsReview, zh, en)
    }
    pub fn not_applicable(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(FindingStatus::NotApplicable, zh, en)
    }

    /// Adds the evidence the verdict rests on.
    pub fn items<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for id in ids {
            let id = id.as_ref();
            if !self.evidence_ids.iter().any(|e| e == id) {
                self.evidence_ids.push(id.to_owned());
            }
        }
        self
    }

    /// Adds a number behind the verdict.
    pub fn measure(
        mut self,
        name: &str,
        value: impl ToString,
        threshold: Option<String>,
        item: Option<&str>,
    ) -> Self {
        self.measures.push(Measure {
            name: name.to_owned(),
            value: value.to_string(),
            threshold,
            item_id: item.map(str::to_owned),
        });
        self
    }

    /// Downgrades a pass to needs_review (e.g. no photo backs an entered value).
    pub fn review_unless(mut self, ok: bool, zh: &str, en: &str) -> Self {
        if !ok && self.status == FindingStatus::Pass {
            self.status = FindingStatus::NeedsReview;
            self.message.zh.push_str(zh);
            self.message.en.push_str(en);
        }
        self
    }
}

/// `>= 100` style threshold text.
pub(crate) fn at_least(v: impl std::fmt::Display) -> Option<String> {
    Some(format!(">= {v}"))
}

/// `<= 50` style threshold text.
pub(crate) fn at_most(v: impl std::fmt::Display) -> Option<String> {
    Some(format!("<= {v}"))
}

//! What one rule says before the engine dresses it as a `Finding`.

use crate::i18n::Message;
use crate::model::{FindingStatus, Measure};

/// A rule's verdict with its reasons, as catalogue messages (one per sentence).
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub status: FindingStatus,
    pub says: Vec<Message>,
    pub evidence_ids: Vec<String>,
    pub measures: Vec<Measure>,
}

impl Outcome {
    pub fn new(status: FindingStatus, says: Message) -> Self {
        Self {
            status,
            says: vec![says],
            evidence_ids: Vec::new(),
            measures: Vec::new(),
        }
    }
    /// A pass that says nothing yet: the caller adds the sentences and may change the
    /// verdict.
    pub fn pending() -> Self {
        Self {
            status: FindingStatus::Pass,
            says: Vec::new(),
            evidence_ids: Vec::new(),
            measures: Vec::new(),
        }
    }
    pub fn pass(says: Message) -> Self {
        Self::new(FindingStatus::Pass, says)
    }
    pub fn fail(says: Message) -> Self {
        Self::new(FindingStatus::Fail, says)
    }
    pub fn missing(says: Message) -> Self {
        Self::new(FindingStatus::Missing, says)
    }
    pub fn review(says: Message) -> Self {
        Self::new(FindingStatus::NeedsReview, says)
    }
    pub fn not_applicable(says: Message) -> Self {
        Self::new(FindingStatus::NotApplicable, says)
    }

    /// Adds a sentence.
    pub fn also(mut self, says: Message) -> Self {
        self.says.push(says);
        self
    }

    /// Sets the verdict (keeping the reasons).
    pub fn status(mut self, status: FindingStatus) -> Self {
        self.status = status;
        self
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

    /// Downgrades a pass to needs_review, saying why (e.g. no photo backs an entered value).
    pub fn review_unless(mut self, ok: bool, why: Message) -> Self {
        if !ok && self.status == FindingStatus::Pass {
            self.status = FindingStatus::NeedsReview;
            self.says.push(why);
        }
        self
    }

    /// Makes the verdict at least as bad as `status` (pass, then needs_review, then fail),
    /// saying why; missing and not_applicable stay as they are.
    pub fn at_worst(mut self, status: FindingStatus, why: Message) -> Self {
        let rank = |s: FindingStatus| match s {
            FindingStatus::Pass => Some(0),
            FindingStatus::NeedsReview => Some(1),
            FindingStatus::Fail => Some(2),
            FindingStatus::Missing | FindingStatus::NotApplicable => None,
        };
        if let (Some(now), Some(worse)) = (rank(self.status), rank(status)) {
            if worse > now {
                self.status = status;
            }
            self.says.push(why);
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

/// The graver of two verdicts: fail, then missing, then needs_review, then pass (and
/// not_applicable, which says nothing).
pub(crate) fn graver(a: FindingStatus, b: FindingStatus) -> FindingStatus {
    let rank = |s| match s {
        FindingStatus::Fail => 4,
        FindingStatus::Missing => 3,
        FindingStatus::NeedsReview => 2,
        FindingStatus::Pass => 1,
        FindingStatus::NotApplicable => 0,
    };
    if rank(b) > rank(a) { b } else { a }
}

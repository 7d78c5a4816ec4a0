//! What a rehearsal cannot settle: the rules the official visit checks again on its own
//! day. A rehearsal is judged against its own window (the hours the company rehearses, in
//! `inspection.toml`); the inspector gathers the on-site evidence again in the visit's
//! window, and counts months, leases and deadlines as of the visit's day.

use crate::i18n::Message;
use crate::model::{Finding, FindingStatus, Lang};
use crate::msg;
use crate::rules::{Recheck, recheck};

/// The applicable rules of a rehearsal's findings that the visit checks again, by why.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OnTheDay<'a> {
    /// Evidence gathered again on site, in the visit's window.
    pub on_site: Vec<&'a Finding>,
    /// Counted again as of the visit's day.
    pub as_of_the_day: Vec<&'a Finding>,
}

impl<'a> OnTheDay<'a> {
    pub fn of(findings: &'a [Finding]) -> Self {
        let mut out = OnTheDay::default();
        for f in findings {
            if f.status == FindingStatus::NotApplicable {
                continue;
            }
            match recheck(&f.rule_id) {
                Some(Recheck::OnSite) => out.on_site.push(f),
                Some(Recheck::AsOfTheDay) => out.as_of_the_day.push(f),
                Some(Recheck::No) | None => {}
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.on_site.is_empty() && self.as_of_the_day.is_empty()
    }

    /// The rule ids, by why (for JSON).
    pub fn ids(&self) -> serde_json::Value {
        let ids = |fs: &[&Finding]| fs.iter().map(|f| f.rule_id.clone()).collect::<Vec<_>>();
        serde_json::json!({
            "on_site": ids(&self.on_site),
            "as_of_the_day": ids(&self.as_of_the_day),
        })
    }

    /// A heading and one sentence per group, naming the rules by their titles.
    pub fn messages(&self, lang: Lang) -> Vec<Message> {
        if self.is_empty() {
            return Vec::new();
        }
        let titles = |fs: &[&Finding]| {
            fs.iter()
                .map(|f| f.title.get(lang).to_owned())
                .collect::<Vec<_>>()
        };
        let mut out = vec![msg!("recheck-heading")];
        if !self.on_site.is_empty() {
            out.push(msg!("recheck-on-site", rules = titles(&self.on_site)));
        }
        if !self.as_of_the_day.is_empty() {
            out.push(msg!(
                "recheck-as-of-the-day",
                rules = titles(&self.as_of_the_day)
            ));
        }
        out
    }

    /// [`OnTheDay::messages`] rendered, one line each.
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        self.messages(lang).iter().map(|m| m.render(lang)).collect()
    }
}

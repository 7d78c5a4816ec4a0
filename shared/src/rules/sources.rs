//! The documents the rules rest on, and how a rule cites them. A profile names each source
//! once (`[sources.004]`: its file and a title a person recognises) and every rule quotes
//! the sentence it follows (`[[rule.cite]]`: the words as written, an English rendering and,
//! where the sources disagree, a note saying which one the profile follows and why).
//! Findings record only the files (`Finding::seeds`); people read the citations.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::profile::RuleProfile;
use crate::i18n::Message;
use crate::model::{Finding, Lang, Text};

/// A source document a profile names (`[sources.<key>]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The document's file among the seeds (`shared/seeds/`), e.g.
    /// `004_7b0e624443e9969e.txt`: what findings record.
    pub file: String,
    /// A short title a person recognises, taken from the document itself.
    pub title: Text,
}

/// One sentence of a source a rule rests on (`[[rule.cite]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// The key of a source in the profile's `[sources]`, e.g. `004`.
    pub source: String,
    /// The sentence, or the shortest span that carries the requirement, copied verbatim
    /// from the source (Chinese as written).
    pub quote: String,
    /// The quote's faithful English rendering.
    pub en: String,
    /// Where the sources disagree: which one the profile follows and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// The five documents the shipped profiles were written from (`shared/seeds/`): key, file,
/// title in Chinese and in English. They name a seed file a profile recorded before
/// citations lists (`seeds = [...]`), so such a finding's sources still read as titles,
/// never as file names. The shipped profiles' `[sources]` carry the same titles (a test
/// holds them together).
pub const KNOWN_SOURCES: [(&str, &str, &str, &str); 5] = [
    (
        "000",
        "000_4638e76bc72305b4.txt",
        "呼叫中心许可证的办理条件、材料与续期（大通天成）",
        "Call-center license: conditions, materials and renewal (Datong Tiancheng)",
    ),
    (
        "001",
        "001_26b057b87561673c.txt",
        "呼叫中心许可证需要哪些申请材料（壹点壹线）",
        "What an application for a call-center license needs (Yidian Yixian)",
    ),
    (
        "002",
        "002_a5a8f4f4d60a08a7.txt",
        "外呼企业申办国内多方通信业务许可证的指南",
        "A guide for outbound-calling companies applying for a domestic multi-party communication license",
    ),
    (
        "003",
        "003_fd7e1bb9c5145d6f.txt",
        "呼叫中心业务经营许可证的申请条件与办理流程（中企百通）",
        "The call-center business license: conditions and procedure (Zhongqi Baitong)",
    ),
    (
        "004",
        "004_7b0e624443e9969e.txt",
        "在苏州办呼叫中心许可证",
        "Getting a call-center license in Suzhou",
    ),
];

/// A citation with the source it names, as a profile holds it.
#[derive(Debug, Clone, Copy)]
pub struct Cited<'a> {
    /// The source's key in the profile, e.g. `004`.
    pub key: &'a str,
    pub source: &'a Source,
    pub citation: &'a Citation,
}

impl Cited<'_> {
    /// How a person reads it: `004《title》：「quote」` in Chinese, `004 "title": "rendering"`
    /// in English, with the note after it when there is one.
    pub fn text(&self) -> SourceText {
        SourceText {
            text: Text::new(
                quoted_zh(self.key, &self.source.title.zh, &self.citation.quote),
                quoted_en(self.key, &self.source.title.en, &self.citation.en),
            ),
            note: self.citation.note.clone(),
        }
    }
}

/// One source of a finding as a person reads it, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceText {
    pub text: Text,
    /// Why this source is followed where the sources disagree.
    pub note: Option<Text>,
}

impl SourceText {
    /// The citation and its note, in one language.
    pub fn line(&self, lang: Lang) -> String {
        match (&self.note, lang) {
            (None, _) => self.text.get(lang).to_owned(),
            (Some(n), Lang::Zh) => format!("{}（{}）", self.text.zh, n.zh),
            (Some(n), Lang::En) => format!("{} ({})", self.text.en, n.en),
        }
    }
}

fn quoted_zh(key: &str, title: &str, quote: &str) -> String {
    format!("{key}《{title}》：「{quote}」")
}

fn quoted_en(key: &str, title: &str, en: &str) -> String {
    format!("{key} \"{title}\": \"{en}\"")
}

fn titled(key: &str, title: &Text) -> Text {
    Text::new(
        format!("{key}《{}》", title.zh),
        format!("{key} \"{}\"", title.en),
    )
}

impl RuleProfile {
    /// What rule `rule_id` cites, in the profile's order, each with its source. Empty for a
    /// rule the profile lacks, and for a profile recorded before citations.
    pub fn citations(&self, rule_id: &str) -> Vec<Cited<'_>> {
        let Some(rule) = self.rule(rule_id) else {
            return Vec::new();
        };
        rule.cite
            .iter()
            .filter_map(|c| {
                let (key, source) = self.sources.get_key_value(&c.source)?;
                Some(Cited {
                    key,
                    source,
                    citation: c,
                })
            })
            .collect()
    }

    /// The seed files a rule's findings record: its citations' sources, each once, in the
    /// order first cited; for a profile recorded before citations, its `seeds` list.
    pub fn seed_files(&self, rule: &super::RuleSpec) -> Vec<String> {
        if rule.cite.is_empty() {
            return rule.seeds.clone();
        }
        let mut files: Vec<String> = Vec::new();
        for c in &rule.cite {
            if let Some(s) = self.sources.get(&c.source)
                && !files.contains(&s.file)
            {
                files.push(s.file.clone());
            }
        }
        files
    }
}

/// A finding's sources as a person reads them: the citations of its rule in the profile it
/// was judged by; without them (a profile recorded before citations, or none at hand) each
/// seed file the finding records by its title — the profile's, else a known source's
/// ([`KNOWN_SOURCES`]) — and a file neither knows as an unlisted source.
pub fn finding_sources(finding: &Finding, profile: Option<&RuleProfile>) -> Vec<SourceText> {
    let cited = profile.map(|p| p.citations(&finding.rule_id));
    if let Some(cited) = cited.filter(|c| !c.is_empty()) {
        return cited.iter().map(Cited::text).collect();
    }
    finding
        .seeds
        .iter()
        .map(|file| {
            let declared = profile.and_then(|p| p.sources.iter().find(|(_, s)| &s.file == file));
            let text = match declared {
                Some((key, s)) => titled(key, &s.title),
                None => match KNOWN_SOURCES.iter().find(|(_, f, _, _)| f == file) {
                    Some((key, _, zh, en)) => titled(key, &Text::new(*zh, *en)),
                    None => Message::new("source-unlisted").arg("file", file).text(),
                },
            };
            SourceText { text, note: None }
        })
        .collect()
}

//! What the rules see: the inspection, its evidence, the as-of instant, and views over
//! the evidence (checklists of one kind, the insured persons, the seats).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;

use crate::capture::photo::PhotoParams;
use crate::model::{
    Checklist, Company, DocumentFacts, EvidenceBody, EvidenceItem, Inspection, SiPayloadFormat,
    SiScan, StaffRole,
};

pub(crate) struct Ctx<'a> {
    pub inspection: &'a Inspection,
    pub evidence: &'a [EvidenceItem],
    /// The profile's `[photo]` table: how each photo is assessed.
    pub photo: &'a PhotoParams,
    /// The end of the inspection window: the rules' "today".
    pub as_of: DateTime<FixedOffset>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        inspection: &'a Inspection,
        evidence: &'a [EvidenceItem],
        photo: &'a PhotoParams,
    ) -> Self {
        Self {
            inspection,
            evidence,
            photo,
            as_of: inspection.as_of(),
        }
    }

    /// The as-of day in the inspection's own time zone (falling back to the window's offset).
    pub fn today(&self) -> NaiveDate {
        match self.inspection.tz() {
            Ok(tz) => self.as_of.with_timezone(&tz).date_naive(),
            Err(_) => self.as_of.date_naive(),
        }
    }

    /// Every checklist of one kind, with its item.
    pub fn checklists<T>(
        &self,
        pick: impl Fn(&'a Checklist) -> Option<&'a T>,
    ) -> Vec<(&'a EvidenceItem, &'a T)> {
        self.evidence
            .iter()
            .filter_map(|item| match &item.body {
                EvidenceBody::Checklist(c) => pick(c).map(|t| (item, t)),
                _ => None,
            })
            .collect()
    }

    /// Every document with its facts.
    pub fn documents(&self) -> Vec<(&'a EvidenceItem, &'a DocumentFacts)> {
        self.evidence
            .iter()
            .filter_map(|item| match &item.body {
                EvidenceBody::Document(d) => Some((item, &d.facts)),
                _ => None,
            })
            .collect()
    }

    /// Photos and media (screen captures, recordings) that name `rule_id`.
    pub fn pictures_for(&self, rule_id: &str) -> Vec<&'a EvidenceItem> {
        self.evidence
            .iter()
            .filter(|item| matches!(item.body, EvidenceBody::Photo(_) | EvidenceBody::Media(_)))
            .filter(|item| item.supports(rule_id))
            .collect()
    }

    /// Every distinct seat tag named by a dial test or a seat-equipment checklist.
    pub fn seat_tags(&self) -> BTreeSet<&'a str> {
        let mut tags = BTreeSet::new();
        for item in self.evidence {
            match &item.body {
                EvidenceBody::DialTest(d) => {
                    tags.insert(d.seat_tag.as_str());
                }
                EvidenceBody::Checklist(Checklist::SeatEquipment(s)) => {
                    tags.insert(s.seat_tag.as_str());
                }
                _ => {}
            }
        }
        tags
    }

    /// The insured persons: SI scans grouped by the keyed hash of the ID number (else the
    /// masked ID with the name), so one person scanned twice counts once.
    pub fn persons(&self) -> Vec<Person<'a>> {
        let mut by_key: BTreeMap<String, Person<'a>> = BTreeMap::new();
        for item in self.evidence {
            let EvidenceBody::SiScan(scan) = &item.body else {
                continue;
            };
            let r = &scan.record;
            let key = match (&r.id_hash, &r.id_masked) {
                (Some(h), _) => format!("hash:{}:{}", h.key_id, h.hmac_sha256),
                (None, Some(m)) => format!("masked:{m}:{}", r.name.as_deref().unwrap_or("")),
                (None, None) => format!("item:{}", item.id),
            };
            by_key
                .entry(key)
                .or_insert_with(|| Person {
                    items: Vec::new(),
                    scans: Vec::new(),
                })
                .push(item, scan);
        }
        by_key.into_values().collect()
    }
}

/// One insured person, seen in one or more SI scans.
pub(crate) struct Person<'a> {
    pub items: Vec<&'a EvidenceItem>,
    pub scans: Vec<&'a SiScan>,
}

impl<'a> Person<'a> {
    fn push(&mut self, item: &'a EvidenceItem, scan: &'a SiScan) {
        self.items.push(item);
        self.scans.push(scan);
    }

    pub fn item_ids(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.items.iter().map(|i| i.id.as_str())
    }

    /// Name and masked ID, for messages (both are kept by design; never the full ID).
    pub fn label(&self) -> String {
        let name = self.scans.iter().find_map(|s| s.record.name.as_deref());
        let id = self
            .scans
            .iter()
            .find_map(|s| s.record.id_masked.as_deref());
        match (name, id) {
            (Some(n), Some(i)) => format!("{n} ({i})"),
            (Some(n), None) => n.to_owned(),
            (None, Some(i)) => i.to_owned(),
            (None, None) => format!(
                "[{}]",
                self.items.first().map(|i| i.id.as_str()).unwrap_or("?")
            ),
        }
    }

    /// Every scan of this person is of an unknown payload format: only a human can read it.
    pub fn unreadable(&self) -> bool {
        self.scans
            .iter()
            .all(|s| s.record.format == SiPayloadFormat::Unknown)
    }

    /// The charset the QR decoder guessed for a scan whose payload no layout recognised:
    /// its text may be the right code misread, not an unknown format.
    pub fn charset_guessed(&self) -> Option<&'a str> {
        self.scans
            .iter()
            .filter(|s| s.record.format == SiPayloadFormat::Unknown)
            .find_map(|s| s.record.charset_guessed.as_deref())
    }

    /// Some scan's ID number failed its check digit.
    pub fn id_invalid(&self) -> bool {
        self.scans.iter().any(|s| s.record.id_valid == Some(false))
    }

    /// Whether the company pays this person's insurance: `None` when no scan shows an employer.
    pub fn employed_by(&self, company: &Company) -> Option<bool> {
        let mut seen = None;
        for r in self.scans.iter().map(|s| &s.record) {
            if let Some(uscc) = &r.employer_uscc {
                if normalize(uscc) == normalize(&company.uscc) {
                    return Some(true);
                }
                seen = Some(false);
            } else if let Some(name) = &r.employer_name {
                if normalize(name) == normalize(&company.name) {
                    return Some(true);
                }
                seen = Some(false);
            }
        }
        seen
    }

    pub fn months_paid(&self) -> Option<u32> {
        self.scans.iter().filter_map(|s| s.record.months_paid).max()
    }

    /// The last month paid (`YYYY-MM`, the latest of the scans' paid periods), as
    /// (year, month); `None` when no scan shows a period end.
    pub fn last_month_paid(&self) -> Option<(i32, u32)> {
        self.scans
            .iter()
            .filter_map(|s| s.record.period_end.as_deref())
            .filter_map(|end| {
                let (y, m) = end.split_once('-')?;
                let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
                (1..=12).contains(&m).then_some((y, m))
            })
            .max()
    }

    pub fn insured_places(&self) -> Vec<&'a str> {
        self.scans
            .iter()
            .filter_map(|s| s.record.insured_place.as_deref())
            .collect()
    }

    pub fn roles(&self) -> BTreeSet<StaffRole> {
        self.scans
            .iter()
            .flat_map(|s| s.roles.iter().copied())
            .collect()
    }

    /// `Some(true)` if any scan says the specialty is computer/telecom related.
    pub fn specialty_related(&self) -> Option<bool> {
        let v: Vec<bool> = self
            .scans
            .iter()
            .filter_map(|s| s.specialty_related)
            .collect();
        if v.is_empty() {
            None
        } else {
            Some(v.contains(&true))
        }
    }

    pub fn experience_years(&self) -> Option<Decimal> {
        self.scans
            .iter()
            .filter_map(|s| s.telecom_experience_years)
            .max()
    }
}

/// Compare company names and codes regardless of case, spaces and full-width brackets.
pub(crate) fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

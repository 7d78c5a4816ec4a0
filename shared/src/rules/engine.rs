//! The engine: a registry of rule ids to evaluators, and `evaluate`.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::context::Ctx;
use super::outcome::Outcome;
use super::{company, conduct, license, remedies, room, seats, site, staff, system};
use crate::model::{EvidenceItem, Finding, FindingStatus, Inspection, Severity};
use crate::msg;
use crate::rules::RuleProfile;

/// One known rule: how to check its parameters and how to evaluate it.
pub(crate) struct RuleDef {
    pub id: &'static str,
    /// Whether the official visit checks the rule again on its day.
    pub recheck: Recheck,
    pub validate: fn(&toml::Table) -> Result<(), String>,
    pub eval: fn(&Ctx<'_>, &toml::Table) -> Result<Outcome, String>,
}

fn parse<P: DeserializeOwned>(params: &toml::Table) -> Result<P, String> {
    toml::Value::Table(params.clone())
        .try_into()
        .map_err(|e: toml::de::Error| e.message().to_owned())
}

fn validate<P: DeserializeOwned>(params: &toml::Table) -> Result<(), String> {
    parse::<P>(params).map(|_| ())
}

macro_rules! rule {
    ($id:literal, $params:ty, $eval:path, $recheck:expr) => {
        RuleDef {
            id: $id,
            recheck: $recheck,
            validate: validate::<$params>,
            eval: |ctx, params| Ok($eval(ctx, &parse::<$params>(params)?)),
        }
    };
}

/// Every rule of requirements.md, in the order reports list them.
static RULES: &[RuleDef] = &[
    rule!(
        "site.office_area",
        site::OfficeAreaParams,
        site::office_area,
        Recheck::OnSite
    ),
    rule!(
        "site.lease_term",
        site::LeaseParams,
        site::lease_term,
        Recheck::AsOfTheDay
    ),
    rule!(
        "site.real_address",
        site::RealAddressParams,
        site::real_address,
        Recheck::OnSite
    ),
    rule!(
        "room.room_or_rack",
        room::RoomParams,
        room::room_or_rack,
        Recheck::OnSite
    ),
    rule!("room.ups", room::UpsParams, room::ups, Recheck::OnSite),
    rule!(
        "room.fire_extinguisher",
        room::ExtinguisherParams,
        room::fire_extinguisher,
        Recheck::OnSite
    ),
    rule!(
        "room.access_log",
        room::AccessLogParams,
        room::access_log,
        Recheck::OnSite
    ),
    rule!(
        "seats.physical_count",
        seats::CountParams,
        seats::physical_count,
        Recheck::OnSite
    ),
    rule!(
        "seats.dial_test",
        seats::DialParams,
        seats::dial_test,
        Recheck::OnSite
    ),
    rule!(
        "seats.equipment",
        seats::EquipmentParams,
        seats::equipment,
        Recheck::OnSite
    ),
    rule!(
        "staff.si_count",
        staff::CountParams,
        staff::si_count,
        Recheck::OnSite
    ),
    rule!(
        "staff.si_months",
        staff::MonthsParams,
        staff::si_months,
        Recheck::AsOfTheDay
    ),
    rule!(
        "staff.si_local",
        staff::LocalParams,
        staff::si_local,
        Recheck::OnSite
    ),
    rule!(
        "staff.si_specialty",
        staff::SpecialtyParams,
        staff::si_specialty,
        Recheck::OnSite
    ),
    rule!(
        "staff.si_qualified",
        staff::QualifiedParams,
        staff::si_qualified,
        Recheck::OnSite
    ),
    rule!(
        "staff.agents",
        staff::AgentsParams,
        staff::agents,
        Recheck::OnSite
    ),
    rule!(
        "staff.si_roles",
        staff::RolesParams,
        staff::si_roles,
        Recheck::OnSite
    ),
    rule!(
        "system.caller_id_screening",
        system::DemoParams,
        system::caller_id_screening,
        Recheck::OnSite
    ),
    rule!(
        "system.complaint_handling",
        system::DemoParams,
        system::complaint_handling,
        Recheck::OnSite
    ),
    rule!(
        "system.recording_retention",
        system::RetentionParams,
        system::recording_retention,
        Recheck::OnSite
    ),
    rule!(
        "system.in_out_record_store",
        system::FunctionsParams,
        system::in_out_record_store,
        Recheck::OnSite
    ),
    rule!(
        "company.uscc",
        company::NoParams,
        company::uscc,
        Recheck::No
    ),
    rule!(
        "company.capital",
        company::CapitalParams,
        company::capital,
        Recheck::No
    ),
    rule!(
        "company.business_scope",
        company::ScopeParams,
        company::business_scope,
        Recheck::No
    ),
    rule!(
        "company.foreign_ownership",
        company::ForeignParams,
        company::foreign_ownership,
        Recheck::No
    ),
    rule!(
        "company.no_violations",
        company::NoParams,
        company::no_violations,
        Recheck::No
    ),
    rule!(
        "company.icp_filing",
        company::IcpParams,
        company::icp_filing,
        Recheck::No
    ),
    rule!(
        "company.registered_in_province",
        company::ProvinceParams,
        company::registered_in_province,
        Recheck::No
    ),
    rule!(
        "company.carrier_agreements",
        company::CarrierParams,
        company::carrier_agreements,
        Recheck::AsOfTheDay
    ),
    rule!(
        "company.client_agreements",
        company::ClientParams,
        company::client_agreements,
        Recheck::AsOfTheDay
    ),
    rule!(
        "company.not_on_bad_record_list",
        company::BadRecordParams,
        company::not_on_bad_record_list,
        Recheck::AsOfTheDay
    ),
    rule!(
        "company.policies",
        company::PoliciesParams,
        company::policies,
        Recheck::OnSite
    ),
    rule!(
        "license.renewal_window",
        license::RenewalParams,
        license::renewal_window,
        Recheck::AsOfTheDay
    ),
    rule!(
        "license.validity",
        license::ValidityParams,
        license::validity,
        Recheck::AsOfTheDay
    ),
    rule!(
        "license.annual_report",
        license::AnnualParams,
        license::annual_report,
        Recheck::AsOfTheDay
    ),
    rule!(
        "process.inspection_deadline",
        license::DeadlineParams,
        license::inspection_deadline,
        Recheck::AsOfTheDay
    ),
    rule!(
        "license.annual_inspection_records",
        license::InspectionRecordsParams,
        license::annual_inspection_records,
        Recheck::AsOfTheDay
    ),
    rule!(
        "conduct.calls_per_day",
        conduct::CallsParams,
        conduct::calls_per_day,
        Recheck::No
    ),
    rule!(
        "conduct.call_interval",
        conduct::IntervalParams,
        conduct::call_interval,
        Recheck::No
    ),
    rule!(
        "conduct.complaint_rate",
        conduct::ComplaintParams,
        conduct::complaint_rate,
        Recheck::No
    ),
    rule!(
        "conduct.number_health",
        conduct::HealthParams,
        conduct::number_health,
        Recheck::No
    ),
    rule!(
        "conduct.user_consent",
        conduct::ConsentParams,
        conduct::user_consent,
        Recheck::No
    ),
];

/// Whether the official visit checks a rule again on its own day, whatever a rehearsal
/// found: a rehearsal's report names these rules, so a company does not take a pass in its
/// rehearsal for a pass on the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recheck {
    /// Evidence the inspector gathers on site in the visit's window: the photos, the dial
    /// tests, the demonstrations, the certificates scanned, the equipment seen.
    OnSite,
    /// Counted as of the visit's day: months of insurance, a lease or a license still
    /// running, deadlines.
    AsOfTheDay,
    /// Documents that do not change with the day (the company's code, capital, scope…).
    No,
}

impl Recheck {
    /// Why the rule is checked again, for people; `None` for [`Recheck::No`].
    pub fn message(self) -> Option<crate::i18n::Message> {
        match self {
            Recheck::OnSite => Some(msg!("recheck-on-site")),
            Recheck::AsOfTheDay => Some(msg!("recheck-as-of-the-day")),
            Recheck::No => None,
        }
    }
}

/// Whether the official visit checks `rule_id` again on its day (`None`: not a rule this
/// engine knows).
pub fn recheck(rule_id: &str) -> Option<Recheck> {
    rule_def(rule_id).map(|r| r.recheck)
}

/// Every rule id the engine knows (= every rule of requirements.md).
pub fn rule_ids() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|r| r.id)
}

pub(crate) fn rule_def(id: &str) -> Option<&'static RuleDef> {
    RULES.iter().find(|r| r.id == id)
}

/// Evaluates every rule of `profile` against an inspection and its evidence, as of the end
/// of the inspection window. Pure: the same inputs give the same findings, in profile order.
pub fn evaluate(
    profile: &RuleProfile,
    inspection: &Inspection,
    evidence: &[EvidenceItem],
) -> Vec<Finding> {
    let ctx = Ctx::new(inspection, evidence, &profile.photo);
    profile
        .rules
        .iter()
        .map(|spec| {
            let outcome = if !spec.applies {
                Outcome::not_applicable(msg!("rule-not-applied"))
            } else {
                match rule_def(&spec.id) {
                    Some(def) => (def.eval)(&ctx, &spec.params).unwrap_or_else(|reason| {
                        Outcome::review(msg!("rule-bad-parameters", reason = reason))
                    }),
                    None => Outcome::review(msg!("rule-unknown")),
                }
            };
            // Items that declare support for the rule are listed with it, after the ones
            // the verdict rests on.
            let declared = evidence
                .iter()
                .filter(|i| i.supports(&spec.id))
                .map(|i| i.id.as_str());
            let outcome = missing_files(outcome.items(declared), &spec.id, evidence);
            let outcome = remedies::attach(outcome);
            Finding {
                rule_id: spec.id.clone(),
                status: outcome.status,
                severity: spec.severity,
                title: spec.title.clone(),
                message: crate::i18n::text_of(&outcome.says),
                says: outcome.says,
                evidence_ids: outcome.evidence_ids,
                measures: outcome.measures,
                seeds: profile.seed_files(spec),
            }
        })
        .collect()
}

/// An item naming the rule whose file was not found (a rehearsal folder's) leaves the rule
/// at best missing, and says which item and which file: the evidence meant for it is not
/// there, whatever else passed.
fn missing_files(mut outcome: Outcome, rule_id: &str, evidence: &[EvidenceItem]) -> Outcome {
    if outcome.status == FindingStatus::NotApplicable {
        return outcome;
    }
    for item in evidence.iter().filter(|i| i.supports(rule_id)) {
        if let Some(file) = &item.missing_file {
            outcome = outcome.also(msg!("evidence-file-missing", item = &item.id, file = file));
            if matches!(
                outcome.status,
                FindingStatus::Pass | FindingStatus::NeedsReview
            ) {
                outcome = outcome.status(FindingStatus::Missing);
            }
        }
    }
    outcome
}

/// Counts of findings by status, and whether nothing blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub missing: usize,
    pub needs_review: usize,
    pub not_applicable: usize,
    /// Findings of severity `info` that are not a pass: deadlines the regulator keeps and
    /// the company does not control. Counted above by their status, and never against
    /// readiness.
    #[serde(default)]
    pub information: usize,
    /// No finding above severity `info` is fail or missing.
    pub ready: bool,
}

impl Summary {
    /// One line for people: the counts and whether the company is ready.
    pub fn message(&self) -> crate::i18n::Message {
        msg!(
            "summary",
            pass = self.pass,
            fail = self.fail,
            missing = self.missing,
            needs_review = self.needs_review,
            not_applicable = self.not_applicable,
            information = self.information,
            ready = if self.ready { "yes" } else { "no" },
        )
    }

    /// [`Summary::message`] in both languages.
    pub fn text(&self) -> crate::model::Text {
        self.message().text()
    }
}

pub fn summarize(findings: &[Finding]) -> Summary {
    let mut s = Summary::default();
    let mut blocking = 0;
    for f in findings {
        match f.status {
            FindingStatus::Pass => s.pass += 1,
            FindingStatus::Fail => s.fail += 1,
            FindingStatus::Missing => s.missing += 1,
            FindingStatus::NeedsReview => s.needs_review += 1,
            FindingStatus::NotApplicable => s.not_applicable += 1,
        }
        let not_pass = matches!(
            f.status,
            FindingStatus::Fail | FindingStatus::Missing | FindingStatus::NeedsReview
        );
        if f.severity == Severity::Info {
            s.information += usize::from(not_pass);
        } else if matches!(f.status, FindingStatus::Fail | FindingStatus::Missing) {
            blocking += 1;
        }
    }
    s.ready = blocking == 0;
    s
}

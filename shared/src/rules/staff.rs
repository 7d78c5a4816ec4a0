//! Staff social-insurance rules (社保): count, months, local insurance, specialty, roles.

use chrono::Datelike;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::context::{Ctx, Person};
use super::outcome::{Outcome, at_least};
use crate::i18n::Message;
use crate::model::{ApplicationKind, FindingStatus, StaffRole};
use crate::msg;

/// Whether one person satisfies a rule.
enum Class {
    Yes,
    /// Only a human can tell (unknown payload format, a fact not entered).
    Unknown(Message),
    No(Message),
}

/// The common base: the company pays this person's insurance, and the record is readable.
fn insured_by_company(ctx: &Ctx, person: &Person) -> Class {
    if person.unreadable() {
        return Class::Unknown(match person.charset_guessed() {
            Some(charset) => msg!(
                "staff-person-charset-guessed",
                who = person.label(),
                charset = charset
            ),
            None => msg!("staff-person-unreadable", who = person.label()),
        });
    }
    if person.id_invalid() {
        return Class::No(msg!("staff-person-id-invalid", who = person.label()));
    }
    match person.employed_by(&ctx.inspection.company) {
        Some(true) => Class::Yes,
        Some(false) => Class::No(msg!("staff-person-other-employer", who = person.label())),
        None => Class::Unknown(msg!("staff-person-employer-unknown", who = person.label())),
    }
}

/// Counts the persons a rule accepts and turns the count into a verdict: pass at `min`,
/// needs_review when the undecided ones could make up the difference, else fail.
fn count_persons(
    ctx: &Ctx,
    min: usize,
    what: &str,
    classify: impl Fn(&Person) -> Class,
) -> Outcome {
    let persons = ctx.persons();
    if persons.is_empty() {
        return Outcome::missing(msg!("staff-none-scanned"));
    }
    let (mut yes, mut unknown, mut no) = (Vec::new(), Vec::new(), Vec::new());
    for person in &persons {
        match insured_by_company(ctx, person) {
            Class::Yes => match classify(person) {
                Class::Yes => yes.push(person.label()),
                Class::Unknown(r) => unknown.push(r),
                Class::No(r) => no.push(r),
            },
            Class::Unknown(r) => unknown.push(r),
            Class::No(r) => no.push(r),
        }
    }
    let n = yes.len();
    let status = if n >= min {
        FindingStatus::Pass
    } else if n + unknown.len() >= min {
        FindingStatus::NeedsReview
    } else {
        FindingStatus::Fail
    };
    let short = min.saturating_sub(n);
    let mut out = Outcome::new(
        status,
        msg!(
            "staff-count",
            what = Message::new(what),
            n = n,
            min = min,
            short = short
        ),
    );
    if !yes.is_empty() {
        out = out.also(msg!("staff-counted", names = yes));
    }
    if !no.is_empty() {
        out = out.also(msg!("staff-not-counted", reasons = no));
    }
    if !unknown.is_empty() {
        out = out.also(msg!("staff-to-review", reasons = unknown));
    }
    for p in &persons {
        out = out.items(p.item_ids());
    }
    out.measure("persons", n, at_least(min), None)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CountParams {
    pub min_staff: usize,
}

/// staff.si_count: at least N staff insured by the company (000, 002, 003, 004).
pub(crate) fn si_count(ctx: &Ctx, p: &CountParams) -> Outcome {
    count_persons(ctx, p.min_staff, "staff-subject-insured", |_| Class::Yes)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MonthsParams {
    pub min_staff: usize,
    /// Consecutive months paid (000, 002: 3 provincial / 1 nationwide; 004 Suzhou: 1).
    pub min_months: u32,
    /// The insurance must still run: the last month paid at most this many months before
    /// the inspection's month (1: the current or the previous month; 000: 提供三名人員近期的
    /// 社保憑證(未下證前不能斷)). Absent in profiles recorded before it, which did not check it.
    #[serde(default)]
    pub max_months_since_last_paid: Option<u32>,
}

/// staff.si_months: each counted person has paid at least N consecutive months.
pub(crate) fn si_months(ctx: &Ctx, p: &MonthsParams) -> Outcome {
    let out = count_persons(ctx, p.min_staff, "staff-subject-months", |person| {
        months_class(ctx, person, p.min_months, p.max_months_since_last_paid)
    });
    out.measure("min_months", p.min_months, None, None)
}

/// Whether a person has paid `min_months` and is still insured.
fn months_class(
    ctx: &Ctx,
    person: &Person,
    min_months: u32,
    max_months_since_last_paid: Option<u32>,
) -> Class {
    if let Some(lapsed) = lapsed(ctx, person, max_months_since_last_paid) {
        return Class::No(lapsed);
    }
    match person.months_paid() {
        Some(m) if m >= min_months => Class::Yes,
        Some(m) => Class::No(msg!(
            "staff-person-months-paid",
            who = person.label(),
            months = m,
            min = min_months,
            short = min_months - m
        )),
        None => Class::Unknown(msg!("staff-person-months-unknown", who = person.label())),
    }
}

/// Why a person's insurance no longer runs as of the inspection: the last month paid is
/// more than `max_months_since_last_paid` months before the inspection's month.
fn lapsed(ctx: &Ctx, person: &Person, max: Option<u32>) -> Option<Message> {
    let max = max?;
    let (year, month) = person.last_month_paid()?;
    let as_of = ctx.inspection.as_of();
    let gap = (i64::from(as_of.year()) * 12 + i64::from(as_of.month()))
        - (i64::from(year) * 12 + i64::from(month));
    (gap > i64::from(max)).then(|| {
        msg!(
            "staff-person-lapsed",
            who = person.label(),
            last = format!("{year:04}-{month:02}"),
            gap = gap,
            max = max
        )
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LocalParams {
    pub min_staff: usize,
    /// Accepted insured places (substrings, e.g. 苏州, 苏州工业园区). Empty: the site's city,
    /// else its province.
    #[serde(default)]
    pub local_places: Vec<String>,
}

/// The places that count as local: the profile's, else the site's city, else its province.
fn local_places(ctx: &Ctx, configured: &[String]) -> Vec<String> {
    let site = &ctx.inspection.site;
    if !configured.is_empty() {
        return configured.to_vec();
    }
    site.city
        .iter()
        .chain(site.province.iter())
        .take(1)
        .cloned()
        .collect()
}

/// Whether a person's certificate shows one of the local places.
fn local_class(person: &Person, places: &[String]) -> Class {
    let seen = person.insured_places();
    if seen.is_empty() {
        Class::Unknown(msg!("staff-person-place-unknown", who = person.label()))
    } else if seen
        .iter()
        .any(|s| places.iter().any(|l| s.contains(l.as_str())))
    {
        Class::Yes
    } else {
        Class::No(msg!(
            "staff-person-insured-in",
            who = person.label(),
            places = seen.join("/")
        ))
    }
}

/// staff.si_local: insured locally, shown by the QR scanned on site (004).
pub(crate) fn si_local(ctx: &Ctx, p: &LocalParams) -> Outcome {
    let places = local_places(ctx, &p.local_places);
    if places.is_empty() {
        return Outcome::review(msg!("staff-local-unconfigured"));
    }
    count_persons(ctx, p.min_staff, "staff-subject-local", |person| {
        local_class(person, &places)
    })
    .measure("local_places", places.join("|"), None, None)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SpecialtyParams {
    /// Insured staff with a computer/telecom specialty (Suzhou: 3, 004).
    pub min_related_staff: usize,
    /// A technical lead with telecom experience (002).
    pub require_technical_lead: bool,
    pub technical_lead_min_years: Decimal,
}

/// staff.si_specialty: computer/telecom staff, and a technical lead with N years' telecom
/// experience (004, 002).
pub(crate) fn si_specialty(ctx: &Ctx, p: &SpecialtyParams) -> Outcome {
    let mut out = if p.min_related_staff > 0 {
        count_persons(
            ctx,
            p.min_related_staff,
            "staff-subject-specialty",
            specialty_class,
        )
    } else {
        Outcome::pending()
    };
    if out.status == FindingStatus::Missing || !p.require_technical_lead {
        return out;
    }
    let leads: Vec<(String, Option<Decimal>)> = ctx
        .persons()
        .iter()
        .filter(|person| {
            matches!(insured_by_company(ctx, person), Class::Yes)
                && person.roles().contains(&StaffRole::TechnicalLead)
        })
        .map(|person| (person.label(), person.experience_years()))
        .collect();
    let best = leads.iter().filter_map(|(_, y)| *y).max();
    out = out.measure(
        "technical_lead_years",
        best.map(|y| y.to_string()).unwrap_or_default(),
        at_least(p.technical_lead_min_years),
        None,
    );
    let (ok, says) = match best {
        Some(y) if y >= p.technical_lead_min_years => {
            (FindingStatus::Pass, msg!("staff-lead-ok", years = y))
        }
        Some(y) => (
            FindingStatus::Fail,
            msg!(
                "staff-lead-short",
                years = y,
                min = p.technical_lead_min_years,
                short = p.technical_lead_min_years - y
            ),
        ),
        None if leads.is_empty() => (FindingStatus::Fail, msg!("staff-lead-none")),
        None => (FindingStatus::NeedsReview, msg!("staff-lead-years-unknown")),
    };
    out.says.push(says);
    // The worse of the two parts decides.
    out.status = worst(out.status, ok);
    out
}

/// Whether a person's specialty is computer/telecom related.
fn specialty_class(person: &Person) -> Class {
    match person.specialty_related() {
        Some(true) => Class::Yes,
        Some(false) => Class::No(msg!("staff-person-specialty-other", who = person.label())),
        None => Class::Unknown(msg!("staff-person-specialty-unknown", who = person.label())),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct QualifiedParams {
    /// Persons who each meet every condition below (004: 3).
    pub min_staff: usize,
    /// Consecutive months paid, and still insured (as in `staff.si_months`).
    pub min_months: u32,
    #[serde(default)]
    pub max_months_since_last_paid: Option<u32>,
    /// Insured at one of these places (as in `staff.si_local`; empty: the site's city, else
    /// its province).
    #[serde(default)]
    pub local_places: Vec<String>,
    /// Of a computer/telecom specialty.
    pub require_specialty: bool,
}

/// staff.si_qualified: the same N persons are each local, of a related specialty and
/// insured long enough (004: 至少 3 名计算机/通信相关专业员工在苏州本地连续交社保 1 个月) — not
/// three locals, three specialists and three long-insured who may be different people.
pub(crate) fn si_qualified(ctx: &Ctx, p: &QualifiedParams) -> Outcome {
    let places = local_places(ctx, &p.local_places);
    if places.is_empty() {
        return Outcome::review(msg!("staff-local-unconfigured"));
    }
    count_persons(ctx, p.min_staff, "staff-subject-qualified", |person| {
        let mut classes = vec![
            local_class(person, &places),
            months_class(ctx, person, p.min_months, p.max_months_since_last_paid),
        ];
        if p.require_specialty {
            classes.push(specialty_class(person));
        }
        // One reason a person does not count is enough to say; else what is unknown.
        let mut unknown = None;
        for class in classes {
            match class {
                Class::No(why) => return Class::No(why),
                Class::Unknown(why) => {
                    unknown.get_or_insert(why);
                }
                Class::Yes => {}
            }
        }
        unknown.map_or(Class::Yes, Class::Unknown)
    })
    .measure("min_months", p.min_months, None, None)
    .measure("local_places", places.join("|"), None, None)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgentsParams {
    /// Agents or customer-service staff a renewal needs (000: 至少有3名坐席/客服人員).
    pub min_agents_renewal: usize,
}

/// staff.agents: a renewal has at least N agents or customer-service staff — people, not
/// seat positions (000), counted among the insured staff by the role their scan records.
/// A new license counts its physical seats instead (`seats.physical_count`, 004).
pub(crate) fn agents(ctx: &Ctx, p: &AgentsParams) -> Outcome {
    if ctx.inspection.application.kind != ApplicationKind::Renewal {
        return Outcome::not_applicable(msg!("staff-agents-new-license"));
    }
    count_persons(
        ctx,
        p.min_agents_renewal,
        "staff-subject-agents",
        |person| {
            let roles = person.roles();
            if roles.contains(&StaffRole::Agent) || roles.contains(&StaffRole::CustomerServiceLead)
            {
                Class::Yes
            } else if roles.is_empty() {
                Class::Unknown(msg!("staff-person-role-unknown", who = person.label()))
            } else {
                Class::No(msg!("staff-person-not-agent", who = person.label()))
            }
        },
    )
}

/// The more serious of two statuses (fail > needs_review > pass).
fn worst(a: FindingStatus, b: FindingStatus) -> FindingStatus {
    let rank = |s| match s {
        FindingStatus::Fail | FindingStatus::Missing => 2,
        FindingStatus::NeedsReview => 1,
        _ => 0,
    };
    if rank(b) > rank(a) { b } else { a }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RolesParams {
    /// Roles the insured staff must include (001): license_lead, customer_service_lead,
    /// network_security_lead.
    pub required_roles: Vec<StaffRole>,
}

/// staff.si_roles: the named responsible persons are among the insured staff (001).
pub(crate) fn si_roles(ctx: &Ctx, p: &RolesParams) -> Outcome {
    let persons = ctx.persons();
    if persons.is_empty() {
        return Outcome::missing(msg!("staff-none-scanned"));
    }
    let insured: Vec<&Person> = persons
        .iter()
        .filter(|person| matches!(insured_by_company(ctx, person), Class::Yes))
        .collect();
    let missing: Vec<StaffRole> = p
        .required_roles
        .iter()
        .copied()
        .filter(|r| !insured.iter().any(|person| person.roles().contains(r)))
        .collect();
    let mut out = if missing.is_empty() {
        let roles: Vec<_> = p.required_roles.iter().map(|r| r.message()).collect();
        Outcome::pass(msg!("staff-roles-ok", roles = roles))
    } else {
        let roles: Vec<_> = missing.iter().map(|r| r.message()).collect();
        Outcome::fail(msg!("staff-roles-missing", roles = roles))
    };
    for person in &persons {
        out = out.items(person.item_ids());
    }
    out
}

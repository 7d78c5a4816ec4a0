//! Staff social-insurance rules (社保): count, months, local insurance, specialty, roles.

use rust_decimal::Decimal;
use serde::Deserialize;

use super::context::{Ctx, Person};
use super::outcome::{Outcome, at_least};
use crate::model::{FindingStatus, StaffRole};

/// Whether one person satisfies a rule.
enum Class {
    Yes,
    /// Only a human can tell (unknown payload format, a fact not entered).
    Unknown(String),
    No(String),
}

/// The common base: the company pays this person's insurance, and the record is readable.
fn insured_by_company(ctx: &Ctx, person: &Person) -> Class {
    if person.unreadable() {
        return Class::Unknown(format!("{}: QR format not recognised", person.label()));
    }
    if person.id_invalid() {
        return Class::No(format!(
            "{}: ID number fails its check digit",
            person.label()
        ));
    }
    match person.employed_by(&ctx.inspection.company) {
        Some(true) => Class::Yes,
        Some(false) => Class::No(format!("{}: insured by another employer", person.label())),
        None => Class::Unknown(format!("{}: employer not shown", person.label())),
    }
}

/// Counts the persons a rule accepts and turns the count into a verdict: pass at `min`,
/// needs_review when the undecided ones could make up the difference, else fail.
fn count_persons(
    ctx: &Ctx,
    min: usize,
    what: (&str, &str),
    classify: impl Fn(&Person) -> Class,
) -> Outcome {
    let persons = ctx.persons();
    if persons.is_empty() {
        return Outcome::missing(
            "没有社保扫码记录。",
            "No social-insurance certificate was scanned.",
        );
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
    let mut detail = String::new();
    if !no.is_empty() {
        detail.push_str(&format!(" Not counted: {}.", no.join("; ")));
    }
    if !unknown.is_empty() {
        detail.push_str(&format!(" To review: {}.", unknown.join("; ")));
    }
    let status = if n >= min {
        FindingStatus::Pass
    } else if n + unknown.len() >= min {
        FindingStatus::NeedsReview
    } else {
        FindingStatus::Fail
    };
    let mut out = Outcome::new(
        status,
        format!(
            "{}：{n} 人（要求至少 {min} 人）。{}",
            what.0,
            yes.join("、")
        ),
        format!("{}: {n} (at least {min} required).{detail}", what.1),
    );
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
    count_persons(
        ctx,
        p.min_staff,
        ("由本公司缴纳社保的员工", "Staff insured by the company"),
        |_| Class::Yes,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MonthsParams {
    pub min_staff: usize,
    /// Consecutive months paid (000, 002: 3 provincial / 1 nationwide; 004 Suzhou: 1).
    pub min_months: u32,
}

/// staff.si_months: each counted person has paid at least N consecutive months.
pub(crate) fn si_months(ctx: &Ctx, p: &MonthsParams) -> Outcome {
    let out = count_persons(
        ctx,
        p.min_staff,
        (
            "连续缴费月数达标的员工",
            "Staff with enough consecutive months paid",
        ),
        |person| match person.months_paid() {
            Some(m) if m >= p.min_months => Class::Yes,
            Some(m) => Class::No(format!("{}: {m} months paid", person.label())),
            None => Class::Unknown(format!("{}: months paid not shown", person.label())),
        },
    );
    out.measure("min_months", p.min_months, None, None)
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

/// staff.si_local: insured locally, shown by the QR scanned on site (004).
pub(crate) fn si_local(ctx: &Ctx, p: &LocalParams) -> Outcome {
    let site = &ctx.inspection.site;
    let places: Vec<String> = if !p.local_places.is_empty() {
        p.local_places.clone()
    } else {
        site.city
            .iter()
            .chain(site.province.iter())
            .take(1)
            .cloned()
            .collect()
    };
    if places.is_empty() {
        return Outcome::review(
            "未配置本地参保地，且登记地址未注明城市或省份。",
            "No local insured place is configured and the site names no city or province.",
        );
    }
    count_persons(
        ctx,
        p.min_staff,
        ("在本地参保的员工", "Staff insured locally"),
        |person| {
            let seen = person.insured_places();
            if seen.is_empty() {
                Class::Unknown(format!("{}: insured place not shown", person.label()))
            } else if seen
                .iter()
                .any(|s| places.iter().any(|l| s.contains(l.as_str())))
            {
                Class::Yes
            } else {
                Class::No(format!("{}: insured in {}", person.label(), seen.join("/")))
            }
        },
    )
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
            (
                "计算机/通信相关专业的员工",
                "Staff with a computer/telecom specialty",
            ),
            |person| match person.specialty_related() {
                Some(true) => Class::Yes,
                Some(false) => Class::No(format!(
                    "{}: specialty not computer/telecom",
                    person.label()
                )),
                None => Class::Unknown(format!("{}: specialty not entered", person.label())),
            },
        )
    } else {
        Outcome::pass("", "")
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
    let (ok, zh, en) = match best {
        Some(y) if y >= p.technical_lead_min_years => (
            FindingStatus::Pass,
            format!("技术负责人通信从业 {y} 年。"),
            format!(" Technical lead has {y} years' telecom experience."),
        ),
        Some(y) => (
            FindingStatus::Fail,
            format!(
                "技术负责人通信从业仅 {y} 年，少于 {} 年。",
                p.technical_lead_min_years
            ),
            format!(
                " Technical lead has only {y} years' telecom experience (< {}).",
                p.technical_lead_min_years
            ),
        ),
        None if leads.is_empty() => (
            FindingStatus::Fail,
            "参保员工中没有技术负责人。".to_owned(),
            " No insured technical lead.".to_owned(),
        ),
        None => (
            FindingStatus::NeedsReview,
            "未录入技术负责人的从业年限。".to_owned(),
            " The technical lead's experience was not entered.".to_owned(),
        ),
    };
    out.message.zh.push_str(&zh);
    out.message.en.push_str(&en);
    // The worse of the two parts decides.
    out.status = worst(out.status, ok);
    out
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

fn role_text(r: StaffRole) -> (&'static str, &'static str) {
    match r {
        StaffRole::LicenseLead => ("许可证负责人", "license lead"),
        StaffRole::CustomerServiceLead => ("客户负责人", "customer-service lead"),
        StaffRole::NetworkSecurityLead => ("网络安全负责人", "network-security lead"),
        StaffRole::TechnicalLead => ("技术负责人", "technical lead"),
        StaffRole::Agent => ("坐席", "agent"),
        StaffRole::Other => ("其他", "other"),
    }
}

/// staff.si_roles: the named responsible persons are among the insured staff (001).
pub(crate) fn si_roles(ctx: &Ctx, p: &RolesParams) -> Outcome {
    let persons = ctx.persons();
    if persons.is_empty() {
        return Outcome::missing(
            "没有社保扫码记录。",
            "No social-insurance certificate was scanned.",
        );
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
        Outcome::pass(
            "许可证、客户、网络安全负责人均在参保人员中。",
            "All named responsible persons are among the insured staff.",
        )
    } else {
        let zh: Vec<_> = missing.iter().map(|r| role_text(*r).0).collect();
        let en: Vec<_> = missing.iter().map(|r| role_text(*r).1).collect();
        Outcome::fail(
            format!("参保人员中缺少：{}。", zh.join("、")),
            format!("Not among the insured staff: {}.", en.join(", ")),
        )
    };
    for person in &persons {
        out = out.items(person.item_ids());
    }
    out
}

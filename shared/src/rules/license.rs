//! Dates that matter (license.*, process.*): rehearsal reminders.

use chrono::{Datelike, Months, NaiveDate, Weekday};
use serde::Deserialize;

use super::context::Ctx;
use super::outcome::{Outcome, at_least, at_most, graver};
use crate::i18n::Message;
use crate::model::{ApplicationKind, DocumentFacts, FindingStatus, LicenseFacts};
use crate::msg;

/// The current license of a renewal; for a new application the rule does not apply, and a
/// renewal without the license's dates is missing evidence.
fn current_license<'a>(ctx: &Ctx<'a>) -> Result<&'a LicenseFacts, Outcome> {
    if ctx.inspection.application.kind != ApplicationKind::Renewal {
        return Err(Outcome::not_applicable(msg!("license-new-application")));
    }
    ctx.inspection
        .license
        .as_ref()
        .ok_or_else(|| Outcome::missing(msg!("license-missing")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RenewalParams {
    /// Renewal filed at least N days before expiry (000: 90).
    pub min_days_before_expiry: i64,
    /// Recommended for call centers (000: 180).
    pub recommended_days_before_expiry: i64,
}

/// license.renewal_window: renewal filed ≥ 90 days before expiry, 180 recommended (000).
pub(crate) fn renewal_window(ctx: &Ctx, p: &RenewalParams) -> Outcome {
    let license = match current_license(ctx) {
        Ok(l) => l,
        Err(outcome) => return outcome,
    };
    let filed = ctx
        .inspection
        .application
        .filed_on
        .unwrap_or_else(|| ctx.today());
    let days = (license.expires_on - filed).num_days();
    let out = if days < p.min_days_before_expiry {
        Outcome::fail(msg!(
            "license-renewal-late",
            days = days,
            min = p.min_days_before_expiry,
            short = p.min_days_before_expiry - days
        ))
    } else if days < p.recommended_days_before_expiry {
        Outcome::pass(msg!(
            "license-renewal-ok-late",
            days = days,
            recommended = p.recommended_days_before_expiry
        ))
    } else {
        Outcome::pass(msg!("license-renewal-ok", days = days))
    };
    out.measure(
        "days_before_expiry",
        days,
        at_least(p.min_days_before_expiry),
        None,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ValidityParams {
    /// License validity (000, 002, 004: 5 years).
    pub validity_years: u32,
}

/// license.validity: the current license is valid (5 years) and not expired.
pub(crate) fn validity(ctx: &Ctx, p: &ValidityParams) -> Outcome {
    let license = match current_license(ctx) {
        Ok(l) => l,
        Err(outcome) => return outcome,
    };
    let today = ctx.today();
    let expected = license
        .issued_on
        .checked_add_months(Months::new(p.validity_years * 12));
    let out = if license.expires_on < today {
        Outcome::fail(msg!("license-expired", expires = license.expires_on))
    } else if expected.is_some_and(|e| (e - license.expires_on).num_days().abs() > 1) {
        Outcome::review(msg!(
            "license-term-odd",
            issued = license.issued_on,
            expires = license.expires_on,
            years = p.validity_years
        ))
    } else {
        Outcome::pass(msg!("license-valid", expires = license.expires_on))
    };
    out.measure(
        "expires_on",
        license.expires_on,
        Some(format!(">= {today}")),
        None,
    )
}

/// The years since the license was issued whose annual window, ending with `last_month`,
/// is over by `today` (a year's window that has not closed yet is not due).
fn years_due(
    license: &LicenseFacts,
    today: NaiveDate,
    last_month: u32,
) -> impl Iterator<Item = i32> {
    ((license.issued_on.year() + 1)..=today.year()).filter(move |year| {
        NaiveDate::from_ymd_opt(*year, last_month, 1)
            .and_then(|d| d.checked_add_months(Months::new(1)))
            .is_some_and(|end| end <= today)
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnnualParams {
    /// The annual report is due between these months (002, 004: January–March).
    pub first_month: u32,
    pub last_month: u32,
}

/// license.annual_report: an annual report in each January–March since the license was issued.
pub(crate) fn annual_report(ctx: &Ctx, p: &AnnualParams) -> Outcome {
    let license = match current_license(ctx) {
        Ok(l) => l,
        Err(outcome) => return outcome,
    };
    let today = ctx.today();
    let mut missing_years = Vec::new();
    for year in years_due(license, today, p.last_month) {
        let filed = license
            .annual_reports_filed_on
            .iter()
            .any(|d| d.year() == year && (p.first_month..=p.last_month).contains(&d.month()));
        if !filed {
            missing_years.push(year);
        }
    }
    let out = if missing_years.is_empty() {
        Outcome::pass(msg!("license-annual-ok"))
    } else {
        Outcome::fail(msg!(
            "license-annual-missing",
            first = p.first_month,
            last = p.last_month,
            n = missing_years.len(),
            years = missing_years
                .iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
        ))
    };
    out.measure("years_missing", missing_years.len(), at_most(0), None)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeadlineParams {
    /// Inspection within N working days of acceptance (004: 10).
    pub max_working_days_after_acceptance: i64,
    /// Decision within N days (000: 60 days from receipt of the application; 004: 60
    /// working days from acceptance).
    pub max_days_to_decision: i64,
    /// How the decision's days are counted: `calendar_days` from the application's filing
    /// (000) or `working_days` from its acceptance (004).
    pub decision_days: DecisionDays,
    /// Public holidays that are not working days (the calendar changes every year).
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
    /// Weekend days that are working days (调休).
    #[serde(default)]
    pub working_weekend_days: Vec<NaiveDate>,
}

/// The calendar a decision deadline is counted in, and from which day.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DecisionDays {
    /// Calendar days from the day the application was filed (000: 收到申請之日60日內).
    CalendarDays,
    /// Working days from the day it was accepted (004: 受理后 60 个工作日).
    WorkingDays,
}

fn is_working_day(d: NaiveDate, p: &DeadlineParams) -> bool {
    if p.working_weekend_days.contains(&d) {
        return true;
    }
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !p.holidays.contains(&d)
}

/// Working days after `from` up to and including `to`.
fn working_days_between(from: NaiveDate, to: NaiveDate, p: &DeadlineParams) -> i64 {
    from.iter_days()
        .skip(1)
        .take_while(|d| *d <= to)
        .filter(|d| is_working_day(*d, p))
        .count() as i64
}

/// process.inspection_deadline: inspection within 10 working days of acceptance, decision
/// within 60 days (000: calendar days from the application; 004: working days from
/// acceptance). These are the regulator's deadlines: the shipped profiles give the rule
/// severity `info`, so a late visit is said, and never makes the company "not ready"
/// (`Summary::information`).
pub(crate) fn inspection_deadline(ctx: &Ctx, p: &DeadlineParams) -> Outcome {
    let app = &ctx.inspection.application;
    let Some(accepted) = app.accepted_on else {
        return Outcome::missing(msg!("process-acceptance-missing"));
    };
    let visit = ctx.inspection.window.start.date_naive();
    let wd = working_days_between(accepted, visit, p);
    let mut out = if wd > p.max_working_days_after_acceptance {
        Outcome::fail(msg!(
            "process-inspection-late",
            days = wd,
            max = p.max_working_days_after_acceptance,
            over = wd - p.max_working_days_after_acceptance
        ))
    } else {
        Outcome::pass(msg!("process-inspection-ok", days = wd))
    }
    .measure(
        "working_days_after_acceptance",
        wd,
        at_most(p.max_working_days_after_acceptance),
        None,
    );
    let counted = match p.decision_days {
        DecisionDays::CalendarDays => app
            .filed_on
            .zip(app.decided_on)
            .map(|(filed, decided)| ((decided - filed).num_days(), "process-calendar-days")),
        DecisionDays::WorkingDays => app.accepted_on.zip(app.decided_on).map(|(from, decided)| {
            (
                working_days_between(from, decided, p),
                "process-working-days",
            )
        }),
    };
    if let Some((days, unit)) = counted {
        out = out.measure(
            "days_to_decision",
            days,
            at_most(p.max_days_to_decision),
            None,
        );
        if days > p.max_days_to_decision {
            out = out.status(crate::model::FindingStatus::Fail).also(msg!(
                "process-decision-late",
                days = days,
                max = p.max_days_to_decision,
                over = days - p.max_days_to_decision,
                unit = Message::new(unit)
            ));
        }
    }
    out
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InspectionRecordsParams {
    /// The records of the last N years (000: 近五年的年检记录).
    pub years: u32,
    /// A year's annual inspection is done by the end of this month (002, 004: January–March,
    /// so 3); the current year is asked for once it is over.
    pub due_by_month: u32,
}

/// license.annual_inspection_records: a renewal hands in the record of each year's annual
/// inspection (年检) of the last N years since the license was issued (000), none failed
/// (003: 年检不合格 may cost the license).
pub(crate) fn annual_inspection_records(ctx: &Ctx, p: &InspectionRecordsParams) -> Outcome {
    let license = match current_license(ctx) {
        Ok(l) => l,
        Err(outcome) => return outcome,
    };
    let mut due: Vec<i32> = years_due(license, ctx.today(), p.due_by_month).collect();
    let keep = usize::try_from(p.years).unwrap_or(usize::MAX);
    due.drain(..due.len().saturating_sub(keep));
    let records: Vec<_> = ctx
        .documents()
        .into_iter()
        .filter_map(|(item, d)| match d {
            DocumentFacts::AnnualInspectionRecord { year, passed } => Some((item, *year, *passed)),
            _ => None,
        })
        .collect();
    let (mut failed, mut missing, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
    for year in &due {
        let of_year: Vec<_> = records.iter().filter(|(_, y, _)| y == year).collect();
        if of_year.iter().any(|(_, _, passed)| *passed == Some(false)) {
            failed.push(*year);
        } else if of_year.is_empty() {
            missing.push(*year);
        } else if !of_year.iter().any(|(_, _, passed)| *passed == Some(true)) {
            unknown.push(*year);
        }
    }
    // Years as written, not as numbers a language might group (2,026).
    let named = |years: &[i32]| years.iter().map(i32::to_string).collect::<Vec<_>>();
    let mut out = Outcome::pending();
    let problems = [
        (
            &failed,
            FindingStatus::Fail,
            msg!("license-records-failed", years = named(&failed)),
        ),
        (
            &missing,
            FindingStatus::Missing,
            msg!(
                "license-records-missing",
                n = missing.len(),
                years = named(&missing)
            ),
        ),
        (
            &unknown,
            FindingStatus::NeedsReview,
            msg!("license-records-result-unknown", years = named(&unknown)),
        ),
    ];
    for (years, status, says) in problems {
        if !years.is_empty() {
            out.status = graver(out.status, status);
            out.says.push(says);
        }
    }
    if out.status == FindingStatus::Pass {
        out.says.push(match (due.first(), due.last()) {
            (Some(first), Some(last)) => msg!(
                "license-records-ok",
                first = first.to_string(),
                last = last.to_string()
            ),
            _ => msg!("license-records-none-due"),
        });
    }
    out.items(records.iter().map(|(i, ..)| i.id.as_str()))
        .measure(
            "years_without_passed_record",
            failed.len() + missing.len() + unknown.len(),
            at_most(0),
            None,
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let p = DeadlineParams {
            max_working_days_after_acceptance: 10,
            max_days_to_decision: 60,
            decision_days: DecisionDays::WorkingDays,
            holidays: vec!["2026-10-01".parse().unwrap()],
            working_weekend_days: vec!["2026-10-10".parse().unwrap()],
        };
        // Mon 2026-09-28 → Fri 2026-10-02: Tue, Wed, (Thu holiday), Fri = 3.
        assert_eq!(
            working_days_between(
                "2026-09-28".parse().unwrap(),
                "2026-10-02".parse().unwrap(),
                &p
            ),
            3
        );
        // Sat 2026-10-10 is a make-up working day.
        assert_eq!(
            working_days_between(
                "2026-10-09".parse().unwrap(),
                "2026-10-11".parse().unwrap(),
                &p
            ),
            1
        );
    }
}

//! Outbound conduct (conduct.*, 002): optional operating checks for outbound and
//! multi-party scopes. Profiles mark them not applicable unless turned on.

use rust_decimal::Decimal;
use serde::Deserialize;

use super::context::Ctx;
use super::outcome::Outcome;
use crate::i18n::Message;
use crate::model::{Checklist, EvidenceItem, FindingStatus, OutboundConductCheck};
use crate::msg;

fn numbers<'a>(ctx: &Ctx<'a>) -> Vec<(&'a EvidenceItem, &'a OutboundConductCheck)> {
    ctx.checklists(|c| match c {
        Checklist::OutboundConduct(o) => Some(o),
        _ => None,
    })
}

/// Checks one figure of every calling number against a limit. `what` is the figure's
/// catalogue id and its measure name.
fn per_number<T: std::fmt::Display>(
    ctx: &Ctx,
    what: (&str, &str),
    value: impl Fn(&OutboundConductCheck) -> Option<T>,
    ok: impl Fn(&T) -> bool,
    threshold: String,
) -> Outcome {
    let checks = numbers(ctx);
    if checks.is_empty() {
        return Outcome::missing(msg!("conduct-missing"));
    }
    let mut out = Outcome::pending();
    let mut bad = Vec::new();
    let mut unknown = Vec::new();
    for (item, c) in &checks {
        match value(c) {
            Some(v) => {
                if !ok(&v) {
                    bad.push(msg!(
                        "conduct-number-value",
                        number = &c.calling_number,
                        value = v.to_string()
                    ));
                }
                out = out.measure(what.1, &v, Some(threshold.clone()), Some(&item.id));
            }
            None => unknown.push(c.calling_number.clone()),
        }
        out = out.items([item.id.as_str()]);
    }
    let figure = Message::new(what.0);
    let (status, says) = if !bad.is_empty() {
        (
            FindingStatus::Fail,
            msg!(
                "conduct-out-of-bounds",
                figure = figure,
                threshold = threshold,
                numbers = bad
            ),
        )
    } else if !unknown.is_empty() {
        (
            FindingStatus::NeedsReview,
            msg!("conduct-not-entered", figure = figure, numbers = unknown),
        )
    } else {
        (
            FindingStatus::Pass,
            msg!("conduct-ok", figure = figure, threshold = threshold),
        )
    };
    out.status(status).also(says)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CallsParams {
    pub max_calls_per_day: u32,
}

pub(crate) fn calls_per_day(ctx: &Ctx, p: &CallsParams) -> Outcome {
    per_number(
        ctx,
        ("conduct-fig-calls-per-day", "calls per day"),
        |c| Some(c.max_calls_per_day),
        |v| *v <= p.max_calls_per_day,
        format!("<= {}", p.max_calls_per_day),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IntervalParams {
    pub min_interval_s: Decimal,
}

pub(crate) fn call_interval(ctx: &Ctx, p: &IntervalParams) -> Outcome {
    per_number(
        ctx,
        ("conduct-fig-interval", "interval between calls (s)"),
        |c| Some(c.min_interval_s),
        |v| *v >= p.min_interval_s,
        format!(">= {}", p.min_interval_s),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ComplaintParams {
    pub max_complaint_rate_percent: Decimal,
}

pub(crate) fn complaint_rate(ctx: &Ctx, p: &ComplaintParams) -> Outcome {
    per_number(
        ctx,
        ("conduct-fig-complaint-rate", "complaint rate (%)"),
        |c| Some(c.complaint_rate_percent),
        |v| *v <= p.max_complaint_rate_percent,
        format!("<= {}", p.max_complaint_rate_percent),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HealthParams {
    pub min_health_score: Decimal,
}

pub(crate) fn number_health(ctx: &Ctx, p: &HealthParams) -> Outcome {
    per_number(
        ctx,
        ("conduct-fig-health", "number health score"),
        |c| c.health_score,
        |v| *v >= p.min_health_score,
        format!(">= {}", p.min_health_score),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConsentParams {}

pub(crate) fn user_consent(ctx: &Ctx, _: &ConsentParams) -> Outcome {
    per_number(
        ctx,
        ("conduct-fig-consent", "user-consent proof kept"),
        |c| Some(c.consent_proof_kept),
        |v| *v,
        "= true".to_owned(),
    )
}

//! Call-center system rules (系统): functions demonstrated on site, recording retention.

use chrono::Months;
use serde::Deserialize;

use super::context::Ctx;
use super::outcome::{Outcome, at_least};
use crate::i18n::Message;
use crate::model::{ApplicationKind, Checklist, SystemDemoCheck, SystemFunction};
use crate::msg;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DemoParams {
    /// A screenshot photo or screen capture must back the demonstration.
    #[serde(default)]
    pub require_capture: bool,
}

fn function_message(f: SystemFunction) -> Message {
    Message::new(match f {
        SystemFunction::CallerIdScreening => "system-fn-caller-id-screening",
        SystemFunction::ComplaintHandling => "system-fn-complaint-handling",
        SystemFunction::Inbound => "system-fn-inbound",
        SystemFunction::Outbound => "system-fn-outbound",
        SystemFunction::Recording => "system-fn-recording",
        SystemFunction::DataStorage => "system-fn-data-storage",
    })
}

fn function_list(fs: &[SystemFunction]) -> Vec<Message> {
    fs.iter().map(|f| function_message(*f)).collect()
}

fn demos<'a>(
    ctx: &Ctx<'a>,
    f: SystemFunction,
) -> Vec<(&'a crate::model::EvidenceItem, &'a SystemDemoCheck)> {
    ctx.checklists(|c| match c {
        Checklist::SystemDemo(d) if d.function == f => Some(d),
        _ => None,
    })
}

fn demonstrated(ctx: &Ctx, f: SystemFunction, rule: &str, p: &DemoParams) -> Outcome {
    let function = function_message(f);
    let found = demos(ctx, f);
    let out = if found.is_empty() {
        Outcome::missing(msg!("system-demo-missing", function = function))
    } else if found.iter().any(|(_, d)| d.demonstrated) {
        Outcome::pass(msg!("system-demo-ok", function = function))
    } else {
        Outcome::fail(msg!("system-demo-failed", function = function))
    };
    super::photos::photo_backed(
        out.items(found.iter().map(|(i, _)| i.id.as_str())),
        ctx,
        rule,
        p.require_capture,
        msg!("system-demo-no-capture"),
    )
}

/// system.caller_id_screening: 主叫号码甄别 demonstrated on site (004).
pub(crate) fn caller_id_screening(ctx: &Ctx, p: &DemoParams) -> Outcome {
    demonstrated(
        ctx,
        SystemFunction::CallerIdScreening,
        "system.caller_id_screening",
        p,
    )
}

/// system.complaint_handling: 用户投诉处理 demonstrated on site (004).
pub(crate) fn complaint_handling(ctx: &Ctx, p: &DemoParams) -> Outcome {
    demonstrated(
        ctx,
        SystemFunction::ComplaintHandling,
        "system.complaint_handling",
        p,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RetentionParams {
    /// A new license: the system keeps recordings at least this many days (004: 30), shown
    /// by its setting on site or by a recording that old.
    pub min_days: i64,
    /// Renewal: the recordings of the last N months are provided (000: 2).
    pub renewal_months: u32,
}

/// system.recording_retention. A new license: the system keeps recordings ≥ 30 days (004:
/// 话务录音保存 30 天 is a function, demonstrated) — its retention setting shown on site, or
/// a recording already that old; a system installed for the application has no month-old
/// calls, and is not failed for it. A renewal: the recordings of the last 2 months (000).
pub(crate) fn recording_retention(ctx: &Ctx, p: &RetentionParams) -> Outcome {
    let checks = ctx.checklists(|c| match c {
        Checklist::RecordingRetention(r) => Some(r),
        _ => None,
    });
    if checks.is_empty() {
        return Outcome::missing(msg!("system-retention-missing"));
    }
    let ids = checks.iter().map(|(i, _)| i.id.as_str());
    let oldest = checks
        .iter()
        .filter_map(|(i, r)| r.oldest_playable_recording_on.map(|d| (*i, d)))
        .min_by_key(|(_, d)| *d);
    let configured = checks
        .iter()
        .filter_map(|(i, r)| r.retention_days_configured.map(|d| (*i, d)))
        .max_by_key(|(_, d)| *d);
    let today = ctx.today();
    // The oldest recording, with the days it goes back.
    let oldest = oldest.map(|(item, on)| (item, on, (today - on).num_days()));
    if ctx.inspection.application.kind == ApplicationKind::Renewal {
        let since = today
            .checked_sub_months(Months::new(p.renewal_months))
            .unwrap_or(today);
        let required = (today - since).num_days();
        let Some((item, on, days)) = oldest else {
            return Outcome::missing(msg!(
                "system-retention-renewal-missing",
                months = p.renewal_months
            ))
            .items(ids);
        };
        return recordings_as_old(on, days, required).items(ids).measure(
            "days_kept",
            days,
            at_least(required),
            Some(&item.id),
        );
    }
    match (configured, oldest) {
        (Some((item, days)), _) if i64::from(days) >= p.min_days => Outcome::pass(msg!(
            "system-retention-configured-ok",
            days = days,
            min = p.min_days
        ))
        .items(ids)
        .measure(
            "days_configured",
            days,
            at_least(p.min_days),
            Some(&item.id),
        ),
        (_, Some((item, on, days))) if days >= p.min_days => recordings_as_old(
            on, days, p.min_days,
        )
        .items(ids)
        .measure("days_kept", days, at_least(p.min_days), Some(&item.id)),
        (Some((item, days)), _) => Outcome::fail(msg!(
            "system-retention-configured-short",
            days = days,
            min = p.min_days,
            short = p.min_days - i64::from(days)
        ))
        .items(ids)
        .measure(
            "days_configured",
            days,
            at_least(p.min_days),
            Some(&item.id),
        ),
        (None, Some((item, on, days))) => Outcome::review(msg!(
            "system-retention-setting-unknown",
            oldest = on,
            days = days,
            min = p.min_days
        ))
        .items(ids)
        .measure("days_kept", days, at_least(p.min_days), Some(&item.id)),
        (None, None) => Outcome::missing(msg!("system-retention-missing")).items(ids),
    }
}

/// The oldest playable recording against the days it must go back.
fn recordings_as_old(oldest: chrono::NaiveDate, days: i64, required: i64) -> Outcome {
    if days >= required {
        Outcome::pass(msg!("system-retention-ok", oldest = oldest, days = days))
    } else {
        Outcome::fail(msg!(
            "system-retention-short",
            oldest = oldest,
            days = days,
            min = required,
            short = required - days
        ))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FunctionsParams {
    /// Functions that must be demonstrated (002): inbound, outbound, recording, data_storage.
    pub required_functions: Vec<SystemFunction>,
}

/// system.in_out_record_store: inbound/outbound, recording and data storage functions (002).
pub(crate) fn in_out_record_store(ctx: &Ctx, p: &FunctionsParams) -> Outcome {
    let mut ids = Vec::new();
    let mut absent = Vec::new();
    let mut failed = Vec::new();
    for f in &p.required_functions {
        let found = demos(ctx, *f);
        ids.extend(found.iter().map(|(i, _)| i.id.clone()));
        if found.is_empty() {
            absent.push(*f);
        } else if !found.iter().any(|(_, d)| d.demonstrated) {
            failed.push(*f);
        }
    }
    let out = if !failed.is_empty() {
        Outcome::fail(msg!(
            "system-functions-failed",
            functions = function_list(&failed)
        ))
    } else if absent.len() == p.required_functions.len() {
        Outcome::missing(msg!("system-functions-missing"))
    } else if !absent.is_empty() {
        Outcome::fail(msg!(
            "system-functions-unchecked",
            functions = function_list(&absent)
        ))
    } else {
        Outcome::pass(msg!(
            "system-functions-ok",
            functions = function_list(&p.required_functions)
        ))
    };
    out.items(ids)
}

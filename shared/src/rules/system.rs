//! Call-center system rules (系统): functions demonstrated on site, recording retention.

use chrono::Months;
use serde::Deserialize;

use super::context::Ctx;
use super::outcome::Outcome;
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
    /// Recordings kept at least this many days (004: 30).
    pub min_days: i64,
    /// Renewal: recordings of the last N months are provided (000: 2).
    pub renewal_months: u32,
}

/// system.recording_retention: recordings kept ≥ 30 days; renewals provide 2 months.
pub(crate) fn recording_retention(ctx: &Ctx, p: &RetentionParams) -> Outcome {
    let checks = ctx.checklists(|c| match c {
        Checklist::RecordingRetention(r) => Some(r),
        _ => None,
    });
    let Some((item, oldest)) = checks
        .iter()
        .map(|(i, r)| (*i, r.oldest_playable_recording_on))
        .min_by_key(|(_, d)| *d)
    else {
        return Outcome::missing(msg!("system-retention-missing"));
    };
    let today = ctx.today();
    let days_kept = (today - oldest).num_days();
    let renewal = ctx.inspection.application.kind == ApplicationKind::Renewal;
    let required_since = if renewal {
        today
            .checked_sub_months(Months::new(p.renewal_months))
            .unwrap_or(today)
    } else {
        today - chrono::Duration::days(p.min_days)
    };
    let required_days = (today - required_since).num_days().max(p.min_days);
    let out = if days_kept >= required_days {
        Outcome::pass(msg!(
            "system-retention-ok",
            oldest = oldest,
            days = days_kept
        ))
    } else {
        Outcome::fail(msg!(
            "system-retention-short",
            oldest = oldest,
            days = days_kept,
            min = required_days,
            short = required_days - days_kept
        ))
    };
    out.items([item.id.as_str()]).measure(
        "days_kept",
        days_kept,
        Some(format!(">= {required_days}")),
        Some(&item.id),
    )
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

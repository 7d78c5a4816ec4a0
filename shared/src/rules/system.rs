//! Call-center system rules (系统): functions demonstrated on site, recording retention.

use chrono::Months;
use serde::Deserialize;

use super::context::Ctx;
use super::outcome::Outcome;
use crate::model::{ApplicationKind, Checklist, SystemDemoCheck, SystemFunction};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DemoParams {
    /// A screenshot photo or screen capture must back the demonstration.
    #[serde(default)]
    pub require_capture: bool,
}

fn function_text(f: SystemFunction) -> (&'static str, &'static str) {
    match f {
        SystemFunction::CallerIdScreening => ("主叫号码甄别", "caller-ID screening"),
        SystemFunction::ComplaintHandling => ("用户投诉处理", "complaint handling"),
        SystemFunction::Inbound => ("呼入", "inbound calls"),
        SystemFunction::Outbound => ("呼出", "outbound calls"),
        SystemFunction::Recording => ("录音", "recording"),
        SystemFunction::DataStorage => ("数据存储", "data storage"),
    }
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
    let (zh, en) = function_text(f);
    let found = demos(ctx, f);
    let out = if found.is_empty() {
        Outcome::missing(
            format!("未记录{zh}功能演示。"),
            format!("No demonstration of {en} was recorded."),
        )
    } else if found.iter().any(|(_, d)| d.demonstrated) {
        Outcome::pass(
            format!("现场演示了{zh}功能。"),
            format!("Demonstrated on site: {en}."),
        )
    } else {
        Outcome::fail(
            format!("{zh}功能未能演示。"),
            format!("Could not be demonstrated: {en}."),
        )
    };
    out.items(found.iter().map(|(i, _)| i.id.as_str()))
        .review_unless(
            !p.require_capture || !ctx.pictures_for(rule).is_empty(),
            "但缺少截图。",
            " No screenshot backs it.",
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
        return Outcome::missing(
            "未记录最早可回放录音的日期。",
            "The oldest playable recording was not recorded.",
        );
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
        Outcome::pass(
            format!("最早可回放录音为 {oldest}，已保存 {days_kept} 天。"),
            format!("Oldest playable recording is from {oldest}: {days_kept} days kept."),
        )
    } else {
        Outcome::fail(
            format!("最早可回放录音为 {oldest}，仅保存 {days_kept} 天，要求 {required_days} 天。"),
            format!(
                "Oldest playable recording is from {oldest}: only {days_kept} days kept, {required_days} required."
            ),
        )
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
    let names = |fs: &[SystemFunction], zh: bool| {
        fs.iter()
            .map(|f| {
                if zh {
                    function_text(*f).0
                } else {
                    function_text(*f).1
                }
            })
            .collect::<Vec<_>>()
    };
    let out = if !failed.is_empty() {
        Outcome::fail(
            format!("未能演示：{}。", names(&failed, true).join("、")),
            format!("Not demonstrated: {}.", names(&failed, false).join(", ")),
        )
    } else if absent.len() == p.required_functions.len() {
        Outcome::missing(
            "未记录系统功能检查。",
            "No system function check was recorded.",
        )
    } else if !absent.is_empty() {
        Outcome::fail(
            format!("未检查：{}。", names(&absent, true).join("、")),
            format!("Not checked: {}.", names(&absent, false).join(", ")),
        )
    } else {
        Outcome::pass(
            "呼入、呼出、录音、存储功能均已演示。",
            "Inbound, outbound, recording and storage functions were demonstrated.",
        )
    };
    out.items(ids)
}

//! Agent seat rules (坐席): count, live dial tests, equipment.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::context::Ctx;
use super::outcome::{Outcome, at_least};
use crate::model::{ApplicationKind, Checklist, DialTest, EvidenceBody, EvidenceItem, Scope};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CountParams {
    /// Physical seats opened for a new license (004).
    pub min_seats_new: usize,
    /// Agents for a renewal (000).
    pub min_seats_renewal: usize,
}

/// seats.physical_count: at least N distinct physical seats (new: 5, renewal: 3).
pub(crate) fn physical_count(ctx: &Ctx, p: &CountParams) -> Outcome {
    let min = match ctx.inspection.application.kind {
        ApplicationKind::New => p.min_seats_new,
        ApplicationKind::Renewal => p.min_seats_renewal,
    };
    let tags = ctx.seat_tags();
    let ids = ctx
        .evidence
        .iter()
        .filter(|i| {
            matches!(
                i.body,
                EvidenceBody::DialTest(_) | EvidenceBody::Checklist(Checklist::SeatEquipment(_))
            )
        })
        .map(|i| i.id.as_str());
    let out = if tags.is_empty() {
        Outcome::missing("没有识别任何坐席。", "No seat was identified.")
    } else if tags.len() >= min {
        Outcome::pass(
            format!("识别出 {} 个实体坐席（要求至少 {min} 个）。", tags.len()),
            format!(
                "{} physical seats identified (at least {min} required).",
                tags.len()
            ),
        )
    } else {
        Outcome::fail(
            format!("只识别出 {} 个实体坐席，少于 {min} 个。", tags.len()),
            format!(
                "Only {} physical seats identified; {min} required.",
                tags.len()
            ),
        )
    };
    out.items(ids)
        .measure("seats", tags.len(), at_least(min), None)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DialParams {
    /// Number prefix for 全网 (95) and 地网 (96) licenses (001).
    pub number_prefix_nationwide: String,
    pub number_prefix_provincial: String,
    /// A temporary trunk line is accepted while the number is not yet assigned (004).
    pub allow_temporary_trunk: bool,
    pub require_caller_id: bool,
    pub require_playback: bool,
}

/// Why one dial test does not count, if it does not.
fn dial_problem(d: &DialTest, prefix: &str, p: &DialParams, ctx: &Ctx) -> Option<(String, String)> {
    let number: String = d
        .dialed_number
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let trunk_ok = d.temporary_trunk && p.allow_temporary_trunk;
    if !(number.starts_with(prefix) || trunk_ok) {
        return Some((
            format!("拨打的号码 {} 不是 {prefix} 号码", d.dialed_number),
            format!("dialed {} is not a {prefix} number", d.dialed_number),
        ));
    }
    if !d.connected {
        return Some(("未接通".into(), "not connected".into()));
    }
    if p.require_caller_id && !d.caller_id_shown {
        return Some(("未显示主叫号码".into(), "caller ID not shown".into()));
    }
    if p.require_playback && !d.recording_played_back {
        return Some(("录音未回放".into(), "recording not played back".into()));
    }
    let w = ctx.inspection.window;
    if let Some(at) = d.started_at
        && (at < w.start || at > w.end)
    {
        return Some((
            format!("拨测时间 {at} 不在核查时段内"),
            format!("test time {at} outside the inspection window"),
        ));
    }
    None
}

/// seats.dial_test: every seat dials the 95/96 number live, caller ID shown, the recording
/// played back (004).
pub(crate) fn dial_test(ctx: &Ctx, p: &DialParams) -> Outcome {
    let prefix = match ctx.inspection.scope {
        Scope::Nationwide => &p.number_prefix_nationwide,
        Scope::Provincial => &p.number_prefix_provincial,
    };
    let mut per_seat: BTreeMap<&str, Vec<(&EvidenceItem, &DialTest)>> = BTreeMap::new();
    for item in ctx.evidence {
        if let EvidenceBody::DialTest(d) = &item.body {
            per_seat
                .entry(d.seat_tag.as_str())
                .or_default()
                .push((item, d));
        }
    }
    if per_seat.is_empty() {
        return Outcome::missing("没有拨测记录。", "No dial test was recorded.");
    }
    let mut failed_zh = Vec::new();
    let mut failed_en = Vec::new();
    let mut ok = 0usize;
    for (seat, tests) in &per_seat {
        if tests
            .iter()
            .any(|(_, d)| dial_problem(d, prefix, p, ctx).is_none())
        {
            ok += 1;
        } else if let Some((zh, en)) = tests
            .last()
            .and_then(|(_, d)| dial_problem(d, prefix, p, ctx))
        {
            failed_zh.push(format!("{seat}：{zh}"));
            failed_en.push(format!("{seat}: {en}"));
        }
    }
    // Seats that have equipment but were never dialled from.
    for seat in ctx.seat_tags() {
        if !per_seat.contains_key(seat) {
            failed_zh.push(format!("{seat}：未拨测"));
            failed_en.push(format!("{seat}: no dial test"));
        }
    }
    let ids = per_seat.values().flatten().map(|(i, _)| i.id.as_str());
    let out = if failed_zh.is_empty() {
        Outcome::pass(
            format!("{ok} 个坐席拨测全部通过。"),
            format!("All {ok} seats passed the live dial test."),
        )
    } else {
        Outcome::fail(
            format!("拨测未通过：{}。", failed_zh.join("；")),
            format!("Dial tests failed: {}.", failed_en.join("; ")),
        )
    };
    out.items(ids).measure("seats_passed", ok, None, None)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EquipmentParams {
    #[serde(default)]
    pub require_photo: bool,
}

/// seats.equipment: every seat has a phone or softphone, a computer and a headset (000).
pub(crate) fn equipment(ctx: &Ctx, p: &EquipmentParams) -> Outcome {
    let checks = ctx.checklists(|c| match c {
        Checklist::SeatEquipment(s) => Some(s),
        _ => None,
    });
    if checks.is_empty() {
        return Outcome::missing("未检查坐席设备。", "Seat equipment was not checked.");
    }
    let mut lacking = Vec::new();
    for seat in ctx.seat_tags() {
        let complete = checks
            .iter()
            .any(|(_, s)| s.seat_tag == seat && s.phone_or_softphone && s.computer && s.headset);
        if !complete {
            lacking.push(seat);
        }
    }
    let ids = checks.iter().map(|(i, _)| i.id.as_str());
    let out = if lacking.is_empty() {
        Outcome::pass(
            format!("{} 个坐席设备齐全（电话、电脑、耳机）。", checks.len()),
            format!(
                "All {} seats have phone, computer and headset.",
                checks.len()
            ),
        )
    } else {
        Outcome::fail(
            format!("坐席设备不全：{}。", lacking.join("、")),
            format!("Seats lacking equipment: {}.", lacking.join(", ")),
        )
    };
    out.items(ids).review_unless(
        !p.require_photo || !ctx.pictures_for("seats.equipment").is_empty(),
        "但缺少坐席照片。",
        " No photo of the seats.",
    )
}

//! Agent seat rules (坐席): count, live dial tests, equipment.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::context::Ctx;
use super::outcome::{Outcome, at_least};
use crate::i18n::Message;
use crate::model::{ApplicationKind, Checklist, DialTest, EvidenceBody, EvidenceItem, Scope};
use crate::msg;
use crate::seal::seat::seat_number;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CountParams {
    /// Physical seats opened for a new license (004).
    pub min_seats_new: usize,
    /// Seats for a renewal. Unset in the shipped profiles: 000's 至少有3名坐席/客服人員 counts
    /// people (`staff.agents`), and no source gives a number of seats for a renewal.
    #[serde(default)]
    pub min_seats_renewal: Option<usize>,
}

/// seats.physical_count: at least N distinct physical seats for a new license (004: 5); a
/// renewal counts seats only when the profile sets a number for it.
pub(crate) fn physical_count(ctx: &Ctx, p: &CountParams) -> Outcome {
    let min = match ctx.inspection.application.kind {
        ApplicationKind::New => p.min_seats_new,
        ApplicationKind::Renewal => match p.min_seats_renewal {
            Some(min) => min,
            None => return Outcome::not_applicable(msg!("seats-count-renewal-people")),
        },
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
        Outcome::missing(msg!("seats-none"))
    } else if tags.len() >= min {
        Outcome::pass(msg!("seats-count-ok", n = tags.len(), min = min))
    } else {
        Outcome::fail(msg!(
            "seats-count-short",
            n = tags.len(),
            min = min,
            short = min - tags.len()
        ))
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
fn dial_problem(d: &DialTest, prefix: &str, p: &DialParams, ctx: &Ctx) -> Option<Message> {
    let number: String = d
        .dialed_number
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let trunk_ok = d.temporary_trunk && p.allow_temporary_trunk;
    if !(number.starts_with(prefix) || trunk_ok) {
        return Some(msg!(
            "seats-dial-wrong-number",
            number = &d.dialed_number,
            prefix = prefix
        ));
    }
    if !d.connected {
        return Some(msg!("seats-dial-not-connected"));
    }
    if p.require_caller_id && !d.caller_id_shown {
        return Some(msg!("seats-dial-no-caller-id"));
    }
    if p.require_playback && !d.recording_played_back {
        return Some(msg!("seats-dial-no-playback"));
    }
    let w = ctx.inspection.window;
    if let Some(at) = d.started_at
        && (at < w.start || at > w.end)
    {
        let minutes = if at < w.start {
            (w.start - at).num_minutes()
        } else {
            (at - w.end).num_minutes()
        };
        return Some(msg!(
            "seats-dial-outside-window",
            at = at.to_rfc3339(),
            minutes = minutes
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
        return Outcome::missing(msg!("seats-dial-none"));
    }
    let mut failed = Vec::new();
    let mut ok = 0usize;
    for (seat, tests) in &per_seat {
        if tests
            .iter()
            .any(|(_, d)| dial_problem(d, prefix, p, ctx).is_none())
        {
            ok += 1;
        } else if let Some(why) = tests
            .last()
            .and_then(|(_, d)| dial_problem(d, prefix, p, ctx))
        {
            failed.push(msg!("seats-seat", seat = seat_number(seat), why = why));
        }
    }
    // Seats that have equipment but were never dialled from.
    for seat in ctx.seat_tags() {
        if !per_seat.contains_key(seat) {
            failed.push(msg!(
                "seats-seat",
                seat = seat_number(seat),
                why = msg!("seats-dial-untested")
            ));
        }
    }
    let ids = per_seat.values().flatten().map(|(i, _)| i.id.as_str());
    let out = if failed.is_empty() {
        Outcome::pass(msg!("seats-dial-ok", n = ok))
    } else {
        Outcome::fail(msg!("seats-dial-failed", n = failed.len(), seats = failed))
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
        return Outcome::missing(msg!("seats-equipment-missing"));
    }
    let mut lacking = Vec::new();
    for seat in ctx.seat_tags() {
        let complete = checks
            .iter()
            .any(|(_, s)| s.seat_tag == seat && s.phone_or_softphone && s.computer && s.headset);
        if !complete {
            lacking.push(seat_number(seat));
        }
    }
    let ids = checks.iter().map(|(i, _)| i.id.as_str());
    let out = if lacking.is_empty() {
        Outcome::pass(msg!("seats-equipment-ok", n = checks.len()))
    } else {
        Outcome::fail(msg!(
            "seats-equipment-lacking",
            n = lacking.len(),
            seats = lacking
        ))
    };
    super::photos::photo_backed(
        out.items(ids),
        ctx,
        "seats.equipment",
        p.require_photo,
        msg!("seats-equipment-no-photo"),
    )
}

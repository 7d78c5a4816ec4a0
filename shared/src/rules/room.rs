//! Machine room or rack rules (机房/机柜, 004).

use rust_decimal::Decimal;
use serde::Deserialize;

use super::context::Ctx;
use super::outcome::{Outcome, at_least};
use crate::model::{Checklist, DocumentFacts, FindingStatus, RoomKind};
use crate::msg;

fn photo_backed(out: Outcome, ctx: &Ctx, rule: &str, required: bool) -> Outcome {
    super::photos::photo_backed(out, ctx, rule, required, msg!("room-no-photo"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoomParams {
    /// Hosting in a carrier data center is accepted (with agreement and IDC license).
    pub allow_carrier_hosting: bool,
    /// Carriers whose data centers are accepted (substring of the carrier name).
    #[serde(default)]
    pub carriers: Vec<String>,
    #[serde(default)]
    pub require_photo: bool,
}

/// room.room_or_rack: an independent machine room or rack, or carrier hosting (004).
pub(crate) fn room_or_rack(ctx: &Ctx, p: &RoomParams) -> Outcome {
    let checks = ctx.checklists(|c| match c {
        Checklist::RoomOrRack(r) => Some(r),
        _ => None,
    });
    let Some((item, room)) = checks.last() else {
        return Outcome::missing(msg!("room-missing"));
    };
    let out = match room.room_kind {
        RoomKind::OwnRoom | RoomKind::OwnRack => {
            let says = if room.room_kind == RoomKind::OwnRoom {
                msg!("room-own-room")
            } else {
                msg!("room-own-rack")
            };
            photo_backed(
                Outcome::pass(says),
                ctx,
                "room.room_or_rack",
                p.require_photo,
            )
        }
        RoomKind::None => Outcome::fail(msg!("room-none")),
        RoomKind::CarrierHosted if !p.allow_carrier_hosting => {
            Outcome::fail(msg!("room-hosting-not-accepted"))
        }
        RoomKind::CarrierHosted => {
            let carrier = room.carrier.as_deref().unwrap_or("");
            let carrier_ok =
                p.carriers.is_empty() || p.carriers.iter().any(|c| carrier.contains(c.as_str()));
            let doc_is = |id: &Option<String>, want: fn(&DocumentFacts) -> bool| {
                id.as_deref()
                    .and_then(|id| ctx.documents().into_iter().find(|(i, _)| i.id == id))
                    .is_some_and(|(_, d)| want(d))
            };
            let agreement = doc_is(&room.hosting_agreement_item, |d| {
                matches!(d, DocumentFacts::HostingAgreement { .. })
            });
            let license = doc_is(&room.idc_license_item, |d| {
                matches!(d, DocumentFacts::IdcLicense)
            });
            let mut missing = Vec::new();
            if !carrier_ok {
                missing.push(msg!("room-hosting-not-carrier", carrier = carrier));
            }
            if !agreement {
                missing.push(msg!("room-hosting-no-agreement"));
            }
            if !license {
                missing.push(msg!("room-hosting-no-license"));
            }
            let out = if missing.is_empty() {
                Outcome::pass(msg!("room-hosting-ok", carrier = carrier))
            } else {
                Outcome::fail(msg!("room-hosting-incomplete", problems = missing))
            };
            out.items(
                room.hosting_agreement_item
                    .iter()
                    .chain(room.idc_license_item.iter()),
            )
        }
    };
    out.items([item.id.as_str()])
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpsParams {
    #[serde(default)]
    pub min_runtime_minutes: Option<Decimal>,
    #[serde(default)]
    pub require_photo: bool,
}

/// room.ups: a UPS is present and working (004).
pub(crate) fn ups(ctx: &Ctx, p: &UpsParams) -> Outcome {
    let checks = ctx.checklists(|c| match c {
        Checklist::Ups(u) => Some(u),
        _ => None,
    });
    let Some((item, ups)) = checks.last() else {
        return Outcome::missing(msg!("room-ups-missing"));
    };
    let mut out = if !ups.present {
        Outcome::fail(msg!("room-ups-none"))
    } else if !ups.status_normal {
        Outcome::fail(msg!("room-ups-abnormal"))
    } else {
        Outcome::pass(match ups.model.as_deref() {
            Some(model) => msg!("room-ups-ok-model", model = model),
            None => msg!("room-ups-ok"),
        })
    }
    .items([item.id.as_str()]);
    if let Some(min) = p.min_runtime_minutes {
        match ups.runtime_minutes {
            Some(rt) => {
                out = out.measure("runtime_minutes", rt, at_least(min), Some(&item.id));
                if rt < min && out.status == FindingStatus::Pass {
                    out = Outcome {
                        status: FindingStatus::Fail,
                        says: vec![msg!(
                            "room-ups-runtime-short",
                            runtime = rt,
                            min = min,
                            short = min - rt
                        )],
                        ..out
                    };
                }
            }
            None => out = out.review_unless(false, msg!("room-ups-runtime-unknown")),
        }
    }
    photo_backed(out, ctx, "room.ups", p.require_photo)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExtinguisherParams {
    #[serde(default)]
    pub require_photo: bool,
}

/// room.fire_extinguisher: present, gauge in range, inspection tag not expired (004).
pub(crate) fn fire_extinguisher(ctx: &Ctx, p: &ExtinguisherParams) -> Outcome {
    let checks = ctx.checklists(|c| match c {
        Checklist::FireExtinguisher(f) => Some(f),
        _ => None,
    });
    let Some((item, fe)) = checks.last() else {
        return Outcome::missing(msg!("room-extinguisher-missing"));
    };
    let today = ctx.today();
    let out = if !fe.present {
        Outcome::fail(msg!("room-extinguisher-none"))
    } else if !fe.pressure_in_range {
        Outcome::fail(msg!("room-extinguisher-pressure"))
    } else {
        match fe.inspection_valid_until {
            Some(until) if until < today => Outcome::fail(msg!(
                "room-extinguisher-expired",
                until = until,
                days = (today - until).num_days()
            )),
            Some(until) => Outcome::pass(msg!("room-extinguisher-ok", until = until)),
            None => Outcome::review(msg!("room-extinguisher-date-unknown")),
        }
        .measure(
            "inspection_valid_until",
            fe.inspection_valid_until
                .map(|d| d.to_string())
                .unwrap_or_default(),
            Some(format!(">= {today}")),
            Some(&item.id),
        )
    };
    photo_backed(
        out.items([item.id.as_str()]),
        ctx,
        "room.fire_extinguisher",
        p.require_photo,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccessLogParams {
    /// The latest entry must be at most this many days before the as-of day.
    pub max_age_days: i64,
    #[serde(default)]
    pub require_photo: bool,
}

/// room.access_log: an access-control log with recent entries (004).
pub(crate) fn access_log(ctx: &Ctx, p: &AccessLogParams) -> Outcome {
    let checks = ctx.checklists(|c| match c {
        Checklist::AccessLog(a) => Some(a),
        _ => None,
    });
    let Some((item, log)) = checks.last() else {
        return Outcome::missing(msg!("room-access-missing"));
    };
    let today = ctx.today();
    let out = if !log.present {
        Outcome::fail(msg!("room-access-none"))
    } else {
        match log.latest_entry_on {
            Some(last) => {
                let age = (today - last).num_days();
                let o = if age > p.max_age_days {
                    Outcome::fail(msg!(
                        "room-access-stale",
                        last = last,
                        age = age,
                        max = p.max_age_days
                    ))
                } else {
                    Outcome::pass(msg!("room-access-ok", last = last))
                };
                o.measure(
                    "latest_entry_age_days",
                    age,
                    Some(format!("<= {}", p.max_age_days)),
                    Some(&item.id),
                )
            }
            None => Outcome::review(msg!("room-access-date-unknown")),
        }
    };
    photo_backed(
        out.items([item.id.as_str()]),
        ctx,
        "room.access_log",
        p.require_photo,
    )
}

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
    /// Hosting in a third party's machine room — a carrier's or any IDC — is accepted, with
    /// the hosting agreement and the machine room's IDC/ISP license copy (004).
    pub allow_hosting: bool,
    /// Cloud seats are accepted, with the cloud-service agreement and the region's IDC
    /// license copy (004 Q2).
    pub allow_cloud: bool,
    /// Cloud seats: the technical plan states where the data lands and where it is backed
    /// up (004 Q2: 在技术方案里写清“数据落地上海，备份在苏州”).
    #[serde(default)]
    pub require_data_locations: bool,
    #[serde(default)]
    pub require_photo: bool,
}

/// room.room_or_rack: an independent machine room or rack; or a third party's machine room
/// (carrier or IDC) with the hosting agreement and its IDC/ISP license; or cloud seats with
/// the cloud-service agreement, the region's license and the data's locations (004).
pub(crate) fn room_or_rack(ctx: &Ctx, p: &RoomParams) -> Outcome {
    let checks = ctx.checklists(|c| match c {
        Checklist::RoomOrRack(r) => Some(r),
        _ => None,
    });
    let Some((item, room)) = checks.last() else {
        return Outcome::missing(msg!("room-missing"));
    };
    let doc = |id: &Option<String>| -> Option<&DocumentFacts> {
        let id = id.as_deref()?;
        ctx.documents()
            .into_iter()
            .find(|(i, _)| i.id == id)
            .map(|(_, d)| d)
    };
    let hosted_papers = |problems: &mut Vec<crate::i18n::Message>| {
        if !matches!(
            doc(&room.hosting_agreement_item),
            Some(DocumentFacts::HostingAgreement { .. })
        ) {
            problems.push(msg!("room-hosting-no-agreement"));
        }
        if !matches!(doc(&room.idc_license_item), Some(DocumentFacts::IdcLicense)) {
            problems.push(msg!("room-hosting-no-license"));
        }
    };
    let host = room.carrier.as_deref().unwrap_or("");
    let papers = room
        .hosting_agreement_item
        .iter()
        .chain(room.idc_license_item.iter())
        .chain(room.technical_plan_item.iter());
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
        RoomKind::CarrierHosted if !p.allow_hosting => {
            Outcome::fail(msg!("room-hosting-not-accepted"))
        }
        RoomKind::Cloud if !p.allow_cloud => Outcome::fail(msg!("room-cloud-not-accepted")),
        RoomKind::CarrierHosted => {
            let mut problems = Vec::new();
            hosted_papers(&mut problems);
            if problems.is_empty() {
                Outcome::pass(msg!("room-hosting-ok", carrier = host))
            } else {
                Outcome::fail(msg!("room-hosting-incomplete", problems = problems))
            }
            .items(papers)
        }
        RoomKind::Cloud => {
            let mut problems = Vec::new();
            hosted_papers(&mut problems);
            let plan = match doc(&room.technical_plan_item) {
                Some(DocumentFacts::TechnicalPlan {
                    data_landing,
                    backup,
                }) => Some((data_landing.as_deref(), backup.as_deref())),
                _ => None,
            };
            fn stated(s: Option<&str>) -> Option<&str> {
                s.map(str::trim).filter(|s| !s.is_empty())
            }
            let (landing, backup) = match plan {
                Some((l, b)) => (stated(l), stated(b)),
                None => (None, None),
            };
            if p.require_data_locations {
                if plan.is_none() {
                    problems.push(msg!("room-cloud-no-plan"));
                } else {
                    if landing.is_none() {
                        problems.push(msg!("room-cloud-no-landing"));
                    }
                    if backup.is_none() {
                        problems.push(msg!("room-cloud-no-backup"));
                    }
                }
            }
            if problems.is_empty() {
                Outcome::pass(match (landing, backup) {
                    (Some(l), Some(b)) => msg!(
                        "room-cloud-ok-located",
                        provider = host,
                        landing = l,
                        backup = b
                    ),
                    _ => msg!("room-cloud-ok", provider = host),
                })
            } else {
                Outcome::fail(msg!("room-cloud-incomplete", problems = problems))
            }
            .items(papers)
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

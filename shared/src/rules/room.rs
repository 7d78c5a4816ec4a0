//! Machine room or rack rules (机房/机柜, 004).

use rust_decimal::Decimal;
use serde::Deserialize;

use super::context::Ctx;
use super::outcome::{Outcome, at_least};
use crate::model::{Checklist, DocumentFacts, RoomKind};

fn photo_backed(out: Outcome, ctx: &Ctx, rule: &str, required: bool) -> Outcome {
    out.review_unless(
        !required || !ctx.pictures_for(rule).is_empty(),
        "但缺少照片。",
        " No photo backs it.",
    )
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
        return Outcome::missing(
            "未记录机房或机柜情况。",
            "No machine room or rack was recorded.",
        );
    };
    let out = match room.room_kind {
        RoomKind::OwnRoom | RoomKind::OwnRack => {
            let (zh, en) = if room.room_kind == RoomKind::OwnRoom {
                ("独立机房", "an independent machine room")
            } else {
                ("独立机柜", "a dedicated rack")
            };
            photo_backed(
                Outcome::pass(format!("有{zh}。"), format!("The company has {en}.")),
                ctx,
                "room.room_or_rack",
                p.require_photo,
            )
        }
        RoomKind::None => {
            Outcome::fail("没有独立机房或机柜。", "There is no machine room or rack.")
        }
        RoomKind::CarrierHosted if !p.allow_carrier_hosting => Outcome::fail(
            "本配置不接受托管机房。",
            "This profile does not accept carrier hosting.",
        ),
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
                missing.push((
                    "托管方不是基础电信运营商",
                    "the host is not an accepted carrier",
                ));
            }
            if !agreement {
                missing.push(("缺少托管协议", "the hosting agreement is missing"));
            }
            if !license {
                missing.push((
                    "缺少 IDC/ISP 许可证复印件",
                    "the IDC/ISP license copy is missing",
                ));
            }
            let out = if missing.is_empty() {
                Outcome::pass(
                    format!("托管于{carrier}机房，协议与许可证齐全。"),
                    format!("Hosted in a {carrier} data center with agreement and license."),
                )
            } else {
                let zh: Vec<_> = missing.iter().map(|m| m.0).collect();
                let en: Vec<_> = missing.iter().map(|m| m.1).collect();
                Outcome::fail(
                    format!("托管机房：{}。", zh.join("；")),
                    format!("Carrier hosting: {}.", en.join("; ")),
                )
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
        return Outcome::missing("未检查 UPS。", "The UPS was not checked.");
    };
    let mut out = if !ups.present {
        Outcome::fail("没有 UPS。", "There is no UPS.")
    } else if !ups.status_normal {
        Outcome::fail("UPS 状态不正常。", "The UPS does not show normal status.")
    } else {
        let model = ups
            .model
            .as_deref()
            .map(|m| format!(" {m}"))
            .unwrap_or_default();
        Outcome::pass(
            format!("UPS{model} 工作正常。"),
            format!("The UPS{model} works normally."),
        )
    }
    .items([item.id.as_str()]);
    if let Some(min) = p.min_runtime_minutes {
        match ups.runtime_minutes {
            Some(rt) => {
                out = out.measure("runtime_minutes", rt, at_least(min), Some(&item.id));
                if rt < min && out.status == crate::model::FindingStatus::Pass {
                    out = Outcome {
                        status: crate::model::FindingStatus::Fail,
                        ..out
                    };
                    out.message = crate::model::Text::new(
                        format!("UPS 续航 {rt} 分钟，少于 {min} 分钟。"),
                        format!("UPS runtime {rt} min is below {min} min."),
                    );
                }
            }
            None => out = out.review_unless(false, "未记录续航时间。", " Runtime not recorded."),
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
        return Outcome::missing("未检查灭火器。", "The fire extinguisher was not checked.");
    };
    let today = ctx.today();
    let out = if !fe.present {
        Outcome::fail("没有灭火器。", "There is no fire extinguisher.")
    } else if !fe.pressure_in_range {
        Outcome::fail(
            "灭火器压力表不在正常范围。",
            "The extinguisher's pressure gauge is out of range.",
        )
    } else {
        match fe.inspection_valid_until {
            Some(until) if until < today => Outcome::fail(
                format!("灭火器检验标签已于 {until} 过期。"),
                format!("The extinguisher's inspection tag expired on {until}."),
            ),
            Some(until) => Outcome::pass(
                format!("灭火器正常，检验有效期至 {until}。"),
                format!("Extinguisher in order, inspection valid until {until}."),
            ),
            None => Outcome::review(
                "灭火器在位，但未记录检验有效期。",
                "Extinguisher present, but its inspection date was not recorded.",
            ),
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
        return Outcome::missing(
            "未检查门禁记录。",
            "The access-control log was not checked.",
        );
    };
    let today = ctx.today();
    let out = if !log.present {
        Outcome::fail("没有门禁记录。", "There is no access-control log.")
    } else {
        match log.latest_entry_on {
            Some(last) => {
                let age = (today - last).num_days();
                let o = if age > p.max_age_days {
                    Outcome::fail(
                        format!("最近一条门禁记录是 {last}，已超过 {} 天。", p.max_age_days),
                        format!(
                            "The latest access-log entry ({last}) is older than {} days.",
                            p.max_age_days
                        ),
                    )
                } else {
                    Outcome::pass(
                        format!("门禁记录最近一条为 {last}。"),
                        format!("The access log's latest entry is from {last}."),
                    )
                };
                o.measure(
                    "latest_entry_age_days",
                    age,
                    Some(format!("<= {}", p.max_age_days)),
                    Some(&item.id),
                )
            }
            None => Outcome::review(
                "有门禁记录，但未记录最近一条的日期。",
                "An access log exists, but its latest entry date was not recorded.",
            ),
        }
    };
    photo_backed(
        out.items([item.id.as_str()]),
        ctx,
        "room.access_log",
        p.require_photo,
    )
}

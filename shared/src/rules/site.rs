//! Site rules (场地): office area, lease, the real address visited.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::context::Ctx;
use super::outcome::{Outcome, at_least};
use crate::capture::photo::{PhotoFlag, PhotoParams, assess_photo};
use crate::model::{CaptureSource, Checklist, DocumentFacts, EvidenceBody};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OfficeAreaParams {
    pub min_area_m2: Decimal,
    /// A geotagged photo must back the entered area.
    #[serde(default)]
    pub require_photo: bool,
}

/// site.office_area: office area ≥ N m² (002, 004; 003 suggests 50).
pub(crate) fn office_area(ctx: &Ctx, p: &OfficeAreaParams) -> Outcome {
    let offices = ctx.checklists(|c| match c {
        Checklist::Office(o) => Some(o),
        _ => None,
    });
    let Some((item, best)) = offices.iter().max_by_key(|(_, o)| o.area_m2) else {
        return Outcome::missing("未录入办公面积。", "No office area was recorded.");
    };
    let threshold = at_least(format!("{} m²", p.min_area_m2));
    let outcome = if best.area_m2 >= p.min_area_m2 {
        Outcome::pass(
            format!(
                "办公面积 {} ㎡，不少于 {} ㎡。",
                best.area_m2, p.min_area_m2
            ),
            format!(
                "Office area {} m² is at least {} m².",
                best.area_m2, p.min_area_m2
            ),
        )
    } else {
        Outcome::fail(
            format!(
                "办公面积 {} ㎡，少于要求的 {} ㎡。",
                best.area_m2, p.min_area_m2
            ),
            format!(
                "Office area {} m² is below the required {} m².",
                best.area_m2, p.min_area_m2
            ),
        )
    };
    outcome
        .items([item.id.as_str()])
        .measure("area_m2", best.area_m2, threshold, Some(&item.id))
        .review_unless(
            !p.require_photo || !ctx.pictures_for("site.office_area").is_empty(),
            "但缺少办公场地照片。",
            " No photo of the office backs it.",
        )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LeaseParams {
    pub min_term_months: u32,
    /// Suzhou: the lease must be registered with the housing bureau (房管局备案).
    #[serde(default)]
    pub require_housing_registration: bool,
}

/// Whole months from `start` to `end` (a lease 2026-01-01..2026-12-31 is 12 months).
fn lease_months(start: NaiveDate, end: NaiveDate) -> i64 {
    let end_next = end.succ_opt().unwrap_or(end);
    let mut months = i64::from(end_next.year() - start.year()) * 12 + i64::from(end_next.month())
        - i64::from(start.month());
    if end_next.day() < start.day() {
        months -= 1;
    }
    months
}

/// site.lease_term: lease ≥ 1 year covering the inspection; Suzhou: registered (004, 000).
pub(crate) fn lease_term(ctx: &Ctx, p: &LeaseParams) -> Outcome {
    let docs = ctx.documents();
    if let Some((item, _)) = docs
        .iter()
        .find(|(_, d)| matches!(d, DocumentFacts::PropertyCertificate))
    {
        return Outcome::pass(
            "公司自有房产（房产证）。",
            "The company owns the premises (property certificate).",
        )
        .items([item.id.as_str()]);
    }
    let leases: Vec<_> = docs
        .iter()
        .filter_map(|(item, d)| match d {
            DocumentFacts::Lease {
                start,
                end,
                registered_with_housing_bureau,
            } => Some((*item, *start, *end, *registered_with_housing_bureau)),
            _ => None,
        })
        .collect();
    let today = ctx.today();
    // The lease in force on the as-of day, the longest if several.
    let current = leases
        .iter()
        .filter(|(_, s, e, _)| *s <= today && today <= *e)
        .max_by_key(|(_, s, e, _)| lease_months(*s, *e));
    let Some(&(item, start, end, registered)) = current.or(leases.first()) else {
        return Outcome::missing(
            "未提供租赁合同或房产证明。",
            "No lease or property certificate was recorded.",
        );
    };
    let months = lease_months(start, end);
    let threshold = at_least(format!("{} months", p.min_term_months));
    let base = Outcome::pass("", "")
        .items([item.id.as_str()])
        .measure("lease_months", months, threshold, Some(&item.id))
        .measure("lease_end", end, None, Some(&item.id));
    let (status_ok, zh, en) = if !(start <= today && today <= end) {
        (
            false,
            format!("租赁期 {start} 至 {end} 未覆盖核查日 {today}。"),
            format!("The lease {start}..{end} does not cover the inspection day {today}."),
        )
    } else if months < i64::from(p.min_term_months) {
        (
            false,
            format!("租期 {months} 个月，少于 {} 个月。", p.min_term_months),
            format!(
                "Lease term {months} months is shorter than {} months.",
                p.min_term_months
            ),
        )
    } else {
        (
            true,
            format!("租期 {months} 个月（{start} 至 {end}）。"),
            format!("Lease term {months} months ({start} to {end})."),
        )
    };
    let mut out = Outcome {
        message: crate::model::Text::new(zh, en),
        ..base
    };
    if !status_ok {
        out.status = crate::model::FindingStatus::Fail;
        return out;
    }
    if p.require_housing_registration {
        match registered {
            Some(true) => {
                out.message.zh.push_str("已在房管局备案。");
                out.message
                    .en
                    .push_str(" Registered with the housing bureau.");
            }
            Some(false) => {
                out.status = crate::model::FindingStatus::Fail;
                out.message.zh.push_str("但租赁未在房管局备案。");
                out.message
                    .en
                    .push_str(" The lease is not registered with the housing bureau.");
            }
            None => {
                out.status = crate::model::FindingStatus::NeedsReview;
                out.message.zh.push_str("未说明是否已在房管局备案。");
                out.message
                    .en
                    .push_str(" Housing-bureau registration is not stated.");
            }
        }
    }
    out
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RealAddressParams {
    /// Photos inside the geofence and the window needed to prove the visit.
    pub min_photos: usize,
    /// Whether gallery imports count as proof (their EXIF is easy to fake).
    #[serde(default)]
    pub allow_gallery: bool,
    #[serde(flatten)]
    pub photo: PhotoParams,
}

/// site.real_address: photos prove the registered address was visited during the window
/// (000, 004). Every photo of the inspection is assessed: one taken elsewhere or at another
/// time fails the rule, whatever rule it was taken for.
pub(crate) fn real_address(ctx: &Ctx, p: &RealAddressParams) -> Outcome {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    let mut doubtful = Vec::new();
    let mut out = Outcome::pass("", "");
    for item in ctx.evidence {
        let EvidenceBody::Photo(photo) = &item.body else {
            continue;
        };
        let Some(exif) = &photo.exif else {
            doubtful.push(format!(
                "{}: {}",
                item.id,
                photo.exif_error.as_deref().unwrap_or("no EXIF")
            ));
            out = out.items([item.id.as_str()]);
            continue;
        };
        let a = assess_photo(exif, ctx.inspection, &p.photo);
        if let Some(g) = &a.geofence {
            out = out.measure(
                "distance_m",
                format!("{:.0}", g.distance_m),
                Some(format!("<= {:.0}", g.radius_m)),
                Some(&item.id),
            );
        }
        let outside = a
            .flags
            .iter()
            .any(|f| matches!(f, PhotoFlag::OutsideGeofence | PhotoFlag::OutsideWindow));
        let mut reasons: Vec<String> = a.flags.iter().map(|f| f.text().en).collect();
        if item.source == CaptureSource::Gallery && !p.allow_gallery {
            reasons.push("imported from the gallery".into());
        }
        if outside {
            bad.push(format!("{}: {}", item.id, reasons.join("; ")));
        } else if !reasons.is_empty() {
            doubtful.push(format!("{}: {}", item.id, reasons.join("; ")));
        } else {
            good.push(item.id.as_str());
        }
        out = out.items([item.id.as_str()]);
    }
    out = out.measure("photos_on_site", good.len(), at_least(p.min_photos), None);
    let (status, zh, en) = if !bad.is_empty() {
        (
            crate::model::FindingStatus::Fail,
            format!(
                "有照片不在登记地址范围内或不在核查时段内：{}。",
                bad.join("，")
            ),
            format!(
                "Photos outside the geofence or the inspection window: {}.",
                bad.join(", ")
            ),
        )
    } else if good.len() >= p.min_photos {
        let extra = if doubtful.is_empty() {
            String::new()
        } else {
            format!(
                " ({} more photos need review: {})",
                doubtful.len(),
                doubtful.join(", ")
            )
        };
        (
            crate::model::FindingStatus::Pass,
            format!("{} 张照片的定位与拍摄时间证明到达登记地址。", good.len()),
            format!(
                "{} photos place the visit at the registered address within the window.{extra}",
                good.len()
            ),
        )
    } else if good.is_empty() && doubtful.is_empty() {
        (
            crate::model::FindingStatus::Missing,
            "没有现场照片。".to_owned(),
            "No photos were taken on site.".to_owned(),
        )
    } else {
        (
            crate::model::FindingStatus::NeedsReview,
            format!(
                "现场照片不足 {} 张可自动核验；需人工复核：{}。",
                p.min_photos,
                doubtful.join("，")
            ),
            format!(
                "Fewer than {} photos verify automatically; review: {}.",
                p.min_photos,
                doubtful.join(", ")
            ),
        )
    };
    out.status = status;
    out.message = crate::model::Text::new(zh, en);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn lease_months_counts_whole_months() {
        assert_eq!(lease_months(d("2026-01-01"), d("2026-12-31")), 12);
        assert_eq!(lease_months(d("2026-01-15"), d("2027-01-14")), 12);
        assert_eq!(lease_months(d("2026-01-15"), d("2027-01-13")), 11);
        assert_eq!(lease_months(d("2026-03-01"), d("2026-08-31")), 6);
    }
}

//! Site rules (场地): office area, lease, the real address visited.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::context::Ctx;
use super::outcome::{Outcome, at_least};
use super::photos::{JudgedPhoto, judge_photo, photo_backed, remedies};
use crate::i18n::Message;
use crate::model::{Checklist, DocumentFacts, EvidenceBody, FindingStatus};
use crate::msg;

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
        return Outcome::missing(msg!("site-area-missing"));
    };
    let threshold = at_least(format!("{} m²", p.min_area_m2));
    let outcome = if best.area_m2 >= p.min_area_m2 {
        Outcome::pass(msg!(
            "site-area-ok",
            area = best.area_m2,
            min = p.min_area_m2
        ))
    } else {
        Outcome::fail(msg!(
            "site-area-short",
            area = best.area_m2,
            min = p.min_area_m2,
            short = p.min_area_m2 - best.area_m2
        ))
    };
    let outcome = outcome.items([item.id.as_str()]).measure(
        "area_m2",
        best.area_m2,
        threshold,
        Some(&item.id),
    );
    photo_backed(
        outcome,
        ctx,
        "site.office_area",
        p.require_photo,
        msg!("site-area-no-photo"),
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
        return Outcome::pass(msg!("site-lease-owned")).items([item.id.as_str()]);
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
        return Outcome::missing(msg!("site-lease-missing"));
    };
    let months = lease_months(start, end);
    let threshold = at_least(format!("{} months", p.min_term_months));
    let (status_ok, says) = if !(start <= today && today <= end) {
        (
            false,
            msg!(
                "site-lease-not-covering",
                start = start,
                end = end,
                today = today
            ),
        )
    } else if months < i64::from(p.min_term_months) {
        (
            false,
            msg!(
                "site-lease-short",
                months = months,
                min = p.min_term_months,
                short = i64::from(p.min_term_months) - months
            ),
        )
    } else {
        (
            true,
            msg!("site-lease-ok", months = months, start = start, end = end),
        )
    };
    let out = Outcome::pass(says)
        .items([item.id.as_str()])
        .measure("lease_months", months, threshold, Some(&item.id))
        .measure("lease_end", end, None, Some(&item.id));
    if !status_ok {
        return out.status(FindingStatus::Fail);
    }
    if !p.require_housing_registration {
        return out;
    }
    match registered {
        Some(true) => out.also(msg!("site-lease-registered")),
        Some(false) => out
            .status(FindingStatus::Fail)
            .also(msg!("site-lease-unregistered")),
        None => out
            .status(FindingStatus::NeedsReview)
            .also(msg!("site-lease-registration-unknown")),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RealAddressParams {
    /// Photos inside the geofence and the window needed to prove the visit.
    pub min_photos: usize,
    /// Whether gallery imports count as proof (their EXIF is easy to fake).
    #[serde(default)]
    pub allow_gallery: bool,
}

/// site.real_address: photos prove the operating site (经营地址) was visited during the window
/// (000, 004). Every photo of the inspection is assessed with the profile's `[photo]`
/// parameters: one taken elsewhere or at another time fails the rule, whatever rule it was
/// taken for.
pub(crate) fn real_address(ctx: &Ctx, p: &RealAddressParams) -> Outcome {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    let mut doubtful = Vec::new();
    let mut out = Outcome::pending();
    for item in ctx.evidence {
        let EvidenceBody::Photo(photo) = &item.body else {
            continue;
        };
        let judged = judge_photo(ctx, item, photo, p.allow_gallery);
        if let Some(g) = judged.assessment.as_ref().and_then(|a| a.geofence) {
            out = out.measure(
                "distance_m",
                format!("{:.0}", g.distance_m),
                Some(format!("<= {:.0}", g.radius_m)),
                Some(&item.id),
            );
        }
        out = out.items([item.id.as_str()]);
        if judged.contradicts {
            bad.push(judged);
        } else if !judged.holds_up() {
            doubtful.push(judged);
        } else {
            good.push(judged);
        }
    }
    let named = |photos: &[JudgedPhoto]| -> Vec<Message> {
        photos.iter().map(JudgedPhoto::named).collect()
    };
    out = out.measure("photos_on_site", good.len(), at_least(p.min_photos), None);
    let (status, says) = if !bad.is_empty() {
        (
            FindingStatus::Fail,
            msg!("site-visit-outside", photos = named(&bad)),
        )
    } else if good.len() >= p.min_photos {
        (FindingStatus::Pass, msg!("site-visit-ok", n = good.len()))
    } else if good.is_empty() && doubtful.is_empty() {
        (FindingStatus::Missing, msg!("site-visit-none"))
    } else {
        (
            FindingStatus::NeedsReview,
            msg!(
                "site-visit-review",
                min = p.min_photos,
                n = doubtful.len(),
                photos = named(&doubtful)
            ),
        )
    };
    let extra = (status == FindingStatus::Pass && !doubtful.is_empty()).then(|| {
        msg!(
            "site-visit-also-review",
            n = doubtful.len(),
            photos = named(&doubtful)
        )
    });
    let mut out = out.status(status).also(says);
    out.says.extend(extra);
    out.says.extend(remedies(bad.iter().chain(&doubtful)));
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

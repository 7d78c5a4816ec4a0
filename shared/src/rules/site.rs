//! Site rules (场地): office area, lease, the real address visited.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::context::{Ctx, normalize};
use super::outcome::{Outcome, at_least, graver};
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
    /// A lease comes with the landlord's property certificate (000: 房產證復印件+租賃協議;
    /// 004: 房東房產證).
    #[serde(default)]
    pub require_landlord_certificate: bool,
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

/// An address reduced to what names the place: no spaces or punctuation, ASCII digits, so
/// that 星湖街３２８号 and "星湖街 328 号" compare equal.
fn address_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

/// Whether a document's address names the operating site: one contains the other once
/// reduced (a lease often omits the province, or adds the building and floor). `None` when
/// either is not written down.
fn names_the_site(doc_address: Option<&str>, site: &str) -> Option<bool> {
    let (a, b) = (address_key(doc_address?), address_key(site));
    if a.is_empty() || b.is_empty() {
        return None;
    }
    Some(a.contains(&b) || b.contains(&a))
}

/// Who a property certificate names: the company (it owns the site), another (the
/// landlord), or nobody written down.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Holder {
    Company,
    Other,
    Unstated,
}

fn holder_of(ctx: &Ctx, holder: Option<&str>) -> Holder {
    match holder.map(normalize) {
        None => Holder::Unstated,
        Some(h) if h.is_empty() => Holder::Unstated,
        Some(h) if h == normalize(&ctx.inspection.company.name) => Holder::Company,
        Some(_) => Holder::Other,
    }
}

/// The address check of a lease or certificate against the operating site, as a reason and
/// a status when it does not hold.
fn address_problem(
    what: &str,
    address: Option<&str>,
    ctx: &Ctx,
) -> Option<(FindingStatus, Message)> {
    let site = ctx.inspection.site.address.as_str();
    match names_the_site(address, site) {
        Some(true) => None,
        Some(false) => Some((
            FindingStatus::Fail,
            msg!(
                "site-lease-elsewhere",
                what = Message::new(what),
                address = address.unwrap_or_default(),
                site = site
            ),
        )),
        None => Some((
            FindingStatus::NeedsReview,
            msg!("site-lease-address-unknown", what = Message::new(what)),
        )),
    }
}

/// site.lease_term: the company owns the operating site (a property certificate in its
/// name), or leases it: a lease ≥ 1 year covering the inspection, for the operating site,
/// with the landlord's property certificate; in Suzhou registered with the housing bureau
/// (000, 004).
pub(crate) fn lease_term(ctx: &Ctx, p: &LeaseParams) -> Outcome {
    let docs = ctx.documents();
    let certificates: Vec<_> = docs
        .iter()
        .filter_map(|(item, d)| match d {
            DocumentFacts::PropertyCertificate { holder, address } => Some((
                *item,
                holder_of(ctx, holder.as_deref()),
                holder.as_deref(),
                address.as_deref(),
            )),
            _ => None,
        })
        .collect();
    // Owned: a certificate in the company's name for the operating site.
    if let Some(&(item, _, _, address)) = certificates
        .iter()
        .find(|(_, h, _, _)| *h == Holder::Company)
    {
        let out = Outcome::pass(msg!("site-lease-owned")).items([item.id.as_str()]);
        return match address_problem("site-doc-property-certificate", address, ctx) {
            None => out,
            Some((status, says)) => out.status(status).also(says),
        };
    }
    let leases: Vec<_> = docs
        .iter()
        .filter_map(|(item, d)| match d {
            DocumentFacts::Lease {
                start,
                end,
                registered_with_housing_bureau,
                address,
            } => Some((
                *item,
                *start,
                *end,
                *registered_with_housing_bureau,
                address.as_deref(),
            )),
            _ => None,
        })
        .collect();
    let today = ctx.today();
    // The lease in force on the as-of day, the longest if several.
    let current = leases
        .iter()
        .filter(|(_, s, e, _, _)| *s <= today && today <= *e)
        .max_by_key(|(_, s, e, _, _)| lease_months(*s, *e));
    let Some(&(item, start, end, registered, address)) = current.or(leases.first()) else {
        // A certificate in another's name is no proof the company may use the site.
        return match certificates.first() {
            Some(&(item, Holder::Other, Some(holder), _)) => Outcome::missing(msg!(
                "site-lease-certificate-not-company",
                holder = holder,
                company = &ctx.inspection.company.name
            ))
            .items([item.id.as_str()]),
            Some(&(item, _, _, _)) => {
                Outcome::review(msg!("site-lease-holder-unknown")).items([item.id.as_str()])
            }
            None => Outcome::missing(msg!("site-lease-missing")),
        };
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
    let mut out = Outcome::pass(says)
        .items([item.id.as_str()])
        .measure("lease_months", months, threshold, Some(&item.id))
        .measure("lease_end", end, None, Some(&item.id));
    // Every further problem is added; the worst decides (fail > missing > needs_review).
    let mut worst = if status_ok {
        FindingStatus::Pass
    } else {
        FindingStatus::Fail
    };
    let mut add = |out: Outcome, status: FindingStatus, says: Message| {
        worst = graver(worst, status);
        out.also(says)
    };
    if let Some((status, says)) = address_problem("site-doc-lease", address, ctx) {
        out = add(out, status, says);
    }
    if p.require_housing_registration {
        out = match registered {
            Some(true) => out.also(msg!("site-lease-registered")),
            Some(false) => add(out, FindingStatus::Fail, msg!("site-lease-unregistered")),
            None => add(
                out,
                FindingStatus::NeedsReview,
                msg!("site-lease-registration-unknown"),
            ),
        };
    }
    if p.require_landlord_certificate {
        // The landlord's certificate: any certificate not in the company's name (one that
        // names nobody is taken for it, and said so).
        out = match certificates
            .iter()
            .find(|(_, h, _, _)| *h != Holder::Company)
        {
            Some(&(cert, Holder::Other, Some(holder), _)) => out
                .items([cert.id.as_str()])
                .also(msg!("site-lease-landlord-certificate", holder = holder)),
            Some(&(cert, _, _, _)) => add(
                out.items([cert.id.as_str()]),
                FindingStatus::NeedsReview,
                msg!("site-lease-holder-unknown"),
            ),
            None => add(
                out,
                FindingStatus::Missing,
                msg!("site-lease-no-landlord-certificate"),
            ),
        };
    }
    out.status(worst)
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

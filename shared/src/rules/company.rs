//! Company prerequisites (rehearsal self-check, entered as data).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::context::{Ctx, normalize};
use super::outcome::{Outcome, at_least, at_most, graver};
use crate::capture::ids::validate_uscc;
use crate::i18n::Message;
use crate::model::{
    ApplicationKind, CarrierAgreementKind, DocumentFacts, EvidenceItem, FindingStatus, IcpFiling,
    Scope,
};
use crate::msg;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoParams {}

/// company.uscc: the USCC is valid (GB 32100-2015 check character).
pub(crate) fn uscc(ctx: &Ctx, _: &NoParams) -> Outcome {
    let code = &ctx.inspection.company.uscc;
    match validate_uscc(code) {
        Ok(()) => Outcome::pass(msg!("company-uscc-ok", code = code)),
        Err(e) => Outcome::fail(msg!("company-uscc-invalid", code = code, why = e.message())),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CapitalParams {
    pub min_capital_cny_nationwide: Decimal,
    pub min_capital_cny_provincial: Decimal,
    /// Subscribed (认缴) capital counts.
    pub accept_subscribed: bool,
}

/// company.capital: ≥ 10,000,000 CNY for 全网, ≥ 1,000,000 CNY for 地网.
pub(crate) fn capital(ctx: &Ctx, p: &CapitalParams) -> Outcome {
    let c = &ctx.inspection.company;
    let min = match ctx.inspection.scope {
        Scope::Nationwide => p.min_capital_cny_nationwide,
        Scope::Provincial => p.min_capital_cny_provincial,
    };
    let out = if c.capital_subscribed && !p.accept_subscribed {
        Outcome::fail(msg!("company-capital-subscribed"))
    } else if c.registered_capital_cny >= min {
        Outcome::pass(msg!(
            "company-capital-ok",
            capital = c.registered_capital_cny,
            min = min
        ))
    } else {
        Outcome::fail(msg!(
            "company-capital-short",
            capital = c.registered_capital_cny,
            min = min,
            short = min - c.registered_capital_cny
        ))
    };
    out.measure(
        "registered_capital_cny",
        c.registered_capital_cny,
        at_least(min),
        None,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScopeParams {
    /// The business scope must contain one of these (003, 004).
    pub required_any: Vec<String>,
    /// A photo of the business license must back the entered text.
    #[serde(default)]
    pub require_document: bool,
    /// The articles of association (章程) must state this (004: 第二类增值电信业务).
    #[serde(default)]
    pub articles_must_state: Option<String>,
}

/// company.business_scope: lists 第二类增值电信业务 / 呼叫中心业务.
pub(crate) fn business_scope(ctx: &Ctx, p: &ScopeParams) -> Outcome {
    let docs = ctx.documents();
    let licenses: Vec<_> = docs
        .iter()
        .filter(|(_, d)| matches!(d, DocumentFacts::BusinessLicense { .. }))
        .collect();
    let texts = std::iter::once(ctx.inspection.company.business_scope.as_str()).chain(
        licenses.iter().filter_map(|(_, d)| match d {
            DocumentFacts::BusinessLicense { business_scope } => business_scope.as_deref(),
            _ => None,
        }),
    );
    let hit = texts
        .flat_map(|t| {
            p.required_any
                .iter()
                .filter(move |w| t.contains(w.as_str()))
        })
        .next();
    let out = match hit {
        Some(w) => Outcome::pass(msg!("company-scope-ok", words = w)),
        None if ctx.inspection.company.business_scope.trim().is_empty() && licenses.is_empty() => {
            Outcome::missing(msg!("company-scope-missing"))
        }
        None => Outcome::fail(msg!(
            "company-scope-lacking",
            words = p.required_any.join(" / ")
        )),
    };
    let out = out
        .items(licenses.iter().map(|(i, _)| i.id.as_str()))
        .review_unless(
            !p.require_document || !licenses.is_empty(),
            msg!("company-scope-no-document"),
        );
    match &p.articles_must_state {
        Some(words) => articles_state(ctx, out, words),
        None => out,
    }
}

/// The articles of association name the license's category (004: 公司章程…需写“第二类增值电信业务”).
fn articles_state(ctx: &Ctx, out: Outcome, words: &str) -> Outcome {
    let articles: Vec<_> = ctx
        .documents()
        .into_iter()
        .filter_map(|(item, d)| match d {
            DocumentFacts::ArticlesOfAssociation { business_scope } => {
                Some((item, business_scope.as_deref()))
            }
            _ => None,
        })
        .collect();
    let out = out.items(articles.iter().map(|(i, _)| i.id.as_str()));
    let (status, says) = if articles.is_empty() {
        (
            FindingStatus::Missing,
            msg!("company-articles-missing", words = words),
        )
    } else if articles
        .iter()
        .any(|(_, t)| t.is_some_and(|t| t.contains(words)))
    {
        return out.also(msg!("company-articles-ok", words = words));
    } else if articles.iter().all(|(_, t)| t.is_none()) {
        (
            FindingStatus::NeedsReview,
            msg!("company-articles-unknown", words = words),
        )
    } else {
        (
            FindingStatus::Fail,
            msg!("company-articles-lacking", words = words),
        )
    };
    let status = graver(out.status, status);
    out.status(status).also(says)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ForeignParams {
    pub max_foreign_percent: Decimal,
    pub require_chinese_control: bool,
    /// The pilot areas where 002 allows foreign control after a national security review
    /// (北京, 上海, 海南, 深圳), matched in the registered province or address. Empty (and
    /// in profiles recorded before it): no exception.
    #[serde(default)]
    pub pilot_zones: Vec<String>,
}

/// company.foreign_ownership: foreign share ≤ 50 %, Chinese control (002, 003, 004); in a
/// pilot area 002 names, foreign control is a person's judgement (a national security
/// review, and whether the opening covers call-center business), never a pass by itself.
pub(crate) fn foreign_ownership(ctx: &Ctx, p: &ForeignParams) -> Outcome {
    let c = &ctx.inspection.company;
    let share = c.foreign_share_percent;
    let foreign = share > Decimal::ZERO && p.require_chinese_control;
    let over_limit = if share > p.max_foreign_percent {
        Some(msg!(
            "company-foreign-over",
            share = share,
            max = p.max_foreign_percent
        ))
    } else if foreign && c.chinese_controlled == Some(false) {
        Some(msg!("company-foreign-not-controlled"))
    } else {
        None
    };
    let out = match over_limit {
        Some(why) => pilot_zone_exception(ctx, p, why),
        None if foreign && c.chinese_controlled.is_none() => {
            Outcome::review(msg!("company-foreign-control-unknown", share = share))
        }
        None => Outcome::pass(msg!("company-foreign-ok", share = share)),
    };
    out.measure(
        "foreign_share_percent",
        share,
        at_most(p.max_foreign_percent),
        None,
    )
}

/// Foreign share over the limit or foreign control: a fail, unless the company is
/// registered in a pilot area of 002 — then a person judges, with the security review.
fn pilot_zone_exception(ctx: &Ctx, p: &ForeignParams, why: Message) -> Outcome {
    if p.pilot_zones.is_empty() {
        return Outcome::fail(why);
    }
    let c = &ctx.inspection.company;
    let registered = [
        c.registered_province.as_deref(),
        Some(&c.registered_address),
    ];
    let zone = p
        .pilot_zones
        .iter()
        .find(|z| registered.iter().flatten().any(|r| r.contains(z.as_str())));
    let Some(zone) = zone else {
        return Outcome::fail(why).also(msg!(
            "company-foreign-not-pilot-zone",
            zones = p.pilot_zones.clone()
        ));
    };
    let reviews: Vec<_> = ctx
        .documents()
        .into_iter()
        .filter_map(|(i, d)| match d {
            DocumentFacts::SecurityReview { passed } => Some((i, *passed)),
            _ => None,
        })
        .collect();
    let out = if reviews.iter().any(|(_, passed)| *passed == Some(false)) {
        Outcome::fail(why).also(msg!("company-foreign-pilot-review-failed", zone = zone))
    } else if reviews.iter().any(|(_, passed)| *passed == Some(true)) {
        Outcome::review(why).also(msg!("company-foreign-pilot-reviewed", zone = zone))
    } else {
        Outcome::review(why).also(msg!("company-foreign-pilot-zone", zone = zone))
    };
    out.items(reviews.iter().map(|(i, _)| i.id.as_str()))
}

/// company.no_violations: a declaration of no telecom violations in 3 years (000, 002, 003).
pub(crate) fn no_violations(ctx: &Ctx, _: &NoParams) -> Outcome {
    let decl: Vec<_> = ctx
        .documents()
        .into_iter()
        .filter(|(_, d)| matches!(d, DocumentFacts::NoViolationDeclaration { .. }))
        .collect();
    if decl.is_empty() {
        Outcome::missing(msg!("company-declaration-missing"))
    } else {
        Outcome::pass(msg!("company-declaration-ok")).items(decl.iter().map(|(i, _)| i.id.as_str()))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IcpParams {
    /// A filing number must contain this marker (e.g. ICP备).
    pub number_marker: String,
    /// The access provider (接入商) must be in this province (004: 江苏). Absent: not
    /// checked.
    #[serde(default)]
    pub access_provider_province: Option<String>,
}

/// company.icp_filing: ICP filing done first when the site/app offers voice codes or
/// click-to-dial, through an access provider in the province the profile names (004).
pub(crate) fn icp_filing(ctx: &Ctx, p: &IcpParams) -> Outcome {
    match &ctx.inspection.company.icp_filing {
        IcpFiling::Filed {
            number,
            access_provider,
            access_provider_province,
        } => {
            let out = if number.contains(p.number_marker.as_str()) {
                Outcome::pass(msg!("company-icp-ok", number = number))
            } else {
                Outcome::review(msg!(
                    "company-icp-malformed",
                    number = number,
                    marker = &p.number_marker
                ))
            };
            let Some(want) = &p.access_provider_province else {
                return out;
            };
            let provider = access_provider.as_deref().unwrap_or("—");
            match access_provider_province.as_deref() {
                Some(province) if province.contains(want.as_str()) => out.also(msg!(
                    "company-icp-provider-ok",
                    provider = provider,
                    province = province
                )),
                Some(province) => out.at_worst(
                    FindingStatus::Fail,
                    msg!(
                        "company-icp-provider-other",
                        provider = provider,
                        province = province,
                        want = want
                    ),
                ),
                None => out.at_worst(
                    FindingStatus::NeedsReview,
                    msg!("company-icp-provider-unknown", want = want),
                ),
            }
        }
        IcpFiling::NotNeeded => Outcome::pass(msg!("company-icp-not-needed")),
        IcpFiling::Pending => Outcome::fail(msg!("company-icp-pending")),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProvinceParams {
    /// The approving province (e.g. 江苏). Absent: the site's province.
    #[serde(default)]
    pub province: Option<String>,
}

/// company.registered_in_province: registered address inside the approving province (004).
pub(crate) fn registered_in_province(ctx: &Ctx, p: &ProvinceParams) -> Outcome {
    let c = &ctx.inspection.company;
    // A provincial (地网) license is approved by the site's province; a nationwide one by MIIT.
    let site_province = match ctx.inspection.scope {
        Scope::Provincial => ctx.inspection.site.province.as_ref(),
        Scope::Nationwide => None,
    };
    let Some(province) = p.province.as_ref().or(site_province) else {
        return Outcome::not_applicable(msg!("company-province-unset"));
    };
    let registered = c
        .registered_province
        .as_deref()
        .unwrap_or(&c.registered_address);
    if registered.contains(province.as_str()) {
        Outcome::pass(msg!("company-province-ok", province = province))
    } else {
        Outcome::fail(msg!("company-province-other", province = province))
    }
}

// ---- What a renewal hands in (000) and what Suzhou asks besides (004) --------------------

/// A rule 000 asks of a renewal only: not applicable to a new license.
fn renewal_only(ctx: &Ctx) -> Option<Outcome> {
    (ctx.inspection.application.kind != ApplicationKind::Renewal)
        .then(|| Outcome::not_applicable(msg!("company-renewal-only")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CarrierParams {
    /// A new license needs one of these (004: 中继线协议 or 云呼叫中心合作协议); empty: none.
    #[serde(default)]
    pub new_one_of: Vec<CarrierAgreementKind>,
    /// A renewal needs every one of these (000: 码号接入协议 + 中继线协议); empty: none.
    #[serde(default)]
    pub renewal_all_of: Vec<CarrierAgreementKind>,
    /// Party A (甲方) must be the company (004: 甲方必须是你公司).
    pub require_company_as_party_a: bool,
}

/// A name as entered; a blank one (a skeleton's placeholder) states nothing.
fn stated(name: &Option<String>) -> Option<&str> {
    name.as_deref().filter(|n| !n.trim().is_empty())
}

/// A carrier agreement on file, and what it says.
struct Agreement<'a> {
    item: &'a EvidenceItem,
    kind: CarrierAgreementKind,
    party_a: Option<&'a str>,
    end: Option<NaiveDate>,
}

fn carrier_agreements_on_file<'a>(ctx: &Ctx<'a>) -> Vec<Agreement<'a>> {
    ctx.documents()
        .into_iter()
        .filter_map(|(item, d)| match d {
            DocumentFacts::CarrierAgreement {
                agreement,
                party_a,
                end,
                ..
            } => Some(Agreement {
                item,
                kind: *agreement,
                party_a: stated(party_a),
                end: *end,
            }),
            // Recorded before agreements had a kind: a trunk agreement that states nothing.
            DocumentFacts::TrunkAgreement => Some(Agreement {
                item,
                kind: CarrierAgreementKind::Trunk,
                party_a: None,
                end: None,
            }),
            _ => None,
        })
        .collect()
}

/// company.carrier_agreements: the agreements with a carrier the case needs are on file, in
/// force on the as-of day, with the company as party A — a renewal the number-access and
/// trunk agreements (000), a new license in Suzhou a trunk or cloud call-center agreement
/// (004). A party A of another name fails; one not stated is for a person to read.
pub(crate) fn carrier_agreements(ctx: &Ctx, p: &CarrierParams) -> Outcome {
    let groups: Vec<&[CarrierAgreementKind]> = match ctx.inspection.application.kind {
        ApplicationKind::New if p.new_one_of.is_empty() => Vec::new(),
        ApplicationKind::New => vec![p.new_one_of.as_slice()],
        ApplicationKind::Renewal => p.renewal_all_of.chunks(1).collect(),
    };
    if groups.is_empty() {
        return Outcome::not_applicable(msg!("company-carrier-none-asked"));
    }
    let on_file = carrier_agreements_on_file(ctx);
    let company = normalize(&ctx.inspection.company.name);
    let today = ctx.today();
    let mut out = Outcome::pending();
    for group in groups {
        let candidates: Vec<&Agreement> =
            on_file.iter().filter(|a| group.contains(&a.kind)).collect();
        out = out.items(candidates.iter().map(|a| a.item.id.as_str()));
        if candidates.is_empty() {
            out.status = graver(out.status, FindingStatus::Missing);
            out.says.push(match group {
                [one] => msg!("company-carrier-missing", agreement = one.message()),
                _ => {
                    let agreements: Vec<Message> = group.iter().map(|k| k.message()).collect();
                    msg!("company-carrier-missing-any", agreements = agreements)
                }
            });
            continue;
        }
        let mut problems = Vec::new();
        let mut status = FindingStatus::Fail;
        let mut good = None;
        for a in &candidates {
            let (agreement, item) = (a.kind.message(), a.item.id.as_str());
            if let Some(end) = a.end.filter(|end| *end < today) {
                problems.push(msg!(
                    "company-carrier-ended",
                    agreement = agreement,
                    item = item,
                    end = end
                ));
                continue;
            }
            match a.party_a {
                _ if !p.require_company_as_party_a => good = Some(a),
                Some(party) if normalize(party) == company => good = Some(a),
                Some(party) => problems.push(msg!(
                    "company-carrier-party-other",
                    agreement = agreement,
                    item = item,
                    party = party
                )),
                None => {
                    status = FindingStatus::NeedsReview;
                    problems.push(msg!(
                        "company-carrier-party-unknown",
                        agreement = agreement,
                        item = item
                    ));
                }
            }
            if good.is_some() {
                break;
            }
        }
        match good {
            Some(a) => out.says.push(msg!(
                "company-carrier-ok",
                agreement = a.kind.message(),
                item = &a.item.id
            )),
            None => {
                out.status = graver(out.status, status);
                out.says.extend(problems);
            }
        }
    }
    out
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClientParams {
    /// Service agreements with clients in force on the as-of day (000: 与客户签署的服务协议).
    pub min_agreements: u32,
}

/// company.client_agreements: a renewal shows service agreements signed with clients (000),
/// in force on the as-of day; an agreement whose client is the company itself does not
/// count (000: serving only one's own customers is no call-center business).
pub(crate) fn client_agreements(ctx: &Ctx, p: &ClientParams) -> Outcome {
    if let Some(out) = renewal_only(ctx) {
        return out;
    }
    let company = normalize(&ctx.inspection.company.name);
    let today = ctx.today();
    let mut counted = 0u32;
    let mut unknown = Vec::new();
    let mut not_counted = Vec::new();
    let mut items = Vec::new();
    for (item, d) in ctx.documents() {
        let DocumentFacts::ClientServiceAgreement { client, end } = d else {
            continue;
        };
        items.push(item.id.as_str());
        match (stated(client), end) {
            (_, Some(end)) if *end < today => {
                not_counted.push(msg!("company-client-ended", item = &item.id, end = *end));
            }
            (None, _) => unknown.push(item.id.clone()),
            (Some(client), _) if normalize(client) == company => {
                not_counted.push(msg!("company-client-own", item = &item.id));
            }
            (Some(_), _) => counted += 1,
        }
    }
    let min = p.min_agreements;
    let could_count = counted.saturating_add(u32::try_from(unknown.len()).unwrap_or(u32::MAX));
    let mut out = if counted >= min {
        Outcome::pass(msg!("company-client-ok", n = counted, min = min))
    } else if items.is_empty() {
        Outcome::missing(msg!("company-client-missing"))
    } else if could_count >= min {
        Outcome::review(msg!("company-client-unknown", items = unknown.clone()))
    } else {
        let out = Outcome::fail(msg!("company-client-short", n = counted, min = min));
        if unknown.is_empty() {
            out
        } else {
            out.also(msg!("company-client-unknown", items = unknown))
        }
    };
    if out.status != FindingStatus::Pass {
        out.says.extend(not_counted);
    }
    out.items(items)
        .measure("client_agreements_in_force", counted, at_least(min), None)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BadRecordParams {
    /// The query shows the list as of at most N days before the as-of day.
    pub max_age_days: i64,
}

/// company.not_on_bad_record_list: a renewal shows the company is not on the telecom
/// bad-record list (000: 未被列入通信不良名单), by a recent query; the latest query decides.
pub(crate) fn not_on_bad_record_list(ctx: &Ctx, p: &BadRecordParams) -> Outcome {
    if let Some(out) = renewal_only(ctx) {
        return out;
    }
    let queries: Vec<_> = ctx
        .documents()
        .into_iter()
        .filter_map(|(item, d)| match d {
            DocumentFacts::BadRecordListQuery {
                checked_on,
                listed,
                checked_in,
            } => Some((item, *checked_on, *listed, checked_in.as_deref())),
            _ => None,
        })
        .collect();
    // The latest dated query; undated ones only when none is dated.
    let Some(&(item, checked_on, listed, checked_in)) =
        queries.iter().max_by_key(|(_, on, _, _)| *on)
    else {
        return Outcome::missing(msg!("company-bad-record-missing"));
    };
    let place = checked_in.unwrap_or("—");
    let mut out = match listed {
        Some(true) => Outcome::fail(msg!(
            "company-bad-record-listed",
            item = &item.id,
            place = place
        )),
        Some(false) => Outcome::pass(msg!(
            "company-bad-record-clear",
            item = &item.id,
            place = place
        )),
        None => Outcome::review(msg!("company-bad-record-unknown", item = &item.id)),
    };
    match checked_on {
        Some(on) => {
            let days = (ctx.today() - on).num_days();
            out = out.measure(
                "days_since_checked",
                days,
                at_most(p.max_age_days),
                Some(&item.id),
            );
            if days > p.max_age_days {
                out = out.at_worst(
                    FindingStatus::NeedsReview,
                    msg!(
                        "company-bad-record-stale",
                        on = on,
                        days = days,
                        max = p.max_age_days
                    ),
                );
            }
        }
        None => {
            out = out.at_worst(
                FindingStatus::NeedsReview,
                msg!("company-bad-record-undated", item = &item.id),
            );
        }
    }
    out.items(queries.iter().map(|(i, ..)| i.id.as_str()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PoliciesParams {
    /// The policies and plans to be seen on site, by name (004: 用户信息保护制度,
    /// 垃圾电话处置预案; 003: 信息安全责任制 …); a policy matches when its name contains one.
    /// Names separated by `/` are one policy known by either.
    pub required: Vec<String>,
    /// Each must be seen in practice, not only on paper (003: 管理制度落实情况).
    pub require_in_practice: bool,
}

/// A policy's name without the title marks and spaces it may be written with.
fn policy_name(name: &str) -> String {
    normalize(name)
        .chars()
        .filter(|c| !matches!(c, '《' | '》' | '“' | '”' | '"'))
        .collect()
}

/// company.policies: the management policies the profile names are seen on site, in
/// practice (004's information-security policies, 003's management systems).
pub(crate) fn policies(ctx: &Ctx, p: &PoliciesParams) -> Outcome {
    if p.required.is_empty() {
        return Outcome::not_applicable(msg!("company-policies-none-asked"));
    }
    let on_file: Vec<_> = ctx
        .documents()
        .into_iter()
        .filter_map(|(item, d)| match d {
            DocumentFacts::Policy {
                name,
                seen_in_practice,
            } => Some((item, policy_name(name), *seen_in_practice)),
            _ => None,
        })
        .collect();
    let (mut missing, mut on_paper, mut unknown, mut seen) = (vec![], vec![], vec![], vec![]);
    for wanted in &p.required {
        // `用户信息保护制度/用户数据保护制度`: one policy under either name.
        let names: Vec<String> = wanted.split('/').map(policy_name).collect();
        let found: Vec<_> = on_file
            .iter()
            .filter(|(_, n, _)| names.iter().any(|name| n.contains(name.as_str())))
            .collect();
        let practice = |v: bool| found.iter().any(|(_, _, s)| *s == Some(v));
        if found.is_empty() {
            missing.push(wanted.clone());
        } else if !p.require_in_practice || practice(true) {
            seen.push(wanted.clone());
        } else if found.iter().any(|(_, _, s)| s.is_none()) {
            unknown.push(wanted.clone());
        } else {
            on_paper.push(wanted.clone());
        }
    }
    let mut out = Outcome::pending();
    let problems = [
        (
            on_paper.len(),
            FindingStatus::Fail,
            msg!("company-policies-on-paper", names = on_paper),
        ),
        (
            missing.len(),
            FindingStatus::Missing,
            msg!("company-policies-missing", names = missing),
        ),
        (
            unknown.len(),
            FindingStatus::NeedsReview,
            msg!("company-policies-practice-unknown", names = unknown),
        ),
    ];
    for (n, status, says) in problems {
        if n > 0 {
            out.status = graver(out.status, status);
            out.says.push(says);
        }
    }
    if out.status == FindingStatus::Pass {
        out.says.push(msg!("company-policies-ok", names = seen));
    }
    out.items(on_file.iter().map(|(i, _, _)| i.id.as_str()))
}

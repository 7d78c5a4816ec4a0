//! Company prerequisites (rehearsal self-check, entered as data).

use rust_decimal::Decimal;
use serde::Deserialize;

use super::context::Ctx;
use super::outcome::{Outcome, at_least, at_most};
use crate::capture::ids::validate_uscc;
use crate::model::{DocumentFacts, IcpFiling, Scope};
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
    out.items(licenses.iter().map(|(i, _)| i.id.as_str()))
        .review_unless(
            !p.require_document || !licenses.is_empty(),
            msg!("company-scope-no-document"),
        )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ForeignParams {
    pub max_foreign_percent: Decimal,
    pub require_chinese_control: bool,
}

/// company.foreign_ownership: foreign share ≤ 50 %, Chinese control (002, 003, 004).
pub(crate) fn foreign_ownership(ctx: &Ctx, p: &ForeignParams) -> Outcome {
    let c = &ctx.inspection.company;
    let share = c.foreign_share_percent;
    let out = if share > p.max_foreign_percent {
        Outcome::fail(msg!(
            "company-foreign-over",
            share = share,
            max = p.max_foreign_percent
        ))
    } else if p.require_chinese_control
        && share > Decimal::ZERO
        && c.chinese_controlled != Some(true)
    {
        match c.chinese_controlled {
            Some(false) => Outcome::fail(msg!("company-foreign-not-controlled")),
            _ => Outcome::review(msg!("company-foreign-control-unknown", share = share)),
        }
    } else {
        Outcome::pass(msg!("company-foreign-ok", share = share))
    };
    out.measure(
        "foreign_share_percent",
        share,
        at_most(p.max_foreign_percent),
        None,
    )
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
}

/// company.icp_filing: ICP filing done first when the site/app offers voice codes or
/// click-to-dial (004).
pub(crate) fn icp_filing(ctx: &Ctx, p: &IcpParams) -> Outcome {
    match &ctx.inspection.company.icp_filing {
        IcpFiling::Filed { number, .. } if number.contains(p.number_marker.as_str()) => {
            Outcome::pass(msg!("company-icp-ok", number = number))
        }
        IcpFiling::Filed { number, .. } => Outcome::review(msg!(
            "company-icp-malformed",
            number = number,
            marker = &p.number_marker
        )),
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

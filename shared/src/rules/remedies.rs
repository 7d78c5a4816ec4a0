//! What to do about a finding: one sentence per kind of problem, in the company's terms
//! ("bring the lease", "scan the original certificate again"), added after the reasons of a
//! finding that is not a pass.
//!
//! The reasons a rule gives are catalogue messages; each kind of problem maps here to the
//! one remedy that answers it, so a rule says what is wrong and this table says what to do,
//! once for every rule. A remedy takes the numbers it needs from its reason (the minimum
//! area, months or days). Photos carry their own remedies (`rules::photos`), as they depend
//! on what the photo's data shows.

use super::outcome::Outcome;
use crate::i18n::{Arg, Message};
use crate::model::FindingStatus;

/// A kind of problem (a reason's catalogue id), its remedy, and the reason's arguments the
/// remedy uses.
struct Remedy {
    reason: &'static str,
    remedy: &'static str,
    args: &'static [&'static str],
}

const fn r(reason: &'static str, remedy: &'static str) -> Remedy {
    Remedy {
        reason,
        remedy,
        args: &[],
    }
}

const fn with(reason: &'static str, remedy: &'static str, args: &'static [&'static str]) -> Remedy {
    Remedy {
        reason,
        remedy,
        args,
    }
}

static REMEDIES: &[Remedy] = &[
    // A folder file that is not there.
    r("evidence-file-missing", "evidence-do-add-file"),
    // Site.
    r("site-area-missing", "site-do-enter-area"),
    with("site-area-short", "site-do-larger-office", &["min"]),
    r("site-area-no-photo", "site-do-photograph-office"),
    r("site-lease-missing", "site-do-bring-lease"),
    r("site-lease-not-covering", "site-do-renew-lease"),
    with("site-lease-short", "site-do-longer-lease", &["min"]),
    r("site-lease-unregistered", "site-do-register-lease"),
    r("site-lease-registration-unknown", "site-do-register-lease"),
    r("site-lease-elsewhere", "site-do-lease-for-site"),
    r("site-lease-address-unknown", "site-do-enter-lease-address"),
    r("site-lease-certificate-not-company", "site-do-bring-lease"),
    r(
        "site-lease-holder-unknown",
        "site-do-enter-certificate-holder",
    ),
    r(
        "site-lease-no-landlord-certificate",
        "site-do-bring-landlord-certificate",
    ),
    r("site-visit-none", "site-do-photograph-site"),
    // Machine room or rack, UPS, extinguisher, access log.
    r("room-missing", "room-do-check-room"),
    r("room-no-photo", "room-do-photograph"),
    r("room-none", "room-do-get-room"),
    r("room-hosting-not-accepted", "room-do-own-room"),
    r("room-cloud-not-accepted", "room-do-own-or-hosted"),
    r(
        "room-hosting-no-agreement",
        "room-do-bring-hosting-agreement",
    ),
    r("room-hosting-no-license", "room-do-bring-idc-license"),
    r("room-cloud-no-plan", "room-do-bring-technical-plan"),
    r("room-cloud-no-landing", "room-do-bring-technical-plan"),
    r("room-cloud-no-backup", "room-do-bring-technical-plan"),
    r("room-ups-missing", "room-do-check-ups"),
    r("room-ups-none", "room-do-fix-ups"),
    r("room-ups-abnormal", "room-do-fix-ups"),
    with("room-ups-runtime-short", "room-do-ups-runtime", &["min"]),
    r("room-ups-runtime-unknown", "room-do-record-ups-runtime"),
    r("room-extinguisher-missing", "room-do-check-extinguisher"),
    r("room-extinguisher-none", "room-do-get-extinguisher"),
    r("room-extinguisher-pressure", "room-do-service-extinguisher"),
    r("room-extinguisher-expired", "room-do-service-extinguisher"),
    r(
        "room-extinguisher-date-unknown",
        "room-do-record-extinguisher-date",
    ),
    r("room-access-missing", "room-do-check-access-log"),
    r("room-access-date-unknown", "room-do-check-access-log"),
    r("room-access-none", "room-do-keep-access-log"),
    r("room-access-stale", "room-do-keep-access-log"),
    // Seats.
    r("seats-none", "seats-do-record-seats"),
    with("seats-count-short", "seats-do-more-seats", &["short"]),
    r("seats-dial-none", "seats-do-dial"),
    r("seats-dial-failed", "seats-do-dial"),
    r("seats-equipment-missing", "seats-do-check-equipment"),
    r("seats-equipment-lacking", "seats-do-equip"),
    r("seats-equipment-no-photo", "seats-do-photograph"),
    // Staff: the people behind a count, one remedy per kind.
    r("staff-none-scanned", "staff-do-scan-certificates"),
    r("staff-person-unreadable", "staff-do-rescan-original"),
    r("staff-person-id-invalid", "staff-do-check-id"),
    r("staff-person-other-employer", "staff-do-insure-here"),
    r("staff-person-employer-unknown", "staff-do-full-certificate"),
    r("staff-person-months-unknown", "staff-do-full-certificate"),
    r("staff-person-place-unknown", "staff-do-full-certificate"),
    with("staff-person-months-paid", "staff-do-wait-months", &["min"]),
    r("staff-person-insured-in", "staff-do-insure-locally"),
    r("staff-person-lapsed", "staff-do-pay-up"),
    r("staff-person-specialty-other", "staff-do-specialty"),
    r("staff-person-specialty-unknown", "staff-do-enter-specialty"),
    r("staff-local-unconfigured", "staff-do-name-city"),
    with("staff-lead-short", "staff-do-lead-experience", &["min"]),
    r("staff-lead-none", "staff-do-insure-lead"),
    r("staff-lead-years-unknown", "staff-do-lead-years"),
    r("staff-roles-missing", "staff-do-insure-roles"),
    r("staff-person-role-unknown", "staff-do-note-role"),
    r("staff-person-not-agent", "staff-do-more-agents"),
    // The call-center system.
    r("system-demo-missing", "system-do-demonstrate"),
    r("system-demo-failed", "system-do-demonstrate"),
    r("system-functions-failed", "system-do-demonstrate"),
    r("system-functions-missing", "system-do-demonstrate"),
    r("system-functions-unchecked", "system-do-demonstrate"),
    r("system-demo-no-capture", "system-do-capture"),
    r(
        "system-retention-missing",
        "system-do-show-retention-setting",
    ),
    with(
        "system-retention-short",
        "system-do-keep-recordings",
        &["min"],
    ),
    with(
        "system-retention-configured-short",
        "system-do-keep-recordings",
        &["min"],
    ),
    r(
        "system-retention-setting-unknown",
        "system-do-show-retention-setting",
    ),
    with(
        "system-retention-renewal-missing",
        "system-do-bring-recordings",
        &["months"],
    ),
    // The company.
    r("company-uscc-invalid", "company-do-check-uscc"),
    r("company-capital-subscribed", "company-do-pay-in-capital"),
    with(
        "company-capital-short",
        "company-do-raise-capital",
        &["min"],
    ),
    r("company-scope-missing", "company-do-enter-scope"),
    r("company-scope-lacking", "company-do-change-scope"),
    r("company-scope-no-document", "company-do-photograph-license"),
    with(
        "company-articles-missing",
        "company-do-bring-articles",
        &["words"],
    ),
    r("company-articles-unknown", "company-do-enter-articles"),
    with(
        "company-articles-lacking",
        "company-do-amend-articles",
        &["words"],
    ),
    r("company-foreign-over", "company-do-shareholding"),
    r("company-foreign-not-controlled", "company-do-shareholding"),
    r("company-foreign-control-unknown", "company-do-shareholding"),
    r("company-declaration-missing", "company-do-sign-declaration"),
    r("company-icp-malformed", "company-do-check-icp"),
    r("company-icp-pending", "company-do-file-icp"),
    with(
        "company-province-other",
        "company-do-province",
        &["province"],
    ),
    // The license (renewals).
    r("license-missing", "license-do-enter-license"),
    r("license-renewal-late", "license-do-renew-now"),
    r("license-expired", "license-do-apply-anew"),
    r("license-term-odd", "license-do-check-dates"),
    r("license-annual-missing", "license-do-file-annual-reports"),
    // Outbound conduct.
    r("conduct-missing", "conduct-do-enter-figures"),
    r("conduct-not-entered", "conduct-do-enter-figures"),
    r("conduct-out-of-bounds", "conduct-do-fix-numbers"),
    // The renewal list's agreements, records and list (000), Suzhou's ICP provider and
    // policies (004), the pilot areas of 002.
    r("company-foreign-not-pilot-zone", "company-do-shareholding"),
    r(
        "company-foreign-pilot-zone",
        "company-do-confirm-pilot-zone",
    ),
    r(
        "company-foreign-pilot-reviewed",
        "company-do-confirm-pilot-zone",
    ),
    r(
        "company-foreign-pilot-review-failed",
        "company-do-shareholding",
    ),
    with(
        "company-icp-provider-other",
        "company-do-icp-provider",
        &["want"],
    ),
    with(
        "company-icp-provider-unknown",
        "company-do-enter-icp-provider",
        &["want"],
    ),
    r(
        "company-carrier-missing",
        "company-do-bring-carrier-agreements",
    ),
    r(
        "company-carrier-missing-any",
        "company-do-bring-carrier-agreements",
    ),
    r(
        "company-carrier-ended",
        "company-do-renew-carrier-agreement",
    ),
    r("company-carrier-party-other", "company-do-carrier-party-a"),
    r("company-carrier-party-unknown", "company-do-enter-party-a"),
    r(
        "company-client-missing",
        "company-do-bring-client-agreements",
    ),
    r("company-client-short", "company-do-bring-client-agreements"),
    r("company-client-ended", "company-do-bring-client-agreements"),
    r("company-client-own", "company-do-bring-client-agreements"),
    r("company-client-unknown", "company-do-enter-client"),
    r("company-bad-record-missing", "company-do-query-bad-record"),
    r("company-bad-record-unknown", "company-do-query-bad-record"),
    r("company-bad-record-stale", "company-do-query-bad-record"),
    r("company-bad-record-undated", "company-do-query-bad-record"),
    r("company-bad-record-listed", "company-do-leave-bad-record"),
    r("company-policies-missing", "company-do-bring-policies"),
    r("company-policies-on-paper", "company-do-practise-policies"),
    r(
        "company-policies-practice-unknown",
        "company-do-practise-policies",
    ),
    r(
        "license-records-failed",
        "license-do-rectify-annual-inspection",
    ),
    r(
        "license-records-missing",
        "license-do-bring-inspection-records",
    ),
    r(
        "license-records-result-unknown",
        "license-do-bring-inspection-records",
    ),
];

/// Adds what to do to an outcome that is not a pass: one remedy for each kind of problem
/// its reasons (and the reasons nested in them) name, each once, after the reasons, and
/// none the reasons already give (a photo's).
pub(crate) fn attach(mut outcome: Outcome) -> Outcome {
    if matches!(
        outcome.status,
        FindingStatus::Pass | FindingStatus::NotApplicable
    ) {
        return outcome;
    }
    let mut found = Vec::new();
    for says in &outcome.says {
        remedies_of(says, &mut found);
    }
    for remedy in found {
        if !outcome.says.contains(&remedy) {
            outcome.says.push(remedy);
        }
    }
    outcome
}

fn remedies_of(message: &Message, found: &mut Vec<Message>) {
    if let Some(r) = REMEDIES.iter().find(|r| r.reason == message.id) {
        let mut remedy = Message::new(r.remedy);
        for name in r.args {
            if let Some(value) = message.args.get(*name) {
                remedy = remedy.arg(name, value.clone());
            }
        }
        if !found.contains(&remedy) {
            found.push(remedy);
        }
    }
    for arg in message.args.values() {
        nested(arg, found);
    }
}

fn nested(arg: &Arg, found: &mut Vec<Message>) {
    match arg {
        Arg::Msg(m) => remedies_of(m, found),
        Arg::List(items) => items.iter().for_each(|a| nested(a, found)),
        Arg::Int(_) | Arg::Text(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msg;

    #[test]
    fn a_failing_outcome_says_what_to_do_once_per_kind() {
        let out = attach(Outcome::fail(msg!(
            "staff-not-counted",
            reasons = vec![
                msg!(
                    "staff-person-months-paid",
                    who = "张*",
                    months = 1,
                    min = 3,
                    short = 2
                ),
                msg!(
                    "staff-person-months-paid",
                    who = "李*",
                    months = 2,
                    min = 3,
                    short = 1
                ),
                msg!("staff-person-unreadable", who = "王*"),
            ]
        )));
        let ids: Vec<&str> = out.says.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "staff-not-counted",
                "staff-do-wait-months",
                "staff-do-rescan-original"
            ]
        );
        // The remedy carries the number it needs, and nothing personal.
        assert_eq!(out.says[1], msg!("staff-do-wait-months", min = 3));
    }

    #[test]
    fn a_pass_gets_no_remedy() {
        let out = attach(Outcome::pass(msg!("site-lease-unregistered")));
        assert_eq!(out.says.len(), 1);
    }

    #[test]
    fn every_remedy_renders_with_the_arguments_its_reason_gives() {
        for r in REMEDIES {
            let mut m = Message::new(r.remedy);
            for name in r.args {
                m = m.arg(name, 3);
            }
            assert!(m.is_known(), "{} is not in the catalogue", r.remedy);
            // The reason is a catalogue message too (else the table names nothing).
            assert!(
                !matches!(
                    Message::new(r.reason).try_render(crate::model::Lang::Zh),
                    Err(crate::i18n::RenderError::Unknown { .. })
                ),
                "{} is not in the catalogue",
                r.reason
            );
        }
    }
}

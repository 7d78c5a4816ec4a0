//! The skeleton of a rehearsal folder (`hecha init`): an `inspection.toml` that names, for
//! every rule the profile applies, the evidence items that rule reads — commented out, in
//! Chinese and English, with what the rule checks and the profile's parameters. It parses as
//! it is written (placeholders for the inspection, no evidence), so `hecha check` reports the
//! evidence as missing; uncommenting an item and filling it in records it.
//!
//! How many photos, seats and persons are asked for comes from the profile's parameters, so
//! an operator's profile gets its own skeleton.

use chrono::{Datelike, NaiveDate};

use crate::i18n::{Message, render_all};
use crate::model::{CarrierAgreementKind, Lang, Scope};
use crate::rules::{RuleProfile, RuleSpec};

/// One evidence item to record: the rules it serves (in the profile's names) and its keys.
struct Wanted {
    rule_ids: Vec<&'static str>,
    keys: Vec<String>,
}

fn item(rule_ids: &[&'static str], keys: &[String]) -> Wanted {
    Wanted {
        rule_ids: rule_ids.to_vec(),
        keys: keys.to_vec(),
    }
}

/// A TOML string literal (quoted and escaped).
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn kv(key: &str, value: impl std::fmt::Display) -> String {
    format!("{key} = {value}")
}

fn photo(id: &str, subject: &str, rule_ids: &[&'static str]) -> Wanted {
    item(
        rule_ids,
        &[
            kv("id", quoted(id)),
            kv("kind", quoted("photo")),
            kv("subject", quoted(subject)),
            kv("file", quoted(&format!("photos/{id}.jpg"))),
            kv("source", quoted("in_app")),
        ],
    )
}

fn checklist(id: &str, checklist: &str, rest: &[String], rule_ids: &[&'static str]) -> Wanted {
    let mut keys = vec![
        kv("id", quoted(id)),
        kv("kind", quoted("checklist")),
        kv("checklist", quoted(checklist)),
    ];
    keys.extend_from_slice(rest);
    item(rule_ids, &keys)
}

fn document(id: &str, doc_kind: &str, rest: &[String], rule_ids: &[&'static str]) -> Wanted {
    let mut keys = vec![
        kv("id", quoted(id)),
        kv("kind", quoted("document")),
        kv("doc_kind", quoted(doc_kind)),
    ];
    keys.extend_from_slice(rest);
    keys.push(kv("file", quoted(&format!("documents/{id}.jpg"))));
    keys.push(kv("source", quoted("in_app")));
    item(rule_ids, &keys)
}

/// A whole-number parameter of a rule, when the profile sets it.
fn count(profile: &RuleProfile, rule: &str, param: &str) -> Option<usize> {
    let value = profile.rule(rule)?.params.get(param)?.as_integer()?;
    usize::try_from(value).ok()
}

/// A list-of-strings parameter of a rule.
fn names(profile: &RuleProfile, rule: &str, param: &str) -> Vec<String> {
    profile
        .rule(rule)
        .and_then(|r| r.params.get(param))
        .and_then(toml::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The rules an SI scan serves, all of them (the model's default names three).
pub(super) const STAFF_RULES: [&str; 7] = [
    "staff.si_count",
    "staff.si_months",
    "staff.si_local",
    "staff.si_specialty",
    "staff.si_qualified",
    "staff.agents",
    "staff.si_roles",
];

/// Every item the engine's rules read, in the profile's numbers. Items whose rules the
/// profile does not apply are left out by [`skeleton`].
fn wanted(profile: &RuleProfile, day: NaiveDate) -> Vec<Wanted> {
    let date = quoted(&day.to_string());
    let at = |hour: u32, minute: u32| quoted(&format!("{day}T{hour:02}:{minute:02}:00+08:00"));
    let mut out = vec![
        photo(
            "office-1",
            "office",
            &["site.office_area", "site.real_address"],
        ),
        checklist(
            "office-area",
            "office",
            &[kv("area_m2", quoted("0"))],
            &["site.office_area"],
        ),
        document(
            "lease",
            "lease",
            &[
                kv("title", quoted("房屋租赁合同")),
                kv("start", &date),
                kv("end", &date),
                kv("registered_with_housing_bureau", false),
                kv("address", quoted("")),
            ],
            &["site.lease_term"],
        ),
        // In the company's name it proves ownership (then no lease is needed); otherwise
        // it is the landlord's, which goes with the lease.
        document(
            "property-certificate",
            "property_certificate",
            &[
                kv("title", quoted("房产证")),
                kv("holder", quoted("")),
                kv("address", quoted("")),
            ],
            &["site.lease_term"],
        ),
    ];
    // The office photo is one of the visit's photos: ask for the rest.
    let visit_photos = count(profile, "site.real_address", "min_photos").unwrap_or(1);
    for n in 2..=visit_photos {
        out.push(photo(&format!("site-{n}"), "site", &["site.real_address"]));
    }
    out.push(checklist(
        "room",
        "room_or_rack",
        &[kv("room_kind", quoted("own_rack"))],
        &["room.room_or_rack"],
    ));
    out.push(photo(
        "rack",
        "rack",
        &["room.room_or_rack", "site.real_address"],
    ));
    out.push(checklist(
        "ups",
        "ups",
        &[
            kv("present", false),
            kv("status_normal", false),
            kv("runtime_minutes", quoted("0")),
        ],
        &["room.ups"],
    ));
    out.push(photo("ups", "ups", &["room.ups", "site.real_address"]));
    out.push(checklist(
        "extinguisher",
        "fire_extinguisher",
        &[
            kv("present", false),
            kv("pressure_in_range", false),
            kv("inspection_valid_until", &date),
        ],
        &["room.fire_extinguisher"],
    ));
    out.push(photo(
        "extinguisher",
        "fire_extinguisher",
        &["room.fire_extinguisher", "site.real_address"],
    ));
    out.push(checklist(
        "access-log",
        "access_log",
        &[kv("present", false), kv("latest_entry_on", &date)],
        &["room.access_log"],
    ));
    out.push(photo(
        "access-log",
        "access_log",
        &["room.access_log", "site.real_address"],
    ));
    let seats = count(profile, "seats.physical_count", "min_seats_new")
        .max(count(profile, "seats.physical_count", "min_seats_renewal"))
        .unwrap_or(1);
    let prefix = match profile.scope {
        Some(Scope::Nationwide) => "number_prefix_nationwide",
        _ => "number_prefix_provincial",
    };
    let number_prefix = profile
        .rule("seats.dial_test")
        .and_then(|r| r.params.get(prefix))
        .and_then(toml::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    for n in 1..=seats {
        let tag = quoted(&format!("SEAT-{n:02}"));
        out.push(checklist(
            &format!("equipment-seat-{n:02}"),
            "seat_equipment",
            &[
                kv("seat_tag", &tag),
                kv("phone_or_softphone", false),
                kv("computer", false),
                kv("headset", false),
            ],
            &["seats.equipment", "seats.physical_count"],
        ));
        let recording = format!("recording-seat-{n:02}");
        out.push(item(
            &["seats.dial_test"],
            &[
                kv("id", quoted(&recording)),
                kv("kind", quoted("media")),
                kv("media_kind", quoted("recording")),
                kv("seat_tag", &tag),
                kv("file", quoted(&format!("media/{recording}.wav"))),
                kv("source", quoted("in_app")),
            ],
        ));
        let minute = u32::try_from(n % 60).unwrap_or(0);
        out.push(item(
            &["seats.dial_test", "seats.physical_count"],
            &[
                kv("id", quoted(&format!("dial-seat-{n:02}"))),
                kv("kind", quoted("dial_test")),
                kv("seat_tag", &tag),
                kv("dialed_number", quoted(&number_prefix)),
                kv("temporary_trunk", false),
                kv("connected", false),
                kv("caller_id_shown", false),
                kv("recording_played_back", false),
                kv("started_at", at(10, minute)),
                kv("ended_at", at(11, minute)),
                kv("recording_item", quoted(&recording)),
            ],
        ));
    }
    out.push(photo(
        "seats",
        "seats",
        &["seats.equipment", "site.real_address"],
    ));
    // One person per required role (the technical lead with the first), at least as many as
    // the staff rules count.
    let mut roles = names(profile, "staff.si_roles", "required_roles");
    let wants_lead = profile
        .rule("staff.si_specialty")
        .and_then(|r| r.params.get("require_technical_lead"))
        .and_then(toml::Value::as_bool)
        .unwrap_or(false);
    let persons = STAFF_RULES
        .iter()
        .filter_map(|r| count(profile, r, "min_staff"))
        .max()
        .unwrap_or(1)
        .max(roles.len());
    roles.resize(persons, "agent".to_owned());
    for (n, role) in roles.iter().enumerate() {
        let mut held = vec![quoted(role)];
        if n == 0 && wants_lead && role != "technical_lead" {
            held.push(quoted("technical_lead"));
        }
        out.push(item(
            &STAFF_RULES,
            &[
                kv("id", quoted(&format!("si-{:02}", n + 1))),
                kv("kind", quoted("si_scan")),
                kv("file", quoted(&format!("certificates/si-{:02}.jpg", n + 1))),
                kv("roles", format!("[{}]", held.join(", "))),
                kv("specialty", quoted("")),
                kv("specialty_related", false),
                kv("telecom_experience_years", quoted("0")),
            ],
        ));
    }
    for (function, rule) in [
        ("caller_id_screening", "system.caller_id_screening"),
        ("complaint_handling", "system.complaint_handling"),
    ] {
        let id = format!("demo-{}", function.replace('_', "-"));
        out.push(checklist(
            &id,
            "system_demo",
            &[kv("function", quoted(function)), kv("demonstrated", false)],
            &[rule],
        ));
        out.push(photo(&format!("screen-{id}"), "screen", &[rule]));
    }
    out.push(checklist(
        "retention",
        "recording_retention",
        &[
            kv("retention_days_configured", 0),
            kv("oldest_playable_recording_on", &date),
        ],
        &["system.recording_retention"],
    ));
    for function in names(profile, "system.in_out_record_store", "required_functions") {
        out.push(checklist(
            &format!("demo-{}", function.replace('_', "-")),
            "system_demo",
            &[kv("function", quoted(&function)), kv("demonstrated", false)],
            &["system.in_out_record_store"],
        ));
    }
    out.push(document(
        "business-license",
        "business_license",
        &[kv("business_scope", quoted(""))],
        &["company.business_scope"],
    ));
    // Copied from the articles, never pre-filled with the words the rule looks for.
    if profile
        .rule("company.business_scope")
        .is_some_and(|r| r.params.contains_key("articles_must_state"))
    {
        out.push(document(
            "articles",
            "articles_of_association",
            &[
                kv("title", quoted("公司章程")),
                kv("business_scope", quoted("")),
            ],
            &["company.business_scope"],
        ));
    }
    out.push(document(
        "no-violations",
        "no_violation_declaration",
        &[
            kv("title", quoted("依法经营承诺书")),
            kv("signed_on", &date),
        ],
        &["company.no_violations"],
    ));
    out.push(checklist(
        "outbound",
        "outbound_conduct",
        &[
            kv("calling_number", quoted("")),
            kv("max_calls_per_day", 0),
            kv("min_interval_s", quoted("0")),
            kv("complaint_rate_percent", quoted("0")),
            kv("health_score", quoted("0")),
            kv("consent_proof_kept", false),
        ],
        &[
            "conduct.calls_per_day",
            "conduct.call_interval",
            "conduct.complaint_rate",
            "conduct.number_health",
            "conduct.user_consent",
        ],
    ));
    out.extend(agreements_records_policies(profile, day));
    out
}

/// The documents of the renewal list (000), Suzhou's agreements and policies (004) and a
/// pilot area's security review (002), in the profile's numbers and names.
fn agreements_records_policies(profile: &RuleProfile, day: NaiveDate) -> Vec<Wanted> {
    let date = quoted(&day.to_string());
    let mut out = Vec::new();
    // The first agreement a new license may bring, then every one a renewal needs.
    let mut agreements: Vec<String> = names(profile, "company.carrier_agreements", "new_one_of")
        .into_iter()
        .take(1)
        .collect();
    for kind in names(profile, "company.carrier_agreements", "renewal_all_of") {
        if !agreements.contains(&kind) {
            agreements.push(kind);
        }
    }
    for kind in agreements {
        let Ok(parsed) = toml::Value::from(kind.as_str()).try_into::<CarrierAgreementKind>() else {
            continue;
        };
        out.push(document(
            &format!("carrier-{}", kind.replace('_', "-")),
            "carrier_agreement",
            &[
                kv("title", quoted(&parsed.message().render(Lang::Zh))),
                kv("agreement", quoted(&kind)),
                kv("party_a", quoted("")),
                kv("carrier", quoted("")),
                kv("end", &date),
            ],
            &["company.carrier_agreements"],
        ));
    }
    out.push(document(
        "client-agreement-1",
        "client_service_agreement",
        &[
            kv("title", quoted("客户服务协议")),
            kv("client", quoted("")),
            kv("end", &date),
        ],
        &["company.client_agreements"],
    ));
    // Left as written, the query says "listed": it fails until the real result is entered.
    out.push(document(
        "bad-record-list",
        "bad_record_list_query",
        &[
            kv("title", quoted("通信不良名单查询结果")),
            kv("checked_on", &date),
            kv("listed", true),
            kv("checked_in", quoted("")),
        ],
        &["company.not_on_bad_record_list"],
    ));
    for (n, policy) in names(profile, "company.policies", "required")
        .iter()
        .enumerate()
    {
        let name = policy.split('/').next().unwrap_or(policy);
        out.push(document(
            &format!("policy-{}", n + 1),
            "policy",
            &[kv("name", quoted(name)), kv("seen_in_practice", false)],
            &["company.policies"],
        ));
    }
    let years = count(profile, "license.annual_inspection_records", "years").unwrap_or(0);
    let years = i32::try_from(years).unwrap_or(0);
    for year in (day.year() - years)..day.year() {
        out.push(document(
            &format!("annual-inspection-{year}"),
            "annual_inspection_record",
            &[kv("year", year), kv("passed", false)],
            &["license.annual_inspection_records"],
        ));
    }
    if !names(profile, "company.foreign_ownership", "pilot_zones").is_empty() {
        out.push(document(
            "security-review",
            "security_review",
            &[kv("title", quoted("国家安全审查决定")), kv("passed", false)],
            &["company.foreign_ownership"],
        ));
    }
    out
}

/// Rules answered by `[inspection]` itself (the company, the license, the dates).
fn read_from_inspection(rule: &str) -> bool {
    ["company.", "license.", "process."]
        .iter()
        .any(|p| rule.starts_with(p))
        && !matches!(rule, "company.business_scope" | "company.no_violations")
}

/// The catalogue id of a rule's guide: `site.office_area` → `guide-site-office-area`.
pub fn guide_id(rule: &str) -> String {
    format!("guide-{}", rule.replace(['.', '_'], "-"))
}

/// A message as comment lines: Chinese first, then English.
fn comment(out: &mut String, messages: &[Message]) {
    for lang in [Lang::Zh, Lang::En] {
        out.push_str("# ");
        out.push_str(&render_all(messages, lang));
        out.push('\n');
    }
}

fn rule_heading(out: &mut String, rule: &RuleSpec) {
    out.push_str(&format!("\n# ---- {} ", rule.id));
    out.push_str(&"-".repeat(80usize.saturating_sub(rule.id.len() + 8)));
    out.push('\n');
    for lang in [Lang::Zh, Lang::En] {
        let guide = Message::new(guide_id(&rule.id));
        let guide = if guide.is_known() {
            guide
        } else {
            Message::new("guide-unknown-rule")
        };
        let heading = Message::new("guide-rule")
            .arg("rule", rule.id.as_str())
            .arg("title", rule.title.get(lang));
        out.push_str(&format!("# {}\n", render_all(&[heading, guide], lang)));
    }
    if !rule.params.is_empty() {
        let params: Vec<String> = rule.params.iter().map(|(k, v)| kv(k, v)).collect();
        comment(
            out,
            &[Message::new("guide-params").arg("params", params.join(", "))],
        );
    }
}

/// The `inspection.toml` of a new rehearsal folder for `profile`, with placeholders dated
/// `day` (the rehearsal's own window, 09:00–17:00 that day in China's time).
pub fn skeleton(profile: &RuleProfile, inspection_id: &str, day: NaiveDate) -> String {
    let mut out = String::new();
    comment(
        &mut out,
        &[Message::new("guide-header").arg("profile", profile.id.as_str())],
    );
    out.push('\n');
    comment(&mut out, &[Message::new("guide-inspection")]);
    let scope = match profile.scope {
        Some(Scope::Nationwide) => "nationwide",
        _ => "provincial",
    };
    let lines = [
        "[inspection]".to_owned(),
        kv("id", quoted(inspection_id)),
        kv("profile", quoted(&profile.id)),
        kv("mode", quoted("rehearsal")),
        kv("scope", quoted(scope)),
        kv("time_zone", quoted("Asia/Shanghai")),
        format!(
            "window = {{ start = \"{day}T09:00:00+08:00\", end = \"{day}T17:00:00+08:00\" }}"
        ),
        "application = { kind = \"new\" }".to_owned(),
        String::new(),
        "[inspection.company]".to_owned(),
        kv("name", quoted("")),
        kv("uscc", quoted("")),
        kv("registered_address", quoted("")),
        kv("registered_capital_cny", quoted("0")),
        kv("capital_subscribed", false),
        kv("foreign_share_percent", quoted("0")),
        kv("chinese_controlled", true),
        kv("business_scope", quoted("")),
        "icp_filing = { status = \"pending\" }".to_owned(),
        String::new(),
        "[inspection.site]".to_owned(),
        kv("address", quoted("")),
        kv("province", quoted("")),
        kv("city", quoted("")),
        "geofence = { center = { lat = \"0\", lon = \"0\" }, datum = \"gcj02\", radius_m = \"150\" }"
            .to_owned(),
    ];
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }

    let applies = |id: &str| profile.rule(id).is_some_and(|r| r.applies);
    let mut items = wanted(profile, day);
    for w in &mut items {
        w.rule_ids.retain(|r| applies(r));
    }
    items.retain(|w| !w.rule_ids.is_empty());
    for rule in profile.rules.iter().filter(|r| r.applies) {
        rule_heading(&mut out, rule);
        let here: Vec<&Wanted> = items
            .iter()
            .filter(|w| w.rule_ids.first() == Some(&rule.id.as_str()))
            .collect();
        if here.is_empty() {
            if read_from_inspection(&rule.id) {
                comment(&mut out, &[Message::new("guide-record-inspection")]);
            } else if let Some(first) = items
                .iter()
                .find(|w| w.rule_ids.contains(&rule.id.as_str()))
                .and_then(|w| w.rule_ids.first())
            {
                comment(
                    &mut out,
                    &[Message::new("guide-record-above").arg("rule", *first)],
                );
            }
            continue;
        }
        comment(&mut out, &[Message::new("guide-record")]);
        for w in here {
            out.push_str("# [[evidence]]\n");
            for key in &w.keys {
                out.push_str(&format!("# {key}\n"));
            }
            let rules: Vec<String> = w.rule_ids.iter().map(|r| quoted(r)).collect();
            out.push_str(&format!("# rule_ids = [{}]\n#\n", rules.join(", ")));
        }
    }
    let off: Vec<&str> = profile
        .rules
        .iter()
        .filter(|r| !r.applies)
        .map(|r| r.id.as_str())
        .collect();
    if !off.is_empty() {
        out.push('\n');
        comment(
            &mut out,
            &[Message::new("guide-not-applied").arg("rules", off.join(", "))],
        );
    }
    out
}

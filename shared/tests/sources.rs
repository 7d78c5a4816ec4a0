//! Every rule quotes the sentence of the source it rests on: verbatim (a test reads the
//! source documents kept in `shared/seeds/`), from a source the profile names, in every
//! shipped profile; and a profile recorded before citations still loads, judges the same
//! and names its sources by title.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use hecha_core::capture::pii::PersonHasher;
use hecha_core::model::{Finding, Lang};
use hecha_core::rehearsal::{Rehearsal, load_folder};
use hecha_core::rules::{
    BUILTIN_PROFILES, KNOWN_SOURCES, ProfileError, RuleProfile, evaluate, finding_sources,
};

fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

fn before_citations(id: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/profiles-before-citations")
        .join(format!("{id}.toml"));
    std::fs::read_to_string(path).unwrap()
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What is wrong with a profile's quotes: each one not found, word for word (whitespace
/// collapsed), in the file of the source it names.
fn misquotes(profile: &RuleProfile) -> Vec<String> {
    let mut wrong = Vec::new();
    for rule in &profile.rules {
        for cited in profile.citations(&rule.id) {
            let text = std::fs::read_to_string(seeds_dir().join(&cited.source.file))
                .unwrap_or_else(|e| panic!("{}: {e}", cited.source.file));
            if !collapse(&text).contains(&collapse(&cited.citation.quote)) {
                wrong.push(format!(
                    "{}/{}: {} does not say 「{}」",
                    profile.id, rule.id, cited.key, cited.citation.quote
                ));
            }
        }
    }
    wrong
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

fn suzhou_example() -> Rehearsal {
    let hasher = PersonHasher::new("sources", &[7u8; 32]).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/suzhou");
    load_folder(&dir, &hasher).unwrap()
}

fn finding<'a>(findings: &'a [Finding], rule: &str) -> &'a Finding {
    findings.iter().find(|f| f.rule_id == rule).unwrap()
}

#[test]
fn every_rule_of_every_shipped_profile_quotes_its_sources_word_for_word() {
    for (id, _) in BUILTIN_PROFILES {
        let p = RuleProfile::builtin(id).unwrap();
        for rule in &p.rules {
            let cited = p.citations(&rule.id);
            assert!(!cited.is_empty(), "{id}/{} quotes no source", rule.id);
            // Every citation names a source the profile declares (else it would not load,
            // and `citations` would drop it).
            assert_eq!(cited.len(), rule.cite.len(), "{id}/{}", rule.id);
            for c in cited {
                let note = c.citation.note.as_ref().map(|n| n.en.as_str());
                for en in [Some(c.citation.en.as_str()), note].into_iter().flatten() {
                    assert!(
                        !en.trim().is_empty() && !en.chars().any(is_han),
                        "{id}/{}: the English rendering {en:?}",
                        rule.id
                    );
                }
            }
        }
        let wrong = misquotes(&p);
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}

#[test]
fn an_altered_quote_is_caught() {
    let src = RuleProfile::builtin("national")
        .unwrap()
        .source()
        .to_owned();
    let altered = src.replacen("苏州办公场地≥100 ㎡", "苏州办公场地≥50 ㎡", 1);
    assert_ne!(altered, src);
    let p = RuleProfile::from_toml(&altered).unwrap();
    let wrong = misquotes(&p);
    assert_eq!(wrong.len(), 1, "{wrong:?}");
    assert!(wrong[0].contains("site.office_area") && wrong[0].contains("≥50"));
}

#[test]
fn the_shipped_profiles_name_the_known_sources_by_their_titles() {
    for (id, _) in BUILTIN_PROFILES {
        let p = RuleProfile::builtin(id).unwrap();
        assert_eq!(p.sources.len(), KNOWN_SOURCES.len(), "{id}");
        for (key, file, zh, en) in KNOWN_SOURCES {
            let s = &p.sources[key];
            assert_eq!(
                (s.file.as_str(), &*s.title.zh, &*s.title.en),
                (file, zh, en)
            );
            assert!(seeds_dir().join(file).is_file(), "{file}");
            assert!(file.starts_with(key));
        }
    }
}

#[test]
fn a_citation_of_a_source_the_profile_does_not_name_does_not_load() {
    let src = RuleProfile::builtin("national")
        .unwrap()
        .source()
        .to_owned();
    let undeclared = src.replacen("source = \"003\"", "source = \"009\"", 1);
    let err = RuleProfile::from_toml(&undeclared).unwrap_err();
    assert!(
        matches!(&err, ProfileError::UnknownSource { key, .. } if key == "009"),
        "{err}"
    );
    assert!(err.to_string().contains("site.office_area"), "{err}");
}

#[test]
fn a_rule_that_quotes_nothing_does_not_load() {
    let src = RuleProfile::builtin("national")
        .unwrap()
        .source()
        .to_owned();
    // The last rule, conduct.user_consent, cites once, at the end of the file.
    let uncited = &src[..src.rfind("\n[[rule.cite]]").unwrap()];
    let err = RuleProfile::from_toml(uncited).unwrap_err();
    assert!(
        matches!(&err, ProfileError::NoCitation { rule, .. } if rule == "conduct.user_consent"),
        "{err}"
    );
}

#[test]
fn an_empty_quote_does_not_load() {
    let src = RuleProfile::builtin("national")
        .unwrap()
        .source()
        .to_owned();
    let empty = src.replacen("quote = \"用戶同意憑證需留存\"", "quote = \" \"", 1);
    let err = RuleProfile::from_toml(&empty).unwrap_err();
    assert!(matches!(err, ProfileError::EmptyCitation { .. }), "{err}");
}

#[test]
fn bare_seed_files_are_the_layout_before_citations() {
    // Today a profile quotes; bare file names are refused, with what to write instead.
    let err = RuleProfile::from_toml(&before_citations("national")).unwrap_err();
    assert!(matches!(err, ProfileError::SeedsListed { .. }), "{err}");
    assert!(err.to_string().contains("[[rule.cite]]"), "{err}");
    // Never both: a rule that quotes and lists files has two answers to "which sources".
    let src = RuleProfile::builtin("national")
        .unwrap()
        .source()
        .to_owned();
    let both = src.replacen(
        "title = { zh = \"用户同意凭证\", en = \"User-consent proof\" }\n",
        "title = { zh = \"用户同意凭证\", en = \"User-consent proof\" }\nseeds = [\"002_a5a8f4f4d60a08a7.txt\"]\n",
        1,
    );
    assert_ne!(both, src);
    for result in [
        RuleProfile::from_toml(&both),
        RuleProfile::from_recorded_toml(&both),
    ] {
        let err = result.unwrap_err();
        assert!(
            matches!(&err, ProfileError::SeedsListed { rule, .. } if rule == "conduct.user_consent"),
            "{err}"
        );
    }
}

#[test]
fn a_profile_recorded_before_citations_loads_and_judges_as_today() {
    let r = suzhou_example();
    for (id, _) in BUILTIN_PROFILES {
        let text = before_citations(id);
        let old = RuleProfile::from_recorded_toml(&text).unwrap();
        // Byte for byte what was recorded: its digest is the one sealed with it.
        assert_eq!(old.source(), text);
        assert!(old.sources.is_empty() && old.rules.iter().all(|r| r.cite.is_empty()));
        let then = evaluate(&old, &r.inspection, &r.evidence);
        for f in &then {
            assert_eq!(f.seeds, old.rule(&f.rule_id).unwrap().seeds, "{id}");
        }
        // It judges the rules it lists, not those added since (+rules.5).
        assert_eq!(then.len(), old.rules.len(), "{id}");
        // The citations changed no verdict, and every finding records the same files —
        // but the rules whose sources were read anew since: staff.si_months (+rules.4:
        // nationwide three months from 000 and 003, Suzhou one month from 004), and the
        // rules corrected in +rules.5 (the lease with the landlord's certificate, hosting,
        // retention, scope, seats, deadlines, the ICP access provider), whose parameters
        // changed; the rules added
        // since (staff.si_qualified, staff.agents) the old profile does not have.
        let corrected = [
            "staff.si_months",
            "site.lease_term",
            "room.room_or_rack",
            "seats.physical_count",
            "system.recording_retention",
            "company.business_scope",
            "process.inspection_deadline",
            "company.icp_filing",
        ];
        let today = RuleProfile::builtin(id).unwrap();
        let today = evaluate(&today, &r.inspection, &r.evidence);
        let mut compared = 0;
        for then in &then {
            let today = today.iter().find(|f| f.rule_id == then.rule_id).unwrap();
            if !corrected.contains(&then.rule_id.as_str()) {
                assert_eq!(then, today, "{id}");
                compared += 1;
            }
        }
        assert_eq!(compared, then.len() - corrected.len(), "{id}");
    }
}

#[test]
fn a_finding_reads_its_sources_as_quotes_in_chinese_and_renderings_in_english() {
    let r = suzhou_example();
    let p = RuleProfile::builtin("jiangsu-suzhou").unwrap();
    let findings = evaluate(&p, &r.inspection, &r.evidence);
    let area = finding(&findings, "site.office_area");
    assert_eq!(
        area.seeds,
        [
            "002_a5a8f4f4d60a08a7.txt",
            "004_7b0e624443e9969e.txt",
            "003_fd7e1bb9c5145d6f.txt"
        ]
    );
    let sources = finding_sources(area, Some(&p));
    assert_eq!(sources.len(), 3);
    assert_eq!(
        sources[1].line(Lang::Zh),
        "004《在苏州办呼叫中心许可证》：「苏州办公场地≥100 ㎡」"
    );
    assert_eq!(
        sources[1].line(Lang::En),
        "004 \"Getting a call-center license in Suzhou\": \"An office in Suzhou of at least 100 m².\""
    );
    // Where the sources disagree the note says which one is followed, in each language.
    let zh = sources[0].line(Lang::Zh);
    assert!(
        zh.starts_with("002《外呼企业申办国内多方通信业务许可证的指南》：「固定經(jīng)營場所面積≥100平方米」（")
            && zh.contains("003 只是建议"),
        "{zh}"
    );
    let en = sources[0].line(Lang::En);
    assert!(en.contains("at least 100 square metres") && en.contains("003 only suggests"));
    for s in &sources {
        for lang in [Lang::Zh, Lang::En] {
            assert!(!s.line(lang).contains(".txt"), "{}", s.line(lang));
        }
    }
}

#[test]
fn a_finding_judged_before_citations_names_its_sources_by_title() {
    let r = suzhou_example();
    let old = RuleProfile::from_recorded_toml(&before_citations("jiangsu-suzhou")).unwrap();
    let findings = evaluate(&old, &r.inspection, &r.evidence);
    let capital = finding(&findings, "company.capital");
    for profile in [Some(&old), None] {
        let lines: Vec<String> = finding_sources(capital, profile)
            .iter()
            .map(|s| s.line(Lang::Zh))
            .collect();
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[4], "004《在苏州办呼叫中心许可证》");
        let en = finding_sources(capital, profile)[2].line(Lang::En);
        assert_eq!(
            en,
            "002 \"A guide for outbound-calling companies applying for a domestic multi-party communication license\""
        );
        assert!(lines.iter().all(|l| !l.contains(".txt")), "{lines:?}");
    }
    // A file no source names is said to be unlisted, never shown bare.
    let mut odd = capital.clone();
    odd.seeds = vec!["005_0000000000000000.txt".into()];
    let text = &finding_sources(&odd, None)[0].text;
    assert_eq!(text.zh, "未登记的依据文件 005_0000000000000000.txt");
    assert_eq!(text.en, "unlisted source file 005_0000000000000000.txt");
}

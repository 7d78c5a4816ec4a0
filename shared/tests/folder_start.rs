//! Starting a rehearsal folder without writing the TOML: the skeleton a profile asks for
//! (`hecha init`) and staff and seats imported from a spreadsheet (`hecha import`).

use chrono::NaiveDate;
use hecha_core::capture::pii::{PersonHasher, contains_full_id};
use hecha_core::i18n::Message;
use hecha_core::model::{EvidenceBody, EvidenceItem, FindingStatus, Lang};
use hecha_core::rehearsal::roster::{Sheet, import};
use hecha_core::rehearsal::skeleton::{guide_id, skeleton};
use hecha_core::rehearsal::{INSPECTION_FILE, load_folder};
use hecha_core::rules::{BUILTIN_PROFILES, RuleProfile, evaluate};

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn hasher() -> PersonHasher {
    PersonHasher::new("k-test", &[9u8; 32]).unwrap()
}

fn profiles() -> Vec<RuleProfile> {
    BUILTIN_PROFILES
        .iter()
        .map(|(id, _)| RuleProfile::builtin(id).unwrap())
        .collect()
}

fn folder_with(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(INSPECTION_FILE), text).unwrap();
    dir
}

#[test]
fn every_rule_of_the_shipped_profiles_has_a_guide_in_both_languages() {
    for profile in profiles() {
        for rule in &profile.rules {
            assert!(
                Message::new(guide_id(&rule.id)).is_known(),
                "{}: no {}",
                profile.id,
                guide_id(&rule.id)
            );
        }
    }
}

#[test]
fn a_skeleton_loads_as_written_and_its_evidence_is_missing() {
    for profile in profiles() {
        let text = skeleton(&profile, "rehearsal", day());
        let dir = folder_with(&text);
        let r = load_folder(dir.path(), &hasher()).unwrap();
        assert!(r.evidence.is_empty(), "{}", profile.id);
        assert_eq!(r.inspection.profile, profile.id);
        let findings = evaluate(&profile, &r.inspection, &r.evidence);
        for rule in [
            "site.office_area",
            "staff.si_count",
            "room.ups",
            "system.caller_id_screening",
        ] {
            let f = findings.iter().find(|f| f.rule_id == rule).unwrap();
            assert_eq!(f.status, FindingStatus::Missing, "{}: {rule}", profile.id);
        }
        // Chinese first, then English, for every rule the profile applies.
        for rule in profile.rules.iter().filter(|r| r.applies) {
            let zh = format!("规则 {}：{}", rule.id, rule.title.get(Lang::Zh));
            let en = format!("Rule {}: {}", rule.id, rule.title.get(Lang::En));
            let (z, e) = (text.find(&zh), text.find(&en));
            assert!(z.is_some() && z < e, "{}: {zh} / {en}", profile.id);
        }
    }
}

/// The skeleton's commented-out items, uncommented: `[[evidence]]` and `key = value` lines.
fn uncommented_items(text: &str) -> Vec<toml::Table> {
    let lines: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter(|l| {
            *l == "[[evidence]]"
                || l.split_once(" = ").is_some_and(|(k, _)| {
                    k.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                })
        })
        .collect();
    let doc: toml::Table = toml::from_str(&lines.join("\n")).unwrap();
    doc["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_table().unwrap().clone())
        .collect()
}

#[test]
fn every_item_of_a_skeleton_is_valid_evidence_once_uncommented_in_the_profiles_numbers() {
    for profile in profiles() {
        let items = uncommented_items(&skeleton(&profile, "rehearsal", day()));
        let mut seats = 0;
        let mut persons = 0;
        for mut table in items {
            for draft_only in ["file", "qr_text"] {
                table.remove(draft_only);
            }
            // Read from text, as the loader reads it.
            let item: EvidenceItem = toml::from_str(&toml::to_string(&table).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}\n{table:?}", profile.id));
            for rule in &item.rule_ids {
                assert!(profile.rule(rule).is_some_and(|r| r.applies), "{rule}");
            }
            match item.body {
                EvidenceBody::DialTest(_) => seats += 1,
                EvidenceBody::SiScan(_) => persons += 1,
                _ => {}
            }
        }
        let param = |rule: &str, name: &str| {
            profile.rule(rule).unwrap().params[name]
                .as_integer()
                .unwrap()
        };
        assert_eq!(seats, param("seats.physical_count", "min_seats_new"));
        assert!(
            persons >= param("staff.si_count", "min_staff"),
            "{}",
            profile.id
        );
    }
}

fn sheet(rows: &[&[&str]]) -> Sheet {
    Sheet {
        name: "人员".into(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
            .collect(),
    }
}

fn suzhou_skeleton() -> String {
    let profile = RuleProfile::builtin("jiangsu-suzhou").unwrap();
    skeleton(&profile, "rehearsal", day())
        .replace("name = \"\"", "name = \"苏州核查示例科技有限公司\"")
}

const HEADER: &[&str] = &["姓名", "身份证号", "参保地", "参保月数", "岗位", "专业相关"];

#[test]
fn imported_staff_are_masked_and_hashed_and_load_as_si_scans() {
    let text = suzhou_skeleton();
    let rows = sheet(&[
        HEADER,
        &[
            "张伟",
            "320506199004151238",
            "苏州工业园区",
            "14",
            "许可证负责人、技术负责人",
            "是",
        ],
        &[
            "刘洋",
            "320583199511302021",
            "苏州市姑苏区",
            "9",
            "客户负责人",
            "",
        ],
    ]);
    let out = import(&text, &[rows], "staff.csv", &hasher()).unwrap();
    assert_eq!((out.staff, out.seats), (2, 0));
    assert!(
        out.text.starts_with(&text),
        "the old text is kept as it was"
    );
    assert!(!contains_full_id(&out.text), "{}", out.text);
    assert!(out.text.contains("320***********1238"), "{}", out.text);
    let dir = folder_with(&out.text);
    let r = load_folder(dir.path(), &hasher()).unwrap();
    let scans: Vec<_> = r
        .evidence
        .iter()
        .filter_map(|i| match &i.body {
            EvidenceBody::SiScan(s) => Some(s),
            _ => None,
        })
        .collect();
    assert_eq!(scans.len(), 2);
    assert_eq!(scans[0].record.name.as_deref(), Some("张伟"));
    assert_eq!(scans[0].record.months_paid, Some(14));
    assert_eq!(
        scans[0].record.id_hash,
        Some(hasher().hash_id("320506199004151238"))
    );
    assert_eq!(
        scans[0].record.employer_name.as_deref(),
        Some("苏州核查示例科技有限公司")
    );
    assert_eq!(scans[0].roles.len(), 2);
}

#[test]
fn every_bad_row_is_named_and_nothing_is_imported() {
    let text = suzhou_skeleton();
    let rows = sheet(&[
        HEADER,
        &["张伟", "320506199004151238", "苏州工业园区", "14", "", ""],
        &[
            "刘洋",
            "320583199511302022",
            "苏州市姑苏区",
            "九",
            "",
            "也许",
        ],
        &["", "320102198807023342", "苏州", "3", "老板", ""],
        &["张伟", "320506199004151238", "苏州工业园区", "14", "", ""],
    ]);
    let problems = import(&text, &[rows], "staff.csv", &hasher()).unwrap_err();
    let zh: Vec<String> = problems.iter().map(|m| m.render(Lang::Zh)).collect();
    let en: Vec<String> = problems.iter().map(|m| m.render(Lang::En)).collect();
    for want in [
        "第 3 行「身份证号」列：不是有效的身份证号",
        "第 3 行「参保月数」列：应为不小于零的整数",
        "第 3 行「专业相关」列：应填“是”或“否”",
        "第 4 行「姓名」列：不能为空",
        "第 4 行「岗位」列：不认识的岗位「老板」",
        "第 5 行「身份证号」列：与第 2 行是同一人",
    ] {
        assert!(zh.iter().any(|m| m.starts_with(want)), "{want}: {zh:#?}");
    }
    assert!(
        en.iter()
            .any(|m| m.starts_with("Row 3, column “身份证号”: is not a valid ID number")),
        "{en:#?}"
    );
    // No message repeats a full number.
    assert!(!zh.iter().chain(&en).any(|m| contains_full_id(m)));
}

#[test]
fn a_person_or_seat_already_in_the_folder_is_refused() {
    let text = suzhou_skeleton();
    let first = sheet(&[
        HEADER,
        &["张伟", "320506199004151238", "苏州", "14", "", ""],
    ]);
    let once = import(&text, std::slice::from_ref(&first), "a.csv", &hasher()).unwrap();
    // Another run hashes with another key: the masked number and name still match.
    let other = PersonHasher::new("k-other", &[7u8; 32]).unwrap();
    let problems = import(&once.text, &[first], "b.csv", &other).unwrap_err();
    assert!(
        problems[0]
            .render(Lang::Zh)
            .contains("此人已在预检文件夹中"),
        "{problems:?}"
    );
    let seats = Sheet {
        name: "坐席".into(),
        rows: vec![
            vec!["坐席编号".into(), "耳机".into()],
            vec!["S-1".into(), "是".into()],
            vec!["S-1".into(), "否".into()],
        ],
    };
    let problems = import(&text, &[seats], "c.csv", &hasher()).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].render(Lang::En).contains("repeats row 2"));
}

#[test]
fn an_unknown_or_mixed_header_is_refused() {
    let text = suzhou_skeleton();
    let unknown = sheet(&[
        &["姓名", "身份证号", "电话"],
        &["张伟", "320506199004151238", "1"],
    ]);
    let problems = import(&text, &[unknown], "x.csv", &hasher()).unwrap_err();
    assert!(
        problems[0]
            .render(Lang::Zh)
            .starts_with("表头「电话」不认识")
    );
    let mixed = sheet(&[
        &["姓名", "身份证号", "坐席编号"],
        &["张伟", "320506199004151238", "1"],
    ]);
    let problems = import(&text, &[mixed], "x.csv", &hasher()).unwrap_err();
    assert!(
        problems[0]
            .render(Lang::En)
            .contains("mixes staff and seat")
    );
}

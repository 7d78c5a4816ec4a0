//! `hecha init` and `hecha import` as a user runs them: a folder from a profile, then staff
//! and seats from the committed spreadsheet templates, then `hecha check`.

use std::path::Path;

use hecha_core::capture::pii::contains_full_id;
use hecha_core::rules::BUILTIN_PROFILES;

use crate::support::cli::{assert_exit, hecha, repo, s, status, stdout, text};

fn check_json(dir: &Path) -> serde_json::Value {
    let out = hecha(&["check", s(dir), "--json"]);
    assert_exit(&out, 1);
    serde_json::from_slice(&out.stdout).unwrap()
}

fn init(profile: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let out = hecha(&["init", s(tmp.path()), "--profile", profile]);
    assert_exit(&out, 0);
    tmp
}

#[test]
fn init_for_every_shipped_profile_gives_a_folder_check_reports_as_missing() {
    for (profile, _) in BUILTIN_PROFILES {
        let tmp = init(profile);
        for folder in ["photos", "documents", "certificates", "media"] {
            assert!(tmp.path().join(folder).is_dir(), "{profile}: {folder}");
        }
        let doc = check_json(tmp.path());
        assert_eq!(doc["profile"], *profile);
        assert!(doc["summary"]["missing"].as_u64().unwrap() > 10, "{doc}");
        for rule in ["site.office_area", "seats.dial_test", "staff.si_count"] {
            assert_eq!(status(&doc, rule), "missing", "{profile}: {rule}");
        }
    }
}

#[test]
fn init_refuses_to_overwrite_an_inspection_toml() {
    let tmp = init("national");
    let path = tmp.path().join("inspection.toml");
    std::fs::write(&path, "# mine\n").unwrap();
    let out = hecha(&["init", s(tmp.path()), "--profile", "provincial"]);
    assert_exit(&out, 2);
    assert!(text(&out).contains("已存在，未覆盖"), "{}", text(&out));
    let out = hecha(&[
        "init",
        s(tmp.path()),
        "--profile",
        "provincial",
        "--lang",
        "en",
    ]);
    assert_exit(&out, 2);
    assert!(text(&out).contains("already exists and was not overwritten"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
}

/// A Suzhou folder whose company is the one the templates' people are insured by.
fn suzhou() -> tempfile::TempDir {
    let tmp = init("jiangsu-suzhou");
    let path = tmp.path().join("inspection.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replacen("name = \"\"", "name = \"苏州核查示例科技有限公司\"", 1)
        .replacen("city = \"\"", "city = \"苏州\"", 1);
    std::fs::write(&path, text).unwrap();
    tmp
}

fn template(name: &str) -> String {
    repo()
        .join("examples/templates")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn csv_and_xlsx_templates_import_the_same_staff_and_seats_without_full_id_numbers() {
    let mut found = Vec::new();
    for ext in ["csv", "xlsx"] {
        let tmp = suzhou();
        let out = hecha(&[
            "import",
            s(tmp.path()),
            &template(&format!("staff.{ext}")),
            &template(&format!("seats.{ext}")),
        ]);
        assert_exit(&out, 0);
        assert!(
            stdout(&out).contains("已导入 4 名人员、5 个坐席"),
            "{}",
            stdout(&out)
        );
        let written = std::fs::read_to_string(tmp.path().join("inspection.toml")).unwrap();
        assert!(!contains_full_id(&written), "{written}");
        assert!(written.contains("320***********1238"));
        let doc = check_json(tmp.path());
        for (rule, want) in [
            ("staff.si_count", "pass"),
            ("staff.si_months", "pass"),
            ("staff.si_local", "pass"),
            ("staff.si_roles", "pass"),
            ("seats.physical_count", "pass"),
            // Equipment entered, no photo of the seats yet.
            ("seats.equipment", "needs_review"),
        ] {
            assert_eq!(status(&doc, rule), want, "{ext}: {rule}");
        }
        let out = hecha(&["check", s(tmp.path()), "--json"]);
        assert!(!contains_full_id(&stdout(&out)));
        // Statuses, not the messages: each import hashes with its own key, which orders persons.
        found.push(doc["summary"].clone());
    }
    assert_eq!(found[0], found[1], "the two templates hold the same rows");
}

#[test]
fn a_bad_row_is_named_by_its_number_and_nothing_is_imported() {
    let tmp = suzhou();
    let before = std::fs::read_to_string(tmp.path().join("inspection.toml")).unwrap();
    let sheet = tmp.path().join("staff.csv");
    std::fs::write(
        &sheet,
        "姓名,身份证号,参保地,参保月数\n\
         张伟,320506199004151238,苏州工业园区,14\n\
         刘洋,320583199511302022,苏州市姑苏区,9\n",
    )
    .unwrap();
    let out = hecha(&["import", s(tmp.path()), s(&sheet)]);
    assert_exit(&out, 2);
    let said = text(&out);
    assert!(
        said.contains("第 3 行「身份证号」列：不是有效的身份证号"),
        "{said}"
    );
    assert!(said.contains("什么都没有导入"), "{said}");
    assert!(!contains_full_id(&said), "{said}");
    let out = hecha(&["import", s(tmp.path()), s(&sheet), "--lang", "en"]);
    assert_exit(&out, 2);
    let said = text(&out);
    assert!(
        said.contains("Row 3, column “身份证号”: is not a valid ID number"),
        "{said}"
    );
    assert!(said.contains("nothing was imported"), "{said}");
    assert!(!contains_full_id(&said), "{said}");
    let after = std::fs::read_to_string(tmp.path().join("inspection.toml")).unwrap();
    assert_eq!(before, after);
}

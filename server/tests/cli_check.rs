//! `hecha check` as a user runs it: the built binary on the example folders.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Output;

use crate::support::cli::{hecha, hecha_in_locale, repo, status, stdout, text};

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn suzhou_example_is_ready_for_the_inspection() {
    let out = hecha(&["check", "examples/suzhou", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    assert_eq!(doc["profile"], "jiangsu-suzhou");
    assert_eq!(doc["summary"]["ready"], true);
    assert_eq!(doc["summary"]["fail"], 0);
    assert_eq!(doc["summary"]["missing"], 0);
    // Photos prove the visit (EXIF GPS against a GCJ-02 geofence, time in the window).
    assert_eq!(status(&doc, "site.real_address"), "pass");
    assert_eq!(status(&doc, "staff.si_count"), "pass");
    // Four people: three from scanner text, one decoded from a certificate photo.
    let count = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "staff.si_count")
        .unwrap();
    assert_eq!(count["measures"][0]["value"], "4", "{count}");
    assert_eq!(doc["profile_sha256"].as_str().unwrap().len(), 64);
    // Nothing personal leaks: the full ID numbers of the example never appear.
    let text = String::from_utf8_lossy(&out.stdout);
    for id in [
        "320506198803120425",
        "320581199207153014",
        "320102198506202523",
    ] {
        assert!(!text.contains(id), "full ID {id} in the output");
    }
    assert!(text.contains("320***********0425"));
}

#[test]
fn gaps_example_fails_with_reasons_and_exit_code_1() {
    let out = hecha(&["check", "examples/suzhou-gaps", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(doc["summary"]["ready"], false);
    for (rule, want) in [
        ("site.office_area", "fail"),
        ("site.real_address", "fail"),
        ("room.fire_extinguisher", "fail"),
        // Their photos were taken away from the site or after the window (+rules.3).
        ("room.room_or_rack", "fail"),
        ("room.ups", "fail"),
        ("seats.physical_count", "fail"),
        ("seats.dial_test", "fail"),
        ("staff.si_local", "fail"),
        ("staff.si_count", "needs_review"),
        ("company.icp_filing", "fail"),
        ("system.caller_id_screening", "missing"),
        // The agency signed the trunk agreement in its own name (004: 甲方必须是你公司); a
        // policy on paper only (003: 管理制度落实情况).
        ("company.carrier_agreements", "fail"),
        ("company.policies", "fail"),
    ] {
        assert_eq!(status(&doc, rule), want, "{rule}");
    }
}

#[test]
fn table_output_speaks_the_chosen_language() {
    let zh = hecha(&["check", "examples/suzhou-gaps"]);
    assert_eq!(zh.status.code(), Some(1));
    let zh = String::from_utf8_lossy(&zh.stdout);
    assert!(zh.contains("不通过") && zh.contains("尚未就绪"), "{zh}");
    let en = hecha(&["check", "examples/suzhou-gaps", "--lang", "en"]);
    let en = String::from_utf8_lossy(&en.stdout);
    assert!(en.contains("fail") && en.contains("Not ready"), "{en}");
}

#[test]
fn sources_flag_quotes_each_rule_s_sources_in_the_chosen_language() {
    let zh = hecha(&["check", "examples/suzhou", "--sources"]);
    assert_eq!(zh.status.code(), Some(0));
    let zh = String::from_utf8_lossy(&zh.stdout);
    assert!(
        zh.contains("\n依据\n")
            && zh.contains("site.office_area 办公场地面积\n")
            && zh.contains("  004《在苏州办呼叫中心许可证》：「苏州办公场地≥100 ㎡」\n"),
        "{zh}"
    );
    let en = hecha(&["check", "examples/suzhou", "--sources", "--lang", "en"]);
    let en = String::from_utf8_lossy(&en.stdout);
    assert!(
        en.contains("\nSources\n")
            && en.contains(
                "  004 \"Getting a call-center license in Suzhou\": \"An office in Suzhou of at least 100 m².\"\n"
            ),
        "{en}"
    );
    for out in [&zh, &en] {
        assert!(!out.contains(".txt"), "a source shown as a file name");
    }
    // Without the flag the table stands alone.
    let plain = hecha(&["check", "examples/suzhou"]);
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("：「"));
}

#[test]
fn the_language_follows_the_locale_and_lang_beats_it() {
    let table = |vars: &[(&str, &str)], args: &[&str]| {
        let mut all = vec!["check", "examples/suzhou-gaps"];
        all.extend(args);
        let out = hecha_in_locale(&all, vars);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        stdout(&out)
    };
    let english = |t: &str| t.contains("status") && t.contains("why") && t.contains("Not ready");
    let chinese = |t: &str| t.contains("结果") && t.contains("说明") && t.contains("尚未就绪");
    // No locale at all: Chinese.
    let t = table(&[], &[]);
    assert!(chinese(&t) && !english(&t), "{t}");
    // An English locale: English headers and summary.
    let t = table(&[("LANG", "en_US.UTF-8")], &[]);
    assert!(english(&t) && !chinese(&t), "{t}");
    // LC_ALL before LANG; C and POSIX are Chinese; HECHA_LANG before the locale.
    let t = table(&[("LANG", "en_US.UTF-8"), ("LC_ALL", "zh_CN.UTF-8")], &[]);
    assert!(chinese(&t), "{t}");
    let t = table(&[("LC_ALL", "C")], &[]);
    assert!(chinese(&t), "{t}");
    let t = table(&[("LANG", "zh_CN.UTF-8"), ("HECHA_LANG", "en")], &[]);
    assert!(english(&t), "{t}");
    // An empty variable is skipped.
    let t = table(&[("LC_ALL", ""), ("LANG", "en_GB.UTF-8")], &[]);
    assert!(english(&t), "{t}");
    // --lang beats the locale, before or after the subcommand.
    let t = table(&[("LANG", "zh_CN.UTF-8")], &["--lang", "en"]);
    assert!(english(&t), "{t}");
    let out = hecha_in_locale(
        &["--lang", "zh", "check", "examples/suzhou-gaps"],
        &[("LANG", "en_US.UTF-8")],
    );
    assert!(chinese(&stdout(&out)), "{}", stdout(&out));
}

#[test]
fn profile_flag_overrides_the_folder_and_a_file_profile_is_accepted() {
    // The provincial profile wants 3 months of insurance; the Suzhou example has more.
    let out = hecha(&[
        "check",
        "examples/suzhou",
        "--json",
        "--profile",
        "provincial",
    ]);
    assert_eq!(json(&out)["profile"], "provincial");

    let dir = tempdir();
    let src = String::from_utf8(hecha(&["profiles", "jiangsu-suzhou"]).stdout).unwrap();
    let strict = src
        .replace("min_area_m2 = \"100\"", "min_area_m2 = \"200\"")
        .replace("id = \"jiangsu-suzhou\"", "id = \"strict\"");
    let file = dir.join("strict.toml");
    std::fs::write(&file, strict).unwrap();
    let out = hecha(&[
        "check",
        "examples/suzhou",
        "--json",
        "--profile-file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(doc["profile"], "strict");
    assert_eq!(status(&doc, "site.office_area"), "fail");
}

#[test]
fn a_profile_of_the_other_scope_is_refused_not_mixed_in() {
    // The Suzhou example is a provincial (地网) license: the national profile would judge
    // it with 95 numbers and nationwide capital.
    let out = hecha(&["check", "examples/suzhou", "--profile", "national"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("全网") && err.contains("地网"), "{err}");
    assert!(out.stdout.is_empty(), "no findings are printed");
    let out = hecha(&[
        "--lang",
        "en",
        "check",
        "examples/suzhou",
        "--profile",
        "national",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nationwide") && err.contains("provincial"),
        "{err}"
    );
}

#[test]
fn unreadable_input_exits_2_with_a_clear_message() {
    let out = hecha(&["check", "no/such/folder"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("无法读取") && err.contains("inspection.toml"),
        "{err}"
    );

    let out = hecha(&["check", "examples/suzhou", "--profile", "atlantis"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("没有名为 atlantis 的内置规则配置"), "{err}");

    let out = hecha(&["check"]);
    assert_eq!(out.status.code(), Some(2));

    // What the command was doing when it failed, in the run's language.
    let args = [
        "check",
        "examples/suzhou",
        "--profile-file",
        "no/such/profile.toml",
    ];
    let out = hecha(&args);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("无法读取规则配置 no/such/profile.toml"),
        "{err}"
    );
    let out = hecha(&[&args[..], &["--lang", "en"]].concat());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read the rule profile no/such/profile.toml"),
        "{err}"
    );
}

#[test]
fn a_file_outside_the_folder_is_refused() {
    let dir = tempdir();
    let toml = std::fs::read_to_string(repo().join("examples/suzhou/inspection.toml"))
        .unwrap()
        .replace(
            "file = \"photos/office-1.jpg\"",
            "file = \"../../../etc/passwd\"",
        );
    std::fs::write(dir.join("inspection.toml"), toml).unwrap();
    let out = hecha(&["check", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("必须是文件夹内的相对路径"), "{err}");
    let out = hecha(&["check", dir.to_str().unwrap(), "--lang", "en"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("relative path inside the folder"), "{err}");
}

#[test]
fn schema_describes_the_model() {
    let out = hecha(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = schema.to_string();
    for kind in [
        "photo",
        "si_scan",
        "checklist",
        "dial_test",
        "document",
        "media",
        "note",
        "sign_off",
    ] {
        assert!(text.contains(&format!("\"{kind}\"")), "schema lacks {kind}");
    }
    assert!(schema["$defs"]["Inspection"].is_object());
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "hecha-test-{}-{}",
        std::process::id(),
        std::thread::current()
            .name()
            .unwrap_or("t")
            .replace("::", "-")
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_reader_that_goes_away_ends_the_command_quietly() {
    // `hecha check … | head`: the reader closes the pipe before the table is written.
    for args in [
        &["check", "examples/suzhou-gaps"][..],
        &["check", "examples/suzhou-gaps", "--json"][..],
        &["profiles", "jiangsu-suzhou"][..],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hecha"))
            .args(args)
            .current_dir(crate::support::cli::repo())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stderr.trim().is_empty(), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(141), "{args:?}: {stderr}");
    }
}

/// A copy of the Suzhou example in `dir`, its inspection.toml being `edit` of the original.
fn example_copy(dir: &std::path::Path, edit: impl Fn(&str) -> String) {
    let src = repo().join("examples/suzhou");
    for sub in ["photos", "certificates", "media"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for f in std::fs::read_dir(src.join(sub)).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, dir.join(sub).join(f.file_name().unwrap())).unwrap();
        }
    }
    let toml = std::fs::read_to_string(src.join("inspection.toml")).unwrap();
    std::fs::write(dir.join("inspection.toml"), edit(&toml)).unwrap();
}

/// What `hecha check` says on stderr, in Chinese and in English, about a copy of the
/// example with `from` replaced by `to`, which it must refuse (exit 2).
fn refused(from: &str, to: &str) -> String {
    let dir = tempdir();
    example_copy(&dir, |t| {
        assert!(t.contains(from), "{from}");
        t.replacen(from, to, 1)
    });
    // In Chinese by default, in English when asked.
    let mut err = String::new();
    for lang in ["zh", "en"] {
        let out = hecha(&["check", dir.to_str().unwrap(), "--lang", lang]);
        assert_eq!(out.status.code(), Some(2));
        err.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    err
}

#[test]
fn a_typo_in_an_item_is_refused_naming_the_item_the_field_and_the_nearest_one() {
    let err = refused("subject = \"office\"", "subjct = \"office\"");
    assert!(
        err.contains("evidence[0] (photo-office-1)：未知字段“subjct”，是否应为“subject”？"),
        "{err}"
    );
    assert!(
        err.contains(
            r#"evidence[0] (photo-office-1): unknown field "subjct" — did you mean "subject"?"#
        ),
        "{err}"
    );
    let err = refused("inspection_valid_until =", "inspection_valid_untill =");
    assert!(
        err.contains("(extinguisher)") && err.contains("\"inspection_valid_until\"?"),
        "{err}"
    );
}

#[test]
fn a_bad_date_names_the_field_and_the_format() {
    let err = refused(
        "inspection_valid_until = \"2027-08-31\"",
        "inspection_valid_until = \"2027/08/31\"",
    );
    assert!(
        err.contains(r#"(extinguisher).inspection_valid_until: "2027/08/31" is not a date — write YYYY-MM-DD, e.g. 2027-08-31"#),
        "{err}"
    );
    assert!(err.contains("不是日期，应写作 YYYY-MM-DD"), "{err}");
}

#[test]
fn a_missing_file_is_a_missing_finding_naming_the_item_not_an_abort() {
    let dir = tempdir();
    example_copy(&dir, |t| t.to_owned());
    std::fs::remove_file(dir.join("photos/ups.jpg")).unwrap();
    let out = hecha(&["check", dir.to_str().unwrap(), "--json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    assert_eq!(status(&doc, "room.ups"), "missing");
    assert_eq!(status(&doc, "room.fire_extinguisher"), "pass");
    assert_eq!(doc["summary"]["missing"], 1);
    let ups = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "room.ups")
        .unwrap();
    assert!(
        ups["message"]["en"]
            .as_str()
            .unwrap()
            .contains("Evidence photo-ups: the file photos/ups.jpg was not found."),
        "{ups}"
    );
    // The table prints it too.
    let out = hecha(&["check", dir.to_str().unwrap(), "--lang", "en"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("photos/ups.jpg") && table.contains("photo-ups"),
        "{table}"
    );
}

#[test]
fn a_rehearsal_names_what_the_visit_checks_again_an_official_record_does_not() {
    let out = hecha(&["check", "examples/suzhou", "--json"]);
    let doc = json(&out);
    let on_site = doc["rechecked_on_the_day"]["on_site"].as_array().unwrap();
    assert!(on_site.iter().any(|r| r == "seats.dial_test"), "{doc}");
    let as_of = doc["rechecked_on_the_day"]["as_of_the_day"]
        .as_array()
        .unwrap();
    assert!(as_of.iter().any(|r| r == "staff.si_months"), "{doc}");
    let table = hecha(&["check", "examples/suzhou"]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("正式核查当天会重新核查"), "{table}");

    // The same folder written as an official record: nothing is announced.
    let dir = tempdir();
    example_copy(&dir, |t| {
        t.replace("mode = \"rehearsal\"", "mode = \"official\"")
    });
    let out = hecha(&["check", dir.to_str().unwrap(), "--json"]);
    let doc = json(&out);
    assert_eq!(doc["mode"], "official");
    assert_eq!(
        doc["rechecked_on_the_day"]["on_site"]
            .as_array()
            .map(Vec::len),
        Some(0),
        "{doc}"
    );
    let table = hecha(&["check", dir.to_str().unwrap()]);
    assert!(!String::from_utf8_lossy(&table.stdout).contains("正式核查当天会重新核查"));
}

//! `hecha qr` end to end: one JSON line per file, errors per line, exit 0.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::process::Command;

#[test]
fn two_fixtures_and_a_broken_file() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tests/fixtures/qr");
    let out = Command::new(env!("CARGO_BIN_EXE_hecha"))
        .arg("qr")
        .arg(dir.join("small_0000.jpg"))
        .arg(dir.join("truncated.jpg"))
        .arg(dir.join("does-not-exist.jpg"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("small_0000.jpg")
    );
    assert_eq!(
        lines[0]["texts"][0].as_str().unwrap(),
        "https://si.example.gov.cn/verify?cert=191470409256&area=310115&ts=20250622&sign=d2f06d5da5eee307aaab2a4a899cae29"
    );
    assert!(lines[0]["error"].is_null());
    assert!(lines[0]["ms"].is_u64());
    assert!(lines[1]["texts"].as_array().unwrap().is_empty());
    assert!(lines[1]["encodings"].as_array().unwrap().is_empty());
    assert!(lines[1]["error"].as_str().unwrap().contains("truncated"));
    assert!(
        lines[2]["error"]
            .as_str()
            .unwrap()
            .contains("cannot read file")
    );
}

#[test]
fn no_files_is_a_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_hecha"))
        .arg("qr")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Each text comes with how it was read: the charsets, and the one hecha guessed when the
/// code left it open (null when the code defined it).
#[test]
fn each_text_says_how_it_was_read() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tests/fixtures/qrtext");
    let out = Command::new(env!("CARGO_BIN_EXE_hecha"))
        .arg("qr")
        .arg(dir.join("kanji.png"))
        .arg(dir.join("byte_gbk_name_zhangwei.png"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["texts"], serde_json::json!(["山田太郎"]));
    assert_eq!(
        lines[0]["encodings"],
        serde_json::json!([{"charsets": ["Shift_JIS"], "guessed": null}])
    );
    assert_eq!(lines[1]["texts"], serde_json::json!(["张伟"]));
    assert_eq!(
        lines[1]["encodings"],
        serde_json::json!([{"charsets": ["GB18030"], "guessed": "GB18030"}])
    );
}

#[test]
fn a_stage_list_reports_each_stages_time_and_the_default_does_not() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tests/fixtures/qr");
    let run = |pipeline: Option<&str>| -> serde_json::Value {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hecha"));
        cmd.arg("qr").arg(dir.join("small_0000.jpg"));
        match pipeline {
            Some(p) => cmd.env("HECHA_QR_PIPELINE", p),
            None => cmd.env_remove("HECHA_QR_PIPELINE"),
        };
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let line = run(Some("rqrr@300,rxing@full"));
    assert_eq!(line["texts"].as_array().unwrap().len(), 1, "{line}");
    let times = line["times"].as_array().unwrap();
    let names: Vec<&str> = times.iter().map(|t| t["stage"].as_str().unwrap()).collect();
    // Loading, then the stages in order until the code was read.
    assert_eq!(names.first(), Some(&"load"), "{line}");
    assert!(names[1].starts_with("rqrr@"), "{line}");
    assert!(times.iter().all(|t| t["ms"].as_f64().unwrap() >= 0.0));
    assert_eq!(line["unread"], 0);
    let plain = run(None);
    assert!(
        plain.get("times").is_none() && plain.get("unread").is_none(),
        "{plain}"
    );
}

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

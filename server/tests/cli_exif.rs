//! `hecha exif` as a user runs it: the built binary over the core's EXIF fixtures.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/tests/fixtures/exif")
}

/// Runs `hecha exif` on the named fixtures; returns the exit code and the parsed lines.
fn hecha_exif(names: &[&str]) -> (i32, Vec<Value>) {
    let dir = fixtures();
    let output = Command::new(env!("CARGO_BIN_EXE_hecha"))
        .arg("exif")
        .args(names.iter().map(|n| dir.join(n)))
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (output.status.code().unwrap(), lines)
}

/// The line without its `file` key (an absolute path that differs per checkout).
fn without_file(mut line: Value) -> Value {
    line.as_object_mut().unwrap().remove("file");
    line
}

#[test]
fn prints_one_line_per_photo_with_every_key() {
    let (code, lines) = hecha_exif(&["gps_full.jpg", "south_west.jpg", "srational.jpg"]);
    assert_eq!(code, 0);
    assert_eq!(lines.len(), 3);
    assert!(lines[0]["file"].as_str().unwrap().ends_with("gps_full.jpg"));
    assert_eq!(
        without_file(lines[0].clone()),
        json!({
            "lat": 31.3042, "lon": 120.7351, "alt": 12.5,
            "gps_time": "2026-11-23T06:05:07Z",
            "datetime_original": "2026:11:23 14:05:09",
            "offset": "+08:00",
            "captured_at": "2026-11-23T14:05:09.123+08:00",
            "make": "Xiaomi", "model": "23127PN0CC", "software": "V816.0.5.0.UNCCNXM",
            "error": null
        })
    );
    assert_eq!(
        without_file(lines[1].clone()),
        json!({
            "lat": -49.5786667, "lon": -68.352, "alt": -105.0,
            "gps_time": "2026-03-01T12:29:58Z",
            "datetime_original": "2026:03:01 09:30:00",
            "offset": "-03:00",
            "captured_at": "2026-03-01T09:30:00-03:00",
            "make": "Apple", "model": "iPhone 15 Pro", "software": null,
            "error": null
        })
    );
    // No offset written: the naive local time, no guess at a zone.
    assert_eq!(
        without_file(lines[2].clone()),
        json!({
            "lat": 31.3042, "lon": 120.7351, "alt": -3.5,
            "gps_time": null,
            "datetime_original": "2026:11:23 15:00:00",
            "offset": null,
            "captured_at": "2026-11-23T15:00:00",
            "make": "HUAWEI", "model": "ALN-AL00", "software": null,
            "error": null
        })
    );
}

#[test]
fn keys_come_in_the_documented_order() {
    let dir = fixtures();
    let output = Command::new(env!("CARGO_BIN_EXE_hecha"))
        .arg("exif")
        .arg(dir.join("photo.heic"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let keys = [
        "file",
        "lat",
        "lon",
        "alt",
        "gps_time",
        "datetime_original",
        "offset",
        "captured_at",
        "make",
        "model",
        "software",
        "error",
    ];
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| stdout.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{stdout}");
}

#[test]
fn unreadable_and_exif_less_files_get_an_error_and_exit_zero() {
    let (code, lines) = hecha_exif(&[
        "no_exif.jpg",
        "truncated.jpg",
        "does-not-exist.jpg",
        "README.md",
    ]);
    assert_eq!(code, 0);
    let errors: Vec<&str> = lines.iter().map(|l| l["error"].as_str().unwrap()).collect();
    assert_eq!(errors[0], "no EXIF data");
    assert!(errors[1].starts_with("file is truncated"), "{}", errors[1]);
    assert!(errors[2].starts_with("cannot read file: "), "{}", errors[2]);
    assert_eq!(errors[3], "unsupported image format");
    for line in &lines {
        assert_eq!(line["lat"], Value::Null);
        assert_eq!(line["datetime_original"], Value::Null);
    }
}

#[test]
fn every_container_format_is_read() {
    let (code, lines) = hecha_exif(&[
        "photo.png",
        "photo.webp",
        "photo.tif",
        "photo.heic",
        "malformed.jpg",
    ]);
    assert_eq!(code, 0);
    for line in lines {
        assert_eq!(line["error"], Value::Null, "{line}");
        assert_eq!(
            (line["lat"].as_f64(), line["lon"].as_f64()),
            (Some(31.3042), Some(120.7351)),
            "{line}"
        );
        assert_eq!(line["offset"], "+08:00", "{line}");
    }
}

#[test]
fn files_over_256_mib_are_refused_unread() {
    // A sparse file: the size check must come before any read.
    let path = std::env::temp_dir().join(format!("hecha-cli-exif-{}.jpg", std::process::id()));
    std::fs::File::create(&path)
        .unwrap()
        .set_len(257 * 1024 * 1024)
        .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_hecha"))
        .arg("exif")
        .arg(&path)
        .output()
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(output.status.code(), Some(0));
    let line: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        line["error"],
        "file too large: 269484032 bytes (limit 256 MiB)"
    );
}

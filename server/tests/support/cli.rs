//! Running the built `hecha` binary from a test (never a nested `cargo build`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (examples and docs are found relative to it).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("server/ has a parent")
        .to_owned()
}

/// The variables that choose the language of `hecha`'s output.
const LANGUAGE_VARIABLES: [&str; 4] = ["HECHA_LANG", "LC_ALL", "LC_MESSAGES", "LANG"];

/// Runs `hecha ARGS…` from the repository root, with no locale set (so in Chinese, unless
/// the arguments say `--lang`).
pub fn hecha(args: &[&str]) -> Output {
    hecha_in_locale(args, &[])
}

/// Runs `hecha ARGS…` with only the given language variables set.
pub fn hecha_in_locale(args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hecha"));
    for name in LANGUAGE_VARIABLES {
        command.env_remove(name);
    }
    command
        .envs(vars.iter().copied())
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run hecha")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Stdout then stderr, for assertions on messages wherever they are printed.
pub fn text(o: &Output) -> String {
    format!("{}{}", stdout(o), String::from_utf8_lossy(&o.stderr))
}

/// A path as a command-line argument.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

#[track_caller]
pub fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The status of one rule's finding in `hecha check --json` output.
pub fn status<'a>(doc: &'a serde_json::Value, rule: &str) -> &'a str {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule_id"] == rule)
        .unwrap_or_else(|| panic!("no {rule}"))["status"]
        .as_str()
        .expect("a status")
}

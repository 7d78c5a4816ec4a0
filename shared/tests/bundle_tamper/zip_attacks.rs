//! Archives that two zip readers could read differently, each crafted by
//! `fixtures/zip/craft.py` (Python's zipfile plus byte patches), and the exact refusal
//! each must get from the bag reader. Then the attack that verified before this reader: a
//! real sealed bundle with a second `hecha/manifest.json` hidden by the end record's count.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

use hecha_core::bundle::bagit::{BagError, BagZip, ReadLimits};
use hecha_core::bundle::verify::verify_bundle;

use super::{BUNDLE, no_options};

fn craft_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zip/craft.py")
}

fn python(args: &[&str]) {
    let out = Command::new("python3")
        .arg(craft_script())
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "craft.py {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every crafted case, made once per test binary.
static CASES: LazyLock<tempfile::TempDir> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    python(&["cases", dir.path().to_str().unwrap()]);
    dir
});

fn case(name: &str) -> Vec<u8> {
    std::fs::read(CASES.path().join(format!("{name}.zip"))).unwrap()
}

fn open_with(name: &str, limits: ReadLimits) -> Result<BagZip<Cursor<Vec<u8>>>, BagError> {
    BagZip::open(Cursor::new(case(name)), limits)
}

fn open(name: &str) -> Result<BagZip<Cursor<Vec<u8>>>, BagError> {
    open_with(name, ReadLimits::default())
}

#[track_caller]
fn refused(name: &str) -> BagError {
    match open(name) {
        Ok(_) => panic!("{name} was opened"),
        Err(e) => e,
    }
}

/// Opens and reads `rel` whole.
fn read(name: &str, rel: &str) -> Result<Vec<u8>, BagError> {
    open(name).unwrap().read_small(rel, 1 << 30)
}

#[test]
fn well_formed_python_zips_open_and_read() {
    for name in ["plain", "plain_stored", "descriptor_valid", "zip64_valid"] {
        let mut bag = open(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            bag.read_small("a.txt", 1 << 20).unwrap(),
            b"genuine ".repeat(40)
        );
        assert_eq!(
            bag.paths().collect::<Vec<_>>(),
            ["a.txt", "b.txt"],
            "{name}"
        );
    }
}

#[test]
fn an_end_record_counting_fewer_entries_than_the_directory_holds() {
    // The hidden second bag/a.txt.
    let e = refused("eocd_count_low");
    assert!(
        matches!(&e, BagError::Structure(m) if m.contains("declares 2")),
        "{e}"
    );
    let e = refused("eocd_count_high");
    assert!(
        matches!(&e, BagError::Structure(m) if m.contains("declares 3")),
        "{e}"
    );
}

#[test]
fn a_zip64_end_record_disagreeing_on_the_count() {
    for name in ["zip64_count_differs", "zip64_disagrees_with_eocd"] {
        let e = refused(name);
        assert!(matches!(&e, BagError::Structure(_)), "{name}: {e}");
    }
}

#[test]
fn a_second_end_record_in_the_comment_is_ambiguous() {
    let e = refused("second_eocd_in_comment");
    assert!(matches!(&e, BagError::Structure(_)), "{e}");
}

#[test]
fn bytes_after_the_end_record_are_refused() {
    let e = refused("trailing_garbage");
    assert!(
        matches!(&e, BagError::Structure(m) if m.contains("after the end record")),
        "{e}"
    );
}

#[test]
fn duplicate_names_exact_or_differing_only_by_case() {
    for name in [
        "duplicate_exact",
        "duplicate_case",
        "file_and_folder_same_name",
    ] {
        let e = refused(name);
        assert!(matches!(&e, BagError::Duplicate(_)), "{name}: {e}");
    }
}

#[test]
fn a_local_header_that_names_another_file() {
    // Streaming readers (and repair tools) would extract bag/c.txt.
    let e = refused("local_name_differs");
    assert!(
        matches!(&e, BagError::HeaderMismatch { name, field: "name" } if name == "bag/b.txt"),
        "{e}"
    );
    let e = refused("unicode_path_names_another_file");
    assert!(matches!(&e, BagError::HeaderMismatch { .. }), "{e}");
}

#[test]
fn local_header_sizes_crc_or_method_disagreeing_with_the_directory() {
    for (name, want) in [
        ("local_size_differs", "sizes"),
        ("local_crc_differs", "CRC"),
        ("local_method_differs", "method"),
        ("descriptor_disagrees", "data descriptor"),
    ] {
        let e = refused(name);
        assert!(
            matches!(&e, BagError::HeaderMismatch { field, .. } if *field == want),
            "{name}: {e}"
        );
    }
}

#[test]
fn overlapping_entries_are_refused() {
    for (name, second) in [
        ("two_records_one_header", "entry \"bag/a.txt\""),
        ("data_overlaps_a_header", "entry \"bag/in.txt\""),
        ("entry_overlaps_central_directory", "the central directory"),
    ] {
        let e = refused(name);
        assert!(
            matches!(&e, BagError::Overlap { second: s, .. } if s == second),
            "{name}: {e}"
        );
    }
}

#[test]
fn a_local_entry_in_a_gap_no_record_lists() {
    let e = refused("local_entry_in_a_gap");
    assert!(
        matches!(&e, BagError::Structure(m) if m.contains("belong to no entry")),
        "{e}"
    );
}

#[test]
fn declared_sizes_that_lie_either_way() {
    let e = read("declared_size_too_small", "a.txt").unwrap_err();
    assert!(matches!(&e, BagError::SizeLie(_)), "{e}");
    let e = read("declared_size_too_large", "a.txt").unwrap_err();
    assert!(matches!(&e, BagError::Truncated(_)), "{e}");
}

#[test]
fn a_wrong_crc_is_an_error() {
    let e = read("wrong_crc", "a.txt").unwrap_err();
    assert!(matches!(&e, BagError::CrcMismatch(_)), "{e}");
    // Also when the reader stops early: the rest is read and checked.
    let mut bag = open("wrong_crc").unwrap();
    let e = bag
        .with_entry("a.txt", |r| r.read_exact(&mut [0u8; 10]))
        .unwrap_err();
    assert!(matches!(&e, BagError::CrcMismatch(_)), "{e}");
}

#[test]
fn a_bomb_declaring_1000_bytes_stops_after_1001() {
    // 64 MiB of zeros behind a 1000-byte header.
    let mut bag = open("bomb_small_declared").unwrap();
    let e = bag.hash_entry("zeros.bin", &mut |_| {}).unwrap_err();
    assert!(matches!(&e, BagError::SizeLie(_)), "{e}");
    assert_eq!(bag.inflated_bytes(), 1001);
}

#[test]
fn the_total_limit_counts_inflated_bytes_rereads_included() {
    // 20 entries of 256 KiB: 5 MiB declared, under a 6 MiB limit; a second pass is not.
    let limits = ReadLimits {
        max_total_bytes: 6 << 20,
        ..ReadLimits::default()
    };
    let mut bag = open_with("many_small_bombs", limits).unwrap();
    let paths: Vec<String> = bag.paths().map(str::to_owned).collect();
    for p in &paths {
        bag.hash_entry(p, &mut |_| {}).unwrap();
    }
    assert_eq!(bag.inflated_bytes(), 5 << 20);
    let second: Vec<_> = paths
        .iter()
        .map(|p| bag.hash_entry(p, &mut |_| {}))
        .collect();
    // The fifth entry of the second pass crosses 6 MiB; it and every later read fail.
    assert!(second[..4].iter().all(Result::is_ok));
    assert!(
        second[4..]
            .iter()
            .all(|r| matches!(r, Err(BagError::TooLarge(_))))
    );
    assert_eq!(bag.inflated_bytes(), (6 << 20) + 1);
    // Declared sizes over the limit are refused before anything is inflated.
    let limits = ReadLimits {
        max_total_bytes: 4 << 20,
        ..ReadLimits::default()
    };
    assert!(matches!(
        open_with("many_small_bombs", limits),
        Err(BagError::TooLarge(_))
    ));
}

#[test]
fn unsafe_directory_entries_are_refused() {
    for name in ["dir_traversal", "dir_absolute", "dir_backslash"] {
        let e = refused(name);
        assert!(matches!(&e, BagError::UnsafeName(_)), "{name}: {e}");
    }
}

#[test]
fn symlinks_encryption_other_methods_and_non_utf8_names() {
    assert!(matches!(refused("symlink"), BagError::Symlink(_)));
    assert!(matches!(refused("encrypted"), BagError::Encrypted(_)));
    assert!(matches!(
        refused("bzip2_method"),
        BagError::UnsupportedMethod { method: 12, .. }
    ));
    assert!(matches!(refused("name_not_utf8"), BagError::UnsafeName(_)));
}

// ───────────────────────────── a real bundle ─────────────────────────────

fn through_python(mode: &str, extra: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let (src, dst) = (dir.path().join("in.zip"), dir.path().join("out.zip"));
    std::fs::write(&src, &*BUNDLE).unwrap();
    let mut args = vec![mode, src.to_str().unwrap(), dst.to_str().unwrap()];
    args.extend_from_slice(extra);
    python(&args);
    std::fs::read(dst).unwrap()
}

#[test]
fn a_second_manifest_hidden_by_the_end_records_count_is_refused() {
    // Python's zipfile reads the directory to its end and shows the forged manifest; a
    // reader trusting the count saw only the genuine one, and the bundle verified.
    let zip = through_python("hide", &[]);
    let e = verify_bundle(Cursor::new(zip), &no_options(), &mut |_| {}).unwrap_err();
    assert!(matches!(&e, BagError::Structure(_)), "{e}");
}

#[test]
fn a_bundle_rezipped_by_python_verifies() {
    for extra in [&[][..], &["stream"][..]] {
        let zip = through_python("rezip", extra);
        let r = verify_bundle(Cursor::new(zip), &no_options(), &mut |_| {}).unwrap();
        assert!(r.ok(), "{extra:?}: {:#?}", r.problems);
    }
}

#[test]
fn a_bundle_rezipped_by_info_zip_verifies() {
    let Ok(zip_version) = Command::new("zip").arg("-v").output() else {
        eprintln!("Info-ZIP `zip` is not installed: skipped");
        return;
    };
    assert!(zip_version.status.success());
    let dir = tempfile::tempdir().unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(BUNDLE.as_slice())).unwrap();
    archive.extract(dir.path()).unwrap();
    let top = archive
        .by_index(0)
        .unwrap()
        .name()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    // Seekable output, then a pipe (entries with data descriptors).
    let out = dir.path().join("info-zip.zip");
    let status = Command::new("zip")
        .current_dir(dir.path())
        .args(["-q", "-r", "-X"])
        .arg(&out)
        .arg(&top)
        .status()
        .unwrap();
    assert!(status.success());
    let piped = Command::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!("zip -q -r -X -fd - {top} | cat"))
        .output()
        .unwrap();
    assert!(piped.status.success());
    for zip in [std::fs::read(&out).unwrap(), piped.stdout] {
        let r = verify_bundle(Cursor::new(zip), &no_options(), &mut |_| {}).unwrap();
        assert!(r.ok(), "{:#?}", r.problems);
    }
}

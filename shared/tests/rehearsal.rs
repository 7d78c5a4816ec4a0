//! Loading a rehearsal folder: facts read from the files, certificate photos not kept.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use hecha_core::capture::pii::PersonHasher;
use hecha_core::model::input::{InputError, check};
use hecha_core::model::{
    EvidenceBody, EvidenceItem, FindingStatus, Inspection, SiPayloadFormat, SiSource,
};
use hecha_core::rehearsal::{RehearsalError, load_folder};
use hecha_core::rules::{RuleProfile, evaluate};

fn example() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/suzhou")
}

fn hasher() -> PersonHasher {
    PersonHasher::new("k-test", &[9u8; 32]).unwrap()
}

#[test]
fn certificate_photo_is_decoded_hashed_and_not_kept() {
    let r = load_folder(&example(), &hasher()).unwrap();
    let item = r.evidence.iter().find(|i| i.id == "si-chen").unwrap();
    let EvidenceBody::SiScan(scan) = &item.body else {
        panic!("not an si_scan")
    };
    assert_eq!(scan.source_kind, SiSource::Photo);
    assert_eq!(scan.record.format, SiPayloadFormat::Lines);
    assert_eq!(scan.record.name.as_deref(), Some("陈静"));
    assert_eq!(scan.record.id_masked.as_deref(), Some("320***********1124"));
    assert_eq!(scan.record.id_hash.as_ref().unwrap().key_id, "k-test");
    assert_eq!(scan.record.months_paid, Some(9));
    assert!(!scan.certificate_kept);
    assert_eq!(scan.certificate_sha256.as_deref().map(str::len), Some(64));
    assert!(
        item.blob.is_none(),
        "the certificate photo must not become a blob"
    );
    assert!(!r.files.iter().any(|(id, _)| id == "si-chen"));
}

#[test]
fn photos_carry_their_exif_and_blob_digest() {
    let r = load_folder(&example(), &hasher()).unwrap();
    let item = r.evidence.iter().find(|i| i.id == "photo-rack").unwrap();
    let EvidenceBody::Photo(photo) = &item.body else {
        panic!("not a photo")
    };
    let exif = photo.exif.as_ref().unwrap();
    assert_eq!(
        exif.datetime_original.as_deref(),
        Some("2026:11:23 10:05:02")
    );
    assert_eq!(exif.offset.as_deref(), Some("+08:00"));
    let blob = item.blob.as_ref().unwrap();
    let bytes = std::fs::read(example().join("photos/rack.jpg")).unwrap();
    assert_eq!(blob.size, bytes.len() as u64);
    use sha2::Digest;
    assert_eq!(blob.sha256, hex::encode(sha2::Sha256::digest(&bytes)));
    assert_eq!(blob.media_type.as_deref(), Some("image/jpeg"));
}

#[test]
fn an_unreadable_certificate_still_yields_a_scan_to_review() {
    let dir = std::env::temp_dir().join(format!("hecha-rehearsal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("blank.jpg"),
        b"\xFF\xD8\xFF\xE0 definitely not a jpeg",
    )
    .unwrap();
    let base = std::fs::read_to_string(example().join("inspection.toml")).unwrap();
    let head = base.split("[[evidence]]").next().unwrap();
    let toml =
        format!("{head}[[evidence]]\nid = \"si-x\"\nkind = \"si_scan\"\nfile = \"blank.jpg\"\n");
    std::fs::write(dir.join("inspection.toml"), toml).unwrap();
    let r = load_folder(&dir, &hasher()).unwrap();
    let EvidenceBody::SiScan(scan) = &r.evidence[0].body else {
        panic!("not an si_scan")
    };
    assert_eq!(scan.record.format, SiPayloadFormat::Unknown);
    assert!(
        scan.record.problems[0].contains("QR decode failed"),
        "{:?}",
        scan.record.problems
    );
    assert!(scan.certificate_sha256.is_some());
}

#[test]
fn duplicate_ids_and_escaping_paths_are_refused() {
    let dir = std::env::temp_dir().join(format!("hecha-rehearsal-dup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let base = std::fs::read_to_string(example().join("inspection.toml")).unwrap();
    std::fs::write(
        dir.join("inspection.toml"),
        base.replace("id = \"photo-office-2\"", "id = \"photo-office-1\""),
    )
    .unwrap();
    assert!(
        matches!(load_folder(&dir, &hasher()), Err(RehearsalError::DuplicateId(id)) if id == "photo-office-1")
    );
    std::fs::write(
        dir.join("inspection.toml"),
        base.replace("file = \"photos/ups.jpg\"", "file = \"/etc/hostname\""),
    )
    .unwrap();
    assert!(matches!(
        load_folder(&dir, &hasher()),
        Err(RehearsalError::PathEscapes { .. })
    ));
}

#[test]
fn full_id_numbers_are_masked_before_anything_is_signed() {
    let full = "320508197708150616";
    let dir = std::env::temp_dir().join(format!("hecha-rehearsal-pii-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for sub in ["photos", "certificates", "media", "documents", "signatures"] {
        let from = example().join(sub);
        if from.is_dir() {
            let to = dir.join(sub);
            std::fs::create_dir_all(&to).unwrap();
            for f in std::fs::read_dir(&from).unwrap() {
                let f = f.unwrap();
                std::fs::copy(f.path(), to.join(f.file_name())).unwrap();
            }
        }
    }
    let base = std::fs::read_to_string(example().join("inspection.toml")).unwrap();
    let with_number = base
        .replace(
            "现场核查顺利，坐席拨测与录音回放均正常。",
            &format!("代表身份证 {full}，现场核查顺利。"),
        )
        .replace(
            "registered_address = \"江苏省苏州市",
            &format!("registered_address = \"{full} 江苏省苏州市"),
        );
    assert_ne!(with_number, base);
    std::fs::write(dir.join("inspection.toml"), &with_number).unwrap();
    let r = load_folder(&dir, &hasher()).unwrap();
    let all = serde_json::to_string(&(&r.inspection, &r.evidence)).unwrap();
    assert!(!all.contains(full), "a full ID number was loaded");
    assert!(all.contains("320***********0616"));
    assert!(
        r.inspection
            .company
            .registered_address
            .starts_with("320***")
    );

    // An id holding one is refused, named by position, never echoed.
    std::fs::write(
        dir.join("inspection.toml"),
        base.replace("id = \"note-visit\"", &format!("id = \"note-{full}\"")),
    )
    .unwrap();
    let err = load_folder(&dir, &hasher()).unwrap_err();
    assert!(
        matches!(err, RehearsalError::PersonalId { index, .. } if index > 1),
        "{err}"
    );
    assert!(!err.to_string().contains(full), "{err}");
    assert!(!err.message().text().zh.contains(full), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_examples_findings_render_from_the_catalogue_in_both_languages() {
    use hecha_core::model::Lang;
    use hecha_core::rules::{BUILTIN_PROFILES, RuleProfile, evaluate};
    let english_word =
        regex::Regex::new(r"(?:^|[^A-Za-z0-9_.\-])([a-z]{3,})(?:$|[^A-Za-z0-9_.\-])").unwrap();
    let mut rendered = 0;
    for dir in ["suzhou", "suzhou-gaps"] {
        let r = load_folder(&example().join("..").join(dir), &hasher()).unwrap();
        for (id, _) in BUILTIN_PROFILES {
            let profile = RuleProfile::builtin(id).unwrap();
            for f in evaluate(&profile, &r.inspection, &r.evidence) {
                assert!(!f.says.is_empty(), "{dir} {id} {}: says nothing", f.rule_id);
                for m in &f.says {
                    for lang in [Lang::Zh, Lang::En] {
                        m.try_render(lang)
                            .unwrap_or_else(|e| panic!("{dir} {id} {}: {e}", f.rule_id));
                    }
                }
                // The sealed words are the catalogue's rendering, and the Chinese holds no
                // English sentence (ids and masked names aside).
                assert_eq!(f.words(Lang::Zh), f.message.zh);
                assert_eq!(f.words(Lang::En), f.message.en);
                assert!(
                    english_word.captures(&f.message.zh).is_none(),
                    "{dir} {id} {}: {}",
                    f.rule_id,
                    f.message.zh
                );
                rendered += 1;
            }
        }
    }
    assert!(rendered > 100, "{rendered}");
}

/// A copy of the Suzhou example whose inspection.toml is `edit` of the original.
fn example_copy(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = example();
    for sub in ["photos", "certificates", "media"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for f in std::fs::read_dir(src.join(sub)).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, dir.path().join(sub).join(f.file_name().unwrap())).unwrap();
        }
    }
    let toml = std::fs::read_to_string(src.join("inspection.toml")).unwrap();
    std::fs::write(dir.path().join("inspection.toml"), edit(&toml)).unwrap();
    dir
}

#[test]
fn a_windows_path_names_the_same_file() {
    let dir = example_copy(|t| {
        t.replace(
            "file = \"photos/office-2.jpg\"",
            "file = 'photos\\office-2.jpg'",
        )
    });
    let windows = load_folder(dir.path(), &hasher()).unwrap();
    let unix = load_folder(&example(), &hasher()).unwrap();
    let blob = |r: &hecha_core::rehearsal::Rehearsal| {
        r.evidence
            .iter()
            .find(|i| i.id == "photo-office-2")
            .and_then(|i| i.blob.clone())
            .unwrap()
    };
    assert_eq!(blob(&windows), blob(&unix));
}

#[test]
fn bytes_that_are_no_image_are_refused_as_a_photo() {
    let dir = example_copy(|t| t.to_owned());
    std::fs::write(
        dir.path().join("photos/ups.jpg"),
        b"%PDF-1.7 not a photo at all",
    )
    .unwrap();
    let e = load_folder(dir.path(), &hasher()).unwrap_err();
    assert!(
        matches!(&e, RehearsalError::Item { item, says } if item == "photo-ups" && says.id == "folder-photo-not-an-image"),
        "{e}"
    );
    // Said in both languages.
    let said = e.message().text();
    assert!(
        said.zh.contains("photo-ups") && said.zh.contains("不是 JPEG"),
        "{}",
        said.zh
    );
    assert!(said.en.contains("not a JPEG"), "{}", said.en);
    // A damaged JPEG is still a photo, recorded with why its EXIF cannot be read.
    std::fs::write(
        dir.path().join("photos/ups.jpg"),
        b"\xFF\xD8\xFF\xE1\x00\x10Exif\x00\x00",
    )
    .unwrap();
    let r = load_folder(dir.path(), &hasher()).unwrap();
    let ups = r.evidence.iter().find(|i| i.id == "photo-ups").unwrap();
    let EvidenceBody::Photo(photo) = &ups.body else {
        panic!("not a photo")
    };
    assert!(
        photo.exif.is_none() && photo.exif_error.is_some(),
        "{photo:?}"
    );
}

/// The input error of a copy of the example with `from` replaced by `to`.
fn input_error(from: &str, to: &str) -> InputError {
    let dir = example_copy(|t| {
        assert!(t.contains(from), "{from}");
        t.replacen(from, to, 1)
    });
    match load_folder(dir.path(), &hasher()).unwrap_err() {
        RehearsalError::Input { source, .. } => source,
        other => panic!("{other}"),
    }
}

#[test]
fn a_typo_in_a_photo_is_refused_naming_the_item_and_the_field() {
    let err = input_error("subject = \"office\"", "subjct = \"office\"");
    assert!(
        matches!(&err, InputError::UnknownField { at, field, nearest: Some(n), .. }
            if at == "evidence[0] (photo-office-1)" && field == "subjct" && n == "subject"),
        "{err:?}"
    );
    let text = err.text();
    assert!(
        text.zh.contains("未知字段") && text.zh.contains("subject"),
        "{}",
        text.zh
    );
    assert!(text.en.contains("did you mean \"subject\""), "{}", text.en);
}

#[test]
fn a_typo_in_a_checklist_is_refused() {
    let err = input_error("inspection_valid_until =", "inspection_valid_untill =");
    assert!(
        matches!(&err, InputError::UnknownField { at, field, nearest: Some(n), .. }
            if at.ends_with("(extinguisher)") && field == "inspection_valid_untill" && n == "inspection_valid_until"),
        "{err:?}"
    );
}

#[test]
fn a_date_not_in_its_format_names_the_field_and_shows_the_format() {
    let err = input_error(
        "inspection_valid_until = \"2027-08-31\"",
        "inspection_valid_until = \"2027/08/31\"",
    );
    assert!(
        matches!(&err, InputError::NotADate { at, value }
            if at.ends_with("(extinguisher).inspection_valid_until") && value == "\"2027/08/31\""),
        "{err:?}"
    );
    assert!(
        err.text().en.contains("write YYYY-MM-DD, e.g. 2027-08-31"),
        "{err}"
    );
    let err = input_error(
        "end = \"2026-11-23T17:00:00+08:00\"",
        "end = \"2026-11-23 17:00\"",
    );
    assert!(
        matches!(&err, InputError::NotATime { at, .. } if at == "inspection.window.end"),
        "{err:?}"
    );
    assert!(err.text().zh.contains("RFC 3339"), "{}", err.text().zh);
}

#[test]
fn an_unknown_field_of_the_inspection_is_named_with_the_nearest() {
    let err = input_error("capital_subscribed = true", "capital_subscribd = true");
    assert!(
        matches!(&err, InputError::UnknownField { at, nearest: Some(n), .. }
            if at == "inspection.company" && n == "capital_subscribed"),
        "{err:?}"
    );
}

#[test]
fn a_missing_file_is_recorded_on_its_item_and_makes_its_rules_missing() {
    let dir = example_copy(|t| t.to_owned());
    std::fs::remove_file(dir.path().join("photos/ups.jpg")).unwrap();
    let r = load_folder(dir.path(), &hasher()).unwrap();
    let ups = r.evidence.iter().find(|i| i.id == "photo-ups").unwrap();
    assert_eq!(ups.missing_file.as_deref(), Some("photos/ups.jpg"));
    assert!(ups.blob.is_none(), "a missing file must not be pretended");
    assert!(!r.files.iter().any(|(id, _)| id == "photo-ups"));
    let profile = RuleProfile::builtin("jiangsu-suzhou").unwrap();
    let findings = evaluate(&profile, &r.inspection, &r.evidence);
    let f = findings.iter().find(|f| f.rule_id == "room.ups").unwrap();
    assert_eq!(f.status, FindingStatus::Missing, "{f:?}");
    assert!(f.evidence_ids.contains(&"photo-ups".to_owned()));
    assert!(
        f.message.en.contains("photo-ups") && f.message.en.contains("photos/ups.jpg"),
        "{}",
        f.message.en
    );
    assert!(f.message.zh.contains("找不到文件"), "{}", f.message.zh);
    // The rest is judged as before.
    let before = evaluate(
        &profile,
        &load_folder(&example(), &hasher()).unwrap().inspection,
        &load_folder(&example(), &hasher()).unwrap().evidence,
    );
    let others = |fs: &[hecha_core::model::Finding]| {
        fs.iter()
            .filter(|f| f.rule_id != "room.ups")
            .map(|f| (f.rule_id.clone(), f.status))
            .collect::<Vec<_>>()
    };
    assert_eq!(others(&findings), others(&before));
}

#[test]
fn every_item_of_the_example_passes_the_input_check_as_it_is_written_and_read() {
    let r = load_folder(&example(), &hasher()).unwrap();
    for item in &r.evidence {
        let v = serde_json::to_value(item).unwrap();
        check::<EvidenceItem>("item", &v).unwrap_or_else(|e| panic!("{}: {e}", item.id));
        assert!(!v.as_object().unwrap().contains_key("missing_file"));
    }
    check::<Inspection>("inspection", &serde_json::to_value(&r.inspection).unwrap()).unwrap();
}

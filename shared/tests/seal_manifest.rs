//! The manifest: built from a complete rehearsal, signed, proven, and tampered with.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use crate::common::*;
use chrono::{TimeZone, Utc};
use hecha_core::model::{EvidenceBody, Mode, Note};
use hecha_core::rules::RuleProfile;
use hecha_core::seal::device::{DeviceKey, sign_item};
use hecha_core::seal::events::GENESIS_PREV;
use hecha_core::seal::key::{Ed25519Key, Jwks};
use hecha_core::seal::manifest::{
    DeviceSignature, EventLogHead, Manifest, ManifestError, ManifestInput, item_digest,
};
use hecha_core::seal::sign::verify_bundle_jws;

fn profile() -> RuleProfile {
    RuleProfile::builtin("jiangsu-suzhou").unwrap()
}

fn build(
    evidence: &[hecha_core::model::EvidenceItem],
    signer: &Ed25519Key,
    sigs: BTreeMap<String, DeviceSignature>,
) -> Manifest {
    let inspection = inspection();
    let profile = profile();
    Manifest::build(ManifestInput {
        inspection: &inspection,
        evidence,
        device_signatures: sigs,
        profile: &profile,
        event_log: EventLogHead {
            count: 0,
            head: GENESIS_PREV.into(),
        },
        signer_kid: signer.kid(),
        sealed_at: Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).unwrap(),
        previous_manifest_sha256: None,
        timestamped: false,
    })
    .unwrap()
}

#[test]
fn a_complete_rehearsal_seals_and_every_item_is_provable() {
    let signer = Ed25519Key::generate().unwrap();
    let evidence = complete_evidence();
    let manifest = build(&evidence, &signer, BTreeMap::new());
    assert!(manifest.check_integrity().is_empty());
    manifest.verify_findings(&profile()).unwrap();
    assert_eq!(manifest.mode, Mode::Rehearsal);
    let ids: Vec<&str> = manifest.items.iter().map(|i| i.item.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "items are sorted by id");
    for id in ids {
        manifest
            .prove(id)
            .unwrap()
            .verify(&manifest.merkle_root)
            .unwrap();
    }
    assert!(manifest.prove("no-such-item").is_err());

    let jws = manifest.sign(&signer).unwrap();
    let claims = verify_bundle_jws(
        &jws,
        &Jwks {
            keys: vec![signer.public_jwk().clone()],
        },
    )
    .unwrap();
    assert_eq!(claims.manifest_sha256, manifest.digest().unwrap());
    assert_eq!(claims.merkle_root, manifest.merkle_root);
    assert!(!claims.is_official());

    // The JSON file round-trips to the same digest.
    let bytes = manifest.to_canonical_json().unwrap();
    let back = Manifest::from_json(&bytes).unwrap();
    assert_eq!(back.digest().unwrap(), manifest.digest().unwrap());
    assert_eq!(back.to_canonical_json().unwrap(), bytes);
}

#[test]
fn the_manifest_does_not_depend_on_upload_order() {
    let signer = Ed25519Key::generate().unwrap();
    let evidence = complete_evidence();
    let mut reversed = evidence.clone();
    reversed.reverse();
    assert_eq!(
        build(&evidence, &signer, BTreeMap::new()).digest().unwrap(),
        build(&reversed, &signer, BTreeMap::new()).digest().unwrap()
    );
}

#[test]
fn an_edited_item_or_finding_is_caught() {
    let signer = Ed25519Key::generate().unwrap();
    let manifest = build(&complete_evidence(), &signer, BTreeMap::new());
    let mut edited = manifest.clone();
    edited.items[0].item.captured_by = Some("mallory".into());
    let problems = edited.check_integrity();
    assert!(matches!(&problems[..], [ManifestError::ItemDigest { .. }]));
    // Re-digesting the item moves the Merkle root.
    edited.items[0].digest = item_digest(&edited.items[0].item).unwrap();
    assert!(matches!(
        &edited.check_integrity()[..],
        [ManifestError::MerkleRoot { .. }]
    ));

    // Words are not data: a verdict worded otherwise (a later engine, a reworded
    // catalogue) still agrees, and the rule is named.
    let mut reworded = manifest.clone();
    reworded.findings[1].message.zh = "另一种措辞".into();
    reworded.findings[1].title.en = "Other words".into();
    let check = reworded.verify_findings(&profile()).unwrap();
    assert_eq!(check.reworded, vec![reworded.findings[1].rule_id.clone()]);
    assert!(check.words_only.is_empty());
    assert_eq!(
        manifest.verify_findings(&profile()).unwrap(),
        Default::default()
    );
    // What a finding says is data: its message ids and their arguments.
    let said = manifest
        .findings
        .iter()
        .position(|f| f.says.iter().any(|m| !m.args.is_empty()))
        .expect("a finding whose message has arguments");
    let mut forged_arg = manifest.clone();
    let message = forged_arg.findings[said]
        .says
        .iter_mut()
        .find(|m| !m.args.is_empty())
        .unwrap();
    let name = message.args.keys().next().unwrap().clone();
    message
        .args
        .insert(name, hecha_core::i18n::Arg::Text("forged".into()));
    assert!(matches!(
        forged_arg.verify_findings(&profile()),
        Err(ManifestError::FindingsDiffer { .. })
    ));
    let mut forged_id = manifest.clone();
    forged_id.findings[said].says[0].id = "rule-not-applied".into();
    assert!(matches!(
        forged_id.verify_findings(&profile()),
        Err(ManifestError::FindingsDiffer { .. })
    ));
    // A finding sealed as words only (before the catalogue) is compared without messages,
    // and named.
    let mut words_only = manifest.clone();
    words_only.findings[said].says.clear();
    let check = words_only.verify_findings(&profile()).unwrap();
    assert_eq!(
        check.words_only,
        vec![manifest.findings[said].rule_id.clone()]
    );
    assert!(check.reworded.is_empty());
    // A measure is data.
    let mut remeasured = manifest.clone();
    let with_measure = remeasured
        .findings
        .iter_mut()
        .find(|f| !f.measures.is_empty())
        .expect("a finding with a measure");
    with_measure.measures[0].value.push('0');
    assert!(matches!(
        remeasured.verify_findings(&profile()),
        Err(ManifestError::FindingsDiffer { .. })
    ));

    let mut edited = manifest.clone();
    use hecha_core::model::FindingStatus;
    edited.findings[0].status = if edited.findings[0].status == FindingStatus::Pass {
        FindingStatus::Fail
    } else {
        FindingStatus::Pass
    };
    edited.findings[0].message.en = "all good".into();
    assert!(matches!(
        edited.verify_findings(&profile()),
        Err(ManifestError::FindingsDiffer { .. })
    ));
    let other = RuleProfile::builtin("national").unwrap();
    assert!(matches!(
        manifest.verify_findings(&other),
        Err(ManifestError::ProfileDiffers { .. })
    ));
    let mut relabelled = manifest;
    relabelled.mode = Mode::Official;
    assert!(matches!(
        &relabelled.check_integrity()[..],
        [ManifestError::Mode { .. }]
    ));
}

#[test]
fn device_signatures_are_bound_to_their_item() {
    let signer = Ed25519Key::generate().unwrap();
    let device = DeviceKey::generate().unwrap();
    let mut evidence = complete_evidence();
    evidence.push(item(
        "zz-note",
        &[],
        EvidenceBody::Note(Note {
            text: "机房门禁正常".into(),
        }),
    ));
    let note = evidence.last().unwrap().clone();
    let digest = item_digest(&note).unwrap();
    let jws = sign_item("zz-note", &digest, &device).unwrap();
    let sigs = BTreeMap::from([(
        "zz-note".to_owned(),
        DeviceSignature {
            device_id: "phone-1".into(),
            jws,
        },
    )]);
    let manifest = build(&evidence, &signer, sigs);
    let jwks = Jwks {
        keys: vec![device.public_jwk().clone()],
    };
    assert!(manifest.verify_device_signatures(&jwks).is_empty());
    assert!(matches!(
        &manifest.verify_device_signatures(&Jwks::default())[..],
        [ManifestError::UnknownDeviceKey { .. }]
    ));
    // The signature moved to another item does not verify there.
    let mut moved = manifest.clone();
    let sig = moved.items.last_mut().unwrap().device_signature.take();
    moved.items[0].device_signature = sig;
    assert!(matches!(
        &moved.verify_device_signatures(&jwks)[..],
        [ManifestError::DeviceSignature { .. }]
    ));
}

#[test]
fn building_refuses_what_cannot_be_sealed() {
    let signer = Ed25519Key::generate().unwrap();
    let inspection = inspection();
    let profile = profile();
    let mut evidence = complete_evidence();
    evidence.push(evidence[0].clone());
    fn input<'a>(
        inspection: &'a hecha_core::model::Inspection,
        profile: &'a RuleProfile,
        signer: &'a Ed25519Key,
        evidence: &'a [hecha_core::model::EvidenceItem],
    ) -> ManifestInput<'a> {
        ManifestInput {
            inspection,
            evidence,
            device_signatures: BTreeMap::new(),
            profile,
            event_log: EventLogHead {
                count: 0,
                head: GENESIS_PREV.into(),
            },
            signer_kid: signer.kid(),
            sealed_at: Utc::now(),
            previous_manifest_sha256: None,
            timestamped: false,
        }
    }
    assert!(matches!(
        Manifest::build(input(&inspection, &profile, &signer, &evidence)),
        Err(ManifestError::DuplicateItem(_))
    ));
    let mut supplement = inspection.clone();
    supplement.supplement_of = Some("insp-0".into());
    let ok = complete_evidence();
    let mut i = input(&inspection, &profile, &signer, &ok);
    i.inspection = &supplement;
    assert!(matches!(
        Manifest::build(i),
        Err(ManifestError::SupplementWithoutPrevious(_))
    ));
    let other = Ed25519Key::generate().unwrap();
    let manifest = build(&ok, &signer, BTreeMap::new());
    assert!(matches!(
        manifest.sign(&other),
        Err(ManifestError::SignerMismatch { .. })
    ));
}

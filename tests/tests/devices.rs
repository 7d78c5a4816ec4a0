//! Enrolled devices: the assignment a phone takes offline, items signed by the device key
//! (ES256) verified on receipt and carried into the sealed bundle, revocation; and a
//! supplement linked to a sealed inspection.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hecha_core::capture::pii::PersonHasher;
use hecha_core::capture::si::parse_si_payload;
use hecha_core::model::EvidenceItem;
use hecha_core::model::wire::NewEvidence;
use hecha_core::seal::device::{DeviceKey, sign_item};
use hecha_core::seal::manifest::item_digest;
use hecha_tests::flow::{create_inspection, sign_off, world};
use hecha_tests::{Backend, TestServer, both_backends};
use serde_json::json;

fn signed_item(
    key: &DeviceKey,
    device: &str,
    user: &str,
    item: serde_json::Value,
) -> serde_json::Value {
    let mut item: EvidenceItem = serde_json::from_value(item).unwrap();
    item.device_id = Some(device.to_owned());
    item.captured_by = Some(user.to_owned());
    let digest = item_digest(&item).unwrap();
    let jws = sign_item(&item.id, &digest, key).unwrap();
    let body = json!({"item": item, "device_signature": {"device_id": device, "jws": jws}, "clock_offset_ms": -1200});
    // What the server reads (the core's type) is what this client sends, and what the
    // phone's sync sends for the same item.
    let typed: NewEvidence = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), body);
    body
}

fn devices(backend: Backend) {
    let server = TestServer::start(backend);
    let w = world(&server);
    let a = &w.a;
    let key = DeviceKey::generate().unwrap();
    let dev = a
        .inspector
        .post(
            "/api/v1/devices",
            &json!({"name": "Pixel 9", "public_jwk": key.public_jwk()}),
        )
        .expect(201);
    let device_id = dev.str("id");
    assert_eq!(device_id, key.public_jwk().kid);

    let id = create_inspection(&a.inspector, &a.company, "official");
    a.inspector
        .post(
            &format!("/api/v1/inspections/{id}/seat-tags"),
            &json!({"seat_ids": ["A-01", "A-02"]}),
        )
        .ok();
    // The assignment goes to an enrolled device only.
    a.inspector
        .get(&format!(
            "/api/v1/inspections/{id}/assignment?device_id=nope"
        ))
        .expect(403);
    let asg = a
        .inspector
        .get(&format!(
            "/api/v1/inspections/{id}/assignment?device_id={device_id}"
        ))
        .ok();
    assert_eq!(asg["seat_tags"].as_array().unwrap().len(), 2);
    // The phone reads it as the core's type, which writes the same JSON back.
    let typed: hecha_core::model::wire::Assignment = serde_json::from_value(asg.clone()).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), asg);
    // The printed QR code carries the signed tag, which verifies offline with the JWKS.
    let tag = &asg["seat_tags"][0];
    let png = a.inspector.get(tag["qr_png"].as_str().unwrap()).expect(200);
    assert_eq!(png.header("content-type"), Some("image/png"));
    let scan = hecha_core::capture::qr::decode_qr(&png.bytes, &Default::default()).unwrap();
    assert_eq!(scan.texts, vec![tag["tag"].as_str().unwrap().to_owned()]);
    let jwks: hecha_core::seal::key::Jwks =
        serde_json::from_value(server.api().get("/.well-known/jwks.json").ok()).unwrap();
    let verified = hecha_core::seal::seat::verify_seat_tag(&scan.texts[0], &jwks, &id).unwrap();
    assert_eq!(verified.seat_id, tag["seat_id"].as_str().unwrap());
    // The A4 label sheet: a label per issued tag, each QR code reading back as that tag
    // (which verifies), with the seat number and the company; a page that loads nothing.
    let sheet = a
        .inspector
        .get(&format!("/api/v1/inspections/{id}/seat-labels"))
        .expect(200);
    assert_eq!(
        sheet.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        sheet
            .header("content-security-policy")
            .is_some_and(|c| c.starts_with("default-src 'none'")),
        "{:?}",
        sheet.headers
    );
    let html = String::from_utf8(sheet.bytes.clone()).unwrap();
    let codes = hecha_core::labels::sheet_qr_pngs(&html);
    let issued: Vec<(String, String)> = asg["seat_tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["seat_id"].as_str().unwrap().to_owned(),
                t["tag"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(codes.len(), issued.len());
    for ((seat, png), (issued_seat, issued_tag)) in codes.iter().zip(&issued) {
        assert_eq!(seat, issued_seat);
        let read = hecha_core::capture::qr::decode_qr(png, &Default::default()).unwrap();
        assert_eq!(&read.texts, &vec![issued_tag.clone()], "{seat}");
        hecha_core::seal::seat::verify_seat_tag(&read.texts[0], &jwks, &id).unwrap();
        assert!(
            html.contains(&format!(r#"<div class="seat">{seat}</div>"#)),
            "{seat}"
        );
    }
    assert!(
        html.contains("江苏 公司"),
        "the company's name on the labels"
    );
    // In Chinese by default; in English when the request prefers it.
    assert!(
        html.contains("坐席标签") && !html.contains("Seat labels"),
        "{html}"
    );
    let en = a.inspector.send(
        "GET",
        &format!("/api/v1/inspections/{id}/seat-labels"),
        None,
        &[("Accept-Language", "en-GB, zh;q=0.5")],
    );
    assert_eq!(en.status, 200);
    assert_eq!(en.header("content-language"), Some("en"));
    let en = String::from_utf8(en.bytes.clone()).unwrap();
    assert!(
        en.contains("Seat labels") && !en.contains("坐席标签"),
        "{en}"
    );
    assert_eq!(hecha_core::labels::sheet_qr_pngs(&en), codes);
    // Another tenant's inspector does not reach it.
    w.b.inspector
        .get(&format!("/api/v1/inspections/{id}/seat-labels"))
        .expect(404);
    assert!(asg["profile_toml"].as_str().unwrap().contains("[[rule]]"));
    let phk = &asg["person_hash_key"];
    // Company staff never receive the authority's person-hash key.
    let staff_view = a.staff.get(&format!(
        "/api/v1/inspections/{id}/assignment?device_id={device_id}"
    ));
    assert_eq!(staff_view.status, 404);

    // Offline on the phone: parse the SI text with the delivered key, sign the item.
    let hasher = PersonHasher::new(
        phk["key_id"].as_str().unwrap(),
        &hex::decode(phk["key_hex"].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    let text = "姓名：周明\n公民身份号码：320506198803120425\n参保地：苏州工业园区\n缴费月数：20\n单位名称：苏州核查示例科技有限公司";
    let record = parse_si_payload(text, Some(&hasher));
    let body = signed_item(
        &key,
        &device_id,
        &a.inspector_id,
        json!({"id": "si-phone-1", "kind": "si_scan", "record": record, "source_kind": "scanner_text", "rule_ids": ["staff.si_count"]}),
    );
    let r = a
        .inspector
        .post(&format!("/api/v1/inspections/{id}/evidence"), &body)
        .expect(201);
    assert_eq!(r.body["signed"], true);
    assert_eq!(r.body["clock_offset_ms"], -1200);
    // The server, given the same text, computes the same keyed hash (same key).
    let server_side = a
        .inspector
        .post(&format!("/api/v1/inspections/{id}/evidence"), &json!({"item": {"id": "si-server-1", "kind": "si_scan", "rule_ids": []}, "qr_text": text}))
        .expect(201);
    assert_eq!(
        server_side.body["item"]["record"]["id_hash"],
        r.body["item"]["record"]["id_hash"]
    );
    assert!(
        !server_side.body.to_string().contains("320506198803120425"),
        "no full ID number in any answer"
    );

    // A signature over other content is refused.
    let mut bad = signed_item(
        &key,
        &device_id,
        &a.inspector_id,
        json!({"id": "note-1", "kind": "note", "text": "机房门禁正常", "rule_ids": []}),
    );
    bad["item"]["text"] = json!("改过的内容");
    let r = a
        .inspector
        .post(&format!("/api/v1/inspections/{id}/evidence"), &bad);
    assert_eq!(
        (r.status, r.code()),
        (422, "evidence.signature"),
        "{}",
        r.body
    );
    // Another user's device cannot sign for this inspector.
    let other_key = DeviceKey::generate().unwrap();
    let other = a
        .auditor
        .post(
            "/api/v1/devices",
            &json!({"name": "x", "public_jwk": other_key.public_jwk()}),
        )
        .expect(201)
        .str("id");
    let r = a.inspector.post(
        &format!("/api/v1/inspections/{id}/evidence"),
        &signed_item(
            &other_key,
            &other,
            &a.inspector_id,
            json!({"id": "note-2", "kind": "note", "text": "x", "rule_ids": []}),
        ),
    );
    assert_eq!(r.code(), "evidence.device");

    sign_off(&a.inspector, &id);
    let seal = a
        .inspector
        .post(&format!("/api/v1/inspections/{id}/seal"), &json!({}))
        .ok();
    let manifest = hecha_tests::flow::export_verified(&a.auditor, &id);
    let signed = manifest
        .items
        .iter()
        .find(|i| i.item.id == "si-phone-1")
        .unwrap();
    assert_eq!(
        signed.device_signature.as_ref().unwrap().device_id,
        device_id
    );

    // Revoked: the device signs nothing more (on a supplement of the sealed inspection).
    a.inspector
        .delete(&format!("/api/v1/devices/{device_id}"))
        .expect(204);
    let mut supplement =
        hecha_tests::flow::example_inspection("official", hecha_tests::flow::EXAMPLE_USCC);
    supplement["supplement_of"] = json!(id);
    let sup = a
        .inspector
        .post(
            "/api/v1/inspections",
            &json!({"company_id": a.company, "inspection": supplement}),
        )
        .expect(201)
        .str("id");
    let r = a.inspector.post(
        &format!("/api/v1/inspections/{sup}/evidence"),
        &signed_item(
            &key,
            &device_id,
            &a.inspector_id,
            json!({"id": "note-3", "kind": "note", "text": "补充", "rule_ids": []}),
        ),
    );
    assert_eq!(r.code(), "evidence.device");
    a.inspector
        .post(&format!("/api/v1/inspections/{sup}/evidence"), &json!({"item": {"id": "note-3", "kind": "note", "text": "补充材料：租赁合同续签", "rule_ids": []}}))
        .expect(201);
    sign_off(&a.inspector, &sup);
    a.inspector
        .post(&format!("/api/v1/inspections/{sup}/seal"), &json!({}))
        .ok();
    let m = hecha_tests::flow::export_verified(&a.auditor, &sup);
    assert_eq!(
        m.previous_manifest_sha256.as_deref(),
        seal["manifest_sha256"].as_str()
    );
}

both_backends!(device_signed_evidence, devices);

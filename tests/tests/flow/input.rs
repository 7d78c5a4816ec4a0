//! Input is checked at the API: a typo in an unsigned item, or in the inspection, is a 422
//! naming the field and the nearest known one; a date not in its format names the format;
//! nothing is recorded.

use hecha_tests::flow::{EXAMPLE_USCC, create_inspection, example_inspection, world};
use hecha_tests::{Backend, TestServer, both_backends};
use serde_json::json;

fn unknown_fields_and_bad_dates_are_refused_by_name(backend: Backend) {
    let server = TestServer::start(backend);
    let a = world(&server).a;
    let id = create_inspection(&a.inspector, &a.company, "official");
    let evidence = format!("/api/v1/inspections/{id}/evidence");

    let r = a.inspector.post(
        &evidence,
        &json!({"item": {"id": "photo-office-1", "kind": "photo", "subjct": "office", "rule_ids": []}}),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.body["code"], "input.unknown_field", "{}", r.body);
    // The detail in English (`texts`): the body's `detail` is Chinese, the default.
    let detail = r.body["texts"]["detail"]["en"].as_str().unwrap_or_default();
    assert!(
        detail.contains(r#"item: unknown field "subjct" — did you mean "subject"?"#),
        "{detail}"
    );

    let r = a.inspector.post(
        &evidence,
        &json!({"item": {"id": "fire", "kind": "checklist", "checklist": "fire_extinguisher",
            "present": true, "inspection_valid_until": "2027/08/31"}}),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.body["code"], "input.date", "{}", r.body);
    assert!(
        r.body["texts"]["detail"]["en"]
            .as_str()
            .unwrap_or_default()
            .contains(
                r#"item.inspection_valid_until: "2027/08/31" is not a date — write YYYY-MM-DD"#
            ),
        "{}",
        r.body
    );
    let listed = a.inspector.get(&evidence).expect(200);
    assert_eq!(
        listed.body.as_array().map(Vec::len),
        Some(0),
        "{}",
        listed.body
    );

    let mut insp = example_inspection("official", EXAMPLE_USCC);
    insp["window"]["ends"] = insp["window"]["end"].clone();
    let r = a.inspector.post(
        "/api/v1/inspections",
        &json!({"company_id": a.company, "inspection": insp}),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.body["code"], "input.unknown_field", "{}", r.body);
    assert!(
        r.body["texts"]["detail"]["en"]
            .as_str()
            .unwrap_or_default()
            .contains(r#"window: unknown field "ends" — did you mean "end"?"#),
        "{}",
        r.body
    );
}

both_backends!(
    input_is_checked,
    unknown_fields_and_bad_dates_are_refused_by_name
);

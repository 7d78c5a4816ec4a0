//! The committed JSON Schema (docs/schema) is the one the code generates.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
fn committed_schema_matches_the_model() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/schema/hecha.model.v1.json"
    );
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let generated = hecha_core::schema::model_schema();
    assert!(
        committed == generated,
        "docs/schema/hecha.model.v1.json is stale: regenerate it with `cargo run --bin hecha -- schema > docs/schema/hecha.model.v1.json`"
    );
}

#[test]
fn schema_names_every_checklist() {
    // The schema names every evidence kind and checklist.
    let text = hecha_core::schema::model_schema().to_string();
    for name in [
        "office",
        "ups",
        "fire_extinguisher",
        "access_log",
        "room_or_rack",
        "seat_equipment",
        "system_demo",
        "recording_retention",
    ] {
        assert!(text.contains(&format!("\"{name}\"")), "{name}");
    }
}

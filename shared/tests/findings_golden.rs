//! The findings of the shipped examples under every shipped profile, as data, against a
//! committed record of what this engine version gives. A change of any verdict — status,
//! evidence, measures, messages or their arguments — must come with a new
//! `ENGINE_VERSION` (`+rules.N`): a verifier re-checks a bundle's findings only against
//! the engine that sealed it, and notes (not fails) a difference under another version.
//! Rewording the catalogue changes no data. Re-record with
//! `HECHA_BLESS=1 cargo test -p hecha-core --test core findings_golden`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use hecha_core::capture::pii::PersonHasher;
use hecha_core::rehearsal::load_folder;
use hecha_core::rules::{BUILTIN_PROFILES, RuleProfile, evaluate};
use serde_json::{Map, Value, json};

const GOLDEN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/findings-golden.json"
);

fn findings_as_data() -> Value {
    let hasher = PersonHasher::new("golden", &[7u8; 32]).unwrap();
    let mut cases = Map::new();
    for example in ["suzhou", "suzhou-gaps"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples")
            .join(example);
        let r = load_folder(&dir, &hasher).unwrap();
        for (id, _) in BUILTIN_PROFILES {
            let profile = RuleProfile::builtin(id).unwrap();
            let data: Vec<Value> = evaluate(&profile, &r.inspection, &r.evidence)
                .iter()
                .map(|f| {
                    let mut v = serde_json::to_value(f).unwrap();
                    let o = v.as_object_mut().unwrap();
                    // The words are not data.
                    o.remove("title");
                    o.remove("message");
                    v
                })
                .collect();
            cases.insert(format!("{example}/{id}"), Value::Array(data));
        }
    }
    Value::Object(cases)
}

#[test]
fn a_changed_verdict_comes_with_a_new_engine_version() {
    let now = findings_as_data();
    if std::env::var_os("HECHA_BLESS").is_some() {
        let doc = json!({"engine_version": hecha_core::ENGINE_VERSION, "findings": now});
        std::fs::write(GOLDEN, serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
        return;
    }
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(GOLDEN).unwrap()).unwrap();
    let recorded_version = committed["engine_version"].as_str().unwrap();
    let same = committed["findings"] == now;
    assert!(
        same || recorded_version != hecha_core::ENGINE_VERSION,
        "the findings changed as data under the same ENGINE_VERSION {recorded_version}: bump `+rules.N` in shared/src/lib.rs, then re-record with HECHA_BLESS=1"
    );
    assert_eq!(
        recorded_version,
        hecha_core::ENGINE_VERSION,
        "re-record tests/fixtures/findings-golden.json for this engine version (HECHA_BLESS=1)"
    );
    let Value::Object(cases) = &now else {
        unreachable!()
    };
    assert_eq!(cases.len(), 2 * BUILTIN_PROFILES.len());
}

//! The API answers only what its OpenAPI document says. schemathesis (PyPI) reads
//! `/api/v1/openapi.json`, generates requests for every operation — valid ones and
//! deliberately broken ones — with a fixed seed and a bounded number of cases, and checks
//! every answer: no 5xx, no status the operation does not document, no content type or
//! body outside its schema, the documented headers present. Run without a token and with a
//! token of each role, since each reaches different answers (401, 403, 404, 200…).

use hecha_tests::flow::{create_inspection, push_example, world};
use hecha_tests::{Backend, TestServer};

/// Cases per operation and phase: enough to reach every documented failure of the
/// request's shape, bounded so CI's budget holds.
const MAX_EXAMPLES: &str = "12";

/// One run as the bearer of `token`. `config` pins the path parameter `id` to a real
/// inspection, so that the operations under it answer more than 404.
fn schemathesis(base: &str, token: Option<&str>, config: &std::path::Path) -> (bool, String) {
    let scripts = hecha_tests::workspace_root().join("tests/scripts");
    let mut cmd = std::process::Command::new("python3");
    cmd.args(["-m", "schemathesis.cli", "--config-file"])
        .arg(config)
        .arg("run")
        .arg(format!("{base}/api/v1/openapi.json"))
        .env("SCHEMATHESIS_HOOKS", "schemathesis_hooks")
        .env("PYTHONPATH", &scripts)
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,\
             response_headers_conformance,response_schema_conformance",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            MAX_EXAMPLES,
            "--seed",
            "20261207",
            "--generation-database",
            "none",
            "--workers",
            "2",
            "--request-timeout",
            "60",
            "--no-color",
            "--warnings",
            "off",
        ])
        // no configuration file of the machine's or the user's
        .current_dir(std::env::temp_dir());
    if let Some(t) = token {
        cmd.args(["--header", &format!("Authorization: Bearer {t}")]);
    }
    let out = cmd.output().expect("python3 runs");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn every_answer_is_one_the_openapi_document_names() {
    if !hecha_tests::python_module_or_skip(
        "schemathesis",
        "schemathesis",
        "every_answer_is_one_the_openapi_document_names",
    ) {
        return;
    }
    let server = TestServer::start(Backend::Sqlite);
    let w = world(&server);
    // An official inspection of tenant a, started, with the example's evidence.
    let inspection = create_inspection(&w.a.inspector, &w.a.company, "official");
    push_example(&w.a.inspector, &inspection);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("schemathesis.toml");
    std::fs::write(
        &config,
        format!("[parameters]\n\"path.id\" = \"{inspection}\"\n"),
    )
    .unwrap();
    let callers = [
        ("no token", None),
        ("admin", w.admin.token.clone()),
        ("inspector", w.a.inspector.token.clone()),
        ("auditor", w.a.auditor.token.clone()),
        ("company staff", w.a.staff.token.clone()),
    ];
    let mut failed = Vec::new();
    for (who, token) in &callers {
        let (ok, report) = schemathesis(&server.base, token.as_deref(), &config);
        if !ok {
            eprintln!("──── schemathesis as {who} ────\n{report}");
            failed.push(*who);
        }
    }
    assert!(
        failed.is_empty(),
        "answers outside the OpenAPI document, as: {failed:?} (reports above)"
    );
}

//! `hecha labels`: a rehearsal folder's seat labels, signed with the local key.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::cli::{assert_exit, hecha, repo, s, text};

use hecha_core::seal::key::{Ed25519Key, Jwks};
use hecha_core::seal::seat::verify_seat_tag;

#[test]
fn labels_of_the_example_folder_carry_tags_the_local_key_signed() {
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("rehearsal.pem");
    assert_exit(&hecha(&["key", "generate", "--out", s(&pem)]), 0);
    let out = dir.path().join("labels.html");
    let run = hecha(&[
        "labels",
        "examples/suzhou",
        "--key",
        s(&pem),
        "--seat",
        "SZ-SEAT-06",
        "--out",
        s(&out),
    ]);
    assert_exit(&run, 0);
    assert!(text(&run).contains("已生成 6 个坐席标签"), "{}", text(&run));

    let html = std::fs::read_to_string(&out).unwrap();
    let codes = hecha_core::labels::sheet_qr_pngs(&html);
    let seats: Vec<&str> = codes.iter().map(|(seat, _)| seat.as_str()).collect();
    // The five seats the folder's items name, and the one asked for.
    assert_eq!(
        seats,
        [
            "SZ-SEAT-01",
            "SZ-SEAT-02",
            "SZ-SEAT-03",
            "SZ-SEAT-04",
            "SZ-SEAT-05",
            "SZ-SEAT-06"
        ]
    );
    let key = Ed25519Key::read_pem_file(&pem).unwrap();
    let mut jwks = Jwks::default();
    jwks.insert(key.public_jwk().clone());
    let inspection: toml::Table = toml::from_str(
        &std::fs::read_to_string(repo().join("examples/suzhou/inspection.toml")).unwrap(),
    )
    .unwrap();
    let inspection_id = inspection["inspection"]["id"].as_str().unwrap();
    for (seat, png) in &codes {
        let read = hecha_core::capture::qr::decode_qr(png, &Default::default()).unwrap();
        let tag = verify_seat_tag(&read.texts[0], &jwks, inspection_id).unwrap();
        assert_eq!(&tag.seat_id, seat);
    }
    let company = inspection["inspection"]["company"]["name"]
        .as_str()
        .unwrap();
    assert!(html.contains(company), "the company on every label");
}

#[test]
fn labels_need_a_readable_key() {
    let dir = tempfile::tempdir().unwrap();
    let run = hecha(&[
        "labels",
        "examples/suzhou",
        "--key",
        s(&dir.path().join("missing.pem")),
        "--out",
        s(&dir.path().join("labels.html")),
    ]);
    assert_exit(&run, 2);
    assert!(text(&run).contains("missing.pem"), "{}", text(&run));
    assert!(!dir.path().join("labels.html").exists());
}

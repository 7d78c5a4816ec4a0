//! Bytes as the text of a social-insurance QR code.
#![no_main]

use std::sync::LazyLock;

use hecha_core::capture::pii::PersonHasher;
use hecha_core::capture::si::parse_si_payload;
use libfuzzer_sys::fuzz_target;

static HASHER: LazyLock<Option<PersonHasher>> =
    LazyLock::new(|| PersonHasher::new("fuzz", &[0x44; 32]).ok());

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_si_payload(&text, HASHER.as_ref());
    let _ = parse_si_payload(&text, None);
});

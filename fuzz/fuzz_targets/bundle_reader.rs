//! Bytes as a bundle zip: the strict reader, the BagIt checks and the whole verifier.
#![no_main]

use std::io::Cursor;

use hecha_core::bundle::bagit::{BagZip, ReadLimits};
use hecha_core::bundle::verify::{VerifyOptions, verify_bundle};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut bag) = BagZip::open(Cursor::new(data), ReadLimits::default()) {
        let _ = bag.check(&mut |_| {});
    }
    let _ = verify_bundle(Cursor::new(data), &VerifyOptions::default(), &mut |_| {});
});

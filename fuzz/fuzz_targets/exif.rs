//! Bytes as a photo: format sniffing, JPEG segments and the lenient EXIF reader.
#![no_main]

use std::sync::Once;

use hecha_core::capture::exif::{jpeg_segments, read_exif, sniff_format};
use libfuzzer_sys::fuzz_target;

static DEFAULT_HOOK: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    // libfuzzer-sys's panic hook aborts even on panics the reader contains with
    // catch_unwind (kamadak-exif's); the default hook lets those be, and a panic that
    // escapes still aborts (libfuzzer-sys catches it around this closure).
    DEFAULT_HOOK.call_once(|| drop(std::panic::take_hook()));
    let _ = sniff_format(data);
    let _ = jpeg_segments(data).count();
    let _ = read_exif(data);
});

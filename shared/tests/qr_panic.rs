//! Decoder panics (rqrr#54) are contained and silent, and every other panic still reaches
//! the hook that was installed before. One test in its own process: it swaps the
//! process-wide panic hook.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use hecha_core::capture::qr::{contained, contained_panics};

#[test]
fn decoder_panics_are_silent_failures_and_other_panics_still_reported() {
    let printed = Arc::new(AtomicUsize::new(0));
    let p = Arc::clone(&printed);
    // Stands in for the default hook (the one that prints `thread … panicked at`).
    std::panic::set_hook(Box::new(move |_| {
        p.fetch_add(1, Ordering::SeqCst);
    }));

    // Inside the decoder: caught, reported as a failure (None), not printed, counted.
    let before = contained_panics();
    let r: Option<u32> = contained(|| panic!("rqrr#54 stand-in"));
    assert_eq!(r, None);
    assert_eq!(printed.load(Ordering::SeqCst), 0);
    assert_eq!(contained_panics(), before + 1);
    assert_eq!(contained(|| 7), Some(7));

    // Outside (after the decoder returned, or on another thread): the previous hook runs.
    let outside = std::panic::catch_unwind(|| panic!("not a decoder"));
    assert!(outside.is_err());
    assert_eq!(printed.load(Ordering::SeqCst), 1);
    let t = std::thread::spawn(|| contained(|| 1)).join().unwrap();
    assert_eq!(t, Some(1));
    let _ = std::thread::spawn(|| panic!("another thread")).join();
    assert_eq!(printed.load(Ordering::SeqCst), 2);

    let _ = std::panic::take_hook();
}

//! Containing decoder panics. rqrr panics on some inputs (WanzenBug/rqrr#54) and rxing
//! documents functions that "can panic"; a panic there is one failed attempt, never a
//! crash, and not a scary message on stderr either: the default hook would print
//! `thread 'main' panicked at …` for every such photo in a `hecha qr` batch.
//!
//! A process-wide hook is installed once. It stays silent while the current thread is
//! inside [`contained`] and otherwise hands over to the hook that was there before
//! (so panics elsewhere in the program, and test failures, are reported as usual).

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};

thread_local! {
    static INSIDE_DECODER: Cell<bool> = const { Cell::new(false) };
}

static INSTALL: Once = Once::new();
static CONTAINED: AtomicU64 = AtomicU64::new(0);

fn install_hook() {
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if INSIDE_DECODER.with(Cell::get) {
                CONTAINED.fetch_add(1, Ordering::Relaxed);
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f` (a call into a QR decoder); a panic in it is caught, counted and not printed,
/// and comes back as `None`.
pub fn contained<T>(f: impl FnOnce() -> T) -> Option<T> {
    install_hook();
    let was = INSIDE_DECODER.with(|c| c.replace(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    INSIDE_DECODER.with(|c| c.set(was));
    r.ok()
}

/// How many decoder panics [`contained`] has caught in this process (diagnostics, tests).
pub fn contained_panics() -> u64 {
    CONTAINED.load(Ordering::Relaxed)
}

//! Ctrl-C as a flag the app checks, instead of a signal that kills it on the spot.
//!
//! Killed on the spot, the app could not stop its children in order. With a handler, Ctrl-C (or
//! SIGTERM) only sets a flag; the supervisor checks it before each request, the watchdog while a
//! reply is awaited, and the app then stops and reaps its children and exits with status 130 (the
//! shell's convention for "ended by Ctrl-C").

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Installs the handler. Call it once, before starting any child.
pub fn install() -> Result<(), ctrlc::Error> {
    ctrlc::set_handler(|| REQUESTED.store(true, Ordering::SeqCst))
}

/// Whether Ctrl-C (or SIGTERM) arrived.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

//! Ctrl-C as a flag the app checks, instead of a signal that kills it on the spot.
//!
//! Killed on the spot, the app could not stop its children in order. With a handler, Ctrl-C (or
//! SIGTERM) only sets a flag; the supervisor checks it before each request, the watchdog while a
//! reply is awaited, and the app then stops and reaps its children and exits with status 130 (the
//! shell's convention for "ended by Ctrl-C").
//!
//! The terminal sends Ctrl-C to every process of its foreground group, so each child is started in
//! a group of its own ([`own_process_group`]): only the app hears it.

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

/// Puts a child in a process group of its own, so a Ctrl-C in the terminal reaches only the app
/// (the terminal's foreground group), and the app alone decides when its children stop.
#[cfg(unix)]
pub fn own_process_group(command: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

/// Windows: a new process group does not receive the console's Ctrl-C.
#[cfg(windows)]
pub fn own_process_group(command: &mut std::process::Command) {
    use std::os::windows::process::CommandExt;
    const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200; // from `winbase.h`
    command.creation_flags(CREATE_NEW_PROCESS_GROUP);
}

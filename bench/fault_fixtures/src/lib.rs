//! A processor plugin for step 05 that works like `component1` until call number
//! `ABORT_AT_CALL` (default 1), then aborts the process it is loaded into.
//!
//! Step 05's `panicking_processor` fixture catches its own panic and answers with an error. An
//! abort cannot be caught by anyone: it ends the whole process, and the app with it.
//! `cargo xtask faults` loads this plugin into step 05's hardened app to measure what that costs
//! a run of N pipelines.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use plugin_interface::{ABI_VERSION, PluginDeclaration, ProcessOutput, Text};

/// The environment variable that says which call to `process` aborts, counting from 1.
pub const ABORT_AT_CALL_ENV: &str = "ABORT_AT_CALL";

/// Calls so far, and the call that aborts (read from the environment on the first call).
static CALLS: AtomicU64 = AtomicU64::new(0);
static ABORT_AT_CALL: OnceLock<u64> = OnceLock::new();

extern "C" fn process(value: i32) -> ProcessOutput {
    let abort_at_call = *ABORT_AT_CALL.get_or_init(|| {
        std::env::var(ABORT_AT_CALL_ENV)
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(1)
    });
    let call = CALLS.fetch_add(1, Ordering::Relaxed) + 1;
    if call >= abort_at_call {
        eprintln!("aborting_processor: aborting on call {call}, as asked");
        std::process::abort();
    }
    // The faults run only ever sends 42; an overflow would be a second way to abort, not an
    // error this fixture needs to report.
    let Some(doubled) = value.checked_mul(2) else {
        eprintln!("aborting_processor: {value} * 2 overflows; aborting");
        std::process::abort();
    };
    ProcessOutput {
        value: doubled,
        processed: true,
        error: Text::new(""),
    }
}

// The two functions every plugin exports (see step 05's `component1_dll/src/lib.rs`).
#[unsafe(no_mangle)]
pub extern "C" fn plugin_abi_version() -> u32 {
    ABI_VERSION
}

#[unsafe(no_mangle)]
pub extern "C" fn plugin_declaration() -> PluginDeclaration {
    PluginDeclaration {
        name: Text::new(env!("CARGO_PKG_NAME")),
        version: Text::new(env!("CARGO_PKG_VERSION")),
        process: Some(process),
        transform: None,
    }
}

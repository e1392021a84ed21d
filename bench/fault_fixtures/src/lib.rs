//! A processor plugin for step 05 that works like `component1` until call number
//! `ABORT_AT_CALL` (default 1), then aborts the process it is loaded into.
//!
//! Step 05's own `panicking_processor` fixture shows that a panic inside a plugin is caught at the
//! C boundary and comes back to the app as an error. An abort cannot be caught: it ends the whole
//! process, and the app with it. `cargo xtask faults` loads this plugin into step 05's app to
//! measure what that costs a run of N pipelines.

use std::sync::atomic::{AtomicU64, Ordering};

use plugin_interface::PluginDeclaration;
use plugin_interface::export::{Chatter, PluginComponent, declare_processor, nul_terminated};
use traits::{ComponentError, ProcessResult, Processor};

/// The environment variable that says which call to `process` aborts, counting from 1.
pub const ABORT_AT_CALL_ENV: &str = "ABORT_AT_CALL";

pub struct AbortingProcessor {
    abort_at_call: u64,
    calls: AtomicU64,
}

impl PluginComponent for AbortingProcessor {
    fn create(_chatter: Chatter) -> Self {
        let abort_at_call = std::env::var(ABORT_AT_CALL_ENV)
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(1);
        AbortingProcessor {
            abort_at_call,
            calls: AtomicU64::new(0),
        }
    }
}

impl Processor for AbortingProcessor {
    fn process(&self, value: i32) -> Result<ProcessResult, ComponentError> {
        let call = self.calls.fetch_add(1, Ordering::Relaxed) + 1;
        if call >= self.abort_at_call {
            eprintln!("aborting_processor: aborting on call {call}, as asked");
            std::process::abort();
        }
        // The faults run only ever sends 42; an overflow would be a second way to abort, not an
        // error this fixture needs to report.
        let Some(doubled) = value.checked_mul(2) else {
            eprintln!("aborting_processor: {value} * 2 overflows; aborting");
            std::process::abort();
        };
        Ok(ProcessResult {
            value: doubled,
            processed: true,
        })
    }

    fn validate(&self, data: &ProcessResult) -> Result<bool, ComponentError> {
        Ok(data.processed)
    }
}

#[unsafe(no_mangle)]
pub static PLUGIN_DECLARATION: PluginDeclaration = declare_processor::<AbortingProcessor>(
    nul_terminated(concat!(env!("CARGO_PKG_NAME"), "\0")),
    nul_terminated(concat!(env!("CARGO_PKG_VERSION"), "\0")),
);

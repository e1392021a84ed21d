//! Component1: doubles a value and checks the result, shipped as a plugin file.
//!
//! Step 04's logic, with two changes. An overflow is an error value, not a panic. And the
//! component does not `println!`: a `cdylib` has its own copy of the standard library, with its
//! own stdout buffer and lock, so its lines go to the app (the host) through [`Chatter`], and the
//! app prints them. New at the bottom: [`PLUGIN_DECLARATION`], what the app looks up in this file.
//! Build it with `cargo build -p component1`, test it with `cargo test -p component1`.

use plugin_interface::PluginDeclaration;
// `export` is the plugin's half of the contract: it turns a `Processor` into C functions.
use plugin_interface::export::{Chatter, PluginComponent, declare_processor, nul_terminated};
use traits::{ComponentError, ProcessResult, Processor};

pub struct Component1 {
    chatter: Chatter,
}

// How the plugin builds its component when the app asks for an instance.
impl PluginComponent for Component1 {
    fn create(chatter: Chatter) -> Self {
        chatter.say("[Component1 Lib] Initialized");
        Self { chatter }
    }
}

impl Processor for Component1 {
    fn process(&self, value: i32) -> Result<ProcessResult, ComponentError> {
        // `format_args!` formats only if the app listens (it does not under `--repeat`).
        self.chatter
            .say(format_args!("[Component1 Lib] Processing value: {value}"));
        // `value * 2` would panic or wrap; `checked_mul` makes an overflow a value for the app.
        let doubled = value
            .checked_mul(2)
            .ok_or(ComponentError::Overflow { value })?;
        Ok(ProcessResult {
            value: doubled,
            processed: true,
        })
    }

    fn validate(&self, data: &ProcessResult) -> Result<bool, ComponentError> {
        self.chatter
            .say(format_args!("[Component1 Lib] Validating data: {data:?}"));
        Ok(data.processed && data.value >= 0)
    }
}

/// What the app reads when it loads this file. `declare_processor` fills in the ABI version, our
/// name and version, and a table of `extern "C"` functions that call the methods above.
/// `no_mangle` keeps the symbol's name exactly `PLUGIN_DECLARATION`, for the app to find. A C
/// string ends with a NUL byte, hence the `"\0"`; `nul_terminated` checks it at compile time.
/// `env!("CARGO_PKG_NAME")` is this crate's name from `Cargo.toml`, and `concat!` glues the two
/// strings together, both while compiling.
#[unsafe(no_mangle)]
pub static PLUGIN_DECLARATION: PluginDeclaration = declare_processor::<Component1>(
    nul_terminated(concat!(env!("CARGO_PKG_NAME"), "\0")),
    nul_terminated(concat!(env!("CARGO_PKG_VERSION"), "\0")),
);

// The unit tests are in `tests/mod.rs`, beside this file.
#[cfg(test)]
mod tests;

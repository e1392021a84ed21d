//! Component1: doubles a value and checks the result, shipped as a plugin file.
//!
//! The logic is step 04's, behind the now fallible [`Processor`] contract: doubling a value that
//! does not fit in an `i32` is a [`ComponentError::Overflow`] instead of a panic. What is new is
//! the bottom of the file: [`PLUGIN_DECLARATION`], the one symbol the app looks up when it loads
//! `libcomponent1.so` (`.dylib` on macOS, `component1.dll` on Windows). The chatter lines no longer
//! go to `println!`: they go to the host through [`Chatter`], and the host decides whether to
//! print them.
//!
//! Build the file with `cargo build -p component1`; test the logic with `cargo test -p component1`.

use plugin_interface::PluginDeclaration;
use plugin_interface::export::{Chatter, PluginComponent, declare_processor, nul_terminated};
use traits::{ComponentError, ProcessResult, Processor};

pub struct Component1 {
    chatter: Chatter,
}

impl PluginComponent for Component1 {
    fn create(chatter: Chatter) -> Self {
        chatter.say("[Component1 Lib] Initialized");
        Self { chatter }
    }
}

impl Processor for Component1 {
    fn process(&self, value: i32) -> Result<ProcessResult, ComponentError> {
        self.chatter
            .say(format_args!("[Component1 Lib] Processing value: {}", value));
        // `value * 2` panics on overflow in a debug build and wraps silently in a release build;
        // `checked_mul` makes the failure a value that can travel back to the app.
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
            .say(format_args!("[Component1 Lib] Validating data: {:?}", data));
        Ok(data.processed && data.value >= 0)
    }
}

/// What the app reads first when it loads this file: which contract version we speak, who we
/// are, and which role we can play. `no_mangle` keeps the symbol's name exactly
/// `PLUGIN_DECLARATION`, so the app can find it by name.
#[unsafe(no_mangle)]
pub static PLUGIN_DECLARATION: PluginDeclaration = declare_processor::<Component1>(
    nul_terminated(concat!(env!("CARGO_PKG_NAME"), "\0")),
    nul_terminated(concat!(env!("CARGO_PKG_VERSION"), "\0")),
);

#[cfg(test)]
mod tests {
    use super::*;
    use plugin_interface::ABI_VERSION;
    use std::ffi::CStr;

    #[test]
    fn test_process() {
        let comp1 = Component1::create(Chatter::quiet());
        let data = comp1.process(42).unwrap();
        assert_eq!(
            data,
            ProcessResult {
                value: 84,
                processed: true
            }
        );
        assert!(comp1.validate(&data).unwrap());
    }

    #[test]
    fn negative_results_are_invalid() {
        let comp1 = Component1::create(Chatter::quiet());
        let data = comp1.process(-5).unwrap();
        assert_eq!(data.value, -10);
        assert!(!comp1.validate(&data).unwrap());
    }

    #[test]
    fn doubling_past_the_i32_range_is_an_overflow_error_not_a_panic() {
        let comp1 = Component1::create(Chatter::quiet());
        assert_eq!(
            comp1.process(i32::MAX),
            Err(ComponentError::Overflow { value: i32::MAX })
        );
        assert_eq!(
            comp1.process(i32::MIN / 2 - 1),
            Err(ComponentError::Overflow {
                value: i32::MIN / 2 - 1
            })
        );
        assert_eq!(comp1.process(i32::MAX / 2).unwrap().value, i32::MAX - 1);
    }

    #[test]
    fn declaration_presents_component1_as_a_processor_of_this_abi() {
        let declaration = &PLUGIN_DECLARATION;
        assert_eq!(declaration.abi_version, ABI_VERSION);
        let name = unsafe { CStr::from_ptr(declaration.name) };
        let version = unsafe { CStr::from_ptr(declaration.version) };
        assert_eq!(name, c"component1");
        assert_eq!(version.to_str(), Ok(env!("CARGO_PKG_VERSION")));
        assert!(declaration.processor.is_some());
        assert!(declaration.transformer.is_none());
    }
}

//! Component1: doubles a value and checks the result, shipped as a plugin file.
//!
//! Step 04's logic, except that an overflow is an error value and the chatter goes to the host
//! through [`Chatter`]. New at the bottom: [`PLUGIN_DECLARATION`], what the app looks up in this
//! file. Build it with `cargo build -p component1`, test it with `cargo test -p component1`.

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
            .say(format_args!("[Component1 Lib] Validating data: {:?}", data));
        Ok(data.processed && data.value >= 0)
    }
}

/// What the app reads when it loads this file. `declare_processor` fills in the ABI version, our
/// name and version, and a table of `extern "C"` functions that call the methods above.
/// `no_mangle` keeps the symbol's name exactly `PLUGIN_DECLARATION`, for the app to find.
#[unsafe(no_mangle)]
pub static PLUGIN_DECLARATION: PluginDeclaration = declare_processor::<Component1>(
    nul_terminated(concat!(env!("CARGO_PKG_NAME"), "\0")),
    nul_terminated(concat!(env!("CARGO_PKG_VERSION"), "\0")),
);

#[cfg(test)]
mod tests {
    use super::*;

    fn component1() -> Component1 {
        Component1::create(Chatter::quiet())
    }

    #[test]
    fn test_process() {
        let data = component1().process(42).unwrap();
        assert_eq!((data.value, data.processed), (84, true));
        assert!(component1().validate(&data).unwrap());
    }

    #[test]
    fn negative_results_are_invalid() {
        let data = component1().process(-5).unwrap();
        assert_eq!(data.value, -10);
        assert!(!component1().validate(&data).unwrap());
    }

    #[test]
    fn doubling_past_the_i32_range_is_an_overflow_error_not_a_panic() {
        for value in [i32::MAX, i32::MIN / 2 - 1] {
            let overflow = Err(ComponentError::Overflow { value });
            assert_eq!(component1().process(value), overflow);
        }
        assert_eq!(
            component1().process(i32::MAX / 2).unwrap().value,
            i32::MAX - 1
        );
    }
}

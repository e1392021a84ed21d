//! HexTransformer: a second implementation of the transformer role, written in hexadecimal.
//!
//! It exists to show what loading at run time buys: `app --transformer hex_transformer` picks
//! this file instead of `component2`'s, and the same app binary prints
//! `Analysis: 84 maps to Value-0x0054 (hexadecimal)`. Nothing in the app names this crate.
//!
//! Build the file with `cargo build -p hex_transformer`; test it with
//! `cargo test -p hex_transformer`.

use plugin_interface::PluginDeclaration;
use plugin_interface::export::{Chatter, PluginComponent, declare_transformer, nul_terminated};
use traits::{ComponentError, TransformResult, Transformer};

pub struct HexTransformer {
    chatter: Chatter,
}

impl PluginComponent for HexTransformer {
    fn create(chatter: Chatter) -> Self {
        chatter.say("[Hex Transformer Lib] Initialized");
        Self { chatter }
    }
}

impl Transformer for HexTransformer {
    fn transform(&self, value: i32) -> Result<TransformResult, ComponentError> {
        self.chatter.say(format_args!(
            "[Hex Transformer Lib] Transforming value: {value}"
        ));
        // `{:X}` of a negative `i32` prints its two's complement (`FFFFFFF9`); writing the sign
        // and the magnitude keeps -7 readable as `-0x0007`.
        let sign = if value < 0 { "-" } else { "" };
        Ok(TransformResult {
            original: value,
            transformed: format!("Value-{sign}0x{:04X}", value.unsigned_abs()),
        })
    }

    fn analyze(&self, data: &TransformResult) -> Result<String, ComponentError> {
        self.chatter.say(format_args!(
            "[Hex Transformer Lib] Analyzing data: {data:?}"
        ));
        Ok(format!(
            "Analysis: {} maps to {} (hexadecimal)",
            data.original, data.transformed
        ))
    }
}

/// The declaration the app reads when it loads this file, as in `component2`.
#[unsafe(no_mangle)]
pub static PLUGIN_DECLARATION: PluginDeclaration = declare_transformer::<HexTransformer>(
    nul_terminated(concat!(env!("CARGO_PKG_NAME"), "\0")),
    nul_terminated(concat!(env!("CARGO_PKG_VERSION"), "\0")),
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transforms_into_four_hex_digits() {
        let hex = HexTransformer::create(Chatter::quiet());
        let data = hex.transform(84).unwrap();
        assert_eq!(data.transformed, "Value-0x0054");
        assert_eq!(
            hex.analyze(&data).unwrap(),
            "Analysis: 84 maps to Value-0x0054 (hexadecimal)"
        );
    }

    #[test]
    fn negative_values_get_a_sign_not_twos_complement() {
        let hex = HexTransformer::create(Chatter::quiet());
        assert_eq!(hex.transform(-7).unwrap().transformed, "Value--0x0007");
        assert_eq!(
            hex.transform(i32::MIN).unwrap().transformed,
            "Value--0x80000000"
        );
    }
}

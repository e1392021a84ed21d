//! Component2: formats a value and describes the result, shipped as a plugin file.
//!
//! The logic is step 04's, behind the now fallible [`Transformer`] contract. What is new is the
//! bottom of the file: [`PLUGIN_DECLARATION`], the one symbol the app looks up when it loads
//! `libcomponent2.so` (`.dylib` on macOS, `component2.dll` on Windows). The `String`s this
//! component returns never reach the app as `String`s: the table built by `declare_transformer`
//! copies them into C strings that this plugin allocates and, when the app hands them back,
//! frees.
//!
//! Build the file with `cargo build -p component2`; test the logic with `cargo test -p component2`.

use plugin_interface::PluginDeclaration;
use plugin_interface::export::{Chatter, PluginComponent, declare_transformer, nul_terminated};
use traits::{ComponentError, TransformResult, Transformer};

pub struct Component2 {
    chatter: Chatter,
}

impl PluginComponent for Component2 {
    fn create(chatter: Chatter) -> Self {
        chatter.say("[Component2 Lib] Initialized");
        Self { chatter }
    }
}

impl Transformer for Component2 {
    fn transform(&self, value: i32) -> Result<TransformResult, ComponentError> {
        self.chatter
            .say(format_args!("[Component2 Lib] Transforming value: {value}"));
        Ok(TransformResult {
            original: value,
            transformed: format!("Value-{:04}", value),
        })
    }

    fn analyze(&self, data: &TransformResult) -> Result<String, ComponentError> {
        self.chatter
            .say(format_args!("[Component2 Lib] Analyzing data: {data:?}"));
        Ok(format!(
            "Analysis: {} maps to {}",
            data.original, data.transformed
        ))
    }
}

/// What the app reads first when it loads this file: which contract version we speak, who we
/// are, and which role we can play. `no_mangle` keeps the symbol's name exactly
/// `PLUGIN_DECLARATION`, so the app can find it by name.
#[unsafe(no_mangle)]
pub static PLUGIN_DECLARATION: PluginDeclaration = declare_transformer::<Component2>(
    nul_terminated(concat!(env!("CARGO_PKG_NAME"), "\0")),
    nul_terminated(concat!(env!("CARGO_PKG_VERSION"), "\0")),
);

// Until step 04 this test lived in `tests/`, where it could use the crate only from the outside.
// A `cdylib`-only crate has no Rust API left to import from there: its outside is the C
// declaration, which the app's tests load from the real file. So the test of the logic moved here.
#[cfg(test)]
mod tests {
    use super::*;
    use plugin_interface::ABI_VERSION;

    #[test]
    fn test_transform() {
        let comp2 = Component2::create(Chatter::quiet());
        let data = comp2.transform(84).unwrap();
        assert_eq!(data.original, 84);
        assert_eq!(data.transformed, "Value-0084");
        assert_eq!(
            comp2.analyze(&data).unwrap(),
            "Analysis: 84 maps to Value-0084"
        );
    }

    #[test]
    fn negative_values_keep_their_sign_in_four_digits() {
        let comp2 = Component2::create(Chatter::quiet());
        assert_eq!(comp2.transform(-7).unwrap().transformed, "Value--007");
    }

    #[test]
    fn declaration_presents_component2_as_a_transformer_of_this_abi() {
        assert_eq!(PLUGIN_DECLARATION.abi_version, ABI_VERSION);
        assert!(PLUGIN_DECLARATION.processor.is_none());
        assert!(PLUGIN_DECLARATION.transformer.is_some());
    }
}

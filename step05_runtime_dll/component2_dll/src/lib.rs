//! Component2 as a plugin file: step 04's formatting, behind the C contract of `plugin_interface`.
//! The `String` it makes cannot cross to the app (its memory belongs to this file), so it goes
//! back copied into a `Text`. Its tests: `cargo test -p component2`.

use plugin_interface::{ABI_VERSION, PluginDeclaration, Text, TransformOutput};

extern "C" fn transform(value: i32) -> TransformOutput {
    TransformOutput {
        original: value,
        transformed: Text::new(&format!("Value-{:04}", value)),
        error: Text::new(""),
    }
}

// The two functions the app looks up, as in component1.
#[unsafe(no_mangle)]
pub extern "C" fn plugin_abi_version() -> u32 {
    ABI_VERSION
}

#[unsafe(no_mangle)]
pub extern "C" fn plugin_declaration() -> PluginDeclaration {
    PluginDeclaration {
        name: Text::new(env!("CARGO_PKG_NAME")),
        version: Text::new(env!("CARGO_PKG_VERSION")),
        process: None,
        transform: Some(transform),
    }
}

// Until step 04 this test lived in `tests/`, using the crate from the outside. A `cdylib`-only
// crate has no Rust API left for `tests/` to import: its outside is the two functions above, which
// the app's tests reach by loading the real file. So the test of the logic moved here.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_transform() {
        let output = transform(84);
        assert_eq!(output.error.len, 0);
        assert_eq!(output.original, 84);
        assert_eq!(output.transformed.to_string_lossy(), "Value-0084");
    }

    #[test]
    fn negative_values_keep_their_sign_in_four_digits() {
        assert_eq!(transform(-7).transformed.to_string_lossy(), "Value--007");
    }

    #[test]
    fn every_i32_fits_in_a_text() {
        assert_eq!(
            transform(i32::MIN).transformed.to_string_lossy(),
            "Value--2147483648"
        );
    }
}

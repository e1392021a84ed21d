//! Component2 as a plugin file: formats a value, behind the C contract of `plugin_interface`.
//!
//! Step 04's logic. The `String` it makes cannot cross to the app (its memory belongs to this
//! file's allocator), so it goes back copied into a `Text`. Test it with
//! `cargo test -p component2`.

use plugin_interface::{ABI_VERSION, PluginDeclaration, Status, Text, TransformOutput};

/// What the app calls, through the declaration below.
extern "C" fn transform(value: i32) -> TransformOutput {
    TransformOutput {
        status: Status::OK,
        original: value,
        transformed: Text::new(&format!("Value-{:04}", value)),
        message: Text::new(""),
    }
}

/// A transformer: `transform` filled in, `process` not.
static DECLARATION: PluginDeclaration = PluginDeclaration {
    name: Text::new(env!("CARGO_PKG_NAME")),
    version: Text::new(env!("CARGO_PKG_VERSION")),
    process: None,
    transform: Some(transform),
};

// The two functions the app looks up, as in component1.
#[unsafe(no_mangle)]
pub extern "C" fn plugin_abi_version() -> u32 {
    ABI_VERSION
}

#[unsafe(no_mangle)]
pub extern "C" fn plugin_declaration() -> &'static PluginDeclaration {
    &DECLARATION
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
        assert_eq!(output.status, Status::OK);
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

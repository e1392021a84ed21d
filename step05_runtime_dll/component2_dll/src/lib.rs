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
        text: Text::new(&format!("Value-{:04}", value)),
    }
}

/// The one symbol the app looks up in this file, `PLUGIN`: a transformer, so `process` is `None`.
/// `no_mangle` keeps the name exactly `PLUGIN` (see component1's comment on why it is unsafe).
#[unsafe(no_mangle)]
pub static PLUGIN: PluginDeclaration = PluginDeclaration {
    abi_version: ABI_VERSION,
    name: Text::new(env!("CARGO_PKG_NAME")),
    version: Text::new(env!("CARGO_PKG_VERSION")),
    process: None,
    transform: Some(transform),
};

// Until step 04 this test lived in `tests/`, using the crate from the outside. A `cdylib`-only
// crate has no Rust API left for `tests/` to import: its outside is the declaration above, which
// the app's tests load from the real file. So the test of the logic moved here.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_transform() {
        let output = transform(84);
        assert_eq!(output.status, Status::OK);
        assert_eq!(output.original, 84);
        assert_eq!(output.text.to_string_lossy(), "Value-0084");
    }

    #[test]
    fn negative_values_keep_their_sign_in_four_digits() {
        assert_eq!(transform(-7).text.to_string_lossy(), "Value--007");
    }

    #[test]
    fn every_i32_fits_in_a_text() {
        assert_eq!(
            transform(i32::MIN).text.to_string_lossy(),
            "Value--2147483648"
        );
    }
}

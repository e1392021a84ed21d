//! Component1 as a plugin file: step 04's doubling, behind the C contract of `plugin_interface`.
//!
//! Two changes from step 04: an overflow is an answer (`Status::REJECTED` and a message), not a
//! panic; and the app reaches this file only through the `static` at the bottom. Test it with
//! `cargo test -p component1`.

use plugin_interface::{ABI_VERSION, PluginDeclaration, ProcessOutput, Status, Text};

/// What the app calls, through the declaration below. `extern "C"`: called the way C calls a
/// function, the one way the app and this separately built file agree on. A panic cannot leave
/// an `extern "C"` function (the whole process would abort), so an overflow goes back as a status.
extern "C" fn process(value: i32) -> ProcessOutput {
    match value.checked_mul(2) {
        Some(doubled) => ProcessOutput {
            status: Status::OK,
            value: doubled,
            processed: true,
            message: Text::new(""),
        },
        None => ProcessOutput {
            status: Status::REJECTED,
            value,
            processed: false,
            message: Text::new(&format!("{value} * 2 does not fit in an i32")),
        },
    }
}

/// The one symbol the app looks up in this file. Rust normally stores a name as a longer, unique
/// one (crate, module, a hash: "mangling"); `#[unsafe(no_mangle)]` keeps exactly
/// `PLUGIN`. It is marked unsafe because two equal names built into one program would clash.
/// That is fine here: nothing links the plugins; the app opens each file separately and asks
/// that file for its `PLUGIN`.
#[unsafe(no_mangle)]
pub static PLUGIN: PluginDeclaration = PluginDeclaration {
    abi_version: ABI_VERSION,
    name: Text::new(env!("CARGO_PKG_NAME")),
    version: Text::new(env!("CARGO_PKG_VERSION")),
    process: Some(process),
    transform: None,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_process() {
        let output = process(42);
        assert_eq!(output.status, Status::OK);
        assert_eq!((output.value, output.processed), (84, true));
    }

    #[test]
    fn doubling_past_the_i32_range_is_rejected_with_a_message_not_a_panic() {
        for value in [i32::MAX, i32::MIN / 2 - 1] {
            let output = process(value);
            assert_eq!(output.status, Status::REJECTED);
            let message = output.message.to_string_lossy();
            assert_eq!(message, format!("{value} * 2 does not fit in an i32"));
        }
        assert_eq!(process(i32::MAX / 2).value, i32::MAX - 1);
    }

    #[test]
    fn the_declaration_names_this_crate_and_this_abi() {
        assert_eq!(PLUGIN.abi_version, ABI_VERSION);
        assert_eq!(PLUGIN.name.to_string_lossy(), "component1");
        assert_eq!(PLUGIN.version.to_string_lossy(), "0.1.0");
    }
}

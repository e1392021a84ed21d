//! Component1 as a plugin file: step 04's doubling, behind the C contract of `plugin_interface`.
//! The app reaches this file only through the two functions at the bottom. Its tests:
//! `cargo test -p component1`.

use plugin_interface::{ABI_VERSION, PluginDeclaration, ProcessOutput, Text};

/// `extern "C"`: called the way C calls a function, the one way the app and this separately built
/// file agree on. A panic cannot leave such a function (the whole process would abort), so an
/// overflow goes back as an `error`.
extern "C" fn process(value: i32) -> ProcessOutput {
    match value.checked_mul(2) {
        Some(doubled) => ProcessOutput {
            value: doubled,
            processed: true,
            error: Text::new(""),
        },
        None => ProcessOutput {
            value,
            processed: false,
            error: Text::new(&format!("{value} * 2 does not fit in an i32")),
        },
    }
}

// `no_mangle`: exported under exactly this name, so that the app can look it up. It is `unsafe`
// because two functions exported under one name in the same file would clash, and the compiler
// cannot see every library linked into the file to check. SAFETY: nothing else in this file
// exports these two names. component2's file exports the same two, which is fine: the app opens
// each file on its own and looks each name up in that one file.
#[unsafe(no_mangle)]
pub extern "C" fn plugin_abi_version() -> u32 {
    ABI_VERSION
}

#[unsafe(no_mangle)]
pub extern "C" fn plugin_declaration() -> PluginDeclaration {
    PluginDeclaration {
        name: Text::new(env!("CARGO_PKG_NAME")), // "component1", from Cargo.toml
        version: Text::new(env!("CARGO_PKG_VERSION")),
        process: Some(process), // a processor,
        transform: None,        // not a transformer
    }
}

#[cfg(test)]
mod tests; // in `tests.rs`, so that this file reads in one go

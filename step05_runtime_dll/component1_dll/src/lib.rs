//! Component1 as a plugin file: step 04's doubling, behind the C contract of `plugin_interface`.
//! An overflow is now an answer (`Status::REJECTED` and a message), not a panic. The app reaches
//! this file only through the two functions at the bottom. Tests: `cargo test -p component1`.

use plugin_interface::{ABI_VERSION, PluginDeclaration, ProcessOutput, Status, Text};

/// `extern "C"`: called the way C calls a function, the one way the app and this separately built
/// file agree on. A panic cannot leave an `extern "C"` function (the whole process would abort),
/// so an overflow goes back as a status.
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

/// A processor: `process` filled in, `transform` not. A `static` is one value at one address for
/// as long as the file is loaded, so the app may be handed a reference to it.
static DECLARATION: PluginDeclaration = PluginDeclaration {
    name: Text::new(env!("CARGO_PKG_NAME")),
    version: Text::new(env!("CARGO_PKG_VERSION")),
    process: Some(process),
    transform: None,
};

// The app looks these two up by name. Rust normally exports a longer, unique name (crate, module,
// a hash: "mangling"); `#[unsafe(no_mangle)]` keeps the name as written. Unsafe, as two equal
// names in one program would clash: not here, where the app opens each plugin file on its own.
#[unsafe(no_mangle)]
pub extern "C" fn plugin_abi_version() -> u32 {
    ABI_VERSION // called first; the app goes on only if this is its own version
}

#[unsafe(no_mangle)]
pub extern "C" fn plugin_declaration() -> &'static PluginDeclaration {
    &DECLARATION // `&'static`: a reference to a `static`
}

#[cfg(test)]
mod tests; // in `tests.rs`, so that this file reads in one go

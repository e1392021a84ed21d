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

/// What the app copies out: a processor fills `process`, not `transform`.
static DECLARATION: PluginDeclaration = PluginDeclaration {
    name: Text::new(env!("CARGO_PKG_NAME")), // "component1"
    version: Text::new(env!("CARGO_PKG_VERSION")),
    process: Some(process), // step 04's doubling
    transform: None,
};

// `no_mangle`: exported under exactly this name, so the app can look it up (README, New words).
// `unsafe`: two functions of one name in one library would clash. SAFETY: this library has one,
// and the app looks each name up in one library at a time, so component2's functions of the
// same names do not clash with these.
#[unsafe(no_mangle)]
pub extern "C" fn plugin_abi_version() -> u32 {
    ABI_VERSION
}

// `&'static`: a reference to the `static` above.
#[unsafe(no_mangle)]
pub extern "C" fn plugin_declaration() -> &'static PluginDeclaration {
    &DECLARATION
}

#[cfg(test)]
mod tests; // in `tests.rs`, so that this file reads in one go

//! The C contract: all that crosses between the app and its plugins, compiled into both. Only
//! `#[repr(C)]` structs (of numbers, `bool`s, bytes, function pointers) and `extern "C"`
//! functions cross: C's rules are fixed, Rust's may differ between two builds.

// `Text` is how a string crosses: a length and up to 120 bytes inside the struct, copied like a
// number. `Text::new("...")` makes one; `.to_string_lossy()` reads it back as a `String`.
mod text;
pub use text::{TEXT_CAPACITY, Text};

/// Bump it when anything else here changes: the app then refuses old plugins, not misreads them.
pub const ABI_VERSION: u32 = 1;

/// Every plugin exports two `extern "C"` functions, by these names and of these types (`type`
/// names a type). The first returns the plugin's `ABI_VERSION`. Its type never changes, in any
/// version of the contract: so the app may call it in any plugin.
pub const ABI_VERSION_SYMBOL: &str = "plugin_abi_version";
pub type AbiVersionFn = extern "C" fn() -> u32;

/// The second, called only once the versions match, returns the plugin's declaration.
pub const DECLARATION_SYMBOL: &str = "plugin_declaration";
pub type DeclarationFn = extern "C" fn() -> &'static PluginDeclaration;

/// What a plugin is. A processor fills `process`, a transformer `transform`; the other stays
/// `None`, laid out as a null (0) function pointer.
#[repr(C)]
pub struct PluginDeclaration {
    pub name: Text,
    pub version: Text,
    pub process: Option<extern "C" fn(value: i32) -> ProcessOutput>,
    pub transform: Option<extern "C" fn(value: i32) -> TransformOutput>,
}

/// On `Status::REJECTED`, `message` says why.
#[repr(C)]
pub struct ProcessOutput {
    pub status: Status,
    pub value: i32,
    pub processed: bool,
    pub message: Text,
}

/// On `Status::OK`, `text` is the result; on `Status::REJECTED`, it says why.
#[repr(C)]
pub struct TransformOutput {
    pub status: Status,
    pub original: i32,
    pub text: Text,
}

/// How a call went: a `u32`, not an `enum`. A newer plugin may send a number this app does not
/// know, and reading that into a Rust `enum` is undefined behaviour.
#[repr(transparent)] // laid out exactly like its one field
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status(pub u32);

impl Status {
    pub const OK: Status = Status(0);
    pub const REJECTED: Status = Status(1);
}

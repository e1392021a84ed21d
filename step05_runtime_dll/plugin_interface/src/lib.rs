//! The C contract: all that crosses between the app and its plugins, built into both. Two Rust
//! builds may lay out a type differently; C's rules are fixed, so only C's rules are used here.

mod text; // `Text`: a string that can cross (the README shows it)
pub use text::{TEXT_CAPACITY, Text};

/// Bump it when anything else here changes: the app then refuses old plugins, not misreads them.
pub const ABI_VERSION: u32 = 1;

/// Every plugin exports `plugin_abi_version` and `plugin_declaration`, of these types (`type` names
/// a type). The app calls the first in any plugin, as its type never changes; the second only if
/// the plugin's `ABI_VERSION` is the app's.
pub type AbiVersionFn = extern "C" fn() -> u32;
pub type DeclarationFn = extern "C" fn() -> &'static PluginDeclaration;

/// What a plugin is. A processor fills `process`, a transformer `transform`; the other is `None`.
#[repr(C)] // laid out by C's rules: the fields in the order written
pub struct PluginDeclaration {
    pub name: Text,
    pub version: Text,
    pub process: Option<extern "C" fn(value: i32) -> ProcessOutput>,
    pub transform: Option<extern "C" fn(value: i32) -> TransformOutput>,
}

/// Step 04's `ProcessResult`, plus a status; if it is `Status::REJECTED`, `message` says why.
#[repr(C)]
pub struct ProcessOutput {
    pub status: Status,
    pub value: i32,
    pub processed: bool,
    pub message: Text,
}

/// Step 04's `TransformResult`, likewise.
#[repr(C)]
pub struct TransformOutput {
    pub status: Status,
    pub original: i32,
    pub transformed: Text,
    pub message: Text,
}

/// How a call went. A `u32`, not an `enum`: an `enum` holding a number that none of its variants
/// has is undefined behaviour.
#[repr(transparent)] // laid out as its one field
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status(pub u32);

impl Status {
    pub const OK: Status = Status(0);
    pub const REJECTED: Status = Status(1);
}

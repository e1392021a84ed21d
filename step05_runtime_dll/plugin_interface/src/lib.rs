//! The C contract: what crosses between the app and its plugins, laid out by C's rules.

mod text; // `Text`: a string that can cross
pub use text::{TEXT_CAPACITY, Text};

/// Bump it when anything else here changes: the app then refuses older plugins.
pub const ABI_VERSION: u32 = 1;

/// The two functions every plugin exports. The first one's type never changes, so the app can
/// call it whatever contract the plugin was built for.
pub type AbiVersionFn = extern "C" fn() -> u32;
pub type DeclarationFn = extern "C" fn() -> &'static PluginDeclaration;

/// A processor fills `process`, a transformer `transform`; `None` crosses as a null pointer.
#[repr(C)]
pub struct PluginDeclaration {
    pub name: Text,
    pub version: Text,
    pub process: Option<extern "C" fn(value: i32) -> ProcessOutput>,
    pub transform: Option<extern "C" fn(value: i32) -> TransformOutput>,
}

/// Step 04's `ProcessResult`, with a status, and a message if it is not `OK`.
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

/// A number, not an `enum`: a plugin may send a value an `enum` does not list, and the compiler
/// assumes an `enum` never holds one (if it does, anything may happen). Here it is just a status
/// that is not `OK`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status(pub u32);

impl Status {
    pub const OK: Status = Status(0);
    pub const REJECTED: Status = Status(1);
}

//! The C contract: what crosses between the app and its plugins, laid out by C's fixed rules.

mod text; // `Text`: a string that can cross (the README says what it is)
pub use text::{TEXT_CAPACITY, Text};

/// Bump it when anything else here changes: the app then refuses old plugins, not misreads them.
pub const ABI_VERSION: u32 = 1;

/// The types of the two functions every plugin exports. The first never changes in any version.
pub type AbiVersionFn = extern "C" fn() -> u32;
pub type DeclarationFn = extern "C" fn() -> &'static PluginDeclaration;

/// A plugin: a processor fills `process`, a transformer `transform`; `None` crosses as C's null.
#[repr(C)]
pub struct PluginDeclaration {
    pub name: Text,
    pub version: Text,
    pub process: Option<extern "C" fn(value: i32) -> ProcessOutput>,
    pub transform: Option<extern "C" fn(value: i32) -> TransformOutput>,
}

/// Step 04's `ProcessResult`, plus a status; if it is not `Status::OK`, `message` says why.
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

/// `OK`, or a refusal. Not an `enum`: one holding a value it does not list is undefined behaviour,
/// and a plugin may send any number.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status(pub u32);

impl Status {
    pub const OK: Status = Status(0);
    pub const REJECTED: Status = Status(1);
}

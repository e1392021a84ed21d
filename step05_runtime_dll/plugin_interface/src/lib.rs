//! The C contract: all that crosses between the app and its plugins, built into both. Two Rust
//! builds may lay out a type differently; C's rules are fixed, so only C's rules are used here.

mod text; // `Text`: a string that can cross (the README says what it is)
pub use text::{TEXT_CAPACITY, Text};

/// Bump it when anything else here changes: the app then refuses old plugins, not misreads them.
pub const ABI_VERSION: u32 = 1;

/// The types of the two functions every plugin exports (the README shows component1's); `type`
/// names them. The second returns a reference to a `static` inside the plugin.
pub type AbiVersionFn = extern "C" fn() -> u32;
pub type DeclarationFn = extern "C" fn() -> &'static PluginDeclaration;

/// What a plugin is. A processor fills `process`, a transformer `transform`; the other is `None`.
#[repr(C)] // laid out by C's rules: the fields in the order written
pub struct PluginDeclaration {
    pub name: Text,
    pub version: Text,
    // A function pointer (a function's address) is never 0, so Rust stores `None` as 0, which is
    // C's "no function": an `Option` of one is laid out as C expects, and may cross.
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

/// How a call went: `Status::OK`, or the plugin refused (`Status::REJECTED`, or any other number).
/// A number, not an `enum`: a plugin may send any number, and the app's code for an `enum` trusts
/// it to hold one it lists: an unlisted one could make a `match` on it do anything, with no error.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status(pub u32);

impl Status {
    pub const OK: Status = Status(0);
    pub const REJECTED: Status = Status(1);
}

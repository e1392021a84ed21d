//! The C contract between the app and its plugin files: all that crosses between them. Both
//! sides compile this crate into their own file. Rust promises no layout between two builds; C's
//! rules are fixed, so only `#[repr(C)]` structs (of numbers, `bool`s, bytes, function pointers)
//! and `extern "C"` functions cross. A string crosses as a `Text` (`text.rs`).

mod text;
pub use text::{TEXT_CAPACITY, Text};

/// Bump it when anything below changes shape: the app then refuses old plugins, not misreads them.
pub const ABI_VERSION: u32 = 1;

/// The name every plugin exports its declaration under: the one name the app looks up.
pub const SYMBOL: &str = "PLUGIN";

/// What every plugin exports, as `PLUGIN`. A processor fills `process`, a transformer
/// `transform`; the other stays `None`. An `Option` of a function pointer is laid out as C's
/// nullable pointer: `None` is a null address.
#[repr(C)]
pub struct PluginDeclaration {
    /// First in every version of the contract, so the app can always read it, and read it first.
    pub abi_version: u32,
    pub name: Text,
    pub version: Text,
    /// A function pointer: the address of an `extern "C"` function in the plugin file.
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

/// How a call went: a `u32`, laid out as one (`repr(transparent)`). Not an `enum`: an `enum` may
/// only hold the values it lists, and a newer plugin may send a number this app does not know;
/// an `enum` holding it would break that rule, which is undefined behaviour.
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status(pub u32);

impl Status {
    pub const OK: Status = Status(0);
    pub const REJECTED: Status = Status(1);
}

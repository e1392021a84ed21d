//! The C contract between the app and its plugin files: all that crosses between them. Both
//! sides compile this crate into their own file. Rust promises no layout between two builds; C's
//! rules are fixed, so only `#[repr(C)]` structs (of numbers, `bool`s, bytes, function pointers)
//! and `extern "C"` functions cross. A string crosses as a `Text` (`text.rs`).

mod text;
pub use text::{TEXT_CAPACITY, Text};

/// Bump it whenever anything below changes shape: the app then refuses a plugin built against
/// the old shape instead of misreading it.
pub const ABI_VERSION: u32 = 1;

/// A role's table, and the name a plugin of that role exports its declaration under.
///
/// # Safety
///
/// An impl promises that `SYMBOL`, in a plugin of this role, is a `PluginDeclaration<Self>`: the
/// app reads it as one.
pub unsafe trait Role: Copy {
    const SYMBOL: &'static str;
}

// SAFETY: every processor plugin exports `PluginDeclaration<ProcessorFunctions>` by this name.
unsafe impl Role for ProcessorFunctions {
    const SYMBOL: &'static str = "PROCESSOR_PLUGIN";
}

// SAFETY: every transformer plugin exports `PluginDeclaration<TransformerFunctions>` by this name.
unsafe impl Role for TransformerFunctions {
    const SYMBOL: &'static str = "TRANSFORMER_PLUGIN";
}

/// What a plugin exports. `Functions`, a type parameter, is the role's table (below).
#[repr(C)]
pub struct PluginDeclaration<Functions> {
    /// First in every version of the contract, so the app can always read it, and read it first.
    pub abi_version: u32,
    pub name: Text,
    pub version: Text,
    pub functions: Functions,
}

/// A processor's table: a function pointer, the address of an `extern "C"` function in the file.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ProcessorFunctions {
    pub process: extern "C" fn(value: i32) -> ProcessOutput,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct TransformerFunctions {
    pub transform: extern "C" fn(value: i32) -> TransformOutput,
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

/// How a call went: a `u32`, laid out as one (`repr(transparent)`). Not an `enum`: a newer plugin
/// may send a number this app does not know, and an `enum` holding it is undefined behaviour.
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status(pub u32);

impl Status {
    pub const OK: Status = Status(0);
    pub const REJECTED: Status = Status(1);
}

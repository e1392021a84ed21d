//! The plugin contract: exactly what crosses the boundary between the app and a plugin file.
//!
//! Rust has no stable ABI (the binary layout of data and calls): two separately compiled crates
//! may lay out a `String`, a `Box` or a `&dyn Trait` differently. So only `extern "C"` functions
//! and `#[repr(C)]` types cross here, laid out the way C does. The *host* is the app, which loads
//! the plugins; its half is `app/src/plugin.rs`. [`export`] is the plugin's half.
//!
//! `*const T` and `*mut T` are raw pointers: addresses the compiler does not check, which only
//! `unsafe` code may read through. `c_void` stands for "some type only the other side knows";
//! `c_char` is C's `char`, one byte of a C string.
//!
//! The rules both sides follow:
//! - **Handshake first.** The host reads [`PluginDeclaration::abi_version`] before anything else
//!   and stops if it is not [`ABI_VERSION`]: the rest may have another layout.
//! - **Whoever allocates, frees.** The host copies a string the plugin returns, then gives it back
//!   through [`PluginDeclaration::free_string`]: each side may use another allocator.
//! - **No unwinding across the boundary.** Every exported function catches panics and returns
//!   them as a [`CallStatus`]; a panic that reached an `extern "C"` frame would abort the host.
//! - **Pointers are valid for the call.** Neither side keeps the other's pointers afterwards.

use std::ffi::{CStr, c_char, c_void};

// `From` between the C-shaped results here and the Rust ones of `traits`.
mod convert;
// The plugin's half: `declare_processor` and the `extern "C"` functions of its table.
pub mod export;
mod transformer;

// The transformer role's table and data (in `transformer.rs`), built like the processor's below.
pub use transformer::{FfiTransformResult, TransformerTable};

/// The version of this contract. Bump it whenever a type here changes shape: a plugin built
/// against another version is refused at load time instead of being called with the wrong layout.
pub const ABI_VERSION: u32 = 1;

/// The one symbol the host looks up in a plugin file: a [`PluginDeclaration`] static.
/// `c"..."` is a C string literal: a `&CStr`, which ends with a NUL byte.
pub const DECLARATION_SYMBOL: &CStr = c"PLUGIN_DECLARATION";

/// What a plugin says about itself: each plugin exports one `static PLUGIN_DECLARATION`. It plays
/// a role by filling in that role's table. Everything it points to lives as long as the library.
#[repr(C)]
pub struct PluginDeclaration {
    /// The first field in every version of this contract: the host reads it alone, first.
    pub abi_version: u32,
    /// The plugin's name, NUL-terminated UTF-8 (for example `component1`).
    pub name: *const c_char,
    /// The plugin's own version, NUL-terminated UTF-8 (for example `0.1.0`).
    pub version: *const c_char,
    /// Filled in if the plugin can be the processor. Rust guarantees that an `Option` of a
    /// reference or of a function pointer is a C pointer where `None` is null, so this is C too.
    pub processor: Option<&'static ProcessorTable>,
    /// Filled in if the plugin can be the transformer.
    pub transformer: Option<&'static TransformerTable>,
    /// Frees a string the plugin handed out, with the plugin's own allocator.
    pub free_string: FreeStringFn,
}

// A `static` must be `Sync` (safe to share between threads), and Rust does not assume it of a
// struct holding raw pointers: `unsafe impl` is our promise that it is.
// SAFETY: a declaration and all it points to are immutable, so threads may share it.
unsafe impl Sync for PluginDeclaration {}

/// Frees a string that the plugin allocated. Null is allowed and does nothing.
pub type FreeStringFn = unsafe extern "C" fn(text: *mut c_char);

/// Where a plugin sends its chatter (`[Component1 Lib] ...`), one NUL-terminated line per call.
pub type LogFn = unsafe extern "C" fn(line: *const c_char);

/// Creates an instance. `log` is where it sends its chatter (`None` for silence); `out` is where
/// it writes the new instance's address (a pointer to the host's pointer, hence `*mut *mut`).
pub type CreateFn = unsafe extern "C" fn(log: Option<LogFn>, out: *mut *mut c_void) -> CallStatus;

/// Frees an instance that `create` made, before the host unloads the library.
pub type DestroyFn = unsafe extern "C" fn(instance: *mut c_void) -> CallStatus;

/// The processor role, as a table of C functions: `create` makes an instance; every other call
/// takes that instance, its input, and a place for its output, and returns a status; `destroy`
/// frees the instance.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ProcessorTable {
    pub create: CreateFn,
    pub process: unsafe extern "C" fn(*const c_void, i32, *mut FfiProcessResult) -> CallStatus,
    pub validate:
        unsafe extern "C" fn(*const c_void, *const FfiProcessResult, *mut bool) -> CallStatus,
    pub destroy: DestroyFn,
}

/// [`ProcessResult`](traits::ProcessResult) in C layout: an `i32` and a C `bool`.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct FfiProcessResult {
    pub value: i32,
    pub processed: bool,
}

/// How a call went. `message` is null for [`StatusCode::OK`], else a string the host frees.
#[repr(C)]
#[derive(Debug)]
pub struct CallStatus {
    pub code: StatusCode,
    pub message: *mut c_char,
}

/// A `u32`, not an `enum`: an unknown value (from a newer plugin) must be something the host can
/// report, and an unknown discriminant in a Rust `enum` would be undefined behaviour.
/// `#[repr(transparent)]`: laid out exactly as the `u32` inside it.
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusCode(pub u32);

impl StatusCode {
    /// The call worked and wrote its result.
    pub const OK: StatusCode = StatusCode(0);
    /// The component returned an error (for example an overflow); `message` says which.
    pub const REJECTED: StatusCode = StatusCode(1);
    /// The component panicked; the plugin caught it and `message` holds the panic's text.
    pub const PANICKED: StatusCode = StatusCode(2);
}

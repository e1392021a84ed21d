//! The plugin contract: exactly what crosses the boundary between the app and a plugin file.
//!
//! Rust has no stable ABI. Two crates built by different compilers, or by the same compiler with
//! other flags, may lay out a `String`, a `Vec` or a `&dyn Trait` differently, and nothing checks
//! that they agree. So nothing Rust-shaped crosses this boundary: only `extern "C"` functions and
//! `#[repr(C)]` types, which every compiler lays out the way C does. The Rust traits stay on each
//! side: the plugin implements `traits::Processor`, the app wraps the plugin back into one.
//!
//! # Layout
//!
//! - This file is the ABI itself: [`ABI_VERSION`]; the [`PluginDeclaration`] that every plugin
//!   exports under the name [`DECLARATION_SYMBOL`]; the function tables [`ProcessorTable`] and
//!   [`TransformerTable`]; and the C-shaped data they pass ([`FfiProcessResult`],
//!   [`FfiTransformResult`], [`CallStatus`]).
//! - [`export`] is the plugin's half: it fills those tables from an ordinary `Processor` or
//!   `Transformer`, catches every panic, and hands out and frees the plugin's strings.
//!
//! The app's half (opening the file, checking the declaration, calling through the tables) lives
//! in the app, which uses this crate for its types only.
//!
//! # The rules both sides follow
//!
//! - **Handshake first.** The host reads [`PluginDeclaration::abi_version`] before anything else
//!   and stops there if it is not [`ABI_VERSION`]: the rest of the struct may have another layout.
//! - **Whoever allocates, frees.** Strings the plugin returns (a transformed value, an analysis,
//!   an error message) are the plugin's: the host copies them and gives them back through
//!   [`PluginDeclaration::free_string`]. The host's own strings stay the host's. Each side may use
//!   another allocator, so memory never changes hands.
//! - **No unwinding across the boundary.** Every exported function catches panics and returns
//!   them as a [`CallStatus`]; a panic that reached an `extern "C"` frame would abort the host.
//! - **Pointers are valid for the call.** The host never passes null, and the plugin keeps none
//!   of the host's pointers after the call returns. An instance is used from one thread at a time.

use std::ffi::{CStr, c_char, c_void};

use traits::ProcessResult;

pub mod export;

/// The version of this contract. Bump it whenever anything below changes shape: a plugin built
/// against another version is refused at load time instead of being called with the wrong layout.
pub const ABI_VERSION: u32 = 1;

/// The one symbol the host looks up in a plugin file: a [`PluginDeclaration`] static.
pub const DECLARATION_SYMBOL: &CStr = c"PLUGIN_DECLARATION";

/// What a plugin says about itself. Each plugin exports one, as
/// `#[unsafe(no_mangle)] pub static PLUGIN_DECLARATION: PluginDeclaration`.
///
/// A plugin plays a role by filling in that role's table: `processor`, `transformer`, or both.
/// The `'static` references and strings live as long as the library stays loaded.
#[repr(C)]
pub struct PluginDeclaration {
    /// Always the first field, in every version of this contract: the host reads it alone, before
    /// it trusts anything else, so its place must never move.
    pub abi_version: u32,
    /// The plugin's name, NUL-terminated UTF-8 (for example `component1`).
    pub name: *const c_char,
    /// The plugin's own version, NUL-terminated UTF-8 (for example `0.1.0`).
    pub version: *const c_char,
    /// Filled in if the plugin can be the processor.
    pub processor: Option<&'static ProcessorTable>,
    /// Filled in if the plugin can be the transformer.
    pub transformer: Option<&'static TransformerTable>,
    /// Frees a string the plugin handed out, with the plugin's own allocator.
    pub free_string: FreeStringFn,
}

// SAFETY: a declaration is immutable and everything it points to is immutable, `'static` data
// (string literals, tables of function pointers), so sharing it between threads is safe. `Sync`
// is what lets a plugin keep it in a `static`.
unsafe impl Sync for PluginDeclaration {}

/// Frees a string that the plugin allocated. Null is allowed and does nothing.
pub type FreeStringFn = unsafe extern "C" fn(text: *mut c_char);

/// Where a plugin sends its chatter (the indented `[Component1 Lib] ...` lines): one
/// NUL-terminated line per call, printed by the host. A plugin given none stays quiet.
pub type LogFn = unsafe extern "C" fn(line: *const c_char);

/// The processor role, as a table of C functions.
///
/// `create` builds one instance and writes its pointer to `out`; every other call takes that
/// pointer back; `destroy` frees it. The instance is the plugin's memory: only `destroy` may free
/// it, and the host must call `destroy` before it unloads the library.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ProcessorTable {
    pub create: unsafe extern "C" fn(log: Option<LogFn>, out: *mut *mut c_void) -> CallStatus,
    pub process: unsafe extern "C" fn(
        instance: *const c_void,
        value: i32,
        out: *mut FfiProcessResult,
    ) -> CallStatus,
    pub validate: unsafe extern "C" fn(
        instance: *const c_void,
        data: *const FfiProcessResult,
        out: *mut bool,
    ) -> CallStatus,
    pub destroy: unsafe extern "C" fn(instance: *mut c_void) -> CallStatus,
}

/// The transformer role, as a table of C functions. Instances work as in [`ProcessorTable`].
///
/// `transform` writes a [`FfiTransformResult`] whose string the plugin allocated; `analyze`
/// writes a plugin-allocated string to `out`. The host frees both with `free_string`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct TransformerTable {
    pub create: unsafe extern "C" fn(log: Option<LogFn>, out: *mut *mut c_void) -> CallStatus,
    pub transform: unsafe extern "C" fn(
        instance: *const c_void,
        value: i32,
        out: *mut FfiTransformResult,
    ) -> CallStatus,
    pub analyze: unsafe extern "C" fn(
        instance: *const c_void,
        data: *const FfiTransformResult,
        out: *mut *mut c_char,
    ) -> CallStatus,
    pub destroy: unsafe extern "C" fn(instance: *mut c_void) -> CallStatus,
}

/// [`ProcessResult`] in C layout: an `i32` and a C `bool`.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct FfiProcessResult {
    pub value: i32,
    pub processed: bool,
}

impl From<&ProcessResult> for FfiProcessResult {
    fn from(result: &ProcessResult) -> Self {
        FfiProcessResult {
            value: result.value,
            processed: result.processed,
        }
    }
}

impl From<FfiProcessResult> for ProcessResult {
    fn from(result: FfiProcessResult) -> Self {
        ProcessResult {
            value: result.value,
            processed: result.processed,
        }
    }
}

/// [`TransformResult`](traits::TransformResult) in C layout. Who owns `transformed` depends on the direction: returned by
/// `transform`, it is the plugin's (the host frees it with `free_string`); passed to `analyze`,
/// it is the host's, and the plugin only reads it during the call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct FfiTransformResult {
    pub original: i32,
    /// NUL-terminated UTF-8.
    pub transformed: *const c_char,
}

/// How a call went. `message` is null for [`StatusCode::OK`]; otherwise it is a plugin-allocated
/// string that the host frees with `free_string`.
#[repr(C)]
#[derive(Debug)]
pub struct CallStatus {
    pub code: StatusCode,
    pub message: *mut c_char,
}

/// A plain `u32` rather than a Rust `enum`: a value the host does not know (from a newer plugin,
/// or a buggy one) must be something it can report, and an unknown discriminant read into a Rust
/// `enum` would be undefined behaviour.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_results_survive_the_trip_through_c_layout() {
        let result = ProcessResult {
            value: -84,
            processed: true,
        };
        let in_c_layout = FfiProcessResult::from(&result);
        assert_eq!(ProcessResult::from(in_c_layout), result);
    }

    #[test]
    fn abi_version_is_the_first_field_of_the_declaration() {
        // The handshake reads a `u32` at offset 0 before it trusts the rest of the layout.
        assert_eq!(std::mem::offset_of!(PluginDeclaration, abi_version), 0);
    }
}

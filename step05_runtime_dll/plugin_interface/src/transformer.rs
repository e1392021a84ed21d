//! The transformer role's half of the contract: the same shape as the processor's, with strings
//! crossing in both directions.

use std::ffi::{c_char, c_void};

use crate::{CallStatus, CreateFn, DestroyFn};

/// The transformer role, as in [`ProcessorTable`](crate::ProcessorTable). The strings that
/// `transform` and `analyze` write are the plugin's: the host frees them with `free_string`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct TransformerTable {
    pub create: CreateFn,
    pub transform: unsafe extern "C" fn(*const c_void, i32, *mut FfiTransformResult) -> CallStatus,
    pub analyze: unsafe extern "C" fn(
        *const c_void,
        *const FfiTransformResult,
        *mut *mut c_char,
    ) -> CallStatus,
    pub destroy: DestroyFn,
}

/// [`TransformResult`](traits::TransformResult) in C layout. Returned by `transform`, the string
/// is the plugin's; passed to `analyze`, it is the host's, lent for the call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct FfiTransformResult {
    pub original: i32,
    /// NUL-terminated UTF-8.
    pub transformed: *const c_char,
}

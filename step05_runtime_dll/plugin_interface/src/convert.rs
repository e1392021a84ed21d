//! A [`ProcessResult`] to its C layout and back, for both halves of the boundary.

use traits::ProcessResult;

use crate::FfiProcessResult;

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

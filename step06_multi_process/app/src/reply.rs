//! A reply line as the pipeline's types, or a `CallError`: `Rejected` for an error reply,
//! `Unavailable` for a line that is not a reply, or the wrong reply.

use common::Reply;

use crate::pipeline::{CallError, ProcessResult, TransformResult};

/// The answer to a process request. The reply holds `common`'s `ProcessResult`: the pipeline's
/// fields, plus serde's derive to read and write JSON. The pipeline's own type knows no JSON (it
/// is the contract, whatever carries the calls), so the fields are copied over.
pub fn processed(name: &str, line: &[u8]) -> Result<ProcessResult, CallError> {
    match from_line(name, line)? {
        Reply::Processed(result) => Ok(ProcessResult {
            value: result.value,
            processed: result.processed,
        }),
        other => Err(unavailable(name, format!("it answered {other:?}"))),
    }
}

/// The answer to a transform request, the same way.
pub fn transformed(name: &str, line: &[u8]) -> Result<TransformResult, CallError> {
    match from_line(name, line)? {
        Reply::Transformed(result) => Ok(TransformResult {
            original: result.original,
            transformed: result.transformed,
        }),
        other => Err(unavailable(name, format!("it answered {other:?}"))),
    }
}

pub fn unavailable(name: &str, reason: String) -> CallError {
    CallError::Unavailable {
        component: name.to_string(),
        reason,
    }
}

/// The reply in `line`. An error reply is the component saying no.
fn from_line(name: &str, line: &[u8]) -> Result<Reply, CallError> {
    let parsed: Result<Reply, _> = serde_json::from_slice(line);
    match parsed {
        Ok(Reply::Error { error }) => Err(CallError::Rejected {
            component: name.to_string(),
            reason: error,
        }),
        Ok(reply) => Ok(reply),
        Err(error) => {
            // Its first 80 bytes at most: the line may be long, and not even text.
            let shown = String::from_utf8_lossy(&line[..line.len().min(80)]);
            let reason = format!("it answered {shown:?}, which is not a reply ({error})");
            Err(unavailable(name, reason))
        }
    }
}

//! The line format: a [`Request`] as a line; a line back as a [`Reply`] or a [`CallError`].

use common::{Reply, Request};

use crate::pipeline::CallError;

/// The version in `name`'s answer to the hello; any other answer: the program is not `name`.
pub fn version_from_hello(name: &str, reply: Reply) -> Result<String, CallError> {
    match reply {
        Reply::Hello { service, version } if service == name => Ok(version),
        other => {
            let reason = format!("it is not {name}: it said {other:?}");
            Err(unavailable(name, reason))
        }
    }
}

/// `request` as one line of JSON. (Serializing these plain enums cannot fail.)
pub fn to_line(request: &Request) -> String {
    serde_json::to_string(request).expect("a `Request` always serializes") + "\n"
}

/// The reply in `line`, or why it is not one. An error reply is the component saying no.
pub fn from_line(name: &str, line: &[u8]) -> Result<Reply, CallError> {
    match serde_json::from_slice(line) {
        Ok(Reply::Error { error }) => Err(CallError::Rejected {
            component: name.to_string(),
            reason: error,
        }),
        Ok(reply) => Ok(reply),
        Err(error) => {
            // Its first 80 bytes at most, on the one error line: it may be 64 KiB of anything.
            let shown = String::from_utf8_lossy(&line[..line.len().min(80)]);
            let shown = shown.trim_end();
            let reason = format!("it answered {shown:?}, which is not a reply ({error})");
            Err(unavailable(name, reason))
        }
    }
}

/// The call to `name` could not be made, or what came back was not an answer.
pub fn unavailable(name: &str, reason: impl ToString) -> CallError {
    CallError::Unavailable {
        component: name.to_string(),
        reason: reason.to_string(),
    }
}

//! What crosses the pipes: one JSON object per line, a [`Request`] into a service's stdin, a
//! [`Reply`] out of its stdout ([`to_line`]); and [`serve`], the loop both services run.
//!
//! serde writes the JSON code (`derive`). `tag = "type"`: the variant's name, in snake_case, goes
//! in a `"type"` field beside its fields (for `Processed(result)`, the result's fields), so
//! `Request::Process { value: 42 }` is `{"type":"process","value":42}`.

use std::io::{self, BufRead, BufReader, Write};

use serde::{Deserialize, Serialize};

/// What component1 hands back. (The app's pipeline has a `ProcessResult` of its own, without
/// serde: `app/src/reply.rs` copies this one into it.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessResult {
    pub value: i32,
    pub processed: bool,
}

/// What component2 hands back. (The pipeline has its own, likewise.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransformResult {
    pub original: i32,
    pub transformed: String,
}

/// One line from the app to a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    Process { value: i32 },
    Transform { value: i32 },
}

/// One line from a service to the app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reply {
    Processed(ProcessResult),
    Transformed(TransformResult),
    Error { error: String }, // a refusal, or a line that was not a request
}

/// `message` as one line of JSON. (These plain types always serialize.)
pub fn to_line(message: &impl Serialize) -> String {
    serde_json::to_string(message).expect("a message always serializes") + "\n"
}

/// A service's whole life: for each request line on stdin, `handle` makes the reply, written as a
/// line on stdout; until stdin closes or the app kills the service. Stdout carries only replies:
/// a service logs on stderr.
pub fn serve(handle: impl Fn(Request) -> Reply) -> io::Result<()> {
    let mut stdout = io::stdout();
    for line in BufReader::new(io::stdin()).split(b'\n') {
        // Read as a `Request`: the type that `handle` takes.
        let reply = match serde_json::from_slice(&line?) {
            Ok(request) => handle(request),
            Err(error) => Reply::Error {
                error: format!("not a request: {error}"),
            },
        };
        stdout.write_all(to_line(&reply).as_bytes())?;
        stdout.flush()?; // the app waits for this line: leave it in no buffer
    }
    Ok(())
}

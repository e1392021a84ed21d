//! What crosses the pipes: one JSON object per line, a [`Request`] into a service's stdin, a
//! [`Reply`] from its stdout; [`serve`] is the loop both services run. serde writes the JSON code
//! (`derive`); `tag = "type"`: the variant's name, in snake_case, goes in a `"type"` field beside
//! its fields (for `Processed(result)`, the result's fields): `{"type":"process","value":42}`.

use std::io::{self, BufRead, Write};

use serde::{Deserialize, Serialize};

/// What component1 hands back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessResult {
    pub value: i32,
    pub processed: bool,
}

/// What component2 hands back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransformResult {
    pub original: i32,
    pub transformed: String,
}

/// One line from the app to a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    /// Who are you? The app asks it first, to check it started the program it meant to.
    Hello,
    Process {
        value: i32,
    },
    Transform {
        value: i32,
    },
}

/// One line from a service to the app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reply {
    Hello {
        service: String,
        version: String,
    },
    Processed(ProcessResult),
    Transformed(TransformResult),
    /// The component said no, or the line was not a request for it. The service keeps serving.
    Error {
        error: String,
    },
}

/// A service's whole life: read a request line from stdin, answer a line on stdout, until stdin
/// closes (the app died) or the app kills it (the app is done). Stdout is the wire: a service logs
/// on stderr only. `lock()`: this thread takes stdin and stdout once, not at every line.
pub fn serve(mut handle: impl FnMut(Request) -> Reply) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    // `split`, not `lines`: a line that is not UTF-8 gets an error reply, not the end of serving.
    for line in io::stdin().lock().split(b'\n') {
        let reply = match serde_json::from_slice(&line?) {
            Ok(request) => handle(request),
            Err(error) => Reply::Error {
                error: format!("not a request: {error}"),
            },
        };
        stdout.write_all((serde_json::to_string(&reply)? + "\n").as_bytes())?;
        // The app waits for this line: leave it in no buffer. (The app's `ChildStdin` has none.)
        stdout.flush()?;
    }
    Ok(())
}

//! The traits the pipeline runs on (its contract with the components), and the pipeline.
//!
//! Step 04's `traits` crate and `run_pipeline`, moved into the app, with four changes. A call
//! can now fail (a service is down, slow, refuses), so `process` and `transform` return a
//! `Result`. They are `async fn`s: a call waits on the network, and while it waits the thread
//! can do other work. They take a request id: one pipeline can run in several programs, and the
//! id joins their logs. And `validate` and `analyze`, which only read a result the app already
//! holds, are plain functions. The components no longer implement these traits: the app's own
//! client of the services does. Nothing here knows how a component is reached.

use std::fmt;
use std::time::Duration;

/// What component1 and component2 answer: `common`'s types, which serde turns into JSON and back.
pub use common::{ProcessResult, TransformResult};

// `allow` silences a warning that does not apply here: a caller of a public trait's `async fn`
// cannot require its future to move to another thread, and none of ours needs to.

/// The first stage: component1, wherever it runs.
#[allow(async_fn_in_trait)]
pub trait Processor {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, CallError>;
}

/// The second stage: component2, wherever it runs.
#[allow(async_fn_in_trait)]
pub trait Transformer {
    async fn transform(&self, value: i32, request_id: &str) -> Result<TransformResult, CallError>;
}

/// Why a stage gave no result. `component` names who was asked, for the human reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The component was reached and refused the request: for example, the value overflows.
    Rejected { component: String, reason: String },
    /// No answer came in time.
    TimedOut { component: String, waited: Duration },
    /// The call could not be made, or what came back was not an answer.
    Unavailable { component: String, reason: String },
}

// The one line a human reads: `main` prints it after `error: `.
impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Rejected { component, reason } => {
                write!(f, "{component} rejected the input: {reason}")
            }
            CallError::TimedOut { component, waited } => {
                let ms = waited.as_millis();
                write!(f, "{component} did not answer within {ms} ms")
            }
            CallError::Unavailable { component, reason } => {
                write!(f, "cannot call {component}: {reason}")
            }
        }
    }
}

// So that `?` can turn a `CallError` into `main`'s `Box<dyn Error>`.
impl std::error::Error for CallError {}

/// The check component1 made of its result in step 04, now made here, in the app.
pub fn validate(data: &ProcessResult) -> bool {
    data.processed && data.value >= 0
}

/// The description component2 wrote in step 04, likewise.
pub fn analyze(data: &TransformResult) -> String {
    format!("Analysis: {} maps to {}", data.original, data.transformed)
}

/// Step 04's pipeline, with `.await?` after each call, and `&impl` (one type that implements the
/// trait, fixed at compile time) where it had `&dyn`: a trait with an `async fn` cannot be `dyn`.
pub async fn run_pipeline(
    processor: &impl Processor,
    transformer: &impl Transformer,
    input: i32,
    request_id: &str,
) -> Result<(), CallError> {
    println!("\n--- Processing Pipeline ---");
    println!("Input value: {}", input);

    let data1 = processor.process(input, request_id).await?;
    let is_valid = validate(&data1);
    println!("Component1 result: {:?}, Valid: {}", data1, is_valid);

    let data2 = transformer.transform(data1.value, request_id).await?;
    let analysis = analyze(&data2);
    println!("Component2 result: {:?}", data2);
    println!("{}", analysis);
    Ok(())
}

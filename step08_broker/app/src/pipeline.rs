//! The traits the pipeline runs on (its contract with the components), and the pipeline.
//!
//! Step 04's `traits` crate and `run_pipeline`, moved into the app, with these changes:
//! - A call can now fail (a service is down, slow, refuses), so `process` and `transform` return
//!   a `Result`.
//! - They are `async fn`s: a call waits on the network, and while it waits the thread can do
//!   other work. (So `run_pipeline` takes `&impl` where it took `&dyn`: see there.)
//! - They take a request id: one run of the pipeline can span several programs, and the id joins
//!   their logs.
//! - `validate` and `analyze`, which only read a result the app already holds, are plain
//!   functions.
//!
//! The components no longer implement these traits: they run apart from the app, so the app's own
//! client of them does. Nothing here knows how a component is reached.

use std::time::Duration;

/// What component1 and component2 answer: `common`'s types, which serde turns into JSON and back.
/// `pub use`: they can be named from here too, as `pipeline::ProcessResult`.
pub use common::{ProcessResult, TransformResult};

/// The first stage: component1, wherever it runs.
pub trait Processor {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, CallError>;
}

/// The second stage: component2, wherever it runs.
pub trait Transformer {
    async fn transform(&self, value: i32, request_id: &str) -> Result<TransformResult, CallError>;
}

/// Why a stage gave no result. `component` names who was asked. `thiserror` writes the one line
/// a human reads from each `#[error(..)]` (`main` prints it after `error: `), and makes this an
/// error type, which `?` can turn into the `Box<dyn Error>` of `main.rs`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The component was reached and refused the request: for example, the value overflows.
    #[error("{component} rejected the input: {reason}")]
    Rejected { component: String, reason: String },
    /// No answer came in time. `{waited:?}` prints, say, `5s`.
    #[error("{component} did not answer within {waited:?}")]
    TimedOut { component: String, waited: Duration },
    /// The call could not be made, or what came back was not an answer.
    #[error("cannot call {component}: {reason}")]
    Unavailable { component: String, reason: String },
}

/// The check component1 made of its result in step 04, now made here, in the app.
pub fn validate(data: &ProcessResult) -> bool {
    data.processed && data.value >= 0
}

/// The description component2 wrote in step 04, likewise.
pub fn analyze(data: &TransformResult) -> String {
    format!("Analysis: {} maps to {}", data.original, data.transformed)
}

/// Step 04's pipeline, with `.await?` after each call, and `&impl` (one type that implements the
/// trait, fixed at compile time) where it had `&dyn`: Rust does not (yet) allow `dyn` with a
/// trait that has an `async fn`.
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

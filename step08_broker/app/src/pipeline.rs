//! The contract the app needs, and the pipeline that uses it.
//!
//! This is step 03's contract after a trip through a broker. Compare:
//!
//! ```text
//! step 03: fn process(&self, value: i32) -> ProcessResult;
//! step 07: fn process(&self, value: i32, request_id: &str)
//!              -> impl Future<Output = Result<ProcessResult, CallError>> + Send;
//! step 08: async fn process(&self, value: i32, request_id: &str)
//!              -> Result<ProcessResult, PipelineError>;
//! ```
//!
//! - **async**: a call now waits for a reply; while it waits, the thread can run other pipelines
//!   (that is what `--concurrency` uses).
//!   Step 07's `impl Future<...> + Send` is what `async fn` writes for us, minus the `Send`
//!   promise (that the future may move between threads), which the app's one thread never needs.
//! - **fallible**: the broker can be down, no worker may answer in time, or one answers an error.
//! - **a request id**: one pipeline now runs in three processes, and the id is what joins their
//!   logs: it starts the `correlation_id` of both calls, which each worker logs.
//!
//! The contract does not know its transport: nothing here names RabbitMQ. [`PipelineError`]
//! says what went wrong in the pipeline's words, and `rpc.rs` turns broker failures into it, as
//! step 03's traits let any implementation stand behind them.
//!
//! `validate` and `analyze` stay in the app: they only read a result the app already holds, so a
//! round trip to a worker would cost time and prove nothing.

use std::io::Write;
use std::time::Duration;

use common::{ProcessResult, TransformResult};

/// Why one stage of the pipeline failed. `stage` names who was asked, for the human reading it.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The stage answered with an error, such as an overflow.
    #[error("{stage} answered: {message}")]
    Rejected { stage: String, message: String },
    /// No answer came within the time allowed.
    #[error("no answer from {stage} within {waited:?}: is one running? (see --timeout-ms)")]
    TimedOut { stage: String, waited: Duration },
    /// The call could not be made, or its answer could not be read.
    #[error("cannot call {stage}: {cause}")]
    Failed { stage: String, cause: String },
}

/// First stage of the pipeline: turns the input into a [`ProcessResult`] and checks it.
pub trait Processor {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, PipelineError>;
    fn validate(&self, data: &ProcessResult) -> bool;
}

/// Second stage of the pipeline: turns a value into a [`TransformResult`] and describes it.
pub trait Transformer {
    async fn transform(
        &self,
        value: i32,
        request_id: &str,
    ) -> Result<TransformResult, PipelineError>;
    fn analyze(&self, data: &TransformResult) -> String;
}

/// Step 03's pipeline, with `.await?` after each remote call.
///
/// It takes `&impl Processor` instead of `&dyn Processor`: a trait with `async fn` cannot be a
/// `dyn` object, and the app knows its types at compile time. It prints to `out` as it goes, so
/// in a single run the "answered by" lines land between its own, and `--repeat` passes
/// `std::io::sink()`.
pub async fn run_pipeline(
    processor: &impl Processor,
    transformer: &impl Transformer,
    input: i32,
    request_id: &str,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    writeln!(out, "\n--- Processing Pipeline ---")?;
    writeln!(out, "Input value: {input}")?;

    let data1 = processor.process(input, request_id).await?;
    let is_valid = processor.validate(&data1);
    writeln!(out, "Component1 result: {data1:?}, Valid: {is_valid}")?;

    let data2 = transformer.transform(data1.value, request_id).await?;
    let analysis = transformer.analyze(&data2);
    writeln!(out, "Component2 result: {data2:?}")?;
    writeln!(out, "{analysis}")?;
    Ok(())
}

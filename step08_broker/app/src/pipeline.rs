//! The contract the app needs, and the pipeline that uses it.
//!
//! This is step 03's contract after a trip through a broker. Compare:
//!
//! ```text
//! step 03: fn process(&self, value: i32) -> ProcessResult;
//! step 08: fn process(&self, value: i32, request_id: &str)
//!              -> impl Future<Output = Result<ProcessResult, PipelineError>> + Send;
//! ```
//!
//! - **async**: a call now waits on a reply queue; while it waits, the thread can run other
//!   pipelines (that is what `--concurrency` uses).
//! - **fallible**: the broker can be down, no worker may answer in time, or one answers an error.
//!   `Result` makes every caller say what happens then; the compiler will not let one forget.
//! - **a request id**: one pipeline now runs in three processes, and the id is what joins their
//!   logs: it starts the AMQP `correlation_id` of both calls (`<request_id>/<n>`), which each
//!   worker logs with every message it handles.
//!
//! `validate` and `analyze` did not change: they only read a result the app already holds, so
//! they stay local, synchronous and infallible. Asking a worker to check its own answer would
//! cost a round trip and prove nothing; the app checking what came over the wire is the check
//! that matters.

use std::error::Error;
use std::future::Future;
use std::io::Write;

use common::{ProcessResult, TransformResult};

use crate::rpc::PipelineError;

/// First stage of the pipeline: turns the input into a [`ProcessResult`] and checks it.
pub trait Processor {
    fn process(
        &self,
        value: i32,
        request_id: &str,
    ) -> impl Future<Output = Result<ProcessResult, PipelineError>> + Send;
    fn validate(&self, data: &ProcessResult) -> bool;
}

/// Second stage of the pipeline: turns a value into a [`TransformResult`] and describes it.
pub trait Transformer {
    fn transform(
        &self,
        value: i32,
        request_id: &str,
    ) -> impl Future<Output = Result<TransformResult, PipelineError>> + Send;
    fn analyze(&self, data: &TransformResult) -> String;
}

/// Step 03's pipeline, with `.await?` after each remote call.
///
/// Two more changes, both forced by the lesson: it takes `&impl Processor` instead of
/// `&dyn Processor`, because a trait whose methods return `impl Future` cannot be a `dyn` object
/// (the `async-trait` crate would box every future to allow it; the app knows its types at compile
/// time, so it does not need to); and it prints to `out` instead of stdout, because with
/// `--concurrency 8` eight pipelines printing at once would interleave their lines (`--repeat`
/// passes `std::io::sink()`). It prints as it goes rather than returning a report as step 07 does:
/// in a single run the broker-backed stages print which worker answered each call, and those
/// lines belong between the pipeline's own.
pub async fn run_pipeline(
    processor: &impl Processor,
    transformer: &impl Transformer,
    input: i32,
    request_id: &str,
    out: &mut (impl Write + Send),
) -> Result<(), Box<dyn Error + Send + Sync>> {
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

//! The contract the app needs, and the pipeline that uses it: step 06's contract, now `async` and
//! with a request id (the README's "The lesson" compares the two). [`CallError`] is the
//! contract's own error, in words that fit any transport: `http.rs` turns the wire's errors into
//! it; nothing here knows HTTP.

use std::time::Duration;

use common::{ProcessResult, TransformResult};

/// Why a call to a stage failed: which service, where it is (its URL), and what happened.
/// `thiserror::Error` derives `Display` from the `#[error]` text, fields named in braces.
#[derive(Debug, thiserror::Error)]
#[error("{service} at {at} {failure}")]
pub struct CallError {
    pub service: &'static str,
    pub at: String,
    pub failure: Failure,
}

/// What went wrong in a call, as a caller needs to tell it apart.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Failure {
    /// No connection could be made: nothing listens there, or the host cannot be reached.
    #[error("is unreachable: {0}")]
    Unreachable(String),
    /// The connection broke during the call (the service died or was restarted).
    #[error("dropped the connection: {0}")]
    ConnectionLost(String),
    /// No complete answer within the time the caller was prepared to wait. (`.0` below is the
    /// `Duration` inside `TimedOut`: a field without a name is written by its position.)
    #[error("did not answer within {} ms (raise it with --timeout-ms)", .0.as_millis())]
    TimedOut(Duration),
    /// The service refused the request (it is wrong: asking again gets the same answer).
    #[error("answered {0}")]
    Refused(String),
    /// The service failed while answering (it may not next time).
    #[error("answered {0}")]
    Failed(String),
    /// An answer that is not what the contract says.
    #[error("answered something that is not the contract's JSON: {0}")]
    BadReply(String),
}

/// First stage of the pipeline: turns the input into a [`ProcessResult`] and checks it.
pub trait Processor {
    // `impl Future<Output = T>`: some future type that, when awaited, gives a `T`. It is what an
    // `async fn process(..) -> Result<..>` returns, written out to add `+ Send`: the future may be
    // moved to another thread, so the contract does not tie every implementation to a one-thread
    // runtime like the app's. The impls (`http.rs`) still just write `async fn process`.
    fn process(
        &self,
        value: i32,
        request_id: &str,
    ) -> impl Future<Output = Result<ProcessResult, CallError>> + Send;
    fn validate(&self, data: &ProcessResult) -> bool;
}

/// Second stage of the pipeline: turns a value into a [`TransformResult`] and describes it.
pub trait Transformer {
    fn transform(
        &self,
        value: i32,
        request_id: &str,
    ) -> impl Future<Output = Result<TransformResult, CallError>> + Send;
    fn analyze(&self, data: &TransformResult) -> String;
}

/// What one pipeline found, for `main` to print.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineReport {
    pub input: i32,
    pub data1: ProcessResult,
    pub is_valid: bool,
    pub data2: TransformResult,
    pub analysis: String,
}

/// Step 06's pipeline, with `.await` before each `?`. `&impl Processor` means "a reference
/// to some one type that implements `Processor`", chosen at compile time (a generic, written
/// short). Not `&dyn Processor`, chosen at run time: a `dyn` call needs one return type for every
/// impl, and each `async fn` returns its own future type. And it returns what it found instead
/// of printing it: eight pipelines in flight would mix their lines.
pub async fn run_pipeline(
    processor: &impl Processor,
    transformer: &impl Transformer,
    input: i32,
    request_id: &str,
) -> Result<PipelineReport, CallError> {
    let data1 = processor.process(input, request_id).await?;
    let is_valid = processor.validate(&data1);

    let data2 = transformer.transform(data1.value, request_id).await?;
    let analysis = transformer.analyze(&data2);

    Ok(PipelineReport {
        input,
        data1,
        is_valid,
        data2,
        analysis,
    })
}

impl PipelineReport {
    /// The lines steps 03 to 05 printed from inside `run_pipeline`.
    pub fn print(&self) {
        println!("\n--- Processing Pipeline ---");
        println!("Input value: {}", self.input);
        let (data1, is_valid, data2) = (&self.data1, self.is_valid, &self.data2);
        println!("Component1 result: {data1:?}, Valid: {is_valid}");
        println!("Component2 result: {data2:?}");
        println!("{}", self.analysis);
    }
}

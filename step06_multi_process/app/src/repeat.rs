//! `--repeat`: the same pipeline in a measured loop, and the `summary:` line.
//!
//! Measurement is not the lesson: `measure` (the repository's `bench/measure`) runs the loop and
//! prints the summary the same way in steps 05 to 08. The pipeline writes to a sink, so the
//! measured loop runs the very code of a single run.

use std::io::{self, Write};

use anyhow::Context;

use crate::child::{ChildProcessor, ChildTransformer};
use crate::interrupt;
use crate::pipeline::run_pipeline;

/// Runs the pipeline as `args` asks and prints the summary, with the services' restarts.
pub fn run(
    args: measure::RunArgs,
    processor: &ChildProcessor,
    transformer: &ChildTransformer,
    input: i32,
) -> anyhow::Result<()> {
    let (mut summary, failure) = measure::repeat(args, |_| {
        run_pipeline(processor, transformer, input, &mut io::sink())
    });
    if interrupt::requested() {
        // Like `ping` on Ctrl-C: the pipeline cut short did not fail, it never finished.
        summary.requests -= summary.failed;
        summary.failed = 0;
    }
    let restarts = processor.0.restarts() + transformer.0.restarts();
    writeln!(io::stdout(), "{}", summary.with("restarts", restarts))?;
    let failed = || format!("the pipeline failed for input {input}");
    failure.map_or(Ok(()), |error| Err(error).with_context(failed))
}

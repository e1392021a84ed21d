//! `--repeat N` (with `--warmup` and `--concurrency`): the pipeline run many times, to measure it.
//! The shared `measure` crate runs the pipelines, up to `--concurrency` at once, and prints the
//! `summary:` line that `cargo xtask bench` reads, the same line in steps 05 to 08.

use crate::pipeline::{Processor, Transformer, run_pipeline};
use crate::{child::ChildService, cli::Cli};

/// Runs the pipelines, stops the `children`, then prints the summary as stdout's last line. The
/// first failed pipeline ends the run (the summary counts it) and is the error returned.
pub async fn run(
    args: measure::RunArgs,
    cli: &Cli,
    processor: &impl Processor,
    transformer: &impl Transformer,
    children: Vec<ChildService>,
) -> anyhow::Result<()> {
    let (summary, error) = measure::repeat_concurrently(args, cli.measure.concurrency, |which| {
        // `app-4242-7`, or `app-4242-warmup-3`: one id per pipeline, as without `--repeat`.
        let request_id = format!("app-{}-{which}", std::process::id());
        async move {
            let report = run_pipeline(processor, transformer, cli.input, &request_id).await;
            report.map(drop) // only the time counts: the report is not printed
        }
    })
    .await;
    for child in children {
        child.stop().await;
    }
    println!("{summary}");
    error.map_or(Ok(()), |error| Err(error.into()))
}

//! `--repeat`: the pipeline run many times without its output, measured by the shared `measure`
//! crate (`--warmup`, `--concurrency`, the `summary:` line).

use crate::cli::Cli;
use crate::pipeline::run_pipeline;
use crate::rpc::{BrokerProcessor, BrokerTransformer};
use crate::rpc_client::RpcClient;
use measure::{RunArgs, Which};
use std::cell::Cell;
use std::sync::Arc;

/// `--repeat`: the pipeline without its output, measured by the shared `measure` crate; the
/// `summary:` line adds the replies `rpc::route_replies` dropped (duplicates, late replies).
pub async fn repeat(cli: &Cli, run: RunArgs, client: Arc<RpcClient>) -> anyhow::Result<()> {
    let processor = &BrokerProcessor(client.clone());
    let transformer = &BrokerTransformer(client.clone());
    // `Cell`: a value the closure below can set through a shared reference.
    let dropped_before_measuring = Cell::new(0);
    let pipelines = measure::repeat_concurrently(run, cli.measure.concurrency, |which| {
        if which == Which::Measured(1) {
            dropped_before_measuring.set(client.dropped_replies());
        }
        // Each pipeline's request id starts the correlation ids of its two calls.
        let id = format!("app-{}-{which}", std::process::id());
        async move { run_pipeline(processor, transformer, cli.input, &id, &mut std::io::sink()).await }
    });
    let (summary, error) = pipelines.await;
    let dropped = client.dropped_replies() - dropped_before_measuring.get();
    if error.is_none() {
        println!("\nExecution complete");
    }
    println!("{}", summary.with("dropped_replies", dropped));
    error.map_or(Ok(()), Err)
}

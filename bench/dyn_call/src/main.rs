//! The boundary table's second row: step 03's pipeline, four calls through `&dyn Processor` and
//! `&dyn Transformer`.
//!
//! Step 03's code is fixed by the post and has no `--repeat`, so this program links the step's own
//! `traits`, `component1` and `component2` crates and runs the pipeline of the step's
//! `run_pipeline` (minus its narration) in a timed loop. Each call goes through a vtable, as in the
//! step; step 04 compiles the same code, so this row stands for both. The components still print a
//! line per call, as in step 02, and those lines are most of the cost.
//!
//! Run it with `cargo run --release -- --repeat 100000 --warmup 1000` from `bench/dyn_call/`;
//! the last line of stdout is the `summary:` line.

use std::hint::black_box;
use std::process::ExitCode;

use component1::Component1;
use component2::Component2;
use traits::{Processor, Transformer};

/// What step 03 prints for input 42: the journey's invariant, checked before anything is timed.
const EXPECTED: &str = "Analysis: 84 maps to Value-0084";

/// Step 03's `run_pipeline` without its `println!`s of the pipeline's own: the app only knows the
/// traits. Returns whether the data was valid, and the analysis.
fn run_pipeline(
    processor: &dyn Processor,
    transformer: &dyn Transformer,
    input: i32,
) -> (bool, String) {
    let data1 = processor.process(input);
    let is_valid = processor.validate(&data1);
    let data2 = transformer.transform(data1.value);
    (is_valid, transformer.analyze(&data2))
}

fn main() -> ExitCode {
    let args = match measure::RunArgs::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(error) => {
            eprintln!(
                "dyn_call: {error}; usage: dyn_call {}",
                measure::RunArgs::USAGE
            );
            return ExitCode::FAILURE;
        }
    };
    let comp1 = Component1::new();
    let comp2 = Component2::new();
    // `black_box` keeps the optimiser from seeing which types sit behind the references: it would
    // otherwise turn the vtable calls back into direct ones, and this row would measure step 02.
    let processor: &dyn Processor = black_box(&comp1);
    let transformer: &dyn Transformer = black_box(&comp2);

    let (is_valid, analysis) = run_pipeline(processor, transformer, 42);
    if !is_valid || analysis != EXPECTED {
        eprintln!("dyn_call: step 03's pipeline answered {analysis:?}, expected {EXPECTED:?}");
        return ExitCode::FAILURE;
    }
    let summary = measure::measure(args, || {
        black_box(run_pipeline(processor, transformer, black_box(42)));
        Ok::<(), std::convert::Infallible>(())
    });
    match summary {
        Ok(summary) => println!("{summary}"),
        Err(never) => match never {},
    }
    ExitCode::SUCCESS
}

//! The boundary table's first row: step 02's pipeline, four direct calls into its two crates.
//!
//! Step 02's code is fixed by the post and has no `--repeat`, so this program links the step's
//! own `component1` and `component2` crates and runs the same four calls as the step's `main`,
//! in a timed loop. Nothing stands in for the components: what is measured is theirs, including
//! the line each call prints (four per pipeline; `cargo xtask bench` reads and drops them). Those
//! `println!`s are most of what this row costs: a call is a few nanoseconds, a line written to a
//! pipe is a system call.
//!
//! Run it with `cargo run --release -- --repeat 100000 --warmup 1000` from `bench/direct_call/`;
//! the last line of stdout is the `summary:` line.

use std::hint::black_box;
use std::process::ExitCode;

use component1::Component1;
use component2::Component2;

/// What step 02 prints for input 42: the journey's invariant, checked before anything is timed.
const EXPECTED: &str = "Analysis: 84 maps to Value-0084";

fn main() -> ExitCode {
    let args = match measure::RunArgs::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(error) => {
            eprintln!(
                "direct_call: {error}; usage: direct_call {}",
                measure::RunArgs::USAGE
            );
            return ExitCode::FAILURE;
        }
    };
    let comp1 = Component1::new();
    let comp2 = Component2::new();

    // The same calls, in the same order, as step 02's `main`.
    let pipeline = |input: i32| {
        let data1 = comp1.process(input);
        let is_valid = comp1.validate(&data1);
        let data2 = comp2.transform(data1.value);
        (is_valid, comp2.analyze(&data2))
    };

    let (is_valid, analysis) = pipeline(42);
    if !is_valid || analysis != EXPECTED {
        eprintln!("direct_call: step 02's pipeline answered {analysis:?}, expected {EXPECTED:?}");
        return ExitCode::FAILURE;
    }
    // `black_box` hides the input and the result from the optimiser: without it, the compiler may
    // fold a pipeline whose input is a constant and whose result is unused.
    let summary = measure::measure(args, || {
        black_box(pipeline(black_box(42)));
        Ok::<(), std::convert::Infallible>(())
    });
    match summary {
        Ok(summary) => println!("{summary}"),
        Err(never) => match never {},
    }
    ExitCode::SUCCESS
}

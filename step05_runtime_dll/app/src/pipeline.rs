//! Step 04's pipeline, and `--repeat`, which runs it many times to time it.
//!
//! `run_pipeline` cannot tell that its components now live in plugin files. What changed since
//! step 04 is that each call may fail, and `?` hands the failure back to `main`.

use measure::{RepeatArgs, Summary};
use traits::{ComponentError, Processor, Transformer};

/// Whether `run_pipeline` prints what it does, or only does it (`--repeat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Narration {
    Print,
    Quiet,
}

pub fn run_pipeline(
    processor: &dyn Processor,
    transformer: &dyn Transformer,
    input: i32,
    narration: Narration,
) -> Result<(), ComponentError> {
    let print = narration == Narration::Print;
    if print {
        println!("\n--- Processing Pipeline ---");
        println!("Input value: {}", input);
    }

    let data1 = processor.process(input)?;
    let is_valid = processor.validate(&data1)?;
    if print {
        println!("Component1 result: {:?}, Valid: {}", data1, is_valid);
    }

    let data2 = transformer.transform(data1.value)?;
    let analysis = transformer.analyze(&data2)?;
    if print {
        println!("Component2 result: {:?}", data2);
        println!("{}", analysis);
    }
    Ok(())
}

/// Runs `pipeline` once, printing; or, with `--repeat N`, quietly N times (after the warm-up) and
/// returns the summary of those runs. The first failure stops the runs and is returned.
pub fn once_or_repeated(
    measure: &RepeatArgs,
    mut pipeline: impl FnMut(Narration) -> Result<(), ComponentError>,
) -> Result<Option<Summary>, ComponentError> {
    let Some(args) = measure.run_args() else {
        pipeline(Narration::Print)?;
        return Ok(None);
    };
    match measure::repeat(args, |_| pipeline(Narration::Quiet)) {
        (summary, None) => Ok(Some(summary)),
        (_, Some(error)) => Err(error),
    }
}

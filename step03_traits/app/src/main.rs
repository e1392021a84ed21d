//! Step 03: trait-based decoupling.
//!
//! The `traits` crate now holds the contracts (`Processor`, `Transformer`) and the data types they
//! exchange. The components implement them, and `run_pipeline` only knows the traits: it would run
//! any other implementation unchanged. The first half of `main` calls the components as before,
//! the second half runs the same work through `&dyn` references, with identical results.
//!
//! Run it with `cargo run` from `step03_traits/`; test one crate with `cargo test -p component1`.

use component1::Component1;
use component2::Component2;
use traits::{Processor, Transformer};

fn main() {
    println!("\n\nPhase 03: Trait-Based Interface (shared contracts)\n");

    println!("Component1 version: {}", component1::get_version());
    println!("Component2 version: {}", component2::get_version());

    let input_value = 42;
    println!("\n--- Processing Pipeline ---");
    println!("Input value: {}", input_value);

    let comp1 = Component1::new();
    let data1 = comp1.process(input_value);
    let is_valid = comp1.validate(&data1);
    println!("Component1 result: {:?}, Valid: {}", data1, is_valid);

    let comp2 = Component2::new();
    let data2 = comp2.transform(data1.value);
    let analysis = comp2.analyze(&data2);
    println!("Component2 result: {:?}", data2);
    println!("{}", analysis);

    run_pipeline(&comp1, &comp2, input_value);

    println!("\nExecution complete");
}

/// The same work as above, written only against the contracts: this function does not know
/// which concrete types it is given (dynamic dispatch through `&dyn Trait`).
fn run_pipeline(processor: &dyn Processor, transformer: &dyn Transformer, input: i32) {
    println!("\n--- Trait-Based Pipeline ---");

    let processed = processor.process(input);
    println!("Pipeline processed: {:?}", processed);

    let transformed = transformer.transform(processed.value);
    println!("Pipeline transformed: {:?}", transformed);

    let analysis = transformer.analyze(&transformed);
    println!("Pipeline analysis: {}", analysis);
}

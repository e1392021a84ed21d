//! Step 01: the multi-file monolith.
//!
//! The single `main.rs` of step 00 is split into three files, so three modules of one crate:
//! `main.rs` is the crate root and declares `component1` and `component2` below it. Same
//! behaviour, same output; only the first line changes. `Cargo.toml` did not change at all: the
//! `mod` declarations are all the build system needs.
//!
//! Run it with `cargo run`, test it with `cargo test` (both from `step01_multi_file/`).

mod component1;
mod component2;

use component1::Component1;
use component2::Component2;

fn main() {
    println!("\n\nPhase 01: Multi Files Monolith Application");

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

    println!("\nExecution complete");
}

//! Step 04: components built as plugins (but still linked statically).
//!
//! Each component crate now also produces a dynamic library (`crate-type = ["cdylib", "rlib"]`).
//! Yet `app` links the `rlib`, as Cargo always does for a Rust-to-Rust dependency: the
//! executable is self-contained and the `.so`/`.dylib`/`.dll` files sit unused in `target/`.
//! `main` only calls `run_pipeline`, which knows nothing but the traits.
//!
//! Run it with `cargo run` from `step04_plugin_dll/`; test one crate with `cargo test -p component1`.

use component1::Component1;
use component2::Component2;
use traits::{Processor, Transformer};

fn main() {
    println!("\n\nPhase 04: Modular Application with Plugins (1 exe + 2 dll)\n");

    println!("Component1 version: {}", component1::get_version());
    println!("Component2 version: {}", component2::get_version());

    let input_value = 42;
    let comp1 = Component1::new();
    let comp2 = Component2::new();
    run_pipeline(&comp1, &comp2, input_value);

    println!("\nExecution complete");
}

fn run_pipeline(processor: &dyn Processor, transformer: &dyn Transformer, input: i32) {
    println!("\n--- Processing Pipeline ---");

    println!("Input value: {}", input);

    let data1 = processor.process(input);
    let is_valid = processor.validate(&data1);
    println!("Component1 result: {:?}, Valid: {}", data1, is_valid);

    let data2 = transformer.transform(data1.value);
    let analysis = transformer.analyze(&data2);
    println!("Component2 result: {:?}", data2);
    println!("{}", analysis);
}

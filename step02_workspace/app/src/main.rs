//! Step 02: the modular monolith.
//!
//! The app and each component are now crates of one Cargo workspace. The app pulls the
//! components in through `path` dependencies in its `Cargo.toml`, exactly as it would pull
//! `serde` from crates.io, so no `mod` declarations are needed here. We still build one
//! executable, but each component can be built, tested and versioned on its own.
//!
//! Run it with `cargo run` from `step02_workspace/`; test one crate with `cargo test -p component1`.

use component1::Component1;
use component2::Component2;

fn main() {
    println!("\n\nPhase 02: Modular Monolith Application (main + 2 libs)\n");

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

    println!("\nExecution complete");
}

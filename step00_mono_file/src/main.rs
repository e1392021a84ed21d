//! Step 00: the single-file monolith.
//!
//! Everything lives in this one file: `main()`, both components, and their tests. The code is
//! deliberately tiny because this journey is about how a project is organised, not about what it
//! computes. Picture it 500 lines long: that is the situation the next steps get us out of.
//!
//! Run it with `cargo run`, test it with `cargo test` (both from `step00_mono_file/`).

fn main() {
    println!("\n\nPhase 00: Mono File Monolith Application");

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

// ---------------------------------------------------------------------------------------------
// Component1: doubles a value and checks the result.

#[derive(Debug)]
struct Component1Data {
    value: i32,
    processed: bool,
}

struct Component1;

impl Component1 {
    fn new() -> Self {
        println!("        [Component1] Initialized");
        Self
    }

    fn process(&self, value: i32) -> Component1Data {
        println!("        [Component1] Processing value: {}", value);
        Component1Data {
            value: value * 2,
            processed: true,
        }
    }

    fn validate(&self, data: &Component1Data) -> bool {
        println!("        [Component1] Validating data: {:?}", data);
        data.processed && data.value >= 0
    }
}

// ---------------------------------------------------------------------------------------------
// Component2: formats a value and describes the result.

#[derive(Debug)]
struct Component2Data {
    original: i32,
    transformed: String,
}

struct Component2;

impl Component2 {
    fn new() -> Self {
        println!("        [Component2] Initialized");
        Self
    }

    fn transform(&self, value: i32) -> Component2Data {
        println!("        [Component2] Transforming value: {}", value);
        Component2Data {
            original: value,
            transformed: format!("Value-{:04}", value),
        }
    }

    fn analyze(&self, data: &Component2Data) -> String {
        println!("        [Component2] Analyzing data: {:?}", data);
        format!("Analysis: {} maps to {}", data.original, data.transformed)
    }
}

// ---------------------------------------------------------------------------------------------
// Tests live in the same file too. That is part of the problem.

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn negative_number_are_invalid() {
        let comp1 = Component1::new();
        let data = comp1.process(-21);
        assert_eq!(data.value, -42);
        assert!(!comp1.validate(&data));
    }
}

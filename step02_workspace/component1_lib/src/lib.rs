//! Component1: doubles a value and checks the result.
//!
//! A library crate of its own now: `cargo build -p component1` and `cargo test -p component1`
//! work without touching the rest of the workspace. Its test is a *unit* test, inside this file,
//! so it can see private items too.

/// The crate's version, from its own `Cargo.toml` (Cargo sets `CARGO_PKG_VERSION` at build time).
pub fn get_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[derive(Debug, PartialEq)]
pub struct Component1Data {
    pub value: i32,
    pub processed: bool,
}

pub struct Component1;

impl Component1 {
    pub fn new() -> Self {
        println!("        [Component1 Lib] Initialized");
        Self
    }

    pub fn process(&self, value: i32) -> Component1Data {
        println!("        [Component1 Lib] Processing value: {}", value);
        Component1Data {
            value: value * 2,
            processed: true,
        }
    }

    pub fn validate(&self, data: &Component1Data) -> bool {
        println!("        [Component1 Lib] Validating data: {:?}", data);
        data.processed && data.value >= 0
    }
}

// A public type with a `new()` and no arguments is expected to implement `Default` too
// (clippy's `new_without_default`): callers and generic code may reach for either.
impl Default for Component1 {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_process() {
        let comp1 = Component1::new();
        let data = comp1.process(42);
        assert_eq!(
            data,
            Component1Data {
                value: 84,
                processed: true
            }
        );
        assert!(comp1.validate(&data));
    }
}

//! Component1: doubles a value and checks the result.
//!
//! Moved here from step 00's `main.rs` as is: this is not the time to refactor.

#[derive(Debug)]
pub struct Component1Data {
    pub value: i32,
    pub processed: bool,
}

pub struct Component1;

impl Component1 {
    pub fn new() -> Self {
        println!("        [Component1] Initialized");
        Self
    }

    pub fn process(&self, value: i32) -> Component1Data {
        println!("        [Component1] Processing value: {}", value);
        Component1Data {
            value: value * 2,
            processed: true,
        }
    }

    pub fn validate(&self, data: &Component1Data) -> bool {
        println!("        [Component1] Validating data: {:?}", data);
        data.processed && data.value >= 0
    }
}

// The tests now live next to the code they test.
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

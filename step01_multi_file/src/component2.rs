//! Component2: formats a value and describes the result.
//!
//! Moved here from step 00's `main.rs` as is, plus a test of its own.

#[derive(Debug)]
pub struct Component2Data {
    pub original: i32,
    pub transformed: String,
}

pub struct Component2;

impl Component2 {
    pub fn new() -> Self {
        println!("        [Component2] Initialized");
        Self
    }

    pub fn transform(&self, value: i32) -> Component2Data {
        println!("        [Component2] Transforming value: {}", value);
        Component2Data {
            original: value,
            transformed: format!("Value-{:04}", value),
        }
    }

    pub fn analyze(&self, data: &Component2Data) -> String {
        println!("        [Component2] Analyzing data: {:?}", data);
        format!("Analysis: {} maps to {}", data.original, data.transformed)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn test_transform() {
        let comp2 = Component2::new();
        let data = comp2.transform(84);
        assert_eq!(data.original, 84);
        assert_eq!(data.transformed, "Value-0084");
    }
}

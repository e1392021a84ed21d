//! Component2 tested through its public API only, as in step 02.

use common::TransformResult;
use component2::Component2;

#[test]
fn test_transform() {
    assert_eq!(
        Component2::new().transform(84),
        TransformResult {
            original: 84,
            transformed: "Value-0084".into()
        }
    );
}

#[test]
fn small_and_negative_values_are_padded_to_four_characters() {
    assert_eq!(Component2::new().transform(7).transformed, "Value-0007");
    assert_eq!(Component2::new().transform(-7).transformed, "Value--007");
}

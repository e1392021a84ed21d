//! Component2 seen from outside, through its public API only (as in step 02).

use common::TransformResult;
use component2::Component2;

#[test]
fn test_transform() {
    assert_eq!(
        Component2::new().transform(84),
        TransformResult {
            original: 84,
            transformed: "Value-0084".to_string()
        }
    );
}

#[test]
fn values_wider_than_four_digits_are_not_cut() {
    assert_eq!(
        Component2::new().transform(123_456).transformed,
        "Value-123456"
    );
    assert_eq!(Component2::new().transform(-7).transformed, "Value--007");
}

//! An integration test: it sees `component2` from the outside, through its public API only,
//! exactly like `service2` does. The methods are trait methods, so the trait comes into scope too.

use component2::Component2;
use traits::Transformer;

#[test]
fn test_transform() {
    let comp2 = Component2::new();
    let data = comp2.transform(84).unwrap();
    assert_eq!(data.original, 84);
    assert_eq!(data.transformed, "Value-0084");
    assert_eq!(
        comp2.analyze(&data).unwrap(),
        "Analysis: 84 maps to Value-0084"
    );
}

#[test]
fn negative_values_keep_their_sign_in_the_text() {
    let comp2 = Component2::new();
    assert_eq!(comp2.transform(-7).unwrap().transformed, "Value--007");
}

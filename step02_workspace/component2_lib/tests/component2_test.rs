//! An integration test: it sees `component2` from the outside, through its public API only,
//! exactly like the app does. Hence the `use component2::Component2;`.

use component2::Component2;

#[test]
fn test_transform() {
    let comp2 = Component2::new();
    let data = comp2.transform(84);
    assert_eq!(data.original, 84);
    assert_eq!(data.transformed, "Value-0084");
    assert_eq!(comp2.analyze(&data), "Analysis: 84 maps to Value-0084");
}

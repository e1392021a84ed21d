//! The logic of component1, tested without a host: a quiet `Chatter` stands in for the app.

use super::*;

fn component1() -> Component1 {
    Component1::create(Chatter::quiet())
}

#[test]
fn test_process() {
    let data = component1().process(42).unwrap();
    assert_eq!((data.value, data.processed), (84, true));
    assert!(component1().validate(&data).unwrap());
}

#[test]
fn negative_results_are_invalid() {
    let data = component1().process(-5).unwrap();
    assert_eq!(data.value, -10);
    assert!(!component1().validate(&data).unwrap());
}

#[test]
fn doubling_past_the_i32_range_is_an_overflow_error_not_a_panic() {
    for value in [i32::MAX, i32::MIN / 2 - 1] {
        let overflow = Err(ComponentError::Overflow { value });
        assert_eq!(component1().process(value), overflow);
    }
    assert_eq!(
        component1().process(i32::MAX / 2).unwrap().value,
        i32::MAX - 1
    );
}

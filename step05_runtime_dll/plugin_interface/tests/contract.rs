//! The part of the C contract this crate's own code provides: a `Text` never reads or writes out
//! of bounds. (That an `Option<extern "C" fn>` crosses as a C pointer, `None` as null, is Rust's
//! own guarantee, not something a test here could catch breaking.)

use plugin_interface::{TEXT_CAPACITY, Text};

#[test]
fn text_crosses_unchanged_when_it_fits() {
    assert_eq!(Text::new("Value-0084").to_string_lossy(), "Value-0084");
}

#[test]
fn text_longer_than_its_room_is_cut_not_overflowed() {
    let long = "x".repeat(TEXT_CAPACITY + 10);
    assert_eq!(Text::new(&long).to_string_lossy().len(), TEXT_CAPACITY);
    let lying = Text {
        len: u32::MAX,
        ..Text::new("ok")
    };
    assert_eq!(lying.to_string_lossy().len(), TEXT_CAPACITY);
}

#[test]
fn text_is_cut_before_a_character_that_does_not_fit_whole() {
    // `é` is two bytes; the second would be byte TEXT_CAPACITY + 1.
    let long = format!("{}é", "x".repeat(TEXT_CAPACITY - 1));
    assert_eq!(
        Text::new(&long).to_string_lossy(),
        "x".repeat(TEXT_CAPACITY - 1)
    );
}

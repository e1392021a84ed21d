//! The parts of the C contract that both sides rely on: a `Text` never reads or writes out of
//! bounds, and what `plugin_declaration` returns and the functions it holds cross as C pointers.

use plugin_interface::{PluginDeclaration, TEXT_CAPACITY, Text};

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

#[test]
fn a_reference_to_the_declaration_is_a_pointer_that_is_never_null() {
    // `None` takes the one value a reference never has, null: so a reference is a C pointer.
    assert_eq!(
        size_of::<Option<&PluginDeclaration>>(),
        size_of::<*const u8>()
    );
}

#[test]
fn a_missing_function_is_a_null_pointer_as_in_c() {
    type Process = extern "C" fn(i32) -> plugin_interface::ProcessOutput;
    assert_eq!(size_of::<Option<Process>>(), size_of::<*const u8>());
}

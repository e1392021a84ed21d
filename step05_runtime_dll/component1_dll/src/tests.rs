//! Component1's tests, kept out of `lib.rs` so that it reads in one go. They sit under `src/`, not
//! `tests/`: a `cdylib`-only crate has no Rust API left for `tests/` to import.

use super::*;
use plugin_interface::{AbiVersionFn, DeclarationFn};

#[test]
fn test_process() {
    let output = process(42);
    assert_eq!(output.error.len, 0);
    assert_eq!((output.value, output.processed), (84, true));
}

#[test]
fn doubling_past_the_i32_range_is_rejected_with_a_message_not_a_panic() {
    for value in [i32::MAX, i32::MIN / 2 - 1] {
        let output = process(value);
        let error = output.error.to_string_lossy();
        assert_eq!(error, format!("{value} * 2 does not fit in an i32"));
        assert!(!output.processed);
    }
    assert_eq!(process(i32::MAX / 2).value, i32::MAX - 1);
}

#[test]
fn the_exports_have_the_contracts_signatures_and_name_this_crate_and_this_abi() {
    // These two lines compile only if the signatures are the ones the app looks up.
    let abi_version: AbiVersionFn = plugin_abi_version;
    let declaration: DeclarationFn = plugin_declaration;
    assert_eq!(abi_version(), ABI_VERSION);
    let declaration = declaration();
    assert_eq!(declaration.name.to_string_lossy(), "component1");
    assert_eq!(declaration.version.to_string_lossy(), "0.1.0");
    assert!(declaration.process.is_some() && declaration.transform.is_none());
}

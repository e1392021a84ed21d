//! The parts of the C layout that the handshake and the app rely on.

use plugin_interface::{FfiProcessResult, PluginDeclaration};
use traits::ProcessResult;

#[test]
fn process_results_survive_the_trip_through_c_layout() {
    let result = ProcessResult {
        value: -84,
        processed: true,
    };
    let in_c_layout = FfiProcessResult::from(&result);
    assert_eq!(ProcessResult::from(in_c_layout), result);
}

#[test]
fn abi_version_is_the_first_field_of_the_declaration() {
    // The handshake reads a `u32` at offset 0 before it trusts the rest of the layout.
    assert_eq!(std::mem::offset_of!(PluginDeclaration, abi_version), 0);
}

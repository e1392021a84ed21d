//! A plugin does not print. A `cdylib` carries its own copy of the standard library, with its own
//! stdout buffer and lock, and a plugin that wrote to it would leave output behind that the app
//! does not control (and state that outlives an unload). Instead the app passes `create` a
//! callback, and the plugin sends each of its `[Component1 Lib] ...` lines through it.

use std::ffi::{CStr, c_char};
use std::io::Write;

/// The app's chatter sink: prints a plugin's line indented like the component lines of steps
/// 02-04. Plugins get it with each instance, unless the run measures with `--repeat`.
///
/// # Safety
///
/// `line` is null or a NUL-terminated string that stays valid during the call.
pub unsafe extern "C" fn print_chatter(line: *const c_char) {
    if line.is_null() {
        return;
    }
    // SAFETY: per this function's contract.
    let line = unsafe { CStr::from_ptr(line) }.to_string_lossy();
    // A panic must not unwind out of an `extern "C"` function (the process would abort), so a
    // failed write is dropped here instead of `println!`'s panic.
    let _ = writeln!(std::io::stdout().lock(), "        {line}");
}

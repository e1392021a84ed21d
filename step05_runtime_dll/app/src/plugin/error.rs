//! A plugin that is missing, broken, of another ABI, in the wrong role, or that fails a call: each
//! becomes one error that names the file and says what to do, never a crash.
//!
//! Loading errors are `anyhow` errors (the app only prints them); a failed call is a
//! [`ComponentError`], the contract's own error type: `check` turns a call's status into one,
//! and `take_string` copies a string the plugin returned, then hands it back to the plugin to
//! free. Also here: how the app names a plugin, `libcomponent1.so: component1 0.1.0, as the
//! processor`.

use std::ffi::{CStr, c_char};
use std::fmt;
use std::path::Path;

use anyhow::anyhow;
use plugin_interface::{ABI_VERSION, CallStatus, StatusCode};
use traits::ComponentError;

use super::{PluginLibrary, Role};

pub(super) fn missing(path: &Path, name: &str) -> anyhow::Error {
    let path = path.display();
    anyhow!(
        "plugin file not found: {path}; build it with `cargo build -p {name}` in \
         step05_runtime_dll (a plain `cargo run` there builds every plugin), or point \
         --plugin-dir at the directory that holds it"
    )
}

/// The message for a file the system could not load; its reason follows, after a `: `.
pub(super) fn not_a_library(path: &Path) -> String {
    let path = path.display();
    format!("cannot load {path} as a shared library (is it a plugin built for this system?)")
}

pub(super) fn no_declaration(path: &Path) -> anyhow::Error {
    let path = path.display();
    anyhow!(
        "{path} is a shared library but not a plugin of this app: it exports no \
         `PLUGIN_DECLARATION` symbol; plugins are built against the plugin_interface crate"
    )
}

pub(super) fn abi_mismatch(path: &Path, found: u32) -> anyhow::Error {
    let path = path.display();
    anyhow!(
        "{path} speaks plugin ABI version {found}, but this app speaks version {ABI_VERSION}; \
         rebuild the plugin against this app's plugin_interface"
    )
}

/// Copies a string field of the declaration, which must not be null.
pub(super) fn declared_text(
    text: *const c_char,
    field: &str,
    path: &Path,
) -> anyhow::Result<String> {
    if text.is_null() {
        let path = path.display();
        return Err(anyhow!(
            "{path} declares a null {field}; the plugin is broken, rebuild it"
        ));
    }
    // SAFETY: the declaration promises a NUL-terminated string that lives as long as the library.
    Ok(unsafe { CStr::from_ptr(text) }
        .to_string_lossy()
        .into_owned())
}

impl PluginLibrary {
    /// The table of `role`, or an error saying this plugin cannot play it.
    pub(super) fn table<T: Copy>(&self, table: Option<T>, role: Role) -> anyhow::Result<T> {
        let (name, path) = (&self.name, self.path.display());
        table.ok_or_else(|| {
            anyhow!(
                "plugin {name} ({path}) cannot be the {role}: its declaration has no {role} \
                 table; choose another with --{role} NAME"
            )
        })
    }

    /// Turns what a plugin call returned into a `Result`. `call` names the call (`process(42)`)
    /// for the error, which also names the plugin; a panic caught in the plugin says so.
    pub(super) fn check(
        &self,
        status: CallStatus,
        call: impl FnOnce() -> String,
    ) -> Result<(), ComponentError> {
        // SAFETY: a non-null message is a string this plugin allocated for us, freed only here.
        let message = unsafe { self.take_string(status.message) };
        match status.code {
            StatusCode::OK => Ok(()),
            // `REJECTED`, `PANICKED`, or a code from a newer plugin: an error naming both the
            // plugin and the call, with the plugin's message.
            code => Err(self.call_failed(code, call(), message.unwrap_or_default())),
        }
    }

    /// Copies a string the plugin handed out, then gives it back to the plugin to free: the
    /// plugin allocated it, and its allocator may not be ours. `text` must be null or such a
    /// string, not freed yet.
    pub(super) unsafe fn take_string(&self, text: *mut c_char) -> Option<String> {
        if text.is_null() {
            return None;
        }
        // SAFETY: per this function's contract.
        let copy = unsafe { CStr::from_ptr(text) }
            .to_string_lossy()
            .into_owned();
        // SAFETY: per this function's contract; `text` is not used after this.
        unsafe { (self.free_string)(text) };
        Some(copy)
    }

    /// The error for a call that returned `code`, which is not `OK`: `message` is what the
    /// plugin said, `call` which call it was.
    fn call_failed(&self, code: StatusCode, call: String, message: String) -> ComponentError {
        let (component, reason) = (self.describe(), format!("{call}: {message}"));
        match code {
            StatusCode::PANICKED => {
                let reason = format!("{reason} (caught inside the plugin)");
                ComponentError::Panicked { component, reason }
            }
            StatusCode::REJECTED => ComponentError::Rejected { component, reason },
            StatusCode(unknown) => {
                let reason = format!("{call}: unknown status code {unknown}");
                ComponentError::Rejected { component, reason }
            }
        }
    }

    /// The error for a plugin that said a call worked but did not deliver what the contract
    /// promises.
    pub(super) fn broke_contract(&self, call: &str, returned: &str) -> ComponentError {
        let reason = format!(
            "{call}: reported success but returned {returned}, which breaks the plugin contract"
        );
        let component = self.describe();
        ComponentError::Rejected { component, reason }
    }

    /// How errors name this plugin: `plugin component1 (/path/to/libcomponent1.so)`.
    fn describe(&self) -> String {
        format!("plugin {} ({})", self.name, self.path.display())
    }
}

/// `Loaded {plugin}` reads `Loaded libcomponent1.so: component1 0.1.0, as the processor`.
impl fmt::Display for PluginLibrary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (file, name, version, role) = (&self.file_name, &self.name, &self.version, self.role);
        write!(f, "{file}: {name} {version}, as the {role}")
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Processor => "processor",
            Role::Transformer => "transformer",
        })
    }
}

//! A plugin that is missing, broken, of another ABI, in the wrong role, or that fails a call: each
//! becomes one error that names the file and says what to do, never a crash.
//!
//! - [`PluginError`]: why a plugin could not be loaded, created or unloaded.
//! - [`PluginLibrary::check`]: a call's [`CallStatus`] as a `Result`, copying and freeing the
//!   plugin's message; a panic the plugin caught arrives here as `PANICKED`.
//! - The checks a declaration must pass after the handshake: text fields, the role's table.
//! - How the app names a plugin: `libcomponent1.so: component1 0.1.0, as the processor`.

use std::ffi::{CStr, c_char};
use std::fmt;
use std::path::{Path, PathBuf};

use plugin_interface::{ABI_VERSION, CallStatus, ProcessorTable, StatusCode, TransformerTable};
use traits::ComponentError;

use super::{PluginLibrary, Role};

/// Why a plugin could not be loaded, created or unloaded.
#[derive(Debug, thiserror::Error)]
pub enum PluginError {
    #[error("plugin file not found: {}; build it with `cargo build -p {name}` in step05_runtime_dll \
             (a plain `cargo run` there builds every plugin), or point --plugin-dir at the \
             directory that holds it", .path.display())]
    Missing { path: PathBuf, name: String },
    // A field named `source` is the error's cause: `{:#}` prints it after the message.
    #[error("cannot load {} as a shared library (is it a plugin built for this system?)",
            .path.display())]
    NotALibrary {
        path: PathBuf,
        source: libloading::Error,
    },
    #[error("{} is a shared library but not a plugin of this app: it exports no \
             `PLUGIN_DECLARATION` symbol; plugins are built against the plugin_interface crate",
            .path.display())]
    NoDeclaration { path: PathBuf },
    #[error("{} speaks plugin ABI version {found}, but this app speaks version {ABI_VERSION}; \
             rebuild the plugin against this app's plugin_interface", .path.display())]
    AbiMismatch { path: PathBuf, found: u32 },
    #[error("{} declares a null {field}; the plugin is broken, rebuild it", .path.display())]
    NullInDeclaration { path: PathBuf, field: &'static str },
    #[error("plugin {name} ({}) cannot be the {role}: its declaration has no {role} table; \
             choose another with --{role} NAME", .path.display())]
    WrongRole {
        path: PathBuf,
        name: String,
        role: Role,
    },
    /// The plugin's `create` failed: it returned an error or panicked.
    #[error(transparent)]
    Create(#[from] ComponentError),
    #[error("could not unload {}", .path.display())]
    Unload {
        path: PathBuf,
        source: libloading::Error,
    },
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

impl PluginLibrary {
    /// Turns what a plugin call returned into a `Result`, copying and freeing its message.
    /// `call` says which call it was, for the error (`process(42)`).
    pub(super) fn check(
        &self,
        status: CallStatus,
        call: impl FnOnce() -> String,
    ) -> Result<(), ComponentError> {
        // SAFETY: a non-null message is a string this plugin allocated for us, freed only here.
        let message = unsafe { self.take_string(status.message) }.unwrap_or_default();
        let (panicked, what) = match status.code {
            StatusCode::OK => return Ok(()),
            StatusCode::REJECTED => (false, message),
            StatusCode::PANICKED => (true, format!("{message} (caught inside the plugin)")),
            StatusCode(unknown) => (false, format!("unknown status code {unknown}")),
        };
        // Only a failure names the plugin and the call: the hot path of `--repeat` formats nothing.
        let (component, reason) = (self.describe(), format!("{}: {what}", call()));
        match panicked {
            true => Err(ComponentError::Panicked { component, reason }),
            false => Err(ComponentError::Rejected { component, reason }),
        }
    }

    /// The error for a plugin that said a call worked but did not deliver what the contract
    /// promises.
    pub(super) fn broke_contract(&self, call: &str, returned: &str) -> ComponentError {
        ComponentError::Rejected {
            component: self.describe(),
            reason: format!(
                "{call}: reported success but returned {returned}, which breaks the plugin contract"
            ),
        }
    }

    /// How errors name this plugin: `plugin component1 (/path/to/libcomponent1.so)`.
    fn describe(&self) -> String {
        format!("plugin {} ({})", self.name, self.path.display())
    }

    /// Whether the plugin provides the table of the role it was loaded for.
    pub(super) fn check_role(&self) -> Result<(), PluginError> {
        match self.role {
            Role::Processor => self.processor_table().map(drop),
            Role::Transformer => self.transformer_table().map(drop),
        }
    }

    /// The processor table, or an error saying the plugin has none.
    pub(super) fn processor_table(&self) -> Result<ProcessorTable, PluginError> {
        self.processor
            .ok_or_else(|| self.wrong_role(Role::Processor))
    }

    /// The transformer table, or an error saying the plugin has none.
    pub(super) fn transformer_table(&self) -> Result<TransformerTable, PluginError> {
        self.transformer
            .ok_or_else(|| self.wrong_role(Role::Transformer))
    }

    fn wrong_role(&self, role: Role) -> PluginError {
        let (path, name) = (self.path.clone(), self.name.clone());
        PluginError::WrongRole { path, name, role }
    }
}

/// Reads a string field of the declaration, which must not be null.
pub(super) fn declared_text(
    text: *const c_char,
    field: &'static str,
    path: &Path,
) -> Result<String, PluginError> {
    if text.is_null() {
        let path = path.to_path_buf();
        return Err(PluginError::NullInDeclaration { path, field });
    }
    // SAFETY: the declaration promises a NUL-terminated string that lives as long as the library.
    Ok(unsafe { CStr::from_ptr(text) }
        .to_string_lossy()
        .into_owned())
}

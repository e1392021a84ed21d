//! One plugin file: finding it, opening it, the handshake, and closing it again.
//!
//! [`PluginLibrary::load`] is the only place where the app trusts a file it did not build. It
//! checks what it can before it calls anything: the file exists, the system can load it, it
//! exports `PLUGIN_DECLARATION`, and that declaration speaks our [`ABI_VERSION`]. Only then does
//! it read the rest of the declaration and keep copies of its function tables.

use std::error::Error;
use std::ffi::{CStr, c_char};
use std::fmt;
use std::path::{Path, PathBuf};

use libloading::{Library, library_filename};
use plugin_interface::{
    ABI_VERSION, CallStatus, DECLARATION_SYMBOL, FreeStringFn, PluginDeclaration, ProcessorTable,
    StatusCode, TransformerTable,
};
use traits::ComponentError;

/// A plugin file that is loaded and passed the handshake.
pub struct PluginLibrary {
    path: PathBuf,
    name: String,
    version: String,
    processor: Option<ProcessorTable>,
    transformer: Option<TransformerTable>,
    free_string: FreeStringFn,
    // Fields are dropped in the order they are declared. The tables above point into this
    // library, so it comes last: if a `PluginLibrary` is dropped without `unload`, the library
    // still closes after everything that refers to it.
    library: Library,
}

/// The two roles of the pipeline, each a table a plugin may fill in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Processor,
    Transformer,
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
    /// Loads plugin `name` from `dir`: `libNAME.so` on Linux, `libNAME.dylib` on macOS,
    /// `NAME.dll` on Windows, as `libloading::library_filename` spells it for this platform.
    pub fn load(dir: &Path, name: &str) -> Result<PluginLibrary, PluginError> {
        let path = dir.join(library_filename(name));
        if !path.is_file() {
            return Err(PluginError::Missing {
                path,
                name: name.to_string(),
            });
        }

        // SAFETY: opening a library runs its initialisation code, and closing it runs its
        // termination code: loading a plugin means trusting it, like running a program. Our
        // plugins have neither (see the README on unloading). `path` holds a directory, so the
        // system opens this file rather than searching its library path for the name.
        let library = unsafe { Library::new(&path) }.map_err(|error| PluginError::NotALibrary {
            path: path.clone(),
            reason: error_chain(&error),
        })?;

        // SAFETY: the type we ask for is the address of a `static`, whatever it holds; we read
        // nothing through it yet.
        let declaration: *const PluginDeclaration =
            match unsafe { library.get::<*const PluginDeclaration>(DECLARATION_SYMBOL) } {
                Ok(symbol) if !symbol.is_null() => *symbol,
                _ => return Err(PluginError::NoDeclaration { path }),
            };

        // The handshake. Every version of the contract starts its declaration with a `u32`
        // version, so this one read is valid whatever version the plugin speaks; the rest of
        // the layout is only known once the versions agree.
        // SAFETY: `declaration` points to a static that starts with a `u32`.
        let abi_version = unsafe { declaration.cast::<u32>().read() };
        if abi_version != ABI_VERSION {
            return Err(PluginError::AbiMismatch {
                path,
                found: abi_version,
            });
        }
        // SAFETY: the plugin speaks our ABI, so the static is a `PluginDeclaration`; we copy what
        // we need out of it before `library` moves.
        let declaration = unsafe { &*declaration };
        let name = declared_text(declaration.name, "name", &path)?;
        let version = declared_text(declaration.version, "version", &path)?;
        Ok(PluginLibrary {
            name,
            version,
            processor: declaration.processor.copied(),
            transformer: declaration.transformer.copied(),
            free_string: declaration.free_string,
            path,
            library,
        })
    }

    /// How errors name this plugin: `plugin component1 (/path/to/libcomponent1.so)`.
    pub fn describe(&self) -> String {
        format!("plugin {} ({})", self.name, self.path.display())
    }

    /// The name the plugin gives itself in its declaration.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The plugin's own version, from its declaration.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The file name, as this platform spells it (`libcomponent1.so`, `component1.dll`, ...).
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .unwrap_or(self.path.as_os_str())
            .to_string_lossy()
            .into_owned()
    }

    /// Whether the plugin can play `role`: an error naming the role it does play if not.
    pub fn check_role(&self, role: Role) -> Result<(), PluginError> {
        match role {
            Role::Processor => self.processor_table().map(drop),
            Role::Transformer => self.transformer_table().map(drop),
        }
    }

    /// The processor table, or an error naming the role the plugin does play.
    pub fn processor_table(&self) -> Result<ProcessorTable, PluginError> {
        self.processor
            .ok_or_else(|| self.wrong_role(Role::Processor))
    }

    /// The transformer table, or an error naming the role the plugin does play.
    pub fn transformer_table(&self) -> Result<TransformerTable, PluginError> {
        self.transformer
            .ok_or_else(|| self.wrong_role(Role::Transformer))
    }

    fn wrong_role(&self, wanted: Role) -> PluginError {
        let offered = match (self.processor.is_some(), self.transformer.is_some()) {
            (true, _) => "a processor",
            (false, true) => "a transformer",
            (false, false) => "no role at all",
        };
        PluginError::WrongRole {
            path: self.path.clone(),
            name: self.name.clone(),
            wanted,
            offered,
        }
    }

    /// Turns what a plugin call returned into a `Result`, copying and freeing its message.
    /// `call` says which call it was, for the error (`process(42)`).
    pub fn check(
        &self,
        status: CallStatus,
        call: impl FnOnce() -> String,
    ) -> Result<(), ComponentError> {
        if status.code == StatusCode::OK && status.message.is_null() {
            // The hot path of `--repeat`: nothing to copy, free or format.
            return Ok(());
        }
        // SAFETY: a non-null message is a string this plugin allocated for us, freed only here.
        let message = unsafe { self.take_string(status.message) }.unwrap_or_default();
        let component = self.describe();
        match status.code {
            StatusCode::OK => Ok(()),
            StatusCode::REJECTED => Err(ComponentError::Rejected {
                component,
                reason: format!("{}: {message}", call()),
            }),
            StatusCode::PANICKED => Err(ComponentError::Panicked {
                component,
                reason: format!(
                    "{}: {message} (caught inside the plugin; the app is unharmed)",
                    call()
                ),
            }),
            StatusCode(unknown) => Err(ComponentError::Rejected {
                component,
                reason: format!("{}: unknown status code {unknown}", call()),
            }),
        }
    }

    /// Copies a string the plugin handed out, then gives it back to the plugin to free.
    ///
    /// # Safety
    ///
    /// `text` is null or a NUL-terminated string this plugin allocated and nobody freed yet.
    pub unsafe fn take_string(&self, text: *mut c_char) -> Option<String> {
        if text.is_null() {
            return None;
        }
        // SAFETY: per this function's contract.
        let copy = unsafe { CStr::from_ptr(text) }
            .to_string_lossy()
            .into_owned();
        // The plugin allocated it, so the plugin frees it: its allocator may not be ours.
        unsafe { (self.free_string)(text) };
        Some(copy)
    }

    /// Closes the library and reports it if the system refused.
    ///
    /// Taking `self` by value means nothing can use the plugin afterwards, and the borrow checker
    /// refuses to call this while a [`PluginProcessor`](crate::plugin_components::PluginProcessor)
    /// or a `PluginTransformer` still borrows the library: every instance is destroyed first.
    pub fn unload(self) -> Result<(), PluginError> {
        let PluginLibrary { path, library, .. } = self;
        library.close().map_err(|error| PluginError::Unload {
            path,
            reason: error_chain(&error),
        })
    }
}

/// Reads a string field of the declaration, which must be non-null UTF-8.
fn declared_text(
    text: *const c_char,
    field: &'static str,
    path: &Path,
) -> Result<String, PluginError> {
    let broken = |problem| PluginError::BadDeclaration {
        path: path.to_path_buf(),
        field,
        problem,
    };
    if text.is_null() {
        return Err(broken("null"));
    }
    // SAFETY: the declaration promises a NUL-terminated string that lives as long as the library.
    let text = unsafe { CStr::from_ptr(text) };
    text.to_str()
        .map(str::to_string)
        .map_err(|_| broken("not UTF-8"))
}

/// An error and its causes on one line: libloading says "dlopen failed" and keeps the system's
/// reason (for example "invalid ELF header") as the error's source.
fn error_chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Why a plugin could not be loaded, used or unloaded. Each message names the file and says what
/// to do.
#[derive(Debug)]
pub enum PluginError {
    Missing {
        path: PathBuf,
        name: String,
    },
    NotALibrary {
        path: PathBuf,
        reason: String,
    },
    NoDeclaration {
        path: PathBuf,
    },
    AbiMismatch {
        path: PathBuf,
        found: u32,
    },
    BadDeclaration {
        path: PathBuf,
        field: &'static str,
        problem: &'static str,
    },
    WrongRole {
        path: PathBuf,
        name: String,
        wanted: Role,
        offered: &'static str,
    },
    /// The plugin's `create` call failed (it returned an error or panicked).
    Create(ComponentError),
    Unload {
        path: PathBuf,
        reason: String,
    },
}

impl fmt::Display for PluginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PluginError::Missing { path, name } => write!(
                f,
                "plugin file not found: {}; build it with `cargo build -p {name}` in step05_runtime_dll \
                 (a plain `cargo run` there builds every plugin), or point --plugin-dir at the \
                 directory that holds it",
                path.display()
            ),
            PluginError::NotALibrary { path, reason } => write!(
                f,
                "cannot load {} as a shared library ({reason}); is it a plugin built for this system?",
                path.display()
            ),
            PluginError::NoDeclaration { path } => write!(
                f,
                "{} is a shared library but not a plugin of this app: it exports no `{}` \
                 symbol; plugins are built against the plugin_interface crate",
                path.display(),
                DECLARATION_SYMBOL.to_string_lossy()
            ),
            PluginError::AbiMismatch { path, found } => write!(
                f,
                "{} speaks plugin ABI version {found}, but this app speaks version {ABI_VERSION}; \
                 rebuild the plugin against this app's plugin_interface",
                path.display()
            ),
            PluginError::BadDeclaration {
                path,
                field,
                problem,
            } => write!(
                f,
                "{} declares a {field} that is {problem}; the plugin is broken, rebuild it",
                path.display()
            ),
            PluginError::WrongRole {
                path,
                name,
                wanted,
                offered,
            } => write!(
                f,
                "plugin {name} ({}) cannot be the {wanted}: it only provides {offered}; \
                 choose another with --{wanted} NAME",
                path.display()
            ),
            PluginError::Create(error) => write!(f, "{error}"),
            PluginError::Unload { path, reason } => {
                write!(f, "could not unload {}: {reason}", path.display())
            }
        }
    }
}

impl Error for PluginError {}

//! The host's side of the plugin boundary: open a file, check its declaration, call through it.
//!
//! [`PluginProcessor`] wraps a plugin's C table back into the `Processor` trait, so `run_pipeline`
//! cannot tell it from step 04's linked component; `plugin/transformer.rs` does the same for
//! `Transformer`. `plugin/error.rs` is what the app says when a plugin fails.

mod chatter;
mod error;
mod transformer;

use std::ffi::c_void;
use std::path::{Path, PathBuf};

use libloading::{Library, library_filename};
use plugin_interface::{
    ABI_VERSION, CallStatus, DECLARATION_SYMBOL, FfiProcessResult, FreeStringFn, LogFn,
    PluginDeclaration, ProcessorTable, TransformerTable,
};
use traits::{ComponentError, ProcessResult, Processor};

pub use chatter::print_chatter;
pub use error::PluginError;
pub use transformer::PluginTransformer;

/// A plugin file that is loaded and passed the handshake.
pub struct PluginLibrary {
    path: PathBuf,
    pub file_name: String,
    name: String,
    version: String,
    role: Role,
    processor: Option<ProcessorTable>,
    transformer: Option<TransformerTable>,
    free_string: FreeStringFn,
    // Fields drop in declaration order, and the tables point into the library: it goes last.
    library: Library,
}

/// The two roles of the pipeline: a plugin plays one by filling in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Processor,
    Transformer,
}

impl PluginLibrary {
    /// Loads plugin `name` from `dir` to play `role`: the file `libNAME.so` on Linux,
    /// `libNAME.dylib` on macOS, `NAME.dll` on Windows.
    pub fn load(dir: &Path, name: &str, role: Role) -> Result<PluginLibrary, PluginError> {
        let path = dir.join(library_filename(name));
        if !path.is_file() {
            let name = name.to_string();
            return Err(PluginError::Missing { path, name });
        }

        // SAFETY: loading a library runs its initialisation code: we trust the plugin's author.
        let library = match unsafe { Library::new(&path) } {
            Ok(library) => library,
            Err(source) => return Err(PluginError::NotALibrary { path, source }),
        };

        // SAFETY: we ask for the address of a `static`, whatever it holds; nothing is read yet.
        let declaration: *const PluginDeclaration =
            match unsafe { library.get::<*const PluginDeclaration>(DECLARATION_SYMBOL) } {
                Ok(symbol) if !symbol.is_null() => *symbol,
                _ => return Err(PluginError::NoDeclaration { path }),
            };

        // The handshake. Every version of the contract starts its declaration with a `u32`, so
        // this one read is valid whatever version the plugin speaks.
        // SAFETY: `declaration` points to a static that starts with a `u32`.
        let abi_version = unsafe { declaration.cast::<u32>().read() };
        if abi_version != ABI_VERSION {
            let found = abi_version;
            return Err(PluginError::AbiMismatch { path, found });
        }
        // SAFETY: the plugin speaks our ABI, so the static is a `PluginDeclaration`.
        let declaration = unsafe { &*declaration };

        let plugin = PluginLibrary {
            name: error::declared_text(declaration.name, "name", &path)?,
            version: error::declared_text(declaration.version, "version", &path)?,
            role,
            processor: declaration.processor.copied(),
            transformer: declaration.transformer.copied(),
            free_string: declaration.free_string,
            file_name: library_filename(name).to_string_lossy().into_owned(),
            path,
            library,
        };
        plugin.check_role()?;
        Ok(plugin)
    }

    /// Closes the library. Taking `self` by value, it cannot run while a [`PluginProcessor`] or
    /// a [`PluginTransformer`] still borrows the library: every instance is destroyed first.
    pub fn unload(self) -> Result<(), PluginError> {
        let PluginLibrary { path, library, .. } = self;
        library
            .close()
            .map_err(|source| PluginError::Unload { path, source })
    }
}

/// One instance created inside a plugin, destroyed by that plugin when this value is dropped.
/// The `'lib` borrow ties it to its library, which cannot be unloaded while the instance lives.
struct PluginInstance<'lib> {
    plugin: &'lib PluginLibrary,
    pointer: *mut c_void,
    destroy: unsafe extern "C" fn(*mut c_void) -> CallStatus,
}

impl<'lib> PluginInstance<'lib> {
    fn create(
        plugin: &'lib PluginLibrary,
        create: unsafe extern "C" fn(Option<LogFn>, *mut *mut c_void) -> CallStatus,
        destroy: unsafe extern "C" fn(*mut c_void) -> CallStatus,
        log: Option<LogFn>,
    ) -> Result<Self, PluginError> {
        let mut pointer = std::ptr::null_mut();
        // SAFETY: `create` comes from a plugin that passed the handshake and writes one pointer.
        let status = unsafe { create(log, &mut pointer) };
        plugin.check(status, || "create".to_string())?;
        if pointer.is_null() {
            return Err(plugin.broke_contract("create", "no instance").into());
        }
        Ok(PluginInstance {
            plugin,
            pointer,
            destroy,
        })
    }
}

impl Drop for PluginInstance<'_> {
    fn drop(&mut self) {
        // SAFETY: `pointer` came from this plugin's `create` and is destroyed exactly once, here.
        let status = unsafe { (self.destroy)(self.pointer) };
        if let Err(error) = self.plugin.check(status, || "destroy".to_string()) {
            // `drop` cannot return an error, and the pipeline already ran: say so and go on.
            eprintln!("warning: {error}");
        }
    }
}

/// A processor plugin, seen by the app as a [`Processor`].
pub struct PluginProcessor<'lib> {
    table: ProcessorTable,
    instance: PluginInstance<'lib>,
}

impl<'lib> PluginProcessor<'lib> {
    /// Creates the plugin's processor. Its chatter goes to `log`, or nowhere if `None`.
    pub fn create(plugin: &'lib PluginLibrary, log: Option<LogFn>) -> Result<Self, PluginError> {
        let table = plugin.processor_table()?;
        let instance = PluginInstance::create(plugin, table.create, table.destroy, log)?;
        Ok(PluginProcessor { table, instance })
    }
}

impl Processor for PluginProcessor<'_> {
    fn process(&self, value: i32) -> Result<ProcessResult, ComponentError> {
        let (plugin, instance) = (self.instance.plugin, self.instance.pointer);
        let mut out = FfiProcessResult::default();
        // SAFETY: a live instance of this plugin and a valid place for the result.
        let status = unsafe { (self.table.process)(instance, value, &mut out) };
        plugin.check(status, || format!("process({value})"))?;
        Ok(ProcessResult::from(out))
    }

    fn validate(&self, data: &ProcessResult) -> Result<bool, ComponentError> {
        let (plugin, instance) = (self.instance.plugin, self.instance.pointer);
        let mut is_valid = false;
        // SAFETY: a live instance, a valid input for the call and a valid place for the answer.
        let status = unsafe { (self.table.validate)(instance, &data.into(), &mut is_valid) };
        plugin.check(status, || format!("validate({data:?})"))?;
        Ok(is_valid)
    }
}

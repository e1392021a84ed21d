//! The app's side of the plugin boundary: open a file, check its declaration, call through it.
//! (The app is the *host*: the program that loads the plugins.)
//!
//! Top to bottom: load and handshake, an instance's life, calls through the table. A call's
//! status becomes a `Result` in `check` (in `plugin/error.rs`).
//! `plugin/transformer.rs` does for `Transformer` what `PluginProcessor` does here.

mod chatter;
mod error;
mod transformer;

use std::ffi::c_void;
use std::path::{Path, PathBuf};

use anyhow::Context;
use libloading::{Library, library_filename};
use plugin_interface::{
    ABI_VERSION, CreateFn, DECLARATION_SYMBOL, DestroyFn, FfiProcessResult, FreeStringFn, LogFn,
    PluginDeclaration, ProcessorTable, TransformerTable,
};
use traits::{ComponentError, ProcessResult, Processor};

use chatter::print_chatter;

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
    pub fn load(dir: &Path, name: &str, role: Role) -> anyhow::Result<PluginLibrary> {
        let path = dir.join(library_filename(name));
        if !path.is_file() {
            return Err(error::missing(&path, name));
        }

        // SAFETY: loading a library runs its initialisation code: we trust the plugin's author.
        let library =
            unsafe { Library::new(&path) }.with_context(|| error::not_a_library(&path))?;

        // SAFETY: we ask for the address of a `static`, whatever it holds; nothing is read yet.
        // `*symbol` unwraps libloading's `Symbol` into that address; it reads nothing.
        let declaration: *const PluginDeclaration =
            match unsafe { library.get::<*const PluginDeclaration>(DECLARATION_SYMBOL) } {
                Ok(symbol) if !symbol.is_null() => *symbol,
                _ => return Err(error::no_declaration(&path)),
            };

        // The handshake. Every version of the contract starts its declaration with a `u32`, so
        // this one read is valid whatever version the plugin speaks.
        // SAFETY: `declaration` points to a static that starts with a `u32`.
        let abi_version = unsafe { declaration.cast::<u32>().read() };
        if abi_version != ABI_VERSION {
            return Err(error::abi_mismatch(&path, abi_version));
        }
        // SAFETY: the plugin speaks our ABI, so the static is a `PluginDeclaration`.
        let declaration = unsafe { &*declaration };

        let plugin = PluginLibrary {
            // Each copies a C string of the declaration, or fails if it is null.
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
        // A plugin without the table of the role it was loaded for is refused now, not at use:
        // `table` (in `plugin/error.rs`) returns that table, or an error naming the role.
        if role == Role::Processor {
            plugin.table(plugin.processor, role)?;
        } else {
            plugin.table(plugin.transformer, role)?;
        }
        Ok(plugin)
    }

    /// Closes the library. Taking `self` by value, it cannot run while a [`PluginProcessor`] or
    /// a [`PluginTransformer`] still borrows the library: every instance is destroyed first.
    pub fn unload(self) -> anyhow::Result<()> {
        let PluginLibrary { path, library, .. } = self;
        library
            .close()
            .with_context(|| format!("could not unload {}", path.display()))
    }
}

/// One instance created inside a plugin, destroyed by that plugin when this value is dropped.
/// `'lib` is a lifetime parameter: this value borrows the library (`&'lib PluginLibrary`), so the
/// library cannot be unloaded while the instance lives.
struct PluginInstance<'lib> {
    plugin: &'lib PluginLibrary,
    /// The instance's address inside the plugin. Only the plugin knows its type (`c_void`).
    pointer: *mut c_void,
    destroy: DestroyFn,
}

impl<'lib> PluginInstance<'lib> {
    fn create(
        plugin: &'lib PluginLibrary,
        create: CreateFn,
        destroy: DestroyFn,
        quiet: bool,
    ) -> Result<Self, ComponentError> {
        // A plugin does not print: it calls back `print_chatter`, a function of the app's, with
        // each line. A quiet instance gets none (`None` crosses as a null pointer).
        let log: Option<LogFn> = if quiet { None } else { Some(print_chatter) };
        let mut pointer = std::ptr::null_mut();
        // SAFETY: `create` comes from a plugin that passed the handshake, and writes the new
        // instance's address into `pointer`.
        let status = unsafe { create(log, &mut pointer) };
        plugin.check(status, || "create".to_string())?;
        if pointer.is_null() {
            return Err(plugin.broke_contract("create", "no instance"));
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
    /// Creates the plugin's processor; a `quiet` one sends no chatter.
    pub fn create(plugin: &'lib PluginLibrary, quiet: bool) -> anyhow::Result<Self> {
        let table = plugin.table(plugin.processor, Role::Processor)?;
        let instance = PluginInstance::create(plugin, table.create, table.destroy, quiet)?;
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
        // `FfiProcessResult` and `ProcessResult` convert both ways with `From` (`convert.rs`).
        Ok(ProcessResult::from(out))
    }

    fn validate(&self, data: &ProcessResult) -> Result<bool, ComponentError> {
        let (plugin, instance) = (self.instance.plugin, self.instance.pointer);
        let input = FfiProcessResult::from(data);
        let mut is_valid = false;
        // SAFETY: a live instance, a valid input for the call and a valid place for the answer.
        let status = unsafe { (self.table.validate)(instance, &input, &mut is_valid) };
        plugin.check(status, || format!("validate({data:?})"))?;
        Ok(is_valid)
    }
}

//! The host's side of the plugin boundary: open a file, check its declaration, call through it.
//!
//! [`PluginLibrary::load`] is the only place where the app trusts a file it did not build. It
//! checks what it can before it calls anything: the file exists, the system can load it, it
//! exports `PLUGIN_DECLARATION`, and that declaration speaks our [`ABI_VERSION`]. Then
//! [`PluginProcessor`] and [`PluginTransformer`] wrap the plugin's C tables back into the
//! `Processor` and `Transformer` traits, so `run_pipeline` cannot tell a plugin from step 04's
//! linked components. What can go wrong, and what the app says about it, is in `plugin/error.rs`.

mod error;

use std::ffi::{CStr, CString, c_char, c_void};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use libloading::{Library, library_filename};
use plugin_interface::{
    ABI_VERSION, CallStatus, DECLARATION_SYMBOL, FfiProcessResult, FfiTransformResult,
    FreeStringFn, LogFn, PluginDeclaration, ProcessorTable, TransformerTable,
};
use traits::{ComponentError, ProcessResult, Processor, TransformResult, Transformer};

pub use error::PluginError;

/// A plugin file that is loaded and passed the handshake.
pub struct PluginLibrary {
    path: PathBuf,
    name: String,
    version: String,
    role: Role,
    processor: Option<ProcessorTable>,
    transformer: Option<TransformerTable>,
    free_string: FreeStringFn,
    // Fields are dropped in the order they are declared. The tables above point into this
    // library, so it comes last: a `PluginLibrary` dropped without `unload` still closes the
    // library after everything that refers to it.
    library: Library,
}

/// The two roles of the pipeline, each a table a plugin may fill in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Processor,
    Transformer,
}

impl PluginLibrary {
    /// Loads plugin `name` from `dir` to play `role`: `libNAME.so` on Linux, `libNAME.dylib` on
    /// macOS, `NAME.dll` on Windows, as `libloading::library_filename` spells it.
    pub fn load(dir: &Path, name: &str, role: Role) -> Result<PluginLibrary, PluginError> {
        let path = dir.join(library_filename(name));
        if !path.is_file() {
            let name = name.to_string();
            return Err(PluginError::Missing { path, name });
        }

        // SAFETY: opening a library runs its initialisation code: loading a plugin means trusting
        // it, like running a program. `path` holds a directory, so the system opens this file
        // rather than searching its library path for the name.
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

        // The handshake. Every version of the contract starts its declaration with a `u32`
        // version, so this one read is valid whatever version the plugin speaks; the rest of the
        // layout is only known once the versions agree.
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
            path,
            library,
        };
        match role {
            Role::Processor => plugin.processor_table().map(drop)?,
            Role::Transformer => plugin.transformer_table().map(drop)?,
        }
        Ok(plugin)
    }

    /// The file name as this platform spells it (`libcomponent1.so`, `component1.dll`, ...).
    pub fn file_name(&self) -> String {
        let file_name = self.path.file_name().unwrap_or(self.path.as_os_str());
        file_name.to_string_lossy().into_owned()
    }

    /// Closes the library, and says so if the system refused.
    ///
    /// Taking `self` by value means nothing can use the plugin afterwards, and the borrow checker
    /// refuses to call this while a [`PluginProcessor`] or a [`PluginTransformer`] still borrows
    /// the library: every instance is destroyed first.
    pub fn unload(self) -> Result<(), PluginError> {
        let PluginLibrary { path, library, .. } = self;
        library
            .close()
            .map_err(|source| PluginError::Unload { path, source })
    }

    /// Copies a string the plugin handed out, then gives it back to the plugin to free: the
    /// plugin allocated it, and its allocator may not be ours.
    ///
    /// # Safety
    ///
    /// `text` is null or a NUL-terminated string this plugin allocated and nobody freed yet.
    unsafe fn take_string(&self, text: *mut c_char) -> Option<String> {
        if text.is_null() {
            return None;
        }
        // SAFETY: per this function's contract.
        let copy = unsafe { CStr::from_ptr(text) }
            .to_string_lossy()
            .into_owned();
        unsafe { (self.free_string)(text) };
        Some(copy)
    }
}

/// `Loaded {plugin}` reads `Loaded libcomponent1.so: component1 0.1.0, as the processor`.
impl fmt::Display for PluginLibrary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (file, name, version, role) = (self.file_name(), &self.name, &self.version, self.role);
        write!(f, "{file}: {name} {version}, as the {role}")
    }
}

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

/// One instance created inside a plugin, destroyed by that plugin when this value is dropped.
///
/// The `'lib` borrow ties the instance to its library: the compiler will not let the library be
/// unloaded while an instance, and the function pointers it calls, still exist.
struct PluginInstance<'lib> {
    plugin: &'lib PluginLibrary,
    instance: *mut c_void,
    destroy: unsafe extern "C" fn(*mut c_void) -> CallStatus,
}

impl<'lib> PluginInstance<'lib> {
    fn create(
        plugin: &'lib PluginLibrary,
        create: unsafe extern "C" fn(Option<LogFn>, *mut *mut c_void) -> CallStatus,
        destroy: unsafe extern "C" fn(*mut c_void) -> CallStatus,
        log: Option<LogFn>,
    ) -> Result<Self, PluginError> {
        let mut instance = std::ptr::null_mut();
        // SAFETY: `create` comes from a plugin that passed the handshake; `instance` is a valid
        // place for the pointer it writes.
        let status = unsafe { create(log, &mut instance) };
        plugin.check(status, || "create".to_string())?;
        if instance.is_null() {
            return Err(plugin.broke_contract("create", "no instance").into());
        }
        let destroy_later = PluginInstance {
            plugin,
            instance,
            destroy,
        };
        Ok(destroy_later)
    }
}

impl Drop for PluginInstance<'_> {
    fn drop(&mut self) {
        // SAFETY: `instance` came from this plugin's `create` and is destroyed exactly once, here.
        let status = unsafe { (self.destroy)(self.instance) };
        if let Err(error) = self.plugin.check(status, || "destroy".to_string()) {
            // `drop` cannot return an error, and this one changes nothing for the user: the
            // pipeline already ran. Say so and carry on unloading.
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
        let mut out = FfiProcessResult {
            value: 0,
            processed: false,
        };
        // SAFETY: a live instance of this plugin and a valid place for the result.
        let status = unsafe { (self.table.process)(self.instance.instance, value, &mut out) };
        self.instance
            .plugin
            .check(status, || format!("process({value})"))?;
        Ok(ProcessResult::from(out))
    }

    fn validate(&self, data: &ProcessResult) -> Result<bool, ComponentError> {
        let data_in_c_layout = FfiProcessResult::from(data);
        let mut is_valid = false;
        // SAFETY: a live instance, a valid input for the call and a valid place for the answer.
        let status = unsafe {
            (self.table.validate)(self.instance.instance, &data_in_c_layout, &mut is_valid)
        };
        self.instance
            .plugin
            .check(status, || format!("validate({data:?})"))?;
        Ok(is_valid)
    }
}

/// A transformer plugin, seen by the app as a [`Transformer`].
pub struct PluginTransformer<'lib> {
    table: TransformerTable,
    instance: PluginInstance<'lib>,
}

impl<'lib> PluginTransformer<'lib> {
    /// Creates the plugin's transformer. Its chatter goes to `log`, or nowhere if `None`.
    pub fn create(plugin: &'lib PluginLibrary, log: Option<LogFn>) -> Result<Self, PluginError> {
        let table = plugin.transformer_table()?;
        let instance = PluginInstance::create(plugin, table.create, table.destroy, log)?;
        Ok(PluginTransformer { table, instance })
    }
}

impl Transformer for PluginTransformer<'_> {
    fn transform(&self, value: i32) -> Result<TransformResult, ComponentError> {
        let plugin = self.instance.plugin;
        let mut out = FfiTransformResult {
            original: 0,
            transformed: std::ptr::null(),
        };
        // SAFETY: a live instance of this plugin and a valid place for the result.
        let status = unsafe { (self.table.transform)(self.instance.instance, value, &mut out) };
        plugin.check(status, || format!("transform({value})"))?;
        // SAFETY: on success `transformed` is a string the plugin allocated for us.
        let transformed = unsafe { plugin.take_string(out.transformed.cast_mut()) }
            .ok_or_else(|| plugin.broke_contract("transform", "no text"))?;
        Ok(TransformResult {
            original: out.original,
            transformed,
        })
    }

    fn analyze(&self, data: &TransformResult) -> Result<String, ComponentError> {
        let plugin = self.instance.plugin;
        // The app's own C string: the plugin only reads it during the call, the app frees it.
        let transformed = CString::new(data.transformed.as_str())
            .map_err(|_| plugin.broke_contract("analyze", "text with a NUL byte in it"))?;
        let data_in_c_layout = FfiTransformResult {
            original: data.original,
            transformed: transformed.as_ptr(),
        };
        let mut analysis = std::ptr::null_mut();
        // SAFETY: a live instance, a valid input for the call and a valid place for the answer.
        let status = unsafe {
            (self.table.analyze)(self.instance.instance, &data_in_c_layout, &mut analysis)
        };
        plugin.check(status, || format!("analyze({data:?})"))?;
        // SAFETY: on success `analysis` is a string the plugin allocated for us.
        unsafe { plugin.take_string(analysis) }
            .ok_or_else(|| plugin.broke_contract("analyze", "no text"))
    }
}

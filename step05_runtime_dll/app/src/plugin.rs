//! The app's side of the plugin boundary: open a plugin file, check what it declares, and call
//! its functions as the pipeline's `Processor` or `Transformer`.
//!
//! Every line that trusts the file is an `unsafe` block in `open`, each with a `SAFETY:` comment
//! saying what it relies on. Once a plugin has passed those, calling it is an ordinary call.

use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
use std::path::{Path, PathBuf};

use libloading::Library;
use plugin_interface::{
    ABI_VERSION, PROCESSOR_SYMBOL, PluginDeclaration, ProcessorFunctions, Status,
    TRANSFORMER_SYMBOL, Text, TransformerFunctions,
};

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};

/// A plugin file, opened and checked: what it declared, and the library its functions live in.
pub struct Plugin<Functions> {
    pub name: String,
    pub version: String,
    functions: Functions,
    // The last field, so dropped last: the library is closed (its code leaves the process) only
    // when the rest of the plugin is gone. No call can come after: a call needs the `Plugin`.
    _library: Library,
}

/// A processor plugin (`component1`), which the pipeline sees as a [`Processor`].
pub type PluginProcessor = Plugin<ProcessorFunctions>;
/// A transformer plugin (`component2`), which the pipeline sees as a [`Transformer`].
pub type PluginTransformer = Plugin<TransformerFunctions>;

impl PluginProcessor {
    /// Opens plugin `name` in `dir` as the processor.
    pub fn open(dir: &Path, name: &str) -> Result<Self, CallError> {
        // SAFETY: by the contract, a plugin's `PROCESSOR_SYMBOL` is this declaration.
        unsafe { open(dir, name, PROCESSOR_SYMBOL) }
    }
}

impl PluginTransformer {
    /// Opens plugin `name` in `dir` as the transformer.
    pub fn open(dir: &Path, name: &str) -> Result<Self, CallError> {
        // SAFETY: by the contract, a plugin's `TRANSFORMER_SYMBOL` is this declaration.
        unsafe { open(dir, name, TRANSFORMER_SYMBOL) }
    }
}

/// The file of plugin `name` in `dir`: `libNAME.so` on Linux, `libNAME.dylib` on macOS,
/// `NAME.dll` on Windows.
pub fn plugin_file(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{DLL_PREFIX}{name}{DLL_SUFFIX}"))
}

/// The directory the running app was started from: where Cargo puts the plugin files too.
pub fn app_dir() -> std::io::Result<PathBuf> {
    let app = std::env::current_exe()?;
    Ok(app.parent().map(Path::to_path_buf).unwrap_or_default())
}

/// Opens plugin `name` in `dir`, finds `symbol`, checks its ABI version, copies what it declares.
///
/// # Safety
///
/// In a plugin of this ABI version, `symbol` must be a `PluginDeclaration<Functions>`.
unsafe fn open<Functions: Copy>(
    dir: &Path,
    name: &str,
    symbol: &str,
) -> Result<Plugin<Functions>, CallError> {
    let path = plugin_file(dir, name);
    let shown = path.display();
    let unavailable = |reason: String| CallError::Unavailable {
        component: name.to_string(),
        reason,
    };
    if !path.is_file() {
        let build = format!("build it with `cargo build -p {name}`");
        return Err(unavailable(format!("no plugin file {shown}; {build}")));
    }

    // SAFETY: loading a library runs its start-up code; we trust the plugin files we built.
    let library = unsafe { Library::new(&path) }
        .map_err(|error| unavailable(format!("cannot load {shown}: {error}")))?;

    // The address of the exported `static`, as a raw pointer (`*address` takes it out of
    // libloading's `Symbol`). SAFETY: `get` only looks the name up; nothing is read through it.
    let declaration = match unsafe { library.get::<*const PluginDeclaration<Functions>>(symbol) } {
        Ok(address) if !address.is_null() => *address,
        _ => {
            let why = format!("{shown} is not the plugin expected here: it exports no {symbol}");
            return Err(unavailable(why));
        }
    };

    // The handshake. Every version of the contract starts the declaration with `abi_version`,
    // so reading that `u32` alone is right whatever version the plugin speaks.
    // SAFETY: the symbol is a declaration, and every declaration starts with a `u32`.
    let abi_version = unsafe { declaration.cast::<u32>().read() };
    if abi_version != ABI_VERSION {
        return Err(unavailable(format!(
            "{shown} speaks plugin ABI version {abi_version}, this app speaks version \
             {ABI_VERSION}; rebuild the plugin"
        )));
    }

    // SAFETY: same version, same layout: the symbol is a `PluginDeclaration<Functions>`, per
    // this function's contract, and it lives as long as `library`, which we keep.
    let declaration = unsafe { &*declaration };
    Ok(Plugin {
        name: declaration.name.to_string_lossy(),
        version: declaration.version.to_string_lossy(),
        functions: declaration.functions,
        _library: library,
    })
}

impl<Functions> Plugin<Functions> {
    /// `Ok` if the plugin answered `Status::OK`; else the error the pipeline reports, with the
    /// plugin's own `message`.
    fn check(&self, status: Status, message: &Text) -> Result<(), CallError> {
        let component = || self.name.clone();
        match status {
            Status::OK => Ok(()),
            Status::REJECTED => Err(CallError::Rejected {
                component: component(),
                reason: message.to_string_lossy(),
            }),
            Status(unknown) => Err(CallError::Unavailable {
                component: component(),
                reason: format!("it answered with status {unknown}, unknown to this app"),
            }),
        }
    }
}

impl Processor for PluginProcessor {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        // A call through the table: a C function in the plugin file, C values in and out.
        let output = (self.functions.process)(value);
        self.check(output.status, &output.message)?;
        Ok(ProcessResult {
            value: output.value,
            processed: output.processed,
        })
    }
}

impl Transformer for PluginTransformer {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError> {
        let output = (self.functions.transform)(value);
        self.check(output.status, &output.text)?;
        Ok(TransformResult {
            original: output.original,
            transformed: output.text.to_string_lossy(),
        })
    }
}

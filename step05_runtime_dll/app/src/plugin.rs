//! The app's side of the plugin boundary: `load` opens a plugin file in five checked steps, and
//! the trait impls at the bottom make it the pipeline's `Processor` or `Transformer`.

use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
use std::path::{Path, PathBuf};

use libloading::Library;
use plugin_interface::{
    ABI_VERSION, PROCESSOR_SYMBOL, PluginDeclaration, ProcessorFunctions, Status,
    TRANSFORMER_SYMBOL, Text, TransformerFunctions,
};

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};

/// A plugin file, opened and checked. `Functions` is its role's table of function pointers.
pub struct Plugin<Functions> {
    pub name: String,
    pub version: String,
    functions: Functions,
    // The open file, which `functions` points into: owned here, it stays open as long as anything
    // can call `functions`. (`_`: kept, never read.)
    _library: Library,
}

pub type PluginProcessor = Plugin<ProcessorFunctions>;
pub type PluginTransformer = Plugin<TransformerFunctions>;

impl PluginProcessor {
    pub fn open(dir: &Path, name: &str) -> Result<Self, CallError> {
        // SAFETY: a processor plugin exports a `PluginDeclaration<ProcessorFunctions>` there.
        unsafe { load(dir, name, PROCESSOR_SYMBOL) }
    }
}

impl PluginTransformer {
    pub fn open(dir: &Path, name: &str) -> Result<Self, CallError> {
        // SAFETY: a transformer plugin exports a `PluginDeclaration<TransformerFunctions>` there.
        unsafe { load(dir, name, TRANSFORMER_SYMBOL) }
    }
}

/// The running app's directory, where Cargo puts the plugin files too.
pub fn app_dir() -> std::io::Result<PathBuf> {
    let mut path = std::env::current_exe()?;
    path.pop(); // drops the app's own file name
    Ok(path)
}

/// Loads plugin `name` from `dir` and copies out what it exports under `symbol`. `unsafe`: the
/// caller promises that this is a `PluginDeclaration<Functions>`, which no file can prove.
unsafe fn load<Functions: Copy>(
    dir: &Path,
    name: &str,
    symbol: &str,
) -> Result<Plugin<Functions>, CallError> {
    // `libNAME.so` on Linux, `libNAME.dylib` on macOS, `NAME.dll` on Windows.
    let path = dir.join(format!("{DLL_PREFIX}{name}{DLL_SUFFIX}"));
    let shown = path.display();
    // Every failure below is this error. (`|reason| ...`: a closure, a function written inline.)
    let unavailable = |reason| CallError::Unavailable {
        component: name.to_string(),
        reason,
    };

    // 1. The file is there: this error can say how to build it.
    if !path.is_file() {
        let build = format!("build it with `cargo build -p {name}`");
        return Err(unavailable(format!("no plugin file {shown}; {build}")));
    }

    // 2. Load it. SAFETY: this runs the library's start-up code; we trust the files we built.
    let library = unsafe { Library::new(&path) }
        .map_err(|error| unavailable(format!("cannot load {shown}: {error}")))?;

    // 3. Look the name up. A symbol's value is the address of what it names, so we ask `get` for
    //    a pointer (`::<T>` names the type) and `*found` takes it out. No such name, or a null
    //    address: not the plugin we want. SAFETY: nothing is read through the pointer yet.
    let declaration = match unsafe { library.get::<*const PluginDeclaration<Functions>>(symbol) } {
        Ok(found) if !found.is_null() => *found,
        _ => {
            let why = format!("{shown} is not the plugin expected here: it exports no {symbol}");
            return Err(unavailable(why));
        }
    };

    // 4. The handshake: read `abi_version` alone, because another version may lay out the rest
    //    differently. SAFETY: `#[repr(C)]` keeps fields in written order, so every version's
    //    first field, `abi_version: u32`, starts at the declaration's address.
    let abi_version = unsafe { declaration.cast::<u32>().read() };
    if abi_version != ABI_VERSION {
        return Err(unavailable(format!(
            "{shown} speaks plugin ABI version {abi_version}, this app speaks version \
             {ABI_VERSION}; rebuild the plugin"
        )));
    }

    // 5. Same version, same layout: `&*` makes the pointer an ordinary reference, and we copy out
    //    what we keep. SAFETY: the caller promised the type; the `static` lives while `library`
    //    is loaded, and the `Plugin` keeps it loaded.
    let declaration = unsafe { &*declaration };
    Ok(Plugin {
        name: declaration.name.to_string_lossy(),
        version: declaration.version.to_string_lossy(),
        functions: declaration.functions,
        _library: library,
    })
}

impl<Functions> Plugin<Functions> {
    /// The plugin's answer as the pipeline's `Result`, with the plugin's own `message`.
    fn check(&self, status: Status, message: &Text) -> Result<(), CallError> {
        match status {
            Status::OK => Ok(()),
            Status::REJECTED => Err(CallError::Rejected {
                component: self.name.clone(),
                reason: message.to_string_lossy(),
            }),
            // Any other number (a newer plugin's status, say) is no answer this app knows.
            Status(unknown) => Err(CallError::Unavailable {
                component: self.name.clone(),
                reason: format!("it answered with status {unknown}, unknown to this app"),
            }),
        }
    }
}

impl Processor for PluginProcessor {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        // Calls the function the field points to (without the parentheses: a method `process`).
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

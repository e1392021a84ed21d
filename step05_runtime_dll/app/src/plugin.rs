//! The app's side of the plugin boundary: open a plugin file, check what it declares, and call it
//! as the pipeline's `Processor` or `Transformer`. All the trust the app gives a file is in
//! `load`'s `unsafe` blocks, each with a `SAFETY:` comment; after that, a call is an ordinary call.

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
    // The open file, owned by the `Plugin`: it closes when the `Plugin` is dropped. `functions`
    // points into it and is private, so no call can come after that.
    _library: Library,
}

pub type PluginProcessor = Plugin<ProcessorFunctions>;
pub type PluginTransformer = Plugin<TransformerFunctions>;

impl PluginProcessor {
    pub fn open(dir: &Path, name: &str) -> Result<Self, CallError> {
        // SAFETY: by the contract, `PROCESSOR_SYMBOL` is a `PluginDeclaration<ProcessorFunctions>`
        // (the `Functions` that `load` gets here, from the return type `Self`).
        unsafe { load(dir, name, PROCESSOR_SYMBOL) }
    }
}

impl PluginTransformer {
    pub fn open(dir: &Path, name: &str) -> Result<Self, CallError> {
        // SAFETY: likewise, `TRANSFORMER_SYMBOL` is a `PluginDeclaration<TransformerFunctions>`.
        unsafe { load(dir, name, TRANSFORMER_SYMBOL) }
    }
}

/// The running app's directory: where Cargo puts the plugin files too.
pub fn app_dir() -> std::io::Result<PathBuf> {
    let app = std::env::current_exe()?;
    Ok(app.parent().map(Path::to_path_buf).unwrap_or_default())
}

/// Loads plugin `name` from `dir` and copies out the declaration it exports under `symbol`.
/// Safety: the caller promises that `symbol` is a `PluginDeclaration<Functions>` in a plugin of
/// this ABI version. Nothing in the file can tell.
unsafe fn load<Functions: Copy>(
    dir: &Path,
    name: &str,
    symbol: &str,
) -> Result<Plugin<Functions>, CallError> {
    // `libNAME.so` on Linux, `libNAME.dylib` on macOS, `NAME.dll` on Windows.
    let path = dir.join(format!("{DLL_PREFIX}{name}{DLL_SUFFIX}"));
    let shown = path.display();
    // A closure (a function written inline): every failure below is this one error.
    let unavailable = |reason: String| CallError::Unavailable {
        component: name.to_string(),
        reason,
    };

    // 1. The file is there. (The loader would say so too, in words that differ per platform.)
    if !path.is_file() {
        let build = format!("build it with `cargo build -p {name}`");
        return Err(unavailable(format!("no plugin file {shown}; {build}")));
    }

    // 2. Load it into this process. SAFETY: that runs the library's start-up code, whatever it
    //    is; we trust the plugin files we built.
    let library = unsafe { Library::new(&path) }
        .map_err(|error| unavailable(format!("cannot load {shown}: {error}")))?;

    // 3. Find the exported `static`. A symbol's value is the address of what it names, so we ask
    //    for a pointer to a declaration, and `*found` takes it out of libloading's `Symbol`. A
    //    file of the wrong kind has no such name; a null address is no declaration either.
    //    SAFETY: looking a name up reads nothing through the pointer.
    let declaration = match unsafe { library.get::<*const PluginDeclaration<Functions>>(symbol) } {
        Ok(found) if !found.is_null() => *found,
        _ => {
            let why = format!("{shown} is not the plugin expected here: it exports no {symbol}");
            return Err(unavailable(why));
        }
    };

    // 4. The handshake: read `abi_version` alone, as a `u32`, before the rest, which a plugin of
    //    another version may lay out differently. SAFETY: every declaration starts with it.
    let abi_version = unsafe { declaration.cast::<u32>().read() };
    if abi_version != ABI_VERSION {
        return Err(unavailable(format!(
            "{shown} speaks plugin ABI version {abi_version}, this app speaks version \
             {ABI_VERSION}; rebuild the plugin"
        )));
    }

    // 5. Same version, same layout: read the whole declaration and copy out what we keep (the
    //    table too: hence `Functions: Copy`). SAFETY: the caller promised its type; the `static`
    //    lives as long as `library`.
    let declaration = unsafe { &*declaration };
    Ok(Plugin {
        name: declaration.name.to_string_lossy(),
        version: declaration.version.to_string_lossy(),
        functions: declaration.functions,
        _library: library,
    })
}

impl<Functions> Plugin<Functions> {
    /// The plugin's `status` as the pipeline's `Result`, with the plugin's own `message`.
    fn check(&self, status: Status, message: &Text) -> Result<(), CallError> {
        match status {
            Status::OK => Ok(()),
            Status::REJECTED => Err(CallError::Rejected {
                component: self.name.clone(),
                reason: message.to_string_lossy(),
            }),
            Status(unknown) => Err(CallError::Unavailable {
                component: self.name.clone(),
                reason: format!("it answered with status {unknown}, unknown to this app"),
            }),
        }
    }
}

impl Processor for PluginProcessor {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        // Calls the function the field points to (without the parentheses, Rust would look for
        // a method named `process`): C values in, C values out.
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

//! The app's side: `Plugin::open` loads a plugin file and checks it; a `Plugin` is then a
//! `Processor` or a `Transformer`, as step 04's components were.

use std::path::Path;

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use libloading::{Library, Symbol};
use plugin_interface::{ABI_VERSION, AbiVersionFn, DeclarationFn, ProcessOutput};
use plugin_interface::{Status, Text, TransformOutput};

/// A loaded plugin, one type for both roles: component1's `transform` is `None`.
pub struct Plugin {
    pub name: String,
    pub version: String,
    process: Option<extern "C" fn(i32) -> ProcessOutput>,
    transform: Option<extern "C" fn(i32) -> TransformOutput>,
    _library: Library, // never read: keeps the file loaded; `process`, `transform` point into it
}

impl Plugin {
    /// Opens plugin `name` in the folder `dir`, in three steps. Every error names the file.
    pub fn open(dir: &Path, name: &str) -> Result<Plugin, String> {
        // `component1.dll` on Windows, `libcomponent1.so` on Linux, `libcomponent1.dylib` on macOS.
        let path = dir.join(libloading::library_filename(name));
        let file = path.display();
        // 1. Load the file. SAFETY: loading runs the library's start-up code (code it runs when
        // loaded, before the app calls anything), which nothing checks. We trust it: we built it.
        let library = unsafe { Library::new(&path) }
            .map_err(|e| format!("{file} cannot be loaded: {e}; try `cargo build -p {name}`"))?;

        // 2. Ask its ABI version. `get` finds a function by name and returns a `Symbol`, called
        // like the function. SAFETY: `get` cannot check the type we state (`AbiVersionFn`). This
        // function's type never changes in any ABI version, so it is safe to call on any plugin.
        let abi_version: Symbol<AbiVersionFn> = unsafe { library.get("plugin_abi_version") }
            .map_err(|_| format!("{file} is not a plugin: it exports no plugin_abi_version"))?;
        let version = abi_version();
        if version != ABI_VERSION {
            let theirs = format!("{file} speaks plugin ABI version {version}");
            let ours = format!("this app speaks version {ABI_VERSION}; rebuild the plugin");
            return Err(format!("{theirs}, {ours}"));
        }

        // 3. Ask what it is. SAFETY: the versions match, so the plugin was built with this same
        // contract: its `plugin_declaration` has the type we state (`DeclarationFn`).
        let declaration_fn: Symbol<DeclarationFn> = unsafe { library.get("plugin_declaration") }
            .map_err(|_| format!("{file} is not a plugin: it exports no plugin_declaration"))?;
        // `declaration` is inside the file. We copy the names out as `String`s, but the two
        // function pointers we copy still point into the file: so the `Plugin` keeps `library`.
        let declaration = declaration_fn();
        Ok(Plugin {
            name: declaration.name.to_string_lossy(),
            version: declaration.version.to_string_lossy(),
            process: declaration.process,
            transform: declaration.transform,
            _library: library,
        })
    }

    /// `Ok` if the plugin answered `Status::OK`; if not, it refused, and `message` says why.
    fn check(&self, status: Status, message: &Text) -> Result<(), CallError> {
        if status == Status::OK {
            return Ok(());
        }
        let (component, reason) = (self.name.clone(), message.to_string_lossy());
        Err(CallError::Rejected { component, reason })
    }

    /// The error when the plugin lacks the function asked for: a transformer's file put where
    /// the processor belongs, say. No call is made.
    fn missing(&self, role: &str) -> CallError {
        let (component, reason) = (self.name.clone(), format!("it is not a {role}"));
        CallError::Unavailable { component, reason }
    }
}

// No `unsafe` to call a function pointer: `open` made the one promise Rust cannot check, its type.
impl Processor for Plugin {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        let process = match self.process {
            Some(process) => process,
            None => return Err(self.missing("processor")),
        };
        let output = process(value);
        self.check(output.status, &output.message)?;
        let (value, processed) = (output.value, output.processed);
        Ok(ProcessResult { value, processed })
    }
}

impl Transformer for Plugin {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError> {
        let transform = match self.transform {
            Some(transform) => transform,
            None => return Err(self.missing("transformer")),
        };
        let output = transform(value);
        self.check(output.status, &output.message)?;
        Ok(TransformResult {
            original: output.original,
            transformed: output.transformed.to_string_lossy(),
        })
    }
}

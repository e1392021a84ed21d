//! `Plugin::open` loads and checks a plugin file; the `Plugin` then acts as step 04's component.

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use libloading::{Library, Symbol};
use plugin_interface::{ABI_VERSION, AbiVersionFn, DeclarationFn, ProcessOutput};
use plugin_interface::{Text, TransformOutput};

/// A loaded plugin, one type for both roles: component1's `transform` is `None`.
pub struct Plugin {
    pub name: String,
    pub version: String,
    process: Option<extern "C" fn(i32) -> ProcessOutput>,
    transform: Option<extern "C" fn(i32) -> TransformOutput>,
    // Never read (`_`), only kept: dropping it would unload the plugin's code, and leave the two
    // functions above pointing at nothing.
    _library: Library,
}

impl Plugin {
    /// Opens plugin `name` (`libname.so`, `libname.dylib`, `name.dll`) in the folder `dir`.
    pub fn open(dir: &std::path::Path, name: &str) -> Result<Plugin, String> {
        let path = dir.join(libloading::library_filename(name));
        let file = path.display();
        // SAFETY: opening a library may run code of its own at once (setup code a library can
        // declare), unchecked; we built this one.
        let library = unsafe { Library::new(&path) }
            .map_err(|e| format!("{file} cannot be loaded: {e}; try `cargo build -p {name}`"))?;

        // `get` finds the name in the file; `Symbol<AbiVersionFn>` is the type we say it has.
        // SAFETY: `get` cannot check that type; this function's type never changes.
        let abi_version: Symbol<AbiVersionFn> = unsafe { library.get("plugin_abi_version") }
            .map_err(|_| format!("{file} is not a plugin: it exports no plugin_abi_version"))?;
        let version = abi_version(); // a `Symbol` is called as the function it found
        if version != ABI_VERSION {
            let ours = format!("this app speaks version {ABI_VERSION}; rebuild the plugin");
            return Err(format!(
                "{file} speaks plugin ABI version {version}, {ours}"
            ));
        }

        // SAFETY: same version, same contract: this is the type the plugin was built with.
        let declaration_fn: Symbol<DeclarationFn> = unsafe { library.get("plugin_declaration") }
            .map_err(|_| format!("{file} is not a plugin: it exports no plugin_declaration"))?;
        let declaration = declaration_fn();
        Ok(Plugin {
            name: declaration.name.to_string_lossy(),
            version: declaration.version.to_string_lossy(),
            process: declaration.process,
            transform: declaration.transform,
            _library: library,
        })
    }

    /// A plugin's `error` is empty if its function worked; else it says why the plugin refused.
    fn check(&self, error: &Text) -> Result<(), CallError> {
        if error.len == 0 {
            return Ok(());
        }
        let component = self.name.clone();
        let reason = error.to_string_lossy();
        Err(CallError::Rejected { component, reason })
    }

    fn missing(&self, role: &str) -> CallError {
        let component = self.name.clone();
        let reason = format!("it is not a {role}");
        CallError::Unavailable { component, reason }
    }
}

impl Processor for Plugin {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        let process = match self.process {
            Some(function) => function,
            None => return Err(self.missing("processor")),
        };
        // No `unsafe` here: calling a plain `extern "C" fn` is safe. The promise that it points
        // into a plugin of our contract was made once, in `open`.
        let output = process(value);
        self.check(&output.error)?;
        Ok(ProcessResult {
            value: output.value,
            processed: output.processed,
        })
    }
}

impl Transformer for Plugin {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError> {
        let transform = match self.transform {
            Some(function) => function,
            None => return Err(self.missing("transformer")),
        };
        let output = transform(value);
        self.check(&output.error)?;
        Ok(TransformResult {
            original: output.original,
            transformed: output.transformed.to_string_lossy(),
        })
    }
}

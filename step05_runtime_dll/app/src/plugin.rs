//! The app's side: `Plugin::open` loads a plugin file and checks it; a `Plugin` is then a
//! `Processor` or a `Transformer`, as step 04's components were.

use std::path::Path;

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use libloading::Library;
use plugin_interface::{ABI_VERSION, AbiVersionFn, DeclarationFn};
use plugin_interface::{ProcessOutput, Status, Text, TransformOutput};

/// A loaded plugin, one type for both roles: component1's `transform` is `None`.
pub struct Plugin {
    pub name: String, // as its declaration says; errors show it
    pub version: String,
    process: Option<extern "C" fn(i32) -> ProcessOutput>,
    transform: Option<extern "C" fn(i32) -> TransformOutput>,
    // Last, so dropped last: dropping it unloads the file, and the functions above with it.
    _library: Library,
}

impl Plugin {
    /// Opens plugin `name` in the folder `dir`, checking it at each step.
    pub fn open(dir: &Path, name: &str) -> Result<Plugin, CallError> {
        // `libcomponent1.so` on Linux, `libcomponent1.dylib` on macOS, `component1.dll` on Windows.
        let path = dir.join(libloading::library_filename(name));
        // Each error below names the file: "cannot call component1: /.../libcomponent1.so ...".
        let error = |reason: String| unavailable(name, format!("{} {reason}", path.display()));

        let build = format!("try `cargo build -p {name}`");
        // SAFETY: loading a library runs its start-up code, which nothing checks. We built it.
        let library = unsafe { Library::new(&path) }
            .map_err(|e| error(format!("cannot be loaded: {e}; {build}")))?;

        // SAFETY: `get::<T>` trusts us that the function is a `T`, and `plugin_abi_version` is an
        // `AbiVersionFn` in every version of the contract.
        let abi_version = unsafe { library.get::<AbiVersionFn>("plugin_abi_version") }
            .map_err(|_| error("is not a plugin: it exports no plugin_abi_version".into()))?;
        let version = abi_version();
        if version != ABI_VERSION {
            let ours = format!("this app speaks version {ABI_VERSION}; rebuild the plugin");
            let reason = format!("speaks plugin ABI version {version}, {ours}");
            return Err(error(reason));
        }

        // SAFETY: with the versions equal, `plugin_declaration` is a `DeclarationFn`. What it
        // returns lives only as long as `library`, so we copy out of it at once.
        let declaration = unsafe { library.get::<DeclarationFn>("plugin_declaration") }
            .map_err(|_| error("is not a plugin: it exports no plugin_declaration".into()))?;
        let declaration = declaration();
        Ok(Plugin {
            name: declaration.name.to_string_lossy(),
            version: declaration.version.to_string_lossy(),
            process: declaration.process,
            transform: declaration.transform,
            _library: library,
        })
    }

    /// `Ok` if the plugin answered `Status::OK`; if not, the error to return.
    fn check(&self, status: Status, message: &Text) -> Result<(), CallError> {
        match status {
            Status::OK => Ok(()),
            Status::REJECTED => Err(CallError::Rejected {
                component: self.name.clone(),
                reason: message.to_string_lossy(),
            }),
            Status(other) => Err(unavailable(&self.name, format!("unknown status {other}"))),
        }
    }
}

fn unavailable(component: &str, reason: String) -> CallError {
    let component = component.to_string();
    CallError::Unavailable { component, reason }
}

// Calling a plugin's function needs no `unsafe`: `open` took all the trust, once.
impl Processor for Plugin {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        let output = match self.process {
            Some(process) => process(value),
            None => return Err(unavailable(&self.name, "it is not a processor".into())),
        };
        self.check(output.status, &output.message)?;
        Ok(ProcessResult {
            value: output.value,
            processed: output.processed,
        })
    }
}

impl Transformer for Plugin {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError> {
        let output = match self.transform {
            Some(transform) => transform(value),
            None => return Err(unavailable(&self.name, "it is not a transformer".into())),
        };
        self.check(output.status, &output.message)?;
        Ok(TransformResult {
            original: output.original,
            transformed: output.transformed.to_string_lossy(),
        })
    }
}

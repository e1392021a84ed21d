//! The app's side: `open` checks a plugin file in five steps; the trait impls call into it.

use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
use std::path::Path;

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use libloading::Library;
use plugin_interface::{
    ABI_VERSION, PluginDeclaration, ProcessOutput, SYMBOL, Status, Text, TransformOutput,
};

/// A plugin file, opened and checked, with its function pointers (`None`: a role it does not fill).
pub struct Plugin {
    pub name: String, // what the plugin calls itself, in its declaration
    pub version: String,
    slot: String, // the name it was opened as: errors name it, so they point at the file
    process: Option<extern "C" fn(i32) -> ProcessOutput>,
    transform: Option<extern "C" fn(i32) -> TransformOutput>,
    _library: Library, // never read (`_`), but owned: the pointers point into the open file
}

impl Plugin {
    /// Opens plugin `name` (say `component1`) from `dir` in five checked steps.
    pub fn open(dir: &Path, name: &str) -> Result<Plugin, CallError> {
        // `libNAME.so` on Linux, `libNAME.dylib` on macOS, `NAME.dll` on Windows.
        let path = dir.join(format!("{DLL_PREFIX}{name}{DLL_SUFFIX}"));
        let shown = path.display();
        let unavailable = |reason| CallError::Unavailable {
            component: name.to_string(),
            reason,
        };

        // 1. Checked first, so that this error can say how to build the file.
        if !path.is_file() {
            let build = format!("build it with `cargo build -p {name}`");
            return Err(unavailable(format!("no plugin file {shown}; {build}")));
        }

        // 2. SAFETY: a library may contain start-up code that runs the moment it is opened;
        //    nothing checks it. We built these files.
        let library = unsafe { Library::new(&path) }
            .map_err(|error| unavailable(format!("cannot load {shown}: {error}")))?;

        // 3. Look up `PLUGIN`: the symbol IS the `static`'s address, so ask for it as a pointer.
        //    SAFETY: `get` cannot check that type; nothing is read through it before step 4.
        let not_ours = || unavailable(format!("{shown} is not a plugin: it exports no {SYMBOL}"));
        let found = unsafe { library.get::<*const PluginDeclaration>(SYMBOL) };
        let found = found.map_err(|_| not_ours())?;
        let address: *const PluginDeclaration = *found; // the pointer, out of libloading's wrapper
        if address.is_null() {
            return Err(not_ours());
        }

        // 4. The handshake: read `abi_version` alone (`as`: the same address, read as a `u32`).
        //    SAFETY: every version's `#[repr(C)]` declaration starts with `abi_version: u32`.
        let abi_version = unsafe { *(address as *const u32) };
        if abi_version != ABI_VERSION {
            let ours = format!("this app speaks version {ABI_VERSION}; rebuild the plugin");
            let why = format!("{shown} speaks plugin ABI version {abi_version}, {ours}");
            return Err(unavailable(why));
        }

        // 5. `&*` follows the raw pointer to a plain reference. SAFETY: same version, so the
        //    same layout; the `static` lives while `library` is open, and `Plugin` keeps it open.
        let declaration = unsafe { &*address };
        Ok(Plugin {
            name: declaration.name.to_string_lossy(),
            version: declaration.version.to_string_lossy(),
            process: declaration.process,
            transform: declaration.transform,
            slot: name.to_string(),
            _library: library,
        })
    }

    /// The error for a plugin asked to play a role it does not fill.
    fn not_a(&self, role: &str) -> CallError {
        let component = self.slot.clone();
        let reason = format!("it is not a {role}");
        CallError::Unavailable { component, reason }
    }

    /// The error for a status that is not `OK`: a rejection, or a number unknown to this app.
    fn failed(&self, status: Status, why: &Text) -> CallError {
        let component = self.slot.clone();
        if status == Status::REJECTED {
            let reason = why.to_string_lossy();
            return CallError::Rejected { component, reason };
        }
        let reason = format!("it answered with status {}, unknown to this app", status.0);
        CallError::Unavailable { component, reason }
    }
}

// Calling a plugin takes no `unsafe`: `open` took all the trust, once. `ok_or_else` gives the
// function pointer, or, if it is `None`, the error for `?` to return.
impl Processor for Plugin {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        let plugin_fn = self.process.ok_or_else(|| self.not_a("processor"))?;
        let output = plugin_fn(value);
        if output.status != Status::OK {
            return Err(self.failed(output.status, &output.message));
        }
        Ok(ProcessResult {
            value: output.value,
            processed: output.processed,
        })
    }
}

impl Transformer for Plugin {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError> {
        let plugin_fn = self.transform.ok_or_else(|| self.not_a("transformer"))?;
        let output = plugin_fn(value);
        if output.status != Status::OK {
            return Err(self.failed(output.status, &output.text));
        }
        Ok(TransformResult {
            original: output.original,
            transformed: output.text.to_string_lossy(),
        })
    }
}

//! The app's side: `Plugin::open` checks a plugin file in four steps; then a `Plugin` is a
//! `Processor` or a `Transformer`, as step 04's components were.

use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
use std::path::Path;

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use libloading::Library;
use plugin_interface::{ABI_VERSION, ABI_VERSION_SYMBOL, AbiVersionFn, DECLARATION_SYMBOL};
use plugin_interface::{DeclarationFn, ProcessOutput, Status, Text, TransformOutput};

/// A plugin file, opened and checked, with the functions its declaration filled in. One type for
/// both roles: asked for a role it does not fill, it answers with an error.
pub struct Plugin {
    pub name: String, // what the plugin calls itself, in its declaration
    pub version: String,
    slot: String, // the name it was opened as (`component1`): errors name it, to point at the file
    process: Option<extern "C" fn(i32) -> ProcessOutput>,
    transform: Option<extern "C" fn(i32) -> TransformOutput>,
    // Never read, but kept, and last (so dropped last): closing it unloads the functions above.
    _library: Library,
}

impl Plugin {
    /// Opens plugin `name` (say `component1`) from `dir`, in four checked steps.
    pub fn open(dir: &Path, name: &str) -> Result<Plugin, CallError> {
        // `libNAME.so` on Linux, `libNAME.dylib` on macOS, `NAME.dll` on Windows.
        let path = dir.join(format!("{DLL_PREFIX}{name}{DLL_SUFFIX}"));
        let shown = path.display();
        let not_a_plugin = |symbol| format!("{shown} is not a plugin: it exports no {symbol}");

        // 1. Checked first, so that this error can say how to build the file.
        if !path.is_file() {
            let reason = format!("no plugin file {shown}; build it with `cargo build -p {name}`");
            return Err(unavailable(name, reason));
        }

        // 2. SAFETY: opening a library runs its start-up code (code a library runs the moment it
        //    is opened), which nothing checks. We built it.
        let library = unsafe { Library::new(&path) }
            .map_err(|error| unavailable(name, format!("cannot load {shown}: {error}")))?;

        // 3. The handshake. `get::<T>` finds a symbol, trusting us that it is a `T`, and hands it
        //    back in libloading's `Symbol` wrapper; `*symbol` copies the function pointer out.
        //    SAFETY: `plugin_abi_version` is an `AbiVersionFn` in every version of the contract.
        let plugin_abi_version = match unsafe { library.get::<AbiVersionFn>(ABI_VERSION_SYMBOL) } {
            Ok(symbol) => *symbol,
            Err(_) => return Err(unavailable(name, not_a_plugin(ABI_VERSION_SYMBOL))),
        };
        let version = plugin_abi_version();
        if version != ABI_VERSION {
            let ours = format!("this app speaks version {ABI_VERSION}; rebuild the plugin");
            let why = format!("{shown} speaks plugin ABI version {version}, {ours}");
            return Err(unavailable(name, why));
        }

        // 4. Only then `plugin_declaration`. SAFETY: in our version it is a `DeclarationFn`. The
        //    declaration it returns lives as long as `library`: we copy out of it right away.
        let plugin_declaration = match unsafe { library.get::<DeclarationFn>(DECLARATION_SYMBOL) } {
            Ok(symbol) => *symbol,
            Err(_) => return Err(unavailable(name, not_a_plugin(DECLARATION_SYMBOL))),
        };
        let declaration = plugin_declaration();
        Ok(Plugin {
            name: declaration.name.to_string_lossy(),
            version: declaration.version.to_string_lossy(),
            slot: name.to_string(),
            process: declaration.process,
            transform: declaration.transform,
            _library: library,
        })
    }

    /// The error for a plugin asked to play a role it does not fill.
    fn not_a(&self, role: &str) -> CallError {
        unavailable(&self.slot, format!("it is not a {role}"))
    }

    /// The error for a status that is not `OK`: a rejection, or a number unknown to this app.
    fn failed(&self, status: Status, message: &Text) -> CallError {
        let component = self.slot.clone();
        if status == Status::REJECTED {
            let reason = message.to_string_lossy();
            return CallError::Rejected { component, reason };
        }
        let reason = format!("it answered with status {}, unknown to this app", status.0);
        unavailable(&component, reason)
    }
}

fn unavailable(component: &str, reason: String) -> CallError {
    let component = component.to_string();
    CallError::Unavailable { component, reason }
}

// Calling a plugin's function takes no `unsafe`: `open` took all the trust, once. `ok_or_else`
// gives the function pointer, or, if it is `None`, the error for `?` to return.
impl Processor for Plugin {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        let process = self.process.ok_or_else(|| self.not_a("processor"))?;
        let output = process(value);
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
        let transform = self.transform.ok_or_else(|| self.not_a("transformer"))?;
        let output = transform(value);
        if output.status != Status::OK {
            return Err(self.failed(output.status, &output.text));
        }
        Ok(TransformResult {
            original: output.original,
            transformed: output.text.to_string_lossy(),
        })
    }
}

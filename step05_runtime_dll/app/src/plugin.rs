//! The app's side of the plugin boundary: `open` opens a plugin file in five checked steps, and
//! the trait impls make it the pipeline's `Processor` or `Transformer`.

use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
use std::path::Path;

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use libloading::Library;
use plugin_interface::{
    ABI_VERSION, PluginDeclaration, ProcessorFunctions, Role, Status, Text, TransformerFunctions,
};

/// A plugin file, opened and checked. `T` is its role's table of function pointers.
pub struct Plugin<T> {
    pub name: String,
    pub version: String,
    functions: T,
    _library: Library, // never read (`_`), but owned: `functions` point into the open file
}

pub type PluginProcessor = Plugin<ProcessorFunctions>;
pub type PluginTransformer = Plugin<TransformerFunctions>;

impl<T: Role> Plugin<T> {
    /// Opens plugin `name` (say `component1`) from `dir` in five checked steps. `T: Role` (from
    /// `plugin_interface`) gives the name to look up, `T::SYMBOL`, and promises what it names.
    pub fn open(dir: &Path, name: &str) -> Result<Self, CallError> {
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

        // 2. SAFETY: loading runs any code the file marks to run at load; we built these files.
        let library = unsafe { Library::new(&path) }
            .map_err(|error| unavailable(format!("cannot load {shown}: {error}")))?;

        // 3. `found` is a `libloading::Symbol<*const PluginDeclaration<T>>`: the symbol's
        //    address as a raw pointer, wrapped. `*found` unwraps it. SAFETY: nothing is read yet.
        let symbol = T::SYMBOL;
        let not_ours = format!("{shown} is not the plugin expected here: it exports no {symbol}");
        let declaration = match unsafe { library.get::<*const PluginDeclaration<T>>(symbol) } {
            Ok(found) if !found.is_null() => *found,
            _ => return Err(unavailable(not_ours)),
        };

        // 4. The handshake: `abi_version` alone. `cast`: as a pointer to a `u32`; `read`: copy it.
        //    SAFETY: every version's `#[repr(C)]` declaration starts with `abi_version: u32`.
        let abi_version = unsafe { declaration.cast::<u32>().read() };
        if abi_version != ABI_VERSION {
            let ours = format!("this app speaks version {ABI_VERSION}; rebuild the plugin");
            let why = format!("{shown} speaks plugin ABI version {abi_version}, {ours}");
            return Err(unavailable(why));
        }

        // 5. `&*` follows the raw pointer to a plain reference. SAFETY: `T: Role` promised the
        //    type; the `static` lives while `library` is open, and `Plugin` keeps it open.
        let declaration = unsafe { &*declaration };
        Ok(Self {
            name: declaration.name.to_string_lossy(),
            version: declaration.version.to_string_lossy(),
            functions: declaration.functions,
            _library: library,
        })
    }
}

// Calling a plugin takes no `unsafe`: `open` took all the trust, once. `(self.functions.process)`
// calls the function pointer in that field (`self.functions.process(..)` would look for a method).
impl Processor for PluginProcessor {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        let output = (self.functions.process)(value);
        let result = ProcessResult {
            value: output.value,
            processed: output.processed,
        };
        answer(&self.name, output.status, &output.message, result)
    }
}

impl Transformer for PluginTransformer {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError> {
        let output = (self.functions.transform)(value);
        let result = TransformResult {
            original: output.original,
            transformed: output.text.to_string_lossy(),
        };
        answer(&self.name, output.status, &output.text, result)
    }
}

/// `result` if the plugin said `OK`; if not, why, as the pipeline's error.
fn answer<T>(component: &str, status: Status, why: &Text, result: T) -> Result<T, CallError> {
    if status == Status::OK {
        return Ok(result);
    }
    let (component, reason) = (component.to_string(), why.to_string_lossy());
    match status {
        Status::REJECTED => Err(CallError::Rejected { component, reason }),
        // Another number (a newer plugin's status, say) is no answer this app knows.
        Status(other) => Err(CallError::Unavailable {
            component,
            reason: format!("it answered with status {other}, unknown to this app"),
        }),
    }
}

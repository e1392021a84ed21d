//! The C contract between the app and its plugin files: everything that crosses, and nothing else.
//!
//! The app and a plugin are compiled separately, and Rust does not promise that two builds lay
//! out a `String`, a `Result` or a `&dyn Trait` the same way. C's rules are the ones every
//! compiler agrees on, so only C-shaped things cross: `#[repr(C)]` structs of numbers and byte
//! arrays, and `extern "C"` functions. Both sides build this file into their own code.
//!
//! A plugin exports one `static`, under the name [`PROCESSOR_SYMBOL`] or [`TRANSFORMER_SYMBOL`]:
//! a [`PluginDeclaration`] holding the ABI version, its name and version, and its table of
//! functions. The app checks `abi_version` before it reads anything else.

/// The version of this contract. Change the shape of anything in this file and bump it: the app
/// then refuses plugins built against the old shape instead of misreading them.
pub const ABI_VERSION: u32 = 1;

/// The name under which a processor plugin exports its `PluginDeclaration<ProcessorFunctions>`.
pub const PROCESSOR_SYMBOL: &str = "PROCESSOR_PLUGIN";
/// The name under which a transformer plugin exports its `PluginDeclaration<TransformerFunctions>`.
pub const TRANSFORMER_SYMBOL: &str = "TRANSFORMER_PLUGIN";

/// What a plugin exports: who it is, and the functions the app may call.
#[repr(C)]
pub struct PluginDeclaration<Functions> {
    /// First in every version of the contract, so the app can always read it, and read it first.
    pub abi_version: u32,
    pub name: Text,
    pub version: Text,
    pub functions: Functions,
}

/// A processor's table of functions. A table, so that a later version can add to it.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ProcessorFunctions {
    pub process: extern "C" fn(value: i32) -> ProcessOutput,
}

/// A transformer's table of functions.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct TransformerFunctions {
    pub transform: extern "C" fn(value: i32) -> TransformOutput,
}

/// What `process` returns: a status, the result's fields, and a message if it was rejected.
#[repr(C)]
pub struct ProcessOutput {
    pub status: Status,
    pub value: i32,
    pub processed: bool,
    pub message: Text,
}

/// What `transform` returns: a status and the result's fields. On `REJECTED`, `text` says why.
#[repr(C)]
pub struct TransformOutput {
    pub status: Status,
    pub original: i32,
    pub text: Text,
}

/// How a call went: a plain `u32` inside. Not a Rust `enum`: a number the app does not know (from
/// a newer plugin, say) must be a value it can report, and an `enum` cannot hold one.
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status(pub u32);

impl Status {
    /// The call worked: the other fields hold the result.
    pub const OK: Status = Status(0);
    /// The component refused the input (an overflow, say): the output's text says why.
    pub const REJECTED: Status = Status(1);
}

/// Room for one text in a [`Text`]: enough for every name, value and message the plugins make.
pub const TEXT_CAPACITY: usize = 120;

/// A string in C's shape: a length and a fixed array of UTF-8 bytes, stored inside the struct
/// that holds it. A `String` cannot cross (its heap memory belongs to one side's allocator); this
/// is copied like a number, so neither side ever frees what the other allocated.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Text {
    pub len: u32,
    pub bytes: [u8; TEXT_CAPACITY],
}

impl Text {
    /// `text`, cut to [`TEXT_CAPACITY`] bytes if it is longer. A `const fn`, so a plugin can
    /// write its name and version into its `static` declaration at compile time.
    pub const fn new(text: &str) -> Text {
        let mut bytes = [0; TEXT_CAPACITY];
        let mut len = 0;
        while len < text.len() && len < TEXT_CAPACITY {
            bytes[len] = text.as_bytes()[len];
            len += 1;
        }
        Text {
            len: len as u32,
            bytes,
        }
    }

    /// The text as a Rust `String`. A length past the array or bytes that are not UTF-8 (a
    /// broken plugin) cannot make this read out of bounds: they give a shorter or `�` text.
    pub fn to_string_lossy(&self) -> String {
        let len = (self.len as usize).min(TEXT_CAPACITY);
        String::from_utf8_lossy(&self.bytes[..len]).into_owned()
    }
}

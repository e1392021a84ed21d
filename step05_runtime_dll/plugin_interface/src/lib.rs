//! The C contract: what crosses between the app and its plugins, laid out by C's rules.

/// Bump it when anything else here changes: the app then refuses older plugins. It is 2, not 1:
/// plugin files built from an older copy of this repository say 1, and lay out their results
/// another way; one left in `target/` must be refused, not read wrongly.
pub const ABI_VERSION: u32 = 2;

/// The two functions every plugin exports, under these names. The first one's type never
/// changes, so the app can ask any plugin which contract it was built for.
pub type AbiVersionFn = extern "C" fn() -> u32;
pub type DeclarationFn = extern "C" fn() -> PluginDeclaration;

/// What a plugin is and what it does. A processor fills `process`, a transformer `transform`;
/// `None` (no function) crosses as the address 0, which C reads as "no function".
#[repr(C)]
pub struct PluginDeclaration {
    pub name: Text,
    pub version: Text,
    pub process: Option<extern "C" fn(value: i32) -> ProcessOutput>,
    pub transform: Option<extern "C" fn(value: i32) -> TransformOutput>,
}

/// Step 04's `ProcessResult`, and `error`: empty if it worked, else why not.
#[repr(C)]
pub struct ProcessOutput {
    pub value: i32,
    pub processed: bool,
    pub error: Text,
}

/// Step 04's `TransformResult`, and `error`, likewise.
#[repr(C)]
pub struct TransformOutput {
    pub original: i32,
    pub transformed: Text,
    pub error: Text,
}

/// Room for one text: enough for every name, value and error the plugins write.
pub const TEXT_CAPACITY: usize = 120;

/// A string that can cross. A `String` cannot: its memory belongs to the side that made it. A
/// `Text` holds its bytes itself, so it is copied like a number.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Text {
    pub len: u32,
    pub bytes: [u8; TEXT_CAPACITY],
}

impl Text {
    /// `text`, cut to `TEXT_CAPACITY` bytes at most, never inside a character.
    pub fn new(text: &str) -> Text {
        let mut len = text.len().min(TEXT_CAPACITY);
        while !text.is_char_boundary(len) {
            len -= 1;
        }
        let mut bytes = [0; TEXT_CAPACITY];
        bytes[..len].copy_from_slice(&text.as_bytes()[..len]);
        Text {
            len: len as u32,
            bytes,
        }
    }

    /// The text as a `String`. A broken plugin's `len` past the array, or bytes that are not
    /// UTF-8, give a shorter text or `�`, never a read out of bounds.
    pub fn to_string_lossy(&self) -> String {
        let len = (self.len as usize).min(TEXT_CAPACITY);
        String::from_utf8_lossy(&self.bytes[..len]).into_owned()
    }
}

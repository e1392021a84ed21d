//! `Text`: how a string crosses the boundary (DESIGN.md, "Strings across the boundary", compares
//! it with the other ways).

/// Room for one text: enough for every name, value and message the plugins make.
pub const TEXT_CAPACITY: usize = 120;

/// A string in C's shape: a length and the UTF-8 bytes, inside the struct that holds it. A
/// `String` cannot cross (its memory belongs to the allocator of the side that made it); a `Text`
/// is copied like a number, so there is nothing to free.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Text {
    pub len: u32,
    pub bytes: [u8; TEXT_CAPACITY],
}

impl Text {
    /// `text`, cut at `TEXT_CAPACITY` bytes. A `const fn`, so a plugin's `static` can call it at
    /// compile time; a `const fn` may not use `for`, hence the `while`.
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

    /// A length past the array or bytes that are not UTF-8 (a broken plugin) give a shorter text
    /// or `�`, never a read out of bounds.
    pub fn to_string_lossy(&self) -> String {
        let len = (self.len as usize).min(TEXT_CAPACITY);
        String::from_utf8_lossy(&self.bytes[..len]).into_owned()
    }
}

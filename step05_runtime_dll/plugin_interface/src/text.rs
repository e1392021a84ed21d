//! `Text`: how a string crosses the boundary (DESIGN.md, "Strings across the boundary", compares
//! it with the other ways).

/// Room for one text: enough for every name, value and message the plugins make.
pub const TEXT_CAPACITY: usize = 120;

/// A string that can cross. A `String` cannot: its memory belongs to the allocator of the side
/// that made it. A `Text` holds its UTF-8 bytes itself, so it is copied like a number.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Text {
    pub len: u32,
    pub bytes: [u8; TEXT_CAPACITY],
}

impl Text {
    /// `text`, cut to `TEXT_CAPACITY` bytes at most, and never inside a character. A `const fn`,
    /// so a plugin's `static` can call it at compile time: hence `while`, as `for` is not allowed.
    pub const fn new(text: &str) -> Text {
        let mut len = text.len();
        while len > TEXT_CAPACITY || !text.is_char_boundary(len) {
            len -= 1;
        }
        let mut bytes = [0; TEXT_CAPACITY];
        let mut i = 0;
        while i < len {
            bytes[i] = text.as_bytes()[i];
            i += 1;
        }
        Text {
            len: len as u32,
            bytes,
        }
    }

    /// `Text::new` makes valid UTF-8; a broken plugin's length past the array or bytes that are
    /// not UTF-8 give a shorter text or `�`, never a read out of bounds.
    pub fn to_string_lossy(&self) -> String {
        let len = (self.len as usize).min(TEXT_CAPACITY);
        String::from_utf8_lossy(&self.bytes[..len]).into_owned()
    }
}

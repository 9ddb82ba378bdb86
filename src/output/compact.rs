//! A grapheme packed into a word, so a screen of glyphs neither allocates
//! per cell nor validates UTF-8 to print one.

use std::collections::HashMap;

/// Up to 8 bytes in a `u64` (nearly every grapheme); a longer one
/// (rare) is kept in [`Long`] and stands here as its number there.
///
/// Packed (9 bytes, no padding after the length), so that a glyph is 32
/// bytes rather than 40: a screen of 200x60 glyphs is then 384 KB, and a
/// frame touches a fifth less memory. Its fields are only ever copied
/// out, never borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(Rust, packed)]
pub struct Symbol {
    bytes: u64,
    /// The length, or [`LONG`] for a number in [`Long`].
    len: u8,
}

const LONG: u8 = 15;

/// The most long graphemes remembered; past it the table starts afresh
/// (and every row is built and written again).
pub const MAX_LONG: usize = 4096;

/// Graphemes longer than 8 bytes, by number.
#[derive(Debug, Default)]
pub struct Long {
    texts: Vec<Box<str>>,
    numbers: HashMap<Box<str>, u64>,
}

impl Long {
    pub fn len(&self) -> usize {
        self.texts.len()
    }
}

impl Symbol {
    pub const SPACE: Symbol = Symbol {
        bytes: 0x20,
        len: 1,
    };

    /// The right half of a wide character: nothing printed.
    pub const NONE: Symbol = Symbol { bytes: 0, len: 0 };

    #[inline]
    pub fn new(text: &str, long: &mut Long) -> Symbol {
        if let [byte] = text.as_bytes() {
            // Nearly every cell: no copy of a slice of unknown length.
            return Symbol {
                bytes: u64::from(*byte),
                len: 1,
            };
        }
        if text.len() <= 8 {
            let mut word = [0u8; 8];
            word[..text.len()].copy_from_slice(text.as_bytes());
            return Symbol {
                bytes: u64::from_le_bytes(word),
                len: text.len() as u8,
            };
        }
        let number = match long.numbers.get(text) {
            Some(number) => *number,
            None => {
                let number = long.texts.len() as u64;
                long.texts.push(text.into());
                long.numbers.insert(text.into(), number);
                number
            }
        };
        Symbol {
            bytes: number,
            len: LONG,
        }
    }

    /// Appends the grapheme's bytes to `out`.
    pub fn write_to(&self, long: &Long, out: &mut Vec<u8>) {
        if self.len == LONG {
            let text = usize::try_from(self.bytes)
                .ok()
                .and_then(|n| long.texts.get(n));
            // Always there: the table starts afresh only with the rows.
            out.extend_from_slice(text.map_or(" ", |t| t).as_bytes());
        } else {
            out.extend_from_slice(&self.bytes.to_le_bytes()[..usize::from(self.len.min(8))]);
        }
    }

    pub fn is_space(&self) -> bool {
        *self == Symbol::SPACE
    }

    /// A word standing for the grapheme, for hashing.
    pub fn word(&self) -> u64 {
        self.bytes ^ (u64::from(self.len) << 60)
    }
}

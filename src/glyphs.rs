//! The characters brief draws with: Unicode by default, ASCII on request.
//!
//! Layout, the reader's borders and its markers all take their characters
//! from one [`Glyphs`] value, so `--ascii` (or a non-UTF-8 locale) changes
//! every drawn character at once. Briefing text itself is never changed here.

/// The set of drawing characters in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyphs {
    /// True for the plain-ASCII set.
    pub ascii: bool,
    /// Bullet of a list item.
    pub bullet: &'static str,
    /// Bullet of a nested list item.
    pub sub_bullet: &'static str,
    /// Left bar of a block quote.
    pub quote_bar: &'static str,
    /// Left bar setting the bottom line apart.
    pub summary_bar: &'static str,
    /// A horizontal rule, repeated.
    pub rule: &'static str,
    /// A full bar cell.
    pub bar_full: &'static str,
    /// Partial bar cells, 1/8 to 7/8; ASCII has none.
    pub bar_eighths: [&'static str; 7],
    /// Separator between metadata items.
    pub dot: &'static str,
    /// Marks the current item (outline, library).
    pub pointer: &'static str,
    /// Marks a collapsed/expandable or child entry.
    pub child: &'static str,
    /// Placed where text was cut.
    pub ellipsis: &'static str,
    /// Marks a section as read.
    pub check: &'static str,
    /// Marks a section changed since it was read.
    pub changed: &'static str,
    /// Marks a section with a note of the reader's.
    pub note: &'static str,
}

impl Glyphs {
    /// Box-drawing and block characters.
    pub const UNICODE: Glyphs = Glyphs {
        ascii: false,
        bullet: "•",
        sub_bullet: "◦",
        quote_bar: "│",
        summary_bar: "▌",
        rule: "─",
        bar_full: "█",
        bar_eighths: ["▏", "▎", "▍", "▌", "▋", "▊", "▉"],
        dot: "·",
        pointer: "▶",
        child: "·",
        ellipsis: "…",
        check: "✓",
        changed: "*",
        note: "✎",
    };

    /// Printable ASCII only.
    pub const ASCII: Glyphs = Glyphs {
        ascii: true,
        bullet: "*",
        sub_bullet: "-",
        quote_bar: "|",
        summary_bar: "|",
        rule: "-",
        bar_full: "#",
        bar_eighths: ["", "", "", "", "", "", ""],
        dot: "-",
        pointer: ">",
        child: "-",
        ellipsis: "...",
        check: "+",
        changed: "*",
        note: "n",
    };

    /// The set for `ascii`.
    pub fn new(ascii: bool) -> Self {
        if ascii { Self::ASCII } else { Self::UNICODE }
    }

    /// A bar `cells` wide in eighths: `eighths` is the length in 1/8 cells.
    pub fn bar(&self, eighths: usize) -> String {
        let full = eighths / 8;
        let rest = eighths % 8;
        let mut out = self.bar_full.repeat(full);
        if self.ascii {
            if rest >= 4 {
                out.push_str(self.bar_full);
            }
        } else if rest > 0 {
            out.push_str(self.bar_eighths[rest - 1]);
        }
        out
    }
}

impl Default for Glyphs {
    fn default() -> Self {
        Self::UNICODE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_in_eighths() {
        assert_eq!(Glyphs::UNICODE.bar(8 * 3 + 5), "███▋");
        assert_eq!(Glyphs::ASCII.bar(8 * 3 + 5), "####");
        assert_eq!(Glyphs::ASCII.bar(8 * 3 + 3), "###");
        assert_eq!(Glyphs::UNICODE.bar(0), "");
    }
}

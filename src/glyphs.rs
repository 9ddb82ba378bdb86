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
    /// An open task of a task list.
    pub task_open: &'static str,
    /// A done task of a task list.
    pub task_done: &'static str,
    /// A table's horizontal line.
    pub table_h: &'static str,
    /// A table's vertical line.
    pub table_v: &'static str,
    /// A table's top corners and tee: left, between columns, right.
    pub table_top: [&'static str; 3],
    /// The line under a table's header row: left, crossing, right.
    pub table_head: [&'static str; 3],
    /// The horizontal line under a table's header row.
    pub table_head_h: &'static str,
    /// A line between body rows: left, crossing, right.
    pub table_mid: [&'static str; 3],
    /// A table's bottom corners and tee.
    pub table_bottom: [&'static str; 3],
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
        task_open: "☐",
        task_done: "☑",
        table_h: "─",
        table_v: "│",
        table_top: ["┌", "┬", "┐"],
        table_head: ["╞", "╪", "╡"],
        table_head_h: "═",
        table_mid: ["├", "┼", "┤"],
        table_bottom: ["└", "┴", "┘"],
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
        task_open: "[ ]",
        task_done: "[x]",
        table_h: "-",
        table_v: "|",
        table_top: ["+", "+", "+"],
        table_head: ["+", "+", "+"],
        table_head_h: "=",
        table_mid: ["+", "+", "+"],
        table_bottom: ["+", "+", "+"],
    };

    /// The set for `ascii`.
    pub fn new(ascii: bool) -> Self {
        if ascii { Self::ASCII } else { Self::UNICODE }
    }

    /// ASCII if asked for (`--ascii`) or if the locale says the terminal's
    /// character set is not UTF-8; `env` looks up an environment variable.
    pub fn detect(ascii_flag: bool, env: impl Fn(&str) -> Option<String>) -> Self {
        Self::new(ascii_flag || !locale_is_utf8(env))
    }

    /// Brief's own words for the screen: with the ASCII set, typographic
    /// dashes, quotes and dots become their ASCII look-alikes, cell for
    /// cell where possible. (Briefing text is not passed through here.)
    pub fn words<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        if !self.ascii || text.is_ascii() {
            return std::borrow::Cow::Borrowed(text);
        }
        std::borrow::Cow::Owned(
            text.chars()
                .map(|c| match c {
                    '—' | '–' => '-',
                    '“' | '”' | '„' => '"',
                    '‘' | '’' => '\'',
                    '…' => '~',
                    '·' => '-',
                    other => other,
                })
                .collect(),
        )
    }

    /// `text` cut to `max` columns, ending in this set's mark for "cut"
    /// (one cell wide in both sets).
    pub fn fit(&self, text: &str, max: usize) -> String {
        let cut = crate::text::truncate(text, max);
        if self.ascii && cut.ends_with('…') && !text.ends_with('…') {
            let mut ascii = cut;
            ascii.pop();
            ascii.push('~');
            return ascii;
        }
        cut
    }

    /// `text` cut or padded to exactly `columns` columns.
    pub fn pad(&self, text: &str, columns: usize) -> String {
        let mut out = self.fit(text, columns);
        let used = crate::text::width(&out);
        out.extend(std::iter::repeat_n(' ', columns.saturating_sub(used)));
        out
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

/// True unless the locale names a character set other than UTF-8.
///
/// The locale in force is the first of `LC_ALL`, `LC_CTYPE` and `LANG` that
/// is set and not empty, as the C library decides. One that names UTF-8
/// (`en_GB.UTF-8`, `C.utf8`) draws in Unicode; one that names anything else
/// (`C`, `POSIX`, `de_DE.ISO-8859-1`) is a statement that the terminal
/// cannot show it, so ASCII is drawn. No locale at all counts as UTF-8:
/// that is what an SSH session that passes no locale, a container or a
/// minimal login looks like today, nearly always on a UTF-8 terminal, and
/// `--ascii` is there for the rest.
pub fn locale_is_utf8(env: impl Fn(&str) -> Option<String>) -> bool {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .into_iter()
        .find_map(|name| env(name).filter(|value| !value.is_empty()));
    locale.is_none_or(|value| {
        let value = value.to_ascii_lowercase();
        value.contains("utf-8") || value.contains("utf8")
    })
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

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn the_first_locale_variable_set_decides() {
        assert!(locale_is_utf8(env(&[("LANG", "en_GB.UTF-8")])));
        assert!(locale_is_utf8(env(&[("LANG", "C.utf8")])));
        assert!(!locale_is_utf8(env(&[("LANG", "C")])));
        assert!(!locale_is_utf8(env(&[("LANG", "POSIX")])));
        assert!(!locale_is_utf8(env(&[("LANG", "de_DE.ISO-8859-1")])));
        // LC_ALL overrides LC_CTYPE, which overrides LANG; empty is unset.
        assert!(!locale_is_utf8(env(&[
            ("LC_ALL", "C"),
            ("LANG", "en_GB.UTF-8")
        ])));
        assert!(locale_is_utf8(env(&[
            ("LC_CTYPE", "C.UTF-8"),
            ("LANG", "C")
        ])));
        assert!(!locale_is_utf8(env(&[("LC_ALL", ""), ("LANG", "C")])));
    }

    #[test]
    fn no_locale_at_all_counts_as_utf8() {
        assert!(locale_is_utf8(env(&[])));
        assert_eq!(Glyphs::detect(false, env(&[])), Glyphs::UNICODE);
        assert_eq!(Glyphs::detect(true, env(&[])), Glyphs::ASCII);
        assert_eq!(Glyphs::detect(false, env(&[("LANG", "C")])), Glyphs::ASCII);
    }
}

//! The one sanitising step for untrusted text.
//!
//! Every string that came from a file (briefing, keymap, file name, an error
//! quoting either) passes through [`sanitize`] after all decoding (TOML
//! escapes, Markdown) and before it reaches a widget, a title, stdout or an
//! error message. Afterwards the string holds no character a terminal would
//! obey: C0 and C1 controls, DEL, bidirectional controls and invisible format
//! characters are replaced by visible stand-ins, and a grapheme that would be
//! drawn with zero width gets a dotted circle to lean on. This module owns
//! that mapping and nothing else; it never drops a visible character.

use std::borrow::Cow;

use ratatui::buffer::CellWidth;
use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What the sanitiser found, so the caller can warn the reader.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Findings {
    /// Control characters (C0 other than tab and newline, DEL, C1) were replaced.
    pub controls: bool,
    /// Bidirectional controls were replaced.
    pub bidi: bool,
    /// Invisible format characters (zero-width space, BOM, separators…) were replaced.
    pub invisible: bool,
    /// Markdown: HTML tags or comments were left out (their text is kept).
    pub html: bool,
    /// Markdown: nesting deeper than the layout draws was flattened.
    pub deep: bool,
    /// Markdown: a footnote reference names no footnote.
    pub missing_note: bool,
}

impl Findings {
    /// Merges the findings of another string into these.
    pub fn merge(&mut self, other: Findings) {
        self.controls |= other.controls;
        self.bidi |= other.bidi;
        self.invisible |= other.invisible;
        self.html |= other.html;
        self.deep |= other.deep;
        self.missing_note |= other.missing_note;
    }
}

/// How newlines and tabs are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A one-line field (a title, a label, a key): newline and tab become a space.
    Line,
    /// Running text that keeps its line structure (code blocks): newline is
    /// kept, tab is expanded to the next multiple of four columns.
    Block,
}

/// The name shown for a bidirectional control, or `None` if `c` is not one.
pub fn bidi_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{202A}' => "LRE",
        '\u{202B}' => "RLE",
        '\u{202C}' => "PDF",
        '\u{202D}' => "LRO",
        '\u{202E}' => "RLO",
        '\u{2066}' => "LRI",
        '\u{2067}' => "RLI",
        '\u{2068}' => "FSI",
        '\u{2069}' => "PDI",
        '\u{200E}' => "LRM",
        '\u{200F}' => "RLM",
        '\u{061C}' => "ALM",
        _ => return None,
    })
}

/// The name shown for an invisible format character, or `None`.
fn invisible_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{200B}' => "ZWSP",
        '\u{2060}' => "WJ",
        '\u{2061}'..='\u{2064}' => "INV",
        '\u{FEFF}' => "BOM",
        '\u{2028}' => "LSEP",
        '\u{2029}' => "PSEP",
        '\u{206A}'..='\u{206F}' => "FMT",
        '\u{FFF9}'..='\u{FFFB}' => "ANN",
        '\u{180E}' => "MVS",
        _ => return None,
    })
}

/// True for a character that must never reach the terminal as itself.
fn is_unsafe(c: char) -> bool {
    let u = c as u32;
    u < 0x20
        || (0x7F..=0x9F).contains(&u)
        || bidi_name(c).is_some()
        || invisible_name(c).is_some()
        || c == '\u{00AD}'
}

/// Sanitises `input` for display; see the module documentation.
pub fn sanitize(input: &str, mode: Mode) -> Cow<'_, str> {
    sanitize_with_findings(input, mode).0
}

/// Sanitises `input` and reports what was replaced.
pub fn sanitize_with_findings(input: &str, mode: Mode) -> (Cow<'_, str>, Findings) {
    let mut findings = Findings::default();
    // Most text is printable ASCII: one pass over its bytes settles it.
    let needs_char_pass =
        input.bytes().any(|b| !(0x20..0x7F).contains(&b)) && input.chars().any(is_unsafe);
    if !needs_char_pass {
        // No control characters: only zero-width graphemes can need work.
        if input.is_ascii() || !has_zero_width_grapheme(input) {
            return (Cow::Borrowed(input), findings);
        }
        return (Cow::Owned(lean_zero_width(input)), findings);
    }
    let mut out = String::with_capacity(input.len() + 8);
    let mut column = 0usize;
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        let pushed_at = out.len();
        let u = c as u32;
        match c {
            '\r' if chars.peek() == Some(&'\n') => continue,
            '\n' if mode == Mode::Block => {
                out.push('\n');
                column = 0;
                continue;
            }
            '\n' | '\r' if mode == Mode::Line => out.push(' '),
            '\t' => {
                let spaces = match mode {
                    Mode::Line => 1,
                    Mode::Block => 4 - column % 4,
                };
                out.extend(std::iter::repeat_n(' ', spaces));
                column += spaces;
                continue;
            }
            '\u{00AD}' => {
                // A soft hyphen is only a hyphenation hint; terminals disagree
                // on its width, so it is left out rather than guessed at.
                continue;
            }
            _ if u < 0x20 => {
                findings.controls = true;
                // U+2400.. are the Control Pictures: ␀ ␁ … ␛ … ␟
                out.push(char::from_u32(0x2400 + u).unwrap_or('?'));
            }
            '\u{7F}' => {
                findings.controls = true;
                out.push('␡');
            }
            _ if (0x80..=0x9F).contains(&u) => {
                findings.controls = true;
                out.push_str(&format!("<{u:02X}>"));
            }
            _ => {
                if let Some(name) = bidi_name(c) {
                    findings.bidi = true;
                    out.push('[');
                    out.push_str(name);
                    out.push(']');
                } else if let Some(name) = invisible_name(c) {
                    findings.invisible = true;
                    out.push('[');
                    out.push_str(name);
                    out.push(']');
                } else {
                    out.push(c);
                }
            }
        }
        // Tab stops are in display columns: a wide letter or a stand-in such
        // as `[ZWSP]` moves the next stop as far as it is drawn.
        column += out[pushed_at..].width();
    }
    if !out.is_ascii() && has_zero_width_grapheme(&out) {
        out = lean_zero_width(&out);
    }
    (Cow::Owned(out), findings)
}

/// True if some grapheme cluster of `s` would be drawn with zero width
/// (a combining mark with nothing to combine with, a lone joiner).
///
/// Only a cluster that starts with a character of width zero can be drawn
/// with width zero, so the clusters are looked at only where such a
/// character starts one: text without them (nearly all text) costs one
/// pass over its characters instead of a grapheme segmentation.
fn has_zero_width_grapheme(s: &str) -> bool {
    for (at, c) in s.char_indices() {
        if c.is_ascii() || c.width().is_some_and(|w| w > 0) {
            continue;
        }
        let mut cursor = GraphemeCursor::new(at, s.len(), true);
        if !cursor.is_boundary(s, 0).unwrap_or(true) {
            continue;
        }
        let end = cursor.next_boundary(s, 0).ok().flatten().unwrap_or(s.len());
        let grapheme = &s[at..end];
        if !grapheme.is_empty() && grapheme.cell_width() == 0 {
            return true;
        }
    }
    false
}

/// The plain definition of [`has_zero_width_grapheme`], to test it against.
#[cfg(test)]
fn has_zero_width_grapheme_slow(s: &str) -> bool {
    s.graphemes(true)
        .any(|g| g != "\n" && g.cell_width() == 0 && !g.is_empty())
}

/// Puts a dotted circle before every zero-width grapheme so it shows.
fn lean_zero_width(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 6);
    for g in s.graphemes(true) {
        if g != "\n" && g.cell_width() == 0 {
            out.push('◌');
        }
        out.push_str(g);
    }
    out
}

/// Sanitises a one-line string into an owned `String`.
pub fn line(input: &str) -> String {
    sanitize(input, Mode::Line).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        let s = "Lüttich — „Zeit der Naivität“ 中文 👩‍👩‍👧";
        assert!(matches!(sanitize(s, Mode::Line), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_sequences_become_visible() {
        let (out, found) = sanitize_with_findings("a\u{1b}[31mred\u{7}", Mode::Line);
        assert_eq!(out, "a␛[31mred␇");
        assert!(found.controls);
    }

    #[test]
    fn c1_and_del_become_visible() {
        assert_eq!(sanitize("x\u{9b}y\u{7f}", Mode::Line), "x<9B>y␡");
    }

    #[test]
    fn bidi_controls_are_named() {
        let (out, found) = sanitize_with_findings("abc\u{202E}def\u{2066}", Mode::Line);
        assert_eq!(out, "abc[RLO]def[LRI]");
        assert!(found.bidi);
    }

    #[test]
    fn right_to_left_letters_stay() {
        assert_eq!(sanitize("שלום مرحبا", Mode::Line), "שלום مرحبا");
    }

    #[test]
    fn newlines_depend_on_mode() {
        assert_eq!(sanitize("a\nb\tc", Mode::Line), "a b c");
        assert_eq!(sanitize("a\nb\tc", Mode::Block), "a\nb   c");
    }

    #[test]
    fn lone_combining_mark_gets_a_base() {
        assert_eq!(sanitize("\u{301}x", Mode::Line), "◌\u{301}x");
    }

    proptest::proptest! {
        #[test]
        fn zero_width_check_agrees_with_graphemes(
            chars in proptest::collection::vec(proptest::sample::select(TRICKY.to_vec()), 0..12)
        ) {
            let s: String = chars.into_iter().collect();
            proptest::prop_assert_eq!(has_zero_width_grapheme(&s), has_zero_width_grapheme_slow(&s), "{:?}", s);
        }
    }

    /// Characters that join, combine, vanish or widen.
    const TRICKY: &[char] = &[
        'a',
        'e',
        ' ',
        '\n',
        'ü',
        '中',
        'ｶ',
        '\u{ff9e}',
        '\u{301}',
        '\u{308}',
        '\u{200d}',
        '\u{fe0f}',
        '\u{fe0e}',
        '\u{1f469}',
        '\u{1f467}',
        '\u{2708}',
        '\u{1f1e7}',
        '\u{1f1ea}',
        '\u{1f3fd}',
        '\u{1100}',
        '\u{1161}',
        '\u{11a8}',
        '\u{0915}',
        '\u{093e}',
        '\u{094d}',
        '\u{0600}',
        '\u{0644}',
        '\u{0627}',
        '\u{3099}',
        '\u{e0061}',
        '\u{20e3}',
        '#',
        '\u{a9}',
    ];

    #[test]
    fn combining_mark_on_a_letter_is_kept() {
        let s = "e\u{301}";
        assert_eq!(sanitize(s, Mode::Line), s);
    }

    #[test]
    fn crlf_is_one_line_end() {
        assert_eq!(sanitize("a\r\nb", Mode::Line), "a b");
        assert_eq!(sanitize("a\r\nb\r\n", Mode::Block), "a\nb\n");
    }

    #[test]
    fn a_lone_carriage_return_never_moves_the_cursor() {
        // One-line fields: a line end of any kind is a space.
        assert_eq!(sanitize("a\rb", Mode::Line), "a b");
        // Running text: a lone CR is not a line end; it shows as its picture.
        let (out, found) = sanitize_with_findings("a\rb\r", Mode::Block);
        assert_eq!(out, "a␍b␍");
        assert!(found.controls);
    }

    #[test]
    fn tabs_stop_at_every_fourth_column() {
        assert_eq!(sanitize("\t\tx", Mode::Block), "        x");
        assert_eq!(sanitize("ab\tc\td", Mode::Block), "ab  c   d");
        assert_eq!(sanitize("abcd\te", Mode::Block), "abcd    e");
        // The column after a tab is the stop it reached, whatever came before.
        assert_eq!(sanitize("a\tb\tc", Mode::Block), "a   b   c");
        assert_eq!(sanitize("abc\td\te", Mode::Block), "abc d   e");
        // A new line starts counting columns afresh.
        assert_eq!(sanitize("abc\n\tx", Mode::Block), "abc\n    x");
        // In a one-line field a tab is one space, wherever it stands.
        assert_eq!(sanitize("ab\tc\t\td", Mode::Line), "ab c  d");
    }

    #[test]
    fn tab_stops_count_what_is_drawn() {
        // A wide letter takes two columns, a stand-in as many as it shows.
        assert_eq!(sanitize("中\tx", Mode::Block), "中  x");
        assert_eq!(sanitize("\u{200B}\tx", Mode::Block), "[ZWSP]  x");
        assert_eq!(sanitize("\u{9B}\tx", Mode::Block), "<9B>    x");
        assert_eq!(sanitize("\u{7}\tx", Mode::Block), "␇   x");
    }

    #[test]
    fn spaces_stay_spaces_next_to_controls() {
        assert_eq!(sanitize("a b\u{1}", Mode::Line), "a b␁");
        assert_eq!(sanitize("\u{1f} ~", Mode::Line), "␟ ~");
    }

    #[test]
    fn every_bidi_control_is_named() {
        let names = [
            ('\u{202A}', "[LRE]"),
            ('\u{202B}', "[RLE]"),
            ('\u{202C}', "[PDF]"),
            ('\u{202D}', "[LRO]"),
            ('\u{202E}', "[RLO]"),
            ('\u{2066}', "[LRI]"),
            ('\u{2067}', "[RLI]"),
            ('\u{2068}', "[FSI]"),
            ('\u{2069}', "[PDI]"),
            ('\u{200E}', "[LRM]"),
            ('\u{200F}', "[RLM]"),
            ('\u{061C}', "[ALM]"),
        ];
        for (c, shown) in names {
            let input = format!("x{c}y");
            let (out, found) = sanitize_with_findings(&input, Mode::Line);
            assert_eq!(out, format!("x{shown}y"), "U+{:04X}", c as u32);
            assert!(found.bidi && !found.invisible && !found.controls);
        }
    }

    #[test]
    fn every_invisible_character_is_named() {
        let names = [
            ('\u{200B}', "[ZWSP]"),
            ('\u{2060}', "[WJ]"),
            ('\u{2061}', "[INV]"),
            ('\u{2062}', "[INV]"),
            ('\u{2063}', "[INV]"),
            ('\u{2064}', "[INV]"),
            ('\u{FEFF}', "[BOM]"),
            ('\u{2028}', "[LSEP]"),
            ('\u{2029}', "[PSEP]"),
            ('\u{206A}', "[FMT]"),
            ('\u{206C}', "[FMT]"),
            ('\u{206F}', "[FMT]"),
            ('\u{FFF9}', "[ANN]"),
            ('\u{FFFA}', "[ANN]"),
            ('\u{FFFB}', "[ANN]"),
            ('\u{180E}', "[MVS]"),
        ];
        for (c, shown) in names {
            for mode in [Mode::Line, Mode::Block] {
                let input = format!("x{c}y");
                let (out, found) = sanitize_with_findings(&input, mode);
                assert_eq!(out, format!("x{shown}y"), "U+{:04X}", c as u32);
                assert!(found.invisible && !found.bidi && !found.controls);
            }
        }
    }

    #[test]
    fn neighbours_of_the_invisible_ranges_are_not_named() {
        // Visible characters just past a range are shown as themselves.
        for s in ["x\u{2070}y", "x\u{FFFC}y", "x\u{17FF}y"] {
            assert_eq!(sanitize(s, Mode::Line), s);
        }
        // Unassigned or combining neighbours are not given a name either.
        for s in ["x\u{2065}y", "x\u{FFF8}y", "x\u{180D}y", "x\u{180F}y"] {
            let (out, found) = sanitize_with_findings(s, Mode::Line);
            assert!(
                !found.invisible && !out.contains('['),
                "{s:?} became {out:?}"
            );
        }
    }

    #[test]
    fn the_soft_hyphen_is_left_out() {
        let (out, found) = sanitize_with_findings("Zeit\u{AD}ung\u{7}", Mode::Line);
        assert_eq!(out, "Zeitung␇");
        assert!(found.controls && !found.invisible);
        assert_eq!(sanitize("Zeit\u{AD}ung", Mode::Block), "Zeitung");
    }

    #[test]
    fn the_reader_is_told_about_invisible_characters() {
        let (_, found) = sanitize_with_findings("a\u{200B}b", Mode::Line);
        let mut all = Findings::default();
        all.merge(found);
        assert!(all.invisible, "merging keeps the finding");
        all.merge(Findings::default());
        assert!(all.invisible, "merging clean text does not undo it");
        all.merge(found);
        assert!(all.invisible, "merging it twice keeps it");
    }

    #[test]
    fn merged_findings_keep_every_kind() {
        let every = Findings {
            controls: true,
            bidi: true,
            invisible: true,
            html: true,
            deep: true,
            missing_note: true,
        };
        let mut all = Findings::default();
        all.merge(every);
        assert_eq!(all, every);
        all.merge(Findings::default());
        assert_eq!(all, every);
        all.merge(every);
        assert_eq!(all, every);
    }

    #[test]
    fn a_combining_mark_after_a_control_still_gets_a_base() {
        assert_eq!(sanitize("\u{301}\u{7}", Mode::Line), "◌\u{301}␇");
    }

    #[test]
    fn line_ends_in_code_get_no_dotted_circle() {
        assert_eq!(sanitize("\u{301}\nx\n", Mode::Block), "◌\u{301}\nx\n");
    }

    #[test]
    fn line_returns_the_sanitised_text() {
        assert_eq!(line("plain"), "plain");
        assert_eq!(line("a\u{1b}b\nc"), "a␛b c");
    }
}

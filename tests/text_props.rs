//! Property tests for the text engine: sanitising, width, wrapping,
//! truncation and whole-document layout, over text mixing ASCII words,
//! German, CJK, emoji (ZWJ sequences, flags, skin tones), combining marks,
//! control characters, bidi controls, invisible characters and long
//! unbreakable words, at widths 1 to 120 with and without indents.
//!
//! What is checked is what a reader would see go wrong: a control sequence
//! reaching the terminal, a line running past the edge, a character cut in
//! half, or text silently missing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use proptest::prelude::*;
use proptest::sample::select;
use unicode_segmentation::UnicodeSegmentation;

use brief::glyphs::Glyphs;
use brief::layout::{self, Anchor, Options};
use brief::loader;
use brief::model::Part;
use brief::sanitize::{self, Mode};
use brief::text::{self, PLACEHOLDER, StyledLine};

// ---------------------------------------------------------------------------
// Generators

const BIDI: &[&str] = &[
    "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}",
    "\u{2069}", "\u{200E}", "\u{200F}", "\u{061C}",
];

const EMOJI: &[&str] = &[
    "👩\u{200D}👩\u{200D}👧",
    "🇧🇪",
    "🇪🇺",
    "😀",
    "👍🏽",
    "🏳\u{FE0F}\u{200D}🌈",
    "❤\u{FE0F}",
    "1\u{FE0F}\u{20E3}",
];

const GERMAN: &[&str] = &[
    "äöüß",
    "Straße",
    "„Zeit der Naivität“",
    "–",
    "Überwachung",
    "Lüttich",
    "ÄÖÜ",
];

const COMBINING: &[&str] = &[
    "e\u{301}",
    "a\u{308}",
    "n\u{303}\u{323}",
    "\u{301}",
    "\u{200D}",
    "\u{FE0F}",
];

const INVISIBLE: &[&str] = &[
    "\u{200B}", "\u{FEFF}", "\u{00AD}", "\u{2028}", "\u{2029}", "\u{2060}", "\u{00A0}", "\u{3000}",
    "\u{2061}", "\u{2064}", "\u{206A}", "\u{206F}", "\u{FFF9}", "\u{FFFB}", "\u{180E}",
];

const SPACES: &[&str] = &[" ", " ", " ", "  ", "\n", "\t", "\r\n", "\n\n"];

const PUNCTUATION: &[&str] = &["-", "—", ",", ".", "/", "(", ")", "\"", "'", "…", "%", "€"];

/// One piece of text of one kind.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-zA-Z]{1,12}",
        2 => select(GERMAN).prop_map(str::to_owned),
        2 => "[\u{4E00}-\u{4E80}\u{3041}-\u{3096}\u{AC00}-\u{AC40}]{1,8}",
        2 => select(EMOJI).prop_map(str::to_owned),
        2 => select(COMBINING).prop_map(str::to_owned),
        1 => "[\u{0}-\u{1F}\u{7F}-\u{9F}]",
        1 => select(BIDI).prop_map(str::to_owned),
        1 => select(INVISIBLE).prop_map(str::to_owned),
        1 => "[a-z]{30,90}",
        1 => select(PUNCTUATION).prop_map(str::to_owned),
        8 => select(SPACES).prop_map(str::to_owned),
    ]
}

/// Mixed text, untrusted: anything a briefing could hold after decoding.
fn mixed_text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..40).prop_map(|parts| parts.concat())
}

/// Program-made indents, as layout uses them (bullets, quote bars, code).
const INDENTS: &[&str] = &[
    "", "  ", "• ", "◦ ", "│ ", "▌ ", "12. ", "    ", "│ • ", "中 ",
];

/// The style of indent pieces, never used for text, so a test can tell
/// them apart after `wrap` merges same-style pieces.
const INDENT: u8 = 9;

/// Sanitised text cut into 1–4 styled spans at grapheme boundaries (as
/// Markdown inlines are).
fn styled_text() -> impl Strategy<Value = (String, Vec<(String, u8)>)> {
    (
        mixed_text(),
        prop::collection::vec((any::<prop::sample::Index>(), 0u8..3), 0..4),
    )
        .prop_map(|(raw, cuts)| {
            let clean = sanitize::sanitize(&raw, Mode::Block).into_owned();
            let bounds: Vec<usize> = clean.grapheme_indices(true).map(|(i, _)| i).collect();
            let mut at: Vec<(usize, u8)> = cuts
                .iter()
                .filter(|_| !bounds.is_empty())
                .map(|(index, style)| (bounds[index.index(bounds.len())], *style))
                .collect();
            at.sort_unstable();
            at.dedup_by_key(|(i, _)| *i);
            let mut spans = Vec::new();
            let mut start = 0;
            let mut style = 0u8;
            for (cut, next_style) in at {
                if cut > start {
                    spans.push((clean[start..cut].to_owned(), style));
                    start = cut;
                }
                style = next_style;
            }
            spans.push((clean[start..].to_owned(), style));
            (clean, spans)
        })
}

// ---------------------------------------------------------------------------
// Helpers

/// The bidi controls, listed here rather than taken from the sanitiser, so
/// that a control dropped from its table is caught.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// A character no terminal may receive from a briefing.
fn forbidden(c: char, mode: Mode) -> bool {
    let u = c as u32;
    (u < 0x20 && !(c == '\n' && mode == Mode::Block))
        || u == 0x7F
        || (0x80..=0x9F).contains(&u)
        || is_bidi_control(c)
        || matches!(
            c,
            '\u{200B}'
                | '\u{FEFF}'
                | '\u{00AD}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{2060}'..='\u{2064}'
                | '\u{206A}'..='\u{206F}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{180E}'
        )
}

/// Spaces and line ends: what the wrapper may drop or add at a break.
/// (Other blanks, such as the ideographic space or a no-break space, are
/// part of a word and must survive like any letter.)
fn is_break_space(grapheme: &str) -> bool {
    grapheme.chars().all(|c| c == ' ' || c == '\n')
}

/// The graphemes of `text` other than break spaces, in order.
fn ink(text: &str) -> Vec<&str> {
    text.graphemes(true)
        .filter(|g| !is_break_space(g))
        .collect()
}

fn wrap_styled(
    spans: &[(String, u8)],
    width: usize,
    first: &str,
    rest: &str,
) -> Vec<StyledLine<u8>> {
    let spans: Vec<(&str, u8)> = spans.iter().map(|(t, s)| (t.as_str(), *s)).collect();
    text::wrap(&spans, width, &[(first, INDENT)], &[(rest, INDENT)])
}

/// A wrapped line split into its indent and its text.
fn split_indent(line: &StyledLine<u8>) -> (String, String) {
    let indent: String = line
        .iter()
        .take_while(|(_, s)| *s == INDENT)
        .map(|(t, _)| t.as_str())
        .collect();
    let body: String = line
        .iter()
        .skip_while(|(_, s)| *s == INDENT)
        .map(|(t, _)| t.as_str())
        .collect();
    (indent, body)
}

/// Walks the wrapped lines against the input's graphemes (break spaces
/// aside). Each
/// line's text, segmented on its own, must continue the input exactly,
/// except for a `-` the wrapper adds at a line end and, if
/// `allow_placeholder`, `…` standing for a grapheme wider than the line's
/// room. Returns a description of the first difference.
fn follow(
    input: &str,
    lines: &[StyledLine<u8>],
    width: usize,
    allow_placeholder: bool,
) -> Result<(), String> {
    let expected = ink(input);
    let mut next = 0;
    for (number, line) in lines.iter().enumerate() {
        let (indent, body) = split_indent(line);
        let room = width.saturating_sub(text::width(&indent));
        let got = ink(&body);
        for (position, grapheme) in got.iter().enumerate() {
            let want = expected.get(next).copied();
            let same = want == Some(*grapheme);
            let stands_in = allow_placeholder
                && *grapheme == PLACEHOLDER
                && want.is_some_and(|w| text::grapheme_width(w) > room);
            if same || stands_in {
                next += 1;
            } else if *grapheme == "-" && position + 1 == got.len() {
                // A hyphen added where a word was split.
            } else {
                return Err(format!(
                    "line {number} {body:?}: got {grapheme:?}, expected {want:?} (grapheme {next})"
                ));
            }
        }
    }
    if next == expected.len() {
        Ok(())
    } else {
        Err(format!("lost text: {:?} never appears", &expected[next..]))
    }
}

/// Escapes text for a TOML basic string ("…").
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7F}' => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// ---------------------------------------------------------------------------
// Markdown-ish bodies for whole briefings

const MARKDOWN: &[&str] = &[
    "\n\n",
    "\n\n### ",
    "\n\n- ",
    "\n  - ",
    "\n\n1. ",
    "\n\n> ",
    "\n>\n> ",
    "*",
    "**",
    "`",
    "\n\n    ",
    "\n\n```\n",
    "\n\n---\n\n",
    "[link](https://example.org/a/very/long/address/that/does/not/break)",
    "<b>",
    "\\",
];

fn body_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => fragment(),
            1 => select(MARKDOWN).prop_map(str::to_owned),
        ],
        0..50,
    )
    .prop_map(|parts| parts.concat())
}

/// A label or title: never blank (the loader requires text).
fn label_text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..8).prop_map(|parts| format!("X{}", parts.concat()))
}

#[derive(Debug, Clone)]
struct GeneratedBriefing {
    toml: String,
}

fn briefing_toml() -> impl Strategy<Value = GeneratedBriefing> {
    let section = (
        label_text(),
        body_text(),
        prop::option::of((label_text(), label_text(), label_text())),
        prop::option::of((
            label_text(),
            label_text(),
            prop::collection::vec((label_text(), -1.0e6f64..1.0e6), 1..4),
        )),
    );
    (
        label_text(),
        prop::option::of(label_text()),
        prop::option::of(label_text()),
        prop::option::of(body_text()),
        prop::collection::vec(section, 1..4),
        label_text(),
    )
        .prop_map(|(title, subtitle, classification, summary, sections, source_title)| {
            let mut toml = format!("title = {}\n", toml_string(&title));
            if let Some(subtitle) = subtitle {
                toml.push_str(&format!("subtitle = {}\n", toml_string(&subtitle)));
            }
            if let Some(classification) = classification {
                toml.push_str(&format!("classification = {}\n", toml_string(&classification)));
            }
            toml.push_str("authors = [\"A. Analyst\"]\ndate = 2023-10-12\n");
            if let Some(summary) = summary {
                toml.push_str(&format!("summary = {}\n", toml_string(&summary)));
            }
            toml.push_str("[[facts]]\nlabel = \"Wide fact\"\nvalue = \"€100 million\"\nsource = \"src\"\n");
            for (i, (title, body, fact, chart)) in sections.into_iter().enumerate() {
                toml.push_str(&format!(
                    "[[sections]]\nid = \"s{i}\"\ntitle = {}\nbody = {}\nsources = [\"src\"]\n",
                    toml_string(&title),
                    toml_string(&body)
                ));
                if let Some((label, value, note)) = fact {
                    toml.push_str(&format!(
                        "[[sections.facts]]\nlabel = {}\nvalue = {}\nnote = {}\nas_of = \"2022\"\nsource = \"src\"\n",
                        toml_string(&label),
                        toml_string(&value),
                        toml_string(&note)
                    ));
                }
                if let Some((title, unit, points)) = chart {
                    let points: Vec<String> = points
                        .iter()
                        .map(|(label, value)| {
                            format!("{{ label = {}, value = {value:?} }}", toml_string(label))
                        })
                        .collect();
                    toml.push_str(&format!(
                        "[[sections.charts]]\ntitle = {}\nunit = {}\nsource = \"src\"\npoints = [ {} ]\n",
                        toml_string(&title),
                        toml_string(&unit),
                        points.join(", ")
                    ));
                }
            }
            toml.push_str(&format!(
                "[[sources]]\nid = \"src\"\ntitle = {}\npublisher = \"P\"\nurl = \"https://example.org\"\n",
                toml_string(&source_title)
            ));
            GeneratedBriefing { toml }
        })
}

// ---------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// (a) Sanitised text holds nothing a terminal would obey or hide.
    #[test]
    fn sanitized_text_has_no_controls(raw in mixed_text()) {
        for mode in [Mode::Line, Mode::Block] {
            let clean = sanitize::sanitize(&raw, mode);
            if let Some(c) = clean.chars().find(|c| forbidden(*c, mode)) {
                prop_assert!(false, "{mode:?}: {c:?} survived in {clean:?}");
            }
        }
    }

    /// (a') Ordinary text (letters, umlauts, ideographs, spaces) comes
    /// through the sanitiser unchanged.
    #[test]
    fn sanitizing_keeps_plain_text(words in prop::collection::vec("[a-zA-Zäöüß中文]{1,8}", 0..10)) {
        let raw = words.join(" ");
        prop_assert_eq!(sanitize::sanitize(&raw, Mode::Line), raw.as_str());
    }

    /// (b) No wrapped line is wider than the width, indents included.
    #[test]
    fn wrapped_lines_fit(
        (_, spans) in styled_text(),
        width in 1usize..=120,
        first in select(INDENTS),
        rest in select(INDENTS),
    ) {
        for line in wrap_styled(&spans, width, first, rest) {
            prop_assert!(
                text::line_width(&line) <= width,
                "{line:?} is {} wide, over {width}", text::line_width(&line)
            );
            let plain: String = line.iter().map(|(t, _)| t.as_str()).collect();
            prop_assert!(text::width(&plain) <= width, "{plain:?} over {width}");
        }
    }

    /// (c) Wrapping never splits a grapheme: where every grapheme fits the
    /// room a line has, the lines (indents, added hyphens and the spaces
    /// at breaks aside) are the input's graphemes, each whole.
    #[test]
    fn wrapping_never_splits_a_grapheme(
        (clean, spans) in styled_text(),
        width in 3usize..=120,
        first in select(INDENTS),
        rest in select(INDENTS),
    ) {
        let lines = wrap_styled(&spans, width, first, rest);
        let room = lines
            .iter()
            .map(|l| width - text::width(&split_indent(l).0))
            .min()
            .unwrap_or(width);
        prop_assume!(room >= 2);
        if let Err(problem) = follow(&clean, &lines, width, false) {
            prop_assert!(false, "{problem}\ninput {clean:?}\nlines {lines:?}");
        }
    }

    /// (d) Nothing is lost at any width: every grapheme but break spaces
    /// appears in order; `…` only where a grapheme is wider than the
    /// line's room.
    #[test]
    fn wrapping_loses_no_text(
        (clean, spans) in styled_text(),
        width in 1usize..=120,
        first in select(INDENTS),
        rest in select(INDENTS),
    ) {
        let lines = wrap_styled(&spans, width, first, rest);
        if let Err(problem) = follow(&clean, &lines, width, true) {
            prop_assert!(false, "{problem}\ninput {clean:?}\nlines {lines:?}");
        }
    }

    /// (f) Truncation fits, and only cuts what is too wide.
    #[test]
    fn truncation_fits(raw in mixed_text(), max in 0usize..=120) {
        let clean = sanitize::line(&raw);
        let cut = text::truncate(&clean, max);
        prop_assert!(text::width(&cut) <= max, "{cut:?} over {max}");
        if text::width(&clean) <= max {
            prop_assert_eq!(&cut, &clean);
        } else if max > 0 {
            prop_assert!(cut.ends_with('…'));
            let kept = cut.strip_suffix('…').unwrap_or(&cut);
            prop_assert!(clean.starts_with(kept), "{cut:?} is not a prefix of {clean:?}");
            prop_assert!(clean.is_char_boundary(kept.len()));
            let whole: Vec<&str> = clean.graphemes(true).collect();
            let kept_graphemes: Vec<&str> = kept.graphemes(true).collect();
            prop_assert_eq!(&whole[..kept_graphemes.len()], &kept_graphemes[..]);
        }
    }

    /// `pad_to` is exactly the width asked for.
    #[test]
    fn padding_is_exact(raw in mixed_text(), columns in 0usize..=120) {
        let clean = sanitize::line(&raw);
        prop_assert_eq!(text::width(&text::pad_to(&clean, columns)), columns);
    }
}

proptest! {
    // Each case parses TOML, renders Markdown and lays out a whole document
    // at two widths; 500 cases cover the shapes without slowing `cargo test`.
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// (e) A whole briefing, whatever its text, lays out within the width
    /// and without a control character, in print and reader form.
    #[test]
    fn documents_fit_and_hold_no_controls(
        generated in briefing_toml(),
        width in 1usize..=120,
        ascii in any::<bool>(),
    ) {
        let briefing = match loader::load_str("gen.toml", &generated.toml) {
            Ok(briefing) => briefing,
            Err(error) => {
                let messages: Vec<String> =
                    error.diagnostics.iter().map(ToString::to_string).collect();
                return Err(TestCaseError::fail(format!(
                    "generated briefing rejected: {messages:#?}\n{}", generated.toml
                )));
            }
        };
        let glyphs = Glyphs::new(ascii);
        for (facts_inline, underline_headings) in [(true, true), (false, false)] {
            let doc = layout::document(
                &briefing,
                width,
                Options { glyphs, facts_inline, underline_headings, mark_strike: underline_headings },
            );
            for index in 0..doc.lines.len() {
                let line = doc.lines.plain(index);
                prop_assert!(
                    text::width(&line) <= width,
                    "line {index} is {} wide, over {width}: {line:?}", text::width(&line)
                );
                prop_assert!(
                    !line.chars().any(|c| c.is_control() || is_bidi_control(c)),
                    "control character in line {index}: {line:?}"
                );
            }
        }
        let section = &briefing.sections[0];
        let sidebar = layout::facts(
            &briefing,
            &section.facts,
            &section.charts,
            width,
            glyphs,
            Anchor { part: Part::Section(0), block: 0 },
        );
        for index in 0..sidebar.len() {
            let line = sidebar.plain(index);
            prop_assert!(text::width(&line) <= width, "sidebar {line:?} over {width}");
            prop_assert!(!line.chars().any(|c| c.is_control() || is_bidi_control(c)));
        }
    }
}

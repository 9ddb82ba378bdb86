//! Splitting a format-1 TOML file at its top-level `[[sections]]`,
//! `[[sources]]` and `[[facts]]` headers, so that a large file is parsed one
//! table at a time instead of as one tree (for a 10 MB briefing the whole
//! tree and the parser's tokens cost about 18 MB over the text).
//!
//! Owns only where the pieces are and how a piece's tree is placed back in
//! the file; what a piece must hold is checked in [`super::briefing`]. The
//! split is made only where it cannot change the meaning: anything unusual
//! (a header it does not know, a key the head defines that a header also
//! names, a piece that does not parse) makes the caller parse the whole
//! file, so the diagnostics are always those of the whole file.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};
use toml_parser::lexer::TokenKind;

/// The top-level arrays of tables a file is split at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Sections,
    Sources,
    Facts,
}

impl Kind {
    /// The key the array of tables has in the file.
    pub(super) fn key(self) -> &'static str {
        match self {
            Self::Sections => "sections",
            Self::Sources => "sources",
            Self::Facts => "facts",
        }
    }
}

/// Where the pieces of a file are.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Chunks {
    /// Everything before the first header: top-level keys only.
    pub(super) head: Range<usize>,
    /// Each top-level array-of-tables entry with its sub-tables, in order.
    pub(super) tables: Vec<(Kind, Range<usize>)>,
}

/// The pieces of `source`, or `None` if it is not made only of a head of
/// plain keys and `[[sections]]` (with `[[sections.…]]` and `[sections.…]`
/// sub-tables), `[[sources]]` and `[[facts]]` entries.
pub(super) fn split(source: &str) -> Option<Chunks> {
    let lexed = toml_parser::Source::new(source);
    let mut chunks = Chunks::default();
    // The piece being read, and where it started.
    let mut current: Option<(Kind, usize)> = None;
    let mut line_start = 0;
    let mut at_line_start = true;
    // Inside a value (after `=`), and how deep in its brackets: a `[` that
    // opens a line there is part of an array, not a header.
    let mut in_value = false;
    let mut depth = 0usize;
    let mut in_header = false;
    for token in lexed.lex() {
        let span = token.span();
        match token.kind() {
            TokenKind::Newline => {
                in_header = false;
                if depth == 0 {
                    in_value = false;
                }
                at_line_start = true;
                line_start = span.end();
                continue;
            }
            TokenKind::Whitespace | TokenKind::Comment => continue,
            TokenKind::Eof => break,
            TokenKind::LeftSquareBracket if at_line_start && !in_value => {
                let line_end = memchr::memchr(b'\n', &source.as_bytes()[line_start..])
                    .map_or(source.len(), |at| line_start + at);
                let line = source.get(span.start()..line_end)?;
                let header = line.split('#').next().unwrap_or_default().trim_end();
                match header_kind(header)? {
                    Header::Entry(kind) => {
                        match current {
                            Some((k, start)) => chunks.tables.push((k, start..line_start)),
                            None => chunks.head = 0..line_start,
                        }
                        current = Some((kind, line_start));
                    }
                    Header::SectionPart if matches!(current, Some((Kind::Sections, _))) => {}
                    Header::SectionPart => return None,
                }
                in_header = true;
            }
            _ if in_header => {}
            TokenKind::Equals if !in_value => in_value = true,
            TokenKind::LeftSquareBracket | TokenKind::LeftCurlyBracket if in_value => depth += 1,
            TokenKind::RightSquareBracket | TokenKind::RightCurlyBracket if in_value => {
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        at_line_start = false;
    }
    match current {
        Some((kind, start)) => chunks.tables.push((kind, start..source.len())),
        None => chunks.head = 0..source.len(),
    }
    Some(chunks)
}

enum Header {
    /// A new entry of a top-level array of tables.
    Entry(Kind),
    /// A table inside the current `[[sections]]` entry.
    SectionPart,
}

/// What a header line (comment and trailing space removed) opens; `None`
/// for any other header, quoted or spaced keys included.
fn header_kind(header: &str) -> Option<Header> {
    match header {
        "[[sections]]" => return Some(Header::Entry(Kind::Sections)),
        "[[sources]]" => return Some(Header::Entry(Kind::Sources)),
        "[[facts]]" => return Some(Header::Entry(Kind::Facts)),
        _ => {}
    }
    let inner = header
        .strip_prefix("[[sections.")
        .and_then(|rest| rest.strip_suffix("]]"))
        .or_else(|| {
            header
                .strip_prefix("[sections.")
                .and_then(|rest| rest.strip_suffix(']'))
        })?;
    let bare = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    inner.split('.').all(bare).then_some(Header::SectionPart)
}

/// Parses one piece that starts at `base` in the file, with every span
/// moved to where it is in the file; `None` if it has syntax errors.
pub(super) fn parse_at(piece: &str, base: usize) -> Option<DeTable<'_>> {
    let (root, errors) = DeTable::parse_recoverable(piece);
    if !errors.is_empty() {
        return None;
    }
    Some(rebase_table(root.into_inner(), base))
}

/// The one entry of a `[[kind]]` piece, parsed at `base`: `None` unless the
/// piece holds exactly that.
pub(super) fn entry_at(
    piece: &str,
    base: usize,
    kind: Kind,
) -> Option<(Spanned<DeString<'_>>, Spanned<DeValue<'_>>)> {
    let table = parse_at(piece, base)?;
    if table.len() != 1 {
        return None;
    }
    let (key, value) = table.into_iter().next()?;
    if key.get_ref().as_ref() != kind.key() {
        return None;
    }
    match value.get_ref() {
        DeValue::Array(items) if items.len() == 1 => {
            let mut items = match value.into_inner() {
                DeValue::Array(items) => items.into_iter(),
                _ => return None,
            };
            let item = items.next()?;
            matches!(item.get_ref(), DeValue::Table(_)).then_some((key, item))
        }
        _ => None,
    }
}

type DeString<'i> = std::borrow::Cow<'i, str>;

fn shift(span: Range<usize>, by: usize) -> Range<usize> {
    span.start + by..span.end + by
}

fn rebase_table(table: DeTable<'_>, by: usize) -> DeTable<'_> {
    table
        .into_iter()
        .map(|(key, value)| {
            let key = Spanned::new(shift(key.span(), by), key.into_inner());
            (key, rebase_value(value, by))
        })
        .collect()
}

fn rebase_value(value: Spanned<DeValue<'_>>, by: usize) -> Spanned<DeValue<'_>> {
    let span = shift(value.span(), by);
    let inner = match value.into_inner() {
        DeValue::Table(table) => DeValue::Table(rebase_table(table, by)),
        DeValue::Array(items) => DeValue::Array(
            items
                .into_iter()
                .map(|item| rebase_value(item, by))
                .collect::<DeArray<'_>>(),
        ),
        other => other,
    };
    Spanned::new(span, inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_split_at_its_entries() {
        let source = "title = \"T\"\n[[sources]]\nid = \"a\"\n  [[sections]] # one\ntitle = \"S\"\n[[sections.facts]]\nlabel = \"l\"\n[sections.x]\ny = 1\n[[facts]]\nlabel = \"f\"\n";
        let chunks = split(source).expect("split");
        let text = |r: &Range<usize>| &source[r.clone()];
        assert_eq!(text(&chunks.head), "title = \"T\"\n");
        let kinds: Vec<Kind> = chunks.tables.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, [Kind::Sources, Kind::Sections, Kind::Facts]);
        assert_eq!(text(&chunks.tables[0].1), "[[sources]]\nid = \"a\"\n");
        assert!(text(&chunks.tables[1].1).starts_with("  [[sections]] # one\n"));
        assert!(text(&chunks.tables[1].1).ends_with("y = 1\n"));
        assert_eq!(chunks.tables[2].1.end, source.len());
    }

    #[test]
    fn brackets_inside_values_and_strings_are_not_headers() {
        let source = "title = \"T\"\nx = [\n[1], [2]\n]\ns = \"\"\"\n[[sections]]\n\"\"\"\n[[sections]]\ntitle = 'S'\n";
        let chunks = split(source).expect("split");
        assert_eq!(chunks.tables.len(), 1);
        assert_eq!(
            &source[chunks.tables[0].1.clone()],
            "[[sections]]\ntitle = 'S'\n"
        );
    }

    #[test]
    fn an_unknown_header_is_not_split() {
        for source in [
            "[meta]\n",
            "[[ sections ]]\n",
            "[[\"sections\"]]\n",
            "[[sources]]\n[sources.x]\n",
            "[[sources]]\n[[sections.facts]]\n",
            "[sections.x]\n",
            "[[sections]]\n[[sections.\"f\"]]\n",
        ] {
            assert_eq!(split(source), None, "{source:?}");
        }
    }

    #[test]
    fn a_piece_is_placed_where_it_is_in_the_file() {
        let source = "title = \"T\"\n[[sections]]\ntitle = \"S\"\n";
        let (key, entry) = entry_at(&source[12..], 12, Kind::Sections).expect("entry");
        assert_eq!(key.get_ref().as_ref(), "sections");
        let DeValue::Table(table) = entry.get_ref() else {
            panic!("{:?}", entry.get_ref());
        };
        let title = table.get("title").expect("title");
        assert_eq!(&source[title.span()], "\"S\"");
        assert!(entry_at("[[sections]]\n[[sections]]\n", 0, Kind::Sections).is_none());
        assert!(entry_at("[[facts]]\n", 0, Kind::Sections).is_none());
        assert!(entry_at("[[facts]]\nx = \n", 0, Kind::Facts).is_none());
    }
}

//! Links as OSC 8 hyperlinks: which addresses on screen may be made
//! clickable, and where they are.
//!
//! The address stays on screen as text, exactly as laid out (a link's
//! address after its text, a source's address, an autolink); a terminal
//! that understands OSC 8 also makes those cells, and a link's text, open
//! the address. Only an address on screen is linked (a link's text opens
//! the one shown right after it), so a briefing cannot make a click go
//! anywhere the reader cannot read. The URL must pass [`safe_url`]: http, https or
//! mailto, printable ASCII (non-ASCII letters percent-encoded), no
//! spaces, no controls, at most [`MAX_URL_BYTES`].
//!
//! This module finds the addresses in laid-out lines; the drawing backend
//! ([`crate::output`]) writes the sequences around the cells. No escape
//! byte ever goes into a ratatui cell.

use std::ops::Range;

use crate::layout::{Lines, Role, Style};
use crate::model::InlineStyle;

/// The longest URL made a hyperlink; longer addresses stay plain text.
pub const MAX_URL_BYTES: usize = 2048;

/// Cells of one screen row that open `url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hyperlink {
    /// The row.
    pub y: u16,
    /// The first column.
    pub x: u16,
    /// How many columns.
    pub width: u16,
    /// Where it leads (passed [`safe_url`]).
    pub url: String,
}

/// `address` as a URL fit for an OSC 8 sequence, or `None` if it is not
/// an http, https or mailto address made of printable characters.
/// Non-ASCII letters and digits (an accented path, a domain in another
/// script) are percent-encoded; anything else outside printable ASCII —
/// a control, an escape, a space, a sanitised escape's visible stand-in —
/// refuses the whole address.
pub fn safe_url(address: &str) -> Option<String> {
    let lower = address.get(..8).unwrap_or(address).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &address[8..]
    } else if lower.starts_with("http://") || lower.starts_with("mailto:") {
        &address[7..]
    } else {
        return None;
    };
    if rest.is_empty() || rest.starts_with('/') {
        return None;
    }
    let mut url = String::with_capacity(address.len());
    for c in address.chars() {
        if c.is_ascii_graphic() {
            url.push(c);
        } else if !c.is_ascii() && c.is_alphanumeric() {
            let mut bytes = [0u8; 4];
            for byte in c.encode_utf8(&mut bytes).bytes() {
                url.push_str(&format!("%{byte:02X}"));
            }
        } else {
            return None;
        }
        if url.len() > MAX_URL_BYTES {
            return None;
        }
    }
    Some(url)
}

/// Whether a piece of laid-out text may be (part of) an address.
fn addressy(style: Style) -> bool {
    style.inline.contains(InlineStyle::ADDRESS) || style.inline.contains(InlineStyle::LINK)
}

/// Pieces a wrapped address continues after: indentation, bars.
fn indent(text: &str, style: Style) -> bool {
    text.chars().all(char::is_whitespace) || matches!(style.role, Role::QuoteBar | Role::SummaryBar)
}

/// The address text of a piece: its spaces trimmed (a source's address
/// follows one) and an image's closing bracket dropped. Returns the byte
/// range kept.
fn core(text: &str) -> Range<usize> {
    let start = text.len() - text.trim_start().len();
    let mut end = text.trim_end().len();
    if end > start && text[start..end].ends_with(']') && !text[start..end].contains('[') {
        end -= 1;
    }
    start..end.max(start)
}

/// The first addressy piece of line `index`, if only indentation is
/// before it and it starts with no space: where a wrapped address goes on.
fn continuation(lines: &Lines, index: usize, style: Style) -> Option<String> {
    for (text, piece) in lines.line(index) {
        if piece == style && !text.starts_with(' ') {
            return Some(text.to_owned());
        }
        if !indent(text, piece) {
            return None;
        }
    }
    None
}

/// The last piece of line `index`, if it is addressy in `style` and ends
/// with no space: where a wrapped address came from.
fn before(lines: &Lines, index: usize, style: Style) -> Option<String> {
    let (text, piece) = lines.line(index).last()?;
    (piece == style && !text.ends_with(' ')).then(|| text.to_owned())
}

/// The whole text of the addressy piece `piece` of line `index`, joined
/// with the lines before and after where it wraps (a wrapped address
/// breaks with no space), and the byte range of the piece kept.
fn joined(lines: &Lines, index: usize, piece: usize) -> Option<(String, Range<usize>)> {
    let pieces: Vec<(&str, Style)> = lines.line(index).collect();
    let (text, style) = *pieces.get(piece)?;
    let kept = core(text);
    let mut url = text[kept.clone()].to_owned();
    let first_text = pieces.iter().position(|(t, s)| !indent(t, *s));
    if first_text == Some(piece) && kept.start == 0 {
        let mut at = index;
        while at > 0 && url.len() <= MAX_URL_BYTES {
            let Some(head) = before(lines, at - 1, style) else {
                break;
            };
            let head = &head[core(&head).start..];
            url.insert_str(0, head);
            // It goes further back only if it filled that line.
            if continuation(lines, at - 1, style).as_deref() != Some(head) {
                break;
            }
            at -= 1;
        }
    }
    if piece + 1 == pieces.len() && kept.end == text.len() {
        let mut at = index + 1;
        while at < lines.len() && url.len() <= MAX_URL_BYTES {
            let Some(tail) = continuation(lines, at, style) else {
                break;
            };
            let cut = core(&tail);
            url.push_str(&tail[..cut.end]);
            if cut.end < tail.len() || before(lines, at, style).as_deref() != Some(&tail) {
                break;
            }
            at += 1;
        }
    }
    Some((url, kept))
}

/// How many lines on a link's text may run before its address.
const LINK_TEXT_LINES: usize = 4;

/// Where the link whose text is piece `piece` of line `index` leads: the
/// address shown after it, `text (address)`, as the Markdown layout puts
/// it (see [`crate::markdown`]), wrapped or not.
fn target(lines: &Lines, index: usize, piece: usize) -> Option<String> {
    let mut opened = false;
    for at in index..lines.len().min(index + LINK_TEXT_LINES) {
        let skip = if at == index { piece + 1 } else { 0 };
        for (i, (text, style)) in lines.line(at).enumerate().skip(skip) {
            if opened {
                return if style.inline.contains(InlineStyle::ADDRESS) {
                    joined(lines, at, i).and_then(|(url, _)| safe_url(&url))
                } else {
                    None
                };
            }
            let link_text = style.inline.contains(InlineStyle::LINK)
                && !style.inline.contains(InlineStyle::ADDRESS);
            if text.trim() == "(" {
                opened = true;
            } else if !(link_text || (at > index && indent(text, style))) {
                return None;
            }
        }
    }
    None
}

/// The addresses on line `index` that can be hyperlinks: each piece's
/// columns on the line and the whole URL. An address wrapped over several
/// lines is joined again, so every part of it opens the whole; a link's
/// text opens the address shown after it. Lines of tables are left alone:
/// a cell's wrapped address cannot be told from its neighbours'.
pub fn on_line(lines: &Lines, index: usize) -> Vec<(Range<usize>, String)> {
    let pieces: Vec<(&str, Style)> = lines.line(index).collect();
    if !pieces.iter().any(|(_, s)| addressy(*s))
        || pieces
            .iter()
            .any(|(_, s)| matches!(s.role, Role::TableBorder))
    {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut column = 0;
    for (i, (text, style)) in pieces.iter().enumerate() {
        let width = crate::text::width(text);
        if addressy(*style) {
            let resolved = joined(lines, index, i).and_then(|(url, kept)| {
                match safe_url(&url) {
                    Some(url) => Some((url, kept)),
                    // Not an address itself: a link's text.
                    None if !style.inline.contains(InlineStyle::ADDRESS) => {
                        let trimmed = text.trim();
                        let start = text.len() - text.trim_start().len();
                        target(lines, index, i).map(|url| (url, start..start + trimmed.len()))
                    }
                    None => None,
                }
            });
            if let Some((url, kept)) = resolved {
                let start = column + crate::text::width(&text[..kept.start]);
                let end = start + crate::text::width(&text[kept]);
                if end > start {
                    found.push((start..end, url));
                }
            }
        }
        column += width;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glyphs::Glyphs;
    use crate::layout::{Options, document};
    use crate::loader::load_str;

    #[test]
    fn only_web_and_mail_addresses_of_printable_characters_pass() {
        for good in [
            "https://example.org/r?a=1&b=2#x",
            "http://example.org",
            "HTTPS://EXAMPLE.ORG/A",
            "mailto:desk@example.org",
        ] {
            assert_eq!(safe_url(good).as_deref(), Some(good), "{good}");
        }
        assert_eq!(
            safe_url("https://example.org/liège").as_deref(),
            Some("https://example.org/li%C3%A8ge")
        );
        for hostile in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,x",
            "https://",
            "https:///path",
            "mailto:",
            "https://a.example/\x1b]8;;https://evil\x1b\\",
            "https://a.example/\x07",
            "https://a.example/\u{9b}31m",
            "https://a.example/\u{9c}",
            "https://a.example/a\nb",
            "https://a.example/a b",
            "https://a.example/\u{241b}[31m",
            "https://a.example/\u{202e}",
            "ftp://a.example/",
        ] {
            assert_eq!(safe_url(hostile), None, "{hostile:?}");
        }
        let long = format!("https://a.example/{}", "x".repeat(MAX_URL_BYTES));
        assert_eq!(safe_url(&long), None);
    }

    fn lines(body: &str, width: usize) -> Lines {
        let text = format!(
            "title = \"T\"\n[[sections]]\ntitle = \"S\"\nbody = \"\"\"\n{body}\n\"\"\"\nsources = [\"ft\"]\n[[sources]]\nid = \"ft\"\ntitle = \"Financial Times\"\nurl = \"https://www.ft.com/content/abc\"\n"
        );
        let briefing = load_str("t.toml", &text).expect("valid");
        document(
            &briefing,
            width,
            Options {
                glyphs: Glyphs::UNICODE,
                facts_inline: false,
                underline_headings: false,
                mark_strike: false,
            },
        )
        .lines
    }

    fn all_links(lines: &Lines) -> Vec<(String, String)> {
        (0..lines.len())
            .flat_map(|i| {
                let plain = lines.plain(i);
                on_line(lines, i).into_iter().map(move |(columns, url)| {
                    let shown: String = plain
                        .chars()
                        .skip(columns.start)
                        .take(columns.len())
                        .collect();
                    (shown, url)
                })
            })
            .collect()
    }

    #[test]
    fn link_addresses_sources_and_autolinks_are_found_where_shown() {
        let lines = lines(
            "See [the report](https://example.org/r) and <https://example.org/auto>.",
            80,
        );
        assert_eq!(
            all_links(&lines),
            [
                ("the report".to_owned(), "https://example.org/r".to_owned()),
                (
                    "https://example.org/r".to_owned(),
                    "https://example.org/r".to_owned()
                ),
                (
                    "https://example.org/auto".to_owned(),
                    "https://example.org/auto".to_owned()
                ),
                (
                    "https://www.ft.com/content/abc".to_owned(),
                    "https://www.ft.com/content/abc".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn an_address_wrapped_over_lines_opens_the_whole_address_from_each_part() {
        let url =
            "https://example.org/a/very/long/path/that/wraps/over/several/lines/of/a/narrow/pane";
        let lines = lines(&format!("<{url}>"), 20);
        let found = all_links(&lines);
        assert!(found.len() >= 3, "{found:?}");
        let shown: String = found
            .iter()
            .filter(|(_, u)| u == url)
            .map(|(s, _)| s.as_str())
            .collect();
        assert_eq!(shown, url, "{found:?}");
        // The source's address wraps too: never a link to a part of one.
        let source = "https://www.ft.com/content/abc";
        assert!(
            found.iter().all(|(_, u)| u == url || u == source),
            "{found:?}"
        );
        let shown: String = found
            .iter()
            .filter(|(_, u)| u == source)
            .map(|(s, _)| s.as_str())
            .collect();
        assert_eq!(shown, source, "{found:?}");
    }

    #[test]
    fn a_links_text_wrapped_over_lines_opens_its_address_from_each_line() {
        let lines = lines(
            "Read [the annual report of the national bank](https://example.org/r) now.",
            16,
        );
        let found = all_links(&lines);
        let text: Vec<&str> = found
            .iter()
            .filter(|(shown, u)| u == "https://example.org/r" && !u.contains(shown.as_str()))
            .map(|(s, _)| s.as_str())
            .collect();
        assert_eq!(
            text.join(" "),
            "the annual report of the national bank",
            "{found:?}"
        );
    }

    #[test]
    fn plain_text_and_hostile_addresses_are_not_linked() {
        let lines = lines(
            "Just text, [a link](javascript:alert(1)) and [b](https://x.example/\\u001b[31m).",
            80,
        );
        let found = all_links(&lines);
        assert!(
            found
                .iter()
                .all(|(_, u)| u.starts_with("https://www.ft.com")),
            "{found:?}"
        );
    }
}

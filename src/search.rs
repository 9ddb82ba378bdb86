//! Finding text in laid-out lines: incremental, smartcase, across wraps.
//!
//! The search runs over the lines the reader already has (no second copy of
//! the document, no re-layout): each line's content, without the decoration
//! layout put in front of it (bullets, quote bars), is one piece of a
//! stream in which the lines of one block are joined by a soft break and
//! blocks are kept apart. A soft break matches a space in the query or
//! nothing at all, so a phrase wrapped over two lines is found, and a word
//! the layout broke in the middle is found too. Matching ignores case unless
//! the query has a capital letter (smartcase); a run of spaces in the query
//! matches any run of whitespace.

use crate::layout::{Lines, Role};

/// One stretch of a match on one line: byte offsets into the line's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// The line.
    pub line: usize,
    /// First byte in the line's text.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// A match, possibly spread over several lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Its stretches, in line order (at least one).
    pub ranges: Vec<Range>,
}

impl Match {
    /// The line the match starts on.
    pub fn line(&self) -> usize {
        self.ranges.first().map_or(0, |r| r.line)
    }
}

/// How a query compares letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Upper and lower case are the same.
    Insensitive,
    /// Exact.
    Sensitive,
}

impl Case {
    /// Smartcase: sensitive only if the query has an upper-case letter.
    pub fn for_query(query: &str) -> Self {
        if query.chars().any(char::is_uppercase) {
            Case::Sensitive
        } else {
            Case::Insensitive
        }
    }
}

fn fold(c: char, case: Case) -> char {
    match case {
        Case::Sensitive => c,
        Case::Insensitive => {
            if c.is_ascii() {
                c.to_ascii_lowercase()
            } else {
                c.to_lowercase().next().unwrap_or(c)
            }
        }
    }
}

/// True for roles that are drawn in front of text, not part of it.
fn is_decoration(role: Role) -> bool {
    matches!(role, Role::QuoteBar | Role::Bullet | Role::SummaryBar)
}

/// Byte offset where a line's searchable content starts.
fn content_start(lines: &Lines, line: usize) -> usize {
    let mut offset = 0;
    for (text, style) in lines.line(line) {
        if is_decoration(style.role) || text.chars().all(char::is_whitespace) {
            offset += text.len();
        } else {
            break;
        }
    }
    offset
}

/// A position in the stream.
#[derive(Debug, Clone, Copy)]
struct Cursor {
    line: usize,
    offset: usize,
}

/// What the stream yields at a position.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Item {
    Char(char),
    /// Between two lines of one block.
    SoftBreak,
    /// Between blocks, or an empty line: nothing matches across it.
    Wall,
}

struct Stream<'a> {
    lines: &'a Lines,
    starts: &'a [u32],
}

impl Stream<'_> {
    fn text(&self, line: usize) -> &str {
        self.lines.line_text(line)
    }

    /// The item at `cursor` and the cursor after it.
    fn next(&self, cursor: Cursor) -> Option<(Item, Cursor)> {
        if cursor.line >= self.lines.len() {
            return None;
        }
        let text = self.text(cursor.line);
        if let Some(c) = text[cursor.offset..].chars().next() {
            return Some((
                Item::Char(c),
                Cursor {
                    line: cursor.line,
                    offset: cursor.offset + c.len_utf8(),
                },
            ));
        }
        let next_line = cursor.line + 1;
        if next_line >= self.lines.len() {
            return None;
        }
        let next = Cursor {
            line: next_line,
            offset: self.starts.get(next_line).map_or(0, |s| *s as usize),
        };
        let same_block = self.lines.anchor(cursor.line) == self.lines.anchor(next_line);
        let next_empty = self.text(next_line).len() <= next.offset;
        let item = if same_block && !next_empty && text.len() > self.start(cursor.line) {
            Item::SoftBreak
        } else {
            Item::Wall
        };
        Some((item, next))
    }

    fn start(&self, line: usize) -> usize {
        self.starts.get(line).map_or(0, |s| *s as usize)
    }
}

/// The content start of every line, for searching `lines` many times.
pub fn content_starts(lines: &Lines) -> Vec<u32> {
    (0..lines.len())
        .map(|i| content_start(lines, i) as u32)
        .collect()
}

/// Every match of `query` in `lines`. `starts` is [`content_starts`].
pub fn find_all(lines: &Lines, starts: &[u32], query: &str) -> Vec<Match> {
    let needle: Vec<char> = query.trim().chars().collect();
    if needle.is_empty() {
        return Vec::new();
    }
    let case = Case::for_query(query);
    let needle: Vec<char> = needle.into_iter().map(|c| fold(c, case)).collect();
    let stream = Stream { lines, starts };
    let mut matches = Vec::new();
    // A match starts with the needle's first letter: finding those first
    // (ASCII by a byte scan) keeps typing a search fast in a long document.
    let first = needle[0];
    let first_bytes: Option<[u8; 2]> = first.is_ascii().then(|| {
        let lower = first.to_ascii_lowercase() as u8;
        match case {
            Case::Insensitive => [lower, first.to_ascii_uppercase() as u8],
            Case::Sensitive => [first as u8, first as u8],
        }
    });
    // Without case, two non-ASCII letters fold to ASCII ones: the Kelvin
    // sign to k and the dotted capital I to i. Their first byte stops the
    // scan too when the needle starts with k or i.
    let folds_from = match (case, first) {
        (Case::Insensitive, 'k') => Some(0xE2),
        (Case::Insensitive, 'i') => Some(0xC4),
        _ => None,
    };
    // The needle as bytes when it is one ASCII word (the common case).
    let plain_needle: Option<Vec<u8>> = needle
        .iter()
        .all(|c| c.is_ascii() && !c.is_ascii_whitespace())
        .then(|| needle.iter().map(|c| *c as u8).collect());
    for line in 0..lines.len() {
        let text = lines.line_text(line);
        let mut offset = stream.start(line);
        while offset < text.len() {
            let candidate = match first_bytes {
                Some([a, b]) => {
                    let rest = &text.as_bytes()[offset..];
                    match folds_from {
                        Some(lead) => memchr::memchr3(a, b, lead, rest),
                        None => memchr::memchr2(a, b, rest),
                    }
                    .map(|i| offset + i)
                }
                None => text[offset..]
                    .char_indices()
                    .find(|(_, c)| fold(*c, case) == first)
                    .map(|(i, _)| offset + i),
            };
            let Some(candidate) = candidate else {
                break;
            };
            offset = candidate;
            if let Some(c) = text[offset..].chars().next()
                && !c.is_ascii()
                && fold(c, case) != first
            {
                offset += c.len_utf8();
                continue;
            }
            // An ASCII word within the line is settled by comparing bytes;
            // only a match that may run over a soft break needs the stream.
            if let Some(word) = &plain_needle {
                let rest = &text.as_bytes()[offset..];
                let window = &rest[..rest.len().min(word.len())];
                let same = window.iter().zip(word.iter()).all(|(t, w)| match case {
                    Case::Insensitive => t.to_ascii_lowercase() == *w,
                    Case::Sensitive => t == w,
                });
                if !same && window.is_ascii() {
                    offset += 1;
                    continue;
                }
            }
            let cursor = Cursor { line, offset };
            if let Some(end) = match_at(&stream, cursor, &needle, case) {
                matches.push(to_match(&stream, cursor, end));
                offset = if end.line == line {
                    end.offset.max(offset + 1)
                } else {
                    text.len()
                };
                if end.line != line {
                    // Continue after the match on its last line.
                    break;
                }
            } else {
                offset += text[offset..].chars().next().map_or(1, char::len_utf8);
            }
            while !text.is_char_boundary(offset) {
                offset += 1;
            }
        }
    }
    matches.dedup_by(|b, a| {
        a.ranges.last().map(|r| (r.line, r.end)) > b.ranges.first().map(|r| (r.line, r.start))
    });
    matches
}

/// Where a match of `needle` starting at `cursor` ends, if there is one.
fn match_at(stream: &Stream<'_>, start: Cursor, needle: &[char], case: Case) -> Option<Cursor> {
    let mut cursor = start;
    let mut index = 0;
    while index < needle.len() {
        let wanted = needle[index];
        let (item, next) = stream.next(cursor)?;
        match item {
            Item::Wall => return None,
            Item::SoftBreak => {
                if wanted.is_whitespace() {
                    index = skip_spaces(needle, index);
                    cursor = skip_text_spaces(stream, next);
                } else if index == 0 {
                    return None;
                } else {
                    cursor = next;
                }
            }
            Item::Char(c) => {
                if wanted.is_whitespace() {
                    if !c.is_whitespace() {
                        return None;
                    }
                    index = skip_spaces(needle, index);
                    cursor = skip_text_spaces(stream, next);
                } else if fold(c, case) == wanted {
                    index += 1;
                    cursor = next;
                } else {
                    return None;
                }
            }
        }
    }
    Some(cursor)
}

fn skip_spaces(needle: &[char], mut index: usize) -> usize {
    while index < needle.len() && needle[index].is_whitespace() {
        index += 1;
    }
    index
}

fn skip_text_spaces(stream: &Stream<'_>, mut cursor: Cursor) -> Cursor {
    while let Some((item, next)) = stream.next(cursor) {
        match item {
            Item::Char(c) if c.is_whitespace() => cursor = next,
            Item::SoftBreak => cursor = next,
            _ => break,
        }
    }
    cursor
}

fn to_match(stream: &Stream<'_>, start: Cursor, end: Cursor) -> Match {
    let mut ranges = Vec::new();
    for line in start.line..=end.line {
        let from = if line == start.line {
            start.offset
        } else {
            stream.start(line)
        };
        let to = if line == end.line {
            end.offset
        } else {
            stream.text(line).len()
        };
        if to > from {
            ranges.push(Range {
                line,
                start: from,
                end: to,
            });
        }
    }
    Match { ranges }
}

/// True if `query` occurs in `text` (smartcase, whitespace runs equal):
/// the same rules as [`find_all`] on one line, without building one.
pub fn contains(text: &str, query: &str) -> bool {
    let case = Case::for_query(query);
    let needle: Vec<char> = query.trim().chars().map(|c| fold(c, case)).collect();
    if needle.is_empty() || text.chars().all(char::is_whitespace) {
        return false;
    }
    let hay: Vec<char> = text.chars().map(|c| fold(c, case)).collect();
    (0..hay.len()).any(|start| matches_chars(&hay[start..], &needle))
}

/// True if `hay` starts with `needle`, a run of whitespace in the needle
/// matching any run in the hay.
fn matches_chars(hay: &[char], needle: &[char]) -> bool {
    let (mut h, mut n) = (0, 0);
    while n < needle.len() {
        let Some(&c) = hay.get(h) else {
            return false;
        };
        if needle[n].is_whitespace() {
            if !c.is_whitespace() {
                return false;
            }
            while n < needle.len() && needle[n].is_whitespace() {
                n += 1;
            }
            while hay.get(h).is_some_and(|c| c.is_whitespace()) {
                h += 1;
            }
        } else if c == needle[n] {
            h += 1;
            n += 1;
        } else {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Anchor, Style};
    use crate::model::Part;

    fn lines(rows: &[(&str, u32)]) -> Lines {
        let mut lines = Lines::new(80);
        for (text, block) in rows {
            let pieces: Vec<(String, Style)> = if let Some(rest) = text.strip_prefix("│ ") {
                vec![
                    ("│ ".to_owned(), Style::role(Role::QuoteBar)),
                    (rest.to_owned(), Style::role(Role::Text)),
                ]
            } else {
                vec![((*text).to_owned(), Style::role(Role::Text))]
            };
            lines.push(
                &pieces,
                Anchor {
                    part: Part::Section(0),
                    block: *block,
                },
            );
        }
        lines
    }

    fn find(lines: &Lines, query: &str) -> Vec<Match> {
        find_all(lines, &content_starts(lines), query)
    }

    #[test]
    fn smartcase() {
        let l = lines(&[("Liège and liège and LIÈGE", 0)]);
        assert_eq!(find(&l, "liège").len(), 3);
        assert_eq!(find(&l, "Liège").len(), 1);
    }

    #[test]
    fn phrases_cross_wrapped_lines() {
        let l = lines(&[("the trade", 0), ("deficit widened", 0)]);
        let m = find(&l, "trade deficit");
        assert_eq!(m.len(), 1);
        assert_eq!(
            m[0].ranges,
            vec![
                Range {
                    line: 0,
                    start: 4,
                    end: 9
                },
                Range {
                    line: 1,
                    start: 0,
                    end: 7
                }
            ]
        );
    }

    #[test]
    fn words_broken_by_the_layout_are_found() {
        let l = lines(&[("Wirtscha", 0), ("ftsbeziehungen", 0)]);
        assert_eq!(find(&l, "wirtschaftsbeziehungen").len(), 1);
    }

    #[test]
    fn blocks_are_kept_apart() {
        let l = lines(&[("end of one", 0), ("", 0), ("start of two", 1)]);
        assert!(find(&l, "one start").is_empty());
    }

    #[test]
    fn quote_bars_are_not_text() {
        let l = lines(&[("│ intent and the", 0), ("│ capability", 0)]);
        let m = find(&l, "the capability");
        assert_eq!(m.len(), 1);
        assert_eq!(
            m[0].ranges[1],
            Range {
                line: 1,
                start: "│ ".len(),
                end: "│ capability".len()
            }
        );
    }

    #[test]
    fn non_ascii_and_cjk() {
        let l = lines(&[("€9.1 bn in Lüttich, 中文 text", 0)]);
        assert_eq!(find(&l, "€9.1").len(), 1);
        assert_eq!(find(&l, "lüttich").len(), 1);
        assert_eq!(find(&l, "中文").len(), 1);
    }

    /// The old `contains`: `find_all` over a one-line store.
    fn contains_by_lines(text: &str, query: &str) -> bool {
        let mut lines = Lines::new(usize::MAX / 2);
        let piece = [(text.to_owned(), Style::role(Role::Text))];
        lines.push(
            &piece,
            Anchor {
                part: Part::Front,
                block: 0,
            },
        );
        !find_all(&lines, &content_starts(&lines), query).is_empty()
    }

    proptest::proptest! {
        #[test]
        fn contains_agrees_with_find_all(
            text in "[aAbB ü\\t]{0,12}",
            query in "[aAbB ü]{0,4}",
        ) {
            proptest::prop_assert_eq!(contains(&text, &query), contains_by_lines(&text, &query));
        }

        #[test]
        fn the_first_letter_scan_misses_nothing(
            rows in proptest::collection::vec(("[aAbBkK\u{212a}üÜ ]{0,10}", 0u32..3), 1..6),
            query in "[aAbBkKüÜ ]{1,4}",
        ) {
            let rows: Vec<(&str, u32)> = rows.iter().map(|(t, b)| (t.as_str(), *b)).collect();
            let l = lines(&rows);
            let starts = content_starts(&l);
            let fast = find_all(&l, &starts, &query);
            // Every match found by trying every position is found.
            let mut slow = Vec::new();
            let case = Case::for_query(&query);
            let needle: Vec<char> = query.trim().chars().map(|c| fold(c, case)).collect();
            if !needle.is_empty() {
                let stream = Stream { lines: &l, starts: &starts };
                for line in 0..l.len() {
                    let text = l.line_text(line);
                    for (offset, _) in text.char_indices().filter(|(o, _)| *o >= stream.start(line)) {
                        if let Some(end) = match_at(&stream, Cursor { line, offset }, &needle, case) {
                            slow.push(to_match(&stream, Cursor { line, offset }, end).ranges[0]);
                        }
                    }
                }
            }
            for m in &fast {
                proptest::prop_assert!(slow.contains(&m.ranges[0]), "{:?} not in {:?}", m, slow);
            }
            proptest::prop_assert_eq!(fast.is_empty(), slow.is_empty());
        }
    }

    #[test]
    fn only_two_letters_fold_into_ascii() {
        let folding: Vec<char> = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|c| !c.is_ascii() && fold(*c, Case::Insensitive).is_ascii())
            .collect();
        assert_eq!(folding, ['\u{130}', '\u{212A}']);
    }

    #[test]
    fn contains_is_smartcase() {
        assert!(contains("Alibaba's Liège hub", "liège"));
        assert!(!contains("Alibaba's Liège hub", "Hub"));
    }
}

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
//!
//! Accents never matter, in either direction: text and query are both
//! folded letter by letter ([`fold`]) — decomposed (NFD) with the combining
//! marks dropped, and a few letters that do not decompose spelled out (`ß`
//! is `ss`, `æ` is `ae`, `ø` is `o`, `ł` is `l`) — so `liege` finds Liège,
//! `Liège` finds Liege, and `strasse` and `straße` find each other. A match
//! starts at the start of a letter of the text and is highlighted on the
//! original text, whole letters (with their accents) at a time.

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

/// A letter as search compares it: none (a combining accent), one, or a
/// few (`ß` is `ss`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Folded {
    chars: [char; 3],
    len: u8,
}

impl Folded {
    const EMPTY: Folded = Folded {
        chars: ['\0'; 3],
        len: 0,
    };

    fn one(c: char) -> Self {
        Folded {
            chars: [c, '\0', '\0'],
            len: 1,
        }
    }

    fn push(&mut self, c: char) {
        if let Some(slot) = self.chars.get_mut(usize::from(self.len)) {
            *slot = c;
            self.len += 1;
        }
    }

    /// The letters compared.
    pub fn as_slice(&self) -> &[char] {
        &self.chars[..usize::from(self.len)]
    }

    fn first(&self) -> Option<char> {
        self.as_slice().first().copied()
    }
}

/// Letters that carry no combining mark to drop, spelled as they are
/// searched for.
fn spelled_out(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'ẞ' => "SS",
        'æ' => "ae",
        'Æ' => "AE",
        'œ' => "oe",
        'Œ' => "OE",
        'ø' => "o",
        'Ø' => "O",
        'đ' | 'ð' => "d",
        'Đ' | 'Ð' => "D",
        'ł' => "l",
        'Ł' => "L",
        'ħ' => "h",
        'Ħ' => "H",
        'ı' => "i",
        'þ' => "th",
        'Þ' => "TH",
        _ => return None,
    })
}

fn lower(c: char, case: Case) -> char {
    match case {
        Case::Sensitive => c,
        Case::Insensitive if c.is_ascii() => c.to_ascii_lowercase(),
        Case::Insensitive => c.to_lowercase().next().unwrap_or(c),
    }
}

/// `c` as search compares it: without accents, and lower case unless
/// `case` is sensitive.
pub fn fold(c: char, case: Case) -> Folded {
    if c.is_ascii() {
        return Folded::one(lower(c, case));
    }
    let mut folded = Folded::EMPTY;
    if let Some(spelled) = spelled_out(c) {
        for letter in spelled.chars() {
            folded.push(lower(letter, case));
        }
        return folded;
    }
    unicode_normalization::char::decompose_canonical(c, |part| {
        if !unicode_normalization::char::is_combining_mark(part) {
            folded.push(lower(part, case));
        }
    });
    folded
}

/// The query as compared: each letter folded, in order.
fn fold_query(query: &str, case: Case) -> Vec<char> {
    query
        .trim()
        .chars()
        .flat_map(|c| {
            let folded = fold(c, case);
            folded.chars.into_iter().take(usize::from(folded.len))
        })
        .collect()
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
    let case = Case::for_query(query);
    let needle = fold_query(query, case);
    let Some(&first) = needle.first() else {
        return Vec::new();
    };
    let stream = Stream { lines, starts };
    let mut matches = Vec::new();
    // A match starts with the needle's first letter: finding those first
    // (by a byte scan in ASCII lines) keeps typing a search fast in a long
    // document. A line with other letters is scanned letter by letter,
    // since many of them fold to ASCII ones (é to e, ß to ss).
    let first_bytes: Option<[u8; 2]> = first.is_ascii().then(|| {
        let lower = first.to_ascii_lowercase() as u8;
        match case {
            Case::Insensitive => [lower, first.to_ascii_uppercase() as u8],
            Case::Sensitive => [first as u8, first as u8],
        }
    });
    // The needle as bytes when it is one ASCII word (the common case).
    let plain_needle: Option<Vec<u8>> = needle
        .iter()
        .all(|c| c.is_ascii() && !c.is_ascii_whitespace())
        .then(|| needle.iter().map(|c| *c as u8).collect());
    // Where the last match ended: the next starts there or after.
    let mut after = (0, 0);
    for line in 0..lines.len() {
        if line < after.0 {
            continue;
        }
        let text = lines.line_text(line);
        let ascii = text.is_ascii();
        let mut offset = stream.start(line);
        if line == after.0 {
            offset = offset.max(after.1);
        }
        while offset < text.len() {
            let candidate = match first_bytes {
                Some([a, b]) if ascii => {
                    memchr::memchr2(a, b, &text.as_bytes()[offset..]).map(|i| offset + i)
                }
                _ => text[offset..]
                    .char_indices()
                    .find(|(_, c)| fold(*c, case).first() == Some(first))
                    .map(|(i, _)| offset + i),
            };
            let Some(candidate) = candidate else {
                break;
            };
            offset = candidate;
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
                after = (end.line, end.offset);
                if end.line != line {
                    // Continue after the match on its last line.
                    break;
                }
                // A match holds at least its first letter: the next
                // search starts after it, on a letter boundary.
                offset = end.offset;
            } else {
                offset += text[offset..].chars().next().map_or(1, char::len_utf8);
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
                } else {
                    let folded = fold(c, case);
                    if folded.len == 0 && index == 0 {
                        return None;
                    }
                    // A letter spelled out (ß as ss) may end the needle
                    // part way: the whole letter is in the match.
                    for letter in folded.as_slice() {
                        if index == needle.len() {
                            break;
                        }
                        if *letter != needle[index] {
                            return None;
                        }
                        index += 1;
                    }
                    cursor = next;
                }
            }
        }
    }
    // Accents after the last letter belong to it.
    while let Some((Item::Char(c), next)) = stream.next(cursor) {
        if fold(c, case).len != 0 || c.is_ascii() {
            break;
        }
        cursor = next;
    }
    Some(cursor)
}

fn skip_spaces(needle: &[char], mut index: usize) -> usize {
    while needle.get(index).is_some_and(|c| c.is_whitespace()) {
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

/// True if `query` occurs in `text` (smartcase, accents folded,
/// whitespace runs equal): the same rules as [`find_all`] on one line,
/// without building one.
pub fn contains(text: &str, query: &str) -> bool {
    let case = Case::for_query(query);
    let needle = fold_query(query, case);
    if needle.is_empty() || text.chars().all(char::is_whitespace) {
        return false;
    }
    let hay: Vec<char> = text.chars().collect();
    (0..hay.len()).any(|start| matches_chars(&hay[start..], &needle, case))
}

/// True if `hay` starts with `needle` (folded), a run of whitespace in the
/// needle matching any run in the hay.
fn matches_chars(hay: &[char], needle: &[char], case: Case) -> bool {
    let (mut h, mut n) = (0, 0);
    while n < needle.len() {
        let Some(&c) = hay.get(h) else {
            return false;
        };
        if needle[n].is_whitespace() {
            if !c.is_whitespace() {
                return false;
            }
            while needle.get(n).is_some_and(|c| c.is_whitespace()) {
                n += 1;
            }
            while hay.get(h).is_some_and(|c| c.is_whitespace()) {
                h += 1;
            }
        } else {
            let folded = fold(c, case);
            if folded.len == 0 && n == 0 {
                return false;
            }
            for letter in folded.as_slice() {
                if n == needle.len() {
                    break;
                }
                if *letter != needle[n] {
                    return false;
                }
                n += 1;
            }
            h += 1;
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
        // Also with no blank line between them (a list item after a
        // paragraph, a table row after a row).
        let l = lines(&[("end of one", 0), ("start of two", 1)]);
        assert!(find(&l, "one start").is_empty());
        assert_eq!(find(&l, "start").len(), 1);
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

    /// Every match, found the slow way: trying every letter of every
    /// line, each match starting where the one before ended.
    fn find_slowly(l: &Lines, query: &str) -> Vec<Match> {
        let starts = content_starts(l);
        let case = Case::for_query(query);
        let needle = fold_query(query, case);
        let mut found = Vec::new();
        if needle.is_empty() {
            return found;
        }
        let stream = Stream {
            lines: l,
            starts: &starts,
        };
        let mut after = (0, 0);
        for line in 0..l.len() {
            let text = l.line_text(line);
            for (offset, _) in text.char_indices() {
                if offset < stream.start(line) || (line, offset) < after {
                    continue;
                }
                let cursor = Cursor { line, offset };
                if let Some(end) = match_at(&stream, cursor, &needle, case) {
                    found.push(to_match(&stream, cursor, end));
                    after = (end.line, end.offset);
                }
            }
        }
        found
    }

    proptest::proptest! {
        #[test]
        fn contains_agrees_with_find_all(
            text in "[aAbBsS ü\tßéÉ\u{301}]{0,12}",
            query in "[aAbBsS üßeéÉ]{0,4}",
        ) {
            proptest::prop_assert_eq!(contains(&text, &query), contains_by_lines(&text, &query));
        }

        #[test]
        fn the_first_letter_scan_finds_exactly_what_trying_every_letter_finds(
            rows in proptest::collection::vec(("[aAbBkK\u{212a}üÜsSß\u{308} ]{0,10}", 0u32..3), 1..6),
            query in "[aAbBkKüÜsSß ]{1,4}",
        ) {
            let rows: Vec<(&str, u32)> = rows.iter().map(|(t, b)| (t.as_str(), *b)).collect();
            let l = lines(&rows);
            let fast = find_all(&l, &content_starts(&l), &query);
            let slow = find_slowly(&l, &query);
            proptest::prop_assert_eq!(fast, slow);
        }

        #[test]
        fn highlights_fall_on_letter_boundaries(
            text in "[aeEsß\u{301}\u{308}é ]{0,12}",
            query in "[aesß]{1,3}",
        ) {
            let l = lines(&[(text.as_str(), 0)]);
            for m in find(&l, &query) {
                for range in m.ranges {
                    let line = l.line_text(range.line);
                    proptest::prop_assert!(line.is_char_boundary(range.start) && line.is_char_boundary(range.end));
                    // A combining accent never starts or follows a cut.
                    let next = line[range.end..].chars().next();
                    proptest::prop_assert!(next.is_none_or(|c| !unicode_normalization::char::is_combining_mark(c)));
                }
            }
        }
    }

    #[test]
    fn accents_and_spelled_out_letters_fold_both_ways() {
        let l = lines(&[("Liège, Straße, Liege, strasse, Lie\u{300}ge", 0)]);
        let texts = |query: &str| -> Vec<&str> {
            find(&l, query)
                .iter()
                .map(|m| &l.line_text(0)[m.ranges[0].start..m.ranges[0].end])
                .collect()
        };
        assert_eq!(texts("liege"), ["Liège", "Liege", "Lie\u{300}ge"]);
        assert_eq!(texts("Liège"), ["Liège", "Liege", "Lie\u{300}ge"]);
        assert_eq!(texts("strasse"), ["Straße", "strasse"]);
        assert_eq!(texts("straße"), ["Straße", "strasse"]);
        // A capital still makes case matter.
        assert_eq!(texts("Strasse"), ["Straße"]);
        assert!(contains("Alibaba's Liège hub", "liege"));
        assert!(contains("WIRTSCHAFTSSTRASSE 4", "straße"));
    }

    #[test]
    fn a_match_ending_inside_a_spelled_out_letter_takes_the_letter() {
        let l = lines(&[("Straße", 0)]);
        let m = find(&l, "stras");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].ranges[0].end, "Straß".len());
    }

    #[test]
    fn every_spelled_out_letter_folds_to_its_spelling() {
        let pairs = [
            ('ß', "ss"),
            ('ẞ', "SS"),
            ('æ', "ae"),
            ('Æ', "AE"),
            ('œ', "oe"),
            ('Œ', "OE"),
            ('ø', "o"),
            ('Ø', "O"),
            ('đ', "d"),
            ('ð', "d"),
            ('Đ', "D"),
            ('Ð', "D"),
            ('ł', "l"),
            ('Ł', "L"),
            ('ħ', "h"),
            ('Ħ', "H"),
            ('ı', "i"),
            ('þ', "th"),
            ('Þ', "TH"),
        ];
        for (letter, spelled) in pairs {
            let folded: String = fold(letter, Case::Sensitive).as_slice().iter().collect();
            assert_eq!(folded, spelled, "{letter}");
        }
        assert!(contains("Øresund bridge", "oresund"));
        // Accents are dropped, the letter kept.
        assert_eq!(fold('è', Case::Sensitive).as_slice(), ['e']);
        assert_eq!(fold('Ä', Case::Insensitive).as_slice(), ['a']);
    }

    #[test]
    fn bullets_are_not_text() {
        let mut l = Lines::new(80);
        let anchor = Anchor {
            part: Part::Section(0),
            block: 0,
        };
        l.push(
            &[
                ("• ".to_owned(), Style::role(Role::Bullet)),
                ("first point".to_owned(), Style::role(Role::Text)),
            ],
            anchor,
        );
        let starts = content_starts(&l);
        assert_eq!(starts, ["• ".len() as u32]);
        assert!(find_all(&l, &starts, "•").is_empty());
        assert_eq!(find_all(&l, &starts, "first").len(), 1);
    }

    #[test]
    fn a_space_in_the_query_matches_any_run_of_whitespace() {
        let l = lines(&[("the trade  deficit and trade\tdeficit", 0)]);
        assert_eq!(find(&l, "trade deficit").len(), 2);
        assert_eq!(find(&l, "trade   deficit").len(), 2);
        assert!(contains("trade \t deficit", "trade deficit"));
        assert!(!contains("tradedeficit", "trade deficit"));
    }

    #[test]
    fn whitespace_on_both_sides_of_a_line_break_is_one_run() {
        // Preformatted text keeps a line's trailing and leading spaces: a
        // query's space still matches them and the break between as one run.
        let l = lines(&[("let x ", 0), ("   = y", 0)]);
        let m = find(&l, "x =");
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].ranges.len(), 2, "{m:?}");
        assert!(contains("x \n   = y", "x ="));
    }

    #[test]
    fn a_match_after_one_that_crossed_lines_is_found_on_the_same_line() {
        let l = lines(&[("the trade", 0), ("deficit, and the trade deficit", 0)]);
        let m = find(&l, "trade deficit");
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(m[1].ranges[0].line, 1);
        assert_eq!(
            (m[0].line(), m[1].line()),
            (0, 1),
            "where each match starts"
        );
        // Every match runs forward.
        for m in &m {
            assert!(m.ranges.iter().all(|r| r.start < r.end), "{m:?}");
        }
    }

    #[test]
    fn a_match_may_start_on_an_accented_letter() {
        let l = lines(&[("Liège", 0)]);
        let m = find(&l, "ege");
        assert_eq!(m.len(), 1);
        assert_eq!(
            &l.line_text(0)[m[0].ranges[0].start..m[0].ranges[0].end],
            "ège"
        );
    }

    #[test]
    fn letters_beyond_ascii_fold_their_case_too() {
        let l = lines(&[("ЖУК and Ωmega", 0)]);
        assert_eq!(find(&l, "жук").len(), 1);
        assert_eq!(find(&l, "ωmega").len(), 1);
        assert!(contains("ЖУК", "жук"));
    }

    #[test]
    fn a_match_takes_the_accents_after_it_and_no_letter_more() {
        let l = lines(&[("abé abe\u{301}x", 0)]);
        let ends: Vec<&str> = find(&l, "ab")
            .iter()
            .map(|m| &l.line_text(0)[m.ranges[0].start..m.ranges[0].end])
            .collect();
        assert_eq!(ends, ["ab", "ab"]);
        let whole: Vec<&str> = find(&l, "abe")
            .iter()
            .map(|m| &l.line_text(0)[m.ranges[0].start..m.ranges[0].end])
            .collect();
        assert_eq!(whole, ["abé", "abe\u{301}"]);
    }

    #[test]
    fn contains_reads_accents_written_apart() {
        assert!(contains("Lie\u{300}ge airport", "liege"));
        assert!(contains("\u{301}a", "a"));
    }

    #[test]
    fn overlapping_matches_are_not_counted_twice() {
        let l = lines(&[("abab aaa", 0)]);
        assert_eq!(find(&l, "ab").len(), 2);
        assert_eq!(find(&l, "aa").len(), 1);
    }

    #[test]
    fn contains_is_smartcase() {
        assert!(contains("Alibaba's Liège hub", "liège"));
        assert!(!contains("Alibaba's Liège hub", "Hub"));
    }
}

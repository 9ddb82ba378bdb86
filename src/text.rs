//! Display width, truncation and wrapping of styled text.
//!
//! One measure of width is used everywhere: the width ratatui's buffer gives a
//! grapheme cluster ([`grapheme_width`]). Wrapping, truncation, bars and
//! hit-testing all go through it, so what the layout believes fits is what the
//! screen draws. Text reaching this module is already sanitised (see
//! [`crate::sanitize`]); the only control character it understands is `\n`,
//! a hard line break.
//!
//! Wrapping uses textwrap's Unicode line-break opportunities and its
//! first-fit algorithm over fragments whose widths are measured here, per
//! grapheme. Words wider than a line are broken between graphemes; a single
//! grapheme wider than the line becomes [`PLACEHOLDER`]. No output line is
//! ever wider than the width asked for (when that width is at least 1).

use ratatui::buffer::CellWidth;
use textwrap::WordSeparator;
use textwrap::core::Fragment;
use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};
use unicode_width::UnicodeWidthChar;

/// Drawn in place of a grapheme that is wider than the whole line.
pub const PLACEHOLDER: &str = "…";

/// Display width of one grapheme cluster, as the screen buffer measures it.
pub fn grapheme_width(grapheme: &str) -> usize {
    if grapheme == "\n" {
        return 0;
    }
    usize::from(grapheme.cell_width())
}

/// Display width of a string, summed per grapheme cluster.
pub fn width(text: &str) -> usize {
    if text.is_ascii() {
        return text.bytes().filter(|b| *b != b'\n').count();
    }
    simple_width(text).unwrap_or_else(|| text.graphemes(true).map(grapheme_width).sum())
}

/// True for a character that is a grapheme cluster of its own whatever
/// stands around it, as long as its neighbours are such characters too: no
/// combining mark, joiner, selector, prepended mark, regional indicator or
/// Hangul jamo, nor a carriage return. These cover running text in Latin,
/// Greek, Cyrillic and CJK scripts, typographic punctuation and the
/// drawing characters; text made only of them needs no segmentation.
pub fn is_simple(c: char) -> bool {
    matches!(c,
        ' '..='~' | '\n'
        | '\u{A0}'..='\u{AC}' | '\u{AE}'..='\u{24F}'
        | '\u{370}'..='\u{3FF}' | '\u{400}'..='\u{482}' | '\u{48A}'..='\u{4FF}'
        | '\u{1E00}'..='\u{1EFF}'
        | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '\u{20A0}'..='\u{20C0}'
        | '\u{2500}'..='\u{25FF}'
        | '\u{3000}'..='\u{3029}' | '\u{3030}'..='\u{303F}'
        | '\u{3041}'..='\u{3096}' | '\u{30A0}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{FF01}'..='\u{FF60}' | '\u{FF61}'..='\u{FF9D}'
    )
}

/// The width of text made only of [`is_simple`] characters (one cluster
/// each, so the sum of their widths), or `None` if it has another.
fn simple_width(text: &str) -> Option<usize> {
    let mut total = 0;
    for c in text.chars() {
        if !is_simple(c) {
            return None;
        }
        if c != '\n' {
            total += c.width().unwrap_or(0);
        }
    }
    Some(total)
}

/// Cuts `text` to at most `max` columns, ending in `…` when it was cut.
pub fn truncate(text: &str, max: usize) -> String {
    // Outline labels and titles are cut on every frame: text made only of
    // characters that are clusters of their own is cut per character.
    truncate_simple(text, max).unwrap_or_else(|| truncate_graphemes(text, max))
}

/// [`truncate`] by grapheme clusters, for any text.
fn truncate_graphemes(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = grapheme_width(g);
        if used + w > max - 1 {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    out
}

/// [`truncate`] for text made only of [`is_simple`] characters (each its
/// own grapheme, as wide as the character); `None` for any other text.
fn truncate_simple(text: &str, max: usize) -> Option<String> {
    let room = max.saturating_sub(1);
    let mut used = 0;
    // Where the cut text ends: before the first character that would take
    // it past `max - 1` columns, leaving one for the mark.
    let mut end = None;
    for (at, c) in text.char_indices() {
        if !is_simple(c) {
            return None;
        }
        let w = if c == '\n' { 0 } else { c.width().unwrap_or(0) };
        if end.is_none() && used + w > room {
            end = Some(at);
        }
        used += w;
    }
    if used <= max {
        return Some(text.to_owned());
    }
    if max == 0 {
        return Some(String::new());
    }
    let mut out = text[..end.unwrap_or(text.len())].to_owned();
    out.push('…');
    Some(out)
}

/// Pads `text` with spaces on the right to exactly `columns` wide (cutting it
/// first if it is wider).
pub fn pad_to(text: &str, columns: usize) -> String {
    let mut out = truncate(text, columns);
    let w = width(&out);
    out.extend(std::iter::repeat_n(' ', columns.saturating_sub(w)));
    out
}

/// One wrapped line: styled pieces, left to right.
pub type StyledLine<S> = Vec<(String, S)>;

/// A word found by the line breaker: byte ranges into the segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Word {
    start: usize,
    end: usize,
    whitespace_end: usize,
    width: usize,
    whitespace_width: usize,
}

impl Fragment for Word {
    fn width(&self) -> f64 {
        self.width as f64
    }
    fn whitespace_width(&self) -> f64 {
        self.whitespace_width as f64
    }
    /// No fragment ever needs a hyphen added at a break: words are split
    /// only after a hyphen that is already there (textwrap's hyphen
    /// splitter adds none there either).
    fn penalty_width(&self) -> f64 {
        0.0
    }
}

/// Wraps styled text to `width` columns.
///
/// `first_indent` starts the first line, `rest_indent` every other line
/// (list bullets and quote bars); both count against the width. Indents are
/// cut to leave at least half the width (and one column) to the text.
/// A `\n` in the text is a hard break.
pub fn wrap<S: Copy + PartialEq>(
    spans: &[(&str, S)],
    width: usize,
    first_indent: &[(&str, S)],
    rest_indent: &[(&str, S)],
) -> Vec<StyledLine<S>> {
    let mut lines = Vec::new();
    wrap_each(spans, width, first_indent, rest_indent, |pieces| {
        let mut line: StyledLine<S> = Vec::with_capacity(pieces.len());
        for (text, style) in pieces {
            match line.last_mut() {
                Some((last, last_style)) if *last_style == *style => last.push_str(text),
                _ => line.push(((*text).to_owned(), *style)),
            }
        }
        lines.push(line);
    });
    lines
}

/// [`wrap`], handing each line to `emit` as borrowed pieces instead of
/// collecting owned ones: the layout engine appends them straight to its
/// store, with no allocation per line.
pub fn wrap_each<S: Copy + PartialEq>(
    spans: &[(&str, S)],
    width: usize,
    first_indent: &[(&str, S)],
    rest_indent: &[(&str, S)],
    mut emit: impl FnMut(&[(&str, S)]),
) {
    if width == 0 {
        return;
    }
    let joined_storage;
    let joined: &str = match spans {
        [(only, _)] => only,
        _ => {
            joined_storage = spans.iter().map(|(text, _)| *text).collect::<String>();
            &joined_storage
        }
    };
    let mut runs: Vec<(usize, S)> = Vec::with_capacity(spans.len());
    let mut end = 0;
    for (text, style) in spans {
        end += text.len();
        runs.push((end, *style));
    }
    // Indents (quote bars, bullets) leave at least half the line to the
    // text, so deep nesting in a narrow pane still reads as words.
    let indent_room = width - (width / 2).max(1);
    let first = fit_indent(first_indent, indent_room);
    let rest = fit_indent(rest_indent, indent_room);
    let first_avail = width - indent_width(&first);
    let rest_avail = width - indent_width(&rest);

    let mut line: Vec<(&str, S)> = Vec::with_capacity(8);
    let mut overwide: Vec<(String, S)> = Vec::new();
    let mut emitted = 0usize;
    let mut offset = 0;
    for segment in joined.split('\n') {
        let starts_paragraph = emitted == 0;
        let first_width = if starts_paragraph {
            first_avail
        } else {
            rest_avail
        };
        let words = find_words(segment, offset, first_width.min(rest_avail));
        let widths = [first_width as f64, rest_avail as f64];
        let wrapped = textwrap::wrap_algorithms::wrap_first_fit(&words, &widths);
        if words.is_empty() {
            let indent = if starts_paragraph { &first } else { &rest };
            line.clear();
            line.extend(indent.iter().map(|(t, s)| (t.as_str(), *s)));
            emit(&line);
            emitted += 1;
        }
        for line_words in wrapped {
            let (Some(head), Some(tail)) = (line_words.first(), line_words.last()) else {
                continue;
            };
            let first_line = emitted == 0;
            let indent = if first_line { &first } else { &rest };
            line.clear();
            line.extend(indent.iter().map(|(t, s)| (t.as_str(), *s)));
            push_range(joined, &runs, head.start, tail.end, &mut line);
            let avail = if first_line { first_avail } else { rest_avail };
            // Only a grapheme wider than the line can make the text wider
            // than `avail`: a wide character on a line of one column, or a
            // cluster terminals draw wider still (emoji joined with a mark
            // between them count as two).
            let text = &line[indent.len()..];
            if text.iter().any(|(t, _)| !t.is_ascii())
                && text.iter().map(|(t, _)| self::width(t)).sum::<usize>() > avail
            {
                // The text is gathered on its own, so that only the text,
                // never the indent, has graphemes too wide for it replaced.
                let mut text: Vec<(&str, S)> = Vec::new();
                push_range(joined, &runs, head.start, tail.end, &mut text);
                overwide.clear();
                overwide.extend(text.iter().map(|(t, s)| ((*t).to_owned(), *s)));
                replace_overwide(&mut overwide, avail);
                let borrowed: Vec<(&str, S)> = indent
                    .iter()
                    .map(|(t, s)| (t.as_str(), *s))
                    .chain(overwide.iter().map(|(t, s)| (t.as_str(), *s)))
                    .collect();
                emit(&borrowed);
            } else {
                emit(&line);
            }
            emitted += 1;
        }
        offset += segment.len() + 1;
    }
}

/// Cuts an indent so that it leaves at least one column for text.
fn fit_indent<S: Copy>(indent: &[(&str, S)], max: usize) -> StyledLine<S> {
    let mut out = Vec::with_capacity(indent.len());
    let mut used = 0;
    for (text, style) in indent {
        let w = width(text);
        if used + w <= max {
            out.push(((*text).to_owned(), *style));
            used += w;
        } else {
            let mut piece = String::new();
            for g in text.graphemes(true) {
                let gw = grapheme_width(g);
                if used + gw > max {
                    break;
                }
                piece.push_str(g);
                used += gw;
            }
            if !piece.is_empty() {
                out.push((piece, *style));
            }
            break;
        }
    }
    out
}

fn indent_width<S>(indent: &StyledLine<S>) -> usize {
    indent.iter().map(|(t, _)| width(t)).sum()
}

/// Splits one hard-broken segment into words at Unicode line-break
/// opportunities (and after hyphens), never inside a grapheme, and breaks
/// words wider than `max_width` between graphemes.
fn find_words(segment: &str, offset: usize, max_width: usize) -> Vec<Word> {
    let words = match plain_words(segment, offset) {
        Some(words) => words,
        None => unicode_words(segment, offset),
    };
    let max_width = max_width.max(1);
    if words.iter().all(|w| w.width <= max_width) {
        return words;
    }
    let mut out = Vec::with_capacity(words.len() + 4);
    for w in words {
        if w.width <= max_width {
            out.push(w);
            continue;
        }
        break_word(segment, offset, w, max_width, &mut out);
    }
    out
}

/// A letter or digit of line-break class AL or NU that needs no
/// segmentation: ASCII, and the Latin-1 and Latin Extended letters.
fn is_plain_letter(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || (matches!(c, '\u{C0}'..='\u{24F}') && c != '\u{D7}' && c != '\u{F7}')
}

/// The words of a segment, finding break opportunities without the
/// Unicode line breaker wherever that is safe.
///
/// The segment is cut into chunks after runs of spaces that stand between
/// two plain letters or digits (or after `.,;:!?`): UAX #14 always allows a
/// break there and no rule looks across it, so each chunk can be split on
/// its own. A chunk of plain prose — letters, digits, spaces and `.,;:!?'-`
/// used as prose uses them (punctuation after a word, never after a space;
/// `!` and `?` only before a space or at the end) — has break opportunities
/// only after its runs of spaces, so its words are its runs of non-spaces
/// with their trailing spaces, split after hyphens between letters or
/// digits as textwrap's hyphen splitter does. Other chunks (links, quotes,
/// CJK, emoji…) go through [`unicode_words`]. A property test checks that
/// the result is the same as the line breaker's on the whole segment.
fn plain_words(segment: &str, offset: usize) -> Option<Vec<Word>> {
    // textwrap drops the break at the end of a segment that ends in a
    // hyphen, and with it the last real one: leave that quirk to it.
    if segment.is_empty() || segment.starts_with(' ') || segment.ends_with('-') {
        return None;
    }
    let mut words = Vec::with_capacity(segment.len() / 6 + 1);
    plain_chunks(segment, |start, end, plain| {
        chunk_words(segment, offset, start, end, plain, &mut words);
    });
    Some(words)
}

/// Cuts a segment into the chunks [`plain_words`] splits on their own,
/// calling `chunk(start, end, plain)` for each in order: `plain` is true
/// for a chunk of plain prose, which needs no line breaker.
fn plain_chunks(segment: &str, mut chunk: impl FnMut(usize, usize, bool)) {
    let mut chunk_start = 0;
    let mut chunk_plain = true;
    // The character before the current run of spaces, and the last one.
    let mut before_spaces: Option<char> = None;
    let mut previous: Option<char> = None;
    for (at, c) in segment.char_indices() {
        let after_space = previous == Some(' ');
        if after_space && is_plain_letter(c) {
            let breakable = before_spaces.is_some_and(|b| {
                is_plain_letter(b) || matches!(b, '.' | ',' | ';' | ':' | '!' | '?')
            });
            if breakable {
                chunk(chunk_start, at, chunk_plain);
                chunk_start = at;
                chunk_plain = true;
            }
        }
        if chunk_plain {
            let next = segment[at + c.len_utf8()..].chars().next();
            chunk_plain = match c {
                ' ' | '-' => true,
                '.' | ',' | ';' | ':' | '\'' => {
                    at > chunk_start && !after_space && !next.is_some_and(|n| n.is_ascii_digit())
                }
                '!' | '?' => at > chunk_start && !after_space && next.is_none_or(|n| n == ' '),
                c => is_plain_letter(c),
            };
        }
        if c != ' ' {
            before_spaces = Some(c);
        }
        previous = Some(c);
    }
    chunk(chunk_start, segment.len(), chunk_plain);
}

/// Appends the words of `segment[start..end]`, plain or not.
fn chunk_words(
    segment: &str,
    offset: usize,
    start: usize,
    end: usize,
    plain: bool,
    words: &mut Vec<Word>,
) {
    if start >= end {
        return;
    }
    if !plain {
        words.extend(unicode_words(&segment[start..end], offset + start));
        return;
    }
    let bytes = segment.as_bytes();
    let mut at = start;
    while at < end {
        let mut word_end = at;
        while word_end < end && bytes[word_end] != b' ' {
            word_end += 1;
        }
        let mut whitespace_end = word_end;
        while whitespace_end < end && bytes[whitespace_end] == b' ' {
            whitespace_end += 1;
        }
        // Hyphens between letters or digits are split points; the hyphen
        // stays with the piece before it, so no penalty is added.
        let mut piece = at;
        for i in at + 1..word_end.saturating_sub(1) {
            if bytes[i] == b'-'
                && segment[..i]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
                && segment[i + 1..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
            {
                words.push(Word {
                    start: offset + piece,
                    end: offset + i + 1,
                    whitespace_end: offset + i + 1,
                    width: segment[piece..=i].chars().count(),
                    whitespace_width: 0,
                });
                piece = i + 1;
            }
        }
        words.push(Word {
            start: offset + piece,
            end: offset + word_end,
            whitespace_end: offset + whitespace_end,
            width: segment[piece..word_end].chars().count(),
            whitespace_width: whitespace_end - word_end,
        });
        at = whitespace_end;
    }
}

/// The words of any segment, from textwrap's Unicode line breaker and
/// hyphen splitter, joined where a break fell inside a grapheme.
fn unicode_words(segment: &str, offset: usize) -> Vec<Word> {
    let base = segment.as_ptr() as usize;
    let raw = WordSeparator::UnicodeBreakProperties.find_words(segment);
    let split = textwrap::word_splitters::split_words(raw, &textwrap::WordSplitter::HyphenSplitter);
    let mut words: Vec<Word> = Vec::new();
    for w in split {
        let start = w.word.as_ptr() as usize - base;
        let end = start + w.word.len();
        let whitespace_end = end + w.whitespace.len();
        let word = Word {
            start: offset + start,
            end: offset + end,
            whitespace_end: offset + whitespace_end,
            width: width(w.word),
            whitespace_width: width(w.whitespace),
        };
        // Join fragments that a break opportunity split inside a grapheme.
        match words.last_mut() {
            Some(previous) if !is_grapheme_boundary(segment, start) => {
                previous.end = word.end;
                previous.whitespace_end = word.whitespace_end;
                previous.width = width(&segment[previous.start - offset..end]);
                previous.whitespace_width = word.whitespace_width;
            }
            _ => words.push(word),
        }
    }
    words
}

fn is_grapheme_boundary(text: &str, at: usize) -> bool {
    if at == 0 || at >= text.len() {
        return true;
    }
    let before = text[..at].chars().next_back();
    let after = text[at..].chars().next();
    if before.is_some_and(is_simple) && after.is_some_and(is_simple) {
        return true;
    }
    let mut cursor = GraphemeCursor::new(at, text.len(), true);
    cursor.is_boundary(text, 0).unwrap_or(true)
}

/// Breaks an over-wide word into pieces of at most `max_width` columns.
///
/// A grapheme wider than `max_width` becomes a piece of its own at its real
/// width. (Counting it as `max_width` wide let the first-fit pass put it
/// beside other text on a line with more room than `max_width`, the
/// narrower of the first and the other lines, and overflow that line.)
/// Alone, it gets a line to itself and is replaced by the placeholder only
/// where that line is too narrow for it.
fn break_word(segment: &str, offset: usize, word: Word, max_width: usize, out: &mut Vec<Word>) {
    let text = &segment[word.start - offset..word.end - offset];
    let mut piece_start = word.start;
    let mut piece_width = 0;
    let mut cursor = word.start;
    for g in text.graphemes(true) {
        let gw = grapheme_width(g);
        if piece_width + gw > max_width && cursor > piece_start {
            out.push(Word {
                start: piece_start,
                end: cursor,
                whitespace_end: cursor,
                width: piece_width,
                whitespace_width: 0,
            });
            piece_start = cursor;
            piece_width = 0;
        }
        piece_width += gw;
        cursor += g.len();
    }
    out.push(Word {
        start: piece_start,
        end: word.end,
        whitespace_end: word.whitespace_end,
        width: piece_width,
        whitespace_width: word.whitespace_width,
    });
}

/// Appends the styled text of `joined[start..end]` to `line`.
fn push_range<'t, S: Copy + PartialEq>(
    joined: &'t str,
    runs: &[(usize, S)],
    start: usize,
    end: usize,
    line: &mut Vec<(&'t str, S)>,
) {
    let mut index = runs.partition_point(|(run_end, _)| *run_end <= start);
    let mut at = start;
    while at < end {
        let Some((run_end, style)) = runs.get(index).copied() else {
            break;
        };
        let stop = run_end.min(end);
        if stop > at {
            push_piece(line, &joined[at..stop], style);
        }
        at = stop;
        index += 1;
    }
}

/// Appends a piece, as its own entry: neighbours of one style are not
/// merged here, the store merges them (and pieces are borrowed, so they
/// cannot grow).
fn push_piece<'t, S: Copy + PartialEq>(line: &mut Vec<(&'t str, S)>, text: &'t str, style: S) {
    line.push((text, style));
}

/// Replaces graphemes wider than `max` columns in a line with the placeholder.
pub fn replace_overwide<S>(line: &mut StyledLine<S>, max: usize) {
    for (text, _) in line.iter_mut() {
        if text.is_ascii() || text.graphemes(true).all(|g| grapheme_width(g) <= max) {
            continue;
        }
        *text = text
            .graphemes(true)
            .map(|g| {
                if grapheme_width(g) > max {
                    PLACEHOLDER
                } else {
                    g
                }
            })
            .collect();
    }
}

/// Width of a wrapped line.
pub fn line_width<S>(line: &StyledLine<S>) -> usize {
    line.iter().map(|(t, _)| width(t)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[StyledLine<u8>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.iter().map(|(t, _)| t.as_str()).collect())
            .collect()
    }

    #[test]
    fn an_overwide_word_after_a_hard_break_is_cut_from_its_own_text() {
        // The second segment starts 2 bytes into the text: the word's
        // pieces are found at that offset, not from the start.
        let lines = wrap(&[("a\nabcdefghij", 0u8)], 4, &[], &[]);
        assert_eq!(plain(&lines), ["a", "abcd", "efgh", "ij"]);
    }

    #[test]
    fn an_empty_span_adds_no_empty_piece() {
        let lines = wrap(&[("ab ", 0u8), ("", 1), ("cd", 2)], 10, &[], &[]);
        assert_eq!(lines, [vec![("ab ".to_owned(), 0), ("cd".to_owned(), 2)]]);
    }

    #[test]
    fn a_combining_mark_is_not_a_grapheme_boundary() {
        assert!(!is_grapheme_boundary("e\u{301}", 1));
        assert!(!is_grapheme_boundary("\u{301}\u{301}", 2));
        assert!(is_grapheme_boundary("ab", 1));
        assert!(is_grapheme_boundary("e\u{301}a", 3));
    }

    #[test]
    fn a_break_inside_a_grapheme_joins_the_pieces() {
        // The line breaker allows a break after the space, before the
        // combining mark; the space and the mark are one grapheme, so the
        // words are joined there.
        let words = unicode_words("a \u{301}b c", 0);
        assert_eq!(words.len(), 2, "{words:?}");
        assert_eq!((words[0].start, words[0].end), (0, 5));
        assert_eq!(words[0].width, 3);
        // The same segment later in a paragraph: offsets move, widths not.
        let later = unicode_words("a \u{301}b c", 7);
        assert_eq!((later[0].start, later[0].end), (7, 12));
        assert_eq!(later[0].width, 3);
    }

    #[test]
    fn hyphens_split_only_between_letters_or_digits() {
        for text in [
            "a-.b c",
            "a--b c",
            "x-1 y",
            "a -b c",
            "a- b",
            "re-e-mail it",
            "1-2-3",
        ] {
            assert_eq!(
                plain_words(text, 2),
                Some(unicode_words(text, 2)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn wraps_at_spaces() {
        let lines = wrap(&[("the quick brown fox jumps", 0u8)], 10, &[], &[]);
        assert_eq!(plain(&lines), ["the quick", "brown fox", "jumps"]);
    }

    #[test]
    fn keeps_styles_across_a_break() {
        let lines = wrap(&[("aaa ", 0u8), ("bbb ccc", 1u8)], 7, &[], &[]);
        assert_eq!(
            lines[0],
            vec![("aaa ".to_owned(), 0), ("bbb".to_owned(), 1)]
        );
        assert_eq!(lines[1], vec![("ccc".to_owned(), 1)]);
    }

    #[test]
    fn indents_count_against_the_width() {
        let lines = wrap(
            &[("one two three four", 0u8)],
            9,
            &[("• ", 1)],
            &[("  ", 1)],
        );
        assert_eq!(plain(&lines), ["• one two", "  three", "  four"]);
    }

    #[test]
    fn long_words_break_between_graphemes() {
        let lines = wrap(&[("Wirtschaftsbeziehungen", 0u8)], 8, &[], &[]);
        assert_eq!(plain(&lines), ["Wirtscha", "ftsbezie", "hungen"]);
    }

    #[test]
    fn cjk_breaks_between_ideographs() {
        let lines = wrap(&[("比利时情报机构监视阿里巴巴", 0u8)], 8, &[], &[]);
        assert!(lines.iter().all(|l| line_width(l) <= 8));
        assert_eq!(plain(&lines).concat(), "比利时情报机构监视阿里巴巴");
    }

    #[test]
    fn overwide_grapheme_becomes_placeholder() {
        let mut lines = wrap(&[("中", 0u8)], 1, &[], &[]);
        for l in &mut lines {
            replace_overwide(l, 1);
        }
        assert_eq!(plain(&lines), [PLACEHOLDER]);
    }

    #[test]
    fn hard_breaks_start_new_lines() {
        let lines = wrap(&[("a\nb", 0u8)], 10, &[("> ", 1)], &[("> ", 1)]);
        assert_eq!(plain(&lines), ["> a", "> b"]);
    }

    #[test]
    fn zwj_emoji_is_never_split() {
        let family = "👩\u{200d}👩\u{200d}👧";
        let text = format!("{family}{family}{family}");
        let lines = wrap(&[(text.as_str(), 0u8)], 3, &[], &[]);
        for l in plain(&lines) {
            assert_eq!(l, family);
        }
    }

    // Found by tests/text_props.rs (wrapped_lines_fit): with a first line
    // 1 column wide (indent cut to one space) and the others 2, the second
    // and third ideographs were counted 1 wide each and shared a line 4
    // columns wide.
    #[test]
    fn wide_graphemes_keep_their_width_when_first_and_rest_differ() {
        let lines = wrap(&[("一ぁ가", 0u8)], 2, &[("  ", 1)], &[]);
        assert_eq!(plain(&lines), [" …", "ぁ", "가"]);
        assert!(lines.iter().all(|l| line_width(l) <= 2));
    }

    // Found by tests/text_props.rs (documents_fit_and_hold_no_controls): a
    // fact label "X" + ideographic space under a 2-column sidebar whose
    // continuation indent leaves 1 column; the space was counted 1 wide and
    // put beside the X, a line 3 columns wide.
    #[test]
    fn a_wide_space_is_not_squeezed_beside_other_text() {
        let lines = wrap(&[("X\u{3000}[LRE]", 0u8)], 2, &[], &[("  ", 1)]);
        assert!(lines.iter().all(|l| line_width(l) <= 2), "{lines:?}");
        assert_eq!(plain(&lines)[..2], ["X", " …"]);
    }

    // A joined emoji is one grapheme two columns wide, though its
    // characters alone would count four: it is cut whole or not at all.
    #[test]
    fn joined_emoji_are_cut_as_graphemes() {
        let pair = "👩\u{200D}💻👩\u{200D}💻";
        assert_eq!(truncate(pair, 4), pair);
        assert_eq!(truncate(pair, 3), "👩\u{200D}💻…");
        assert_eq!(truncate(pair, 2), "…");
    }

    // Found by tests/text_props.rs (wrapping_loses_no_text): at width 3 the
    // indent "中 " is cut to "中", leaving 1 column; the placeholder pass ran
    // over the whole line and turned the indent's "中" into "…" as well.
    #[test]
    fn the_placeholder_never_replaces_the_indent() {
        let lines = wrap(&[("ぁ", 0u8)], 3, &[("中 ", 1)], &[]);
        assert_eq!(
            lines,
            [vec![("中".to_owned(), 1), (PLACEHOLDER.to_owned(), 0)]]
        );
    }

    /// Characters from every simple range, and some that are not simple.
    fn any_char() -> impl proptest::strategy::Strategy<Value = char> {
        use proptest::prelude::*;
        prop_oneof![
            proptest::char::range(' ', '~'),
            proptest::char::range('\u{A0}', '\u{52F}'),
            proptest::char::range('\u{1E00}', '\u{1EFF}'),
            proptest::char::range('\u{2000}', '\u{2BFF}'),
            proptest::char::range('\u{3000}', '\u{30FF}'),
            proptest::char::range('\u{4E00}', '\u{4E20}'),
            proptest::char::range('\u{1100}', '\u{11FF}'),
            proptest::char::range('\u{AC00}', '\u{AC40}'),
            proptest::char::range('\u{FE00}', '\u{FFEF}'),
            proptest::char::range('\u{1F1E6}', '\u{1F1FF}'),
            proptest::char::range('\u{1F300}', '\u{1F9FF}'),
            proptest::sample::select(vec![
                '\u{200D}', '\u{301}', '\u{93E}', '\u{94D}', '\u{915}', '\n'
            ]),
        ]
    }

    proptest::proptest! {
        #[test]
        fn fast_width_agrees_with_graphemes(chars in proptest::collection::vec(any_char(), 0..10)) {
            let text: String = chars.into_iter().collect();
            let slow: usize = text.graphemes(true).map(grapheme_width).sum();
            proptest::prop_assert_eq!(width(&text), slow, "{:?}", text);
        }

        #[test]
        fn fast_truncation_agrees_with_graphemes(
            chars in proptest::collection::vec(any_char(), 0..12),
            max in 0usize..14,
        ) {
            let text: String = chars.into_iter().collect();
            let slow = truncate_graphemes(&text, max);
            proptest::prop_assert_eq!(truncate(&text, max), slow, "{:?} to {}", text, max);
        }

        #[test]
        fn fast_boundaries_agree_with_graphemes(chars in proptest::collection::vec(any_char(), 1..8)) {
            let text: String = chars.into_iter().collect();
            let boundaries: Vec<usize> = text.grapheme_indices(true).map(|(i, _)| i).collect();
            for (at, _) in text.char_indices() {
                proptest::prop_assert_eq!(is_grapheme_boundary(&text, at), boundaries.contains(&at), "{:?} at {}", text, at);
            }
        }
    }

    /// Characters of prose, plain and not.
    fn prose_char() -> impl proptest::strategy::Strategy<Value = char> {
        use proptest::prelude::*;
        prop_oneof![
            4 => proptest::char::range('a', 'e'),
            1 => proptest::char::range('0', '2'),
            3 => Just(' '),
            2 => proptest::sample::select(vec!['.', ',', ';', ':', '!', '?', '\'', '-', '(', ')', '"', '/', '%', '$', '#', '*', '[', ']']),
            2 => proptest::sample::select(vec!['ü', 'Ä', 'ß', 'é', '×', '€', '—', '–', '„', '“', '”', '«', '»', '…', '中', '文', '。', '、', '\u{a0}', '\u{200d}', '\u{301}', '📦', '\u{fe0f}', 'ش']),
        ]
    }

    proptest::proptest! {
        #[test]
        fn plain_words_agree_with_the_line_breaker(chars in proptest::collection::vec(prose_char(), 0..24)) {
            let text: String = chars.into_iter().collect();
            if let Some(fast) = plain_words(&text, 3) {
                proptest::prop_assert_eq!(fast, unicode_words(&text, 3), "{:?}", text);
            }
        }
    }

    /// The chunks `plain_words` cuts `segment` into: text and plainness.
    fn chunks(segment: &str) -> Vec<(&str, bool)> {
        let mut out = Vec::new();
        plain_chunks(segment, |start, end, plain| {
            out.push((&segment[start..end], plain));
        });
        out
    }

    #[test]
    fn prose_is_cut_after_spaces_between_letters_and_after_punctuation() {
        assert_eq!(
            chunks("Die Überwachung in Lüttich, said: e-mail it! 2 Done."),
            [
                ("Die ", true),
                ("Überwachung ", true),
                ("in ", true),
                ("Lüttich, ", true),
                ("said: ", true),
                ("e-mail ", true),
                ("it! ", true),
                ("2 ", true),
                ("Done.", true),
            ]
        );
        // A run of spaces is one cut, kept with the words before it.
        assert_eq!(chunks("a   b"), [("a   ", true), ("b", true)]);
        // No cut after a bracket or a quote: a rule looks across them.
        assert_eq!(chunks("(a) b"), [("(a) b", false)]);
        assert_eq!(chunks("a (b"), [("a (b", false)]);
    }

    #[test]
    fn signs_and_misplaced_punctuation_are_not_plain_prose() {
        // × and ÷ sit among the Latin-1 letters but are not letters.
        assert_eq!(chunks("5× x"), [("5× x", false)]);
        assert_eq!(chunks("a÷b"), [("a÷b", false)]);
        assert_eq!(chunks("éa ÿb"), [("éa ", true), ("ÿb", true)]);
        // Punctuation opening a chunk, after a space, or before a digit.
        assert_eq!(chunks(",a b"), [(",a ", false), ("b", true)]);
        assert_eq!(chunks("a ,b"), [("a ,b", false)]);
        assert_eq!(chunks("a,1"), [("a,1", false)]);
        assert_eq!(chunks("a,b"), [("a,b", true)]);
        assert_eq!(chunks("3.5"), [("3.5", false)]);
        assert_eq!(chunks("it's"), [("it's", true)]);
        // `!` and `?` only before a space or at the end.
        assert_eq!(chunks("a!b"), [("a!b", false)]);
        assert_eq!(chunks("a?"), [("a?", true)]);
        assert_eq!(chunks("!a"), [("!a", false)]);
        assert_eq!(chunks("! a"), [("! ", false), ("a", true)]);
        assert_eq!(chunks("a !"), [("a !", false)]);
        // Once a chunk is not plain, the rest of it is not either.
        assert_eq!(chunks("a\"b c"), [("a\"b ", false), ("c", true)]);
    }

    #[test]
    fn segments_the_line_breaker_treats_specially_take_the_slow_path() {
        assert_eq!(plain_words("", 0), None);
        assert_eq!(plain_words(" a", 0), None);
        assert_eq!(plain_words("a b-", 0), None);
        assert!(plain_words("a b", 0).is_some());
    }

    #[test]
    fn simple_text_is_measured_without_segmenting() {
        assert_eq!(simple_width("abc"), Some(3));
        assert_eq!(simple_width("中a\n"), Some(3));
        assert_eq!(simple_width("e\u{301}"), None);
        assert_eq!(simple_width(""), Some(0));
    }

    #[test]
    fn every_space_between_words_counts_at_a_break() {
        // Two spaces: "ab  cd" is 6 columns and does not fit in 5.
        let lines = wrap(&[("ab  cd", 0u8)], 5, &[], &[]);
        assert_eq!(plain(&lines).len(), 2, "{lines:?}");
        let lines = wrap(&[("ab  cd", 0u8)], 6, &[], &[]);
        assert_eq!(plain(&lines), ["ab  cd"]);
    }

    #[test]
    fn plain_prose_takes_the_fast_path() {
        let text = "Die Überwachung in Lüttich, said officials: e-mail it! Done.";
        let fast = plain_words(text, 0).expect("plain");
        assert_eq!(fast, unicode_words(text, 0));
        assert_eq!(fast.len(), 10);
    }

    #[test]
    fn width_counts_columns_not_line_ends() {
        assert_eq!(width(""), 0);
        assert_eq!(width("ab\ncd"), 4);
        assert_eq!(width("中文\nx"), 5);
        assert_eq!(width("e\u{301}\n中"), 3);
        assert_eq!(grapheme_width("\n"), 0);
        assert_eq!(grapheme_width("中"), 2);
        assert_eq!(grapheme_width("e\u{301}"), 1);
    }

    #[test]
    fn a_family_emoji_is_as_wide_as_one_emoji() {
        assert_eq!(width("👩\u{200d}👩\u{200d}👧"), 2);
        assert_eq!(width("a👩\u{200d}👧b"), 4);
        assert!(is_simple('a') && is_simple('中') && is_simple('—'));
        assert!(!is_simple('\u{200d}') && !is_simple('\u{301}') && !is_simple('\r'));
    }

    #[test]
    fn truncate_keeps_text_that_fits_exactly() {
        assert_eq!(truncate("abcde", 5), "abcde");
        assert_eq!(truncate("中文", 4), "中文");
        assert_eq!(truncate("abcdef", 5), "abcd…");
        assert_eq!(truncate("abc", 1), "…");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(truncate("中文", 2), "…");
    }

    #[test]
    fn pad_to_fills_or_cuts_to_the_exact_width() {
        assert_eq!(pad_to("ab", 4), "ab  ");
        assert_eq!(pad_to("中", 3), "中 ");
        assert_eq!(pad_to("abcdef", 4), "abc…");
        assert_eq!(pad_to("abcd", 4), "abcd");
        assert_eq!(pad_to("", 2), "  ");
    }

    #[test]
    fn only_the_first_line_gets_the_first_indent() {
        let lines = wrap(
            &[("one two\nthree\n\nfour", 0u8)],
            7,
            &[("• ", 1)],
            &[("  ", 1)],
        );
        assert_eq!(plain(&lines), ["• one", "  two", "  three", "  ", "  four"]);
    }

    #[test]
    fn a_blank_line_keeps_its_indent() {
        let lines = wrap(&[("\nx", 0u8)], 6, &[("> ", 1)], &[("| ", 1)]);
        assert_eq!(lines[0], vec![("> ".to_owned(), 1)]);
        assert_eq!(plain(&lines), ["> ", "| x"]);
        assert!(wrap(&[("x", 0u8)], 0, &[], &[]).is_empty());
    }

    #[test]
    fn indents_leave_half_the_width_to_the_text() {
        let lines = wrap(&[("ab cd", 0u8)], 10, &[("12345678", 1)], &[]);
        assert_eq!(lines[0][0], ("12345".to_owned(), 1));
        assert_eq!(plain(&lines), ["12345ab cd"]);
        let narrow = wrap(&[("ab", 0u8)], 3, &[("> ", 1), ("> ", 1)], &[]);
        assert_eq!(narrow[0][0], ("> ".to_owned(), 1));
        assert_eq!(narrow[0].len(), 2, "{narrow:?}");
    }

    #[test]
    fn pieces_of_one_style_are_joined_and_styles_kept_apart() {
        let lines = wrap(&[("ab", 0u8), ("cd ", 0), ("ef", 1)], 20, &[], &[]);
        assert_eq!(lines, [vec![("abcd ".to_owned(), 0), ("ef".to_owned(), 1)]]);
        assert_eq!(line_width(&lines[0]), 7);
        let broken = wrap(&[("aa ", 0u8), ("bb\ncc", 1)], 20, &[], &[]);
        assert_eq!(
            broken,
            [
                vec![("aa ".to_owned(), 0), ("bb".to_owned(), 1)],
                vec![("cc".to_owned(), 1)]
            ]
        );
    }

    #[test]
    fn only_graphemes_wider_than_the_line_are_replaced() {
        let mut line: StyledLine<u8> = vec![("a中b".to_owned(), 0), ("cd".to_owned(), 1)];
        replace_overwide(&mut line, 1);
        assert_eq!(line, [("a…b".to_owned(), 0), ("cd".to_owned(), 1)]);
        let mut fits: StyledLine<u8> = vec![("a中b".to_owned(), 0)];
        replace_overwide(&mut fits, 2);
        assert_eq!(fits, [("a中b".to_owned(), 0)]);
    }

    #[test]
    fn a_cluster_wider_than_two_columns_is_replaced_on_a_narrow_line() {
        // Two emoji joined across a combining mark: one grapheme that
        // counts four columns, on lines of two and three.
        let cluster = "a\u{1F469}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{301}\u{200D}\u{1F600}";
        for max in [2, 3] {
            for line in wrap(&[(cluster, 0u8)], max, &[], &[]) {
                assert!(line_width(&line) <= max, "{line:?} over {max}");
            }
        }
        let wide = wrap(&[(cluster, 0u8)], 4, &[], &[]);
        assert_eq!(plain(&wide), ["a", &cluster[1..]]);
    }

    #[test]
    fn a_line_may_fill_the_width_exactly_but_never_more() {
        let exact = wrap(&[("ab cd", 0u8)], 5, &[], &[]);
        assert_eq!(plain(&exact), ["ab cd"]);
        let over = wrap(&[("ab cde", 0u8)], 5, &[], &[]);
        assert_eq!(plain(&over), ["ab", "cde"]);
        let spaces = wrap(&[("ab  cd ef", 0u8)], 6, &[], &[]);
        assert_eq!(plain(&spaces), ["ab  cd", "ef"]);
    }

    #[test]
    fn truncate_adds_an_ellipsis() {
        assert_eq!(truncate("Software risk", 8), "Softwar…");
        assert_eq!(truncate("中文中文", 5), "中文…");
        assert_eq!(truncate("short", 8), "short");
    }
}

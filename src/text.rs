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
    text.graphemes(true).map(grapheme_width).sum()
}

/// Cuts `text` to at most `max` columns, ending in `…` when it was cut.
pub fn truncate(text: &str, max: usize) -> String {
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
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    whitespace_end: usize,
    hyphen_penalty: bool,
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
    fn penalty_width(&self) -> f64 {
        if self.hyphen_penalty { 1.0 } else { 0.0 }
    }
}

/// Wraps styled text to `width` columns.
///
/// `first_indent` starts the first line, `rest_indent` every other line
/// (list bullets and quote bars); both count against the width. Indents are
/// cut if the width is too small to hold them and one column of text.
/// A `\n` in the text is a hard break.
pub fn wrap<S: Copy + PartialEq>(
    spans: &[(&str, S)],
    width: usize,
    first_indent: &[(&str, S)],
    rest_indent: &[(&str, S)],
) -> Vec<StyledLine<S>> {
    if width == 0 {
        return Vec::new();
    }
    let mut joined = String::new();
    let mut runs: Vec<(usize, S)> = Vec::with_capacity(spans.len());
    for (text, style) in spans {
        joined.push_str(text);
        runs.push((joined.len(), *style));
    }
    let first = fit_indent(first_indent, width - 1);
    let rest = fit_indent(rest_indent, width - 1);
    let first_avail = width - indent_width(&first);
    let rest_avail = width - indent_width(&rest);

    let mut lines: Vec<StyledLine<S>> = Vec::new();
    let mut offset = 0;
    for segment in joined.split('\n') {
        let starts_paragraph = lines.is_empty();
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
            lines.push(indent.clone());
        }
        for line_words in wrapped {
            let (Some(head), Some(tail)) = (line_words.first(), line_words.last()) else {
                continue;
            };
            let first_line = lines.is_empty();
            let mut line = if first_line {
                first.clone()
            } else {
                rest.clone()
            };
            // The text is gathered on its own first, so that only the text,
            // never the indent, has graphemes too wide for it replaced.
            let mut text = Vec::new();
            emit(&joined, &runs, head.start, tail.end, &mut text);
            if tail.hyphen_penalty
                && let Some(style) = style_at(&runs, tail.end.saturating_sub(1))
            {
                text.push(("-".to_owned(), style));
            }
            let avail = if first_line { first_avail } else { rest_avail };
            if avail < 2 {
                replace_overwide(&mut text, avail);
            }
            for (piece, style) in &text {
                push_piece(&mut line, piece, *style);
            }
            lines.push(line);
        }
        offset += segment.len() + 1;
    }
    lines
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
            hyphen_penalty: !w.penalty.is_empty(),
            width: width(w.word),
            whitespace_width: width(w.whitespace),
        };
        // Join fragments that a break opportunity split inside a grapheme.
        match words.last_mut() {
            Some(previous) if !is_grapheme_boundary(segment, start) => {
                previous.end = word.end;
                previous.whitespace_end = word.whitespace_end;
                previous.hyphen_penalty = word.hyphen_penalty;
                previous.width = width(&segment[previous.start - offset..end]);
                previous.whitespace_width = word.whitespace_width;
            }
            _ => words.push(word),
        }
    }
    let max_width = max_width.max(1);
    if words
        .iter()
        .all(|w| w.width + usize::from(w.hyphen_penalty) <= max_width)
    {
        return words;
    }
    let mut out = Vec::with_capacity(words.len() + 4);
    for w in words {
        if w.width + usize::from(w.hyphen_penalty) <= max_width {
            out.push(w);
            continue;
        }
        break_word(segment, offset, w, max_width, &mut out);
    }
    out
}

fn is_grapheme_boundary(text: &str, at: usize) -> bool {
    if at == 0 || at >= text.len() {
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
                hyphen_penalty: false,
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
        hyphen_penalty: false,
        width: piece_width,
        whitespace_width: word.whitespace_width,
    });
}

fn style_at<S: Copy>(runs: &[(usize, S)], at: usize) -> Option<S> {
    let index = runs.partition_point(|(end, _)| *end <= at);
    runs.get(index).map(|(_, s)| *s)
}

/// Appends the styled text of `joined[start..end]` to `line`, replacing any
/// grapheme wider than the line with the placeholder.
fn emit<S: Copy + PartialEq>(
    joined: &str,
    runs: &[(usize, S)],
    start: usize,
    end: usize,
    line: &mut StyledLine<S>,
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

fn push_piece<S: Copy + PartialEq>(line: &mut StyledLine<S>, text: &str, style: S) {
    match line.last_mut() {
        Some((last, last_style)) if *last_style == style => last.push_str(text),
        _ => line.push((text.to_owned(), style)),
    }
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

    #[test]
    fn truncate_adds_an_ellipsis() {
        assert_eq!(truncate("Software risk", 8), "Softwar…");
        assert_eq!(truncate("中文中文", 5), "中文…");
        assert_eq!(truncate("short", 8), "short");
    }
}

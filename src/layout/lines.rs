//! The line store: laid-out lines kept compactly.
//!
//! All text of a run of lines lives in one string, with style runs and line
//! records as offsets into it, and anchors kept as runs (one per block, not
//! per line). A document laid out on two threads is joined by taking over
//! the second store's chunks, never by copying lines.
//!
//! Each section of a briefing is a chunk of its own, and a chunk's text can
//! be let go while its line count and anchors stay: a large briefing keeps
//! the text of the sections near the reader only, and lays a section out
//! again (with the [`Refill`] it was given) when one of its lines is asked
//! for. Everything that reads lines goes through the same calls either way.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use super::{Anchor, Style};
use crate::model::Part;
use crate::text;

/// One line: where its text and its spans start.
#[derive(Debug, Clone, Copy)]
struct LineRecord {
    text_start: u32,
    span_start: u32,
}

/// A run of lines with one anchor, from `first_line` on: anchors change
/// once a block, so a 10 MB briefing's 150,000 lines need a third as many
/// of these, and a line's anchor is a binary search away.
#[derive(Debug, Clone, Copy)]
struct AnchorRun {
    first_line: u32,
    part: u32,
    block: u32,
}

impl AnchorRun {
    fn part_code(part: Part) -> u32 {
        match part {
            Part::Front => 0,
            Part::Summary => 1,
            Part::Sources => 2,
            Part::Section(i) => u32::try_from(i).map_or(u32::MAX, |i| i.saturating_add(3)),
        }
    }

    fn anchor(&self) -> Anchor {
        let part = match self.part {
            0 => Part::Front,
            1 => Part::Summary,
            2 => Part::Sources,
            n => Part::Section((n - 3) as usize),
        };
        Anchor {
            part,
            block: self.block,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct SpanRecord {
    end: u32,
    style: Style,
}

/// Lays out the section with the given number again, alone, at the width
/// and with the options the lines were made with: how a chunk whose text
/// was let go gets it back.
#[derive(Clone)]
pub struct Refill(Arc<dyn Fn(usize) -> Lines + Send + Sync>);

impl Refill {
    /// A refill that calls `lay_out` with a section's number.
    pub fn new(lay_out: impl Fn(usize) -> Lines + Send + Sync + 'static) -> Self {
        Self(Arc::new(lay_out))
    }
}

impl std::fmt::Debug for Refill {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Refill")
    }
}

/// Laid-out lines, stored compactly.
///
/// The lines live in one or more chunks (one per section, and one per
/// thread that laid them out), so a document laid out in parallel is
/// joined without copying, and a section's text can be let go.
#[derive(Debug, Clone, Default)]
pub struct Lines {
    width: usize,
    chunks: Vec<Chunk>,
    /// The first line of each chunk.
    firsts: Vec<usize>,
    /// How to lay a section out again; `None` keeps every text.
    refill: Option<Refill>,
    /// A section was laid out again since text was last let go: only
    /// then can there be more to let go (checked on every key).
    refilled: Refilled,
    /// The budget the text held was last brought within, if it was.
    settled: Option<usize>,
    /// The chunk the last line asked for was in: the next line asked for
    /// is usually in it too.
    spot: crate::spot::Spot,
}

/// Whether a section was laid out again (set through `&self`).
#[derive(Debug, Default)]
struct Refilled(std::sync::atomic::AtomicBool);

impl Clone for Refilled {
    fn clone(&self) -> Self {
        Self(std::sync::atomic::AtomicBool::new(self.get()))
    }
}

impl Refilled {
    fn get(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn set(&self, value: bool) {
        self.0.store(value, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A run of lines: their count and anchors, which are always kept, and
/// their text, which a chunk of one section may let go.
#[derive(Debug, Clone, Default)]
struct Chunk {
    /// Number of lines.
    len: usize,
    anchors: Vec<AnchorRun>,
    /// The section the chunk holds alone, if it does: only such a chunk's
    /// text is let go, since only it can be laid out again.
    section: Option<usize>,
    /// Laid out for its line count and anchors only: its text is never
    /// kept, but laid out again when read.
    counting: bool,
    text: OnceLock<ChunkText>,
}

/// A chunk's text: one string, style runs and line records as offsets.
#[derive(Debug, Clone, Default)]
struct ChunkText {
    text: String,
    spans: Vec<SpanRecord>,
    lines: Vec<LineRecord>,
}

impl ChunkText {
    fn line_ranges(&self, index: usize) -> Option<(Range<usize>, Range<usize>)> {
        let record = self.lines.get(index)?;
        let next = self.lines.get(index + 1);
        let text_end = next.map_or(self.text.len(), |n| n.text_start as usize);
        let span_end = next.map_or(self.spans.len(), |n| n.span_start as usize);
        Some((
            record.text_start as usize..text_end,
            record.span_start as usize..span_end,
        ))
    }

    /// Bytes held, as the resident-text budget counts them.
    fn size(&self) -> usize {
        self.text.capacity()
            + self.spans.capacity() * std::mem::size_of::<SpanRecord>()
            + self.lines.capacity() * std::mem::size_of::<LineRecord>()
    }

    fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.spans.shrink_to_fit();
        self.lines.shrink_to_fit();
    }
}

impl Chunk {
    fn new(section: Option<usize>) -> Self {
        Self {
            section,
            text: OnceLock::from(ChunkText::default()),
            ..Self::default()
        }
    }

    /// A chunk of section `section` that only counts its lines.
    fn counting(section: usize) -> Self {
        Self {
            section: Some(section),
            counting: true,
            ..Self::default()
        }
    }

    fn anchor(&self, index: usize) -> Option<Anchor> {
        if index >= self.len {
            return None;
        }
        let run = self
            .anchors
            .partition_point(|r| r.first_line as usize <= index);
        self.anchors.get(run.checked_sub(1)?).map(AnchorRun::anchor)
    }

    /// Starts a line at the end of the text and spans, under `anchor`,
    /// and gives the text to append to, unless the chunk only counts. A
    /// chunk is only appended to while it is laid out, when its text is
    /// there; one whose text was let go is given an empty text first (its
    /// earlier lines then read as empty).
    fn push_record(&mut self, anchor: Anchor) -> Option<&mut ChunkText> {
        let part = AnchorRun::part_code(anchor.part);
        let same = self
            .anchors
            .last()
            .is_some_and(|r| r.part == part && r.block == anchor.block);
        if !same {
            self.anchors.push(AnchorRun {
                first_line: self.len as u32,
                part,
                block: anchor.block,
            });
        }
        self.len += 1;
        if self.counting {
            return None;
        }
        if self.text.get().is_none() {
            self.text = OnceLock::from(ChunkText::default());
        }
        let text = self.text.get_mut()?;
        text.lines.push(LineRecord {
            text_start: text.text.len() as u32,
            span_start: text.spans.len() as u32,
        });
        Some(text)
    }

    fn shrink_to_fit(&mut self) {
        self.anchors.shrink_to_fit();
        if let Some(text) = self.text.get_mut() {
            text.shrink_to_fit();
        }
    }
}

impl Lines {
    /// An empty set of lines for `width` columns.
    pub fn new(width: usize) -> Self {
        Self {
            width,
            ..Self::default()
        }
    }

    /// The width the lines were laid out for.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        match (self.firsts.last(), self.chunks.last()) {
            (Some(first), Some(chunk)) => first + chunk.len,
            _ => 0,
        }
    }

    /// True if there are no lines.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The index of the chunk holding line `index` and the line's index in it.
    fn locate(&self, index: usize) -> Option<(usize, usize)> {
        let chunk = match self.chunks.len() {
            0 => return None,
            1 => 0,
            _ => self
                .spot
                .partition_point(&self.firsts, |first| *first <= index)
                .checked_sub(1)?,
        };
        let local = index.checked_sub(*self.firsts.get(chunk)?)?;
        (local < self.chunks.get(chunk)?.len).then_some((chunk, local))
    }

    /// The text of chunk `index`, laid out again if it was let go.
    fn text_of(&self, index: usize) -> Option<&ChunkText> {
        let chunk = self.chunks.get(index)?;
        if let Some(text) = chunk.text.get() {
            return Some(text);
        }
        let (refill, section) = (self.refill.as_ref()?, chunk.section?);
        Some(chunk.text.get_or_init(|| {
            self.refilled.set(true);
            let mut again = (refill.0)(section);
            again
                .chunks
                .iter_mut()
                .find(|c| c.section == Some(section))
                .and_then(|c| c.text.take())
                .unwrap_or_default()
        }))
    }

    /// The text of the chunk holding line `index`, and the line's index in it.
    fn text_at(&self, index: usize) -> Option<(&ChunkText, usize)> {
        let (chunk, local) = self.locate(index)?;
        Some((self.text_of(chunk)?, local))
    }

    /// The chunk lines are appended to (the text held grows: it is no
    /// longer known to be within any budget).
    fn last(&mut self) -> &mut Chunk {
        self.settled = None;
        if self.chunks.is_empty() {
            self.chunks.push(Chunk::new(None));
            self.firsts.push(0);
        }
        let last = self.chunks.len() - 1;
        &mut self.chunks[last]
    }

    /// Starts a chunk for the lines that follow: section `section`'s alone,
    /// or (for `None`) whatever comes after it.
    pub fn begin_chunk(&mut self, section: Option<usize>) {
        self.start(Chunk::new(section));
    }

    /// Starts a chunk for section `section` whose lines are counted and
    /// anchored but whose text is not kept (the lines must have a refill
    /// to read it by; without one, this is [`Self::begin_chunk`]).
    pub fn begin_counting(&mut self, section: usize) {
        if self.refill.is_some() {
            self.start(Chunk::counting(section));
        } else {
            self.begin_chunk(Some(section));
        }
    }

    fn start(&mut self, chunk: Chunk) {
        self.settled = None;
        let first = self.len();
        if self.chunks.last().is_some_and(|c| c.len == 0) {
            self.chunks.pop();
            self.firsts.pop();
        }
        self.chunks.push(chunk);
        self.firsts.push(first);
    }

    /// The styled pieces of line `index` (empty past the end).
    pub fn line(&self, index: usize) -> impl Iterator<Item = (&str, Style)> + '_ {
        let (chunk, text_range, span_range) = match self.text_at(index) {
            Some((chunk, local)) => match chunk.line_ranges(local) {
                Some((text, spans)) => (Some(chunk), text, spans),
                None => (None, 0..0, 0..0),
            },
            None => (None, 0..0, 0..0),
        };
        let mut at = text_range.start;
        let spans = chunk.and_then(|c| c.spans.get(span_range)).unwrap_or(&[]);
        let text = chunk.map_or("", |c| c.text.as_str());
        spans.iter().map(move |span| {
            let piece = text.get(at..span.end as usize).unwrap_or("");
            at = span.end as usize;
            (piece, span.style)
        })
    }

    /// The whole text of line `index` (its pieces, joined).
    pub fn line_text(&self, index: usize) -> &str {
        self.text_at(index)
            .and_then(|(chunk, local)| {
                let (text, _) = chunk.line_ranges(local)?;
                chunk.text.get(text)
            })
            .unwrap_or("")
    }

    /// The plain text of line `index`.
    pub fn plain(&self, index: usize) -> String {
        self.line(index).map(|(t, _)| t).collect()
    }

    /// Where line `index` came from.
    pub fn anchor(&self, index: usize) -> Option<Anchor> {
        let (chunk, local) = self.locate(index)?;
        self.chunks.get(chunk)?.anchor(local)
    }

    /// Appends one line of styled pieces.
    pub fn push(&mut self, pieces: &[(String, Style)], anchor: Anchor) {
        let Some(chunk) = self.last().push_record(anchor) else {
            return;
        };
        for (text, style) in pieces {
            if text.is_empty() {
                continue;
            }
            chunk.text.push_str(text);
            chunk.spans.push(SpanRecord {
                end: chunk.text.len() as u32,
                style: *style,
            });
        }
    }

    /// Appends one line of borrowed styled pieces, merging neighbours of
    /// one style (what the wrapper hands over, with no copy in between).
    pub fn push_pieces(&mut self, pieces: &[(&str, Style)], anchor: Anchor) {
        let Some(chunk) = self.last().push_record(anchor) else {
            return;
        };
        let first_span = chunk.spans.len();
        for (text, style) in pieces {
            if text.is_empty() {
                continue;
            }
            chunk.text.push_str(text);
            let end = chunk.text.len() as u32;
            let in_line = chunk.spans.len() > first_span;
            match chunk.spans.last_mut() {
                Some(last) if in_line && last.style == *style => {
                    last.end = end;
                }
                _ => chunk.spans.push(SpanRecord { end, style: *style }),
            }
        }
    }

    /// Appends the lines of `other` (laid out at the same width) by taking
    /// over its storage: no line is copied.
    pub fn append(&mut self, other: Lines) {
        self.settled = None;
        for chunk in other.chunks.into_iter().filter(|c| c.len > 0) {
            self.start(chunk);
        }
    }

    /// Gives back the room reserved while lines were appended.
    pub fn shrink_to_fit(&mut self) {
        for chunk in &mut self.chunks {
            chunk.shrink_to_fit();
        }
    }

    /// Lets the text of its sections go when they are needed again,
    /// laying them out with `refill`.
    pub fn set_refill(&mut self, refill: Refill) {
        self.refill = Some(refill);
    }

    /// Bytes of text (with its style runs and line records) held now.
    pub fn resident(&self) -> usize {
        self.chunks
            .iter()
            .filter_map(|c| c.text.get())
            .map(ChunkText::size)
            .sum()
    }

    /// Bytes of text the last chunk holds.
    pub fn last_size(&self) -> usize {
        self.chunks
            .last()
            .and_then(|c| c.text.get())
            .map_or(0, ChunkText::size)
    }

    /// Brings back the text of every section let go, on up to four
    /// threads: for reading every line (a search), which would otherwise
    /// lay the sections out again one by one.
    pub fn fill(&self) {
        if self.refill.is_none() {
            return;
        }
        let missing: Vec<usize> = (0..self.chunks.len())
            .filter(|&i| self.chunks[i].section.is_some() && self.chunks[i].text.get().is_none())
            .collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        if missing.len() < 2 || threads < 2 {
            for index in missing {
                self.text_of(index);
            }
            return;
        }
        // Interleaved, so that each thread gets sections from all over.
        std::thread::scope(|scope| {
            for start in 0..threads {
                let missing = &missing;
                scope.spawn(move || {
                    for index in missing.iter().skip(start).step_by(threads) {
                        self.text_of(*index);
                    }
                });
            }
        });
    }

    /// Lets go of section texts until at most `budget` bytes are held,
    /// those furthest from the lines `keep` first; the chunks that hold
    /// `keep` stay whatever they cost.
    pub fn let_go(&mut self, keep: Range<usize>, budget: usize) {
        // Text is only let go past the budget, and only a section laid out
        // again takes it past: with none since the last time, there is
        // nothing to do (and no walk over every section on each key).
        let settled = self.settled.is_some_and(|within| within <= budget);
        if self.refill.is_none() || (settled && !self.refilled.get()) {
            return;
        }
        self.refilled.set(false);
        self.settled = None;
        let mut held = self.resident();
        if held <= budget {
            self.settled = Some(budget);
            return;
        }
        let first = self.locate(keep.start).map_or(0, |(c, _)| c);
        let last = self
            .locate(keep.end.saturating_sub(1).max(keep.start))
            .map_or(self.chunks.len(), |(c, _)| c);
        let mut order: Vec<usize> = (0..self.chunks.len())
            .filter(|&i| (i < first || i > last) && self.chunks[i].section.is_some())
            .filter(|&i| self.chunks[i].text.get().is_some())
            .collect();
        let distance = |i: usize| if i < first { first - i } else { i - last };
        order.sort_by_key(|&i| std::cmp::Reverse(distance(i)));
        for index in order {
            if held <= budget {
                break;
            }
            if let Some(text) = self.chunks.get_mut(index).and_then(|c| c.text.take()) {
                held = held.saturating_sub(text.size());
            }
        }
        if held <= budget {
            self.settled = Some(budget);
        }
    }

    /// Appends an empty line.
    pub fn blank(&mut self, anchor: Anchor) {
        self.push(&[], anchor);
    }

    /// Appends every line of `other`.
    pub fn extend(&mut self, other: &Lines) {
        for index in 0..other.len() {
            let pieces: Vec<(String, Style)> =
                other.line(index).map(|(t, s)| (t.to_owned(), s)).collect();
            let anchor = other.anchor(index).unwrap_or(Anchor {
                part: Part::Front,
                block: 0,
            });
            self.push(&pieces, anchor);
        }
    }

    /// Wraps styled text into lines.
    pub fn wrap(
        &mut self,
        spans: &[(&str, Style)],
        first_indent: &[(&str, Style)],
        rest_indent: &[(&str, Style)],
        anchor: Anchor,
    ) {
        let width = self.width;
        text::wrap_each(spans, width, first_indent, rest_indent, |line| {
            self.push_pieces(line, anchor);
        });
    }

    /// Plain text of all lines, newline-terminated, trailing spaces trimmed.
    pub fn to_plain_text(&self) -> String {
        let bytes: usize = self
            .chunks
            .iter()
            .filter_map(|c| c.text.get())
            .map(|t| t.text.len())
            .sum();
        let mut out = String::with_capacity(bytes + self.len());
        for index in 0..self.len() {
            let line = self.plain(index).replace('\u{a0}', " ");
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Role;

    #[test]
    fn the_text_held_counts_text_spans_and_line_records() {
        let mut lines = Lines::new(40);
        let anchor = Anchor {
            part: Part::Summary,
            block: 0,
        };
        let text = Style::role(Role::Text);
        let label = Style::role(Role::Label);
        lines.push_pieces(&[("one ", label), ("two", text)], anchor);
        lines.push_pieces(&[("three", text)], anchor);
        lines.shrink_to_fit();
        let spans = 3 * std::mem::size_of::<SpanRecord>();
        let records = 2 * std::mem::size_of::<LineRecord>();
        assert_eq!(lines.resident(), "one twothree".len() + spans + records);
        assert_eq!(lines.last_size(), lines.resident());
    }
}

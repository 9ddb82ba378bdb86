//! The line store: laid-out lines kept compactly.
//!
//! All text of a run of lines lives in one string, with style runs and line
//! records as offsets into it, and anchors kept as runs (one per block, not
//! per line). A document laid out on two threads is joined by taking over
//! the second store's chunks, never by copying lines.

use std::ops::Range;

use super::{Anchor, Style};
use crate::model::{Block, Part, Section};
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

/// Laid-out lines, stored compactly.
///
/// The lines live in one or more chunks (one per thread that laid them
/// out), so a document laid out in parallel is joined without copying.
#[derive(Debug, Clone, Default)]
pub struct Lines {
    width: usize,
    chunks: Vec<Chunk>,
    /// The first line of each chunk.
    firsts: Vec<usize>,
}

/// A run of lines: one string for all text, style runs and line records
/// as offsets into it.
#[derive(Debug, Clone, Default)]
struct Chunk {
    text: String,
    spans: Vec<SpanRecord>,
    lines: Vec<LineRecord>,
    anchors: Vec<AnchorRun>,
}

impl Chunk {
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

    fn anchor(&self, index: usize) -> Option<Anchor> {
        if index >= self.lines.len() {
            return None;
        }
        let run = self
            .anchors
            .partition_point(|r| r.first_line as usize <= index);
        self.anchors.get(run.checked_sub(1)?).map(AnchorRun::anchor)
    }

    /// Starts a line at the end of the text and spans, under `anchor`.
    fn push_record(&mut self, anchor: Anchor) {
        let part = AnchorRun::part_code(anchor.part);
        let same = self
            .anchors
            .last()
            .is_some_and(|r| r.part == part && r.block == anchor.block);
        if !same {
            self.anchors.push(AnchorRun {
                first_line: self.lines.len() as u32,
                part,
                block: anchor.block,
            });
        }
        self.lines.push(LineRecord {
            text_start: self.text.len() as u32,
            span_start: self.spans.len() as u32,
        });
    }

    fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.spans.shrink_to_fit();
        self.lines.shrink_to_fit();
        self.anchors.shrink_to_fit();
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
            (Some(first), Some(chunk)) => first + chunk.lines.len(),
            _ => 0,
        }
    }

    /// True if there are no lines.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The chunk holding line `index` and the line's index in it.
    fn locate(&self, index: usize) -> Option<(&Chunk, usize)> {
        let chunk = match self.chunks.len() {
            0 => return None,
            1 => 0,
            _ => self
                .firsts
                .partition_point(|first| *first <= index)
                .checked_sub(1)?,
        };
        let local = index.checked_sub(self.firsts[chunk])?;
        let chunk = &self.chunks[chunk];
        (local < chunk.lines.len()).then_some((chunk, local))
    }

    /// The chunk lines are appended to.
    fn last(&mut self) -> &mut Chunk {
        if self.chunks.is_empty() {
            self.chunks.push(Chunk::default());
            self.firsts.push(0);
        }
        let last = self.chunks.len() - 1;
        &mut self.chunks[last]
    }

    /// The styled pieces of line `index` (empty past the end).
    pub fn line(&self, index: usize) -> impl Iterator<Item = (&str, Style)> + '_ {
        let (chunk, text_range, span_range) = match self.locate(index) {
            Some((chunk, local)) => match chunk.line_ranges(local) {
                Some((text, spans)) => (Some(chunk), text, spans),
                None => (None, 0..0, 0..0),
            },
            None => (None, 0..0, 0..0),
        };
        let mut at = text_range.start;
        let spans = chunk.map_or(&[][..], |c| &c.spans[span_range]);
        let text = chunk.map_or("", |c| c.text.as_str());
        spans.iter().map(move |span| {
            let piece = &text[at..span.end as usize];
            at = span.end as usize;
            (piece, span.style)
        })
    }

    /// The whole text of line `index` (its pieces, joined).
    pub fn line_text(&self, index: usize) -> &str {
        self.locate(index)
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
        chunk.anchor(local)
    }

    /// Appends one line of styled pieces.
    pub fn push(&mut self, pieces: &[(String, Style)], anchor: Anchor) {
        let chunk = self.last();
        chunk.push_record(anchor);
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
        let chunk = self.last();
        chunk.push_record(anchor);
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
        for chunk in other.chunks {
            if chunk.lines.is_empty() {
                continue;
            }
            let first = self.len();
            if self.chunks.last().is_some_and(|c| c.lines.is_empty()) {
                self.chunks.pop();
                self.firsts.pop();
            }
            self.chunks.push(chunk);
            self.firsts.push(first);
        }
    }

    /// Reserves room for laying out `sections` (and the summary, if given)
    /// at `width`, from a quick count of their text: one allocation of about
    /// the right size instead of a dozen doublings, each of which briefly
    /// needs the old copy too.
    pub(super) fn reserve_for(&mut self, summary: &[Block], sections: &[Section], width: usize) {
        let mut count = TextCount::default();
        count.blocks(summary);
        for section in sections {
            count.bytes += section.title.len() + 16;
            count.blocks(&section.body.blocks());
        }
        let lines = count.bytes / width.clamp(8, 100) * 5 / 4 + count.blocks * 2;
        let chunk = self.last();
        chunk.text.reserve(count.bytes + count.bytes / 8 + 4096);
        chunk.spans.reserve(count.pieces + lines);
        chunk.lines.reserve(lines);
        // About one anchor run a block, plus a few a section.
        chunk
            .anchors
            .reserve(count.blocks + sections.len() * 4 + 16);
    }

    /// Gives back the room reserved while lines were appended.
    pub fn shrink_to_fit(&mut self) {
        for chunk in &mut self.chunks {
            chunk.shrink_to_fit();
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
        let bytes: usize = self.chunks.iter().map(|c| c.text.len()).sum();
        let mut out = String::with_capacity(bytes + self.len());
        for index in 0..self.len() {
            let line = self.plain(index).replace('\u{a0}', " ");
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// Bytes, styled pieces and blocks of body text, for reserving room.
#[derive(Debug, Default)]
struct TextCount {
    bytes: usize,
    pieces: usize,
    blocks: usize,
}

impl TextCount {
    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            self.blocks += 1;
            match block {
                Block::Paragraph(inlines) | Block::Heading { text: inlines, .. } => {
                    self.pieces += inlines.len();
                    self.bytes += inlines.text_len();
                }
                Block::List { items, .. } => {
                    for item in items {
                        self.bytes += 4;
                        self.blocks(item);
                    }
                }
                Block::Quote(inner) => self.blocks(inner),
                Block::Code(code) => {
                    self.pieces += 1;
                    self.bytes += code.len() + code.lines().count() * 2;
                }
                Block::Rule => self.bytes += 40,
                Block::Table(table) => {
                    for row in std::iter::once(&table.head).chain(&table.rows) {
                        // A row's text, its borders and a rule under it.
                        self.bytes += 120;
                        for cell in row {
                            self.pieces += cell.len() + 2;
                            self.bytes += cell.text_len();
                        }
                    }
                }
                Block::Notes(notes) => {
                    for note in notes {
                        self.bytes += 6;
                        self.blocks(&note.blocks);
                    }
                }
                Block::Definitions(definitions) => {
                    for definition in definitions {
                        self.pieces += definition.term.len();
                        self.bytes += definition.term.text_len();
                        for detail in &definition.details {
                            self.bytes += 4;
                            self.blocks(detail);
                        }
                    }
                }
            }
        }
    }
}

//! The layout engine: a briefing laid out as styled lines at one width.
//!
//! Both outputs use it: `brief print` writes the lines as plain text, the
//! reader draws the visible ones with a theme. Lines are stored compactly
//! (one string for all text, style runs and line records as offsets), each
//! line tagged with the part of the briefing and the block it came from, so
//! the reader can follow sections (scroll-spy) and remember a position that
//! survives a change of width. Styles are roles ([`Role`]) plus inline
//! emphasis; turning roles into colours is the theme's job, not this one's.

use crate::glyphs::Glyphs;
use std::ops::Range;

use crate::model::{
    self, Block, Briefing, Chart, Fact, Inline, InlineStyle, Part, Section, Source,
};
use crate::text::{self, StyledLine};

/// What a piece of laid-out text is, for the theme to style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Running text.
    Text,
    /// The classification banner.
    Banner,
    /// The briefing's title.
    Title,
    /// Its subtitle.
    Subtitle,
    /// Date, audience, authors; fact notes.
    Meta,
    /// A label such as BOTTOM LINE or SOURCES.
    Label,
    /// The bottom line's text.
    BottomLine,
    /// The bar that sets the bottom line apart.
    SummaryBar,
    /// A section heading.
    SectionHeading,
    /// A heading inside a section body.
    Heading,
    /// The bar of a block quote.
    QuoteBar,
    /// Quoted text.
    Quote,
    /// A list bullet or number.
    Bullet,
    /// Preformatted text.
    Code,
    /// A thematic break.
    Rule,
    /// A key fact's label.
    FactLabel,
    /// A key fact's value.
    FactValue,
    /// A source marker such as `[ft]`.
    Marker,
    /// A chart's title.
    ChartTitle,
    /// A chart's bar.
    Bar,
    /// A chart's value.
    BarValue,
    /// A source's id in the sources list.
    SourceId,
}

/// A role and inline emphasis: everything the theme needs to style a piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Style {
    /// What the text is.
    pub role: Role,
    /// Emphasis within it.
    pub inline: InlineStyle,
}

impl Style {
    /// A role with no inline emphasis.
    pub const fn role(role: Role) -> Self {
        Self {
            role,
            inline: InlineStyle::PLAIN,
        }
    }
}

/// Where a line came from: the part of the briefing and the index of the
/// top-level block within it (the position a reader returns to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Anchor {
    /// Title block, summary, a section or the sources.
    pub part: Part,
    /// Top-level block index within the part; 0 for headings and front matter.
    pub block: u32,
}

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
    fn reserve_for(&mut self, summary: &[Block], sections: &[Section], width: usize) {
        let mut count = TextCount::default();
        count.blocks(summary);
        for section in sections {
            count.bytes += section.title.len() + 16;
            count.blocks(&section.body);
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
                    self.bytes += inlines.iter().map(|i| i.text.len()).sum::<usize>();
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
            }
        }
    }
}

/// What to put into the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Drawing characters.
    pub glyphs: Glyphs,
    /// Put each section's facts and charts after its body (for `brief
    /// print`); the reader shows them in the sidebar instead.
    pub facts_inline: bool,
    /// Draw a rule under each heading in a body, so headings stand out in
    /// plain text where there is no bold.
    pub underline_headings: bool,
}

/// A briefing laid out at one width, with an index of where each part and
/// each body heading starts.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The lines.
    pub lines: Lines,
    /// `(part, first line)`, in order.
    pub parts: Vec<(Part, usize)>,
    /// `(section index, block index of the heading, line)`, in order.
    pub headings: Vec<(usize, usize, usize)>,
}

impl Document {
    /// The part that line `index` belongs to.
    pub fn part_at(&self, index: usize) -> Part {
        let position = self.parts.partition_point(|(_, start)| *start <= index);
        self.parts
            .get(position.saturating_sub(1))
            .map_or(Part::Front, |(part, _)| *part)
    }

    /// The first line of `part`, if the document has it.
    pub fn line_of_part(&self, part: Part) -> Option<usize> {
        // Parts are laid out in their own order (front, summary, sections,
        // sources), so the list is sorted by part as well as by line.
        self.parts
            .binary_search_by(|(p, _)| p.cmp(&part))
            .ok()
            .and_then(|i| self.parts.get(i))
            .map(|(_, l)| *l)
    }

    /// The parts whose last line lies in `top..bottom` (and that start
    /// before `bottom`): those a reader with lines `top..bottom` on screen
    /// has read to the end. Found by binary search, not by a walk.
    pub fn parts_ending_in(&self, top: usize, bottom: usize) -> Vec<Part> {
        let len = self.lines.len();
        // Part i ends where part i + 1 starts (the last one at the end).
        let end = |i: usize| self.parts.get(i + 1).map_or(len, |(_, l)| *l);
        let first = self.parts.partition_point(|(_, start)| *start <= top);
        let first = first.saturating_sub(1);
        let mut out = Vec::new();
        for i in first..self.parts.len() {
            let (part, start) = self.parts[i];
            let end = end(i);
            if end > bottom || start >= bottom {
                break;
            }
            if end > top {
                out.push(part);
            }
        }
        out
    }

    /// The first line laid out from `anchor` (or the nearest block before it).
    pub fn line_of_anchor(&self, anchor: Anchor) -> Option<usize> {
        let start = self.line_of_part(anchor.part)?;
        let mut best = start;
        for index in start..self.lines.len() {
            match self.lines.anchor(index) {
                Some(a) if a.part != anchor.part => break,
                Some(a) if a.block <= anchor.block => {
                    if a.block == anchor.block {
                        return Some(index);
                    }
                    best = index;
                }
                Some(_) => break,
                None => break,
            }
        }
        Some(best)
    }
}

/// Lays out a whole briefing at `width` columns (at least 1).
pub fn document(briefing: &Briefing, width: usize, options: Options) -> Document {
    layout_document(briefing, width, options, parallel_worthwhile(briefing))
}

fn layout_document(
    briefing: &Briefing,
    width: usize,
    options: Options,
    parallel: bool,
) -> Document {
    let width = width.max(1);
    let mut doc = Document {
        lines: Lines::new(width),
        ..Document::default()
    };
    // A large briefing's second half of sections is laid out on another
    // thread meanwhile, then joined on without copying.
    let count = briefing.sections.len();
    let split = if parallel { count / 2 } else { count };
    doc.lines
        .reserve_for(&briefing.summary, &briefing.sections[..split], width);
    std::thread::scope(|scope| {
        let second = (split < count).then(|| {
            scope.spawn(move || {
                let mut half = Document {
                    lines: Lines::new(width),
                    ..Document::default()
                };
                half.lines
                    .reserve_for(&[], &briefing.sections[split..], width);
                sections_into(&mut half, briefing, split..count, options);
                half
            })
        });
        front_into(&mut doc, briefing, options);
        sections_into(&mut doc, briefing, 0..split, options);
        if let Some(second) = second {
            // A thread that panicked is laid out again here, so the panic
            // (a bug) shows where it happens.
            let half = second.join().unwrap_or_else(|_| {
                let mut half = Document {
                    lines: Lines::new(width),
                    ..Document::default()
                };
                sections_into(&mut half, briefing, split..count, options);
                half
            });
            let offset = doc.lines.len();
            doc.parts.extend(
                half.parts
                    .into_iter()
                    .map(|(part, line)| (part, line + offset)),
            );
            doc.headings.extend(
                half.headings
                    .into_iter()
                    .map(|(section, block, line)| (section, block, line + offset)),
            );
            doc.lines.append(half.lines);
        }
    });
    sources_into(&mut doc, briefing);
    doc.lines.shrink_to_fit();
    doc
}

/// Worth a second thread: a big briefing, and a second core to run it on.
fn parallel_worthwhile(briefing: &Briefing) -> bool {
    const PARALLEL_BLOCKS: usize = 2_000;
    briefing.sections.len() >= 8
        && briefing
            .sections
            .iter()
            .map(|s| s.body.len())
            .sum::<usize>()
            >= PARALLEL_BLOCKS
        && std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
}

/// The title block and the bottom line.
fn front_into(doc: &mut Document, briefing: &Briefing, options: Options) {
    let glyphs = options.glyphs;
    let front = Anchor {
        part: Part::Front,
        block: 0,
    };
    doc.parts.push((Part::Front, 0));
    title_block(&mut doc.lines, briefing, glyphs, front);

    if !briefing.summary.is_empty() {
        let anchor = Anchor {
            part: Part::Summary,
            block: 0,
        };
        doc.lines.blank(anchor);
        doc.parts.push((Part::Summary, doc.lines.len()));
        doc.lines.wrap(
            &[("BOTTOM LINE", Style::role(Role::Label))],
            &[],
            &[],
            anchor,
        );
        let bar = format!("{} ", glyphs.summary_bar);
        let indent = [(bar.as_str(), Style::role(Role::SummaryBar))];
        blocks(
            &mut doc.lines,
            &briefing.summary,
            Part::Summary,
            &indent,
            Role::BottomLine,
            options,
            &mut Vec::new(),
        );
        if options.facts_inline && !briefing.facts.is_empty() {
            doc.lines.blank(anchor);
            doc.lines
                .wrap(&[("Key facts", Style::role(Role::Label))], &[], &[], anchor);
            facts_into(
                &mut doc.lines,
                briefing,
                &briefing.facts,
                &[],
                anchor,
                glyphs,
            );
        }
    }
}

/// Sections `range` of the briefing, with their part and heading lines.
fn sections_into(doc: &mut Document, briefing: &Briefing, range: Range<usize>, options: Options) {
    let glyphs = options.glyphs;
    for (number, section) in briefing.sections[range.clone()]
        .iter()
        .enumerate()
        .map(|(i, s)| (i + range.start, s))
    {
        let part = Part::Section(number);
        let anchor = Anchor { part, block: 0 };
        doc.lines.blank(anchor);
        doc.parts.push((part, doc.lines.len()));
        let heading = format!("{}  {}", number + 1, section.title.to_uppercase());
        doc.lines.wrap(
            &[(heading.as_str(), Style::role(Role::SectionHeading))],
            &[],
            &[],
            anchor,
        );
        if !section.body.is_empty() {
            doc.lines.blank(anchor);
        }
        let mut heading_lines = Vec::new();
        blocks(
            &mut doc.lines,
            &section.body,
            part,
            &[],
            Role::Text,
            options,
            &mut heading_lines,
        );
        doc.headings.extend(
            heading_lines
                .into_iter()
                .map(|(block, line)| (number, block, line)),
        );
        let end = Anchor {
            part,
            block: section.body.len() as u32,
        };
        if options.facts_inline && (!section.facts.is_empty() || !section.charts.is_empty()) {
            doc.lines.blank(end);
            doc.lines
                .wrap(&[("Key facts", Style::role(Role::Label))], &[], &[], end);
            facts_into(
                &mut doc.lines,
                briefing,
                &section.facts,
                &section.charts,
                end,
                glyphs,
            );
        }
        if options.facts_inline && !section.sources.is_empty() {
            doc.lines.blank(end);
            let mut pieces = vec![("Sources: ", Style::role(Role::Meta))];
            let markers: Vec<String> = section
                .sources
                .iter()
                .filter_map(|i| briefing.sources.get(*i))
                .map(|s| format!("[{}]", s.id))
                .collect();
            let joined = markers.join(" ");
            pieces.push((joined.as_str(), Style::role(Role::Marker)));
            doc.lines.wrap(&pieces, &[], &[], end);
        }
    }
}

/// The list of sources at the end.
fn sources_into(doc: &mut Document, briefing: &Briefing) {
    if !briefing.sources.is_empty() {
        let anchor = Anchor {
            part: Part::Sources,
            block: 0,
        };
        doc.lines.blank(anchor);
        doc.parts.push((Part::Sources, doc.lines.len()));
        doc.lines.wrap(
            &[("SOURCES", Style::role(Role::SectionHeading))],
            &[],
            &[],
            anchor,
        );
        doc.lines.blank(anchor);
        for source in &briefing.sources {
            source_entry(&mut doc.lines, source, anchor);
        }
    }
}

pub fn title_block(lines: &mut Lines, briefing: &Briefing, glyphs: Glyphs, anchor: Anchor) {
    if let Some(classification) = &briefing.classification {
        let banner = classification.to_uppercase();
        lines.wrap(
            &[(banner.as_str(), Style::role(Role::Banner))],
            &[],
            &[],
            anchor,
        );
    }
    lines.wrap(
        &[(briefing.title.as_str(), Style::role(Role::Title))],
        &[],
        &[],
        anchor,
    );
    if let Some(subtitle) = &briefing.subtitle {
        lines.wrap(
            &[(subtitle.as_str(), Style::role(Role::Subtitle))],
            &[],
            &[],
            anchor,
        );
    }
    let mut meta = Vec::new();
    if let Some(date) = &briefing.date {
        meta.push(format!("As of {}", date.display()));
    }
    if let Some(audience) = &briefing.audience {
        meta.push(format!("For {audience}"));
    }
    if !briefing.authors.is_empty() {
        meta.push(format!("By {}", briefing.authors.join(", ")));
    }
    if !meta.is_empty() {
        let separator = format!(" {} ", glyphs.dot);
        let joined = meta.join(&separator);
        lines.wrap(
            &[(joined.as_str(), Style::role(Role::Meta))],
            &[],
            &[],
            anchor,
        );
    }
}

/// Lays out blocks; records `(block index, line)` of every heading.
pub fn blocks(
    lines: &mut Lines,
    blocks: &[Block],
    part: Part,
    indent: &[(&str, Style)],
    role: Role,
    options: Options,
    headings: &mut Vec<(usize, usize)>,
) {
    let glyphs = options.glyphs;
    for (index, block) in blocks.iter().enumerate() {
        let anchor = Anchor {
            part,
            block: index as u32,
        };
        if index > 0 {
            let blank: Vec<(String, Style)> = indent
                .iter()
                .map(|(t, s)| (t.trim_end().to_owned(), *s))
                .collect();
            lines.push(&blank, anchor);
        }
        if matches!(block, Block::Heading { .. }) {
            headings.push((index, lines.len()));
        }
        block_lines(lines, block, indent, indent, role, glyphs, 0, anchor);
        if let (Block::Heading { text, .. }, true) = (block, options.underline_headings) {
            let cells = model::plain_text(text);
            let rule = glyphs.rule.repeat(text::width(&cells).min(lines.width()));
            lines.wrap(
                &[(rule.as_str(), Style::role(Role::Rule))],
                indent,
                indent,
                anchor,
            );
        }
    }
}

/// Lays out one block with the given indents.
#[allow(clippy::too_many_arguments)]
fn block_lines(
    lines: &mut Lines,
    block: &Block,
    first_indent: &[(&str, Style)],
    rest_indent: &[(&str, Style)],
    role: Role,
    glyphs: Glyphs,
    depth: usize,
    anchor: Anchor,
) {
    match block {
        Block::Paragraph(inlines) => {
            let spans = styled(inlines, role);
            lines.wrap(&spans, first_indent, rest_indent, anchor);
        }
        Block::Heading { text, .. } => {
            let spans = styled(text, Role::Heading);
            lines.wrap(&spans, first_indent, rest_indent, anchor);
        }
        Block::Code(code) => {
            let code_indent: Vec<(&str, Style)> = rest_indent
                .iter()
                .copied()
                .chain(std::iter::once(("  ", Style::role(Role::Code))))
                .collect();
            let first: Vec<(&str, Style)> = first_indent
                .iter()
                .copied()
                .chain(std::iter::once(("  ", Style::role(Role::Code))))
                .collect();
            lines.wrap(
                &[(code.as_str(), Style::role(Role::Code))],
                &first,
                &code_indent,
                anchor,
            );
        }
        Block::Rule => {
            let used: usize = first_indent.iter().map(|(t, _)| text::width(t)).sum();
            let rule = glyphs
                .rule
                .repeat(lines.width().saturating_sub(used).min(40));
            lines.wrap(
                &[(rule.as_str(), Style::role(Role::Rule))],
                first_indent,
                rest_indent,
                anchor,
            );
        }
        Block::Quote(inner) => {
            let bar = format!("{} ", glyphs.quote_bar);
            let mut first: Vec<(&str, Style)> = first_indent.to_vec();
            first.push((bar.as_str(), Style::role(Role::QuoteBar)));
            let mut rest: Vec<(&str, Style)> = rest_indent.to_vec();
            rest.push((bar.as_str(), Style::role(Role::QuoteBar)));
            let blank: Vec<(String, Style)> = rest
                .iter()
                .map(|(t, s)| (t.trim_end().to_owned(), *s))
                .collect();
            for (i, block) in inner.iter().enumerate() {
                if i > 0 {
                    lines.push(&blank, anchor);
                }
                let head = if i == 0 { &first } else { &rest };
                block_lines(
                    lines,
                    block,
                    head,
                    &rest,
                    Role::Quote,
                    glyphs,
                    depth,
                    anchor,
                );
            }
        }
        Block::List { start, items } => {
            for (i, item) in items.iter().enumerate() {
                let marker = match start {
                    Some(n) => format!("{}. ", n + i as u64),
                    None if depth == 0 => format!("{} ", glyphs.bullet),
                    None => format!("{} ", glyphs.sub_bullet),
                };
                let pad = " ".repeat(text::width(&marker));
                let first: Vec<(&str, Style)> = (if i == 0 { first_indent } else { rest_indent })
                    .iter()
                    .copied()
                    .chain(std::iter::once((
                        marker.as_str(),
                        Style::role(Role::Bullet),
                    )))
                    .collect();
                let rest: Vec<(&str, Style)> = rest_indent
                    .iter()
                    .copied()
                    .chain(std::iter::once((pad.as_str(), Style::role(Role::Text))))
                    .collect();
                for (j, block) in item.iter().enumerate() {
                    let head = if j == 0 { &first } else { &rest };
                    block_lines(lines, block, head, &rest, role, glyphs, depth + 1, anchor);
                }
            }
        }
    }
}

fn styled(inlines: &[Inline], role: Role) -> Vec<(&str, Style)> {
    inlines
        .iter()
        .map(|i| {
            (
                i.text.as_str(),
                Style {
                    role,
                    inline: i.style,
                },
            )
        })
        .collect()
}

/// The marker shown for a cited source.
pub fn marker(briefing: &Briefing, source: Option<usize>) -> Option<String> {
    source
        .and_then(|i| briefing.sources.get(i))
        .map(|s| format!("[{}]", s.id))
}

/// Lays out facts and charts at `width`: the sidebar's content, and what
/// `brief print` puts after each section.
pub fn facts(
    briefing: &Briefing,
    facts: &[Fact],
    charts: &[Chart],
    width: usize,
    glyphs: Glyphs,
    anchor: Anchor,
) -> Lines {
    let mut lines = Lines::new(width.max(1));
    facts_into(&mut lines, briefing, facts, charts, anchor, glyphs);
    lines
}

fn facts_into(
    lines: &mut Lines,
    briefing: &Briefing,
    facts: &[Fact],
    charts: &[Chart],
    anchor: Anchor,
    glyphs: Glyphs,
) {
    let indent = [("  ", Style::role(Role::Text))];
    for fact in facts {
        lines.wrap(
            &[(fact.label.as_str(), Style::role(Role::FactLabel))],
            &[],
            &indent,
            anchor,
        );
        let mut pieces = vec![(fact.value.as_str(), Style::role(Role::FactValue))];
        let marker = marker(briefing, fact.source);
        if let Some(marker) = &marker {
            pieces.push((" ", Style::role(Role::Text)));
            pieces.push((marker.as_str(), Style::role(Role::Marker)));
        }
        lines.wrap(&pieces, &indent, &indent, anchor);
        let mut meta = Vec::new();
        if let Some(as_of) = &fact.as_of {
            meta.push(format!("as of {as_of}"));
        }
        if let Some(note) = &fact.note {
            meta.push(note.clone());
        }
        if !meta.is_empty() {
            let joined = meta.join(&format!(" {} ", glyphs.dot));
            lines.wrap(
                &[(joined.as_str(), Style::role(Role::Meta))],
                &indent,
                &indent,
                anchor,
            );
        }
    }
    for (i, chart) in charts.iter().enumerate() {
        if i > 0 || !facts.is_empty() {
            lines.blank(anchor);
        }
        chart_into(lines, briefing, chart, anchor, glyphs);
    }
}

pub fn chart_into(
    lines: &mut Lines,
    briefing: &Briefing,
    chart: &Chart,
    anchor: Anchor,
    glyphs: Glyphs,
) {
    let mut title = chart.title.clone();
    if let Some(unit) = &chart.unit {
        // A unit such as "€ bn" is one thing: never broken over two lines.
        title.push_str(", ");
        title.push_str(&unit.replace(' ', "\u{a0}"));
    }
    let marker = marker(briefing, chart.source);
    let mut pieces = vec![(title.as_str(), Style::role(Role::ChartTitle))];
    if let Some(marker) = &marker {
        pieces.push((" ", Style::role(Role::Text)));
        pieces.push((marker.as_str(), Style::role(Role::Marker)));
    }
    lines.wrap(&pieces, &[], &[], anchor);

    let width = lines.width();
    let values: Vec<String> = chart.points.iter().map(|p| format_value(p.value)).collect();
    let label_width = chart
        .points
        .iter()
        .map(|p| text::width(&p.label))
        .max()
        .unwrap_or(0)
        .min(width / 3);
    let value_width = values.iter().map(|v| text::width(v)).max().unwrap_or(0);
    let largest = chart
        .points
        .iter()
        .map(|p| p.value.abs())
        .fold(0.0_f64, f64::max);
    // " label bar value": one space before, between label and bar, before value.
    let bar_room = width.saturating_sub(label_width + value_width + 3);
    for (point, value) in chart.points.iter().zip(&values) {
        if bar_room < 2 {
            let spans = [
                (point.label.as_str(), Style::role(Role::Text)),
                (" ", Style::role(Role::Text)),
                (value.as_str(), Style::role(Role::BarValue)),
            ];
            lines.wrap(
                &spans,
                &[(" ", Style::role(Role::Text))],
                &[(" ", Style::role(Role::Text))],
                anchor,
            );
            continue;
        }
        let eighths = if largest > 0.0 {
            ((point.value.abs() / largest) * (bar_room * 8) as f64).round() as usize
        } else {
            0
        };
        let bar = glyphs.bar(eighths.min(bar_room * 8));
        let bar_cells = text::width(&bar);
        let label = glyphs.pad(&point.label, label_width);
        let gap = " ".repeat(bar_room - bar_cells + 1);
        let line: StyledLine<Style> = vec![
            (" ".to_owned(), Style::role(Role::Text)),
            (label, Style::role(Role::Text)),
            (" ".to_owned(), Style::role(Role::Text)),
            (bar, Style::role(Role::Bar)),
            (gap, Style::role(Role::Text)),
            (value.clone(), Style::role(Role::BarValue)),
        ];
        lines.push(&line, anchor);
    }
}

/// Appends a note of the reader's: a heading, then the text (kept as
/// typed, sanitised here) set off by a bar.
pub fn note(lines: &mut Lines, heading: &str, text: &str, glyphs: Glyphs, anchor: Anchor) {
    if !lines.is_empty() {
        lines.blank(anchor);
    }
    let heading = crate::sanitize::line(heading);
    lines.wrap(
        &[(heading.as_str(), Style::role(Role::Label))],
        &[],
        &[],
        anchor,
    );
    let bar = format!("{} ", glyphs.quote_bar);
    let indent = [(bar.as_str(), Style::role(Role::QuoteBar))];
    let text = crate::sanitize::sanitize(text, crate::sanitize::Mode::Block);
    lines.wrap(
        &[(text.as_ref(), Style::role(Role::Text))],
        &indent,
        &indent,
        anchor,
    );
}

/// A chart value as written: `3.7`, `9`, `-0.25`.
pub fn format_value(value: f64) -> String {
    let rounded = (value * 1000.0).round() / 1000.0;
    format!("{rounded}")
}

pub fn source_entry(lines: &mut Lines, source: &Source, anchor: Anchor) {
    let marker = format!("[{}] ", source.id);
    let mut text = source.title.clone();
    if let Some(publisher) = &source.publisher {
        text.push_str(", ");
        text.push_str(publisher);
    }
    if let Some(date) = &source.date {
        text.push_str(", ");
        text.push_str(&date.display());
    }
    let mut pieces = vec![
        (marker.as_str(), Style::role(Role::SourceId)),
        (text.as_str(), Style::role(Role::Text)),
    ];
    let url;
    if let Some(address) = &source.url {
        url = format!(" {address}");
        pieces.push((
            url.as_str(),
            Style {
                role: Role::Text,
                inline: InlineStyle::ADDRESS,
            },
        ));
    }
    lines.wrap(&pieces, &[], &[("    ", Style::role(Role::Text))], anchor);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::load_str;

    const SAMPLE: &str = r#"
title = "Alibaba's Liège hub"
classification = "OFFICIAL"
summary = "Belgium's service *watches* the hub."
[[facts]]
label = "Investment"
value = "€100 million"
source = "ft"
[[sections]]
title = "Trade deficit"
body = """
The deficit widened.

### Figures

- 2021
  - nested
- 2022

> A quote.
"""
sources = ["ft"]
[[sections.charts]]
title = "Belgian trade deficit"
unit = "€ bn"
source = "ft"
points = [ { label = "2021", value = 3.7 }, { label = "2022", value = 9.1 } ]
[[sources]]
id = "ft"
title = "Financial Times report"
"#;

    fn plain(width: usize, facts_inline: bool) -> Vec<String> {
        let briefing = load_str("t.toml", SAMPLE).expect("valid sample");
        let doc = document(
            &briefing,
            width,
            Options {
                glyphs: Glyphs::UNICODE,
                facts_inline,
                underline_headings: facts_inline,
            },
        );
        (0..doc.lines.len()).map(|i| doc.lines.plain(i)).collect()
    }

    #[test]
    fn the_document_reads_in_order() {
        let lines = plain(40, true);
        let text = lines.join("\n");
        for expected in [
            "OFFICIAL",
            "Alibaba's Liège hub",
            "BOTTOM LINE",
            "▌ Belgium's service watches the hub.",
            "1  TRADE DEFICIT",
            "Figures",
            "• 2021",
            "  ◦ nested",
            "│ A quote.",
            "Key facts",
            " 2021 ████████████▎                  3.7",
            " 2022 ██████████████████████████████ 9.1",
            "Sources: [ft]",
            "SOURCES",
            "[ft] Financial Times report",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
    }

    #[test]
    fn no_line_is_wider_than_the_width() {
        for width in [1, 2, 5, 13, 40, 80] {
            for line in plain(width, true) {
                assert!(text::width(&line) <= width, "{line:?} wider than {width}");
            }
        }
    }

    #[test]
    fn part_lookups_agree_with_a_walk() {
        let text = crate::testdata::generate(&crate::testdata::Spec::new(20_000, 12));
        let briefing = load_str("g.toml", &text).expect("valid");
        let doc = document(
            &briefing,
            50,
            Options {
                glyphs: Glyphs::UNICODE,
                facts_inline: false,
                underline_headings: false,
            },
        );
        for (part, line) in &doc.parts {
            assert_eq!(doc.line_of_part(*part), Some(*line));
        }
        assert_eq!(doc.line_of_part(Part::Section(99)), None);
        let len = doc.lines.len();
        for top in 0..len {
            for bottom in [top + 1, top + 7, top + 40] {
                let walked: Vec<Part> = doc
                    .parts
                    .iter()
                    .enumerate()
                    .filter(|(i, (_, start))| {
                        let end = doc.parts.get(i + 1).map_or(len, |(_, l)| *l);
                        *start < bottom && end <= bottom && end > top.min(end)
                    })
                    .map(|(_, (part, _))| *part)
                    .collect();
                assert_eq!(doc.parts_ending_in(top, bottom), walked, "{top}..{bottom}");
            }
        }
    }

    #[test]
    fn laying_out_in_parallel_changes_nothing() {
        let text = crate::testdata::generate(&crate::testdata::Spec::new(150_000, 40));
        let briefing = load_str("g.toml", &text).expect("valid");
        for facts_inline in [false, true] {
            let options = Options {
                glyphs: Glyphs::UNICODE,
                facts_inline,
                underline_headings: facts_inline,
            };
            let one = layout_document(&briefing, 60, options, false);
            let two = layout_document(&briefing, 60, options, true);
            assert_eq!(one.lines.len(), two.lines.len());
            for i in 0..one.lines.len() {
                let a: Vec<_> = one.lines.line(i).collect();
                let b: Vec<_> = two.lines.line(i).collect();
                assert_eq!(a, b, "line {i}");
                assert_eq!(one.lines.anchor(i), two.lines.anchor(i), "line {i}");
            }
            assert_eq!(one.parts, two.parts);
            assert_eq!(one.headings, two.headings);
            assert_eq!(one.lines.to_plain_text(), two.lines.to_plain_text());
        }
    }

    #[test]
    fn parts_and_headings_are_indexed() {
        let briefing = load_str("t.toml", SAMPLE).expect("valid sample");
        let doc = document(
            &briefing,
            40,
            Options {
                glyphs: Glyphs::UNICODE,
                facts_inline: false,
                underline_headings: false,
            },
        );
        let section_line = doc
            .line_of_part(Part::Section(0))
            .expect("section laid out");
        assert_eq!(doc.lines.plain(section_line), "1  TRADE DEFICIT");
        assert_eq!(doc.part_at(section_line + 1), Part::Section(0));
        let (_, block, line) = doc.headings[0];
        assert_eq!(block, 1);
        assert_eq!(doc.lines.plain(line), "Figures");
    }
}

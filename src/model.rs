//! The briefing model: what a valid briefing file means, after loading.
//!
//! Every string here has been sanitised (see [`crate::sanitize`]) and every
//! cross-reference resolved to an index, so code that reads a [`Briefing`]
//! needs no further checks. Building a model from a file is the loader's job
//! ([`crate::loader`]); this module owns only the shapes.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

/// A loaded, validated briefing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Briefing {
    /// Required title.
    pub title: String,
    /// Optional subtitle.
    pub subtitle: Option<String>,
    /// The "as of" date.
    pub date: Option<Date>,
    /// Handling marking shown as a banner.
    pub classification: Option<String>,
    /// Who the briefing is for.
    pub audience: Option<String>,
    /// Who wrote it.
    pub authors: Vec<String>,
    /// Free keywords.
    pub tags: Vec<String>,
    /// The bottom line up front.
    pub summary: Vec<Block>,
    /// Briefing-wide key facts.
    pub facts: Vec<Fact>,
    /// The sections, in reading order; at least one.
    pub sections: Vec<Section>,
    /// The sources that facts, charts and sections cite.
    pub sources: Vec<Source>,
    /// Things the reader should be told about the text itself (for instance
    /// that it held bidirectional controls, now shown as stand-ins).
    pub notices: Vec<String>,
}

/// A calendar date, as written in the file (`2023-10-12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year, e.g. 2023.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31.
    pub day: u8,
}

impl Date {
    /// `12 Oct 2023`: unambiguous for readers in every country.
    pub fn display(&self) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let month = MONTHS
            .get(usize::from(self.month).saturating_sub(1))
            .copied()
            .unwrap_or("?");
        format!("{} {} {}", self.day, month, self.year)
    }

    /// `2023-10-12`.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A key fact: a label and a figure or short statement.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fact {
    /// What the figure is.
    pub label: String,
    /// The figure or short statement.
    pub value: String,
    /// When it was true.
    pub as_of: Option<String>,
    /// Index into [`Briefing::sources`].
    pub source: Option<usize>,
    /// A short qualification.
    pub note: Option<String>,
}

/// A figure drawn as bars.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chart {
    /// What is measured.
    pub title: String,
    /// Unit of the values, e.g. `€ bn`.
    pub unit: Option<String>,
    /// Index into [`Briefing::sources`].
    pub source: Option<usize>,
    /// The bars, in order; at least one, all finite.
    pub points: Vec<Point>,
}

/// One bar of a chart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Point {
    /// The bar's label, e.g. a year.
    pub label: String,
    /// The value; always finite.
    pub value: f64,
}

/// A section of the briefing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Section {
    /// Unique id (given, or made from the title).
    pub id: String,
    /// The section heading.
    pub title: String,
    /// The body.
    pub body: Body,
    /// Indexes into [`Briefing::sources`].
    pub sources: Vec<usize>,
    /// The section's key facts.
    pub facts: Vec<Fact>,
    /// The section's charts.
    pub charts: Vec<Chart>,
}

impl Section {
    /// The headings inside the body: `(index of the block, level, text)`.
    pub fn headings(&self) -> Vec<(usize, u8, String)> {
        self.body
            .blocks()
            .iter()
            .enumerate()
            .filter_map(|(index, block)| match block {
                Block::Heading { level, text } => Some((index, *level, plain_text(text))),
                _ => None,
            })
            .collect()
    }
}

/// A section's body as blocks.
///
/// Reached through [`Body::blocks`], so that a body can be kept in the
/// form it was read in and parsed only when something needs its blocks: a
/// large briefing is opened without parsing the Markdown of every section
/// ([`crate::loader::load_path_lazy`]). Two bodies are equal when their
/// blocks are, whichever form each is kept in.
#[derive(Clone, Default)]
pub struct Body {
    /// The parsed blocks; empty while `deferred` holds the text.
    blocks: Vec<Block>,
    /// Not parsed yet: a TOML string token (quotes included) in the text
    /// of the file it was read from, which the loader has checked is a
    /// valid string. The text is shared by every body of the file.
    deferred: Option<(Arc<String>, Range<usize>)>,
}

impl Body {
    /// A body kept as the TOML string at `range` of `source`, parsed when
    /// its blocks are asked for. `range` must cover exactly one string
    /// token that the TOML parser accepted.
    pub fn from_toml(source: Arc<String>, range: Range<usize>) -> Self {
        Self {
            blocks: Vec::new(),
            deferred: Some((source, range)),
        }
    }

    /// The body's blocks: borrowed when parsed already, parsed now (and
    /// given away) when the body is kept as text.
    pub fn blocks(&self) -> Cow<'_, [Block]> {
        match &self.deferred {
            None => Cow::Borrowed(&self.blocks),
            Some((source, range)) => Cow::Owned(parse_toml_body(source, range.clone())),
        }
    }

    /// The blocks, to change in place (a body kept as text is parsed first).
    pub fn blocks_mut(&mut self) -> &mut Vec<Block> {
        if let Some((source, range)) = self.deferred.take() {
            self.blocks = parse_toml_body(&source, range);
        }
        &mut self.blocks
    }

    /// True if the body has no blocks. A body kept as text is parsed only
    /// when its first line does not settle it.
    pub fn is_empty(&self) -> bool {
        match &self.deferred {
            None => self.blocks.is_empty(),
            Some((source, range)) => {
                let text = source.get(range.clone()).map(decode_toml_string);
                match text.as_deref().and_then(empty_at_a_glance) {
                    Some(empty) => empty,
                    None => self.blocks().is_empty(),
                }
            }
        }
    }

    /// About how many blocks the body has, without parsing a body kept as
    /// text: exact once parsed; for text, one more than its empty lines
    /// (most Markdown blocks are separated by one; a loose list counts
    /// once per item, code with empty lines in it more than once; within a
    /// tenth on generated briefings). For weighing work, such as whether to lay out on
    /// several threads, where parsing every body to count would cost
    /// more than the work weighed.
    pub fn blocks_estimate(&self) -> usize {
        match &self.deferred {
            None => self.blocks.len(),
            // Counted in the string as written, not decoded: escapes seldom
            // make or hide an empty line, and decoding every body would
            // cost as much as a tenth of reading the file.
            Some((source, range)) => source.get(range.clone()).map_or(0, |token| {
                let bytes = token.as_bytes();
                memchr::memmem::find_iter(bytes, "\n\n").count()
                    + memchr::memmem::find_iter(bytes, "\n\r\n").count()
                    + 1
            }),
        }
    }

    /// True while the body is kept as text, not yet parsed.
    pub fn is_deferred(&self) -> bool {
        self.deferred.is_some()
    }
}

impl PartialEq for Body {
    fn eq(&self, other: &Self) -> bool {
        // The same TOML text parses to the same blocks: a briefing read
        // again after a change elsewhere in the file is compared without
        // parsing the bodies that did not change.
        if let (Some((a, a_range)), Some((b, b_range))) = (&self.deferred, &other.deferred)
            && let (Some(a), Some(b)) = (a.get(a_range.clone()), b.get(b_range.clone()))
            && a == b
        {
            return true;
        }
        self.blocks() == other.blocks()
    }
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.deferred {
            None => f
                .debug_struct("Body")
                .field("blocks", &self.blocks)
                .finish(),
            // Not the shared text: it is the whole file.
            Some((_, range)) => f.debug_struct("Body").field("toml", range).finish(),
        }
    }
}

impl From<Vec<Block>> for Body {
    fn from(blocks: Vec<Block>) -> Self {
        Self {
            blocks,
            deferred: None,
        }
    }
}

/// Decodes the TOML string token at `range` of `source` with the TOML
/// parser's own decoder (so escapes, line-ending backslashes and the
/// newline after an opening `"""` mean what they meant when the file was
/// checked) and parses it as the loader would have. The findings of the
/// sanitiser are not kept: the reader's notices were given at open.
fn parse_toml_body(source: &str, range: Range<usize>) -> Vec<Block> {
    let Some(token_text) = source.get(range) else {
        return Vec::new();
    };
    let text = decode_toml_string(token_text);
    crate::markdown::parse(&text).0
}

/// Whether Markdown `text` gives no blocks, when its start says so
/// without parsing: blank text gives none; a first line that certainly
/// shows text ([`starts_with_text`]) or opens a fenced code block gives
/// one. `None` for anything else (an HTML block, a link definition…),
/// which only the parse can tell.
fn empty_at_a_glance(text: &str) -> Option<bool> {
    let markdown_blank = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
    let Some(line) = text
        .split('\n')
        .find(|line| !line.chars().all(markdown_blank))
    else {
        return Some(true);
    };
    let unindented = line.trim_start_matches(' ');
    if line.len() - unindented.len() > 3 {
        return None;
    }
    // A backtick "fence" with a backtick after it is no fence (its info
    // string may not hold one): inline code, perhaps of spaces only, which
    // the parse settles.
    if unindented.starts_with("```") && unindented.trim_start_matches('`').contains('`') {
        return None;
    }
    let fence = unindented.starts_with("```") || unindented.starts_with("~~~");
    (fence || starts_with_text(unindented, 0)).then_some(false)
}

/// True if a line (its indent removed) starts, after at most a few quote
/// and list markers, with a character that Markdown gives no meaning at
/// the start of a line, so the line's text is shown whatever follows: a
/// letter, a digit that is no list number, a visible non-ASCII character
/// (an opening quote, an emoji) or plain punctuation. An HTML block, a link
/// or footnote definition, a rule or an emphasis mark is not.
fn starts_with_text(line: &str, markers: usize) -> bool {
    let Some(first) = line.chars().next() else {
        return false;
    };
    let rest = if first == '>' {
        Some(&line[1..])
    } else if matches!(first, '-' | '*' | '+') && line[1..].starts_with(' ') {
        Some(&line[2..])
    } else if first.is_ascii_digit() {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        let after = &line[digits..];
        if after.starts_with(". ") || after.starts_with(") ") {
            Some(&after[2..])
        } else {
            // A number (`1990s`) shows; `1.` with nothing after is an
            // empty list item.
            return !after.starts_with(['.', ')']);
        }
    } else {
        None
    };
    match rest {
        Some(rest) if markers < 4 => starts_with_text(rest.trim_start_matches(' '), markers + 1),
        Some(_) => false,
        None => {
            first.is_alphabetic()
                || "\"'(),.;?$%/@".contains(first)
                || (!first.is_ascii()
                    && !first.is_whitespace()
                    && unicode_width::UnicodeWidthChar::width(first).is_some_and(|w| w > 0))
        }
    }
}

/// The value of one TOML string token (quotes included); empty if the text
/// is not one string.
pub(crate) fn decode_toml_string(token_text: &str) -> Cow<'_, str> {
    let toml_source = toml_parser::Source::new(token_text);
    let mut tokens = toml_source.lex();
    let Some(token) = tokens.next() else {
        return Cow::Borrowed("");
    };
    if token.kind().encoding().is_none() || token.span().len() != token_text.len() {
        return Cow::Borrowed("");
    }
    let Some(raw) = toml_source.get(token) else {
        return Cow::Borrowed("");
    };
    let mut out = Cow::Borrowed("");
    let _kind = raw.decode_scalar(&mut out, &mut ());
    out
}

/// A cited source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Source {
    /// The id that facts, charts and sections cite.
    pub id: String,
    /// Title of the source.
    pub title: String,
    /// Who published it.
    pub publisher: Option<String>,
    /// When.
    pub date: Option<Date>,
    /// Where; shown, never opened.
    pub url: Option<String>,
}

/// A block of body text, from CommonMark.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Running text.
    Paragraph(Inlines),
    /// A heading inside a body (an outline child).
    Heading {
        /// 1–6 as in Markdown.
        level: u8,
        /// The heading text.
        text: Inlines,
    },
    /// A bulleted or numbered list.
    List {
        /// The first number of a numbered list; `None` for bullets.
        /// Markdown allows at most nine digits, so it fits a `u32` (which
        /// keeps every block small).
        start: Option<u32>,
        /// Each item is a sequence of blocks (nested lists included).
        items: Vec<Vec<Block>>,
        /// Items set apart by blank lines: a loose list, whose items
        /// hold paragraphs (written with blank lines between them).
        loose: bool,
    },
    /// A block quote.
    Quote(Vec<Block>),
    /// Preformatted text, kept line by line.
    Code(String),
    /// A thematic break.
    Rule,
    /// A table (GitHub-flavoured Markdown); boxed, so that every other
    /// block stays as small as it was.
    Table(Box<Table>),
    /// The footnotes of a body, numbered in order of first reference; laid
    /// out where the body ends.
    Notes(Vec<Note>),
    /// A definition list: terms, each with its definitions.
    Definitions(Vec<Definition>),
}

/// A table: a header row, body rows and each column's alignment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// One alignment per column, from the delimiter row.
    pub alignments: Vec<Align>,
    /// The header row's cells.
    pub head: Vec<Inlines>,
    /// The body rows, each a list of cells (never more than the header).
    pub rows: Vec<Vec<Inlines>>,
}

/// How a table column's cells are aligned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Align {
    /// Left (the default).
    #[default]
    Left,
    /// Centred.
    Center,
    /// Right, as figures usually are.
    Right,
}

/// A footnote: its number and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// The number its references show, from 1.
    pub number: usize,
    /// The note's blocks.
    pub blocks: Vec<Block>,
}

/// A term of a definition list and what it means.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Definition {
    /// The term.
    pub term: Inlines,
    /// Its definitions, each a sequence of blocks.
    pub details: Vec<Vec<Block>>,
}

/// A run of text with one inline style, as [`Inlines`] hands it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inline<'a> {
    /// The text; `\n` is a hard line break.
    pub text: &'a str,
    /// How it is set.
    pub style: InlineStyle,
}

/// Runs of styled text (a paragraph, a heading, a table cell), stored as
/// one string in one allocation.
///
/// A briefing holds hundreds of thousands of these: a `String` and a
/// struct per run, in a `Vec` per paragraph or cell, cost about a hundred
/// bytes of overhead each, more than the text of a typical table cell.
/// Here the runs' texts follow each other in one string, each run after
/// the first (and the first, unless it is plain) introduced by
/// `Inlines::MARK` and one character giving its style. Sanitised text
/// never holds `MARK` (a C0 control); [`Inlines::new`] replaces it anyway,
/// so the encoding cannot be confused by any text.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Inlines(Box<str>);

impl Inlines {
    /// Starts a run: followed by one character, `STYLE_BASE` + the style.
    const MARK: char = '\u{1}';
    /// Style characters are `U+0100 + flags`: two bytes, never `MARK`.
    const STYLE_BASE: u32 = 0x100;

    /// Runs of text and style; empty runs are left out, and neighbours of
    /// one style are kept apart only if they were given apart.
    pub fn new<'a>(runs: impl IntoIterator<Item = (&'a str, InlineStyle)>) -> Self {
        let mut out = String::new();
        for (text, style) in runs {
            Self::push_run(&mut out, text, style);
        }
        Self(out.into_boxed_str())
    }

    /// One run of text.
    pub fn plain(text: &str, style: InlineStyle) -> Self {
        Self::new([(text, style)])
    }

    fn push_run(out: &mut String, text: &str, style: InlineStyle) {
        if text.is_empty() {
            return;
        }
        if !out.is_empty() || style != InlineStyle::PLAIN {
            out.push(Self::MARK);
            out.push(char::from_u32(Self::STYLE_BASE + u32::from(style.0)).unwrap_or(Self::MARK));
        }
        if text.contains(Self::MARK) {
            out.push_str(&text.replace(Self::MARK, "\u{FFFD}"));
        } else {
            out.push_str(text);
        }
    }

    /// The runs, in order.
    pub fn iter(&self) -> InlineIter<'_> {
        InlineIter { rest: &self.0 }
    }

    /// Number of runs.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// True if there is no text.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Bytes of text, near enough (the style marks included), for
    /// reserving room.
    pub fn text_len(&self) -> usize {
        self.0.len()
    }

    /// The same runs with `style`'s flags added to each.
    pub fn with(&self, style: InlineStyle) -> Self {
        Self::new(
            self.iter()
                .map(|inline| (inline.text, inline.style.with(style))),
        )
    }
}

impl std::fmt::Debug for Inlines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a Inlines {
    type Item = Inline<'a>;
    type IntoIter = InlineIter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The runs of an [`Inlines`].
#[derive(Debug, Clone)]
pub struct InlineIter<'a> {
    rest: &'a str,
}

impl<'a> Iterator for InlineIter<'a> {
    type Item = Inline<'a>;

    fn next(&mut self) -> Option<Inline<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        let mut style = InlineStyle::PLAIN;
        if let Some(after) = self.rest.strip_prefix(Inlines::MARK) {
            let mut chars = after.chars();
            let code = chars.next().map_or(0, u32::from);
            style =
                InlineStyle(u8::try_from(code.saturating_sub(Inlines::STYLE_BASE)).unwrap_or(0));
            self.rest = chars.as_str();
        }
        let end = memchr::memchr(1, self.rest.as_bytes()).unwrap_or(self.rest.len());
        let (text, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(Inline { text, style })
    }
}

/// Inline emphasis, as a small set of flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct InlineStyle(u8);

impl InlineStyle {
    /// No emphasis.
    pub const PLAIN: Self = Self(0);
    /// `*emphasis*`.
    pub const EMPHASIS: Self = Self(1);
    /// `**strong**`.
    pub const STRONG: Self = Self(2);
    /// `` `code` ``.
    pub const CODE: Self = Self(4);
    /// A link's text.
    pub const LINK: Self = Self(8);
    /// A link's address, shown after its text.
    pub const ADDRESS: Self = Self(16);
    /// `~~struck~~` text.
    pub const STRIKE: Self = Self(32);
    /// A footnote reference such as `[1]`.
    pub const NOTE: Self = Self(64);
    /// A task list's box, `[ ]` or `[x]` (drawn as ☐ or ☑).
    pub const TASK: Self = Self(128);

    /// True if all flags of `other` are set.
    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    /// Both sets of flags.
    pub fn with(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
}

/// The text of inlines without styles.
pub fn plain_text(inlines: &Inlines) -> String {
    inlines.iter().map(|i| i.text.replace('\n', " ")).collect()
}

/// Where a place in the briefing belongs: the title block, the bottom line,
/// a section, or the sources list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// Title, banner, date.
    Front,
    /// The summary (bottom line).
    Summary,
    /// Section by index.
    Section(usize),
    /// The sources list at the end.
    Sources,
}

impl Briefing {
    /// Number of facts, briefing-wide and in sections.
    pub fn fact_count(&self) -> usize {
        self.facts.len() + self.sections.iter().map(|s| s.facts.len()).sum::<usize>()
    }

    /// Number of charts in all sections.
    pub fn chart_count(&self) -> usize {
        self.sections.iter().map(|s| s.charts.len()).sum()
    }
}

/// All the text of blocks, one block per line.
pub fn blocks_text(blocks: &[Block], out: &mut String) {
    for block in blocks {
        match block {
            Block::Paragraph(inlines) | Block::Heading { text: inlines, .. } => {
                out.push_str(&plain_text(inlines));
                out.push('\n');
            }
            Block::List { items, .. } => {
                for item in items {
                    blocks_text(item, out);
                }
            }
            Block::Quote(inner) => blocks_text(inner, out),
            Block::Code(code) => {
                out.push_str(code);
                out.push('\n');
            }
            Block::Rule => {}
            Block::Table(table) => {
                for row in std::iter::once(&table.head).chain(&table.rows) {
                    let cells: Vec<String> = row.iter().map(plain_text).collect();
                    out.push_str(&cells.join(" "));
                    out.push('\n');
                }
            }
            Block::Notes(notes) => {
                for note in notes {
                    blocks_text(&note.blocks, out);
                }
            }
            Block::Definitions(definitions) => {
                for definition in definitions {
                    out.push_str(&plain_text(&definition.term));
                    out.push('\n');
                    for detail in &definition.details {
                        blocks_text(detail, out);
                    }
                }
            }
        }
    }
}

/// All the text of blocks, as [`blocks_text`] writes it.
pub fn blocks_text_of(blocks: &[Block]) -> String {
    let mut out = String::new();
    blocks_text(blocks, &mut out);
    out
}

impl Fact {
    /// The fact's text, for searching.
    pub fn text(&self) -> String {
        let mut out = format!("{} {}", self.label, self.value);
        for extra in [&self.as_of, &self.note].into_iter().flatten() {
            out.push(' ');
            out.push_str(extra);
        }
        out
    }
}

impl Chart {
    /// The chart's text, for searching.
    pub fn text(&self) -> String {
        let mut out = self.title.clone();
        if let Some(unit) = &self.unit {
            out.push(' ');
            out.push_str(unit);
        }
        for point in &self.points {
            out.push(' ');
            out.push_str(&point.label);
        }
        out
    }
}

impl Briefing {
    /// Every piece of text in the briefing, for filtering a library.
    pub fn full_text(&self) -> String {
        let mut out = String::new();
        for line in [
            Some(&self.title),
            self.subtitle.as_ref(),
            self.audience.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            out.push_str(line);
            out.push('\n');
        }
        for tag in self.tags.iter().chain(&self.authors) {
            out.push_str(tag);
            out.push('\n');
        }
        blocks_text(&self.summary, &mut out);
        for fact in &self.facts {
            out.push_str(&fact.text());
            out.push('\n');
        }
        for section in &self.sections {
            out.push_str(&section.title);
            out.push('\n');
            blocks_text(&section.body.blocks(), &mut out);
            for fact in &section.facts {
                out.push_str(&fact.text());
                out.push('\n');
            }
            for chart in &section.charts {
                out.push_str(&chart.text());
                out.push('\n');
            }
        }
        for source in &self.sources {
            out.push_str(&source.title);
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inlines_give_back_their_runs() {
        let runs = [
            ("plain ", InlineStyle::PLAIN),
            ("bold", InlineStyle::STRONG),
            (" ", InlineStyle::PLAIN),
            ("ŝtruck ✓ 中文", InlineStyle::STRIKE.with(InlineStyle::LINK)),
            ("\n", InlineStyle::PLAIN),
            ("[x]", InlineStyle::TASK),
        ];
        let inlines = Inlines::new(runs);
        let back: Vec<(&str, InlineStyle)> = inlines.iter().map(|i| (i.text, i.style)).collect();
        assert_eq!(back, runs);
        assert_eq!(inlines.len(), 6);
        assert_eq!(plain_text(&inlines), "plain bold ŝtruck ✓ 中文 [x]");
        // A first run with a style keeps it; empty runs are left out.
        let styled = Inlines::new([("", InlineStyle::CODE), ("code", InlineStyle::CODE)]);
        let back: Vec<_> = styled.iter().map(|i| (i.text, i.style)).collect();
        assert_eq!(back, [("code", InlineStyle::CODE)]);
        assert!(Inlines::new([("", InlineStyle::PLAIN)]).is_empty());
    }

    #[test]
    fn text_holding_the_run_mark_cannot_split_a_run() {
        let inlines = Inlines::plain("a\u{1}\u{101}b", InlineStyle::PLAIN);
        let back: Vec<_> = inlines.iter().map(|i| (i.text, i.style)).collect();
        assert_eq!(back, [("a\u{FFFD}\u{101}b", InlineStyle::PLAIN)]);
    }

    #[test]
    fn blocks_stay_small() {
        // A briefing holds hundreds of thousands of blocks: a large
        // variant would grow every one of them.
        assert!(
            std::mem::size_of::<Block>() <= 40,
            "{}",
            std::mem::size_of::<Block>()
        );
    }

    /// A body kept as a basic TOML string of `text`.
    fn deferred(text: &str) -> Body {
        let mut token = String::from("\"");
        for c in text.chars() {
            match c {
                '"' | '\\' => token.extend(['\\', c]),
                c if c.is_control() => token.push_str(&format!("\\u{:04X}", u32::from(c))),
                c => token.push(c),
            }
        }
        token.push('"');
        let len = token.len();
        Body::from_toml(Arc::new(token), 0..len)
    }

    /// Markdown fragments whose starts are easy to get wrong.
    const STARTS: &[&str] = &[
        "",
        " ",
        "\n",
        "\t",
        "\r\n",
        "   ",
        "    ",
        "a",
        "É",
        "中",
        "1.",
        "1)",
        "-",
        "*",
        "+",
        ">",
        "#",
        "##",
        "===",
        "---",
        "***",
        "```",
        "~~~",
        "<!-- c -->",
        "<b>",
        "<div>",
        "[a]: http://x",
        "[^1]: note",
        "[link](x)",
        "|",
        "a|b",
        ": def",
        "\u{a0}",
        "\\",
        "&amp;",
        " x",
        "   y",
        "\u{200b}",
        "Term",
        "\u{202e}",
        "x <b>",
        "``` ```",
    ];

    proptest::proptest! {
        #[test]
        fn a_deferred_body_is_empty_exactly_when_its_blocks_are(
            parts in proptest::collection::vec((0..STARTS.len(), 0..4usize), 0..5)
        ) {
            let mut text = String::new();
            for (part, ending) in parts {
                text.push_str(STARTS[part]);
                text.push_str(["", "\n", "\n\n", " "][ending]);
            }
            let body = deferred(&text);
            proptest::prop_assert_eq!(body.is_empty(), crate::markdown::parse(&text).0.is_empty(), "{:?}", text);
            proptest::prop_assert!(body.is_deferred());
        }
    }

    #[test]
    fn each_start_alone_is_judged_as_its_parse() {
        for start in STARTS {
            for text in [
                start.to_string(),
                format!("\n\n{start}\n"),
                format!("{start}\nword"),
            ] {
                assert_eq!(
                    deferred(&text).is_empty(),
                    crate::markdown::parse(&text).0.is_empty(),
                    "{text:?}"
                );
                assert_eq!(
                    deferred(&text).blocks(),
                    Body::from(crate::markdown::parse(&text).0).blocks()
                );
            }
        }
        assert_eq!(empty_at_a_glance(" \n\t\r\n"), Some(true));
        assert_eq!(empty_at_a_glance("\n  Word"), Some(false));
        assert_eq!(empty_at_a_glance("    Word"), None);
        assert_eq!(empty_at_a_glance("> \u{201e}Quote"), Some(false));
        assert_eq!(empty_at_a_glance("- 1. Word"), Some(false));
        assert_eq!(empty_at_a_glance("```\n```"), Some(false));
        assert_eq!(empty_at_a_glance("[a]: http://x"), None);
        assert_eq!(empty_at_a_glance("<!-- x -->"), None);
    }

    #[test]
    fn a_body_stays_small_and_can_go_to_another_thread() {
        fn shared<T: Send + Sync>() {}
        shared::<Body>();
        assert!(
            std::mem::size_of::<Body>() <= 48,
            "{}",
            std::mem::size_of::<Body>()
        );
        // Equal by blocks, whichever form: a deferred body and its parse.
        let text = deferred("Some *text*.");
        assert_eq!(text, Body::from(crate::markdown::parse("Some *text*.").0));
        assert_ne!(text, deferred("Other text."));
        // The same text is equal without parsing, and so is text written
        // another way that parses to the same blocks.
        assert_eq!(deferred("Other text."), deferred("Other text."));
        let literal = Body::from_toml(Arc::new("'Other text.'".to_owned()), 0..13);
        assert_eq!(literal, deferred("Other text."));
        assert_ne!(literal, deferred("Other text!"));
        assert!(format!("{text:?}").contains("toml"), "{text:?}");
    }

    #[test]
    fn a_deferred_body_estimates_its_blocks_near_enough_without_parsing() {
        let text = "One.\n\n## Two\n\n- a\n- b\n\n> quote";
        let parsed = Body::from(crate::markdown::parse(text).0);
        assert_eq!(parsed.blocks_estimate(), 4);
        // As written in a file: a multi-line string, with either line end.
        let written = |text: &str| {
            let token = format!("\"\"\"\n{text}\"\"\"");
            let end = token.len();
            Body::from_toml(Arc::new(token), 0..end)
        };
        assert_eq!(written(text).blocks_estimate(), 4);
        assert_eq!(written(&text.replace('\n', "\r\n")).blocks_estimate(), 4);
        assert!(written(text).is_deferred());
        assert_eq!(written("").blocks_estimate(), 1);
        // Over a generated briefing the estimate is within a tenth.
        let source = crate::testdata::generate(&crate::testdata::Spec::new(300_000, 60));
        let eager = crate::loader::load_str("g.toml", &source).expect("eager");
        let lazy = crate::loader::load_str_lazy("g.toml", &Arc::new(source)).expect("lazy");
        let real: usize = eager.sections.iter().map(|s| s.body.blocks().len()).sum();
        let guess: usize = lazy.sections.iter().map(|s| s.body.blocks_estimate()).sum();
        assert!(
            real.abs_diff(guess) * 10 <= real,
            "{real} blocks, {guess} guessed"
        );
    }
}

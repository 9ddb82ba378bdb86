//! The briefing model: what a valid briefing file means, after loading.
//!
//! Every string here has been sanitised (see [`crate::sanitize`]) and every
//! cross-reference resolved to an index, so code that reads a [`Briefing`]
//! needs no further checks. Building a model from a file is the loader's job
//! ([`crate::loader`]); this module owns only the shapes.

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
    /// The body as blocks.
    pub body: Vec<Block>,
    /// Indexes into [`Briefing::sources`].
    pub sources: Vec<usize>,
    /// The section's key facts.
    pub facts: Vec<Fact>,
    /// The section's charts.
    pub charts: Vec<Chart>,
}

impl Section {
    /// The headings inside the body: `(index of the block, level, text)`.
    pub fn headings(&self) -> impl Iterator<Item = (usize, u8, String)> + '_ {
        self.body
            .iter()
            .enumerate()
            .filter_map(|(index, block)| match block {
                Block::Heading { level, text } => Some((index, *level, plain_text(text))),
                _ => None,
            })
    }
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
    Paragraph(Vec<Inline>),
    /// A heading inside a body (an outline child).
    Heading {
        /// 1–6 as in Markdown.
        level: u8,
        /// The heading text.
        text: Vec<Inline>,
    },
    /// A bulleted or numbered list.
    List {
        /// The first number of a numbered list; `None` for bullets.
        start: Option<u64>,
        /// Each item is a sequence of blocks (nested lists included).
        items: Vec<Vec<Block>>,
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
    pub head: Vec<Vec<Inline>>,
    /// The body rows, each a list of cells (never more than the header).
    pub rows: Vec<Vec<Vec<Inline>>>,
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
    pub term: Vec<Inline>,
    /// Its definitions, each a sequence of blocks.
    pub details: Vec<Vec<Block>>,
}

/// A run of text with one inline style.
#[derive(Debug, Clone, PartialEq)]
pub struct Inline {
    /// The text; `\n` is a hard line break.
    pub text: String,
    /// How it is set.
    pub style: InlineStyle,
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
pub fn plain_text(inlines: &[Inline]) -> String {
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
                    let cells: Vec<String> = row.iter().map(|c| plain_text(c)).collect();
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
            blocks_text(&section.body, &mut out);
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
    fn blocks_stay_small() {
        // A briefing holds hundreds of thousands of blocks: a large
        // variant would grow every one of them.
        assert!(
            std::mem::size_of::<Block>() <= 40,
            "{}",
            std::mem::size_of::<Block>()
        );
    }
}

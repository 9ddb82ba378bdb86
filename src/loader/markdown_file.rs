//! Markdown files as briefings: a `.md` file read into the same model, by
//! the same rules, as a format-1 TOML file.
//!
//! The shape: optional front matter (format 1's top-level keys as TOML
//! between `+++` lines, or the common ones as YAML between `---` lines);
//! the first `#` heading as the title when the front matter gives none; the
//! text before the first `##` heading as the bottom line; each `##` heading
//! a section (`{#id}` after it sets the id), its body everything up to the
//! next; fenced blocks whose info string is `facts`, `chart` or `sources`
//! hold format 1's TOML for the key facts, charts and cited sources of the
//! section they are in (before the first `##`: the briefing-wide facts).
//!
//! Structure is found with pulldown-cmark's offset iterator, never by
//! looking at lines, so a `##` inside a fenced code block is code. Every
//! piece of TOML is walked by the checks format 1 uses, with its offset in
//! the file, so a diagnostic names the `.md` file's own line and column.
//! This module does not lay out or print anything.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use toml::de::DeValue;

use super::briefing::{FACT_KEYS, SourceIds, TOP_KEYS, finish, is_id_char, slug};
use super::toml_checks::{Bodies, Checker, Table, suggest};
use super::{LoadError, RawText, yaml_front};
use crate::diagnostic::{LineIndex, quote};
use crate::model::{Briefing, Chart, Date, Fact, Section, Source};

/// The info string of a fenced block holding `[[facts]]` tables.
pub const FACTS_BLOCK: &str = "facts";
/// The info string of a fenced block holding one chart.
pub const CHART_BLOCK: &str = "chart";
/// The info string of a fenced block listing the source ids a section cites.
pub const SOURCES_BLOCK: &str = "sources";

/// The Markdown extensions used to find a file's structure: the very ones
/// bodies are read with ([`crate::markdown::options`]), so their blocks are
/// not mistaken for anything else, and heading attributes for
/// `## Title {#id}`.
pub(super) fn structure_options() -> Options {
    let mut options = crate::markdown::options();
    options.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    options
}

/// Which kind of front matter a file starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FrontKind {
    /// `+++` … `+++`: TOML with format 1's top-level keys.
    Toml,
    /// `---` … `---`: YAML with the common keys.
    Yaml,
}

/// Front matter found at the top of a file.
#[derive(Debug)]
pub(super) struct FrontMatter<'s> {
    pub(super) kind: FrontKind,
    /// The text between the fence lines.
    pub(super) text: &'s str,
    /// Where `text` starts in the file.
    pub(super) base: usize,
}

/// The front matter, if the file opens with one, and where the Markdown
/// starts. `Err` holds the span of an opening `+++` that is never closed.
pub(super) fn split_front(source: &str) -> Result<(Option<FrontMatter<'_>>, usize), Range<usize>> {
    let first_end = source.find('\n').map_or(source.len(), |i| i + 1);
    let first = source[..first_end].trim_end();
    let kind = match first {
        "+++" => FrontKind::Toml,
        "---" => FrontKind::Yaml,
        _ => return Ok((None, 0)),
    };
    let mut at = first_end;
    while at < source.len() {
        let end = source[at..].find('\n').map_or(source.len(), |i| at + i + 1);
        let line = source[at..end].trim_end();
        if line == first || (kind == FrontKind::Yaml && line == "...") {
            let front = FrontMatter {
                kind,
                text: &source[first_end..at],
                base: first_end,
            };
            return Ok((Some(front), end));
        }
        at = end;
    }
    match kind {
        FrontKind::Toml => Err(0..3),
        // A lone `---` opening a file is a thematic break, not front matter.
        FrontKind::Yaml => Ok((None, 0)),
    }
}

/// What a fenced block of TOML is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Facts,
    Chart,
    Sources,
}

impl BlockKind {
    fn from_info(info: &str) -> Option<Self> {
        match info.split_whitespace().next()? {
            FACTS_BLOCK => Some(Self::Facts),
            CHART_BLOCK => Some(Self::Chart),
            SOURCES_BLOCK => Some(Self::Sources),
            _ => None,
        }
    }
}

/// A top-level piece of the Markdown that is structure, not body text.
#[derive(Debug)]
enum Piece {
    /// A `#` or `##` heading: its whole range, its text and `{#id}`.
    Heading {
        level: u8,
        range: Range<usize>,
        text: String,
        id: Option<String>,
    },
    /// A fenced block of TOML: the whole block and its content (`None`
    /// until its first line is read, and for an empty block).
    Toml {
        kind: BlockKind,
        range: Range<usize>,
        content: Option<Range<usize>>,
    },
}

impl Piece {
    fn range(&self) -> Range<usize> {
        match self {
            Piece::Heading { range, .. } | Piece::Toml { range, .. } => range.clone(),
        }
    }
}

/// True if a `#` heading's text is `title` (the front matter's) written
/// again: the same words, whatever the case and spacing.
fn same_title(title: &str, heading: &str) -> bool {
    let words = |text: &str| {
        text.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
    };
    words(title) == words(heading)
}

/// The top-level headings (levels 1 and 2) and TOML blocks of `markdown`,
/// in order, with ranges into it.
fn pieces(markdown: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut depth = 0usize;
    // The heading or block being read: its piece, filled in as events come.
    let mut open: Option<Piece> = None;
    for (event, range) in Parser::new_ext(markdown, structure_options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    match tag {
                        Tag::Heading { level, id, .. }
                            if matches!(level, HeadingLevel::H1 | HeadingLevel::H2) =>
                        {
                            open = Some(Piece::Heading {
                                level: if level == HeadingLevel::H1 { 1 } else { 2 },
                                range: range.clone(),
                                text: String::new(),
                                id: id.map(|id| id.to_string()),
                            });
                        }
                        Tag::CodeBlock(CodeBlockKind::Fenced(info)) => {
                            if let Some(kind) = BlockKind::from_info(&info) {
                                open = Some(Piece::Toml {
                                    kind,
                                    range: range.clone(),
                                    content: None,
                                });
                            }
                        }
                        _ => {}
                    }
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && matches!(end, TagEnd::Heading(_) | TagEnd::CodeBlock)
                    && let Some(mut piece) = open.take()
                {
                    if let Piece::Toml { content, range, .. } = &mut piece
                        && content.is_none()
                    {
                        // An empty block: its content is nothing, after the
                        // opening fence line.
                        let after_fence = markdown[range.clone()]
                            .find('\n')
                            .map_or(range.end, |i| range.start + i + 1);
                        *content = Some(after_fence..after_fence);
                    }
                    pieces.push(piece);
                }
            }
            Event::Text(text) | Event::Code(text) | Event::InlineHtml(text) => match &mut open {
                Some(Piece::Heading { text: heading, .. }) => heading.push_str(&text),
                Some(Piece::Toml { content, .. }) => {
                    *content = Some(match content.take() {
                        Some(so_far) => so_far.start..range.end,
                        None => range,
                    });
                }
                None => {}
            },
            Event::SoftBreak | Event::HardBreak => {
                if let Some(Piece::Heading { text, .. }) = &mut open {
                    text.push(' ');
                }
            }
            _ => {}
        }
    }
    pieces
}

/// The front matter's fields, as far as they were valid.
#[derive(Default)]
struct Front {
    title: Option<String>,
    subtitle: Option<String>,
    date: Option<Date>,
    classification: Option<String>,
    audience: Option<String>,
    authors: Vec<String>,
    tags: Vec<String>,
    /// The summary and where it was given.
    summary: Option<(String, Range<usize>)>,
    facts: Vec<Fact>,
    sources: Vec<Source>,
}

/// A section being gathered: its heading and the body text so far.
struct Draft {
    title: Option<String>,
    id: String,
    body: String,
    sources: Vec<usize>,
    facts: Vec<Fact>,
    charts: Vec<Chart>,
}

/// Validates a Markdown briefing; `name` is used in diagnostics. The raw
/// text of its bottom line and bodies comes with it.
pub(super) fn load_markdown(name: &str, source: &str) -> Result<(Briefing, RawText), LoadError> {
    let index = LineIndex::new(source);
    let mut checker = Checker::new(name, &index, Bodies::Parse);
    let (front, start) = match split_front(source) {
        Ok(split) => split,
        Err(span) => {
            checker.error(
                span,
                "the front matter opened here with +++ is never closed".to_owned(),
                Some("end it with a line holding only +++".to_owned()),
            );
            return finish(checker, Briefing::default()).map(|b| (b, RawText::default()));
        }
    };
    let front = match front {
        Some(f) if f.kind == FrontKind::Toml => {
            checker.base = f.base;
            let front = checker.toml_front(f.text);
            checker.base = 0;
            front
        }
        Some(f) => {
            let (fields, diagnostics) = yaml_front::read(name, &index, f.text, f.base);
            checker.diagnostics.extend(diagnostics);
            let summary = fields.summary.map(|(text, offset)| (text, offset..offset));
            Front {
                title: fields.title.map(|t| checker.clean(t.trim())),
                subtitle: fields.subtitle.map(|t| checker.clean(&t)),
                date: fields.date,
                classification: fields.classification.map(|t| checker.clean(&t)),
                audience: fields.audience.map(|t| checker.clean(&t)),
                authors: fields.authors.iter().map(|t| checker.clean(t)).collect(),
                tags: fields.tags.iter().map(|t| checker.clean(t)).collect(),
                summary,
                ..Front::default()
            }
        }
        None => Front::default(),
    };
    let (briefing, raw) = checker.markdown_briefing(front, source, start);
    finish(checker, briefing).map(|b| (b, raw))
}

impl Checker<'_> {
    /// Reads TOML front matter: format 1's top-level keys but `sections`.
    fn toml_front(&mut self, text: &str) -> Front {
        let Some(root) = self.parse_toml(text) else {
            return Front::default();
        };
        let mut root = root.into_inner();
        if let Some(sections) = root.remove("sections") {
            self.error(
                sections.span(),
                "a Markdown briefing takes its sections from `##` headings, not `sections`"
                    .to_owned(),
                Some("write each section as a `## Title` heading with its text below".to_owned()),
            );
        }
        let root = &root;
        let here = "in the front matter";
        self.unknown_keys(root, TOP_KEYS, here);
        let sources = self.sources(root);
        let ids = SourceIds::new(&sources);
        let title = match self.optional_string(root, "title", here) {
            Some((raw, span)) if raw.trim().is_empty() => {
                self.error(
                    span,
                    format!("`title` {here} is empty"),
                    Some("write the title, or remove the line".to_owned()),
                );
                None
            }
            Some((raw, _)) => Some(self.clean(raw.trim())),
            None => None,
        };
        let summary = self
            .optional_string(root, "summary", here)
            .map(|(text, span)| (text.to_owned(), span));
        let facts = self
            .tables(root, "facts", here)
            .into_iter()
            .enumerate()
            .map(|(i, (table, span))| {
                self.fact(table, span, &format!("briefing fact {}", i + 1), &ids)
            })
            .collect();
        Front {
            title,
            subtitle: self.optional_text(root, "subtitle", here),
            date: self.date(root, "date", here),
            classification: self.optional_text(root, "classification", here),
            audience: self.optional_text(root, "audience", here),
            authors: self.string_list(root, "authors", here),
            tags: self.string_list(root, "tags", here),
            summary,
            facts,
            sources,
        }
    }

    /// The Markdown after the front matter (from `start` in `source`) read
    /// into a briefing, with the front matter's fields.
    fn markdown_briefing(
        &mut self,
        front: Front,
        source: &str,
        start: usize,
    ) -> (Briefing, RawText) {
        let markdown = &source[start..];
        let ids = SourceIds::new(&front.sources);
        let mut title = front.title;
        let mut facts = front.facts;
        let mut summary_text = String::new();
        let mut drafts: Vec<Draft> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut cursor = 0;
        // Whether a `#` heading repeating the title has been set aside.
        let mut title_repeated = false;
        for piece in pieces(markdown) {
            let range = piece.range();
            let before = &markdown[cursor..range.start];
            match drafts.last_mut() {
                Some(draft) => draft.body.push_str(before),
                None => summary_text.push_str(before),
            }
            cursor = range.end;
            match piece {
                Piece::Heading {
                    level: 1,
                    text,
                    range,
                    ..
                } if title.is_none() && drafts.is_empty() => {
                    if text.trim().is_empty() {
                        self.error(
                            start + range.start..start + range.end,
                            "the `#` title heading has no text".to_owned(),
                            Some("write the briefing's title after the `#`".to_owned()),
                        );
                    }
                    title = Some(self.clean(text.trim()));
                }
                Piece::Heading { level: 1, text, .. }
                    if !title_repeated
                        && drafts.is_empty()
                        && summary_text.trim().is_empty()
                        && title
                            .as_deref()
                            .is_some_and(|title| same_title(title, &self.clean(text.trim()))) =>
                {
                    // The front matter's title written again as the text's
                    // `#` heading, as many Markdown tools expect: it is the
                    // title, not the start of the bottom line.
                    title_repeated = true;
                }
                Piece::Heading {
                    level: 2,
                    text,
                    range,
                    id,
                } => {
                    let number = drafts.len() + 1;
                    let span = start + range.start..start + range.end;
                    let draft = self.section_heading(&text, id, span, number, &mut seen);
                    drafts.push(draft);
                }
                Piece::Heading { range, .. } => {
                    // A `#` heading that is not the title is body text.
                    let text = &markdown[range];
                    match drafts.last_mut() {
                        Some(draft) => draft.body.push_str(text),
                        None => summary_text.push_str(text),
                    }
                }
                Piece::Toml {
                    kind,
                    range,
                    content,
                } => {
                    let content = content.unwrap_or(range.start..range.start);
                    self.base = start + content.start;
                    let toml = &markdown[content];
                    let block = start + range.start..start + range.end;
                    let number = drafts.len();
                    match drafts.last_mut() {
                        Some(draft) => self.section_block(kind, toml, number, draft, &ids),
                        None => self.front_block(kind, toml, block, &mut facts, &ids),
                    }
                    self.base = 0;
                }
            }
        }
        let rest = &markdown[cursor..];
        match drafts.last_mut() {
            Some(draft) => draft.body.push_str(rest),
            None => summary_text.push_str(rest),
        }
        let title = match title {
            Some(title) => title,
            None => {
                self.error(
                    start..start,
                    "the briefing has no title".to_owned(),
                    Some(
                        "begin the text with a `# Title` heading, or give `title` in front matter"
                            .to_owned(),
                    ),
                );
                String::new()
            }
        };
        let mut summary = self.markdown(&summary_text);
        if let Some((text, span)) = front.summary {
            if summary.is_empty() {
                self.base = 0;
                summary = self.markdown(&text);
                summary_text = text;
            } else {
                self.error(
                    span,
                    "the bottom line is given twice: as `summary` and as text before the first `##` heading".to_owned(),
                    Some("keep one of them".to_owned()),
                );
            }
        }
        let mut raw = RawText::default();
        let sections = if drafts.is_empty() {
            // Without `##` headings the whole text is one section, named
            // after the briefing, so any Markdown document can be read.
            raw.bodies.push(summary_text);
            vec![Section {
                id: slug(&title, 1),
                title: title.clone(),
                body: std::mem::take(&mut summary).into(),
                ..Section::default()
            }]
        } else {
            raw.summary = summary_text;
            drafts
                .into_iter()
                .map(|draft| {
                    let body = self.markdown(&draft.body);
                    raw.bodies.push(draft.body);
                    Section {
                        id: draft.id,
                        title: draft.title.unwrap_or_default(),
                        body: body.into(),
                        sources: draft.sources,
                        facts: draft.facts,
                        charts: draft.charts,
                    }
                })
                .collect()
        };
        let briefing = Briefing {
            title,
            subtitle: front.subtitle,
            date: front.date,
            classification: front.classification,
            audience: front.audience,
            authors: front.authors,
            tags: front.tags,
            summary,
            facts,
            sections,
            sources: front.sources,
            notices: Vec::new(),
        };
        (briefing, raw)
    }

    /// A `##` heading made a section: its title and an id, given or made
    /// from the title and made unique.
    fn section_heading(
        &mut self,
        text: &str,
        id: Option<String>,
        span: Range<usize>,
        number: usize,
        seen: &mut HashMap<String, usize>,
    ) -> Draft {
        let title = if text.trim().is_empty() {
            self.error(
                span.clone(),
                format!("the `##` heading of section {number} has no text"),
                Some("write the section's title after the `##`".to_owned()),
            );
            None
        } else {
            Some(self.clean(text.trim()))
        };
        let (line, _) = self.index.position(span.start);
        let id = match id {
            Some(id) => {
                if let Some(bad) = id.chars().find(|c| !is_id_char(*c)) {
                    self.error(
                        span.clone(),
                        format!(
                            "the id of section {number} contains {}, which ids may not",
                            quote(&bad.to_string())
                        ),
                        Some("use only letters, digits, `-`, `_` and `.`".to_owned()),
                    );
                }
                if let Some(first_line) = seen.get(&id) {
                    self.error(
                        span,
                        format!("duplicate section id {}", quote(&id)),
                        Some(format!(
                            "line {first_line} uses it already; give each section its own id"
                        )),
                    );
                }
                id
            }
            None => {
                // Made unique, as headings in a document may repeat.
                let base = slug(title.as_deref().unwrap_or(""), number);
                let mut id = base.clone();
                let mut n = 2;
                while seen.contains_key(&id) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                id
            }
        };
        seen.entry(id.clone()).or_insert(line);
        Draft {
            title,
            id: self.clean(&id),
            body: String::new(),
            sources: Vec::new(),
            facts: Vec::new(),
            charts: Vec::new(),
        }
    }

    /// A TOML block inside section `number`.
    fn section_block(
        &mut self,
        kind: BlockKind,
        toml: &str,
        number: usize,
        draft: &mut Draft,
        ids: &SourceIds,
    ) {
        let Some(root) = self.parse_toml(toml) else {
            return;
        };
        let span = root.span();
        let root = root.into_inner();
        match kind {
            BlockKind::Facts => {
                for (table, span) in self.block_facts(&root, span) {
                    let what = format!("fact {} of section {number}", draft.facts.len() + 1);
                    let fact = self.fact(table, span, &what, ids);
                    draft.facts.push(fact);
                }
            }
            BlockKind::Chart => {
                let what = format!("chart {} of section {number}", draft.charts.len() + 1);
                let chart = self.chart(&root, span, &what, ids);
                draft.charts.push(chart);
            }
            BlockKind::Sources => {
                let place = format!("in a sources block of section {number}");
                self.unknown_keys(&root, &["sources"], &place);
                for (id, span) in self.string_list_spanned(&root, "sources", &place) {
                    let what = format!("section {number}");
                    if let Some(index) = self.resolve_source(&id, span, &what, ids) {
                        draft.sources.push(index);
                    }
                }
            }
        }
    }

    /// A TOML block before the first `##`: facts are the briefing's own;
    /// charts and cited sources belong to a section.
    fn front_block(
        &mut self,
        kind: BlockKind,
        toml: &str,
        block: Range<usize>,
        facts: &mut Vec<Fact>,
        ids: &SourceIds,
    ) {
        match kind {
            BlockKind::Facts => {
                let Some(root) = self.parse_toml(toml) else {
                    return;
                };
                let span = root.span();
                let root = root.into_inner();
                for (table, span) in self.block_facts(&root, span) {
                    let what = format!("briefing fact {}", facts.len() + 1);
                    let fact = self.fact(table, span, &what, ids);
                    facts.push(fact);
                }
            }
            BlockKind::Chart | BlockKind::Sources => {
                let base = std::mem::take(&mut self.base);
                self.error(
                    block,
                    format!(
                        "a ```{} block belongs to a section, and this one is before the first `##` heading",
                        if kind == BlockKind::Chart { CHART_BLOCK } else { SOURCES_BLOCK }
                    ),
                    Some("move it below the `##` heading of its section".to_owned()),
                );
                self.base = base;
            }
        }
    }

    /// The fact tables of a facts block: its `[[facts]]`, or the block
    /// itself when it is one fact written without a header.
    fn block_facts<'t, 'i>(
        &mut self,
        root: &'t Table<'i>,
        span: Range<usize>,
    ) -> Vec<(&'t Table<'i>, Range<usize>)> {
        let single = !root.contains_key("facts")
            && root
                .keys()
                .any(|k| FACT_KEYS.contains(&k.get_ref().as_ref()));
        if single {
            return vec![(root, span)];
        }
        let place = "in a facts block";
        for key in root.keys() {
            let name = key.get_ref().as_ref();
            if name == "facts" {
                continue;
            }
            let hint = match suggest(name, &["facts"]) {
                Some(best) => format!("did you mean `{best}`?"),
                None => "write each fact as a [[facts]] table with a label and a value".to_owned(),
            };
            self.error(
                key.span(),
                format!("unknown key {} {place}", quote(name)),
                Some(hint),
            );
        }
        if !matches!(
            root.get("facts").map(|v| v.get_ref()),
            Some(DeValue::Array(_))
        ) && root.is_empty()
        {
            self.error(
                span,
                "the facts block is empty".to_owned(),
                Some("write a [[facts]] table with a label and a value".to_owned()),
            );
        }
        self.tables(root, "facts", place)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Block;

    fn load(source: &str) -> Result<Briefing, Vec<String>> {
        load_markdown("b.md", source)
            .map(|(b, _)| b)
            .map_err(|e| e.diagnostics.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn headings_make_title_summary_and_sections() {
        let b =
            load("# Title\n\nBottom line.\n\n## One\n\nText.\n\n### Child\n\n## Two\n\nMore.\n")
                .expect("valid");
        assert_eq!(b.title, "Title");
        assert_eq!(b.summary.len(), 1);
        assert_eq!(b.sections.len(), 2);
        assert_eq!(b.sections[0].id, "one");
        assert_eq!(b.sections[0].headings().len(), 1);
    }

    #[test]
    fn a_heading_in_a_code_block_is_code() {
        let b = load("# T\n\n## One\n\n```\n## not a section\n```\n").expect("valid");
        assert_eq!(b.sections.len(), 1);
        assert!(matches!(b.sections[0].body.blocks()[0], Block::Code(_)));
    }

    #[test]
    fn repeated_headings_get_unique_ids() {
        let b = load("# T\n\n## Notes\n\n## Notes\n\n## Other {#x}\n").expect("valid");
        let ids: Vec<&str> = b.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["notes", "notes-2", "x"]);
    }

    #[test]
    fn facts_blocks_go_to_the_sidebar_with_their_own_positions() {
        let source = "+++\ntitle = \"T\"\n[[sources]]\nid = \"ft\"\ntitle = \"FT\"\n+++\n\n## One\n\n```facts\n[[facts]]\nlabel = \"L\"\nvalue = \"V\"\nsource = \"ft\"\n```\n\nText.\n";
        let b = load(source).expect("valid");
        assert_eq!(b.sections[0].facts[0].source, Some(0));
        assert_eq!(
            b.sections[0].body.blocks().len(),
            1,
            "the block is not body text"
        );
        let bad = source.replace("label = \"L\"", "lable = \"L\"");
        assert_eq!(
            load(&bad).expect_err("invalid"),
            [
                "b.md:12:1: error: unknown key `lable` in fact 1 of section 1 — did you mean `label`?"
            ]
        );
    }

    #[test]
    fn front_matter_errors_are_placed_in_the_file() {
        let e = load("+++\ntitle = \"T\"\nsumary = \"x\"\n+++\n## S\n").expect_err("invalid");
        assert_eq!(
            e,
            ["b.md:3:1: error: unknown key `sumary` in the front matter — did you mean `summary`?"]
        );
    }

    #[test]
    fn a_heading_repeating_the_front_matter_title_is_the_title() {
        let b = load("+++\ntitle = \"X\"\n+++\n\n# X\n\nBottom line.\n\n## One\n").expect("valid");
        assert_eq!(b.title, "X");
        assert_eq!(b.summary.len(), 1, "{:?}", b.summary);
        assert!(matches!(b.summary[0], Block::Paragraph(_)));
        // Once only: a second `# X` is the text's own heading.
        let b = load("+++\ntitle = \"X\"\n+++\n# X\n# X\n").expect("valid");
        assert_eq!(b.sections[0].headings().len(), 1);
    }

    #[test]
    fn a_document_without_sections_is_one_section() {
        let b = load("# Note\n\nJust text.\n").expect("valid");
        assert_eq!(b.sections.len(), 1);
        assert_eq!(b.sections[0].title, "Note");
        assert!(b.summary.is_empty());
    }

    #[test]
    fn yaml_front_matter_gives_the_common_keys() {
        for close in ["---", "..."] {
            let b = load(&format!(
                "---\ntitle: From YAML\ndate: 2024-05-17\ntags: [trade, china]\n{close}\n\nBottom line.\n\n## One\n\nText.\n"
            ))
            .expect("valid");
            assert_eq!(b.title, "From YAML", "closed by {close}");
            assert_eq!(b.date.map(|d| d.iso()).as_deref(), Some("2024-05-17"));
            assert_eq!(b.tags, ["trade", "china"]);
            assert_eq!(b.sections.len(), 1);
        }
    }

    #[test]
    fn front_matter_fences_are_whole_lines_and_tolerate_trailing_space() {
        let b = load("+++ \r\ntitle = \"T\"\n+++\t\n## One\n").expect("valid");
        assert_eq!(b.title, "T");
        assert_eq!(b.sections.len(), 1);
        // `...` closes YAML only: in TOML it is text inside a string.
        let b = load(
            "+++\ntitle = \"T\"\nsummary = \"\"\"\nFirst.\n...\nSecond.\n\"\"\"\n+++\n## One\n",
        )
        .expect("valid");
        assert_eq!(
            crate::model::blocks_text_of(&b.summary).trim_end(),
            "First. ... Second."
        );
        // `++++` is no fence: the file has no front matter, and no title.
        let e = load("++++\ntitle = \"T\"\n++++\n## One\n").map(|b| b.title);
        assert_ne!(e, Ok("T".to_owned()));
    }

    #[test]
    fn an_unclosed_front_matter_is_an_error_and_a_lone_rule_is_text() {
        let e = load("+++\ntitle = \"T\"\n\n## One\n").expect_err("unclosed");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with(
                "b.md:1:1: error: the front matter opened here with +++ is never closed"
            ),
            "{e:?}"
        );
        // `---` opening a file and never closed is a thematic break.
        let b = load("---\n# Title\n\n## One\n\nText.\n").expect("valid");
        assert_eq!(b.title, "Title");
        assert_eq!(b.sections.len(), 1);
        assert!(
            matches!(b.summary.first(), Some(Block::Rule)),
            "{:?}",
            b.summary
        );
    }

    #[test]
    fn chart_and_sources_blocks_go_to_their_section_and_not_to_the_text() {
        let source = "+++\ntitle = \"T\"\n[[sources]]\nid = \"nbb\"\ntitle = \"NBB\"\n+++\n\n\
                      ## One\n\n```sources\nsources = [\"nbb\"]\n```\n\n\
                      ```chart extra words\ntitle = \"Deficit\"\nunit = \"€ bn\"\n\
                      points = [ { label = \"2021\", value = 3.7 }, { label = \"2022\", value = 9.1 } ]\n```\n\n\
                      Text.\n\n## Two\n\n```toml\nsources = [\"nbb\"]\n```\n";
        let b = load(source).expect("valid");
        let one = &b.sections[0];
        assert_eq!(one.sources, [0]);
        assert_eq!(one.charts.len(), 1);
        assert_eq!(one.charts[0].title, "Deficit");
        assert_eq!(one.charts[0].points.len(), 2);
        assert_eq!(
            one.body.blocks().len(),
            1,
            "only the paragraph is text: {:?}",
            one.body
        );
        // Any other info string is code, shown as such.
        let two = &b.sections[1];
        assert!(two.sources.is_empty());
        assert!(
            matches!(two.body.blocks()[..], [Block::Code(_)]),
            "{:?}",
            two.body
        );
    }

    #[test]
    fn a_first_heading_other_than_the_front_matter_title_stays_in_the_text() {
        let b = load("+++\ntitle = \"X\"\n+++\n\n# Y\n\nBottom line.\n\n## One\n").expect("valid");
        assert_eq!(b.title, "X");
        assert!(
            matches!(
                &b.summary[..],
                [Block::Heading { level: 1, .. }, Block::Paragraph(_)]
            ),
            "{:?}",
            b.summary
        );
        // The same words in another case and spacing are the title again.
        let b = load(
            "+++\ntitle = \"Trade  deficit\"\n+++\n\n# trade Deficit\n\nBottom line.\n\n## One\n",
        )
        .expect("valid");
        assert!(
            matches!(&b.summary[..], [Block::Paragraph(_)]),
            "{:?}",
            b.summary
        );
    }

    #[test]
    fn a_heading_over_two_lines_is_one_title_with_a_space() {
        let b = load(
            "Trade deficit\nwith China\n============\n\nBottom line.\n\nThe\ncase\n---\n\nText.\n",
        )
        .expect("valid");
        assert_eq!(b.title, "Trade deficit with China");
        assert_eq!(b.sections[0].title, "The case");
        assert_eq!(b.sections[0].id, "the-case");
    }

    #[test]
    fn a_third_repeated_heading_gets_the_next_number() {
        let b = load("# T\n\n## Notes\n\n## Notes\n\n## Notes\n\n## Notes {#notes-9}\n")
            .expect("valid");
        let ids: Vec<&str> = b.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["notes", "notes-2", "notes-3", "notes-9"]);
    }

    #[test]
    fn a_heading_inside_a_quote_or_a_list_is_text_not_a_section() {
        let b = load("# T\n\n## One\n\n> ## Quoted\n\n- ## Listed\n\n## Two\n").expect("valid");
        let titles: Vec<&str> = b.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["One", "Two"]);
        assert!(matches!(
            &b.sections[0].body.blocks()[..],
            [Block::Quote(_), Block::List { .. }]
        ));
    }

    #[test]
    fn yaml_front_matter_fills_every_common_field() {
        let b = load(
            "---\ntitle: T\nsubtitle: The sub\nclassification: OFFICIAL\naudience: Ministers\n\
             authors: [A. Author, B. Author]\nsummary: The point in brief.\n---\n\n## One\n\nText.\n",
        )
        .expect("valid");
        assert_eq!(b.subtitle.as_deref(), Some("The sub"));
        assert_eq!(b.classification.as_deref(), Some("OFFICIAL"));
        assert_eq!(b.audience.as_deref(), Some("Ministers"));
        assert_eq!(b.authors, ["A. Author", "B. Author"]);
        assert_eq!(
            crate::model::blocks_text_of(&b.summary).trim_end(),
            "The point in brief."
        );
    }

    #[test]
    fn toml_front_matter_gives_the_title_and_an_empty_one_is_an_error() {
        let b = load("+++\ntitle = \"From the front\"\n+++\n\nBottom line.\n\n## One\n")
            .expect("valid");
        assert_eq!(b.title, "From the front");
        let e = load("+++\ntitle = \"  \"\n+++\n\n# Heading\n\n## One\n").expect_err("invalid");
        assert_eq!(
            e,
            [
                "b.md:2:9: error: `title` in the front matter is empty — write the title, or remove the line"
            ]
        );
    }

    #[test]
    fn heading_errors_after_front_matter_point_at_the_heading() {
        // The front matter moves everything down three lines.
        let front = "+++\nsubtitle = \"S\"\n+++\n";
        let e = load(&format!("{front}#\n\n## One\n")).expect_err("empty title");
        assert_eq!(
            e,
            [
                "b.md:4:1: error: the `#` title heading has no text — write the briefing's title after the `#`"
            ]
        );
        // Further down, and underlined to the end of its line.
        let e =
            load_markdown("b.md", &format!("{front}\n\n#  \n\n## One\n")).expect_err("empty title");
        assert_eq!(
            e.diagnostics[0].render_with_snippet(),
            "b.md:6:1: error: the `#` title heading has no text — write the briefing's title after the `#`\n 6 | #  \n   | ^^^"
        );
        let e = load(&format!("{front}# T\n\n##\n")).expect_err("empty section heading");
        assert_eq!(
            e,
            [
                "b.md:6:1: error: the `##` heading of section 1 has no text — write the section's title after the `##`"
            ]
        );
        let e =
            load(&format!("{front}# T\n\n## A {{#x}}\n\n## B {{#x}}\n")).expect_err("duplicate");
        assert_eq!(
            e,
            [
                "b.md:8:1: error: duplicate section id `x` — line 6 uses it already; give each section its own id"
            ]
        );
    }

    #[test]
    fn blocks_before_the_first_section_belong_to_the_briefing_or_are_errors() {
        let front = "+++\ntitle = \"T\"\n+++\n";
        let b = load(&format!(
            "{front}\n```facts\nlabel = \"Deficit\"\nvalue = \"€9.1 bn\"\n```\n\nBottom line.\n\n## One\n"
        ))
        .expect("valid");
        assert_eq!(
            b.facts.len(),
            1,
            "a block of one fact needs no [[facts]] line"
        );
        assert_eq!(b.facts[0].label, "Deficit");
        assert!(b.sections[0].facts.is_empty());

        let e = load(&format!(
            "{front}\n```chart\ntitle = \"C\"\n```\n\n## One\n"
        ))
        .expect_err("chart");
        assert_eq!(
            e,
            [
                "b.md:5:1: error: a ```chart block belongs to a section, and this one is before the first `##` heading — move it below the `##` heading of its section"
            ]
        );
        let e = load(&format!(
            "{front}\n```sources\nsources = []\n```\n\n## One\n"
        ))
        .expect_err("sources");
        assert!(
            e[0].starts_with("b.md:5:1: error: a ```sources block belongs to a section"),
            "{e:?}"
        );
    }

    #[test]
    fn a_facts_block_that_is_empty_or_holds_no_facts_says_so() {
        let front = "+++\ntitle = \"T\"\n+++\n";
        let e = load(&format!("{front}\n## One\n\n```facts\n```\n")).expect_err("empty");
        assert_eq!(
            e,
            [
                "b.md:8:1: error: the facts block is empty — write a [[facts]] table with a label and a value"
            ]
        );
        // An unknown key is named; the block is not also called empty.
        let e =
            load(&format!("{front}\n## One\n\n```facts\nfcts = 1\n```\n")).expect_err("unknown");
        assert_eq!(
            e,
            ["b.md:8:1: error: unknown key `fcts` in a facts block — did you mean `facts`?"]
        );
        let e =
            load(&format!("{front}\n## One\n\n```facts\nwhat = 1\n```\n")).expect_err("unknown");
        assert_eq!(
            e,
            [
                "b.md:8:1: error: unknown key `what` in a facts block — write each fact as a [[facts]] table with a label and a value"
            ]
        );
    }

    #[test]
    fn checks_inside_front_matter_and_blocks_name_lines_of_the_md_file() {
        let source = "+++\ntitle = \"T\"\n[[sources]]\nid = \"a\"\ntitle = \"A\"\n[[sources]]\nid = \"a\"\ntitle = \"B\"\n+++\n## One\n\n\
                      ```chart\ntitle = \"C\"\npoints = [ { label = \"2021\", value = inf } ]\n```\n";
        let e = load_markdown("b.md", source).expect_err("invalid");
        let rendered: Vec<String> = e
            .diagnostics
            .iter()
            .map(crate::diagnostic::Diagnostic::render_with_snippet)
            .collect();
        assert_eq!(
            rendered,
            [
                "b.md:7:6: error: duplicate source id `a` — line 4 uses it already; give each source its own id\n 7 | id = \"a\"\n   |      ^^^",
                "b.md:14:38: error: `value` in point 1 of chart 1 of section 1 is not a finite number — use a finite number; `inf` and `nan` cannot be drawn\n 14 | points = [ { label = \"2021\", value = inf } ]\n    |                                      ^^^",
            ]
        );
    }
}

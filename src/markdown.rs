//! GitHub-flavoured Markdown bodies turned into [`Block`]s.
//!
//! pulldown-cmark does the parsing, with its own options for tables,
//! footnotes, strikethrough, task lists and definition lists; this module
//! only folds its events into the model's blocks and sanitises every piece
//! of text after Markdown decoding. Links keep their text and show their
//! address after it; images show their alt text, title and address; nothing
//! here ever follows one.
//!
//! HTML is never interpreted: comments are left out, tags are dropped and
//! the text between them kept (`<br>` becomes a line break), and an HTML
//! block shows its text. Footnote references become numbers in order of
//! first reference, and the notes a [`Block::Notes`] at the end of the body;
//! a reference that names no note is shown as `[label?]`. What had to be
//! left out or changed is reported in [`Findings`], which `brief check`
//! turns into warnings.
//!
//! **Depth.** Quotes, lists and definition lists nest at most
//! [`MAX_DEPTH`] levels deep. Deeper containers are flattened into the
//! deepest one allowed: their text is all kept, as paragraphs, and the
//! briefing gets a warning. Every later pass over the blocks (layout, plain
//! text, export) recurses at most that deep, and no line carries more than
//! that many levels of indent, so a body of 10,000 `>` costs what its text
//! costs.

use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::model::{Align, Block, Definition, InlineStyle, Inlines, Note, Table};
use crate::sanitize::{self, Findings, Mode};

/// How deep quotes, lists and definition lists may nest before they are
/// flattened.
pub const MAX_DEPTH: usize = 16;

/// What the reader (and `brief check`) is told about Markdown that could
/// not be shown as written.
pub fn notices(findings: Findings) -> Vec<String> {
    let mut notices = Vec::new();
    if findings.html {
        notices.push(
            "this briefing contains HTML; tags and comments are left out and only their text is shown"
                .to_owned(),
        );
    }
    if findings.deep {
        notices.push(format!(
            "this briefing nests quotes or lists more than {MAX_DEPTH} levels deep; the deeper levels are shown flattened"
        ));
    }
    if findings.missing_note {
        notices.push(
            "this briefing refers to a footnote that does not exist; the reference is shown as [label?]"
                .to_owned(),
        );
    }
    notices
}

/// The pulldown-cmark options for GitHub-flavoured Markdown.
pub(crate) fn options() -> Options {
    [
        Options::ENABLE_TABLES,
        Options::ENABLE_FOOTNOTES,
        Options::ENABLE_STRIKETHROUGH,
        Options::ENABLE_TASKLISTS,
        Options::ENABLE_DEFINITION_LIST,
    ]
    .into_iter()
    .collect()
}

/// Parses Markdown `source` into blocks, reporting what sanitising found.
pub fn parse(source: &str) -> (Vec<Block>, Findings) {
    let mut builder = Builder::default();
    for event in Parser::new_ext(source, options()) {
        builder.event(event);
    }
    builder.finish()
}

#[derive(Debug)]
enum Container {
    Root(Vec<Block>),
    Quote(Vec<Block>),
    List {
        start: Option<u32>,
        items: Vec<Vec<Block>>,
        loose: bool,
    },
    Item(Vec<Block>),
    /// A footnote's definition, by label.
    Note(String, Vec<Block>),
    Definitions(Vec<Definition>),
    /// One definition of the last term.
    Detail(Vec<Block>),
}

impl Container {
    fn blocks(&mut self) -> Option<&mut Vec<Block>> {
        match self {
            Container::Root(b)
            | Container::Quote(b)
            | Container::Item(b)
            | Container::Note(_, b)
            | Container::Detail(b) => Some(b),
            Container::List { .. } | Container::Definitions(_) => None,
        }
    }

    /// True for the containers that count towards [`MAX_DEPTH`].
    fn nests(&self) -> bool {
        matches!(
            self,
            Container::Quote(_) | Container::List { .. } | Container::Definitions(_)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum InlineKind {
    Paragraph,
    Heading(u8),
    /// Text straight inside a tight list item.
    Implicit,
    /// A table cell.
    Cell,
    /// A definition list's term.
    Term,
}

/// A table being built.
#[derive(Debug, Default)]
struct TableBuilder {
    table: Table,
    /// The cells of the row being read; the end of the header or of a
    /// row takes them all.
    row: Vec<Inlines>,
}

#[derive(Debug)]
struct Builder {
    stack: Vec<Container>,
    /// Containers opened beyond [`MAX_DEPTH`] and not yet closed.
    overflow: usize,
    inline: Option<(InlineKind, Vec<Run>)>,
    styles: Vec<InlineStyle>,
    links: Vec<(String, String)>,
    code: Option<String>,
    html: Option<String>,
    /// An inline tag or comment was just left out: a space after it
    /// next to a space before it shows as one, as a browser shows it.
    after_dropped_tag: bool,
    table: Option<TableBuilder>,
    /// Footnote labels (normalised) in order of first reference.
    referenced: Vec<String>,
    /// Footnote definitions: normalised label and blocks.
    notes: Vec<(String, Vec<Block>)>,
    findings: Findings,
}

impl Default for Builder {
    fn default() -> Self {
        Self {
            stack: vec![Container::Root(Vec::new())],
            overflow: 0,
            inline: None,
            styles: Vec::new(),
            links: Vec::new(),
            code: None,
            html: None,
            after_dropped_tag: false,
            table: None,
            referenced: Vec::new(),
            notes: Vec::new(),
            findings: Findings::default(),
        }
    }
}

impl Builder {
    fn style(&self) -> InlineStyle {
        self.styles
            .iter()
            .fold(InlineStyle::PLAIN, |acc, s| acc.with(*s))
    }

    fn depth(&self) -> usize {
        self.stack.iter().filter(|c| c.nests()).count()
    }

    fn push_block(&mut self, block: Block) {
        self.flush_implicit();
        self.push_block_raw(block);
    }

    fn push_block_raw(&mut self, block: Block) {
        match self.stack.last_mut() {
            Some(Container::List { items, .. }) => {
                // Content straight inside a list without an item: keep it as one.
                items.push(vec![block]);
            }
            Some(Container::Definitions(definitions)) => {
                // Content outside a definition: it joins the last one.
                match definitions.last_mut() {
                    Some(last) => last.details.push(vec![block]),
                    None => definitions.push(Definition {
                        term: Inlines::default(),
                        details: vec![vec![block]],
                    }),
                }
            }
            Some(container) => {
                if let Some(blocks) = container.blocks() {
                    blocks.push(block);
                }
            }
            None => {}
        }
    }

    fn flush_implicit(&mut self) {
        if !matches!(self.inline, Some((InlineKind::Implicit, _))) {
            return;
        }
        if let Some((_, inlines)) = self.inline.take()
            && !inlines.is_empty()
        {
            let inlines = self.finish_inlines(inlines);
            self.push_block_raw(Block::Paragraph(inlines));
        }
    }

    /// A finished run of inlines: undefined footnote references made
    /// readable, then compacted.
    fn finish_inlines(&mut self, mut inlines: Vec<Run>) -> Inlines {
        for inline in &mut inlines {
            if !inline.style.contains(InlineStyle::CODE)
                && let Some(fixed) = missing_references(&inline.text)
            {
                inline.text = fixed;
                self.findings.missing_note = true;
            }
        }
        compact(inlines)
    }

    fn text(&mut self, raw: &str, style: InlineStyle) {
        if let Some(code) = self.code.as_mut() {
            code.push_str(raw);
            return;
        }
        if let Some(html) = self.html.as_mut() {
            html.push_str(raw);
            return;
        }
        let after_tag = std::mem::take(&mut self.after_dropped_tag);
        let spaced = after_tag
            && self.inline.as_ref().is_some_and(|(_, runs)| {
                runs.last()
                    .is_some_and(|run| run.text.ends_with(|c: char| c.is_ascii_whitespace()))
            });
        let raw = if spaced {
            raw.trim_start_matches(|c: char| c.is_ascii_whitespace())
        } else {
            raw
        };
        let (clean, found) = sanitize::sanitize_with_findings(raw, Mode::Line);
        self.findings.merge(found);
        let inlines = &mut self
            .inline
            .get_or_insert_with(|| (InlineKind::Implicit, Vec::new()))
            .1;
        push_inline(inlines, &clean, style);
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text, self.style()),
            Event::Code(text) => self.text(&text, self.style().with(InlineStyle::CODE)),
            Event::Html(html) => {
                if let Some(buffer) = self.html.as_mut() {
                    buffer.push_str(&html);
                } else {
                    self.html_block(&html);
                }
            }
            Event::InlineHtml(html) => self.inline_html(&html),
            Event::SoftBreak => self.text(" ", self.style()),
            Event::HardBreak => {
                if let Some((_, inlines)) = self.inline.as_mut() {
                    push_inline(inlines, "\n", InlineStyle::PLAIN);
                }
            }
            Event::Rule => self.push_block(Block::Rule),
            Event::FootnoteReference(label) => {
                let label = normalise_label(&label);
                let number = match self.referenced.iter().position(|l| *l == label) {
                    Some(at) => at + 1,
                    None => {
                        self.referenced.push(label);
                        self.referenced.len()
                    }
                };
                let marker = format!("[{number}]");
                self.text(&marker, self.style().with(InlineStyle::NOTE));
            }
            Event::TaskListMarker(done) => {
                self.text(if done { "[x]" } else { "[ ]" }, InlineStyle::TASK);
                self.text(" ", InlineStyle::PLAIN);
            }
            Event::InlineMath(math) | Event::DisplayMath(math) => {
                self.text(&math, self.style().with(InlineStyle::CODE));
            }
        }
    }

    /// An inline tag is dropped (its text comes as text events); a comment
    /// is left out; `<br>` is a line break.
    fn inline_html(&mut self, html: &str) {
        self.findings.html = true;
        let trimmed = html.trim();
        if trimmed.starts_with("<!--") {
            // pulldown-cmark gives a comment whole, however many lines it
            // spans, and `<!-->` and `<!--->` are whole comments too: there
            // is nothing after it to skip.
            self.after_dropped_tag = true;
            return;
        }
        let name: String = trimmed
            .trim_start_matches('<')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name.eq_ignore_ascii_case("br") {
            if let Some((_, inlines)) = self.inline.as_mut() {
                push_inline(inlines, "\n", InlineStyle::PLAIN);
            }
        } else if !trimmed.starts_with('<') {
            // Not a tag after all: show it as written.
            self.text(html, self.style());
        } else {
            self.after_dropped_tag = true;
        }
    }

    /// An HTML block's text, without tags or comments, as paragraphs.
    fn html_block(&mut self, html: &str) {
        self.findings.html = true;
        let text = html_text(html);
        for paragraph in text.split("\n\n") {
            // HTML runs of spaces, tabs and line ends show as one space; a
            // no-break space (`&nbsp;`) is kept, as a browser keeps it.
            let words: Vec<&str> = paragraph
                .split(|c: char| c.is_ascii_whitespace())
                .filter(|word| !word.is_empty())
                .collect();
            if words.is_empty() {
                continue;
            }
            let joined = words.join(" ");
            let (clean, found) = sanitize::sanitize_with_findings(&joined, Mode::Line);
            self.findings.merge(found);
            self.push_block(Block::Paragraph(Inlines::plain(&clean, InlineStyle::PLAIN)));
        }
    }

    /// Opens a container, or counts it as flattened past [`MAX_DEPTH`].
    fn open(&mut self, container: Container) {
        self.flush_implicit();
        if self.overflow > 0 || (container.nests() && self.depth() >= MAX_DEPTH) {
            self.overflow += 1;
            self.findings.deep = true;
            return;
        }
        self.stack.push(container);
    }

    /// Closes a container: `None` if it was one flattened (or none is open).
    fn close(&mut self) -> Option<Container> {
        self.flush_implicit();
        if self.overflow > 0 {
            self.overflow -= 1;
            return None;
        }
        if self.stack.len() > 1 {
            self.stack.pop()
        } else {
            None
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                self.flush_implicit();
                // pulldown-cmark marks a tight list's text as bare text: a
                // paragraph straight inside an item makes its list loose.
                if let [.., Container::List { loose, .. }, Container::Item(_)] =
                    self.stack.as_mut_slice()
                {
                    *loose = true;
                }
                self.inline = Some((InlineKind::Paragraph, Vec::new()));
            }
            Tag::Heading { level, .. } => {
                self.flush_implicit();
                self.inline = Some((InlineKind::Heading(heading_level(level)), Vec::new()));
            }
            Tag::BlockQuote(_) => self.open(Container::Quote(Vec::new())),
            Tag::List(start) => self.open(Container::List {
                // At most nine digits in Markdown: always within a u32.
                start: start.map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
                items: Vec::new(),
                loose: false,
            }),
            Tag::Item => self.open(Container::Item(Vec::new())),
            Tag::FootnoteDefinition(label) => {
                self.open(Container::Note(normalise_label(&label), Vec::new()));
            }
            Tag::DefinitionList => self.open(Container::Definitions(Vec::new())),
            Tag::DefinitionListTitle => {
                self.flush_implicit();
                self.inline = Some((InlineKind::Term, Vec::new()));
            }
            Tag::DefinitionListDefinition => self.open(Container::Detail(Vec::new())),
            Tag::CodeBlock(_) => {
                self.flush_implicit();
                self.code = Some(String::new());
            }
            Tag::HtmlBlock => {
                self.flush_implicit();
                self.html = Some(String::new());
            }
            Tag::Table(alignments) => {
                self.flush_implicit();
                self.table = Some(TableBuilder {
                    table: Table {
                        alignments: alignments.iter().map(|a| align(*a)).collect(),
                        ..Table::default()
                    },
                    ..TableBuilder::default()
                });
            }
            Tag::TableCell => self.inline = Some((InlineKind::Cell, Vec::new())),
            Tag::Emphasis => self.styles.push(InlineStyle::EMPHASIS),
            Tag::Strong => self.styles.push(InlineStyle::STRONG),
            Tag::Strikethrough => self.styles.push(InlineStyle::STRIKE),
            Tag::Link { dest_url, .. } => {
                self.styles.push(InlineStyle::LINK);
                self.links.push((dest_url.into_string(), String::new()));
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                self.links
                    .push((dest_url.into_string(), title.into_string()));
                self.text("[image: ", self.style());
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                // A paragraph of nothing but tags or comments shows nothing,
                // not an empty block with blank lines around it.
                if let Some((_, inlines)) = self.inline.take()
                    && inlines.iter().any(|run| !run.text.trim().is_empty())
                {
                    let inlines = self.finish_inlines(inlines);
                    self.push_block_raw(Block::Paragraph(inlines));
                }
            }
            TagEnd::Heading(_) => {
                if let Some((kind, inlines)) = self.inline.take() {
                    let level = match kind {
                        InlineKind::Heading(level) => level,
                        _ => 3,
                    };
                    let text = self.finish_inlines(inlines);
                    self.push_block_raw(Block::Heading { level, text });
                }
            }
            TagEnd::BlockQuote(_) => {
                if let Some(Container::Quote(blocks)) = self.close() {
                    self.push_block_raw(Block::Quote(exact(blocks)));
                }
            }
            TagEnd::List(_) => {
                if let Some(Container::List {
                    start,
                    items,
                    loose,
                }) = self.close()
                {
                    self.push_block_raw(Block::List {
                        start,
                        items: exact(items),
                        loose,
                    });
                }
            }
            TagEnd::Item => {
                if let Some(Container::Item(blocks)) = self.close()
                    && let Some(Container::List { items, .. }) = self.stack.last_mut()
                {
                    items.push(exact(blocks));
                }
            }
            TagEnd::FootnoteDefinition => {
                if let Some(Container::Note(label, blocks)) = self.close() {
                    self.notes.push((label, exact(blocks)));
                }
            }
            TagEnd::DefinitionList => {
                if let Some(Container::Definitions(definitions)) = self.close() {
                    self.push_block_raw(Block::Definitions(exact(definitions)));
                }
            }
            TagEnd::DefinitionListTitle => {
                if let Some((_, inlines)) = self.inline.take() {
                    let term = self.finish_inlines(inlines);
                    match self.stack.last_mut() {
                        Some(Container::Definitions(definitions)) => {
                            definitions.push(Definition {
                                term,
                                details: Vec::new(),
                            });
                        }
                        // A flattened list's term is a paragraph of its own.
                        _ => self.push_block_raw(Block::Paragraph(term)),
                    }
                }
            }
            TagEnd::DefinitionListDefinition => {
                if let Some(Container::Detail(blocks)) = self.close()
                    && let Some(Container::Definitions(definitions)) = self.stack.last_mut()
                {
                    let blocks = exact(blocks);
                    match definitions.last_mut() {
                        Some(last) => last.details.push(blocks),
                        None => definitions.push(Definition {
                            term: Inlines::default(),
                            details: vec![blocks],
                        }),
                    }
                }
            }
            TagEnd::CodeBlock => {
                if let Some(code) = self.code.take() {
                    let (clean, found) = sanitize::sanitize_with_findings(&code, Mode::Block);
                    self.findings.merge(found);
                    let clean = clean.trim_end_matches('\n').to_owned();
                    self.push_block_raw(Block::Code(clean));
                }
            }
            TagEnd::HtmlBlock => {
                if let Some(html) = self.html.take() {
                    self.html_block(&html);
                }
            }
            TagEnd::TableCell => {
                let cell = match self.inline.take() {
                    Some((_, inlines)) => self.finish_inlines(inlines),
                    None => Inlines::default(),
                };
                if let Some(table) = self.table.as_mut() {
                    table.row.push(cell);
                }
            }
            TagEnd::TableHead => {
                if let Some(table) = self.table.as_mut() {
                    table.table.head = exact(std::mem::take(&mut table.row));
                }
            }
            TagEnd::TableRow => {
                if let Some(table) = self.table.as_mut() {
                    let row = exact(std::mem::take(&mut table.row));
                    table.table.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(mut table) = self.table.take() {
                    table.table.rows = exact(table.table.rows);
                    self.push_block_raw(Block::Table(Box::new(table.table)));
                }
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.styles.pop();
            }
            TagEnd::Link => {
                self.styles.pop();
                if let Some((url, _)) = self.links.pop() {
                    self.show_address(&url, None);
                }
            }
            TagEnd::Image => {
                if let Some((url, title)) = self.links.pop() {
                    self.show_address(&url, Some(&title));
                }
            }
            _ => {}
        }
    }

    /// Shows a link's address after its text, unless the text is the
    /// address; an image's title (if any) and address close its brackets.
    fn show_address(&mut self, url: &str, image_title: Option<&str>) {
        let shown_text: String = self
            .inline
            .as_ref()
            .map(|(_, inlines)| {
                inlines
                    .iter()
                    .rev()
                    .take_while(|i| i.style.contains(InlineStyle::LINK))
                    .map(|i| i.text.as_str())
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect()
            })
            .unwrap_or_default();
        let bare = url.strip_prefix("mailto:").unwrap_or(url);
        if let Some(title) = image_title {
            if !title.is_empty() {
                let title = format!(" \u{201c}{title}\u{201d}");
                self.text(&title, self.style());
            }
            let tail = if url.is_empty() {
                "]".to_owned()
            } else {
                format!(" {url}]")
            };
            self.text(&tail, self.style().with(InlineStyle::ADDRESS));
        } else if !url.is_empty() && shown_text != url && shown_text != bare {
            self.text(" (", self.style());
            self.text(url, self.style().with(InlineStyle::ADDRESS));
            self.text(")", self.style());
        }
    }

    fn finish(mut self) -> (Vec<Block>, Findings) {
        self.flush_implicit();
        if let Some(html) = self.html.take() {
            self.html_block(&html);
        }
        self.overflow = 0;
        while self.stack.len() > 1 {
            match self.stack.pop() {
                Some(Container::Quote(blocks)) => self.push_block_raw(Block::Quote(blocks)),
                Some(Container::Item(blocks)) => {
                    if let Some(Container::List { items, .. }) = self.stack.last_mut() {
                        items.push(blocks);
                    }
                }
                Some(Container::List {
                    start,
                    items,
                    loose,
                }) => {
                    self.push_block_raw(Block::List {
                        start,
                        items,
                        loose,
                    });
                }
                Some(Container::Note(label, blocks)) => self.notes.push((label, blocks)),
                Some(Container::Definitions(definitions)) => {
                    self.push_block_raw(Block::Definitions(definitions));
                }
                Some(Container::Detail(blocks)) => {
                    for block in blocks {
                        self.push_block_raw(block);
                    }
                }
                Some(Container::Root(_)) | None => {}
            }
        }
        let mut blocks = match self.stack.pop() {
            Some(Container::Root(blocks)) => blocks,
            _ => Vec::new(),
        };
        if let Some(notes) = self.footnotes() {
            blocks.push(notes);
        }
        (exact(blocks), self.findings)
    }

    /// The notes in order of first reference; notes never referenced
    /// follow, so that no text an author wrote is lost.
    fn footnotes(&mut self) -> Option<Block> {
        if self.notes.is_empty() {
            return None;
        }
        let mut definitions = std::mem::take(&mut self.notes);
        let mut notes = Vec::with_capacity(definitions.len());
        for (number, label) in self.referenced.iter().enumerate() {
            if let Some(at) = definitions.iter().position(|(l, _)| l == label) {
                let (_, blocks) = definitions.remove(at);
                notes.push(Note {
                    number: number + 1,
                    blocks,
                });
            }
        }
        let first_unreferenced = self.referenced.len() + 1;
        for (number, (_, blocks)) in (first_unreferenced..).zip(definitions) {
            notes.push(Note { number, blocks });
        }
        Some(Block::Notes(notes))
    }
}

/// A footnote label as GitHub matches it: case and runs of space ignored.
fn normalise_label(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Text with every `[^label]` (a reference to a footnote that does not
/// exist, which the parser leaves as text) shown as `[label?]`; `None` if
/// there is none.
fn missing_references(text: &str) -> Option<String> {
    if !text.contains("[^") {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.find("[^") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let label_end = after.find(|c: char| c == ']' || c == '[' || c.is_whitespace());
        match label_end {
            Some(end) if end > 0 && after[end..].starts_with(']') => {
                out.push('[');
                out.push_str(&after[..end]);
                out.push_str("?]");
                rest = &after[end + 1..];
                changed = true;
            }
            _ => {
                out.push_str("[^");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// The text a browser shows for an HTML fragment: comments, tags and the
/// contents of `<script>` and `<style>` left out, common character
/// references decoded, block-level tags turned into paragraph breaks.
fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while !rest.is_empty() {
        let Some(at) = rest.find('<') else {
            out.push_str(&decode_entities(rest));
            break;
        };
        out.push_str(&decode_entities(&rest[..at]));
        let tail = &rest[at..];
        if let Some(comment) = tail.strip_prefix("<!--") {
            // `<!-->` and `<!--->` are whole comments (CommonMark 0.31).
            rest = match comment.strip_prefix('>').or(comment.strip_prefix("->")) {
                Some(after) => after,
                None => comment.find("-->").map_or("", |end| &comment[end + 3..]),
            };
            continue;
        }
        let name: String = tail[1..]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let looks_like_tag = !name.is_empty() || tail[1..].starts_with(['!', '?', '/']);
        if !looks_like_tag {
            out.push('<');
            rest = &tail[1..];
            continue;
        }
        let end = tail.find('>').map_or(tail.len(), |e| e + 1);
        rest = &tail[end..];
        if (name == "script" || name == "style") && !tail[1..].starts_with('/') {
            let close = format!("</{name}");
            let lower = rest.to_ascii_lowercase();
            rest = match lower.find(&close) {
                Some(at) => {
                    let after = &rest[at..];
                    after.find('>').map_or("", |e| &after[e + 1..])
                }
                None => "",
            };
            continue;
        }
        if matches!(
            name.as_str(),
            "p" | "div"
                | "br"
                | "tr"
                | "li"
                | "table"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "pre"
                | "blockquote"
                | "ul"
                | "ol"
                | "hr"
        ) {
            out.push_str("\n\n");
        } else if matches!(name.as_str(), "td" | "th") {
            out.push(' ');
        }
    }
    out
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;` and numeric
/// character references decoded; others left as written.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    Some(
                        char::from_u32(code)
                            .filter(|c| *c != '\0')
                            .unwrap_or('\u{fffd}'),
                    )
                }
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn align(alignment: Alignment) -> Align {
    match alignment {
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
        Alignment::None | Alignment::Left => Align::Left,
    }
}

/// A finished run of inlines in the model's compact form, without the room
/// reserved while it grew: a briefing's text lives in these for as long as
/// it is open.
///
/// The text is copied into an allocation of its exact size and the grown
/// ones freed whole: shrinking in place would leave the freed tails as
/// small holes between live strings, which a large briefing turns into
/// megabytes of memory that is neither used nor given back.
fn compact(inlines: Vec<Run>) -> Inlines {
    Inlines::new(inlines.iter().map(|run| (run.text.as_str(), run.style)))
}

/// A finished list moved into an allocation of its exact size (see
/// [`compact`] for why not `shrink_to_fit`).
fn exact<T>(items: Vec<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    out.extend(items);
    out
}

/// A run of text being gathered, before it goes into [`Inlines`].
#[derive(Debug)]
struct Run {
    text: String,
    style: InlineStyle,
}

fn push_inline(inlines: &mut Vec<Run>, text: &str, style: InlineStyle) {
    if text.is_empty() {
        return;
    }
    match inlines.last_mut() {
        Some(last) if last.style == style => last.text.push_str(text),
        _ => inlines.push(Run {
            text: text.to_owned(),
            style,
        }),
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::plain_text;

    fn blocks(source: &str) -> Vec<Block> {
        parse(source).0
    }

    #[test]
    fn paragraphs_and_headings() {
        let b = blocks("One *two* **three** `four`.\n\n### Sub\n\nNext.");
        assert_eq!(b.len(), 3);
        let Block::Paragraph(inlines) = &b[0] else {
            panic!("not a paragraph: {b:?}");
        };
        assert_eq!(plain_text(inlines), "One two three four.");
        assert_eq!(
            inlines.iter().nth(1).expect("run").style,
            InlineStyle::EMPHASIS
        );
        assert_eq!(
            inlines.iter().nth(3).expect("run").style,
            InlineStyle::STRONG
        );
        assert_eq!(inlines.iter().nth(5).expect("run").style, InlineStyle::CODE);
        assert!(matches!(&b[1], Block::Heading { level: 3, .. }));
    }

    #[test]
    fn nested_tight_lists() {
        let b = blocks("- one\n  - inner\n- two\n");
        let Block::List {
            start: None, items, ..
        } = &b[0]
        else {
            panic!("not a list: {b:?}");
        };
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0][0], Block::Paragraph(_)));
        assert!(matches!(items[0][1], Block::List { .. }));
    }

    #[test]
    fn numbered_list_keeps_its_start() {
        let b = blocks("3. three\n4. four\n");
        assert!(matches!(&b[0], Block::List { start: Some(3), .. }));
    }

    #[test]
    fn quotes_hold_blocks() {
        let b = blocks("> quoted\n>\n> more\n");
        let Block::Quote(inner) = &b[0] else {
            panic!("not a quote: {b:?}");
        };
        assert_eq!(inner.len(), 2);
    }

    #[test]
    fn links_show_text_and_address() {
        let b = blocks("See [the report](https://example.org/r).");
        let Block::Paragraph(inlines) = &b[0] else {
            panic!("not a paragraph");
        };
        assert_eq!(
            plain_text(inlines),
            "See the report (https://example.org/r)."
        );
    }

    #[test]
    fn autolinks_show_the_address_once() {
        let b = blocks("<https://example.org>");
        let Block::Paragraph(inlines) = &b[0] else {
            panic!("not a paragraph");
        };
        assert_eq!(plain_text(inlines), "https://example.org");
    }

    #[test]
    fn escapes_in_text_are_made_visible() {
        let (b, found) = parse("red \u{1b}[31m alert \u{202e}");
        let Block::Paragraph(inlines) = &b[0] else {
            panic!("not a paragraph");
        };
        assert_eq!(plain_text(inlines), "red ␛[31m alert [RLO]");
        assert!(found.controls && found.bidi);
    }

    #[test]
    fn html_tags_are_dropped_and_their_text_kept() {
        let (b, found) = parse(
            "a <b>bold</b> claim <!-- hidden -->\n\n<div>\nblock &amp; <i>text</i>\n</div>\n",
        );
        let Block::Paragraph(inlines) = &b[0] else {
            panic!("not a paragraph");
        };
        assert_eq!(plain_text(inlines).trim(), "a bold claim");
        let Block::Paragraph(inlines) = &b[1] else {
            panic!("not a paragraph: {b:?}");
        };
        assert_eq!(plain_text(inlines), "block & text");
        assert!(found.html);
    }

    #[test]
    fn comments_spanning_lines_are_left_out() {
        let b = blocks("before <!-- one\ntwo --> after\n\n<!--\nblock\ncomment\n-->\n\nlast");
        let text: String = b
            .iter()
            .map(|block| match block {
                Block::Paragraph(inlines) => plain_text(inlines) + "\n",
                _ => String::new(),
            })
            .collect();
        assert!(!text.contains("one") && !text.contains("two"), "{text}");
        assert!(!text.contains("comment"), "{text}");
        assert!(text.contains("before") && text.contains("after") && text.contains("last"));
    }

    #[test]
    fn tables_keep_cells_and_alignment() {
        let b = blocks("| a | b |\n|:-|--:|\n| *x* | 1 |\n| y |\n");
        let Block::Table(table) = &b[0] else {
            panic!("not a table: {b:?}");
        };
        assert_eq!(table.alignments, vec![Align::Left, Align::Right]);
        assert_eq!(plain_text(&table.head[1]), "b");
        assert_eq!(table.rows.len(), 2);
        assert_eq!(
            table.rows[0][0].iter().next().expect("run").style,
            InlineStyle::EMPHASIS
        );
    }

    #[test]
    fn footnotes_are_numbered_by_first_reference() {
        let (b, found) =
            parse("b[^b] a[^a] b again[^b] gone[^none]\n\n[^a]: A.\n[^b]: B.\n[^c]: C.\n");
        let Block::Paragraph(inlines) = &b[0] else {
            panic!("not a paragraph");
        };
        assert_eq!(plain_text(inlines), "b[1] a[2] b again[1] gone[none?]");
        assert!(found.missing_note);
        let Some(Block::Notes(notes)) = b.last() else {
            panic!("no notes: {b:?}");
        };
        let numbered: Vec<(usize, String)> = notes
            .iter()
            .map(|n| (n.number, crate::model::blocks_text_of(&n.blocks)))
            .collect();
        assert_eq!(
            numbered,
            vec![(1, "B.\n".into()), (2, "A.\n".into()), (3, "C.\n".into())]
        );
    }

    #[test]
    fn task_boxes_are_marked() {
        let b = blocks("- [ ] open\n- [x] done\n");
        let Block::List { items, .. } = &b[0] else {
            panic!("not a list");
        };
        let Block::Paragraph(inlines) = &items[1][0] else {
            panic!("not a paragraph");
        };
        assert_eq!(inlines.iter().next().expect("run").style, InlineStyle::TASK);
        assert_eq!(plain_text(inlines), "[x] done");
    }

    /// The depth of the deepest container.
    fn depth(blocks: &[Block]) -> usize {
        blocks
            .iter()
            .map(|b| match b {
                Block::Quote(inner) => 1 + depth(inner),
                Block::List { items, .. } => 1 + items.iter().map(|i| depth(i)).max().unwrap_or(0),
                _ => 0,
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn nesting_is_flattened_past_the_cap_and_no_text_is_lost() {
        for prefix in ["> ", "- ", "1. ", "> - "] {
            let source = format!("{}deep text", prefix.repeat(5_000));
            let (b, found) = parse(&source);
            assert!(depth(&b) <= MAX_DEPTH, "{prefix:?}: {}", depth(&b));
            assert!(found.deep);
            let mut text = String::new();
            crate::model::blocks_text(&b, &mut text);
            assert!(text.contains("deep text"), "{prefix:?}");
        }
        let (_, found) = parse(&"> ".repeat(MAX_DEPTH));
        assert!(!found.deep);
    }

    fn paragraph_texts(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .filter_map(|block| match block {
                Block::Paragraph(inlines) => Some(plain_text(inlines)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_text_right_after_a_comment_that_spans_lines_is_kept_whole() {
        let b = blocks("before <!-- one\ntwo -->after it\n\n<!-- a\nb -->\n\nend");
        assert_eq!(paragraph_texts(&b), ["before after it", "end"]);
    }

    #[test]
    fn inline_html_is_noticed_and_br_breaks_the_line() {
        let (b, found) = parse("one<br>two <span>three</span>");
        assert!(found.html);
        let Some(Block::Paragraph(inlines)) = b.first() else {
            panic!("{b:?}");
        };
        let text: String = inlines.iter().map(|run| run.text).collect();
        assert_eq!(text, "one\ntwo three");
        let (_, found) = parse("no markup at all");
        assert!(!found.html);
    }

    #[test]
    fn each_finding_has_its_notice_and_none_has_none() {
        assert!(notices(Findings::default()).is_empty());
        let html = Findings {
            html: true,
            ..Findings::default()
        };
        assert_eq!(
            notices(html),
            [
                "this briefing contains HTML; tags and comments are left out and only their text is shown"
            ]
        );
        let deep = Findings {
            deep: true,
            ..Findings::default()
        };
        assert_eq!(
            notices(deep),
            [
                "this briefing nests quotes or lists more than 16 levels deep; the deeper levels are shown flattened"
            ]
        );
        let missing = Findings {
            missing_note: true,
            ..Findings::default()
        };
        assert_eq!(
            notices(missing),
            [
                "this briefing refers to a footnote that does not exist; the reference is shown as [label?]"
            ]
        );
        let (_, found) = parse("A reference to a missing note[^nope].");
        assert_eq!(notices(found).len(), 1);
    }

    #[test]
    fn after_nesting_too_deep_the_next_blocks_are_at_the_top_again() {
        let source = format!("{}deep\n\nafter\n\n- a\n- b\n\n> quoted", "> ".repeat(40));
        let (b, found) = parse(&source);
        assert!(found.deep);
        assert_eq!(b.len(), 4, "{b:?}");
        assert!(matches!(&b[0], Block::Quote(_)));
        assert_eq!(paragraph_texts(&b[1..2]), ["after"]);
        assert!(matches!(&b[2], Block::List { start: None, items, .. } if items.len() == 2));
        assert!(matches!(&b[3], Block::Quote(inner) if paragraph_texts(inner) == ["quoted"]));
    }

    #[test]
    fn the_shortest_comments_hide_nothing_after_them() {
        // `<!-->` and `<!--->` are whole comments (CommonMark 0.31).
        let b = blocks("Before <!--> after.\n\nNext <!---> too.\n\nLast.");
        assert_eq!(paragraph_texts(&b), ["Before after.", "Next too.", "Last."]);
    }

    #[test]
    fn the_shortest_comments_in_an_html_block_hide_nothing_after_them() {
        let b = blocks("<div>\n<!--> kept <!---> also <!-- gone --> end\n</div>\n\nNext.");
        let text = paragraph_texts(&b).join(" | ");
        assert_eq!(text, "kept also end | Next.");
    }

    fn runs(inlines: &Inlines) -> Vec<(String, InlineStyle)> {
        inlines
            .iter()
            .map(|run| (run.text.to_owned(), run.style))
            .collect()
    }

    #[test]
    fn headings_keep_their_level() {
        let b = blocks("## Two\n\n#### Four\n\n###### Six");
        let levels: Vec<u8> = b
            .iter()
            .filter_map(|block| match block {
                Block::Heading { level, .. } => Some(*level),
                _ => None,
            })
            .collect();
        assert_eq!(levels, [2, 4, 6]);
    }

    #[test]
    fn definition_lists_keep_terms_and_each_definition() {
        let b = blocks("Term\n: Detail one\n: Detail two\n\nOther\n: D");
        let [Block::Definitions(list)] = &b[..] else {
            panic!("{b:?}");
        };
        let terms: Vec<String> = list.iter().map(|d| plain_text(&d.term)).collect();
        assert_eq!(terms, ["Term", "Other"]);
        let details: Vec<Vec<String>> = list
            .iter()
            .map(|d| {
                d.details
                    .iter()
                    .map(|blocks| paragraph_texts(blocks).join(" "))
                    .collect()
            })
            .collect();
        assert_eq!(details, [vec!["Detail one", "Detail two"], vec!["D"]]);
    }

    #[test]
    fn a_table_keeps_its_header_apart_from_its_rows() {
        let b = blocks("| h1 | h2 |\n|:--|--:|\n| a | b |\n| c | d |\n\nAfter.");
        let [Block::Table(table), Block::Paragraph(_)] = &b[..] else {
            panic!("{b:?}");
        };
        let head: Vec<String> = table.head.iter().map(plain_text).collect();
        assert_eq!(head, ["h1", "h2"]);
        let rows: Vec<Vec<String>> = table
            .rows
            .iter()
            .map(|row| row.iter().map(plain_text).collect())
            .collect();
        assert_eq!(rows, [["a", "b"], ["c", "d"]]);
        assert_eq!(table.alignments, [Align::Left, Align::Right]);
    }

    #[test]
    fn struck_text_is_marked_struck() {
        let [Block::Paragraph(inlines)] = &blocks("~~old~~ new")[..] else {
            panic!("not one paragraph");
        };
        assert_eq!(
            runs(inlines),
            [
                ("old".to_owned(), InlineStyle::STRIKE),
                (" new".to_owned(), InlineStyle::PLAIN)
            ]
        );
    }

    #[test]
    fn an_image_shows_its_alt_text_title_and_address() {
        let [Block::Paragraph(inlines)] =
            &blocks("![alt *text*](http://x/y.png \"The title\") after")[..]
        else {
            panic!("not one paragraph");
        };
        assert_eq!(
            plain_text(inlines),
            "[image: alt text “The title” http://x/y.png] after"
        );
    }

    #[test]
    fn a_quote_ends_where_its_markers_end() {
        let b = blocks("> a\n\nb");
        let [Block::Quote(inner), Block::Paragraph(after)] = &b[..] else {
            panic!("{b:?}");
        };
        assert_eq!(paragraph_texts(inner), ["a"]);
        assert_eq!(plain_text(after), "b");
    }

    #[test]
    fn text_after_a_footnote_definition_is_body_text_again() {
        let b = blocks("Text[^1].\n\n[^1]: The note.\n\nAfter the note.");
        assert_eq!(paragraph_texts(&b), ["Text[1].", "After the note."]);
        let Some(Block::Notes(notes)) = b.last() else {
            panic!("{b:?}");
        };
        assert_eq!(notes.len(), 1);
        assert_eq!(paragraph_texts(&notes[0].blocks), ["The note."]);
    }

    #[test]
    fn a_reference_to_a_missing_note_is_shown_readably_and_nothing_else_is() {
        let text = |source: &str| paragraph_texts(&blocks(source)).join(" | ");
        assert_eq!(text("See[^nope] and [^x]."), "See[nope?] and [x?].");
        // Not references: no label, a space in it, or no closing bracket.
        assert_eq!(text("a [^] b"), "a [^] b");
        assert_eq!(text("a [^b c] d"), "a [^b c] d");
        assert_eq!(text("a [^b[c] d"), "a [^b[c] d");
        // Code is shown as written.
        assert_eq!(text("`[^nope]`"), "[^nope]");
    }

    #[test]
    fn an_email_autolink_shows_the_address_once() {
        let b = blocks("Write to <someone@example.org>.");
        assert_eq!(paragraph_texts(&b), ["Write to someone@example.org."]);
        // A mailto link whose text is the address: shown once too.
        let b = blocks("Write to [someone@example.org](mailto:someone@example.org).");
        assert_eq!(paragraph_texts(&b), ["Write to someone@example.org."]);
        // Other text: the address follows it.
        let b = blocks("[Write](mailto:someone@example.org).");
        assert_eq!(paragraph_texts(&b), ["Write (mailto:someone@example.org)."]);
    }

    #[test]
    fn text_after_a_definition_list_is_not_part_of_it() {
        let b = blocks("Term\n: Detail\n\nAfter.");
        assert!(
            matches!(&b[..], [Block::Definitions(_), Block::Paragraph(_)]),
            "{b:?}"
        );
        assert_eq!(paragraph_texts(&b), ["After."]);
    }

    #[test]
    fn an_html_block_shows_its_text_with_entities_decoded() {
        let b = blocks(
            "<div>\nA &lt;b&gt; &quot;q&quot; &apos;s&apos; a&nbsp;b &amp; &#65;&#x42;&#X43; &#0; &bogus; &#xZZ; 1 < 2\n</div>",
        );
        assert_eq!(
            paragraph_texts(&b),
            ["A <b> \"q\" 's' a\u{a0}b & ABC \u{fffd} &bogus; &#xZZ; 1 < 2"]
        );
    }

    #[test]
    fn an_html_block_leaves_out_declarations_scripts_and_styles() {
        let b = blocks(
            "<div>\n<!DOCTYPE html><?xml version=\"1.0\"?>Shown <script>hidden()</script>and <STYLE>p {}</STYLE>kept.\n</div>",
        );
        assert_eq!(paragraph_texts(&b), ["Shown and kept."]);
        // A script never closed hides the rest: it is code, not text.
        let b = blocks("<div>\nBefore <script>never closed\n</div>");
        assert_eq!(paragraph_texts(&b), ["Before"]);
    }

    #[test]
    fn a_paragraph_of_only_tags_or_comments_leaves_no_gap() {
        let b = blocks("Before\n\n<span></span>\n\nx <!-- y --> <b></b>\n\nAfter");
        let texts: Vec<String> = paragraph_texts(&b)
            .iter()
            .map(|t| t.trim_end().to_owned())
            .collect();
        assert_eq!(texts, ["Before", "x", "After"]);
        assert_eq!(b.len(), 3, "{b:?}");
    }

    #[test]
    fn the_options_are_the_github_extensions_and_no_others() {
        let wanted = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_DEFINITION_LIST;
        assert_eq!(options(), wanted);
    }

    #[test]
    fn the_blocks_after_an_html_block_are_markdown_again() {
        let b = blocks("<div>\nx\n</div>\n\n- *a*\n- b");
        let [Block::Paragraph(x), Block::List { items, .. }] = &b[..] else {
            panic!("{b:?}");
        };
        assert_eq!(plain_text(x), "x");
        let items: Vec<String> = items
            .iter()
            .map(|item| paragraph_texts(item).join(" "))
            .collect();
        assert_eq!(items, ["a", "b"]);
    }

    #[test]
    fn a_list_is_loose_when_its_items_hold_paragraphs() {
        let loose = |source: &str| match blocks(source).first() {
            Some(Block::List { loose, .. }) => *loose,
            other => panic!("{other:?}"),
        };
        assert!(!loose("- a\n- b"));
        assert!(loose("- a\n\n- b"));
        assert!(loose("- a\n- b\n\n  more of b"));
        // A blank line inside a nested list makes that one loose, not its
        // parent; a quote's paragraphs in a tight item do not either.
        assert!(!loose("- a\n  - x\n\n  - y\n- b"));
        assert!(!loose("- > q\n- b"));
        let b = blocks("- a\n  - x\n\n  - y\n- b");
        let Some(Block::List { items, .. }) = b.first() else {
            panic!("{b:?}");
        };
        assert!(
            matches!(items[0][1], Block::List { loose: true, .. }),
            "{b:?}"
        );
        // A start number keeps its nine digits.
        assert!(matches!(
            blocks("123456789. a").first(),
            Some(Block::List {
                start: Some(123_456_789),
                ..
            })
        ));
    }

    #[test]
    fn spaces_around_a_tag_left_out_show_as_one() {
        let texts = |source: &str| paragraph_texts(&blocks(source));
        assert_eq!(texts("x <span></span> y"), ["x y"]);
        assert_eq!(texts("x <!-- note --> y"), ["x y"]);
        assert_eq!(texts("a <b>bold</b> c"), ["a bold c"]);
        assert_eq!(texts("a<b></b>b"), ["ab"]);
        // Only the space a tag left behind: the text's own stays, also
        // at the start of code after a space.
        assert_eq!(texts("a  b"), ["a  b"]);
        assert_eq!(texts("a `  b`"), ["a   b"]);
        assert_eq!(texts("x <span></span>  y <i>z</i>"), ["x y z"]);
    }
}

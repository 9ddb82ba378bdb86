//! CommonMark bodies turned into [`Block`]s.
//!
//! pulldown-cmark does the parsing; this module only folds its events into
//! the model's blocks and sanitises every piece of text after Markdown
//! decoding. Links keep their text and show their address after it; nothing
//! here ever follows one. Raw HTML is kept as visible text, never
//! interpreted.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::model::{Block, Inline, InlineStyle};
use crate::sanitize::{self, Findings, Mode};

/// Parses CommonMark `source` into blocks, reporting what sanitising found.
pub fn parse(source: &str) -> (Vec<Block>, Findings) {
    let mut builder = Builder::default();
    let options = Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(source, options) {
        builder.event(event);
    }
    builder.finish()
}

#[derive(Debug)]
enum Container {
    Root(Vec<Block>),
    Quote(Vec<Block>),
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Item(Vec<Block>),
}

impl Container {
    fn blocks(&mut self) -> Option<&mut Vec<Block>> {
        match self {
            Container::Root(b) | Container::Quote(b) | Container::Item(b) => Some(b),
            Container::List { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum InlineKind {
    Paragraph,
    Heading(u8),
    /// Text straight inside a tight list item.
    Implicit,
}

#[derive(Debug)]
struct Builder {
    stack: Vec<Container>,
    inline: Option<(InlineKind, Vec<Inline>)>,
    styles: Vec<InlineStyle>,
    links: Vec<String>,
    code: Option<String>,
    findings: Findings,
}

impl Default for Builder {
    fn default() -> Self {
        Self {
            stack: vec![Container::Root(Vec::new())],
            inline: None,
            styles: Vec::new(),
            links: Vec::new(),
            code: None,
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

    fn push_block(&mut self, block: Block) {
        self.flush_implicit();
        self.push_block_raw(block);
    }

    fn push_block_raw(&mut self, block: Block) {
        if let Some(blocks) = self.stack.last_mut().and_then(Container::blocks) {
            blocks.push(block);
        } else if let Some(Container::List { items, .. }) = self.stack.last_mut() {
            // Content straight inside a list without an item: keep it as one.
            items.push(vec![block]);
        }
    }

    fn flush_implicit(&mut self) {
        if !matches!(self.inline, Some((InlineKind::Implicit, _))) {
            return;
        }
        if let Some((_, inlines)) = self.inline.take()
            && !inlines.is_empty()
        {
            self.push_block_raw(Block::Paragraph(compact(inlines)));
        }
    }

    fn text(&mut self, raw: &str, style: InlineStyle) {
        if let Some(code) = self.code.as_mut() {
            code.push_str(raw);
            return;
        }
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
            Event::InlineHtml(html) | Event::Html(html) => self.text(&html, self.style()),
            Event::SoftBreak => self.text(" ", self.style()),
            Event::HardBreak => {
                if let Some((_, inlines)) = self.inline.as_mut() {
                    push_inline(inlines, "\n", InlineStyle::PLAIN);
                }
            }
            Event::Rule => self.push_block(Block::Rule),
            Event::FootnoteReference(label) => {
                let label = format!("[{label}]");
                self.text(&label, self.style());
            }
            Event::TaskListMarker(done) => {
                self.text(if done { "[x] " } else { "[ ] " }, self.style());
            }
            Event::InlineMath(math) | Event::DisplayMath(math) => {
                self.text(&math, self.style().with(InlineStyle::CODE));
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                self.flush_implicit();
                self.inline = Some((InlineKind::Paragraph, Vec::new()));
            }
            Tag::Heading { level, .. } => {
                self.flush_implicit();
                self.inline = Some((InlineKind::Heading(heading_level(level)), Vec::new()));
            }
            Tag::BlockQuote(_) => {
                self.flush_implicit();
                self.stack.push(Container::Quote(Vec::new()));
            }
            Tag::List(start) => {
                self.flush_implicit();
                self.stack.push(Container::List {
                    start,
                    items: Vec::new(),
                });
            }
            Tag::Item => {
                self.flush_implicit();
                self.stack.push(Container::Item(Vec::new()));
            }
            Tag::CodeBlock(kind) => {
                self.flush_implicit();
                let _ = matches!(kind, CodeBlockKind::Fenced(_));
                self.code = Some(String::new());
            }
            Tag::HtmlBlock => {
                self.flush_implicit();
                self.code = Some(String::new());
            }
            Tag::Emphasis => self.styles.push(InlineStyle::EMPHASIS),
            Tag::Strong => self.styles.push(InlineStyle::STRONG),
            Tag::Strikethrough => self.styles.push(InlineStyle::STRIKE),
            Tag::Link { dest_url, .. } => {
                self.styles.push(InlineStyle::LINK);
                self.links.push(dest_url.into_string());
            }
            Tag::Image { dest_url, .. } => {
                self.links.push(dest_url.into_string());
                self.text("[image: ", self.style());
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                if let Some((_, inlines)) = self.inline.take() {
                    self.push_block_raw(Block::Paragraph(compact(inlines)));
                }
            }
            TagEnd::Heading(_) => {
                if let Some((kind, inlines)) = self.inline.take() {
                    let level = match kind {
                        InlineKind::Heading(level) => level,
                        _ => 3,
                    };
                    self.push_block_raw(Block::Heading {
                        level,
                        text: compact(inlines),
                    });
                }
            }
            TagEnd::BlockQuote(_) => {
                self.flush_implicit();
                if let Some(Container::Quote(blocks)) = self.stack.pop() {
                    self.push_block_raw(Block::Quote(exact(blocks)));
                }
            }
            TagEnd::List(_) => {
                self.flush_implicit();
                if let Some(Container::List { start, items }) = self.stack.pop() {
                    self.push_block_raw(Block::List {
                        start,
                        items: exact(items),
                    });
                }
            }
            TagEnd::Item => {
                self.flush_implicit();
                if let Some(Container::Item(blocks)) = self.stack.pop()
                    && let Some(Container::List { items, .. }) = self.stack.last_mut()
                {
                    items.push(exact(blocks));
                }
            }
            TagEnd::CodeBlock | TagEnd::HtmlBlock => {
                if let Some(code) = self.code.take() {
                    let (clean, found) = sanitize::sanitize_with_findings(&code, Mode::Block);
                    self.findings.merge(found);
                    let clean = clean.trim_end_matches('\n').to_owned();
                    self.push_block_raw(Block::Code(clean));
                }
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.styles.pop();
            }
            TagEnd::Link => {
                self.styles.pop();
                if let Some(url) = self.links.pop() {
                    self.show_address(&url, false);
                }
            }
            TagEnd::Image => {
                if let Some(url) = self.links.pop() {
                    self.show_address(&url, true);
                }
            }
            _ => {}
        }
    }

    /// Shows a link's address after its text, unless the text is the address.
    fn show_address(&mut self, url: &str, image: bool) {
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
        if image {
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
        while self.stack.len() > 1 {
            match self.stack.pop() {
                Some(Container::Quote(blocks)) => self.push_block_raw(Block::Quote(blocks)),
                Some(Container::Item(blocks)) => {
                    if let Some(Container::List { items, .. }) = self.stack.last_mut() {
                        items.push(blocks);
                    }
                }
                Some(Container::List { start, items }) => {
                    self.push_block_raw(Block::List { start, items });
                }
                Some(Container::Root(_)) | None => {}
            }
        }
        let blocks = match self.stack.pop() {
            Some(Container::Root(blocks)) => blocks,
            _ => Vec::new(),
        };
        (exact(blocks), self.findings)
    }
}

/// A finished run of inlines without the room reserved while it grew: a
/// briefing's text lives in these strings for as long as it is open.
///
/// Each string is copied into an allocation of its exact size and the
/// grown one freed whole: shrinking in place would leave the freed tails as
/// small holes between live strings, which a large briefing turns into
/// megabytes of memory that is neither used nor given back.
fn compact(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut exact = Vec::with_capacity(inlines.len());
    exact.extend(inlines.into_iter().map(|inline| Inline {
        text: inline.text.as_str().to_owned(),
        style: inline.style,
    }));
    exact
}

/// A finished list moved into an allocation of its exact size (see
/// [`compact`] for why not `shrink_to_fit`).
fn exact<T>(items: Vec<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    out.extend(items);
    out
}

fn push_inline(inlines: &mut Vec<Inline>, text: &str, style: InlineStyle) {
    if text.is_empty() {
        return;
    }
    match inlines.last_mut() {
        Some(last) if last.style == style => last.text.push_str(text),
        _ => inlines.push(Inline {
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
        assert_eq!(inlines[1].style, InlineStyle::EMPHASIS);
        assert_eq!(inlines[3].style, InlineStyle::STRONG);
        assert_eq!(inlines[5].style, InlineStyle::CODE);
        assert!(matches!(&b[1], Block::Heading { level: 3, .. }));
    }

    #[test]
    fn nested_tight_lists() {
        let b = blocks("- one\n  - inner\n- two\n");
        let Block::List { start: None, items } = &b[0] else {
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
    fn html_is_text() {
        let b = blocks("a <b>bold</b> claim");
        let Block::Paragraph(inlines) = &b[0] else {
            panic!("not a paragraph");
        };
        assert_eq!(plain_text(inlines), "a <b>bold</b> claim");
    }
}

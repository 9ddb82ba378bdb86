//! A whole briefing written as a Markdown briefing file — the inverse of
//! [`super::markdown_file`], kept beside it so the two forms stay in step.
//!
//! The front matter is TOML between `+++` lines (title, dates, authors,
//! briefing-wide facts, sources); the bottom line and section bodies are
//! the Markdown they were written in ([`RawText`]), not text rebuilt from
//! blocks, so nothing is lost; each section's facts, charts and cited
//! sources become fenced `facts`, `chart` and `sources` blocks. Reading the
//! result gives the same model back, except where Markdown cannot say
//! what TOML can (see [`write()`]).

use std::collections::HashSet;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};

use super::RawText;
use super::markdown_file::{CHART_BLOCK, FACTS_BLOCK, SOURCES_BLOCK, structure_options};
use crate::loader::slug;
use crate::model::{Briefing, Chart, Fact, Source};
use crate::sanitize::{Mode, sanitize};

/// The briefing as a Markdown briefing file.
///
/// What a Markdown file cannot hold is changed so that it reads as
/// intended: a `##` heading at the top level of a body (which would start
/// a new section) is written as `###`, and a fenced block in a body
/// whose info string is `facts`, `chart` or `sources` is given the info
/// string `toml` so it stays code. A fenced block left open at the end of a
/// body is closed there, so it cannot swallow the next section.
///
/// The raw text is sanitised on the way out, as every other string in the
/// model already is: the output may go straight to a terminal.
pub fn write(briefing: &Briefing, raw: &RawText) -> String {
    let mut out = String::new();
    front_matter(briefing, &mut out);
    let summary = fit_body(&sanitize(&raw.summary, Mode::Block));
    if !summary.trim().is_empty() {
        out.push('\n');
        out.push_str(without_blank_lines(&summary));
        out.push('\n');
    }
    // Ids the loader would make, to write `{#id}` only where they differ.
    let mut seen: HashSet<String> = HashSet::new();
    for (number, section) in briefing.sections.iter().enumerate() {
        let base = slug(&section.title, number + 1);
        let mut made = base.clone();
        let mut n = 2;
        while seen.contains(&made) {
            made = format!("{base}-{n}");
            n += 1;
        }
        out.push_str("\n## ");
        out.push_str(&escape_heading(&section.title));
        if made != section.id {
            out.push_str(&format!(" {{#{}}}", section.id));
        }
        out.push('\n');
        seen.insert(section.id.clone());
        if !section.sources.is_empty() {
            let ids: Vec<String> = section
                .sources
                .iter()
                .filter_map(|i| briefing.sources.get(*i))
                .map(|s| toml_string(&s.id))
                .collect();
            out.push_str(&format!(
                "\n```{SOURCES_BLOCK}\nsources = [{}]\n```\n",
                ids.join(", ")
            ));
        }
        if !section.facts.is_empty() {
            out.push_str(&format!("\n```{FACTS_BLOCK}\n"));
            for (i, fact) in section.facts.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str("[[facts]]\n");
                fact_fields(briefing, fact, &mut out);
            }
            out.push_str("```\n");
        }
        for chart in &section.charts {
            out.push_str(&format!("\n```{CHART_BLOCK}\n"));
            chart_fields(briefing, chart, &mut out);
            out.push_str("```\n");
        }
        let body = raw.bodies.get(number).map_or("", String::as_str);
        let body = fit_body(&sanitize(body, Mode::Block));
        if !body.trim().is_empty() {
            out.push('\n');
            out.push_str(without_blank_lines(&body));
            out.push('\n');
        }
    }
    out
}

fn front_matter(briefing: &Briefing, out: &mut String) {
    out.push_str("+++\n");
    out.push_str(&format!("title = {}\n", toml_string(&briefing.title)));
    let optional = [
        ("subtitle", &briefing.subtitle),
        ("classification", &briefing.classification),
        ("audience", &briefing.audience),
    ];
    if let Some(subtitle) = optional[0].1 {
        out.push_str(&format!("subtitle = {}\n", toml_string(subtitle)));
    }
    if let Some(date) = briefing.date {
        out.push_str(&format!("date = {}\n", date.iso()));
    }
    for (key, value) in &optional[1..] {
        if let Some(value) = value {
            out.push_str(&format!("{key} = {}\n", toml_string(value)));
        }
    }
    for (key, list) in [("authors", &briefing.authors), ("tags", &briefing.tags)] {
        if !list.is_empty() {
            let items: Vec<String> = list.iter().map(|s| toml_string(s)).collect();
            out.push_str(&format!("{key} = [{}]\n", items.join(", ")));
        }
    }
    for fact in &briefing.facts {
        out.push_str("\n[[facts]]\n");
        fact_fields(briefing, fact, out);
    }
    for source in &briefing.sources {
        out.push_str("\n[[sources]]\n");
        source_fields(source, out);
    }
    out.push_str("+++\n");
}

fn fact_fields(briefing: &Briefing, fact: &Fact, out: &mut String) {
    out.push_str(&format!("label = {}\n", toml_string(&fact.label)));
    out.push_str(&format!("value = {}\n", toml_string(&fact.value)));
    if let Some(as_of) = &fact.as_of {
        out.push_str(&format!("as_of = {}\n", toml_string(as_of)));
    }
    if let Some(source) = fact.source.and_then(|i| briefing.sources.get(i)) {
        out.push_str(&format!("source = {}\n", toml_string(&source.id)));
    }
    if let Some(note) = &fact.note {
        out.push_str(&format!("note = {}\n", toml_string(note)));
    }
}

fn chart_fields(briefing: &Briefing, chart: &Chart, out: &mut String) {
    out.push_str(&format!("title = {}\n", toml_string(&chart.title)));
    if let Some(unit) = &chart.unit {
        out.push_str(&format!("unit = {}\n", toml_string(unit)));
    }
    if let Some(source) = chart.source.and_then(|i| briefing.sources.get(i)) {
        out.push_str(&format!("source = {}\n", toml_string(&source.id)));
    }
    out.push_str("points = [\n");
    for point in &chart.points {
        out.push_str(&format!(
            "  {{ label = {}, value = {} }},\n",
            toml_string(&point.label),
            toml::Value::Float(point.value)
        ));
    }
    out.push_str("]\n");
}

fn source_fields(source: &Source, out: &mut String) {
    out.push_str(&format!("id = {}\n", toml_string(&source.id)));
    out.push_str(&format!("title = {}\n", toml_string(&source.title)));
    if let Some(publisher) = &source.publisher {
        out.push_str(&format!("publisher = {}\n", toml_string(publisher)));
    }
    if let Some(date) = source.date {
        out.push_str(&format!("date = {}\n", date.iso()));
    }
    if let Some(url) = &source.url {
        out.push_str(&format!("url = {}\n", toml_string(url)));
    }
}

/// Text without the blank lines at its start and end, which mean nothing
/// in Markdown (the first line's indent does, and is kept).
fn without_blank_lines(text: &str) -> &str {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim().is_empty() {
            break;
        }
        start += line.len();
    }
    text[start..].trim_end()
}

/// A TOML string literal holding `text` exactly.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// Heading text that Markdown reads back as exactly `text`: punctuation
/// that could start markup, an entity or heading attributes is escaped.
fn escape_heading(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '&'
                | '~'
                | '|'
                | '#'
                | '!'
                | '{'
                | '}'
                | '$'
                | '^'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A body made safe to place under a `##` heading in a Markdown file (see
/// [`write`]): top-level `##` headings become `###`, fenced blocks that
/// would be read as facts, charts or sources become `toml` code, and a
/// fenced block open at the end is closed.
fn fit_body(body: &str) -> String {
    // (range to replace, replacement), in order.
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut depth = 0usize;
    let mut open_fence: Option<(std::ops::Range<usize>, String)> = None;
    for (event, range) in Parser::new_ext(body, structure_options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    match &tag {
                        Tag::Heading {
                            level: HeadingLevel::H2,
                            ..
                        } => {
                            edits.push((range.clone(), demoted(&body[range.clone()])));
                        }
                        Tag::CodeBlock(CodeBlockKind::Fenced(info)) => {
                            // The range starts at the fence itself, after
                            // any indent.
                            let text = &body[range.clone()];
                            let first = text.lines().next().unwrap_or("");
                            let mark = first.chars().next().unwrap_or('`');
                            let fence_len = first.chars().take_while(|c| *c == mark).count();
                            let fence = mark.to_string().repeat(fence_len);
                            let word = info.split_whitespace().next().unwrap_or("");
                            if [FACTS_BLOCK, CHART_BLOCK, SOURCES_BLOCK].contains(&word) {
                                let start = range.start + fence_len;
                                let end = range.start + first.len();
                                edits.push((start..end, "toml".to_owned()));
                            }
                            open_fence = Some((range.clone(), fence));
                        }
                        _ => {}
                    }
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && end == TagEnd::CodeBlock
                    && let Some((range, fence)) = open_fence.take()
                {
                    let text = body[range.clone()].trim_end();
                    let last = text.lines().last().unwrap_or("").trim();
                    let closed = text.lines().count() > 1
                        && last.starts_with(&fence)
                        && last.chars().all(|c| fence.starts_with(c));
                    if !closed && range.end >= body.trim_end().len() {
                        edits.push((body.len()..body.len(), format!("\n{fence}\n")));
                    }
                }
            }
            _ => {}
        }
    }
    if edits.is_empty() {
        return body.to_owned();
    }
    let mut out = String::with_capacity(body.len() + 16);
    let mut cursor = 0;
    for (range, replacement) in edits {
        if range.start < cursor {
            continue;
        }
        out.push_str(&body[cursor..range.start]);
        out.push_str(&replacement);
        cursor = range.end;
    }
    out.push_str(&body[cursor..]);
    if !body.ends_with('\n') && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// A top-level heading's source rewritten as a `###` heading with the same
/// text: ATX (`## Text ##`) or setext (`Text` over `---`).
fn demoted(source: &str) -> String {
    let trimmed = source.trim_start();
    let text = if trimmed.starts_with('#') {
        trimmed.trim_start_matches('#').trim_end().to_owned()
    } else {
        // Setext: every line but the underline, joined.
        let lines: Vec<&str> = source.trim_end().lines().collect();
        lines[..lines.len().saturating_sub(1)]
            .iter()
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let text = text.trim();
    let ends_in_newline = source.ends_with('\n');
    format!("### {text}{}", if ends_in_newline { "\n" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_read_back_as_written() {
        for title in [
            "Trade deficit (2022)",
            "A *b* [c] {d} #e",
            "1. not a list",
            "x & y",
        ] {
            let events: String = Parser::new_ext(
                &format!("## {}\n", escape_heading(title)),
                structure_options(),
            )
            .filter_map(|e| match e {
                Event::Text(t) => Some(t.to_string()),
                _ => None,
            })
            .collect();
            assert_eq!(events, title);
        }
    }

    #[test]
    fn bodies_keep_to_their_section() {
        let body = "Text.\n\n## Inner\n\nSub\n---\n\n```facts\nx\n```\n\n```\nopen";
        let fitted = fit_body(body);
        assert!(fitted.contains("### Inner\n"), "{fitted}");
        assert!(fitted.contains("### Sub\n"), "{fitted}");
        assert!(fitted.contains("```toml\nx\n```"), "{fitted}");
        assert!(fitted.trim_end().ends_with("open\n```"), "{fitted}");
    }

    const FULL: &str = r##"
title = "Trade with China"
subtitle = "Where Belgium stands"
date = 2024-05-17
classification = "OFFICIAL"
audience = "Ministers"
authors = ["A. Author", "B. Author"]
tags = ["trade", "china"]
summary = """
The deficit *widened*.

## Not a section
"""

[[facts]]
label = "Deficit"
value = "€9.1 bn"
as_of = "2022"
source = "nbb"
note = "Goods only."

[[sections]]
id = "custom"
title = "Trade deficit"
sources = ["nbb", "ft"]
body = """
  Indented first line.

## Inner

```facts
x = 1
```

```
left open"""

[[sections.facts]]
label = "Imports"
value = "€30 bn"

[[sections.facts]]
label = "Exports"
value = "€21 bn"
source = "ft"

[[sections.charts]]
title = "Deficit by year"
unit = "€ bn"
source = "nbb"
points = [ { label = "2021", value = 3.7 }, { label = "2022", value = 9.1 } ]

[[sections]]
title = "Trade deficit"
id = "trade-deficit"
body = "Same title, the id the loader makes for it."

[[sections]]
title = "Empty"

[[sources]]
id = "nbb"
title = "National Bank"
publisher = "NBB"
date = 2023-02-01
url = "https://example.org/nbb"

[[sources]]
id = "ft"
title = "A newspaper"
"##;

    /// What Markdown cannot say: a `##` at the top level of a body is
    /// written as `###`.
    fn demoted(mut b: Briefing) -> Briefing {
        let demote = |blocks: &mut Vec<crate::model::Block>| {
            for block in blocks {
                if let crate::model::Block::Heading { level, .. } = block
                    && *level == 2
                {
                    *level = 3;
                }
            }
        };
        demote(&mut b.summary);
        for section in &mut b.sections {
            demote(section.body.blocks_mut());
        }
        b.notices.clear();
        b
    }

    #[test]
    fn a_whole_briefing_reads_back_from_its_markdown() {
        let (want, raw) = crate::loader::load_str_with_text("b.toml", FULL).expect("valid");
        let markdown = write(&want, &raw);
        let mut got = crate::loader::load_str("b.md", &markdown)
            .unwrap_or_else(|e| panic!("{e}\n---\n{markdown}"));
        got.notices.clear();
        assert_eq!(got, demoted(want), "{markdown}");
        // An id is written only where the loader would not make it.
        assert!(
            markdown.contains("## Trade deficit {#custom}\n"),
            "{markdown}"
        );
        assert!(markdown.contains("\n## Trade deficit\n"), "{markdown}");
        assert!(markdown.contains("\n## Empty\n"), "{markdown}");
        assert!(
            markdown.starts_with("+++\ntitle = \"Trade with China\"\nsubtitle = "),
            "{markdown}"
        );
        assert!(
            markdown.contains("\n\n  Indented first line.\n"),
            "{markdown}"
        );
    }

    #[test]
    fn generated_briefings_read_back_from_their_markdown() {
        for seed_sections in [1, 3, 7] {
            let toml =
                crate::testdata::generate(&crate::testdata::Spec::new(20_000, seed_sections));
            let (want, raw) = crate::loader::load_str_with_text("g.toml", &toml).expect("valid");
            let markdown = write(&want, &raw);
            let mut got = crate::loader::load_str("g.md", &markdown)
                .unwrap_or_else(|e| panic!("{e}\n---\n{markdown}"));
            got.notices.clear();
            assert_eq!(got, demoted(want), "{markdown}");
        }
    }

    #[test]
    fn raw_text_is_made_safe_on_the_way_out() {
        let source = "title = \"T\"\nsummary = \"Bell \\u0007 and \\u001b[2J.\"\n[[sections]]\ntitle = \"S\"\nbody = \"\\u001b]52;c;x\\u0007\"\n";
        let (briefing, raw) = crate::loader::load_str_with_text("b.toml", source).expect("valid");
        let markdown = write(&briefing, &raw);
        assert!(
            !markdown.contains('\u{1b}') && !markdown.contains('\u{7}'),
            "{markdown:?}"
        );
        assert!(markdown.contains('␛'), "{markdown:?}");
    }

    #[test]
    fn blank_lines_around_text_are_dropped_and_its_indent_kept() {
        assert_eq!(without_blank_lines("\n  \n  text\n\n"), "  text");
        assert_eq!(without_blank_lines(" \n\t\n"), "");
        assert_eq!(without_blank_lines("a\n\nb\n"), "a\n\nb");
    }

    #[test]
    fn repeated_titles_are_written_without_ids_the_loader_would_make_anyway() {
        let mut source = String::from("title = \"T\"\n");
        for id in ["notes", "notes-2", "notes-3", "notes-9"] {
            source.push_str(&format!("[[sections]]\nid = \"{id}\"\ntitle = \"Notes\"\n"));
        }
        let (want, raw) = crate::loader::load_str_with_text("b.toml", &source).expect("valid");
        let markdown = write(&want, &raw);
        assert_eq!(markdown.matches("{#").count(), 1, "{markdown}");
        assert!(markdown.contains("## Notes {#notes-9}\n"), "{markdown}");
        let got = crate::loader::load_str("b.md", &markdown).expect("valid");
        let ids: Vec<&str> = got.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["notes", "notes-2", "notes-3", "notes-9"]);
    }

    #[test]
    fn fitting_a_body_changes_only_what_markdown_would_misread() {
        // An indented, longer fence keeps its indent and its marks.
        assert_eq!(
            fit_body("  ~~~~facts extra words\nx = 1\n  ~~~~\n"),
            "  ~~~~toml\nx = 1\n  ~~~~\n"
        );
        // Closed by a longer fence of the same mark: nothing added.
        assert_eq!(fit_body("```chart\nx\n`````\n"), "```toml\nx\n`````\n");
        // A fence of the other mark does not close it: closed at the end.
        assert_eq!(fit_body("```\ncode\n~~~\n"), "```\ncode\n~~~\n\n```\n");
        assert_eq!(fit_body("```\ncode"), "```\ncode\n```\n");
        assert_eq!(fit_body("```"), "```\n```\n");
        // Renamed and closed where the body ends, right after the name.
        assert_eq!(fit_body("```facts"), "```toml\n```\n");
        // A heading at the end of a body without a newline gets one.
        assert_eq!(fit_body("Text.\n\n## A"), "Text.\n\n### A\n");
        // Nothing to change: the body as it is, newline or not.
        assert_eq!(fit_body("Text.\n\n### A"), "Text.\n\n### A");
        assert_eq!(fit_body("- ## In a list\n"), "- ## In a list\n");
    }

    #[test]
    fn the_markdown_written_is_laid_out_for_people_to_read() {
        let source = "title = \"T\"\ndate = 2024-05-17\nsummary = \"The point.\"\n\
                      [[facts]]\nlabel = \"A\"\nvalue = \"1\"\n\
                      [[sources]]\nid = \"s\"\ntitle = \"Src\"\n\
                      [[sections]]\ntitle = \"One\"\nsources = [\"s\"]\nbody = \"Text.\"\n\
                      [[sections.facts]]\nlabel = \"B\"\nvalue = \"2\"\nsource = \"s\"\n\
                      [[sections.facts]]\nlabel = \"C\"\nvalue = \"3\"\n\
                      [[sections.charts]]\ntitle = \"Ch\"\npoints = [ { label = \"x\", value = 1.5 } ]\n";
        let (briefing, raw) = crate::loader::load_str_with_text("b.toml", source).expect("valid");
        assert_eq!(
            write(&briefing, &raw),
            "+++\ntitle = \"T\"\ndate = 2024-05-17\n\n[[facts]]\nlabel = \"A\"\nvalue = \"1\"\n\n\
             [[sources]]\nid = \"s\"\ntitle = \"Src\"\n+++\n\nThe point.\n\n## One\n\n\
             ```sources\nsources = [\"s\"]\n```\n\n\
             ```facts\n[[facts]]\nlabel = \"B\"\nvalue = \"2\"\nsource = \"s\"\n\n[[facts]]\nlabel = \"C\"\nvalue = \"3\"\n```\n\n\
             ```chart\ntitle = \"Ch\"\npoints = [\n  { label = \"x\", value = 1.5 },\n]\n```\n\nText.\n"
        );
    }

    #[test]
    fn a_title_with_no_letters_gets_no_id_the_loader_would_make() {
        let source =
            "title = \"T\"\n[[sections]]\ntitle = \"One\"\n[[sections]]\ntitle = \"!!!\"\n";
        let (briefing, raw) = crate::loader::load_str_with_text("b.toml", source).expect("valid");
        assert_eq!(briefing.sections[1].id, "section-2");
        let markdown = write(&briefing, &raw);
        assert!(!markdown.contains("{#"), "{markdown}");
        let back = crate::loader::load_str("b.md", &markdown).expect("valid");
        assert_eq!(back.sections[1].id, "section-2");
    }
}

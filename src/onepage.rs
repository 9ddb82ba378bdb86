//! The one-page brief: what to take into the meeting.
//!
//! Title, date and classification, the bottom line, every key fact with its
//! source, the charts as text bars, the reader's own notes and the sources
//! list, compact enough for one printed page. Two forms: plain text laid out
//! by the same engine as everything else, and CommonMark for pasting into
//! mail or a document (every piece of briefing text escaped, so it renders
//! as text and never as markup or a link).

use crate::glyphs::Glyphs;
use crate::layout::{self, Anchor, Lines, Options, Role, Style};
use crate::model::{Block, Briefing, Chart, Fact, InlineStyle, Inlines, Part};
use crate::sanitize::{self, Mode};
use crate::state::Note;

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Plain wrapped text.
    #[default]
    Text,
    /// CommonMark.
    Markdown,
}

/// A note with where it belongs, for the brief.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteEntry {
    /// "Bottom line", "2 Software risk", or the old title of a section
    /// that is gone.
    pub place: String,
    /// True if the section is no longer in the briefing.
    pub orphaned: bool,
    /// The note, as typed.
    pub text: String,
}

/// The notes of a briefing in reading order, orphaned ones last.
pub fn note_entries(
    briefing: &Briefing,
    notes: &std::collections::BTreeMap<String, Note>,
) -> Vec<NoteEntry> {
    let mut entries = Vec::new();
    if let Some(note) = notes.get("summary") {
        entries.push(NoteEntry {
            place: "Bottom line".to_owned(),
            orphaned: false,
            text: note.text.clone(),
        });
    }
    for (i, section) in briefing.sections.iter().enumerate() {
        if let Some(note) = notes.get(&section.id) {
            entries.push(NoteEntry {
                place: format!("{} {}", i + 1, section.title),
                orphaned: false,
                text: note.text.clone(),
            });
        }
    }
    for (id, note) in notes {
        let present = id == "summary" || briefing.sections.iter().any(|s| &s.id == id);
        if !present {
            let title = if note.section_title.is_empty() {
                id.as_str()
            } else {
                note.section_title.as_str()
            };
            entries.push(NoteEntry {
                place: format!(
                    "{} (section no longer in the briefing)",
                    sanitize::line(title)
                ),
                orphaned: true,
                text: note.text.clone(),
            });
        }
    }
    entries
}

/// The one-page brief in `format`, `width` columns wide for text.
pub fn render(
    briefing: &Briefing,
    notes: &[NoteEntry],
    format: Format,
    width: usize,
    glyphs: Glyphs,
) -> String {
    match format {
        Format::Text => text(briefing, notes, width, glyphs),
        Format::Markdown => markdown(briefing, notes, glyphs),
    }
}

/// The widest a chart is drawn in the brief.
const CHART_WIDTH: usize = 48;

fn role(role: Role) -> Style {
    Style::role(role)
}

fn text(briefing: &Briefing, notes: &[NoteEntry], width: usize, glyphs: Glyphs) -> String {
    let anchor = Anchor {
        part: Part::Front,
        block: 0,
    };
    let mut lines = Lines::new(width.max(1));
    layout::title_block(&mut lines, briefing, glyphs, anchor);
    if !briefing.summary.is_empty() {
        lines.blank(anchor);
        lines.wrap(&[("BOTTOM LINE", role(Role::Label))], &[], &[], anchor);
        let options = Options {
            glyphs,
            facts_inline: false,
            underline_headings: false,
            mark_strike: true,
        };
        layout::blocks(
            &mut lines,
            &briefing.summary,
            Part::Summary,
            &[],
            Role::BottomLine,
            options,
            &mut Vec::new(),
        );
    }
    let has_facts = !briefing.facts.is_empty()
        || briefing
            .sections
            .iter()
            .any(|s| !s.facts.is_empty() || !s.charts.is_empty());
    if has_facts {
        lines.blank(anchor);
        lines.wrap(&[("KEY FACTS", role(Role::Label))], &[], &[], anchor);
        for fact in &briefing.facts {
            fact_line(&mut lines, briefing, fact, glyphs, anchor);
        }
        for (i, section) in briefing.sections.iter().enumerate() {
            if section.facts.is_empty() && section.charts.is_empty() {
                continue;
            }
            let heading = format!("{} {}", i + 1, section.title);
            lines.wrap(&[(heading.as_str(), role(Role::Heading))], &[], &[], anchor);
            for fact in &section.facts {
                fact_line(&mut lines, briefing, fact, glyphs, anchor);
            }
            for chart in &section.charts {
                // Bars need no more than half a page to be read.
                let mut chart_lines = Lines::new(width.clamp(1, CHART_WIDTH));
                layout::chart_into(&mut chart_lines, briefing, chart, anchor, glyphs);
                lines.extend(&chart_lines);
            }
        }
    }
    if !notes.is_empty() {
        lines.blank(anchor);
        lines.wrap(&[("MY NOTES", role(Role::Label))], &[], &[], anchor);
        for note in notes {
            let place = format!("{}: ", note.place);
            let body = sanitize::sanitize(&note.text, Mode::Block);
            let bullet = format!("{} ", glyphs.bullet);
            lines.wrap(
                &[
                    (place.as_str(), role(Role::FactLabel)),
                    (body.as_ref(), role(Role::Text)),
                ],
                &[(bullet.as_str(), role(Role::Bullet))],
                &[("  ", role(Role::Text))],
                anchor,
            );
        }
    }
    if !briefing.sources.is_empty() {
        lines.blank(anchor);
        lines.wrap(&[("SOURCES", role(Role::Label))], &[], &[], anchor);
        for source in &briefing.sources {
            layout::source_entry(&mut lines, source, anchor);
        }
    }
    lines.to_plain_text()
}

/// One fact on one line (wrapped with a hanging indent).
fn fact_line(lines: &mut Lines, briefing: &Briefing, fact: &Fact, glyphs: Glyphs, anchor: Anchor) {
    let label = format!("{}: ", fact.label);
    let mut tail = String::new();
    if let Some(marker) = layout::marker(briefing, fact.source) {
        tail.push(' ');
        tail.push_str(&marker);
    }
    let mut extra = Vec::new();
    if let Some(as_of) = &fact.as_of {
        extra.push(format!("as of {as_of}"));
    }
    if let Some(note) = &fact.note {
        extra.push(note.clone());
    }
    if !extra.is_empty() {
        tail.push_str(&format!(" ({})", extra.join("; ")));
    }
    let bullet = format!("{} ", glyphs.bullet);
    lines.wrap(
        &[
            (label.as_str(), role(Role::FactLabel)),
            (fact.value.as_str(), role(Role::FactValue)),
            (tail.as_str(), role(Role::Meta)),
        ],
        &[(bullet.as_str(), role(Role::Bullet))],
        &[("  ", role(Role::Text))],
        anchor,
    );
}

/// Escapes text so CommonMark shows it as written.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '|' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    // A line that starts like a list item or a numbered item would become one.
    let starts_list = out.starts_with(['-', '+'])
        || out
            .char_indices()
            .find(|(_, c)| !c.is_ascii_digit())
            .is_some_and(|(i, c)| i > 0 && (c == '.' || c == ')'));
    if starts_list {
        let at = out
            .char_indices()
            .find(|(_, c)| !c.is_ascii_digit())
            .map_or(0, |(i, _)| i);
        out.insert(at, '\\');
    }
    out
}

fn inline_markdown(inlines: &Inlines) -> String {
    let mut out = String::new();
    for inline in inlines {
        if inline.text == "\n" {
            out.push_str("\\\n");
            continue;
        }
        let text = escape(inline.text);
        if text.trim().is_empty() {
            out.push_str(&text);
            continue;
        }
        let style = inline.style;
        // Keep spaces outside the markers, where CommonMark wants them.
        let trimmed = text.trim();
        let lead = &text[..text.len() - text.trim_start().len()];
        let trail = &text[text.trim_end().len()..];
        let mut piece = trimmed.to_owned();
        if style.contains(InlineStyle::CODE) {
            piece = format!("`{}`", inline.text.replace('`', "'").replace('\n', " "));
        } else {
            if style.contains(InlineStyle::STRONG) {
                piece = format!("**{piece}**");
            }
            if style.contains(InlineStyle::EMPHASIS) {
                piece = format!("*{piece}*");
            }
            if style.contains(InlineStyle::STRIKE) {
                piece = format!("~~{piece}~~");
            }
        }
        out.push_str(lead);
        out.push_str(&piece);
        out.push_str(trail);
    }
    out
}

fn blocks_markdown(blocks: &[Block], indent: &str, out: &mut String) {
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            out.push_str(indent.trim_end());
            out.push('\n');
        }
        match block {
            Block::Paragraph(inlines) => {
                out.push_str(indent);
                out.push_str(&inline_markdown(inlines));
                out.push('\n');
            }
            Block::Heading { text, .. } => {
                out.push_str(indent);
                out.push_str("**");
                out.push_str(inline_markdown(text).trim());
                out.push_str("**\n");
            }
            Block::List { start, items, .. } => {
                for (n, item) in items.iter().enumerate() {
                    let marker = match start {
                        Some(first) => format!("{}. ", u64::from(*first) + n as u64),
                        None => "- ".to_owned(),
                    };
                    let inner_indent = format!("{indent}{}", " ".repeat(marker.len()));
                    let mut item_text = String::new();
                    blocks_markdown(item, &inner_indent, &mut item_text);
                    let item_text = item_text
                        .strip_prefix(inner_indent.as_str())
                        .unwrap_or(&item_text);
                    out.push_str(indent);
                    out.push_str(&marker);
                    out.push_str(item_text);
                }
            }
            Block::Quote(inner) => {
                let quoted = format!("{indent}> ");
                blocks_markdown(inner, &quoted, out);
            }
            Block::Code(code) => {
                let fence = fence_for(code);
                out.push_str(&format!("{indent}{fence}\n"));
                for line in code.lines() {
                    out.push_str(indent);
                    out.push_str(line);
                    out.push('\n');
                }
                out.push_str(&format!("{indent}{fence}\n"));
            }
            Block::Rule => {
                out.push_str(indent);
                out.push_str("***\n");
            }
            Block::Table(table) => table_markdown(table, indent, out),
            Block::Notes(notes) => {
                for (n, note) in notes.iter().enumerate() {
                    if n > 0 {
                        out.push_str(indent.trim_end());
                        out.push('\n');
                    }
                    // Numbered as the references show them; not Markdown
                    // footnotes, which would renumber them.
                    let marker = format!("\\[{}\\] ", note.number);
                    let inner_indent = format!("{indent}    ");
                    let mut note_text = String::new();
                    blocks_markdown(&note.blocks, &inner_indent, &mut note_text);
                    let note_text = note_text
                        .strip_prefix(inner_indent.as_str())
                        .unwrap_or(&note_text);
                    out.push_str(indent);
                    out.push_str(&marker);
                    out.push_str(note_text);
                }
            }
            Block::Definitions(definitions) => {
                for (n, definition) in definitions.iter().enumerate() {
                    if n > 0 {
                        out.push_str(indent.trim_end());
                        out.push('\n');
                    }
                    out.push_str(indent);
                    out.push_str("**");
                    out.push_str(inline_markdown(&definition.term).trim());
                    out.push_str("**\n");
                    for detail in &definition.details {
                        let quoted = format!("{indent}> ");
                        blocks_markdown(detail, &quoted, out);
                    }
                }
            }
        }
    }
}

/// A pipe table; a `|` in a cell is escaped by [`escape`].
fn table_markdown(table: &crate::model::Table, indent: &str, out: &mut String) {
    let columns = table.head.len().max(1);
    let row = |cells: &[Inlines]| -> String {
        let texts: Vec<String> = (0..columns)
            .map(|c| cells.get(c).map_or(String::new(), inline_markdown))
            .collect();
        format!("| {} |", texts.join(" | "))
    };
    out.push_str(indent);
    out.push_str(&row(&table.head));
    out.push('\n');
    let delimiters: Vec<&str> = (0..columns)
        .map(|c| match table.alignments.get(c) {
            Some(crate::model::Align::Right) => "---:",
            Some(crate::model::Align::Center) => ":---:",
            _ => "---",
        })
        .collect();
    out.push_str(indent);
    out.push_str(&format!("| {} |\n", delimiters.join(" | ")));
    for cells in &table.rows {
        out.push_str(indent);
        out.push_str(&row(cells));
        out.push('\n');
    }
}

/// A backtick fence longer than any run of backticks in `code`.
fn fence_for(code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

fn chart_markdown(briefing: &Briefing, chart: &Chart, glyphs: Glyphs, out: &mut String) {
    let mut lines = Lines::new(CHART_WIDTH);
    layout::chart_into(
        &mut lines,
        briefing,
        chart,
        Anchor {
            part: Part::Front,
            block: 0,
        },
        glyphs,
    );
    let body = lines.to_plain_text();
    let fence = fence_for(&body);
    out.push_str(&format!("\n{fence}text\n{body}{fence}\n"));
}

fn fact_markdown(briefing: &Briefing, fact: &Fact, out: &mut String) {
    out.push_str(&format!(
        "- **{}:** {}",
        escape(&fact.label),
        escape(&fact.value)
    ));
    if let Some(marker) = layout::marker(briefing, fact.source) {
        out.push(' ');
        out.push_str(&escape(&marker));
    }
    let mut extra = Vec::new();
    if let Some(as_of) = &fact.as_of {
        extra.push(format!("as of {}", escape(as_of)));
    }
    if let Some(note) = &fact.note {
        extra.push(escape(note));
    }
    if !extra.is_empty() {
        out.push_str(&format!(" ({})", extra.join("; ")));
    }
    out.push('\n');
}

fn markdown(briefing: &Briefing, notes: &[NoteEntry], glyphs: Glyphs) -> String {
    let mut out = format!("# {}\n\n", escape(&briefing.title));
    let mut meta = Vec::new();
    if let Some(c) = &briefing.classification {
        meta.push(format!("**{}**", escape(&c.to_uppercase())));
    }
    if let Some(date) = &briefing.date {
        meta.push(format!("As of {}", date.display()));
    }
    if let Some(audience) = &briefing.audience {
        meta.push(format!("For {}", escape(audience)));
    }
    if let Some(subtitle) = &briefing.subtitle {
        out.push_str(&format!("*{}*\n\n", escape(subtitle)));
    }
    if !meta.is_empty() {
        out.push_str(&meta.join(" · "));
        out.push_str("\n\n");
    }
    if !briefing.summary.is_empty() {
        out.push_str("## Bottom line\n\n");
        blocks_markdown(&briefing.summary, "", &mut out);
        out.push('\n');
    }
    out.push_str("## Key facts\n\n");
    for fact in &briefing.facts {
        fact_markdown(briefing, fact, &mut out);
    }
    for (i, section) in briefing.sections.iter().enumerate() {
        if section.facts.is_empty() && section.charts.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {} {}\n\n", i + 1, escape(&section.title)));
        for fact in &section.facts {
            fact_markdown(briefing, fact, &mut out);
        }
        for chart in &section.charts {
            chart_markdown(briefing, chart, glyphs, &mut out);
        }
    }
    if !notes.is_empty() {
        out.push_str("\n## My notes\n\n");
        for note in notes {
            let text: Vec<String> = note
                .text
                .lines()
                .map(|l| escape(&sanitize::line(l)))
                .collect();
            out.push_str(&format!(
                "- **{}:** {}\n",
                escape(&note.place),
                text.join("  \n  ")
            ));
        }
    }
    if !briefing.sources.is_empty() {
        out.push_str("\n## Sources\n\n");
        for source in &briefing.sources {
            let mut line = format!(
                "- {} {}",
                escape(&format!("[{}]", source.id)),
                escape(&source.title)
            );
            if let Some(publisher) = &source.publisher {
                line.push_str(&format!(", {}", escape(publisher)));
            }
            if let Some(date) = &source.date {
                line.push_str(&format!(", {}", date.display()));
            }
            if let Some(url) = &source.url {
                // In a code span: shown as text, never turned into a link.
                line.push_str(&format!(", `{}`", url.replace('`', "'")));
            }
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_text_as_text() {
        assert_eq!(
            escape("*not* [a](link) <b>"),
            "\\*not\\* \\[a\\](link) \\<b\\>"
        );
        assert_eq!(escape("1. not a list"), "1\\. not a list");
        assert_eq!(escape("- nor this"), "\\- nor this");
        assert_eq!(escape("€9.1 bn"), "€9.1 bn");
    }

    #[test]
    fn fences_outrun_backticks() {
        assert_eq!(fence_for("a ``` b"), "````");
        assert_eq!(fence_for("plain"), "```");
    }
}

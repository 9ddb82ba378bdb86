//! Body blocks laid out: paragraphs, headings, lists, quotes, code, rules,
//! tables (see [`super::table`]), footnotes and definition lists.
//!
//! Each block is wrapped with the indents of the containers it sits in
//! (quote bars, list bullets); nothing here knows about sections or the
//! sidebar. The recursion over nested blocks is bounded: the Markdown
//! reader flattens anything nested deeper than
//! [`crate::markdown::MAX_DEPTH`].

use super::{Anchor, Lines, Options, Role, Style, table};
use crate::model::{self, Block, InlineStyle, Inlines, Part};
use crate::text;

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
            blank_line(lines, indent, anchor);
        }
        if matches!(block, Block::Heading { .. }) {
            headings.push((index, lines.len()));
        }
        block_lines(lines, block, indent, indent, role, options, 0, anchor);
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

/// A line holding only an indent, cut to the width like every other
/// line. Only the spaces at the end of the whole indent are trimmed: those
/// between its pieces keep nested bars under one another.
fn blank_line(lines: &mut Lines, indent: &[(&str, Style)], anchor: Anchor) {
    let mut trimmed: Vec<(&str, Style)> = indent.to_vec();
    while let Some((text, style)) = trimmed.pop() {
        let kept = text.trim_end();
        if !kept.is_empty() {
            trimmed.push((kept, style));
            break;
        }
    }
    if trimmed.is_empty() {
        lines.blank(anchor);
    } else {
        lines.wrap(&[], &trimmed, &trimmed, anchor);
    }
}

/// An indent with one more piece at its end.
fn plus<'a>(indent: &[(&'a str, Style)], piece: &'a str, style: Style) -> Vec<(&'a str, Style)> {
    indent
        .iter()
        .copied()
        .chain(std::iter::once((piece, style)))
        .collect()
}

/// Lays out one block with the given indents.
#[allow(clippy::too_many_arguments)]
pub(super) fn block_lines(
    lines: &mut Lines,
    block: &Block,
    first_indent: &[(&str, Style)],
    rest_indent: &[(&str, Style)],
    role: Role,
    options: Options,
    depth: usize,
    anchor: Anchor,
) {
    let glyphs = options.glyphs;
    match block {
        Block::Paragraph(inlines) => {
            let spans = styled(inlines, role, options);
            lines.wrap(&spans, first_indent, rest_indent, anchor);
        }
        Block::Heading { text, .. } => {
            let spans = styled(text, Role::Heading, options);
            lines.wrap(&spans, first_indent, rest_indent, anchor);
        }
        Block::Code(code) => {
            let code_indent = plus(rest_indent, "  ", Style::role(Role::Code));
            let first = plus(first_indent, "  ", Style::role(Role::Code));
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
            let first = plus(first_indent, bar.as_str(), Style::role(Role::QuoteBar));
            let rest = plus(rest_indent, bar.as_str(), Style::role(Role::QuoteBar));
            for (i, block) in inner.iter().enumerate() {
                if i > 0 {
                    blank_line(lines, &rest, anchor);
                }
                let head = if i == 0 { &first } else { &rest };
                block_lines(
                    lines,
                    block,
                    head,
                    &rest,
                    Role::Quote,
                    options,
                    depth,
                    anchor,
                );
            }
        }
        Block::List {
            start,
            items,
            loose,
        } => {
            for (i, item) in items.iter().enumerate() {
                // A loose list's items are set apart as its author wrote
                // them; a tight list's follow one another.
                if *loose && i > 0 {
                    blank_line(lines, rest_indent, anchor);
                }
                let marker = match start {
                    Some(n) => format!("{}. ", u64::from(*n).saturating_add(i as u64)),
                    None if depth == 0 => format!("{} ", glyphs.bullet),
                    None => format!("{} ", glyphs.sub_bullet),
                };
                let pad = " ".repeat(text::width(&marker));
                let first = plus(
                    if i == 0 { first_indent } else { rest_indent },
                    marker.as_str(),
                    Style::role(Role::Bullet),
                );
                let rest = plus(rest_indent, pad.as_str(), Style::role(Role::Text));
                for (j, block) in item.iter().enumerate() {
                    // Blocks of one item are set apart as the body's are,
                    // so two paragraphs do not read as one; a nested list
                    // follows its lead line directly.
                    if j > 0 && !matches!(block, Block::List { .. }) {
                        blank_line(lines, &rest, anchor);
                    }
                    let head = if j == 0 { &first } else { &rest };
                    block_lines(lines, block, head, &rest, role, options, depth + 1, anchor);
                }
            }
        }
        Block::Table(table) => {
            table::table_lines(lines, table, first_indent, rest_indent, options, anchor);
        }
        Block::Notes(notes) => {
            let rule = glyphs.rule.repeat(8.min(lines.width()));
            lines.wrap(
                &[(rule.as_str(), Style::role(Role::Rule))],
                first_indent,
                rest_indent,
                anchor,
            );
            for note in notes {
                let marker = format!("[{}] ", note.number);
                let pad = " ".repeat(text::width(&marker));
                let first = plus(rest_indent, marker.as_str(), Style::role(Role::Marker));
                let rest = plus(rest_indent, pad.as_str(), Style::role(Role::Text));
                if note.blocks.is_empty() {
                    lines.wrap(&[], &first, &rest, anchor);
                }
                for (j, block) in note.blocks.iter().enumerate() {
                    if j > 0 {
                        blank_line(lines, &rest, anchor);
                    }
                    let head = if j == 0 { &first } else { &rest };
                    block_lines(lines, block, head, &rest, role, options, depth, anchor);
                }
            }
        }
        Block::Definitions(definitions) => {
            let detail_first = plus(rest_indent, "  ", Style::role(Role::Text));
            let detail_rest = plus(rest_indent, "    ", Style::role(Role::Text));
            for (i, definition) in definitions.iter().enumerate() {
                let head = if i == 0 { first_indent } else { rest_indent };
                if i > 0 {
                    blank_line(lines, rest_indent, anchor);
                }
                let term = definition.term.with(InlineStyle::STRONG);
                if !term.is_empty() {
                    let spans = styled(&term, role, options);
                    lines.wrap(&spans, head, rest_indent, anchor);
                }
                for detail in &definition.details {
                    for (j, block) in detail.iter().enumerate() {
                        let first = if j == 0 { &detail_first } else { &detail_rest };
                        block_lines(
                            lines,
                            block,
                            first,
                            &detail_rest,
                            role,
                            options,
                            depth,
                            anchor,
                        );
                    }
                }
            }
        }
    }
}

/// Inlines as styled pieces: task boxes drawn with the glyph set, struck
/// text marked with `~~` where styles are not drawn.
pub(super) fn styled(inlines: &Inlines, role: Role, options: Options) -> Vec<(&str, Style)> {
    let mut out = Vec::new();
    let mut struck = false;
    for inline in inlines {
        let style = Style {
            role,
            inline: inline.style,
        };
        let strike = inline.style.contains(InlineStyle::STRIKE);
        if options.mark_strike && strike != struck {
            out.push(("~~", Style::role(role)));
            struck = strike;
        }
        if inline.style.contains(InlineStyle::TASK) {
            let done = inline.text.contains('x') || inline.text.contains('X');
            let glyph = if done {
                options.glyphs.task_done
            } else {
                options.glyphs.task_open
            };
            out.push((glyph, Style::role(Role::Bullet)));
            continue;
        }
        out.push((inline.text, style));
    }
    if options.mark_strike && struck {
        out.push(("~~", Style::role(role)));
    }
    out
}

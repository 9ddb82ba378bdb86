//! Body blocks laid out: paragraphs, headings, lists, quotes, code, rules.
//!
//! Each block is wrapped with the indents of the containers it sits in
//! (quote bars, list bullets); nothing here knows about sections or the
//! sidebar.

use super::{Anchor, Lines, Options, Role, Style};
use crate::glyphs::Glyphs;
use crate::model::{self, Block, Inline, Part};
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

//! Tables laid out: box-drawn, cells wrapped inside their columns, or one
//! record per row when even that cannot fit.
//!
//! A table is drawn at its natural width when that fits. When it does not,
//! the room left after the borders is shared out by content width: a
//! column that needs less than an equal share keeps its width, the others
//! split what is left, and cell text wraps inside its column (by grapheme
//! and display width, through [`crate::text`]); no column is made narrower
//! than its longest word (up to [`LONG_WORD`] columns). When even that
//! cannot fit, each row becomes a record of `Header: value` lines. In
//! every case no line is wider than the lines' width.

use super::blocks::styled;
use super::{Anchor, Lines, Options, Role, Style};
use crate::model::{Align, Inlines, Table};
use crate::text::{self, StyledLine};

/// A word longer than this may be broken inside its column rather than
/// turn the table into records (addresses, long compounds).
const LONG_WORD: usize = 12;

/// Lays out `table` with the given indents.
pub(super) fn table_lines(
    lines: &mut Lines,
    table: &Table,
    first_indent: &[(&str, Style)],
    rest_indent: &[(&str, Style)],
    options: Options,
    anchor: Anchor,
) {
    let columns = table
        .rows
        .iter()
        .map(Vec::len)
        .chain([table.head.len(), table.alignments.len()])
        .max()
        .unwrap_or(0);
    if columns == 0 {
        return;
    }
    let indent_width = indent_width(first_indent).max(indent_width(rest_indent));
    let room = lines.width().saturating_sub(indent_width);
    let borders = 3 * columns + 1;
    let natural: Vec<usize> = (0..columns)
        .map(|c| {
            rows(table)
                .filter_map(|row| row.get(c))
                .map(cell_width)
                .max()
                .unwrap_or(0)
                .max(1)
        })
        .collect();
    // The narrowest each column can be without breaking a word (a very
    // long word, such as an address, is broken anyway).
    let words: Vec<usize> = (0..columns)
        .map(|c| {
            rows(table)
                .filter_map(|row| row.get(c))
                .map(longest_word)
                .max()
                .unwrap_or(0)
                .clamp(1, LONG_WORD)
                .min(natural[c])
        })
        .collect();
    let content = room.saturating_sub(borders);
    if room < borders + columns || content < words.iter().sum() {
        records(
            lines,
            table,
            columns,
            first_indent,
            rest_indent,
            options,
            anchor,
        );
        return;
    }
    let widths = share(&natural, &words, content);
    Grid {
        lines,
        widths: &widths,
        alignments: &table.alignments,
        first_indent,
        rest_indent,
        options,
        anchor,
        first: true,
    }
    .draw(table);
}

/// The header row, then the body rows.
fn rows(table: &Table) -> impl Iterator<Item = &Vec<Inlines>> {
    std::iter::once(&table.head).chain(&table.rows)
}

fn indent_width(indent: &[(&str, Style)]) -> usize {
    indent.iter().map(|(t, _)| text::width(t)).sum()
}

/// The widest line of a cell's text.
fn cell_width(cell: &Inlines) -> usize {
    let text: String = cell.iter().map(|i| i.text).collect();
    text.split('\n').map(text::width).max().unwrap_or(0)
}

/// Column widths within `content` columns: each column gets the width of
/// its longest word (`least`), then what is left is shared out so that a
/// column needing less than an equal share of it keeps its natural width
/// and the others split the rest evenly.
fn share(natural: &[usize], least: &[usize], content: usize) -> Vec<usize> {
    if natural.iter().sum::<usize>() <= content {
        return natural.to_vec();
    }
    let mut widths = least.to_vec();
    let mut left = content.saturating_sub(least.iter().sum());
    let mut order: Vec<usize> = (0..natural.len()).collect();
    order.sort_by_key(|c| natural[*c] - least[*c]);
    for (done, column) in order.iter().enumerate() {
        let remaining = natural.len() - done;
        let fair = left / remaining;
        let wanted = natural[*column] - least[*column];
        let extra = if wanted <= fair {
            wanted
        } else {
            // This and every wider column get an equal share; the first
            // ones get the odd columns left over.
            fair + usize::from(!left.is_multiple_of(remaining))
        };
        widths[*column] += extra;
        left = left.saturating_sub(extra);
    }
    widths
}

/// The widest word of a cell.
fn longest_word(cell: &Inlines) -> usize {
    let text: String = cell.iter().map(|i| i.text).collect();
    text.split_whitespace().map(text::width).max().unwrap_or(0)
}

/// Draws a table as a grid.
struct Grid<'a, 'b> {
    lines: &'a mut Lines,
    widths: &'a [usize],
    alignments: &'a [Align],
    first_indent: &'a [(&'b str, Style)],
    rest_indent: &'a [(&'b str, Style)],
    options: Options,
    anchor: Anchor,
    /// True until the first line is out (it takes the first indent).
    first: bool,
}

impl Grid<'_, '_> {
    fn draw(&mut self, table: &Table) {
        let glyphs = self.options.glyphs;
        self.rule(glyphs.table_top, glyphs.table_h);
        let head = self.wrap_row(&table.head, Role::TableHeader);
        self.row(&head);
        if !table.rows.is_empty() {
            self.rule(glyphs.table_head, glyphs.table_head_h);
        }
        let body: Vec<Vec<Vec<StyledLine<Style>>>> = table
            .rows
            .iter()
            .map(|row| self.wrap_row(row, Role::Text))
            .collect();
        // Rows that wrap are told apart by a line between every two.
        let ruled = body.iter().any(|row| row.iter().any(|cell| cell.len() > 1));
        for (i, row) in body.iter().enumerate() {
            if i > 0 && ruled {
                self.rule(glyphs.table_mid, glyphs.table_h);
            }
            self.row(row);
        }
        self.rule(glyphs.table_bottom, glyphs.table_h);
    }

    /// Each cell of a row wrapped to its column.
    fn wrap_row(&self, row: &[Inlines], role: Role) -> Vec<Vec<StyledLine<Style>>> {
        (0..self.widths.len())
            .map(|c| match row.get(c) {
                Some(cell) => {
                    let spans = styled(cell, role, self.options);
                    text::wrap(&spans, self.widths[c], &[], &[])
                }
                None => Vec::new(),
            })
            .collect()
    }

    fn indent(&mut self) -> Vec<(String, Style)> {
        let indent = if self.first {
            self.first_indent
        } else {
            self.rest_indent
        };
        self.first = false;
        indent.iter().map(|(t, s)| ((*t).to_owned(), *s)).collect()
    }

    /// A horizontal line: `ends` is left, crossing, right.
    fn rule(&mut self, ends: [&str; 3], line: &str) {
        let mut text = ends[0].to_owned();
        for (i, width) in self.widths.iter().enumerate() {
            if i > 0 {
                text.push_str(ends[1]);
            }
            text.push_str(&line.repeat(width + 2));
        }
        text.push_str(ends[2]);
        let mut pieces = self.indent();
        pieces.push((text, Style::role(Role::TableBorder)));
        self.lines.push(&pieces, self.anchor);
    }

    /// The lines of one row, cells side by side.
    fn row(&mut self, cells: &[Vec<StyledLine<Style>>]) {
        let height = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let bar = self.options.glyphs.table_v;
        let border = Style::role(Role::TableBorder);
        for line in 0..height {
            let mut pieces = self.indent();
            pieces.push((format!("{bar} "), border));
            for (c, cell) in cells.iter().enumerate() {
                if c > 0 {
                    push_merged(&mut pieces, format!(" {bar} "), border);
                }
                let content = cell.get(line).map(Vec::as_slice).unwrap_or_default();
                let used: usize = content.iter().map(|(t, _)| text::width(t)).sum();
                let gap = self.widths[c].saturating_sub(used);
                let (before, after) = match self.alignments.get(c).copied().unwrap_or_default() {
                    Align::Left => (0, gap),
                    Align::Right => (gap, 0),
                    Align::Center => (gap / 2, gap - gap / 2),
                };
                if before > 0 {
                    push_merged(&mut pieces, " ".repeat(before), border);
                }
                for (text, style) in content {
                    push_merged(&mut pieces, text.clone(), *style);
                }
                if after > 0 {
                    push_merged(&mut pieces, " ".repeat(after), border);
                }
            }
            push_merged(&mut pieces, format!(" {bar}"), border);
            self.lines.push(&pieces, self.anchor);
        }
    }
}

/// Appends a piece, joining it to the last one if they share a style
/// (padding and borders are one run: fewer pieces to store per line).
fn push_merged(pieces: &mut Vec<(String, Style)>, text: String, style: Style) {
    match pieces.last_mut() {
        Some((last, last_style)) if *last_style == style => last.push_str(&text),
        _ => pieces.push((text, style)),
    }
}

/// A table too wide for any grid: one record per body row, each cell on
/// lines of its own as `Header: value`; a table with no body rows lists
/// its header cells.
fn records(
    lines: &mut Lines,
    table: &Table,
    columns: usize,
    first_indent: &[(&str, Style)],
    rest_indent: &[(&str, Style)],
    options: Options,
    anchor: Anchor,
) {
    let mut first = true;
    let empty = Inlines::default();
    let hang: Vec<(&str, Style)> = rest_indent
        .iter()
        .copied()
        .chain(std::iter::once(("  ", Style::role(Role::Text))))
        .collect();
    if table.rows.is_empty() {
        for cell in &table.head {
            let spans = styled(cell, Role::TableHeader, options);
            let head = if first { first_indent } else { rest_indent };
            lines.wrap(&spans, head, &hang, anchor);
            first = false;
        }
        return;
    }
    let rule = options.glyphs.rule.repeat(3);
    for (i, row) in table.rows.iter().enumerate() {
        if i > 0 {
            lines.wrap(
                &[(rule.as_str(), Style::role(Role::TableBorder))],
                rest_indent,
                rest_indent,
                anchor,
            );
        }
        for c in 0..columns {
            let header = table.head.get(c).unwrap_or(&empty);
            let mut spans = styled(header, Role::TableHeader, options);
            spans.push((": ", Style::role(Role::TableHeader)));
            spans.extend(styled(row.get(c).unwrap_or(&empty), Role::Text, options));
            let head = if first { first_indent } else { rest_indent };
            lines.wrap(&spans, head, &hang, anchor);
            first = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_columns_keep_their_width_and_wide_ones_share() {
        assert_eq!(share(&[4, 30, 50], &[4, 5, 5], 40), vec![4, 18, 18]);
        assert_eq!(share(&[4, 5], &[4, 5], 40), vec![4, 5]);
        let widths = share(&[10, 10, 10], &[3, 3, 3], 20);
        assert_eq!(widths.iter().sum::<usize>(), 20);
        // No column narrower than its longest word.
        assert_eq!(share(&[14, 40], &[7, 11], 20), vec![8, 12]);
    }

    #[test]
    fn the_column_wanting_least_is_served_first_and_odd_columns_go_first() {
        // Column 1 wants 2 more, column 0 wants 5: column 1 is served first
        // and takes the odd column of the three left.
        assert_eq!(share(&[10, 3], &[5, 1], 9), vec![6, 3]);
        // Column 0 wants 1 more, column 1 wants 10: column 0 gets its one,
        // column 1 the rest.
        assert_eq!(share(&[10, 12], &[9, 2], 15), vec![10, 5]);
    }
}

//! Drawing the help overlay; its rows are built in [`crate::app::help`].

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::{pane, put_line};
use crate::action::{Action, Context};
use crate::app::App;
use crate::app::geometry::text_area;
use crate::app::help::{Row, TWO_ROWS_BELOW, key_width, rows};

/// Draws the help overlay in `rect`.
pub fn render(app: &App, rect: Rect, buffer: &mut Buffer) {
    let theme = &app.theme;
    let close = app.first_key(Context::Global, Action::Close);
    let title = format!("Keys {} {close} closes", app.glyphs.dot);
    pane(&title, rect, true, theme, app.glyphs, buffer);
    let area = text_area(rect);
    let width = usize::from(area.width);
    let height = usize::from(area.height);
    let rows = rows(app, width);
    let top = app.help.top.min(rows.len().saturating_sub(height));
    let two_rows = width < TWO_ROWS_BELOW;
    let key_width = key_width(&rows, width);
    for (row, entry) in rows.iter().skip(top).take(height).enumerate() {
        let y = area.y + row as u16;
        match entry {
            Row::Heading(title) => {
                put_line(
                    buffer,
                    area.x,
                    y,
                    width,
                    [(title.as_str(), theme.pane_title(false))],
                );
            }
            Row::Error(message) => {
                let message = app.glyphs.words(message);
                put_line(
                    buffer,
                    area.x,
                    y,
                    width,
                    [(message.as_ref(), theme.error())],
                );
            }
            Row::Binding(keys, _) if two_rows => {
                put_line(
                    buffer,
                    area.x,
                    y,
                    width,
                    [("  ", Style::default()), (keys.as_str(), theme.key())],
                );
            }
            Row::Description(description) => {
                let description = app.glyphs.fit(description, width.saturating_sub(6));
                put_line(
                    buffer,
                    area.x,
                    y,
                    width,
                    [
                        ("      ", Style::default()),
                        (description.as_str(), Style::default()),
                    ],
                );
            }
            Row::Binding(keys, description) => {
                let keys = app.glyphs.pad(keys, key_width);
                let description = app
                    .glyphs
                    .fit(description, width.saturating_sub(key_width + 4));
                put_line(
                    buffer,
                    area.x,
                    y,
                    width,
                    [
                        ("  ", Style::default()),
                        (keys.as_str(), theme.key()),
                        ("  ", Style::default()),
                        (description.as_str(), Style::default()),
                    ],
                );
            }
            Row::More(indent, line) => {
                let line = app.glyphs.fit(line, width.saturating_sub(*indent));
                put_line(
                    buffer,
                    area.x + (*indent).min(width) as u16,
                    y,
                    width.saturating_sub(*indent),
                    [(line.as_str(), Style::default())],
                );
            }
            Row::Blank => {}
        }
    }
}

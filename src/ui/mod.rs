//! The view: draws the model, reads nothing else.
//!
//! [`render`] takes the app by shared reference and a frame; it does no file
//! access, no layout of the document (that happened in `update`) and
//! touches only the lines on screen. Every string it draws is already
//! sanitised and cut to fit with the width function in [`crate::text`].

mod changes;
mod export;
mod help;
mod library;
mod links;
mod reader;
mod status;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::border;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Widget};

use crate::app::geometry::{Geometry, MIN_HEIGHT, MIN_WIDTH, Panes};
use crate::app::{App, Screen};
use crate::glyphs::Glyphs;
use crate::theme::Theme;
pub use links::hyperlinks;

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame<'_>) {
    let area = frame.area();
    let buffer = frame.buffer_mut();
    let geometry = match &app.screen {
        Screen::Reader(reader) => reader.geometry,
        Screen::Library => Geometry::compute(area, Panes::default()),
    };
    if geometry.too_small || area != geometry.area {
        too_small(area, buffer);
        return;
    }
    match &app.screen {
        Screen::Library => library::render(app, area, buffer),
        Screen::Reader(state) => reader::render(app, state, buffer),
    }
    status::render(app, geometry.status, buffer);
    if let (Screen::Reader(_), Some(view)) = (&app.screen, &app.changes) {
        changes::render(app, view, buffer);
    }
    if let Some(dialog) = &app.export.dialog {
        let above_status = Rect {
            height: area.height.saturating_sub(1),
            ..area
        };
        export::render(app, dialog, above_status, buffer);
    }
    if app.help_open()
        && let Some(rect) = app.help_rect()
    {
        // Over the reader: clear what it drew there first.
        Clear.render(rect, buffer);
        help::render(app, rect, buffer);
    }
}

fn too_small(area: Rect, buffer: &mut Buffer) {
    Clear.render(area, buffer);
    let lines = [
        "Terminal too small".to_owned(),
        format!(
            "{}x{}, needs {MIN_WIDTH}x{MIN_HEIGHT}",
            area.width, area.height
        ),
    ];
    for (row, line) in lines.iter().enumerate() {
        let y = area.y + row as u16;
        if y >= area.y + area.height {
            break;
        }
        // set_stringn stops at the edge, never inside a character.
        buffer.set_stringn(area.x, y, line, usize::from(area.width), Style::default());
    }
}

/// The border characters for a pane.
fn border_set(glyphs: Glyphs, focused: bool) -> border::Set<'static> {
    match (glyphs.ascii, focused) {
        (false, false) => border::PLAIN,
        (false, true) => border::THICK,
        (true, false) => border::Set {
            top_left: "+",
            top_right: "+",
            bottom_left: "+",
            bottom_right: "+",
            vertical_left: "|",
            vertical_right: "|",
            horizontal_top: "-",
            horizontal_bottom: "-",
        },
        (true, true) => border::Set {
            top_left: "#",
            top_right: "#",
            bottom_left: "#",
            bottom_right: "#",
            vertical_left: "#",
            vertical_right: "#",
            horizontal_top: "=",
            horizontal_bottom: "=",
        },
    }
}

/// Draws a pane's frame with its title; the focused pane has a heavy
/// border and a reversed title, visible without colour.
///
/// It draws over what is there: ratatui hands each frame a blank buffer,
/// so only a pane drawn over another (an overlay) needs a `Clear` first,
/// which its caller does; clearing every pane would rewrite the whole
/// screen's cells for every key.
fn pane(
    title: &str,
    rect: Rect,
    focused: bool,
    theme: &Theme,
    glyphs: Glyphs,
    buffer: &mut Buffer,
) {
    let room = usize::from(rect.width.saturating_sub(4));
    let title = glyphs.fit(&glyphs.words(title), room);
    let block = Block::bordered()
        .border_set(border_set(glyphs, focused))
        .border_style(theme.border(focused))
        .title(Line::from(Span::styled(
            format!(" {title} "),
            theme.pane_title(focused),
        )));
    if rect.width >= 2 && rect.height >= 2 {
        block.render(rect, buffer);
    }
}

/// Writes styled pieces on one row, cut at `width` columns; returns the
/// columns used.
fn put_line<'a>(
    buffer: &mut Buffer,
    x: u16,
    y: u16,
    width: usize,
    pieces: impl IntoIterator<Item = (&'a str, Style)>,
) -> usize {
    let mut used = 0;
    for (piece, style) in pieces {
        if used >= width {
            break;
        }
        let room = width - used;
        // set_stringn stops at `room` columns without splitting a
        // character; callers that want a visible "cut" mark use Glyphs::fit.
        let (end_x, _) = buffer.set_stringn(x + used as u16, y, piece, room, style);
        used = usize::from(end_x - x);
    }
    used
}

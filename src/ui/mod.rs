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
mod pane_rows;
mod reader;
mod status;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::border;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};

use crate::app::geometry::{Geometry, MIN_HEIGHT, MIN_WIDTH, Panes};
use crate::app::{App, Screen};
use crate::glyphs::Glyphs;
use crate::theme::Theme;
pub use links::hyperlinks;
pub use pane_rows::{PaneRows, draw_pane_row, pane_row_links, pane_rows};

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame<'_>) {
    render_into(app, frame.buffer_mut());
}

/// Draws the status line into `buffer`, which covers just it (see
/// [`PaneRows`]).
pub fn draw_status(app: &App, buffer: &mut Buffer) {
    status::render(app, buffer.area, buffer);
}

/// Draws the whole screen into `buffer` (blank, the size of the screen):
/// for backends that draw frames themselves
/// ([`crate::output::LeanBackend::draw_frame`]).
pub fn render_into(app: &App, buffer: &mut Buffer) {
    let area = buffer.area;
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
///
/// The cells are those of ratatui's `Block::bordered()` with the title on
/// the left of the top border, drawn without the `Block`: it sets its
/// style on every cell of the pane first (with no style, changing
/// nothing), a tenth of the time a frame takes.
fn pane(
    title: &str,
    rect: Rect,
    focused: bool,
    theme: &Theme,
    glyphs: Glyphs,
    buffer: &mut Buffer,
) {
    if rect.width < 2 || rect.height < 2 {
        return;
    }
    let room = usize::from(rect.width.saturating_sub(4));
    let title = glyphs.fit(&glyphs.words(title), room);
    let rect = rect.intersection(buffer.area);
    if rect.is_empty() {
        return;
    }
    let set = border_set(glyphs, focused);
    let style = theme.border(focused);
    let (left, top) = (rect.x, rect.y);
    let (right, bottom) = (rect.right() - 1, rect.bottom() - 1);
    let mut put = |x: u16, y: u16, symbol: &str| {
        buffer[(x, y)].set_symbol(symbol).set_style(style);
    };
    for x in left + 1..right {
        put(x, top, set.horizontal_top);
        put(x, bottom, set.horizontal_bottom);
    }
    for y in top + 1..bottom {
        put(left, y, set.vertical_left);
        put(right, y, set.vertical_right);
    }
    put(right, bottom, set.bottom_right);
    put(right, top, set.top_right);
    put(left, bottom, set.bottom_left);
    put(left, top, set.top_left);
    let line = Line::from(Span::styled(
        format!(" {title} "),
        theme.pane_title(focused),
    ));
    let width = u16::try_from(line.width()).unwrap_or(u16::MAX);
    let area = Rect::new(left + 1, top, width.min(rect.width.saturating_sub(2)), 1);
    if !area.is_empty() {
        line.render(area, buffer);
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
        let end_x = set_stringn(buffer, x + used as u16, y, piece, room, style);
        used = usize::from(end_x - x);
    }
    used
}

/// ratatui's `Buffer::set_stringn`, cell for cell, with ASCII written
/// without grapheme segmentation (most of what a frame draws is ASCII, and
/// segmenting it was a tenth of a frame's time). Returns the column after
/// the last one written.
fn set_stringn(buffer: &mut Buffer, x: u16, y: u16, text: &str, room: usize, style: Style) -> u16 {
    use ratatui::buffer::CellWidth;
    use unicode_segmentation::UnicodeSegmentation;
    if !buffer.area.contains(ratatui::layout::Position { x, y }) {
        return buffer.set_stringn(x, y, text, room, style).0;
    }
    let bytes = text.as_bytes();
    let mut remaining = usize::from(buffer.area.right() - x).min(room);
    let mut at = buffer.index_of(x, y);
    let start = at;
    let mut i = 0;
    while i < bytes.len() {
        // Between two ASCII characters there is always a grapheme boundary
        // (carriage return and line feed are one grapheme, but both are
        // controls and dropped either way): such a character is written as
        // it is; ratatui drops controls.
        let byte = bytes[i];
        if byte.is_ascii() && bytes.get(i + 1).is_none_or(u8::is_ascii) {
            if !byte.is_ascii_control() {
                if remaining == 0 {
                    break;
                }
                let cell = &mut buffer.content[at];
                // A space over a blank cell's space (the usual case: the
                // buffer starts blank) keeps it: ratatui counts an empty
                // cell and a space the same.
                if byte != b' ' || cell.symbol() != " " {
                    cell.set_symbol(&text[i..i + 1]);
                }
                cell.set_style(style);
                at += 1;
                remaining -= 1;
            }
            i += 1;
            continue;
        }
        // Anything else up to the next such boundary is segmented, as
        // set_stringn does: controls dropped, zero-width graphemes skipped,
        // and everything stops at the first grapheme that does not fit.
        let mut end = i + 1;
        while end < bytes.len() && !(bytes[end - 1].is_ascii() && bytes[end].is_ascii()) {
            end += 1;
        }
        let stretch = &text[i..end];
        // Characters that are clusters of their own beside each other
        // (Latin, Greek, Cyrillic, CJK, punctuation: `text::is_simple`)
        // need no segmenting either; ASCII stands on both sides.
        let graphemes: &mut dyn Iterator<Item = &str> =
            if stretch.chars().all(crate::text::is_simple) {
                &mut stretch
                    .char_indices()
                    .map(|(at, c)| &stretch[at..at + c.len_utf8()])
            } else {
                &mut stretch.graphemes(true)
            };
        for grapheme in graphemes {
            if grapheme.contains(char::is_control) {
                continue;
            }
            let width = usize::from(grapheme.cell_width());
            if width == 0 {
                continue;
            }
            if width > remaining {
                return (x as usize + (at - start)) as u16;
            }
            buffer.content[at].set_symbol(grapheme).set_style(style);
            // The cells a wide grapheme covers are reset, as ratatui does.
            for cell in &mut buffer.content[at + 1..at + width] {
                cell.reset();
            }
            at += width;
            remaining -= width;
        }
        i = end;
    }
    (x as usize + (at - start)) as u16
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::{Color, Modifier};

    /// The fast writer must leave every cell as ratatui's own does.
    fn same_as_ratatui(text: &str, x: u16, room: usize) {
        let area = Rect::new(2, 1, 12, 3);
        let style = Style::default().fg(Color::Red).add_modifier(Modifier::BOLD);
        let mut ours = Buffer::empty(area);
        let mut theirs = Buffer::empty(area);
        // Something under it, so cells left alone show.
        for buffer in [&mut ours, &mut theirs] {
            buffer.set_string(2, 2, "0123456789ab", Style::default().bg(Color::Blue));
        }
        let end = set_stringn(&mut ours, x, 2, text, room, style);
        let (expected, _) = theirs.set_stringn(x, 2, text, room, style);
        assert_eq!(end, expected, "{text:?} at {x}, room {room}");
        assert_eq!(ours, theirs, "{text:?} at {x}, room {room}");
    }

    #[test]
    fn ascii_is_written_as_ratatui_writes_it() {
        for text in [
            "",
            "Lüttich — „quote“ 中文字 ×",
            "ab漢\ncd",
            "x\r\né",
            "plain words",
            "e\u{301}clair",
            "cafe\u{301} au lait",
            "a\r\nb\tc\x1bd",
            "ab漢字cd",
            "x\u{200d}y",
            "\u{600}ab",
            "ab\u{600}cd",
            "family \u{1F468}\u{200D}\u{1F469} ok",
            "ｶﾞ ok",
            "exactly twelve!",
        ] {
            for x in [2, 5, 13, 14] {
                for room in [0, 1, 3, 12, 40] {
                    same_as_ratatui(text, x, room);
                }
            }
        }
    }

    /// A pane's frame is drawn cell for cell as ratatui's `Block` draws it,
    /// over whatever was there.
    #[test]
    fn a_pane_is_drawn_as_ratatui_draws_a_bordered_block() {
        use crate::theme::ColorMode;
        use ratatui::widgets::Block;
        let theme = Theme::new(ColorMode::Ansi16);
        for glyphs in [Glyphs::UNICODE, Glyphs::ASCII] {
            for focused in [false, true] {
                for title in [
                    "Outline",
                    "Reading · 3 中文 Section",
                    "",
                    "a very long title indeed",
                ] {
                    for rect in [
                        Rect::new(1, 1, 20, 6),
                        Rect::new(0, 0, 24, 8),
                        Rect::new(3, 2, 2, 2),
                        Rect::new(5, 5, 9, 3),
                        Rect::new(20, 6, 10, 5),
                        Rect::new(2, 1, 1, 4),
                        Rect::new(23, 0, 5, 5),
                        Rect::new(0, 7, 5, 5),
                        Rect::new(22, 6, 5, 5),
                    ] {
                        let area = Rect::new(0, 0, 24, 8);
                        let mut ours = Buffer::empty(area);
                        let mut theirs = Buffer::empty(area);
                        for buffer in [&mut ours, &mut theirs] {
                            for y in 0..8 {
                                buffer.set_string(
                                    0,
                                    y,
                                    "x漢字 yz".repeat(4),
                                    Style::default().bg(Color::Blue),
                                );
                            }
                        }
                        pane(title, rect, focused, &theme, glyphs, &mut ours);
                        let room = usize::from(rect.width.saturating_sub(4));
                        let fitted = glyphs.fit(&glyphs.words(title), room);
                        let block = Block::bordered()
                            .border_set(border_set(glyphs, focused))
                            .border_style(theme.border(focused))
                            .title(Line::from(Span::styled(
                                format!(" {fitted} "),
                                theme.pane_title(focused),
                            )));
                        if rect.width >= 2 && rect.height >= 2 {
                            block.render(rect, &mut theirs);
                        }
                        assert_eq!(ours, theirs, "{title:?} in {rect:?}, focused {focused}");
                    }
                }
            }
        }
    }

    proptest! {
        #[test]
        fn any_text_is_written_as_ratatui_writes_it(
            text in "[a-c \u{301}\u{200d}\u{600}漢\r\n\t\u{1F468}éü—Ω\u{3000}]{0,16}",
            x in 2u16..15,
            room in 0usize..16,
        ) {
            same_as_ratatui(&text, x, room);
        }
    }
}

//! Drawing the library: the briefings in a folder and the filter line.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::{pane, put_line};
use crate::app::App;
use crate::app::geometry::text_area;
use crate::app::library::LibraryState;
use crate::sanitize;

/// Rows each entry takes: title, details, a blank.
const ROWS_PER_ENTRY: u16 = 3;

/// The first entry shown in a list `rows` tall, keeping the selection visible.
fn list_offset(library: &LibraryState, rows: u16) -> usize {
    let room = usize::from(rows / ROWS_PER_ENTRY).max(1);
    if library.selected >= room {
        library.selected + 1 - room
    } else {
        0
    }
}

/// The rectangle the list of entries is drawn in, and where it starts.
fn list_area(library: &LibraryState, area: Rect) -> (Rect, u16) {
    let body = Rect::new(
        area.x,
        area.y + 1,
        area.width,
        area.height.saturating_sub(2),
    );
    let inner = text_area(body);
    let filter_rows = if library.filtering || !library.filter.is_empty() {
        2
    } else {
        0
    };
    (inner, inner.y + filter_rows)
}

/// The visible-list index of the entry drawn at row `y`, for mouse clicks.
pub fn library_entry_at(library: &LibraryState, area: Rect, y: u16) -> Option<usize> {
    let (inner, top) = list_area(library, area);
    let bottom = inner.y + inner.height;
    if y < top || y >= bottom {
        return None;
    }
    let index = list_offset(library, bottom - top) + usize::from((y - top) / ROWS_PER_ENTRY);
    (index < library.visible.len()).then_some(index)
}

/// Draws the library screen (not the status line).
pub fn render(app: &App, area: Rect, buffer: &mut Buffer) {
    let theme = &app.theme;
    let Some(library) = &app.library else {
        return;
    };
    let header = format!(" brief {} {}", app.glyphs.dot, library.folder);
    let header = app.glyphs.fit(&header, usize::from(area.width));
    put_line(
        buffer,
        area.x,
        area.y,
        usize::from(area.width),
        [(header.as_str(), theme.pane_title(false))],
    );

    let body = Rect::new(
        area.x,
        area.y + 1,
        area.width,
        area.height.saturating_sub(2),
    );
    pane(
        "Briefings",
        body,
        !app.help_open(),
        theme,
        app.glyphs,
        buffer,
    );
    let inner = text_area(body);
    let width = usize::from(inner.width);
    let mut y = inner.y;
    let bottom = inner.y + inner.height;
    if library.filtering || !library.filter.is_empty() {
        let filter = sanitize::line(&library.filter);
        let cursor = if library.filtering { "_" } else { "" };
        let line = format!("/ {filter}{cursor}");
        put_line(buffer, inner.x, y, width, [(line.as_str(), theme.key())]);
        y += 2;
    }
    if library.visible.is_empty() {
        let note = if library.entries.is_empty() {
            "No briefings (.toml or .md files) in this folder.".to_owned()
        } else {
            format!("No briefing matches “{}”.", sanitize::line(&library.filter))
        };
        let note = app.glyphs.words(&note).into_owned();
        if y < bottom {
            put_line(
                buffer,
                inner.x,
                y,
                width,
                [(note.as_str(), theme.secondary())],
            );
        }
        return;
    }
    let rows_per_entry = 3usize;
    let room = usize::from(bottom.saturating_sub(y)) / rows_per_entry;
    let offset = if library.selected >= room.max(1) {
        library.selected + 1 - room.max(1)
    } else {
        0
    };
    for (index, entry_index) in library.visible.iter().enumerate().skip(offset) {
        if y + 1 >= bottom {
            break;
        }
        let Some(entry) = library.entries.get(*entry_index) else {
            continue;
        };
        let selected = index == library.selected;
        let marker = if selected { app.glyphs.pointer } else { " " };
        let (title, meta, meta_style) = match &entry.briefing {
            Ok(briefing) => {
                let mut meta = Vec::new();
                if let Some(c) = &briefing.classification {
                    meta.push(c.to_uppercase());
                }
                if let Some(date) = &briefing.date {
                    meta.push(date.display());
                }
                let count = briefing.sections.len();
                meta.push(format!(
                    "{count} section{}",
                    if count == 1 { "" } else { "s" }
                ));
                if let Some(read) = entry.read.filter(|r| *r > 0) {
                    meta.push(format!("{read}/{count} read"));
                }
                match entry.changed {
                    0 => {}
                    1 => meta.push("1 section changed since you read it".to_owned()),
                    n => meta.push(format!("{n} sections changed since you read it")),
                }
                meta.push(entry.name.clone());
                let separator = format!(" {} ", app.glyphs.dot);
                (
                    briefing.title.clone(),
                    meta.join(&separator),
                    theme.secondary(),
                )
            }
            Err(error) => (entry.name.clone(), error.to_string(), theme.error()),
        };
        let title_style = if selected {
            theme.pane_title(false).patch(theme.selection())
        } else {
            theme.pane_title(false)
        };
        let line = app.glyphs.pad(&format!("{marker} {title}"), width);
        put_line(buffer, inner.x, y, width, [(line.as_str(), title_style)]);
        let meta = format!("  {meta}");
        let meta = app.glyphs.fit(&meta, width);
        put_line(buffer, inner.x, y + 1, width, [(meta.as_str(), meta_style)]);
        y += rows_per_entry as u16;
    }
    let _ = Style::default();
}

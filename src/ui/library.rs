//! Drawing the library: the briefings in a folder and the filter line.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::{pane, put_line};
use crate::app::App;
use crate::app::geometry::{LIBRARY_ROWS_PER_ENTRY, library_list_offset, text_area};
use crate::sanitize;

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
    let offset = library_list_offset(library, bottom.saturating_sub(y));
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
        y += LIBRARY_ROWS_PER_ENTRY;
    }
    let _ = Style::default();
}

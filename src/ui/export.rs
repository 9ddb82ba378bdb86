//! Drawing the export dialog: a box in the middle of the screen with the
//! file path being typed (and its cursor), the format, whether the file
//! will be private, what the last try found, and the keys.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Clear, Widget};

use super::{pane, put_line};
use crate::action::{Action, Context};
use crate::app::export_dialog::{ExportDialog, ExportPlace};
use crate::app::{App, Level};
use crate::onepage::Format;
use crate::text;

/// The widest the dialog is drawn.
const MAX_WIDTH: u16 = 76;
/// The most rows a message in the dialog takes.
const NOTICE_ROWS: usize = 3;

/// Where a dialog of `rows` rows inside its frame goes in `area` (the
/// screen less the status line): in the middle.
fn rect(area: Rect, rows: usize) -> Rect {
    let width = area.width.saturating_sub(2).min(MAX_WIDTH);
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX).min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

/// Draws the dialog over whatever is in `area`.
pub fn render(app: &App, dialog: &ExportDialog, area: Rect, buffer: &mut Buffer) {
    let theme = &app.theme;
    let glyphs = app.glyphs;
    // Two columns of frame and one of margin on each side.
    let width = usize::from(
        area.width
            .saturating_sub(2)
            .min(MAX_WIDTH)
            .saturating_sub(4),
    );
    if width == 0 {
        return;
    }
    let mut rows: Vec<Vec<(String, Style)>> = Vec::new();

    // The path: up to two rows, wrapped like the note editor's text and
    // scrolled to the cursor, each character sanitised for display.
    let path_rows = dialog.path.rows(width);
    let cursor_row = path_rows
        .iter()
        .position(|r| r.cursor.is_some())
        .unwrap_or(0);
    let first = cursor_row.saturating_sub(1);
    let mut cursor_at = None;
    for (i, row) in path_rows.iter().skip(first).take(2).enumerate() {
        if let Some(column) = row.cursor {
            cursor_at = Some((i, column));
        }
        rows.push(vec![(row.text.clone(), Style::default())]);
    }

    let (on, off) = if glyphs.ascii {
        ("(*)", "( )")
    } else {
        ("(•)", "( )")
    };
    let option = |format: Format, label: &str| {
        if dialog.format == format {
            (format!("{on} {label}"), theme.selection())
        } else {
            (format!("{off} {label}"), Style::default())
        }
    };
    rows.push(vec![
        ("Format: ".to_owned(), theme.secondary()),
        option(Format::Text, "text"),
        ("  ".to_owned(), Style::default()),
        option(Format::Markdown, "Markdown"),
    ]);
    if dialog.private {
        rows.push(vec![(
            "It holds your notes: only you will be able to read it.".to_owned(),
            theme.secondary(),
        )]);
    }

    // What the last try found, else how the path is read.
    let (notice, style) = match &dialog.notice {
        Some(message) => (
            message.text.clone(),
            match message.level {
                Level::Info => Style::default(),
                Level::Warning => theme.warning(),
                Level::Error => theme.error(),
            },
        ),
        None => (hint(app), theme.secondary()),
    };
    let notice = glyphs.words(&notice).into_owned();
    let mut wrapped = text::wrap(&[(notice.as_str(), ())], width, &[], &[]);
    if wrapped.len() > NOTICE_ROWS {
        // The end of a long message is what gets cut, visibly.
        let last: Vec<String> = wrapped[NOTICE_ROWS - 1..]
            .iter()
            .map(|line| line.iter().map(|(t, _)| t.as_str()).collect())
            .collect();
        let last = last.join(" ");
        wrapped.truncate(NOTICE_ROWS - 1);
        wrapped.push(vec![(glyphs.fit(&last, width), ())]);
    }
    for line in &wrapped {
        let text: String = line.iter().map(|(t, _)| t.as_str()).collect();
        rows.push(vec![(text, style)]);
    }

    let keys = format!(
        "{} write {dot} {} text/Markdown {dot} {} cancel",
        app.first_key(Context::Export, Action::WriteExport),
        app.first_key(Context::Export, Action::SwitchExportFormat),
        app.first_key(Context::Export, Action::CancelExport),
        dot = glyphs.dot,
    );
    rows.push(vec![(glyphs.fit(&keys, width), theme.secondary())]);

    let rect = rect(area, rows.len());
    if rect.width < 4 || rect.height < 3 {
        return;
    }
    Clear.render(rect, buffer);
    pane(
        "Export the one-page brief",
        rect,
        true,
        theme,
        glyphs,
        buffer,
    );
    let inner = Rect::new(
        rect.x + 2,
        rect.y + 1,
        rect.width.saturating_sub(4),
        rect.height.saturating_sub(2),
    );
    for (i, row) in rows.iter().take(usize::from(inner.height)).enumerate() {
        let y = inner.y + i as u16;
        put_line(
            buffer,
            inner.x,
            y,
            usize::from(inner.width),
            row.iter().map(|(t, s)| (t.as_str(), *s)),
        );
    }
    if let Some((row, column)) = cursor_at
        && (row as u16) < inner.height
    {
        let x = inner.x + column.min(usize::from(inner.width).saturating_sub(1)) as u16;
        let cell = &mut buffer[(x, inner.y + row as u16)];
        if cell.symbol().trim().is_empty() {
            cell.set_symbol(" ");
        }
        cell.set_style(theme.selection());
    }
}

/// How a typed path is read, when nothing else is to be said.
fn hint(app: &App) -> String {
    match &app.export.place {
        ExportPlace::Ask { dir, home } if Some(dir) == home.as_ref() => {
            "Never written over an existing file. A name alone goes in your home folder.".to_owned()
        }
        ExportPlace::Ask { dir, home } => format!(
            "Never written over an existing file. A name alone goes in {}.",
            crate::sanitize::line(&crate::paths::with_tilde(dir, home.as_deref()))
        ),
        ExportPlace::Off { why } => why.clone(),
    }
}

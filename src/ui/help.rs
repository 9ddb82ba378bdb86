//! The help overlay, generated from the keymap in force and each action's
//! description, with the keymap's problems listed first.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::{pane, put_line};
use crate::action::{Action, Context};
use crate::app::App;
use crate::app::geometry::text_area;
use crate::text;

/// One row of help.
enum Row {
    Heading(String),
    Error(String),
    Binding(String, &'static str),
    /// A description on a row of its own, under its keys (narrow screens).
    Description(&'static str),
    Blank,
}

/// Below this width a binding takes two rows: keys, then description.
const TWO_ROWS_BELOW: usize = 56;

fn rows(app: &App, width: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    if !app.keymap_errors.is_empty() {
        rows.push(Row::Heading(
            "Keymap problems (defaults used for these)".to_owned(),
        ));
        for error in &app.keymap_errors {
            let lines = text::wrap(
                &[(error.to_string().as_str(), ())],
                width.max(1),
                &[],
                &[("  ", ())],
            );
            for line in lines {
                rows.push(Row::Error(line.into_iter().map(|(t, _)| t).collect()));
            }
        }
        rows.push(Row::Blank);
    }
    for context in Context::ALL {
        let bindings: Vec<(Action, String)> = app
            .keymap
            .bindings(context)
            .filter(|(_, keys)| !keys.is_empty())
            .map(|(action, keys)| {
                let names: Vec<String> = keys.iter().map(ToString::to_string).collect();
                (action, names.join(" "))
            })
            .collect();
        if bindings.is_empty() {
            continue;
        }
        rows.push(Row::Heading(context.title().to_owned()));
        // "1 … 9" on one row when the section keys are the plain digits.
        let digits: Vec<&String> = bindings
            .iter()
            .filter(|(a, _)| a.section_number().is_some())
            .map(|(_, k)| k)
            .collect();
        let plain_digits = digits.len() == 9
            && digits
                .iter()
                .enumerate()
                .all(|(i, k)| **k == (i + 1).to_string());
        let mut bindings = bindings;
        if plain_digits {
            let first = bindings
                .iter()
                .position(|(a, _)| a.section_number().is_some());
            bindings.retain(|(a, _)| a.section_number().is_none());
            if let Some(at) = first {
                bindings.insert(at, (Action::Section1, "1-9".to_owned()));
            }
        }
        for (action, keys) in bindings {
            let description = if plain_digits && action == Action::Section1 {
                "Go to that section"
            } else {
                action.description()
            };
            rows.push(Row::Binding(keys, description));
            if width < TWO_ROWS_BELOW {
                rows.push(Row::Description(description));
            }
        }
        rows.push(Row::Blank);
    }
    // The note editor's keys are those of any text field; they are fixed.
    rows.push(Row::Heading("Note editor".to_owned()));
    for (keys, description) in EDITOR_KEYS {
        rows.push(Row::Binding((*keys).to_owned(), description));
        if width < TWO_ROWS_BELOW {
            rows.push(Row::Description(description));
        }
    }
    rows
}

/// The note editor's fixed keys.
const EDITOR_KEYS: &[(&str, &str)] = &[
    (
        "esc ctrl-s",
        "Save the note and close (an empty note is deleted)",
    ),
    ("enter", "New line"),
    ("left right up down", "Move the cursor"),
    ("home end ctrl-a ctrl-e", "Start or end of the line"),
    ("backspace delete", "Delete a character"),
    (
        "ctrl-w ctrl-u ctrl-k",
        "Delete a word, to line start, to line end",
    ),
];

/// Number of rows the help has at `width` columns, for clamping its scroll
/// position.
pub fn help_line_count(app: &App, width: usize) -> usize {
    rows(app, width).len()
}

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
    let top = app.help_top.min(rows.len().saturating_sub(height));
    let two_rows = width < TWO_ROWS_BELOW;
    let key_width = rows
        .iter()
        .filter_map(|r| match r {
            Row::Binding(keys, _) => Some(text::width(keys)),
            _ => None,
        })
        .max()
        .unwrap_or(0)
        .min(width / 2);
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
            Row::Blank => {}
        }
    }
}

//! The status line: where the reader is, the keys that matter now, and
//! messages (errors and warnings never go to stderr while the screen is
//! drawn; they come here).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::put_line;
use crate::action::{Action, Context};
use crate::app::{App, Level, Screen};
use crate::text;

/// The actions worth a hint in `context`, with a short label.
fn hints(context: Context, help_open: bool) -> &'static [(Context, Action, &'static str)] {
    if help_open {
        return &[(Context::Global, Action::Close, "close")];
    }
    match context {
        Context::Library => &[
            (Context::Library, Action::Open, "open"),
            (Context::Global, Action::Search, "filter"),
            (Context::Global, Action::Help, "help"),
            (Context::Global, Action::Quit, "quit"),
        ],
        Context::Search => &[
            (Context::Search, Action::Confirm, "done"),
            (Context::Search, Action::Close, "clear"),
        ],
        Context::Outline => &[
            (Context::Outline, Action::Open, "go"),
            (Context::Global, Action::FocusNext, "pane"),
            (Context::Global, Action::Help, "help"),
            (Context::Global, Action::Quit, "quit"),
        ],
        Context::Reader | Context::Facts | Context::Global => &[
            (Context::Global, Action::NextSection, "next"),
            (Context::Global, Action::Search, "search"),
            (Context::Global, Action::Help, "help"),
            (Context::Global, Action::Quit, "quit"),
        ],
    }
}

/// Draws the status line.
pub fn render(app: &App, rect: Rect, buffer: &mut Buffer) {
    let theme = &app.theme;
    let width = usize::from(rect.width);
    let blank = " ".repeat(width);
    put_line(
        buffer,
        rect.x,
        rect.y,
        width,
        [(blank.as_str(), theme.status())],
    );

    let writing_note = app.reader().is_some_and(|r| r.note_editor.is_some());
    let all_hints: Vec<String> = hints(app.context(), app.help_open() || writing_note)
        .iter()
        .filter_map(|(context, action, label)| {
            app.keymap
                .keys(*context, *action)
                .first()
                .map(|key| format!("{key} {label}"))
        })
        .collect();

    let searching = app.reader().and_then(|r| r.search.as_ref());
    let writing = app.reader().is_some_and(|r| r.note_editor.is_some());
    let (left, style) = match (&app.message, searching) {
        _ if writing => (
            "Writing a note: esc or ctrl-s saves it; an empty note is deleted".to_owned(),
            theme.status(),
        ),
        (_, Some(search)) if search.editing => {
            let query = crate::sanitize::line(&search.query);
            let count = if search.query.is_empty() {
                String::new()
            } else {
                format!("   {}", search.describe())
            };
            (format!("/{query}_{count}"), theme.status())
        }
        (Some(message), _) => {
            let style = match message.level {
                Level::Info => theme.status(),
                Level::Warning => theme.warning().patch(theme.status()),
                Level::Error => theme.error().patch(theme.status()),
            };
            (message.text.clone(), style)
        }
        (None, Some(search)) => (
            format!("{} {} {}", position(app), app.glyphs.dot, search.describe()),
            theme.status(),
        ),
        (None, None) => (position(app), theme.status()),
    };
    let left = format!(" {}", app.glyphs.words(&left));
    let left_width = text::width(&left);
    // The most important hints are last (help, quit): on a narrow screen
    // the first ones go.
    let mut skip = 0;
    let hint_text = loop {
        let text = format!("{} ", all_hints[skip.min(all_hints.len())..].join("  "));
        if skip >= all_hints.len() || left_width + text::width(&text) + 2 <= width {
            break text;
        }
        skip += 1;
    };
    let hint_width = text::width(&hint_text);
    if hint_width > 1 && left_width + hint_width + 2 <= width {
        put_line(buffer, rect.x, rect.y, width, [(left.as_str(), style)]);
        let x = rect.x + (width - hint_width) as u16;
        put_line(
            buffer,
            x,
            rect.y,
            hint_width,
            [(hint_text.as_str(), theme.status())],
        );
    } else {
        let shown = app.glyphs.fit(&left, width);
        put_line(buffer, rect.x, rect.y, width, [(shown.as_str(), style)]);
    }
}

fn position(app: &App) -> String {
    let keymap_note = if app.keymap_errors.is_empty() {
        String::new()
    } else {
        match app.keymap_errors.len() {
            1 => "  1 keymap problem".to_owned(),
            n => format!("  {n} keymap problems"),
        }
    };
    match &app.screen {
        Screen::Reader(reader) => format!(
            "{} {} {}%{keymap_note}",
            reader.part_label(),
            app.glyphs.dot,
            reader.percent()
        ),
        Screen::Library => match &app.library {
            Some(library) => {
                let shown = library.visible.len();
                let total = library.entries.len();
                if library.filter.is_empty() {
                    format!("{total} briefings{keymap_note}")
                } else {
                    format!("{shown} of {total} briefings{keymap_note}")
                }
            }
            None => keymap_note,
        },
    }
}

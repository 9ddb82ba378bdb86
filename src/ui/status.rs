//! The status line: where the reader is, the keys that matter now, and
//! messages (errors and warnings never go to stderr while the screen is
//! drawn; they come here).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

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
        Context::Editor => &[
            (Context::Editor, Action::SaveNote, "save"),
            (Context::Editor, Action::CancelNote, "cancel"),
        ],
        Context::Export => &[
            (Context::Export, Action::WriteExport, "write"),
            (Context::Export, Action::SwitchExportFormat, "format"),
            (Context::Export, Action::CancelExport, "cancel"),
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
    // The bar's blank cells, set one by one (as writing a row of spaces
    // would, without splitting it into graphemes first).
    let bar = rect.intersection(buffer.area);
    for x in bar.left()..bar.right() {
        for y in bar.top()..bar.bottom() {
            buffer[(x, y)].set_symbol(" ").set_style(theme.status());
        }
    }

    let writing_note = app.reader().is_some_and(|r| r.note_editor.is_some());
    let all_hints: Vec<String> = hints(app.context(), app.help_open() || app.changes_open())
        .iter()
        .filter_map(|(context, action, label)| {
            let key = app.keymap.first_name(*context, *action)?;
            let mut hint = String::with_capacity(key.len() + 1 + label.len());
            hint.push_str(key);
            hint.push(' ');
            hint.push_str(label);
            Some(hint)
        })
        .collect();

    // In the export dialog, as in the note editor, keys type text: no
    // help hint there.
    let writing_note = writing_note || app.export.dialog.is_some();
    let (left, style) = left_text(app, width);
    let left = format!(" {}", app.glyphs.words(&left));
    let left_width = text::width(&left);
    // The most important hints are last (help, quit): on a narrow screen
    // the first ones go.
    // The help hint is never the one to go.
    let help = help_key(app).map(|key| format!("{key} help"));
    let mut shown_hints = all_hints;
    let hint_text = loop {
        let text = format!("{} ", shown_hints.join("  "));
        let Some(first) = shown_hints
            .iter()
            .position(|h| Some(h) != help.as_ref() || app.help_open() || writing_note)
        else {
            break text;
        };
        if left_width + text::width(&text) + 2 <= width {
            break text;
        }
        shown_hints.remove(first);
    };
    let hint_width = text::width(&hint_text);
    // When even the last hints do not fit beside the message, the way to
    // the help stays and the message gives way: the help is how a reader
    // finds every other key.
    let (left, hint_text) = if hint_width > 1 && left_width + hint_width + 2 <= width {
        (left, hint_text)
    } else {
        match help_key(app) {
            Some(help) if !writing_note && !app.help_open() => {
                // "? help" if the message still fits beside it, else "?".
                let long = format!(" {help} help ");
                let hint = if left_width + text::width(&long) <= width {
                    long
                } else {
                    format!(" {help} ")
                };
                let room = width.saturating_sub(text::width(&hint));
                (app.glyphs.fit(&left, room), hint)
            }
            _ => (app.glyphs.fit(&left, width), String::new()),
        }
    };
    put_line(buffer, rect.x, rect.y, width, [(left.as_str(), style)]);
    let hint_width = text::width(&hint_text);
    if hint_width > 0 && hint_width <= width {
        let x = rect.x + (width - hint_width) as u16;
        put_line(
            buffer,
            x,
            rect.y,
            hint_width,
            [(hint_text.as_str(), theme.status())],
        );
    }
}

/// What the status line says on its left, and in what style: the message,
/// the search being typed, or where the reader is.
fn left_text(app: &App, width: usize) -> (String, Style) {
    let theme = &app.theme;
    let searching = app.reader().and_then(|r| r.search.as_ref());
    let writing = app.reader().is_some_and(|r| r.note_editor.is_some());
    match (&app.message, searching) {
        (None, _) if app.export.dialog.is_some() => (
            "Export: where to write the one-page brief".to_owned(),
            theme.status(),
        ),
        (None, _) if writing => {
            let save = app.first_key(Context::Editor, Action::SaveNote);
            let cancel = app.first_key(Context::Editor, Action::CancelNote);
            let long = format!(
                "Writing a note: {save} saves it, {cancel} cancels; an empty note is deleted"
            );
            // On a narrow screen the keys stay whole and the aside goes.
            let text = if text::width(&long) + 2 <= width {
                long
            } else {
                format!("Note: {save} saves, {cancel} cancels")
            };
            (text, theme.status())
        }
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
    }
}

/// A key for what the status line in `rect` shows: equal keys, equal
/// cells. Its hints change only with the mode, the focus, the help or the
/// keymap, each of which moves [`App::chrome_generation`]; the rest is
/// the text on its left (where the reader is, a message, a search), taken
/// in whole. Cheaper than drawing the line, which formats every hint.
pub fn status_key(app: &App, rect: Rect) -> u64 {
    use std::hash::{Hash, Hasher};
    let (left, style) = left_text(app, usize::from(rect.width));
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (app.chrome_generation, rect, left, style).hash(&mut hasher);
    hasher.finish()
}

/// The first key that opens the help, if any is bound.
fn help_key(app: &App) -> Option<String> {
    app.keymap
        .first_name(Context::Global, Action::Help)
        .map(str::to_owned)
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
        Screen::Reader(reader) => {
            // Below the width where the sidebar docks, say what it holds
            // and how to see it, so the figures are never silently away.
            let facts = match (reader.facts_rect(), reader.facts_count()) {
                (None, count) if count > 0 => {
                    let noun = if count == 1 { "fact" } else { "facts" };
                    match app
                        .keymap
                        .keys(Context::Global, Action::ToggleFacts)
                        .first()
                    {
                        Some(key) => format!(" {} {count} {noun}: {key}", app.glyphs.dot),
                        None => format!(" {} {count} {noun}", app.glyphs.dot),
                    }
                }
                _ => String::new(),
            };
            format!(
                "{} {} {}%{facts}{keymap_note}",
                reader.part_label(),
                app.glyphs.dot,
                reader.percent()
            )
        }
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

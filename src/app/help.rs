//! Help: whether it is open, where it is scrolled to, and its rows.
//!
//! The rows are generated from the keymap in force and each action's
//! description, with the keymap's problems listed first. Built here, in
//! one pure function, so the view draws them and the update clamps the
//! scroll position with the same count.

use super::App;
use super::geometry::{self, Overlay, Panes, text_area};
use crate::action::{Action, Context};
use crate::text;

/// The help overlay's state, on whichever screen it is open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HelpState {
    /// The overlay is open.
    pub open: bool,
    /// First row shown.
    pub top: usize,
}

impl HelpState {
    /// Opens (at the top) or closes the overlay.
    pub fn set_open(&mut self, open: bool) {
        *self = Self { open, top: 0 };
    }

    /// Scrolls by `delta` rows, keeping the last page full: `rows` rows
    /// in all, `height` shown.
    pub fn scroll(&mut self, delta: isize, rows: usize, height: usize) {
        let last = rows.saturating_sub(height);
        self.top = self.top.saturating_add_signed(delta).min(last);
    }
}

/// Where the help overlay is drawn in a window of `area`.
pub fn rect(area: ratatui::layout::Rect) -> Option<ratatui::layout::Rect> {
    let panes = Panes {
        overlay: Some(Overlay::Help),
        ..Panes::default()
    };
    geometry::Geometry::compute(area, panes)
        .overlay
        .map(|(_, rect)| rect)
}

/// Scrolls the app's help by `delta` rows.
pub(super) fn scroll(app: &mut App, delta: isize) {
    let Some(rect) = rect(app.area) else {
        return;
    };
    let text = text_area(rect);
    let count = rows(app, usize::from(text.width)).len();
    app.help.scroll(delta, count, usize::from(text.height));
}

/// One row of help.
pub enum Row {
    /// A context's title.
    Heading(String),
    /// A problem with the keymap (one wrapped line of it).
    Error(String),
    /// Keys and what they do.
    Binding(String, &'static str),
    /// A description on a row of its own, under its keys (narrow screens).
    Description(&'static str),
    /// Space between groups.
    Blank,
}

/// Below this width a binding takes two rows: keys, then description.
pub const TWO_ROWS_BELOW: usize = 56;

/// The help's rows at `width` columns.
pub fn rows(app: &App, width: usize) -> Vec<Row> {
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

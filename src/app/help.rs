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
    /// Keys and what they do (the first line of it, if it wraps).
    Binding(String, String),
    /// A description on a row of its own, under its keys (narrow screens).
    Description(String),
    /// Space between groups.
    Blank,
    /// A further line of a wrapped description, at this indent.
    More(usize, String),
}

/// Below this width a binding takes two rows: keys, then description.
pub const TWO_ROWS_BELOW: usize = 56;

/// The help's rows at `width` columns.
pub fn rows(app: &App, width: usize) -> Vec<Row> {
    wrap_descriptions(unwrapped_rows(app, width), width)
}

/// Where descriptions start after the keys, at `width` columns: the same
/// column for every binding.
pub fn key_width(rows: &[Row], width: usize) -> usize {
    rows.iter()
        .filter_map(|r| match r {
            Row::Binding(keys, _) => Some(text::width(keys)),
            _ => None,
        })
        .max()
        .unwrap_or(0)
        .min(width / 2)
}

/// Descriptions too long for their row wrap onto further rows under
/// themselves, instead of being cut off.
fn wrap_descriptions(rows: Vec<Row>, width: usize) -> Vec<Row> {
    let two_rows = width < TWO_ROWS_BELOW;
    let indent = if two_rows {
        6
    } else {
        key_width(&rows, width) + 4
    };
    let room = width.saturating_sub(indent).max(1);
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let (description, rebuild): (&str, fn(String, String) -> Row) = match &row {
            Row::Binding(_, d) if !two_rows => (d, Row::Binding),
            Row::Description(d) => (d, |_, d| Row::Description(d)),
            _ => {
                out.push(row);
                continue;
            }
        };
        if text::width(description) <= room {
            out.push(row);
            continue;
        }
        let mut lines = text::wrap(&[(description, ())], room, &[], &[])
            .into_iter()
            .map(|line| line.into_iter().map(|(t, _)| t).collect::<String>());
        let first = lines.next().unwrap_or_default();
        let rest: Vec<String> = lines.collect();
        let keys = match &row {
            Row::Binding(keys, _) => keys.clone(),
            _ => String::new(),
        };
        out.push(rebuild(keys, first));
        out.extend(rest.into_iter().map(|line| Row::More(indent, line)));
    }
    out
}

/// The help's rows, each description on one row however long.
fn unwrapped_rows(app: &App, width: usize) -> Vec<Row> {
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
            rows.push(Row::Binding(keys, description.to_owned()));
            if width < TWO_ROWS_BELOW {
                rows.push(Row::Description(description.to_owned()));
            }
        }
        rows.push(Row::Blank);
    }
    // Saving and cancelling come from the keymap's [editor] context above;
    // moving and deleting are those of any text field, and fixed.
    rows.push(Row::Heading("Note editor: moving and deleting".to_owned()));
    for (keys, description) in EDITOR_KEYS {
        rows.push(Row::Binding((*keys).to_owned(), (*description).to_owned()));
        if width < TWO_ROWS_BELOW {
            rows.push(Row::Description((*description).to_owned()));
        }
    }
    legend(app, width, &mut rows);
    rows
}

/// What the outline's marks mean, in the glyphs in force.
fn legend(app: &App, width: usize, rows: &mut Vec<Row>) {
    rows.push(Row::Blank);
    rows.push(Row::Heading("Marks in the outline".to_owned()));
    let glyphs = app.glyphs;
    for (mark, meaning) in [
        (
            glyphs.check,
            "Read: most of it was on screen long enough to read",
        ),
        (glyphs.note, "You wrote a note on it"),
        (glyphs.changed, "Changed since you read it, or new"),
    ] {
        rows.push(Row::Binding(mark.to_owned(), meaning.to_owned()));
        if width < TWO_ROWS_BELOW {
            rows.push(Row::Description(meaning.to_owned()));
        }
    }
}

/// The note editor's fixed keys.
const EDITOR_KEYS: &[(&str, &str)] = &[
    ("enter", "New line"),
    ("left right up down", "Move the cursor"),
    ("home end ctrl-a ctrl-e", "Start or end of the line"),
    ("backspace delete", "Delete a character"),
    (
        "ctrl-w ctrl-u ctrl-k",
        "Delete a word, to line start, to line end",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Settings;
    use crate::glyphs::Glyphs;
    use crate::keymap::Keymap;
    use crate::theme::{ColorMode, Theme};
    use ratatui::layout::Rect;

    fn app(glyphs: Glyphs) -> App {
        let settings = Settings {
            keymap: Keymap::defaults(),
            keymap_errors: Vec::new(),
            theme: Theme::new(ColorMode::Monochrome),
            glyphs,
            store: None,
            mouse: false,
            export: crate::app::export_dialog::ExportPlace::Ask {
                dir: std::env::temp_dir(),
                home: None,
            },
        };
        let briefing = crate::loader::load_str("t", "title = \"T\"\n[[sections]]\ntitle = \"A\"\n")
            .expect("valid");
        App::with_briefing(
            settings,
            briefing,
            "t".to_owned(),
            None,
            Rect::new(0, 0, 80, 24),
        )
    }

    /// Every description, as the rows show it, joined back up.
    fn descriptions(rows: &[Row], width: usize) -> Vec<String> {
        let two_rows = width < TWO_ROWS_BELOW;
        let mut out: Vec<String> = Vec::new();
        for row in rows {
            match row {
                Row::Binding(_, d) if !two_rows => out.push(d.clone()),
                Row::Description(d) => out.push(d.clone()),
                Row::More(_, line) => {
                    if let Some(last) = out.last_mut() {
                        last.push(' ');
                        last.push_str(line);
                    }
                }
                _ => {}
            }
        }
        out
    }

    #[test]
    fn help_lines_wrap_to_fit_and_lose_no_word() {
        let app = app(Glyphs::UNICODE);
        let whole = descriptions(&rows(&app, 500), 500);
        for width in [40, 56, 80, 120] {
            let rows = rows(&app, width);
            let keys = key_width(&rows, width);
            for row in &rows {
                let used = match row {
                    Row::Binding(_, d) if width >= TWO_ROWS_BELOW => keys + 4 + text::width(d),
                    Row::Description(d) => 6 + text::width(d),
                    Row::More(indent, line) => indent + text::width(line),
                    _ => 0,
                };
                assert!(used <= width, "a help row is cut at {width} columns");
            }
            assert_eq!(descriptions(&rows, width), whole, "at {width} columns");
        }
    }

    #[test]
    fn help_says_one_thing_about_each_editor_key() {
        // The editor's save and cancel keys come from the keymap: no other
        // row may tell the reader that esc saves.
        let rows = rows(&app(Glyphs::UNICODE), 120);
        let headings = rows
            .iter()
            .filter(|r| matches!(r, Row::Heading(h) if h.starts_with("Note editor")))
            .count();
        assert_eq!(headings, 2, "the keymap's editor keys, then the fixed ones");
        for row in &rows {
            if let Row::Binding(keys, description) = row {
                let says_save = description.to_lowercase().starts_with("save the note");
                assert!(
                    !(says_save && keys.split(' ').any(|k| k == "esc")),
                    "help says {keys} saves: {description}"
                );
            }
        }
    }

    #[test]
    fn the_legend_explains_the_outline_marks_in_the_glyphs_in_force() {
        for glyphs in [Glyphs::UNICODE, Glyphs::ASCII] {
            let app = app(glyphs);
            let rows = rows(&app, 80);
            let at = rows
                .iter()
                .position(|r| matches!(r, Row::Heading(h) if h == "Marks in the outline"))
                .expect("a legend");
            let marks: Vec<&str> = rows[at..]
                .iter()
                .filter_map(|r| match r {
                    Row::Binding(keys, _) => Some(keys.as_str()),
                    _ => None,
                })
                .collect();
            assert_eq!(marks, [glyphs.check, glyphs.note, glyphs.changed]);
        }
    }
}

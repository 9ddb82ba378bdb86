//! The mouse, when switched on with `--mouse`: the wheel scrolls the pane
//! under the pointer, a click in the outline or the library opens the
//! entry. Off by default so the terminal's own text selection keeps
//! working over SSH.
//!
//! A mouse event is first turned into a [`Pointer`] action by hit-testing
//! the current geometry (pure, from the same functions the view draws
//! with), then applied like any other action.

use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::{App, Outcome, Screen, geometry};
use crate::action::Action;

/// Lines the wheel moves per notch.
const WHEEL_LINES: isize = 3;

/// What a mouse event asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pointer {
    /// Scroll the help overlay by this many rows.
    ScrollHelp(isize),
    /// Move the library selection by this many entries.
    SelectEntry(isize),
    /// Open the library entry at this index of the visible list.
    OpenEntry(usize),
    /// Move the outline selection by this many entries.
    SelectOutline(isize),
    /// Jump to the outline entry at this index.
    OpenOutline(usize),
    /// Scroll the sidebar by this many lines.
    ScrollFacts(isize),
    /// Scroll the reading pane by this many lines.
    ScrollReader(isize),
}

impl App {
    /// The action a mouse event asks for, if any: what is under the
    /// pointer, now.
    pub fn pointer_action(&self, mouse: MouseEvent) -> Option<Pointer> {
        let delta = match mouse.kind {
            MouseEventKind::ScrollDown => WHEEL_LINES,
            MouseEventKind::ScrollUp => -WHEEL_LINES,
            MouseEventKind::Down(MouseButton::Left) => 0,
            _ => return None,
        };
        let (x, y) = (mouse.column, mouse.row);
        let inside = |r: Rect| x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height;
        if self.help_open() {
            return (delta != 0).then_some(Pointer::ScrollHelp(delta));
        }
        match &self.screen {
            Screen::Library => {
                let library = self.library.as_ref()?;
                if delta != 0 {
                    return Some(Pointer::SelectEntry(delta.signum()));
                }
                geometry::library_entry_at(library, self.area, y).map(Pointer::OpenEntry)
            }
            Screen::Reader(reader) => {
                if let Some(rect) = reader.outline_rect().filter(|r| inside(*r)) {
                    if delta != 0 {
                        return Some(Pointer::SelectOutline(delta.signum()));
                    }
                    let inner = geometry::inner(rect);
                    if y < inner.y || y >= inner.y + inner.height {
                        return None;
                    }
                    let offset = geometry::outline_offset(
                        reader.outline.selected,
                        usize::from(inner.height),
                    );
                    let index = offset + usize::from(y - inner.y);
                    return (index < reader.outline.entries.len())
                        .then_some(Pointer::OpenOutline(index));
                }
                if reader.facts_rect().is_some_and(inside) {
                    return (delta != 0).then_some(Pointer::ScrollFacts(delta));
                }
                (delta != 0 && inside(reader.geometry.reader))
                    .then_some(Pointer::ScrollReader(delta))
            }
        }
    }

    /// Applies a mouse action.
    pub(super) fn pointer(&mut self, pointer: Pointer) -> Outcome {
        if let Pointer::ScrollHelp(delta) = pointer {
            self.scroll_help(delta);
            return Outcome::Redraw;
        }
        if let Screen::Library = self.screen {
            let Some(library) = &mut self.library else {
                return Outcome::Idle;
            };
            return match pointer {
                Pointer::SelectEntry(delta) => {
                    library.select(delta);
                    Outcome::Redraw
                }
                Pointer::OpenEntry(index) => {
                    library.selected = index;
                    self.library_action(Action::Open)
                }
                _ => Outcome::Idle,
            };
        }
        let Screen::Reader(reader) = &mut self.screen else {
            return Outcome::Idle;
        };
        match pointer {
            Pointer::SelectOutline(delta) => reader.select(delta),
            Pointer::OpenOutline(index) => {
                reader.outline.selected = index;
                return self.reader_action(Action::Open);
            }
            Pointer::ScrollFacts(delta) => reader.scroll_facts(delta),
            Pointer::ScrollReader(delta) => {
                reader.scroll(delta);
                reader.unsaved = true;
            }
            _ => return Outcome::Idle,
        }
        Outcome::Redraw
    }

    pub(super) fn handle_mouse(&mut self, mouse: MouseEvent) -> Outcome {
        match self.pointer_action(mouse) {
            Some(pointer) => self.pointer(pointer),
            None => Outcome::Idle,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use ratatui::crossterm::event::KeyModifiers;

    use super::*;
    use crate::app::{Event, Settings};
    use crate::glyphs::Glyphs;
    use crate::keymap::Keymap;
    use crate::model::Part;
    use crate::theme::{ColorMode, Theme};

    fn reader(mouse: bool) -> App {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("briefings/alibaba-liege.toml");
        let briefing = crate::loader::load_path(&path).expect("the shipped briefing");
        let settings = Settings {
            keymap: Keymap::defaults(),
            keymap_errors: Vec::new(),
            theme: Theme::new(ColorMode::Monochrome),
            glyphs: Glyphs::UNICODE,
            store: None,
            mouse,
            export: crate::app::export_dialog::ExportPlace::Ask {
                dir: std::env::temp_dir(),
                home: None,
            },
        };
        App::with_briefing(
            settings,
            briefing,
            "b".to_owned(),
            None,
            Rect::new(0, 0, 120, 40),
        )
    }

    fn at(kind: MouseEventKind, column: u16, row: u16) -> MouseEvent {
        MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }
    }

    fn center(rect: Rect) -> (u16, u16) {
        (rect.x + rect.width / 2, rect.y + rect.height / 2)
    }

    #[test]
    fn the_wheel_over_the_reading_pane_scrolls_it_and_marks_the_place_unsaved() {
        let mut app = reader(true);
        let (x, y) = center(app.reader().expect("reader").geometry.reader);
        let wheel = at(MouseEventKind::ScrollDown, x, y);
        assert_eq!(app.pointer_action(wheel), Some(Pointer::ScrollReader(3)));
        app.update(Event::Mouse(wheel), 0);
        let reader = app.reader().expect("reader");
        assert_eq!(reader.view.top, 3);
        assert!(app.unsaved());
    }

    #[test]
    fn a_click_on_an_outline_entry_jumps_there() {
        let mut app = reader(true);
        let outline = app
            .reader()
            .and_then(|r| r.outline_rect())
            .expect("the outline is docked at 120 columns");
        let index = app
            .reader()
            .and_then(|r| {
                r.outline
                    .entries
                    .iter()
                    .position(|e| e.part == Part::Section(2) && e.depth == 0)
            })
            .expect("section 3 in the outline");
        let inner = geometry::inner(outline);
        let click = at(
            MouseEventKind::Down(MouseButton::Left),
            inner.x + 2,
            inner.y + index as u16,
        );
        assert_eq!(app.pointer_action(click), Some(Pointer::OpenOutline(index)));
        app.update(Event::Mouse(click), 0);
        assert_eq!(
            app.reader().expect("reader").current_part(),
            Part::Section(2)
        );
    }

    #[test]
    fn without_mouse_mode_mouse_events_do_nothing() {
        let mut app = reader(false);
        let (x, y) = center(app.reader().expect("reader").geometry.reader);
        let step = app.update(Event::Mouse(at(MouseEventKind::ScrollDown, x, y)), 0);
        assert_eq!(step.outcome, Outcome::Idle);
        assert_eq!(app.reader().expect("reader").view.top, 0);
    }
}

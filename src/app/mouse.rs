//! The mouse, when switched on with `--mouse`: the wheel scrolls the pane
//! under the pointer, a click in the outline or the library opens the
//! entry. Off by default so the terminal's own text selection keeps
//! working over SSH.

use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::{App, Outcome, Screen, geometry, reader};
use crate::action::Action;

impl App {
    pub(super) fn handle_mouse(&mut self, mouse: MouseEvent) -> Outcome {
        const WHEEL_LINES: isize = 3;
        let delta = match mouse.kind {
            MouseEventKind::ScrollDown => WHEEL_LINES,
            MouseEventKind::ScrollUp => -WHEEL_LINES,
            MouseEventKind::Down(MouseButton::Left) => 0,
            _ => return Outcome::Idle,
        };
        let (x, y) = (mouse.column, mouse.row);
        let inside = |r: Rect| x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height;
        if self.help_open() {
            if delta != 0 {
                self.scroll_help(delta);
            }
            return Outcome::Redraw;
        }
        match &mut self.screen {
            Screen::Library => {
                let Some(library) = &mut self.library else {
                    return Outcome::Idle;
                };
                if delta != 0 {
                    library.select(delta.signum());
                    return Outcome::Redraw;
                }
                match crate::ui::library_entry_at(library, self.area, y) {
                    Some(index) => {
                        library.selected = index;
                        self.library_action(Action::Open)
                    }
                    None => Outcome::Idle,
                }
            }
            Screen::Reader(reader) => {
                if let Some(rect) = reader.outline_rect().filter(|r| inside(*r)) {
                    if delta != 0 {
                        reader.select(delta.signum());
                        return Outcome::Redraw;
                    }
                    let inner = geometry::inner(rect);
                    if y < inner.y || y >= inner.y + inner.height {
                        return Outcome::Idle;
                    }
                    let offset =
                        reader::outline_offset(reader.outline_selected, usize::from(inner.height));
                    let index = offset + usize::from(y - inner.y);
                    if index < reader.outline.len() {
                        reader.outline_selected = index;
                        return self.reader_action(Action::Open);
                    }
                    return Outcome::Idle;
                }
                if let Some(rect) = reader.facts_rect().filter(|r| inside(*r)) {
                    if delta != 0 {
                        reader.scroll_facts(delta);
                    }
                    let _ = rect;
                    return Outcome::Redraw;
                }
                if delta != 0 && inside(reader.geometry.reader) {
                    reader.scroll(delta);
                    reader.mark_seen();
                    reader.unsaved = true;
                    return Outcome::Redraw;
                }
                Outcome::Idle
            }
        }
    }
}

//! Actions: what each typed action does to the library or the reader.
//!
//! The one place behaviour lives; everything here is a change of the model
//! and, at most, a message for the status line.

use std::sync::Arc;

use super::effect::{Effect, Opened};
use super::geometry::Overlay;
use super::library::LibraryEntry;
use super::reader::Focus;
use super::{App, Level, Message, Outcome, Screen};
use crate::action::Action;
use crate::model::Part;

impl App {
    /// Applies an action to the screen shown.
    pub fn dispatch(&mut self, action: Action) -> Outcome {
        match action {
            Action::Quit => return Outcome::Quit,
            Action::Suspend => return Outcome::Suspend,
            Action::Redraw => return Outcome::FullRedraw,
            Action::Help => {
                self.set_help(true);
                return Outcome::Redraw;
            }
            _ => {}
        }
        match &mut self.screen {
            Screen::Library => self.library_action(action),
            Screen::Reader(_) => self.reader_action(action),
        }
    }

    pub(super) fn library_action(&mut self, action: Action) -> Outcome {
        let Some(library) = &mut self.library else {
            return Outcome::Idle;
        };
        match action {
            Action::SelectNext | Action::ScrollDown => library.select(1),
            Action::SelectPrev | Action::ScrollUp => library.select(-1),
            Action::PageDown | Action::HalfPageDown => library.select(10),
            Action::PageUp | Action::HalfPageUp => library.select(-10),
            Action::Top => library.select_end(false),
            Action::Bottom => library.select_end(true),
            Action::Search => library.filtering = true,
            Action::Close => {
                if library.filter.is_empty() {
                    return Outcome::Idle;
                }
                library.clear_filter();
            }
            Action::Copy | Action::CopyBrief => {
                self.message = Some(Message {
                    level: Level::Info,
                    text: "open a briefing to copy from it".to_owned(),
                });
            }
            Action::Open => {
                let Some(entry) = library.selected_entry() else {
                    return Outcome::Idle;
                };
                // Read it again: it may have been edited since the library
                // was opened. It opens when the reading is done.
                self.effects.push(super::Effect::Open {
                    path: entry.path.clone(),
                });
                return Outcome::Idle;
            }
            _ => return Outcome::Idle,
        }
        Outcome::Redraw
    }

    pub(super) fn reader_action(&mut self, action: Action) -> Outcome {
        let outcome = self.reader_action_inner(action);
        if let Screen::Reader(reader) = &mut self.screen
            && is_movement(action)
        {
            reader.unsaved = true;
        }
        outcome
    }

    pub(super) fn reader_action_inner(&mut self, action: Action) -> Outcome {
        let has_library = self.library.is_some();
        let Screen::Reader(reader) = &mut self.screen else {
            return Outcome::Idle;
        };
        let page = reader.view.page_height as isize;
        let half = (page / 2).max(1);
        match action {
            Action::Close => {
                if !reader.close_overlay() && !reader.clear_search() {
                    return Outcome::Idle;
                }
            }
            Action::FocusNext => reader.cycle_focus(true),
            Action::FocusPrev => reader.cycle_focus(false),
            Action::NextSection => reader.step_part(true),
            Action::PrevSection => reader.step_part(false),
            Action::ScrollDown
            | Action::ScrollUp
            | Action::PageDown
            | Action::PageUp
            | Action::HalfPageDown
            | Action::HalfPageUp
            | Action::Top
            | Action::Bottom => {
                let delta = match action {
                    Action::ScrollDown => 1,
                    Action::ScrollUp => -1,
                    Action::PageDown => page.saturating_sub(1).max(1),
                    Action::PageUp => -(page.saturating_sub(1).max(1)),
                    Action::HalfPageDown => half,
                    Action::HalfPageUp => -half,
                    Action::Top => isize::MIN / 2,
                    _ => isize::MAX / 2,
                };
                match reader.focus {
                    Focus::Outline => reader.select(delta.signum() * delta.abs().min(page)),
                    Focus::Facts => reader.scroll_facts(delta),
                    Focus::Reader => {
                        if action == Action::Bottom {
                            reader.lay_out_whole();
                            let last_page = reader
                                .doc
                                .lines
                                .len()
                                .saturating_sub(reader.view.page_height);
                            reader.go_to_line(last_page);
                        } else {
                            reader.scroll(delta);
                            if action != Action::Top {
                                self.chrome_kept = true;
                            }
                        }
                    }
                }
            }
            Action::SelectNext => reader.select(1),
            Action::SelectPrev => reader.select(-1),
            Action::Open => {
                reader.open_selected();
                if reader.panes.overlay == Some(Overlay::Outline) {
                    reader.close_overlay();
                }
                reader.focus = Focus::Reader;
            }
            Action::Note => match reader.open_note() {
                // Open on the note as it is on disk now: another reader
                // may have written it since this briefing was opened.
                Some(id) => {
                    if let (Some(_), Some(path)) = (&self.store, &reader.path) {
                        self.effects.push(Effect::ReadNote {
                            path: path.clone(),
                            id,
                        });
                    }
                }
                None => {
                    self.message = Some(Message {
                        level: Level::Info,
                        text: "notes belong to a section: move into one first".to_owned(),
                    });
                }
            },
            Action::NextChanged => {
                if !reader.next_changed() {
                    self.message = Some(Message {
                        level: Level::Info,
                        text: "no section has changed since you read it".to_owned(),
                    });
                }
            }
            Action::ShowChanges => return self.show_changes(),
            Action::ExportBrief => self.open_export(),
            Action::Copy => {
                let (what, text) = super::copy::focused(reader);
                self.copy(&what, text);
            }
            Action::CopyBrief => {
                let text = super::copy::brief(reader);
                self.copy("the one-page brief", text);
            }
            Action::MarkUnread => {
                let label = reader.part_label();
                let text = if reader.mark_unread() {
                    format!("{label} marked unread")
                } else {
                    format!("{label} was not marked read")
                };
                self.message = Some(Message {
                    level: Level::Info,
                    text,
                });
            }
            Action::ToggleFacts => reader.toggle_facts(),
            Action::ToggleOutline => reader.toggle_outline(),
            Action::ReadingOnly => reader.toggle_reading_only(),
            Action::Library => {
                if has_library {
                    self.request_save();
                    self.screen = Screen::Library;
                } else {
                    self.message = Some(Message {
                        level: Level::Info,
                        text: "brief was opened on one file; open a folder to get a library"
                            .to_owned(),
                    });
                }
            }
            Action::Search => reader.start_search(),
            Action::NextMatch | Action::PrevMatch => {
                let forward = action == Action::NextMatch;
                let text = match reader.step_match(forward) {
                    None => "no search yet: / starts one".to_owned(),
                    Some(wrapped) => {
                        let describe = reader
                            .search
                            .as_ref()
                            .map(|s| s.describe())
                            .unwrap_or_default();
                        match (wrapped, forward) {
                            (true, true) => format!("{describe} (wrapped around to the top)"),
                            (true, false) => format!("{describe} (wrapped around to the end)"),
                            _ => describe,
                        }
                    }
                };
                self.message = Some(Message {
                    level: Level::Info,
                    text,
                });
            }
            action => {
                if let Some(number) = action.section_number() {
                    if !reader.go_to_part(Part::Section(number)) {
                        let count = reader.briefing.sections.len();
                        self.message = Some(Message {
                            level: Level::Info,
                            text: format!(
                                "there is no section {}; this briefing has {count}",
                                number + 1
                            ),
                        });
                    }
                } else {
                    return Outcome::Idle;
                }
            }
        }
        Outcome::Redraw
    }
}

impl App {
    /// Takes in a briefing read to be opened from the library: the library
    /// entry is refreshed with it, and it opens if it is valid.
    pub(super) fn opened(&mut self, opened: Opened) -> Outcome {
        if !matches!(self.screen, Screen::Library) {
            // The reader already moved on (a second open of the same entry).
            return Outcome::Idle;
        }
        let Some(library) = &mut self.library else {
            return Outcome::Idle;
        };
        let fresh = LibraryEntry::from_loaded(&opened.path, opened.briefing.map(Arc::new));
        let briefing = fresh.briefing.clone();
        let name = fresh.name.clone();
        if let Some(slot) = library.entries.iter_mut().find(|e| e.path == opened.path) {
            let (read, changed) = (slot.read, slot.changed);
            *slot = fresh;
            slot.read = read;
            slot.changed = changed;
        }
        match briefing {
            Ok(briefing) => self.open(briefing, name, Some(opened.path), opened.saved),
            Err(error) => {
                self.message = Some(Message {
                    level: Level::Error,
                    text: format!("{error} — run `brief check` on it for every error"),
                });
            }
        }
        Outcome::Redraw
    }
}

/// Actions that move the reading position.
fn is_movement(action: Action) -> bool {
    matches!(
        action,
        Action::ScrollDown
            | Action::ScrollUp
            | Action::PageDown
            | Action::PageUp
            | Action::HalfPageDown
            | Action::HalfPageUp
            | Action::Top
            | Action::Bottom
            | Action::NextSection
            | Action::PrevSection
            | Action::Open
            | Action::NextMatch
            | Action::PrevMatch
    ) || action.section_number().is_some()
}

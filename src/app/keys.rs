//! Keys and pasted text: from a terminal event to an action or to text.
//!
//! Resolves keys through the keymap in the context in force, and routes
//! typing to whatever text line is open (the library filter, the search
//! line, the note editor, the export dialog). Pasted text only ever
//! becomes text.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::editor::EditOutcome;
use super::{App, Level, Message, Outcome, Screen};
use crate::action::{Action, Context};
use crate::keymap::Key;

impl App {
    pub(super) fn handle_paste(&mut self, text: &str) -> Outcome {
        // Pasted text goes where typing goes, and nowhere else: it is never
        // taken as keys.
        let single_line = text.replace(['\r', '\n'], " ");
        if self.export.dialog.is_some() {
            return self.export_paste(text);
        }
        match &mut self.screen {
            Screen::Reader(reader) => {
                if let Some(edit) = &mut reader.note_editor {
                    edit.editor.insert(text);
                } else if reader.search_editing() {
                    let query = reader
                        .search
                        .as_ref()
                        .map(|s| s.query.clone())
                        .unwrap_or_default();
                    reader.set_query(query + &single_line);
                } else {
                    return Outcome::Idle;
                }
            }
            Screen::Library => match &mut self.library {
                Some(library) => {
                    library.filtering = true;
                    library.filter.push_str(&single_line);
                    library.apply_filter();
                }
                None => return Outcome::Idle,
            },
        }
        Outcome::Redraw
    }

    pub(super) fn handle_key(&mut self, event: KeyEvent) -> Outcome {
        if self.export.dialog.is_some() {
            return self.export_key(&event);
        }
        if matches!(&self.screen, Screen::Reader(r) if r.note_editor.is_some()) {
            return self.editor_key(&event);
        }
        let key = Key::from_event(&event);
        let context = self.context();
        self.message = None;
        if self.help_open() {
            return self.help_key(&key);
        }
        if self.changes_open() {
            return self.changes_key(&key);
        }
        if context == Context::Search {
            return match self.screen {
                Screen::Library => self.filter_key(&key, &event),
                Screen::Reader(_) => self.search_key(&key, &event),
            };
        }
        match self.keymap.resolve_with_global(context, &key) {
            Some(action) => self.dispatch(action),
            None => {
                if let (Screen::Library, Some(c)) = (&self.screen, typed_char(&event)) {
                    if let Some(library) = &mut self.library {
                        library.filtering = true;
                        library.type_char(c);
                    }
                    return Outcome::Redraw;
                }
                self.message = Some(Message {
                    level: Level::Info,
                    text: format!(
                        "{} does nothing here; {} lists the keys",
                        key,
                        self.first_key(Context::Global, Action::Help)
                    ),
                });
                Outcome::Redraw
            }
        }
    }

    /// A key in the note editor: the `[editor]` keys save or cancel, every
    /// other key edits. If a keymap leaves save or cancel without a key,
    /// ctrl-s and esc still do it: the editor can always be left.
    fn editor_key(&mut self, event: &KeyEvent) -> Outcome {
        let key = Key::from_event(event);
        let bound = |action| !self.keymap.keys(Context::Editor, action).is_empty();
        let action = self.keymap.resolve(Context::Editor, &key).or_else(|| {
            let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
            match event.code {
                KeyCode::Char('s') if ctrl && !bound(Action::SaveNote) => Some(Action::SaveNote),
                KeyCode::Esc if !bound(Action::CancelNote) => Some(Action::CancelNote),
                _ => None,
            }
        });
        let save = self.first_key(Context::Editor, Action::SaveNote);
        let cancel = self.first_key(Context::Editor, Action::CancelNote);
        let Screen::Reader(reader) = &mut self.screen else {
            return Outcome::Idle;
        };
        let Some(edit) = &mut reader.note_editor else {
            return Outcome::Idle;
        };
        match action {
            Some(Action::SaveNote) => {
                let said = reader.close_note(self.now);
                self.request_save();
                // A failed save, reported when it comes back, replaces this.
                self.message = said.map(|text| Message {
                    level: Level::Info,
                    text,
                });
            }
            Some(Action::CancelNote) if edit.changed() && !edit.confirm_discard => {
                // Typing is never thrown away by one key.
                edit.confirm_discard = true;
                self.message = Some(Message {
                    level: Level::Warning,
                    text: format!(
                        "this note has unsaved changes: {cancel} again discards them, {save} saves"
                    ),
                });
            }
            Some(Action::CancelNote) => {
                let changed = edit.changed();
                reader.note_editor = None;
                self.message = Some(Message {
                    level: Level::Info,
                    text: if changed {
                        "changes to the note discarded".to_owned()
                    } else {
                        "note unchanged".to_owned()
                    },
                });
            }
            _ => {
                edit.confirm_discard = false;
                if edit.editor.key(event) == EditOutcome::Ignored {
                    return Outcome::Idle;
                }
                // The editor's own hint comes back once typing goes on.
                self.message = None;
            }
        }
        Outcome::Redraw
    }

    pub(super) fn help_key(&mut self, key: &Key) -> Outcome {
        let action = self
            .keymap
            .resolve(Context::Reader, key)
            .or_else(|| self.keymap.resolve(Context::Global, key));
        match action {
            Some(Action::Help | Action::Close | Action::Quit) => {
                self.set_help(false);
            }
            Some(Action::ScrollDown) => self.scroll_help(1),
            Some(Action::ScrollUp) => self.scroll_help(-1),
            Some(Action::PageDown | Action::HalfPageDown) => self.scroll_help(10),
            Some(Action::PageUp | Action::HalfPageUp) => self.scroll_help(-10),
            Some(Action::Top) => self.scroll_help(isize::MIN / 2),
            Some(Action::Bottom) => self.scroll_help(isize::MAX / 2),
            Some(Action::Suspend) => return Outcome::Suspend,
            _ => return Outcome::Idle,
        }
        Outcome::Redraw
    }

    pub(super) fn scroll_help(&mut self, delta: isize) {
        super::help::scroll(self, delta);
    }

    pub(super) fn set_help(&mut self, open: bool) {
        self.help.set_open(open);
        // Help takes the overlay's place: an open outline or sidebar
        // overlay closes under it.
        if open && let Screen::Reader(reader) = &mut self.screen {
            reader.hide_overlay();
        }
    }

    pub(super) fn filter_key(&mut self, key: &Key, event: &KeyEvent) -> Outcome {
        let action = self.keymap.resolve(Context::Search, key);
        let Some(library) = &mut self.library else {
            return Outcome::Idle;
        };
        match action {
            Some(Action::Close) => library.clear_filter(),
            Some(Action::Confirm) => library.filtering = false,
            Some(Action::SelectNext) => library.select(1),
            Some(Action::SelectPrev) => library.select(-1),
            _ => match event.code {
                KeyCode::Backspace => {
                    library.backspace();
                    if library.filter.is_empty() {
                        library.filtering = false;
                    }
                }
                _ => match typed_char(event) {
                    Some(c) => library.type_char(c),
                    None => return Outcome::Idle,
                },
            },
        }
        Outcome::Redraw
    }

    pub(super) fn search_key(&mut self, key: &Key, event: &KeyEvent) -> Outcome {
        let action = self.keymap.resolve(Context::Search, key);
        let Screen::Reader(reader) = &mut self.screen else {
            return Outcome::Idle;
        };
        let query = reader
            .search
            .as_ref()
            .map(|s| s.query.clone())
            .unwrap_or_default();
        match action {
            Some(Action::Close) => reader.cancel_search(),
            Some(Action::Confirm) => {
                reader.confirm_search();
                if let Some(search) = &reader.search
                    && search.stops.is_empty()
                {
                    self.message = Some(Message {
                        level: Level::Warning,
                        text: format!("no match for “{}”", crate::sanitize::line(&search.query)),
                    });
                }
            }
            Some(Action::SelectNext) => {
                reader.step_match(true);
            }
            Some(Action::SelectPrev) => {
                reader.step_match(false);
            }
            _ => match event.code {
                KeyCode::Backspace => {
                    if query.is_empty() {
                        reader.cancel_search();
                    } else {
                        let mut query = query;
                        query.pop();
                        reader.set_query(query);
                    }
                }
                _ => match typed_char(event) {
                    Some(c) => {
                        let mut query = query;
                        query.push(c);
                        reader.set_query(query);
                    }
                    None => return Outcome::Idle,
                },
            },
        }
        Outcome::Redraw
    }
}

/// The character a key types into a text line, if it types one.
pub(super) fn typed_char(event: &KeyEvent) -> Option<char> {
    match event.code {
        KeyCode::Char(c)
            if !event
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                && !c.is_control() =>
        {
            Some(c)
        }
        _ => None,
    }
}

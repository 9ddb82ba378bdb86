//! The application: one model, typed actions in, what changed out.
//!
//! [`App::handle`] is the single entry for everything that happens (a key, a
//! resize); it resolves keys through the keymap to [`Action`]s and applies
//! them to the library or the reader state. It never draws and never
//! touches the terminal: it returns an [`Outcome`] saying whether a frame is
//! needed or the program should quit or suspend. The view ([`crate::ui`])
//! only reads the model.

pub mod editor;
pub mod find;
pub mod geometry;
pub mod library;
pub mod marks;
pub mod reader;

use std::path::PathBuf;
use std::rc::Rc;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

use crate::action::{Action, Context};
use crate::diagnostic::Diagnostic;
use crate::glyphs::Glyphs;
use crate::keymap::{Key, Keymap};
use crate::model::{Briefing, Part};
use crate::state::{LoadNote, Store};
use crate::theme::Theme;
use editor::EditOutcome;
use geometry::{Overlay, Panes};
use library::{LibraryEntry, LibraryState};
use reader::{Focus, ReaderState};

/// Something that happened, in terminal-independent form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A key was pressed.
    Key(KeyEvent),
    /// Text was pasted (bracketed paste).
    Paste(String),
    /// A file in the watched folder (named here) may have changed on disk.
    FileChanged(std::ffi::OsString),
    /// The window is now this many columns and rows.
    Resize(u16, u16),
    /// The mouse did something (only delivered with `--mouse`).
    Mouse(MouseEvent),
}

/// What the event loop should do after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing visible changed.
    Idle,
    /// Draw a frame.
    Redraw,
    /// Clear the screen and draw everything again.
    FullRedraw,
    /// Stop the process (terminal restored first) until resumed.
    Suspend,
    /// Leave.
    Quit,
}

/// How serious a status-line message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Information.
    Info,
    /// Something the reader should know.
    Warning,
    /// Something failed.
    Error,
}

/// A message in the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// How serious.
    pub level: Level,
    /// What to say (sanitised).
    pub text: String,
}

/// Which screen is shown.
#[derive(Debug, Clone)]
pub enum Screen {
    /// The list of briefings.
    Library,
    /// A briefing.
    Reader(Box<ReaderState>),
}

/// The whole model.
#[derive(Debug)]
pub struct App {
    /// Keys in force.
    pub keymap: Keymap,
    /// Problems found in the user's keymap (shown, never fatal).
    pub keymap_errors: Vec<Diagnostic>,
    /// How things look.
    pub theme: Theme,
    /// Drawing characters.
    pub glyphs: Glyphs,
    /// The library, if brief was opened on a folder.
    pub library: Option<LibraryState>,
    /// What is shown.
    pub screen: Screen,
    /// The status-line message, if any.
    pub message: Option<Message>,
    /// The help overlay is open on the library screen.
    pub library_help: bool,
    /// First line of the help overlay shown.
    pub help_top: usize,
    /// The window size.
    pub area: Rect,
    /// Where state is remembered.
    pub store: Option<Store>,
    /// The mouse is on.
    pub mouse: bool,
    /// Where the one-page brief is written.
    pub export_dir: PathBuf,
}

/// Settings the app is started with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Keys in force.
    pub keymap: Keymap,
    /// Problems found in the user's keymap.
    pub keymap_errors: Vec<Diagnostic>,
    /// How things look.
    pub theme: Theme,
    /// Drawing characters.
    pub glyphs: Glyphs,
    /// Where positions and read marks are remembered (none: not at all).
    pub store: Option<Store>,
    /// Let the mouse scroll and click.
    pub mouse: bool,
    /// Where the one-page brief is written (the current folder).
    pub export_dir: PathBuf,
}

impl App {
    /// An app showing the library `library`.
    pub fn with_library(settings: Settings, mut library: LibraryState, area: Rect) -> Self {
        let mut app = Self::empty(settings, area);
        if let Some(store) = &app.store {
            library.load_progress(store);
        }
        app.library = Some(library);
        app.screen = Screen::Library;
        app.startup_message();
        app
    }

    /// An app reading one briefing.
    pub fn with_briefing(
        settings: Settings,
        briefing: Briefing,
        name: String,
        path: Option<PathBuf>,
        area: Rect,
    ) -> Self {
        let mut app = Self::empty(settings, area);
        app.open(Rc::new(briefing), name, path);
        app.startup_message();
        app
    }

    fn empty(settings: Settings, area: Rect) -> Self {
        Self {
            keymap: settings.keymap,
            keymap_errors: settings.keymap_errors,
            theme: settings.theme,
            glyphs: settings.glyphs,
            library: None,
            screen: Screen::Library,
            message: None,
            library_help: false,
            help_top: 0,
            area,
            store: settings.store,
            mouse: settings.mouse,
            export_dir: settings.export_dir,
        }
    }

    fn startup_message(&mut self) {
        if let Some(first) = self.keymap_errors.first() {
            let count = self.keymap_errors.len();
            let more = if count > 1 {
                format!(" (1 of {count}; ? lists all)")
            } else {
                " (? lists it)".to_owned()
            };
            self.message = Some(Message {
                level: Level::Error,
                text: format!("keymap: {first}{more}"),
            });
        }
    }

    fn open(&mut self, briefing: Rc<Briefing>, name: String, path: Option<PathBuf>) {
        let mut notice = briefing.notices.first().cloned();
        let mut reader = ReaderState::new(briefing, name, self.area, self.glyphs);
        if let (Some(store), Some(path)) = (&self.store, &path) {
            let (saved, note) = store.load(path);
            match note {
                LoadNote::Fine => {}
                LoadNote::SetAside(aside) => {
                    notice = Some(format!(
                        "the saved place for this briefing could not be read; it was kept as {} and reading starts at the top",
                        crate::loader::display_name(&aside)
                    ));
                }
                LoadNote::Unreadable(why) => notice = Some(crate::sanitize::line(&why)),
            }
            if let Some(gone) = reader.apply_saved(&saved) {
                notice = Some(gone);
            }
        }
        reader.path = path;
        self.screen = Screen::Reader(Box::new(reader));
        self.help_top = 0;
        if let Some(notice) = notice {
            self.message = Some(Message {
                level: Level::Warning,
                text: notice,
            });
        }
    }

    /// True if the reading position moved since it was last saved.
    pub fn unsaved(&self) -> bool {
        self.reader().is_some_and(|r| r.unsaved)
    }

    /// Remembers the open briefing's position and read marks. Returns
    /// what went wrong, for the caller to show; never fatal.
    pub fn save(&mut self) -> Result<(), String> {
        let Screen::Reader(reader) = &mut self.screen else {
            return Ok(());
        };
        let (Some(store), Some(path)) = (&self.store, &reader.path) else {
            return Ok(());
        };
        // Whether it worked or not, do not try again until the next change:
        // a failing disk must not be retried in a loop. Unwritten notes and
        // marks stay pending, so the next save still carries them.
        reader.unsaved = false;
        let result = match store.update(path, &reader.changes()) {
            Ok(_) => {
                reader.saved();
                Ok(())
            }
            Err(error) => Err(format!(
                "cannot save your place and notes in {}: {error}",
                crate::loader::display_name(store.dir())
            )),
        };
        if let Some(library) = &mut self.library {
            library.set_progress(reader.path.as_deref(), &reader.marks);
        }
        result
    }

    /// Saves, showing a failure in the status line.
    pub fn save_and_report(&mut self) {
        if let Err(text) = self.save() {
            self.message = Some(Message {
                level: Level::Error,
                text,
            });
        }
    }

    /// The reader, if a briefing is open.
    pub fn reader(&self) -> Option<&ReaderState> {
        match &self.screen {
            Screen::Reader(reader) => Some(reader),
            Screen::Library => None,
        }
    }

    /// True if the help overlay is open.
    pub fn help_open(&self) -> bool {
        match &self.screen {
            Screen::Reader(reader) => reader.panes.overlay == Some(Overlay::Help),
            Screen::Library => self.library_help,
        }
    }

    /// The context keys are looked up in now.
    pub fn context(&self) -> Context {
        match &self.screen {
            Screen::Library => match &self.library {
                Some(library) if library.filtering => Context::Search,
                _ => Context::Library,
            },
            Screen::Reader(reader) if reader.search_editing() => Context::Search,
            Screen::Reader(reader) => match reader.focus {
                Focus::Outline => Context::Outline,
                Focus::Reader => Context::Reader,
                Focus::Facts => Context::Facts,
            },
        }
    }

    /// Applies one event.
    pub fn handle(&mut self, event: Event) -> Outcome {
        match event {
            Event::Resize(width, height) => {
                self.area = Rect::new(0, 0, width, height);
                if let Screen::Reader(reader) = &mut self.screen {
                    reader.relayout(self.area);
                }
                Outcome::Redraw
            }
            Event::Key(key) => {
                if key.kind == KeyEventKind::Release {
                    return Outcome::Idle;
                }
                self.handle_key(key)
            }
            Event::Paste(text) => self.handle_paste(&text),
            Event::FileChanged(name) => {
                let open = self
                    .reader()
                    .and_then(|r| r.path.as_deref())
                    .and_then(|p| p.file_name())
                    .is_some_and(|n| n == name);
                if open { self.reload() } else { Outcome::Idle }
            }
            Event::Mouse(mouse) if self.mouse => self.handle_mouse(mouse),
            Event::Mouse(_) => Outcome::Idle,
        }
    }

    fn handle_mouse(&mut self, mouse: MouseEvent) -> Outcome {
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

    /// Loads the open briefing again after it changed on disk. A version
    /// that does not validate is not shown: the last good one stays, and
    /// the status line says what is wrong.
    pub fn reload(&mut self) -> Outcome {
        let Screen::Reader(reader) = &mut self.screen else {
            return Outcome::Idle;
        };
        let Some(path) = reader.path.clone() else {
            return Outcome::Idle;
        };
        match crate::loader::load_path(&path) {
            Ok(briefing) => {
                if *reader.briefing == briefing {
                    return Outcome::Idle;
                }
                reader.replace_briefing(Rc::new(briefing));
                let changed = reader.marks.changed_count();
                let text = match changed {
                    0 => "briefing updated on disk; reloaded".to_owned(),
                    1 => "briefing updated on disk; 1 section changed (c goes there)".to_owned(),
                    n => format!("briefing updated on disk; {n} sections changed (c goes there)"),
                };
                self.message = Some(Message {
                    level: Level::Info,
                    text,
                });
            }
            Err(error) => {
                let first = error
                    .diagnostics
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                let count = error.diagnostics.len();
                self.message = Some(Message {
                    level: Level::Error,
                    text: format!(
                        "the briefing on disk has {count} error{}; showing the last good version: {first}",
                        if count == 1 { "" } else { "s" }
                    ),
                });
            }
        }
        Outcome::Redraw
    }

    fn handle_paste(&mut self, text: &str) -> Outcome {
        // Pasted text goes where typing goes, and nowhere else: it is never
        // taken as keys.
        let single_line = text.replace(['\r', '\n'], " ");
        match &mut self.screen {
            Screen::Reader(reader) => {
                if let Some((editor, _)) = &mut reader.note_editor {
                    editor.insert(text);
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

    fn handle_key(&mut self, event: KeyEvent) -> Outcome {
        if let Screen::Reader(reader) = &mut self.screen
            && let Some((editor, _)) = &mut reader.note_editor
        {
            // The note editor takes every key; esc or ctrl-s closes it.
            if editor.key(&event) == EditOutcome::Done {
                let said = reader.close_note();
                self.save_and_report();
                if self.message.is_none()
                    && let Some(text) = said
                {
                    self.message = Some(Message {
                        level: Level::Info,
                        text,
                    });
                }
            }
            return Outcome::Redraw;
        }
        let key = Key::from_event(&event);
        let context = self.context();
        self.message = None;
        if self.help_open() {
            return self.help_key(&key);
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

    /// The first key bound to `action` in `context`, for messages.
    pub fn first_key(&self, context: Context, action: Action) -> String {
        self.keymap
            .keys(context, action)
            .first()
            .map_or_else(|| action.name().to_owned(), ToString::to_string)
    }

    fn help_key(&mut self, key: &Key) -> Outcome {
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

    /// Where the help overlay is drawn.
    pub fn help_rect(&self) -> Option<Rect> {
        let panes = Panes {
            overlay: Some(Overlay::Help),
            ..Panes::default()
        };
        geometry::Geometry::compute(self.area, panes)
            .overlay
            .map(|(_, rect)| rect)
    }

    fn scroll_help(&mut self, delta: isize) {
        let Some(rect) = self.help_rect() else {
            return;
        };
        let text = geometry::text_area(rect);
        let rows = crate::ui::help_line_count(self, usize::from(text.width));
        let last = rows.saturating_sub(usize::from(text.height));
        self.help_top = self.help_top.saturating_add_signed(delta).min(last);
    }

    fn set_help(&mut self, open: bool) {
        self.help_top = 0;
        match &mut self.screen {
            Screen::Reader(reader) => reader.set_help(open),
            Screen::Library => self.library_help = open,
        }
    }

    fn filter_key(&mut self, key: &Key, event: &KeyEvent) -> Outcome {
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

    fn search_key(&mut self, key: &Key, event: &KeyEvent) -> Outcome {
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

    fn library_action(&mut self, action: Action) -> Outcome {
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
            Action::Open => {
                let Some(entry) = library.selected_entry() else {
                    return Outcome::Idle;
                };
                // Read it again: it may have been edited since the library
                // was opened.
                let fresh = LibraryEntry::load(&entry.path);
                let index = library.visible.get(library.selected).copied();
                if let Some(index) = index
                    && let Some(slot) = library.entries.get_mut(index)
                {
                    let (read, changed) = (slot.read, slot.changed);
                    *slot = fresh;
                    slot.read = read;
                    slot.changed = changed;
                }
                let Some(entry) = library.selected_entry() else {
                    return Outcome::Idle;
                };
                match &entry.briefing {
                    Ok(briefing) => {
                        let (briefing, name) = (Rc::clone(briefing), entry.name.clone());
                        let path = entry.path.clone();
                        self.open(briefing, name, Some(path));
                    }
                    Err(error) => {
                        self.message = Some(Message {
                            level: Level::Error,
                            text: format!("{error} — run `brief check` on it for every error"),
                        });
                    }
                }
            }
            _ => return Outcome::Idle,
        }
        Outcome::Redraw
    }

    fn reader_action(&mut self, action: Action) -> Outcome {
        let outcome = self.reader_action_inner(action);
        if let Screen::Reader(reader) = &mut self.screen
            && is_movement(action)
        {
            reader.mark_seen();
            reader.unsaved = true;
        }
        outcome
    }

    fn reader_action_inner(&mut self, action: Action) -> Outcome {
        let has_library = self.library.is_some();
        let Screen::Reader(reader) = &mut self.screen else {
            return Outcome::Idle;
        };
        let page = reader.page_height as isize;
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
                            let last_page =
                                reader.doc.lines.len().saturating_sub(reader.page_height);
                            reader.go_to_line(last_page);
                        } else {
                            reader.scroll(delta);
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
            Action::Note => {
                if !reader.open_note() {
                    self.message = Some(Message {
                        level: Level::Info,
                        text: "notes belong to a section: move into one first".to_owned(),
                    });
                }
            }
            Action::NextChanged => {
                if !reader.next_changed() {
                    self.message = Some(Message {
                        level: Level::Info,
                        text: "no section has changed since you read it".to_owned(),
                    });
                }
            }
            Action::ExportBrief => {
                let text = match export_brief(reader, &self.export_dir) {
                    Ok(path) => Message {
                        level: Level::Info,
                        text: format!(
                            "one-page brief written to {}",
                            crate::loader::display_name(&path)
                        ),
                    },
                    Err(error) => Message {
                        level: Level::Error,
                        text: error,
                    },
                };
                self.message = Some(text);
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
                    self.save_and_report();
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

/// Writes the one-page brief of the open briefing to a new file in the
/// current folder (or the state folder if that is not writable), never
/// overwriting an existing file.
fn export_brief(reader: &ReaderState, folder: &std::path::Path) -> Result<PathBuf, String> {
    let notes = crate::onepage::note_entries(&reader.briefing, &reader.marks.notes);
    let text = crate::onepage::render(
        &reader.briefing,
        &notes,
        crate::onepage::Format::Text,
        crate::print::DEFAULT_WIDTH,
        reader.glyphs,
    );
    let stem = reader
        .path
        .as_deref()
        .and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "briefing".to_owned());
    let mut folders = vec![folder.to_path_buf()];
    if let Some(store) = crate::state::Store::from_env() {
        folders.push(store.dir().to_path_buf());
    }
    let mut last_error = String::from("no folder to write to");
    for folder in folders {
        for n in 1..100 {
            let name = if n == 1 {
                format!("{stem}-brief.txt")
            } else {
                format!("{stem}-brief-{n}.txt")
            };
            let path = folder.join(name);
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path);
            match file {
                Ok(mut file) => {
                    use std::io::Write;
                    return file
                        .write_all(text.as_bytes())
                        .map(|()| path)
                        .map_err(|e| format!("cannot write the brief: {e}"));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    last_error = format!(
                        "cannot write the brief in {}: {e}",
                        crate::loader::display_name(&folder)
                    );
                    break;
                }
            }
        }
    }
    Err(last_error)
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

/// The character a key types into a text line, if it types one.
fn typed_char(event: &KeyEvent) -> Option<char> {
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

//! The application: one model, typed actions in, what changed out.
//!
//! [`App::update`] is the single entry for everything that happens (a key, a
//! resize, the result of an effect); it resolves keys through the keymap to
//! [`Action`]s and applies them to the library or the reader state. It is
//! pure: no file, clock or environment access, and it never draws. It
//! returns a [`Step`]: an [`Outcome`] saying whether a frame is needed or
//! the program should quit or suspend, and the [`Effect`]s for the runtime
//! ([`crate::runtime`]) to perform, whose results come back as
//! [`Event::Done`]. The view ([`crate::ui`]) only reads the model.

mod actions;
pub mod changes;
mod copy;
pub mod editor;
pub mod effect;
pub mod export_dialog;
pub mod find;
pub mod geometry;
pub mod help;
mod keys;
pub mod library;
pub mod marks;
mod mouse;
pub mod reader;
mod remember;
mod search_state;

use std::path::PathBuf;
use std::sync::Arc;

use ratatui::crossterm::event::{KeyEvent, KeyEventKind, MouseEvent};
use ratatui::layout::Rect;

use crate::action::{Action, Context};
use crate::diagnostic::Diagnostic;
use crate::glyphs::Glyphs;
use crate::keymap::Keymap;
use crate::model::Briefing;
use crate::state::{BriefingState, LoadNote, Store};
use crate::theme::Theme;
pub use effect::{Done, Effect};
use library::LibraryState;
use reader::{Focus, ReaderState};

/// Something that happened, in terminal-independent form.
#[derive(Debug)]
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
    /// The reader has stopped moving for a while: time to save the
    /// position.
    SaveDue,
    /// An effect asked for earlier was performed.
    Done(Done),
    /// The first frame is on the screen: work put off until the reader
    /// could see something may start.
    Drawn,
}

/// What one update asks of the runtime.
#[derive(Debug)]
pub struct Step {
    /// What to draw, or whether to leave.
    pub outcome: Outcome,
    /// What to do outside the app, in order.
    pub effects: Vec<Effect>,
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
    /// Changes with every event but a scroll of the reading pane: what
    /// the screen outside that pane shows may have changed (see
    /// [`crate::ui::PaneRows::chrome`]).
    pub chrome_generation: u64,
    /// The event being applied changed nothing drawn outside the reading
    /// pane's text and the status line, or only what a scroll of that pane
    /// changes.
    chrome_kept: bool,
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
    /// The help overlay, on either screen.
    pub help: help::HelpState,
    /// The changes view, over the reader, if open.
    pub changes: Option<changes::ChangesView>,
    /// The window size.
    pub area: Rect,
    /// Where state is remembered.
    pub store: Option<Store>,
    /// The mouse is on.
    pub mouse: bool,
    /// Where the one-page brief may be written, and the dialog asking.
    pub export: export_dialog::ExportState,
    /// What the terminal is sent besides frames (copies, hyperlinks): set
    /// by the host that knows the terminal; none until then.
    pub features: crate::clipboard::Features,
    /// Effects asked for by the update under way.
    effects: Vec<Effect>,
    /// The last reload of the open briefing found it invalid (and said so).
    reload_failed: bool,
    /// The time (seconds since the epoch) the event under way happened.
    now: u64,
    /// The same time in milliseconds, for crediting reading time.
    now_ms: u64,
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
    /// Where the one-page brief may be written (`E` asks, proposing a
    /// file there).
    pub export: export_dialog::ExportPlace,
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

    /// An app reading one briefing, with its remembered state read from
    /// the store (before any event is handled).
    pub fn with_briefing(
        settings: Settings,
        briefing: Briefing,
        name: String,
        path: Option<PathBuf>,
        area: Rect,
    ) -> Self {
        let mut app = Self::empty(settings, area);
        let saved = match (&app.store, &path) {
            (Some(store), Some(path)) => Some(store.load(path)),
            _ => None,
        };
        app.open(Arc::new(briefing), name, path, saved);
        app.startup_message();
        app
    }

    fn empty(settings: Settings, area: Rect) -> Self {
        Self {
            chrome_generation: 0,
            chrome_kept: false,
            keymap: settings.keymap,
            keymap_errors: settings.keymap_errors,
            theme: settings.theme,
            glyphs: settings.glyphs,
            library: None,
            screen: Screen::Library,
            message: None,
            help: help::HelpState::default(),
            changes: None,
            area,
            store: settings.store,
            mouse: settings.mouse,
            export: export_dialog::ExportState::new(settings.export),
            features: crate::clipboard::Features::default(),
            effects: Vec::new(),
            reload_failed: false,
            now: 0,
            now_ms: 0,
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

    fn open(
        &mut self,
        briefing: Arc<Briefing>,
        name: String,
        path: Option<PathBuf>,
        saved: Option<(BriefingState, LoadNote)>,
    ) {
        let mut notice = briefing.notices.first().cloned();
        let mut reader = ReaderState::new(briefing, name, self.area, self.glyphs);
        if let Some((saved, note)) = saved {
            match note {
                LoadNote::Fine => {}
                LoadNote::SetAside(aside) => {
                    notice = Some(format!(
                        "the saved place for this briefing could not be read; it was kept as {} and reading starts at the top",
                        crate::loader::display_name(&aside)
                    ));
                }
                LoadNote::Unreadable(why) => notice = Some(crate::sanitize::line(&why)),
                newer @ LoadNote::Newer { .. } => {
                    notice = Some(crate::sanitize::line(&newer.to_string()))
                }
            }
            if let Some(gone) = reader.apply_saved(&saved) {
                notice = Some(gone);
            }
        }
        reader.path = path;
        self.reload_failed = false;
        self.screen = Screen::Reader(Box::new(reader));
        self.help = help::HelpState::default();
        self.changes = None;
        if let Some(notice) = notice {
            self.message = Some(Message {
                level: Level::Warning,
                text: notice,
            });
        }
    }

    /// True if the briefing's text can be read on screen now: no help
    /// over it, no note being typed, the window big enough to draw it.
    fn reading_visible(&self) -> bool {
        match &self.screen {
            Screen::Reader(reader) => {
                !self.help.open
                    && self.changes.is_none()
                    && reader.note_editor.is_none()
                    && self.export.dialog.is_none()
                    && !reader.geometry.too_small
            }
            Screen::Library => false,
        }
    }

    /// The screen was drawn afresh at `now` (milliseconds since the
    /// epoch): first shown, or shown again after a suspend. Reading time
    /// counts from here, never across the time it was not shown.
    pub fn shown(&mut self, now: u64) {
        let visible = self.reading_visible();
        if let Screen::Reader(reader) = &mut self.screen {
            if visible {
                reader.marks.reading.start(now);
            } else {
                reader.marks.reading.stop();
            }
        }
    }

    /// True if the reading position moved since it was last saved.
    pub fn unsaved(&self) -> bool {
        self.reader().is_some_and(|r| r.unsaved)
    }

    /// True if there is a store but no folder to keep anything in (neither
    /// HOME nor XDG_STATE_HOME): only notes are worth an error then.
    fn keeps_nothing(&self) -> bool {
        self.store
            .as_ref()
            .is_some_and(|s| s.unavailable().is_some())
    }

    /// Asks for the open briefing's position, read marks and notes to be
    /// saved. Whether that works or not, no new save is asked for until
    /// the next change: a failing disk must not be retried in a loop.
    /// Unwritten notes and marks stay pending until the save is confirmed,
    /// so a failed save is carried by the next one.
    pub fn request_save(&mut self) {
        let Screen::Reader(reader) = &mut self.screen else {
            return;
        };
        reader.unsaved = false;
        if let Some(library) = &mut self.library {
            library.set_progress(reader.path.as_deref(), &reader.marks);
        }
        let Some(path) = &reader.path else {
            return;
        };
        let changes = reader.changes();
        let keeps_nothing = self
            .store
            .as_ref()
            .is_some_and(|s| s.unavailable().is_some());
        if keeps_nothing && changes.notes.is_empty() {
            // The position and marks cannot be kept, as the reader was told
            // on opening; saying so again at every pause would be noise.
            // Notes still go to the store, whose refusal is shown.
            reader.saved();
            return;
        }
        self.effects.push(Effect::Save {
            path: path.clone(),
            changes,
        });
    }

    /// The save to perform on the way out, from a model that will not be
    /// used again: everything pending, and a note still being typed.
    pub fn exit_save(&self, now: u64) -> Option<Effect> {
        let Screen::Reader(reader) = &self.screen else {
            return None;
        };
        let path = reader.path.clone()?;
        let mut changes = reader.changes();
        // A note still being typed when the session ended is kept, against
        // the base its editor opened on like any other edit.
        if let Some((id, base, note)) = reader.note_in_progress(now) {
            changes.edit_note(&id, base.as_deref(), Some(note));
        }
        if self.keeps_nothing() && changes.notes.is_empty() {
            // Nothing can be kept, the reader was told so when the briefing
            // opened, and no note is lost: nothing to report on the way out.
            return None;
        }
        Some(Effect::Save { path, changes })
    }

    /// Shows a failure in the status line.
    fn report_error(&mut self, text: String) {
        self.message = Some(Message {
            level: Level::Error,
            text,
        });
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
        self.help.open
    }

    /// Where the help overlay is drawn.
    pub fn help_rect(&self) -> Option<Rect> {
        help::rect(self.area)
    }

    /// The context keys are looked up in now.
    pub fn context(&self) -> Context {
        match &self.screen {
            Screen::Library => match &self.library {
                Some(library) if library.filtering => Context::Search,
                _ => Context::Library,
            },
            Screen::Reader(_) if self.export.dialog.is_some() => Context::Export,
            Screen::Reader(reader) if reader.note_editor.is_some() => Context::Editor,
            Screen::Reader(reader) if reader.search_editing() => Context::Search,
            Screen::Reader(reader) => match reader.focus {
                Focus::Outline => Context::Outline,
                Focus::Reader => Context::Reader,
                Focus::Facts => Context::Facts,
            },
        }
    }

    /// Applies one event that happened at `now` (milliseconds since the
    /// epoch: reading time is credited at that grain): the model changes,
    /// and the step says what to draw and what the runtime is to do.
    /// Touches no file, clock or environment.
    pub fn update(&mut self, event: Event, now: u64) -> Step {
        self.now = now / 1000;
        self.now_ms = now;
        self.effects.clear();
        // The time since the last event was spent looking at the screen as
        // it was: credit it before the event changes it.
        let visible = self.reading_visible();
        if let Screen::Reader(reader) = &mut self.screen {
            reader.credit_reading(now, visible);
        }
        self.chrome_kept = false;
        let outcome = self.apply(event);
        if !self.chrome_kept {
            self.chrome_generation = self.chrome_generation.wrapping_add(1);
        }
        let visible = self.reading_visible() && outcome != Outcome::Suspend;
        if let Screen::Reader(reader) = &mut self.screen {
            reader.marks.reading.carry_on(now, visible);
            if let Some(layout) = reader.layout_wanted() {
                self.effects.push(layout);
            }
        }
        Step {
            outcome,
            effects: std::mem::take(&mut self.effects),
        }
    }

    fn apply(&mut self, event: Event) -> Outcome {
        match event {
            Event::Resize(width, height) => {
                self.area = Rect::new(0, 0, width, height);
                if let Screen::Reader(reader) = &mut self.screen {
                    reader.relayout(self.area);
                }
                self.refresh_changes();
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
                match (open, self.reader().and_then(|r| r.path.clone())) {
                    (true, Some(path)) => self.effects.push(Effect::Reload { path }),
                    // Another file in the folder: nothing to show.
                    _ => self.chrome_kept = true,
                }
                Outcome::Idle
            }
            Event::Mouse(mouse) if self.mouse && self.changes.is_some() && !self.help.open => {
                self.changes_mouse(mouse)
            }
            Event::Mouse(mouse) if self.mouse => self.handle_mouse(mouse),
            Event::Mouse(_) => Outcome::Idle,
            Event::SaveDue => {
                self.request_save();
                Outcome::Idle
            }
            Event::Done(done) => self.done(done),
            Event::Drawn => Outcome::Idle,
        }
    }

    /// Takes in the result of an effect.
    fn done(&mut self, done: Done) -> Outcome {
        match done {
            Done::Opened(opened) => self.opened(*opened),
            Done::Reloaded { path, briefing } => self.reloaded(&path, briefing),
            Done::Saved { path, result } => match result {
                Ok(report) => {
                    self.saved(&path, report);
                    Outcome::Redraw
                }
                Err(error) => {
                    self.report_error(error.to_string());
                    Outcome::Redraw
                }
            },
            Done::NoteRead { path, id, result } => self.note_read(&path, &id, result),
            Done::Exported(result) => self.exported(result),
            Done::LaidOut { briefing, doc } => match &mut self.screen {
                Screen::Reader(reader) => {
                    if reader.laid_out(&briefing, *doc) {
                        Outcome::Redraw
                    } else {
                        Outcome::Idle
                    }
                }
                Screen::Library => Outcome::Idle,
            },
        }
    }

    /// Takes in a confirmed save: nothing is pending any more, the notes
    /// shown are the ones now on disk, and a note kept both ways is said.
    fn saved(&mut self, path: &std::path::Path, report: effect::SaveReport) {
        let Screen::Reader(reader) = &mut self.screen else {
            return;
        };
        if reader.path.as_deref() != Some(path) {
            return;
        }
        reader.saved();
        if let Some(notes) = report.notes {
            reader.saved_notes(notes);
        }
        let titles: Vec<String> = report
            .kept_both
            .iter()
            .map(|id| match reader.part_of_key(&format!("section:{id}")) {
                Some(part) => reader.note_title(part),
                None if id == "summary" => "Bottom line".to_owned(),
                None => id.clone(),
            })
            .map(|title| crate::sanitize::line(&title))
            .collect();
        if !titles.is_empty() {
            self.message = Some(Message {
                level: Level::Warning,
                text: format!(
                    "the note on {} changed elsewhere while you wrote; both versions are kept, marked, in the note",
                    titles.join(", ")
                ),
            });
        }
    }

    /// Takes in a note read from disk for the editor just opened.
    fn note_read(
        &mut self,
        path: &std::path::Path,
        id: &str,
        result: Result<Option<crate::state::Note>, crate::state::StoreError>,
    ) -> Outcome {
        let Screen::Reader(reader) = &mut self.screen else {
            return Outcome::Idle;
        };
        if reader.path.as_deref() != Some(path) {
            return Outcome::Idle;
        }
        match result {
            Ok(note) => {
                if reader.note_read(id, note) {
                    self.message = Some(Message {
                        level: Level::Info,
                        text: "this note was changed elsewhere; it shows as saved now".to_owned(),
                    });
                }
            }
            Err(error) => {
                // The note cannot be read, so it cannot be saved either
                // (no state folder, or a state file brief must not touch):
                // say so before anything is typed.
                self.message = Some(Message {
                    level: Level::Warning,
                    text: crate::sanitize::line(&error.to_string()),
                });
            }
        }
        Outcome::Redraw
    }

    /// Takes in the open briefing read again after it changed on disk. A
    /// version that does not validate is not shown: the last good one
    /// stays, and the status line says what is wrong.
    fn reloaded(
        &mut self,
        path: &std::path::Path,
        briefing: Result<Box<Briefing>, crate::loader::LoadError>,
    ) -> Outcome {
        let Screen::Reader(reader) = &mut self.screen else {
            return Outcome::Idle;
        };
        if reader.path.as_deref() != Some(path) {
            // Another briefing was opened meanwhile.
            return Outcome::Idle;
        }
        match briefing {
            Ok(briefing) => {
                if *reader.briefing == *briefing {
                    // Valid again as it was (rewritten in two steps, say):
                    // an error said about the half-written file is stale.
                    if std::mem::take(&mut self.reload_failed) {
                        self.message = Some(Message {
                            level: Level::Info,
                            text: "the briefing on disk is valid again".to_owned(),
                        });
                        return Outcome::Redraw;
                    }
                    return Outcome::Idle;
                }
                self.reload_failed = false;
                reader.replace_briefing(Arc::from(briefing));
                let changed = reader.marks.changed_count();
                // The keys in force that go to a change and show it.
                let keys = format!(
                    "{} goes there, {} shows what",
                    self.first_key(Context::Global, Action::NextChanged),
                    self.first_key(Context::Global, Action::ShowChanges)
                );
                let text = match changed {
                    0 => "briefing updated on disk; reloaded".to_owned(),
                    1 => format!("briefing updated on disk; 1 section changed ({keys})"),
                    n => format!("briefing updated on disk; {n} sections changed ({keys})"),
                };
                self.message = Some(Message {
                    level: Level::Info,
                    text,
                });
                self.refresh_changes();
            }
            Err(error) => {
                let first = error
                    .diagnostics
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                let count = error.diagnostics.len();
                self.reload_failed = true;
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

    /// The first key bound to `action` in `context`, for messages.
    pub fn first_key(&self, context: Context, action: Action) -> String {
        self.keymap
            .keys(context, action)
            .first()
            .map_or_else(|| action.name().to_owned(), ToString::to_string)
    }
}

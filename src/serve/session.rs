//! One reader's session: the same app as the local reader, on its own
//! thread, fed by the SSH handler and drawing into the session's outbox.
//!
//! The app is not `Send`, so each session runs on a thread of its own and
//! everything reaches it as a [`SessionInput`] through a bounded channel.
//! Like the local loop it blocks until something happens (no tick), takes
//! everything already queued before drawing once, saves the place a moment
//! after the reader stops moving, and saves on every way out. A panic is
//! caught here: the session's terminal is given back and the server goes
//! on.

use std::cell::Cell;
use std::ffi::OsString;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::layout::{Rect, Size};

use crate::app::library::LibraryState;
use crate::app::{App, Event, Level, Message, Outcome, Screen, Settings};
use crate::glyphs::Glyphs;
use crate::state::Store;
use crate::theme::{ColorMode, Theme};

use super::Shared;
use super::access::Clearance;
use super::audit::{Event as Audit, Record};
use super::auth::Reader;
use super::input::{ESCAPE_WAIT, InputDecoder};
use super::screen::{LeanBackend, Outbox, RESTORE, Remote, Sink, TAKE};

/// How long after the reader stops moving the place is saved (as in the
/// local reader).
const SAVE_AFTER: Duration = Duration::from_millis(1500);

/// Something for a session's thread.
#[derive(Debug)]
pub enum SessionInput {
    /// Bytes the client's terminal sent.
    Data(Vec<u8>),
    /// The client's window is now this many columns and rows.
    Resize(u16, u16),
    /// A file in the library changed on disk.
    LibraryChanged(OsString),
    /// Look at the [`Control`] flags.
    Wake,
}

/// Flags a session's thread checks after every wake-up: they are set from
/// places that cannot wait for room in the input channel.
#[derive(Debug, Default)]
pub struct Control {
    /// The server is stopping.
    pub stop: AtomicBool,
    /// The link is gone.
    pub hang_up: AtomicBool,
}

/// What a session starts with.
#[derive(Debug, Clone)]
pub struct SessionSpec {
    /// Who reads.
    pub reader: Reader,
    /// How far they may see.
    pub clearance: Clearance,
    /// Columns and rows from the pty request.
    pub size: (u16, u16),
    /// `TERM` from the pty request.
    pub term: String,
    /// Environment the client sent (`LANG`, `NO_COLOR`, `COLORTERM`, …).
    pub env: Vec<(String, String)>,
    /// A briefing named on the command line, to open at once.
    pub open: Option<PathBuf>,
    /// The client's address, for the audit log.
    pub peer: Option<String>,
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Quit,
    HangUp,
    Idle,
    Stopped,
    Withdrawn,
}

impl Ending {
    fn describe(self) -> &'static str {
        match self {
            Ending::Quit => "quit",
            Ending::HangUp => "link dropped",
            Ending::Idle => "idle timeout",
            Ending::Stopped => "server stopping",
            Ending::Withdrawn => "briefing withdrawn",
        }
    }
}

/// Runs a session to its end on the calling thread (a thread of its own),
/// then closes the outbox with the last bytes and the exit status.
pub fn run(
    shared: &Arc<Shared>,
    spec: &SessionSpec,
    inputs: &Receiver<SessionInput>,
    control: &Control,
    outbox: &Outbox,
) {
    fn record<'a>(spec: &'a SessionSpec, detail: &'a str) -> Record<'a> {
        Record {
            reader: Some(&spec.reader.name),
            fingerprint: Some(&spec.reader.fingerprint),
            peer: spec.peer.clone(),
            detail: Some(detail),
        }
    }
    shared
        .audit
        .record(Audit::SessionStart, &record(spec, &spec.term));
    let result = catch_unwind(AssertUnwindSafe(|| {
        Session::start(shared, spec, outbox)
            .map(|session| session.run(shared, spec, inputs, control, outbox))
    }));
    let (line, status, detail): (String, u32, String) = match result {
        Ok(Ok((ending, save_error))) => {
            let mut line = match ending {
                Ending::Quit | Ending::HangUp => String::new(),
                Ending::Idle => format!(
                    "brief serve: closed after {} without a key; your place is saved.\r\n",
                    describe_duration(shared.idle_timeout)
                ),
                Ending::Stopped => {
                    "brief serve: the server is stopping; your place is saved.\r\n".to_owned()
                }
                Ending::Withdrawn => {
                    "brief serve: that briefing is no longer available to you.\r\n".to_owned()
                }
            };
            if let Some(error) = save_error {
                line.push_str(&format!("brief serve: {error}\r\n"));
            }
            (line, 0, ending.describe().to_owned())
        }
        Ok(Err(_)) | Err(_) => (
            "brief serve: this session failed and was closed; the server is still running.\r\n"
                .to_owned(),
            1,
            "session failed".to_owned(),
        ),
    };
    let mut last = RESTORE.to_vec();
    last.extend_from_slice(line.as_bytes());
    outbox.close(&last, status);
    shared
        .audit
        .record(Audit::SessionEnd, &record(spec, &detail));
}

/// A duration as a reader reads it: `1 h`, `30 min`, `45 s`.
fn describe_duration(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds >= 3600 && seconds.is_multiple_of(3600) {
        format!("{} h", seconds / 3600)
    } else if seconds >= 60 && seconds.is_multiple_of(60) {
        format!("{} min", seconds / 60)
    } else {
        format!("{seconds} s")
    }
}

/// The live parts of a session.
struct Session {
    app: App,
    terminal: Terminal<LeanBackend<Remote>>,
    sink: Sink,
    size: Rc<Cell<Size>>,
    decoder: InputDecoder,
    /// The briefing last reported opened, for the audit log.
    opened: Option<PathBuf>,
}

impl Session {
    fn start(shared: &Arc<Shared>, spec: &SessionSpec, outbox: &Outbox) -> std::io::Result<Self> {
        let env = |name: &str| {
            spec.env
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        };
        let no_color = env("NO_COLOR").filter(|v| !v.is_empty()).or_else(|| {
            // A terminal that cannot show colour is treated as NO_COLOR.
            (spec.term == "dumb" || spec.term.is_empty()).then(|| "1".to_owned())
        });
        let theme = Theme::new(ColorMode::detect(shared.no_color, no_color.as_deref()));
        let glyphs = Glyphs::detect(shared.ascii, env);
        let folder = shared.state_dir.join(&spec.reader.hex);
        let settings = Settings {
            keymap: shared.keymap.clone(),
            keymap_errors: shared.keymap_errors.clone(),
            theme,
            glyphs,
            store: Some(Store::new(folder.clone())),
            mouse: false,
            // A one-page brief is written into the reader's own folder,
            // never anywhere a reader could choose on the server.
            export_dir: folder.join("exports"),
        };
        let (width, height) = spec.size;
        let area = Rect::new(0, 0, width.max(1), height.max(1));
        let entries = shared.library.visible(&shared.access, spec.clearance);
        let library = LibraryState::from_entries(shared.library.title.clone(), entries);
        let opened = spec.open.as_ref().and_then(|path| {
            library
                .entries
                .iter()
                .find(|e| &e.path == path)
                .and_then(|e| e.briefing.as_ref().ok().map(|b| (e, Arc::clone(b))))
                .map(|(entry, briefing)| (entry.name.clone(), entry.path.clone(), briefing))
        });
        let app = match opened {
            Some((name, path, briefing)) => {
                App::with_briefing(settings, (*briefing).clone(), name, Some(path), area)
            }
            None => App::with_library(settings, library, area),
        };
        let sink = Sink::default();
        let size = Rc::new(Cell::new(Size::new(area.width, area.height)));
        let remote = Remote::new(sink.clone(), Rc::clone(&size));
        let terminal = Terminal::new(LeanBackend::new(remote))?;
        let mut session = Self {
            app,
            terminal,
            sink,
            size,
            decoder: InputDecoder::new(),
            opened: None,
        };
        session.full_redraw(outbox);
        Ok(session)
    }

    /// The main loop; returns how it ended and a save error to show.
    fn run(
        mut self,
        shared: &Arc<Shared>,
        spec: &SessionSpec,
        inputs: &Receiver<SessionInput>,
        control: &Control,
        outbox: &Outbox,
    ) -> (Ending, Option<String>) {
        self.note_opened(shared, spec);
        let idle = (!shared.idle_timeout.is_zero()).then_some(shared.idle_timeout);
        let mut last_key = Instant::now();
        loop {
            if control.stop.load(Ordering::SeqCst) {
                return (Ending::Stopped, self.app.save_on_exit().err());
            }
            if control.hang_up.load(Ordering::SeqCst) {
                return (Ending::HangUp, self.app.save_on_exit().err());
            }
            // Sleep until something happens, or until the next thing this
            // session must do by itself: let a lone ESC go, save the
            // place, end an idle session.
            let now = Instant::now();
            let mut deadlines = Vec::new();
            if self.decoder.pending() {
                deadlines.push(now + ESCAPE_WAIT);
            }
            if self.app.unsaved() {
                deadlines.push(now + SAVE_AFTER);
            }
            if let Some(idle) = idle {
                deadlines.push(last_key + idle);
            }
            let first = match deadlines.iter().min() {
                Some(deadline) => {
                    match inputs.recv_timeout(deadline.saturating_duration_since(now)) {
                        Ok(input) => Some(input),
                        Err(RecvTimeoutError::Timeout) => None,
                        Err(RecvTimeoutError::Disconnected) => {
                            return (Ending::HangUp, self.app.save_on_exit().err());
                        }
                    }
                }
                None => match inputs.recv() {
                    Ok(input) => Some(input),
                    Err(_) => return (Ending::HangUp, self.app.save_on_exit().err()),
                },
            };
            let mut outcome = Outcome::Idle;
            let Some(first) = first else {
                // A deadline passed with nothing new.
                if self.decoder.pending() {
                    for event in self.decoder.flush() {
                        outcome = merge(outcome, self.app.handle(event));
                    }
                } else if idle.is_some_and(|idle| last_key.elapsed() >= idle) {
                    return (Ending::Idle, self.app.save_on_exit().err());
                } else if self.app.unsaved() {
                    let had = self.app.message.is_some();
                    self.app.save_and_report();
                    if self.app.message.is_some() != had {
                        outcome = Outcome::Redraw;
                    }
                }
                if outcome == Outcome::Quit {
                    return (Ending::Quit, self.app.save_on_exit().err());
                }
                self.draw(outcome, outbox);
                continue;
            };
            let mut resize = None;
            let mut next = Some(first);
            while let Some(input) = next {
                match input {
                    SessionInput::Data(bytes) => {
                        last_key = Instant::now();
                        injected_panic(&bytes);
                        for event in self.decoder.decode(&bytes) {
                            outcome = merge(outcome, self.app.handle(event));
                            if outcome == Outcome::Quit {
                                return (Ending::Quit, self.app.save_on_exit().err());
                            }
                        }
                    }
                    SessionInput::Resize(width, height) => resize = Some((width, height)),
                    SessionInput::LibraryChanged(name) => {
                        match self.library_changed(shared, spec, &name) {
                            Some(step) => outcome = merge(outcome, step),
                            None => return (Ending::Withdrawn, self.app.save_on_exit().err()),
                        }
                    }
                    SessionInput::Wake => {}
                }
                next = match inputs.try_recv() {
                    Ok(input) => Some(input),
                    Err(TryRecvError::Empty) => None,
                    Err(TryRecvError::Disconnected) => {
                        return (Ending::HangUp, self.app.save_on_exit().err());
                    }
                };
            }
            if let Some((width, height)) = resize {
                self.resize(width, height);
                outcome = merge(outcome, Outcome::FullRedraw);
            }
            // ctrl-z has no meaning for a remote reader.
            if outcome == Outcome::Suspend {
                outcome = Outcome::Idle;
            }
            self.note_opened(shared, spec);
            self.draw(outcome, outbox);
        }
    }

    /// Brings the model and the screen to the client's new size.
    fn resize(&mut self, width: u16, height: u16) {
        let (width, height) = (width.max(1), height.max(1));
        self.size.set(Size::new(width, height));
        if (width, height) != (self.app.area.width, self.app.area.height) {
            self.app.handle(Event::Resize(width, height));
        }
    }

    fn draw(&mut self, outcome: Outcome, outbox: &Outbox) {
        match outcome {
            Outcome::FullRedraw => self.full_redraw(outbox),
            Outcome::Redraw => {
                let app = &self.app;
                // Drawing into memory cannot fail.
                let _ = self.terminal.draw(|frame| crate::ui::render(app, frame));
                if !outbox.push(&self.sink.take()) {
                    // The client fell behind: what it missed is replaced by
                    // the whole screen.
                    self.full_redraw(outbox);
                }
            }
            Outcome::Idle | Outcome::Suspend | Outcome::Quit => {}
        }
    }

    /// Takes the remote terminal (again) and draws every cell.
    fn full_redraw(&mut self, outbox: &Outbox) {
        let size = self.size.get();
        let _ = self
            .terminal
            .resize(Rect::new(0, 0, size.width, size.height));
        let app = &self.app;
        let _ = self.terminal.draw(|frame| crate::ui::render(app, frame));
        let mut bytes = TAKE.to_vec();
        // `resize` cleared the screen in the sink; TAKE clears it too.
        bytes.extend_from_slice(&self.sink.take());
        if !outbox.push(&bytes) {
            outbox.push(&bytes);
        }
    }

    /// A file in the library changed: refresh the list, and the open
    /// briefing if it is that file and still visible. None if the open
    /// briefing is no longer this reader's to see and there is no library
    /// to go back to.
    fn library_changed(
        &mut self,
        shared: &Arc<Shared>,
        spec: &SessionSpec,
        name: &OsString,
    ) -> Option<Outcome> {
        let mut outcome = Outcome::Idle;
        if let Some(library) = &mut self.app.library {
            let entries = shared.library.visible(&shared.access, spec.clearance);
            let (filter, filtering, selected) =
                (library.filter.clone(), library.filtering, library.selected);
            let mut fresh = LibraryState::from_entries(library.folder.clone(), entries);
            fresh.filter = filter;
            fresh.filtering = filtering;
            fresh.apply_filter();
            fresh.selected = selected.min(fresh.visible.len().saturating_sub(1));
            if let Some(store) = &self.app.store {
                fresh.load_progress(store);
            }
            *library = fresh;
            outcome = Outcome::Redraw;
        }
        let open = self.app.reader().and_then(|r| r.path.clone());
        if let Some(path) = open.filter(|p| p.file_name() == Some(name.as_os_str())) {
            if !shared
                .library
                .allows_path(&shared.access, spec.clearance, &path)
            {
                // Re-marked above this reader's level while open.
                let _ = self.app.save_on_exit();
                self.app.library.as_ref()?;
                self.app.screen = Screen::Library;
                self.app.message = Some(Message {
                    level: Level::Warning,
                    text: "that briefing is no longer available to you".to_owned(),
                });
                return Some(Outcome::FullRedraw);
            }
            outcome = merge(outcome, self.app.handle(Event::FileChanged(name.clone())));
        }
        Some(outcome)
    }

    /// Records a briefing newly opened in the audit log.
    fn note_opened(&mut self, shared: &Arc<Shared>, spec: &SessionSpec) {
        let open = self.app.reader().and_then(|r| r.path.clone());
        if open != self.opened {
            if let Some(path) = &open {
                let name = path.file_name().map_or_else(
                    || crate::loader::display_name(path),
                    |n| crate::loader::display_name(std::path::Path::new(n)),
                );
                shared.audit.record(
                    Audit::Opened,
                    &Record {
                        reader: Some(&spec.reader.name),
                        fingerprint: Some(&spec.reader.fingerprint),
                        peer: spec.peer.clone(),
                        detail: Some(&name),
                    },
                );
            }
            self.opened = open;
        }
    }
}

/// Under the `test-hooks` feature, with `BRIEF_TEST_PANIC=serve`, a `!`
/// typed by a reader panics their session, so tests can prove that one
/// session's panic leaves the server and the other sessions running.
#[cfg(feature = "test-hooks")]
#[allow(clippy::panic)]
fn injected_panic(bytes: &[u8]) {
    if bytes.contains(&b'!') && std::env::var("BRIEF_TEST_PANIC").is_ok_and(|v| v == "serve") {
        panic!("test-hooks: a panic injected in a serve session");
    }
}

#[cfg(not(feature = "test-hooks"))]
fn injected_panic(_bytes: &[u8]) {}

/// The stronger of two outcomes.
fn merge(a: Outcome, b: Outcome) -> Outcome {
    fn rank(o: Outcome) -> u8 {
        match o {
            Outcome::Idle => 0,
            Outcome::Redraw => 1,
            Outcome::FullRedraw => 2,
            Outcome::Suspend => 3,
            Outcome::Quit => 4,
        }
    }
    if rank(b) >= rank(a) { b } else { a }
}

//! One reader's session: the same app and the same run loop as the local
//! reader ([`crate::runtime::run`]), on a thread of its own, fed by the SSH
//! handler and drawing into the session's outbox.
//!
//! The app is not `Send`, so each session runs on a thread of its own and
//! everything reaches it as a [`SessionInput`] through a bounded channel;
//! `ServeSource` turns those into the loop's messages (raw bytes parsed
//! into keys, window changes, library changes, the server stopping, the
//! idle timeout). `ServeEffects` performs the app's effects for this
//! reader: briefings come from the shared library and only if the reader
//! may see them; state is written to the reader's own folder. A panic is
//! caught here: the session's terminal is given back and the server goes
//! on.

use std::cell::Cell;
use std::collections::VecDeque;
use std::ffi::OsString;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TryRecvError};
use std::time::{Duration, Instant};

use ratatui::layout::{Rect, Size};

use crate::app::effect::{Done, ExportError, Opened};
use crate::app::export_dialog::ExportPlace;
use crate::app::library::LibraryState;
use crate::app::{App, Effect, Event, Settings};
use crate::diagnostic::{Diagnostic, Severity};
use crate::glyphs::Glyphs;
use crate::loader::LoadError;
use crate::runtime::{self, Effects, Host, LocalEffects, Message, Next, Post, Source, SystemClock};
use crate::state::Store;
use crate::theme::{ColorMode, Theme};

use super::Shared;
use super::access::Clearance;
use super::audit::{Event as Audit, Record};
use super::auth::Reader;
use super::screen::{LeanBackend, Outbox, RESTORE, Remote, TAKE};
use crate::input::{ESCAPE_WAIT, InputDecoder};

/// Something for a session's thread.
#[derive(Debug)]
pub enum SessionInput {
    /// Bytes the client's terminal sent.
    Data(Vec<u8>),
    /// The client's window is now this many columns and rows.
    Resize(u16, u16),
    /// A file in the library changed on disk.
    LibraryChanged(OsString),
    /// The result of work done for the app on another thread.
    Posted(Event),
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

impl Control {
    fn ending(&self) -> bool {
        self.stop.load(Ordering::SeqCst) || self.hang_up.load(Ordering::SeqCst)
    }
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

impl SessionSpec {
    fn record<'a>(&'a self, detail: &'a str) -> Record<'a> {
        Record {
            reader: Some(&self.reader.name),
            fingerprint: Some(&self.reader.fingerprint),
            peer: self.peer.clone(),
            detail: Some(detail),
        }
    }
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Quit,
    HangUp,
    Idle,
    Stopped,
}

impl Ending {
    fn describe(self) -> &'static str {
        match self {
            Ending::Quit => "quit",
            Ending::HangUp => "link dropped",
            Ending::Idle => "idle timeout",
            Ending::Stopped => "server stopping",
        }
    }
}

/// Runs a session to its end on the calling thread (a thread of its own),
/// then closes the outbox with the last bytes and the exit status.
pub fn run(
    shared: &Arc<Shared>,
    spec: &SessionSpec,
    inputs: Receiver<SessionInput>,
    poster: SyncSender<SessionInput>,
    control: &Arc<Control>,
    outbox: &Arc<Outbox>,
) {
    shared
        .audit
        .record(Audit::SessionStart, &spec.record(&spec.term));
    let result = catch_unwind(AssertUnwindSafe(|| {
        session(shared, spec, inputs, poster, control, outbox)
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
        .record(Audit::SessionEnd, &spec.record(&detail));
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

/// What `E` says under `brief serve`: the reader is remote, so the brief
/// reaches them by their clipboard, not by a file on the server. Names
/// the key that copies the one-page brief, if the keymap has one.
fn export_off(keymap: &crate::keymap::Keymap) -> String {
    let copy = crate::action::Action::from_name("copy_brief").and_then(|action| {
        keymap
            .keys(crate::action::Context::Global, action)
            .first()
            .map(ToString::to_string)
    });
    match copy {
        Some(key) => {
            format!("no export over SSH: a file would stay on the server; {key} copies the brief")
        }
        None => "no export over SSH: a file would stay on the server, out of your reach".to_owned(),
    }
}

/// The session proper: returns how it ended and a save error to show.
fn session(
    shared: &Arc<Shared>,
    spec: &SessionSpec,
    inputs: Receiver<SessionInput>,
    poster: SyncSender<SessionInput>,
    control: &Arc<Control>,
    outbox: &Arc<Outbox>,
) -> std::io::Result<(Ending, Option<String>)> {
    let env = |name: &str| {
        spec.env
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    // A terminal that cannot show colour is treated as NO_COLOR.
    let no_color = env("NO_COLOR")
        .filter(|v| !v.is_empty())
        .or_else(|| (spec.term == "dumb" || spec.term.is_empty()).then(|| "1".to_owned()));
    let folder = shared.state_dir.join(&spec.reader.hex);
    let store = Store::new(folder.clone());
    let settings = Settings {
        keymap: shared.keymap.clone(),
        keymap_errors: shared.keymap_errors.clone(),
        theme: Theme::new(ColorMode::detect(shared.no_color, no_color.as_deref())),
        glyphs: Glyphs::detect(shared.ascii, env),
        store: Some(store.clone()),
        mouse: false,
        // A file written here would stay on the server, out of the remote
        // reader's reach, and no path on the server is theirs to choose.
        export: ExportPlace::Off {
            why: export_off(&shared.keymap),
        },
    };
    let (width, height) = spec.size;
    let area = Rect::new(0, 0, width.max(1), height.max(1));
    let entries = shared.library.visible(&shared.access, spec.clearance);
    let library = LibraryState::from_entries(shared.library.title.clone(), entries);
    let first = spec.open.as_ref().and_then(|path| {
        library
            .entries
            .iter()
            .find(|e| &e.path == path)
            .and_then(|e| e.briefing.as_ref().ok().map(|b| (e, Arc::clone(b))))
            .map(|(entry, briefing)| (entry.name.clone(), entry.path.clone(), briefing))
    });
    let mut app = match first {
        Some((name, path, briefing)) => {
            shared
                .audit
                .record(Audit::Opened, &spec.record(&file_name(&path)));
            App::with_briefing(settings, (*briefing).clone(), name, Some(path), area)
        }
        None => App::with_library(settings, library, area),
    };
    // Copies reach the reader's own clipboard: the main reason to copy
    // here. Their terminal is known by the TERM their client sent.
    app.features = crate::clipboard::Features::detect(
        Some(&spec.term),
        env("TMUX").is_some_and(|v| !v.is_empty()),
        app.glyphs.ascii,
        crate::clipboard::Wanted::default(),
    );
    let size = Rc::new(Cell::new(Size::new(area.width, area.height)));
    let ending_control = Arc::clone(control);
    let remote = Remote::new(
        Rc::clone(&size),
        Arc::clone(outbox),
        Arc::new(move || ending_control.ending()),
    );
    // Take the remote terminal before the first frame.
    outbox.push(TAKE);
    let mut terminal = crate::output::lean_terminal(LeanBackend::new(remote))?;
    let post: Post = Arc::new(move |event| {
        // From a worker thread: waiting for room here is fine.
        let _ = poster.send(SessionInput::Posted(event));
    });
    let mut host = Host {
        source: ServeSource {
            inputs,
            control: Arc::clone(control),
            decoder: InputDecoder::new(),
            queue: VecDeque::new(),
            size,
            idle: (!shared.idle_timeout.is_zero()).then_some(shared.idle_timeout),
            last_key: Instant::now(),
            idle_out: false,
            post,
        },
        effects: ServeEffects {
            shared: Arc::clone(shared),
            spec: spec.clone(),
            store: store.clone(),
            local: LocalEffects::new(Some(store)),
        },
        clock: SystemClock,
    };
    let result = runtime::run(&mut terminal, &mut app, &mut host);
    let save_error = runtime::finish(&app, &mut host.effects, &SystemClock)
        .err()
        .map(|e| e.to_string());
    let ending = if control.stop.load(Ordering::SeqCst) {
        Ending::Stopped
    } else if host.source.idle_out {
        Ending::Idle
    } else {
        match result {
            Ok(runtime::Ending::Quit) => Ending::Quit,
            Ok(_) | Err(_) => Ending::HangUp,
        }
    };
    Ok((ending, save_error))
}

/// The file name of `path`, for the audit log.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || crate::loader::display_name(path),
        |n| crate::loader::display_name(Path::new(n)),
    )
}

/// The run loop's messages, from the SSH handler's inputs.
struct ServeSource {
    inputs: Receiver<SessionInput>,
    control: Arc<Control>,
    decoder: InputDecoder,
    /// Messages decoded but not yet handed out.
    queue: VecDeque<Message>,
    size: Rc<Cell<Size>>,
    idle: Option<Duration>,
    last_key: Instant,
    /// The session is ending for want of keys.
    idle_out: bool,
    post: Post,
}

impl ServeSource {
    /// Turns one input into messages on the queue.
    fn take(&mut self, input: SessionInput) {
        match input {
            SessionInput::Data(bytes) => {
                self.last_key = Instant::now();
                injected_panic(&bytes);
                for event in self.decoder.decode(&bytes) {
                    self.queue.push_back(Message::Event(event));
                }
            }
            SessionInput::Resize(width, height) => {
                self.size.set(Size::new(width.max(1), height.max(1)));
                self.queue.push_back(Message::Resized);
            }
            SessionInput::LibraryChanged(name) => {
                self.queue
                    .push_back(Message::Event(Event::FileChanged(name)));
            }
            SessionInput::Posted(event) => self.queue.push_back(Message::Event(event)),
            SessionInput::Wake => {}
        }
    }

    /// A message that ends the session, if one is due.
    fn ending(&self) -> Option<Message> {
        if self.control.stop.load(Ordering::SeqCst) {
            return Some(Message::Terminate { exit_code: 0 });
        }
        if self.control.hang_up.load(Ordering::SeqCst) {
            return Some(Message::HangUp);
        }
        None
    }
}

impl Source for ServeSource {
    fn next(&mut self, timeout: Option<Duration>) -> Next {
        let asked = timeout.map(|t| Instant::now() + t);
        loop {
            if let Some(message) = self.ending() {
                return Next::Message(message);
            }
            if let Some(message) = self.queue.pop_front() {
                return Next::Message(message);
            }
            // Sleep until an input, or the next thing this session must do
            // by itself: let a lone ESC go, end an idle session, or the
            // loop's own timeout (saving the place).
            let escape = self.decoder.pending().then(|| Instant::now() + ESCAPE_WAIT);
            let idle = self.idle.map(|idle| self.last_key + idle);
            let wake = [asked, escape, idle].into_iter().flatten().min();
            let input = match wake {
                None => self
                    .inputs
                    .recv()
                    .map_err(|_| RecvTimeoutError::Disconnected),
                Some(at) => self
                    .inputs
                    .recv_timeout(at.saturating_duration_since(Instant::now())),
            };
            match input {
                Ok(input) => self.take(input),
                Err(RecvTimeoutError::Disconnected) => return Next::Closed,
                Err(RecvTimeoutError::Timeout) => {
                    let now = Instant::now();
                    if escape.is_some_and(|at| now >= at) {
                        for event in self.decoder.flush() {
                            self.queue.push_back(Message::Event(event));
                        }
                    } else if idle.is_some_and(|at| now >= at) {
                        self.idle_out = true;
                        return Next::Message(Message::Terminate { exit_code: 0 });
                    } else if asked.is_some_and(|at| now >= at) {
                        return Next::Timeout;
                    }
                }
            }
        }
    }

    fn try_next(&mut self) -> Option<Message> {
        loop {
            if let Some(message) = self.ending() {
                return Some(message);
            }
            if let Some(message) = self.queue.pop_front() {
                return Some(message);
            }
            match self.inputs.try_recv() {
                Ok(input) => self.take(input),
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => return Some(Message::HangUp),
            }
        }
    }

    fn size(&mut self) -> Option<(u16, u16)> {
        let size = self.size.get();
        Some((size.width, size.height))
    }

    fn post(&self) -> Option<Post> {
        Some(Arc::clone(&self.post))
    }
}

/// The app's effects, for one reader.
struct ServeEffects {
    shared: Arc<Shared>,
    spec: SessionSpec,
    store: Store,
    local: LocalEffects,
}

impl ServeEffects {
    /// The briefing at `path` from the shared library, if this reader may
    /// see it; otherwise the same answer as for a file that is not there.
    fn briefing(&self, path: &Path) -> Result<crate::model::Briefing, LoadError> {
        self.shared
            .library
            .find_path(&self.shared.access, self.spec.clearance, path)
            .ok_or_else(|| LoadError {
                diagnostics: vec![Diagnostic::whole_file(
                    &file_name(path),
                    Severity::Error,
                    "this briefing is not available to you".to_owned(),
                    None,
                )],
            })
            .map(|briefing| (*briefing).clone())
    }
}

impl Effects for ServeEffects {
    fn perform(&mut self, effect: Effect, post: Option<&Post>) -> Option<Done> {
        match effect {
            // Parsed once for everyone by the library's watcher: a copy of
            // the shared briefing, never a read of whatever path was asked.
            Effect::Open { path } => {
                let briefing = self.briefing(&path);
                if briefing.is_ok() {
                    self.shared
                        .audit
                        .record(Audit::Opened, &self.spec.record(&file_name(&path)));
                }
                let saved = Some(self.store.load(&path));
                Some(Done::Opened(Box::new(Opened {
                    path,
                    briefing,
                    saved,
                })))
            }
            Effect::Reload { path } => {
                let briefing = self.briefing(&path).map(Box::new);
                Some(Done::Reloaded { path, briefing })
            }
            // Never written on the server, whatever the app asks.
            Effect::Export { .. } => Some(Done::Exported(Err(ExportError::Off))),
            // A large briefing's whole layout is made on a thread of its
            // own, as for a local reader: the session's loop stays free.
            layout @ Effect::LayOut { .. } => self.local.perform(layout, post),
            // Saving goes to this reader's folder.
            other => self.local.perform(other, None),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_idle_timeout_is_said_in_the_largest_whole_unit() {
        let said = |seconds| describe_duration(Duration::from_secs(seconds));
        assert_eq!(said(3600), "1 h");
        assert_eq!(said(7200), "2 h");
        assert_eq!(said(5400), "90 min");
        assert_eq!(said(60), "1 min");
        assert_eq!(said(1800), "30 min");
        assert_eq!(said(90), "90 s");
        assert_eq!(said(45), "45 s");
        assert_eq!(said(0), "0 s");
        // Under a second is not "0 min" or "0 h".
        assert_eq!(describe_duration(Duration::from_millis(500)), "0 s");
    }

    #[test]
    fn export_over_ssh_names_the_key_that_copies_the_brief() {
        let keymap = crate::keymap::Keymap::defaults();
        let said = export_off(&keymap);
        assert_eq!(
            said,
            "no export over SSH: a file would stay on the server; Y copies the brief"
        );
        let (unbound, errors) =
            crate::keymap::Keymap::with_overrides("keymap.toml", "[global]\ncopy_brief = []\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            export_off(&unbound),
            "no export over SSH: a file would stay on the server, out of your reach"
        );
    }

    #[test]
    fn the_audit_log_names_a_file_by_its_name_made_safe() {
        assert_eq!(
            file_name(Path::new("/srv/briefs/eu-china.toml")),
            "eu-china.toml"
        );
        assert_eq!(
            file_name(Path::new("/srv/briefs/a\u{1b}[2Jb.md")),
            "a␛[2Jb.md"
        );
        assert_eq!(file_name(Path::new("/")), "/");
    }
}

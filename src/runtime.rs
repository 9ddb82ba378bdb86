//! The run loop: messages in, frames out, for any ratatui backend.
//!
//! Owns the order of things in a reading session: block for a message (or,
//! after the reader moved, for at most a moment so the position is saved
//! once they stop, and the frame owed after a scroll written without one
//! is drawn), apply it and everything already queued behind it, then draw
//! once, in one write. A burst of resizes costs one layout and one frame.
//!
//! It touches no process globals — no stdin or stdout, no signals, no
//! environment: the [`Source`] brings every message and does whatever the
//! host's terminal needs (the local terminal in [`crate::terminal`], an SSH
//! channel, or a script in a test), and the backend takes the frames. So
//! one loop can run per SSH session, and a test can drive the whole loop in
//! memory on ratatui's `TestBackend`.
//!
//! The effects as this machine performs them ([`LocalEffects`]: files,
//! worker threads, the state store) are in `runtime/effects.rs`.

use std::collections::{HashSet, VecDeque};
use std::error::Error;
use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event as crossterm_event;
use ratatui::layout::Rect;

use crate::app::effect::{Opened, SaveError, SaveReport};
use crate::app::{App, Done, Effect, Event, Outcome};
use crate::output::{Ahead, Sideband};
use crate::state::{Changes, Store};

mod effects;
pub use effects::LocalEffects;

/// How long after the reader stops moving the position is saved.
pub const SAVE_AFTER: Duration = Duration::from_millis(1500);

/// How long after the last key a frame owed is drawn: one that checks the
/// rows written instead of a frame (see [`draw`]). Longer than a held
/// key's repeat, so that a held key draws no frame it does not need.
pub const CHECK_AFTER: Duration = Duration::from_millis(60);

/// What a [`Source`] tells the loop. Platform-neutral: the host maps its
/// own signals and events onto these.
#[derive(Debug)]
pub enum Message {
    /// Something for the app: input, a changed file.
    Event(Event),
    /// The window changed size; the new size is asked of the source.
    Resized,
    /// The terminal went away (hang-up, input failed).
    HangUp,
    /// The host asks the session to end (a terminating signal), exiting
    /// with `exit_code`.
    Terminate {
        /// The process exit status the host wants.
        exit_code: u8,
    },
    /// The host asks the session to stop until continued.
    Suspend {
        /// Stop the whole process group (ctrl-z), not only brief.
        group: bool,
    },
    /// The session was continued after a stop.
    Continued,
}

impl Message {
    /// The message for a crossterm input event, if it means anything to
    /// the reader (focus changes do not).
    pub fn from_crossterm(event: crossterm_event::Event) -> Option<Self> {
        let event = match event {
            crossterm_event::Event::Key(key) => Event::Key(key),
            crossterm_event::Event::Paste(text) => Event::Paste(text),
            crossterm_event::Event::Mouse(mouse) => Event::Mouse(mouse),
            crossterm_event::Event::Resize(width, height) => Event::Resize(width, height),
            crossterm_event::Event::FocusGained | crossterm_event::Event::FocusLost => {
                return None;
            }
        };
        Some(Message::Event(event))
    }
}

/// What [`Source::next`] found.
#[derive(Debug)]
pub enum Next {
    /// A message.
    Message(Message),
    /// Nothing arrived within the timeout.
    Timeout,
    /// Nothing can arrive any more: every sender is gone.
    Closed,
}

/// What became of the terminal while the session was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resumed {
    /// As it was left: nothing to do.
    AsLeft,
    /// Someone changed it and the source took it back: draw everything.
    Retaken,
    /// It is gone.
    Gone,
}

/// Where the loop's messages come from, and the host's side of the
/// terminal (stopping, taking it back).
pub trait Source {
    /// Blocks until a message arrives, or at most `timeout` if given.
    fn next(&mut self, timeout: Option<Duration>) -> Next;

    /// A message already queued, without waiting.
    fn try_next(&mut self) -> Option<Message>;

    /// The terminal's size now, if the host can ask it; else the last
    /// reported size is used.
    fn size(&mut self) -> Option<(u16, u16)> {
        None
    }

    /// Called once, after the first frame is drawn (the local terminal
    /// starts reading keys only then, so keys typed earlier wait in its
    /// buffer).
    fn first_frame_drawn(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// Gives the terminal back, stops until continued, and takes it again.
    /// `group` stops the whole process group. Hosts that cannot stop do
    /// nothing.
    fn suspend(&mut self, _group: bool) -> io::Result<()> {
        Ok(())
    }

    /// After [`Message::Continued`]: checks the terminal and takes it back
    /// if someone changed it meanwhile.
    fn continued(&mut self) -> io::Result<Resumed> {
        Ok(Resumed::AsLeft)
    }

    /// A way for work done on other threads (a briefing being read) to
    /// send its result into this source later, if the source has one.
    fn post(&self) -> Option<Post> {
        None
    }
}

/// Sends an event into a [`Source`] from any thread.
pub type Post = Arc<dyn Fn(Event) + Send + Sync>;

/// Performs the app's [`Effect`]s.
pub trait Effects {
    /// Performs `effect`. A result ready at once is returned, and the loop
    /// applies it before anything else; a slow one may instead be sent
    /// later through `post`, when there is one.
    fn perform(&mut self, effect: Effect, post: Option<&Post>) -> Option<Done>;
}

impl<E: Effects + ?Sized> Effects for &mut E {
    fn perform(&mut self, effect: Effect, post: Option<&Post>) -> Option<Done> {
        (**self).perform(effect, post)
    }
}

/// Where the current time comes from, in seconds since the epoch.
pub trait Clock {
    /// The time now.
    fn now(&self) -> u64;

    /// The time now in milliseconds since the epoch (reading time is
    /// credited at this grain). A clock that only knows seconds gives
    /// whole seconds.
    fn now_ms(&self) -> u64 {
        self.now().saturating_mul(1000)
    }
}

impl<F: Fn() -> u64> Clock for F {
    fn now(&self) -> u64 {
        self()
    }
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> u64 {
        crate::state::now()
    }

    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }
}

/// How a reading session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The reader quit.
    Quit,
    /// The host asked the session to end ([`Message::Terminate`]).
    Terminated {
        /// The exit status asked for.
        exit_code: u8,
    },
    /// The terminal went away.
    HangUp,
}

/// The status shells report for a death by SIGHUP (128 + 1).
pub(crate) const HANG_UP_EXIT_CODE: u8 = 129;

impl Ending {
    /// The process exit status for this ending: 0, the status the host
    /// asked for, or 129 for hang-up as shells report it.
    pub fn exit_code(self) -> u8 {
        match self {
            Ending::Quit => 0,
            Ending::Terminated { exit_code } => exit_code,
            Ending::HangUp => HANG_UP_EXIT_CODE,
        }
    }
}

/// A backend error as an `io::Error`, keeping one that already is (so the
/// caller can still tell a hang-up by its OS error).
fn io_error<E: Error + Send + Sync + 'static>(error: E) -> io::Error {
    let boxed: Box<dyn Error + Send + Sync> = Box::new(error);
    match boxed.downcast::<io::Error>() {
        Ok(error) => *error,
        Err(other) => io::Error::other(other),
    }
}

/// What a session runs with besides its screen and model: where messages
/// come from, who performs effects, and the clock.
#[derive(Debug)]
pub struct Host<S, E, C> {
    /// The messages.
    pub source: S,
    /// The effects.
    pub effects: E,
    /// The time.
    pub clock: C,
}

impl<S: Source, E: Effects, C: Clock> Host<S, E, C> {
    /// Applies `event` to `app`, performs the effects it asks for, and
    /// applies the results ready at once, until nothing is left. Copies
    /// are set aside in `copies`, for the loop to write between frames.
    fn apply(&mut self, app: &mut App, event: Event, copies: &mut Vec<String>) -> Outcome {
        let post = self.source.post();
        let mut effects = Copying {
            effects: &mut self.effects,
            copies,
        };
        apply(app, event, &mut effects, &self.clock, post.as_ref())
    }
}

/// Effects with the copies taken out: they go to the terminal, which only
/// the loop holds, between frames (never inside one).
struct Copying<'a, E> {
    effects: &'a mut E,
    copies: &'a mut Vec<String>,
}

impl<E: Effects> Effects for Copying<'_, E> {
    fn perform(&mut self, effect: Effect, post: Option<&Post>) -> Option<Done> {
        match effect {
            Effect::Copy { text } => {
                self.copies.push(text);
                None
            }
            other => self.effects.perform(other, post),
        }
    }
}

/// Writes the copies asked for to the terminal (OSC 52), if the app's
/// terminal takes them, before the frame that says they were made.
fn send_copies<B>(terminal: &mut Terminal<B>, app: &App, copies: &mut Vec<String>) -> io::Result<()>
where
    B: Backend + Sideband,
{
    for text in copies.drain(..) {
        let Ok(osc52) = app.features.clipboard else {
            continue;
        };
        if let Ok(bytes) = crate::clipboard::encode(&text, osc52) {
            terminal.backend_mut().write_between_frames(&bytes)?;
        }
    }
    Ok(())
}

/// Applies `event` to `app` at the clock's time, performs the effects it
/// asks for with `effects`, and applies their results that are ready at
/// once, in order, until nothing is left. Returns the strongest outcome.
pub fn apply<E: Effects, C: Clock>(
    app: &mut App,
    event: Event,
    effects: &mut E,
    clock: &C,
    post: Option<&Post>,
) -> Outcome {
    let mut queue = VecDeque::from([event]);
    let mut outcome = Outcome::Idle;
    while let Some(event) = queue.pop_front() {
        let step = app.update(event, clock.now_ms());
        outcome = merge(outcome, step.outcome);
        for effect in step.effects {
            if let Some(done) = effects.perform(effect, post) {
                queue.push_back(Event::Done(done));
            }
        }
    }
    outcome
}

/// Saves on the way out of a session, from a model that will not be used
/// again: call it once on every ending. Returns what went wrong, for the
/// host to show (the screen may be gone by then).
pub fn finish<E: Effects, C: Clock>(
    app: &App,
    effects: &mut E,
    clock: &C,
) -> Result<(), SaveError> {
    match app
        .exit_save(clock.now())
        .and_then(|effect| effects.perform(effect, None))
    {
        Some(Done::Saved { result, .. }) => result.map(|_| ()),
        _ => Ok(()),
    }
}

/// Runs a session until it ends: draws the first frame, then applies
/// messages from the host's source to `app` and draws after each batch. A
/// failed write to the terminal ends the session with the error; it is
/// never retried. It does not save on the way out: call [`finish`] after,
/// whatever the ending.
pub fn run<B, S, E, C>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    host: &mut Host<S, E, C>,
) -> io::Result<Ending>
where
    B: Backend + Sideband,
    B::Error: Error + Send + Sync + 'static,
    S: Source,
    E: Effects,
    C: Clock,
{
    let mut copies = Vec::new();
    full_redraw(terminal, app, host, &mut copies)?;
    host.source.first_frame_drawn()?;
    // Work put off for the first frame (a large briefing's layout) starts
    // now; what it changes arrives as messages like any other.
    if host.apply(app, Event::Drawn, &mut copies) != Outcome::Idle {
        draw(terminal, app)?;
    }
    loop {
        let owed = terminal.backend().frame_owed();
        let batch = next_batch(host, app, &mut copies, owed);
        if !matches!(batch, Batch::End(Ending::HangUp)) {
            send_copies(terminal, app, &mut copies)?;
        }
        match batch {
            Batch::End(ending) => return Ok(ending),
            Batch::Suspend { group } => {
                host.source.suspend(group)?;
                full_redraw(terminal, app, host, &mut copies)?;
            }
            Batch::Continued => match host.source.continued()? {
                Resumed::AsLeft => {}
                Resumed::Retaken => full_redraw(terminal, app, host, &mut copies)?,
                Resumed::Gone => return Ok(Ending::HangUp),
            },
            Batch::Draw(Outcome::FullRedraw) => full_redraw(terminal, app, host, &mut copies)?,
            Batch::Draw(Outcome::Redraw) => draw(terminal, app)?,
            Batch::Draw(_) => {}
        }
    }
}

/// Draws `app`'s frame. A backend that draws its own frames is offered
/// the reading pane's changed rows first ([`Sideband::write_ahead`]): if
/// they are the whole change (a line scroll within a section), they are
/// all it writes, and the frame that checks them is owed until the keys
/// stop ([`Sideband::frame_owed`]). Otherwise the frame is drawn in full.
/// Either way everything goes out in one write, as the last thing done: a
/// reader waiting for it runs at once, with nothing left to do here.
pub fn draw<B>(terminal: &mut Terminal<B>, app: &App) -> io::Result<()>
where
    B: Backend + Sideband,
    B::Error: Error + Send + Sync + 'static,
{
    crate::phases::mark(crate::phases::Phase::Applied);
    // A backend that draws its own frames is given the app's size; ratatui's
    // viewport (and buffers) are left empty for it.
    let area = if terminal.backend().draws_frames() {
        Rect::new(0, 0, app.area.width, app.area.height)
    } else {
        terminal.get_frame().area()
    };
    let draws_frames = terminal.backend().draws_frames();
    let backend = terminal.backend_mut();
    let pane = draws_frames.then(|| crate::ui::pane_rows(app)).flatten();
    let draw_row = |row: isize, buffer: &mut Buffer| crate::ui::draw_pane_row(app, row, buffer);
    let links_shown = app.features.hyperlinks;
    let row_links = |row: isize| {
        if links_shown {
            crate::ui::pane_row_links(app, row)
        } else {
            Vec::new()
        }
    };
    let draw_status = |buffer: &mut Buffer| crate::ui::draw_status(app, buffer);
    let ahead = pane.as_ref().map(|pane| Ahead {
        area: pane.area,
        keys: &pane.keys,
        near: &pane.near,
        chrome: pane.chrome,
        draw_row: &draw_row,
        row_links: &row_links,
        rows: pane.status,
        rows_key: pane.status_key,
        draw_rows: &draw_status,
    });
    if let Some(ahead) = &ahead
        && backend.write_ahead(ahead)?
    {
        crate::phases::mark(crate::phases::Phase::Ahead);
        return Backend::flush(backend).map_err(io_error);
    }
    // The links are a function of the model, like the frame: given first,
    // they are drawn with it.
    let links = if links_shown {
        crate::ui::hyperlinks(app)
    } else {
        Vec::new()
    };
    backend.set_hyperlinks(links);
    // The lean backend draws into its own buffer and compares only the
    // rows that changed; ratatui's `draw` would reset and compare the
    // whole screen first.
    if let Some(drawn) = backend.draw_frame(area, &mut |buffer| crate::ui::render_into(app, buffer))
    {
        drawn?;
        backend.remember_pane(ahead.as_ref());
        return Backend::flush(backend).map_err(io_error);
    }
    terminal
        .draw(|frame| crate::ui::render(app, frame))
        .map_err(io_error)?;
    Ok(())
}

/// Brings the model to the terminal's size and draws everything afresh.
///
/// `Terminal::resize` clears the screen and forgets the previous frame, so
/// the draw writes every cell. (`Terminal::clear` would do the same but
/// first asks the terminal where its cursor is: a round trip over SSH, with
/// the answer arriving among the input instead.)
fn full_redraw<B, S, E, C>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    host: &mut Host<S, E, C>,
    copies: &mut Vec<String>,
) -> io::Result<()>
where
    B: Backend + Sideband,
    B::Error: Error + Send + Sync + 'static,
    S: Source,
    E: Effects,
    C: Clock,
{
    let (width, height) = host
        .source
        .size()
        .unwrap_or((app.area.width, app.area.height));
    if (width, height) != (app.area.width, app.area.height) {
        host.apply(app, Event::Resize(width, height), copies);
    }
    if terminal.backend().draws_frames() {
        // What `Terminal::resize` does for such a backend: clear, so the
        // whole frame is written (its buffers follow the frame's size).
        terminal.backend_mut().clear().map_err(io_error)?;
    } else {
        terminal
            .resize(Rect::new(0, 0, width, height))
            .map_err(io_error)?;
    }
    draw(terminal, app)?;
    app.shown(host.clock.now_ms());
    Ok(())
}

/// What one batch of queued messages asks the loop to do.
enum Batch {
    /// Leave.
    End(Ending),
    /// Stop until continued.
    Suspend {
        /// Stop the whole process group (ctrl-z), not only brief.
        group: bool,
    },
    /// The session was continued: the terminal may need taking back.
    Continued,
    /// Draw as the outcome says.
    Draw(Outcome),
}

/// Blocks for one message, then applies it and everything already queued
/// behind it. Resizes are coalesced: only the last size of a burst is laid
/// out, and it is asked of the source so the model and the frame agree.
/// With a frame `owed`, it waits at most [`CHECK_AFTER`], then asks for it.
fn next_batch<S: Source, E: Effects, C: Clock>(
    host: &mut Host<S, E, C>,
    app: &mut App,
    copies: &mut Vec<String>,
    owed: bool,
) -> Batch {
    // Idle, the loop sleeps until something happens. Only after the reader
    // moved does it wake once more, a moment later, to save the position
    // (and before that, to draw a frame owed).
    let timeout = if owed {
        Some(CHECK_AFTER)
    } else {
        app.unsaved().then_some(SAVE_AFTER)
    };
    let first = match host.source.next(timeout) {
        Next::Message(message) => message,
        Next::Timeout if owed => return Batch::Draw(Outcome::Redraw),
        Next::Timeout => return Batch::Draw(host.apply(app, Event::SaveDue, copies)),
        // Every thread that could wake the loop is gone.
        Next::Closed => return Batch::End(Ending::HangUp),
    };
    let mut outcome = Outcome::Idle;
    let mut resize: Option<(u16, u16)> = None;
    let mut next = Some(first);
    while let Some(message) = next {
        let step = match message {
            Message::Event(Event::Resize(width, height)) => {
                resize = Some((width, height));
                Outcome::Idle
            }
            Message::Event(event @ (Event::Key(_) | Event::Paste(_))) => {
                let resized = flush_resize(host, app, &mut resize, copies);
                merge(resized, host.apply(app, event, copies))
            }
            Message::Event(event) => host.apply(app, event, copies),
            Message::HangUp => return Batch::End(Ending::HangUp),
            Message::Terminate { exit_code } => {
                return Batch::End(Ending::Terminated { exit_code });
            }
            Message::Suspend { group } => return Batch::Suspend { group },
            Message::Continued => return Batch::Continued,
            Message::Resized => {
                resize = resize.or(Some((app.area.width, app.area.height)));
                Outcome::Idle
            }
        };
        outcome = merge(outcome, step);
        match outcome {
            Outcome::Quit => return Batch::End(Ending::Quit),
            Outcome::Suspend => return Batch::Suspend { group: true },
            _ => {}
        }
        next = host.source.try_next();
    }
    Batch::Draw(merge(outcome, flush_resize(host, app, &mut resize, copies)))
}

/// Lays out a pending resize, at the size the terminal has now (crossterm
/// and the signal thread both report a resize; the second finds nothing
/// to do).
fn flush_resize<S: Source, E: Effects, C: Clock>(
    host: &mut Host<S, E, C>,
    app: &mut App,
    resize: &mut Option<(u16, u16)>,
    copies: &mut Vec<String>,
) -> Outcome {
    let Some(reported) = resize.take() else {
        return Outcome::Idle;
    };
    let (width, height) = host.source.size().unwrap_or(reported);
    if (width, height) == (app.area.width, app.area.height) {
        return Outcome::Idle;
    }
    // A full redraw resizes the screen too: backends keep the size they
    // were given rather than ask the terminal before every frame.
    merge(
        host.apply(app, Event::Resize(width, height), copies),
        Outcome::FullRedraw,
    )
}

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

/// Driving the app one event at a time on the calling thread, effects
/// included — for tests, benchmarks and tools; a session uses [`run`].
impl App {
    /// Applies one event at the system clock's time, performs its effects
    /// to completion with this app's own store, and
    /// applies their results.
    pub fn handle(&mut self, event: Event) -> Outcome {
        let mut effects = LocalEffects::new(self.store.clone());
        apply(self, event, &mut effects, &SystemClock, None)
    }

    /// Applies one event as [`App::handle`] does, at `now` (milliseconds
    /// since the epoch) instead of the system clock's time: for tests and
    /// tools that play a reader's pace.
    pub fn handle_at(&mut self, event: Event, now: u64) -> Outcome {
        struct At(u64);
        impl Clock for At {
            fn now(&self) -> u64 {
                self.0 / 1000
            }
            fn now_ms(&self) -> u64 {
                self.0
            }
        }
        let mut effects = LocalEffects::new(self.store.clone());
        apply(self, event, &mut effects, &At(now), None)
    }

    /// Saves the open briefing's position, read marks and notes now.
    pub fn save(&mut self) -> Result<(), SaveError> {
        let mut effects = LocalEffects::new(self.store.clone());
        let step = self.update(Event::SaveDue, SystemClock.now_ms());
        for effect in step.effects {
            if let Some(Done::Saved { path, result }) = effects.perform(effect, None) {
                let report = result?;
                self.update(
                    Event::Done(Done::Saved {
                        path,
                        result: Ok(report),
                    }),
                    SystemClock.now_ms(),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_shell_convention() {
        assert_eq!(Ending::Quit.exit_code(), 0);
        assert_eq!(Ending::Terminated { exit_code: 143 }.exit_code(), 143);
        assert_eq!(Ending::HangUp.exit_code(), 129);
    }

    #[test]
    fn merge_keeps_the_stronger_outcome() {
        assert_eq!(merge(Outcome::Redraw, Outcome::Idle), Outcome::Redraw);
        assert_eq!(
            merge(Outcome::Idle, Outcome::FullRedraw),
            Outcome::FullRedraw
        );
        assert_eq!(merge(Outcome::Quit, Outcome::Redraw), Outcome::Quit);
    }

    #[test]
    fn a_layout_asked_for_is_made_off_the_thread_and_posted_back() {
        let briefing = Arc::new(
            crate::loader::load_str(
                "s.toml",
                "title = \"S\"\n[[sections]]\ntitle = \"One\"\nbody = \"Text.\"\n",
            )
            .expect("valid"),
        );
        let options = crate::layout::Options {
            glyphs: crate::glyphs::Glyphs::UNICODE,
            facts_inline: false,
            underline_headings: false,
            mark_strike: false,
        };
        let ask = || Effect::LayOut {
            briefing: Arc::clone(&briefing),
            width: 30,
            options: Box::new(options),
        };
        let expected = crate::layout::document(&briefing, 30, options)
            .lines
            .to_plain_text();
        let (sender, received) = std::sync::mpsc::channel();
        let sender = Mutex::new(sender);
        let post: Post = Arc::new(move |event| {
            if let Ok(sender) = sender.lock() {
                let _ = sender.send(event);
            }
        });
        let mut effects = LocalEffects::new(None);
        assert!(
            effects.perform(ask(), Some(&post)).is_none(),
            "not on this thread"
        );
        let Ok(Event::Done(Done::LaidOut { briefing: of, doc })) =
            received.recv_timeout(Duration::from_secs(30))
        else {
            panic!("the layout is posted back");
        };
        assert!(Arc::ptr_eq(&of, &briefing));
        assert_eq!(doc.lines.to_plain_text(), expected);
        // With nowhere to post it, it is made at once.
        let Some(Done::LaidOut { doc, .. }) = effects.perform(ask(), None) else {
            panic!("made at once");
        };
        assert_eq!(doc.lines.to_plain_text(), expected);
    }

    #[test]
    fn backend_io_errors_keep_their_os_error() {
        let error = io_error(io::Error::from_raw_os_error(5));
        assert_eq!(error.raw_os_error(), Some(5));
    }
}

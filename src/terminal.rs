//! The local terminal: taking it, giving it back, and feeding the run loop.
//!
//! Owns everything that changes the terminal's mode (raw mode, the alternate
//! screen, the cursor, mouse and paste reporting) and makes giving it back
//! idempotent and reachable from every exit path: quit, a terminating
//! signal, hang-up, a failed write, a panic on any thread, and suspend.
//!
//! The run loop ([`crate::runtime`]) runs on the main thread, which holds
//! the model, so the exit hook given to [`run`] sees it. On unix that
//! thread also reads the terminal's input itself, waiting in one `poll` on
//! the terminal and on a pipe that wakes it, and turns the bytes into
//! events with [`crate::input`]: a key goes from the terminal to the frame
//! without a hop between threads, and however much input is waiting, all
//! of it is read (crossterm's reader, edge-triggered, read at most a
//! kilobyte per wake-up). The other threads (signals, a watcher that
//! notices the terminal going away, the folder watcher, work done off the
//! main thread) send platform-neutral [`Message`]s on a channel and write
//! a byte to that pipe. On Windows a thread reads the input with crossterm
//! into the same channel.
//!
//! It never interprets keys (that is [`App::handle`]) and never draws
//! anything but [`crate::ui::render`].
//!
//! Platforms: raw mode and the screen go through crossterm everywhere. The
//! rest is unix: the signal thread (terminating signals, SIGTSTP suspend,
//! SIGCONT, SIGWINCH), the hang-up guard (`poll` on the terminal) and
//! job-control suspend. On Windows they are absent by design: there are no
//! such signals (ctrl-c and ctrl-z arrive as keys in raw mode), the console
//! reports resizes as input events, closing the console ends the process
//! through the system's own close handling (a failed read ends the session
//! first if it comes to that), and ctrl-z has no job control to return to,
//! so it does nothing there.

use std::io::{self, Write};
use std::mem::ManuallyDrop;
use std::path::Path;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;
#[cfg(unix)]
use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::{
    cursor, event, queue,
    terminal::{self as crossterm_terminal, EnterAlternateScreen, LeaveAlternateScreen},
};
use ratatui::layout::Size;
#[cfg(unix)]
use signal_hook::consts::{
    SIGALRM, SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGUSR1, SIGUSR2, SIGWINCH,
    SIGXFSZ,
};

use crate::app::{App, Event};
use crate::output::{Clamped, LeanBackend, drawable};
pub use crate::runtime::Ending;
use crate::runtime::{self, Effects, Host, Message, Next, Post, Resumed, Source, SystemClock};

/// Optional reporting modes, turned on with the screen and off with it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Modes {
    /// Mouse reporting (breaks the terminal's own text selection).
    pub mouse: bool,
    /// Bracketed paste.
    pub paste: bool,
    /// Draw with ratatui's plain backend instead of the lean one (not a
    /// terminal mode, but chosen with them; see [`run`]).
    pub plain_output: bool,
}

// What brief has turned on, one bit each, so `restore` undoes exactly that.
const RAW: u8 = 1;
const ALTERNATE: u8 = 1 << 1;
const HIDDEN_CURSOR: u8 = 1 << 2;
const MOUSE: u8 = 1 << 3;
const PASTE: u8 = 1 << 4;

/// The modes brief holds the terminal in now. Global because the panic
/// hook and the signal thread must be able to give the terminal back
/// without access to anything the main thread owns.
static HELD: AtomicU8 = AtomicU8::new(0);
/// Serialises take and restore so that two threads never interleave their
/// escape sequences.
static LOCK: Mutex<()> = Mutex::new(());

/// How long a terminating signal waits for the main thread before the
/// signal thread ends the process itself (the main thread can only be that
/// slow when it is stuck writing to a terminal that no longer reads).
#[cfg(unix)]
const EXIT_DEADLINE: Duration = Duration::from_secs(1);

/// Raw mode: no line editing, no echo, no signals from keys (ctrl-c and
/// ctrl-z arrive as keys), no output processing. crossterm keeps the
/// settings found before, for [`raw_mode_off`].
fn raw_mode_on() -> io::Result<()> {
    crossterm_terminal::enable_raw_mode()
}

fn raw_mode_off() {
    // Fails on a terminal that has gone away; nothing more to do then.
    let _ = crossterm_terminal::disable_raw_mode();
}

/// The state the terminal's settings are found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// Without job control (Windows) the settings are never found changed.
#[cfg_attr(not(unix), allow(dead_code))]
enum Settings {
    /// Still raw, as brief left them.
    Raw,
    /// Line editing is back: someone (a shell taking the terminal back while
    /// brief was stopped) changed them.
    Changed,
    /// They cannot be read: the terminal has gone away.
    Gone,
}

#[cfg(unix)]
fn settings() -> Settings {
    use rustix::termios::LocalModes;
    // Standard input: `main` has checked it is the terminal.
    match rustix::termios::tcgetattr(io::stdin()) {
        Ok(t)
            if !t
                .local_modes
                .intersects(LocalModes::ICANON | LocalModes::ECHO) =>
        {
            Settings::Raw
        }
        Ok(_) => Settings::Changed,
        Err(_) => Settings::Gone,
    }
}

/// Without job control nobody changes the settings behind brief's back.
#[cfg(not(unix))]
fn settings() -> Settings {
    Settings::Raw
}

/// Puts the terminal into reading mode: raw, alternate screen, no cursor,
/// and the optional `modes`.
pub fn take(modes: Modes) -> io::Result<()> {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    HELD.fetch_or(RAW, Ordering::SeqCst);
    raw_mode_on()?;
    let mut out = io::stdout();
    let mut held = ALTERNATE | HIDDEN_CURSOR;
    queue!(out, EnterAlternateScreen, cursor::Hide)?;
    if modes.mouse {
        held |= MOUSE;
        queue!(out, event::EnableMouseCapture)?;
    }
    if modes.paste {
        held |= PASTE;
        queue!(out, event::EnableBracketedPaste)?;
    }
    // Marked before the write: if it fails half-way, restore still undoes it.
    HELD.fetch_or(held, Ordering::SeqCst);
    out.flush()
}

/// Gives the terminal back as it was and returns the optional modes that
/// were on. Safe to call more than once and from any thread; does nothing
/// if brief does not hold the terminal. Errors are ignored: a terminal that
/// has gone away cannot be restored, and restoring must never block an exit.
pub fn restore() -> Modes {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let held = HELD.swap(0, Ordering::SeqCst);
    if held == 0 {
        return Modes::default();
    }
    let mut out = io::stdout();
    if held & MOUSE != 0 {
        let _ = queue!(out, event::DisableMouseCapture);
    }
    if held & PASTE != 0 {
        let _ = queue!(out, event::DisableBracketedPaste);
    }
    if held & ALTERNATE != 0 {
        // The screen is left with the scrolling region and pen the drawing
        // left set (`output::LeanBackend` keeps them between frames): give
        // the shell the whole screen and the default pen back. Then erase
        // the alternate screen before leaving it: tmux (3.3 at least), when
        // the window was resized while brief drew, reflows the alternate
        // screen's rows into the shell's screen and history as it switches
        // back, so whatever is still drawn there would stay on the shell's
        // screen after quitting.
        let _ = out.write_all(b"\x1b[r\x1b[0m\x1b[H\x1b[2J");
        let _ = queue!(out, LeaveAlternateScreen);
    }
    if held & HIDDEN_CURSOR != 0 {
        let _ = queue!(out, cursor::Show);
    }
    let _ = out.flush();
    if held & RAW != 0 {
        raw_mode_off();
    }
    Modes {
        mouse: held & MOUSE != 0,
        paste: held & PASTE != 0,
        plain_output: false,
    }
}

/// Restores the terminal before the panic message is printed, so the
/// message lands on the normal screen, readable. A panic on any thread but
/// the main one then ends the process (status 101), so the main thread
/// never waits for input that will not come; on the main thread the panic
/// unwinds and the process ends with the same status.
pub fn install_panic_hook() {
    let main_thread = thread::current().id();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
        if thread::current().id() != main_thread {
            std::process::exit(101);
        }
    }));
}

/// True if `signal` is ignored now, as `nohup` leaves SIGHUP and a
/// non-interactive shell leaves SIGINT for a background job. (No crate
/// asks for a disposition without changing it: hence libc here.)
#[cfg(unix)]
fn is_ignored(signal: libc::c_int) -> bool {
    // SAFETY: with a null new action, sigaction only reads the current
    // disposition into the zeroed value.
    unsafe {
        let mut current: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut current) == 0
            && current.sa_sigaction == libc::SIG_IGN
    }
}

/// No signals to watch: see the module doc.
#[cfg(not(unix))]
fn watch_signals(_sender: Notify) -> io::Result<()> {
    Ok(())
}

/// Signals that end brief as SIGTERM does: terminal restored, state
/// saved, exit status 128 + the signal's number. Their default action
/// would kill brief with the terminal raw (and for SIGQUIT dump core).
#[cfg(unix)]
const TERMINATING: [i32; 7] = [SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM];

/// What the loop is told of `signal`, if anything. SIGXFSZ (a file-size
/// limit reached, `ulimit -f`) is caught only so that it does not kill
/// brief: the write that crossed the limit then fails with an error,
/// which the code that wrote reports.
#[cfg(unix)]
fn message_for(signal: i32) -> Option<Message> {
    match signal {
        SIGHUP => Some(Message::HangUp),
        SIGTSTP => Some(Message::Suspend { group: false }),
        SIGCONT => Some(Message::Continued),
        SIGWINCH => Some(Message::Resized),
        SIGXFSZ => None,
        _ if TERMINATING.contains(&signal) => Some(Message::Terminate {
            exit_code: exit_code_of(signal),
        }),
        _ => None,
    }
}

/// Forwards signals to the loop as [`Message`]s, so the loop never sees a
/// signal number. A signal that was ignored when brief started stays
/// ignored (the convention `nohup` relies on, and a non-interactive shell's
/// for SIGINT and SIGQUIT in a background job); a lost terminal is then
/// noticed by [`watch_hangup`] instead. SIGTERM is always caught.
#[cfg(unix)]
fn watch_signals(sender: Notify) -> io::Result<()> {
    // SIGWINCH too: crossterm only starts listening for it once the input
    // thread first reads, and a resize before that would be lost.
    let mut wanted = vec![SIGTERM, SIGTSTP, SIGCONT, SIGWINCH, SIGXFSZ];
    wanted.extend(
        TERMINATING
            .into_iter()
            .filter(|s| *s != SIGTERM && !is_ignored(*s)),
    );
    let mut signals = signal_hook::iterator::Signals::new(&wanted)?;
    thread::Builder::new()
        .name("signals".to_owned())
        .spawn(move || {
            for signal in signals.forever() {
                let Some(message) = message_for(signal) else {
                    continue;
                };
                let ending = matches!(message, Message::Terminate { .. } | Message::HangUp);
                if !sender.send(message) {
                    return;
                }
                if ending {
                    exit_after_deadline(exit_code_of(signal));
                }
            }
        })?;
    Ok(())
}

/// Ends the process with `code` if the main thread has not ended it within
/// [`EXIT_DEADLINE`] of being told to: it exits at once, unless it is stuck
/// in a write to a terminal that no longer reads (or in a read of one).
/// Only termios can be restored without the stuck terminal.
#[cfg(unix)]
fn exit_after_deadline(code: u8) -> ! {
    thread::sleep(EXIT_DEADLINE);
    if HELD.swap(0, Ordering::SeqCst) & RAW != 0 {
        raw_mode_off();
    }
    std::process::exit(i32::from(code));
}

/// Tells the loop when the terminal goes away (SSH link dropped, window
/// closed, pty master closed), whatever happens to SIGHUP.
///
/// crossterm's reader loops forever on a terminal that reads as end of
/// file (crossterm issue 793), so hang-up is not left for it to find. Here
/// `poll` asks for no events at all: it then wakes only for hang-up, error
/// or a closed descriptor, and this thread reports once and ends, so it can
/// never spin.
#[cfg(unix)]
fn watch_hangup(sender: Notify) -> io::Result<()> {
    use rustix::event::{PollFd, PollFlags, poll};
    thread::Builder::new()
        .name("hangup".to_owned())
        .spawn(move || {
            injected_panic("hangup");
            let (stdin, stdout) = (io::stdin(), io::stdout());
            let mut fds = [
                PollFd::new(&stdin, PollFlags::empty()),
                PollFd::new(&stdout, PollFlags::empty()),
            ];
            loop {
                if let Err(rustix::io::Errno::INTR) = poll(&mut fds, None) {
                    continue;
                }
                // Readiness with no events asked for, or poll itself failing:
                // either way the terminal cannot be relied on.
                if sender.send(Message::HangUp) {
                    exit_after_deadline(crate::runtime::HANG_UP_EXIT_CODE);
                }
                return;
            }
        })?;
    Ok(())
}

/// No hang-up guard: see the module doc.
#[cfg(not(unix))]
fn watch_hangup(_sender: Notify) -> io::Result<()> {
    Ok(())
}

/// Reads input events on a thread of their own and forwards them (Windows:
/// the console's input cannot be waited for with a pipe). Ends at the
/// first error: a reading error is never retried.
#[cfg(not(unix))]
fn read_input(sender: Notify) -> io::Result<()> {
    thread::Builder::new()
        .name("input".to_owned())
        .spawn(move || {
            injected_panic("input");
            loop {
                let message = match event::read() {
                    Ok(event) => match Message::from_crossterm(drawable_event(event)) {
                        Some(message) => message,
                        None => continue,
                    },
                    // The terminal is unusable.
                    Err(_) => Message::HangUp,
                };
                let failed = matches!(message, Message::HangUp);
                if !sender.send(message) || failed {
                    return;
                }
            }
        })?;
    Ok(())
}

/// What waiting on the terminal and the wake-up pipe found.
#[cfg(unix)]
#[derive(Debug, PartialEq, Eq)]
enum Ready {
    /// The terminal has input.
    Input,
    /// Another thread sent a message, or the wait was interrupted or timed
    /// out: look again.
    Other,
    /// The terminal went away, or cannot be waited on.
    HungUp,
}

/// Waits up to `timeout` (forever if `None`) for input on the terminal
/// (only if `input`) or a wake-up from another thread, and empties the
/// wake-up pipe.
#[cfg(unix)]
fn wait(woken: &io::PipeReader, input: bool, timeout: Option<Duration>) -> Ready {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let stdin = io::stdin();
    let asked = if input {
        PollFlags::IN
    } else {
        PollFlags::empty()
    };
    let mut fds = [
        PollFd::new(woken, PollFlags::IN),
        PollFd::new(&stdin, asked),
    ];
    let timespec = timeout.map(|t| Timespec {
        tv_sec: i64::try_from(t.as_secs()).unwrap_or(i64::MAX),
        tv_nsec: i64::from(t.subsec_nanos()),
    });
    match poll(&mut fds, timespec.as_ref()) {
        Ok(_) | Err(rustix::io::Errno::INTR) => {}
        Err(_) => return Ready::HungUp,
    }
    if fds[0].revents().contains(PollFlags::IN) {
        drain(woken);
    }
    let terminal = fds[1].revents();
    if terminal.intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL) {
        Ready::HungUp
    } else if terminal.contains(PollFlags::IN) {
        Ready::Input
    } else {
        Ready::Other
    }
}

/// Reads the wake-up pipe (non-blocking) until it is empty.
#[cfg(unix)]
fn drain(mut woken: &io::PipeReader) {
    use std::io::Read;
    let mut bytes = [0; 64];
    loop {
        match woken.read(&mut bytes) {
            Ok(n) if n > 0 => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            _ => return,
        }
    }
}

/// A way to send the main thread a message and wake it: the channel, and
/// on unix a byte on the pipe it waits on besides the terminal.
#[derive(Clone)]
struct Notify {
    sender: Sender<Message>,
    #[cfg(unix)]
    wake: Arc<io::PipeWriter>,
}

impl Notify {
    /// Sends `message` and wakes the main thread; false once the session
    /// has ended.
    fn send(&self, message: Message) -> bool {
        if self.sender.send(message).is_err() {
            return false;
        }
        #[cfg(unix)]
        {
            // Non-blocking: a full pipe wakes the main thread already.
            let mut wake = &*self.wake;
            while let Err(e) = wake.write(&[0]) {
                if e.kind() != io::ErrorKind::Interrupted {
                    break;
                }
            }
        }
        true
    }
}

/// The channel to the main thread, and on unix the pipe that wakes it
/// (both ends non-blocking, closed on exec).
fn channel() -> io::Result<(Notify, Receiver<Message>, Woken)> {
    let (sender, receiver) = mpsc::channel();
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let (woken, wake) = io::pipe()?;
        for end in [woken.as_fd(), wake.as_fd()] {
            let flags = rustix::fs::fcntl_getfl(end)?;
            rustix::fs::fcntl_setfl(end, flags | rustix::fs::OFlags::NONBLOCK)?;
        }
        let notify = Notify {
            sender,
            wake: Arc::new(wake),
        };
        Ok((notify, receiver, woken))
    }
    #[cfg(not(unix))]
    {
        Ok((Notify { sender }, receiver, ()))
    }
}

/// The end of the wake-up pipe the main thread waits on (nothing where a
/// thread reads the input: the channel wakes the main thread then).
#[cfg(unix)]
type Woken = io::PipeReader;
#[cfg(not(unix))]
type Woken = ();

/// The terminal's size now, cut to what can be drawn (see
/// [`crate::output::drawable`]), or `None` if it cannot be asked. Every
/// size brief uses comes from here or from `drawable_event`.
pub fn size() -> Option<(u16, u16)> {
    let (width, height) = crossterm_terminal::size().ok()?;
    let size = drawable(Size::new(width, height));
    Some((size.width, size.height))
}

/// `event` with a resize cut to what can be drawn (Windows reports resizes
/// among the input; unix has SIGWINCH and asks [`size`]).
#[cfg(any(not(unix), test))]
fn drawable_event(event: event::Event) -> event::Event {
    match event {
        event::Event::Resize(width, height) => {
            let size = drawable(Size::new(width, height));
            event::Event::Resize(size.width, size.height)
        }
        other => other,
    }
}

/// Under the `test-hooks` feature, panics when `BRIEF_TEST_PANIC` names
/// `place`, so tests can prove a panic restores the terminal.
#[cfg(feature = "test-hooks")]
#[allow(clippy::panic)]
fn injected_panic(place: &str) {
    if std::env::var("BRIEF_TEST_PANIC").is_ok_and(|v| v == place) {
        panic!("test-hooks: a panic injected in the {place} thread");
    }
}

#[cfg(not(feature = "test-hooks"))]
fn injected_panic(_place: &str) {}

/// Stops brief until it is continued (`fg`), with the terminal given back
/// meanwhile. `group` stops the whole process group, as ctrl-z does in a
/// shell (a wrapper script waiting for brief stops with it); otherwise only
/// brief stops (an external SIGTSTP was sent to it alone).
///
/// The stop is SIGSTOP, which cannot be caught: signal-hook's handler
/// stays in place. Unlike SIGTSTP, the system does not discard it for a
/// process group no shell watches, so that check is made here: without a
/// job-control shell (as under `ssh host brief`, where nobody could
/// continue brief) it carries on instead.
#[cfg(unix)]
fn stop(group: bool) -> io::Result<()> {
    if !under_job_control() {
        return Ok(());
    }
    if group {
        rustix::process::kill_current_process_group(rustix::process::Signal::STOP)?;
    } else {
        signal_hook::low_level::emulate_default_handler(SIGTSTP)?;
    }
    Ok(())
}

/// No job control to return to: ctrl-z does nothing.
#[cfg(not(unix))]
fn stop(_group: bool) -> io::Result<()> {
    Ok(())
}

/// True if a shell with job control could continue brief after a stop.
/// Such a shell puts each job in a process group of its own, apart from
/// the session leader's; brief's parent is then that shell (or a wrapper
/// in brief's own group). A group that is the session leader's own, or a
/// parent in another session (the shell is gone), means nobody would.
#[cfg(unix)]
fn under_job_control() -> bool {
    use rustix::process::{getpgid, getpgrp, getppid, getsid};
    let (Ok(session), group) = (getsid(None), getpgrp()) else {
        return false;
    };
    if group == session {
        return false;
    }
    let Some(parent) = getppid() else {
        return false;
    };
    match (getpgid(Some(parent)), getsid(Some(parent))) {
        (Ok(parent_group), Ok(parent_session)) => {
            parent_group == group || parent_session == session
        }
        _ => false,
    }
}

/// The screen: ratatui over a backend that sends each frame as the
/// smallest change to what the terminal already shows.
type Screen = Terminal<LeanBackend<CrosstermBackend<Direct>>>;

/// Standard output written straight to its descriptor (on unix): a frame
/// the lean backend sends in one write reaches the terminal in one
/// `write`. The standard library's stdout is line-buffered, and splits a
/// write at its last line feed into two. Nothing else writes to standard
/// output while the screen is up.
struct Direct;

impl Write for Direct {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        #[cfg(unix)]
        {
            use std::os::fd::AsFd;
            Ok(rustix::io::write(io::stdout().as_fd(), bytes)?)
        }
        #[cfg(not(unix))]
        {
            io::stdout().write(bytes)
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        // Nothing held here; what the standard handle holds goes first.
        io::stdout().flush()
    }
}

/// Runs the reader until it ends, then gives the terminal back and calls
/// `on_exit` with the model (to save the reading position) exactly once,
/// whatever the ending — quit, signal, hang-up or a terminal that failed.
/// Only a panic skips it: the model may be half-updated then.
///
/// The caller exits with [`Ending::exit_code`]. A failed write to the
/// terminal ends the session with the error; it is never retried. After a
/// terminating signal the process ends at most a second later whatever
/// happens (see `EXIT_DEADLINE`), so `on_exit` must be quick: write the
/// state atomically, and never wait on the terminal.
pub fn run<E: Effects>(
    app: &mut App,
    modes: Modes,
    watch: Option<&Path>,
    effects: &mut E,
    on_exit: impl FnOnce(&App, &mut E),
) -> io::Result<Ending> {
    let result = session(app, modes, watch, effects).or_else(|error| {
        // A terminal that has gone away fails writes with EIO (or ENXIO):
        // that is a hang-up, not a fault.
        if means_hang_up(&error) {
            Ok(Ending::HangUp)
        } else {
            Err(error)
        }
    });
    restore();
    on_exit(app, effects);
    result
}

/// True for the errors a write to a terminal that has gone away fails with.
fn means_hang_up(error: &io::Error) -> bool {
    #[cfg(unix)]
    {
        use rustix::io::Errno;
        let raw = error.raw_os_error();
        raw == Some(Errno::IO.raw_os_error()) || raw == Some(Errno::NXIO.raw_os_error())
    }
    #[cfg(not(unix))]
    {
        error.kind() == io::ErrorKind::BrokenPipe
    }
}

fn session<E: Effects>(
    app: &mut App,
    modes: Modes,
    watch: Option<&Path>,
    effects: &mut E,
) -> io::Result<Ending> {
    let (sender, receiver, woken) = channel()?;
    if let Some(folder) = watch {
        let files = sender.clone();
        // Without inotify the reader still works; it just does not reload
        // by itself.
        let _ = crate::watch::watch(folder, move |name| {
            files.send(Message::Event(Event::FileChanged(name.to_os_string())))
        });
    }
    // Signals first, so that one arriving while the terminal is being taken
    // is already caught and leads to a restore.
    watch_signals(sender.clone())?;
    watch_hangup(sender.clone())?;
    take(modes)?;
    let mut host = Host {
        source: Local {
            receiver,
            post: sender,
            reading: false,
            woken,
            #[cfg(unix)]
            decoder: crate::input::InputDecoder::new(),
            #[cfg(unix)]
            queued: std::collections::VecDeque::new(),
            #[cfg(unix)]
            held_since: None,
            #[cfg(unix)]
            read_buffer: Box::new([0; READ_SIZE]),
            #[cfg(unix)]
            read_events: Vec::new(),
        },
        effects,
        clock: SystemClock,
    };
    // Never dropped: ratatui's drop shows the cursor with `eprintln!` on
    // failure, which panics when the terminal has gone away. `restore`
    // shows the cursor instead.
    if modes.plain_output {
        let mut screen =
            ManuallyDrop::new(Terminal::new(Clamped(CrosstermBackend::new(io::stdout())))?);
        runtime::run(&mut screen, app, &mut host)
    } else {
        // Whatever was written before the screen goes out before it.
        io::stdout().flush()?;
        let mut screen: ManuallyDrop<Screen> = ManuallyDrop::new(crate::output::lean_terminal(
            LeanBackend::new(CrosstermBackend::new(Direct)),
        )?);
        runtime::run(&mut screen, app, &mut host)
    }
}

/// The local terminal as the run loop's message source: its input (read
/// on this thread on unix), and one channel fed by the signal, hang-up and
/// file-watching threads and by work done elsewhere.
struct Local {
    receiver: Receiver<Message>,
    /// For results of work done on other threads (and, on Windows, the
    /// input thread).
    post: Notify,
    /// Whether input is read: from the first frame on (keys typed before
    /// it wait in the terminal's buffer).
    reading: bool,
    /// What other threads wake this one with.
    #[cfg_attr(not(unix), allow(dead_code))]
    woken: Woken,
    /// Turns the terminal's bytes into events.
    #[cfg(unix)]
    decoder: crate::input::InputDecoder,
    /// Events read from the terminal and not yet handed to the loop.
    #[cfg(unix)]
    queued: std::collections::VecDeque<Message>,
    /// Since when the decoder has held a partial sequence (a read that
    /// filled its buffer ended in one): after [`ESCAPE_WAIT`] with nothing
    /// more, it is what it looks like (a lone ESC is the Escape key).
    #[cfg(unix)]
    held_since: Option<Instant>,
    /// Where the terminal's bytes are read, and their events decoded:
    /// kept from key to key, so a key neither clears 4 KB nor allocates.
    #[cfg(unix)]
    read_buffer: Box<[u8; READ_SIZE]>,
    #[cfg(unix)]
    read_events: Vec<Event>,
}

/// How long a partial sequence waits for the rest.
#[cfg(unix)]
const ESCAPE_WAIT: Duration = crate::input::ESCAPE_WAIT;

/// The most read from the terminal at once.
#[cfg(unix)]
const READ_SIZE: usize = 4096;

#[cfg(unix)]
impl Local {
    /// A message from another thread, else an event already read.
    fn try_queued(&mut self) -> Option<Message> {
        match self.receiver.try_recv() {
            Ok(message) => Some(message),
            Err(_) => self.queued.pop_front(),
        }
    }

    /// Reads what the terminal has (`poll` said it has input: the read
    /// does not block) and queues its events. False if the terminal has
    /// gone away. The read is unbuffered and its size is known, so `poll`
    /// sees whatever is left, and a read that did not fill the buffer holds
    /// all there was: a lone ESC at its end is the Escape key. (Standard
    /// input stays blocking: the shell shares it after brief.)
    fn read_terminal(&mut self) -> bool {
        let bytes = &mut *self.read_buffer;
        let read = loop {
            match rustix::io::read(io::stdin(), &mut *bytes) {
                Err(rustix::io::Errno::INTR) => {}
                Err(rustix::io::Errno::AGAIN) => return true,
                other => break other,
            }
        };
        crate::phases::mark(crate::phases::Phase::Read);
        // End of file or an error: the terminal is gone.
        let Ok(count @ 1..) = read else {
            return false;
        };
        let more = count == READ_SIZE;
        let events = &mut self.read_events;
        self.decoder.decode_read(&bytes[..count], more, events);
        self.queued.extend(events.drain(..).map(Message::Event));
        self.held_since = self.decoder.pending().then(Instant::now);
        true
    }

    /// Lets a partial sequence held for [`ESCAPE_WAIT`] go as what it
    /// looks like; returns how long it may still wait otherwise.
    fn release_held(&mut self) -> Option<Duration> {
        let since = self.held_since?;
        match ESCAPE_WAIT.checked_sub(since.elapsed()) {
            Some(left) if !left.is_zero() => Some(left),
            _ => {
                let events = self.decoder.flush();
                self.queued.extend(events.into_iter().map(Message::Event));
                self.held_since = None;
                None
            }
        }
    }
}

impl Source for Local {
    #[cfg(unix)]
    fn next(&mut self, timeout: Option<Duration>) -> Next {
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            if let Some(message) = self.try_queued() {
                return Next::Message(message);
            }
            let mut left = match deadline {
                Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => return Next::Timeout,
                },
                None => None,
            };
            if let Some(held) = self.release_held() {
                left = Some(left.map_or(held, |left| left.min(held)));
            } else if !self.queued.is_empty() {
                continue;
            }
            match wait(&self.woken, self.reading, left) {
                Ready::Input => {
                    if !self.read_terminal() {
                        return Next::Message(Message::HangUp);
                    }
                }
                Ready::Other => {}
                Ready::HungUp => return Next::Message(Message::HangUp),
            }
        }
    }

    #[cfg(not(unix))]
    fn next(&mut self, timeout: Option<Duration>) -> Next {
        let received = match timeout {
            Some(timeout) => self.receiver.recv_timeout(timeout),
            None => self
                .receiver
                .recv()
                .map_err(|_| mpsc::RecvTimeoutError::Disconnected),
        };
        match received {
            Ok(message) => Next::Message(message),
            Err(mpsc::RecvTimeoutError::Timeout) => Next::Timeout,
            Err(mpsc::RecvTimeoutError::Disconnected) => Next::Closed,
        }
    }

    fn try_next(&mut self) -> Option<Message> {
        #[cfg(unix)]
        {
            if let Some(message) = self.try_queued() {
                return Some(message);
            }
            // Input that came while the last batch was applied.
            if self.reading {
                match wait(&self.woken, true, Some(Duration::ZERO)) {
                    Ready::HungUp => return Some(Message::HangUp),
                    Ready::Input if !self.read_terminal() => return Some(Message::HangUp),
                    Ready::Input | Ready::Other => return self.queued.pop_front(),
                }
            }
            None
        }
        #[cfg(not(unix))]
        self.receiver.try_recv().ok()
    }

    fn size(&mut self) -> Option<(u16, u16)> {
        size()
    }

    fn first_frame_drawn(&mut self) -> io::Result<()> {
        injected_panic("main");
        // Read from after the first frame: keys typed before it wait in
        // the terminal's buffer.
        if std::mem::replace(&mut self.reading, true) {
            return Ok(());
        }
        #[cfg(not(unix))]
        read_input(self.post.clone())?;
        Ok(())
    }

    fn suspend(&mut self, group: bool) -> io::Result<()> {
        let modes = restore();
        stop(group)?;
        take(modes)
    }

    fn post(&self) -> Option<Post> {
        let sender = self.post.clone();
        Some(Arc::new(move |event| {
            // The session may have ended meanwhile: nothing to tell then.
            sender.send(Message::Event(event));
        }))
    }

    fn continued(&mut self) -> io::Result<Resumed> {
        Ok(match settings() {
            Settings::Raw => Resumed::AsLeft,
            Settings::Changed => {
                let modes = restore();
                take(modes)?;
                Resumed::Retaken
            }
            Settings::Gone => Resumed::Gone,
        })
    }
}

/// The exit status shells report for a death by `signal`: 128 + its number.
#[cfg(unix)]
fn exit_code_of(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(u8::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn exit_codes_follow_the_shell_convention() {
        assert_eq!(exit_code_of(SIGTERM), 143);
        assert_eq!(exit_code_of(SIGINT), 130);
        assert_eq!(exit_code_of(SIGHUP), Ending::HangUp.exit_code());
    }

    #[cfg(unix)]
    #[test]
    fn every_terminating_signal_ends_with_its_shell_status() {
        for (signal, status) in [
            (SIGTERM, 143),
            (SIGINT, 130),
            (SIGQUIT, 131),
            (SIGUSR1, 138),
            (SIGUSR2, 140),
            (SIGALRM, 142),
        ] {
            match message_for(signal) {
                Some(Message::Terminate { exit_code }) => assert_eq!(exit_code, status),
                other => panic!("signal {signal} gives {other:?}"),
            }
        }
        assert!(matches!(message_for(SIGHUP), Some(Message::HangUp)));
        // A file-size limit must not end brief: the write fails instead.
        assert!(message_for(SIGXFSZ).is_none());
    }

    #[test]
    fn resizes_are_cut_to_a_drawable_size() {
        let huge = drawable_event(event::Event::Resize(u16::MAX, u16::MAX));
        let cut = event::Event::Resize(crate::output::MAX_COLUMNS, crate::output::MAX_ROWS);
        assert_eq!(huge, cut);
        let usual = event::Event::Resize(80, 24);
        assert_eq!(drawable_event(usual.clone()), usual);
    }

    #[test]
    fn restore_without_take_does_nothing() {
        assert_eq!(restore(), Modes::default());
        assert_eq!(restore(), Modes::default());
    }
}

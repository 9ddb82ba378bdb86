//! The local terminal: taking it, giving it back, and feeding the run loop.
//!
//! Owns everything that changes the terminal's mode (raw mode, the alternate
//! screen, the cursor, mouse and paste reporting) and makes giving it back
//! idempotent and reachable from every exit path: quit, a terminating
//! signal, hang-up, a failed write, a panic on any thread, and suspend.
//!
//! Three threads feed one channel: input (crossterm events), signals, and a
//! watcher that notices the terminal going away. They map what they see to
//! the run loop's platform-neutral [`Message`]s; the loop itself
//! ([`crate::runtime`]) runs on the main thread, which holds the model, so
//! the exit hook given to [`run`] sees it.

use std::io::{self, Write};
use std::mem::ManuallyDrop;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::{
    cursor, event, queue,
    terminal::{self as crossterm_terminal, EnterAlternateScreen, LeaveAlternateScreen},
};
use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGTERM, SIGTSTP, SIGWINCH};

use crate::app::{App, Event};
use crate::output::LeanBackend;
pub use crate::runtime::Ending;
use crate::runtime::{self, Message, Next, Resumed, Source};

/// Optional reporting modes, turned on with the screen and off with it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Modes {
    /// Mouse reporting (breaks the terminal's own text selection).
    pub mouse: bool,
    /// Bracketed paste.
    pub paste: bool,
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
/// The terminal settings found before raw mode, put back by `restore`.
static ORIGINAL: Mutex<Option<libc::termios>> = Mutex::new(None);
/// Serialises take and restore so that two threads never interleave their
/// escape sequences.
static LOCK: Mutex<()> = Mutex::new(());

/// How long a terminating signal waits for the main thread before the
/// signal thread ends the process itself (the main thread can only be that
/// slow when it is stuck writing to a terminal that no longer reads).
const EXIT_DEADLINE: Duration = Duration::from_secs(1);

/// The descriptor whose settings raw mode changes: standard input, which
/// `main` has checked is a terminal.
const TTY: libc::c_int = libc::STDIN_FILENO;

fn termios_of(fd: libc::c_int) -> io::Result<libc::termios> {
    // SAFETY: tcgetattr writes a whole termios into the zeroed value and
    // reads nothing else.
    unsafe {
        let mut termios: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(fd, &mut termios) != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(termios)
    }
}

fn set_termios(fd: libc::c_int, termios: &libc::termios) -> io::Result<()> {
    // SAFETY: tcsetattr only reads the termios passed.
    if unsafe { libc::tcsetattr(fd, libc::TCSANOW, termios) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Raw mode: no line editing, no echo, no signals from keys (ctrl-c and
/// ctrl-z arrive as keys), no output processing.
fn raw_mode_on() -> io::Result<()> {
    let mut original = ORIGINAL.lock().unwrap_or_else(|e| e.into_inner());
    let current = termios_of(TTY)?;
    let saved = *original.get_or_insert(current);
    let mut raw = saved;
    // SAFETY: cfmakeraw only changes the flags of the value passed.
    unsafe { libc::cfmakeraw(&mut raw) };
    set_termios(TTY, &raw)
}

fn raw_mode_off() {
    let mut original = ORIGINAL.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(saved) = original.take() {
        // Fails on a terminal that has gone away; nothing more to do then.
        let _ = set_termios(TTY, &saved);
    }
}

/// The state the terminal's settings are found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Settings {
    /// Still raw, as brief left them.
    Raw,
    /// Line editing is back: someone (a shell taking the terminal back while
    /// brief was stopped) changed them.
    Changed,
    /// They cannot be read: the terminal has gone away.
    Gone,
}

fn settings() -> Settings {
    match termios_of(TTY) {
        Ok(t) if t.c_lflag & (libc::ICANON | libc::ECHO) == 0 => Settings::Raw,
        Ok(_) => Settings::Changed,
        Err(_) => Settings::Gone,
    }
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
/// non-interactive shell leaves SIGINT for a background job.
fn is_ignored(signal: libc::c_int) -> bool {
    // SAFETY: with a null new action, sigaction only reads the current
    // disposition into the zeroed value.
    unsafe {
        let mut current: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut current) == 0
            && current.sa_sigaction == libc::SIG_IGN
    }
}

/// Forwards signals to the loop. A signal that was ignored when brief
/// started stays ignored (the convention `nohup` relies on); a lost
/// terminal is then noticed by [`watch_hangup`] instead.
fn watch_signals(sender: Sender<Message>) -> io::Result<()> {
    // SIGWINCH too: crossterm only starts listening for it once the input
    // thread first reads, and a resize before that would be lost.
    let mut wanted = vec![SIGTERM, SIGTSTP, SIGCONT, SIGWINCH];
    wanted.extend([SIGHUP, SIGINT].into_iter().filter(|s| !is_ignored(*s)));
    let mut signals = signal_hook::iterator::Signals::new(&wanted)?;
    thread::Builder::new()
        .name("signals".to_owned())
        .spawn(move || {
            for signal in signals.forever() {
                let message = match signal {
                    SIGHUP => Message::HangUp,
                    SIGTERM | SIGINT => Message::Terminate {
                        exit_code: exit_code_of(signal),
                    },
                    SIGTSTP => Message::Suspend { group: false },
                    SIGCONT => Message::Continued,
                    _ => Message::Resized,
                };
                if sender.send(message).is_err() {
                    return;
                }
                if matches!(signal, SIGTERM | SIGINT | SIGHUP) {
                    // The main thread exits at once; if it is stuck in a
                    // write to a terminal that no longer reads, end anyway
                    // rather than linger. Only termios can be restored
                    // without the stuck output.
                    thread::sleep(EXIT_DEADLINE);
                    if HELD.swap(0, Ordering::SeqCst) & RAW != 0 {
                        raw_mode_off();
                    }
                    std::process::exit(i32::from(exit_code_of(signal)));
                }
            }
        })?;
    Ok(())
}

/// Tells the loop when the terminal goes away (SSH link dropped, window
/// closed, pty master closed), whatever happens to SIGHUP.
///
/// crossterm's reader loops forever on a terminal that reads as end of
/// file (crossterm issue 793), so hang-up is not left for it to find. Here
/// `poll` asks for no events at all: it then wakes only for hang-up, error
/// or a closed descriptor, and this thread reports once and ends, so it can
/// never spin.
fn watch_hangup(sender: Sender<Message>) -> io::Result<()> {
    thread::Builder::new()
        .name("hangup".to_owned())
        .spawn(move || {
            let mut fds = [libc::STDIN_FILENO, libc::STDOUT_FILENO].map(|fd| libc::pollfd {
                fd,
                events: 0,
                revents: 0,
            });
            loop {
                // SAFETY: poll reads and writes only the array passed, whose
                // length is given.
                let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, -1) };
                if ready < 0 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                // Readiness with no events asked for, or poll itself failing:
                // either way the terminal cannot be relied on.
                let _ = sender.send(Message::HangUp);
                return;
            }
        })?;
    Ok(())
}

/// Reads input events and forwards them. Ends at the first error: a
/// reading error is never retried.
fn read_input(sender: Sender<Message>) -> io::Result<()> {
    thread::Builder::new()
        .name("input".to_owned())
        .spawn(move || {
            injected_panic("input");
            loop {
                let message = match event::read() {
                    Ok(event) => match Message::from_crossterm(event) {
                        Some(message) => message,
                        None => continue,
                    },
                    // The terminal is unusable.
                    Err(_) => Message::HangUp,
                };
                let failed = matches!(message, Message::HangUp);
                if sender.send(message).is_err() || failed {
                    return;
                }
            }
        })?;
    Ok(())
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
/// shell; otherwise only brief stops (an external SIGTSTP was sent to it
/// alone). In a process group no shell watches (an orphaned one, as under
/// `ssh host brief`) the system discards the stop, since nobody could
/// continue it, and brief simply carries on.
fn stop(group: bool) -> io::Result<()> {
    let target = if group {
        0
    } else {
        std::process::id() as libc::pid_t
    };
    // SAFETY: plain sigaction and kill calls on values owned here; the
    // previous disposition (signal-hook's handler) is put back unchanged.
    unsafe {
        let mut default: libc::sigaction = std::mem::zeroed();
        default.sa_sigaction = libc::SIG_DFL;
        let mut previous: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(SIGTSTP, &default, &mut previous) != 0 {
            return Err(io::Error::last_os_error());
        }
        // With the default action the process stops inside this call and
        // returns from it once continued.
        let sent = libc::kill(target, SIGTSTP);
        let error = io::Error::last_os_error();
        libc::sigaction(SIGTSTP, &previous, std::ptr::null_mut());
        if sent != 0 {
            return Err(error);
        }
    }
    Ok(())
}

/// The screen: ratatui over a backend that sends each frame as the
/// smallest change to what the terminal already shows.
type Screen = Terminal<LeanBackend<CrosstermBackend<io::Stdout>>>;

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
pub fn run(
    app: &mut App,
    modes: Modes,
    watch: Option<&Path>,
    on_exit: impl FnOnce(&App),
) -> io::Result<Ending> {
    let result = session(app, modes, watch).or_else(|error| {
        // A terminal that has gone away fails writes with EIO (or ENXIO):
        // that is a hang-up, not a fault.
        match error.raw_os_error() {
            Some(libc::EIO | libc::ENXIO) => Ok(Ending::HangUp),
            _ => Err(error),
        }
    });
    restore();
    on_exit(app);
    result
}

fn session(app: &mut App, modes: Modes, watch: Option<&Path>) -> io::Result<Ending> {
    let (sender, receiver) = mpsc::channel();
    if let Some(folder) = watch {
        let files = sender.clone();
        // Without inotify the reader still works; it just does not reload
        // by itself.
        let _ = crate::watch::watch(folder, move |name| {
            files
                .send(Message::Event(Event::FileChanged(name.to_os_string())))
                .is_ok()
        });
    }
    // Signals first, so that one arriving while the terminal is being taken
    // is already caught and leads to a restore.
    watch_signals(sender.clone())?;
    watch_hangup(sender.clone())?;
    take(modes)?;
    // Never dropped: ratatui's drop shows the cursor with `eprintln!` on
    // failure, which panics when the terminal has gone away. `restore`
    // shows the cursor instead.
    let mut screen: ManuallyDrop<Screen> = ManuallyDrop::new(Terminal::new(LeanBackend::new(
        CrosstermBackend::new(io::stdout()),
    ))?);
    let mut source = Local {
        receiver,
        input: Some(sender),
    };
    runtime::run(&mut screen, app, &mut source)
}

/// The local terminal as the run loop's message source: one channel fed
/// by the input, signal, hang-up and file-watching threads.
struct Local {
    receiver: Receiver<Message>,
    /// Handed to the input thread once the first frame is drawn.
    input: Option<Sender<Message>>,
}

impl Source for Local {
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
        self.receiver.try_recv().ok()
    }

    fn size(&mut self) -> Option<(u16, u16)> {
        crossterm_terminal::size().ok()
    }

    fn first_frame_drawn(&mut self) -> io::Result<()> {
        injected_panic("main");
        // Started after the first frame: keys typed before it wait in the
        // terminal's buffer.
        match self.input.take() {
            Some(sender) => read_input(sender),
            None => Ok(()),
        }
    }

    fn suspend(&mut self, group: bool) -> io::Result<()> {
        let modes = restore();
        stop(group)?;
        take(modes)
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
fn exit_code_of(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(u8::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_shell_convention() {
        assert_eq!(exit_code_of(SIGTERM), 143);
        assert_eq!(exit_code_of(SIGINT), 130);
        assert_eq!(exit_code_of(SIGHUP), Ending::HangUp.exit_code());
    }

    #[test]
    fn restore_without_take_does_nothing() {
        assert_eq!(restore(), Modes::default());
        assert_eq!(restore(), Modes::default());
    }
}

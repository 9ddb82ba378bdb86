//! The terminal: taking it, giving it back, and the event loop.
//!
//! Owns everything that changes the terminal's mode (raw mode, alternate
//! screen, cursor) and makes restoring it idempotent and reachable from
//! every exit path: normal quit, a panic (the hook restores before the
//! message is printed), a terminating signal (a watcher thread restores and
//! exits), and suspend/resume. The loop blocks on input — there is no tick —
//! and coalesces a burst of events into one frame.

use std::io::{self, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::{
    cursor, event,
    terminal::{self, EnterAlternateScreen, LeaveAlternateScreen},
};

use crate::app::{App, Event, Outcome};

/// True while brief holds the terminal in raw mode.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Serialises restore against take, so a signal and the main thread never
/// interleave escape sequences.
static LOCK: Mutex<()> = Mutex::new(());

/// Puts the terminal into reading mode: raw, alternate screen, no cursor.
pub fn take() -> io::Result<()> {
    let _guard = LOCK.lock();
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    ratatui::crossterm::execute!(out, EnterAlternateScreen, cursor::Hide)?;
    Ok(())
}

/// Gives the terminal back as it was. Safe to call more than once and from
/// any thread; does nothing if the terminal is not held.
pub fn restore() {
    let _guard = LOCK.lock();
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    let _ = ratatui::crossterm::execute!(out, LeaveAlternateScreen, cursor::Show);
    let _ = terminal::disable_raw_mode();
    let _ = out.flush();
}

/// Restores the terminal before the default panic message is printed, so
/// the message lands on the normal screen, readable.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// Starts a thread that restores the terminal and exits on SIGTERM, SIGINT
/// or SIGHUP, so a closed window or a `kill` never leaves it broken.
pub fn watch_signals() -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP])?;
    std::thread::Builder::new()
        .name("signals".to_owned())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                restore();
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

/// Restores the terminal and stops the process until `fg`; then takes the
/// terminal back.
fn suspend() -> io::Result<()> {
    restore();
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
    take()
}

fn convert(event: event::Event) -> Option<Event> {
    match event {
        event::Event::Key(key) => Some(Event::Key(key)),
        event::Event::Resize(width, height) => Some(Event::Resize(width, height)),
        event::Event::Mouse(mouse) => Some(Event::Mouse(mouse)),
        _ => None,
    }
}

/// Runs the app until it quits.
pub fn run(app: &mut App) -> io::Result<()> {
    let backend = crate::output::LeanBackend::new(CrosstermBackend::new(io::stdout()));
    let mut terminal = Terminal::new(backend)?;
    terminal.clear()?;
    terminal.draw(|frame| crate::ui::render(app, frame))?;
    loop {
        let mut outcome = Outcome::Idle;
        let mut first = true;
        // Block for one event, then take whatever else is already waiting
        // (a resize drag, pasted keys) before drawing once.
        while first || event::poll(Duration::ZERO)? {
            first = false;
            let Some(event) = convert(event::read()?) else {
                continue;
            };
            outcome = merge(outcome, app.handle(event));
            if matches!(outcome, Outcome::Quit | Outcome::Suspend) {
                break;
            }
        }
        match outcome {
            Outcome::Quit => return Ok(()),
            Outcome::Suspend => {
                suspend()?;
                let (width, height) = terminal::size()?;
                app.handle(Event::Resize(width, height));
                terminal.clear()?;
                terminal.draw(|frame| crate::ui::render(app, frame))?;
            }
            Outcome::FullRedraw => {
                terminal.clear()?;
                terminal.draw(|frame| crate::ui::render(app, frame))?;
            }
            Outcome::Redraw => {
                terminal.draw(|frame| crate::ui::render(app, frame))?;
            }
            Outcome::Idle => {}
        }
    }
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

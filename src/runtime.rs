//! The run loop: messages in, frames out, for any ratatui backend.
//!
//! Owns the order of things in a reading session: block for a message (or,
//! after the reader moved, for at most a moment so the position is saved
//! once they stop), apply it and everything already queued behind it, then
//! draw once. A burst of resizes costs one layout and one frame.
//!
//! It touches no process globals — no stdin or stdout, no signals, no
//! environment: the [`Source`] brings every message and does whatever the
//! host's terminal needs (the local terminal in [`crate::terminal`], an SSH
//! channel, or a script in a test), and the backend takes the frames. So
//! one loop can run per SSH session, and a test can drive the whole loop in
//! memory on ratatui's `TestBackend`.

use std::error::Error;
use std::io;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event as crossterm_event;
use ratatui::layout::Rect;

use crate::app::{App, Event, Outcome};

/// How long after the reader stops moving the position is saved.
pub const SAVE_AFTER: Duration = Duration::from_millis(1500);

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
const HANG_UP_EXIT_CODE: u8 = 129;

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

/// Runs a session until it ends: draws the first frame, then applies
/// messages from `source` to `app` and draws after each batch. A failed
/// write to the terminal ends the session with the error; it is never
/// retried.
pub fn run<B, S>(terminal: &mut Terminal<B>, app: &mut App, source: &mut S) -> io::Result<Ending>
where
    B: Backend,
    B::Error: Error + Send + Sync + 'static,
    S: Source,
{
    full_redraw(terminal, app, source)?;
    source.first_frame_drawn()?;
    loop {
        match next_batch(source, app) {
            Batch::End(ending) => return Ok(ending),
            Batch::Suspend { group } => {
                source.suspend(group)?;
                full_redraw(terminal, app, source)?;
            }
            Batch::Continued => match source.continued()? {
                Resumed::AsLeft => {}
                Resumed::Retaken => full_redraw(terminal, app, source)?,
                Resumed::Gone => return Ok(Ending::HangUp),
            },
            Batch::Draw(Outcome::FullRedraw) => full_redraw(terminal, app, source)?,
            Batch::Draw(Outcome::Redraw) => draw(terminal, app)?,
            Batch::Draw(_) => {}
        }
    }
}

fn draw<B>(terminal: &mut Terminal<B>, app: &App) -> io::Result<()>
where
    B: Backend,
    B::Error: Error + Send + Sync + 'static,
{
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
/// the answer arriving on the input thread instead.)
pub fn full_redraw<B, S>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    source: &mut S,
) -> io::Result<()>
where
    B: Backend,
    B::Error: Error + Send + Sync + 'static,
    S: Source,
{
    let (width, height) = source.size().unwrap_or((app.area.width, app.area.height));
    if (width, height) != (app.area.width, app.area.height) {
        app.handle(Event::Resize(width, height));
    }
    terminal
        .resize(Rect::new(0, 0, width, height))
        .map_err(io_error)?;
    draw(terminal, app)
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
fn next_batch<S: Source>(source: &mut S, app: &mut App) -> Batch {
    // Idle, the loop sleeps until something happens. Only after the reader
    // moved does it wake once more, a moment later, to save the position.
    let timeout = app.unsaved().then_some(SAVE_AFTER);
    let first = match source.next(timeout) {
        Next::Message(message) => message,
        Next::Timeout => {
            let had_message = app.message.is_some();
            app.save_and_report();
            return Batch::Draw(if app.message.is_some() != had_message {
                Outcome::Redraw
            } else {
                Outcome::Idle
            });
        }
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
                let resized = flush_resize(source, app, &mut resize);
                merge(resized, app.handle(event))
            }
            Message::Event(event) => app.handle(event),
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
        next = source.try_next();
    }
    Batch::Draw(merge(outcome, flush_resize(source, app, &mut resize)))
}

/// Lays out a pending resize, at the size the terminal has now (crossterm
/// and the signal thread both report a resize; the second finds nothing
/// to do).
fn flush_resize<S: Source>(
    source: &mut S,
    app: &mut App,
    resize: &mut Option<(u16, u16)>,
) -> Outcome {
    let Some(reported) = resize.take() else {
        return Outcome::Idle;
    };
    let (width, height) = source.size().unwrap_or(reported);
    if (width, height) == (app.area.width, app.area.height) {
        return Outcome::Idle;
    }
    app.handle(Event::Resize(width, height))
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
    fn backend_io_errors_keep_their_os_error() {
        let error = io_error(io::Error::from_raw_os_error(5));
        assert_eq!(error.raw_os_error(), Some(5));
    }
}

//! A session's screen: a ratatui backend whose terminal is at the other
//! end of an SSH channel, and the bounded queue its bytes leave through.
//!
//! Frames are drawn by the same [`LeanBackend`] as the local reader, into
//! memory; at the end of each frame (ratatui's flush) the bytes go to the
//! [`Outbox`], which hands them to the task that writes the channel at the
//! client's pace. The outbox holds at most [`OUTBOX_LIMIT`] bytes: a
//! session whose client has stopped reading waits at its next frame until
//! there is room again (or the session is ended), so a stalled client
//! costs a bounded amount of memory, never more.

use std::cell::{Cell, RefCell};
use std::io::{self, Write};
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell as BufferCell;
use ratatui::layout::{Position, Size};

pub use crate::output::LeanBackend;

/// Most bytes waiting for one client before its frames are replaced by a
/// full redraw.
pub const OUTBOX_LIMIT: usize = 256 * 1024;

/// Takes the remote terminal: alternate screen, cursor hidden, bracketed
/// paste on, screen cleared.
pub const TAKE: &[u8] = b"\x1b[?1049h\x1b[?25l\x1b[?2004h\x1b[H\x1b[2J";

/// Gives the remote terminal back: paste off, the whole screen as the
/// scrolling region again (the lean backend keeps one set between frames),
/// colours and attributes reset, the alternate screen erased (tmux carries
/// what is left on it over to the normal screen after a resize), cursor
/// shown, normal screen.
pub const RESTORE: &[u8] = b"\x1b[?2004l\x1b[r\x1b[0m\x1b[H\x1b[2J\x1b[?25h\x1b[?1049l";

/// Bytes written by the backend, taken after each frame.
#[derive(Debug, Clone, Default)]
pub struct Sink(Rc<RefCell<Vec<u8>>>);

impl Sink {
    /// Everything written since the last take.
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.borrow_mut())
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A terminal known only by the size the client reported.
pub struct Remote {
    ansi: CrosstermBackend<Sink>,
    sink: Sink,
    size: Rc<Cell<Size>>,
    outbox: Arc<Outbox>,
    /// Set when the session must end: a frame waiting for room gives up.
    ending: Arc<dyn Fn() -> bool>,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote").field("size", &self.size).finish()
    }
}

impl Remote {
    /// A terminal as large as `size` says (shared, so the session can
    /// change it on a window change), its frames queued in `outbox`;
    /// `ending` says when waiting for room is pointless.
    pub fn new(size: Rc<Cell<Size>>, outbox: Arc<Outbox>, ending: Arc<dyn Fn() -> bool>) -> Self {
        let sink = Sink::default();
        Self {
            ansi: CrosstermBackend::new(sink.clone()),
            sink,
            size,
            outbox,
            ending,
        }
    }

    /// Queues the bytes written so far, waiting for room if the client is
    /// behind; an error once the session is ending.
    fn send(&mut self) -> io::Result<()> {
        let bytes = self.sink.take();
        if self.outbox.push_waiting(&bytes, &*self.ending) {
            Ok(())
        } else {
            Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the client stopped reading and the session ended",
            ))
        }
    }
}

impl Write for Remote {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.ansi.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Backend for Remote {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a BufferCell)>,
    {
        self.ansi.draw(content)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.ansi.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.ansi.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        // Asking would be a round trip over the network; nothing needs it.
        Ok(Position::ORIGIN)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.ansi.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.ansi.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.ansi.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        Ok(self.size.get())
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.size.get(),
            pixels: Size::default(),
        })
    }

    /// The end of a frame: its bytes leave for the client.
    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// What the writing task finds in the outbox.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Bytes to send.
    Bytes(Vec<u8>),
    /// The session is over: send the exit status and close.
    Closed(u32),
}

#[derive(Debug, Default)]
struct Queue {
    pending: Vec<u8>,
    closed: Option<u32>,
    /// The writing task is gone: nothing will take bytes any more.
    gone: bool,
}

/// The bounded queue between a session's thread and the channel.
#[derive(Debug, Default)]
pub struct Outbox {
    queue: Mutex<Queue>,
    /// Wakes the writing task.
    wake: tokio::sync::Notify,
    /// Wakes a session waiting for room.
    room: Condvar,
}

impl Outbox {
    /// An empty outbox.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues a frame. False if the client is so far behind that the queue
    /// was emptied instead: the caller must then push a full redraw.
    pub fn push(&self, bytes: &[u8]) -> bool {
        if bytes.is_empty() {
            return true;
        }
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        if !queue.pending.is_empty() && queue.pending.len() + bytes.len() > OUTBOX_LIMIT {
            queue.pending = Vec::new();
            return false;
        }
        queue.pending.extend_from_slice(bytes);
        drop(queue);
        self.wake.notify_one();
        true
    }

    /// Queues a frame, first waiting while the queue is over the limit.
    /// False (the frame dropped) if `give_up` says the session is ending
    /// or the writing task is gone.
    pub fn push_waiting(&self, bytes: &[u8], give_up: &dyn Fn() -> bool) -> bool {
        if bytes.is_empty() {
            return true;
        }
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        while !queue.pending.is_empty() && queue.pending.len() + bytes.len() > OUTBOX_LIMIT {
            if give_up() || queue.gone {
                return false;
            }
            // Woken when the writer takes bytes; the timeout only bounds
            // how late an ending is noticed.
            queue = self
                .room
                .wait_timeout(queue, Duration::from_millis(100))
                .map_or_else(|e| e.into_inner().0, |(q, _)| q);
        }
        if queue.gone {
            return false;
        }
        queue.pending.extend_from_slice(bytes);
        drop(queue);
        self.wake.notify_one();
        true
    }

    /// The writing task is gone: wake anyone waiting for room.
    pub fn writer_gone(&self) {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).gone = true;
        self.room.notify_all();
    }

    /// Queues the last bytes of a session, whatever the limit, and marks
    /// it over with `status`.
    pub fn close(&self, last: &[u8], status: u32) {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        if queue.pending.len() > OUTBOX_LIMIT {
            queue.pending.clear();
        }
        queue.pending.extend_from_slice(last);
        queue.closed = Some(status);
        drop(queue);
        self.wake.notify_one();
    }

    /// Bytes waiting now (for tests and measurement).
    pub fn waiting(&self) -> usize {
        self.queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pending
            .len()
    }

    /// Waits for bytes, or the end.
    pub async fn next(&self) -> Next {
        loop {
            {
                let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
                if !queue.pending.is_empty() {
                    let bytes = std::mem::take(&mut queue.pending);
                    drop(queue);
                    self.room.notify_all();
                    return Next::Bytes(bytes);
                }
                if let Some(status) = queue.closed {
                    return Next::Closed(status);
                }
            }
            self.wake.notified().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_that_stops_reading_never_holds_more_than_the_limit() {
        let outbox = Outbox::new();
        let frame = vec![b'x'; 10_000];
        let mut refused = 0;
        for _ in 0..1000 {
            if !outbox.push(&frame) {
                refused += 1;
                // The session answers with a full screen.
                assert!(outbox.push(&frame));
            }
            assert!(outbox.waiting() <= OUTBOX_LIMIT);
        }
        assert!(refused > 0);
    }

    #[test]
    fn a_session_waits_for_room_and_gives_up_when_ending() {
        let outbox = Arc::new(Outbox::new());
        let frame = vec![b'x'; OUTBOX_LIMIT - 10];
        assert!(outbox.push_waiting(&frame, &|| false));
        // Full: an ending session gives up instead of waiting for ever.
        assert!(!outbox.push_waiting(&frame, &|| true));
        assert_eq!(outbox.waiting(), OUTBOX_LIMIT - 10);
        // A writer taking the bytes makes room for the waiting frame.
        let taker = Arc::clone(&outbox);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let writer = std::thread::spawn(move || runtime.block_on(async { taker.next().await }));
        assert!(outbox.push_waiting(&frame, &|| false));
        assert!(
            matches!(writer.join().expect("writer"), Next::Bytes(b) if b.len() == OUTBOX_LIMIT - 10)
        );
        assert_eq!(outbox.waiting(), OUTBOX_LIMIT - 10);
    }

    #[test]
    fn the_end_is_seen_after_the_last_bytes() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let outbox = Outbox::new();
        assert!(outbox.push(b"frame"));
        outbox.close(b"bye", 3);
        runtime.block_on(async {
            assert_eq!(outbox.next().await, Next::Bytes(b"framebye".to_vec()));
            assert_eq!(outbox.next().await, Next::Closed(3));
        });
    }
}

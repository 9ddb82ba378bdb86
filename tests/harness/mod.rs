//! Runs the real `brief` binary in a pseudo-terminal, as a person over SSH
//! would: keys in, the screen read through the vt100 crate, every byte the
//! program wrote kept, and how it ended measured (status, time, CPU).
//!
//! Waits are for a condition with a timeout, never a fixed sleep. Reading
//! is done on the caller's thread with `poll` on the master's descriptor,
//! so nothing else holds the master open and dropping it really closes the
//! terminal (a hang-up, as a dropped SSH link causes).
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::Path;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};

/// Generous limit for things that take milliseconds.
pub const PATIENCE: Duration = Duration::from_secs(15);

/// The brief binary under test.
pub fn brief() -> &'static str {
    env!("CARGO_BIN_EXE_brief")
}

/// The crate root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped Liège briefing.
pub fn liege() -> String {
    root()
        .join("briefings/alibaba-liege.toml")
        .display()
        .to_string()
}

/// How the child ended.
#[derive(Debug, Clone, Copy)]
pub struct Exit {
    /// Exit status if it exited.
    pub code: Option<i32>,
    /// The signal if one ended it.
    pub signal: Option<i32>,
    /// CPU time it used in all, user and system.
    pub cpu: Duration,
    /// When it was reaped.
    pub at: Instant,
}

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a size of at least 1")
}

/// What one read from the terminal gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    /// Some output.
    Data,
    /// Nothing within the time given.
    Quiet,
    /// The terminal is closed on either side.
    Closed,
}

/// A program running in a pseudo-terminal.
pub struct Session {
    /// The child's process id.
    pub pid: i32,
    master: Option<Box<dyn MasterPty + Send>>,
    fd: i32,
    parser: vt100::Parser,
    bytes: Vec<u8>,
    exit: Receiver<Exit>,
    ended: Option<Exit>,
}

/// A command to run.
pub struct Spawn {
    command: CommandBuilder,
    size: (u16, u16),
}

impl Spawn {
    /// `brief` with `args`.
    pub fn brief(args: &[&str]) -> Spawn {
        Spawn::program(brief(), args)
    }

    /// Any program with `args`, in the crate root, with a plain UTF-8
    /// xterm environment.
    pub fn program(program: impl AsRef<OsStr>, args: &[&str]) -> Spawn {
        let mut command = CommandBuilder::new(program);
        command.args(args);
        command.cwd(root());
        command.env("TERM", "xterm-256color");
        command.env("LANG", "C.UTF-8");
        command.env_remove("LC_ALL");
        command.env_remove("LC_CTYPE");
        command.env_remove("NO_COLOR");
        command.env_remove("BRIEF_TEST_PANIC");
        // A backtrace would push a panic message off a 24-row screen.
        command.env_remove("RUST_BACKTRACE");
        command.env("XDG_CONFIG_HOME", root().join("target/no-such-config"));
        // A state folder of its own, so a remembered position from another
        // run never changes what a test sees.
        static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let state =
            std::env::temp_dir().join(format!("brief-pty-state-{}-{run}", std::process::id()));
        command.env("XDG_STATE_HOME", state);
        Spawn {
            command,
            size: (80, 24),
        }
    }

    /// The window size, columns by rows.
    pub fn size(mut self, columns: u16, rows: u16) -> Spawn {
        self.size = (columns, rows);
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Spawn {
        self.command.env(key, value);
        self
    }

    /// Runs it in a session of its own without making the pty its
    /// controlling terminal: closing the terminal then sends no SIGHUP.
    pub fn no_controlling_terminal(mut self) -> Spawn {
        self.command.set_controlling_tty(false);
        self
    }

    /// Starts it.
    pub fn start(self) -> Session {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: self.size.1,
                cols: self.size.0,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let child = pair.slave.spawn_command(self.command).expect("spawn");
        // Only the child keeps the terminal side open.
        drop(pair.slave);
        let pid = child.process_id().expect("a pid") as i32;
        // Reaped here, not through portable-pty, to get its CPU time.
        std::mem::forget(child);
        let (sender, exit) = mpsc::channel();
        std::thread::spawn(move || {
            let mut status = 0;
            // SAFETY: rusage is plain data, for which all zeroes is valid.
            let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
            // SAFETY: wait4 writes the status and the rusage passed, nothing else.
            let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            if reaped != pid {
                return;
            }
            let time = |t: libc::timeval| {
                Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
            };
            let _ = sender.send(Exit {
                code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
                signal: libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status)),
                cpu: time(usage.ru_utime) + time(usage.ru_stime),
                at: Instant::now(),
            });
        });
        let fd = pair.master.as_raw_fd().expect("master fd");
        Session {
            pid,
            master: Some(pair.master),
            fd,
            parser: vt100::Parser::new(nonzero(self.size.1), nonzero(self.size.0), 0),
            bytes: Vec::new(),
            exit,
            ended: None,
        }
    }
}

impl Session {
    /// Sends bytes as typed.
    pub fn send(&mut self, bytes: &[u8]) {
        assert!(self.master.is_some(), "the terminal is closed");
        let mut rest = bytes;
        while !rest.is_empty() {
            // SAFETY: writes from a live slice to the open master.
            let n = unsafe { libc::write(self.fd, rest.as_ptr().cast(), rest.len()) };
            assert!(n > 0, "write to the pty failed");
            rest = &rest[n as usize..];
        }
    }

    /// Reads what is there, waiting at most `timeout` for the first byte.
    fn pump(&mut self, timeout: Duration) -> Read {
        if self.master.is_none() {
            return Read::Closed;
        }
        let mut fds = [libc::pollfd {
            fd: self.fd,
            events: libc::POLLIN,
            revents: 0,
        }];
        let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
        // SAFETY: poll on one live descriptor.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), 1, ms) };
        if ready <= 0 {
            return Read::Quiet;
        }
        let mut buffer = [0u8; 65536];
        // SAFETY: reads into a live buffer of the given length.
        let n = unsafe { libc::read(self.fd, buffer.as_mut_ptr().cast(), buffer.len()) };
        if n <= 0 {
            // EIO: every process on the terminal side has closed it.
            return Read::Closed;
        }
        let chunk = &buffer[..n as usize];
        self.parser.process(chunk);
        self.bytes.extend_from_slice(chunk);
        Read::Data
    }

    /// Reads until the screen satisfies `condition`; panics with the screen
    /// after `timeout`.
    pub fn wait_for(
        &mut self,
        what: &str,
        timeout: Duration,
        condition: impl Fn(&vt100::Screen) -> bool,
    ) {
        let deadline = Instant::now() + timeout;
        loop {
            if condition(self.parser.screen()) {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "timed out waiting for {what}; screen:\n{}",
                self.parser.screen().contents()
            );
            if self.pump(left.min(Duration::from_millis(100))) == Read::Closed
                && self.try_exit().is_some()
            {
                assert!(
                    condition(self.parser.screen()),
                    "the program ended before {what}; screen:\n{}",
                    self.parser.screen().contents()
                );
                return;
            }
        }
    }

    /// Waits until `text` is on the screen.
    pub fn wait_text(&mut self, text: &str) {
        let owned = text.to_owned();
        self.wait_for(&format!("{text:?} on screen"), PATIENCE, move |s| {
            s.contents().contains(&owned)
        });
    }

    /// Waits for a whole frame of the reader: the alternate screen with the
    /// briefing's title on it and the status line (drawn last) at the bottom.
    pub fn wait_reader(&mut self) {
        self.wait_for("the reader's screen", PATIENCE, |s| {
            let (rows, columns) = s.size();
            let last = s.rows(0, columns.get()).nth(usize::from(rows.get()) - 1);
            s.alternate_screen()
                && s.contents().contains("Liège")
                && last.is_some_and(|row| row.contains("help"))
        });
    }

    /// Reads whatever comes for up to `quiet` of silence (used only to
    /// collect trailing output, never to wait for a state).
    pub fn drain(&mut self, quiet: Duration) {
        while self.pump(quiet) == Read::Data {}
    }

    /// Writes on the local screen as if another program had drawn there
    /// (a shell while brief was stopped), without brief seeing it.
    pub fn scribble(&mut self, bytes: &[u8]) {
        self.parser.process(bytes);
    }

    /// The screen as the terminal shows it.
    pub fn screen(&self) -> &vt100::Screen {
        self.parser.screen()
    }

    /// Every byte the program wrote.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    fn try_exit(&mut self) -> Option<Exit> {
        if self.ended.is_none() {
            self.ended = self.exit.try_recv().ok();
        }
        self.ended
    }

    /// Waits for the program to end, reading its output meanwhile.
    pub fn wait_exit(&mut self, timeout: Duration) -> Exit {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(exit) = self.try_exit() {
                // Collect what it wrote last (the restore).
                self.drain(Duration::from_millis(100));
                return exit;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "the program did not end within {timeout:?}; screen:\n{}",
                self.parser.screen().contents()
            );
            if self.pump(left.min(Duration::from_millis(50))) != Read::Closed {
                continue;
            }
            if let Ok(exit) = self.exit.recv_timeout(left) {
                self.ended = Some(exit);
            }
        }
    }

    /// Sends a signal to the program.
    pub fn signal(&self, signal: i32) {
        // SAFETY: kill with a pid and a signal number.
        assert_eq!(unsafe { libc::kill(self.pid, signal) }, 0, "kill failed");
    }

    /// Closes the terminal from the outside, as a dropped SSH link or a
    /// closed window does.
    pub fn close_terminal(&mut self) {
        self.master = None;
    }

    /// True if the terminal is in the ordinary line mode (line editing and
    /// echo on), as a shell expects it after brief.
    pub fn cooked(&self) -> bool {
        let termios = self.termios();
        termios.c_lflag & libc::ICANON != 0 && termios.c_lflag & libc::ECHO != 0
    }

    /// The terminal's settings (the master reports the terminal side's).
    pub fn termios(&self) -> libc::termios {
        assert!(self.master.is_some(), "the terminal is closed");
        // SAFETY: tcgetattr fills the zeroed value.
        unsafe {
            let mut termios: libc::termios = std::mem::zeroed();
            assert_eq!(libc::tcgetattr(self.fd, &mut termios), 0, "tcgetattr");
            termios
        }
    }

    /// Sets the terminal's settings, as a shell does when it takes the
    /// terminal back.
    pub fn set_termios(&self, termios: &libc::termios) {
        // SAFETY: tcsetattr only reads the value passed.
        let set = unsafe { libc::tcsetattr(self.fd, libc::TCSANOW, termios) };
        assert_eq!(set, 0);
    }

    /// Resizes the window (the program gets SIGWINCH).
    pub fn resize(&mut self, columns: u16, rows: u16) {
        let master = self.master.as_ref().expect("open terminal");
        master
            .resize(PtySize {
                rows,
                cols: columns,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize");
        self.parser.set_size(nonzero(rows), nonzero(columns));
    }

    /// Asserts that the terminal is as brief found it: line mode, normal
    /// screen, cursor shown.
    pub fn assert_restored(&self) {
        assert!(self.cooked(), "the terminal was left in raw mode");
        let screen = self.screen();
        assert!(!screen.alternate_screen(), "left on the alternate screen");
        assert!(!screen.hide_cursor(), "the cursor was left hidden");
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if self.ended.is_none() && self.exit.try_recv().is_err() {
            // SAFETY: kill with a pid; the waiter thread reaps it.
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
        }
    }
}

/// A process's state letter and CPU time (user + system) from
/// /proc/PID/stat, or None once it is gone.
pub fn proc_stat(pid: i32) -> Option<(char, Duration)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let state = fields.first()?.chars().next()?;
    // SAFETY: sysconf with a valid name.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((state, Duration::from_secs_f64((utime + stime) / ticks)))
}

/// Waits until `condition` holds, checking every few milliseconds, up to
/// `timeout`; returns whether it held. For states that announce themselves
/// with no event (another process's /proc entry).
pub fn poll_until(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The ids of processes whose command line is exactly `argv`.
pub fn processes_with_argv(argv: &[&str]) -> Vec<i32> {
    let wanted: Vec<u8> = argv
        .iter()
        .flat_map(|a| [a.as_bytes(), b"\0"].concat())
        .collect();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c == wanted))
        .filter(|pid| proc_stat(*pid).is_some_and(|(state, _)| state != 'Z'))
        .collect()
}

/// The children of `pid`.
pub fn children(pid: i32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|child| {
            std::fs::read_to_string(format!("/proc/{child}/stat")).is_ok_and(|stat| {
                stat.rfind(')')
                    .and_then(|i| stat[i + 2..].split_whitespace().nth(1)?.parse::<i32>().ok())
                    == Some(pid)
            })
        })
        .collect()
}

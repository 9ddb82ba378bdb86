//! End-to-end runs of the real binary in a pseudo-terminal: every way out
//! restores the terminal, hang-up ends the process at once and cheaply,
//! suspend and resume work under a job-control shell, and the reader
//! adapts to the terminal it is given (dumb, monochrome, ASCII, small).
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod harness;

use std::process::{Command, Stdio};
use std::time::Duration;

use harness::{PATIENCE, Session, Spawn, brief, children, liege, poll_until, proc_stat, root};

/// brief reading the Liège briefing, its first screen drawn.
fn reader() -> Session {
    let mut session = Spawn::brief(&[&liege()]).start();
    session.wait_reader();
    session
}

#[test]
fn quit_restores_the_terminal() {
    let mut session = reader();
    session.send(b"jjG");
    session.send(b"q");
    let exit = session.wait_exit(PATIENCE);
    assert_eq!(exit.code, Some(0));
    session.assert_restored();
}

/// Sends `signal` to a reading brief and checks it restores the terminal
/// and exits with `code`. A main thread too slow to act would be ended by
/// the signal thread's deadline, which cannot leave the alternate screen:
/// the restored screen is the proof it acted, with no clock in the test.
fn ends_on_signal(signal: i32, code: i32) {
    let mut session = reader();
    session.signal(signal);
    let exit = session.wait_exit(PATIENCE);
    assert_eq!(exit.code, Some(code), "exit status after signal {signal}");
    session.assert_restored();
}

#[test]
fn sigterm_restores_and_exits() {
    ends_on_signal(libc::SIGTERM, 143);
}

#[test]
fn sigint_restores_and_exits() {
    ends_on_signal(libc::SIGINT, 130);
}

#[test]
fn sighup_restores_and_exits() {
    ends_on_signal(libc::SIGHUP, 129);
}

#[test]
fn sigquit_restores_and_exits() {
    ends_on_signal(libc::SIGQUIT, 131);
}

#[test]
fn sigusr1_sigusr2_and_sigalrm_restore_and_exit() {
    ends_on_signal(libc::SIGUSR1, 138);
    ends_on_signal(libc::SIGUSR2, 140);
    ends_on_signal(libc::SIGALRM, 142);
}

#[test]
fn a_file_size_limit_fails_the_save_instead_of_killing_brief() {
    // Under `ulimit -f 1` (512 bytes) a note of 4 KB cannot be saved: the
    // system sends SIGXFSZ at the write, whose default action kills.
    let state = tempfile::tempdir().expect("state folder");
    let script = r#"ulimit -f 1 && exec "$0" "$@""#;
    let mut session = Spawn::program("sh", &["-c", script, brief(), &liege()])
        .env("XDG_STATE_HOME", state.path())
        .start();
    session.wait_reader();
    session.send(b"1a");
    session.wait_text("Writing a note");
    let mut paste = b"\x1b[200~".to_vec();
    paste.extend(std::iter::repeat_n(b"lease ".as_slice(), 700).flatten());
    paste.extend_from_slice(b"\x1b[201~");
    session.send(&paste);
    session.wait_text("lease lease");
    session.send(b"\x13");
    // Closed before `q` is sent.
    session.wait_for("the note editor closed", PATIENCE, |s| {
        !s.contents().contains("Writing a note")
    });
    session.send(b"q");
    let exit = session.wait_exit(PATIENCE);
    assert_eq!(exit.signal, None, "brief was killed by a signal");
    assert!(exit.code.is_some(), "no exit status");
    session.assert_restored();
}

/// Closes the terminal under a reading brief: it must end by itself, with
/// the hang-up status, using under 0.1 s of CPU doing so. (CPU time is what
/// the process spent, not time passed: a loaded machine does not change
/// it, and a reader spinning on the dead terminal shows up in it.)
fn ends_on_hangup(mut session: Session) {
    session.wait_reader();
    let (_, cpu_before) = proc_stat(session.pid).expect("brief is running");
    session.close_terminal();
    let exit = session.wait_exit(PATIENCE);
    let cpu = exit.cpu.saturating_sub(cpu_before);
    assert!(cpu < Duration::from_millis(100), "used {cpu:?} CPU");
    assert_eq!(exit.code, Some(129), "exit status after hang-up");
}

#[test]
fn closing_the_terminal_ends_brief() {
    ends_on_hangup(Spawn::brief(&[&liege()]).start());
}

/// An interactive shell with job control in a pty, its prompt shown.
fn shell() -> Session {
    let mut shell = Spawn::program("bash", &["--norc", "--noprofile", "-i"])
        .env("PS1", "READY$ ")
        .start();
    shell.wait_text("READY$");
    shell
}

/// Starts brief from `shell` and returns its pid once it shows its screen.
fn brief_in(shell: &mut Session) -> i32 {
    shell.send(format!("{} {}\r", brief(), liege()).as_bytes());
    shell.wait_reader();
    let shell_pid = shell.pid;
    let mut pids = Vec::new();
    assert!(
        poll_until(PATIENCE, || {
            pids = children(shell_pid);
            pids.len() == 1
        }),
        "brief is not the shell's only child: {pids:?}"
    );
    pids[0]
}

/// Waits until `pid` is stopped, then for the shell's screen.
fn assert_stopped(shell: &mut Session, pid: i32) {
    let stopped = poll_until(PATIENCE, || proc_stat(pid).is_some_and(|(s, _)| s == 'T'));
    assert!(stopped, "brief did not stop: {:?}", proc_stat(pid));
    shell.wait_for("the shell's screen, restored", PATIENCE, |s| {
        !s.alternate_screen() && !s.hide_cursor() && s.contents().contains("Stopped")
    });
}

/// Brings brief back with `fg` in a window resized meanwhile, checks it
/// redraws at the new size, then quits it and the shell.
fn resume_quit(shell: &mut Session) {
    shell.resize(100, 30);
    shell.send(b"fg\r");
    shell.wait_for("the reader redrawn at 100x30", PATIENCE, |s| {
        let last = s.rows(0, 100).nth(29).unwrap_or_default();
        s.alternate_screen() && s.contents().contains("Liège") && last.contains("quit")
    });
    shell.send(b"q");
    shell.wait_for("the shell's prompt after brief", PATIENCE, |s| {
        !s.alternate_screen() && s.contents().matches("READY$").count() >= 3
    });
    shell.send(b"exit\r");
    shell.wait_exit(PATIENCE);
}

#[test]
fn ctrl_z_suspends_and_fg_redraws_at_the_current_size() {
    let mut shell = shell();
    let pid = brief_in(&mut shell);
    shell.send(b"\x1a");
    assert_stopped(&mut shell, pid);
    resume_quit(&mut shell);
}

#[test]
fn ctrl_z_without_a_job_control_shell_carries_on() {
    // brief leads a session of its own, as under `ssh host brief`: no
    // shell could continue it, so stopping would hang it for good.
    let mut session = reader();
    session.send(b"\x1a");
    session.send(b"q");
    assert_eq!(session.wait_exit(PATIENCE).code, Some(0));
    session.assert_restored();
}

#[test]
fn sigtstp_suspends_and_fg_redraws() {
    let mut shell = shell();
    let pid = brief_in(&mut shell);
    // SAFETY: kill with a pid and a signal.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTSTP) }, 0);
    assert_stopped(&mut shell, pid);
    resume_quit(&mut shell);
}

#[test]
fn sigcont_takes_back_a_terminal_reset_while_stopped() {
    let mut session = reader();
    session.signal(libc::SIGSTOP);
    let pid = session.pid;
    assert!(poll_until(PATIENCE, || proc_stat(pid).is_some_and(|(s, _)| s == 'T')));
    // What a shell does when it takes the terminal back: line mode, and
    // its own output over the screen.
    let mut termios = session.termios();
    termios.c_lflag |= libc::ICANON | libc::ECHO;
    session.set_termios(&termios);
    session.scribble(b"\x1b[2J\x1b[Hshell output");
    session.signal(libc::SIGCONT);
    session.wait_reader();
    assert!(!session.cooked(), "raw mode was not taken back");
    session.send(b"q");
    assert_eq!(session.wait_exit(PATIENCE).code, Some(0));
    session.assert_restored();
}

/// Keys waiting in the terminal are all read, however many came at once:
/// 3000 scrolls and a quit sent as one write (more than a kilobyte, which
/// a reader that takes one read per wake-up would leave behind until the
/// next key) end brief.
#[test]
fn a_burst_of_keys_larger_than_one_read_is_read_whole() {
    let mut session = reader();
    let mut burst = vec![b'j'; 3000];
    burst.push(b'q');
    session.send(&burst);
    let exit = session.wait_exit(PATIENCE);
    assert_eq!(exit.code, Some(0));
    session.assert_restored();
}

/// With `--mouse`, the wheel (SGR reports, as terminals send them) over the
/// reading pane scrolls it, and the position in the status line moves.
#[test]
fn with_mouse_on_the_wheel_scrolls_the_reading_pane() {
    let mut session = Spawn::brief(&["--mouse", &liege()]).start();
    session.wait_reader();
    let status = |screen: &vt100::Screen| screen.contents().lines().last().unwrap_or("").to_owned();
    let before = status(session.screen());
    // Five notches down at column 20, row 10 (1-based), each a press of
    // button 65 as xterm reports it.
    session.send(&b"\x1b[<65;20;10M".repeat(5));
    session.wait_for("the status line to move", PATIENCE, move |screen| {
        status(screen) != before
    });
    session.send(b"q");
    assert_eq!(session.wait_exit(PATIENCE).code, Some(0));
    session.assert_restored();
}

#[test]
fn a_burst_of_resizes_ends_drawn_at_the_last_size() {
    let mut session = reader();
    for (columns, rows) in [(100, 30), (60, 20), (120, 40), (41, 13), (90, 28)] {
        session.resize(columns, rows);
    }
    session.wait_for("the reader at 90x28", PATIENCE, |s| {
        let rows: Vec<String> = s.rows(0, 90).collect();
        rows.len() == 28 && rows[27].contains("quit") && rows[0].contains("Liège")
    });
    session.send(b"q");
    assert_eq!(session.wait_exit(PATIENCE).code, Some(0));
}

#[test]
fn term_dumb_gets_the_plain_text() {
    let mut session = Spawn::brief(&[&liege()]).env("TERM", "dumb").start();
    let exit = session.wait_exit(PATIENCE);
    assert_eq!(exit.code, Some(0));
    let text = String::from_utf8_lossy(session.bytes());
    assert!(text.contains("Liège"), "no briefing text: {text}");
    assert!(
        !text.contains('\x1b'),
        "escape sequences on a dumb terminal"
    );
}

#[test]
fn stdout_not_a_terminal_gets_the_plain_text() {
    let output = Command::new(brief())
        .arg(liege())
        .stdin(Stdio::null())
        .output()
        .expect("run brief");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("BOTTOM LINE") && !text.contains('\x1b'));
}

/// True for the characters of box drawing, blocks and geometric shapes.
/// (Not `…`: src/ui still cuts text with `text::truncate`, whose ellipsis
/// does not come from the glyph set.)
fn drawing_character(c: char) -> bool {
    matches!(c, '\u{2500}'..='\u{259F}' | '•' | '◦' | '·' | '▶')
}

/// Opens the help overlay and closes it again.
fn open_and_close_help(session: &mut Session) {
    session.send(b"?");
    session.wait_text("Everywhere");
    session.send(b"?");
    session.wait_for("the help closed", PATIENCE, |s| {
        !s.contents().contains("Everywhere")
    });
}

/// Checks that no frame in `session`'s output uses a drawing character.
fn assert_ascii_drawing(session: &mut Session) {
    session.wait_for("the reader's screen", PATIENCE, |s| {
        s.alternate_screen() && s.contents().contains("Alibaba")
    });
    open_and_close_help(session);
    session.send(b"q");
    assert_eq!(session.wait_exit(PATIENCE).code, Some(0));
    let text = String::from_utf8_lossy(session.bytes());
    let found: String = text.chars().filter(|c| drawing_character(*c)).collect();
    assert!(
        found.is_empty(),
        "drawing characters in ASCII mode: {found}"
    );
}

#[test]
fn ascii_flag_draws_with_ascii() {
    assert_ascii_drawing(&mut Spawn::brief(&["--ascii", &liege()]).start());
}

#[test]
fn a_non_utf8_locale_draws_with_ascii() {
    assert_ascii_drawing(&mut Spawn::brief(&[&liege()]).env("LANG", "C").start());
}

/// The parameters of every SGR sequence (`ESC [ … m`) in `bytes`.
fn sgr_parameters(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    text.split("\x1b[")
        .skip(1)
        .filter_map(|rest| {
            let end = rest.find(|c: char| ('\x40'..='\x7e').contains(&c))?;
            (rest[end..].starts_with('m')).then(|| rest[..end].to_owned())
        })
        .flat_map(|p| p.split(';').map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

#[test]
fn no_color_draws_without_colour() {
    let mut session = Spawn::brief(&[&liege()]).env("NO_COLOR", "1").start();
    session.wait_reader();
    session.send(b"/Li\r");
    open_and_close_help(&mut session);
    session.send(b"q");
    assert_eq!(session.wait_exit(PATIENCE).code, Some(0));
    let colours: Vec<String> = sgr_parameters(session.bytes())
        .into_iter()
        .filter(|p| {
            p.parse::<u32>()
                .is_ok_and(|n| matches!(n, 30..=38 | 40..=48 | 90..=107))
        })
        .collect();
    assert!(colours.is_empty(), "colour set under NO_COLOR: {colours:?}");
    session.assert_restored();
}

#[test]
fn default_colours_are_the_16_ansi_ones() {
    let mut session = reader();
    session.send(b"q");
    session.wait_exit(PATIENCE);
    // The 16 colours, as `36` / `96` or as palette indexes 0-15
    // (`38;5;6`): both follow the user's palette.
    let parameters = sgr_parameters(session.bytes());
    let mut colours = Vec::new();
    let mut rest = parameters.iter();
    while let Some(p) = rest.next() {
        if let Ok(n @ (30..=37 | 40..=47 | 90..=97 | 100..=107)) = p.parse::<u32>() {
            colours.push(n % 10 + if n >= 90 { 8 } else { 0 });
        }
        if p == "38" || p == "48" {
            let kind = rest.next().cloned().unwrap_or_default();
            let index = rest.next().and_then(|n| n.parse::<u32>().ok());
            assert_eq!(kind, "5", "truecolour used by default");
            let index = index.expect("a palette index");
            assert!(index < 16, "colour {index} is beyond the 16 ANSI ones");
            colours.push(index);
        }
    }
    assert!(colours.contains(&6), "no cyan at all: {colours:?}");
}

#[test]
fn term_screen_and_a_phone_sized_window_work() {
    let mut session = Spawn::brief(&[&liege()])
        .env("TERM", "screen")
        .size(40, 15)
        .start();
    session.wait_for("the reader at 40x15", PATIENCE, |s| {
        let rows: Vec<String> = s.rows(0, 40).collect();
        s.alternate_screen() && rows[14].contains("help") && !s.contents().contains("too small")
    });
    session.send(b"Gq");
    assert_eq!(session.wait_exit(PATIENCE).code, Some(0));
    session.assert_restored();
}

#[test]
fn idle_reader_writes_nothing() {
    let mut session = reader();
    // Whatever follows the first frame within a quiet spell; a tick would
    // write (or at least wake) repeatedly.
    session.drain(Duration::from_millis(300));
    let before = session.bytes().len();
    session.drain(Duration::from_millis(500));
    assert_eq!(session.bytes().len(), before, "output while idle");
    session.send(b"q");
    assert_eq!(session.wait_exit(PATIENCE).code, Some(0));
}

/// With an all-ASCII briefing, --ascii means every byte on the wire is
/// ASCII: borders, bars, markers, cut marks and brief's own messages.
#[test]
fn an_ascii_briefing_in_ascii_mode_sends_only_ascii() {
    let minimal = root().join("tests/fixtures/valid/minimal.toml");
    let path = minimal.to_string_lossy().into_owned();
    let mut session = Spawn::brief(&["--ascii", &path]).size(40, 15).start();
    session.wait_for("the reader", PATIENCE, |s| {
        s.alternate_screen() && s.contents().contains("help")
    });
    // Overlays, a message with a dash, the help (narrow: cut descriptions).
    session.send(b"o");
    session.wait_text("Outline");
    session.send(b"\x1b");
    session.send(b"x");
    session.wait_text("does nothing here");
    open_and_close_help(&mut session);
    session.send(b"q");
    assert_eq!(session.wait_exit(PATIENCE).code, Some(0));
    let bytes = session.bytes();
    let non_ascii: Vec<u8> = bytes.iter().copied().filter(|b| !b.is_ascii()).collect();
    assert!(
        non_ascii.is_empty(),
        "non-ASCII bytes in ASCII mode: {}",
        String::from_utf8_lossy(&non_ascii)
    );
}

/// A briefing large enough to be shown from its start while the rest is
/// laid out off the UI thread: the first screen, then its end (`G`) and
/// its last section (`]` from the one before), as the whole layout has
/// them, whether or not it arrived before the key.
#[test]
fn a_large_briefing_opens_at_its_start_and_reaches_its_end() {
    let folder = tempfile::tempdir().expect("folder");
    let path = folder.path().join("large.toml");
    let text = brief::testdata::generate(&brief::testdata::Spec::new(3_000_000, 300));
    std::fs::write(&path, text).expect("written");
    let path = path.to_string_lossy().into_owned();
    let mut session = Spawn::brief(&[&path]).size(100, 30).start();
    session.wait_text("Synthetic briefing");
    session.wait_text("help");
    session.send(b"G");
    session.wait_text("300/300");
    session.send(b"gG");
    session.wait_text("300/300");
    session.send(b"q");
    let exit = session.wait_exit(PATIENCE);
    assert_eq!(exit.code, Some(0));
    session.assert_restored();
}

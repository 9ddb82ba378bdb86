//! The lean backend against ratatui's plain one, in a real terminal: brief
//! runs twice inside tmux, once as it is and once with `--plain-output`,
//! and after every step of the same reading (open, scroll, next section,
//! search, next match, page down, a resize, the outline and facts
//! overlays, help in and out, quit) the two screens tmux shows must be identical —
//! the text, and the colours and attributes (`capture-pane -e`).
//!
//! Needs tmux. Under `CI=true` a missing tmux FAILS the test (`.ci/run`
//! installs it); elsewhere the test says loudly that it did not run.
//! Every wait is for a condition on the screen, with a timeout.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod service;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Generous limit for a screen to show what it should.
const PATIENCE: Duration = Duration::from_secs(20);

fn brief() -> &'static str {
    env!("CARGO_BIN_EXE_brief")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// True if tmux can be run. Without it: a failure under `CI=true`, else a
/// loud note on stderr (past the harness's capture) and false.
fn have_tmux() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|output| output.status.success());
    if found {
        return true;
    }
    let why = "the tmux comparison cannot run: no tmux on PATH (.ci/run installs it)";
    service::missing(why);
    false
}

/// A tmux server of the test's own (its own socket), killed when dropped.
struct Server {
    socket: String,
}

impl Server {
    fn new(name: &str) -> Server {
        Server {
            socket: format!("brief-test-{}-{name}", std::process::id()),
        }
    }

    fn tmux(&self, args: &[&str]) -> Output {
        let output = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run tmux");
        assert!(
            output.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Starts `command` in a new detached session `name` of `width` x
    /// `height`, its pane kept after it ends so the final screen can be
    /// read.
    fn start(&self, name: &str, width: u16, height: u16, command: &str) {
        let (w, h) = (width.to_string(), height.to_string());
        self.tmux(&[
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            &w,
            "-y",
            &h,
            "sleep 600",
        ]);
        self.tmux(&["set-option", "-t", name, "remain-on-exit", "on"]);
        self.tmux(&["set-option", "-t", name, "status", "off"]);
        self.tmux(&["respawn-pane", "-k", "-t", name, command]);
    }

    /// What the pane shows: text, or with `-e` text with its attributes.
    fn capture(&self, name: &str, attributes: bool) -> String {
        self.capture_from(name, attributes, None)
    }

    /// The pane's text with the whole history above it.
    fn capture_history(&self, name: &str) -> String {
        self.capture_from(name, false, Some("-"))
    }

    /// What the pane shows from line `start` (tmux's `-S`; `-` for the
    /// start of the history).
    fn capture_from(&self, name: &str, attributes: bool, start: Option<&str>) -> String {
        let mut args = vec!["capture-pane", "-p", "-t", name];
        if attributes {
            args.push("-e");
        }
        if let Some(start) = start {
            args.extend(["-S", start]);
        }
        let text = String::from_utf8_lossy(&self.tmux(&args).stdout).into_owned();
        // tmux's own "Pane is dead (status 0, <time>)" line is not brief's
        // output: it carries the second the pane ended, and tmux writes it
        // after the pane ended, on a row of its choosing (on a loaded
        // machine it was seen on the last row of one pane and scrolled out
        // of sight in the other). It is shown as a blank line.
        text.lines()
            .map(|line| {
                if line.starts_with("Pane is dead (") {
                    ""
                } else {
                    line
                }
            })
            .fold(String::new(), |mut all, line| {
                all.push_str(line);
                all.push('\n');
                all
            })
    }

    /// True once the command in the pane has ended.
    fn dead(&self, name: &str) -> bool {
        let out = self.tmux(&["display-message", "-p", "-t", name, "#{pane_dead}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    fn keys(&self, name: &str, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", name];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    fn resize(&self, name: &str, width: u16, height: u16) {
        let (w, h) = (width.to_string(), height.to_string());
        self.tmux(&["resize-window", "-t", name, "-x", &w, "-y", &h]);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// Single quotes for the shell.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The shell command that runs brief on `file` with `flags`, in a clean
/// environment of its own (fresh state, no user config, UTF-8, colour).
fn brief_command(file: &Path, flags: &[&str], state: &Path) -> String {
    let config = root().join("target/no-such-config");
    let mut words = vec![
        "exec".to_owned(),
        "env".to_owned(),
        "-u".to_owned(),
        "NO_COLOR".to_owned(),
        "-u".to_owned(),
        "LC_ALL".to_owned(),
        "LANG=C.UTF-8".to_owned(),
        format!("XDG_STATE_HOME={}", quote(&state.display().to_string())),
        format!("XDG_CONFIG_HOME={}", quote(&config.display().to_string())),
        quote(brief()),
    ];
    words.extend(flags.iter().map(|f| quote(f)));
    words.push(quote(&file.display().to_string()));
    words.join(" ")
}

/// One step of the reading.
struct Step {
    /// What it is, for messages.
    name: &'static str,
    /// What to do.
    action: Action,
    /// What the screen shows once the step has taken effect (besides
    /// having changed, where `changes` says it must).
    shows: Box<dyn Fn(&str) -> bool>,
    /// The screen must differ from the one before.
    changes: bool,
}

enum Action {
    Keys(&'static [&'static str]),
    Resize(u16, u16),
}

/// The reading both backends go through, ending at `other` size.
fn steps(other: (u16, u16)) -> Vec<Step> {
    let anything = || -> Box<dyn Fn(&str) -> bool> { Box::new(|_| true) };
    vec![
        Step {
            name: "scroll down a line",
            action: Action::Keys(&["j"]),
            shows: anything(),
            changes: true,
        },
        Step {
            name: "next section",
            action: Action::Keys(&["]"]),
            shows: anything(),
            changes: true,
        },
        Step {
            name: "search",
            action: Action::Keys(&["/", "w", "a", "t", "c", "h", "Enter"]),
            shows: Box::new(|s| s.contains("match")),
            changes: true,
        },
        Step {
            name: "next match",
            action: Action::Keys(&["n"]),
            shows: anything(),
            changes: true,
        },
        Step {
            name: "page down",
            action: Action::Keys(&["PageDown"]),
            shows: anything(),
            changes: true,
        },
        Step {
            name: "resize",
            action: Action::Resize(other.0, other.1),
            // Redrawn by brief at the new size, not only cut or padded by
            // tmux (keys sent before brief saw the resize would act at the
            // old size).
            shows: Box::new(move |s| drawn_at(s, other)),
            changes: true,
        },
        Step {
            name: "outline overlay",
            action: Action::Keys(&["o"]),
            shows: anything(),
            changes: true,
        },
        Step {
            name: "facts overlay",
            action: Action::Keys(&["f"]),
            shows: anything(),
            changes: true,
        },
        Step {
            name: "help",
            action: Action::Keys(&["?"]),
            shows: Box::new(|s| s.contains("Everywhere")),
            changes: true,
        },
        Step {
            name: "help closed",
            action: Action::Keys(&["?"]),
            shows: Box::new(|s| !s.contains("Everywhere")),
            changes: true,
        },
    ]
}

/// True if `screen` is brief's, drawn whole at `size`: as many rows, the
/// status line at the bottom, a row as wide as the window.
fn drawn_at(screen: &str, (width, height): (u16, u16)) -> bool {
    let rows: Vec<&str> = screen.lines().collect();
    rows.len() == usize::from(height)
        && rows.last().is_some_and(|r| r.contains("quit"))
        && rows.iter().any(|r| r.chars().count() == usize::from(width))
}

/// `captured` with the 16 palette colours written one way. The lean
/// backend sends palette colour 6 as `ESC[36m`, crossterm as
/// `ESC[38;5;6m`: the same entry of the user's palette on every terminal,
/// which tmux nevertheless records apart.
fn same_colours(captured: &str) -> String {
    let mut text = captured.to_owned();
    for n in 0..16u8 {
        let (fg, bg) = if n < 8 {
            (30 + n, 40 + n)
        } else {
            (82 + n, 92 + n)
        };
        text = text
            .replace(&format!("\x1b[38;5;{n}m"), &format!("\x1b[{fg}m"))
            .replace(&format!("\x1b[48;5;{n}m"), &format!("\x1b[{bg}m"));
    }
    text
}

/// Waits until `ready` holds for the screens of both sessions, then until
/// the two agree (text and attributes), and returns the text.
fn settle(server: &Server, names: [&str; 2], step: &str, ready: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let text = names.map(|n| server.capture(n, false));
        let styled = names.map(|n| same_colours(&server.capture(n, true)));
        let both_ready = text.iter().all(|t| ready(t));
        if both_ready && text[0] == text[1] && styled[0] == styled[1] {
            return text[0].clone();
        }
        if Instant::now() >= deadline {
            assert!(
                both_ready,
                "{step}: the screens never got there:\n{}\n---\n{}\n(rows: {:?})",
                text[0],
                text[1],
                text.each_ref()
                    .map(|t| t.lines().map(|l| l.chars().count()).max())
            );
            assert_eq!(
                text[0], text[1],
                "{step}: lean (left) and plain (right) differ"
            );
            assert_eq!(styled[0], styled[1], "{step}: colours or attributes differ");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs the comparison starting at `size` and resizing to `other`.
fn compare(size: (u16, u16), other: (u16, u16)) {
    if !have_tmux() {
        return;
    }
    let tag = format!("{}x{}", size.0, size.1);
    let server = Server::new(&tag);
    let file: PathBuf = root().join("briefings/alibaba-liege.toml");
    let states = tempfile::tempdir().expect("state folder");
    let names = ["lean", "plain"];
    for (name, flags) in names.iter().zip([&[][..], &["--plain-output"][..]]) {
        let state = states.path().join(name);
        server.start(name, size.0, size.1, &brief_command(&file, flags, &state));
    }
    let mut screen = settle(&server, names, "open", |s| {
        s.contains("Liège") && drawn_at(s, size)
    });
    for step in steps(other) {
        match step.action {
            Action::Keys(keys) => names.iter().for_each(|n| server.keys(n, keys)),
            Action::Resize(w, h) => names.iter().for_each(|n| server.resize(n, w, h)),
        }
        let before = screen.clone();
        screen = settle(&server, names, step.name, |s| {
            (step.shows)(s) && (!step.changes || s != before)
        });
    }
    names.iter().for_each(|n| server.keys(n, &["q"]));
    let deadline = Instant::now() + PATIENCE;
    while !names.iter().all(|n| server.dead(n)) {
        assert!(Instant::now() < deadline, "brief did not quit");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Both gave the screen back the same way: as it was before brief
    // started (blank: brief is the pane's first command), with nothing of
    // the reader left on it or in the history above it.
    settle(&server, names, "quit", nothing_but_tmux);
    for name in names {
        let history = server.capture_history(name);
        assert!(
            nothing_but_tmux(&history),
            "{name}: the reader's text is left in the shell's screen or history:\n{history}"
        );
    }
}

/// True if `screen` holds nothing but blank lines (tmux's own line saying
/// the pane's command ended is blanked by `capture`).
fn nothing_but_tmux(screen: &str) -> bool {
    screen.lines().all(|line| line.trim().is_empty())
}

#[test]
fn lean_and_plain_output_show_the_same_screens_at_120x40() {
    compare((120, 40), (80, 24));
}

#[test]
fn lean_and_plain_output_show_the_same_screens_at_80x24() {
    compare((80, 24), (120, 40));
}

//! A copy made inside a real tmux: with `set-clipboard on` tmux takes the
//! OSC 52 sequence brief sends and sets its buffer (and, attached, the
//! outer terminal's clipboard) to exactly the section's text; with tmux's
//! default (`external`) nothing arrives, which is why docs/clipboard.md
//! tells tmux users what to set.
//!
//! Needs tmux. Under `CI=true` a missing tmux FAILS the test; elsewhere
//! the test says loudly that it did not run. Every wait is for a
//! condition, with a timeout.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod service;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const PATIENCE: Duration = Duration::from_secs(20);

fn have_tmux() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        service::missing("the tmux copy test cannot run: no tmux on PATH (.ci/run installs it)");
    }
    found
}

/// A tmux server on a socket of the test's own, killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn new(name: &str) -> Tmux {
        Tmux {
            socket: format!("brief-copy-{}-{name}", std::process::id()),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run tmux")
    }

    fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Starts brief on the Liège briefing with `clipboard` as tmux's
    /// `set-clipboard`, and waits for its first screen.
    fn start(&self, clipboard: &str) {
        self.ok(&[
            "new-session",
            "-d",
            "-s",
            "r",
            "-x",
            "100",
            "-y",
            "30",
            "sleep 600",
        ]);
        self.ok(&["set-option", "-g", "set-clipboard", clipboard]);
        self.ok(&["set-option", "-t", "r", "status", "off"]);
        let brief = env!("CARGO_BIN_EXE_brief");
        let liege = concat!(env!("CARGO_MANIFEST_DIR"), "/briefings/alibaba-liege.toml");
        let command = format!("env XDG_STATE_HOME=/nonexistent/brief-copy-test {brief} {liege}");
        self.ok(&["respawn-pane", "-k", "-t", "r", &command]);
        self.wait_text("help");
    }

    fn wait_text(&self, text: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let screen = self.ok(&["capture-pane", "-p", "-t", "r"]);
            if screen.contains(text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "no {text:?} on screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The newest tmux buffer, if any.
    fn buffer(&self) -> Option<String> {
        let output = self.run(&["show-buffer"]);
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

#[test]
fn with_set_clipboard_on_tmux_receives_exactly_the_section() {
    if !have_tmux() {
        return;
    }
    let tmux = Tmux::new("on");
    tmux.start("on");
    tmux.ok(&["send-keys", "-t", "r", "2", "y"]);
    tmux.wait_text("Copied section 2");
    // The copy went out before the frame saying so, and tmux handles
    // input in order: the buffer is there now.
    let buffer = tmux.buffer().expect("tmux made a buffer of the copy");
    assert!(
        buffer.starts_with("2  SOFTWARE RISK\n\nBesides the data-sharing obligation"),
        "{buffer}"
    );
    assert!(
        buffer.ends_with('\n') && !buffer.contains('\x1b'),
        "{buffer:?}"
    );
    // The passthrough form, dropped by tmux with passthrough off, left
    // nothing on the screen.
    let screen = tmux.ok(&["capture-pane", "-p", "-t", "r"]);
    assert!(
        !screen.contains("tmux;") && !screen.contains("52;"),
        "{screen}"
    );
}

#[test]
fn with_tmuxs_default_the_copy_does_not_arrive() {
    if !have_tmux() {
        return;
    }
    let tmux = Tmux::new("external");
    tmux.start("external");
    tmux.ok(&["send-keys", "-t", "r", "2", "y"]);
    tmux.wait_text("Copied section 2");
    assert_eq!(tmux.buffer(), None);
}

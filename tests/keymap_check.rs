//! `brief check --keymap`: the real binary on fixture keymaps, asserting what
//! a user sees on stderr and the exit status CI relies on.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use std::path::Path;
use std::process::{Command, Output};

const FIXTURES: &str = "tests/fixtures/keymaps";

/// Runs `brief` from the repository root, so paths in messages are as given.
fn brief(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run brief")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Checks one bad fixture: exit 1, nothing on stdout, and stderr holding
/// exactly `expected` as its diagnostic lines (snippets left out).
fn assert_rejected(fixture: &str, expected: &[&str]) {
    let path = format!("{FIXTURES}/{fixture}");
    let output = brief(&["check", "--keymap", &path]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{fixture}: {stderr}");
    assert_eq!(text(&output.stdout), "", "{fixture}");
    let diagnostics: Vec<&str> = stderr
        .lines()
        // `file:line:col: …`; the summary line is `file: N errors …`.
        .filter(|line| {
            line.strip_prefix(&format!("{path}:"))
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        })
        .collect();
    let expected: Vec<String> = expected.iter().map(|e| format!("{path}:{e}")).collect();
    assert_eq!(diagnostics, expected, "{fixture}");
    let count = expected.len();
    let summary = format!(
        "{path}: {count} {} — fix {} and run `brief check --keymap` again",
        if count == 1 { "error" } else { "errors" },
        if count == 1 { "it" } else { "them" },
    );
    assert!(stderr.contains(&summary), "{fixture}: {stderr}");
}

#[test]
fn the_default_keymap_passes() {
    let output = brief(&["check", "--keymap", "keymap.toml"]);
    assert_eq!(text(&output.stderr), "");
    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    assert!(
        stdout.starts_with("ok  keymap.toml: keymap, ") && stdout.ends_with(" bindings\n"),
        "{stdout}"
    );
}

#[test]
fn a_good_user_keymap_passes() {
    let output = brief(&["check", "--keymap", &format!("{FIXTURES}/good.toml")]);
    assert_eq!(text(&output.stderr), "");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        text(&output.stdout),
        format!("ok  {FIXTURES}/good.toml: keymap, 8 bindings\n")
    );
}

#[test]
fn toml_syntax_error() {
    assert_rejected(
        "syntax.toml",
        &[
            "3:8: error: TOML syntax: unclosed table, expected `]` — fix the syntax; until then brief uses its default keys",
        ],
    );
}

#[test]
fn unknown_context_table() {
    assert_rejected(
        "unknown_context.toml",
        &["2:2: error: unknown context table `[reaer]` — did you mean `[reader]`?"],
    );
}

#[test]
fn unknown_action() {
    assert_rejected(
        "unknown_action.toml",
        &["2:1: error: unknown action `scrol_down` in [reader] — did you mean `scroll_down`?"],
    );
}

#[test]
fn action_in_the_wrong_context() {
    assert_rejected(
        "wrong_context.toml",
        &[
            "3:1: error: `open` cannot be bound in [reader]; it belongs in [outline], [library] — move it to one of those tables",
        ],
    );
}

#[test]
fn unknown_key_name() {
    assert_rejected(
        "unknown_key.toml",
        &["2:23: error: unknown key name `pgdown` — did you mean `pagedown`?"],
    );
}

#[test]
fn wrong_value_type() {
    assert_rejected(
        "wrong_type.toml",
        &[
            "2:7: error: `top` in [global] must be a key name or a list of key names, not an integer — write `top = \"x\"` or `top = [\"x\", \"ctrl-x\"]`",
        ],
    );
}

#[test]
fn key_bound_twice() {
    assert_rejected(
        "duplicate_key.toml",
        &[
            "3:20: error: `x` is bound twice in [reader]: line 2 binds it to `scroll_down` — remove it from one of them; until then `scroll_up` keeps its default keys",
        ],
    );
}

#[test]
fn quit_cannot_be_unbound() {
    assert_rejected(
        "quit_unbound.toml",
        &[
            "2:8: error: `quit` cannot be left without a key — it keeps its default keys (`q`, `ctrl-c`) so brief can always be left; bind it to other keys instead",
        ],
    );
}

#[test]
fn help_keeps_its_last_key() {
    assert_rejected(
        "help_taken.toml",
        &[
            "2:16: error: `?` would leave `help` with no key, so it stays bound to `help`, not `search` — bind `help` to another key in [global] first; it must keep one",
        ],
    );
}

#[test]
fn diagnostics_show_the_line_with_carets_under_the_key() {
    let output = brief(&["check", "--keymap", &format!("{FIXTURES}/unknown_key.toml")]);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(
            "\n 2 | page_down = [\"space\", \"pgdown\"]\n   |                       ^^^^^^^^\n"
        ),
        "{stderr}"
    );
}

#[test]
fn a_missing_keymap_is_an_error() {
    let output = brief(&["check", "--keymap", "no/such/keymap.toml"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.starts_with("no/such/keymap.toml: error: cannot read the keymap:"),
        "{stderr}"
    );
}

#[test]
fn keymap_and_briefings_are_checked_together() {
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("briefings")
            .is_dir()
    );
    // A bad keymap fails the run, but the briefings are still checked.
    let output = brief(&[
        "check",
        "--keymap",
        &format!("{FIXTURES}/unknown_key.toml"),
        "briefings",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("ok  briefings/"), "{stdout}");
    // Both good: success, keymap reported first.
    let output = brief(&["check", "--keymap", "keymap.toml", "briefings"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("ok  keymap.toml: keymap, "), "{stdout}");
    assert!(stdout.contains("\nok  briefings/"), "{stdout}");
}

#[test]
fn check_with_nothing_to_check_is_a_usage_error() {
    let output = brief(&["check"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("--keymap PATH"));
}

#[cfg(unix)]
/// Runs `brief` with `args`, failing the test if it has not ended within
/// 15 s (the faults checked here used to block forever).
#[cfg(unix)]
fn brief_without_hanging(args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run brief");
    let pid = child.id();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(child.wait_with_output());
    });
    match receiver.recv_timeout(std::time::Duration::from_secs(15)) {
        Ok(output) => output.expect("brief's output"),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("brief {args:?} hung");
        }
    }
}

#[cfg(all(unix, not(target_vendor = "apple")))]
#[test]
fn a_fifo_as_the_keymap_is_refused_at_once() {
    use rustix::fs::{CWD, FileType, Mode, mknodat};
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("keymap.toml");
    mknodat(CWD, &fifo, FileType::Fifo, Mode::from_raw_mode(0o600), 0).expect("mkfifo");
    let path = fifo.display().to_string();
    let output = brief_without_hanging(&["check", "--keymap", &path]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "{path}: error: is a named pipe (FIFO), not a keymap file — give the path of a keymap.toml"
        )),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_device_or_a_folder_as_the_keymap_is_named_for_what_it_is() {
    let output = brief_without_hanging(&["check", "--keymap", "/dev/zero"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("/dev/zero: error: is a character device, not a keymap file"),
        "{stderr}"
    );
    let output = brief_without_hanging(&["check", "--keymap", FIXTURES]);
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with(&format!(
            "{FIXTURES}: error: is a folder, not a keymap file"
        )),
        "{stderr}"
    );
}

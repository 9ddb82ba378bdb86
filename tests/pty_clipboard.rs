//! Copies (OSC 52) and links (OSC 8) as the real binary sends them to a
//! pseudo-terminal: the right bytes where the terminal can take them,
//! none at all under `--ascii` or `TERM=dumb`.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod harness;

use std::process::Command;

use harness::{PATIENCE, Session, Spawn, brief, liege};

/// A briefing with a link in its text and a source with an address.
const LINKED: &str = r#"title = "Liège links"
[[sections]]
title = "Reports"
body = "See [the report](https://example.org/report?id=7) for the figures."
sources = ["ft"]
[[sources]]
id = "ft"
title = "Financial Times"
url = "https://www.ft.com/content/abc"
"#;

/// Decodes standard base64 (what OSC 52 carries).
fn unbase64(text: &[u8]) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        other => panic!("not base64: {other}"),
    };
    let digits: Vec<u8> = text
        .iter()
        .copied()
        .filter(|c| *c != b'=')
        .map(value)
        .collect();
    let mut out = Vec::new();
    for chunk in digits.chunks(4) {
        let mut n = 0u32;
        for (i, d) in chunk.iter().enumerate() {
            n |= u32::from(*d) << (18 - 6 * i);
        }
        for i in 0..chunk.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

/// The text of every OSC 52 copy in `bytes`.
fn copies(bytes: &[u8]) -> Vec<String> {
    let start = b"\x1b]52;c;";
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(offset) = bytes[at..].windows(start.len()).position(|w| w == start) {
        let payload = at + offset + start.len();
        let end = payload
            + bytes[payload..]
                .iter()
                .position(|b| *b == 0x1b || *b == 0x07)
                .expect("the sequence ends");
        found.push(String::from_utf8(unbase64(&bytes[payload..end])).expect("UTF-8"));
        at = end;
    }
    found
}

fn contains(bytes: &[u8], needle: &[u8]) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle)
}

/// The lines of section `number` as `brief print` writes them.
fn printed_section(path: &str, number: usize) -> String {
    let output = Command::new(brief())
        .args(["print", path])
        .output()
        .expect("brief print runs");
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    let heading = format!("{number}  ");
    let next = format!("{}  ", number + 1);
    let start = lines
        .iter()
        .position(|l| l.starts_with(&heading))
        .expect("the section is printed");
    let end = lines[start..]
        .iter()
        .position(|l| l.starts_with(&next) || *l == "SOURCES")
        .map_or(lines.len(), |n| start + n);
    let mut section: Vec<&str> = lines[start..end].to_vec();
    while section.last().is_some_and(|l| l.is_empty()) {
        section.pop();
    }
    format!("{}\n", section.join("\n"))
}

fn linked_briefing() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("links.toml");
    std::fs::write(&path, LINKED).expect("write");
    let path = path.to_string_lossy().into_owned();
    (dir, path)
}

fn quit(mut session: Session) {
    session.send(b"q");
    let exit = session.wait_exit(PATIENCE);
    assert_eq!(exit.code, Some(0));
}

#[test]
fn y_copies_the_section_as_brief_print_lays_it_out() {
    let mut session = Spawn::brief(&[&liege()]).start();
    session.wait_reader();
    session.send(b"2y");
    session.wait_text("Copied section 2");
    let copied = copies(session.bytes());
    assert_eq!(copied.len(), 1, "{copied:?}");
    assert_eq!(copied[0], printed_section(&liege(), 2));
    // The whole brief, with Y.
    session.send(b"Y");
    session.wait_text("Copied the one-page brief");
    let copied = copies(session.bytes());
    assert_eq!(copied.len(), 2);
    assert!(copied[1].contains("Liège"), "{:?}", copied[1]);
    // Outside tmux, no passthrough envelope.
    assert!(!contains(session.bytes(), b"\x1bPtmux;"));
    quit(session);
}

#[test]
fn under_tmux_the_copy_also_goes_through_the_passthrough() {
    let mut session = Spawn::brief(&[&liege()])
        .env("TMUX", "/tmp/tmux-1000/default,1,0")
        .start();
    session.wait_reader();
    session.send(b"1y");
    session.wait_text("Copied section 1");
    let bytes = session.bytes();
    assert!(contains(bytes, b"\x1b]52;c;"));
    assert!(contains(bytes, b"\x1bPtmux;\x1b\x1b]52;c;"));
    quit(session);
}

#[test]
fn links_and_source_addresses_are_osc_8_hyperlinks_still_shown() {
    let (_dir, path) = linked_briefing();
    let mut session = Spawn::brief(&[&path]).size(120, 40).start();
    session.wait_text("https://example.org/report?id=7");
    session.send(b"G");
    session.wait_text("https://www.ft.com/content/abc");
    let bytes = session.bytes();
    assert!(contains(
        bytes,
        b"\x1b]8;;https://example.org/report?id=7\x1b\\https://example.org/report?id=7"
    ));
    // The link's text opens its address too.
    assert!(contains(
        bytes,
        b"\x1b]8;;https://example.org/report?id=7\x1b\\the report"
    ));
    assert!(contains(
        bytes,
        b"\x1b]8;;https://www.ft.com/content/abc\x1b\\https://www.ft.com/content/abc"
    ));
    // Every link opened is closed again.
    let opened = bytes
        .windows(5)
        .filter(|w| *w == b"\x1b]8;;".as_slice())
        .count();
    let closed = bytes
        .windows(7)
        .filter(|w| *w == b"\x1b]8;;\x1b\\".as_slice())
        .count();
    assert_eq!(opened, 2 * closed, "{}", String::from_utf8_lossy(bytes));
    quit(session);
}

/// Neither a copy nor a link in `bytes`.
fn assert_no_osc(bytes: &[u8]) {
    assert!(!contains(bytes, b"\x1b]52;"), "an OSC 52 copy was sent");
    assert!(!contains(bytes, b"\x1b]8;"), "an OSC 8 link was sent");
}

#[test]
fn ascii_mode_sends_no_copy_and_no_link_and_says_why() {
    let (_dir, path) = linked_briefing();
    let mut session = Spawn::brief(&["--ascii", &path]).size(120, 40).start();
    session.wait_text("https://example.org/report?id=7");
    session.send(b"y");
    session.wait_text("nothing copied: copying is off in ASCII mode");
    session.send(b"G");
    session.wait_text("https://www.ft.com/content/abc");
    assert_no_osc(session.bytes());
    quit(session);
}

#[test]
fn a_dumb_terminal_gets_no_copy_and_no_link() {
    let (_dir, path) = linked_briefing();
    let mut session = Spawn::brief(&[&path]).env("TERM", "dumb").start();
    let exit = session.wait_exit(PATIENCE);
    assert_eq!(exit.code, Some(0));
    let text = String::from_utf8_lossy(session.bytes()).into_owned();
    assert!(text.contains("https://www.ft.com/content/abc"), "{text}");
    assert_no_osc(session.bytes());
}

#[test]
fn no_clipboard_turns_copying_off_and_keeps_links() {
    let (_dir, path) = linked_briefing();
    let mut session = Spawn::brief(&["--no-clipboard", &path])
        .size(120, 40)
        .start();
    session.wait_text("https://example.org/report?id=7");
    session.send(b"y");
    session.wait_text("nothing copied: copying is turned off");
    assert!(!contains(session.bytes(), b"\x1b]52;"));
    assert!(contains(session.bytes(), b"\x1b]8;;https://example.org"));
    quit(session);
}

#[test]
fn the_config_file_turns_copies_and_links_off() {
    let (dir, path) = linked_briefing();
    let config = dir.path().join("config");
    std::fs::create_dir_all(config.join("brief")).expect("folder");
    std::fs::write(
        config.join("brief/config.toml"),
        "clipboard = false\nhyperlinks = false\n",
    )
    .expect("write");
    let mut session = Spawn::brief(&[&path])
        .size(120, 40)
        .env("XDG_CONFIG_HOME", &config)
        .start();
    session.wait_text("https://example.org/report?id=7");
    session.send(b"y");
    session.wait_text("nothing copied: copying is turned off");
    assert_no_osc(session.bytes());
    quit(session);
}

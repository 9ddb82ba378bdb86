//! Untrusted text is shown, never obeyed: a corpus of hostile briefings
//! (every C0 and C1 control, DEL, every bidi control, CSI sequences, OSC
//! 0/8/52 ended by BEL, by ST and not at all, DCS/APC/PM/SOS, in every
//! field of the format, written both as TOML escapes and as raw characters
//! where TOML allows them), a hostile file name and error messages quoting
//! hostile keys, all shown by the real binary in a pseudo-terminal, paged
//! through to the end, searched and filtered. Every byte it writes must be
//! a sequence the reader itself means.
//!
//! Unix only: the pseudo-terminal harness, FIFOs and file modes are.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod harness;

use std::path::{Path, PathBuf};

use harness::{PATIENCE, Session, Spawn};

const BIDI: [char; 12] = [
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
];

/// Everything a terminal might obey, in one string.
fn payload() -> String {
    let mut s = String::from("<");
    let controls = (0u32..0x20).chain([0x7F]).chain(0x80..0xA0);
    s.extend(controls.filter_map(char::from_u32));
    s.extend(BIDI);
    s.push_str("\x1b[31mRED\x1b[0m\x1b[2J\x1b[H\x1b[?1049l\x1b[?25h\x1b[6n\x1b[c\x1b[5i");
    s.push_str("\u{9b}32mC1CSI");
    for end in ["\x07", "\x1b\\", "\u{9c}", ""] {
        s.push_str(&format!(
            "\x1b]0;TITLE{end}\x1b]8;;http://evil.example/{end}LINK\x1b]8;;{end}\x1b]52;c;cHduZWQ={end}"
        ));
    }
    s.push_str(
        "\u{9d}0;C1OSC\x07\x1bP1$qm\x1b\\\x1b_APC\x1b\\\x1b^PM\x1b\\\x1bXSOS\x1b\\\x1bc\x1b7\x1b8>",
    );
    s
}

/// A hostile string with no whitespace, for places where a space or a
/// newline would change the Markdown structure (a link's address).
fn compact() -> String {
    "\x1b]8;;http://evil.example/\x07X\x1b[31mY\u{9b}Z\u{202E}W\x1b]52;c;cHduZWQ=\x1b\\".to_owned()
}

/// How strings are written into the TOML file.
#[derive(Clone, Copy)]
enum Encoding {
    /// Every character outside printable ASCII as a `\u` escape.
    Escaped,
    /// Raw wherever TOML allows (C1, bidi, tab; newline in multi-line
    /// strings); escaped only where it must be.
    Raw,
}

fn encode(s: &str, encoding: Encoding, multiline: bool) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let u = c as u32;
        let must_escape = c == '"'
            || c == '\\'
            || u == 0x7F
            || (u < 0x20 && c != '\t' && !(multiline && c == '\n'));
        let printable_ascii = (0x20..0x7F).contains(&u);
        match encoding {
            _ if must_escape => out.push_str(&format!("\\u{u:04X}")),
            Encoding::Escaped if !printable_ascii => out.push_str(&format!("\\u{u:04X}")),
            _ => out.push(c),
        }
    }
    out
}

/// A one-line TOML string.
fn line(s: &str, encoding: Encoding) -> String {
    format!("\"{}\"", encode(s, encoding, false))
}

/// A multi-line TOML string.
fn block(s: &str, encoding: Encoding) -> String {
    format!("\"\"\"\n{}\n\"\"\"", encode(s, encoding, true))
}

/// A Markdown body with the payload in every construct.
fn markdown(p: &str) -> String {
    let c = compact();
    format!(
        "Text {p}\n\n### Heading {p}\n\n*emphasis {p}* and **strong {p}** and `code {p}` \
         and [link {p}](http://example.com/{c}) and <http://example.com/{c}>\n\n\
         ```\ncode block {p}\n```\n\n> quote {p}\n\n- item {p}\n  - nested {p}\n\n1. numbered {p}\n\n\
         ---\n\nsearchable target word\n"
    )
}

/// A valid briefing with the payload in every field but the ids (which
/// may hold only letters, digits, `-`, `_` and `.`; hostile ids are in
/// the briefings with errors).
fn hostile_briefing(encoding: Encoding) -> String {
    let p = payload();
    let l = |s: &str| line(s, encoding);
    let b = |s: &str| block(s, encoding);
    let fact = |prefix: &str| {
        format!(
            "label = {}\nvalue = {}\nas_of = {}\nsource = {}\nnote = {}\n",
            l(&format!("{prefix} label {p}")),
            l(&format!("value {p}")),
            l(&format!("as of {p}")),
            l("src"),
            l(&format!("note {p}")),
        )
    };
    let mut toml = format!(
        "title = {}\nsubtitle = {}\nclassification = {}\naudience = {}\nauthors = [{}, {}]\n\
         tags = [{}, {}]\nsummary = {}\n\n",
        l(&format!("Hostile title {p}")),
        l(&format!("subtitle {p}")),
        l(&format!("SECRET{p}")),
        l(&format!("audience {p}")),
        l(&format!("author {p}")),
        l(&p),
        l(&format!("tag {p}")),
        l(&p),
        b(&markdown(&p)),
    );
    toml.push_str(&format!("[[facts]]\n{}\n", fact("briefing")));
    for number in 1..=3 {
        toml.push_str(&format!(
            "[[sections]]\nid = {}\ntitle = {}\nsources = [{}]\nbody = {}\n\n",
            l(&format!("s{number}")),
            l(&format!("Section {number} {p}")),
            l("src"),
            b(&markdown(&p)),
        ));
        toml.push_str(&format!("  [[sections.facts]]\n{}\n", fact("section")));
        toml.push_str(&format!(
            "  [[sections.charts]]\n  title = {}\n  unit = {}\n  source = {}\n  points = [ {{ label = {}, value = 3.7 }}, {{ label = {}, value = 9.1 }} ]\n\n",
            l(&format!("chart {p}")),
            l(&format!("unit {p}")),
            l("src"),
            l(&format!("2021{p}")),
            l(&format!("2022{p}")),
        ));
    }
    toml.push_str(&format!(
        "[[sources]]\nid = {}\ntitle = {}\npublisher = {}\nurl = {}\n",
        l("src"),
        l(&format!("source title {p}")),
        l(&format!("publisher {p}")),
        l(&format!("http://evil.example/{p}")),
    ));
    toml
}

/// A small valid briefing (for the hostile file name).
const PLAIN: &str = "title = \"Plain briefing\"\n\n[[sections]]\ntitle = \"One\"\nbody = \"searchable target word\"\n";

/// A folder of hostile briefings, made fresh for the test `tag`.
fn corpus(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("brief-hostile-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("make the corpus folder");
    let write = |name: &[u8], contents: &[u8]| {
        use std::os::unix::ffi::OsStrExt;
        let path = dir.join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(path, contents).expect("write a corpus file");
    };
    write(
        b"escaped.toml",
        hostile_briefing(Encoding::Escaped).as_bytes(),
    );
    write(b"raw.toml", hostile_briefing(Encoding::Raw).as_bytes());
    // A file name that is itself an escape sequence, and one with a raw C1
    // byte that is not UTF-8.
    write(b"\x1b]0;pwned\x07\x1b[31mname.toml", PLAIN.as_bytes());
    write(b"c1\x9b31mname.toml", PLAIN.as_bytes());
    // Errors that quote hostile text: an unknown key, a bad value, hostile
    // ids and references, bytes that are not UTF-8.
    let p = payload();
    write(
        b"bad-key.toml",
        format!(
            "title = \"Bad\"\n{} = 1\n\n[[sections]]\ntitle = \"One\"\nbody = \"x\"\n",
            line(&format!("key{p}"), Encoding::Escaped)
        )
        .as_bytes(),
    );
    write(
        b"bad-value.toml",
        format!(
            "title = 7\ndate = {}\n\n[[facts]]\nlabel = \"l\"\nvalue = \"v\"\nsource = {}\n\n\
             [[sections]]\nid = {}\ntitle = \"One\"\nbody = \"x\"\nsources = [{}]\n\n\
             [[sources]]\nid = {}\ntitle = \"t\"\n",
            line(&p, Encoding::Raw),
            line(&format!("src{p}"), Encoding::Raw),
            line(&format!("id{p}"), Encoding::Escaped),
            line(&format!("missing{p}"), Encoding::Escaped),
            line(&format!("src{p}"), Encoding::Escaped),
        )
        .as_bytes(),
    );
    write(
        b"not-utf8.toml",
        b"title = \"caf\xe9 \x9b31m \x1b]0;x\x07\"\n",
    );
    dir
}

/// Parses every byte brief wrote and returns the first one it should not
/// have, described.
fn first_unmeant(bytes: &[u8]) -> Option<String> {
    let context = |at: usize| {
        let start = at.saturating_sub(40);
        let end = (at + 40).min(bytes.len());
        format!("{:?}", String::from_utf8_lossy(&bytes[start..end]))
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            0x1b => {
                let Some(&next) = bytes.get(i + 1) else {
                    return Some(format!("a lone ESC at the end: {}", context(i)));
                };
                if next != b'[' {
                    return Some(format!("ESC {:?} at {i}: {}", next as char, context(i)));
                }
                let start = i + 2;
                let mut j = start;
                while j < bytes.len() && (0x30..=0x3F).contains(&bytes[j]) {
                    j += 1;
                }
                let parameters = &bytes[start..j];
                while j < bytes.len() && (0x20..=0x2F).contains(&bytes[j]) {
                    j += 1;
                }
                let intermediates = &bytes[start + parameters.len()..j];
                let Some(&last) = bytes.get(j) else {
                    return Some(format!("an unfinished CSI: {}", context(i)));
                };
                if !meant_csi(parameters, intermediates, last) {
                    return Some(format!(
                        "CSI {:?} {:?} at {i}: {}",
                        String::from_utf8_lossy(parameters),
                        last as char,
                        context(i)
                    ));
                }
                i = j + 1;
            }
            b'\r' | b'\n' => i += 1,
            0x00..=0x1F | 0x7F => {
                return Some(format!("control byte {b:#04x} at {i}: {}", context(i)));
            }
            0x20..=0x7E => i += 1,
            _ => {
                let len = match b {
                    0xC2..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    0xF0..=0xF4 => 4,
                    _ => {
                        return Some(format!(
                            "byte {b:#04x} outside UTF-8 at {i}: {}",
                            context(i)
                        ));
                    }
                };
                let Some(c) = bytes
                    .get(i..i + len)
                    .and_then(|s| std::str::from_utf8(s).ok())
                    .and_then(|s| s.chars().next())
                else {
                    return Some(format!("broken UTF-8 at {i}: {}", context(i)));
                };
                if ('\u{80}'..='\u{9F}').contains(&c) {
                    return Some(format!(
                        "C1 control U+{:04X} at {i}: {}",
                        c as u32,
                        context(i)
                    ));
                }
                if BIDI.contains(&c) {
                    return Some(format!(
                        "bidi control U+{:04X} at {i}: {}",
                        c as u32,
                        context(i)
                    ));
                }
                i += len;
            }
        }
    }
    None
}

/// The CSI sequences the reader means: cursor moves, colours and
/// attributes, erasing, and the modes it sets and resets.
fn meant_csi(parameters: &[u8], intermediates: &[u8], last: u8) -> bool {
    if !intermediates.is_empty() {
        return false;
    }
    let digits = |allowed: &[u8]| {
        parameters
            .iter()
            .all(|b| b.is_ascii_digit() || allowed.contains(b))
    };
    match last {
        b'm' => digits(b";:"),
        b'H' | b'f' => digits(b";"),
        b'A' | b'B' | b'C' | b'D' | b'E' | b'F' | b'G' | b'd' | b'J' | b'K' => digits(b""),
        // The lean backend's own: erase characters, delete and insert
        // lines, scroll up and down, and the scrolling region.
        b'X' | b'M' | b'L' | b'S' | b'T' => digits(b""),
        b'r' => digits(b";"),
        b'h' | b'l' => {
            let Some(modes) = parameters.strip_prefix(b"?") else {
                return false;
            };
            modes.split(|b| *b == b';').all(|mode| {
                matches!(
                    mode,
                    b"1049" | b"25" | b"2004" | b"1000" | b"1002" | b"1003" | b"1006" | b"1015"
                )
            })
        }
        _ => false,
    }
}

/// Presses `key` and waits until the screen changes.
fn press(session: &mut Session, key: &[u8]) {
    let before = session.screen().contents();
    session.send(key);
    session.wait_for("the screen to change", PATIENCE, move |s| {
        s.contents() != before
    });
}

/// Waits for a whole frame: the status line, drawn last, is there.
fn wait_frame(session: &mut Session) {
    session.wait_for("a whole frame", PATIENCE, |s| {
        let (rows, columns) = s.size();
        s.alternate_screen()
            && s.rows(0, columns.get())
                .nth(usize::from(rows.get()) - 1)
                .is_some_and(|row| !row.trim().is_empty())
    });
}

/// Shows `path` in a `columns`x`rows` window, pages through it to the end,
/// searches, opens help and the overlays, quits; returns what brief wrote.
fn read_through(path: &Path, columns: u16, rows: u16) -> Session {
    let mut session = Spawn::brief(&[&path.display().to_string()])
        .size(columns, rows)
        .start();
    wait_frame(&mut session);
    for _ in 0..400 {
        let (rows, columns) = session.screen().size();
        let status = session
            .screen()
            .rows(0, columns.get())
            .nth(usize::from(rows.get()) - 1)
            .unwrap_or_default();
        if status.contains("100%") {
            break;
        }
        press(&mut session, b" ");
    }
    press(&mut session, b"g");
    for keys in [
        &b"/target"[..],
        b"\r",
        b"n",
        b"?",
        b"?",
        b"\t",
        b"\t",
        b"f",
        b"o",
        b"z",
        b"]",
    ] {
        session.send(keys);
        session.drain(std::time::Duration::from_millis(30));
    }
    session.send(b"q");
    let exit = session.wait_exit(PATIENCE);
    assert_eq!(
        exit.code,
        Some(0),
        "brief ended badly on {}",
        path.display()
    );
    session
}

fn assert_all_meant(session: &Session, what: &str) {
    if let Some(problem) = first_unmeant(session.bytes()) {
        panic!("{what}: brief wrote something it does not mean: {problem}");
    }
}

#[test]
fn the_checker_catches_what_it_must() {
    assert!(first_unmeant(b"\x1b[31mok\x1b[0m\x1b[1;1H\x1b[?1049h\x1b[2J").is_none());
    for bad in [
        &b"\x1b]0;title\x07"[..],
        b"\x07",
        b"\x1bP1$q\x1b\\",
        b"\xc2\x9b31m",
        b"\x9b",
        "\u{202E}".as_bytes(),
        b"\x1b[6n",
        b"\x1b[?2026h",
    ] {
        assert!(first_unmeant(bad).is_some(), "missed {bad:?}");
    }
}

#[test]
fn hostile_briefings_reach_the_terminal_only_as_text() {
    let dir = corpus("briefings");
    for name in ["escaped.toml", "raw.toml"] {
        let path = dir.join(name);
        // The payload is really in the file and loads: the loader accepts it.
        let check = std::process::Command::new(harness::brief())
            .args(["check", &path.display().to_string()])
            .output()
            .expect("run brief check");
        assert!(
            check.status.success(),
            "{name} should be a valid briefing: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        for (columns, rows) in [(100, 30), (40, 20)] {
            let session = read_through(&path, columns, rows);
            assert_all_meant(&session, &format!("{name} at {columns}x{rows}"));
            session.assert_restored();
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn hostile_file_names_and_errors_reach_the_terminal_only_as_text() {
    let dir = corpus("library");
    let mut session = Spawn::brief(&[&dir.display().to_string()])
        .size(120, 40)
        .start();
    wait_frame(&mut session);
    // Move over every entry (errors show in the status line), filter, open.
    for _ in 0..8 {
        session.send(b"j");
        session.drain(std::time::Duration::from_millis(30));
        session.send(b"\r");
        session.drain(std::time::Duration::from_millis(30));
        session.send(b"L");
        session.drain(std::time::Duration::from_millis(30));
    }
    session.send(b"/name");
    session.drain(std::time::Duration::from_millis(30));
    session.send(b"\x1b");
    session.drain(std::time::Duration::from_millis(30));
    session.send(b"q");
    assert_eq!(session.wait_exit(PATIENCE).code, Some(0));
    assert_all_meant(&session, "the library of hostile files");
    session.assert_restored();
    let _ = std::fs::remove_dir_all(dir);
}

// Files that are not what they seem, and nowhere to keep notes: the reader
// starts, says what is wrong, and ends when asked, restoring the terminal.

/// Makes a FIFO at `path`.
fn fifo(path: &Path) {
    #[cfg(not(target_vendor = "apple"))]
    {
        use rustix::fs::{CWD, FileType, Mode, mknodat};
        mknodat(CWD, path, FileType::Fifo, Mode::from_raw_mode(0o600), 0).expect("mkfifo");
    }
    // rustix has no mknodat on macOS.
    #[cfg(target_vendor = "apple")]
    assert!(
        std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .is_ok_and(|s| s.success()),
        "mkfifo"
    );
}

/// A copy of the shipped briefing in `dir`, so its state file is its own.
fn briefing_copy(dir: &Path) -> PathBuf {
    let path = dir.join("b.toml");
    std::fs::copy(harness::root().join("briefings/alibaba-liege.toml"), &path).expect("copy");
    path
}

/// Quits with `q` and checks brief ended and gave the terminal back.
fn quit(session: &mut Session) -> harness::Exit {
    session.send(b"q");
    let exit = session.wait_exit(PATIENCE);
    assert!(exit.code.is_some(), "brief was killed: {exit:?}");
    session.assert_restored();
    exit
}

#[test]
fn a_fifo_as_the_keymap_does_not_block_the_reader() {
    let dir = tempfile::tempdir().expect("temp dir");
    let keymap = dir.path().join("keymap.toml");
    fifo(&keymap);
    let mut session = Spawn::brief(&[&harness::liege(), "--keymap", &keymap.display().to_string()])
        .size(200, 30)
        .start();
    session.wait_text("is a named pipe (FIFO), not a keymap file");
    assert_eq!(quit(&mut session).code, Some(0));
}

#[test]
fn a_fifo_as_the_state_file_or_the_lock_does_not_block_the_reader() {
    for at_lock in [false, true] {
        let dir = tempfile::tempdir().expect("temp dir");
        let briefing = briefing_copy(dir.path());
        let state_home = dir.path().join("state-home");
        let store = brief::state::Store::new(state_home.join("brief"));
        std::fs::create_dir_all(store.dir()).expect("state folder");
        let file = store.file_for(&briefing);
        fifo(&if at_lock {
            file.with_extension("lock")
        } else {
            file
        });
        let mut session = Spawn::brief(&[&briefing.display().to_string()])
            .size(200, 30)
            .env("XDG_STATE_HOME", &state_home)
            .start();
        if at_lock {
            session.wait_reader();
            // A move, so there is a place to save on the way out.
            session.send(b"4");
        } else {
            session.wait_text("is a named pipe (FIFO)");
        }
        quit(&mut session);
        if at_lock {
            let text = session.screen().contents();
            assert!(text.contains("cannot open the lock file"), "{text}");
        }
    }
}

#[test]
fn with_nowhere_to_keep_notes_the_reader_says_so_and_never_says_saved_there() {
    let dir = tempfile::tempdir().expect("temp dir");
    let briefing = briefing_copy(dir.path());
    let mut session = Spawn::brief(&[&briefing.display().to_string()])
        .size(200, 30)
        .env("HOME", "")
        .env("XDG_STATE_HOME", "")
        .start();
    session.wait_text("notes cannot be saved: there is no folder to keep them in");
    // A note, typed and closed, then quit.
    session.send(b"1");
    session.send(b"a");
    session.send(b"remember the lease");
    session.send(b"\x13");
    session.drain(std::time::Duration::from_millis(100));
    quit(&mut session);
    // Said again on the way out, where the shell shows it.
    let text = session.screen().contents();
    assert!(text.contains("notes cannot be saved"), "{text}");
    // Nothing was written beside the briefing.
    assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
}

#[test]
fn a_relative_xdg_state_home_is_ignored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let briefing = briefing_copy(dir.path());
    let home = dir.path().join("home");
    std::fs::create_dir(&home).expect("home");
    let relative = format!("relative-state-{}", std::process::id());
    let mut session = Spawn::brief(&[&briefing.display().to_string()])
        .size(120, 30)
        .env("HOME", &home)
        .env("XDG_STATE_HOME", &relative)
        .start();
    session.wait_reader();
    session.send(b"4");
    quit(&mut session);
    // Not made relative to the folder brief was started in (the crate root).
    assert!(!harness::root().join(&relative).exists());
    let kept = std::fs::read_dir(home.join(".local/state/brief"))
        .expect("the state folder under HOME")
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().ends_with(".toml"));
    assert!(kept, "the place was not saved under HOME");
}

//! Notes and the one-page brief end to end, in a pseudo-terminal: with
//! nowhere to keep notes the reader says so and a dropped note ends brief
//! non-zero; an export that fails on a file-size limit leaves no file.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod harness;

use std::path::{Path, PathBuf};

use harness::{PATIENCE, Session, Spawn, brief};

/// A copy of the shipped briefing in `dir`, so its state file is its own.
fn briefing_copy(dir: &Path) -> PathBuf {
    let path = dir.join("b.toml");
    std::fs::copy(harness::root().join("briefings/alibaba-liege.toml"), &path).expect("copy");
    path
}

/// brief on `briefing` with neither HOME nor XDG_STATE_HOME in its
/// environment at all (not merely empty).
fn without_state_location(briefing: &Path) -> Session {
    Spawn::program(
        "env",
        &[
            "-u",
            "HOME",
            "-u",
            "XDG_STATE_HOME",
            brief(),
            &briefing.display().to_string(),
        ],
    )
    .size(120, 30)
    .start()
}

/// Quits with `q`; brief must end by itself, terminal restored.
fn quit(session: &mut Session) -> harness::Exit {
    session.send(b"q");
    let exit = session.wait_exit(PATIENCE);
    assert_eq!(exit.signal, None, "brief was killed: {exit:?}");
    session.assert_restored();
    exit
}

#[test]
fn with_no_state_location_a_written_note_is_refused_and_the_exit_is_non_zero() {
    let dir = tempfile::tempdir().expect("temp dir");
    let briefing = briefing_copy(dir.path());
    let mut session = without_state_location(&briefing);
    session.wait_text("notes cannot be saved");
    session.send(b"1");
    session.send(b"a");
    session.wait_text("ctrl-s saves");
    session.send(b"remember the lease");
    session.wait_text("remember the lease");
    // ctrl-s saves: the status line must say it was not saved, never
    // "saved".
    session.send(b"\x13");
    session.wait_for("the refusal in the status line", PATIENCE, |s| {
        let text = s.contents();
        !text.contains("ctrl-s saves") && text.contains("notes cannot be saved")
    });
    let text = session.screen().contents();
    assert!(
        !text.contains("note on Espionage suspicion saved"),
        "{text}"
    );
    let exit = quit(&mut session);
    assert_eq!(exit.code, Some(1), "a dropped note must end brief non-zero");
    let text = session.screen().contents();
    assert!(text.contains("brief: notes cannot be saved"), "{text}");
    // Nothing was written beside the briefing.
    assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
}

#[test]
fn with_no_state_location_reading_without_notes_exits_zero() {
    let dir = tempfile::tempdir().expect("temp dir");
    let briefing = briefing_copy(dir.path());
    let mut session = without_state_location(&briefing);
    session.wait_text("notes cannot be saved");
    session.send(b"4");
    session.send(b"j");
    let exit = quit(&mut session);
    // Only a position was not kept, as the reader was told on opening.
    assert_eq!(exit.code, Some(0));
}

#[test]
fn an_export_over_the_file_size_limit_leaves_no_file_and_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let briefing = briefing_copy(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("out");
    // 512 bytes: the brief is several KB. The shell sets the limit; the
    // export dialog proposes the documents folder, here `out`, and SIGXFSZ
    // must not kill brief.
    let script = r#"ulimit -f 1 && cd "$1" && exec "$0" "$2""#;
    let mut session = Spawn::program(
        "sh",
        &[
            "-c",
            script,
            brief(),
            &out.display().to_string(),
            &briefing.display().to_string(),
        ],
    )
    .size(200, 30)
    .env("XDG_STATE_HOME", dir.path().join("state"))
    .env("HOME", &out)
    .env("XDG_DOCUMENTS_DIR", &out)
    .start();
    session.wait_reader();
    session.send(b"E");
    session.wait_text("~/b-brief.txt");
    session.send(b"\r");
    session.wait_text("the partial file was removed");
    let text = session.screen().contents();
    assert!(text.contains("file-size limit"), "{text}");
    // The dialog stays open to choose another place; esc leaves it.
    session.send(b"\x1b");
    session.wait_text("export cancelled");
    assert_eq!(quit(&mut session).code, Some(0));
    let left: Vec<_> = std::fs::read_dir(&out)
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

//! Two readers on one state folder, through the real dispatch path: the
//! note editor opens on the note as it is on disk now, and a save never
//! overwrites or deletes a note another reader wrote meanwhile.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use brief::app::{App, Settings};
use brief::loader;
use brief::runtime::{self, LocalEffects, SystemClock};
use brief::state::{BOTH_KEPT, Store};
use common::{press, screen, type_text};
use ratatui::layout::Rect;

/// A copy of the shipped briefing in `dir`, so its state key is its own.
fn briefing_in(dir: &Path) -> PathBuf {
    let path = dir.join("b.toml");
    fs::copy(common::root().join("briefings/alibaba-liege.toml"), &path).expect("copy");
    path
}

/// A reader of `briefing` remembering in `state`, with a store of its own
/// (as a second brief process would have).
fn reader(briefing: &Path, state: &Path) -> App {
    let settings = Settings {
        store: Some(Store::new(state.to_path_buf())),
        ..common::settings()
    };
    App::with_briefing(
        settings,
        loader::load_path(briefing).expect("valid"),
        "b.toml".to_owned(),
        Some(briefing.to_path_buf()),
        Rect::new(0, 0, 100, 30),
    )
}

/// Ends a session as quitting does: the exit save, with its result.
fn quit(app: &App) -> Result<(), brief::app::effect::SaveError> {
    let mut effects = LocalEffects::new(app.store.clone());
    runtime::finish(app, &mut effects, &SystemClock)
}

/// The note on section 1 as on disk.
fn on_disk(briefing: &Path, state: &Path) -> Option<String> {
    Store::new(state.to_path_buf())
        .note(briefing, "espionage")
        .expect("readable")
        .map(|n| n.text)
}

fn editor_text(app: &App) -> String {
    app.reader()
        .and_then(|r| r.note_editor.as_ref())
        .map(|e| e.editor.text())
        .expect("the note editor is open")
}

/// B writes a note on section 1 and quits.
fn b_writes(briefing: &Path, state: &Path, text: &str) {
    let mut b = reader(briefing, state);
    press(&mut b, "1 a");
    press(&mut b, "ctrl-u");
    type_text(&mut b, text);
    press(&mut b, "ctrl-s");
    quit(&b).expect("B's note saved");
}

#[test]
fn the_editor_opens_on_a_note_another_reader_wrote_since() {
    let home = tempfile::tempdir().expect("temp");
    let state = home.path().join("state");
    let briefing = briefing_in(home.path());
    let mut a = reader(&briefing, &state);
    b_writes(&briefing, &state, "B: check the lease terms");

    press(&mut a, "1 a");
    assert_eq!(editor_text(&a), "B: check the lease terms");
    assert!(
        screen(&a).contains("B: check the lease terms"),
        "{}",
        screen(&a)
    );
    // A adds to it: one note holding both, nothing marked as a conflict.
    type_text(&mut a, " and the rent");
    press(&mut a, "ctrl-s");
    quit(&a).expect("A's note saved");
    assert_eq!(
        on_disk(&briefing, &state).as_deref(),
        Some("B: check the lease terms and the rent")
    );
}

#[test]
fn a_note_changed_while_the_editor_was_open_is_kept_alongside() {
    let home = tempfile::tempdir().expect("temp");
    let state = home.path().join("state");
    let briefing = briefing_in(home.path());
    let mut a = reader(&briefing, &state);
    press(&mut a, "1 a");
    assert_eq!(editor_text(&a), "");
    b_writes(&briefing, &state, "B: check the lease terms");

    type_text(&mut a, "A: ask about the data centre");
    press(&mut a, "ctrl-s");
    let both = format!("B: check the lease terms\n{BOTH_KEPT}\nA: ask about the data centre");
    assert_eq!(on_disk(&briefing, &state).as_deref(), Some(both.as_str()));
    assert!(
        common::message(&a).contains("changed elsewhere")
            && common::message(&a).contains("both versions are kept"),
        "{}",
        common::message(&a)
    );
    // A's screen shows the note as saved, B's part included.
    let note = a
        .reader()
        .and_then(|r| r.marks.notes.get("espionage"))
        .map(|n| n.text.clone());
    assert_eq!(note.as_deref(), Some(both.as_str()));
    quit(&a).expect("saved");
    assert_eq!(on_disk(&briefing, &state).as_deref(), Some(both.as_str()));
}

#[test]
fn deleting_a_note_changed_elsewhere_keeps_the_other_readers_text() {
    let home = tempfile::tempdir().expect("temp");
    let state = home.path().join("state");
    let briefing = briefing_in(home.path());
    b_writes(&briefing, &state, "first version");
    let mut a = reader(&briefing, &state);
    press(&mut a, "1 a");
    assert_eq!(editor_text(&a), "first version");
    b_writes(&briefing, &state, "B: second version");

    // A empties the note it saw and saves: B's newer text must survive.
    press(&mut a, "ctrl-u ctrl-s");
    assert_eq!(
        on_disk(&briefing, &state).as_deref(),
        Some("B: second version")
    );
    assert!(
        common::message(&a).contains("changed elsewhere"),
        "{}",
        common::message(&a)
    );
    quit(&a).expect("saved");
    assert_eq!(
        on_disk(&briefing, &state).as_deref(),
        Some("B: second version")
    );
}

#[test]
fn a_note_still_being_typed_at_quit_never_overwrites_another_readers() {
    let home = tempfile::tempdir().expect("temp");
    let state = home.path().join("state");
    let briefing = briefing_in(home.path());
    let mut a = reader(&briefing, &state);
    press(&mut a, "1 a");
    b_writes(&briefing, &state, "B: check the lease terms");
    type_text(&mut a, "A: typed, never closed");
    quit(&a).expect("saved on the way out");
    let both = format!("B: check the lease terms\n{BOTH_KEPT}\nA: typed, never closed");
    assert_eq!(on_disk(&briefing, &state).as_deref(), Some(both.as_str()));
}

#[test]
fn a_note_unchanged_in_the_editor_leaves_the_other_readers_alone() {
    let home = tempfile::tempdir().expect("temp");
    let state = home.path().join("state");
    let briefing = briefing_in(home.path());
    b_writes(&briefing, &state, "first version");
    let mut a = reader(&briefing, &state);
    press(&mut a, "1 a");
    b_writes(&briefing, &state, "B: second version");
    press(&mut a, "ctrl-s");
    assert_eq!(common::message(&a), "note unchanged");
    quit(&a).expect("saved");
    assert_eq!(
        on_disk(&briefing, &state).as_deref(),
        Some("B: second version")
    );
}

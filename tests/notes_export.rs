//! The one-page brief written with `E`, through the real dispatch path and
//! real folders: the real cause when the folder cannot be written, private
//! when it holds notes, never over an existing file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use brief::app::{App, Settings};
use brief::loader;
use brief::state::Store;
use common::press;
use ratatui::layout::Rect;

fn briefing_in(dir: &Path) -> PathBuf {
    let path = dir.join("b.toml");
    fs::copy(common::root().join("briefings/alibaba-liege.toml"), &path).expect("copy");
    path
}

fn reader(briefing: &Path, state: &Path, export_dir: &Path) -> App {
    let settings = Settings {
        store: Some(Store::new(state.to_path_buf())),
        export_dir: export_dir.to_path_buf(),
        ..common::settings()
    };
    App::with_briefing(
        settings,
        loader::load_path(briefing).expect("valid"),
        "b.toml".to_owned(),
        Some(briefing.to_path_buf()),
        Rect::new(0, 0, 200, 30),
    )
}

#[test]
fn an_unwritable_folder_and_a_fresh_state_folder_give_the_real_cause() {
    let home = tempfile::tempdir().expect("temp");
    let briefing = briefing_in(home.path());
    // A file where the export folder should be: no file can be made in it
    // (for root too, unlike a read-only folder).
    let not_a_folder = home.path().join("here");
    fs::write(&not_a_folder, "").expect("file");
    // A state folder that does not exist yet.
    let state = home.path().join("fresh/state");
    let mut app = reader(&briefing, &state, &not_a_folder);
    press(&mut app, "E");
    let said = common::message(&app);
    // Written where it could be, and the reader told where.
    let written = state.join("b-brief.txt");
    assert!(written.exists(), "{said}");
    assert!(said.contains("b-brief.txt"), "{said}");
    assert!(said.contains("could not be written"), "{said}");

    // Nowhere at all: the export folder's own cause, not the fallback's.
    let blocked = home.path().join("blocked");
    fs::write(&blocked, "").expect("file");
    let mut app = reader(&briefing, &blocked.join("state"), &not_a_folder);
    press(&mut app, "E");
    let said = common::message(&app);
    assert!(said.starts_with("cannot write in"), "{said}");
    assert!(said.contains(&not_a_folder.display().to_string()), "{said}");
    assert!(!said.to_lowercase().contains("no such file"), "{said}");
}

#[cfg(unix)]
#[test]
fn a_brief_holding_notes_is_private_like_the_state() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().expect("temp");
    let briefing = briefing_in(home.path());
    let out = home.path().join("out");
    fs::create_dir(&out).expect("out");
    let mut app = reader(&briefing, &home.path().join("state"), &out);
    press(&mut app, "1 a");
    common::type_text(&mut app, "ask about the lease");
    press(&mut app, "ctrl-s E");
    let written = out.join("b-brief.txt");
    let text = fs::read_to_string(&written).expect("written");
    assert!(text.contains("ask about the lease"));
    let mode = fs::metadata(&written).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
}

#[test]
fn an_existing_brief_is_never_overwritten() {
    let home = tempfile::tempdir().expect("temp");
    let briefing = briefing_in(home.path());
    let out = home.path().join("out");
    fs::create_dir(&out).expect("out");
    fs::write(out.join("b-brief.txt"), "mine").expect("existing");
    let mut app = reader(&briefing, &home.path().join("state"), &out);
    press(&mut app, "E");
    assert_eq!(
        fs::read_to_string(out.join("b-brief.txt")).expect("kept"),
        "mine"
    );
    assert!(out.join("b-brief-2.txt").exists());
    assert!(
        common::message(&app).contains("b-brief-2.txt"),
        "{}",
        common::message(&app)
    );
}

#[test]
fn print_brief_says_when_the_notes_cannot_be_loaded() {
    let home = tempfile::tempdir().expect("temp");
    let briefing = briefing_in(home.path());
    let state_home = home.path().join("state-home");
    let store = Store::new(state_home.join("brief"));
    fs::create_dir_all(store.dir()).expect("state folder");
    // Saved by a newer brief: left alone, and its notes cannot be shown.
    fs::write(
        store.file_for(&briefing),
        "version = 99\n[notes.espionage]\ntext = \"from the future\"\n",
    )
    .expect("state");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["print", "--brief"])
        .arg(&briefing)
        .env("XDG_STATE_HOME", &state_home)
        .output()
        .expect("run brief");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("notes on this briefing are not in this brief")
            && stderr.contains("newer brief"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    // The brief itself is still printed.
    assert!(String::from_utf8_lossy(&out.stdout).contains("KEY FACTS"));
}

//! Remembered position and read marks, through the real dispatch path and
//! a real state folder.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use brief::app::{App, Settings};
use brief::loader;
use brief::model::Part;
use brief::state::{
    BOTH_KEPT, BriefingState, Changes, LoadNote, MAX_NOTES, MAX_STATE_SIZE, Note, Position, Store,
};
use common::{press, press_reading, screen};
use ratatui::layout::Rect;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("brief-remembered-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn settings(store: &Path) -> Settings {
    Settings {
        store: Some(Store::new(store.to_path_buf())),
        ..common::settings()
    }
}

fn open(path: &Path, store: &Path, width: u16, height: u16) -> App {
    let briefing = loader::load_path(path).expect("valid briefing");
    App::with_briefing(
        settings(store),
        briefing,
        "b.toml".to_owned(),
        Some(path.to_path_buf()),
        Rect::new(0, 0, width, height),
    )
}

fn top_paragraph(app: &App) -> String {
    let reader = app.reader().expect("reader");
    let anchor = reader.doc.lines.anchor(reader.view.top).expect("a line");
    let start = reader.doc.line_of_anchor(anchor).expect("its first line");
    reader.doc.lines.plain(start)
}

#[test]
fn position_survives_a_different_width() {
    let dir = temp_dir("width");
    let briefing = common::root().join("briefings/alibaba-liege.toml");
    let mut app = open(&briefing, &dir, 120, 40);
    press(&mut app, "4 j j j j");
    let paragraph = top_paragraph(&app);
    app.save().expect("saved");

    let app = open(&briefing, &dir, 40, 20);
    assert_eq!(
        app.reader().map(|r| r.current_part()),
        Some(Part::Section(3))
    );
    // Same paragraph: its first words are the same at both widths.
    let narrow = top_paragraph(&app);
    let first_word = |s: &str| s.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    assert_eq!(first_word(&narrow), first_word(&paragraph));
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn a_vanished_section_falls_back_to_the_top_with_a_notice() {
    let dir = temp_dir("vanished");
    let briefing = common::root().join("briefings/alibaba-liege.toml");
    Store::new(dir.clone())
        .save(
            &briefing,
            &BriefingState {
                position: Some(Position {
                    part: "section:no-longer-here".into(),
                    block: 2,
                    fraction: 0.0,
                }),
                ..BriefingState::default()
            },
        )
        .expect("saved");
    let app = open(&briefing, &dir, 80, 24);
    assert_eq!(app.reader().map(|r| r.view.top), Some(0));
    let s = screen(&app);
    assert!(s.contains("no-longer-here"), "{s}");
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn a_corrupt_state_file_is_set_aside_and_reading_starts_fresh() {
    let dir = temp_dir("corrupt");
    let briefing = common::root().join("briefings/alibaba-liege.toml");
    let store = Store::new(dir.clone());
    fs::write(store.file_for(&briefing), "this is { not toml").expect("write");
    let app = open(&briefing, &dir, 120, 40);
    assert_eq!(app.reader().map(|r| r.view.top), Some(0));
    assert!(screen(&app).contains("could not be read"));
    let aside: Vec<_> = fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(
        fs::read_to_string(aside[0].path()).expect("kept"),
        "this is { not toml"
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn concurrent_saves_never_leave_a_broken_file() {
    let dir = temp_dir("concurrent");
    let briefing = common::root().join("briefings/alibaba-liege.toml");
    let writers: Vec<_> = (0..4)
        .map(|n| {
            let (dir, briefing) = (dir.clone(), briefing.clone());
            std::thread::spawn(move || {
                let store = Store::new(dir);
                for i in 0..50u32 {
                    let state = BriefingState {
                        position: Some(Position {
                            part: format!("section:s{n}"),
                            block: i,
                            fraction: 0.5,
                        }),
                        read: (0..i % 7).map(|k| format!("id-{k}")).collect(),
                        ..BriefingState::default()
                    };
                    store.save(&briefing, &state).expect("save");
                }
            })
        })
        .collect();
    let store = Store::new(dir.clone());
    let mut reads = 0;
    while writers.iter().any(|w| !w.is_finished()) || reads == 0 {
        let (_, note) = store.load(&briefing);
        assert_eq!(note, LoadNote::Fine, "a reader saw a broken file");
        reads += 1;
    }
    for w in writers {
        w.join().expect("writer");
    }
    let (state, note) = store.load(&briefing);
    assert_eq!(note, LoadNote::Fine);
    assert!(state.position.is_some());
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn scrolling_through_marks_sections_read_and_u_unmarks() {
    let dir = temp_dir("read");
    let briefing = common::root().join("briefings/alibaba-liege.toml");
    let mut app = open(&briefing, &dir, 120, 40);
    assert!(
        app.reader().is_some_and(|r| r.marks.read.is_empty()),
        "opening marks nothing"
    );
    press(&mut app, "1");
    for _ in 0..60 {
        press_reading(&mut app, "j");
    }
    let reader = app.reader().expect("reader");
    assert!(
        reader.is_read(Part::Section(0)),
        "section 1 was scrolled through"
    );
    assert!(!reader.is_read(Part::Section(4)));
    assert!(
        screen(&app).contains("1 Espionage suspicion ✓")
            || screen(&app).contains("Espionage suspi")
    );
    press(&mut app, "1 u");
    assert!(!app.reader().is_some_and(|r| r.is_read(Part::Section(0))));
    assert!(screen(&app).contains("marked unread"));
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn the_library_shows_progress() {
    let dir = temp_dir("progress");
    let library = brief::app::library::LibraryState::open(Path::new("briefings")).expect("library");
    let mut app = App::with_library(settings(&dir), library, Rect::new(0, 0, 100, 30));
    let main_index = app
        .library
        .as_ref()
        .and_then(|l| {
            l.visible
                .iter()
                .position(|i| l.entries[*i].name == "alibaba-liege.toml")
        })
        .expect("the Liège briefing is listed");
    for _ in 0..main_index {
        press(&mut app, "j");
    }
    press(&mut app, "enter");
    press_reading(&mut app, "2 space space space G");
    press(&mut app, "backspace");
    let s = screen(&app);
    assert!(s.contains("/5 read"), "{s}");
    let _ = fs::remove_dir_all(dir);
}

// Robustness of the state files: each test below pins a fault found by
// trying to break brief on purpose.

/// A state folder of the test's own, private as brief would make it.
fn private_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// A copy of the shipped briefing in `dir`, so its state key is its own.
fn briefing_in(dir: &Path) -> PathBuf {
    let path = dir.join("b.toml");
    fs::copy(common::root().join("briefings/alibaba-liege.toml"), &path).expect("copy");
    path
}

/// The text of the message the reader shows, if any.
fn a_note(text: &str) -> Note {
    Note {
        text: text.to_owned(),
        section_title: "Espionage suspicion".to_owned(),
        updated: 1,
    }
}

#[cfg(unix)]
/// Runs `work` on another thread and fails if it has not finished within
/// 15 s: the faults below used to block forever.
fn without_hanging<T: Send + 'static>(what: &str, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(work());
    });
    receiver
        .recv_timeout(std::time::Duration::from_secs(15))
        .unwrap_or_else(|_| panic!("{what} hung"))
}

#[test]
fn a_state_file_from_a_newer_brief_is_left_alone_and_the_reader_says_so() {
    let home = private_dir();
    let state = home.path().join("state");
    let briefing = briefing_in(home.path());
    let store = Store::new(state.clone());
    fs::create_dir(&state).expect("dir");
    let text = "version = 2\n[notes.espionage]\ntext = \"from the future\"\n";
    let file = store.file_for(&briefing);
    fs::write(&file, text).expect("write");
    let mut app = open(&briefing, &state, 160, 40);
    assert!(
        common::message(&app).contains("saved by a newer brief (state version 2)"),
        "{}",
        common::message(&app)
    );
    press(&mut app, "4 j j");
    let error = app.save().expect_err("nothing is saved over it");
    assert!(error.to_string().contains("left as it is"), "{error}");
    assert_eq!(fs::read_to_string(&file).expect("kept"), text);
    let aside = fs::read_dir(&state)
        .expect("list")
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().contains("corrupt"));
    assert!(!aside, "a newer file was set aside");
}

#[cfg(unix)]
#[test]
fn a_state_folder_others_can_write_is_refused_with_a_message() {
    use std::os::unix::fs::PermissionsExt;
    let home = private_dir();
    let state = home.path().join("state");
    fs::create_dir(&state).expect("dir");
    fs::set_permissions(&state, fs::Permissions::from_mode(0o777)).expect("chmod");
    let briefing = briefing_in(home.path());
    let mut app = open(&briefing, &state, 160, 40);
    assert!(
        common::message(&app).contains("can be changed by other users (mode 777)"),
        "{}",
        common::message(&app)
    );
    press(&mut app, "4 j j");
    let error = app.save().expect_err("refused");
    assert!(error.to_string().contains("chmod 700"), "{error}");
    assert_eq!(
        fs::read_dir(&state).expect("list").count(),
        0,
        "nothing written"
    );
}

#[cfg(unix)]
#[test]
fn a_state_folder_of_another_user_is_refused() {
    let home = private_dir();
    let briefing = briefing_in(home.path());
    let state = if rustix::process::geteuid().is_root() {
        let state = home.path().join("theirs");
        fs::create_dir(&state).expect("dir");
        std::os::unix::fs::chown(&state, Some(65534), Some(65534)).expect("chown");
        state
    } else {
        // Owned by root, not by the user running the tests.
        PathBuf::from("/usr")
    };
    let store = Store::new(state.clone());
    let error = store
        .update(&briefing, &Changes::default())
        .expect_err("refused");
    assert!(
        error.to_string().contains("belongs to another user"),
        "{error}"
    );
    let (_, load) = store.load(&briefing);
    assert!(
        matches!(&load, LoadNote::Unreadable(why) if why.contains("belongs to another user")),
        "{load:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_state_file_linked_to_dev_zero_is_refused_unread() {
    let home = private_dir();
    let state = home.path().join("state");
    fs::create_dir(&state).expect("dir");
    let briefing = briefing_in(home.path());
    let store = Store::new(state.clone());
    std::os::unix::fs::symlink("/dev/zero", store.file_for(&briefing)).expect("link");
    let app = without_hanging("opening with a /dev/zero state file", move || {
        let app = open(&briefing, &state, 160, 40);
        common::message(&app)
    });
    assert!(app.contains("is a character device"), "{app}");
}

#[cfg(all(unix, not(target_vendor = "apple")))]
#[test]
fn a_fifo_as_state_file_or_lock_does_not_hang() {
    use rustix::fs::{CWD, FileType, Mode, mknodat};
    let home = private_dir();
    let state = home.path().join("state");
    fs::create_dir(&state).expect("dir");
    let briefing = briefing_in(home.path());
    let store = Store::new(state.clone());
    let file = store.file_for(&briefing);
    mknodat(CWD, &file, FileType::Fifo, Mode::from_raw_mode(0o600), 0).expect("fifo");
    let (load, error) = without_hanging("a FIFO as the state file", {
        let (store, briefing) = (store.clone(), briefing.clone());
        move || {
            let (_, load) = store.load(&briefing);
            let error = store.update(&briefing, &Changes::default()).err();
            (load, error.map(|e| e.to_string()))
        }
    });
    assert!(
        matches!(&load, LoadNote::Unreadable(why) if why.contains("named pipe")),
        "{load:?}"
    );
    assert!(error.is_some_and(|e| e.contains("named pipe")));
    fs::remove_file(&file).expect("remove");
    // The update above made the lock file: a FIFO takes its place.
    fs::remove_file(file.with_extension("lock")).expect("remove");
    mknodat(
        CWD,
        file.with_extension("lock"),
        FileType::Fifo,
        Mode::from_raw_mode(0o600),
        0,
    )
    .expect("fifo");
    let error = without_hanging("a FIFO as the lock file", move || {
        store
            .update(&briefing, &Changes::default())
            .map_err(|e| e.to_string())
    })
    .expect_err("refused");
    assert!(error.contains("lock"), "{error}");
}

#[cfg(unix)]
#[test]
fn a_dangling_link_at_the_lock_path_creates_nothing() {
    let home = private_dir();
    let state = home.path().join("state");
    fs::create_dir(&state).expect("dir");
    let briefing = briefing_in(home.path());
    let store = Store::new(state);
    let target = home.path().join("made-through-the-link");
    std::os::unix::fs::symlink(&target, store.file_for(&briefing).with_extension("lock"))
        .expect("plant");
    assert!(store.update(&briefing, &Changes::default()).is_err());
    assert!(!target.exists(), "the lock followed the link");
}

#[test]
fn a_million_notes_are_refused_at_load_by_the_size_cap() {
    let home = private_dir();
    let state = home.path().join("state");
    fs::create_dir(&state).expect("dir");
    let briefing = briefing_in(home.path());
    let store = Store::new(state);
    let mut text = String::with_capacity(30 << 20);
    text.push_str("version = 1\n[notes]\n");
    for i in 0..1_000_000 {
        text.push_str(&format!("n{i} = {{ text = \"x\" }}\n"));
    }
    assert!(text.len() as u64 > MAX_STATE_SIZE);
    fs::write(store.file_for(&briefing), &text).expect("write");
    let (loaded, load) = store.load(&briefing);
    // Bounded by refusing before reading: nothing of it is in memory.
    assert!(loaded.notes.is_empty());
    let LoadNote::Unreadable(why) = load else {
        panic!("a million notes were loaded: {load:?}");
    };
    assert!(why.contains("over the 8.0 MiB limit"), "{why}");
    // And the file is the user's: kept as it was.
    assert_eq!(
        fs::metadata(store.file_for(&briefing)).expect("kept").len(),
        text.len() as u64
    );
    // Under the size cap, the count cap holds.
    let mut many = String::from("version = 1\n[notes]\n");
    for i in 0..=MAX_NOTES {
        many.push_str(&format!("n{i} = {{ text = \"x\" }}\n"));
    }
    fs::write(store.file_for(&briefing), &many).expect("write");
    let (loaded, load) = store.load(&briefing);
    assert!(loaded.notes.is_empty());
    assert!(
        matches!(&load, LoadNote::Unreadable(why) if why.contains("over the limit of 10000")),
        "{load:?}"
    );
}

#[test]
fn a_note_written_by_another_reader_is_never_lost() {
    let home = private_dir();
    let state = home.path().join("state");
    let briefing = briefing_in(home.path());
    // Reader A opens its editor on section 1: no note yet.
    let a = Store::new(state.clone());
    let base = a.note(&briefing, "espionage").expect("read");
    assert_eq!(base, None);
    // Reader B writes a note there and quits.
    let b = Store::new(state.clone());
    let mut theirs = Changes::default();
    theirs.edit_note("espionage", None, Some(a_note("B: check the lease terms")));
    b.update(&briefing, &theirs).expect("B saves");
    // A's editor, opened now, starts from B's note.
    assert_eq!(
        a.note(&briefing, "espionage")
            .expect("read")
            .map(|n| n.text),
        Some("B: check the lease terms".to_owned())
    );
    // A saves the text it typed from the empty editor: both are kept.
    let mut mine = Changes::default();
    mine.edit_note(
        "espionage",
        base.as_ref().map(|n| n.text.as_str()),
        Some(a_note("A: ask about the data centre")),
    );
    let saved = a.update(&briefing, &mine).expect("A saves");
    assert_eq!(saved.kept_both, vec!["espionage".to_owned()]);
    let (state, _) = Store::new(state).load(&briefing);
    assert_eq!(
        state.notes.get("espionage").map(|n| n.text.as_str()),
        Some(
            format!("B: check the lease terms\n{BOTH_KEPT}\nA: ask about the data centre").as_str()
        )
    );
    // A deleting the note it saw (none) does not delete B's.
    let mut delete = Changes::default();
    delete.edit_note("espionage", Some("A: ask about the data centre"), None);
    a.update(&briefing, &delete).expect("A saves");
    assert!(a.note(&briefing, "espionage").expect("read").is_some());
}

#[test]
fn the_state_key_stays_while_the_briefing_is_briefly_missing() {
    let home = private_dir();
    let state = home.path().join("state");
    let real = home.path().join("real");
    fs::create_dir(&real).expect("dir");
    let briefing_real = briefing_in(&real);
    // Reached by a path that is not the canonical one.
    let briefing = home.path().join("real/../real/b.toml");
    let store = Store::new(state.clone());
    let mut first = Changes::default();
    first.edit_note("espionage", None, Some(a_note("before")));
    store.update(&briefing, &first).expect("saved");
    // An editor saves by moving the file away and back.
    let aside = home.path().join("b.toml.swp");
    fs::rename(&briefing_real, &aside).expect("away");
    let mut second = Changes::default();
    second.edit_note("trade", None, Some(a_note("while it was away")));
    store.update(&briefing, &second).expect("saved");
    fs::rename(&aside, &briefing_real).expect("back");
    let (state, _) = Store::new(state.clone()).load(&briefing_real);
    assert!(state.notes.contains_key("espionage"));
    assert!(
        state.notes.contains_key("trade"),
        "the note made while the file was away went to another state file"
    );
    let files = fs::read_dir(home.path().join("state"))
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".toml"))
        .count();
    assert_eq!(files, 1);
}

#[cfg(unix)]
/// Set in the child that [`a_write_over_the_file_size_limit_keeps_the_old_state`]
/// starts under `ulimit -f`, to the state folder it works in.
const FSIZE_CHILD: &str = "BRIEF_TEST_FILE_SIZE_CHILD";

#[cfg(unix)]
#[test]
fn a_write_over_the_file_size_limit_keeps_the_old_state() {
    if let Some(dir) = std::env::var_os(FSIZE_CHILD) {
        // The child: a 64 KiB file-size limit, SIGXFSZ ignored as brief
        // has it, so the writes fail with EFBIG instead of killing it.
        let dir = PathBuf::from(dir);
        let briefing = dir.join("b.toml");
        let store = Store::new(dir.join("state"));
        let mut big = Changes::default();
        big.edit_note(
            "espionage",
            Some("kept"),
            Some(a_note(&"x".repeat(200 * 1024))),
        );
        let error = store.update(&briefing, &big).expect_err("over the limit");
        assert!(
            error
                .to_string()
                .contains("file-size limit set for this session"),
            "{error}"
        );
        let export =
            brief::export::write_new(&dir, "b-brief", "txt", &"y".repeat(200 * 1024), true)
                .expect_err("over the limit");
        assert!(
            export.to_string().contains("the partial file was removed"),
            "{export}"
        );
        println!("child checked the limit");
        return;
    }
    let home = private_dir();
    let briefing = briefing_in(home.path());
    let store = Store::new(home.path().join("state"));
    let mut small = Changes::default();
    small.edit_note("espionage", None, Some(a_note("kept")));
    store.update(&briefing, &small).expect("saved");
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(r#"trap '' XFSZ; ulimit -f 64; exec "$0" --exact "$1" --nocapture --test-threads 1"#)
        .arg(std::env::current_exe().expect("this test binary"))
        .arg("a_write_over_the_file_size_limit_keeps_the_old_state")
        .env(FSIZE_CHILD, home.path())
        .output()
        .expect("run bash");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("child checked the limit"),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The old state is whole, and nothing half-written is left about.
    assert_eq!(
        store
            .note(&briefing, "espionage")
            .expect("read")
            .map(|n| n.text),
        Some("kept".to_owned())
    );
    let stray: Vec<String> = fs::read_dir(home.path().join("state"))
        .expect("list")
        .chain(fs::read_dir(home.path()).expect("list"))
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains("b-brief"))
        .collect();
    assert!(stray.is_empty(), "left behind: {stray:?}");
}

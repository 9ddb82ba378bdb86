//! Remembered position and read marks, through the real dispatch path and
//! a real state folder.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use brief::app::{App, Settings};
use brief::loader;
use brief::model::Part;
use brief::state::{BriefingState, LoadNote, Position, Store};
use common::{press, screen};
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
    let anchor = reader.doc.lines.anchor(reader.top).expect("a line");
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
    assert_eq!(app.reader().map(|r| r.top), Some(0));
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
    assert_eq!(app.reader().map(|r| r.top), Some(0));
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
        press(&mut app, "j");
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
    press(&mut app, "enter 2 G");
    press(&mut app, "backspace");
    let s = screen(&app);
    assert!(s.contains("/5 read"), "{s}");
    let _ = fs::remove_dir_all(dir);
}

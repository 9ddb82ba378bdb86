//! Getting ready for the meeting: notes, the one-page brief, and what
//! changed since the last read — through the real dispatch path, a real
//! state folder and the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use brief::app::export_dialog::ExportPlace;
use brief::app::{App, Event, Settings};
use brief::loader;
use brief::model::Part;
use brief::state::Store;
use common::{press, screen, type_text};
use pulldown_cmark::{Event as Md, HeadingLevel, Parser, Tag, TagEnd};
use ratatui::layout::Rect;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("brief-meeting-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A copy of the shipped briefing that a test may edit.
fn copy_of_briefing(dir: &Path) -> PathBuf {
    let copy = dir.join("copy.toml");
    fs::copy(common::root().join("briefings/alibaba-liege.toml"), &copy).expect("copy");
    copy
}

fn open(path: &Path, store: &Path, width: u16, height: u16) -> App {
    let briefing = loader::load_path(path).expect("valid briefing");
    let settings = Settings {
        store: Some(Store::new(store.to_path_buf())),
        export: ExportPlace::Ask {
            dir: store.to_path_buf(),
            home: None,
        },
        ..common::settings()
    };
    App::with_briefing(
        settings,
        briefing,
        "copy.toml".to_owned(),
        Some(path.to_path_buf()),
        Rect::new(0, 0, width, height),
    )
}

fn write_note(app: &mut App, section_key: &str, text: &str) {
    press(app, section_key);
    press(app, "a");
    type_text(app, text);
    press(app, "ctrl-s");
}

#[test]
fn notes_survive_a_restart_and_show_in_sidebar_and_outline() {
    let dir = temp_dir("restart");
    let briefing = copy_of_briefing(&dir);
    let mut app = open(&briefing, &dir, 120, 40);
    write_note(&mut app, "2", "Ask about eWTP data");
    assert!(screen(&app).contains("note on Software risk saved"));
    drop(app);

    let mut app = open(&briefing, &dir, 120, 40);
    press(&mut app, "2");
    let s = screen(&app);
    assert!(
        s.contains("Your note") && s.contains("Ask about eWTP data"),
        "{s}"
    );
    let outline_row = s
        .lines()
        .find(|l| l.contains("2 Software risk"))
        .expect("outline row");
    assert!(outline_row.contains('✎'), "{outline_row}");

    // Editing keeps the text and adds to it; emptying it deletes the note.
    press(&mut app, "a");
    type_text(&mut app, " and customs");
    press(&mut app, "ctrl-s");
    let note = app
        .reader()
        .and_then(|r| r.marks.notes.get("software-risk"))
        .map(|n| n.text.clone());
    assert_eq!(note.as_deref(), Some("Ask about eWTP data and customs"));
    press(&mut app, "a ctrl-u ctrl-s");
    assert!(screen(&app).contains("note on Software risk deleted"));
    drop(app);
    let app = open(&briefing, &dir, 120, 40);
    assert!(app.reader().is_some_and(|r| r.marks.notes.is_empty()));
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn pasted_text_is_stored_as_typed_and_shown_safely() {
    let dir = temp_dir("paste");
    let briefing = copy_of_briefing(&dir);
    let mut app = open(&briefing, &dir, 120, 40);
    press(&mut app, "3 a");
    app.handle(Event::Paste("line one\r\nred \u{1b}[31m text".to_owned()));
    let s = screen(&app);
    assert!(s.contains("red ␛[31m text"), "{s}");
    press(&mut app, "ctrl-s");
    let stored = app
        .reader()
        .and_then(|r| r.marks.notes.get("political-reaction"))
        .map(|n| n.text.clone());
    assert_eq!(stored.as_deref(), Some("line one\nred \u{1b}[31m text"));
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn notes_survive_an_update_and_orphans_are_kept() {
    let dir = temp_dir("orphan");
    let briefing = copy_of_briefing(&dir);
    // The store where `brief print` finds it: $XDG_STATE_HOME/brief.
    let store = dir.join("brief");
    let mut app = open(&briefing, &store, 120, 40);
    write_note(&mut app, "2", "Keep this thought");
    write_note(&mut app, "5", "Tariffs: check dates");
    drop(app);

    // The analyst renames the tariff section's id and edits another one.
    let text = fs::read_to_string(&briefing).expect("read");
    let text = text.replace("id = \"tariff-dispute\"", "id = \"tariffs\"");
    let text = text.replacen(
        "Belgian authorities had hoped",
        "Belgian authorities once hoped",
        1,
    );
    fs::write(&briefing, text).expect("write");

    let mut app = open(&briefing, &store, 120, 40);
    let reader = app.reader().expect("reader");
    assert_eq!(reader.marks.notes.len(), 2, "no note is dropped");
    let s = screen(&app);
    assert!(
        s.contains("no longer in this") && s.contains("Tariffs: check dates"),
        "{s}"
    );
    press(&mut app, "2");
    assert!(screen(&app).contains("Keep this thought"));
    drop(app);

    let out = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["print", "--brief"])
        .arg(&briefing)
        .env("XDG_STATE_HOME", &dir)
        .output()
        .expect("run brief");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("MY NOTES") && text.contains("Keep this thought"),
        "{text}"
    );
    assert!(
        text.contains("no longer in the briefing") && text.contains("Tariffs: check dates"),
        "{text}"
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn two_readers_at_once_keep_both_notes() {
    let dir = temp_dir("two");
    let briefing = copy_of_briefing(&dir);
    let mut first = open(&briefing, &dir, 120, 40);
    let mut second = open(&briefing, &dir, 80, 24);
    write_note(&mut first, "1", "from the first reader");
    write_note(&mut second, "4", "from the second reader");
    press(&mut first, "G");
    first.save().expect("saved");
    drop((first, second));
    let (state, _) = Store::new(dir.clone()).load(&briefing);
    assert_eq!(
        state.notes.get("espionage").map(|n| n.text.as_str()),
        Some("from the first reader")
    );
    assert_eq!(
        state.notes.get("trade-deficit").map(|n| n.text.as_str()),
        Some("from the second reader")
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn a_corrupt_state_file_does_not_cost_new_notes() {
    let dir = temp_dir("corrupt");
    let briefing = copy_of_briefing(&dir);
    let store = Store::new(dir.clone());
    fs::write(store.file_for(&briefing), "notes = [[[").expect("write");
    let mut app = open(&briefing, &dir, 120, 40);
    write_note(&mut app, "1", "written after the corruption");
    drop(app);
    let (state, _) = store.load(&briefing);
    assert!(state.notes.contains_key("espionage"));
    let kept = fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().contains(".corrupt-"));
    assert!(kept, "the corrupt file is kept aside");
    let _ = fs::remove_dir_all(dir);
}

/// Reads the whole briefing, page by page, as a reader would.
fn read_everything(app: &mut App) {
    press(app, "g");
    for _ in 0..100 {
        common::press_reading(app, "space");
    }
}

#[test]
fn changing_one_section_marks_exactly_that_section() {
    let dir = temp_dir("changed");
    let briefing = copy_of_briefing(&dir);
    let mut app = open(&briefing, &dir, 120, 40);
    read_everything(&mut app);
    let reader = app.reader().expect("reader");
    assert_eq!(
        reader.marks.read.len(),
        6,
        "bottom line and 5 sections read: {:?}",
        reader.marks.read
    );
    app.save().expect("saved");
    drop(app);

    let text = fs::read_to_string(&briefing).expect("read");
    let text = text.replacen(
        "Belgian authorities had hoped",
        "Belgian authorities once hoped",
        1,
    );
    fs::write(&briefing, text).expect("write");

    let mut app = open(&briefing, &dir, 120, 40);
    let reader = app.reader().expect("reader");
    assert_eq!(
        reader.marks.changed.keys().copied().collect::<Vec<_>>(),
        vec![3]
    );
    let s = screen(&app);
    let row = s
        .lines()
        .find(|l| l.contains("4 Trade deficit"))
        .expect("outline row");
    assert!(row.contains('*'), "{row}");
    press(&mut app, "c");
    assert_eq!(
        app.reader().map(|r| r.current_part()),
        Some(Part::Section(3))
    );
    read_everything(&mut app);
    assert!(
        app.reader().is_some_and(|r| r.marks.changed.is_empty()),
        "reading it again clears the mark"
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn the_library_says_what_changed() {
    let dir = temp_dir("library");
    let folder = dir.join("briefings");
    fs::create_dir_all(&folder).expect("folder");
    let briefing = folder.join("liege.toml");
    fs::copy(
        common::root().join("briefings/alibaba-liege.toml"),
        &briefing,
    )
    .expect("copy");
    fs::copy(
        common::root().join("briefings/alibaba-liege-meeting.toml"),
        folder.join("meeting.toml"),
    )
    .expect("copy");
    let mut app = open(&briefing, &dir, 120, 40);
    read_everything(&mut app);
    app.save().expect("saved");
    drop(app);
    let text = fs::read_to_string(&briefing).expect("read").replacen(
        "Belgian authorities had hoped",
        "Belgian authorities once hoped",
        1,
    );
    let text = text.replacen(
        "Warnings before the build",
        "Warnings before construction",
        1,
    );
    fs::write(&briefing, text).expect("write");
    let library = brief::app::library::LibraryState::open(&folder).expect("library");
    let settings = Settings {
        store: Some(Store::new(dir.clone())),
        ..common::settings()
    };
    let app = App::with_library(settings, library, Rect::new(0, 0, 120, 30));
    assert!(
        screen(&app).contains("2 sections changed since you read it"),
        "{}",
        screen(&app)
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn export_key_writes_the_brief_and_names_the_file() {
    let dir = temp_dir("export");
    let briefing = copy_of_briefing(&dir);
    let mut app = open(&briefing, &dir, 120, 40);
    write_note(&mut app, "2", "Mention eWTP");
    press(&mut app, "E enter");
    let s = screen(&app);
    assert!(s.contains("one-page brief written to"), "{s}");
    let written =
        fs::read_to_string(dir.join("copy-brief.txt")).expect("the file the status line names");
    assert!(written.contains("KEY FACTS") && written.contains("Mention eWTP"));
    // The same name again: kept, and the next free one offered.
    press(&mut app, "E enter");
    assert!(
        !dir.join("copy-brief-2.txt").exists(),
        "written only when agreed"
    );
    assert!(screen(&app).contains("already exists"), "{}", screen(&app));
    press(&mut app, "enter");
    assert!(dir.join("copy-brief-2.txt").exists(), "never overwrites");
    assert_eq!(
        fs::read_to_string(dir.join("copy-brief.txt")).expect("kept"),
        written
    );
    let _ = fs::remove_dir_all(dir);
}

fn brief_output(args: &[&str], state_home: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["print", "briefings/alibaba-liege.toml", "--brief"])
        .args(args)
        .env("XDG_STATE_HOME", state_home)
        .output()
        .expect("run brief");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn the_brief_fits_one_page() {
    let dir = temp_dir("page");
    let text = brief_output(&["--width", "80"], &dir);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() <= 66, "{} lines:\n{text}", lines.len());
    assert!(lines.iter().all(|l| brief::text::width(l) <= 80));
    for expected in [
        "OFFICIAL",
        "BOTTOM LINE",
        "KEY FACTS",
        "€9.1 bn [nbb]",
        " 2021 ",
        " 2022 ",
        "SOURCES",
        "[vsse]",
    ] {
        assert!(text.contains(expected), "missing {expected}:\n{text}");
    }
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn the_markdown_brief_is_commonmark_with_the_same_content() {
    let dir = temp_dir("markdown");
    let md = brief_output(&["--format", "markdown"], &dir);
    let briefing =
        loader::load_path(&common::root().join("briefings/alibaba-liege.toml")).expect("valid");
    let mut headings = Vec::new();
    let mut strong_texts = Vec::new();
    let mut in_heading = None;
    let mut in_strong = false;
    let mut items = 0;
    let mut code_blocks = 0;
    for event in Parser::new(&md) {
        match event {
            Md::Start(Tag::Heading { level, .. }) => in_heading = Some((level, String::new())),
            Md::End(TagEnd::Heading(_)) => headings.extend(in_heading.take()),
            Md::Start(Tag::Strong) => {
                in_strong = true;
                strong_texts.push(String::new());
            }
            Md::End(TagEnd::Strong) => in_strong = false,
            Md::Start(Tag::Item) => items += 1,
            Md::Start(Tag::CodeBlock(_)) => code_blocks += 1,
            Md::Start(Tag::Link { .. }) | Md::Start(Tag::Image { .. }) => {
                panic!("the brief has no links: {md}")
            }
            Md::Html(_) | Md::InlineHtml(_) => panic!("the brief has no HTML: {md}"),
            Md::Text(t) => {
                if let Some((_, h)) = &mut in_heading {
                    h.push_str(&t);
                }
                if in_strong && let Some(s) = strong_texts.last_mut() {
                    s.push_str(&t);
                }
            }
            _ => {}
        }
    }
    assert_eq!(headings[0], (HeadingLevel::H1, briefing.title.clone()));
    let h2: Vec<&str> = headings
        .iter()
        .filter(|(l, _)| *l == HeadingLevel::H2)
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(h2, ["Bottom line", "Key facts", "Sources"]);
    assert_eq!(items, briefing.fact_count() + briefing.sources.len());
    assert_eq!(code_blocks, briefing.chart_count());
    for section in &briefing.sections {
        for fact in &section.facts {
            assert!(
                strong_texts.contains(&format!("{}:", fact.label)),
                "fact label {:?} not in bold",
                fact.label
            );
        }
    }
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn an_edited_file_reloads_in_place_or_keeps_the_last_good_version() {
    let dir = temp_dir("reload");
    let briefing = copy_of_briefing(&dir);
    let mut app = open(&briefing, &dir, 120, 40);
    read_everything(&mut app);
    press(&mut app, "4 j j j");
    let top_text = {
        let r = app.reader().expect("reader");
        r.doc.lines.plain(r.view.top)
    };

    // A broken save by the analyst: the reader keeps the good version.
    let good = fs::read_to_string(&briefing).expect("read");
    fs::write(&briefing, good.replacen("title = ", "titel = ", 1)).expect("write");
    app.handle(Event::FileChanged("copy.toml".into()));
    let s = screen(&app);
    assert!(s.contains("showing the last good version"), "{s}");
    assert_eq!(
        app.reader().map(|r| r.current_part()),
        Some(Part::Section(3))
    );

    // A good edit to another section: reloaded in place, that section marked.
    fs::write(
        &briefing,
        good.replacen(
            "Warnings before the build",
            "Warnings before construction",
            1,
        ),
    )
    .expect("write");
    app.handle(Event::FileChanged("copy.toml".into()));
    let r = app.reader().expect("reader");
    assert_eq!(
        r.doc.lines.plain(r.view.top),
        top_text,
        "same place after the reload"
    );
    assert_eq!(r.marks.changed.keys().copied().collect::<Vec<_>>(), vec![2]);
    assert!(screen(&app).contains("1 section changed"));

    // Another file in the folder changing is not news.
    assert_eq!(
        app.handle(Event::FileChanged("other.toml".into())),
        brief::app::Outcome::Idle
    );
    let _ = fs::remove_dir_all(dir);
}

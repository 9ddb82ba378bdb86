//! The one-page brief written with `E`, through the real dispatch path and
//! real folders: the dialog proposes a file in the documents folder, the
//! reader may change it and the format, and the brief is written there —
//! never over an existing file, private when it holds notes, a missing
//! folder made only when agreed, and the status line saying where.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use brief::app::export_dialog::ExportPlace;
use brief::app::{App, Event, Settings};
use brief::loader;
use brief::onepage::Format;
use brief::state::Store;
use common::{press, screen, type_text};
use ratatui::layout::Rect;

fn briefing_in(dir: &Path) -> PathBuf {
    let path = dir.join("b.toml");
    fs::copy(common::root().join("briefings/alibaba-liege.toml"), &path).expect("copy");
    path
}

/// A home with a Documents folder, the briefing beside it, and the app
/// reading it with exports proposed in Documents.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp");
        fs::create_dir(dir.path().join("Documents")).expect("Documents");
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn documents(&self) -> PathBuf {
        self.path().join("Documents")
    }

    fn reader(&self, width: u16, height: u16) -> App {
        let briefing = briefing_in(self.path());
        let settings = Settings {
            store: Some(Store::new(self.path().join("state"))),
            export: ExportPlace::Ask {
                dir: self.documents(),
                home: Some(self.path().to_path_buf()),
            },
            ..common::settings()
        };
        App::with_briefing(
            settings,
            loader::load_path(&briefing).expect("valid"),
            "b.toml".to_owned(),
            Some(briefing),
            Rect::new(0, 0, width, height),
        )
    }
}

fn dialog_text(app: &App) -> String {
    app.export.dialog.as_ref().expect("dialog open").typed()
}

fn notice(app: &App) -> String {
    app.export
        .dialog
        .as_ref()
        .and_then(|d| d.notice.as_ref())
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn e_proposes_the_documents_folder_and_enter_writes_there_and_says_where() {
    let home = Home::new();
    let mut app = home.reader(80, 24);
    press(&mut app, "E");
    assert_eq!(dialog_text(&app), "~/Documents/b-brief.txt");
    let shown = screen(&app);
    assert!(shown.contains("Export the one-page brief"), "{shown}");
    assert!(shown.contains("~/Documents/b-brief.txt"), "{shown}");
    press(&mut app, "enter");
    let written = fs::read_to_string(home.documents().join("b-brief.txt")).expect("written");
    assert!(written.contains("KEY FACTS") && written.contains("€9.1 bn"));
    assert!(app.export.dialog.is_none());
    let said = common::message(&app);
    assert_eq!(said, "one-page brief written to ~/Documents/b-brief.txt");
    assert!(screen(&app).contains(&said), "{}", screen(&app));
    // Nothing went to the briefing's folder.
    assert!(!home.path().join("b-brief.txt").exists());
}

#[test]
fn tab_writes_markdown_with_the_headings_and_facts() {
    let home = Home::new();
    let mut app = home.reader(80, 24);
    press(&mut app, "E tab");
    assert_eq!(dialog_text(&app), "~/Documents/b-brief.md");
    assert!(screen(&app).contains("(•) Markdown"), "{}", screen(&app));
    press(&mut app, "enter");
    let written = fs::read_to_string(home.documents().join("b-brief.md")).expect("written");
    for expected in [
        "# Alibaba",
        "## Bottom line",
        "## Key facts",
        "- **Belgian deficit, 2022:** €9.1 bn",
        "## Sources",
    ] {
        assert!(written.contains(expected), "missing {expected}:\n{written}");
    }
    assert_eq!(
        common::message(&app),
        "one-page brief (Markdown) written to ~/Documents/b-brief.md"
    );
    // The next export proposes the same folder and format.
    press(&mut app, "E");
    assert_eq!(dialog_text(&app), "~/Documents/b-brief.md");
}

#[test]
fn esc_cancels_with_nothing_written() {
    let home = Home::new();
    let mut app = home.reader(80, 24);
    press(&mut app, "E");
    type_text(&mut app, "x");
    press(&mut app, "esc");
    assert!(app.export.dialog.is_none());
    assert_eq!(
        common::message(&app),
        "export cancelled; nothing was written"
    );
    assert!(files_in(&home.documents()).is_empty());
    // Keys act on the reader again: `2` goes to section 2, it does not type.
    press(&mut app, "2");
    assert_eq!(
        app.reader().map(|r| r.current_part()),
        Some(brief::model::Part::Section(1))
    );
}

#[test]
fn an_existing_file_is_kept_and_the_next_free_name_offered() {
    let home = Home::new();
    fs::write(home.documents().join("b-brief.txt"), "mine").expect("existing");
    let mut app = home.reader(80, 24);
    press(&mut app, "E enter");
    assert_eq!(
        fs::read_to_string(home.documents().join("b-brief.txt")).expect("kept"),
        "mine"
    );
    assert_eq!(dialog_text(&app), "~/Documents/b-brief-2.txt");
    assert!(
        notice(&app).contains("already exists and is kept"),
        "{}",
        notice(&app)
    );
    assert!(screen(&app).contains("already exists"), "{}", screen(&app));
    assert_eq!(files_in(&home.documents()), ["b-brief.txt"]);
    press(&mut app, "enter");
    assert!(home.documents().join("b-brief-2.txt").exists());
    assert!(
        common::message(&app).ends_with("~/Documents/b-brief-2.txt"),
        "{}",
        common::message(&app)
    );
}

#[test]
fn a_typed_path_with_a_tilde_into_a_missing_folder_is_made_when_agreed() {
    let home = Home::new();
    let mut app = home.reader(80, 24);
    press(&mut app, "E ctrl-u");
    type_text(&mut app, "~/meetings/monday.md");
    assert_eq!(
        app.export.dialog.as_ref().map(|d| d.format),
        Some(Format::Markdown),
        "the extension chose the format"
    );
    press(&mut app, "enter");
    let folder = home.path().join("meetings");
    assert!(!folder.exists(), "not made before the reader agrees");
    assert_eq!(
        notice(&app),
        "the folder ~/meetings does not exist: enter makes it and writes the brief there, or edit the path"
    );
    press(&mut app, "enter");
    let written = fs::read_to_string(folder.join("monday.md")).expect("written");
    assert!(written.starts_with("# "), "{written}");
    assert_eq!(
        common::message(&app),
        "one-page brief (Markdown) written to ~/meetings/monday.md"
    );
}

#[test]
fn editing_keys_and_paste_change_the_path() {
    let home = Home::new();
    let mut app = home.reader(80, 24);
    press(&mut app, "E");
    // Back over ".txt", in front of it, and the end again.
    press(&mut app, "backspace backspace backspace backspace home");
    type_text(&mut app, "x");
    assert_eq!(dialog_text(&app), "x~/Documents/b-brief");
    press(&mut app, "home");
    app.handle(Event::Key(common::key("ctrl-d")));
    press(&mut app, "end");
    app.handle(Event::Paste("-v2.md\n".to_owned()));
    assert_eq!(dialog_text(&app), "~/Documents/b-brief-v2.md");
    press(&mut app, "enter");
    assert!(home.documents().join("b-brief-v2.md").exists());
}

#[test]
fn a_folder_typed_gets_the_proposed_file_name() {
    let home = Home::new();
    let out = home.path().join("out");
    fs::create_dir(&out).expect("out");
    let mut app = home.reader(80, 24);
    press(&mut app, "E ctrl-u");
    type_text(&mut app, "~/out");
    press(&mut app, "enter");
    assert_eq!(dialog_text(&app), "~/out/b-brief.txt");
    assert!(notice(&app).contains("is a folder"), "{}", notice(&app));
    press(&mut app, "enter");
    assert!(out.join("b-brief.txt").exists());
}

// Unix says ENOTDIR for a file used as a folder; Windows words it otherwise.
#[cfg(unix)]
#[test]
fn a_file_where_the_folder_should_be_is_named_and_the_dialog_stays() {
    let home = Home::new();
    fs::write(home.path().join("here"), "").expect("file");
    let mut app = home.reader(80, 24);
    press(&mut app, "E ctrl-u");
    type_text(&mut app, "~/here/b.txt");
    press(&mut app, "enter");
    assert!(app.export.dialog.is_some(), "open, to choose another path");
    assert_eq!(
        notice(&app),
        "cannot write in ~/here: part of that path is a file, not a folder; choose another folder"
    );
    assert_eq!(
        fs::read_to_string(home.path().join("here")).expect("kept"),
        ""
    );
}

#[cfg(unix)]
#[test]
fn a_brief_holding_notes_is_private_like_the_state() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::new();
    let mut app = home.reader(120, 30);
    press(&mut app, "1 a");
    type_text(&mut app, "ask about the lease");
    press(&mut app, "ctrl-s E");
    assert!(
        screen(&app).contains("only you will be able to read it"),
        "{}",
        screen(&app)
    );
    press(&mut app, "enter");
    let written = home.documents().join("b-brief.txt");
    let text = fs::read_to_string(&written).expect("written");
    assert!(text.contains("ask about the lease"));
    let mode = fs::metadata(&written).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
    assert!(
        common::message(&app).ends_with("it holds your notes, so only you can read it"),
        "{}",
        common::message(&app)
    );
}

#[cfg(unix)]
#[test]
fn a_planted_link_at_the_name_is_never_followed() {
    let home = Home::new();
    let victim = home.path().join("victim");
    fs::write(&victim, "precious").expect("victim");
    std::os::unix::fs::symlink(&victim, home.documents().join("b-brief.txt")).expect("plant");
    let mut app = home.reader(80, 24);
    press(&mut app, "E enter");
    assert_eq!(fs::read_to_string(&victim).expect("victim"), "precious");
    assert_eq!(dialog_text(&app), "~/Documents/b-brief-2.txt");
    assert!(
        notice(&app).contains("is a symbolic link"),
        "{}",
        notice(&app)
    );
    // A folder reached through a link is written in only when the path
    // says so with a trailing /.
    let elsewhere = home.path().join("elsewhere");
    fs::create_dir(&elsewhere).expect("dir");
    std::os::unix::fs::symlink(&elsewhere, home.path().join("linked")).expect("link");
    press(&mut app, "ctrl-u");
    type_text(&mut app, "~/linked");
    press(&mut app, "enter");
    assert!(files_in(&elsewhere).is_empty());
    press(&mut app, "ctrl-u");
    type_text(&mut app, "~/linked/");
    press(&mut app, "enter");
    assert_eq!(files_in(&elsewhere), ["b-brief.txt"]);
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

#[test]
fn the_dialog_draws_at_every_size_with_a_long_path_and_message() {
    let home = Home::new();
    for (width, height) in [
        (20, 6),
        (24, 8),
        (40, 20),
        (41, 9),
        (60, 20),
        (80, 24),
        (200, 50),
    ] {
        let mut app = home.reader(width, height);
        press(&mut app, "E");
        app.handle(Event::Paste(format!(
            "/{}/北京-\u{1b}[2J.txt",
            "x".repeat(300)
        )));
        press(&mut app, "home");
        let shown = screen(&app);
        assert!(!shown.contains('\u{1b}'), "{width}x{height}:\n{shown}");
        if width >= 40 {
            assert!(
                shown.contains("Export the one-page brief"),
                "{width}x{height}:\n{shown}"
            );
            // The cursor went home: the start of the path is in sight.
            assert!(
                shown.contains("~/Documents/b-brief.txt/xxx"),
                "{width}x{height}:\n{shown}"
            );
        }
        press(&mut app, "enter");
        let shown = screen(&app);
        assert!(app.export.dialog.is_some(), "{width}x{height}");
        assert!(!shown.contains('\u{1b}'), "{width}x{height}:\n{shown}");
    }
}

//! What changed since you read it: a section read at a reader's pace, the
//! briefing edited on disk while open, and the diff key showing the old
//! and new figures marked — in colour, without colour and in ASCII, at
//! 80x24 and 60x20, and again after quitting and opening it anew.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use brief::app::{App, Event, Settings};
use brief::glyphs::Glyphs;
use brief::loader;
use brief::state::Store;
use brief::theme::{ColorMode, Theme};
use common::{message, press, press_reading, screen};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};

/// The 2022 figure in the trade-deficit section, in its fact and its text.
const FACT_BEFORE: &str = "label = \"Belgian deficit, 2022\"\n  value = \"€9.1 bn\"";
const FACT_AFTER: &str = "label = \"Belgian deficit, 2022\"\n  value = \"€9.4 bn\"";
const BODY_BEFORE: &str = "*€9.1 bn in 2022*";
const BODY_AFTER: &str = "*€9.4 bn in 2022*";

/// A copy of the shipped briefing in a folder of its own, with a store.
fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp");
    let copy = dir.path().join("copy.toml");
    fs::copy(common::root().join("briefings/alibaba-liege.toml"), &copy).expect("copy");
    (dir, copy)
}

fn open(path: &Path, store: &Path, size: (u16, u16), theme: ColorMode, glyphs: Glyphs) -> App {
    let settings = Settings {
        store: Some(Store::new(store.join("state"))),
        theme: Theme::new(theme),
        glyphs,
        ..common::settings()
    };
    App::with_briefing(
        settings,
        loader::load_path(path).expect("valid"),
        "copy.toml".to_owned(),
        Some(path.to_path_buf()),
        Rect::new(0, 0, size.0, size.1),
    )
}

/// Reads section 4 at a reader's pace: a minute a page.
fn read_section_4(app: &mut App) {
    press(app, "4");
    for _ in 0..12 {
        press_reading(app, "ctrl-d");
    }
    let reader = app.reader().expect("reader");
    assert!(
        reader.marks.read.contains("trade-deficit"),
        "section 4 read: {:?}",
        reader.marks.read
    );
}

/// Edits the 2022 figure on disk and lets the open reader reload it.
fn edit_the_figure(app: &mut App, path: &Path) {
    let text = fs::read_to_string(path).expect("read");
    assert!(text.contains(FACT_BEFORE) && text.contains(BODY_BEFORE));
    let edited = text
        .replace(FACT_BEFORE, FACT_AFTER)
        .replace(BODY_BEFORE, BODY_AFTER);
    fs::write(path, edited).expect("write");
    app.handle(Event::FileChanged("copy.toml".into()));
    assert!(
        message(app).contains("1 section changed"),
        "{}",
        message(app)
    );
}

/// The drawn screen's buffer, for styles.
fn buffer(app: &App) -> ratatui::buffer::Buffer {
    let mut terminal =
        Terminal::new(TestBackend::new(app.area.width, app.area.height)).expect("backend");
    terminal
        .draw(|frame| brief::ui::render(app, frame))
        .expect("draw");
    terminal.backend().buffer().clone()
}

/// The style of the first cell at the start of `needle` on screen.
fn style_of(app: &App, needle: &str) -> ratatui::style::Style {
    let buffer = buffer(app);
    let area = buffer.area;
    for y in 0..area.height {
        let mut row = String::new();
        let mut starts = Vec::new();
        for x in 0..area.width {
            starts.push((row.len(), x));
            row.push_str(buffer[(x, y)].symbol());
        }
        if let Some(at) = row.find(needle) {
            let x = starts
                .iter()
                .find(|(offset, _)| *offset == at)
                .map(|(_, x)| *x)
                .expect("a cell starts there");
            return buffer[(x, y)].style();
        }
    }
    panic!("{needle:?} not on screen:\n{}", screen(app));
}

#[test]
fn an_edited_figure_shows_old_and_new_marked_in_colour() {
    let (dir, path) = setup();
    let mut app = open(
        &path,
        dir.path(),
        (80, 24),
        ColorMode::Ansi16,
        Glyphs::UNICODE,
    );
    read_section_4(&mut app);
    edit_the_figure(&mut app, &path);
    press(&mut app, "4 D");
    // The key facts come first: the changed figure is on the first page.
    let s = screen(&app);
    assert!(
        s.contains("Belgian deficit, 2022: [-€9.1 bn-] → {+€9.4 bn+}"),
        "{s}"
    );
    // The old figure is red and struck through, the new one green and
    // underlined; the markers take the colour too.
    let old = style_of(&app, "€9.1 bn-]");
    assert_eq!(old.fg, Some(Color::Red));
    assert!(old.add_modifier.contains(Modifier::CROSSED_OUT));
    let new = style_of(&app, "€9.4 bn+}");
    assert_eq!(new.fg, Some(Color::Green));
    assert!(new.add_modifier.contains(Modifier::UNDERLINED));
    assert_eq!(style_of(&app, "{+€9.4").fg, Some(Color::Green));
    // n goes from change to change: the figure in the text is next.
    press(&mut app, "n n");
    let s = screen(&app);
    assert!(s.contains("€[-9.1-]{+9.4+} bn in 2022"), "{s}");
    assert_eq!(style_of(&app, "9.4+}").fg, Some(Color::Green));
    press(&mut app, "n");
    assert_eq!(message(&app), "no further change below");
    // Reading time does not run while the view covers the text.
    assert!(
        !app.reader()
            .expect("reader")
            .marks
            .read
            .contains("trade-deficit")
    );
    // Closed with esc: the reading pane is back.
    press(&mut app, "esc");
    assert!(app.changes.is_none());
    assert!(!screen(&app).contains("[-€9.1 bn-]"));
}

#[test]
fn without_colour_and_in_ascii_the_markers_carry_the_change() {
    let (dir, path) = setup();
    let mut app = open(
        &path,
        dir.path(),
        (80, 24),
        ColorMode::Monochrome,
        Glyphs::ASCII,
    );
    read_section_4(&mut app);
    edit_the_figure(&mut app, &path);
    press(&mut app, "4 D");
    let s = screen(&app);
    assert!(
        s.contains("Belgian deficit, 2022: [-€9.1 bn-] -> {+€9.4 bn+}"),
        "{s}"
    );
    let no_colour = |c: Option<Color>| matches!(c, None | Some(Color::Reset));
    let old = style_of(&app, "€9.1 bn-]");
    assert!(no_colour(old.fg), "{old:?}");
    assert!(old.add_modifier.contains(Modifier::CROSSED_OUT));
    let new = style_of(&app, "€9.4 bn+}");
    assert!(no_colour(new.fg), "{new:?}");
    assert!(new.add_modifier.contains(Modifier::UNDERLINED));
    press(&mut app, "n n");
    assert!(
        screen(&app).contains("€[-9.1-]{+9.4+} bn"),
        "{}",
        screen(&app)
    );
}

#[test]
fn the_text_as_read_survives_quitting() {
    let (dir, path) = setup();
    let mut app = open(
        &path,
        dir.path(),
        (80, 24),
        ColorMode::Monochrome,
        Glyphs::UNICODE,
    );
    read_section_4(&mut app);
    app.save().expect("saved");
    drop(app);
    // Edited while brief was closed.
    let text = fs::read_to_string(&path).expect("read");
    fs::write(&path, text.replace(FACT_BEFORE, FACT_AFTER)).expect("write");
    let mut app = open(
        &path,
        dir.path(),
        (80, 24),
        ColorMode::Monochrome,
        Glyphs::UNICODE,
    );
    press(&mut app, "4 D");
    let s = screen(&app);
    assert!(
        s.contains("Belgian deficit, 2022: [-€9.1 bn-] → {+€9.4 bn+}"),
        "{s}"
    );
    assert!(s.contains("1 key fact changed"), "{s}");
}

#[test]
fn the_status_line_says_why_there_is_nothing_to_show() {
    let (dir, path) = setup();
    let mut app = open(
        &path,
        dir.path(),
        (80, 24),
        ColorMode::Monochrome,
        Glyphs::UNICODE,
    );
    press(&mut app, "g D");
    assert!(
        message(&app).contains("move into a section first"),
        "{}",
        message(&app)
    );
    press(&mut app, "2 D");
    assert_eq!(
        message(&app),
        "you have not read 2/5 Software risk yet: there is no earlier reading to compare it with"
    );
    read_section_4(&mut app);
    press(&mut app, "4 D");
    assert_eq!(
        message(&app),
        "4/5 Trade deficit has not changed since you read it"
    );
    assert!(app.changes.is_none());
    // A changed section whose text was not kept (read with an older brief).
    edit_the_figure(&mut app, &path);
    if let brief::app::Screen::Reader(reader) = &mut app.screen {
        reader.marks.texts.clear();
    }
    press(&mut app, "4 D");
    assert!(
        message(&app).contains("its text as read was not kept"),
        "{}",
        message(&app)
    );
    assert!(app.changes.is_none());
}

#[test]
fn the_view_scrolls_follows_a_new_edit_and_closes_with_its_key() {
    let (dir, path) = setup();
    let mut app = open(
        &path,
        dir.path(),
        (60, 20),
        ColorMode::Monochrome,
        Glyphs::UNICODE,
    );
    read_section_4(&mut app);
    edit_the_figure(&mut app, &path);
    press(&mut app, "4 D");
    let first = screen(&app);
    press(&mut app, "G");
    let view = app.changes.as_ref().expect("open");
    assert!(view.top > 0);
    assert_ne!(screen(&app), first);
    press(&mut app, "g");
    assert_eq!(app.changes.as_ref().map(|v| v.top), Some(0));
    // Edited again while the view is open: it shows the newest text.
    let text = fs::read_to_string(&path).expect("read");
    fs::write(&path, text.replace("€9.4 bn", "€9.6 bn")).expect("write");
    app.handle(Event::FileChanged("copy.toml".into()));
    assert!(screen(&app).contains("{+€9.6 bn+}"), "{}", screen(&app));
    press(&mut app, "D");
    assert!(app.changes.is_none());
}

#[test]
fn snapshots_at_80x24_and_60x20() {
    for (width, height) in [(80, 24), (60, 20)] {
        let (dir, path) = setup();
        let mut app = open(
            &path,
            dir.path(),
            (width, height),
            ColorMode::Monochrome,
            Glyphs::UNICODE,
        );
        read_section_4(&mut app);
        edit_the_figure(&mut app, &path);
        press(&mut app, "4 D");
        insta::assert_snapshot!(format!("changes_{width}x{height}"), screen(&app));
        press(&mut app, "n n");
        insta::assert_snapshot!(format!("changes_text_{width}x{height}"), screen(&app));
    }
}

/// Reads every section at a reader's pace.
fn read_everything(app: &mut App) {
    press(app, "g");
    for _ in 0..60 {
        press_reading(app, "ctrl-d");
    }
}

#[test]
fn a_section_added_since_has_no_earlier_reading() {
    let (dir, path) = setup();
    let mut app = open(
        &path,
        dir.path(),
        (80, 24),
        ColorMode::Monochrome,
        Glyphs::UNICODE,
    );
    read_everything(&mut app);
    let text = fs::read_to_string(&path).expect("read");
    let added = text.replacen(
        "[[sources]]",
        "[[sections]]\ntitle = \"Outlook\"\nbody = \"Talks resume in spring.\"\n\n[[sources]]",
        1,
    );
    fs::write(&path, added).expect("write");
    app.handle(Event::FileChanged("copy.toml".into()));
    press(&mut app, "6 D");
    assert_eq!(
        message(&app),
        "6/6 Outlook is new since you last opened this briefing: there is no earlier reading to compare it with"
    );
    assert!(app.changes.is_none());
}

#[test]
fn a_section_edited_back_to_the_text_read_says_nothing_changed() {
    let (dir, path) = setup();
    let mut app = open(
        &path,
        dir.path(),
        (80, 24),
        ColorMode::Monochrome,
        Glyphs::UNICODE,
    );
    read_section_4(&mut app);
    let original = fs::read_to_string(&path).expect("read");
    edit_the_figure(&mut app, &path);
    fs::write(&path, original).expect("undo the edit");
    app.handle(Event::FileChanged("copy.toml".into()));
    press(&mut app, "4 D");
    assert_eq!(
        message(&app),
        "4/5 Trade deficit reads as it did when you read it: no word or figure changed"
    );
    assert!(app.changes.is_none());
}

#[test]
fn in_the_view_c_goes_on_to_the_next_changed_section_and_help_opens_over_it() {
    let (dir, path) = setup();
    let mut app = open(
        &path,
        dir.path(),
        (80, 24),
        ColorMode::Monochrome,
        Glyphs::UNICODE,
    );
    read_everything(&mut app);
    let text = fs::read_to_string(&path).expect("read");
    let edited = text.replace(FACT_BEFORE, FACT_AFTER).replacen(
        "Warnings before the build",
        "Warnings before construction",
        1,
    );
    fs::write(&path, edited).expect("write");
    app.handle(Event::FileChanged("copy.toml".into()));
    assert!(
        message(&app).contains("2 sections changed"),
        "{}",
        message(&app)
    );
    press(&mut app, "3 D");
    let s = screen(&app);
    assert!(s.contains("3/5 Political reaction"), "{s}");
    press(&mut app, "n");
    assert!(
        screen(&app).contains("Warnings before [-the build-]{+construction+}"),
        "{}",
        screen(&app)
    );
    press(&mut app, "c");
    let s = screen(&app);
    assert!(
        s.contains("Changes · esc closes · 4/5 Trade deficit"),
        "{s}"
    );
    assert!(s.contains("[-€9.1 bn-] → {+€9.4 bn+}"), "{s}");
    // Help opens over the view and closes back to it.
    press(&mut app, "?");
    assert!(app.help_open());
    press(&mut app, "esc");
    assert!(!app.help_open() && app.changes.is_some());
    press(&mut app, "q");
    assert!(app.changes.is_none(), "q closes the view, not brief");
}

#[test]
fn the_mouse_wheel_scrolls_the_view() {
    use ratatui::crossterm::event::{KeyModifiers, MouseEvent, MouseEventKind};
    let (dir, path) = setup();
    let settings = Settings {
        store: Some(Store::new(dir.path().join("state"))),
        mouse: true,
        ..common::settings()
    };
    let mut app = App::with_briefing(
        settings,
        loader::load_path(&path).expect("valid"),
        "copy.toml".to_owned(),
        Some(path.clone()),
        Rect::new(0, 0, 80, 24),
    );
    read_section_4(&mut app);
    edit_the_figure(&mut app, &path);
    press(&mut app, "4 D");
    let wheel = |kind| {
        Event::Mouse(MouseEvent {
            kind,
            column: 10,
            row: 10,
            modifiers: KeyModifiers::NONE,
        })
    };
    app.handle(wheel(MouseEventKind::ScrollDown));
    assert_eq!(app.changes.as_ref().map(|v| v.top), Some(3));
    app.handle(wheel(MouseEventKind::ScrollUp));
    assert_eq!(app.changes.as_ref().map(|v| v.top), Some(0));
    // A click does nothing under the view.
    let before = app.reader().map(|r| r.view.top);
    app.handle(wheel(MouseEventKind::Down(
        ratatui::crossterm::event::MouseButton::Left,
    )));
    assert!(app.changes.is_some());
    assert_eq!(app.reader().map(|r| r.view.top), before);
}

#[test]
fn a_40_column_phone_terminal_shows_both_values_whole() {
    let (dir, path) = setup();
    let mut app = open(
        &path,
        dir.path(),
        (40, 20),
        ColorMode::Monochrome,
        Glyphs::UNICODE,
    );
    read_section_4(&mut app);
    edit_the_figure(&mut app, &path);
    press(&mut app, "4 D");
    let s = screen(&app);
    // The fact wraps under its label, each value whole and marked.
    assert!(s.contains("Belgian deficit, 2022: [-€9.1 bn-] →"), "{s}");
    assert!(s.contains("┃   {+€9.4 bn+}"), "{s}");
}

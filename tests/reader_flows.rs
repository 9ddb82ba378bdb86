//! Key scripts through the real dispatch path (`App::handle`): what a
//! reader does, and what they then see.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod common;

use brief::app::reader::Focus;
use brief::app::{App, Event, Outcome, Screen};
use brief::model::Part;
use common::{library, press, reader, screen, type_text};
use ratatui::style::Modifier;

fn state(app: &App) -> &brief::app::reader::ReaderState {
    app.reader().expect("a briefing is open")
}

#[test]
fn section_keys_jump_and_scroll_spy_follows() {
    let mut app = reader(120, 40);
    press(&mut app, "3");
    assert_eq!(state(&app).current_part(), Part::Section(2));
    let s = screen(&app);
    assert!(s.contains("Reading · 3/5 Political reaction"), "{s}");
    assert!(s.contains("3 Political"));
    // The outline marks section 3 as the one being read.
    let marked = s
        .lines()
        .find(|l| l.contains("▶"))
        .expect("a marked outline entry");
    assert!(marked.contains("3 Political"), "{marked}");
    // The sidebar shows section 3's facts.
    assert!(s.contains("Key facts · 3"), "{s}");

    press(&mut app, "]");
    assert_eq!(state(&app).current_part(), Part::Section(3));
    press(&mut app, "[ [");
    assert_eq!(state(&app).current_part(), Part::Section(1));
}

#[test]
fn scrolling_line_by_line_moves_the_mark_into_the_next_section() {
    let mut app = reader(120, 40);
    press(&mut app, "1");
    let start = state(&app).view.top;
    let section2 = state(&app)
        .doc
        .line_of_part(Part::Section(1))
        .expect("section 2");
    for _ in start..section2 {
        press(&mut app, "j");
    }
    assert_eq!(state(&app).view.top, section2);
    assert_eq!(state(&app).current_part(), Part::Section(1));
    assert!(screen(&app).contains("Key facts · 2"));
    press(&mut app, "k");
    assert_eq!(state(&app).current_part(), Part::Section(0));
}

#[test]
fn paging_keys_and_ends() {
    let mut app = reader(80, 24);
    let page = state(&app).view.page_height;
    press(&mut app, "space");
    assert_eq!(state(&app).view.top, page - 1);
    press(&mut app, "b");
    assert_eq!(state(&app).view.top, 0);
    press(&mut app, "ctrl-d");
    assert_eq!(state(&app).view.top, page / 2);
    press(&mut app, "ctrl-u");
    assert_eq!(state(&app).view.top, 0);
    press(&mut app, "G");
    assert_eq!(state(&app).percent(), 100);
    assert!(screen(&app).contains("· 100%"));
    press(&mut app, "g");
    assert_eq!(state(&app).view.top, 0);
}

#[test]
fn tab_moves_focus_and_the_outline_jumps_on_enter() {
    let mut app = reader(120, 40);
    press(&mut app, "tab");
    assert_eq!(state(&app).focus, Focus::Facts);
    press(&mut app, "tab");
    assert_eq!(state(&app).focus, Focus::Outline);
    // In the outline, j moves the selection, not the text.
    let top = state(&app).view.top;
    press(&mut app, "j j j");
    assert_eq!(state(&app).view.top, top);
    let selected = state(&app).outline.selected;
    let entry = state(&app).outline.entries[selected].clone();
    press(&mut app, "enter");
    assert_eq!(state(&app).view.top, entry.line);
    assert_eq!(state(&app).focus, Focus::Reader);
    press(&mut app, "shift-tab");
    assert_eq!(state(&app).focus, Focus::Outline);
}

#[test]
fn focused_pane_is_visible_without_colour() {
    let mut app = reader(120, 40);
    let before = screen(&app);
    assert!(
        before.contains("┏ Reading"),
        "the focused reading pane has a heavy border"
    );
    press(&mut app, "tab tab");
    let after = screen(&app);
    assert!(after.contains("┏ Outline"), "{after}");
    assert!(after.contains("┌ Reading"), "{after}");
}

#[test]
fn panes_toggle_and_fold_by_width() {
    let mut app = reader(120, 40);
    press(&mut app, "f");
    assert!(!screen(&app).contains("Key facts"));
    press(&mut app, "f o");
    let s = screen(&app);
    assert!(s.contains("Key facts") && !s.contains("Outline"));
    press(&mut app, "o z");
    let s = screen(&app);
    assert!(!s.contains("Key facts") && !s.contains("Outline"));
    press(&mut app, "z");
    let s = screen(&app);
    assert!(s.contains("Key facts") && s.contains("Outline"));
}

#[test]
fn narrow_overlays_open_close_and_jump() {
    let mut app = reader(40, 20);
    press(&mut app, "o");
    assert_eq!(state(&app).focus, Focus::Outline);
    assert!(screen(&app).contains("Outline"));
    press(&mut app, "j j enter");
    assert!(!screen(&app).contains("┏ Outline"));
    assert_eq!(state(&app).focus, Focus::Reader);
    press(&mut app, "f");
    assert!(screen(&app).contains("Key facts"));
    press(&mut app, "esc");
    assert!(!screen(&app).contains("Key facts"));
}

#[test]
fn resize_keeps_the_paragraph() {
    let mut app = reader(120, 40);
    press(&mut app, "4 j j j");
    let anchor = state(&app).doc.lines.anchor(state(&app).view.top);
    app.handle(Event::Resize(40, 20));
    assert_eq!(state(&app).doc.lines.anchor(state(&app).view.top), anchor);
    assert_eq!(state(&app).current_part(), Part::Section(3));
    app.handle(Event::Resize(200, 60));
    assert_eq!(state(&app).doc.lines.anchor(state(&app).view.top), anchor);
}

#[test]
fn help_lists_keys_from_the_keymap_and_closes() {
    let mut app = reader(120, 40);
    press(&mut app, "?");
    let s = screen(&app);
    assert!(s.contains("Quit brief") && s.contains("q ctrl-c"), "{s}");
    press(&mut app, "q");
    assert!(!app.help_open(), "q closes the help, like less");
    assert_eq!(press(&mut app, "q"), Outcome::Quit);
}

#[test]
fn unbound_keys_say_so() {
    let mut app = reader(80, 24);
    press(&mut app, "x");
    assert!(screen(&app).contains("x does nothing here; ? lists the keys"));
}

#[test]
fn library_opens_and_returns() {
    let mut app = library(80, 24);
    let s = screen(&app);
    assert!(
        s.contains("Alibaba's Liège hub under Belgian watch") && s.contains("Meeting pack"),
        "{s}"
    );
    assert!(s.contains("5 sections") && s.contains("OFFICIAL"));
    press(&mut app, "enter");
    assert!(matches!(app.screen, Screen::Reader(_)));
    press(&mut app, "backspace");
    assert!(matches!(app.screen, Screen::Library));
    // Sorted by title: the Markdown background note comes between them.
    press(&mut app, "j j enter");
    assert!(screen(&app).contains("Meeting pack"));
}

#[test]
fn typing_in_the_library_filters() {
    let mut app = library(80, 24);
    type_text(&mut app, "Meeting pack");
    let library = app.library.as_ref().expect("library");
    assert_eq!(library.visible.len(), 1);
    press(&mut app, "enter enter");
    assert!(state(&app).briefing.title.starts_with("Meeting pack"));
}

#[test]
fn library_filter_searches_full_text_and_clears() {
    let mut app = library(80, 24);
    press(&mut app, "/");
    type_text(&mut app, "Is Alibaba spying");
    assert_eq!(app.library.as_ref().map(|l| l.visible.len()), Some(1));
    press(&mut app, "esc");
    assert_eq!(app.library.as_ref().map(|l| l.visible.len()), Some(3));
}

#[test]
fn search_across_wrapped_lines_with_n_and_wrap_around() {
    let mut app = reader(120, 40);
    press(&mut app, "/");
    type_text(&mut app, "any wrongdoing");
    press(&mut app, "enter");
    let search = state(&app).search.clone().expect("a search");
    assert!(
        search.matches.iter().any(|m| m.ranges.len() > 1),
        "a match spans two lines"
    );
    let total = search.stops.len();
    assert!(total >= 3);
    for _ in 1..total {
        press(&mut app, "n");
    }
    assert!(screen(&app).contains(&format!("match {total} of {total}")));
    press(&mut app, "n");
    assert!(screen(&app).contains("match 1 of"), "{}", screen(&app));
    assert!(screen(&app).contains("wrapped around to the top"));
    press(&mut app, "N");
    assert!(screen(&app).contains("wrapped around to the end"));
    press(&mut app, "esc");
    assert!(state(&app).search.is_none());
}

#[test]
fn smartcase() {
    let mut app = reader(120, 40);
    press(&mut app, "/");
    type_text(&mut app, "cainiao");
    let insensitive = state(&app).search.as_ref().map(|s| s.matches.len());
    press(&mut app, "esc /");
    type_text(&mut app, "CAINIAO");
    let sensitive = state(&app).search.as_ref().map(|s| s.matches.len());
    assert!(insensitive > Some(3));
    assert_eq!(sensitive, Some(0));
}

#[test]
fn matches_are_highlighted_without_colour() {
    let mut app = reader(120, 40);
    press(&mut app, "/");
    type_text(&mut app, "Liège");
    let area = app.area;
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(area.width, area.height))
            .expect("terminal");
    terminal.draw(|f| brief::ui::render(&app, f)).expect("draw");
    let buffer = terminal.backend().buffer();
    let reversed = (0..area.height)
        .flat_map(|y| (0..area.width).map(move |x| (x, y)))
        .filter(|(x, y)| {
            buffer[(*x, *y)].symbol() == "è"
                && buffer[(*x, *y)].modifier.contains(Modifier::REVERSED)
        })
        .count();
    assert!(reversed >= 2, "matches in reverse video");
}

#[test]
fn search_escape_returns_to_where_it_started() {
    let mut app = reader(120, 40);
    press(&mut app, "2");
    let top = state(&app).view.top;
    press(&mut app, "/");
    type_text(&mut app, "tariff");
    assert_ne!(state(&app).view.top, top);
    press(&mut app, "esc");
    assert_eq!(state(&app).view.top, top);
}

#[test]
fn resize_bursts_are_cheap_and_never_panic() {
    let mut app = reader(120, 40);
    for (w, h) in [
        (0, 0),
        (1, 1),
        (19, 5),
        (20, 6),
        (500, 200),
        (40, 15),
        (80, 24),
    ] {
        app.handle(Event::Resize(w, h));
        let _ = screen(&app);
        press(&mut app, "o f ? esc ] G");
    }
}

#[test]
fn a_window_too_small_to_draw_keeps_the_layout() {
    let mut app = reader(80, 24);
    press(&mut app, "3");
    let width = state(&app).doc.lines.width();
    let part = state(&app).current_part();
    app.handle(Event::Resize(0, 0));
    assert_eq!(state(&app).doc.lines.width(), width, "no re-layout at 0x0");
    assert!(screen(&app).is_empty() || !screen(&app).contains("POLITICAL"));
    app.handle(Event::Resize(80, 24));
    assert_eq!(state(&app).current_part(), part);
}

#[test]
fn search_folds_accents_and_finds_notes() {
    let mut app = reader(120, 40);
    // `liege` finds Liège in the text.
    press(&mut app, "/");
    type_text(&mut app, "liege");
    press(&mut app, "enter");
    let s = screen(&app);
    assert!(!s.contains("no match"), "{s}");
    press(&mut app, "esc");

    // A note on section 4 is searched too: `n` goes to that section and
    // the status line says the match is in the note.
    press(&mut app, "4 a");
    type_text(&mut app, "ask about the Zürich figure");
    press(&mut app, "ctrl-s g");
    press(&mut app, "/");
    type_text(&mut app, "zurich");
    press(&mut app, "enter");
    assert_eq!(state(&app).current_part(), Part::Section(3));
    let s = screen(&app);
    assert!(s.contains("in your note"), "{s}");
    assert!(s.contains("Zürich"), "the note is shown: {s}");
}

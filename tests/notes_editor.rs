//! The note editor through the real dispatch path: save and cancel are
//! distinct keys from the keymap's `[editor]` context, cancel never throws
//! typing away on one key, a keymap can never lock the reader in, and the
//! text wraps at word boundaries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod common;

use brief::app::{App, Settings};
use brief::keymap::Keymap;
use common::{press, screen, type_text};

fn note(app: &App) -> Option<String> {
    app.reader()
        .and_then(|r| r.marks.notes.get("espionage"))
        .map(|n| n.text.clone())
}

fn editing(app: &App) -> bool {
    app.reader().is_some_and(|r| r.note_editor.is_some())
}

#[test]
fn ctrl_s_saves_and_esc_cancels_asking_first_when_text_changed() {
    let mut app = common::reader(80, 24);
    press(&mut app, "1 a");
    let s = screen(&app);
    assert!(
        s.contains("ctrl-s saves") && s.contains("esc cancels"),
        "{s}"
    );
    type_text(&mut app, "ask about the lease");
    press(&mut app, "esc");
    assert!(editing(&app), "one esc threw the typing away");
    assert!(
        common::message(&app).contains("esc again discards them, ctrl-s saves"),
        "{}",
        common::message(&app)
    );
    assert!(screen(&app).contains("esc again discards"));
    // Typing on clears the question; esc asks again.
    type_text(&mut app, " terms");
    press(&mut app, "esc");
    assert!(editing(&app));
    press(&mut app, "esc");
    assert!(!editing(&app));
    assert_eq!(note(&app), None, "a cancelled note was kept");
    assert_eq!(common::message(&app), "changes to the note discarded");

    // Nothing typed: esc closes at once.
    press(&mut app, "a esc");
    assert!(!editing(&app));
    // ctrl-s saves.
    press(&mut app, "a");
    type_text(&mut app, "ask about the lease");
    press(&mut app, "ctrl-s");
    assert!(!editing(&app));
    assert_eq!(note(&app).as_deref(), Some("ask about the lease"));
}

/// The app with a user keymap holding `text`.
fn with_keymap(text: &str) -> App {
    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("keymap.toml");
    std::fs::write(&path, text).expect("keymap");
    let (keymap, keymap_errors) = Keymap::load(Some(&path));
    let settings = Settings {
        keymap,
        keymap_errors,
        ..common::settings()
    };
    common::reader_with(settings, 80, 24)
}

#[test]
fn the_editor_keys_come_from_the_keymap() {
    let mut app = with_keymap("[editor]\nsave_note = \"ctrl-o\"\ncancel_note = \"ctrl-g\"\n");
    press(&mut app, "1 a");
    let s = screen(&app);
    assert!(
        s.contains("ctrl-o saves") && s.contains("ctrl-g cancels"),
        "{s}"
    );
    // esc is no longer cancel: it does nothing to the text.
    type_text(&mut app, "kept");
    press(&mut app, "esc ctrl-o");
    assert!(!editing(&app));
    assert_eq!(note(&app).as_deref(), Some("kept"));
    // The help lists the editor's keys.
    press(&mut app, "?");
    let mut help = screen(&app);
    for _ in 0..20 {
        if help.contains("Note editor") {
            break;
        }
        press(&mut app, "pagedown");
        help = screen(&app);
    }
    assert!(help.contains("Note editor"), "{help}");
}

#[test]
fn a_keymap_leaving_save_and_cancel_without_keys_cannot_lock_the_reader_in() {
    let mut app = with_keymap("[editor]\nsave_note = []\ncancel_note = []\n");
    press(&mut app, "1 a");
    type_text(&mut app, "still saved");
    press(&mut app, "ctrl-s");
    assert!(!editing(&app), "ctrl-s must still save");
    assert_eq!(note(&app).as_deref(), Some("still saved"));
    press(&mut app, "a esc");
    assert!(!editing(&app), "esc must still cancel");
}

#[test]
fn the_note_wraps_at_word_boundaries_at_80x24() {
    let mut app = common::reader(80, 24);
    press(&mut app, "1 a");
    // Words found nowhere in the briefing, so only the note can show them.
    let words: Vec<String> = (1..=24).map(|i| format!("qz{i:02}word")).collect();
    type_text(&mut app, &words.join(" "));
    let s = screen(&app);
    // Every word typed is on screen whole: none is cut across two rows.
    for word in &words {
        assert!(s.contains(word.as_str()), "{word} cut:\n{s}");
    }
}

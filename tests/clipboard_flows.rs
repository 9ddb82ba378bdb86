//! The copy keys through the real dispatch path on `TestBackend`: what
//! they ask the runtime to copy, what the status line says (insta
//! snapshots at 80x24 and 60x20), and why nothing is copied when it is
//! not.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod common;

use brief::app::{App, Effect, Event};
use brief::clipboard::{Features, Off, Osc52};
use common::{key, message, press, reader, screen, settings};
use ratatui::layout::Rect;

/// A terminal that takes copies and links.
fn on() -> Features {
    Features {
        clipboard: Ok(Osc52 { tmux: false }),
        hyperlinks: true,
    }
}

/// Presses `name` and returns the texts it asks to copy.
fn copies(app: &mut App, name: &str) -> Vec<String> {
    let step = app.update(Event::Key(key(name)), 1_750_000_000_000);
    step.effects
        .into_iter()
        .filter_map(|effect| match effect {
            Effect::Copy { text } => Some(text),
            _ => None,
        })
        .collect()
}

#[test]
fn the_copy_message_at_80x24_and_60x20() {
    for (width, height) in [(80, 24), (60, 20)] {
        let mut app = reader(width, height);
        app.features = on();
        press(&mut app, "2");
        let copied = copies(&mut app, "y");
        assert_eq!(copied.len(), 1);
        assert!(copied[0].starts_with("2  "), "{:?}", copied[0]);
        assert!(
            message(&app).starts_with("Copied section 2 ("),
            "{}",
            message(&app)
        );
        insta::assert_snapshot!(format!("copied_section_{width}x{height}"), screen(&app));
    }
}

#[test]
fn the_section_copied_is_plain_text_with_its_facts() {
    let mut app = reader(80, 24);
    app.features = on();
    press(&mut app, "4");
    let text = copies(&mut app, "y").remove(0);
    // Plain: no escape, no style, nothing but text and line breaks.
    assert!(
        text.chars().all(|c| c == '\n' || !c.is_control()),
        "{text:?}"
    );
    assert!(text.contains("Key facts"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    assert!(!text.starts_with('\n') && text.ends_with('\n'));
}

#[test]
fn in_the_key_facts_pane_y_copies_the_fact_at_its_top() {
    let mut app = reader(120, 40);
    app.features = on();
    press(&mut app, "4 tab");
    let copied = copies(&mut app, "y");
    assert_eq!(copied.len(), 1);
    let fact = &copied[0];
    assert!(fact.contains(": ") && !fact.contains('\n'), "{fact:?}");
    assert!(
        message(&app).starts_with("Copied the fact "),
        "{}",
        message(&app)
    );
    assert!(
        fact.starts_with(
            message(&app)
                .trim_start_matches("Copied the fact \u{201c}")
                .split('\u{201d}')
                .next()
                .expect("a label")
        )
    );
}

#[test]
fn capital_y_copies_the_one_page_brief() {
    let mut app = reader(80, 24);
    app.features = on();
    let copied = copies(&mut app, "Y");
    assert_eq!(copied.len(), 1);
    assert!(copied[0].contains("Liège"), "{}", copied[0]);
    assert!(message(&app).starts_with("Copied the one-page brief ("));
}

#[test]
fn where_copying_is_off_nothing_is_asked_and_the_reason_is_given() {
    for (off, says) in [
        (Off::Ascii, "copying is off in ASCII mode"),
        (Off::DumbTerminal, "TERM=dumb"),
        (Off::Setting, "clipboard = false or --no-clipboard"),
    ] {
        let mut app = reader(80, 24);
        app.features = Features {
            clipboard: Err(off),
            hyperlinks: false,
        };
        assert!(copies(&mut app, "y").is_empty());
        assert!(copies(&mut app, "Y").is_empty());
        assert!(
            message(&app).starts_with("nothing copied: "),
            "{}",
            message(&app)
        );
        assert!(message(&app).contains(says), "{}", message(&app));
    }
}

#[test]
fn a_section_beyond_the_cap_is_not_copied_at_all() {
    let text = brief::testdata::generate(&brief::testdata::Spec::new(600_000, 3));
    let briefing = brief::loader::load_str("big.toml", &text).expect("valid");
    let mut app = App::with_briefing(
        settings(),
        briefing,
        "big.toml".to_owned(),
        None,
        Rect::new(0, 0, 80, 24),
    );
    app.features = on();
    press(&mut app, "1");
    assert!(copies(&mut app, "y").is_empty());
    let said = message(&app);
    assert!(said.starts_with("nothing copied: section 1 is "), "{said}");
    assert!(
        said.contains("more than the 100 KB a copy may carry"),
        "{said}"
    );
}

#[test]
fn in_the_library_the_copy_keys_say_what_to_do() {
    let mut app = common::library(80, 24);
    app.features = on();
    assert!(copies(&mut app, "y").is_empty());
    assert_eq!(message(&app), "open a briefing to copy from it");
}

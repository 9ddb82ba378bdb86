//! Whole screens on `TestBackend` at the sizes staff use (wide, 80x24, a
//! 40-column phone), reviewed as insta snapshots.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod common;

use common::{library, press, reader, screen, type_text};

#[test]
fn library_screens() {
    for (width, height) in [(120, 40), (80, 24), (40, 20)] {
        let app = library(width, height);
        insta::assert_snapshot!(format!("library_{width}x{height}"), screen(&app));
    }
}

#[test]
fn library_filtered() {
    let mut app = library(80, 24);
    type_text(&mut app, "meeting");
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn reader_at_the_top() {
    for (width, height) in [(120, 40), (80, 24), (60, 20), (40, 20)] {
        let app = reader(width, height);
        insta::assert_snapshot!(format!("reader_top_{width}x{height}"), screen(&app));
    }
}

#[test]
fn reader_mid_briefing() {
    for (width, height) in [(120, 40), (80, 24), (60, 20), (40, 20)] {
        let mut app = reader(width, height);
        press(&mut app, "4 j j");
        insta::assert_snapshot!(format!("reader_section4_{width}x{height}"), screen(&app));
    }
}

#[test]
fn help_overlay() {
    for (width, height) in [(120, 40), (80, 24), (60, 20), (40, 20)] {
        let mut app = reader(width, height);
        press(&mut app, "?");
        insta::assert_snapshot!(format!("help_{width}x{height}"), screen(&app));
    }
}

#[test]
fn note_editor() {
    for (width, height) in [(80, 24), (60, 20)] {
        let mut app = reader(width, height);
        press(&mut app, "2 a");
        type_text(
            &mut app,
            "Ask who holds the lease on the Liege hangar, and for how long",
        );
        insta::assert_snapshot!(format!("note_editor_{width}x{height}"), screen(&app));
    }
}

#[test]
fn narrow_overlays() {
    let mut app = reader(40, 20);
    press(&mut app, "2 o");
    insta::assert_snapshot!("narrow_outline_40x20", screen(&app));
    press(&mut app, "esc 4 f");
    insta::assert_snapshot!("narrow_facts_40x20", screen(&app));
}

#[test]
fn key_facts_are_in_sight_from_60_columns_without_a_key() {
    for (width, height) in [(80, 24), (60, 20)] {
        let mut app = reader(width, height);
        press(&mut app, "4");
        let shown = screen(&app);
        for label in ["Belgian deficit, 2021", "Belgian deficit, 2022"] {
            assert!(shown.contains(label), "{width}x{height}:\n{shown}");
        }
    }
}

#[test]
fn the_title_part_shows_the_briefing_level_facts() {
    let shown = screen(&reader(120, 40));
    assert!(shown.contains("Hub operator"), "{shown}");
    assert!(!shown.contains("No key facts"), "{shown}");
}

#[test]
fn below_60_columns_the_status_line_says_how_to_see_the_facts() {
    let mut app = reader(40, 20);
    press(&mut app, "4");
    let shown = screen(&app);
    let status = shown.lines().last().unwrap_or_default();
    assert!(status.contains("4 facts: f"), "{status}");
    assert!(
        status.trim_end().ends_with('?'),
        "the way to the help stays: {status}"
    );
}

#[test]
fn medium_outline_overlay() {
    let mut app = reader(80, 24);
    press(&mut app, "4 o");
    insta::assert_snapshot!("medium_outline_80x24", screen(&app));
    // Hiding the sidebar brings the outline back beside the text.
    press(&mut app, "esc f");
    insta::assert_snapshot!("medium_facts_hidden_80x24", screen(&app));
}

#[test]
fn search_highlights_in_all_panes() {
    let mut app = reader(120, 40);
    press(&mut app, "/");
    type_text(&mut app, "trade deficit");
    insta::assert_snapshot!("search_typing_120x40", screen(&app));
}

#[test]
fn too_small() {
    let app = reader(19, 5);
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn keymap_errors_are_shown_and_quit_still_works() {
    let source = "[global]\nquit = \"qq\"\nhelpp = \"h\"\n[reader]\nscroll_down = [\"x\", \"x\"]\n";
    let (keymap, errors) = brief::keymap::Keymap::with_overrides("my-keys.toml", source);
    assert!(errors.len() >= 2, "{errors:?}");
    let settings = brief::app::Settings {
        keymap,
        keymap_errors: errors,
        ..common::settings()
    };
    let mut app = common::reader_with(settings, 80, 24);
    let first = screen(&app);
    assert!(first.contains("my-keys.toml:2:"), "{first}");
    insta::assert_snapshot!("keymap_errors_status_80x24", first);
    press(&mut app, "?");
    insta::assert_snapshot!("keymap_errors_help_80x24", screen(&app));
    press(&mut app, "esc");
    assert_eq!(press(&mut app, "q"), brief::app::Outcome::Quit);
}

#[test]
fn a_user_keymap_rebinds_keys_and_the_help_shows_it() {
    let source = "[global]\nnext_section = \"J\"\nquit = [\"Q\"]\n";
    let (keymap, errors) = brief::keymap::Keymap::with_overrides("mine.toml", source);
    assert!(errors.is_empty(), "{errors:?}");
    let settings = brief::app::Settings {
        keymap,
        ..common::settings()
    };
    let mut app = common::reader_with(settings, 120, 40);
    press(&mut app, "J");
    assert!(screen(&app).contains("Reading · Bottom line"));
    assert_ne!(press(&mut app, "q"), brief::app::Outcome::Quit);
    press(&mut app, "?");
    let help = screen(&app);
    assert!(
        help.contains("J ") && help.contains("Go to the next section"),
        "{help}"
    );
    press(&mut app, "esc");
    assert_eq!(press(&mut app, "Q"), brief::app::Outcome::Quit);
}

#[test]
fn export_dialog() {
    use brief::app::export_dialog::ExportPlace;
    use brief::app::{Done, Event};
    use std::path::PathBuf;
    // A fixed home, so the path shown is the same on every machine.
    let settings = || brief::app::Settings {
        export: ExportPlace::Ask {
            dir: PathBuf::from("/home/ana/Documents"),
            home: Some(PathBuf::from("/home/ana")),
        },
        ..common::settings()
    };
    for (width, height) in [(80, 24), (60, 20)] {
        let mut app = common::reader_with(settings(), width, height);
        press(&mut app, "E");
        insta::assert_snapshot!(format!("export_dialog_{width}x{height}"), screen(&app));
        // Markdown, and the offer of a free name after a taken one.
        press(&mut app, "tab");
        app.handle(Event::Done(Done::Exported(Err(
            brief::export::ExportError::Exists {
                path: PathBuf::from("/home/ana/Documents/alibaba-liege-brief.md"),
                free: Some(PathBuf::from(
                    "/home/ana/Documents/alibaba-liege-brief-2.md",
                )),
            },
        ))));
        insta::assert_snapshot!(
            format!("export_dialog_taken_{width}x{height}"),
            screen(&app)
        );
    }
}

//! What the reader says when the open briefing changes on disk: an error
//! about a half-written file goes once the file is valid again.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod common;

use std::fs;

use brief::app::{App, Event};
use brief::loader;
use ratatui::layout::Rect;

#[test]
fn an_error_about_a_half_written_file_goes_when_it_is_whole_again() {
    let home = tempfile::tempdir().expect("temp");
    let path = home.path().join("b.toml");
    let text = fs::read_to_string(common::root().join("briefings/alibaba-liege.toml"))
        .expect("shipped briefing");
    fs::write(&path, &text).expect("copy");
    let mut app = App::with_briefing(
        common::settings(),
        loader::load_path(&path).expect("valid"),
        "b.toml".to_owned(),
        Some(path.clone()),
        Rect::new(0, 0, 120, 30),
    );
    // Recreated in two writes: the first half alone is not valid.
    fs::write(&path, &text[..text.len() / 2]).expect("first half");
    app.handle(Event::FileChanged("b.toml".into()));
    assert!(
        common::message(&app).contains("showing the last good version"),
        "{}",
        common::message(&app)
    );
    // The same content as before, whole again.
    fs::write(&path, &text).expect("whole");
    app.handle(Event::FileChanged("b.toml".into()));
    assert!(
        !common::message(&app).contains("showing the last good version"),
        "a stale error stays: {}",
        common::message(&app)
    );
    assert_eq!(common::message(&app), "the briefing on disk is valid again");
}

//! Shared helpers for tests that drive the app on a `TestBackend`: keys in,
//! screen out, through the same dispatch path the terminal uses.
#![allow(dead_code)]

use std::path::Path;

use brief::app::library::LibraryState;
use brief::app::{App, Event, Outcome, Settings};
use brief::glyphs::Glyphs;
use brief::keymap::Keymap;
use brief::loader;
use brief::theme::{ColorMode, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

/// The crate root, where `briefings/` lives.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Default settings: default keys, monochrome (so snapshots show only text).
pub fn settings() -> Settings {
    Settings {
        keymap: Keymap::defaults(),
        keymap_errors: Vec::new(),
        theme: Theme::new(ColorMode::Monochrome),
        glyphs: Glyphs::UNICODE,
        store: None,
        mouse: false,
        export: brief::app::export_dialog::ExportPlace::Ask {
            dir: std::env::temp_dir(),
            home: None,
        },
    }
}

/// The app reading the shipped Liège briefing in a window of the given size.
pub fn reader(width: u16, height: u16) -> App {
    reader_with(settings(), width, height)
}

/// The app reading the shipped Liège briefing with `settings`.
pub fn reader_with(settings: Settings, width: u16, height: u16) -> App {
    let path = root().join("briefings/alibaba-liege.toml");
    let briefing = loader::load_path(&path).expect("the shipped briefing is valid");
    App::with_briefing(
        settings,
        briefing,
        "alibaba-liege.toml".to_owned(),
        Some(path),
        Rect::new(0, 0, width, height),
    )
}

/// The app on the library of shipped briefings.
pub fn library(width: u16, height: u16) -> App {
    // Relative, as a user types it: the header shows it.
    let library = LibraryState::open(Path::new("briefings")).expect("briefings folder");
    App::with_library(settings(), library, Rect::new(0, 0, width, height))
}

/// One key event from a readable name: `j`, `G`, `enter`, `ctrl-d`,
/// `shift-tab`, `space`, `esc`, `backspace`, `up`, `down`.
pub fn key(name: &str) -> KeyEvent {
    let (modifiers, rest) = if let Some(r) = name.strip_prefix("ctrl-") {
        (KeyModifiers::CONTROL, r)
    } else {
        (KeyModifiers::NONE, name)
    };
    let code = match rest {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "shift-tab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "space" => KeyCode::Char(' '),
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "pagedown" => KeyCode::PageDown,
        "pageup" => KeyCode::PageUp,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        other => {
            let mut chars = other.chars();
            let c = chars.next().expect("a key name");
            assert!(chars.next().is_none(), "unknown key name {other:?}");
            KeyCode::Char(c)
        }
    };
    let modifiers = if rest == "shift-tab" {
        KeyModifiers::SHIFT
    } else {
        modifiers
    };
    KeyEvent::new(code, modifiers)
}

/// Presses space-separated keys; returns the last outcome.
pub fn press(app: &mut App, keys: &str) -> Outcome {
    let mut outcome = Outcome::Idle;
    for name in keys.split_whitespace() {
        outcome = app.handle(Event::Key(key(name)));
    }
    outcome
}

thread_local! {
    /// The time of the last key pressed by [`press_reading`].
    static READING_CLOCK: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Presses space-separated keys at a reader's pace: each a minute after
/// the one before, on a clock of the test's own (reading time is credited
/// to what is on screen between keys), so no test sleeps.
pub fn press_reading(app: &mut App, keys: &str) -> Outcome {
    use brief::runtime::Clock;
    let mut outcome = Outcome::Idle;
    for name in keys.split_whitespace() {
        let now = READING_CLOCK.with(|clock| {
            let now = clock.get().max(brief::runtime::SystemClock.now_ms()) + 60_000;
            clock.set(now);
            now
        });
        outcome = app.handle_at(Event::Key(key(name)), now);
    }
    outcome
}

/// Types text into whatever line is open (search, filter).
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.handle(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    }
}

/// Draws the app and returns the screen as lines of text.
pub fn screen(app: &App) -> String {
    let area = app.area;
    let mut terminal =
        Terminal::new(TestBackend::new(area.width, area.height)).expect("test backend");
    terminal
        .draw(|frame| brief::ui::render(app, frame))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        for x in 0..area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The status line's message, or "" when there is none.
pub fn message(app: &App) -> String {
    app.message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

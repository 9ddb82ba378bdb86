//! Property: at any size from 0x0 to 500x200, after any sequence of
//! resizes and keys, every screen and overlay (library, reader, help,
//! outline and facts overlays, search open, too small) renders through the
//! real dispatch path (`App::handle`, then `ui::render` on `TestBackend`)
//! without panicking, and nothing drawn reaches past the window's edge.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod common;

use std::path::Path;

use brief::app::library::LibraryState;
use brief::app::{App, Event};
use brief::loader;
use brief::model::Briefing;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::CellWidth;
use ratatui::layout::Rect;

/// CJK, emoji with ZWJ sequences and flags, combining marks, right-to-left
/// letters, German quotes and an unbreakable word: the text that overflows
/// when widths are wrong.
const WIDE: &str = r#"
title = "比利时情报机构监视阿里巴巴 👩‍👩‍👧‍👦 🇧🇪🇨🇳 „Zeit der Naivität“"
subtitle = "Ле́ж — שלום مرحبا — e\u0301\u0302\u0303 — Donaudampfschifffahrtsgesellschaftskapitänswitwe"
classification = "機密 🔒"
tags = ["中文", "🇪🇺"]
summary = """
比利时情报机构监视阿里巴巴在列日的物流中心。👨‍💻👩🏽‍🔬🏳️‍🌈 Unbreakable: \
Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz_und_noch_viel_mehr_ohne_Pause.
"""

[[facts]]
label = "貿易赤字 🇧🇪"
value = "€9,1 Mrd. — „deutlich“ ゆ゙"
as_of = "２０２２"
source = "nbb"

[[sections]]
title = "中文标题很长很长很长很长很长很长很长很长很长"
body = """
### 小标题 👩‍👩‍👧

Text with e\u0301 and ﷽ and 𒐫 and a tab\there.

```
代码块 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀
```

> 引用 „Anführung“ 🇯🇵🇰🇷🇨🇳

- 列表 👍🏿
  - 嵌套 ‍
"""
sources = ["nbb"]

  [[sections.charts]]
  title = "赤字 📈"
  unit = "€ 十亿"
  source = "nbb"
  points = [ { label = "二〇二一", value = 3.7 }, { label = "👩‍👩‍👧", value = 9.1 }, { label = "x", value = 0.0 } ]

[[sources]]
id = "nbb"
title = "Nationale Bank van België / Banque nationale 🇧🇪"
publisher = "比利时国家银行"
url = "https://www.nbb.be/中文/path?query=„x“"
"#;

/// The two briefings the property runs on, loaded once per thread.
fn briefings() -> [(Briefing, &'static str); 2] {
    thread_local! {
        static LOADED: [(Briefing, &'static str); 2] = [
            (
                loader::load_path(&common::root().join("briefings/alibaba-liege.toml"))
                    .expect("the shipped briefing is valid"),
                "alibaba-liege.toml",
            ),
            (loader::load_str("wide.toml", WIDE).expect("the wide briefing is valid"), "wide.toml"),
        ];
    }
    LOADED.with(Clone::clone)
}

fn library() -> LibraryState {
    thread_local! {
        static LIBRARY: LibraryState =
            LibraryState::open(Path::new("briefings")).expect("briefings folder");
    }
    LIBRARY.with(Clone::clone)
}

/// Where a case starts.
#[derive(Debug, Clone, Copy)]
enum Start {
    Library,
    Reader(usize),
}

/// One step of a case.
#[derive(Debug, Clone)]
enum Step {
    Resize(u16, u16),
    Keys(&'static str),
    Type(String),
}

/// Keys that open every overlay and screen and move around in them.
const KEYS: &[&str] = &[
    "j",
    "k",
    "G",
    "g",
    "space",
    "b",
    "ctrl-d",
    "ctrl-u",
    "]",
    "[",
    "1",
    "3",
    "5",
    "tab",
    "shift-tab",
    "f",
    "o",
    "z",
    "?",
    "/",
    "n",
    "N",
    "esc",
    "enter",
    "backspace",
    "L",
    "l",
    "down",
    "up",
    "pagedown",
    "pageup",
    "ctrl-l",
];

fn size() -> impl Strategy<Value = (u16, u16)> {
    prop_oneof![
        // Anywhere in the range.
        (0u16..=500, 0u16..=200),
        // Near the edges that change the layout: tiny, too small, phone.
        (0u16..=45, 0u16..=25),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        size().prop_map(|(w, h)| Step::Resize(w, h)),
        prop::sample::select(KEYS).prop_map(Step::Keys),
        "[a-zé中😀 ]{1,6}".prop_map(Step::Type),
    ]
}

/// Draws `app` at its size and checks every cell stays inside the window.
fn render_and_check(terminal: &mut Terminal<TestBackend>, app: &App) -> Result<(), TestCaseError> {
    let area = app.area;
    terminal.backend_mut().resize(area.width, area.height);
    let drawn = terminal
        .draw(|frame| brief::ui::render(app, frame))
        .expect("draw")
        .area;
    prop_assert_eq!(drawn, Rect::new(0, 0, area.width, area.height));
    let buffer = terminal.backend().buffer();
    prop_assert_eq!(buffer.area, drawn);
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let symbol = buffer[(x, y)].symbol();
            let width = if symbol.len() == 1 {
                1
            } else {
                symbol.cell_width().max(1)
            };
            prop_assert!(
                x + width <= area.width,
                "{symbol:?} ({width} wide) at column {x} of row {y} overflows a {}x{} window",
                area.width,
                area.height
            );
            x += width;
        }
    }
    Ok(())
}

/// Runs one case: starts as `start` at `width`x`height`, applies `steps`,
/// and checks every frame.
fn run_case(
    start: Start,
    (width, height): (u16, u16),
    steps: Vec<Step>,
) -> Result<(), TestCaseError> {
    let area = Rect::new(0, 0, width, height);
    let mut app = match start {
        Start::Library => App::with_library(common::settings(), library(), area),
        Start::Reader(index) => {
            let (briefing, name) = briefings()[index].clone();
            App::with_briefing(common::settings(), briefing, name.to_owned(), None, area)
        }
    };
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    render_and_check(&mut terminal, &app)?;
    for step in steps {
        match step {
            Step::Resize(w, h) => {
                app.handle(Event::Resize(w, h));
            }
            Step::Keys(name) => {
                common::press(&mut app, name);
            }
            Step::Type(text) => common::type_text(&mut app, &text),
        }
        render_and_check(&mut terminal, &app)?;
    }
    Ok(())
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(step(), 1..10)
}

// Three properties of a few hundred cases each (2,000 in all), so the test
// threads share them.
proptest! {
    #![proptest_config(ProptestConfig {
        cases: 600,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_library_renders_inside_any_window(size in size(), steps in steps()) {
        run_case(Start::Library, size, steps)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 700,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_reader_renders_inside_any_window(size in size(), steps in steps()) {
        run_case(Start::Reader(0), size, steps)?;
    }

    #[test]
    fn wide_text_renders_inside_any_window(size in size(), steps in steps()) {
        run_case(Start::Reader(1), size, steps)?;
    }
}

//! A table in the reader at the sizes staff use (120x40, 80x24 and a
//! 40-column phone), in Unicode and in `--ascii`, as insta snapshots; and
//! search finding and highlighting a word inside a cell.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod common;

use brief::app::App;
use brief::glyphs::Glyphs;
use brief::loader;
use common::{press, screen, settings, type_text};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

const BRIEFING: &str = r#"
title = "Trade figures"
[[sections]]
title = "Deficit"
body = '''
The deficit widened[^nbb] while ~~exports~~ imports grew.

| Year | Deficit (€ bn) | Source | Comment |
|------|---------------:|:------:|---------|
| 2021 | 3.7 | NBB | Before the hub opened fully, so comparisons are limited |
| 2022 | **9.1** | Eurostat | Energy prices drove most of the rise |
| 2023 | 12.4 | FT | Estimate |

- [x] read the FT report
- [ ] ask about Cainiao

[^nbb]: National Bank of Belgium, trade statistics.
'''
"#;

fn table_reader(width: u16, height: u16, glyphs: Glyphs) -> App {
    let briefing = loader::load_str("figures.toml", BRIEFING).expect("valid");
    let mut settings = settings();
    settings.glyphs = glyphs;
    App::with_briefing(
        settings,
        briefing,
        "figures.toml".to_owned(),
        None,
        Rect::new(0, 0, width, height),
    )
}

#[test]
fn a_table_in_the_reader() {
    for (glyphs, name) in [(Glyphs::UNICODE, "unicode"), (Glyphs::ASCII, "ascii")] {
        for (width, height) in [(120, 40), (80, 24), (40, 20)] {
            let app = table_reader(width, height, glyphs);
            let shown = screen(&app);
            for line in shown.lines() {
                assert!(
                    brief::text::width(line) <= usize::from(width),
                    "{line:?} is wider than the screen"
                );
            }
            insta::assert_snapshot!(format!("table_{name}_{width}x{height}"), shown);
        }
    }
}

#[test]
fn search_finds_and_highlights_a_word_in_a_cell() {
    let mut app = table_reader(80, 24, Glyphs::UNICODE);
    press(&mut app, "/");
    type_text(&mut app, "eurostat");
    press(&mut app, "enter");
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
    terminal
        .draw(|frame| brief::ui::render(&app, frame))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let highlighted: Vec<String> = (0..24)
        .filter_map(|y| {
            let marked: String = (0..80)
                .map(|x| &buffer[(x, y)])
                .filter(|cell| cell.modifier.contains(Modifier::REVERSED))
                .map(|cell| cell.symbol().to_owned())
                .collect();
            let row: String = (0..80)
                .map(|x| buffer[(x, y)].symbol().to_owned())
                .collect();
            (marked.contains("Eurostat") && row.contains("2022")).then_some(row)
        })
        .collect();
    assert_eq!(
        highlighted.len(),
        1,
        "the cell's word is highlighted on its row:\n{}",
        screen(&app)
    );
}

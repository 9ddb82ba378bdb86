//! criterion benchmarks: load, the first screen, layout, one frame, a jump to the end and a
//! search, on the shipped briefing and on a generated 10 MB one.
//!
//! `cargo bench` runs them all (a few minutes on two cores);
//! `cargo bench -- shipped` or `-- 10MB` runs one half. The 10 MB cases take
//! few samples so the whole run stays short: their spread is wider, their
//! means are still honest.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use brief::app::{App, Event, Settings};
use brief::glyphs::Glyphs;
use brief::keymap::Keymap;
use brief::layout::{self, Options};
use brief::loader;
use brief::model::Briefing;
use brief::output::LeanBackend;
use brief::testdata::{self, Spec};
use brief::theme::{ColorMode, Theme};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode, criterion_group, criterion_main};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

/// One input: its name in the report, its text and the loaded briefing.
struct Input {
    name: &'static str,
    text: String,
    briefing: Briefing,
}

fn inputs() -> Vec<Input> {
    let shipped = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("briefings/alibaba-liege.toml"),
    )
    .expect("the shipped briefing is readable");
    let big = testdata::generate(&Spec::new(testdata::TEN_MB, 2000));
    [("shipped", shipped), ("10MB", big)]
        .into_iter()
        .map(|(name, text)| {
            let briefing = loader::load_str(name, &text).expect("valid briefing");
            Input {
                name,
                text,
                briefing,
            }
        })
        .collect()
}

fn settings() -> Settings {
    Settings {
        keymap: Keymap::defaults(),
        keymap_errors: Vec::new(),
        theme: Theme::new(ColorMode::Ansi16),
        glyphs: Glyphs::UNICODE,
        store: None,
        mouse: false,
        export: brief::app::export_dialog::ExportPlace::Ask {
            dir: std::env::temp_dir(),
            home: None,
        },
    }
}

fn app(briefing: &Briefing, width: u16, height: u16) -> App {
    App::with_briefing(
        settings(),
        briefing.clone(),
        "bench.toml".to_owned(),
        None,
        Rect::new(0, 0, width, height),
    )
}

fn key(c: char) -> Event {
    let code = match c {
        '\n' => KeyCode::Enter,
        '\x1b' => KeyCode::Esc,
        c => KeyCode::Char(c),
    };
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn press(app: &mut App, keys: &str) {
    for c in keys.chars() {
        black_box(app.handle(key(c)));
    }
}

/// Few samples for the big input, so `cargo bench` stays reasonable.
fn group<'a>(c: &'a mut Criterion, input: &Input, what: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(format!("{}/{what}", input.name));
    if input.name != "shipped" {
        group
            .sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(4));
    }
    group
}

fn benches(c: &mut Criterion) {
    for input in inputs() {
        let mut g = group(c, &input, "load");
        g.bench_function("load_str", |b| {
            b.iter(|| loader::load_str("bench.toml", black_box(&input.text)))
        });
        // What the reader's open does for a large file: every check, the
        // bodies kept as text (`loader::load_path_lazy` without the read).
        let shared = std::sync::Arc::new(input.text.clone());
        g.bench_function("load_str_lazy", |b| {
            b.iter(|| loader::load_str_lazy("bench.toml", black_box(&shared)))
        });
        g.finish();

        // What stands between opening a file and its first screen: load,
        // the reader's layout at 200x60 and one frame.
        let mut g = group(c, &input, "first_screen_200x60");
        g.bench_function("load_layout_frame", |b| {
            b.iter(|| {
                let briefing =
                    loader::load_str("bench.toml", black_box(&input.text)).expect("valid");
                let reader = App::with_briefing(
                    settings(),
                    briefing,
                    "bench.toml".to_owned(),
                    None,
                    Rect::new(0, 0, 200, 60),
                );
                let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
                terminal
                    .draw(|frame| brief::ui::render(&reader, frame))
                    .map(|_| ())
                    .expect("draw")
            })
        });
        g.finish();

        let mut g = group(c, &input, "layout");
        for width in [40, 80, 200] {
            g.bench_function(format!("width_{width}"), |b| {
                b.iter(|| {
                    layout::document(
                        black_box(&input.briefing),
                        width,
                        Options {
                            glyphs: Glyphs::UNICODE,
                            facts_inline: false,
                            underline_headings: false,
                            mark_strike: false,
                        },
                    )
                })
            });
        }
        g.finish();

        let mut g = group(c, &input, "reader_200x60");
        let mut reader = app(&input.briefing, 200, 60);
        let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
        press(&mut reader, "jjjjj");
        g.bench_function("frame", |b| {
            b.iter(|| {
                terminal
                    .draw(|frame| brief::ui::render(&reader, frame))
                    .map(|_| ())
                    .expect("draw")
            })
        });
        // Key to frame: one line down and back up (so the state does not
        // drift), each followed by the frame it asks for.
        g.bench_function("scroll_key_to_frame_x2", |b| {
            b.iter(|| {
                for c in ['j', 'k'] {
                    black_box(reader.handle(key(c)));
                    terminal
                        .draw(|frame| brief::ui::render(&reader, frame))
                        .expect("draw");
                }
            })
        });
        // The same through the backend the reader really draws with
        // (LeanBackend over crossterm, writing to nowhere).
        let area = Rect::new(0, 0, 200, 60);
        let mut lean = Terminal::with_options(
            LeanBackend::new(CrosstermBackend::new(std::io::sink())),
            TerminalOptions {
                viewport: Viewport::Fixed(area),
            },
        )
        .expect("lean backend");
        g.bench_function("scroll_key_to_frame_x2_lean_backend", |b| {
            b.iter(|| {
                for c in ['j', 'k'] {
                    black_box(reader.handle(key(c)));
                    lean.draw(|frame| brief::ui::render(&reader, frame))
                        .expect("draw");
                }
            })
        });
        g.finish();

        // One `j` as the reader runs it at 200x60: the key, the frame
        // drawn into LeanBackend's own buffer (`draw_frame`, as the run
        // loop draws), the rows compared and encoded into bytes kept in
        // memory. The timed part is the key and its frame only; every 100
        // keys (outside the timing) the reader goes back to the top, so
        // each `j` really scrolls.
        let mut g = group(c, &input, "one_key_200x60");
        let mut reader = app(&input.briefing, 200, 60);
        let mut lean = LeanBackend::new(CrosstermBackend::new(LastFrame(Vec::new())));
        lean.draw_frame(area, |buffer| brief::ui::render_into(&reader, buffer))
            .expect("draw");
        g.bench_function("j_lean_backend", |b| {
            b.iter_custom(|iters| one_key(iters, &mut reader, &mut lean, area, false))
        });
        // The same with the hyperlinks of each frame given first, as the
        // run loop gives them when the terminal takes links (the default).
        g.bench_function("j_lean_backend_links", |b| {
            b.iter_custom(|iters| one_key(iters, &mut reader, &mut lean, area, true))
        });
        // The same with the caches emptied before each key (outside the
        // timing), as they are in a terminal after a pause between keys:
        // what the key costs there depends on how much memory it touches.
        g.bench_function("j_caches_cold", |b| {
            b.iter_custom(|iters| one_key_cold(iters, &mut reader, &mut lean, area))
        });
        // Everything the run loop does for the key (`runtime::draw`): the
        // reading pane's rows written ahead from the lines kept, then the
        // frame above, which checks them; links on, as by default.
        let mut run_reader = app(&input.briefing, 200, 60);
        run_reader.features.hyperlinks = true;
        let backend = LeanBackend::new(CrosstermBackend::new(LastFrame(Vec::new())));
        let mut terminal = brief::output::lean_terminal(backend).expect("terminal");
        brief::runtime::draw(&mut terminal, &run_reader).expect("draw");
        g.bench_function("j_run_loop", |b| {
            b.iter_custom(|iters| one_key_run_loop(iters, &mut run_reader, &mut terminal))
        });
        g.finish();

        // The same at the size the key-to-frame budget is measured at in a
        // pseudo-terminal (three panes still).
        let mut g = group(c, &input, "one_key_120x40");
        let small = Rect::new(0, 0, 120, 40);
        let mut reader = app(&input.briefing, 120, 40);
        let mut lean = LeanBackend::new(CrosstermBackend::new(LastFrame(Vec::new())));
        lean.draw_frame(small, |buffer| brief::ui::render_into(&reader, buffer))
            .expect("draw");
        g.bench_function("j_lean_backend_links", |b| {
            b.iter_custom(|iters| one_key(iters, &mut reader, &mut lean, small, true))
        });
        g.bench_function("j_caches_cold", |b| {
            b.iter_custom(|iters| one_key_cold(iters, &mut reader, &mut lean, small))
        });
        g.finish();

        let mut g = group(c, &input, "reader_200x60");
        g.bench_function("jump_to_end_and_back", |b| {
            b.iter(|| press(&mut reader, "Gg"))
        });
        // Typing a word into the search line, match by match, then Esc.
        g.bench_function("search_typing_trade", |b| {
            b.iter(|| press(&mut reader, "/trade\x1b"))
        });
        g.finish();
    }
}

/// Times `iters` presses of `j`, each with its frame drawn as the run loop
/// draws it (`draw_frame`, the links given first if `links`). Every 100
/// keys (outside the timing) the reader goes back to the top, so each `j`
/// really scrolls.
fn one_key(
    iters: u64,
    reader: &mut App,
    lean: &mut LeanBackend<CrosstermBackend<LastFrame>>,
    area: Rect,
    links: bool,
) -> Duration {
    keys_timed(iters, reader, lean, area, links, || {})
}

/// Times `iters` presses of `j` drawn by `runtime::draw`, as the run loop
/// draws them (rows written ahead, then the frame). Every 100 keys
/// (outside the timing) the reader goes back to the top.
fn one_key_run_loop(
    iters: u64,
    reader: &mut App,
    terminal: &mut Terminal<LeanBackend<CrosstermBackend<LastFrame>>>,
) -> Duration {
    let mut spent = Duration::ZERO;
    for n in 0..iters {
        if n % 100 == 0 {
            black_box(reader.handle(key('g')));
            brief::runtime::draw(terminal, reader).expect("draw");
        }
        let start = std::time::Instant::now();
        black_box(reader.handle(key('j')));
        brief::runtime::draw(terminal, reader).expect("draw");
        spent += start.elapsed();
    }
    spent
}

/// As [`one_key`] with links, the caches emptied before each key by
/// writing a block larger than they are (64 MB: the development machine's
/// second-level caches hold 2 MB a core, and a smaller block left the
/// figure well below what a key costs in a terminal). Slow to run: the
/// writing is untimed but takes longer than the key.
fn one_key_cold(
    iters: u64,
    reader: &mut App,
    lean: &mut LeanBackend<CrosstermBackend<LastFrame>>,
    area: Rect,
) -> Duration {
    let mut block = vec![0u8; 64 << 20];
    keys_timed(iters, reader, lean, area, true, || {
        for byte in block.iter_mut().step_by(64) {
            *byte = byte.wrapping_add(1);
        }
        black_box(&block);
    })
}

/// Times `iters` presses of `j` with their frames, calling `before` ahead
/// of each (untimed).
fn keys_timed(
    iters: u64,
    reader: &mut App,
    lean: &mut LeanBackend<CrosstermBackend<LastFrame>>,
    area: Rect,
    links: bool,
    mut before: impl FnMut(),
) -> Duration {
    let frame = |reader: &App, lean: &mut LeanBackend<CrosstermBackend<LastFrame>>| {
        if links {
            lean.set_hyperlinks(brief::ui::hyperlinks(reader));
        }
        lean.draw_frame(area, |buffer| brief::ui::render_into(reader, buffer))
            .expect("draw");
    };
    let mut spent = Duration::ZERO;
    for n in 0..iters {
        if n % 100 == 0 {
            black_box(reader.handle(key('g')));
            frame(reader, lean);
        }
        before();
        let start = std::time::Instant::now();
        black_box(reader.handle(key('j')));
        frame(reader, lean);
        spent += start.elapsed();
    }
    spent
}

/// Keeps the bytes of the last write only, in a buffer reused from frame
/// to frame (a frame is one write).
struct LastFrame(Vec<u8>);

impl std::io::Write for LastFrame {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.clear();
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        black_box(&self.0);
        Ok(())
    }
}

criterion_group!(all, benches);
criterion_main!(all);

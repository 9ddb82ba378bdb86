//! LeanBackend shows exactly what the plain crossterm backend shows.
//!
//! Random frame sequences (scrolls by a line and by a page, jumps, panes
//! that come and go so bands are partial-width, wide CJK and emoji, colours
//! and attributes, resizes that clear the screen) and the real reader driven
//! by random keys are drawn through both backends into `vt100` terminal
//! emulators; after every frame the two screens must agree cell by cell,
//! contents and attributes. The lean backend draws both ways: through
//! ratatui's `Terminal::draw` (cells from ratatui's diff) and through
//! `LeanBackend::draw_frame` (its own buffer, as the reader's run loop
//! draws), each into an emulator of its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use std::cell::RefCell;
use std::io::{self, Write};
use std::num::NonZeroU16;
use std::rc::Rc;

use brief::output::LeanBackend;
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Widget};

mod common;

/// A byte sink the test can read back, whole or write by write.
#[derive(Clone, Default)]
struct Wire {
    bytes: Rc<RefCell<Vec<u8>>>,
    /// Where each write ended.
    ends: Rc<RefCell<Vec<usize>>>,
}

impl Write for Wire {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut bytes = self.bytes.borrow_mut();
        bytes.extend_from_slice(buf);
        self.ends.borrow_mut().push(bytes.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Wire {
    fn take(&self) -> Vec<u8> {
        self.ends.borrow_mut().clear();
        std::mem::take(&mut self.bytes.borrow_mut())
    }

    /// The bytes of each write since the last take.
    fn take_writes(&self) -> Vec<Vec<u8>> {
        let ends = std::mem::take(&mut *self.ends.borrow_mut());
        let bytes = self.take();
        let mut start = 0;
        ends.into_iter()
            .map(|end| {
                let write = bytes[start..end].to_vec();
                start = end;
                write
            })
            .collect()
    }
}

/// Crossterm's backend writing to a [`Wire`], with a size set by the test
/// instead of asked of a terminal.
struct FakeTty {
    inner: CrosstermBackend<Wire>,
    size: Rc<RefCell<Size>>,
    cursor: Position,
}

impl FakeTty {
    fn new(wire: Wire, size: Rc<RefCell<Size>>) -> Self {
        Self {
            inner: CrosstermBackend::new(wire),
            size,
            cursor: Position::ORIGIN,
        }
    }
}

impl Write for FakeTty {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

impl Backend for FakeTty {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor)
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let position = position.into();
        self.cursor = position;
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> io::Result<Size> {
        Ok(*self.size.borrow())
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: *self.size.borrow(),
            pixels: Size::default(),
        })
    }
    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

/// Both terminals, their wires and emulators.
struct Pair {
    size: Rc<RefCell<Size>>,
    plain: Terminal<FakeTty>,
    lean: Terminal<LeanBackend<FakeTty>>,
    /// Drawn with `draw_frame`, never through `Terminal::draw`.
    direct: LeanBackend<FakeTty>,
    plain_wire: Wire,
    lean_wire: Wire,
    direct_wire: Wire,
    plain_screen: vt100::Parser,
    lean_screen: vt100::Parser,
    direct_screen: vt100::Parser,
    plain_bytes: usize,
    lean_bytes: usize,
    direct_bytes: usize,
    /// Frames whose bytes differed between the two ways of drawing.
    unlike_frames: usize,
    frames: usize,
}

fn nonzero(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n.max(1)).expect("at least 1")
}

impl Pair {
    fn new(width: u16, height: u16) -> Self {
        let size = Rc::new(RefCell::new(Size::new(width, height)));
        let (plain_wire, lean_wire, direct_wire) =
            (Wire::default(), Wire::default(), Wire::default());
        let plain = Terminal::new(FakeTty::new(plain_wire.clone(), size.clone())).expect("plain");
        let lean = Terminal::new(LeanBackend::new(FakeTty::new(
            lean_wire.clone(),
            size.clone(),
        )))
        .expect("lean");
        let direct = LeanBackend::new(FakeTty::new(direct_wire.clone(), size.clone()));
        Self {
            size,
            plain,
            lean,
            direct,
            plain_wire,
            lean_wire,
            direct_wire,
            plain_screen: vt100::Parser::new(nonzero(height), nonzero(width), 0),
            lean_screen: vt100::Parser::new(nonzero(height), nonzero(width), 0),
            direct_screen: vt100::Parser::new(nonzero(height), nonzero(width), 0),
            plain_bytes: 0,
            lean_bytes: 0,
            direct_bytes: 0,
            unlike_frames: 0,
            frames: 0,
        }
    }

    fn resize(&mut self, width: u16, height: u16) {
        *self.size.borrow_mut() = Size::new(width, height);
        self.plain_screen.set_size(nonzero(height), nonzero(width));
        self.lean_screen.set_size(nonzero(height), nonzero(width));
        self.direct_screen.set_size(nonzero(height), nonzero(width));
        // The lean backend answers ratatui's size question from what it was
        // last given, without asking the terminal: the reader's run loop
        // resizes the screen itself on every resize, as here.
        let area = Rect::new(0, 0, width, height);
        self.lean.resize(area).expect("lean resize");
        self.lean_screen.process(&self.lean_wire.take());
        // `Terminal::resize` clears the backend, as here.
        Backend::clear(&mut self.direct).expect("direct resize");
        self.direct_screen.process(&self.direct_wire.take());
    }

    /// Draws one frame through both backends, and compares the lean
    /// screen with the frame drawn by the plain backend on a cleared screen.
    fn draw(&mut self, paint: impl Fn(&mut Buffer), what: &str) {
        self.plain
            .draw(|frame| paint(frame.buffer_mut()))
            .expect("plain draw");
        self.lean
            .draw(|frame| paint(frame.buffer_mut()))
            .expect("lean draw");
        let size = *self.size.borrow();
        self.direct
            .draw_frame(Rect::new(0, 0, size.width, size.height), |buffer| {
                paint(buffer)
            })
            .expect("direct draw");
        let (plain, lean, direct) = (
            self.plain_wire.take(),
            self.lean_wire.take(),
            self.direct_wire.take(),
        );
        self.plain_bytes += plain.len();
        self.lean_bytes += lean.len();
        self.direct_bytes += direct.len();
        self.unlike_frames += usize::from(lean != direct);
        self.frames += 1;
        self.plain_screen.process(&plain);
        self.lean_screen.process(&lean);
        self.direct_screen.process(&direct);
        let reference = reference_screen(size, &paint);
        for (name, screen, bytes) in [
            ("lean", &self.lean_screen, &lean),
            ("direct", &self.direct_screen, &direct),
        ] {
            if let Some(difference) = compare(reference.screen(), screen.screen()) {
                panic!(
                    "frame {} ({what}, {name}): {difference}\nplain:\n{}\n{name}:\n{}\n{name} bytes: {:?}",
                    self.frames,
                    reference.screen().contents(),
                    screen.screen().contents(),
                    String::from_utf8_lossy(bytes)
                );
            }
        }
    }

    fn clear(&mut self) {
        self.plain.clear().expect("plain clear");
        self.lean.clear().expect("lean clear");
        // As `Terminal::clear` does.
        let cursor = self.direct.get_cursor_position().expect("cursor");
        Backend::clear(&mut self.direct).expect("direct clear");
        self.direct.set_cursor_position(cursor).expect("cursor");
        self.plain_screen.process(&self.plain_wire.take());
        self.lean_screen.process(&self.lean_wire.take());
        self.direct_screen.process(&self.direct_wire.take());
    }
}

/// The frame as the plain crossterm backend draws it on a cleared screen:
/// ratatui's diff against a blank buffer, as sent after `clear`.
///
/// This is the reference rather than the plain backend's incremental
/// screen, because ratatui 0.30's diff re-sends the cells behind a wide
/// character that replaced a styled one without moving the cursor back, so
/// the plain screen can itself be shifted by a column after some frames.
fn reference_screen(size: Size, paint: &impl Fn(&mut Buffer)) -> vt100::Parser {
    let mut painter = Terminal::new(ratatui::backend::TestBackend::new(size.width, size.height))
        .expect("painter");
    painter
        .draw(|frame| paint(frame.buffer_mut()))
        .expect("paint");
    let buffer = painter.backend().buffer().clone();
    let blank = Buffer::empty(buffer.area);
    let wire = Wire::default();
    let mut plain = CrosstermBackend::new(wire.clone());
    plain
        .draw(blank.diff(&buffer).into_iter())
        .expect("plain draw");
    let mut parser = vt100::Parser::new(nonzero(size.height), nonzero(size.width), 0);
    parser.process(&wire.take());
    parser
}

/// The first cell where two screens differ, described.
fn compare(a: &vt100::Screen, b: &vt100::Screen) -> Option<String> {
    let (rows, cols) = a.size();
    if a.size() != b.size() {
        return Some(format!("sizes {:?} and {:?}", a.size(), b.size()));
    }
    for row in 0..rows.get() {
        for col in 0..cols.get() {
            let (Some(x), Some(y)) = (a.cell(row, col), b.cell(row, col)) else {
                return Some(format!("no cell at {row},{col}"));
            };
            // A cell never written and one holding a space look the same.
            let describe = |c: &vt100::Cell| {
                let contents = if c.has_contents() { c.contents() } else { " " };
                // vt100 keeps one intensity, and crossterm sets bold and dim
                // in an order that depends on the cell printed before, so a
                // cell with both comes out as either: compare "not normal".
                format!(
                    "{:?} fg {:?} bg {:?} intense {} i{} u{} r{} w{}{}",
                    contents,
                    c.fgcolor(),
                    c.bgcolor(),
                    c.bold() || c.dim(),
                    c.italic(),
                    c.underline(),
                    c.inverse(),
                    c.is_wide(),
                    c.is_wide_continuation()
                )
            };
            let same = (if x.has_contents() { x.contents() } else { " " })
                == (if y.has_contents() { y.contents() } else { " " })
                && x.fgcolor() == y.fgcolor()
                && x.bgcolor() == y.bgcolor()
                && (x.bold() || x.dim()) == (y.bold() || y.dim())
                && x.italic() == y.italic()
                && x.underline() == y.underline()
                && x.inverse() == y.inverse()
                && x.is_wide() == y.is_wide()
                && x.is_wide_continuation() == y.is_wide_continuation();
            if !same {
                let cells = |s: &vt100::Screen| {
                    (0..cols.get())
                        .map(|c| {
                            s.cell(row, c).map_or("?".to_owned(), |c| {
                                format!(
                                    "{}{}",
                                    if c.has_contents() { c.contents() } else { "·" },
                                    if c.is_wide_continuation() { "»" } else { "" }
                                )
                            })
                        })
                        .collect::<Vec<_>>()
                        .join("")
                };
                return Some(format!(
                    "row {row} col {col}: plain {} lean {}\nplain row: {}\nlean row:  {}",
                    describe(x),
                    describe(y),
                    cells(a),
                    cells(b)
                ));
            }
        }
    }
    None
}

use brief::testdata::Rng;

/// Words of every width. Graphemes whose width terminals and ratatui
/// disagree on (emoji joined with ZWJ, flags, halfwidth kana with a mark)
/// are left out: through any backend they leave the screen garbled.
const WORDS: &[&str] = &[
    "the",
    "trade",
    "deficit",
    "Lüttich",
    "中文",
    "比利时",
    "📦",
    "e\u{301}",
    "Wirtschaft",
    "—",
    "„quote“",
    "a",
    "hub",
    "data",
    "€9.1",
    "x",
    "ｶ",
    "✓",
];

fn random_style(rng: &mut Rng) -> Style {
    let colors = [
        Color::Reset,
        Color::Red,
        Color::Blue,
        Color::Gray,
        Color::DarkGray,
        Color::LightCyan,
        Color::Indexed(208),
        Color::Rgb(10, 200, 30),
    ];
    let modifiers = [
        Modifier::empty(),
        Modifier::BOLD,
        Modifier::ITALIC,
        Modifier::REVERSED,
        Modifier::UNDERLINED,
        Modifier::DIM,
        Modifier::BOLD | Modifier::ITALIC,
    ];
    let mut style = Style::default();
    if rng.below(3) == 0 {
        style = style.fg(rng.pick(&colors));
    }
    if rng.below(6) == 0 {
        style = style.bg(rng.pick(&colors));
    }
    if rng.below(3) == 0 {
        style = style.add_modifier(rng.pick(&modifiers));
    }
    style
}

/// A document: lines of styled words.
fn document(rng: &mut Rng, lines: usize) -> Vec<Vec<(String, Style)>> {
    (0..lines)
        .map(|_| {
            if rng.below(6) == 0 {
                return Vec::new();
            }
            (0..1 + rng.below(14))
                .map(|_| {
                    let style = if rng.below(4) == 0 {
                        random_style(rng)
                    } else {
                        Style::default()
                    };
                    (format!("{} ", rng.pick(WORDS)), style)
                })
                .collect()
        })
        .collect()
}

/// What one synthetic frame shows.
#[derive(Clone)]
struct View {
    top: usize,
    outline: Option<u16>,
    facts: Option<u16>,
    status: String,
    chaos: Option<u64>,
}

fn put(buffer: &mut Buffer, x: u16, y: u16, width: u16, pieces: &[(String, Style)]) {
    let mut at = x;
    for (text, style) in pieces {
        let room = (x + width).saturating_sub(at);
        if room == 0 {
            break;
        }
        let (end, _) = buffer.set_stringn(at, y, text, usize::from(room), *style);
        at = end;
    }
}

fn paint(
    buffer: &mut Buffer,
    doc: &[Vec<(String, Style)>],
    side: &[Vec<(String, Style)>],
    view: &View,
) {
    let area = buffer.area;
    if let Some(seed) = view.chaos {
        let mut rng = Rng(seed);
        for _ in 0..area.width as usize * area.height as usize / 3 {
            let (x, y) = (
                rng.below(usize::from(area.width)) as u16,
                rng.below(usize::from(area.height)) as u16,
            );
            let word = rng.pick(WORDS);
            let style = random_style(&mut rng);
            buffer.set_stringn(x, y, word, usize::from(area.width - x), style);
        }
        hide_nothing(buffer);
        return;
    }
    if area.height < 4 || area.width < 10 {
        return;
    }
    put(
        buffer,
        0,
        0,
        area.width,
        &[(
            "Synthetic — 中文 header".to_owned(),
            Style::default().add_modifier(Modifier::BOLD),
        )],
    );
    let body = Rect::new(0, 1, area.width, area.height - 2);
    let mut reader = body;
    if let Some(w) = view.outline.filter(|w| *w + 10 < reader.width) {
        let rect = Rect::new(reader.x, reader.y, w, reader.height);
        Block::bordered().title("Outline").render(rect, buffer);
        for row in 0..rect.height.saturating_sub(2) {
            if let Some(line) = side.get(usize::from(row) + view.top / 7) {
                put(buffer, rect.x + 1, rect.y + 1 + row, rect.width - 2, line);
            }
        }
        reader.x += w;
        reader.width -= w;
    }
    if let Some(w) = view.facts.filter(|w| *w + 10 < reader.width) {
        let rect = Rect::new(reader.right() - w, reader.y, w, reader.height);
        Block::bordered().title("Key facts").render(rect, buffer);
        for row in 0..rect.height.saturating_sub(2) {
            if let Some(line) = side.get(usize::from(row) + 3) {
                put(buffer, rect.x + 1, rect.y + 1 + row, rect.width - 2, line);
            }
        }
        reader.width -= w;
    }
    Block::bordered()
        .title(format!("Reading · {}", view.top))
        .render(reader, buffer);
    for row in 0..reader.height.saturating_sub(2) {
        if let Some(line) = doc.get(view.top + usize::from(row)) {
            put(
                buffer,
                reader.x + 2,
                reader.y + 1 + row,
                reader.width.saturating_sub(4),
                line,
            );
        }
    }
    put(
        buffer,
        0,
        area.height - 1,
        area.width,
        &[(
            view.status.clone(),
            Style::default().add_modifier(Modifier::REVERSED),
        )],
    );
}

/// Blanks every wide character whose right half was drawn over.
///
/// ratatui's diff never sends a cell hidden behind a wide character, so a
/// buffer holding one cannot be drawn faithfully through any backend (the
/// cell shows up, or not, depending on history). Well-behaved screens have
/// none; random scribbles get them, and are cleaned up here.
fn hide_nothing(buffer: &mut Buffer) {
    use unicode_width::UnicodeWidthStr;
    let area = buffer.area;
    for y in 0..area.height {
        for x in 0..area.width {
            let width = buffer[(x, y)].symbol().width() as u16;
            let covered_clean =
                (1..width).all(|dx| x + dx < area.width && buffer[(x + dx, y)] == Cell::EMPTY);
            if width >= 2 && !covered_clean {
                buffer[(x, y)].set_symbol(" ");
            }
        }
    }
}

#[test]
fn random_frames_look_the_same_through_both_backends() {
    // LEAN_BACKEND_SEEDS=200 runs a longer search (in release mode).
    let seeds = std::env::var("LEAN_BACKEND_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5u64);
    for seed in 0..seeds {
        let mut rng = Rng(seed * 7919 + 1);
        let doc = document(&mut rng, 400);
        let side = document(&mut rng, 120);
        let sizes = [(120, 40), (80, 24), (41, 13), (200, 60), (33, 7)];
        let (mut width, mut height) = sizes[seed as usize % sizes.len()];
        let mut pair = Pair::new(width, height);
        let mut view = View {
            top: 0,
            outline: None,
            facts: None,
            status: " Title · 0%".to_owned(),
            chaos: None,
        };
        for step in 0..70 {
            let page = usize::from(height.saturating_sub(4)).max(1);
            view.chaos = None;
            match rng.below(20) {
                0..=6 => view.top += 1,
                7 | 8 => view.top = view.top.saturating_sub(1),
                9 | 10 => view.top += page,
                11 => view.top = view.top.saturating_sub(page),
                12 => view.top = rng.below(doc.len()),
                13 => view.outline = view.outline.xor(Some(24)),
                14 => view.facts = view.facts.xor(Some(30)),
                15 => {
                    (width, height) = rng.pick(&sizes);
                    pair.resize(width, height);
                }
                16 => view.chaos = Some(rng.next_u64()),
                17 => pair.clear(),
                _ => view.top += 2,
            }
            view.top = view.top.min(doc.len() - 1);
            if std::env::var("LEAN_DEBUG").is_ok() {
                eprintln!(
                    "seed {seed} step {step}: top {} outline {:?} facts {:?} chaos {} size {width}x{height}",
                    view.top,
                    view.outline,
                    view.facts,
                    view.chaos.is_some()
                );
            }
            view.status = format!(
                " Section {} · {}%",
                view.top / 40,
                view.top * 100 / doc.len()
            );
            let shown = view.clone();
            pair.draw(
                |buffer| paint(buffer, &doc, &side, &shown),
                &format!("seed {seed} step {step}"),
            );
        }
        eprintln!(
            "seed {seed}: lean {} bytes, direct {}, plain {}",
            pair.lean_bytes, pair.direct_bytes, pair.plain_bytes
        );
        for bytes in [pair.lean_bytes, pair.direct_bytes] {
            assert!(
                bytes < pair.plain_bytes,
                "seed {seed}: lean sent {bytes} bytes, plain {}",
                pair.plain_bytes
            );
        }
    }
}

#[test]
fn the_reader_looks_the_same_through_both_backends() {
    let keys = [
        "j", "j", "j", "k", "space", "b", "G", "g", "z", "o", "f", "n", "]", "[", "tab", "ctrl-d",
        "ctrl-u", "2", "?", "esc", "/", "t", "r", "a", "d", "e", "enter", "n", "N", "esc",
    ];
    for (seed, (width, height)) in [(120u16, 40u16), (80, 24), (40, 20)]
        .into_iter()
        .enumerate()
    {
        let mut rng = Rng(seed as u64 + 99);
        let mut app = common::reader(width, height);
        let mut pair = Pair::new(width, height);
        pair.clear();
        for step in 0..90 {
            if rng.below(40) == 0 {
                let (w, h) = rng.pick(&[(120u16, 40u16), (80, 24), (60, 30), (110, 35)]);
                pair.resize(w, h);
                app.handle(brief::app::Event::Resize(w, h));
            } else {
                let name = rng.pick(&keys);
                app.handle(brief::app::Event::Key(common::key(name)));
            }
            pair.draw(
                |buffer| brief::ui::render_into(&app, buffer),
                &format!("{width}x{height} step {step}"),
            );
        }
        eprintln!(
            "{width}x{height}: lean {} bytes, direct {}, plain {}",
            pair.lean_bytes, pair.direct_bytes, pair.plain_bytes
        );
        for bytes in [pair.lean_bytes, pair.direct_bytes] {
            assert!(
                bytes < pair.plain_bytes,
                "lean {bytes} plain {}",
                pair.plain_bytes
            );
        }
        // The reader draws nothing over half a wide character, so the two
        // ways of drawing see the same cells and send the same bytes.
        assert_eq!(
            pair.unlike_frames, 0,
            "{width}x{height}: frames whose bytes differ"
        );
    }
}

/// The reader drawn as its run loop draws it shows every key as a fresh
/// draw does, whether the key's rows were written instead of a frame or a
/// frame was drawn; each key goes out in one write; and the frame owed
/// after rows written instead of a frame, drawn as when the keys stop,
/// finds them right and writes nothing.
#[test]
fn rows_written_instead_of_a_frame_show_what_the_frame_shows() {
    let keys = [
        "j", "k", "space", "b", "G", "g", "ctrl-d", "ctrl-u", "]", "[", "z", "o", "f", "tab", "?",
        "esc", "/", "t", "a", "r", "i", "f", "f", "enter", "n", "N", "esc", "m", "2",
    ];
    for (seed, (width, height)) in [(120u16, 40u16), (80, 24), (40, 20), (200, 60)]
        .into_iter()
        .enumerate()
    {
        let mut rng = Rng(seed as u64 + 7);
        // At two of the sizes a generated briefing, with links on: its
        // lines hold links, emoji whose width terminals disagree on, wide
        // characters and styles.
        let mut app = if seed % 2 == 1 {
            let text = brief::testdata::generate(&brief::testdata::Spec::new(40_000, 4));
            let briefing = brief::loader::load_str("generated.toml", &text).expect("valid");
            brief::app::App::with_briefing(
                common::settings(),
                briefing,
                "generated.toml".to_owned(),
                None,
                Rect::new(0, 0, width, height),
            )
        } else {
            common::reader(width, height)
        };
        app.features.hyperlinks = seed % 2 == 1;
        let size = Rc::new(RefCell::new(Size::new(width, height)));
        let wire = Wire::default();
        let mut terminal = brief::output::lean_terminal(LeanBackend::new(FakeTty::new(
            wire.clone(),
            size.clone(),
        )))
        .expect("terminal");
        // The first frame, as the run loop draws it before any key.
        Backend::clear(terminal.backend_mut()).expect("clear");
        brief::runtime::draw(&mut terminal, &app).expect("first frame");
        let mut screen = vt100::Parser::new(nonzero(height), nonzero(width), 0);
        screen.process(&wire.take());
        // Line scrolls of the reading pane with panes beside it, those
        // written instead of a frame, and those of them showing a link.
        let (mut scrolls, mut skipped, mut with_links) = (0, 0, 0);
        for step in 0..170 {
            // Ten lines down from the top first, ten up from the end (the
            // sources, with their links), then mostly line scrolls, as a
            // reader reads.
            let name = if step < 10 {
                "j"
            } else if step == 10 {
                "G"
            } else if step < 20 {
                "k"
            } else if rng.below(3) == 0 {
                rng.pick(&keys)
            } else {
                rng.pick(&["j", "k"])
            };
            let before = brief::ui::pane_rows(&app).map(|pane| pane.keys);
            app.handle(brief::app::Event::Key(common::key(name)));
            let pane = brief::ui::pane_rows(&app);
            let skipped_before = terminal.backend().frames_skipped();
            brief::runtime::draw(&mut terminal, &app).expect("draw");
            let skip = terminal.backend().frames_skipped() > skipped_before;
            let what = format!("{width}x{height} step {step} ({name})");
            let writes = wire.take_writes();
            assert!(writes.len() <= 1, "{what}: {} writes", writes.len());
            let bytes: Vec<u8> = writes.into_iter().flatten().collect();
            screen.process(&bytes);
            let reference = reference_screen(Size::new(width, height), &|buffer: &mut Buffer| {
                brief::ui::render_into(&app, buffer)
            });
            if let Some(difference) = compare(reference.screen(), screen.screen()) {
                panic!(
                    "{what} (written instead of a frame: {skip}): {difference}\nexpected:\n{}\nshown:\n{}",
                    reference.screen().contents(),
                    screen.screen().contents()
                );
            }
            if skip {
                assert!(
                    pane.is_some(),
                    "{what}: rows written with nothing beside the pane"
                );
                assert!(terminal.backend().frame_owed(), "{what}: no frame owed");
            }
            let moved = matches!((&before, &pane), (Some(a), Some(b)) if a != &b.keys);
            if (name == "j" || name == "k") && moved {
                scrolls += 1;
                skipped += usize::from(skip);
                let linked = (0..pane.as_ref().map_or(0, |p| p.keys.len() as isize))
                    .any(|row| !brief::ui::pane_row_links(&app, row).is_empty());
                with_links += usize::from(skip && linked && app.features.hyperlinks);
            }
            if step == 10 {
                // A jump finds none of its lines kept: the frame draws it
                // (and scrolls with the terminal where that is shorter).
                assert!(!skip, "{what}: a jump written line by line");
            }
            if step < 10 && pane.is_none() {
                // Alone, the pane is scrolled by the terminal, in a few
                // bytes.
                assert!(
                    bytes.len() < 400,
                    "{what}: a line scroll took {} bytes",
                    bytes.len()
                );
            }
            // Now and then the keys stop: the frame owed finds every row
            // written instead of a frame right, and has nothing to write.
            if terminal.backend().frame_owed() && rng.below(3) == 0 {
                brief::runtime::draw(&mut terminal, &app).expect("frame owed");
                assert!(!terminal.backend().frame_owed(), "{what}: still owed");
                let bytes = wire.take();
                assert!(
                    bytes.is_empty(),
                    "{what}: the frame owed wrote {:?}",
                    String::from_utf8_lossy(&bytes)
                );
            }
            let (_, missed) = terminal.backend().rows_ahead();
            assert_eq!(missed, 0, "{what}: a row written ahead was wrong");
        }
        // Line scrolls are written instead of a frame unless the scroll
        // changed the part read (its title, outline and facts).
        eprintln!(
            "{width}x{height}: {scrolls} scrolls beside panes, {skipped} without a frame, \
             {with_links} of them showing links"
        );
        assert!(
            skipped * 3 >= scrolls * 2,
            "{width}x{height}: {skipped} of {scrolls} without a frame"
        );
        // Where links are drawn and panes stand beside the reading pane,
        // rows with links were written too.
        assert_eq!(
            with_links > 0,
            app.features.hyperlinks && width >= 80,
            "{width}x{height}: scrolls showing links written instead of a frame"
        );
    }
}

/// A lean backend on a fake terminal of `width` x `height`, cleared, the
/// wire it writes to, and an emulator to play that into.
fn cleared_lean(width: u16, height: u16) -> (LeanBackend<FakeTty>, Wire, vt100::Parser) {
    let size = Rc::new(RefCell::new(Size::new(width, height)));
    let wire = Wire::default();
    let mut lean = LeanBackend::new(FakeTty::new(wire.clone(), size));
    Backend::clear(&mut lean).expect("clear");
    let screen = vt100::Parser::new(nonzero(height), nonzero(width), 0);
    (lean, wire, screen)
}

/// What was written instead of a frame and the frame owed then draws
/// otherwise is put right by that frame: a line kept under a wrong key, or
/// a status line drawn alone unlike the frame's, costs bytes, never a
/// wrong screen. Nothing is written so unless the rest of the screen is
/// the last frame's.
#[test]
fn rows_written_wrongly_are_put_right_by_the_frame_owed() {
    use brief::output::Ahead;
    let (width, height) = (40u16, 10u16);
    let (mut lean, wire, mut screen) = cleared_lean(width, height);
    let area = Rect::new(2, 1, 20, 6);
    let status = Rect::new(0, 9, width, 1);
    let paint = |lines: &[&str], bar: &str, buffer: &mut Buffer| {
        for (i, line) in lines.iter().enumerate() {
            buffer.set_string(area.x, area.y + i as u16, line, Style::default());
        }
        buffer.set_string(0, status.y, bar, Style::default().fg(Color::Green));
    };
    let first = ["one", "two", "three", "four", "five", "six"];
    let second = ["two", "three", "four", "five", "six", "seven"];
    let no_links = |_: isize| Vec::new();
    // The first frame, and its lines kept under keys 1 to 6.
    lean.draw_frame(Rect::new(0, 0, width, height), |b| paint(&first, "A", b))
        .expect("first frame");
    let first_frame = wire.take();
    screen.process(&first_frame);
    let draw_first = |i: isize, b: &mut Buffer| {
        let line = usize::try_from(i).ok().and_then(|i| first.get(i));
        b.set_string(b.area.x, b.area.y, line.unwrap_or(&"?"), Style::default());
    };
    let draw_a = |b: &mut Buffer| b.set_string(0, status.y, "A", Style::default().fg(Color::Green));
    lean.remember_pane(Some(&Ahead {
        area,
        keys: &[1, 2, 3, 4, 5, 6],
        near: &[],
        chrome: 9,
        draw_row: &draw_first,
        row_links: &no_links,
        rows: status,
        rows_key: 1,
        draw_rows: &draw_a,
    }));
    // A line scroll written ahead, where the new line's key draws the
    // wrong text and the status line drawn alone says "B".
    let draw_wrong = |_: isize, b: &mut Buffer| {
        b.set_string(b.area.x, b.area.y, "WRONG", Style::default());
    };
    let draw_b = |b: &mut Buffer| b.set_string(0, status.y, "B", Style::default().fg(Color::Green));
    let scroll = |chrome: u64| Ahead {
        area,
        keys: &[2, 3, 4, 5, 6, 7],
        near: &[],
        chrome,
        draw_row: &draw_wrong,
        row_links: &no_links,
        rows: status,
        rows_key: 2,
        draw_rows: &draw_b,
    };
    // Nor with a key a row missing, or full-width rows that are not a
    // band of the screen's width clear of the pane.
    let short = Ahead {
        keys: &[2, 3, 4, 5, 6],
        ..scroll(9)
    };
    assert!(!lean.write_ahead(&short).expect("ahead"), "a key short");
    for rows in [
        Rect::new(1, 9, width, 1),
        Rect::new(0, 9, width - 1, 1),
        Rect::new(0, 9, width, 2),
        Rect::new(0, 6, width, 1),
    ] {
        let odd = Ahead { rows, ..scroll(9) };
        assert!(!lean.write_ahead(&odd).expect("ahead"), "rows {rows:?}");
    }
    // A jump, whose lines are mostly not kept, is the frame's to draw.
    let jump = Ahead {
        keys: &[11, 12, 13, 14, 15, 16],
        ..scroll(9)
    };
    assert!(!lean.write_ahead(&jump).expect("ahead"), "a jump");
    // With anything else on the screen changed, the frame writes it all.
    assert!(
        !lean.write_ahead(&scroll(8)).expect("ahead"),
        "not the whole change"
    );
    Backend::flush(&mut lean).expect("flush");
    assert!(wire.take().is_empty(), "nothing written");
    assert!(!lean.frame_owed());
    let wrote = lean.write_ahead(&scroll(9)).expect("ahead");
    assert!(wrote, "the scroll is written instead of a frame");
    assert!(wire.take().is_empty(), "held until flushed");
    Backend::flush(&mut lean).expect("flush");
    assert!(lean.frame_owed(), "the frame that checks it is owed");
    assert_eq!(lean.frames_skipped(), 1);
    let ahead = wire.take();
    let mut early = vt100::Parser::new(nonzero(height), nonzero(width), 0);
    early.process(&first_frame);
    early.process(&ahead);
    assert!(
        early.screen().contents().contains("WRONG"),
        "the wrong line went out"
    );
    // A line's blank end is not printed as spaces, and only what the line
    // it replaces showed past it is erased (`CSI n X`).
    let sent = String::from_utf8_lossy(&ahead);
    assert!(sent.contains("four\x1b[1X"), "{sent:?}");
    assert!(
        sent.contains("two\r\n\x1b[2Cthree\r\n") && !sent.contains("  "),
        "{sent:?}"
    );
    screen.process(&ahead);
    // The frame owed puts both right.
    lean.draw_frame(Rect::new(0, 0, width, height), |b| paint(&second, "A", b))
        .expect("second frame");
    assert!(!lean.frame_owed());
    let draw_second = |i: isize, b: &mut Buffer| {
        let line = usize::try_from(i).ok().and_then(|i| second.get(i));
        b.set_string(b.area.x, b.area.y, line.unwrap_or(&"?"), Style::default());
    };
    lean.remember_pane(Some(&Ahead {
        draw_row: &draw_second,
        rows_key: 1,
        draw_rows: &draw_a,
        ..scroll(9)
    }));
    screen.process(&wire.take());
    let reference = reference_screen(Size::new(width, height), &|b: &mut Buffer| {
        paint(&second, "A", b)
    });
    if let Some(difference) = compare(reference.screen(), screen.screen()) {
        panic!("{difference}\n{}", screen.screen().contents());
    }
    assert_eq!(
        lean.rows_ahead(),
        (6, 1),
        "six rows ahead, one of them wrong"
    );
    // A scroll whose status line is unchanged ends with the cursor after
    // its last row, where the model says it is (the frame after it moves
    // from there).
    // The status line's key is the one on screen: it is not drawn again
    // (a line drawn under it would show "B").
    let keep_a = Ahead {
        keys: &[3, 4, 5, 6, 7, 8],
        rows_key: 1,
        draw_rows: &draw_b,
        ..scroll(9)
    };
    assert!(lean.write_ahead(&keep_a).expect("ahead"));
    Backend::flush(&mut lean).expect("flush");
    let kept_status = wire.take();
    assert!(
        !String::from_utf8_lossy(&kept_status).contains('B'),
        "the status line drawn again under the same key"
    );
    screen.process(&kept_status);
    let (row, column) = screen.screen().cursor_position();
    assert_eq!(
        Backend::get_cursor_position(&mut lean).expect("cursor"),
        ratatui::layout::Position { x: column, y: row },
        "the cursor after the last row written"
    );
    // Half the changed rows new is still written from the lines kept.
    let half = Ahead {
        keys: &[3, 4, 5, 6, 8, 9],
        ..scroll(9)
    };
    assert!(
        lean.write_ahead(&half).expect("ahead"),
        "one new line of two"
    );
}

/// The lines just outside the pane are kept after each frame, so the
/// scroll that brings one in writes it without drawing it (the frame owed
/// would put right a line drawn otherwise).
#[test]
fn lines_near_the_pane_are_ready_before_the_scroll() {
    use brief::output::Ahead;
    let (width, height) = (30u16, 6u16);
    let (mut lean, wire, mut screen) = cleared_lean(width, height);
    let area = Rect::new(1, 0, 20, 4);
    let status = Rect::new(0, 5, width, 1);
    let text = ["zero", "one", "two", "three", "four", "five"];
    let paint = |top: usize, buffer: &mut Buffer| {
        for (i, line) in text[top..top + 4].iter().enumerate() {
            buffer.set_string(area.x, area.y + i as u16, line, Style::default());
        }
        buffer.set_string(0, status.y, "S", Style::default());
    };
    let drawn = RefCell::new(Vec::new());
    // Row i of the pane at `top`, noting every line drawn on its own.
    let draw_at = |top: usize| {
        let drawn = &drawn;
        move |i: isize, b: &mut Buffer| {
            let index = top.checked_add_signed(i).expect("a line");
            drawn.borrow_mut().push(index);
            b.set_string(b.area.x, b.area.y, text[index], Style::default());
        }
    };
    let no_links = |_: isize| Vec::new();
    let draw_status = |b: &mut Buffer| b.set_string(0, status.y, "S", Style::default());
    let keys = [10, 11, 12, 13, 14, 15];
    lean.draw_frame(Rect::new(0, 0, width, height), |b| paint(1, b))
        .expect("frame");
    screen.process(&wire.take());
    let draw_one = draw_at(1);
    lean.remember_pane(Some(&Ahead {
        area,
        keys: &keys[1..5],
        near: &[(-1, keys[0]), (4, keys[5])],
        chrome: 7,
        draw_row: &draw_one,
        row_links: &no_links,
        rows: status,
        rows_key: 3,
        draw_rows: &draw_status,
    }));
    let mut made = drawn.borrow().clone();
    made.sort_unstable();
    assert_eq!(
        made,
        vec![0, 1, 2, 3, 4, 5],
        "the pane's lines and both near it"
    );
    drawn.borrow_mut().clear();
    // j: line 5 comes in; k back: line 1 comes in again. Neither is drawn.
    for top in [2, 1] {
        let draw = draw_at(top);
        let near: Vec<(isize, u64)> = [(-1, top - 1), (4, top + 4)]
            .into_iter()
            .filter(|(_, i)| *i < text.len())
            .map(|(row, i)| (row, keys[i]))
            .collect();
        let wrote = lean
            .write_ahead(&Ahead {
                area,
                keys: &keys[top..top + 4],
                near: &near,
                chrome: 7,
                draw_row: &draw,
                row_links: &no_links,
                rows: status,
                rows_key: 3,
                draw_rows: &draw_status,
            })
            .expect("ahead");
        assert!(wrote, "the scroll to {top} written ahead");
        Backend::flush(&mut lean).expect("flush");
        screen.process(&wire.take());
        assert!(drawn.borrow().is_empty(), "drew {:?}", drawn.borrow());
        let reference = reference_screen(Size::new(width, height), &|b: &mut Buffer| paint(top, b));
        if let Some(difference) = compare(reference.screen(), screen.screen()) {
            panic!("top {top}: {difference}\n{}", screen.screen().contents());
        }
    }
}

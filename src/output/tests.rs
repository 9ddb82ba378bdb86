//! Tests of the lean backend: the bytes each kind of frame costs, and that
//! the screen a terminal ends with is the frame ratatui drew.

use super::*;
use ratatui::style::Style;
use ratatui::{Terminal, TerminalOptions, Viewport};

/// A byte sink whose size cannot be asked, as crossterm's backend on
/// something that is not a terminal.
struct NoTty(Vec<u8>);

impl Write for NoTty {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Backend for NoTty {
    type Error = io::Error;
    fn draw<'a, I>(&mut self, _content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        Ok(())
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(Position::ORIGIN)
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, _position: P) -> io::Result<()> {
        Ok(())
    }
    fn clear(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn clear_region(&mut self, _clear_type: ClearType) -> io::Result<()> {
        Ok(())
    }
    fn size(&self) -> io::Result<Size> {
        Err(io::Error::other("not a terminal"))
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        Err(io::Error::other("not a terminal"))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn cells_are_measured_as_ratatui_and_the_layout_measure_them() {
    // Half-width katakana with a half-width voiced mark (ratatui counts
    // the mark as a column of its own on top of unicode-width's two:
    // three in all, and this backend must agree, or the rest of the row
    // lands one column off), an emoji made wide by a variation
    // selector, a family joined by ZWJs, a letter with a combining
    // accent, a CJK ideograph, plain ASCII.
    for (symbol, columns) in [
        ("ｶﾞ", 3),
        ("\u{2764}\u{FE0F}", 2),
        ("\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}", 2),
        ("e\u{301}", 1),
        ("漢", 2),
        ("a", 1),
    ] {
        let mut cell = Cell::EMPTY;
        cell.set_symbol(symbol);
        assert_eq!(cell_width(&cell), columns, "{symbol:?}");
        assert_eq!(crate::text::grapheme_width(symbol), columns, "{symbol:?}");
        // Where ratatui's own writer puts the next character.
        let mut buffer = Buffer::empty(Rect::new(0, 0, 6, 1));
        let (x, _) = buffer.set_stringn(0, 0, format!("{symbol}z"), 6, Style::default());
        assert_eq!(usize::from(x), columns + 1, "{symbol:?}");
        assert_eq!(buffer[(x - 1, 0)].symbol(), "z", "{symbol:?}");
    }
}

/// A byte sink on a terminal of the largest size one can report.
struct Huge(Vec<u8>);

impl Write for Huge {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Backend for Huge {
    type Error = io::Error;
    fn draw<'a, I>(&mut self, _content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        Ok(())
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(Position::ORIGIN)
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, _position: P) -> io::Result<()> {
        Ok(())
    }
    fn clear(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn clear_region(&mut self, _clear_type: ClearType) -> io::Result<()> {
        Ok(())
    }
    fn size(&self) -> io::Result<Size> {
        Ok(Size::new(u16::MAX, u16::MAX))
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        Err(io::Error::other("not asked"))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_terminal_too_large_to_draw_is_drawn_in_its_top_left_part() {
    // 65535 x 65535 cells would abort in ratatui's buffer allocation.
    let mut terminal = Terminal::new(LeanBackend::new(Huge(Vec::new()))).expect("terminal");
    let frame = terminal
        .draw(|frame| {
            let area = frame.area();
            frame
                .buffer_mut()
                .set_string(area.width - 1, area.height - 1, "x", Style::default());
        })
        .expect("draw")
        .area;
    assert_eq!((frame.width, frame.height), (MAX_COLUMNS, MAX_ROWS));
    terminal.clear().expect("clear");
    assert_eq!(
        terminal.size().expect("size"),
        Size::new(MAX_COLUMNS, MAX_ROWS)
    );
    // The plain backend, cut the same way.
    let mut plain = Terminal::new(Clamped(Huge(Vec::new()))).expect("terminal");
    let area = plain.draw(|_| {}).expect("draw").area;
    assert_eq!((area.width, area.height), (MAX_COLUMNS, MAX_ROWS));
    assert_eq!(drawable(Size::new(80, 24)), Size::new(80, 24));
    assert_eq!(drawable(Size::new(8000, 30)), Size::new(MAX_COLUMNS, 30));
}

fn screen(bytes: &[u8], width: u16, height: u16) -> String {
    let rows = std::num::NonZeroU16::new(height).expect("rows");
    let cols = std::num::NonZeroU16::new(width).expect("cols");
    let mut parser = vt100::Parser::new(rows, cols, 0);
    parser.process(bytes);
    parser.screen().contents()
}

#[test]
fn many_long_graphemes_start_their_table_afresh_and_still_show() {
    // Letters with four combining marks: 9 bytes each, so each is kept
    // in the table of long graphemes by number.
    let marks = [
        '\u{300}', '\u{301}', '\u{302}', '\u{303}', '\u{304}', '\u{308}',
    ];
    let grapheme = |n: usize| {
        let mut text = String::from(char::from(b'a' + (n % 26) as u8));
        let mut rest = n / 26;
        for _ in 0..4 {
            text.push(marks[rest % marks.len()]);
            rest /= marks.len();
        }
        text
    };
    let row = |first: usize| (first..first + 20).map(grapheme).collect::<String>();
    let draw = |terminal: &mut Terminal<LeanBackend<NoTty>>, rows: &[String]| {
        terminal
            .draw(|frame| {
                for (y, row) in rows.iter().enumerate() {
                    frame
                        .buffer_mut()
                        .set_string(0, y as u16, row, Style::default());
                }
            })
            .expect("draw");
    };
    let area = Rect::new(0, 0, 20, 2);
    let mut terminal = Terminal::with_options(
        LeanBackend::new(NoTty(Vec::new())),
        TerminalOptions {
            viewport: Viewport::Fixed(area),
        },
    )
    .expect("new");
    // The first row new in every frame, until the table is full; the
    // second the same throughout.
    let kept = row(20_000);
    let mut frame = 0;
    while terminal.backend().long.len() <= compact::MAX_LONG {
        draw(&mut terminal, &[row(frame * 20), kept.clone()]);
        frame += 1;
    }
    // The table starts afresh: the second row's new graphemes get the
    // numbers the old ones had, and must still be written.
    let last = [row(frame * 20), row(30_000)];
    draw(&mut terminal, &last);
    assert!(terminal.backend().long.len() < 100);
    assert_eq!(
        screen(&terminal.backend().inner().0, 20, 2),
        last.join("\n")
    );
}

#[test]
fn a_backend_that_cannot_tell_its_size_still_draws_everything() {
    let area = Rect::new(0, 0, 12, 3);
    let mut terminal = Terminal::with_options(
        LeanBackend::new(NoTty(Vec::new())),
        TerminalOptions {
            viewport: Viewport::Fixed(area),
        },
    )
    .expect("terminal");
    terminal
        .draw(|frame| {
            let buffer = frame.buffer_mut();
            buffer.set_string(0, 0, "hello", Style::default());
            buffer.set_string(3, 2, "world 中", Style::default());
        })
        .expect("draw");
    let bytes = &terminal.backend().inner().0;
    assert_eq!(screen(bytes, 12, 3), "hello\n\n   world 中");
}

#[test]
fn a_one_line_scroll_moves_the_band_and_writes_one_row() {
    let area = Rect::new(0, 0, 30, 8);
    let mut terminal = Terminal::with_options(
        LeanBackend::new(NoTty(Vec::new())),
        TerminalOptions {
            viewport: Viewport::Fixed(area),
        },
    )
    .expect("terminal");
    let draw = |terminal: &mut Terminal<LeanBackend<NoTty>>, top: usize| {
        terminal
            .draw(|frame| {
                let buffer = frame.buffer_mut();
                buffer.set_string(0, 0, "header", Style::default());
                for row in 1..7u16 {
                    let line = format!("line {} of the text", top + usize::from(row));
                    buffer.set_string(0, row, line, Style::default());
                }
                buffer.set_string(0, 7, "status", Style::default());
            })
            .expect("draw");
    };
    draw(&mut terminal, 0);
    let before = terminal.backend().inner().0.len();
    draw(&mut terminal, 1);
    let bytes = terminal.backend().inner().0.clone();
    let frame = &bytes[before..];
    let text = String::from_utf8_lossy(frame);
    assert!(text.contains("\x1b[M") || text.contains('S'), "{text:?}");
    assert!(frame.len() < 60, "{} bytes: {text:?}", frame.len());
    assert_eq!(
        screen(&bytes, 30, 8),
        "header\nline 2 of the text\nline 3 of the text\nline 4 of the text\n\
         line 5 of the text\nline 6 of the text\nline 7 of the text\nstatus"
    );
    // The next line scroll finds the region still set: one `CSI S`,
    // a move to the new row and the row itself.
    draw(&mut terminal, 2);
    let after = terminal.backend().inner().0.clone();
    let frame = String::from_utf8_lossy(&after[bytes.len()..]).into_owned();
    assert!(frame.starts_with("\x1b[S"), "{frame:?}");
    assert!(!frame.contains('r'), "region set again: {frame:?}");
    assert!(
        frame.len() <= "\x1b[S\x1b[7Hline 8 of the text".len(),
        "{frame:?}"
    );
    assert_eq!(
        screen(&after, 30, 8),
        "header\nline 3 of the text\nline 4 of the text\nline 5 of the text\n\
         line 6 of the text\nline 7 of the text\nline 8 of the text\nstatus"
    );
    // A clear gives the terminal its whole screen back before erasing.
    terminal.backend_mut().clear().expect("clear");
    let cleared = terminal.backend().inner().0.clone();
    let tail = String::from_utf8_lossy(&cleared[after.len()..]).into_owned();
    assert!(tail.starts_with("\x1b[r"), "{tail:?}");
}

#[test]
fn a_link_opens_and_closes_around_exactly_its_cells() {
    let area = Rect::new(0, 0, 40, 3);
    let mut terminal = Terminal::with_options(
        LeanBackend::new(NoTty(Vec::new())),
        TerminalOptions {
            viewport: Viewport::Fixed(area),
        },
    )
    .expect("terminal");
    let link = Hyperlink {
        y: 1,
        x: 4,
        width: 19,
        url: "https://example.org".to_owned(),
    };
    let draw = |terminal: &mut Terminal<LeanBackend<NoTty>>, links: Vec<Hyperlink>| {
        terminal.backend_mut().set_hyperlinks(links);
        terminal
            .draw(|frame| {
                let buffer = frame.buffer_mut();
                buffer.set_string(0, 0, "title", Style::default());
                buffer.set_string(0, 1, "see https://example.org now", Style::default());
            })
            .expect("draw");
    };
    draw(&mut terminal, vec![link.clone()]);
    let bytes = terminal.backend().inner().0.clone();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    assert!(
        text.contains("see \x1b]8;;https://example.org\x1b\\https://example.org\x1b]8;;\x1b\\ now"),
        "{text:?}"
    );
    assert_eq!(text.matches("\x1b]8;;https").count(), 1, "{text:?}");
    // The screen is as without links.
    assert_eq!(screen(&bytes, 40, 3), "title\nsee https://example.org now");
    // The same frame again sends nothing.
    draw(&mut terminal, vec![link.clone()]);
    assert_eq!(terminal.backend().inner().0.len(), bytes.len());
    // Without the link, its cells are written again, plain.
    draw(&mut terminal, Vec::new());
    let after = terminal.backend().inner().0.clone();
    let frame = String::from_utf8_lossy(&after[bytes.len()..]).into_owned();
    assert!(frame.contains("https://example.org"), "{frame:?}");
    assert!(!frame.contains("\x1b]8;;h"), "{frame:?}");
    // A cell changed inside a link is written with the link reopened.
    draw(&mut terminal, vec![link]);
    let before = terminal.backend().inner().0.len();
    terminal.backend_mut().set_hyperlinks(vec![Hyperlink {
        y: 1,
        x: 4,
        width: 19,
        url: "https://example.org".to_owned(),
    }]);
    terminal
        .draw(|frame| {
            let buffer = frame.buffer_mut();
            buffer.set_string(0, 0, "title", Style::default());
            buffer.set_string(0, 1, "see https://example.com now", Style::default());
        })
        .expect("draw");
    let last = terminal.backend().inner().0.clone();
    let frame = String::from_utf8_lossy(&last[before..]).into_owned();
    assert!(
        frame.contains("\x1b]8;;https://example.org\x1b\\com\x1b]8;;\x1b\\"),
        "{frame:?}"
    );
}

#[test]
fn bytes_between_frames_leave_the_model_as_it_was() {
    let area = Rect::new(0, 0, 20, 2);
    let mut terminal = Terminal::with_options(
        LeanBackend::new(NoTty(Vec::new())),
        TerminalOptions {
            viewport: Viewport::Fixed(area),
        },
    )
    .expect("terminal");
    let draw = |terminal: &mut Terminal<LeanBackend<NoTty>>, text: &str| {
        terminal
            .draw(|frame| {
                frame.buffer_mut().set_string(0, 0, text, Style::default());
            })
            .expect("draw");
    };
    draw(&mut terminal, "abc");
    let osc = b"\x1b]52;c;Zm9v\x1b\\";
    Sideband::write_between_frames(terminal.backend_mut(), osc).expect("write");
    let before = terminal.backend().inner().0.len();
    draw(&mut terminal, "abd");
    let bytes = terminal.backend().inner().0.clone();
    assert!(bytes.windows(osc.len()).any(|w| w == osc));
    // The cursor is still known: moved relatively, never homed.
    let frame = String::from_utf8_lossy(&bytes[before..]).into_owned();
    assert!(frame.ends_with('d') && !frame.contains('H'), "{frame:?}");
}

#[test]
fn the_size_is_asked_once_not_before_every_frame() {
    /// A terminal that counts how often its size is asked.
    struct Counting(Vec<u8>, std::cell::Cell<usize>);
    impl Write for Counting {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    impl Backend for Counting {
        type Error = io::Error;
        fn draw<'a, I>(&mut self, _content: I) -> io::Result<()>
        where
            I: Iterator<Item = (u16, u16, &'a Cell)>,
        {
            Ok(())
        }
        fn hide_cursor(&mut self) -> io::Result<()> {
            Ok(())
        }
        fn show_cursor(&mut self) -> io::Result<()> {
            Ok(())
        }
        fn get_cursor_position(&mut self) -> io::Result<Position> {
            Ok(Position::ORIGIN)
        }
        fn set_cursor_position<P: Into<Position>>(&mut self, _p: P) -> io::Result<()> {
            Ok(())
        }
        fn clear(&mut self) -> io::Result<()> {
            Ok(())
        }
        fn clear_region(&mut self, _clear_type: ClearType) -> io::Result<()> {
            Ok(())
        }
        fn size(&self) -> io::Result<Size> {
            self.1.set(self.1.get() + 1);
            Ok(Size::new(40, 10))
        }
        fn window_size(&mut self) -> io::Result<WindowSize> {
            Err(io::Error::other("not asked"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let backend = LeanBackend::new(Counting(Vec::new(), std::cell::Cell::new(0)));
    let mut terminal = Terminal::new(backend).expect("terminal");
    let asked = terminal.backend().inner().1.get();
    for n in 0..20 {
        terminal
            .draw(|frame| {
                frame
                    .buffer_mut()
                    .set_string(0, 0, format!("frame {n}"), Style::default());
            })
            .expect("draw");
    }
    assert_eq!(terminal.backend().inner().1.get(), asked);
    assert!(screen(&terminal.backend().inner().0, 40, 10).starts_with("frame 19"));
}

/// Cells from `picks`: each pick is a grapheme (of every width) and a
/// style, written the way ratatui's `set_stringn` writes them.
fn cells_of(picks: &[(usize, usize)], width: u16) -> Vec<Cell> {
    const TEXT: &[&str] = &["a", " ", "中", "é", "📦", "e\u{301}", "x", "—", "字"];
    let styles = [
        Style::default(),
        Style::default().fg(Color::Red),
        Style::default()
            .bg(Color::Blue)
            .add_modifier(Modifier::BOLD),
    ];
    let mut buffer = Buffer::empty(Rect::new(0, 0, width, 1));
    let mut x = 0;
    for (text, style) in picks {
        if x >= width {
            break;
        }
        let (end, _) = buffer.set_stringn(
            x,
            0,
            TEXT[text % TEXT.len()],
            usize::from(width - x),
            styles[style % styles.len()],
        );
        x = end.max(x + 1);
    }
    buffer.content
}

proptest::proptest! {
    /// A row built again only from the first change to the last is the row
    /// built whole, glyph for glyph and hash for hash, whatever changed
    /// (wide glyphs that start, end or straddle the change included).
    #[test]
    fn a_row_patched_where_it_changed_is_the_row_built_whole(
        before in proptest::collection::vec((0usize..9, 0usize..3), 0..30),
        after in proptest::collection::vec((0usize..9, 0usize..3), 0..30),
        keep_left in 0usize..30,
        keep_right in 0usize..30,
    ) {
        let width = 24u16;
        let old_cells = cells_of(&before, width);
        // The new row: the old one with a stretch in the middle redrawn.
        let mut new_cells = old_cells.clone();
        let stretch = cells_of(&after, width);
        let w = usize::from(width);
        let (left, right) = (keep_left.min(w), keep_right.min(w));
        if left + right < w {
            new_cells[left..w - right].clone_from_slice(&stretch[left..w - right]);
        }
        let mut long = compact::Long::default();
        let mut shown = Row::new();
        let old_hash = display_row(&old_cells, &[], &mut long, &mut shown, Cover::Ignored);
        proptest::prop_assert_eq!(old_hash, row_hash(&shown));
        let mut whole = Row::new();
        let whole_hash = display_row(&new_cells, &[], &mut long, &mut whole, Cover::Ignored);
        let Some(first) = new_cells.iter().zip(&old_cells).position(|(a, b)| a != b) else {
            return Ok(());
        };
        let last = w - new_cells
            .iter()
            .rev()
            .zip(old_cells.iter().rev())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        // Garbage in the row given: it is built over.
        let mut patched = vec![Glyph::blank(); 3];
        let (hash, (from, stop)) = patch_row(
            &new_cells,
            first..last,
            &mut long,
            (&shown, old_hash),
            &mut patched,
        );
        proptest::prop_assert_eq!(&patched, &whole);
        proptest::prop_assert_eq!(hash, whole_hash);
        // Outside the columns said to be built again, the row is the one
        // shown (the backend writes only those columns).
        proptest::prop_assert!(from <= first && stop >= last);
        proptest::prop_assert_eq!(&patched[..from], &shown[..from]);
        proptest::prop_assert_eq!(&patched[stop..], &shown[stop..]);
    }
}

#[test]
fn every_colour_comes_back_from_its_code() {
    let mut colors = vec![
        Color::Reset,
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
        Color::DarkGray,
        Color::LightRed,
        Color::LightGreen,
        Color::LightYellow,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightCyan,
        Color::White,
    ];
    colors.extend((0..=255).map(Color::Indexed));
    colors.extend(
        [
            (0, 0, 0),
            (255, 255, 255),
            (10, 200, 30),
            (1, 0, 0),
            (0, 0, 1),
        ]
        .map(|(r, g, b)| Color::Rgb(r, g, b)),
    );
    let mut codes = std::collections::HashSet::new();
    for color in colors {
        assert_eq!(color_of(color_code(color)), color);
        assert!(codes.insert(color_code(color)), "{color:?} shares a code");
    }
    assert_eq!(color_code(Color::Reset), Pen::DEFAULT.fg);
}

#[test]
fn cells_are_compared_as_ratatui_compares_them() {
    let mut cells = Vec::new();
    for symbol in [" ", "a", "b", "中", "e\u{301}", "ab"] {
        for style in [
            Style::default(),
            Style::default().fg(Color::Red),
            Style::default().bg(Color::Red),
            Style::default().underline_color(Color::Blue),
            Style::default().add_modifier(Modifier::BOLD),
        ] {
            let mut cell = Cell::EMPTY;
            cell.set_symbol(symbol).set_style(style);
            cells.push(cell);
        }
    }
    cells.push(Cell::EMPTY);
    let mut skipped = Cell::EMPTY;
    skipped.set_diff_option(CellDiffOption::Skip);
    cells.push(skipped);
    for a in &cells {
        for b in &cells {
            assert_eq!(same_cell(a, b), a == b, "{a:?} and {b:?}");
        }
    }
}

/// A screen of glyphs is read and written on every frame: a glyph stays
/// at 32 bytes (the grapheme's word is packed with its length).
#[test]
fn a_glyph_is_32_bytes() {
    assert_eq!(std::mem::size_of::<Glyph>(), 32);
}

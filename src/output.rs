//! Fewer bytes on the wire: a ratatui backend that sends each frame as a
//! small change to what the terminal already shows.
//!
//! [`LeanBackend`] wraps a backend that is also a byte sink (crossterm's)
//! and keeps a model of the terminal's screen. For each frame ratatui hands
//! it the changed cells; it applies them to its copy of ratatui's previous
//! buffer, and then turns the model into the new screen with as few bytes
//! as it can find:
//!
//! - a band of rows that moved up or down (the reading pane scrolled) is
//!   moved by the terminal itself — deleting and inserting lines (`CSI n M`,
//!   `CSI n L`), or a scrolling region (`CSI t;b r`, `CSI n S`/`T`, reset),
//!   whichever is shorter — when that plus the rows still to write is
//!   cheaper than writing them all;
//! - each row that still differs is written as whole runs of cells, joined
//!   across short unchanged gaps, with the shortest cursor move (`CR LF`,
//!   `CSI n C` or `CSI y;x H`), and a blank end of line as `CSI K`;
//! - colours and attributes are set with one SGR sequence per change.
//!
//! - links given for the frame ([`LeanBackend::set_hyperlinks`]) are
//!   opened and closed with OSC 8 around exactly the cells they cover, and
//!   never left open after a frame; the link of each cell is part of the
//!   model, so a cell whose link changed is written again.
//!
//! It must show exactly what the plain backend shows: a test drives random
//! frames through both into terminal emulators and compares the screens.
//! A wide character whose right half was overwritten (which the plain
//! backend draws shifted) is shown as a blank here. This module draws; it
//! knows nothing about briefings and owns no terminal mode.
//!
//! This module keeps the model: ratatui's buffers, the rows of glyphs the
//! terminal shows and their hashes. `weigh` chooses how to write a frame
//! (rows in place or a band scrolled first), `encode` turns the choice
//! into bytes (rows, cursor moves, colours, links, scrolls), `compact`
//! packs a glyph's grapheme into a word, and `ahead` writes a scroll of
//! the reading pane instead of a frame, from its lines kept as bytes
//! ([`LeanBackend::write_ahead`]), for the frame owed to check.
//!
//! A frame's bytes are held until [`Backend::flush`] and go out in one
//! write: a reader woken by them then finds brief done.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::CellWidth;
use ratatui::buffer::{Buffer, Cell, CellDiffOption};
use ratatui::layout::{Position, Rect, Size};
use ratatui::style::{Color, Modifier};
use ratatui::{Terminal, TerminalOptions, Viewport};

use crate::hyperlink::Hyperlink;
use crate::phases::{self, Phase};
pub use ahead::Ahead;
use encode::*;
use weigh::*;

/// Colours and attributes: the terminal's "pen". The colours are kept as
/// their [`color_code`]s, so that pens compare and hash as plain numbers
/// (glyphs are compared by the thousand in every frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Pen {
    fg: u32,
    bg: u32,
    underline: u32,
    modifier: Modifier,
}

impl Pen {
    const DEFAULT: Pen = Pen {
        fg: 0,
        bg: 0,
        underline: 0,
        modifier: Modifier::empty(),
    };

    #[inline]
    fn of(cell: &Cell) -> Pen {
        Pen {
            fg: color_code(cell.fg),
            bg: color_code(cell.bg),
            underline: color_code(cell.underline_color),
            modifier: cell.modifier,
        }
    }
}

/// ratatui's `Cell::eq`, settled without a call or a string comparison
/// for symbols of one byte (nearly every cell).
#[inline]
#[allow(deprecated)] // `skip` is compared, as `Cell::eq` compares it
fn same_cell(a: &Cell, b: &Cell) -> bool {
    // The fields first: reading a symbol is a call into ratatui.
    let styles = a.fg == b.fg
        && a.bg == b.bg
        && a.modifier == b.modifier
        && a.underline_color == b.underline_color
        && a.skip == b.skip
        && a.diff_option == b.diff_option;
    if !styles {
        return false;
    }
    let (x, y) = (a.symbol().as_bytes(), b.symbol().as_bytes());
    match (x, y) {
        ([p], [q]) => p == q,
        _ => x == y,
    }
}

/// One column of the screen as the terminal shows it: 32 bytes, copied
/// and compared without a heap pointer to follow or drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Glyph {
    /// What is printed; empty for the right half of a wide character.
    symbol: compact::Symbol,
    /// Columns it covers: 1 or 2 (more for odd graphemes); 0 for a right half.
    width: u8,
    /// A wide grapheme of several characters (an emoji with a joiner),
    /// whose width terminals disagree on.
    uncertain: bool,
    pen: Pen,
    /// The hyperlink it opens (an id in [`Links`]), 0 for none.
    link: u32,
}

impl Glyph {
    fn blank() -> Glyph {
        Glyph {
            symbol: compact::Symbol::SPACE,
            width: 1,
            uncertain: false,
            pen: Pen::DEFAULT,
            link: 0,
        }
    }

    fn is_blank(&self) -> bool {
        self.width == 1 && self.pen == Pen::DEFAULT && self.link == 0 && self.symbol.is_space()
    }
}

/// The most distinct URLs remembered; past it the table starts afresh
/// (and every row is written again), so a long session stays small.
const MAX_LINKS: usize = 4096;

/// URLs by id (id `n` is `urls[n - 1]`): cells carry the id, so the
/// model compares and hashes links as cheaply as colours.
#[derive(Debug, Default)]
struct Links {
    urls: Vec<String>,
    ids: std::collections::HashMap<String, u32>,
}

impl Links {
    fn id(&mut self, url: &str) -> u32 {
        if let Some(id) = self.ids.get(url) {
            return *id;
        }
        self.urls.push(url.to_owned());
        let id = self.urls.len() as u32;
        self.ids.insert(url.to_owned(), id);
        id
    }

    fn url(&self, id: u32) -> Option<&str> {
        let index = usize::try_from(id).ok()?.checked_sub(1)?;
        self.urls.get(index).map(String::as_str)
    }
}

/// Backends that can take more than frames: the links of the next frame
/// (OSC 8) and bytes written between frames (an OSC 52 copy). Backends
/// that cannot, ignore them.
pub trait Sideband {
    /// The hyperlinks of the frame about to be drawn.
    fn set_hyperlinks(&mut self, _links: Vec<Hyperlink>) {}

    /// Writes `bytes` to the terminal now, between frames, and sends them
    /// on; a backend with no terminal drops them.
    fn write_between_frames(&mut self, _bytes: &[u8]) -> io::Result<()> {
        Ok(())
    }

    /// Draws a frame of `area` with `render` by the backend's own means,
    /// without ratatui's `Terminal::draw`, to be sent at
    /// [`Backend::flush`] (see [`LeanBackend::compose_frame`]); `None` for
    /// a backend that draws only through ratatui.
    fn draw_frame(
        &mut self,
        _area: Rect,
        _render: &mut dyn FnMut(&mut Buffer),
    ) -> Option<io::Result<()>> {
        None
    }

    /// Writes the rows of `pane` that changed instead of a frame, if
    /// they are the whole change, to be sent at [`Backend::flush`] (see
    /// [`LeanBackend::write_ahead`]); true if it did. A backend that
    /// cannot writes nothing.
    fn write_ahead(&mut self, _pane: &Ahead<'_>) -> io::Result<bool> {
        Ok(false)
    }

    /// Whether a frame is owed to check rows written ahead (see
    /// [`LeanBackend::frame_owed`]).
    fn frame_owed(&self) -> bool {
        false
    }

    /// After a frame, what its pane showed (see
    /// [`LeanBackend::remember_pane`]).
    fn remember_pane(&mut self, _pane: Option<&Ahead<'_>>) {}

    /// True if [`Self::draw_frame`] draws every frame: ratatui's own
    /// buffers are then never drawn into, and need not be the screen's
    /// size (see [`lean_terminal`]).
    fn draws_frames(&self) -> bool {
        false
    }
}

/// A terminal over `backend` whose ratatui buffers stay empty: the lean
/// backend draws every frame into buffers of its own (two screens of
/// cells, about a megabyte at 200x60, not kept twice).
pub fn lean_terminal<B>(backend: LeanBackend<B>) -> io::Result<Terminal<LeanBackend<B>>>
where
    B: Backend + Write,
    B::Error: From<io::Error> + Into<io::Error>,
{
    Terminal::with_options(
        backend,
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::default()),
        },
    )
    .map_err(Into::into)
}

/// ratatui's test backend has no terminal: nothing beside frames.
impl Sideband for ratatui::backend::TestBackend {}

/// The plain backend copies but draws no links (it writes every cell with
/// crossterm, which knows no OSC 8).
impl<B: Backend + Write> Sideband for Clamped<B> {
    fn write_between_frames(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.0.write_all(bytes)?;
        Write::flush(&mut self.0)
    }
}

type Row = Vec<Glyph>;

/// The most columns brief draws. A terminal may report any size up to
/// 65535 x 65535; ratatui allocates a cell per position (65535 squared
/// aborts, 8000 x 8000 takes gigabytes), so sizes are cut to this before
/// anything is allocated. Wider than any screen a person reads.
pub const MAX_COLUMNS: u16 = 1000;
/// The most rows brief draws (see [`MAX_COLUMNS`]).
pub const MAX_ROWS: u16 = 500;

/// `size` cut to what brief draws: the top-left part of a larger terminal.
pub fn drawable(size: Size) -> Size {
    Size::new(size.width.min(MAX_COLUMNS), size.height.min(MAX_ROWS))
}

/// Any backend with the terminal's size cut to what can be drawn
/// ([`drawable`]): ratatui allocates its buffers at the size the backend
/// reports, at every frame. Used around ratatui's plain crossterm backend
/// (`--plain-output`); [`LeanBackend`] cuts the size itself. Everything
/// else passes straight through.
#[derive(Debug)]
pub struct Clamped<B>(pub B);

impl<B: Backend> Backend for Clamped<B> {
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.0.draw(content)
    }

    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        self.0.append_lines(n)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.0.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.0.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.0.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.0.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.0.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.0.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        self.0.size().map(drawable)
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.0.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        Backend::flush(&mut self.0)
    }
}

/// The columns a cell covers, measured exactly as ratatui's buffer and its
/// diff measure them (and as [`crate::text::grapheme_width`] does), so this
/// backend and the plain one agree on where every glyph lands.
#[inline]
fn cell_width(cell: &Cell) -> usize {
    // One byte is one column (ratatui's own rule), unless the cell's width
    // is forced: settled here without a call per cell.
    if cell.symbol().len() == 1 && !matches!(cell.diff_option, CellDiffOption::ForcedWidth(_)) {
        return 1;
    }
    usize::from(cell.cell_width())
}

/// How a row of cells is read: what ratatui's diff sends of the cells
/// behind a wide glyph differs between the two ways frames arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cover {
    /// The model built from ratatui's diff ([`Backend::draw`]): the cells
    /// behind a wide glyph were blanked when it was sent, and a wide glyph
    /// is shown only if they still are.
    Checked,
    /// A buffer as drawn ([`LeanBackend::draw_frame`]): ratatui's diff
    /// never sends the cells behind a wide glyph, so what they hold does
    /// not show.
    Ignored,
}

/// Turns a row of ratatui cells into what a terminal shows for it, in
/// `row` (its allocation is reused), with the links given as `(first
/// column, end column, id)`; returns the row's [`row_hash`], taken on the
/// way rather than in a second pass.
fn display_row(
    cells: &[Cell],
    links: &[(usize, usize, u32)],
    long: &mut compact::Long,
    row: &mut Row,
    cover: Cover,
) -> u64 {
    let width = cells.len();
    // One glyph per column: each is written over the one there (one pass
    // over the row's memory, not a pass to empty it and one to fill it).
    row.truncate(width);
    if row.len() < width {
        row.resize(width, Glyph::blank());
    }
    let mut build = Build {
        cells,
        links,
        long,
        row,
        hash: 0,
        old: None,
        cover,
    };
    build.glyphs_from(0, width);
    build.hash
}

/// Builds in `row` the glyphs of `cells`, given `shown`, the glyphs (with
/// hash `hash`) of cells that differ from them only in columns `changed`
/// (neither holding links): the glyphs are copied from `shown` but for
/// those from the last glyph start at or before the first change up to
/// the first glyph start after the last change that both share, which are
/// built again. Returns the new hash and the columns built again (outside
/// them `row` is `shown`). The cells are read as drawn
/// ([`Cover::Ignored`]): a glyph then depends on its own cell only.
fn patch_row(
    cells: &[Cell],
    changed: std::ops::Range<usize>,
    long: &mut compact::Long,
    (shown, hash): (&[Glyph], u64),
    row: &mut Row,
) -> (u64, (usize, usize)) {
    let mut from = changed.start.min(shown.len());
    // A glyph starts where the walk over the cells stopped before; the
    // walk from there on sees the same cells up to the change.
    while from > 0 && shown.get(from).is_none_or(|g| g.width == 0) {
        from -= 1;
    }
    row.clear();
    row.extend_from_slice(&shown[..from]);
    let mut build = Build {
        cells,
        links: &[],
        long,
        row,
        hash,
        old: Some(shown),
        cover: Cover::Ignored,
    };
    let stop = build.glyphs_from(from, changed.end).min(shown.len());
    let hash = build.hash;
    row.extend_from_slice(&shown[stop..]);
    (hash, (from, stop))
}

/// A row of glyphs being built from cells, with its hash kept up to date.
struct Build<'a> {
    cells: &'a [Cell],
    links: &'a [(usize, usize, u32)],
    long: &'a mut compact::Long,
    row: &'a mut Row,
    /// The sum of [`glyph_hash`] over the row.
    hash: u64,
    /// The glyphs of the previous cells, counted in `hash`, when only some
    /// are built again: each one replaced is taken out of the hash, the
    /// new ones are pushed onto `row`, and the walk stops where it meets
    /// the old glyphs again after the change.
    old: Option<&'a [Glyph]>,
    cover: Cover,
}

impl Build<'_> {
    #[inline]
    fn put(&mut self, at: usize, glyph: Glyph) {
        if let Some(old) = self.old {
            self.hash = self.hash.wrapping_sub(glyph_hash(&old[at], at));
        }
        self.hash = self.hash.wrapping_add(glyph_hash(&glyph, at));
        match self.row.get_mut(at) {
            Some(slot) => *slot = glyph,
            None => self.row.push(glyph),
        }
    }

    fn link_at(&self, x: usize) -> u32 {
        if self.links.is_empty() {
            return 0;
        }
        self.links
            .iter()
            .rev()
            .find(|(first, end, _)| (*first..*end).contains(&x))
            .map_or(0, |(_, _, id)| *id)
    }

    /// Walks the cells from column `from` (where a glyph starts), writing
    /// the glyphs each shows; returns the column where it stopped (see
    /// [`Build::old`]).
    fn glyphs_from(&mut self, from: usize, until: usize) -> usize {
        let cells = self.cells;
        let width = match self.old {
            Some(old) => cells.len().min(old.len()),
            None => cells.len().min(self.row.len()),
        };
        let mut x = from;
        while x < width {
            // Past the change, a column where a glyph started before too:
            // from here on the walk sees the cells it saw then.
            if let Some(old) = self.old
                && x >= until
                && old[x].width > 0
            {
                return x;
            }
            let cell = &cells[x];
            let symbol = cell.symbol();
            let pen = Pen::of(cell);
            let link = self.link_at(x);
            let w = cell_width(cell);
            if w == 1 {
                let glyph = Glyph {
                    symbol: compact::Symbol::new(symbol, self.long),
                    width: 1,
                    uncertain: false,
                    pen,
                    link,
                };
                self.put(x, glyph);
                x += 1;
                continue;
            }
            // A wide character is shown only if it fits the row and (from
            // ratatui's diff) the cells it covers are the empty ones
            // ratatui leaves behind it.
            let fits = w >= 2
                && x + w <= width
                && (self.cover == Cover::Ignored
                    || cells[x + 1..x + w].iter().all(|c| *c == Cell::EMPTY));
            if fits {
                let glyph = Glyph {
                    symbol: compact::Symbol::new(symbol, self.long),
                    width: w as u8,
                    uncertain: symbol.chars().nth(1).is_some(),
                    pen,
                    link,
                };
                self.put(x, glyph);
                for dx in 1..w {
                    let link = self.link_at(x + dx);
                    let half = Glyph {
                        symbol: compact::Symbol::NONE,
                        width: 0,
                        uncertain: false,
                        pen,
                        link,
                    };
                    self.put(x + dx, half);
                }
                x += w;
            } else {
                let glyph = Glyph {
                    symbol: compact::Symbol::SPACE,
                    width: 1,
                    uncertain: false,
                    pen,
                    link,
                };
                self.put(x, glyph);
                x += 1;
            }
        }
        x
    }
}

/// A hash of a row, to find rows that moved and tell rows apart quickly
/// (equal hashes are confirmed by comparing the rows): the sum of its
/// glyphs' [`glyph_hash`], so replacing a few glyphs updates it without
/// going over the rest.
fn row_hash(row: &Row) -> u64 {
    row.iter().enumerate().fold(0u64, |sum, (x, glyph)| {
        sum.wrapping_add(glyph_hash(glyph, x))
    })
}

/// A glyph's part of its row's hash, which depends on its column.
#[inline]
fn glyph_hash(glyph: &Glyph, x: usize) -> u64 {
    let mut hash = RowHash((x as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    hash.glyph(glyph);
    hash.0
}

/// A glyph's hash being taken, word by word.
struct RowHash(u64);

impl RowHash {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn glyph(&mut self, glyph: &Glyph) {
        self.mix(glyph.symbol.word());
        if glyph.link != 0 {
            self.mix(u64::from(glyph.link) | 1 << 63);
        }
        let pen = glyph.pen;
        self.mix(
            u64::from(pen.fg)
                | u64::from(pen.bg) << 26
                | u64::from(glyph.width) << 52
                | u64::from(pen.modifier.bits() & 0xFF) << 56,
        );
        if pen.underline != 0 || pen.modifier.bits() > 0xFF {
            self.mix(u64::from(pen.underline) | u64::from(pen.modifier.bits()) << 32);
        }
    }
}

/// A colour as a number below 2^26 (0 for the default colour), for
/// comparing and hashing.
#[inline]
fn color_code(color: Color) -> u32 {
    match color {
        Color::Reset => 0,
        Color::Black => 1,
        Color::Red => 2,
        Color::Green => 3,
        Color::Yellow => 4,
        Color::Blue => 5,
        Color::Magenta => 6,
        Color::Cyan => 7,
        Color::Gray => 8,
        Color::DarkGray => 9,
        Color::LightRed => 10,
        Color::LightGreen => 11,
        Color::LightYellow => 12,
        Color::LightBlue => 13,
        Color::LightMagenta => 14,
        Color::LightCyan => 15,
        Color::White => 16,
        Color::Indexed(n) => 0x100 | u32::from(n),
        Color::Rgb(r, g, b) => 0x200_0000 | u32::from(r) << 16 | u32::from(g) << 8 | u32::from(b),
    }
}

/// The colour of a [`color_code`].
fn color_of(code: u32) -> Color {
    const NAMED: [Color; 17] = [
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
    if code & 0x200_0000 != 0 {
        let [_, r, g, b] = code.to_be_bytes();
        return Color::Rgb(r, g, b);
    }
    if code & 0x100 != 0 {
        return Color::Indexed((code & 0xFF) as u8);
    }
    usize::try_from(code)
        .ok()
        .and_then(|i| NAMED.get(i))
        .copied()
        .unwrap_or(Color::Reset)
}

/// Where the cursor and pen are, as far as known, and the scrolling
/// region the terminal has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct State {
    /// `x == width` means "after the last column" (a pending wrap).
    cursor: Option<(u16, u16)>,
    pen: Option<Pen>,
    /// The scrolling region left set (rows `top..bottom`), `None` for the
    /// whole screen. Kept between frames: the reading pane scrolls the same
    /// band key after key, and with the region already set that costs one
    /// `CSI S` (3 bytes) instead of a delete and an insert (about 15).
    region: Option<(u16, u16)>,
    /// The hyperlink open (an id), 0 for none. Closed at the end of every
    /// frame, so it is 0 between frames.
    link: u32,
}

impl State {
    /// Nothing known about the cursor and pen; the region as it was (bytes
    /// written straight through never set one).
    fn unknown(region: Option<(u16, u16)>) -> State {
        State {
            cursor: None,
            pen: None,
            region,
            link: 0,
        }
    }

    /// Whether lines the terminal inserts or scrolls in now come out the
    /// same as blanks in the default pen: they take the pen's background
    /// (and, on some terminals, reverse video), never its other attributes.
    fn blank_lines_are_plain(&self) -> bool {
        self.pen
            .is_some_and(|pen| pen.bg == 0 && !pen.modifier.contains(Modifier::REVERSED))
    }
}

/// A band of rows moved by the terminal: rows `top..bottom` scrolled up by
/// `amount` (down if negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scroll {
    top: u16,
    bottom: u16,
    amount: i32,
}

/// Unchanged cells shorter than this between two changed runs are written
/// again rather than jumped over (a jump costs 3–8 bytes).
const JOIN_GAP: usize = 4;

/// A backend that sends only what changed, scrolling where that is
/// cheaper; see the module documentation.
#[derive(Debug)]
pub struct LeanBackend<B: Backend + Write> {
    inner: B,
    /// ratatui's idea of the screen: its previous buffer (or, drawing
    /// with [`LeanBackend::draw_frame`], the last frame drawn).
    frame: Buffer,
    /// Where [`LeanBackend::draw_frame`] draws the next frame; the frame
    /// before the last one otherwise.
    next: Buffer,
    /// The terminal's screen; `None` for a row whose content is unknown.
    screen: Vec<Option<Row>>,
    /// A hash of each known row of `screen`, to find rows that moved.
    hashes: Vec<Option<u64>>,
    state: State,
    /// Whether the cursor is shown, if known: ratatui hides it after every
    /// frame, which needs saying only once.
    cursor_shown: Option<bool>,
    /// The wrapped backend could tell its size (else the model grows to
    /// what ratatui draws).
    size_known: bool,
    /// Bytes of the frame being built.
    out: Vec<u8>,
    /// Bytes of frames drawn and not yet sent: they go out in one write at
    /// [`Backend::flush`], after the caller's bookkeeping. A reader waiting
    /// for them runs as soon as they are written, and a program still
    /// busy then delays it, on the same processor, or on a single one.
    held: Vec<u8>,
    /// URLs of the links drawn, by id.
    links: Links,
    /// Graphemes longer than a word, by number.
    long: compact::Long,
    /// The links of the next frame, by row: `(first column, end column,
    /// id)`.
    wanted_links: Vec<Vec<(usize, usize, u32)>>,
    /// Rows that hold a link on screen (or will after this frame): they
    /// are rebuilt each frame, since a link can change where no cell does.
    linked_rows: Vec<bool>,
    /// Kept from frame to frame so the steady path allocates nothing: the
    /// rows ratatui touched, the rows wanted (`None`: as on screen) and
    /// their hashes, rows no longer on screen to build the next ones in,
    /// and the bytes of the alternatives weighed.
    scratch: Scratch,
    /// Lines kept encoded, to write a scroll ahead of its frame.
    ahead: ahead::LineCache,
}

/// Buffers reused from frame to frame (see [`LeanBackend`]).
#[derive(Debug, Default)]
struct Scratch {
    touched: Vec<bool>,
    target: Vec<Option<Row>>,
    target_hashes: Vec<Option<u64>>,
    /// For each row wanted, the columns where it can differ from the row
    /// on screen (all of them when not said: `draw`).
    spans: Vec<(usize, usize)>,
    spare: Vec<Row>,
    blank: Row,
    best: Vec<u8>,
    trial: Vec<u8>,
    candidates: Candidates,
}

impl<B: Backend + Write> LeanBackend<B> {
    /// Wraps `inner`, assuming (as ratatui does) a blank screen of its size.
    pub fn new(inner: B) -> Self {
        let asked = inner.size().ok().map(drawable);
        let size = asked.unwrap_or(Size::new(0, 0));
        let mut backend = Self {
            inner,
            frame: Buffer::empty(Rect::default()),
            next: Buffer::empty(Rect::default()),
            screen: Vec::new(),
            hashes: Vec::new(),
            state: State::unknown(None),
            out: Vec::new(),
            held: Vec::new(),
            cursor_shown: None,
            size_known: asked.is_some(),
            scratch: Scratch::default(),
            links: Links::default(),
            long: compact::Long::default(),
            wanted_links: Vec::new(),
            linked_rows: Vec::new(),
            ahead: ahead::LineCache::default(),
        };
        backend.reset_to(size);
        backend
    }

    /// The wrapped backend.
    pub fn inner(&self) -> &B {
        &self.inner
    }

    /// Writes the bytes held: before anything else is written, so that
    /// the terminal gets everything in order. Dropped if the write fails
    /// (the session ends then).
    fn release(&mut self) -> io::Result<()> {
        if self.held.is_empty() {
            return Ok(());
        }
        let written = self.inner.write_all(&self.held);
        self.held.clear();
        written
    }

    /// The hyperlinks of the next frame (see [`Sideband`]): each opens its
    /// URL on the cells it covers, until the frame after.
    pub fn set_hyperlinks(&mut self, links: Vec<Hyperlink>) {
        if self.links.urls.len() + links.len() > MAX_LINKS {
            // Start the table afresh; rows holding old ids are rewritten.
            self.links = Links::default();
            self.forget_rows();
        }
        self.wanted_links.iter_mut().for_each(Vec::clear);
        for link in links {
            let y = usize::from(link.y);
            if y >= usize::from(MAX_ROWS) || link.width == 0 {
                continue;
            }
            if self.wanted_links.len() <= y {
                self.wanted_links.resize_with(y + 1, Vec::new);
            }
            let id = self.links.id(&link.url);
            let first = usize::from(link.x);
            self.wanted_links[y].push((first, first + usize::from(link.width), id));
        }
    }

    fn width(&self) -> usize {
        usize::from(self.frame.area.width)
    }

    fn height(&self) -> usize {
        usize::from(self.frame.area.height)
    }

    /// Starts over at `size` with a blank screen (after a full clear).
    fn reset_to(&mut self, size: Size) {
        self.drop_ahead();
        let area = Rect::new(0, 0, size.width, size.height);
        let blank = vec![Glyph::blank(); usize::from(size.width)];
        let hash = row_hash(&blank);
        if self.frame.area == area && self.screen.len() == usize::from(size.height) {
            // Same size (a clear, not a resize): blank in place rather than
            // fault in a megabyte of fresh memory before the first frame.
            self.frame.reset();
            for row in &mut self.screen {
                match row {
                    Some(row) => row.iter_mut().for_each(|g| *g = Glyph::blank()),
                    None => *row = Some(blank.clone()),
                }
            }
            self.hashes.iter_mut().for_each(|h| *h = Some(hash));
            return;
        }
        self.frame = Buffer::empty(area);
        self.screen = vec![Some(blank); usize::from(size.height)];
        self.hashes = vec![Some(hash); usize::from(size.height)];
    }

    /// Forgets what every row holds: the next frame writes them all.
    fn forget_rows(&mut self) {
        self.screen.iter_mut().for_each(|row| *row = None);
        self.hashes.iter_mut().for_each(|hash| *hash = None);
    }

    /// Builds the bytes that turn the screen into the rows in
    /// `scratch.target`, where `None` is a row ratatui did not touch (the
    /// same as on screen).
    ///
    /// The alternatives are weighed by their bytes: writing the rows where
    /// they are, then each band that moved, by region and by lines, each
    /// taken if shorter than the best so far. The scrolls are tried first
    /// and each abandoned once it cannot win, and the rows written in place
    /// (the usual loser) only as far as it takes to know they lose: the
    /// choice is the same as weighing everything in full.
    fn render(&mut self) {
        let width = self.width();
        let height = self.height();
        let scratch = &mut self.scratch;
        if scratch.blank.len() != width {
            scratch.blank = vec![Glyph::blank(); width];
        }
        let view = View {
            links: &self.links,
            long: &self.long,
            screen: &self.screen,
            screen_hashes: &self.hashes,
            target: &scratch.target,
            target_hashes: &scratch.target_hashes,
            spans: &scratch.spans,
            blank_hash: row_hash(&scratch.blank),
            blank: &scratch.blank,
        };
        let mut best_out = std::mem::take(&mut scratch.best);
        let mut out = std::mem::take(&mut scratch.trial);
        best_out.clear();
        let touched = scratch.target.iter().filter(|row| row.is_some()).count();
        let found = if touched >= 3 {
            scroll_candidates(&view, &mut scratch.candidates)
        } else {
            [None, None]
        };
        let candidates = &scratch.candidates.same;
        let scrolls: [Option<(Scroll, &[bool])>; 2] = [
            found[0].map(|s| (s, candidates[0].as_slice())),
            found[1].map(|s| (s, candidates[1].as_slice())),
        ];
        let mut weigh = Weighing {
            view: &view,
            width,
            height,
            start: self.state,
            best: None,
            best_out: &mut best_out,
            out: &mut out,
        };
        // The scrolls as if writing in place cost nothing less than any of
        // them: the first is taken whatever it costs.
        let first = weigh.scrolls(&scrolls);
        // Writing in place loses to the first scroll when it is longer than
        // that scroll's cost; then the scrolls weighed above are what
        // weighing it first would have left. Otherwise it goes first and the
        // scrolls are weighed again against it.
        let mut state = self.state;
        weigh.out.clear();
        let trial = Trial {
            scroll: None,
            same: &[],
            limit: first.unwrap_or(usize::MAX),
        };
        if emit_rows(&view, trial, width, height, &mut state, weigh.out) {
            std::mem::swap(weigh.best_out, weigh.out);
            weigh.best = Some((weigh.best_out.len(), state));
            if first.is_some() {
                weigh.scrolls(&scrolls);
            }
        }
        if let Some((_, state)) = weigh.best {
            self.state = state;
        }
        self.out.extend_from_slice(&best_out);
        scratch.best = best_out;
        scratch.trial = out;
        for (y, (row, hash)) in scratch
            .target
            .iter_mut()
            .zip(&scratch.target_hashes)
            .enumerate()
        {
            if let (Some(row), Some(slot)) = (row.take(), self.screen.get_mut(y)) {
                if let Some(stored) = self.hashes.get_mut(y) {
                    *stored = *hash;
                }
                // The row it replaces is where a later frame builds one.
                if let Some(old) = slot.replace(row) {
                    scratch.spare.push(old);
                }
            }
        }
    }
}

impl<B> LeanBackend<B>
where
    B: Backend + Write,
    B::Error: From<io::Error>,
{
    /// Draws one frame without ratatui's `Terminal::draw`: `render` draws
    /// the whole of `area` on a blank buffer this backend keeps, and only
    /// the rows that differ from the last frame, and in them only the
    /// columns from the first change to the last, are turned into glyphs
    /// and weighed. (ratatui resets a second buffer and compares every
    /// cell of the screen for every frame, and hands over the cells that
    /// changed one by one.) The cursor is hidden, as `Terminal::draw` does.
    ///
    /// Once a frame is drawn this way, draw every frame this way: ratatui's
    /// own buffers no longer know what the screen shows (a clear, or
    /// `Terminal::resize`, starts both afresh). Cells are drawn as ratatui
    /// draws them with no diff options (no skipped or forced-width cells:
    /// nothing in brief sets them).
    pub fn draw_frame(
        &mut self,
        area: Rect,
        render: impl FnOnce(&mut Buffer),
    ) -> Result<(), B::Error> {
        self.compose_frame(area, render)?;
        Backend::flush(self)
    }

    /// [`LeanBackend::draw_frame`] without the write: the bytes are held
    /// until [`Backend::flush`].
    pub fn compose_frame(
        &mut self,
        area: Rect,
        render: impl FnOnce(&mut Buffer),
    ) -> Result<(), B::Error> {
        if self.long.len() > compact::MAX_LONG {
            // Start the table afresh; the rows holding old numbers are
            // built and written again.
            self.long = compact::Long::default();
            self.forget_rows();
            self.ahead.forget_lines();
        }
        // The model's buffers start at the origin.
        let area = Rect::new(0, 0, area.width, area.height);
        if self.frame.area != area {
            // A size the backend was not told of (no clear came with it):
            // nothing known of what the screen shows.
            self.drop_ahead();
            self.frame = Buffer::empty(area);
            self.screen = vec![None; usize::from(area.height)];
            self.hashes = vec![None; usize::from(area.height)];
        }
        self.take_in_ahead();
        let mut next = std::mem::take(&mut self.next);
        if next.area == area {
            next.reset();
        } else {
            next = Buffer::empty(area);
        }
        phases::mark(Phase::Cleared);
        render(&mut next);
        phases::mark(Phase::Rendered);
        let (width, height) = (self.width(), self.height());
        let scratch = &mut self.scratch;
        scratch.target.clear();
        scratch.target_hashes.clear();
        scratch.spans.clear();
        self.linked_rows.resize(height, false);
        for y in 0..height {
            let start = y * width;
            let cells = &next.content[start..start + width];
            let before = &self.frame.content[start..start + width];
            let links = self.wanted_links.get(y).map_or(&[][..], Vec::as_slice);
            // A row with a link before or now is built whole: its link may
            // have changed where no cell did.
            let linked = std::mem::replace(&mut self.linked_rows[y], !links.is_empty());
            // A row written ahead differs from the last frame's buffer:
            // built whole, and checked below.
            let stale = self.ahead.is_stale(y);
            let shown = match (self.screen.get(y), self.hashes.get(y)) {
                (Some(Some(row)), Some(Some(hash))) if row.len() == width => Some((row, *hash)),
                _ => None,
            };
            let (row, hash, span) = match shown {
                Some((shown, hash)) if !linked && links.is_empty() && !stale => {
                    // Only the columns from the first change to the last.
                    let Some(first) = cells.iter().zip(before).position(|(a, b)| !same_cell(a, b))
                    else {
                        scratch.target.push(None);
                        scratch.target_hashes.push(None);
                        scratch.spans.push((0, 0));
                        continue;
                    };
                    let after_last = width
                        - cells
                            .iter()
                            .rev()
                            .zip(before.iter().rev())
                            .position(|(a, b)| !same_cell(a, b))
                            .unwrap_or(0);
                    let mut row = scratch.spare.pop().unwrap_or_default();
                    let (hash, span) = patch_row(
                        cells,
                        first..after_last,
                        &mut self.long,
                        (shown, hash),
                        &mut row,
                    );
                    (row, hash, span)
                }
                _ => {
                    let mut row = scratch.spare.pop().unwrap_or_default();
                    let hash = display_row(cells, links, &mut self.long, &mut row, Cover::Ignored);
                    (row, hash, (0, width))
                }
            };
            scratch.target.push(Some(row));
            scratch.target_hashes.push(Some(hash));
            scratch.spans.push(span);
        }
        self.check_ahead();
        // The frame drawn is what the next one is compared with.
        self.next = std::mem::replace(&mut self.frame, next);
        phases::mark(Phase::Compared);
        self.write_frame();
        self.hide_cursor()
    }

    /// Weighs the frame whose rows were taken in and holds its bytes:
    /// links are given frame by frame, and never left open.
    fn write_frame(&mut self) {
        self.wanted_links.iter_mut().for_each(Vec::clear);
        self.render();
        phases::mark(Phase::Weighed);
        if self.state.link != 0 {
            // Whatever is written after the frame (a copy, the shell after
            // quitting) must not become a link.
            self.out.extend_from_slice(b"\x1b]8;;\x1b\\");
            self.state.link = 0;
        }
        self.held.extend_from_slice(&self.out);
        self.out.clear();
    }
}

impl<B> Backend for LeanBackend<B>
where
    B: Backend + Write,
    B::Error: From<io::Error>,
{
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.drop_ahead();
        if self.long.len() > compact::MAX_LONG {
            // Start the table afresh; the rows holding old numbers are
            // built and written again.
            self.long = compact::Long::default();
            self.forget_rows();
        }
        let mut touched = std::mem::take(&mut self.scratch.touched);
        touched.clear();
        touched.resize(self.height(), false);
        for (x, y, cell) in content {
            let covers = cell_width(cell).max(1) as u16;
            let outside = x >= self.frame.area.width
                || y >= self.frame.area.height
                || (!self.size_known && x + covers > self.frame.area.width);
            if outside {
                // ratatui and the model disagree on the size (it could not
                // be asked when this backend was made): grow, keeping what
                // ratatui sent, and forget what the screen holds.
                let area = Rect::new(
                    0,
                    0,
                    self.frame.area.width.max(x + covers),
                    self.frame.area.height.max(y + 1),
                );
                let old = std::mem::replace(&mut self.frame, Buffer::empty(area));
                for oy in 0..old.area.height {
                    for ox in 0..old.area.width {
                        self.frame[(ox, oy)] = old[(ox, oy)].clone();
                    }
                }
                self.screen = vec![None; usize::from(area.height)];
                self.hashes = vec![None; usize::from(area.height)];
                touched.clear();
                touched.resize(usize::from(area.height), true);
            }
            // The model's buffer starts at the origin: a cell's index is
            // its row times the width plus its column.
            let at = usize::from(y) * usize::from(self.frame.area.width) + usize::from(x);
            self.frame.content[at].clone_from(cell);
            // ratatui's diff sends a wide glyph without the cells it covers
            // (the terminal blanks them when printing it): blank them here.
            for dx in 1..covers {
                if x + dx < self.frame.area.width {
                    self.frame.content[at + usize::from(dx)] = Cell::EMPTY;
                }
            }
            if let Some(t) = touched.get_mut(usize::from(y)) {
                *t = true;
            }
        }
        let width = self.width();
        let scratch = &mut self.scratch;
        scratch.target.clear();
        scratch.target_hashes.clear();
        // No spans: rows may differ anywhere.
        scratch.spans.clear();
        self.linked_rows.resize(touched.len(), false);
        for (y, touched) in touched.iter().enumerate() {
            let known = self.screen.get(y).is_some_and(Option::is_some);
            let links = self.wanted_links.get(y).map_or(&[][..], Vec::as_slice);
            // A row with a link before or now is rebuilt: its link may
            // have changed where no cell did.
            let linked = std::mem::replace(&mut self.linked_rows[y], !links.is_empty());
            if *touched || !known || linked || !links.is_empty() {
                let start = y * width;
                let mut row = scratch.spare.pop().unwrap_or_default();
                let cells = &self.frame.content[start..start + width];
                let hash = display_row(cells, links, &mut self.long, &mut row, Cover::Checked);
                scratch.target.push(Some(row));
                scratch.target_hashes.push(Some(hash));
            } else {
                scratch.target.push(None);
                scratch.target_hashes.push(None);
            }
        }
        self.scratch.touched = touched;
        self.write_frame();
        Ok(())
    }

    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        self.release()?;
        // New lines at the bottom of the screen, not of a region.
        let mut out = Vec::new();
        reset_region(&mut self.state, &mut out);
        self.inner.write_all(&out)?;
        self.drop_ahead();
        self.forget_rows();
        self.state.cursor = None;
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        if self.cursor_shown != Some(false) {
            self.release()?;
            self.inner.hide_cursor()?;
            self.cursor_shown = Some(false);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        if self.cursor_shown != Some(true) {
            self.release()?;
            self.inner.show_cursor()?;
            self.cursor_shown = Some(true);
        }
        Ok(())
    }

    /// Answered from the model; where the cursor is not known it is moved
    /// home first. Asking the terminal (`CSI 6n`) costs a round trip before
    /// the first frame (ratatui asks in `clear`), a link's latency over SSH,
    /// and a full-screen program has no use for the old position. (Not for
    /// ratatui's inline viewports, which place themselves by it.)
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        let (x, y) = match self.state.cursor {
            Some((x, y)) => (x.min(self.frame.area.width.saturating_sub(1)), y),
            None => {
                self.release()?;
                self.inner.write_all(b"\x1b[H")?;
                self.state.cursor = Some((0, 0));
                (0, 0)
            }
        };
        Ok(Position { x, y })
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        let position = position.into();
        self.release()?;
        self.inner.set_cursor_position(position)?;
        self.state.cursor = Some((position.x, position.y));
        Ok(())
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.release()?;
        // Erased cells take the current background on many terminals.
        let mut out = Vec::new();
        set_pen(Pen::DEFAULT, &mut self.state, &mut out);
        // A resize (which ratatui follows with a clear) resets the region
        // on some terminals and not on others: say it either way.
        reset_region(&mut self.state, &mut out);
        if !out.is_empty() {
            self.inner.write_all(&out)?;
        }
        self.inner.clear_region(clear_type)?;
        // A clear is also where the program takes the terminal back (after
        // a suspend): ask for the cursor's visibility again.
        self.cursor_shown = None;
        // ratatui forgets its previous buffer after any clear; so does the
        // model, and rows partly erased are rewritten whole next time.
        let size = match self.inner.size().map(drawable) {
            Ok(size) => {
                self.size_known = true;
                size
            }
            Err(_) => self.frame.area.as_size(),
        };
        self.reset_to(size);
        if clear_type != ClearType::All {
            // Partly erased: rewrite every row in full next time.
            self.forget_rows();
        }
        Ok(())
    }

    /// The size asked of the terminal when this backend was made or last
    /// cleared, not asked again: ratatui calls this before every frame, and
    /// crossterm answers by opening `/dev/tty` each time. A resize reaches
    /// the screen through `Terminal::resize`, which clears.
    fn size(&self) -> Result<Size, Self::Error> {
        if self.size_known {
            return Ok(self.frame.area.as_size());
        }
        self.inner.size().map(drawable)
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }

    /// Sends the frames held, then flushes.
    fn flush(&mut self) -> Result<(), Self::Error> {
        let sent = !self.held.is_empty();
        self.release()?;
        Backend::flush(&mut self.inner)?;
        if sent {
            phases::mark(Phase::Written);
        }
        Ok(())
    }
}

impl<B> Sideband for LeanBackend<B>
where
    B: Backend + Write,
    B::Error: From<io::Error> + Into<io::Error>,
{
    fn set_hyperlinks(&mut self, links: Vec<Hyperlink>) {
        LeanBackend::set_hyperlinks(self, links);
    }

    fn draw_frame(
        &mut self,
        area: Rect,
        render: &mut dyn FnMut(&mut Buffer),
    ) -> Option<io::Result<()>> {
        Some(LeanBackend::compose_frame(self, area, render).map_err(Into::into))
    }

    fn draws_frames(&self) -> bool {
        true
    }

    fn write_ahead(&mut self, pane: &Ahead<'_>) -> io::Result<bool> {
        LeanBackend::write_ahead(self, pane).map_err(Into::into)
    }

    fn remember_pane(&mut self, pane: Option<&Ahead<'_>>) {
        LeanBackend::remember_pane(self, pane);
    }

    fn frame_owed(&self) -> bool {
        LeanBackend::frame_owed(self)
    }

    /// Written as is: the cursor and pen stay as they were (an OSC
    /// sequence moves neither), and it goes out at once.
    fn write_between_frames(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.release()?;
        self.inner.write_all(bytes)?;
        Backend::flush(&mut self.inner).map_err(Into::into)
    }
}

/// Bytes written straight through are not in the model: the cursor and
/// pen become unknown (call [`Backend::clear`] if they changed the screen).
impl<B: Backend + Write> Write for LeanBackend<B> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.release()?;
        self.ahead.forget_shown();
        self.state = State::unknown(self.state.region);
        self.cursor_shown = None;
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.release()?;
        Write::flush(&mut self.inner)
    }
}

mod ahead;
mod compact;
mod encode;
#[cfg(test)]
mod tests;
mod weigh;

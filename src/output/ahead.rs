//! Rows written ahead of a frame: the reading pane's lines kept as the
//! bytes that draw them, so that a scroll reaches the terminal before the
//! frame is drawn in full.
//!
//! A line scroll changes every row of the reading pane, yet each row then
//! shows a line that was on screen a moment before. Drawing, comparing and
//! weighing a whole screen of cells to find that out costs several times
//! what the terminal needs to show it. [`LeanBackend::write_ahead`] writes
//! such rows at once from a small cache of encoded lines, keyed by what
//! they show (the caller's hash of the text and styles drawn), together
//! with the status line drawn on its own and compared with the screen.
//! The frame is then drawn in full as usual ([`LeanBackend::draw_frame`]),
//! right after: it writes only what the rows written ahead did not
//! already show (a section title, the outline's marker).
//!
//! That frame also checks every row written ahead against what it draws
//! there, by a hash of the glyphs: a row that differs is forgotten and
//! written again whole. A wrong key costs bytes, never a wrong screen.
//!
//! [`LeanBackend::remember_pane`], after each frame, says what the pane's
//! rows now show and keeps the lines on screen encoded, so that the next
//! scroll finds all but the new line ready.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io;

use super::*;

/// A pane whose rows may be written ahead of the frame, and the
/// full-width rows (the status line) drawn again with them.
pub struct Ahead<'a> {
    /// The pane's text area: its rows are the ones written ahead.
    pub area: Rect,
    /// What each row of `area` shows, as a key: rows with equal keys are
    /// drawn with equal cells.
    pub keys: &'a [u64],
    /// Draws what row `i` of `area` shows into a buffer one row high and
    /// as wide as `area`, at the buffer's own position.
    pub draw_row: &'a dyn Fn(usize, &mut Buffer),
    /// Whether row `i` of `area` shows a link: such a row is left to the
    /// frame, which draws links.
    pub row_linked: &'a dyn Fn(usize) -> bool,
    /// Full-width rows drawn with the pane's rows (the status line).
    pub rows: Rect,
    /// Draws `rows` into a buffer of exactly that area.
    pub draw_rows: &'a dyn Fn(&mut Buffer),
}

/// A line as the bytes that draw it.
#[derive(Debug)]
struct Encoded {
    /// Written from the row's first column, starting and ending in the
    /// default pen with no link open; `None` if it cannot be written
    /// ahead (see [`encode_line`]).
    bytes: Option<Vec<u8>>,
    /// Columns the cursor ends up right of the first.
    advance: usize,
    /// The hash of its glyphs, as [`segment_hash`] takes it.
    hash: u64,
    /// It shows a link (see [`Ahead::row_linked`]).
    linked: bool,
}

/// What the backend keeps for writing rows ahead (see the module doc).
#[derive(Debug)]
pub(super) struct LineCache {
    /// The text area the entries were made for.
    area: Rect,
    /// The key each row of `area` shows on screen, if known.
    shown: Option<Vec<u64>>,
    entries: HashMap<u64, Encoded, BuildHasherDefault<KeyIsHash>>,
    /// Rows written ahead, with the hash of what they were written with,
    /// for the next frame to check.
    pending: Vec<(usize, u64)>,
    /// Rows whose cells in the last frame's buffer are not what the screen
    /// shows (they were written ahead): the next frame builds them whole.
    pub(super) stale: Vec<bool>,
    /// One row of the pane, to draw a line in.
    row_buffer: Buffer,
    /// The full-width rows, to draw in.
    rows_buffer: Buffer,
    /// Rows written ahead that the frame then drew otherwise.
    missed: usize,
    /// Rows written ahead.
    written: usize,
}

impl Default for LineCache {
    fn default() -> Self {
        LineCache {
            area: Rect::default(),
            shown: None,
            entries: HashMap::default(),
            pending: Vec::new(),
            stale: Vec::new(),
            row_buffer: Buffer::empty(Rect::default()),
            rows_buffer: Buffer::empty(Rect::default()),
            missed: 0,
            written: 0,
        }
    }
}

impl LineCache {
    /// Whether row `y` must be built whole by the next frame.
    pub(super) fn is_stale(&self, y: usize) -> bool {
        self.stale.get(y) == Some(&true)
    }

    /// Forgets what the pane's rows show (something else was written).
    pub(super) fn forget_shown(&mut self) {
        self.shown = None;
    }

    /// Forgets the lines kept (their glyphs' numbers may be gone).
    pub(super) fn forget_lines(&mut self) {
        self.entries.clear();
        self.shown = None;
    }
}

/// The keys are hashes already: a map of them hashes nothing again.
#[derive(Default)]
struct KeyIsHash(u64);

impl Hasher for KeyIsHash {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The hash of a run of glyphs, each taken at its column from the run's
/// start (the same run gives the same hash wherever it stands).
fn segment_hash(glyphs: &[Glyph]) -> u64 {
    glyphs.iter().enumerate().fold(0u64, |sum, (x, glyph)| {
        sum.wrapping_add(glyph_hash(glyph, x))
    })
}

/// The bytes that print `row`, standing at column `x0` of any row of the
/// screen, from its first column on, and the columns the cursor moves
/// by; `None` if `row` holds the right half of a wide glyph alone.
fn encode_line(
    row: &Row,
    x0: usize,
    (links, long): (&Links, &compact::Long),
) -> (Option<Vec<u8>>, usize) {
    let mut tail = row.len();
    while tail > 0 && row[tail - 1].is_blank() {
        tail -= 1;
    }
    let mut state = State {
        cursor: None,
        pen: Some(Pen::DEFAULT),
        region: None,
        link: 0,
    };
    let mut out = Vec::new();
    let mut x = 0;
    while x < tail {
        let glyph = &row[x];
        if glyph.width == 0 {
            return (None, 0);
        }
        set_pen(glyph.pen, &mut state, &mut out);
        set_link(glyph.link, links, &mut state, &mut out);
        glyph.symbol.write_to(long, &mut out);
        x += usize::from(glyph.width);
        if glyph.uncertain {
            // Terminals disagree on its width: the next glyph is placed
            // by column (on whatever row this is).
            let _ = write!(out, "\x1b[{}G", x0 + x + 1);
        }
    }
    set_link(0, links, &mut state, &mut out);
    // The blank end is erased, not printed (nor erased to the end of the
    // line: the pane's border stands after it).
    set_pen(Pen::DEFAULT, &mut state, &mut out);
    if tail < row.len() {
        let _ = write!(out, "\x1b[{}X", row.len() - tail);
    }
    (Some(out), x)
}

impl<B> LeanBackend<B>
where
    B: Backend + Write,
    B::Error: From<io::Error>,
{
    /// Writes now the rows of `pane` whose keys differ from what the
    /// screen shows there, from the lines kept encoded (a line not kept is
    /// drawn on its own), and the full-width rows of `pane.rows` where they
    /// differ from the screen. Returns whether it wrote anything.
    ///
    /// Call [`LeanBackend::draw_frame`] right after: it finishes the frame
    /// and checks what was written here. Nothing is written unless
    /// [`LeanBackend::remember_pane`] said, after the last frame, what the
    /// same pane showed.
    pub fn write_ahead(&mut self, pane: &Ahead<'_>) -> Result<bool, B::Error> {
        let (width, height) = (self.width(), self.height());
        let area = pane.area;
        let fits = self.pane_fits(pane)
            && pane.rows.x == 0
            && usize::from(pane.rows.width) == width
            && usize::from(pane.rows.bottom()) <= height
            && !pane.rows.intersects(area);
        if !fits || self.ahead.area != area || self.long.len() > compact::MAX_LONG {
            return Ok(false);
        }
        let Some(shown) = self.ahead.shown.take() else {
            return Ok(false);
        };
        // A jump (a page, a search hit) finds few of its lines kept: the
        // frame draws them as fast as drawing them here would, and the
        // work is not done twice.
        let changed = pane.keys.iter().zip(&shown).filter(|(k, w)| k != w);
        let (count, missing) = changed.fold((0, 0), |(count, missing), (key, _)| {
            let kept = self.ahead.entries.contains_key(key);
            (count + 1, missing + usize::from(!kept))
        });
        if missing * 2 > count {
            self.ahead.shown = Some(shown);
            return Ok(false);
        }
        self.ahead.stale.resize(height, false);
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        let x0 = usize::from(area.x);
        for (i, (&key, &was)) in pane.keys.iter().zip(&shown).enumerate() {
            let y = usize::from(area.y) + i;
            if key == was {
                continue;
            }
            if !self.ahead.entries.contains_key(&key) {
                let encoded = self.encode_row(area, i, pane);
                self.ahead.entries.insert(key, encoded);
            }
            // A row with a link is the frame's to write: the link is not
            // in the lines kept.
            let Some(Encoded {
                bytes: Some(bytes),
                advance,
                hash,
                linked: false,
            }) = self.ahead.entries.get(&key)
            else {
                continue;
            };
            set_link(0, &self.links, &mut self.state, &mut out);
            set_pen(Pen::DEFAULT, &mut self.state, &mut out);
            // Placed absolutely: a line feed in the bytes would make a
            // line-buffered stdout split them into two writes.
            let _ = write!(out, "\x1b[{};{}H", y + 1, x0 + 1);
            out.extend_from_slice(bytes);
            self.state.cursor = Some(((x0 + advance) as u16, y as u16));
            self.ahead.pending.push((y, *hash));
            self.ahead.written += 1;
            self.ahead.stale[y] = true;
        }
        self.ahead.shown = Some(shown);
        if self.ahead.pending.is_empty() {
            self.out = out;
            return Ok(false);
        }
        self.write_rows(pane.rows, pane.draw_rows, &mut out);
        let written = self.inner.write_all(&out);
        out.clear();
        self.out = out;
        written?;
        Backend::flush(&mut self.inner)?;
        Ok(true)
    }
}

impl<B: Backend + Write> LeanBackend<B> {
    /// After a frame: `pane` is what it drew in the pane (`None`: nothing
    /// that can be written ahead). The lines on screen are kept encoded,
    /// and no others.
    pub fn remember_pane(&mut self, pane: Option<&Ahead<'_>>) {
        let Some(pane) = pane else {
            self.ahead.shown = None;
            return;
        };
        let area = pane.area;
        if !self.pane_fits(pane) {
            self.ahead.shown = None;
            return;
        }
        if self.ahead.area != area {
            self.ahead.entries.clear();
            self.ahead.area = area;
        }
        self.ahead.entries.retain(|key, _| pane.keys.contains(key));
        for (i, key) in pane.keys.iter().enumerate() {
            if !self.ahead.entries.contains_key(key) {
                let encoded = self.encode_row(area, i, pane);
                self.ahead.entries.insert(*key, encoded);
            }
        }
        let mut shown = self.ahead.shown.take().unwrap_or_default();
        shown.clear();
        shown.extend_from_slice(pane.keys);
        self.ahead.shown = Some(shown);
    }

    /// Whether `pane`'s text area lies on the screen, with a key a row.
    fn pane_fits(&self, pane: &Ahead<'_>) -> bool {
        let area = pane.area;
        !area.is_empty()
            && usize::from(area.right()) <= self.width()
            && usize::from(area.bottom()) <= self.height()
            && pane.keys.len() == usize::from(area.height)
    }

    /// Rows written ahead so far, and of them those that the frame after
    /// them drew otherwise (and wrote again).
    pub fn rows_ahead(&self) -> (usize, usize) {
        (self.ahead.written, self.ahead.missed)
    }

    /// Draws row `i` of `area` on its own and encodes it.
    fn encode_row(&mut self, area: Rect, i: usize, pane: &Ahead<'_>) -> Encoded {
        let row_area = Rect::new(area.x, 0, area.width, 1);
        let buffer = &mut self.ahead.row_buffer;
        if buffer.area == row_area {
            buffer.reset();
        } else {
            *buffer = Buffer::empty(row_area);
        }
        (pane.draw_row)(i, buffer);
        let mut row = self.scratch.spare.pop().unwrap_or_default();
        let hash = display_row(
            &buffer.content,
            &[],
            &mut self.long,
            &mut row,
            Cover::Ignored,
        );
        let (bytes, advance) = encode_line(&row, usize::from(area.x), (&self.links, &self.long));
        self.scratch.spare.push(row);
        Encoded {
            bytes,
            advance,
            hash,
            linked: (pane.row_linked)(i),
        }
    }

    /// Draws the full-width `rows` and writes where they differ from the
    /// screen; the model then holds them, and the next frame builds them
    /// whole (its last buffer does not).
    fn write_rows(&mut self, rows: Rect, draw: &dyn Fn(&mut Buffer), out: &mut Vec<u8>) {
        let (width, height) = (self.width(), self.height());
        let mut buffer =
            std::mem::replace(&mut self.ahead.rows_buffer, Buffer::empty(Rect::default()));
        if buffer.area == rows {
            buffer.reset();
        } else {
            buffer = Buffer::empty(rows);
        }
        draw(&mut buffer);
        for dy in 0..usize::from(rows.height) {
            let y = usize::from(rows.y) + dy;
            let linked = self.wanted_links.get(y).is_some_and(|l| !l.is_empty())
                || self.linked_rows.get(y) == Some(&true);
            let Some(cells) = buffer.content.get(dy * width..(dy + 1) * width) else {
                break;
            };
            if linked {
                continue;
            }
            let mut row = self.scratch.spare.pop().unwrap_or_default();
            let hash = display_row(cells, &[], &mut self.long, &mut row, Cover::Ignored);
            let old = match (self.screen.get(y), self.hashes.get(y)) {
                (Some(Some(old)), Some(Some(old_hash))) if old.len() == width => {
                    if *old_hash == hash && *old == row {
                        self.scratch.spare.push(row);
                        continue;
                    }
                    Some(old)
                }
                _ => None,
            };
            let at = (y, (0, width), width, height);
            emit_row(
                old,
                &row,
                at,
                (&self.links, &self.long),
                &mut self.state,
                out,
            );
            if let Some(slot) = self.screen.get_mut(y)
                && let Some(old) = slot.replace(row)
            {
                self.scratch.spare.push(old);
            }
            if let Some(stored) = self.hashes.get_mut(y) {
                *stored = Some(hash);
            }
            self.ahead.stale[y] = true;
        }
        self.ahead.rows_buffer = buffer;
    }

    /// Checks the rows written ahead against the frame's rows (built whole
    /// in `scratch.target`): where they match, the model takes them as on
    /// screen; elsewhere the row is forgotten, to be written whole.
    pub(super) fn check_ahead(&mut self) {
        let area = self.ahead.area;
        let (x0, x1) = (usize::from(area.x), usize::from(area.right()));
        for (y, hash) in self.ahead.pending.drain(..) {
            let target = self.scratch.target.get(y).and_then(Option::as_ref);
            let segment = target.and_then(|row| row.get(x0..x1));
            let matched = segment.is_some_and(|s| segment_hash(s) == hash);
            match (matched, segment, self.screen.get_mut(y)) {
                (true, Some(segment), Some(Some(shown))) if shown.len() >= x1 => {
                    shown[x0..x1].copy_from_slice(segment);
                    if let Some(stored) = self.hashes.get_mut(y) {
                        *stored = Some(row_hash(shown));
                    }
                }
                _ => {
                    if !matched {
                        self.ahead.missed += 1;
                    }
                    if let Some(slot) = self.screen.get_mut(y) {
                        *slot = None;
                    }
                    if let Some(stored) = self.hashes.get_mut(y) {
                        *stored = None;
                    }
                }
            }
        }
        self.ahead.stale.iter_mut().for_each(|s| *s = false);
    }

    /// Drops what was written ahead without a frame to check it: those
    /// rows are written whole next time.
    pub(super) fn drop_ahead(&mut self) {
        let stale = std::mem::take(&mut self.ahead.stale);
        for (y, _) in self.ahead.pending.drain(..) {
            if let Some(slot) = self.screen.get_mut(y) {
                *slot = None;
            }
            if let Some(stored) = self.hashes.get_mut(y) {
                *stored = None;
            }
        }
        for (y, stale) in stale.iter().enumerate() {
            if *stale {
                if let Some(slot) = self.screen.get_mut(y) {
                    *slot = None;
                }
                if let Some(stored) = self.hashes.get_mut(y) {
                    *stored = None;
                }
            }
        }
        self.ahead.shown = None;
    }
}

//! Rows written instead of a frame: the reading pane's lines kept as the
//! bytes that draw them, so that a scroll reaches the terminal without a
//! frame drawn in full.
//!
//! A line scroll changes every row of the reading pane, yet each row then
//! shows a line that was on screen a moment before. Drawing, comparing and
//! weighing a whole screen of cells to find that out costs several times
//! what the terminal needs to show it. [`LeanBackend::write_ahead`] writes
//! such rows from a small cache of encoded lines, keyed by what they show
//! (the caller's hash of the text and styles drawn), together with the
//! status line drawn on its own and compared with the screen. It does so
//! only when that is the whole change: the caller's key for everything
//! else on the screen (titles, outline, facts) is the one the last frame
//! was drawn with, every changed row can be written from a line kept (one
//! not kept, usually the new line, is drawn on its own first, with its
//! links). Otherwise it writes nothing, and the frame is
//! drawn in full as usual ([`LeanBackend::draw_frame`]).
//!
//! The frame left out is still owed ([`LeanBackend::frame_owed`]): drawn
//! once the keys stop, it checks every row written ahead against what it
//! draws there, by a hash of the glyphs, and a row that differs is
//! forgotten and written again whole. A wrong key costs bytes and a moment,
//! never a screen left wrong.
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
    /// A key for everything the frame draws outside `area` and `rows`:
    /// rows are written ahead only while it is the one the last frame was
    /// drawn with.
    pub chrome: u64,
    /// Rows just outside `area` (such as -1, the line above it) and their
    /// keys: the lines a scroll brings in next, kept ready after each
    /// frame so that the scroll need not draw them.
    pub near: &'a [(isize, u64)],
    /// Draws what row `i` of `area` (or a row `near` it) shows into a
    /// buffer one row high and as wide as `area`, at the buffer's own
    /// position.
    pub draw_row: &'a dyn Fn(isize, &mut Buffer),
    /// The links row `i` of `area` (or a row `near` it) shows, as columns
    /// from the area's left edge and the address (empty where links are
    /// not drawn).
    pub row_links: &'a dyn Fn(isize) -> Vec<(std::ops::Range<usize>, String)>,
    /// Full-width rows drawn with the pane's rows (the status line).
    pub rows: Rect,
    /// A key for what `rows` show: equal keys, equal cells. They are not
    /// drawn again while the key is the one they were last drawn with.
    pub rows_key: u64,
    /// Draws `rows` into a buffer of exactly that area.
    pub draw_rows: &'a dyn Fn(&mut Buffer),
}

/// A line as the bytes that draw it.
#[derive(Debug)]
struct Encoded {
    /// Written from the row's first column, starting and ending in the
    /// default pen with no link open (its links opened and closed around
    /// their cells); `None` if it cannot be written ahead (see
    /// [`encode_line`]).
    bytes: Option<Vec<u8>>,
    /// Columns the cursor ends up right of the first.
    advance: usize,
    /// Its glyphs, for the model of the screen.
    glyphs: Row,
}

/// What the backend keeps for writing rows ahead (see the module doc).
#[derive(Debug)]
pub(super) struct LineCache {
    /// The text area the entries were made for.
    area: Rect,
    /// The key each row of `area` shows on screen, if known.
    shown: Option<Vec<u64>>,
    /// Where the line on each row of `area` ends, in columns from its left
    /// edge, while `shown` is known: the row is blank past it.
    ends: Vec<usize>,
    /// The [`Ahead::chrome`] of the last frame drawn, if it had a pane.
    chrome: Option<u64>,
    /// The [`Ahead::rows_key`] of what the full-width rows show, if known.
    rows_shown: Option<u64>,
    entries: HashMap<u64, Encoded, BuildHasherDefault<KeyIsHash>>,
    /// By row: the key of the line last written ahead there, whose glyphs
    /// the model of the screen takes in before the next frame.
    pending: Vec<Option<u64>>,
    /// Rows the model took in for this frame, and how many of them the
    /// frame then drew otherwise.
    applied: Vec<usize>,
    unlike: usize,
    /// Rows whose cells in the last frame's buffer are not what the screen
    /// shows (they were written ahead): the next frame builds them whole.
    pub(super) stale: Vec<bool>,
    /// One row of the pane, to draw a line in.
    row_buffer: Buffer,
    /// The full-width rows, to draw in.
    rows_buffer: Buffer,
    /// Rows written ahead that the frame owed then drew otherwise.
    missed: usize,
    /// Rows written ahead.
    written: usize,
    /// Frames not drawn because the rows written ahead were the change.
    skipped: usize,
}

impl Default for LineCache {
    fn default() -> Self {
        LineCache {
            area: Rect::default(),
            shown: None,
            ends: Vec::new(),
            chrome: None,
            rows_shown: None,
            entries: HashMap::default(),
            pending: Vec::new(),
            applied: Vec::new(),
            unlike: 0,
            stale: Vec::new(),
            row_buffer: Buffer::empty(Rect::default()),
            rows_buffer: Buffer::empty(Rect::default()),
            missed: 0,
            written: 0,
            skipped: 0,
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
        self.rows_shown = None;
    }

    /// Forgets the lines kept (their glyphs' numbers may be gone).
    pub(super) fn forget_lines(&mut self) {
        self.entries.clear();
        self.shown = None;
        self.rows_shown = None;
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
    // The blank end is not printed: the writer erases what the line it
    // replaces showed there.
    set_pen(Pen::DEFAULT, &mut state, &mut out);
    (Some(out), x)
}

impl<B> LeanBackend<B>
where
    B: Backend + Write,
    B::Error: From<io::Error>,
{
    /// Writes the rows of `pane` whose keys differ from what the screen
    /// shows there, from the lines kept encoded (a line not kept is drawn
    /// on its own), and the full-width rows of `pane.rows` where they
    /// differ from the screen, if that is the whole change (see the module
    /// doc). Returns whether it did: the frame then has nothing to write,
    /// and is owed ([`LeanBackend::frame_owed`]) only to check these rows.
    /// The bytes go out at [`Backend::flush`].
    ///
    /// Nothing is written unless [`LeanBackend::remember_pane`] said, after
    /// the last frame, what the same pane showed.
    pub fn write_ahead(&mut self, pane: &Ahead<'_>) -> Result<bool, B::Error> {
        let (width, height) = (self.width(), self.height());
        let area = pane.area;
        let fits = self.pane_fits(pane)
            && pane.rows.x == 0
            && usize::from(pane.rows.width) == width
            && usize::from(pane.rows.bottom()) <= height
            && !pane.rows.intersects(area);
        let same = self.ahead.area == area && self.ahead.chrome == Some(pane.chrome);
        if !fits || !same || self.long.len() > compact::MAX_LONG {
            return Ok(false);
        }
        let Some(mut shown) = self.ahead.shown.take() else {
            return Ok(false);
        };
        let writable = self.ahead_writable(pane, &shown);
        if !writable {
            self.ahead.shown = Some(shown);
            return Ok(false);
        }
        self.ahead.stale.resize(height, false);
        self.ahead.pending.resize(height, None);
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        let x0 = usize::from(area.x);
        // From the end of one row to the start of the next: the same move
        // for every row (a line feed is safe: the rows are above the
        // status line and any scrolling region's end is checked).
        let mut next_row: Vec<u8> = b"\r\n".to_vec();
        forward(x0, &mut next_row);
        self.ahead
            .ends
            .resize(pane.keys.len(), usize::from(area.width));
        for (i, (&key, &was)) in pane.keys.iter().zip(&shown).enumerate() {
            let y = usize::from(area.y) + i;
            if key == was {
                continue;
            }
            // Every one is kept and writable (`ahead_writable`).
            // A row written ahead is stale: the next frame builds it whole
            // with its links, whatever was linked there before.
            let Some(Encoded {
                bytes: Some(bytes),
                advance,
                ..
            }) = self.ahead.entries.get(&key)
            else {
                continue;
            };
            set_link(0, &self.links, &mut self.state, &mut out);
            set_pen(Pen::DEFAULT, &mut self.state, &mut out);
            let from = self
                .state
                .cursor
                .map(|(x, y)| (usize::from(x), usize::from(y)));
            let below = from.is_some_and(|(_, cy)| cy + 1 == y);
            // Past the scrolling region's last row a line feed would
            // scroll, and a move down would stay put.
            let scrolls = self
                .state
                .region
                .is_some_and(|(_, bottom)| usize::from(bottom) == y);
            if below && !scrolls {
                // Straight down from a blank line's start; else to the
                // row's first column.
                if from.is_some_and(|(cx, _)| cx == x0) {
                    out.extend_from_slice(b"\x1b[B");
                } else {
                    out.extend_from_slice(&next_row);
                }
                self.state.cursor = Some((x0 as u16, y as u16));
            } else {
                move_to(x0, y, width, height, &mut self.state, &mut out);
            }
            out.extend_from_slice(bytes);
            // The line replaced is blank past its end: only the part of it
            // past the new line's end is erased.
            let old_end = std::mem::replace(&mut self.ahead.ends[i], *advance);
            if old_end > *advance {
                let _ = write!(out, "\x1b[{}X", old_end - advance);
            }
            self.state.cursor = Some(((x0 + advance) as u16, y as u16));
            self.ahead.pending[y] = Some(key);
            self.ahead.written += 1;
            self.ahead.stale[y] = true;
        }
        if self.ahead.rows_shown != Some(pane.rows_key) {
            self.write_rows(pane.rows, pane.draw_rows, &mut out);
            self.ahead.rows_shown = Some(pane.rows_key);
        }
        // No frame follows: the pane shows these keys now. The lines kept
        // are cut back to the ones on screen and near it once they are
        // twice as many (about a screen of keys), not on every key: each
        // cut compares every line kept with every row.
        shown.clear();
        shown.extend_from_slice(pane.keys);
        self.ahead.shown = Some(shown);
        if self.ahead.entries.len() > 2 * pane.keys.len() {
            self.ahead.entries.retain(|key, _| wanted(pane, *key));
        }
        self.ahead.skipped += 1;
        self.held.extend_from_slice(&out);
        out.clear();
        self.out = out;
        Ok(true)
    }

    /// Whether the change from `shown` to `pane.keys` can be written from
    /// lines kept: some rows changed, and most of them were kept (a jump,
    /// to a page or a search hit, is drawn as fast by the frame), and the
    /// full-width rows show no link. Draws and keeps the few lines not
    /// kept yet.
    fn ahead_writable(&mut self, pane: &Ahead<'_>, shown: &[u64]) -> bool {
        if (pane.rows.y..pane.rows.bottom()).any(|y| self.row_linked(usize::from(y))) {
            return false;
        }
        let changed = pane.keys.iter().zip(shown).filter(|(k, w)| k != w);
        let (count, missing) = changed.fold((0, 0), |(count, missing), (key, _)| {
            let kept = self.ahead.entries.contains_key(key);
            (count + 1, missing + usize::from(!kept))
        });
        if count == 0 || missing * 2 > count {
            return false;
        }
        let area = pane.area;
        for (i, (&key, &was)) in pane.keys.iter().zip(shown).enumerate() {
            if key == was {
                continue;
            }
            if !self.ahead.entries.contains_key(&key) {
                let encoded = self.encode_row(area, i as isize, pane);
                self.ahead.entries.insert(key, encoded);
            }
            let writable = self
                .ahead
                .entries
                .get(&key)
                .is_some_and(|e| e.bytes.is_some());
            if !writable {
                return false;
            }
        }
        true
    }
}

impl<B: Backend + Write> LeanBackend<B> {
    /// After a frame: `pane` is what it drew in the pane (`None`: nothing
    /// that can be written ahead). The lines on screen and near it are
    /// kept encoded, and no others.
    pub fn remember_pane(&mut self, pane: Option<&Ahead<'_>>) {
        let unlike = std::mem::take(&mut self.ahead.unlike);
        let Some(pane) = pane.filter(|pane| self.pane_fits(pane)) else {
            self.ahead.shown = None;
            self.ahead.chrome = None;
            self.ahead.rows_shown = None;
            return;
        };
        let area = pane.area;
        // A frame of what was written ahead (the frame owed) that drew its
        // rows otherwise: those were wrong.
        if self.ahead.chrome == Some(pane.chrome) && self.ahead.shown.as_deref() == Some(pane.keys)
        {
            self.ahead.missed += unlike;
        }
        self.ahead.chrome = Some(pane.chrome);
        self.ahead.rows_shown = Some(pane.rows_key);
        if self.ahead.area != area {
            self.ahead.entries.clear();
            self.ahead.area = area;
        }
        self.ahead.entries.retain(|key, _| wanted(pane, *key));
        let rows = pane
            .keys
            .iter()
            .enumerate()
            .map(|(i, key)| (i as isize, *key));
        for (i, key) in rows.chain(pane.near.iter().copied()) {
            if !self.ahead.entries.contains_key(&key) {
                let encoded = self.encode_row(area, i, pane);
                self.ahead.entries.insert(key, encoded);
            }
        }
        let mut shown = self.ahead.shown.take().unwrap_or_default();
        shown.clear();
        shown.extend_from_slice(pane.keys);
        self.ahead.shown = Some(shown);
        let whole = usize::from(area.width);
        let ends = pane
            .keys
            .iter()
            .map(|key| match self.ahead.entries.get(key) {
                Some(Encoded {
                    bytes: Some(_),
                    advance,
                    ..
                }) => *advance,
                _ => whole,
            });
        self.ahead.ends.clear();
        self.ahead.ends.extend(ends);
    }

    /// Whether `pane`'s text area lies on the screen, with a key a row.
    fn pane_fits(&self, pane: &Ahead<'_>) -> bool {
        let area = pane.area;
        !area.is_empty()
            && usize::from(area.right()) <= self.width()
            && usize::from(area.bottom()) <= self.height()
            && pane.keys.len() == usize::from(area.height)
    }

    /// Whether row `y` shows a link on screen or will in the next frame.
    fn row_linked(&self, y: usize) -> bool {
        self.wanted_links.get(y).is_some_and(|l| !l.is_empty())
            || self.linked_rows.get(y) == Some(&true)
    }

    /// Rows written ahead so far, and of them those that the frame after
    /// them drew otherwise (and wrote again).
    pub fn rows_ahead(&self) -> (usize, usize) {
        (self.ahead.written, self.ahead.missed)
    }

    /// Frames left out so far because the rows written ahead were the
    /// whole change.
    pub fn frames_skipped(&self) -> usize {
        self.ahead.skipped
    }

    /// Whether rows were written ahead that no frame has checked yet: the
    /// caller draws one once the keys stop (a frame drawn for any other
    /// reason checks them too).
    pub fn frame_owed(&self) -> bool {
        self.ahead.stale.contains(&true)
    }

    /// Draws row `i` of `area` (or near it) on its own and encodes it.
    fn encode_row(&mut self, area: Rect, i: isize, pane: &Ahead<'_>) -> Encoded {
        let row_area = Rect::new(area.x, 0, area.width, 1);
        let buffer = &mut self.ahead.row_buffer;
        if buffer.area == row_area {
            buffer.reset();
        } else {
            *buffer = Buffer::empty(row_area);
        }
        (pane.draw_row)(i, buffer);
        let found = (pane.row_links)(i);
        // Numbered in the frame's own table, so the frame that checks the
        // row finds the same glyphs; a full table leaves the row to it.
        if self.links.urls.len() + found.len() > MAX_LINKS {
            return Encoded {
                bytes: None,
                advance: 0,
                glyphs: Row::new(),
            };
        }
        let links: Vec<(usize, usize, u32)> = found
            .iter()
            .map(|(columns, url)| (columns.start, columns.end, self.links.id(url)))
            .collect();
        let mut glyphs = Row::new();
        display_row(
            &buffer.content,
            &links,
            &mut self.long,
            &mut glyphs,
            Cover::Ignored,
        );
        let (bytes, advance) = encode_line(&glyphs, usize::from(area.x), (&self.links, &self.long));
        Encoded {
            bytes,
            advance,
            glyphs,
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
            let linked = self.row_linked(y);
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

    /// Before a frame: the model of the screen takes in the glyphs of the
    /// lines written ahead (the frame then writes only what differs from
    /// them). A row whose line is no longer kept is forgotten, to be
    /// written whole.
    pub(super) fn take_in_ahead(&mut self) {
        let area = self.ahead.area;
        let (x0, x1) = (usize::from(area.x), usize::from(area.right()));
        self.ahead.applied.clear();
        for (y, pending) in self.ahead.pending.iter_mut().enumerate() {
            let Some(key) = pending.take() else {
                continue;
            };
            let glyphs = self.ahead.entries.get(&key).map(|e| &e.glyphs);
            match (glyphs, self.screen.get_mut(y)) {
                (Some(glyphs), Some(Some(shown)))
                    if shown.len() >= x1 && glyphs.len() == x1 - x0 =>
                {
                    shown[x0..x1].clone_from_slice(glyphs);
                    if let Some(stored) = self.hashes.get_mut(y) {
                        *stored = Some(row_hash(shown));
                    }
                    self.ahead.applied.push(y);
                }
                (_, slot) => {
                    if let Some(slot) = slot {
                        *slot = None;
                    }
                    if let Some(stored) = self.hashes.get_mut(y) {
                        *stored = None;
                    }
                }
            }
        }
    }

    /// After the frame's rows are built (`scratch.target`): counts the rows
    /// taken in that the frame draws otherwise, and ends the rows'
    /// staleness.
    pub(super) fn check_ahead(&mut self) {
        for &y in &self.ahead.applied {
            let target = self.scratch.target.get(y).and_then(Option::as_ref);
            let shown = self.screen.get(y).and_then(Option::as_ref);
            if let (Some(target), Some(shown)) = (target, shown)
                && target != shown
            {
                self.ahead.unlike += 1;
            }
        }
        self.ahead.applied.clear();
        self.ahead.stale.iter_mut().for_each(|s| *s = false);
    }

    /// Drops what was written ahead without a frame to check it: those
    /// rows are written whole next time.
    pub(super) fn drop_ahead(&mut self) {
        let stale = std::mem::take(&mut self.ahead.stale);
        self.ahead.pending.iter_mut().for_each(|p| *p = None);
        for (y, stale) in stale.iter().enumerate() {
            // Every row written ahead is stale too.
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
        self.ahead.chrome = None;
        self.ahead.rows_shown = None;
    }
}

/// Whether the line with `key` is on `pane` or near it: worth keeping.
fn wanted(pane: &Ahead<'_>, key: u64) -> bool {
    pane.keys.contains(&key) || pane.near.iter().any(|(_, near)| *near == key)
}

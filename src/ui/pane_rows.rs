//! The reading pane's rows as the backend may write them instead of a
//! frame ([`crate::output::Ahead`]): a key for what each row shows (kept
//! from frame to frame, so a scroll makes one), the lines just outside the
//! pane, a key for the rest of the screen, and each row drawn on its own.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::put_line;
use super::reader::{row_pieces, search_marks, visible_marks};
use crate::app::App;
use crate::app::geometry::text_area;
use crate::app::reader::ReaderState;
use crate::search::Range;

/// The reading pane's text rows as the backend may write them ahead of
/// a frame ([`crate::output::Ahead`]): where they are, a key for what
/// each shows, and the status line drawn with them. `None` when anything
/// may be drawn over the pane (an overlay, help, a dialog, the note
/// editor), when no pane stands beside it, or when the screen is not the
/// reader's.
pub struct PaneRows {
    /// The reading pane's text area.
    pub area: Rect,
    /// For each row of `area`, a hash of the pieces drawn on it and the
    /// width they are cut to. (Not of their links: two rows alike whose
    /// addresses differ, which only an address broken across lines can
    /// make, would show the first one's link until the frame owed.)
    pub keys: Vec<u64>,
    /// The keys of the lines just above and just below the pane, as rows
    /// -1 and `area.height` (where there are such lines): a line scroll
    /// brings one of them in next, so they are made ready while the
    /// reader is idle.
    pub near: Vec<(isize, u64)>,
    /// A key for what the rest of the screen (but the status line) is
    /// drawn from: see [`chrome_key`].
    pub chrome: u64,
    /// The status line.
    pub status: Rect,
    /// A key for what the status line shows: see
    /// [`super::status::status_key`].
    pub status_key: u64,
}

/// See [`PaneRows`].
pub fn pane_rows<'a>(app: &'a App) -> Option<PaneRows> {
    use std::hash::{Hash, Hasher};
    let crate::app::Screen::Reader(state) = &app.screen else {
        return None;
    };
    let geometry = &state.geometry;
    let covered = geometry.too_small
        || app.area != geometry.area
        || geometry.overlay.is_some()
        || state.note_editor.is_some()
        || app.help_open()
        || app.export.dialog.is_some()
        || app.changes.is_some();
    // With nothing beside the pane, the frame scrolls it by the terminal
    // (`CSI S`, a few bytes, where writing the rows again takes a few
    // kilobytes): over a slow link, bytes count for more than the
    // fraction of a millisecond written ahead would save.
    let alone = geometry.outline.is_none() && geometry.facts.is_none();
    if covered || alone {
        return None;
    }
    let area = text_area(geometry.reader);
    if area.is_empty() {
        return None;
    }
    let top = state.view.top;
    let height = usize::from(area.height);
    let marks = near_marks(state, height);
    let lines = &state.doc.lines;
    let mut pieces = Vec::new();
    let key = |index: usize, pieces: &mut Vec<(&'a str, Style)>| {
        let mut hasher = KeyHasher::default();
        area.width.hash(&mut hasher);
        if index < lines.len() {
            row_pieces(lines, index, &marks, &app.theme, pieces);
            for (text, style) in pieces.iter() {
                text.hash(&mut hasher);
                style.hash(&mut hasher);
            }
        }
        hasher.finish()
    };
    // The keys of the lines from just above the pane to just below it,
    // those of the last frame reused where it made them from the same
    // state: anything but a scroll of the pane moves the chrome
    // generation, and the search marks are taken in too.
    let stamp = {
        let (matches, current) = search_marks(state);
        let mut hasher = KeyHasher::default();
        for word in [
            app.chrome_generation,
            u64::from(area.width),
            lines.len() as u64,
            matches.len() as u64,
            current.map_or(u64::MAX, |c| c as u64),
        ] {
            hasher.write_u64(word);
        }
        hasher.finish()
    };
    let first = top.saturating_sub(1);
    let end = top + height + 1;
    let mut run = state.line_keys.lock();
    let kept = (run.stamp == Some(stamp)).then(|| (run.first, std::mem::take(&mut run.keys)));
    let mut made = Vec::with_capacity(end - first);
    for index in first..end {
        let old = kept
            .as_ref()
            .and_then(|(from, keys)| keys.get(index.checked_sub(*from)?));
        made.push(old.copied().unwrap_or_else(|| key(index, &mut pieces)));
    }
    let keys = made[top - first..top - first + height].to_vec();
    let mut near = Vec::with_capacity(2);
    if top > 0 {
        near.push((-1, made[0]));
    }
    if top + height < lines.len() {
        near.push((height as isize, made[made.len() - 1]));
    }
    *run = crate::app::reader::LineKeyRun {
        stamp: Some(stamp),
        first,
        keys: made,
    };
    drop(run);
    Some(PaneRows {
        area,
        keys,
        near,
        chrome: chrome_key(app, state),
        status: geometry.status,
        status_key: super::status::status_key(app, geometry.status),
    })
}

/// The search marks on the pane's lines and on the line just above and
/// below it (a line's marks are the same whichever window finds them).
fn near_marks(state: &ReaderState, height: usize) -> Vec<(Range, bool)> {
    let (matches, current) = search_marks(state);
    let top = state.view.top;
    let first = top.saturating_sub(1);
    visible_marks(matches, current, first, height + 1 + (top - first))
}

/// A key for what the reader's screen outside the reading pane's text
/// and the status line is drawn from: equal keys, equal cells there.
///
/// Anything but a scroll of the reading pane changes
/// [`App::chrome_generation`]; a scroll changes only what the reading
/// position moves (the outline's marker and selection, the part read and
/// its title, the facts shown) and the read marks it earns, which are
/// taken in here one by one.
fn chrome_key(app: &App, state: &ReaderState) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = KeyHasher::default();
    let geometry = &state.geometry;
    let rects = [
        Some(geometry.header),
        geometry.outline,
        Some(geometry.reader),
        geometry.facts,
    ];
    for rect in rects {
        rect.hash(&mut hasher);
    }
    let (matches, current) = search_marks(state);
    let counts = [
        app.chrome_generation,
        state.focus as u64,
        state.current_entry() as u64,
        state.outline.selected as u64,
        state.facts.top as u64,
        state.facts.lines.len() as u64,
        state.facts.matches.len() as u64,
        state.marks.read.len() as u64,
        state.marks.notes.len() as u64,
        state.marks.changed.len() as u64,
        matches.len() as u64,
        current.map_or(u64::MAX, |c| c as u64),
    ];
    for count in counts {
        hasher.write_u64(count);
    }
    state.current_part().hash(&mut hasher);
    state.facts.part.hash(&mut hasher);
    hasher.finish()
}

/// A quick hash of what a row shows, for [`PaneRows::keys`]: a word at a
/// time. Two rows that draw differently but hash alike would be written
/// ahead wrongly, and then again by the frame that checks them: a flicker
/// at worst.
#[derive(Default)]
struct KeyHasher(u64);

impl KeyHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut buf = [0; 8];
            buf.copy_from_slice(word);
            self.add(u64::from_le_bytes(buf));
        }
        let rest = words.remainder();
        let mut buf = [0; 8];
        buf[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(buf) ^ (rest.len() as u64) << 59);
    }

    fn write_u64(&mut self, word: u64) {
        self.add(word);
    }

    fn finish(&self) -> u64 {
        // Every bit of the state reaches every bit of the key.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ h >> 33
    }
}

/// Draws what row `row` of the reading pane's text area shows into
/// `buffer`, at the buffer's position (see [`crate::output::Ahead`]).
pub fn draw_pane_row(app: &App, row: isize, buffer: &mut Buffer) {
    let crate::app::Screen::Reader(state) = &app.screen else {
        return;
    };
    let lines = &state.doc.lines;
    let Some(index) = pane_line(state, row) else {
        return;
    };
    // The marks as the whole pane finds them, so the row is drawn as the
    // frame draws it.
    let height = usize::from(text_area(state.geometry.reader).height);
    let marks = near_marks(state, height);
    let mut pieces = Vec::new();
    row_pieces(lines, index, &marks, &app.theme, &mut pieces);
    let area = buffer.area;
    put_line(buffer, area.x, area.y, usize::from(area.width), pieces);
}

/// The links row `row` of the reading pane's text area shows, as columns
/// from the area's left edge (cut to its width) and the address; as
/// [`super::hyperlinks`] finds them.
pub fn pane_row_links(app: &App, row: isize) -> Vec<(std::ops::Range<usize>, String)> {
    let crate::app::Screen::Reader(state) = &app.screen else {
        return Vec::new();
    };
    let Some(index) = pane_line(state, row) else {
        return Vec::new();
    };
    let width = usize::from(text_area(state.geometry.reader).width);
    let mut links = crate::hyperlink::on_line(&state.doc.lines, index);
    links.retain_mut(|(columns, _)| {
        *columns = columns.start.min(width)..columns.end.min(width);
        columns.start < columns.end
    });
    links
}

/// The line shown on row `row` of the reading pane's text area (row -1:
/// the line just above it), if there is one.
fn pane_line(state: &ReaderState, row: isize) -> Option<usize> {
    let index = state.view.top.checked_add_signed(row)?;
    (index < state.doc.lines.len()).then_some(index)
}

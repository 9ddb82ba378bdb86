//! Drawing the reader: header, outline, reading pane, key-facts sidebar and
//! their overlays.

use std::fmt::Write as _;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Clear, Widget};

use super::{pane, put_line};
use crate::action::{Action, Context};
use crate::app::App;
use crate::app::editor::Editor;
use crate::app::find::Stop;
use crate::app::geometry::{Overlay, inner, outline_offset, text_area};
use crate::app::reader::{Focus, ReaderState};
use crate::layout::Lines;
use crate::model::Part;
use crate::search::{Match, Range};
use crate::text;
use crate::theme::Theme;

thread_local! {
    /// The key-facts pane's note for a part without facts, as last wrapped:
    /// the note, the width and its lines.
    static NOTE_LINES: std::cell::RefCell<(&'static str, usize, Vec<text::StyledLine<()>>)> =
        const { std::cell::RefCell::new(("", 0, Vec::new())) };
}

/// Draws the reader screen (not the status line or help).
pub fn render(app: &App, state: &ReaderState, buffer: &mut Buffer) {
    let theme = &app.theme;
    let geometry = &state.geometry;
    header(app, state, geometry.header, buffer);
    if let Some(rect) = geometry.outline {
        outline(app, state, rect, buffer);
    }
    reading(app, state, geometry.reader, buffer);
    if let Some(rect) = geometry.facts {
        facts(app, state, rect, buffer);
    }
    // Overlays cover what was drawn under them: cleared first.
    match geometry.overlay {
        Some((Overlay::Outline, rect)) => {
            Clear.render(rect, buffer);
            outline(app, state, rect, buffer);
        }
        Some((Overlay::Facts, rect)) => {
            Clear.render(rect, buffer);
            facts(app, state, rect, buffer);
        }
        _ => {}
    }
    if let Some(edit) = &state.note_editor {
        note_editor(app, state, &edit.editor, edit.part, buffer);
    }
    let _ = theme;
}

fn header(app: &App, state: &ReaderState, rect: Rect, buffer: &mut Buffer) {
    let theme = &app.theme;
    let glyphs = app.glyphs;
    let briefing = &state.briefing;
    let width = usize::from(rect.width);
    let date = briefing.date.map(|d| d.display()).unwrap_or_default();
    let date_width = if date.is_empty() {
        0
    } else {
        text::width(&date) + 2
    };
    let mut used = put_line(buffer, rect.x, rect.y, width, [(" ", Style::default())]);
    if let Some(classification) = &briefing.classification {
        let banner = format!(" {} ", classification.to_uppercase());
        let room = (width / 3).max(1);
        let banner = app.glyphs.fit(&banner, room);
        used += put_line(
            buffer,
            rect.x + used as u16,
            rect.y,
            width - used,
            [(banner.as_str(), theme.banner())],
        );
        used += put_line(
            buffer,
            rect.x + used as u16,
            rect.y,
            width - used,
            [(" ", Style::default())],
        );
    }
    let room = width.saturating_sub(used + date_width + 1);
    let title = app.glyphs.fit(&briefing.title, room);
    used += put_line(
        buffer,
        rect.x + used as u16,
        rect.y,
        width - used,
        [(title.as_str(), theme.pane_title(false))],
    );
    let fill = width.saturating_sub(used + date_width);
    if fill > 1 {
        let rule = format!(" {}", glyphs.rule.repeat(fill.saturating_sub(2)));
        put_line(
            buffer,
            rect.x + used as u16,
            rect.y,
            fill,
            [(rule.as_str(), theme.secondary())],
        );
        used += fill;
    }
    if !date.is_empty() && used + date_width <= width {
        let shown = format!(" {date} ");
        put_line(
            buffer,
            rect.x + used as u16,
            rect.y,
            width - used,
            [(shown.as_str(), theme.secondary())],
        );
    }
}

fn outline(app: &App, state: &ReaderState, rect: Rect, buffer: &mut Buffer) {
    let theme = &app.theme;
    let focused = state.focus == Focus::Outline;
    pane("Outline", rect, focused, theme, app.glyphs, buffer);
    let area = inner(rect);
    let height = usize::from(area.height);
    if height == 0 || area.width == 0 {
        return;
    }
    let current = state.current_entry();
    let selected = state.outline.selected;
    let offset = outline_offset(selected, height);
    let width = usize::from(area.width);
    // Built row after row in the same strings: no allocation per row.
    let (mut label, mut text, mut count) = (String::new(), String::new(), String::new());
    for (row, (index, entry)) in state
        .outline
        .entries
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .enumerate()
    {
        let y = area.y + row as u16;
        let is_current = index == current;
        let marker = if is_current { app.glyphs.pointer } else { " " };
        let read = entry.depth == 0 && state.is_read(entry.part);
        let noted = entry.depth == 0 && state.note(entry.part).is_some();
        let changed = match entry.part {
            Part::Section(i) if entry.depth == 0 => state.marks.changed.contains_key(&i),
            _ => false,
        };
        label.clear();
        if entry.depth > 0 {
            label.push_str("   ");
        }
        if let Some(number) = entry.number {
            let _ = write!(label, "{number} ");
        } else if entry.depth == 0 && matches!(entry.part, Part::Summary | Part::Sources) {
            label.push_str("  ");
        }
        label.push_str(&entry.label);
        let mut style = if is_current {
            theme.current()
        } else {
            Style::default()
        };
        if entry.depth > 0 && !is_current {
            style = theme.secondary();
        }
        if focused && index == selected {
            style = style.patch(theme.selection());
        }
        let hits = state.search.as_ref().map_or(0, |search| {
            let end = state
                .outline
                .entries
                .get(index + 1)
                .map_or(usize::MAX, |e| e.line);
            search.hits_between(entry.line, end)
        });
        // The right-hand column: match count while searching, else the
        // read mark.
        let note_mark = if noted { app.glyphs.note } else { "" };
        let status = if hits > 0 {
            None
        } else if changed {
            Some(app.glyphs.changed)
        } else if read {
            Some(app.glyphs.check)
        } else {
            Some("")
        };
        count.clear();
        match status {
            None => {
                let _ = write!(count, " {note_mark}{hits}");
            }
            Some(status) if !(status.is_empty() && note_mark.is_empty()) => {
                let _ = write!(count, " {note_mark}{status}");
            }
            Some(_) => {}
        }
        let count_width = text::width(&count);
        text.clear();
        let _ = write!(text, "{marker} {label}");
        let shown = app.glyphs.pad(&text, width.saturating_sub(count_width));
        put_line(
            buffer,
            area.x,
            y,
            width,
            [
                (shown.as_str(), style),
                (
                    count.as_str(),
                    if hits > 0 {
                        style.patch(theme.search_match())
                    } else {
                        style
                    },
                ),
            ],
        );
    }
}

fn reading(app: &App, state: &ReaderState, rect: Rect, buffer: &mut Buffer) {
    let theme = &app.theme;
    let focused = state.focus == Focus::Reader && state.panes.overlay.is_none() && !app.help_open();
    let title = format!("Reading {} {}", app.glyphs.dot, state.part_label());
    pane(&title, rect, focused, theme, app.glyphs, buffer);
    let area = text_area(rect);
    let (matches, current) = search_marks(state);
    draw_lines(
        &state.doc.lines,
        state.view.top,
        area,
        theme,
        matches,
        current,
        buffer,
    );
}

fn facts(app: &App, state: &ReaderState, rect: Rect, buffer: &mut Buffer) {
    let theme = &app.theme;
    let focused = state.focus == Focus::Facts;
    let title = match state.facts.part {
        Part::Front | Part::Summary => "Key facts".to_owned(),
        Part::Section(i) => format!("Key facts {} {}", app.glyphs.dot, i + 1),
        Part::Sources => "Key facts".to_owned(),
    };
    pane(&title, rect, focused, theme, app.glyphs, buffer);
    let area = text_area(rect);
    if state.facts.lines.is_empty() {
        let note = match state.facts.part {
            Part::Sources => "The sources are listed in the reading pane.",
            _ => "No key facts for this part.",
        };
        NOTE_LINES.with_borrow_mut(|cache| {
            let width = usize::from(area.width);
            // Wrapped once per note and width, not on every frame.
            if cache.0 != note || cache.1 != width {
                *cache = (note, width, text::wrap(&[(note, ())], width, &[], &[]));
            }
            for (row, line) in cache.2.iter().enumerate().take(usize::from(area.height)) {
                let pieces = line.iter().map(|(t, _)| (t.as_str(), theme.secondary()));
                put_line(buffer, area.x, area.y + row as u16, width, pieces);
            }
        });
        return;
    }
    draw_lines(
        &state.facts.lines,
        state.facts.top,
        area,
        theme,
        &state.facts.matches,
        None,
        buffer,
    );
}

/// The note editor, over the lower part of the reading pane.
fn note_editor(app: &App, state: &ReaderState, editor: &Editor, part: Part, buffer: &mut Buffer) {
    let theme = &app.theme;
    // A narrow reading pane lends the editor the key-facts pane beside it:
    // a note is written across the width there is, its keys not cut off.
    let reader = match state.geometry.facts {
        Some(facts) if state.geometry.reader.width < 50 => state.geometry.reader.union(facts),
        _ => state.geometry.reader,
    };
    let height = reader.height.min(12).max(reader.height.min(5));
    let rect = Rect::new(
        reader.x,
        reader.y + reader.height - height,
        reader.width,
        height,
    );
    let place = match part {
        Part::Section(i) => format!(
            "{} {}",
            i + 1,
            state
                .briefing
                .sections
                .get(i)
                .map_or("", |s| s.title.as_str())
        ),
        _ => "Bottom line".to_owned(),
    };
    // The keys first: a long section title is what gets cut.
    let title = format!(
        "Note {dot} {} saves {dot} {} cancels {dot} {place}",
        app.first_key(Context::Editor, Action::SaveNote),
        app.first_key(Context::Editor, Action::CancelNote),
        dot = app.glyphs.dot,
    );
    // Over the reading pane: cleared first.
    Clear.render(rect, buffer);
    pane(&title, rect, true, theme, app.glyphs, buffer);
    let area = text_area(rect);
    let width = usize::from(area.width);
    let height = usize::from(area.height);
    if width == 0 || height == 0 {
        return;
    }
    // Wrapped at word boundaries, each piece sanitised for display.
    let rows: Vec<(String, Option<usize>)> = editor
        .rows(width)
        .into_iter()
        .map(|row| (row.text, row.cursor))
        .collect();
    let cursor_line = rows.iter().position(|(_, c)| c.is_some()).unwrap_or(0);
    let first = cursor_line.saturating_sub(height.saturating_sub(1));
    for (i, (text, cursor)) in rows.iter().skip(first).take(height).enumerate() {
        let y = area.y + i as u16;
        put_line(
            buffer,
            area.x,
            y,
            width,
            [(text.as_str(), Style::default())],
        );
        if let Some(column) = cursor {
            let x = area.x + (*column).min(width.saturating_sub(1)) as u16;
            let cell = &mut buffer[(x, y)];
            if cell.symbol().trim().is_empty() {
                cell.set_symbol(" ");
            }
            cell.set_style(theme.selection());
        }
    }
}

/// Draws laid-out lines from `top` into `area`: only the visible ones,
/// with search matches marked (the current one distinctly).
#[allow(clippy::too_many_arguments)]
fn draw_lines(
    lines: &Lines,
    top: usize,
    area: Rect,
    theme: &Theme,
    matches: &[Match],
    current: Option<usize>,
    buffer: &mut Buffer,
) {
    let width = usize::from(area.width);
    let height = usize::from(area.height);
    let marks = visible_marks(matches, current, top, height);
    let mut pieces = Vec::new();
    for row in 0..height {
        let index = top + row;
        if index >= lines.len() {
            break;
        }
        row_pieces(lines, index, &marks, theme, &mut pieces);
        put_line(buffer, area.x, area.y + row as u16, width, pieces.drain(..));
    }
}

/// The search marks on lines `top..top + height`, each with whether it
/// belongs to the current match (one may start above the top).
fn visible_marks(
    matches: &[Match],
    current: Option<usize>,
    top: usize,
    height: usize,
) -> Vec<(Range, bool)> {
    let mut first = matches.partition_point(|m| m.line() < top);
    while first > 0
        && matches[first - 1]
            .ranges
            .last()
            .is_some_and(|r| r.line >= top)
    {
        first -= 1;
    }
    let last = matches.partition_point(|m| m.line() < top + height);
    let mut marks: Vec<(Range, bool)> = Vec::new();
    for (index, m) in matches.iter().enumerate().take(last).skip(first) {
        let is_current = current == Some(index);
        marks.extend(m.ranges.iter().map(|r| (*r, is_current)));
    }
    marks
}

/// The styled pieces line `index` is drawn with, given the marks near it,
/// into `pieces`.
fn row_pieces<'a>(
    lines: &'a Lines,
    index: usize,
    marks: &[(Range, bool)],
    theme: &Theme,
    pieces: &mut Vec<(&'a str, Style)>,
) {
    pieces.clear();
    let mut line_marks = marks.iter().filter(|(r, _)| r.line == index).peekable();
    if line_marks.peek().is_none() {
        pieces.extend(lines.line(index).map(|(t, s)| (t, theme.text(s))));
        return;
    }
    let line_marks: Vec<(Range, bool)> = line_marks.copied().collect();
    let mut offset = 0;
    for (text, style) in lines.line(index) {
        let base = theme.text(style);
        let end = offset + text.len();
        let mut at = offset;
        while at < end {
            let mark = line_marks.iter().find(|(r, _)| r.start <= at && at < r.end);
            let next = match mark {
                Some((r, _)) => r.end.min(end),
                None => line_marks
                    .iter()
                    .map(|(r, _)| r.start)
                    .filter(|s| *s > at)
                    .min()
                    .unwrap_or(end)
                    .min(end),
            };
            let style = match mark {
                Some((_, true)) => base.patch(theme.current_match()),
                Some((_, false)) => base.patch(theme.search_match()),
                None => base,
            };
            pieces.push((&text[at - offset..next - offset], style));
            at = next;
        }
        offset = end;
    }
}

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

/// The search's matches and the current one, if a search is open.
fn search_marks(state: &ReaderState) -> (&[Match], Option<usize>) {
    match &state.search {
        Some(search) => {
            let current = match search.current_stop() {
                Some(Stop::Text(i)) => Some(i),
                _ => None,
            };
            (search.matches.as_slice(), current)
        }
        None => (&[][..], None),
    }
}

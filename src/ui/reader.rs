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
pub(super) fn visible_marks(
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
pub(super) fn row_pieces<'a>(
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

/// The search's matches and the current one, if a search is open.
pub(super) fn search_marks(state: &ReaderState) -> (&[Match], Option<usize>) {
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

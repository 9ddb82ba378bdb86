//! Drawing the reader: header, outline, reading pane, key-facts sidebar and
//! their overlays.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::{pane, put_line};
use crate::app::App;
use crate::app::geometry::{Overlay, inner, text_area};
use crate::app::reader::{Focus, ReaderState};
use crate::layout::Lines;
use crate::model::Part;
use crate::text;
use crate::theme::Theme;

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
    match geometry.overlay {
        Some((Overlay::Outline, rect)) => outline(app, state, rect, buffer),
        Some((Overlay::Facts, rect)) => facts(app, state, rect, buffer),
        _ => {}
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
        let banner = text::truncate(&banner, room);
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
    let title = text::truncate(&briefing.title, room);
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
    let selected = state.outline_selected;
    let offset = if selected >= height {
        selected + 1 - height
    } else {
        0
    };
    let width = usize::from(area.width);
    for (row, (index, entry)) in state
        .outline
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .enumerate()
    {
        let y = area.y + row as u16;
        let is_current = index == current;
        let marker = if is_current { app.glyphs.pointer } else { " " };
        let mut label = String::new();
        if entry.depth > 0 {
            label.push_str("   ");
        }
        if let Some(number) = entry.number {
            label.push_str(&format!("{number} "));
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
        let text = format!("{marker} {label}");
        let shown = text::pad_to(&text, width);
        put_line(buffer, area.x, y, width, [(shown.as_str(), style)]);
    }
}

fn reading(app: &App, state: &ReaderState, rect: Rect, buffer: &mut Buffer) {
    let theme = &app.theme;
    let focused = state.focus == Focus::Reader && state.panes.overlay.is_none();
    let title = format!("Reading {} {}", app.glyphs.dot, state.part_label());
    pane(&title, rect, focused, theme, app.glyphs, buffer);
    let area = text_area(rect);
    draw_lines(&state.doc.lines, state.top, area, theme, buffer);
}

fn facts(app: &App, state: &ReaderState, rect: Rect, buffer: &mut Buffer) {
    let theme = &app.theme;
    let focused = state.focus == Focus::Facts;
    let title = match state.facts_part {
        Part::Front | Part::Summary => "Key facts".to_owned(),
        Part::Section(i) => format!("Key facts {} {}", app.glyphs.dot, i + 1),
        Part::Sources => "Key facts".to_owned(),
    };
    pane(&title, rect, focused, theme, app.glyphs, buffer);
    let area = text_area(rect);
    if state.facts.is_empty() {
        let note = match state.facts_part {
            Part::Sources => "The sources are listed in the reading pane.",
            _ => "No key facts for this part.",
        };
        let lines = text::wrap(&[(note, ())], usize::from(area.width), &[], &[]);
        for (row, line) in lines.iter().enumerate().take(usize::from(area.height)) {
            let pieces = line.iter().map(|(t, _)| (t.as_str(), theme.secondary()));
            put_line(
                buffer,
                area.x,
                area.y + row as u16,
                usize::from(area.width),
                pieces,
            );
        }
        return;
    }
    draw_lines(&state.facts, state.facts_top, area, theme, buffer);
}

/// Draws laid-out lines from `top` into `area`: only the visible ones.
fn draw_lines(lines: &Lines, top: usize, area: Rect, theme: &Theme, buffer: &mut Buffer) {
    let width = usize::from(area.width);
    for row in 0..usize::from(area.height) {
        let index = top + row;
        if index >= lines.len() {
            break;
        }
        let pieces = lines.line(index).map(|(t, s)| (t, theme.text(s)));
        put_line(buffer, area.x, area.y + row as u16, width, pieces);
    }
}

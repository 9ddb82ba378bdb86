//! Key facts and charts laid out: the sidebar's content, and what `brief
//! print` puts after each section.

use super::{Anchor, Lines, Role, Style};
use crate::glyphs::Glyphs;
use crate::model::{Briefing, Chart, Fact};
use crate::text::{self, StyledLine};

/// The marker shown for a cited source.
pub fn marker(briefing: &Briefing, source: Option<usize>) -> Option<String> {
    source
        .and_then(|i| briefing.sources.get(i))
        .map(|s| format!("[{}]", s.id))
}

/// Lays out facts and charts at `width`: the sidebar's content, and what
/// `brief print` puts after each section.
pub fn facts(
    briefing: &Briefing,
    facts: &[Fact],
    charts: &[Chart],
    width: usize,
    glyphs: Glyphs,
    anchor: Anchor,
) -> Lines {
    let mut lines = Lines::new(width.max(1));
    facts_into(&mut lines, briefing, facts, charts, anchor, glyphs);
    lines
}

pub(super) fn facts_into(
    lines: &mut Lines,
    briefing: &Briefing,
    facts: &[Fact],
    charts: &[Chart],
    anchor: Anchor,
    glyphs: Glyphs,
) {
    let indent = [("  ", Style::role(Role::Text))];
    for fact in facts {
        lines.wrap(
            &[(fact.label.as_str(), Style::role(Role::FactLabel))],
            &[],
            &indent,
            anchor,
        );
        let mut pieces = vec![(fact.value.as_str(), Style::role(Role::FactValue))];
        let marker = marker(briefing, fact.source);
        if let Some(marker) = &marker {
            pieces.push((" ", Style::role(Role::Text)));
            pieces.push((marker.as_str(), Style::role(Role::Marker)));
        }
        lines.wrap(&pieces, &indent, &indent, anchor);
        let mut meta = Vec::new();
        if let Some(as_of) = &fact.as_of {
            meta.push(format!("as of {as_of}"));
        }
        if let Some(note) = &fact.note {
            meta.push(note.clone());
        }
        if !meta.is_empty() {
            let joined = meta.join(&format!(" {} ", glyphs.dot));
            lines.wrap(
                &[(joined.as_str(), Style::role(Role::Meta))],
                &indent,
                &indent,
                anchor,
            );
        }
    }
    for (i, chart) in charts.iter().enumerate() {
        if i > 0 || !facts.is_empty() {
            lines.blank(anchor);
        }
        chart_into(lines, briefing, chart, anchor, glyphs);
    }
}

pub fn chart_into(
    lines: &mut Lines,
    briefing: &Briefing,
    chart: &Chart,
    anchor: Anchor,
    glyphs: Glyphs,
) {
    let mut title = chart.title.clone();
    if let Some(unit) = &chart.unit {
        // A unit such as "€ bn" is one thing: never broken over two lines.
        title.push_str(", ");
        title.push_str(&unit.replace(' ', "\u{a0}"));
    }
    let marker = marker(briefing, chart.source);
    let mut pieces = vec![(title.as_str(), Style::role(Role::ChartTitle))];
    if let Some(marker) = &marker {
        pieces.push((" ", Style::role(Role::Text)));
        pieces.push((marker.as_str(), Style::role(Role::Marker)));
    }
    lines.wrap(&pieces, &[], &[], anchor);

    let width = lines.width();
    let values: Vec<String> = chart.points.iter().map(|p| format_value(p.value)).collect();
    let label_width = chart
        .points
        .iter()
        .map(|p| text::width(&p.label))
        .max()
        .unwrap_or(0)
        .min(width / 3);
    let value_width = values.iter().map(|v| text::width(v)).max().unwrap_or(0);
    let largest = chart
        .points
        .iter()
        .map(|p| p.value.abs())
        .fold(0.0_f64, f64::max);
    // " label bar value": one space before, between label and bar, before value.
    let bar_room = width.saturating_sub(label_width + value_width + 3);
    for (point, value) in chart.points.iter().zip(&values) {
        if bar_room < 2 {
            let spans = [
                (point.label.as_str(), Style::role(Role::Text)),
                (" ", Style::role(Role::Text)),
                (value.as_str(), Style::role(Role::BarValue)),
            ];
            lines.wrap(
                &spans,
                &[(" ", Style::role(Role::Text))],
                &[(" ", Style::role(Role::Text))],
                anchor,
            );
            continue;
        }
        let eighths = if largest > 0.0 {
            ((point.value.abs() / largest) * (bar_room * 8) as f64).round() as usize
        } else {
            0
        };
        let bar = glyphs.bar(eighths.min(bar_room * 8));
        let bar_cells = text::width(&bar);
        let label = glyphs.pad(&point.label, label_width);
        let gap = " ".repeat(bar_room - bar_cells + 1);
        let line: StyledLine<Style> = vec![
            (" ".to_owned(), Style::role(Role::Text)),
            (label, Style::role(Role::Text)),
            (" ".to_owned(), Style::role(Role::Text)),
            (bar, Style::role(Role::Bar)),
            (gap, Style::role(Role::Text)),
            (value.clone(), Style::role(Role::BarValue)),
        ];
        lines.push(&line, anchor);
    }
}

/// A chart value as written: `3.7`, `9`, `-0.25`.
pub fn format_value(value: f64) -> String {
    let rounded = (value * 1000.0).round() / 1000.0;
    format!("{rounded}")
}

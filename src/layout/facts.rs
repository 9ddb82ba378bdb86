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

/// What is said about a fact besides its value: when it held ("as of
/// …") and its note, in that order.
pub fn fact_meta(fact: &Fact) -> Vec<String> {
    let mut meta = Vec::new();
    if let Some(as_of) = &fact.as_of {
        meta.push(format!("as of {as_of}"));
    }
    if let Some(note) = &fact.note {
        meta.push(note.clone());
    }
    meta
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
        let meta = fact_meta(fact);
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
    // " label bar value": one space before, between label and bar, before value.
    let bar_room = width.saturating_sub(label_width + value_width + 3);
    let scale = Scale::new(chart, bar_room, glyphs);
    for (point, value) in chart.points.iter().zip(&values) {
        let Some(scale) = &scale else {
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
        };
        let label = glyphs.pad(&point.label, label_width);
        let mut line: StyledLine<Style> = vec![
            (" ".to_owned(), Style::role(Role::Text)),
            (label, Style::role(Role::Text)),
            (" ".to_owned(), Style::role(Role::Text)),
        ];
        line.extend(scale.bar(point.value));
        line.push((" ".to_owned(), Style::role(Role::Text)));
        line.push((value.clone(), Style::role(Role::BarValue)));
        lines.push(&line, anchor);
    }
}

/// How a chart's bars fit in `room` columns: the columns left of the zero
/// line (for negative values) and right of it, each scaled to the largest
/// value on its side of zero in proportion to the other side.
struct Scale {
    glyphs: Glyphs,
    /// Columns for negative bars (right-aligned against the zero line).
    negative: usize,
    /// Columns for positive bars.
    positive: usize,
    /// The zero line is drawn (the chart has negative values).
    zero_line: bool,
    /// The largest magnitude on either side.
    largest: f64,
    /// What one column stands for, as a share of `largest` (kept as a
    /// share so that values near the largest a float holds cannot
    /// overflow).
    column_share: f64,
}

impl Scale {
    /// `None` when there is no room for bars (values are listed instead).
    fn new(chart: &Chart, room: usize, glyphs: Glyphs) -> Option<Self> {
        if room < 2 {
            return None;
        }
        let most_negative = chart
            .points
            .iter()
            .map(|p| -p.value)
            .fold(0.0_f64, f64::max);
        let most_positive = chart.points.iter().map(|p| p.value).fold(0.0_f64, f64::max);
        let largest = most_negative.max(most_positive);
        if most_negative <= 0.0 {
            return Some(Self {
                glyphs,
                negative: 0,
                positive: room,
                zero_line: false,
                largest,
                column_share: 1.0 / room as f64,
            });
        }
        if room < 3 {
            return None;
        }
        // Shares of the room by the size of each side, divided first so
        // that values near the largest a float holds cannot overflow.
        let bars = room - 1;
        let negative_share = most_negative / largest;
        let positive_share = most_positive / largest;
        let negative =
            ((bars as f64) * negative_share / (negative_share + positive_share)).round() as usize;
        let negative = if most_positive > 0.0 {
            negative.clamp(1, bars - 1)
        } else {
            bars
        };
        Some(Self {
            glyphs,
            negative,
            positive: bars - negative,
            zero_line: true,
            largest,
            // The side with less room per unit sets the scale, so both fit.
            column_share: (negative_share / negative as f64)
                .max(positive_share / (bars - negative).max(1) as f64),
        })
    }

    /// The bar for `value`, exactly as wide as the room, in styled pieces.
    fn bar(&self, value: f64) -> StyledLine<Style> {
        let text_style = Style::role(Role::Text);
        let bar_style = Style::role(Role::Bar);
        let mut out = Vec::new();
        // Both sides use one scale: a column stands for the same amount.
        let eighths = |magnitude: f64, room: usize| -> usize {
            if self.largest > 0.0 && magnitude > 0.0 {
                let columns = magnitude / self.largest / self.column_share;
                (columns * 8.0).round().min((room * 8) as f64) as usize
            } else {
                0
            }
        };
        if self.zero_line {
            let left = if value < 0.0 {
                let e = eighths(-value, self.negative);
                // No block is anchored to the right but the half one: whole
                // cells, and a half for the rest.
                let mut bar = self.glyphs.bar_full.repeat(e / 8);
                if e % 8 >= 4 {
                    bar.insert_str(0, if self.glyphs.ascii { "#" } else { "▐" });
                }
                bar
            } else {
                String::new()
            };
            let used = text::width(&left);
            out.push((" ".repeat(self.negative.saturating_sub(used)), text_style));
            out.push((left, bar_style));
            let zero = if self.glyphs.ascii { "|" } else { "│" };
            out.push((zero.to_owned(), Style::role(Role::Rule)));
        }
        let right = if value > 0.0 {
            self.glyphs.bar(eighths(value, self.positive))
        } else {
            String::new()
        };
        let used = text::width(&right);
        out.push((right, bar_style));
        out.push((" ".repeat(self.positive.saturating_sub(used)), text_style));
        out.retain(|(t, _)| !t.is_empty());
        out
    }
}

/// A chart value as written: `3.7`, `9`, `-0.25`; very large and very
/// small ones in exponent form (`1.8e308`), never `inf`.
pub fn format_value(value: f64) -> String {
    let magnitude = value.abs();
    if value == 0.0 || (1e-3..1e15).contains(&magnitude) {
        let rounded = (value * 1000.0).round() / 1000.0;
        return format!("{rounded}");
    }
    format!("{value:e}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Part, Point};

    fn chart_lines(points: &[(&str, f64)], width: usize, glyphs: Glyphs) -> Vec<String> {
        let chart = Chart {
            title: "C".to_owned(),
            points: points
                .iter()
                .map(|(label, value)| Point {
                    label: (*label).to_owned(),
                    value: *value,
                })
                .collect(),
            ..Chart::default()
        };
        let mut lines = Lines::new(width);
        let anchor = Anchor {
            part: Part::Front,
            block: 0,
        };
        chart_into(&mut lines, &Briefing::default(), &chart, anchor, glyphs);
        (1..lines.len()).map(|i| lines.plain(i)).collect()
    }

    #[test]
    fn extreme_values_are_shown_as_numbers() {
        assert_eq!(format_value(1.7e308), "1.7e308");
        assert_eq!(format_value(-f64::MAX), "-1.7976931348623157e308");
        assert_eq!(format_value(3.7), "3.7");
        assert_eq!(format_value(-0.25), "-0.25");
        assert_eq!(format_value(0.00001), "1e-5");
        let lines = chart_lines(
            &[("max", f64::MAX), ("min", -f64::MAX)],
            40,
            Glyphs::UNICODE,
        );
        assert!(
            lines
                .iter()
                .all(|l| !l.contains("inf") && text::width(l) <= 40)
        );
    }

    #[test]
    fn negative_bars_grow_left_of_a_zero_line() {
        let lines = chart_lines(&[("a", -5.0), ("b", 5.0)], 30, Glyphs::ASCII);
        let zero: Vec<usize> = lines.iter().filter_map(|l| l.find('|')).collect();
        assert_eq!(zero.len(), 2, "{lines:?}");
        assert_eq!(zero[0], zero[1], "one zero column: {lines:?}");
        let (left, right) = lines[0].split_at(zero[0]);
        assert!(left.contains('#') && !right[1..].contains('#'), "{lines:?}");
        let (left, right) = lines[1].split_at(zero[1]);
        assert!(!left.contains('#') && right.contains('#'), "{lines:?}");
        // Equal magnitudes, equal bars.
        let count = |l: &str| l.matches('#').count();
        assert_eq!(count(&lines[0]), count(&lines[1]));
        for line in &lines {
            assert!(text::width(line) <= 30, "{line:?}");
        }
    }

    #[test]
    fn positive_charts_have_no_zero_line() {
        let lines = chart_lines(&[("a", 1.0), ("b", 2.0)], 30, Glyphs::ASCII);
        assert!(lines.iter().all(|l| !l.contains('|')), "{lines:?}");
    }
}

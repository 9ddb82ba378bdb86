//! Search inside the open briefing: the query, its matches and where the
//! reader is among them.
//!
//! Matches in the reading pane come from [`crate::search`] over the lines
//! already laid out; matches in key facts are found in the model's facts and
//! shown in the sidebar. `n`/`N` walk one list of stops, ordered by position
//! in the document, a fact's stop sitting at its section's heading.

use crate::layout::Lines;
use crate::model::{Briefing, Part};
use crate::search::{self, Match};

/// Where `n` and `N` go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// A match in the reading pane (index into `matches`).
    Text(usize),
    /// A matching fact or chart in a part's sidebar.
    Fact(Part),
    /// A match in the reader's note on a part (shown in its sidebar).
    Note(Part),
}

/// The state of a search.
#[derive(Debug, Clone, Default)]
pub struct SearchState {
    /// What is searched for.
    pub query: String,
    /// True while the query is being typed.
    pub editing: bool,
    /// Matches in the reading pane, in order.
    pub matches: Vec<Match>,
    /// Every stop, in document order, with the line it goes to.
    pub stops: Vec<(usize, Stop)>,
    /// Index into `stops` of the current one.
    pub current: Option<usize>,
    /// Where the reader was when the search started.
    pub origin: usize,
    /// Matching facts and charts per part.
    pub fact_hits: Vec<(Part, usize)>,
    /// Parts whose note matches.
    pub note_hits: Vec<Part>,
}

impl SearchState {
    /// A new search started at line `origin`.
    pub fn new(origin: usize) -> Self {
        Self {
            editing: true,
            origin,
            ..Self::default()
        }
    }

    /// Finds the query again in `lines` (after typing or a re-layout).
    pub fn refresh(
        &mut self,
        briefing: &Briefing,
        lines: &Lines,
        starts: &[u32],
        notes: &[(Part, &str)],
        line_of_part: impl Fn(Part) -> Option<usize>,
    ) {
        let previous = self
            .current
            .and_then(|i| self.stops.get(i))
            .map(|(line, _)| *line);
        self.matches = search::find_all(lines, starts, &self.query);
        self.fact_hits = fact_hits(briefing, &self.query);
        let mut stops: Vec<(usize, Stop)> = self
            .matches
            .iter()
            .enumerate()
            .map(|(i, m)| (m.line(), Stop::Text(i)))
            .collect();
        for (part, count) in &self.fact_hits {
            if let Some(line) = line_of_part(*part) {
                stops.extend(std::iter::repeat_n((line, Stop::Fact(*part)), *count));
            }
        }
        self.note_hits = notes
            .iter()
            .filter(|(_, text)| {
                !self.query.trim().is_empty() && search::contains(text, &self.query)
            })
            .map(|(part, _)| *part)
            .collect();
        for part in &self.note_hits {
            if let Some(line) = line_of_part(*part) {
                stops.push((line, Stop::Note(*part)));
            }
        }
        stops.sort_by_key(|(line, stop)| (*line, matches!(stop, Stop::Text(_))));
        self.stops = stops;
        let from = previous.unwrap_or(self.origin);
        self.current = self
            .stops
            .iter()
            .position(|(line, _)| *line >= from)
            .or(if self.stops.is_empty() { None } else { Some(0) });
    }

    /// Moves to the next (or previous) stop; true if it wrapped around.
    pub fn step(&mut self, forward: bool) -> bool {
        let count = self.stops.len();
        if count == 0 {
            return false;
        }
        let current = self.current.unwrap_or(0);
        let (next, wrapped) = if forward {
            ((current + 1) % count, current + 1 == count)
        } else {
            ((current + count - 1) % count, current == 0)
        };
        self.current = Some(next);
        wrapped
    }

    /// Line of the current stop.
    pub fn current_line(&self) -> Option<usize> {
        self.current
            .and_then(|i| self.stops.get(i))
            .map(|(line, _)| *line)
    }

    /// The current stop.
    pub fn current_stop(&self) -> Option<Stop> {
        self.current
            .and_then(|i| self.stops.get(i))
            .map(|(_, stop)| *stop)
    }

    /// "match 3 of 17", or "no match"; "in your note" when the current
    /// match is in a note.
    pub fn describe(&self) -> String {
        match (self.current, self.stops.len()) {
            (_, 0) => "no match".to_owned(),
            (Some(i), n) if matches!(self.current_stop(), Some(Stop::Note(_))) => {
                format!("match {} of {n}, in your note", i + 1)
            }
            (Some(i), n) => format!("match {} of {n}", i + 1),
            (None, n) => format!("{n} matches"),
        }
    }

    /// Number of stops between lines `from` (inclusive) and `to` (exclusive).
    pub fn hits_between(&self, from: usize, to: usize) -> usize {
        let start = self.stops.partition_point(|(line, _)| *line < from);
        let end = self.stops.partition_point(|(line, _)| *line < to);
        end.saturating_sub(start)
    }
}

/// The number of facts and charts matching `query`, per part.
fn fact_hits(briefing: &Briefing, query: &str) -> Vec<(Part, usize)> {
    if query.trim().is_empty() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    let count = briefing
        .facts
        .iter()
        .filter(|f| search::contains(&f.text(), query))
        .count();
    if count > 0 {
        let part = if briefing.summary.is_empty() {
            Part::Front
        } else {
            Part::Summary
        };
        hits.push((part, count));
    }
    for (i, section) in briefing.sections.iter().enumerate() {
        let count = section
            .facts
            .iter()
            .map(crate::model::Fact::text)
            .chain(section.charts.iter().map(crate::model::Chart::text))
            .filter(|t| search::contains(t, query))
            .count();
        if count > 0 {
            hits.push((Part::Section(i), count));
        }
    }
    hits
}

//! The reader's search: opening the search line, finding as the query is
//! typed, stepping through matches, and clearing them.

use super::find::{SearchState, Stop};
use super::geometry::{Overlay, WidthClass};
use super::reader::ReaderState;
use crate::model::Part;
use crate::search;

/// Search.
impl ReaderState {
    /// Opens the search line.
    pub fn start_search(&mut self) {
        self.search = Some(SearchState::new(self.view.top));
        self.facts.matches.clear();
    }

    /// True while a query is being typed.
    pub fn search_editing(&self) -> bool {
        self.search.as_ref().is_some_and(|s| s.editing)
    }

    /// Replaces the query and finds it, moving to the first match after
    /// where the search started.
    pub fn set_query(&mut self, query: String) {
        let Some(search) = &mut self.search else {
            return;
        };
        search.query = query;
        search.current = None;
        let origin = search.origin;
        self.refresh_search();
        match self.search.as_ref().and_then(SearchState::current_line) {
            Some(line) => self.reveal(line),
            None => self.go_to_line(origin),
        }
        // A match in a note takes the reader to its section, where the
        // note is shown.
        if let Some(Stop::Note(part)) = self.search.as_ref().and_then(SearchState::current_stop) {
            self.go_to_part(part);
        }
    }

    pub(super) fn refresh_search(&mut self) {
        if self.search_starts.len() != self.doc.lines.len() {
            self.doc.lines.fill();
            self.search_starts = search::content_starts(&self.doc.lines);
        }
        let Some(search) = &mut self.search else {
            return;
        };
        let doc = &self.doc;
        // Notes are searched too: a match stops at its section's heading.
        let notes: Vec<(Part, &str)> = self
            .marks
            .notes
            .iter()
            .filter_map(|(id, note)| {
                let part = if id == "summary" {
                    Part::Summary
                } else {
                    Part::Section(self.briefing.sections.iter().position(|s| &s.id == id)?)
                };
                Some((part, note.text.as_str()))
            })
            .collect();
        search.refresh(
            &self.briefing,
            &doc.lines,
            &self.search_starts,
            &notes,
            |part| doc.line_of_part(part),
        );
        self.refresh_facts_matches();
    }

    pub(super) fn refresh_facts_matches(&mut self) {
        self.facts.matches = match &self.search {
            Some(search) if !search.query.trim().is_empty() => {
                let starts = search::content_starts(&self.facts.lines);
                search::find_all(&self.facts.lines, &starts, &search.query)
            }
            _ => Vec::new(),
        };
    }

    /// Leaves the search line, keeping the matches highlighted.
    pub fn confirm_search(&mut self) {
        if let Some(search) = &mut self.search {
            search.editing = false;
            if search.query.trim().is_empty() {
                self.search = None;
            }
        }
    }

    /// Abandons the search being typed and goes back to where it started.
    pub fn cancel_search(&mut self) {
        if let Some(search) = self.search.take() {
            self.facts.matches.clear();
            self.go_to_line(search.origin);
        }
    }

    /// Clears the highlights of a finished search; false if there was none.
    pub fn clear_search(&mut self) -> bool {
        self.facts.matches.clear();
        self.search.take().is_some()
    }

    /// Goes to the next (or previous) match. `None` if there is no search,
    /// else whether it wrapped around the end.
    pub fn step_match(&mut self, forward: bool) -> Option<bool> {
        let search = self.search.as_mut()?;
        let wrapped = search.step(forward);
        let line = search.current_line()?;
        let stop = search.current_stop();
        self.reveal(line);
        match stop {
            Some(Stop::Fact(part) | Stop::Note(part)) => {
                self.go_to_part(part);
                // A match in the facts is never left in a hidden pane.
                if self.facts_rect().is_none() {
                    let mut panes = self.panes;
                    panes.overlay = Some(Overlay::Facts);
                    self.set_panes(panes);
                }
            }
            Some(Stop::Text(_)) if self.geometry.class == WidthClass::Narrow => {
                // Nor is a match in the text left under a full-screen pane.
                self.hide_overlay();
            }
            _ => {}
        }
        Some(wrapped)
    }

    /// Scrolls so that `line` is on screen, a third of the way down if it
    /// was not.
    pub fn reveal(&mut self, line: usize) {
        self.view.reveal(line);
        self.sync();
    }
}

//! What the reader has done to a briefing, beyond scrolling: sections read,
//! notes written, and which sections changed since they were read.
//!
//! [`Marks`] holds the current picture for the open briefing and the
//! [`Changes`] not yet written, so a save merges them into the state file
//! instead of overwriting it (two readers open at once keep each other's
//! notes). Fingerprints are taken when a section is read; a different
//! fingerprint later means the section changed since.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Briefing, Section, blocks_text};
use crate::state::{BriefingState, Changes, Note, fingerprint};

/// Why a section is marked as changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Its content differs from when it was read.
    Changed,
    /// It was not there when the briefing was last opened.
    New,
}

/// Read marks, notes and changes for one open briefing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks {
    /// Ids read to the end (`summary` and section ids).
    pub read: BTreeSet<String>,
    /// Notes by id (`summary` or a section id), orphaned ones included.
    pub notes: BTreeMap<String, Note>,
    /// Sections (by index) changed or new since last read.
    pub changed: BTreeMap<usize, Change>,
    /// Not yet written to the state file.
    pub pending: Changes,
}

/// A fingerprint of everything a reader sees of a section.
pub fn section_fingerprint(section: &Section) -> String {
    let mut text = section.title.clone();
    text.push('\n');
    blocks_text(&section.body, &mut text);
    for fact in &section.facts {
        text.push_str(&fact.text());
        text.push('\n');
    }
    for chart in &section.charts {
        text.push_str(&chart.text());
        for point in &chart.points {
            text.push_str(&format!(" {}", point.value));
        }
        text.push('\n');
    }
    fingerprint(text.as_bytes())
}

/// The fingerprint of the bottom line.
fn summary_fingerprint(briefing: &Briefing) -> String {
    let mut text = String::new();
    blocks_text(&briefing.summary, &mut text);
    fingerprint(text.as_bytes())
}

impl Marks {
    /// The marks for `briefing` given what was remembered.
    pub fn from_state(briefing: &Briefing, state: &BriefingState) -> Self {
        let mut marks = Marks {
            notes: state.notes.clone(),
            ..Marks::default()
        };
        let ids: BTreeSet<String> = briefing.sections.iter().map(|s| s.id.clone()).collect();
        marks.read = state
            .read
            .iter()
            .filter(|id| ids.contains(*id) || id.as_str() == "summary")
            .cloned()
            .collect();
        for (index, section) in briefing.sections.iter().enumerate() {
            match state.fingerprints.get(&section.id) {
                Some(old) if *old != section_fingerprint(section) => {
                    marks.changed.insert(index, Change::Changed);
                }
                Some(_) => {}
                None if !state.known.is_empty() && !state.known.contains(&section.id) => {
                    marks.changed.insert(index, Change::New);
                }
                None => {}
            }
        }
        // A changed section is no longer "read": its new content is not.
        for index in marks.changed.keys() {
            if let Some(section) = briefing.sections.get(*index) {
                marks.read.remove(&section.id);
            }
        }
        if state.known.is_empty() {
            // First time: every section present now is known, so only
            // sections added later count as new.
            marks.pending.known = ids;
        }
        marks
    }

    /// Marks a section (or `summary` with `None`) read, recording its
    /// fingerprint; returns true if that was news.
    pub fn mark_read(&mut self, briefing: &Briefing, section: Option<usize>) -> bool {
        let (id, fp) = match section {
            None => ("summary".to_owned(), summary_fingerprint(briefing)),
            Some(index) => match briefing.sections.get(index) {
                Some(s) => (s.id.clone(), section_fingerprint(s)),
                None => return false,
            },
        };
        if let Some(index) = section {
            self.changed.remove(&index);
        }
        if self.read.contains(&id) {
            return false;
        }
        self.read.insert(id.clone());
        self.pending.unread.remove(&id);
        self.pending.read.insert(id, fp);
        true
    }

    /// Marks an id unread; false if it was not read.
    pub fn mark_unread(&mut self, id: &str) -> bool {
        if !self.read.remove(id) {
            return false;
        }
        self.pending.read.remove(id);
        self.pending.unread.insert(id.to_owned());
        true
    }

    /// Writes (or, for empty text, deletes) the note on `id`, written at
    /// `now` (seconds since the epoch).
    pub fn set_note(&mut self, id: &str, section_title: &str, text: &str, now: u64) {
        if text.trim().is_empty() {
            if self.notes.remove(id).is_some() {
                self.pending.notes.insert(id.to_owned(), None);
            }
            return;
        }
        let note = Note {
            text: text.to_owned(),
            section_title: section_title.to_owned(),
            updated: now,
        };
        self.notes.insert(id.to_owned(), note.clone());
        self.pending.notes.insert(id.to_owned(), Some(note));
    }

    /// Notes whose section is gone from the briefing: `(id, note)`.
    pub fn orphaned_notes<'a>(&'a self, briefing: &Briefing) -> Vec<(&'a String, &'a Note)> {
        self.notes
            .iter()
            .filter(|(id, _)| {
                id.as_str() != "summary" && !briefing.sections.iter().any(|s| &s.id == *id)
            })
            .collect()
    }

    /// After the briefing was edited on disk while open: sections read in
    /// the old version whose content differs now are changed, sections that
    /// were not there are new. Marks already set stay.
    pub fn carry_over(&mut self, old: &Briefing, new: &Briefing) {
        let old_by_id: BTreeMap<&str, String> = old
            .sections
            .iter()
            .map(|s| (s.id.as_str(), section_fingerprint(s)))
            .collect();
        let mut changed = BTreeMap::new();
        for (index, section) in new.sections.iter().enumerate() {
            let was_changed = old
                .sections
                .iter()
                .position(|s| s.id == section.id)
                .and_then(|i| self.changed.get(&i).copied());
            match old_by_id.get(section.id.as_str()) {
                None => {
                    changed.insert(index, Change::New);
                }
                Some(fp)
                    if *fp != section_fingerprint(section) && self.read.contains(&section.id) =>
                {
                    self.read.remove(&section.id);
                    changed.insert(index, Change::Changed);
                }
                Some(_) => {
                    if let Some(change) = was_changed {
                        changed.insert(index, change);
                    }
                }
            }
        }
        self.changed = changed;
    }

    /// The number of sections changed or new since last read.
    pub fn changed_count(&self) -> usize {
        self.changed.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::load_str;

    const ONE: &str = "title = \"T\"\n[[sections]]\ntitle = \"A\"\nbody = \"one\"\n[[sections]]\ntitle = \"B\"\nbody = \"two\"\n";

    #[test]
    fn a_changed_section_is_marked_and_clears_when_read_again() {
        let before = load_str("t", ONE).expect("valid");
        let mut marks = Marks::from_state(&before, &BriefingState::default());
        marks.mark_read(&before, Some(0));
        marks.mark_read(&before, Some(1));
        let mut state = BriefingState::default();
        marks.pending.apply(&mut state);

        let after = load_str("t", &ONE.replace("\"two\"", "\"two, revised\"")).expect("valid");
        let mut marks = Marks::from_state(&after, &state);
        assert_eq!(marks.changed.keys().copied().collect::<Vec<_>>(), vec![1]);
        assert!(marks.read.contains("a") && !marks.read.contains("b"));
        marks.mark_read(&after, Some(1));
        assert!(marks.changed.is_empty());
    }

    #[test]
    fn sections_added_later_are_new() {
        let before = load_str("t", ONE).expect("valid");
        let marks = Marks::from_state(&before, &BriefingState::default());
        let mut state = BriefingState::default();
        marks.pending.apply(&mut state);
        let added = format!("{ONE}[[sections]]\ntitle = \"C\"\n");
        let after = load_str("t", &added).expect("valid");
        let marks = Marks::from_state(&after, &state);
        assert_eq!(marks.changed.get(&2), Some(&Change::New));
        assert_eq!(marks.changed.len(), 1);
    }

    #[test]
    fn empty_notes_are_deletions() {
        let briefing = load_str("t", ONE).expect("valid");
        let mut marks = Marks::from_state(&briefing, &BriefingState::default());
        marks.set_note("a", "A", "remember the figure", 1);
        marks.set_note("a", "A", "  ", 2);
        assert!(marks.notes.is_empty());
        assert_eq!(marks.pending.notes.get("a"), Some(&None));
    }
}

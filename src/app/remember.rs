//! The reader's remembered state: turning the reading position, read
//! marks, notes and changes into what the state file keeps, and back;
//! replacing the briefing when its file changed on disk.

use std::sync::Arc;

use super::editor::Editor;
use super::marks::Marks;
use super::reader::ReaderState;
use crate::layout::{Anchor, Document};
use crate::model::{Briefing, Part};
use crate::state::{BriefingState, Changes, Note, Position};

/// Remembered state: position and read marks.
impl ReaderState {
    /// The id a part is remembered by.
    pub fn part_key(&self, part: Part) -> String {
        match part {
            Part::Front => "front".to_owned(),
            Part::Summary => "summary".to_owned(),
            Part::Sources => "sources".to_owned(),
            Part::Section(i) => self
                .briefing
                .sections
                .get(i)
                .map_or_else(|| "front".to_owned(), |s| format!("section:{}", s.id)),
        }
    }

    pub(super) fn part_of_key(&self, key: &str) -> Option<Part> {
        match key {
            "front" => Some(Part::Front),
            "summary" => Some(Part::Summary),
            "sources" => Some(Part::Sources),
            _ => {
                let id = key.strip_prefix("section:")?;
                self.briefing
                    .sections
                    .iter()
                    .position(|s| s.id == id)
                    .map(Part::Section)
            }
        }
    }

    /// The changes to write to the state file now, position included.
    pub fn changes(&self) -> Changes {
        let mut changes = self.marks.pending.clone();
        changes.position = self.position().map(|(anchor, fraction)| Position {
            part: self.part_key(anchor.part),
            block: anchor.block,
            fraction,
        });
        changes
    }

    /// Called once the changes were written.
    pub fn saved(&mut self) {
        self.marks.pending = Changes::default();
        self.unsaved = false;
    }

    /// Goes back to a remembered position and takes over read marks,
    /// notes and changes. Returns a notice if the remembered place is gone
    /// from the briefing.
    pub fn apply_saved(&mut self, state: &BriefingState) -> Option<String> {
        self.marks = Marks::from_state(&self.briefing, state);
        self.facts.forget();
        // Lay the sidebar out again now: with no saved position there is
        // no other sync before the first frame.
        self.sync();
        let position = state.position.as_ref()?;
        match self.part_of_key(&position.part) {
            Some(part) => {
                let anchor = Anchor {
                    part,
                    block: position.block,
                };
                self.restore(Some((anchor, position.fraction.clamp(0.0, 1.0))));
                self.sync();
                None
            }
            None => {
                self.top = 0;
                self.sync();
                let name = position
                    .part
                    .strip_prefix("section:")
                    .unwrap_or(&position.part);
                Some(format!(
                    "the section you were reading ({}) is no longer in this briefing; starting at the top",
                    crate::sanitize::line(name)
                ))
            }
        }
    }

    /// The id notes and read marks use for a part.
    pub fn mark_id(&self, part: Part) -> Option<String> {
        match part {
            Part::Summary => Some("summary".to_owned()),
            Part::Section(i) => self.briefing.sections.get(i).map(|s| s.id.clone()),
            Part::Front | Part::Sources => None,
        }
    }

    /// True if the part has been read to its end.
    pub fn is_read(&self, part: Part) -> bool {
        self.mark_id(part)
            .is_some_and(|k| self.marks.read.contains(&k))
    }

    /// The note on a part, if any.
    pub fn note(&self, part: Part) -> Option<&Note> {
        self.mark_id(part).and_then(|k| self.marks.notes.get(&k))
    }

    /// Credits the reading time up to `now` (milliseconds since the
    /// epoch) to the lines that were on screen, if they could be read
    /// (`visible`), and marks the parts that are now read (see
    /// [`super::marks::Reading`]).
    pub fn credit_reading(&mut self, now: u64, visible: bool) {
        let parts = self
            .marks
            .reading
            .credit(&self.doc, self.top, self.page_height, now, visible);
        let mut news = false;
        for part in parts {
            news |= match part {
                Part::Summary => self.marks.mark_read(&self.briefing, None),
                Part::Section(i) => self.marks.mark_read(&self.briefing, Some(i)),
                Part::Front | Part::Sources => false,
            };
        }
        if news {
            self.unsaved = true;
        }
    }

    /// Marks the part being read as unread again.
    pub fn mark_unread(&mut self) -> bool {
        let part = self.current_part();
        match self.mark_id(part) {
            Some(key) => {
                self.unsaved = true;
                self.marks.reading.forget(part);
                self.marks.mark_unread(&key)
            }
            None => false,
        }
    }

    /// Opens the note editor on the part being read (the title block's
    /// notes go with the bottom line). False if the part takes no notes.
    pub fn open_note(&mut self) -> bool {
        let part = match self.current_part() {
            Part::Front => Part::Summary,
            part => part,
        };
        if self.mark_id(part).is_none() {
            return false;
        }
        let text = self.note(part).map(|n| n.text.clone()).unwrap_or_default();
        self.note_editor = Some((Editor::new(&text), part));
        true
    }

    /// The title a note on `part` is filed under.
    pub fn note_title(&self, part: Part) -> String {
        match part {
            Part::Section(i) => self
                .briefing
                .sections
                .get(i)
                .map_or(String::new(), |s| s.title.clone()),
            _ => "Bottom line".to_owned(),
        }
    }

    /// Closes the note editor, keeping what was typed (empty text deletes
    /// the note) as written at `now`. Returns what happened, for the
    /// status line.
    pub fn close_note(&mut self, now: u64) -> Option<String> {
        let (editor, part) = self.note_editor.take()?;
        let id = self.mark_id(part)?;
        let title = self.note_title(part);
        let had = self.marks.notes.contains_key(&id);
        let text = editor.text();
        let before = self.marks.notes.get(&id).map(|n| n.text.clone());
        if before.as_deref() == Some(text.as_str()) {
            return Some("note unchanged".to_owned());
        }
        self.marks.set_note(&id, &title, &text, now);
        self.unsaved = true;
        self.facts.forget();
        self.sync();
        Some(match (had, text.trim().is_empty()) {
            (true, true) => format!("note on {title} deleted"),
            (false, true) => "empty note not kept".to_owned(),
            (_, false) => format!("note on {title} saved"),
        })
    }

    /// Puts a new version of the briefing (edited on disk) in place of the
    /// open one, keeping the reader on the same section and paragraph, and
    /// marking what changed.
    pub fn replace_briefing(&mut self, briefing: Arc<Briefing>) {
        let position = self.changes().position;
        let old = std::mem::replace(&mut self.briefing, briefing);
        self.marks.carry_over(&old, &self.briefing);
        self.note_editor = self.note_editor.take().filter(|(_, part)| match part {
            Part::Section(i) => *i < self.briefing.sections.len(),
            _ => true,
        });
        self.doc = Document::default();
        self.facts.forget();
        self.top = 0;
        let area = self.geometry.area;
        self.relayout(area);
        if let Some(position) = position
            && let Some(part) = self.part_of_key(&position.part)
        {
            let anchor = Anchor {
                part,
                block: position.block,
            };
            self.restore(Some((anchor, position.fraction.clamp(0.0, 1.0))));
            self.sync();
        }
    }

    /// Jumps to the next section changed since it was read (wrapping);
    /// false if there is none.
    pub fn next_changed(&mut self) -> bool {
        let current = match self.current_part() {
            Part::Section(i) => Some(i),
            _ => None,
        };
        let next = self
            .marks
            .changed
            .keys()
            .copied()
            .find(|i| current.is_none_or(|c| *i > c))
            .or_else(|| self.marks.changed.keys().copied().next());
        match next {
            Some(index) => self.go_to_part(Part::Section(index)),
            None => false,
        }
    }
}

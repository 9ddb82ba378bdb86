//! The reader's remembered state: turning the reading position, read
//! marks, notes and changes into what the state file keeps, and back;
//! replacing the briefing when its file changed on disk.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::editor::NoteEdit;
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
                self.view.top = 0;
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
    pub fn mark_id(&self, part: Part) -> Option<&str> {
        match part {
            Part::Summary => Some("summary"),
            Part::Section(i) => self.briefing.sections.get(i).map(|s| s.id.as_str()),
            Part::Front | Part::Sources => None,
        }
    }

    /// True if the part has been read to its end.
    pub fn is_read(&self, part: Part) -> bool {
        self.mark_id(part)
            .is_some_and(|k| self.marks.read.contains(k))
    }

    /// The note on a part, if any.
    pub fn note(&self, part: Part) -> Option<&Note> {
        self.mark_id(part).and_then(|k| self.marks.notes.get(k))
    }

    /// Credits the reading time up to `now` (milliseconds since the
    /// epoch) to the lines that were on screen, if they could be read
    /// (`visible`), and marks the parts that are now read (see
    /// [`super::marks::Reading`]).
    pub fn credit_reading(&mut self, now: u64, visible: bool) {
        let parts = self.marks.reading.credit(
            &self.doc,
            self.view.top,
            self.view.page_height,
            now,
            visible,
        );
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
        match self.mark_id(part).map(str::to_owned) {
            Some(key) => {
                self.unsaved = true;
                self.marks.reading.forget(part);
                self.marks.mark_unread(&key)
            }
            None => false,
        }
    }

    /// Opens the note editor on the part being read (the title block's
    /// notes go with the bottom line), holding the note as last known;
    /// the caller asks for the note as it is on disk now, and
    /// [`ReaderState::note_read`] brings it in. Returns the note's id, or
    /// `None` if the part takes no notes.
    pub fn open_note(&mut self) -> Option<String> {
        let part = match self.current_part() {
            Part::Front => Part::Summary,
            part => part,
        };
        let id = self.mark_id(part)?.to_owned();
        let text = self.note(part).map(|n| n.text.clone());
        self.note_editor = Some(NoteEdit::new(part, text.as_deref()));
        Some(id)
    }

    /// Takes in the note `id` as read from disk just now: it replaces the
    /// copy loaded earlier (another reader may have written it since), and
    /// an editor open on it that holds nothing typed yet starts from it.
    /// An edit of this note not yet saved stays as it is: it is the
    /// reader's latest. Returns true if the editor now shows a different
    /// text than it opened with.
    pub fn note_read(&mut self, id: &str, disk: Option<Note>) -> bool {
        if self.marks.pending.notes.contains_key(id) {
            return false;
        }
        let text = disk.as_ref().map(|n| n.text.clone());
        match disk {
            Some(note) => self.marks.notes.insert(id.to_owned(), note),
            None => self.marks.notes.remove(id),
        };
        self.facts.forget();
        self.sync();
        let Some(part) = self.note_editor.as_ref().map(|e| e.part) else {
            return false;
        };
        if self.mark_id(part) != Some(id) {
            return false;
        }
        let Some(edit) = &mut self.note_editor else {
            return false;
        };
        let before = edit.opened.clone();
        edit.refresh(text.as_deref()) && edit.opened != before
    }

    /// Takes in the notes as a save found them on disk, other readers'
    /// included.
    pub fn saved_notes(&mut self, notes: BTreeMap<String, Note>) {
        if self.marks.notes != notes {
            self.marks.notes = notes;
            self.facts.forget();
            self.sync();
        }
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
    /// the note) as written at `now`. The change is recorded against the
    /// note as it was on disk when the editor opened, so a save keeps both
    /// texts if another reader changed it meanwhile. Returns what
    /// happened, for the status line.
    pub fn close_note(&mut self, now: u64) -> Option<String> {
        let edit = self.note_editor.take()?;
        let id = self.mark_id(edit.part)?.to_owned();
        let title = self.note_title(edit.part);
        if !edit.changed() {
            return Some("note unchanged".to_owned());
        }
        let text = edit.editor.text();
        let had = edit.base.is_some() || self.marks.notes.contains_key(&id);
        let note = (!text.trim().is_empty()).then(|| Note {
            text,
            section_title: title.clone(),
            updated: now,
        });
        let said = match (had, note.is_some()) {
            (true, false) => format!("note on {title} deleted"),
            (false, false) => return Some("empty note not kept".to_owned()),
            (_, true) => format!("note on {title} saved"),
        };
        match &note {
            Some(note) => self.marks.notes.insert(id.clone(), note.clone()),
            None => self.marks.notes.remove(&id),
        };
        self.marks
            .pending
            .edit_note(&id, edit.base.as_deref(), note);
        self.unsaved = true;
        self.facts.forget();
        self.sync();
        Some(said)
    }

    /// The note being typed, as a change to save on the way out (`None`
    /// if nothing was typed, or it is empty).
    pub fn note_in_progress(&self, now: u64) -> Option<(String, Option<String>, Note)> {
        let edit = self.note_editor.as_ref()?;
        let id = self.mark_id(edit.part)?.to_owned();
        let text = edit.editor.text();
        if !edit.changed() || text.trim().is_empty() {
            return None;
        }
        let note = Note {
            text,
            section_title: self.note_title(edit.part),
            updated: now,
        };
        Some((id, edit.base.clone(), note))
    }

    /// Puts a new version of the briefing (edited on disk) in place of the
    /// open one, keeping the reader on the same section and paragraph, and
    /// marking what changed.
    pub fn replace_briefing(&mut self, briefing: Arc<Briefing>) {
        let position = self.changes().position;
        let old = std::mem::replace(&mut self.briefing, briefing);
        self.marks.carry_over(&old, &self.briefing);
        self.note_editor = self.note_editor.take().filter(|edit| match edit.part {
            Part::Section(i) => i < self.briefing.sections.len(),
            _ => true,
        });
        self.doc = Document::default();
        self.facts.forget();
        self.view.top = 0;
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

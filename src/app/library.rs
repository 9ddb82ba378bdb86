//! The library: the briefings in a folder, to choose from.
//!
//! Owns the list of entries (each a loaded briefing or the first error that
//! kept it from loading), the filter typed by the reader and the selection
//! within the filtered list. A broken briefing stays in the list with its
//! error; the others stay usable.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::app::marks::Marks;
use crate::check::briefing_files;
use crate::diagnostic::Diagnostic;
use crate::loader::{self, display_name};
use crate::model::Briefing;
use crate::search::Case;
use crate::state::Store;

/// One briefing file in the library.
#[derive(Debug, Clone)]
pub struct LibraryEntry {
    /// Where it is.
    pub path: PathBuf,
    /// Its file name, sanitised.
    pub name: String,
    /// The briefing, or the first problem found in it.
    pub briefing: Result<Arc<Briefing>, Diagnostic>,
    /// Sections read, if anything is remembered.
    pub read: Option<usize>,
    /// Sections changed since they were read.
    pub changed: usize,
    /// Everything the filter looks in: file name, title, full text.
    text: String,
    /// The same in lower case, for filters without capitals.
    lower: String,
}

impl LibraryEntry {
    /// Loads the file at `path`.
    pub fn load(path: &Path) -> Self {
        Self::from_loaded(path, loader::load_path_lazy(path).map(Arc::new))
    }

    /// The entry for the file at `path`, given what loading it gave.
    pub fn from_loaded(path: &Path, loaded: Result<Arc<Briefing>, loader::LoadError>) -> Self {
        let name = path
            .file_name()
            .map(|n| display_name(Path::new(n)))
            .unwrap_or_else(|| display_name(path));
        let briefing = loaded.map_err(|error| {
            error.diagnostics.into_iter().next().unwrap_or_else(|| {
                Diagnostic::whole_file(
                    &name,
                    crate::diagnostic::Severity::Error,
                    "cannot be read".to_owned(),
                    None,
                )
            })
        });
        let mut text = name.clone();
        if let Ok(b) = &briefing {
            text.push('\n');
            text.push_str(&b.full_text());
        }
        let lower = text.to_lowercase();
        Self {
            path: path.to_path_buf(),
            name,
            briefing,
            read: None,
            changed: 0,
            text,
            lower,
        }
    }

    /// Counts the sections read and changed, from `marks`.
    fn take_progress(&mut self, marks: &Marks) {
        if let Ok(briefing) = &self.briefing {
            let read = briefing
                .sections
                .iter()
                .filter(|s| marks.read.contains(&s.id))
                .count();
            self.read = Some(read);
            self.changed = marks.changed_count();
        }
    }

    /// True if every word of `filter` occurs in the entry (smartcase).
    fn matches(&self, filter: &str) -> bool {
        match Case::for_query(filter) {
            Case::Sensitive => filter.split_whitespace().all(|w| self.text.contains(w)),
            Case::Insensitive => filter.split_whitespace().all(|w| self.lower.contains(w)),
        }
    }
}

/// The library screen's state.
#[derive(Debug, Clone, Default)]
pub struct LibraryState {
    /// The folder shown, sanitised.
    pub folder: String,
    /// Every briefing file, sorted by name.
    pub entries: Vec<LibraryEntry>,
    /// What the reader typed to filter by.
    pub filter: String,
    /// True while the filter line takes typing.
    pub filtering: bool,
    /// Indexes into `entries` that pass the filter.
    pub visible: Vec<usize>,
    /// Index into `visible`.
    pub selected: usize,
}

impl LibraryState {
    /// Loads every briefing in `folder`.
    pub fn open(folder: &Path) -> std::io::Result<Self> {
        let entries = briefing_files(folder)?
            .iter()
            .map(|p| LibraryEntry::load(p))
            .collect();
        Ok(Self::from_entries(display_name(folder), entries))
    }

    /// A library of already loaded entries.
    pub fn from_entries(folder: String, mut entries: Vec<LibraryEntry>) -> Self {
        // Newest first; undated ones after, by title; broken ones last.
        entries.sort_by(|a, b| match (&a.briefing, &b.briefing) {
            (Ok(x), Ok(y)) => y.date.cmp(&x.date).then_with(|| x.title.cmp(&y.title)),
            (Ok(_), Err(_)) => std::cmp::Ordering::Less,
            (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
            (Err(_), Err(_)) => a.name.cmp(&b.name),
        });
        let mut state = Self {
            folder,
            entries,
            ..Self::default()
        };
        state.apply_filter();
        state
    }

    /// Reads how much of each briefing was read from the state store.
    pub fn load_progress(&mut self, store: &Store) {
        for entry in &mut self.entries {
            let marks = match &entry.briefing {
                Ok(briefing) => Marks::from_state(briefing, &store.load(&entry.path).0),
                Err(_) => continue,
            };
            entry.take_progress(&marks);
        }
    }

    /// Updates one entry's progress after reading it.
    pub fn set_progress(&mut self, path: Option<&Path>, marks: &Marks) {
        let Some(path) = path else {
            return;
        };
        if let Some(entry) = self.entries.iter_mut().find(|e| e.path == path) {
            entry.take_progress(marks);
        }
    }

    /// Recomputes the visible entries for the filter, keeping the
    /// selection on the same entry where it is still visible.
    pub fn apply_filter(&mut self) {
        let previous = self.selected_entry_index();
        let filter = self.filter.clone();
        self.visible = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.matches(&filter))
            .map(|(i, _)| i)
            .collect();
        self.selected = previous
            .and_then(|p| self.visible.iter().position(|i| *i == p))
            .unwrap_or(0);
    }

    /// The entry under the selection.
    pub fn selected_entry(&self) -> Option<&LibraryEntry> {
        self.selected_entry_index()
            .and_then(|i| self.entries.get(i))
    }

    fn selected_entry_index(&self) -> Option<usize> {
        self.visible.get(self.selected).copied()
    }

    /// Moves the selection by `delta`, staying in range.
    pub fn select(&mut self, delta: isize) {
        let last = self.visible.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// Selects the first (`false`) or last (`true`) entry.
    pub fn select_end(&mut self, last: bool) {
        self.selected = if last {
            self.visible.len().saturating_sub(1)
        } else {
            0
        };
    }

    /// Adds typed text to the filter.
    pub fn type_char(&mut self, c: char) {
        self.filter.push(c);
        self.apply_filter();
    }

    /// Removes the last typed character.
    pub fn backspace(&mut self) {
        self.filter.pop();
        self.apply_filter();
    }

    /// Clears the filter.
    pub fn clear_filter(&mut self) {
        self.filter.clear();
        self.filtering = false;
        self.apply_filter();
    }
}

//! The library every session reads from: each briefing parsed once and
//! shared, one watcher for the whole folder, and each reader's view of it
//! cut to what their clearance allows.
//!
//! A reader's view is the only way to a briefing: the library list, the
//! name given on the `ssh` command line and the reload after an edit all
//! go through [`SharedLibrary::visible`] or [`SharedLibrary::find`], so a
//! briefing above a reader's level is not listed, not openable, not
//! searched (the library filter searches only the listed entries) and
//! not counted.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use crate::app::library::LibraryEntry;
use crate::loader::display_name;
use crate::model::Briefing;

use super::access::{Access, Clearance};

/// The served briefings.
#[derive(Debug)]
pub struct SharedLibrary {
    /// The folder watched.
    pub folder: PathBuf,
    /// The folder's name as shown in the library header.
    pub title: String,
    /// Serving one file only: its name.
    only: Option<PathBuf>,
    entries: RwLock<Vec<LibraryEntry>>,
}

impl SharedLibrary {
    /// Loads every briefing in `path` (a folder, or a single file).
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let only = (!path.is_dir()).then(|| path.to_path_buf());
        let folder = crate::watch::folder_of(path);
        let entries = crate::check::briefing_files(path)?
            .iter()
            .map(|p| LibraryEntry::load(p))
            .collect();
        Ok(Self {
            title: display_name(path),
            folder,
            only,
            entries: RwLock::new(entries),
        })
    }

    /// Every entry (for the start-up summary).
    pub fn all(&self) -> Vec<LibraryEntry> {
        self.entries
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The entries a reader with `clearance` may see. A briefing that does
    /// not load shows its error only to readers who see everything: its
    /// marking cannot be read, so it is hidden from the rest.
    pub fn visible(&self, access: &Access, clearance: Clearance) -> Vec<LibraryEntry> {
        self.entries
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|entry| allowed(access, clearance, entry))
            .cloned()
            .collect()
    }

    /// The visible entry called `name` (its file name, with or without
    /// the extension). Absent and forbidden are the same answer, so a
    /// reader learns nothing about briefings above their level.
    pub fn find(&self, access: &Access, clearance: Clearance, name: &str) -> Option<LibraryEntry> {
        let name = name.trim();
        self.visible(access, clearance).into_iter().find(|entry| {
            entry.briefing.is_ok()
                && (entry.path.file_name() == Some(OsStr::new(name))
                    || entry.path.file_stem() == Some(OsStr::new(name)))
        })
    }

    /// The briefing at `path` as parsed now, if it is visible with
    /// `clearance` and valid.
    pub fn find_path(
        &self,
        access: &Access,
        clearance: Clearance,
        path: &Path,
    ) -> Option<Arc<Briefing>> {
        self.entries
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|entry| entry.path == path && allowed(access, clearance, entry))
            .and_then(|entry| entry.briefing.as_ref().ok().map(Arc::clone))
    }

    /// Loads the file `name` in the folder again after it changed; true
    /// if it is a briefing of this library.
    pub fn reload(&self, name: &OsStr) -> bool {
        let path = self.folder.join(name);
        let ours = match &self.only {
            Some(only) => only.file_name() == Some(name),
            // The same rule as the library's listing (TOML and Markdown).
            None => {
                crate::check::briefing_files(&self.folder).is_ok_and(|files| files.contains(&path))
            }
        };
        if !ours {
            return false;
        }
        let fresh = LibraryEntry::load(&path);
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        match entries
            .iter_mut()
            .find(|e| e.path.file_name() == Some(name))
        {
            Some(entry) => *entry = fresh,
            None => entries.push(fresh),
        }
        true
    }
}

fn allowed(access: &Access, clearance: Clearance, entry: &LibraryEntry) -> bool {
    match &entry.briefing {
        Ok(briefing) => access.allows(clearance, briefing.classification.as_deref()),
        Err(_) => clearance == Clearance::All,
    }
}

//! Effects: what the app asks the world to do, and what comes back.
//!
//! The app's update never touches files, the clock or the environment.
//! When it needs something done — a briefing read, the reading state saved,
//! the one-page brief written — it returns an [`Effect`]; the runtime
//! performs it and sends the result back as a [`Done`] inside an
//! [`super::Event`]. Only plain data lives here.

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use crate::export::ExportError;
use crate::loader::{LoadError, display_name};
use crate::model::Briefing;
use crate::state::{BriefingState, Changes, LoadNote, Note, StoreError};

/// Something the app needs done outside itself.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Read the briefing at `path` and its remembered state, to open it
    /// from the library. Slow for a large file: done off the UI thread.
    Open {
        /// The briefing file.
        path: PathBuf,
    },
    /// Read the open briefing again after it changed on disk. Done off the
    /// UI thread (a file that blocks must never freeze the screen).
    Reload {
        /// The briefing file.
        path: PathBuf,
    },
    /// Merge `changes` into the remembered state of the briefing at `path`.
    Save {
        /// The briefing file the state belongs to.
        path: PathBuf,
        /// Position, read marks and notes not yet written.
        changes: Changes,
    },
    /// Read the note on `id` as it is on disk now (other readers'
    /// changes included), for the note editor to open on.
    ReadNote {
        /// The briefing file the state belongs to.
        path: PathBuf,
        /// The note's id (a section id or `summary`).
        id: String,
    },
    /// Write the one-page brief to a new file at `path`, never over
    /// anything already there.
    Export {
        /// The file the reader chose (`~` expanded).
        path: PathBuf,
        /// What the brief is written as.
        format: crate::onepage::Format,
        /// The brief.
        text: String,
        /// It holds the reader's notes: keep the file private.
        private: bool,
        /// The reader agreed to make the file's folder if it is missing.
        create_folder: bool,
    },
    /// Put `text` on the reader's clipboard through their terminal (OSC
    /// 52), between frames. Nothing comes back: a terminal does not say
    /// whether it took it.
    Copy {
        /// Plain text, within [`crate::clipboard::MAX_COPY_BYTES`].
        text: String,
    },
    /// Lay out the whole of a large briefing, of which the reader shows
    /// the start meanwhile. Done off the UI thread when it can be.
    LayOut {
        /// The briefing.
        briefing: std::sync::Arc<Briefing>,
        /// The reading pane's width.
        width: usize,
        /// What to lay out (boxed: the drawing characters are large, and
        /// every effect is as large as the largest).
        options: Box<crate::layout::Options>,
    },
}

/// The result of an [`Effect`], sent back to the app.
#[derive(Debug)]
pub enum Done {
    /// A briefing chosen in the library was read.
    Opened(Box<Opened>),
    /// The open briefing was read again.
    Reloaded {
        /// The briefing file.
        path: PathBuf,
        /// The new version, or why it is not valid.
        briefing: Result<Box<Briefing>, LoadError>,
    },
    /// The reading state was saved, or not.
    Saved {
        /// The briefing file the state belongs to.
        path: PathBuf,
        /// What was saved, or what went wrong.
        result: Result<SaveReport, SaveError>,
    },
    /// The note on `id` was read from disk, or not.
    NoteRead {
        /// The briefing file the state belongs to.
        path: PathBuf,
        /// The note's id.
        id: String,
        /// The note as on disk now (`None`: there is none), or why it
        /// cannot be read.
        result: Result<Option<Note>, StoreError>,
    },
    /// The one-page brief was written (to this file), or not, and why.
    Exported(Result<PathBuf, ExportError>),
    /// A briefing was laid out whole.
    LaidOut {
        /// The briefing it is of: the layout is for that version only.
        briefing: std::sync::Arc<Briefing>,
        /// The layout.
        doc: Box<crate::layout::Document>,
    },
}

/// A briefing read for opening, with what was remembered about it.
#[derive(Debug)]
pub struct Opened {
    /// The briefing file.
    pub path: PathBuf,
    /// The briefing, or why it cannot be opened.
    pub briefing: Result<Briefing, LoadError>,
    /// The remembered state (none when state is not kept).
    pub saved: Option<(BriefingState, LoadNote)>,
}

/// What a save found on disk, for the reader to see.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SaveReport {
    /// Every note as now on disk, other readers' included (`None`: the
    /// store does not say, so the notes shown stay as they are).
    pub notes: Option<BTreeMap<String, Note>>,
    /// Notes changed elsewhere while this reader edited them, kept both
    /// ways rather than overwritten.
    pub kept_both: Vec<String>,
}

impl From<crate::state::Saved> for SaveReport {
    fn from(saved: crate::state::Saved) -> Self {
        Self {
            notes: Some(saved.notes),
            kept_both: saved.kept_both,
        }
    }
}

/// Why the reading state could not be saved.
#[derive(Debug, thiserror::Error)]
#[error("{}", describe_save_error(dir, source))]
pub struct SaveError {
    /// The state folder.
    pub dir: PathBuf,
    /// What went wrong.
    #[source]
    pub source: crate::state::StoreError,
}

/// With no state folder there is no folder name to give: the reason
/// (starting "notes cannot be saved") says it all.
fn describe_save_error(dir: &std::path::Path, source: &crate::state::StoreError) -> String {
    match source {
        crate::state::StoreError::NoLocation(why) => why.to_string(),
        _ if dir.as_os_str().is_empty() => source.to_string(),
        _ => format!(
            "cannot save your place and notes in {}: {source}",
            display_name(dir)
        ),
    }
}

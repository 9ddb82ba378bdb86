//! Remembered state per briefing: where the reader was, what was read (and
//! its text as read, to show what changed since), and the reader's notes.
//!
//! One small TOML file per briefing in brief's state folder (see
//! [`crate::paths`]), named by a hash of the briefing's full path. The hash
//! is taken once per briefing and remembered for the life of the [`Store`],
//! so a briefing that is briefly missing (an editor saving it) never has
//! its notes go to a second file.
//!
//! Files are versioned and written atomically: a temporary file created
//! with `O_EXCL | O_NOFOLLOW` in the same folder (a link planted at its name
//! is never followed), fsync, rename, fsync of the folder. Every file is
//! mode 0600, in a folder brief creates 0700; a folder owned by another user
//! or writable by others is refused, with a message. An exclusive lock
//! (opened `O_NOFOLLOW`, non-blocking, and only if it is a regular file)
//! keeps two readers from interleaving a read-modify-write, and a note that
//! changed elsewhere since the editor opened is kept beside the new text,
//! never overwritten (see [`Changes::edit_note`]).
//!
//! Reading never fails the reader: a missing file is a fresh start; a file
//! that cannot be parsed is set aside as `*.corrupt-<time>`; one written by
//! a newer brief, one over the size or note limits, or one that cannot be
//! read is left exactly as it is, said, and never written over. Positions
//! are anchored to a section id and a paragraph, not to a line, so they
//! survive another terminal width and an edited briefing.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::fsio::{self, ReadError, describe_io, human_size};
use crate::paths::{self, NoStateDir};

mod files;
#[cfg(test)]
use files::TEMP_COUNTER;
pub use files::write_atomically;
use files::{check_existing_dir, ensure_private_dir, open_lock};

/// The version written; files with a newer version are left alone.
pub const VERSION: u32 = 1;

/// State files larger than this are not read: a briefing's notes come to
/// kilobytes, and a link to `/dev/zero` or a flood of notes must not take
/// the reader's memory. Nothing larger is ever written either.
pub const MAX_STATE_SIZE: u64 = 8 * 1024 * 1024;

/// The most notes one briefing's state may hold (a briefing has tens of
/// sections; a file with more was not written by brief).
pub const MAX_NOTES: usize = 10_000;

/// The longest one note may be, in bytes of UTF-8 (about a hundred pages).
pub const MAX_NOTE_SIZE: usize = 256 * 1024;

/// The most text kept for one section as it was read, in bytes of UTF-8
/// (title, body and facts together, about ten thousand words): a section
/// over it is still marked read, but its text is not kept.
pub const MAX_READ_TEXT: usize = 64 * 1024;

/// The most text kept for one briefing's sections as they were read: the
/// texts of sections no longer in the briefing go first, then the oldest.
pub const MAX_READ_TEXTS: usize = 256 * 1024;

/// The line put between the two texts of a note that changed elsewhere
/// while it was being edited: the text found on disk comes first, then this
/// line, then the text just typed.
pub const BOTH_KEPT: &str = "— your edit (both kept: the note changed elsewhere) —";

/// Where in a briefing the reader was, independent of layout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Position {
    /// `front`, `summary`, `sources`, or `section:<id>`.
    pub part: String,
    /// Top-level block (paragraph) within the part.
    pub block: u32,
    /// How far into that block, 0.0–1.0.
    #[serde(default)]
    pub fraction: f64,
}

/// Everything remembered about one briefing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BriefingState {
    /// Format version of this file.
    pub version: u32,
    /// The briefing's path, for people looking in the folder.
    #[serde(default)]
    pub path: String,
    /// Where the reader was.
    #[serde(default)]
    pub position: Option<Position>,
    /// Ids of the sections read to the end (and `summary`).
    #[serde(default)]
    pub read: BTreeSet<String>,
    /// The user's notes, by section id (`summary` for the bottom line).
    #[serde(default)]
    pub notes: BTreeMap<String, Note>,
    /// A fingerprint of each section's content when it was last read.
    #[serde(default)]
    pub fingerprints: BTreeMap<String, String>,
    /// Section ids the reader has seen listed: the ones present when the
    /// briefing was first opened, and every one read since.
    #[serde(default)]
    pub known: BTreeSet<String>,
    /// Each section's text as it was last read, to show what changed
    /// since (bounded by [`MAX_READ_TEXT`] and [`MAX_READ_TEXTS`]). Files
    /// written before texts were kept have none; a brief that does not
    /// know this field drops it, and the sections then say their text as
    /// read was not kept.
    #[serde(default)]
    pub texts: BTreeMap<String, ReadText>,
}

/// A section's text as it was read: plain words, no styling, so it can be
/// compared word by word with the section as it is now. Never trusted:
/// checked against [`MAX_READ_TEXT`] on loading and sanitised before
/// display.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReadText {
    /// The section's fingerprint when read: the text is shown only while
    /// it matches the read mark's, so the two always speak of one reading.
    pub fingerprint: String,
    /// Which text was kept after which: the lowest go first when the
    /// briefing's texts are over [`MAX_READ_TEXTS`].
    #[serde(default)]
    pub order: u64,
    /// The heading.
    #[serde(default)]
    pub title: String,
    /// The body in plain words, one paragraph (list item, table row,
    /// heading) a line.
    #[serde(default)]
    pub body: String,
    /// The key facts, and each chart bar as a fact of its own.
    #[serde(default)]
    pub facts: Vec<ReadFact>,
}

/// One key fact as it was read.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReadFact {
    /// What the figure is.
    pub label: String,
    /// The figure.
    #[serde(default)]
    pub value: String,
    /// When it was true and any qualification, in words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

impl ReadText {
    /// Its size in bytes of text, as the limits count it.
    pub fn size(&self) -> usize {
        self.title.len()
            + self.body.len()
            + self
                .facts
                .iter()
                .map(|f| f.label.len() + f.value.len() + f.detail.len())
                .sum::<usize>()
    }
}

/// Keeps a briefing's texts within bounds: a text over [`MAX_READ_TEXT`]
/// is dropped; while they are over [`MAX_READ_TEXTS`] together, texts of
/// sections not in `present` (when known) go first, then the oldest.
pub fn prune_texts(texts: &mut BTreeMap<String, ReadText>, present: Option<&BTreeSet<String>>) {
    texts.retain(|_, text| text.size() <= MAX_READ_TEXT);
    let mut total: usize = texts.values().map(ReadText::size).sum();
    if total <= MAX_READ_TEXTS {
        return;
    }
    let mut victims: Vec<(bool, u64, String)> = texts
        .iter()
        .map(|(id, text)| {
            let kept = present.is_none_or(|ids| ids.contains(id));
            (kept, text.order, id.clone())
        })
        .collect();
    victims.sort();
    for (_, _, id) in victims {
        if total <= MAX_READ_TEXTS {
            break;
        }
        if let Some(text) = texts.remove(&id) {
            total -= text.size();
        }
    }
}

/// A note the user attached to a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// The text, as typed (newlines kept).
    pub text: String,
    /// The section's title when the note was written, so an orphaned note
    /// can say where it belonged.
    #[serde(default)]
    pub section_title: String,
    /// Seconds since 1970 when last changed.
    #[serde(default)]
    pub updated: u64,
}

/// Changes one reader made, applied on top of what is on disk so that two
/// readers open at once never drop each other's notes or marks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// The new position, if it moved.
    pub position: Option<Position>,
    /// Sections newly read, with their fingerprints.
    pub read: BTreeMap<String, String>,
    /// Sections marked unread.
    pub unread: BTreeSet<String>,
    /// Notes written (`Some`) or deleted (`None`).
    pub notes: BTreeMap<String, Option<Note>>,
    /// For a note in `notes`, the text it had when the editor opened on it
    /// (`None`: there was no note). When the note on disk no longer has
    /// that text, both are kept rather than one overwriting the other. A
    /// note without a base here replaces what is on disk.
    pub note_bases: BTreeMap<String, Option<String>>,
    /// Section ids to add to the known set.
    pub known: BTreeSet<String>,
    /// The text of sections newly read (a section in `read` without a text
    /// here drops the one kept before: it no longer matches the mark).
    pub texts: BTreeMap<String, ReadText>,
    /// The briefing's section ids when the texts were taken, so texts of
    /// sections since removed are pruned first (`None`: not known).
    pub present: Option<BTreeSet<String>>,
}

impl Changes {
    /// Records an edit of the note `id`: `base` is the note's text when the
    /// editor opened on it (read with [`Store::note`]; `None` if there was
    /// no note), `note` the result (`None` deletes it). Saving keeps both
    /// texts if the note changed elsewhere in between. A second edit of the
    /// same note before a save keeps the first base: that is what the disk
    /// was compared with.
    pub fn edit_note(&mut self, id: &str, base: Option<&str>, note: Option<Note>) {
        self.note_bases
            .entry(id.to_owned())
            .or_insert_with(|| base.map(str::to_owned));
        self.notes.insert(id.to_owned(), note);
    }

    /// Applies these changes to a state loaded from disk. Returns the ids
    /// of the notes that had changed elsewhere and were kept both ways.
    pub fn apply(&self, state: &mut BriefingState) -> Vec<String> {
        if let Some(position) = &self.position {
            state.position = Some(position.clone());
        }
        let mut order = state.texts.values().map(|t| t.order).max().unwrap_or(0);
        for (id, fingerprint) in &self.read {
            state.read.insert(id.clone());
            state.fingerprints.insert(id.clone(), fingerprint.clone());
            state.known.insert(id.clone());
            match self.texts.get(id) {
                Some(text) => {
                    order += 1;
                    let text = ReadText {
                        order,
                        ..text.clone()
                    };
                    state.texts.insert(id.clone(), text);
                }
                None => {
                    state.texts.remove(id);
                }
            }
        }
        if !self.read.is_empty() {
            prune_texts(&mut state.texts, self.present.as_ref());
        }
        for id in &self.unread {
            state.read.remove(id);
        }
        let mut kept_both = Vec::new();
        for (id, note) in &self.notes {
            let disk = state.notes.get(id).map(|n| n.text.as_str());
            let Some(base) = self.note_bases.get(id) else {
                // No base: the caller asked for a plain overwrite.
                set_note(state, id, note.clone());
                continue;
            };
            let base = base.as_deref();
            let mine = note.as_ref().map(|n| n.text.as_str());
            if disk == base || disk == mine {
                // Nothing changed elsewhere, or both sides agree.
                set_note(state, id, note.clone());
                continue;
            }
            if mine == base {
                // This reader did not change the text: what is on disk wins.
                continue;
            }
            match (state.notes.get(id), note) {
                // Deleted elsewhere, edited here: this text is the only copy.
                (None, Some(mine)) => set_note(state, id, Some(mine.clone())),
                (Some(theirs), Some(mine)) => {
                    let text = format!("{}\n{BOTH_KEPT}\n{}", theirs.text, mine.text);
                    let merged = Note {
                        text,
                        section_title: mine.section_title.clone(),
                        updated: mine.updated.max(theirs.updated),
                    };
                    set_note(state, id, Some(merged));
                    kept_both.push(id.clone());
                }
                // Deleted here, changed elsewhere: the other copy stays.
                (Some(_), None) => kept_both.push(id.clone()),
                (None, None) => {}
            }
        }
        state.known.extend(self.known.iter().cloned());
        kept_both
    }
}

fn set_note(state: &mut BriefingState, id: &str, note: Option<Note>) {
    match note {
        Some(note) => {
            state.notes.insert(id.to_owned(), note);
        }
        None => {
            state.notes.remove(id);
        }
    }
}

/// Seconds since 1970, for note times.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// What happened when state was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadNote {
    /// Nothing to report.
    Fine,
    /// The file could not be understood; it was moved aside to this path.
    SetAside(PathBuf),
    /// The file could not be read or moved, or is over a limit (the message
    /// says why); it is left as it is and nothing is written over it.
    Unreadable(String),
    /// The file was written by a newer brief: it is left exactly as it is,
    /// and nothing is saved over it this session.
    Newer {
        /// The state file.
        file: PathBuf,
        /// The version it says it is.
        version: u64,
    },
}

impl std::fmt::Display for LoadNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadNote::Fine => f.write_str("fine"),
            LoadNote::SetAside(aside) => write!(
                f,
                "the saved place for this briefing could not be read; it was kept as {}",
                aside.display()
            ),
            LoadNote::Unreadable(why) => f.write_str(why),
            LoadNote::Newer { file, version } => write!(
                f,
                "{} was saved by a newer brief (state version {version}); it is left as it is and nothing is saved this session",
                file.display()
            ),
        }
    }
}

/// Why state could not be saved (or a note read). Each message names the
/// real cause, in words the reader can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// There is no state folder at all.
    #[error(transparent)]
    NoLocation(#[from] NoStateDir),
    /// The state folder belongs to someone else.
    #[error(
        "the state folder {} belongs to another user (uid {owner}); brief keeps notes only in a folder of your own",
        dir.display()
    )]
    ForeignFolder {
        /// The folder.
        dir: PathBuf,
        /// Its owner.
        owner: u32,
    },
    /// The state folder can be written by other users.
    #[error(
        "the state folder {} can be changed by other users (mode {mode:03o}); run `chmod 700 {}`",
        dir.display(),
        dir.display()
    )]
    OpenFolder {
        /// The folder.
        dir: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// Something other than a folder is where the state folder should be.
    #[error("{} is not a folder, so notes cannot be kept there", .0.display())]
    NotAFolder(PathBuf),
    /// The file on disk was written by a newer brief.
    #[error(
        "{} was saved by a newer brief (state version {version}); it is left as it is",
        file.display()
    )]
    Newer {
        /// The state file.
        file: PathBuf,
        /// The version it says it is.
        version: u64,
    },
    /// The file on disk could not be read or is over a limit; it is not
    /// written over.
    #[error("{0}")]
    Unreadable(String),
    /// One note is longer than [`MAX_NOTE_SIZE`].
    #[error(
        "the note on {id} is {}, over the {} limit for one note; shorten it",
        human_size(*size as u64),
        human_size(MAX_NOTE_SIZE as u64)
    )]
    NoteTooLarge {
        /// The note's section id.
        id: String,
        /// Its size in bytes.
        size: usize,
    },
    /// The briefing would have more than [`MAX_NOTES`] notes.
    #[error("a briefing can hold at most {MAX_NOTES} notes; this one would have {count}")]
    TooManyNotes {
        /// How many there would be.
        count: usize,
    },
    /// The state would be larger than [`MAX_STATE_SIZE`].
    #[error(
        "the saved state for this briefing would be {}, over the {} limit; shorten some notes",
        human_size(*size),
        human_size(MAX_STATE_SIZE)
    )]
    StateTooLarge {
        /// Its size in bytes.
        size: u64,
    },
    /// The system refused: no space, read-only, a file-size limit, …
    #[error("cannot {action} {}: {}", path.display(), describe_io(source))]
    Io {
        /// What was being done, as a verb: `write`, `create`, `lock`, …
        action: &'static str,
        /// The file or folder it was done to.
        path: PathBuf,
        /// The system's error.
        source: io::Error,
    },
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> StoreError + use<> {
    let path = path.to_path_buf();
    move |source| StoreError::Io {
        action,
        path,
        source,
    }
}

/// What a successful [`Store::update`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    /// What loading the file on disk first found (a corrupt file set aside).
    pub load: LoadNote,
    /// Notes that changed elsewhere and were kept both ways (see
    /// [`BOTH_KEPT`]), or kept because they were deleted here but changed
    /// elsewhere.
    pub kept_both: Vec<String>,
    /// Every note as now on disk, other readers' included, so the caller
    /// can show what was saved.
    pub notes: BTreeMap<String, Note>,
}

/// The folder state lives in, from the environment (`None` if there is
/// none; see [`paths::state_dir_with`] for why).
pub fn default_dir(xdg_state_home: Option<&str>, home: Option<&str>) -> Option<PathBuf> {
    paths::state_dir_with(|name| match name {
        "XDG_STATE_HOME" => xdg_state_home.map(Into::into),
        "HOME" => home.map(Into::into),
        _ => None,
    })
    .ok()
}

/// The state store: a folder of per-briefing files.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    /// Set when there is no state folder at all: every save then fails
    /// with this, and every load says it, so nothing is reported saved.
    nowhere: Option<NoStateDir>,
    /// Each briefing's state file, as first worked out this session: the
    /// key never changes for one briefing while brief runs.
    keys: Arc<Mutex<HashMap<PathBuf, PathBuf>>>,
}

impl Store {
    /// A store in `dir` (created on first save).
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            nowhere: None,
            keys: Arc::default(),
        }
    }

    /// The store of the user running brief: in the default folder, or, if
    /// there is none, a store that keeps nothing and says why on every
    /// load ([`LoadNote::Unreadable`], starting "notes cannot be saved")
    /// and every save ([`StoreError::NoLocation`]). Unlike an absent store,
    /// the reader then learns that its notes are not kept.
    pub fn for_this_user() -> Self {
        match paths::state_dir() {
            Ok(dir) => Self::new(dir),
            Err(why) => Self::nowhere(why),
        }
    }

    /// A store that keeps nothing, for the reason given.
    pub fn nowhere(why: NoStateDir) -> Self {
        Self {
            dir: PathBuf::new(),
            nowhere: Some(why),
            keys: Arc::default(),
        }
    }

    /// Why this store keeps nothing, if it is one that does not.
    pub fn unavailable(&self) -> Option<&NoStateDir> {
        self.nowhere.as_ref()
    }

    fn usable(&self) -> Result<(), StoreError> {
        match &self.nowhere {
            Some(why) => Err(StoreError::NoLocation(why.clone())),
            None => Ok(()),
        }
    }

    /// A store in the default folder, or why there is none (show the
    /// error: it starts "notes cannot be saved").
    pub fn locate() -> Result<Self, NoStateDir> {
        paths::state_dir().map(Self::new)
    }

    /// A store in the default folder, if one can be found ([`Store::locate`]
    /// says why not).
    pub fn from_env() -> Option<Self> {
        Self::locate().ok()
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Creates the folder 0700 if it is missing, and checks it is private
    /// to this user (as every save does), for files written beside the
    /// state, such as an exported brief.
    pub fn ensure_dir(&self) -> Result<(), StoreError> {
        self.usable()?;
        ensure_private_dir(&self.dir)
    }

    /// The state file for the briefing at `briefing`: named by its full
    /// path, worked out the first time and reused after, so a briefing
    /// missing for a moment keeps its state file.
    pub fn file_for(&self, briefing: &Path) -> PathBuf {
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(file) = keys.get(briefing) {
            return file.clone();
        }
        match fs::canonicalize(briefing) {
            Ok(full) => {
                let file = self.file_named(&full);
                keys.insert(briefing.to_path_buf(), file.clone());
                file
            }
            // Not remembered: once the file is back, its real key is used.
            Err(_) => self.file_named(&std::path::absolute(briefing).unwrap_or_default()),
        }
    }

    fn file_named(&self, full: &Path) -> PathBuf {
        let key = fnv1a(full.to_string_lossy().as_bytes());
        self.dir.join(format!("{key:016x}.toml"))
    }

    /// Loads the state of one briefing. Never fails: a missing file is a
    /// fresh start, a corrupt one is set aside, and anything else is left
    /// as it is and said in the [`LoadNote`].
    pub fn load(&self, briefing: &Path) -> (BriefingState, LoadNote) {
        if let Some(why) = &self.nowhere {
            return (
                BriefingState::default(),
                LoadNote::Unreadable(why.to_string()),
            );
        }
        if let Err(error) = check_existing_dir(&self.dir) {
            return (
                BriefingState::default(),
                LoadNote::Unreadable(error.to_string()),
            );
        }
        let file = self.file_for(briefing);
        let bytes = match fsio::read_regular(&file, MAX_STATE_SIZE) {
            Ok(bytes) => bytes,
            Err(error) if error.is_not_found() => {
                return (BriefingState::default(), LoadNote::Fine);
            }
            Err(ReadError::TooLarge { size, .. }) => {
                return (
                    BriefingState::default(),
                    LoadNote::Unreadable(format!(
                        "{} is {}, over the {} limit for saved state; it is left as it is and nothing is saved",
                        file.display(),
                        human_size(size),
                        human_size(MAX_STATE_SIZE)
                    )),
                );
            }
            Err(error) => {
                return (
                    BriefingState::default(),
                    LoadNote::Unreadable(format!("cannot read {}: {error}", file.display())),
                );
            }
        };
        match parse(&bytes) {
            Parsed::State(state) => (state, LoadNote::Fine),
            Parsed::Newer(version) => (BriefingState::default(), LoadNote::Newer { file, version }),
            Parsed::TooManyNotes(count) => (
                BriefingState::default(),
                LoadNote::Unreadable(format!(
                    "{} holds {count} notes, over the limit of {MAX_NOTES}; it is left as it is and nothing is saved",
                    file.display()
                )),
            ),
            Parsed::Corrupt => (BriefingState::default(), set_aside(&file)),
        }
    }

    /// The note on `id` (a section id, or `summary`) as it is on disk now,
    /// other readers' changes included: what a note editor should open on,
    /// and the base to give [`Changes::edit_note`].
    pub fn note(&self, briefing: &Path, id: &str) -> Result<Option<Note>, StoreError> {
        let (mut state, note) = self.load(briefing);
        match note {
            LoadNote::Fine | LoadNote::SetAside(_) => Ok(state.notes.remove(id)),
            LoadNote::Unreadable(why) => Err(StoreError::Unreadable(why)),
            LoadNote::Newer { file, version } => Err(StoreError::Newer { file, version }),
        }
    }

    /// Saves the state of one briefing atomically, replacing what is there.
    pub fn save(&self, briefing: &Path, state: &BriefingState) -> Result<(), StoreError> {
        self.usable()?;
        ensure_private_dir(&self.dir)?;
        let file = self.file_for(briefing);
        let lock = self.lock(&file)?;
        let result = write_state(&file, briefing, state.clone());
        drop(lock);
        result
    }

    /// Applies `changes` to the briefing's state on disk: read, change,
    /// write, all under the lock, so concurrent readers merge rather than
    /// overwrite. A corrupt file on disk is set aside first (and said); a
    /// file that cannot be read, is over a limit, or is from a newer brief
    /// is never written over.
    pub fn update(&self, briefing: &Path, changes: &Changes) -> Result<Saved, StoreError> {
        self.usable()?;
        for (id, note) in &changes.notes {
            if let Some(note) = note
                && note.text.len() > MAX_NOTE_SIZE
            {
                return Err(StoreError::NoteTooLarge {
                    id: id.clone(),
                    size: note.text.len(),
                });
            }
        }
        ensure_private_dir(&self.dir)?;
        let file = self.file_for(briefing);
        let lock = self.lock(&file)?;
        let (mut state, load) = self.load(briefing);
        match &load {
            LoadNote::Fine | LoadNote::SetAside(_) => {}
            // Never overwrite what could not be read: it may be the user's.
            LoadNote::Unreadable(why) => return Err(StoreError::Unreadable(why.clone())),
            LoadNote::Newer { file, version } => {
                return Err(StoreError::Newer {
                    file: file.clone(),
                    version: *version,
                });
            }
        }
        let kept_both = changes.apply(&mut state);
        if state.notes.len() > MAX_NOTES {
            return Err(StoreError::TooManyNotes {
                count: state.notes.len(),
            });
        }
        let notes = state.notes.clone();
        let result = write_state(&file, briefing, state);
        drop(lock);
        result.map(|()| Saved {
            load,
            kept_both,
            notes,
        })
    }

    /// Takes the exclusive lock that guards one state file.
    fn lock(&self, file: &Path) -> Result<File, StoreError> {
        let lock_path = file.with_extension("lock");
        let lock = open_lock(&lock_path).map_err(io_error("open the lock file", &lock_path))?;
        lock.lock().map_err(io_error("lock", &lock_path))?;
        Ok(lock)
    }
}

/// What a state file's bytes hold.
enum Parsed {
    State(BriefingState),
    Newer(u64),
    TooManyNotes(usize),
    Corrupt,
}

fn parse(bytes: &[u8]) -> Parsed {
    let Some(mut table) = std::str::from_utf8(bytes)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
    else {
        return Parsed::Corrupt;
    };
    // The version first: a newer file's fields may mean something else.
    match table.get("version").and_then(toml::Value::as_integer) {
        Some(version) if version > i64::from(VERSION) => {
            return Parsed::Newer(u64::try_from(version).unwrap_or(u64::MAX));
        }
        Some(version) if version >= 1 => {}
        _ => return Parsed::Corrupt,
    }
    if let Some(count) = table
        .get("notes")
        .and_then(toml::Value::as_table)
        .map(toml::Table::len)
        .filter(|count| *count > MAX_NOTES)
    {
        return Parsed::TooManyNotes(count);
    }
    // Texts are read one by one: a damaged one is dropped, never costing
    // the notes and marks beside it.
    let texts = table.remove("texts");
    match toml::Value::Table(table).try_into::<BriefingState>() {
        Ok(mut state) => {
            state.texts = read_texts(texts);
            Parsed::State(state)
        }
        Err(_) => Parsed::Corrupt,
    }
}

/// The texts of a state file that can be used: well formed, within
/// [`MAX_READ_TEXT`] each and [`MAX_READ_TEXTS`] in all.
fn read_texts(value: Option<toml::Value>) -> BTreeMap<String, ReadText> {
    let Some(toml::Value::Table(table)) = value else {
        return BTreeMap::new();
    };
    let mut texts: BTreeMap<String, ReadText> = table
        .into_iter()
        .filter_map(|(id, text)| Some((id, text.try_into::<ReadText>().ok()?)))
        .collect();
    prune_texts(&mut texts, None);
    texts
}

/// Writes one briefing's state file (the caller holds the lock), stamped
/// with the version and the briefing's full path.
fn write_state(file: &Path, briefing: &Path, mut state: BriefingState) -> Result<(), StoreError> {
    state.version = VERSION;
    if state.path.is_empty() {
        state.path = fs::canonicalize(briefing)
            .unwrap_or_else(|_| briefing.to_path_buf())
            .to_string_lossy()
            .into_owned();
    }
    let encode = |state: &BriefingState| {
        toml::to_string(state).map_err(|error| StoreError::Io {
            action: "encode the state for",
            path: file.to_path_buf(),
            source: io::Error::new(io::ErrorKind::InvalidData, error.to_string()),
        })
    };
    let mut text = encode(&state)?;
    if text.len() as u64 > MAX_STATE_SIZE && !state.texts.is_empty() {
        // The texts as read are a convenience: notes near the limit must
        // still be saved, so the texts give way (changes then say their
        // text was not kept).
        state.texts.clear();
        text = encode(&state)?;
    }
    if text.len() as u64 > MAX_STATE_SIZE {
        // Written, it could never be read back.
        return Err(StoreError::StateTooLarge {
            size: text.len() as u64,
        });
    }
    write_atomically(file, text.as_bytes()).map_err(io_error("write", file))
}

/// Moves an unparseable state file aside so it is kept, not lost.
fn set_aside(file: &Path) -> LoadNote {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let aside = file.with_file_name(format!("{name}.corrupt-{}", now()));
    match fs::rename(file, &aside) {
        Ok(()) => LoadNote::SetAside(aside),
        Err(error) => LoadNote::Unreadable(format!(
            "cannot move the unreadable {} aside: {}",
            file.display(),
            describe_io(&error)
        )),
    }
}

/// A short, stable fingerprint of some bytes (not a security hash).
pub fn fingerprint(bytes: &[u8]) -> String {
    format!("{:016x}", fnv1a(bytes))
}

/// FNV-1a, 64 bits: a stable file name for a path (not a security hash).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp() -> tempfile::TempDir {
        tempfile::tempdir().expect("temp dir")
    }

    /// A store in a fresh private folder, and a briefing file that exists.
    fn store_and_briefing(dir: &tempfile::TempDir) -> (Store, PathBuf) {
        let briefing = dir.path().join("b.toml");
        fs::write(&briefing, "title = \"x\"\n").expect("briefing");
        (Store::new(dir.path().join("state")), briefing)
    }

    fn note(text: &str) -> Note {
        Note {
            text: text.to_owned(),
            section_title: "Trade".to_owned(),
            updated: 10,
        }
    }

    fn write_raw(store: &Store, briefing: &Path, text: &str) -> PathBuf {
        ensure_private_dir(store.dir()).expect("dir");
        let file = store.file_for(briefing);
        fs::write(&file, text).expect("write");
        file
    }

    #[test]
    fn state_dir_follows_xdg_then_home() {
        assert_eq!(
            default_dir(Some("/x"), Some("/h")),
            Some(PathBuf::from("/x/brief"))
        );
        assert_eq!(
            default_dir(Some(""), Some("/h")),
            Some(PathBuf::from("/h/.local/state/brief"))
        );
        assert_eq!(
            default_dir(Some("relative"), Some("/h")),
            Some(PathBuf::from("/h/.local/state/brief"))
        );
        assert_eq!(default_dir(None, None), None);
    }

    #[test]
    fn round_trip_with_private_mode() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        let state = BriefingState {
            position: Some(Position {
                part: "section:trade-deficit".into(),
                block: 2,
                fraction: 0.5,
            }),
            read: ["espionage".to_owned()].into_iter().collect(),
            ..BriefingState::default()
        };
        store.save(&briefing, &state).expect("saved");
        let (loaded, load) = store.load(&briefing);
        assert_eq!(load, LoadNote::Fine);
        assert_eq!(loaded.position, state.position);
        assert_eq!(loaded.read, state.read);
        assert_eq!(loaded.version, VERSION);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).expect("exists").permissions().mode() & 0o777;
            assert_eq!(mode(&store.file_for(&briefing)), 0o600);
            assert_eq!(
                mode(&store.file_for(&briefing).with_extension("lock")),
                0o600
            );
            assert_eq!(mode(store.dir()), 0o700);
        }
        // No temporary file is left behind.
        let names: Vec<String> = fs::read_dir(store.dir())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
    }

    #[test]
    fn corrupt_files_are_set_aside() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        write_raw(&store, &briefing, "version = \"nonsense\n");
        let (state, load) = store.load(&briefing);
        assert_eq!(state, BriefingState::default());
        let LoadNote::SetAside(aside) = load else {
            panic!("not set aside: {load:?}");
        };
        assert!(aside.exists());
        assert!(aside.to_string_lossy().contains(".corrupt-"));
        assert!(!store.file_for(&briefing).exists());
    }

    #[test]
    fn version_zero_and_no_version_are_corrupt() {
        for text in ["version = 0\n", "read = []\n", "version = -3\n"] {
            let dir = temp();
            let (store, briefing) = store_and_briefing(&dir);
            write_raw(&store, &briefing, text);
            let (_, load) = store.load(&briefing);
            assert!(matches!(load, LoadNote::SetAside(_)), "{text}: {load:?}");
        }
    }

    #[test]
    fn a_newer_version_is_left_alone_and_never_written_over() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        let text = "version = 2\nfuture = \"field\"\n[notes.a]\ntext = \"theirs\"\n";
        let file = write_raw(&store, &briefing, text);
        let (state, load) = store.load(&briefing);
        assert_eq!(state, BriefingState::default());
        assert_eq!(
            load,
            LoadNote::Newer {
                file: file.clone(),
                version: 2
            }
        );
        assert!(load.to_string().contains("newer brief (state version 2)"));
        let mut changes = Changes::default();
        changes.edit_note("a", None, Some(note("mine")));
        let error = store.update(&briefing, &changes).expect_err("refused");
        assert!(matches!(error, StoreError::Newer { version: 2, .. }));
        assert!(error.to_string().contains("left as it is"), "{error}");
        assert!(store.note(&briefing, "a").is_err());
        // Byte for byte as it was, and nothing set aside.
        assert_eq!(fs::read_to_string(&file).expect("still there"), text);
        let count = fs::read_dir(store.dir()).expect("list").count();
        assert_eq!(count, 2, "only the file and its lock");
    }

    #[test]
    fn a_folder_at_the_state_path_is_unreadable_not_a_fresh_start() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        ensure_private_dir(store.dir()).expect("dir");
        fs::create_dir(store.file_for(&briefing)).expect("a folder in the way");
        let (_, load) = store.load(&briefing);
        let LoadNote::Unreadable(why) = load else {
            panic!("a folder was taken for no file: {load:?}");
        };
        assert!(why.contains("is a folder"), "{why}");
        let error = store
            .update(&briefing, &Changes::default())
            .expect_err("nothing written over it");
        assert!(matches!(error, StoreError::Unreadable(_)));
    }

    #[test]
    fn an_oversized_state_file_is_refused_unread() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        ensure_private_dir(store.dir()).expect("dir");
        let file = store.file_for(&briefing);
        let big = File::create(&file).expect("create");
        big.set_len(MAX_STATE_SIZE + 1).expect("sparse file");
        let (_, load) = store.load(&briefing);
        let LoadNote::Unreadable(why) = load else {
            panic!("read a huge file: {load:?}");
        };
        assert!(why.contains("over the 8.0 MiB limit"), "{why}");
        assert_eq!(fs::metadata(&file).expect("kept").len(), MAX_STATE_SIZE + 1);
    }

    #[test]
    fn too_many_notes_are_refused_at_load() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        let mut text = String::from("version = 1\n[notes]\n");
        for i in 0..=MAX_NOTES {
            text.push_str(&format!("n{i} = {{ text = \"x\" }}\n"));
        }
        write_raw(&store, &briefing, &text);
        let (state, load) = store.load(&briefing);
        assert!(state.notes.is_empty());
        let LoadNote::Unreadable(why) = load else {
            panic!("loaded too many notes: {load:?}");
        };
        assert!(
            why.contains("10001 notes, over the limit of 10000"),
            "{why}"
        );
    }

    #[test]
    fn a_note_over_the_size_limit_is_refused_with_its_size() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        let mut changes = Changes::default();
        changes.edit_note("trade", None, Some(note(&"x".repeat(MAX_NOTE_SIZE + 1))));
        let error = store.update(&briefing, &changes).expect_err("too large");
        assert_eq!(
            error.to_string(),
            "the note on trade is 256.0 KiB, over the 256.0 KiB limit for one note; shorten it"
        );
        assert!(!store.file_for(&briefing).exists());
        let mut fits = Changes::default();
        fits.edit_note("trade", None, Some(note(&"x".repeat(MAX_NOTE_SIZE))));
        store
            .update(&briefing, &fits)
            .expect("at the limit is fine");
    }

    #[test]
    fn more_notes_than_the_limit_are_not_saved() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        let mut changes = Changes::default();
        for i in 0..=MAX_NOTES {
            changes.notes.insert(format!("n{i}"), Some(note("x")));
        }
        let error = store.update(&briefing, &changes).expect_err("too many");
        assert!(matches!(error, StoreError::TooManyNotes { count: 10_001 }));
    }

    #[test]
    fn the_key_is_kept_while_the_briefing_is_briefly_missing() {
        let dir = temp();
        let (store, _) = store_and_briefing(&dir);
        let real = dir.path().join("real");
        fs::create_dir(&real).expect("dir");
        fs::write(real.join("b.toml"), "x").expect("file");
        // Reached through a link, as a briefing in a linked folder is.
        let linked = dir.path().join("linked");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&real, &linked).expect("link");
        #[cfg(not(unix))]
        fs::create_dir(&linked).expect("dir");
        let briefing = linked.join("b.toml");
        #[cfg(not(unix))]
        fs::write(&briefing, "x").expect("file");
        let first = store.file_for(&briefing);
        fs::remove_file(real.join("b.toml")).expect("gone for a moment");
        #[cfg(not(unix))]
        fs::remove_file(&briefing).expect("gone for a moment");
        assert_eq!(store.file_for(&briefing), first);
        // A clone (the same session) shares what was worked out.
        assert_eq!(store.clone().file_for(&briefing), first);
    }

    #[test]
    fn fingerprints_are_fnv1a() {
        // The published FNV-1a 64-bit values: state file names depend on
        // them staying the same from one version to the next.
        assert_eq!(fingerprint(b""), "cbf29ce484222325");
        assert_eq!(fingerprint(b"a"), "af63dc4c8601ec8c");
        assert_eq!(fingerprint(b"foobar"), "85944171f73967e8");
        let store = Store::new(PathBuf::from("/s"));
        let file = store.file_named(Path::new("a"));
        assert_eq!(file, PathBuf::from("/s/af63dc4c8601ec8c.toml"));
    }

    #[test]
    fn note_times_are_seconds_since_1970() {
        let before = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_secs();
        let stamp = now();
        let after = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_secs();
        assert!(
            before <= stamp && stamp <= after,
            "{before} {stamp} {after}"
        );
    }

    // Notes never lost: the store side of two readers editing one note.

    /// Reader B's note on `trade` is on disk; returns the store and briefing.
    fn with_theirs(dir: &tempfile::TempDir, text: &str) -> (Store, PathBuf) {
        let (store, briefing) = store_and_briefing(dir);
        let mut changes = Changes::default();
        changes.edit_note("trade", None, Some(note(text)));
        store.update(&briefing, &changes).expect("B saves");
        (store, briefing)
    }

    #[test]
    fn the_editor_opens_on_the_note_as_it_is_on_disk_now() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        assert_eq!(store.note(&briefing, "trade").expect("read"), None);
        let (store, briefing) = (store, briefing);
        let mut changes = Changes::default();
        changes.edit_note("trade", None, Some(note("from B")));
        store.update(&briefing, &changes).expect("B saves");
        assert_eq!(
            store
                .note(&briefing, "trade")
                .expect("read")
                .map(|n| n.text),
            Some("from B".to_owned())
        );
    }

    #[test]
    fn saving_over_a_note_that_changed_elsewhere_keeps_both() {
        let dir = temp();
        // A opened its editor when there was no note; B then wrote one.
        let (store, briefing) = with_theirs(&dir, "B's text");
        let mut mine = Changes::default();
        mine.edit_note("trade", None, Some(note("A's text")));
        let saved = store.update(&briefing, &mine).expect("A saves");
        assert_eq!(saved.kept_both, vec!["trade".to_owned()]);
        let expected = format!("B's text\n{BOTH_KEPT}\nA's text");
        assert_eq!(
            saved.notes.get("trade").map(|n| n.text.as_str()),
            Some(expected.as_str())
        );
        assert_eq!(
            store
                .note(&briefing, "trade")
                .expect("read")
                .map(|n| n.text),
            Some(expected)
        );
    }

    #[test]
    fn saving_from_the_current_text_replaces_it() {
        let dir = temp();
        let (store, briefing) = with_theirs(&dir, "B's text");
        let base = store
            .note(&briefing, "trade")
            .expect("read")
            .map(|n| n.text);
        let mut mine = Changes::default();
        mine.edit_note(
            "trade",
            base.as_deref(),
            Some(note("B's text, amended by A")),
        );
        let saved = store.update(&briefing, &mine).expect("A saves");
        assert!(saved.kept_both.is_empty());
        assert_eq!(
            store
                .note(&briefing, "trade")
                .expect("read")
                .map(|n| n.text),
            Some("B's text, amended by A".to_owned())
        );
    }

    #[test]
    fn deleting_a_note_that_changed_elsewhere_keeps_the_other_copy() {
        let dir = temp();
        let (store, briefing) = with_theirs(&dir, "B's text");
        let mut mine = Changes::default();
        // A deletes the note it saw, which was "old"; B has since changed it.
        mine.edit_note("trade", Some("old"), None);
        let saved = store.update(&briefing, &mine).expect("A saves");
        assert_eq!(saved.kept_both, vec!["trade".to_owned()]);
        assert_eq!(
            store
                .note(&briefing, "trade")
                .expect("read")
                .map(|n| n.text),
            Some("B's text".to_owned())
        );
        // Deleting what is really there deletes it.
        let mut again = Changes::default();
        again.edit_note("trade", Some("B's text"), None);
        store.update(&briefing, &again).expect("A saves");
        assert_eq!(store.note(&briefing, "trade").expect("read"), None);
    }

    #[test]
    fn an_unchanged_text_does_not_overwrite_a_newer_one() {
        let dir = temp();
        let (store, briefing) = with_theirs(&dir, "B's text");
        let mut mine = Changes::default();
        mine.edit_note("trade", Some("old"), Some(note("old")));
        let saved = store.update(&briefing, &mine).expect("A saves");
        assert!(saved.kept_both.is_empty());
        assert_eq!(
            store
                .note(&briefing, "trade")
                .expect("read")
                .map(|n| n.text),
            Some("B's text".to_owned())
        );
    }

    #[test]
    fn a_note_deleted_elsewhere_keeps_the_edit() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        let mut mine = Changes::default();
        mine.edit_note("trade", Some("was here"), Some(note("A's edit")));
        let saved = store.update(&briefing, &mine).expect("A saves");
        assert!(saved.kept_both.is_empty());
        assert_eq!(
            store
                .note(&briefing, "trade")
                .expect("read")
                .map(|n| n.text),
            Some("A's edit".to_owned())
        );
    }

    #[test]
    fn a_second_edit_keeps_the_first_base() {
        let mut changes = Changes::default();
        changes.edit_note("trade", Some("first"), Some(note("one")));
        changes.edit_note("trade", Some("one"), Some(note("two")));
        assert_eq!(
            changes.note_bases.get("trade"),
            Some(&Some("first".to_owned()))
        );
        assert_eq!(changes.notes.get("trade"), Some(&Some(note("two"))));
    }

    #[test]
    fn a_note_without_a_base_overwrites() {
        let mut state = BriefingState::default();
        state.notes.insert("trade".into(), note("theirs"));
        let mut changes = Changes::default();
        changes.notes.insert("trade".into(), Some(note("mine")));
        assert!(changes.apply(&mut state).is_empty());
        assert_eq!(state.notes.get("trade"), Some(&note("mine")));
        changes.notes.insert("trade".into(), None);
        changes.apply(&mut state);
        assert!(state.notes.is_empty());
    }

    // Security and failures of the files themselves.

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_temporary_name_is_never_followed() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        ensure_private_dir(store.dir()).expect("dir");
        let file = store.file_for(&briefing);
        let victim = dir.path().join("victim");
        fs::write(&victim, "precious").expect("victim");
        // Plant links at the next temporary names this process will use
        // (other tests running at once take some too: a wide range).
        let name = file
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let next = TEMP_COUNTER.load(std::sync::atomic::Ordering::Relaxed);
        for n in next..next + 200 {
            let temp = store
                .dir()
                .join(format!(".{name}.tmp-{}-{n}", std::process::id()));
            std::os::unix::fs::symlink(&victim, temp).expect("plant");
        }
        store
            .save(&briefing, &BriefingState::default())
            .expect("saved past the links");
        assert_eq!(fs::read_to_string(&victim).expect("victim"), "precious");
        let meta = fs::symlink_metadata(&file).expect("state file");
        assert!(meta.file_type().is_file(), "the state file is not a link");
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_link_at_the_lock_path_creates_nothing() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        ensure_private_dir(store.dir()).expect("dir");
        let lock = store.file_for(&briefing).with_extension("lock");
        let target = dir.path().join("created-through-the-link");
        std::os::unix::fs::symlink(&target, &lock).expect("plant");
        let error = store
            .update(&briefing, &Changes::default())
            .expect_err("refused");
        assert!(error.to_string().contains("lock"), "{error}");
        assert!(!target.exists(), "the link was followed");
    }

    #[cfg(all(unix, not(target_vendor = "apple")))]
    #[test]
    fn a_fifo_at_the_lock_path_or_the_state_path_does_not_hang() {
        use rustix::fs::{CWD, FileType, Mode, mknodat};
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        ensure_private_dir(store.dir()).expect("dir");
        let file = store.file_for(&briefing);
        mknodat(CWD, &file, FileType::Fifo, Mode::from_raw_mode(0o600), 0).expect("fifo");
        let (_, load) = store.load(&briefing);
        assert!(
            matches!(&load, LoadNote::Unreadable(why) if why.contains("named pipe")),
            "{load:?}"
        );
        fs::remove_file(&file).expect("remove");
        let lock = file.with_extension("lock");
        mknodat(CWD, &lock, FileType::Fifo, Mode::from_raw_mode(0o600), 0).expect("fifo");
        let error = store
            .update(&briefing, &Changes::default())
            .expect_err("refused");
        assert!(error.to_string().contains("lock"), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_open_to_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        fs::create_dir(store.dir()).expect("dir");
        fs::set_permissions(store.dir(), fs::Permissions::from_mode(0o777)).expect("chmod");
        let error = store
            .update(&briefing, &Changes::default())
            .expect_err("refused");
        assert!(matches!(error, StoreError::OpenFolder { mode: 0o777, .. }));
        assert!(error.to_string().contains("mode 777"), "{error}");
        assert!(!store.file_for(&briefing).exists());
        let (_, load) = store.load(&briefing);
        assert!(matches!(load, LoadNote::Unreadable(_)), "{load:?}");
        fs::set_permissions(store.dir(), fs::Permissions::from_mode(0o750)).expect("chmod");
        store
            .update(&briefing, &Changes::default())
            .expect("group-readable is fine");
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_of_another_user_is_refused() {
        let dir = temp();
        let (_, briefing) = store_and_briefing(&dir);
        let foreign = if rustix::process::geteuid().is_root() {
            let foreign = dir.path().join("foreign");
            fs::create_dir(&foreign).expect("dir");
            std::os::unix::fs::chown(&foreign, Some(65534), Some(65534)).expect("chown");
            foreign
        } else {
            // Owned by root, not by this user.
            PathBuf::from("/usr")
        };
        let store = Store::new(foreign);
        let error = store
            .update(&briefing, &Changes::default())
            .expect_err("refused");
        assert!(matches!(error, StoreError::ForeignFolder { .. }), "{error}");
        assert!(
            error.to_string().contains("belongs to another user"),
            "{error}"
        );
    }

    #[test]
    fn the_state_folder_is_created_private() {
        let dir = temp();
        let store = Store::new(dir.path().join("a/b/brief"));
        let briefing = dir.path().join("b.toml");
        fs::write(&briefing, "x").expect("briefing");
        store
            .save(&briefing, &BriefingState::default())
            .expect("saved");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(store.dir()).expect("dir").permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        let not_a_folder = Store::new(briefing.clone());
        let error = not_a_folder
            .save(&briefing, &BriefingState::default())
            .expect_err("a file where the folder should be");
        assert!(matches!(error, StoreError::NotAFolder(_)));
    }

    #[test]
    fn write_failures_name_the_real_cause() {
        let cases = [
            (io::ErrorKind::StorageFull, "no space left on the device"),
            (
                io::ErrorKind::ReadOnlyFilesystem,
                "the file system is read-only",
            ),
            (io::ErrorKind::FileTooLarge, "file-size limit"),
            (io::ErrorKind::PermissionDenied, "permission denied"),
            (io::ErrorKind::QuotaExceeded, "disk quota"),
            (io::ErrorKind::NotFound, "no such file"),
        ];
        for (kind, words) in cases {
            let error = StoreError::Io {
                action: "write",
                path: PathBuf::from("/s/x.toml"),
                source: io::Error::from(kind),
            };
            let text = error.to_string();
            assert!(text.starts_with("cannot write /s/x.toml: "), "{text}");
            assert!(text.contains(words), "{kind:?}: {text}");
        }
        #[cfg(unix)]
        {
            let enospc = io::Error::from_raw_os_error(rustix::io::Errno::NOSPC.raw_os_error());
            assert_eq!(describe_io(&enospc), "no space left on the device");
            let efbig = io::Error::from_raw_os_error(rustix::io::Errno::FBIG.raw_os_error());
            assert!(describe_io(&efbig).contains("ulimit -f"));
        }
    }

    #[test]
    fn a_store_with_nowhere_to_keep_notes_says_so_and_saves_nothing() {
        let dir = temp();
        let briefing = dir.path().join("b.toml");
        fs::write(&briefing, "x").expect("briefing");
        let why = paths::state_dir_with(|_| None).expect_err("no folder");
        let store = Store::nowhere(why);
        assert!(store.unavailable().is_some());
        let (_, load) = store.load(&briefing);
        let LoadNote::Unreadable(text) = load else {
            panic!("loaded from nowhere: {load:?}");
        };
        assert!(text.starts_with("notes cannot be saved: "), "{text}");
        let mut changes = Changes::default();
        changes.edit_note("trade", None, Some(note("mine")));
        let error = store.update(&briefing, &changes).expect_err("not saved");
        assert!(matches!(error, StoreError::NoLocation(_)));
        assert!(error.to_string().starts_with("notes cannot be saved: "));
        assert!(store.save(&briefing, &BriefingState::default()).is_err());
        assert!(store.ensure_dir().is_err());
        assert!(store.note(&briefing, "trade").is_err());
        // Nothing was created beside the briefing or in the current folder.
        assert_eq!(fs::read_dir(dir.path()).expect("list").count(), 1);
    }

    #[test]
    fn applying_changes_marks_reads_unreads_and_known_sections() {
        let mut state = BriefingState::default();
        state.read.insert("old".into());
        state.known.insert("old".into());
        let mut changes = Changes {
            position: Some(Position {
                part: "summary".into(),
                block: 1,
                fraction: 0.25,
            }),
            ..Changes::default()
        };
        changes.read.insert("trade".into(), "fp-trade".into());
        changes.unread.insert("old".into());
        changes.known.insert("fresh".into());
        assert!(changes.apply(&mut state).is_empty());
        assert_eq!(state.position, changes.position);
        assert!(state.read.contains("trade") && !state.read.contains("old"));
        assert_eq!(
            state.fingerprints.get("trade").map(String::as_str),
            Some("fp-trade")
        );
        // Read sections become known; known ones stay known when unread.
        for id in ["old", "trade", "fresh"] {
            assert!(state.known.contains(id), "{id}");
        }
        // No position change leaves the position alone.
        Changes::default().apply(&mut state);
        assert_eq!(state.position, changes.position);
    }

    #[test]
    fn a_note_both_sides_agree_on_is_not_doubled() {
        let mut state = BriefingState::default();
        state.notes.insert("trade".into(), note("same"));
        let mut changes = Changes::default();
        changes.edit_note("trade", Some("old"), Some(note("same")));
        assert!(changes.apply(&mut state).is_empty());
        assert_eq!(
            state.notes.get("trade").map(|n| n.text.as_str()),
            Some("same")
        );
    }

    #[test]
    fn a_note_kept_both_ways_has_the_later_time_and_this_title() {
        let mut state = BriefingState::default();
        state.notes.insert(
            "trade".into(),
            Note {
                text: "theirs".into(),
                section_title: "Old title".into(),
                updated: 50,
            },
        );
        let mut changes = Changes::default();
        changes.edit_note(
            "trade",
            None,
            Some(Note {
                text: "mine".into(),
                section_title: "New title".into(),
                updated: 40,
            }),
        );
        assert_eq!(changes.apply(&mut state), vec!["trade".to_owned()]);
        let merged = state.notes.get("trade").expect("kept");
        assert_eq!(merged.text, format!("theirs\n{BOTH_KEPT}\nmine"));
        assert_eq!(merged.section_title, "New title");
        assert_eq!(merged.updated, 50);
    }

    #[test]
    fn the_state_file_says_which_briefing_it_is_for() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        store
            .save(&briefing, &BriefingState::default())
            .expect("saved");
        let (state, _) = store.load(&briefing);
        let full = fs::canonicalize(&briefing).expect("full path");
        assert_eq!(state.path, full.to_string_lossy());
        // A path already recorded is kept.
        let named = BriefingState {
            path: "kept".into(),
            ..BriefingState::default()
        };
        store.save(&briefing, &named).expect("saved");
        assert_eq!(store.load(&briefing).0.path, "kept");
    }

    #[test]
    fn a_missing_briefing_is_keyed_by_its_full_path_until_it_exists() {
        let dir = temp();
        let store = Store::new(dir.path().join("state"));
        let briefing = dir.path().join("later.toml");
        let before = store.file_for(&briefing);
        assert_eq!(before, store.file_named(&briefing));
        // Once it exists, its canonical path is used and kept.
        fs::write(&briefing, "x").expect("write");
        let canonical = fs::canonicalize(&briefing).expect("full");
        assert_eq!(store.file_for(&briefing), store.file_named(&canonical));
    }

    #[test]
    fn exactly_the_note_limit_loads() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        let mut text = String::from("version = 1\n[notes]\n");
        for i in 0..MAX_NOTES {
            text.push_str(&format!("n{i} = {{ text = \"x\" }}\n"));
        }
        write_raw(&store, &briefing, &text);
        let (state, load) = store.load(&briefing);
        assert_eq!(load, LoadNote::Fine);
        assert_eq!(state.notes.len(), MAX_NOTES);
    }

    #[test]
    fn state_that_would_be_too_large_to_read_back_is_not_written() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        let mut changes = Changes::default();
        // Each note under its own limit, together over the file's.
        let count = usize::try_from(MAX_STATE_SIZE).expect("fits") / MAX_NOTE_SIZE + 1;
        for i in 0..count {
            changes
                .notes
                .insert(format!("n{i}"), Some(note(&"x".repeat(MAX_NOTE_SIZE))));
        }
        let error = store.update(&briefing, &changes).expect_err("too large");
        assert!(matches!(error, StoreError::StateTooLarge { .. }), "{error}");
        assert!(
            error.to_string().contains("over the 8.0 MiB limit"),
            "{error}"
        );
        assert!(!store.file_for(&briefing).exists());
    }

    #[cfg(unix)]
    #[test]
    fn group_or_other_write_is_refused_but_read_is_not() {
        use std::os::unix::fs::PermissionsExt;
        for (mode, refused) in [(0o720, true), (0o702, true), (0o755, false), (0o700, false)] {
            let dir = temp();
            let (store, briefing) = store_and_briefing(&dir);
            fs::create_dir(store.dir()).expect("dir");
            fs::set_permissions(store.dir(), fs::Permissions::from_mode(mode)).expect("chmod");
            let result = store.save(&briefing, &BriefingState::default());
            assert_eq!(result.is_err(), refused, "mode {mode:o}: {result:?}");
        }
    }

    #[test]
    fn the_users_store_is_the_folder_the_environment_names() {
        let expected = paths::state_dir().ok();
        let dir_of = |store: Store| store.dir().to_path_buf();
        assert_eq!(Store::locate().ok().map(dir_of), expected);
        assert_eq!(Store::from_env().map(dir_of), expected);
        let mine = Store::for_this_user();
        assert_eq!(mine.unavailable().is_none(), expected.is_some());
        if let Some(dir) = expected {
            assert_eq!(mine.dir(), dir);
        }
    }

    #[test]
    fn ensure_dir_makes_a_private_folder_for_files_beside_the_state() {
        let dir = temp();
        let store = Store::new(dir.path().join("deep").join("state"));
        store.ensure_dir().expect("created");
        let metadata = fs::metadata(store.dir()).expect("the folder exists");
        assert!(metadata.is_dir());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(metadata.permissions().mode() & 0o777, 0o700);
        }
        store
            .ensure_dir()
            .expect("an existing private folder is fine");
    }

    #[test]
    fn what_loading_found_is_said_in_words() {
        assert_eq!(LoadNote::Fine.to_string(), "fine");
        assert_eq!(
            LoadNote::SetAside(PathBuf::from("/s/x.toml.corrupt-1")).to_string(),
            "the saved place for this briefing could not be read; it was kept as /s/x.toml.corrupt-1"
        );
        assert_eq!(
            LoadNote::Unreadable("cannot read /s/x.toml".into()).to_string(),
            "cannot read /s/x.toml"
        );
    }

    #[test]
    fn exactly_the_note_limit_is_saved() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        let mut changes = Changes::default();
        for i in 0..MAX_NOTES {
            changes.notes.insert(format!("n{i}"), Some(note("x")));
        }
        let saved = store.update(&briefing, &changes).expect("at the limit");
        assert_eq!(saved.notes.len(), MAX_NOTES);
    }

    #[test]
    fn state_of_exactly_the_size_limit_is_written_and_read_back() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        let with_text = |len: usize| {
            let mut state = BriefingState {
                version: VERSION,
                path: briefing.to_string_lossy().into_owned(),
                ..BriefingState::default()
            };
            state.notes.insert("n".into(), note(&"x".repeat(len)));
            state
        };
        let encoded = |state: &BriefingState| toml::to_string(state).expect("encodes").len() as u64;
        let overhead = encoded(&with_text(0));
        let len = usize::try_from(MAX_STATE_SIZE - overhead).expect("fits");
        let state = with_text(len);
        assert_eq!(encoded(&state), MAX_STATE_SIZE);
        store
            .save(&briefing, &state)
            .expect("exactly the limit is written");
        let (loaded, load) = store.load(&briefing);
        assert_eq!(load, LoadNote::Fine);
        assert_eq!(loaded.notes["n"].text.len(), len);
    }

    #[test]
    fn a_state_folder_under_a_file_cannot_be_looked_at() {
        let dir = temp();
        let (_, briefing) = store_and_briefing(&dir);
        let store = Store::new(briefing.join("state"));
        let (_, load) = store.load(&briefing);
        let LoadNote::Unreadable(why) = load else {
            panic!("not said: {load:?}");
        };
        assert!(why.starts_with("cannot look at "), "{why}");
        let error = store
            .save(&briefing, &BriefingState::default())
            .expect_err("no folder can be made there");
        assert!(error.to_string().starts_with("cannot look at "), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn the_refusal_names_the_folders_own_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        fs::create_dir(store.dir()).expect("folder");
        fs::set_permissions(store.dir(), fs::Permissions::from_mode(0o720)).expect("chmod");
        let error = store
            .save(&briefing, &BriefingState::default())
            .expect_err("the group can write");
        assert!(error.to_string().contains("(mode 720)"), "{error}");
    }

    #[test]
    fn a_write_gives_up_when_every_temporary_name_is_taken() {
        let dir = temp();
        let path = dir.path().join("f.toml");
        // Other tests running at once take numbers too: plant well past
        // the thousand names one write tries.
        let next = TEMP_COUNTER.load(std::sync::atomic::Ordering::Relaxed);
        for n in next..next + 3000 {
            let taken = dir
                .path()
                .join(format!(".f.toml.tmp-{}-{n}", std::process::id()));
            fs::write(taken, "").expect("plant");
        }
        let error = write_atomically(&path, b"new").expect_err("no name left");
        assert_eq!(error.kind(), io::ErrorKind::AlreadyExists);
        assert!(!path.exists());
    }

    // Texts as read: kept beside the read mark, bounded, never trusted.

    fn read_text(fingerprint: &str, body: &str) -> ReadText {
        ReadText {
            fingerprint: fingerprint.to_owned(),
            order: 0,
            title: "Trade".to_owned(),
            body: body.to_owned(),
            facts: vec![ReadFact {
                label: "Deficit, 2022".to_owned(),
                value: "€9.1 bn".to_owned(),
                detail: "as of 2022".to_owned(),
            }],
        }
    }

    /// A text of exactly `size` bytes.
    fn text_of_size(fingerprint: &str, order: u64, size: usize) -> ReadText {
        ReadText {
            fingerprint: fingerprint.to_owned(),
            order,
            title: String::new(),
            body: "x".repeat(size),
            facts: Vec::new(),
        }
    }

    #[test]
    fn a_text_as_read_is_saved_beside_its_mark_and_read_back() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        let mut changes = Changes::default();
        changes.read.insert("trade".into(), "fp1".into());
        changes.texts.insert(
            "trade".into(),
            read_text("fp1", "The deficit grew.\nA lot."),
        );
        store.update(&briefing, &changes).expect("saved");
        let (state, load) = store.load(&briefing);
        assert_eq!(load, LoadNote::Fine);
        let kept = state.texts.get("trade").expect("kept");
        assert_eq!(kept.body, "The deficit grew.\nA lot.");
        assert_eq!(kept.facts[0].value, "€9.1 bn");
        assert_eq!(kept.facts[0].detail, "as of 2022");
        assert_eq!(kept.fingerprint, "fp1");
        assert_eq!(state.fingerprints["trade"], "fp1");
    }

    #[test]
    fn a_state_file_from_before_texts_were_kept_still_loads() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        write_raw(
            &store,
            &briefing,
            "version = 1\nread = [\"trade\"]\n[fingerprints]\ntrade = \"fp\"\n[notes.trade]\ntext = \"mine\"\n",
        );
        let (state, load) = store.load(&briefing);
        assert_eq!(load, LoadNote::Fine);
        assert!(state.texts.is_empty());
        assert!(state.read.contains("trade"));
        assert_eq!(state.notes["trade"].text, "mine");
    }

    #[test]
    fn a_damaged_text_is_dropped_and_costs_nothing_else() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        write_raw(
            &store,
            &briefing,
            "version = 1\n[notes.trade]\ntext = \"mine\"\n[texts.bad]\nfingerprint = 3\n[texts.good]\nfingerprint = \"fp\"\nbody = \"kept\"\n",
        );
        let (state, load) = store.load(&briefing);
        assert_eq!(load, LoadNote::Fine);
        assert_eq!(state.notes["trade"].text, "mine");
        assert!(!state.texts.contains_key("bad"));
        assert_eq!(state.texts["good"].body, "kept");
        // Texts that are not a table at all are dropped too.
        write_raw(
            &store,
            &briefing,
            "version = 1\ntexts = 3\nread = [\"a\"]\n",
        );
        let (state, load) = store.load(&briefing);
        assert_eq!(load, LoadNote::Fine);
        assert!(state.texts.is_empty() && state.read.contains("a"));
    }

    #[test]
    fn an_oversized_stored_text_is_dropped_on_loading() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        let over = "x".repeat(MAX_READ_TEXT + 1);
        let at = "y".repeat(MAX_READ_TEXT);
        write_raw(
            &store,
            &briefing,
            &format!(
                "version = 1\n[texts.over]\nfingerprint = \"a\"\nbody = \"{over}\"\n[texts.at]\nfingerprint = \"b\"\nbody = \"{at}\"\n"
            ),
        );
        let (state, _) = store.load(&briefing);
        assert!(!state.texts.contains_key("over"));
        assert_eq!(state.texts["at"].size(), MAX_READ_TEXT);
    }

    #[test]
    fn texts_over_the_briefings_budget_are_pruned_on_loading_oldest_first() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        let mut text = String::from("version = 1\n");
        // Five texts of 64 KiB: one over the 256 KiB budget.
        for (id, order) in [("c", 3), ("a", 5), ("e", 1), ("b", 2), ("d", 4)] {
            let body = "x".repeat(MAX_READ_TEXT);
            text.push_str(&format!(
                "[texts.{id}]\nfingerprint = \"f\"\norder = {order}\nbody = \"{body}\"\n"
            ));
        }
        write_raw(&store, &briefing, &text);
        let (state, _) = store.load(&briefing);
        let ids: Vec<&str> = state.texts.keys().map(String::as_str).collect();
        assert_eq!(ids, ["a", "b", "c", "d"], "the oldest (e) went");
    }

    #[test]
    fn the_size_of_a_text_counts_every_part_of_it() {
        let text = ReadText {
            fingerprint: "not counted".into(),
            order: 9,
            title: "ab".into(),
            body: "cde".into(),
            facts: vec![ReadFact {
                label: "f".into(),
                value: "gh".into(),
                detail: "ijkl".into(),
            }],
        };
        assert_eq!(text.size(), 12);
    }

    #[test]
    fn pruning_drops_texts_of_removed_sections_first_then_the_oldest() {
        let quarter = MAX_READ_TEXTS / 4;
        let mut texts = BTreeMap::new();
        texts.insert("old".to_owned(), text_of_size("f", 1, quarter));
        texts.insert("gone".to_owned(), text_of_size("f", 9, quarter));
        texts.insert("mid".to_owned(), text_of_size("f", 5, quarter));
        texts.insert("new".to_owned(), text_of_size("f", 7, quarter));
        // Exactly the budget: nothing goes.
        prune_texts(&mut texts, None);
        assert_eq!(texts.len(), 4);
        texts.insert("newest".to_owned(), text_of_size("f", 10, quarter));
        let present: BTreeSet<String> = ["old", "mid", "new", "newest"]
            .into_iter()
            .map(str::to_owned)
            .collect();
        prune_texts(&mut texts, Some(&present));
        assert!(!texts.contains_key("gone"), "a removed section goes first");
        assert_eq!(texts.len(), 4, "and no more than needed");
        texts.insert("later".to_owned(), text_of_size("f", 11, 1));
        let mut present = present;
        present.insert("later".to_owned());
        prune_texts(&mut texts, Some(&present));
        let ids: BTreeSet<&str> = texts.keys().map(String::as_str).collect();
        assert_eq!(ids, BTreeSet::from(["mid", "new", "newest", "later"]));
    }

    #[test]
    fn pruning_goes_on_until_the_texts_fit() {
        // Six texts of a quarter of the budget each: two must go, oldest first.
        let quarter = MAX_READ_TEXTS / 4;
        let mut texts = BTreeMap::new();
        for order in 1..=6u64 {
            texts.insert(format!("s{order}"), text_of_size("f", order, quarter));
        }
        prune_texts(&mut texts, None);
        let ids: Vec<&str> = texts.keys().map(String::as_str).collect();
        assert_eq!(ids, ["s3", "s4", "s5", "s6"]);
        assert!(texts.values().map(ReadText::size).sum::<usize>() <= MAX_READ_TEXTS);
    }

    #[test]
    fn texts_give_way_to_notes_at_the_state_size_limit() {
        let dir = temp();
        let (store, briefing) = store_and_briefing(&dir);
        let with_note = |len: usize| {
            let mut state = BriefingState {
                version: VERSION,
                path: briefing.to_string_lossy().into_owned(),
                ..BriefingState::default()
            };
            state.notes.insert("n".into(), note(&"x".repeat(len)));
            state
        };
        let size = |state: &BriefingState| toml::to_string(state).expect("encodes").len() as u64;
        // A note that alone fills the file to the limit.
        let len = usize::try_from(MAX_STATE_SIZE - size(&with_note(0))).expect("fits");
        let mut state = with_note(len);
        state.texts.insert("t".into(), text_of_size("f", 1, 100));
        store
            .save(&briefing, &state)
            .expect("saved without the text");
        let (loaded, load) = store.load(&briefing);
        assert_eq!(load, LoadNote::Fine);
        assert_eq!(loaded.notes["n"].text.len(), len);
        assert!(loaded.texts.is_empty());
        // Exactly at the limit with the text, the text is kept too.
        let mut probe = with_note(0);
        probe.texts.insert("t".into(), text_of_size("f", 1, 100));
        let len = usize::try_from(MAX_STATE_SIZE - size(&probe)).expect("fits");
        let mut exact = with_note(len);
        exact.texts.insert("t".into(), text_of_size("f", 1, 100));
        assert_eq!(size(&exact), MAX_STATE_SIZE);
        store.save(&briefing, &exact).expect("saved at the limit");
        assert!(store.load(&briefing).0.texts.contains_key("t"));
        // Below the limit the text is kept.
        let mut small = with_note(10);
        small.texts.insert("t".into(), text_of_size("f", 1, 100));
        store.save(&briefing, &small).expect("saved");
        assert!(store.load(&briefing).0.texts.contains_key("t"));
    }

    #[test]
    fn a_text_over_the_section_limit_is_never_kept() {
        let mut state = BriefingState::default();
        let mut changes = Changes::default();
        changes.read.insert("big".into(), "f".into());
        changes
            .texts
            .insert("big".into(), text_of_size("f", 0, MAX_READ_TEXT + 1));
        changes.read.insert("fits".into(), "f".into());
        changes
            .texts
            .insert("fits".into(), text_of_size("f", 0, MAX_READ_TEXT));
        changes.apply(&mut state);
        assert!(state.read.contains("big"), "still read");
        assert!(!state.texts.contains_key("big"));
        assert!(state.texts.contains_key("fits"));
    }

    #[test]
    fn reading_again_replaces_the_text_and_unread_keeps_it() {
        let mut state = BriefingState::default();
        let mut first = Changes::default();
        first.read.insert("a".into(), "f1".into());
        first.texts.insert("a".into(), read_text("f1", "one"));
        first.read.insert("b".into(), "g1".into());
        first.texts.insert("b".into(), read_text("g1", "two"));
        first.apply(&mut state);
        let orders: Vec<u64> = state.texts.values().map(|t| t.order).collect();
        assert_eq!(orders, [1, 2], "each text later than the one before");

        // Marked unread: the text stays, as the fingerprint does.
        let mut unread = Changes::default();
        unread.unread.insert("a".into());
        unread.apply(&mut state);
        assert_eq!(state.texts["a"].body, "one");

        // Read again: the new text, later than every other.
        let mut again = Changes::default();
        again.read.insert("a".into(), "f2".into());
        again
            .texts
            .insert("a".into(), read_text("f2", "one, revised"));
        again.apply(&mut state);
        assert_eq!(state.texts["a"].body, "one, revised");
        assert_eq!(state.texts["a"].fingerprint, "f2");
        assert_eq!(state.texts["a"].order, 3);

        // Read with no text (too long to keep): the old one goes with it.
        let mut bare = Changes::default();
        bare.read.insert("b".into(), "g2".into());
        bare.apply(&mut state);
        assert!(!state.texts.contains_key("b"));
        assert_eq!(state.fingerprints["b"], "g2");
    }

    #[test]
    fn applying_new_texts_prunes_the_briefings_texts() {
        let mut state = BriefingState::default();
        for (i, id) in ["a", "b", "c", "d"].into_iter().enumerate() {
            state
                .texts
                .insert(id.into(), text_of_size("f", i as u64 + 1, MAX_READ_TEXT));
        }
        let mut changes = Changes::default();
        changes.read.insert("e".into(), "f".into());
        changes
            .texts
            .insert("e".into(), text_of_size("f", 0, MAX_READ_TEXT));
        changes.present = Some(
            ["b", "c", "d", "e"]
                .into_iter()
                .map(str::to_owned)
                .collect(),
        );
        changes.apply(&mut state);
        let ids: Vec<&str> = state.texts.keys().map(String::as_str).collect();
        assert_eq!(ids, ["b", "c", "d", "e"]);
        // Changes with no reading leave texts alone, over budget or not.
        state
            .texts
            .insert("z".into(), text_of_size("f", 0, MAX_READ_TEXT));
        Changes::default().apply(&mut state);
        assert!(state.texts.contains_key("z"));
    }
}

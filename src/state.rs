//! Remembered state per briefing: where the reader was and what was read.
//!
//! One small TOML file per briefing under `$XDG_STATE_HOME/brief/` (else
//! `~/.local/state/brief/`), named by a hash of the briefing's full path.
//! Files are versioned, written atomically (a temporary file in the same
//! folder, fsync, rename, fsync of the folder) with mode 0600, under an
//! exclusive lock so two readers never interleave a read-modify-write. A
//! file that cannot be parsed is set aside as `*.corrupt-<time>` and the
//! reader starts fresh, saying so: it is never fatal, never silently lost.
//! Positions are anchored to a section id and a paragraph, not to a line,
//! so they survive another terminal width and an edited briefing.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// The version written; files with a newer version are left alone.
pub const VERSION: u32 = 1;

/// State files larger than this are not read: a briefing's notes come to
/// kilobytes, and a link to `/dev/zero` or a flood of notes must not take
/// the reader's memory.
pub const MAX_STATE_SIZE: u64 = 4 * 1024 * 1024;

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
    /// Section ids to add to the known set.
    pub known: BTreeSet<String>,
}

impl Changes {
    /// True if there is nothing to write.
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }

    /// Applies these changes to a state loaded from disk.
    pub fn apply(&self, state: &mut BriefingState) {
        if let Some(position) = &self.position {
            state.position = Some(position.clone());
        }
        for (id, fingerprint) in &self.read {
            state.read.insert(id.clone());
            state.fingerprints.insert(id.clone(), fingerprint.clone());
            state.known.insert(id.clone());
        }
        for id in &self.unread {
            state.read.remove(id);
        }
        for (id, note) in &self.notes {
            match note {
                Some(note) => {
                    state.notes.insert(id.clone(), note.clone());
                }
                None => {
                    state.notes.remove(id);
                }
            }
        }
        state.known.extend(self.known.iter().cloned());
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
    /// The file could not be read or moved (the message says why).
    Unreadable(String),
}

/// The folder state lives in, from the environment.
pub fn default_dir(xdg_state_home: Option<&str>, home: Option<&str>) -> Option<PathBuf> {
    match xdg_state_home.filter(|v| !v.is_empty()) {
        Some(dir) => Some(Path::new(dir).join("brief")),
        None => home
            .filter(|v| !v.is_empty())
            .map(|h| Path::new(h).join(".local/state/brief")),
    }
}

/// The state store: a folder of per-briefing files.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// A store in `dir` (created on first save).
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// A store in the default folder, if one can be found.
    pub fn from_env() -> Option<Self> {
        let xdg = std::env::var("XDG_STATE_HOME").ok();
        let home = std::env::var("HOME").ok();
        default_dir(xdg.as_deref(), home.as_deref()).map(Self::new)
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The state file for the briefing at `briefing`.
    pub fn file_for(&self, briefing: &Path) -> PathBuf {
        let full = fs::canonicalize(briefing).unwrap_or_else(|_| briefing.to_path_buf());
        let key = fnv1a(full.to_string_lossy().as_bytes());
        self.dir.join(format!("{key:016x}.toml"))
    }

    /// Loads the state of one briefing. Never fails: a missing file is a
    /// fresh start, a corrupt one is set aside.
    pub fn load(&self, briefing: &Path) -> (BriefingState, LoadNote) {
        let file = self.file_for(briefing);
        let text = match crate::fsio::read_regular(&file, MAX_STATE_SIZE) {
            Ok(bytes) => bytes,
            Err(error) if error.is_not_found() => {
                return (BriefingState::default(), LoadNote::Fine);
            }
            Err(error) => {
                return (
                    BriefingState::default(),
                    LoadNote::Unreadable(format!("cannot read {}: {error}", file.display())),
                );
            }
        };
        let parsed = std::str::from_utf8(&text)
            .ok()
            .and_then(|t| toml::from_str::<BriefingState>(t).ok())
            .filter(|s| s.version <= VERSION && s.version > 0);
        match parsed {
            Some(state) => (state, LoadNote::Fine),
            None => (BriefingState::default(), set_aside(&file)),
        }
    }

    /// Saves the state of one briefing atomically.
    pub fn save(&self, briefing: &Path, state: &BriefingState) -> io::Result<()> {
        create_private_dir(&self.dir)?;
        let file = self.file_for(briefing);
        let lock = self.lock(&file)?;
        let result = write_state(&file, briefing, state.clone());
        drop(lock);
        result
    }

    /// Applies `changes` to the briefing's state on disk: read, change,
    /// write, all under the lock, so concurrent readers merge rather than
    /// overwrite. A corrupt file on disk is set aside first (and said).
    pub fn update(&self, briefing: &Path, changes: &Changes) -> io::Result<LoadNote> {
        create_private_dir(&self.dir)?;
        let file = self.file_for(briefing);
        let lock = self.lock(&file)?;
        let (mut state, note) = self.load(briefing);
        if let LoadNote::Unreadable(why) = &note {
            // Never overwrite what could not be read: it may be the user's.
            return Err(io::Error::other(why.clone()));
        }
        changes.apply(&mut state);
        let result = write_state(&file, briefing, state);
        drop(lock);
        result.map(|()| note)
    }

    /// Takes the exclusive lock that guards one state file.
    fn lock(&self, file: &Path) -> io::Result<File> {
        let lock_path = file.with_extension("lock");
        let lock = open_private(&lock_path, false)?;
        lock.lock()?;
        Ok(lock)
    }
}

/// Writes one briefing's state file (the caller holds the lock), stamped
/// with the version and the briefing's full path.
fn write_state(file: &Path, briefing: &Path, mut state: BriefingState) -> io::Result<()> {
    state.version = VERSION;
    if state.path.is_empty() {
        state.path = fs::canonicalize(briefing)
            .unwrap_or_else(|_| briefing.to_path_buf())
            .to_string_lossy()
            .into_owned();
    }
    let text = toml::to_string(&state)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
    write_atomically(file, text.as_bytes())
}

/// Moves an unparseable state file aside so it is kept, not lost.
fn set_aside(file: &Path) -> LoadNote {
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let aside = file.with_file_name(format!("{name}.corrupt-{stamp}"));
    match fs::rename(file, &aside) {
        Ok(()) => LoadNote::SetAside(aside),
        Err(error) => LoadNote::Unreadable(format!(
            "cannot move the unreadable {} aside: {error}",
            file.display()
        )),
    }
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

fn open_private(path: &Path, truncate: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(truncate);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Writes `bytes` to `path` so that readers see the old file or the new
/// one, never a torn one, even across a crash.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Unique per process and per call, so concurrent savers never share
    // a temporary file.
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
    let result = (|| {
        let mut file = open_private(&temp, true)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)?;
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
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

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("brief-state-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
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
        assert_eq!(default_dir(None, None), None);
    }

    #[test]
    fn round_trip_with_private_mode() {
        let dir = temp_dir("round");
        let store = Store::new(dir.clone());
        let briefing = Path::new("briefings/alibaba-liege.toml");
        let state = BriefingState {
            position: Some(Position {
                part: "section:trade-deficit".into(),
                block: 2,
                fraction: 0.5,
            }),
            read: ["espionage".to_owned()].into_iter().collect(),
            ..BriefingState::default()
        };
        store.save(briefing, &state).expect("saved");
        let (loaded, note) = store.load(briefing);
        assert_eq!(note, LoadNote::Fine);
        assert_eq!(loaded.position, state.position);
        assert_eq!(loaded.read, state.read);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(store.file_for(briefing))
                .expect("file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn corrupt_files_are_set_aside() {
        let dir = temp_dir("corrupt");
        let store = Store::new(dir.clone());
        let briefing = Path::new("briefings/alibaba-liege.toml");
        fs::create_dir_all(&dir).expect("dir");
        fs::write(store.file_for(briefing), b"version = \"nonsense\n").expect("write");
        let (state, note) = store.load(briefing);
        assert_eq!(state, BriefingState::default());
        let LoadNote::SetAside(aside) = note else {
            panic!("not set aside: {note:?}");
        };
        assert!(aside.exists());
        assert!(aside.to_string_lossy().contains(".corrupt-"));
        assert!(!store.file_for(briefing).exists());
        let _ = fs::remove_dir_all(dir);
    }
}

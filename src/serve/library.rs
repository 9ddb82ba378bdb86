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

#[cfg(test)]
mod tests {
    use super::*;

    const ACCESS: &str = r#"
levels = ["OFFICIAL", "SECRET"]
default = "OFFICIAL"
"#;

    fn briefing(title: &str, classification: Option<&str>) -> String {
        let marking = classification
            .map(|c| format!("classification = \"{c}\"\n"))
            .unwrap_or_default();
        format!(
            "title = \"{title}\"\n{marking}summary = \"The point.\"\n\n\
             [[sections]]\nid = \"one\"\ntitle = \"One\"\nbody = \"Text.\"\n"
        )
    }

    /// A folder with an unmarked, an OFFICIAL, a SECRET and a broken
    /// briefing, and a file that is no briefing at all.
    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let write = |name: &str, text: &str| {
            std::fs::write(dir.path().join(name), text).expect("write");
        };
        write("open.toml", &briefing("Open", None));
        write("official.toml", &briefing("Official", Some("OFFICIAL")));
        write(
            "secret.md",
            "+++\ntitle = \"Secret\"\nclassification = \"SECRET\"\n+++\n\nThe point.\n\n## One\n\nText.\n",
        );
        write("broken.toml", "title = \n");
        write("notes.txt", "not a briefing");
        dir
    }

    fn names(entries: &[LibraryEntry]) -> Vec<String> {
        let mut names: Vec<String> = entries
            .iter()
            .filter_map(|e| e.path.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn each_reader_sees_their_level_and_only_the_operator_sees_a_broken_file() {
        let dir = folder();
        let library = SharedLibrary::open(dir.path()).expect("opens");
        let access = Access::parse(ACCESS).expect("access file");
        assert_eq!(
            names(&library.all()),
            ["broken.toml", "official.toml", "open.toml", "secret.md"]
        );
        assert_eq!(
            names(&library.visible(&access, Clearance::All)),
            ["broken.toml", "official.toml", "open.toml", "secret.md"]
        );
        assert_eq!(
            names(&library.visible(&access, Clearance::UpTo(1))),
            ["official.toml", "open.toml", "secret.md"]
        );
        assert_eq!(
            names(&library.visible(&access, Clearance::UpTo(0))),
            ["official.toml", "open.toml"]
        );
        assert_eq!(
            names(&library.visible(&access, Clearance::Unmarked)),
            ["open.toml"]
        );
    }

    #[test]
    fn a_briefing_is_found_by_file_name_or_stem_and_a_forbidden_one_is_absent() {
        let dir = folder();
        let library = SharedLibrary::open(dir.path()).expect("opens");
        let access = Access::parse(ACCESS).expect("access file");
        let found = |clearance, name: &str| {
            library
                .find(&access, clearance, name)
                .and_then(|e| e.path.file_name().map(|n| n.to_string_lossy().into_owned()))
        };
        assert_eq!(
            found(Clearance::All, "secret.md").as_deref(),
            Some("secret.md")
        );
        assert_eq!(
            found(Clearance::All, " secret ").as_deref(),
            Some("secret.md")
        );
        assert_eq!(found(Clearance::UpTo(0), "secret"), None);
        assert_eq!(
            found(Clearance::UpTo(0), "official").as_deref(),
            Some("official.toml")
        );
        // Listed for the operator, but there is nothing to open.
        assert_eq!(found(Clearance::All, "broken"), None);
        assert_eq!(found(Clearance::All, "notes.txt"), None);
        assert_eq!(found(Clearance::All, "secret.m"), None);

        let secret = dir.path().join("secret.md");
        let by_path = library.find_path(&access, Clearance::UpTo(1), &secret);
        assert_eq!(by_path.map(|b| b.title.clone()).as_deref(), Some("Secret"));
        assert!(
            library
                .find_path(&access, Clearance::UpTo(0), &secret)
                .is_none()
        );
        let broken = dir.path().join("broken.toml");
        assert!(
            library
                .find_path(&access, Clearance::All, &broken)
                .is_none()
        );
    }

    #[test]
    fn a_reload_takes_new_and_changed_briefings_and_nothing_else() {
        let dir = folder();
        let library = SharedLibrary::open(dir.path()).expect("opens");
        let access = Access::open();
        assert!(!library.reload(OsStr::new("notes.txt")));
        assert!(!library.reload(OsStr::new("missing.toml")));

        std::fs::write(dir.path().join("open.toml"), briefing("Opened again", None))
            .expect("write");
        assert!(library.reload(OsStr::new("open.toml")));
        let entries = library.visible(&access, Clearance::All);
        assert_eq!(entries.len(), 4, "a changed briefing replaces its entry");
        let open = library
            .find(&access, Clearance::All, "open")
            .and_then(|e| e.briefing.ok());
        assert_eq!(
            open.map(|b| b.title.clone()).as_deref(),
            Some("Opened again")
        );

        std::fs::write(dir.path().join("new.md"), "# New\n\nThe point.\n").expect("write");
        assert!(library.reload(OsStr::new("new.md")));
        assert_eq!(library.all().len(), 5);
    }

    #[test]
    fn a_library_of_one_file_reloads_that_file_only() {
        let dir = folder();
        let library = SharedLibrary::open(&dir.path().join("official.toml")).expect("opens");
        assert_eq!(names(&library.all()), ["official.toml"]);
        assert!(!library.reload(OsStr::new("open.toml")));
        assert!(library.reload(OsStr::new("official.toml")));
        assert_eq!(library.all().len(), 1);
    }
}

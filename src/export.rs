//! Writing an exported file (the one-page brief): at the path the reader
//! chose, never over an existing file, private when it holds the reader's
//! notes, and never left half-written; and the folder proposed for it.
//!
//! The file is created with `O_EXCL` (and `O_NOFOLLOW`), so nothing is
//! overwritten and a planted link is never followed. When the name is
//! taken, [`write_at`] writes nothing and names the next free one
//! (`stem-2.ext`, …) for the reader to accept or change; [`write_new`]
//! takes that name itself. A brief with notes is created 0600, like the
//! state the notes come from; one without is 0644 (less the umask). If the
//! write fails — a full disk, a file-size limit — the partial file is
//! removed, so no empty or truncated brief is left to be mistaken for the
//! real one. Each error names the file or folder, the real cause and what
//! to do.
//!
//! This module writes files only; what goes in them is the caller's.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::fsio::describe_io;

/// The most names tried in one folder (`stem.ext` to `stem-99.ext`).
const MAX_TRIES: u32 = 99;

/// Why an export was not written.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.describe(None))]
pub enum ExportError {
    /// Something is already at the path (a file, a link): it is kept, and
    /// nothing is written.
    Exists {
        /// The path asked for.
        path: PathBuf,
        /// The next name not taken in the same folder, if there is one.
        free: Option<PathBuf>,
    },
    /// A symbolic link is at the path: never followed, so nothing is
    /// written through it.
    Link {
        /// The path asked for.
        path: PathBuf,
        /// The next name not taken in the same folder, if there is one.
        free: Option<PathBuf>,
    },
    /// The path is a folder.
    IsFolder {
        /// The path asked for.
        path: PathBuf,
    },
    /// The folder the file would go in does not exist (and was not to be
    /// made).
    MissingFolder {
        /// The folder.
        dir: PathBuf,
    },
    /// The path names no file (`/`, `..`, empty).
    NoName {
        /// The path asked for.
        path: PathBuf,
    },
    /// No file could be created in the folder (read-only, permission
    /// denied, a file where a folder should be, …).
    Folder {
        /// The folder.
        dir: PathBuf,
        /// The system's error.
        source: io::Error,
    },
    /// The file was created but could not be written whole; it was removed.
    Write {
        /// The file.
        path: PathBuf,
        /// The system's error.
        source: io::Error,
    },
    /// As [`ExportError::Write`], but the partial file could not be removed.
    Partial {
        /// The file left behind.
        path: PathBuf,
        /// Why the write failed.
        source: io::Error,
        /// Why the removal failed.
        removal: io::Error,
    },
    /// Files are not written for this reader (`brief serve`: the file
    /// would stay on the server).
    Off,
    /// Every name tried is taken.
    NoFreeName {
        /// The folder.
        dir: PathBuf,
        /// The name tried, without a number.
        stem: String,
        /// Its extension.
        extension: String,
    },
}

impl ExportError {
    /// The error in words, paths under `home` shown with `~` and every
    /// path sanitised (a file name may hold anything).
    pub fn describe(&self, home: Option<&Path>) -> String {
        self.describe_with(&|path: &Path| {
            crate::sanitize::line(&crate::paths::with_tilde(path, home))
        })
    }

    /// The error in words, each path as `show` gives it (which must
    /// sanitise it).
    pub fn describe_with(&self, show: &dyn Fn(&Path) -> String) -> String {
        match self {
            Self::Exists { path, .. } => format!(
                "{} already exists, and brief never writes over a file: choose another name",
                show(path)
            ),
            Self::Link { path, .. } => format!(
                "{} is a symbolic link, and brief does not follow links: choose another name",
                show(path)
            ),
            Self::IsFolder { path } => {
                format!("{} is a folder: add a file name to it", show(path))
            }
            Self::MissingFolder { dir } => format!("the folder {} does not exist", show(dir)),
            Self::NoName { path } => {
                format!("{} names no file: add a file name", show(path))
            }
            Self::Folder { dir, source } if source.kind() == io::ErrorKind::NotADirectory => {
                format!(
                    "cannot write in {}: part of that path is a file, not a folder; choose another folder",
                    show(dir)
                )
            }
            Self::Folder { dir, source } => format!(
                "cannot write in {}: {}; choose another folder",
                show(dir),
                describe_io(source)
            ),
            Self::Write { path, source } => format!(
                "cannot write {}: {}; the partial file was removed",
                show(path),
                describe_io(source)
            ),
            Self::Partial {
                path,
                source,
                removal,
            } => format!(
                "cannot write {}: {}; the partial file could not be removed either ({}): delete it",
                show(path),
                describe_io(source),
                describe_io(removal)
            ),
            Self::Off => {
                "this server writes no files for its readers: copy the brief instead".to_owned()
            }
            Self::NoFreeName {
                dir,
                stem,
                extension,
            } => format!(
                "{} already holds {stem}.{extension} to {stem}-{MAX_TRIES}.{extension}; move some away",
                show(dir)
            ),
        }
    }
}

/// The `n`th name tried: `stem.ext`, then `stem-2.ext`, `stem-3.ext`, …
/// (no dot when there is no extension).
fn name(stem: &str, extension: &str, n: u32) -> String {
    let numbered = if n == 1 {
        stem.to_owned()
    } else {
        format!("{stem}-{n}")
    };
    if extension.is_empty() {
        numbered
    } else {
        format!("{numbered}.{extension}")
    }
}

/// Creates `path`, failing if anything is there, 0600 if `private`.
fn create_new(path: &Path, private: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options
            .mode(if private { 0o600 } else { 0o644 })
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    #[cfg(not(unix))]
    let _ = private;
    options.open(path)
}

/// Writes `contents` whole into the new `file` at `path`, or removes it.
fn fill(mut file: File, path: PathBuf, contents: &str) -> Result<PathBuf, ExportError> {
    let written = file
        .write_all(contents.as_bytes())
        .and_then(|()| file.sync_all());
    drop(file);
    match written {
        Ok(()) => Ok(path),
        Err(source) => match std::fs::remove_file(&path) {
            Ok(()) => Err(ExportError::Write { path, source }),
            Err(removal) => Err(ExportError::Partial {
                path,
                source,
                removal,
            }),
        },
    }
}

/// The folder `path` is in (`.` for a bare name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `contents` to a new file at exactly `path` and returns it.
/// `private` (the contents hold the reader's notes) creates it 0600;
/// `create_folder` makes its folder first if it is missing (the reader
/// agreed to that). Never overwrites and never follows a link at `path`:
/// if anything is there, nothing is written and the error names the next
/// free name. A failed write leaves no file.
pub fn write_at(
    path: &Path,
    contents: &str,
    private: bool,
    create_folder: bool,
) -> Result<PathBuf, ExportError> {
    if path.file_name().is_none() {
        return Err(ExportError::NoName {
            path: path.to_path_buf(),
        });
    }
    let dir = folder_of(path);
    if create_folder && let Err(source) = std::fs::create_dir_all(&dir) {
        return Err(ExportError::Folder { dir, source });
    }
    // Looked at without following a link: a link is never written
    // through (even one to a folder), and a folder is a place to write in,
    // not a name to write. Either is said as such; the create below still
    // refuses anything that appears meanwhile.
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(ExportError::Link {
                path: path.to_path_buf(),
                free: next_free(path),
            });
        }
        Ok(meta) if meta.is_dir() => {
            return Err(ExportError::IsFolder {
                path: path.to_path_buf(),
            });
        }
        _ => {}
    }
    match create_new(path, private) {
        Ok(file) => fill(file, path.to_path_buf(), contents),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Err(ExportError::Exists {
            path: path.to_path_buf(),
            free: next_free(path),
        }),
        Err(error) if error.kind() == io::ErrorKind::NotFound && !dir.exists() => {
            Err(ExportError::MissingFolder { dir })
        }
        Err(source) => Err(ExportError::Folder { dir, source }),
    }
}

/// The first name after `path` with nothing at it (`b-brief-2.txt`,
/// `b-brief-3.txt`, …; a name already numbered counts on from its base),
/// looked at without following links. Only a proposal: [`write_at`] still
/// refuses it if it is taken by the time it is written.
pub fn next_free(path: &Path) -> Option<PathBuf> {
    let dir = folder_of(path);
    let stem = path.file_stem()?.to_string_lossy().into_owned();
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    // `b-brief-2` counts on as `b-brief-3`, not `b-brief-2-2`.
    let base = match stem.rsplit_once('-') {
        Some((base, number))
            if !base.is_empty()
                && !number.is_empty()
                && number.len() <= 2
                && number.bytes().all(|b| b.is_ascii_digit()) =>
        {
            base.to_owned()
        }
        _ => stem,
    };
    (2..=MAX_TRIES)
        .map(|n| dir.join(name(&base, &extension, n)))
        .find(|candidate| {
            matches!(std::fs::symlink_metadata(candidate), Err(e) if e.kind() == io::ErrorKind::NotFound)
        })
}

/// Writes `contents` to a new file in `dir` named `stem.extension` (or
/// `stem-2.extension`, … if taken) and returns its path. `private` (the
/// contents hold the reader's notes) creates it 0600. Never overwrites;
/// a failed write leaves no file.
pub fn write_new(
    dir: &Path,
    stem: &str,
    extension: &str,
    contents: &str,
    private: bool,
) -> Result<PathBuf, ExportError> {
    for n in 1..=MAX_TRIES {
        let path = dir.join(name(stem, extension, n));
        match create_new(&path, private) {
            Ok(file) => return fill(file, path, contents),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(source) => {
                return Err(ExportError::Folder {
                    dir: dir.to_path_buf(),
                    source,
                });
            }
        }
    }
    Err(ExportError::NoFreeName {
        dir: dir.to_path_buf(),
        stem: stem.to_owned(),
        extension: extension.to_owned(),
    })
}

/// The most of `user-dirs.dirs` read: it is a few lines.
const USER_DIRS_CAP: u64 = 64 * 1024;

/// The folder the export dialog proposes, from the process environment
/// and what exists: the user's documents folder (see [`crate::paths`]),
/// else the home folder; the current folder only when there is no home
/// at all (made absolute, so the dialog shows where it is).
pub fn proposed_folder() -> PathBuf {
    let env = |name: &str| std::env::var_os(name);
    let user_dirs = crate::paths::user_dirs_file_with(env)
        .and_then(|file| crate::fsio::read_regular(&file, USER_DIRS_CAP).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    crate::paths::documents_candidates_with(env, user_dirs.as_deref())
        .into_iter()
        .find(|dir| dir.is_dir())
        .or_else(crate::paths::home_dir)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp() -> tempfile::TempDir {
        tempfile::tempdir().expect("temp dir")
    }

    #[test]
    fn never_overwrites_and_numbers_the_next_name() {
        let dir = temp();
        let first = write_new(dir.path(), "b-brief", "txt", "one", false).expect("first");
        assert_eq!(first, dir.path().join("b-brief.txt"));
        let second = write_new(dir.path(), "b-brief", "txt", "two", false).expect("second");
        assert_eq!(second, dir.path().join("b-brief-2.txt"));
        assert_eq!(std::fs::read_to_string(first).expect("read"), "one");
        assert_eq!(std::fs::read_to_string(second).expect("read"), "two");
    }

    #[test]
    fn writing_at_a_taken_name_keeps_the_file_and_names_the_next_free_one() {
        let dir = temp();
        let path = dir.path().join("b-brief.md");
        std::fs::write(&path, "mine").expect("existing");
        std::fs::write(dir.path().join("b-brief-2.md"), "mine too").expect("existing");
        let error = write_at(&path, "new", false, false).expect_err("taken");
        match &error {
            ExportError::Exists { path: at, free } => {
                assert_eq!(at, &path);
                assert_eq!(
                    free.as_deref(),
                    Some(dir.path().join("b-brief-3.md").as_path())
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read_to_string(&path).expect("kept"), "mine");
        assert!(!dir.path().join("b-brief-3.md").exists(), "nothing written");
        // A numbered name counts on from its base.
        let numbered = dir.path().join("b-brief-2.md");
        assert_eq!(next_free(&numbered), Some(dir.path().join("b-brief-3.md")));
        // The name proposed is written when asked for.
        let written =
            write_at(&dir.path().join("b-brief-3.md"), "new", false, false).expect("free name");
        assert_eq!(std::fs::read_to_string(written).expect("read"), "new");
    }

    #[test]
    fn a_folder_a_missing_folder_and_no_name_are_said_as_such() {
        let dir = temp();
        let error = write_at(dir.path(), "x", false, false).expect_err("a folder");
        assert!(matches!(error, ExportError::IsFolder { .. }), "{error:?}");
        assert!(
            error
                .to_string()
                .ends_with("is a folder: add a file name to it")
        );

        let gone = dir.path().join("gone/deeper");
        let error = write_at(&gone.join("b.txt"), "x", false, false).expect_err("missing");
        assert!(matches!(&error, ExportError::MissingFolder { dir } if *dir == gone));
        assert_eq!(
            error.to_string(),
            format!("the folder {} does not exist", gone.display())
        );
        assert!(!gone.exists(), "not made unless asked");
        // Asked for: the folder is made and the file written.
        let path = write_at(&gone.join("b.txt"), "x", false, true).expect("made");
        assert_eq!(std::fs::read_to_string(path).expect("read"), "x");

        let error = write_at(Path::new("/"), "x", false, false).expect_err("no name");
        assert!(matches!(error, ExportError::NoName { .. }), "{error:?}");
    }

    // Unix says ENOTDIR for a file used as a folder; Windows words it
    // otherwise.
    #[cfg(unix)]
    #[test]
    fn a_file_where_a_folder_should_be_is_named() {
        let dir = temp();
        let file = dir.path().join("notes.txt");
        std::fs::write(&file, "").expect("file");
        let error = write_at(&file.join("b.txt"), "x", false, false).expect_err("not a folder");
        assert_eq!(
            error.to_string(),
            format!(
                "cannot write in {}: part of that path is a file, not a folder; choose another folder",
                file.display()
            )
        );
        // Asking for the folder to be made does not replace the file.
        let error = write_at(&file.join("b.txt"), "x", false, true).expect_err("not a folder");
        assert!(matches!(error, ExportError::Folder { .. }), "{error:?}");
        assert!(file.is_file());
    }

    #[test]
    fn paths_under_home_are_shown_with_a_tilde_and_sanitised() {
        let error = ExportError::MissingFolder {
            dir: PathBuf::from("/home/ana/Docs\u{1b}[2J"),
        };
        let said = error.describe(Some(Path::new("/home/ana")));
        assert!(said.starts_with("the folder ~/Docs"), "{said}");
        assert!(!said.contains('\u{1b}'), "{said}");
    }

    #[test]
    fn a_full_folder_of_names_says_so() {
        let dir = temp();
        for n in 1..=MAX_TRIES {
            std::fs::write(dir.path().join(name("b", "md", n)), "").expect("taken");
        }
        let error = write_new(dir.path(), "b", "md", "x", false).expect_err("no name");
        assert!(
            error
                .to_string()
                .ends_with("already holds b.md to b-99.md; move some away"),
            "{error}"
        );
        assert_eq!(next_free(&dir.path().join("b.md")), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_brief_with_notes_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp();
        let mode = |p: &Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o777;
        let private = write_new(dir.path(), "n", "txt", "notes", true).expect("written");
        assert_eq!(mode(&private), 0o600);
        let public = write_new(dir.path(), "p", "txt", "text", false).expect("written");
        assert_eq!(mode(&public) & 0o077 & !0o044, 0, "at most 0644");
        assert_eq!(mode(&public) & 0o600, 0o600);
        let chosen = write_at(&dir.path().join("mine.md"), "notes", true, false).expect("written");
        assert_eq!(mode(&chosen), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_not_followed() {
        let dir = temp();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").expect("victim");
        std::os::unix::fs::symlink(&victim, dir.path().join("b.txt")).expect("plant");
        let path = write_new(dir.path(), "b", "txt", "brief", false).expect("written");
        assert_eq!(path, dir.path().join("b-2.txt"));
        assert_eq!(
            std::fs::read_to_string(&victim).expect("victim"),
            "precious"
        );
        // At a chosen path: refused, the link left alone, even a dangling
        // one (which would otherwise create its target) or one to a folder
        // (which would put the brief wherever it points).
        let error = write_at(&dir.path().join("b.txt"), "brief", false, false).expect_err("link");
        assert!(
            matches!(&error, ExportError::Link { free: Some(free), .. } if *free == dir.path().join("b-3.txt")),
            "{error:?}"
        );
        assert_eq!(
            std::fs::read_to_string(&victim).expect("victim"),
            "precious"
        );
        let target = dir.path().join("would-be-made");
        std::os::unix::fs::symlink(&target, dir.path().join("dangling.txt")).expect("plant");
        let error =
            write_at(&dir.path().join("dangling.txt"), "brief", false, false).expect_err("link");
        assert!(matches!(error, ExportError::Link { .. }), "{error:?}");
        assert!(!target.exists());
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).expect("dir");
        std::os::unix::fs::symlink(&elsewhere, dir.path().join("folder-link")).expect("plant");
        let error =
            write_at(&dir.path().join("folder-link"), "brief", false, false).expect_err("link");
        assert!(
            error.to_string().ends_with(
                "is a symbolic link, and brief does not follow links: choose another name"
            ),
            "{error}"
        );
        assert_eq!(std::fs::read_dir(&elsewhere).expect("list").count(), 0);
        assert_eq!(
            next_free(&dir.path().join("dangling.txt")),
            Some(dir.path().join("dangling-2.txt"))
        );
    }

    #[test]
    fn a_missing_folder_is_named() {
        let dir = temp();
        let gone = dir.path().join("gone");
        let error = write_new(&gone, "b", "txt", "x", false).expect_err("no folder");
        assert!(matches!(error, ExportError::Folder { .. }));
        assert_eq!(
            error.to_string(),
            format!(
                "cannot write in {}: no such file or folder; choose another folder",
                gone.display()
            )
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_folder_says_permission_denied_for_that_folder() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp();
        let locked = dir.path().join("locked");
        std::fs::create_dir(&locked).expect("dir");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).expect("chmod");
        let result = write_at(&locked.join("b.txt"), "x", false, false);
        if rustix::process::geteuid().is_root() {
            // root may write in a 0500 folder: the message for a refusal
            // is pinned with the error itself.
            assert!(result.is_ok());
            let error = ExportError::Folder {
                dir: locked.clone(),
                source: io::Error::from(io::ErrorKind::ReadOnlyFilesystem),
            };
            assert_eq!(
                error.to_string(),
                format!(
                    "cannot write in {}: the file system is read-only; choose another folder",
                    locked.display()
                )
            );
        } else {
            let error = result.expect_err("read-only");
            assert_eq!(
                error.to_string(),
                format!(
                    "cannot write in {}: permission denied; choose another folder",
                    locked.display()
                )
            );
        }
    }
}

//! Writing an exported file (the one-page brief) into a folder: never over
//! an existing file, private when it holds the reader's notes, and never
//! left half-written.
//!
//! The file is created with `O_EXCL` (and `O_NOFOLLOW`) under the first
//! free name of `stem.ext`, `stem-2.ext`, … so nothing is overwritten and a
//! planted link is never followed. A brief with notes is created 0600, like
//! the state the notes come from; one without is 0644 (less the umask). If
//! the write fails — a full disk, a file-size limit — the partial file is
//! removed, so no empty or truncated brief is left to be mistaken for the
//! real one. Each error names the folder or file and the real cause.
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
pub enum ExportError {
    /// No file could be created in the folder (read-only, permission
    /// denied, missing, …).
    #[error("cannot write in {}: {}", dir.display(), describe_io(source))]
    Folder {
        /// The folder.
        dir: PathBuf,
        /// The system's error.
        source: io::Error,
    },
    /// The file was created but could not be written whole; it was removed.
    #[error(
        "cannot write {}: {}; the partial file was removed",
        path.display(),
        describe_io(source)
    )]
    Write {
        /// The file.
        path: PathBuf,
        /// The system's error.
        source: io::Error,
    },
    /// As [`ExportError::Write`], but the partial file could not be removed.
    #[error(
        "cannot write {}: {}; the partial file could not be removed either ({}): delete it",
        path.display(),
        describe_io(source),
        describe_io(removal)
    )]
    Partial {
        /// The file left behind.
        path: PathBuf,
        /// Why the write failed.
        source: io::Error,
        /// Why the removal failed.
        removal: io::Error,
    },
    /// Every name tried is taken.
    #[error(
        "{} already holds {stem}.{extension} to {stem}-{MAX_TRIES}.{extension}; move some away",
        dir.display()
    )]
    NoFreeName {
        /// The folder.
        dir: PathBuf,
        /// The name tried, without a number.
        stem: String,
        /// Its extension.
        extension: String,
    },
}

/// The `n`th name tried: `stem.ext`, then `stem-2.ext`, `stem-3.ext`, …
fn name(stem: &str, extension: &str, n: u32) -> String {
    if n == 1 {
        format!("{stem}.{extension}")
    } else {
        format!("{stem}-{n}.{extension}")
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
        let mut file = match create_new(&path, private) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(source) => {
                return Err(ExportError::Folder {
                    dir: dir.to_path_buf(),
                    source,
                });
            }
        };
        let written = file
            .write_all(contents.as_bytes())
            .and_then(|()| file.sync_all());
        drop(file);
        return match written {
            Ok(()) => Ok(path),
            Err(source) => match std::fs::remove_file(&path) {
                Ok(()) => Err(ExportError::Write { path, source }),
                Err(removal) => Err(ExportError::Partial {
                    path,
                    source,
                    removal,
                }),
            },
        };
    }
    Err(ExportError::NoFreeName {
        dir: dir.to_path_buf(),
        stem: stem.to_owned(),
        extension: extension.to_owned(),
    })
}

/// [`write_new`] in `dir`, else, if no file can be created there at all,
/// in `fallback` (such as the state folder, which the caller makes sure
/// exists). When both fail, the error is `dir`'s — the folder the reader
/// expected — not the fallback's.
pub fn write_new_or_fallback(
    dir: &Path,
    fallback: Option<&Path>,
    stem: &str,
    extension: &str,
    contents: &str,
    private: bool,
) -> Result<PathBuf, ExportError> {
    match write_new(dir, stem, extension, contents, private) {
        Err(first @ ExportError::Folder { .. }) => match fallback {
            Some(fallback) => {
                write_new(fallback, stem, extension, contents, private).map_err(|_| first)
            }
            None => Err(first),
        },
        other => other,
    }
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
        assert_eq!(std::fs::read_to_string(victim).expect("victim"), "precious");
    }

    #[test]
    fn a_missing_folder_is_named() {
        let dir = temp();
        let gone = dir.path().join("gone");
        let error = write_new(&gone, "b", "txt", "x", false).expect_err("no folder");
        assert!(matches!(error, ExportError::Folder { .. }));
        assert_eq!(
            error.to_string(),
            format!("cannot write in {}: no such file or folder", gone.display())
        );
    }

    #[test]
    fn the_fallback_is_used_but_the_first_folder_is_blamed() {
        let dir = temp();
        let gone = dir.path().join("gone");
        let fallback = dir.path().join("state");
        std::fs::create_dir(&fallback).expect("dir");
        let path = write_new_or_fallback(&gone, Some(&fallback), "b", "txt", "x", true)
            .expect("written in the fallback");
        assert_eq!(path, fallback.join("b.txt"));
        let missing_too = dir.path().join("missing-state");
        let error = write_new_or_fallback(&gone, Some(&missing_too), "b", "txt", "x", true)
            .expect_err("neither");
        assert!(
            error.to_string().contains(&gone.display().to_string()),
            "{error}"
        );
        assert!(
            !error.to_string().contains("missing-state"),
            "the fallback's error hid the real one: {error}"
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
        let result = write_new_or_fallback(
            &locked,
            Some(&dir.path().join("fresh-state")),
            "b",
            "txt",
            "x",
            false,
        );
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
                    "cannot write in {}: the file system is read-only",
                    locked.display()
                )
            );
        } else {
            let error = result.expect_err("read-only");
            assert_eq!(
                error.to_string(),
                format!("cannot write in {}: permission denied", locked.display())
            );
        }
    }
}

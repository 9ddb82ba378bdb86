//! Where brief keeps its own files: the user's keymap (config) and the
//! remembered places and notes (state); and where it proposes to write the
//! one-page brief (the user's documents folder). One rule for every
//! variable.
//!
//! On Linux, macOS and the other unixes, the XDG Base Directory rules:
//! `$XDG_CONFIG_HOME/brief` else `$HOME/.config/brief`, and
//! `$XDG_STATE_HOME/brief` else `$HOME/.local/state/brief`. On Windows the
//! XDG variables are honoured the same way if set, else the platform's
//! folders: `%APPDATA%\brief` for config (it roams with the user) and
//! `%LOCALAPPDATA%\brief` for state (it belongs to one machine), with
//! `%USERPROFILE%` standing in for `HOME`.
//!
//! The one rule: a variable counts only if it is set, not empty, and an
//! absolute path. The XDG spec says a relative path is invalid and must be
//! ignored; brief treats `HOME` the same way, since a relative home would
//! put notes wherever the reader happened to be started. With nothing
//! usable there is no state folder, and [`NoStateDir`] says why in words
//! the reader can act on — notes are then never reported as saved.
//!
//! The documents folder is `$XDG_DOCUMENTS_DIR` if set, else the one named
//! in `user-dirs.dirs` (the file xdg-user-dirs keeps in the config home,
//! which holds the translated name: `~/Dokumente`), else `~/Documents`; the
//! caller reads that file and checks which folder exists. `~` at the start
//! of a typed path is the home folder, and a path under the home folder is
//! shown with `~` again.
//!
//! This module only computes paths from the environment: it never touches
//! the file system (the state store checks and creates its folder).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The folder name brief uses under each base folder.
const APP: &str = "brief";

/// Why there is no folder to keep notes in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("notes cannot be saved: {reason}")]
pub struct NoStateDir {
    /// What was wrong with the environment.
    pub reason: String,
}

/// The value of `name` if it is set, not empty and absolute.
fn absolute(env: &impl Fn(&str) -> Option<OsString>, name: &str) -> Option<PathBuf> {
    env(name)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .filter(|path| path.is_absolute())
}

/// Describes a variable for [`NoStateDir`]: unset, empty or relative.
fn describe(env: &impl Fn(&str) -> Option<OsString>, name: &str) -> String {
    match env(name) {
        None => format!("{name} is not set"),
        Some(value) if value.is_empty() => format!("{name} is empty"),
        Some(value) => format!(
            "{name} is the relative path {:?} (ignored: it must be absolute)",
            value.to_string_lossy()
        ),
    }
}

/// The home folder: `HOME`, or on Windows `USERPROFILE` if `HOME` is unset.
fn home(env: &impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    absolute(env, "HOME").or_else(|| {
        if cfg!(windows) {
            absolute(env, "USERPROFILE")
        } else {
            None
        }
    })
}

/// The home folder, from the process environment (the one rule applies).
pub fn home_dir() -> Option<PathBuf> {
    home(&|name: &str| std::env::var_os(name))
}

/// Where xdg-user-dirs keeps the names of the user's folders
/// (`$XDG_CONFIG_HOME/user-dirs.dirs`, else `~/.config/user-dirs.dirs`).
pub fn user_dirs_file_with(env: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let base =
        absolute(&env, "XDG_CONFIG_HOME").or_else(|| home(&env).map(|h| h.join(".config")))?;
    Some(base.join("user-dirs.dirs"))
}

/// The folders that may be the user's documents folder, best first:
/// `$XDG_DOCUMENTS_DIR`, the `XDG_DOCUMENTS_DIR` line of `user_dirs` (the
/// text of `user-dirs.dirs`, if it could be read), `~/Documents`. The
/// caller takes the first that exists.
pub fn documents_candidates_with(
    env: impl Fn(&str) -> Option<OsString>,
    user_dirs: Option<&str>,
) -> Vec<PathBuf> {
    let home = home(&env);
    let mut candidates: Vec<PathBuf> = absolute(&env, "XDG_DOCUMENTS_DIR").into_iter().collect();
    if let Some(named) = user_dirs.and_then(|text| documents_line(text, home.as_deref())) {
        candidates.push(named);
    }
    if let Some(home) = home {
        candidates.push(home.join("Documents"));
    }
    candidates
}

/// The folder of the `XDG_DOCUMENTS_DIR="$HOME/…"` line of a
/// `user-dirs.dirs` text. The file allows only `$HOME/…` or an absolute
/// path; a line naming the home folder itself means "no documents folder".
fn documents_line(text: &str, home: Option<&Path>) -> Option<PathBuf> {
    let value = text.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("XDG_DOCUMENTS_DIR=")?;
        Some(rest.trim().trim_matches('"').to_owned())
    })?;
    let path = match value.strip_prefix("$HOME") {
        Some(rest) => {
            let rest = rest.trim_start_matches('/');
            if rest.is_empty() {
                return None;
            }
            home?.join(rest)
        }
        None => PathBuf::from(value),
    };
    path.is_absolute().then_some(path)
}

/// `typed` with a leading `~` (alone or before a separator) replaced by
/// `home`; any other path as it is. `~user` is not expanded.
pub fn expand_tilde(typed: &str, home: Option<&Path>) -> PathBuf {
    let rest = typed
        .strip_prefix('~')
        .filter(|rest| rest.is_empty() || rest.starts_with(std::path::is_separator));
    match (rest, home) {
        (Some(rest), Some(home)) => {
            let rest = rest.trim_start_matches(std::path::is_separator);
            if rest.is_empty() {
                home.to_path_buf()
            } else {
                home.join(rest)
            }
        }
        _ => PathBuf::from(typed),
    }
}

/// `path` as text, with the home folder shown as `~` (not sanitised: the
/// caller sanitises before showing it). A home of `/` is not abbreviated:
/// it would turn every path into `~`.
pub fn with_tilde(path: &Path, home: Option<&Path>) -> String {
    if let Some(home) = home
        && home.parent().is_some()
        && let Ok(rest) = path.strip_prefix(home)
    {
        let rest = rest.to_string_lossy();
        return if rest.is_empty() {
            "~".to_owned()
        } else {
            format!("~{}{rest}", std::path::MAIN_SEPARATOR)
        };
    }
    path.to_string_lossy().into_owned()
}

/// brief's config folder, from the process environment.
pub fn config_dir() -> Option<PathBuf> {
    config_dir_with(|name| std::env::var_os(name))
}

/// [`config_dir`] with the environment read through `env`.
pub fn config_dir_with(env: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let base = absolute(&env, "XDG_CONFIG_HOME")
        .or_else(|| {
            if cfg!(windows) {
                absolute(&env, "APPDATA")
            } else {
                None
            }
        })
        .or_else(|| home(&env).map(|home| home.join(".config")))?;
    Some(base.join(APP))
}

/// brief's state folder, from the process environment.
pub fn state_dir() -> Result<PathBuf, NoStateDir> {
    state_dir_with(|name| std::env::var_os(name))
}

/// [`state_dir`] with the environment read through `env`.
pub fn state_dir_with(env: impl Fn(&str) -> Option<OsString>) -> Result<PathBuf, NoStateDir> {
    let base = absolute(&env, "XDG_STATE_HOME")
        .or_else(|| {
            if cfg!(windows) {
                absolute(&env, "LOCALAPPDATA")
            } else {
                None
            }
        })
        .or_else(|| home(&env).map(|home| home.join(".local").join("state")));
    match base {
        Some(base) => Ok(base.join(APP)),
        None => Err(NoStateDir {
            reason: format!(
                "there is no folder to keep them in ({}, and {}); set XDG_STATE_HOME to an absolute folder",
                describe(&env, "XDG_STATE_HOME"),
                describe(&env, "HOME")
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> + use<> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[cfg(unix)]
    #[test]
    fn state_follows_xdg_then_home() {
        assert_eq!(
            state_dir_with(env(&[("XDG_STATE_HOME", "/x"), ("HOME", "/h")])),
            Ok(PathBuf::from("/x/brief"))
        );
        assert_eq!(
            state_dir_with(env(&[("XDG_STATE_HOME", ""), ("HOME", "/h")])),
            Ok(PathBuf::from("/h/.local/state/brief"))
        );
        assert_eq!(
            state_dir_with(env(&[("HOME", "/h")])),
            Ok(PathBuf::from("/h/.local/state/brief"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_relative_variable_is_ignored() {
        assert_eq!(
            state_dir_with(env(&[("XDG_STATE_HOME", "rel/state"), ("HOME", "/h")])),
            Ok(PathBuf::from("/h/.local/state/brief"))
        );
        assert_eq!(
            config_dir_with(env(&[("XDG_CONFIG_HOME", "rel"), ("HOME", "/h")])),
            Some(PathBuf::from("/h/.config/brief"))
        );
        // A relative HOME is no better than a relative XDG variable.
        let error = state_dir_with(env(&[("XDG_STATE_HOME", "s"), ("HOME", "h")]))
            .expect_err("no absolute folder");
        assert_eq!(
            error.to_string(),
            "notes cannot be saved: there is no folder to keep them in \
             (XDG_STATE_HOME is the relative path \"s\" (ignored: it must be absolute), \
             and HOME is the relative path \"h\" (ignored: it must be absolute)); \
             set XDG_STATE_HOME to an absolute folder"
        );
        assert_eq!(config_dir_with(env(&[("HOME", "h")])), None);
    }

    #[cfg(unix)]
    #[test]
    fn no_home_means_no_state_folder_and_says_why() {
        let error = state_dir_with(env(&[])).expect_err("nowhere");
        assert_eq!(
            error.to_string(),
            "notes cannot be saved: there is no folder to keep them in \
             (XDG_STATE_HOME is not set, and HOME is not set); \
             set XDG_STATE_HOME to an absolute folder"
        );
        let empty = state_dir_with(env(&[("HOME", "")])).expect_err("nowhere");
        assert!(empty.reason.contains("HOME is empty"), "{empty}");
        assert_eq!(config_dir_with(env(&[])), None);
    }

    #[cfg(unix)]
    #[test]
    fn config_follows_xdg_then_home() {
        assert_eq!(
            config_dir_with(env(&[("XDG_CONFIG_HOME", "/c"), ("HOME", "/h")])),
            Some(PathBuf::from("/c/brief"))
        );
        assert_eq!(
            config_dir_with(env(&[("HOME", "/h")])),
            Some(PathBuf::from("/h/.config/brief"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn documents_follow_xdg_then_user_dirs_then_home() {
        let all = documents_candidates_with(
            env(&[("XDG_DOCUMENTS_DIR", "/d"), ("HOME", "/h")]),
            Some("# written by xdg-user-dirs-update\nXDG_DOCUMENTS_DIR=\"$HOME/Dokumente\"\n"),
        );
        assert_eq!(
            all,
            [
                PathBuf::from("/d"),
                PathBuf::from("/h/Dokumente"),
                PathBuf::from("/h/Documents")
            ]
        );
        // A relative variable is ignored, as everywhere; a user-dirs line
        // naming the home folder itself means there is no documents folder.
        let plain = documents_candidates_with(
            env(&[("XDG_DOCUMENTS_DIR", "docs"), ("HOME", "/h")]),
            Some("XDG_DOCUMENTS_DIR=\"$HOME/\"\n"),
        );
        assert_eq!(plain, [PathBuf::from("/h/Documents")]);
        assert!(documents_candidates_with(env(&[]), None).is_empty());
        assert_eq!(
            user_dirs_file_with(env(&[("HOME", "/h")])),
            Some(PathBuf::from("/h/.config/user-dirs.dirs"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_tilde_is_the_home_folder_both_ways() {
        let home = Some(Path::new("/home/ana"));
        assert_eq!(
            expand_tilde("~/Documents/b.md", home),
            PathBuf::from("/home/ana/Documents/b.md")
        );
        assert_eq!(expand_tilde("~", home), PathBuf::from("/home/ana"));
        // Only a tilde of its own is the home folder.
        assert_eq!(expand_tilde("~bob/b.md", home), PathBuf::from("~bob/b.md"));
        assert_eq!(expand_tilde("/tmp/~/b", home), PathBuf::from("/tmp/~/b"));
        assert_eq!(expand_tilde("~/b", None), PathBuf::from("~/b"));
        assert_eq!(
            with_tilde(Path::new("/home/ana/Documents/b.md"), home),
            "~/Documents/b.md"
        );
        assert_eq!(
            with_tilde(Path::new("/home/anabel/b.md"), home),
            "/home/anabel/b.md"
        );
        assert_eq!(
            with_tilde(Path::new("/srv/b.md"), Some(Path::new("/"))),
            "/srv/b.md"
        );
    }

    #[cfg(windows)]
    #[test]
    fn windows_uses_app_data() {
        assert_eq!(
            state_dir_with(env(&[("LOCALAPPDATA", r"C:\Users\a\AppData\Local")])),
            Ok(PathBuf::from(r"C:\Users\a\AppData\Local\brief"))
        );
        assert_eq!(
            config_dir_with(env(&[("APPDATA", r"C:\Users\a\AppData\Roaming")])),
            Some(PathBuf::from(r"C:\Users\a\AppData\Roaming\brief"))
        );
    }
}

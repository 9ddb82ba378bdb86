//! Where brief keeps its own files: the user's keymap (config) and the
//! remembered places and notes (state). One rule for every variable.
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
//! This module only computes paths from the environment: it never touches
//! the file system (the state store checks and creates its folder).

use std::ffi::OsString;
use std::path::PathBuf;

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

//! Reading a keymap file: where the user's keymap is, reading it as a
//! regular file of bounded size (never blocking on a FIFO), and turning
//! every failure into a diagnostic so a bad file never locks the reader
//! out. What the file says is checked in `validate`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::validate::build;
use super::{FileCheck, Keymap, MAX_KEYMAP_SIZE};
use crate::diagnostic::{Diagnostic, LineIndex, Severity};
use crate::loader::display_name;

/// Where the user's keymap is: `explicit` (from `--keymap`), else
/// `keymap.toml` in brief's config folder (see [`crate::paths`]:
/// `$XDG_CONFIG_HOME/brief`, else `~/.config/brief`). The file need not
/// exist.
pub fn user_keymap_path(explicit: Option<&Path>) -> Option<PathBuf> {
    user_keymap_path_with(explicit, |name| std::env::var_os(name))
}

/// [`user_keymap_path`] with the environment read through `env`.
pub fn user_keymap_path_with(
    explicit: Option<&Path>,
    env: impl Fn(&str) -> Option<OsString>,
) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_path_buf());
    }
    // The one rule for config folders (a relative XDG path is ignored).
    Some(crate::paths::config_dir_with(env)?.join("keymap.toml"))
}

/// Checks the keymap at `path` for `brief check --keymap`: every diagnostic,
/// empty if the file is valid.
pub fn check_file(path: &Path) -> Vec<Diagnostic> {
    inspect_file(path).diagnostics
}

/// Like [`check_file`], also counting what the file binds.
pub fn inspect_file(path: &Path) -> FileCheck {
    match read_keymap_file(path) {
        Ok(source) => {
            let (_, diagnostics, bindings) =
                build(&Keymap::defaults(), &display_name(path), &source);
            FileCheck {
                bindings,
                diagnostics,
            }
        }
        Err(failure) => FileCheck {
            bindings: 0,
            diagnostics: vec![*failure.diagnostic],
        },
    }
}

pub(super) fn load_with_env(
    explicit: Option<&Path>,
    env: impl Fn(&str) -> Option<OsString>,
) -> (Keymap, Vec<Diagnostic>) {
    let Some(path) = user_keymap_path_with(explicit, env) else {
        return (Keymap::defaults(), Vec::new());
    };
    match read_keymap_file(&path) {
        Ok(source) => Keymap::with_overrides(&display_name(&path), &source),
        Err(failure) if failure.missing && explicit.is_none() => (Keymap::defaults(), Vec::new()),
        Err(failure) => (Keymap::defaults(), vec![*failure.diagnostic]),
    }
}

/// Why a keymap file could not be read.
struct ReadFailure {
    /// The file does not exist (fine for the usual places, not for `--keymap`).
    missing: bool,
    /// Boxed: the error path is rare and should not bloat the `Result`.
    diagnostic: Box<Diagnostic>,
}

fn read_keymap_file(path: &Path) -> Result<String, ReadFailure> {
    let name = display_name(path);
    let fail = |message: String, hint: &str| ReadFailure {
        missing: false,
        diagnostic: Box::new(Diagnostic::whole_file(
            &name,
            Severity::Error,
            message,
            Some(hint.to_owned()),
        )),
    };
    let bytes = crate::fsio::read_regular(path, MAX_KEYMAP_SIZE).map_err(|error| {
        use crate::fsio::ReadError;
        let hint = match &error {
            ReadError::NotFound => "check the path; brief uses its default keys",
            ReadError::PermissionDenied => {
                "check the file's permissions; brief uses its default keys"
            }
            ReadError::NotRegular(_) => "give the path of a keymap.toml",
            ReadError::TooLarge { .. } => {
                "a keymap needs only the entries that differ from the defaults"
            }
            ReadError::Io(_) => "brief uses its default keys",
        };
        let message = match &error {
            ReadError::NotFound | ReadError::PermissionDenied | ReadError::Io(_) => {
                format!("cannot read the keymap: {error}")
            }
            ReadError::NotRegular(kind) => format!("is {kind}, not a keymap file"),
            ReadError::TooLarge { size, .. } => format!(
                "the keymap is {}, over the {} KiB limit",
                crate::fsio::human_size(*size),
                MAX_KEYMAP_SIZE / 1024
            ),
        };
        ReadFailure {
            missing: error.is_not_found(),
            ..fail(message, hint)
        }
    })?;
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let prefix =
            String::from_utf8_lossy(error.as_bytes().get(..valid).unwrap_or_default()).into_owned();
        let index = LineIndex::new(&prefix);
        ReadFailure {
            missing: false,
            diagnostic: Box::new(index.diagnostic(
                &name,
                prefix.len()..prefix.len(),
                Severity::Error,
                "the keymap is not valid UTF-8".to_owned(),
                Some("save it as UTF-8 in your editor".to_owned()),
            )),
        }
    })
}

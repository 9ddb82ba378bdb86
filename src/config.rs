//! The user's settings file, `config.toml` in brief's config folder (the
//! folder the user's keymap is looked up in).
//!
//! It holds what a user sets once for their terminal rather than on every
//! command line:
//!
//! ```toml
//! output = "plain"     # or "lean" (the default)
//! clipboard = false    # never copy through the terminal (default true)
//! hyperlinks = false   # never send addresses as links (default true)
//! ```
//!
//! `"plain"` draws with ratatui's own terminal backend, a way back for a
//! terminal that garbles the lean backend's scrolled regions; the same as
//! `--plain-output`. `clipboard = false` is `--no-clipboard`: the copy keys
//! then send nothing (OSC 52), for a terminal that shows the sequence or a
//! reader who wants no program to set their clipboard. `hyperlinks =
//! false` keeps addresses plain text (no OSC 8), for a terminal that
//! prints the sequence. A missing file means the defaults; a file that cannot
//! be read or has an unknown key or value is an error to show before the
//! screen is taken. This module reads and checks the file; it never
//! writes one.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A settings file larger than this is not a settings file.
const MAX_BYTES: u64 = 64 * 1024;

/// How frames reach the terminal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Output {
    /// Each frame as the smallest change to what the terminal shows.
    #[default]
    Lean,
    /// ratatui's own backend: every changed cell written in place.
    Plain,
}

/// The settings in `config.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// How frames reach the terminal.
    #[serde(default)]
    pub output: Output,
    /// Copy keys may set the clipboard through the terminal (OSC 52).
    #[serde(default = "yes")]
    pub clipboard: bool,
    /// Addresses may be sent as hyperlinks (OSC 8).
    #[serde(default = "yes")]
    pub hyperlinks: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            output: Output::default(),
            clipboard: true,
            hyperlinks: true,
        }
    }
}

fn yes() -> bool {
    true
}

/// Where `config.toml` is, from the environment read through `env`: beside
/// the user's keymap.
pub fn path_with(env: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let keymap = crate::keymap::user_keymap_path_with(None, env)?;
    Some(keymap.with_file_name("config.toml"))
}

/// Reads the user's `config.toml`: the defaults if there is none, or the
/// message to show if it cannot be used.
pub fn load() -> Result<Config, String> {
    match path_with(|name| std::env::var_os(name)) {
        Some(path) => load_from(&path),
        None => Ok(Config::default()),
    }
}

/// Reads the settings at `path`; a missing file means the defaults.
pub fn load_from(path: &Path) -> Result<Config, String> {
    let name = crate::loader::display_name(path);
    // Never blocks on a FIFO, never reads a huge file whole.
    let bytes = match crate::fsio::read_regular(path, MAX_BYTES) {
        Ok(bytes) => bytes,
        Err(error) if error.is_not_found() => return Ok(Config::default()),
        Err(error) => return Err(format!("{name}: the settings file {error}")),
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("{name}: the settings file is not UTF-8 text"))?;
    parse(&name, &text)
}

/// Parses the text of a settings file named `name` (for messages).
pub fn parse(name: &str, text: &str) -> Result<Config, String> {
    toml::from_str(text).map_err(|error| {
        let place = error
            .span()
            .map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!("{line}:{column}: ")
            })
            .unwrap_or_default();
        let message = crate::sanitize::line(error.message());
        format!(
            "{name}:{place}{message} (the settings are output = \"plain\" or \"lean\", clipboard = true or false, hyperlinks = true or false)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_plain_or_lean() {
        assert_eq!(
            parse("c", "output = \"plain\"\n").map(|c| c.output),
            Ok(Output::Plain)
        );
        assert_eq!(
            parse("c", "output = \"lean\"\n").map(|c| c.output),
            Ok(Output::Lean)
        );
        assert_eq!(parse("c", "").map(|c| c.output), Ok(Output::Lean));
    }

    #[test]
    fn unknown_keys_and_values_are_errors_with_a_place() {
        let error = parse("config.toml", "\noutptu = \"plain\"\n")
            .err()
            .unwrap_or_default();
        assert!(error.starts_with("config.toml:2:1: "), "{error}");
        assert!(error.contains("outptu"), "{error}");
        let error = parse("config.toml", "output = \"fancy\"\n")
            .err()
            .unwrap_or_default();
        assert!(error.contains("fancy"), "{error}");
    }

    #[test]
    fn clipboard_and_hyperlinks_are_on_unless_turned_off() {
        let default = parse("c", "").expect("empty");
        assert!(default.clipboard && default.hyperlinks);
        let off = parse("c", "clipboard = false\nhyperlinks = false\n").expect("valid");
        assert!(!off.clipboard && !off.hyperlinks);
        let error = parse("c", "clipboard = \"no\"\n").err().unwrap_or_default();
        assert!(error.contains("c:1:13"), "{error}");
    }

    #[test]
    fn it_lives_beside_the_keymap() {
        let path = path_with(|name| (name == "XDG_CONFIG_HOME").then(|| "/cfg".into()));
        assert_eq!(path, Some(PathBuf::from("/cfg/brief/config.toml")));
    }

    #[test]
    fn a_missing_file_means_the_defaults_and_a_folder_is_an_error() {
        let dir = tempfile::tempdir().expect("dir");
        assert_eq!(
            load_from(&dir.path().join("none.toml")),
            Ok(Config::default())
        );
        let error = load_from(dir.path()).err().unwrap_or_default();
        assert!(error.contains("not a regular file"), "{error}");
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "output = \"plain\"\n").expect("write");
        assert_eq!(load_from(&file).map(|c| c.output), Ok(Output::Plain));
    }
}

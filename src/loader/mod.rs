//! Loading a briefing file: bytes → text → validated [`Briefing`].
//!
//! The loader reads at most [`MAX_FILE_SIZE`] bytes of a regular file
//! ([`crate::fsio`]), insists on UTF-8, parses TOML with its spans kept
//! (toml's `DeTable`, the same parser serde uses) and walks the tree
//! against the format-1 schema
//! ([`briefing`], with the generic checks in [`toml_checks`]). It does not
//! stop at the first problem: every finding becomes a [`Diagnostic`] with
//! line and column, so an analyst fixes a file in one pass. A `.md` file
//! is a briefing too ([`markdown_file`]): its front matter and fenced TOML
//! blocks go through the same checks, placed in the `.md` file.

mod briefing;
pub mod markdown_file;
pub mod markdown_out;
mod toml_checks;
mod yaml_front;

use std::path::Path;

use crate::diagnostic::{Diagnostic, LineIndex, Severity};
use crate::model::Briefing;
use crate::sanitize::{self, Findings};

pub use briefing::slug;
pub(crate) use toml_checks::{suggest, type_name};

/// Files larger than this are refused before they are read.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Why a briefing could not be loaded. Every variant carries diagnostics
/// ready to print.
#[derive(Debug, thiserror::Error)]
#[error("{}", .diagnostics.first().map(ToString::to_string).unwrap_or_default())]
pub struct LoadError {
    /// All problems found, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

/// The name a path is shown by in messages: as given, sanitised.
pub fn display_name(path: &Path) -> String {
    sanitize::line(&path.to_string_lossy())
}

/// Reads and validates the briefing at `path`.
pub fn load_path(path: &Path) -> Result<Briefing, LoadError> {
    let name = display_name(path);
    let bytes = read_file(path, &name)?;
    let source = decode_utf8(bytes, &name)?;
    load_str(&name, &source)
}

/// Reads a briefing file within [`MAX_FILE_SIZE`], or says plainly why not.
/// [`crate::fsio`] opens it as what it is: a FIFO, device or socket is
/// refused at once instead of blocking the reader.
fn read_file(path: &Path, name: &str) -> Result<Vec<u8>, LoadError> {
    use crate::fsio::{Kind, ReadError};
    crate::fsio::read_regular(path, MAX_FILE_SIZE).map_err(|error| {
        let (message, hint) = match error {
            ReadError::NotFound => (
                "there is no such file".to_owned(),
                Some("check the path".to_owned()),
            ),
            ReadError::PermissionDenied => (
                "cannot read the file: permission denied".to_owned(),
                Some("check the file's permissions".to_owned()),
            ),
            ReadError::NotRegular(Kind::Folder) => (
                "is a folder, not a briefing file".to_owned(),
                Some("give a .toml or .md file, or open the folder as a library".to_owned()),
            ),
            ReadError::NotRegular(kind) => (
                format!("is {kind}, not a briefing file"),
                Some("give a regular .toml or .md file".to_owned()),
            ),
            ReadError::TooLarge { size, .. } => (
                format!(
                    "the file is {}, over the {} MiB limit for a briefing",
                    crate::fsio::human_size(size),
                    MAX_FILE_SIZE / (1024 * 1024)
                ),
                Some("split it into several briefings".to_owned()),
            ),
            // The OS's own words ("No such file or directory (os error 2)")
            // are kept only for the rare errors that have no plainer name.
            ReadError::Io(error) => (format!("cannot read the file: {error}"), None),
        };
        LoadError {
            diagnostics: vec![Diagnostic::whole_file(name, Severity::Error, message, hint)],
        }
    })
}

/// Turns bytes into text, or says where the first non-UTF-8 byte is.
fn decode_utf8(bytes: Vec<u8>, name: &str) -> Result<String, LoadError> {
    String::from_utf8(bytes).map_err(|error| {
        let valid_up_to = error.utf8_error().valid_up_to();
        let bytes = error.into_bytes();
        // The bytes before `valid_up_to` are valid, so the position is the
        // same in the lossy text, whose line shows the bad byte as `�`.
        let lossy = String::from_utf8_lossy(&bytes);
        let index = LineIndex::new(&lossy);
        let (line, column) = index.position(valid_up_to);
        let byte = bytes.get(valid_up_to).copied().unwrap_or(0);
        LoadError {
            diagnostics: vec![Diagnostic {
                file: name.to_owned(),
                line,
                column,
                severity: Severity::Error,
                message: format!("the file is not valid UTF-8 (byte 0x{byte:02X})"),
                hint: Some("save it as UTF-8 in your editor".to_owned()),
                snippet: Some(index.line_text(line)),
            }],
        }
    })
}

/// Validates briefing text; `name` is used in diagnostics and says which
/// form it is in: a name ending in `.md` is read as Markdown, any other as
/// format-1 TOML.
pub fn load_str(name: &str, source: &str) -> Result<Briefing, LoadError> {
    if is_markdown_name(name) {
        markdown_file::load_markdown(name, source).map(|(briefing, _)| briefing)
    } else {
        briefing::load_toml(name, source)
    }
}

/// The Markdown of a briefing's bottom line and section bodies as the file
/// has it, before it became blocks: what a Markdown copy of the briefing is
/// written from, so nothing is lost in turning blocks back into text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawText {
    /// The bottom line.
    pub summary: String,
    /// Each section's body, in order.
    pub bodies: Vec<String>,
}

/// [`load_str`], with the raw text of the bottom line and bodies.
pub fn load_str_with_text(name: &str, source: &str) -> Result<(Briefing, RawText), LoadError> {
    if is_markdown_name(name) {
        return markdown_file::load_markdown(name, source);
    }
    let briefing = briefing::load_toml(name, source)?;
    Ok((briefing, briefing::raw_text(source)))
}

/// [`load_path`], with the raw text of the bottom line and bodies.
pub fn load_path_with_text(path: &Path) -> Result<(Briefing, RawText), LoadError> {
    let name = display_name(path);
    let bytes = read_file(path, &name)?;
    let source = decode_utf8(bytes, &name)?;
    load_str_with_text(&name, &source)
}

/// True for a file name that is read as Markdown (`.md`, `.markdown`).
fn is_markdown_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// True for a path a library or `brief check DIR` treats as a briefing:
/// a `.toml` or `.md` file name (the file itself is checked when read).
pub fn is_briefing_path(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        e.eq_ignore_ascii_case("toml")
            || e.eq_ignore_ascii_case("md")
            || e.eq_ignore_ascii_case("markdown")
    })
}

/// What the reader is told about text that had to be made safe.
pub(super) fn notices(findings: Findings) -> Vec<String> {
    let mut notices = Vec::new();
    if findings.bidi {
        notices.push(
            "this briefing contains bidirectional control characters; they are shown as [RLO]-style marks and do not reorder the text".to_owned(),
        );
    }
    if findings.controls {
        notices.push(
            "this briefing contains control characters; they are shown as visible symbols such as ␛".to_owned(),
        );
    }
    if findings.invisible {
        notices.push(
            "this briefing contains invisible characters; they are shown as marks such as [ZWSP]"
                .to_owned(),
        );
    }
    notices.extend(crate::markdown::notices(findings));
    notices
}

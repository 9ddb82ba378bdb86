//! Bounded reading of a file brief was asked to open: refused before it is
//! read if it is a folder or too large, and never read past its cap even if
//! it grows while being read (or is a device with no size).
//!
//! Shared by everything that reads a user's file (briefings, keymaps); each
//! caller turns a [`ReadError`] into its own words.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Nothing at that path.
    #[error("there is no such file")]
    NotFound,
    /// The file exists but may not be read.
    #[error("permission denied")]
    PermissionDenied,
    /// The path is a folder.
    #[error("is a folder")]
    Folder,
    /// The file holds more than the cap; the size found so far.
    #[error("the file is {} long", human_size(*.0))]
    TooLarge(u64),
    /// Anything else the OS said.
    #[error("{0}")]
    Other(std::io::Error),
}

impl From<std::io::Error> for ReadError {
    fn from(error: std::io::Error) -> Self {
        match error.kind() {
            std::io::ErrorKind::NotFound => Self::NotFound,
            std::io::ErrorKind::PermissionDenied => Self::PermissionDenied,
            _ => Self::Other(error),
        }
    }
}

/// Reads the file at `path`, refusing it before reading if it is larger
/// than `cap` bytes, and reading at most one byte past `cap` otherwise.
pub fn read_bounded(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let file = File::open(path)?;
    let metadata = file.metadata()?;
    if metadata.is_dir() {
        return Err(ReadError::Folder);
    }
    if metadata.len() > cap {
        return Err(ReadError::TooLarge(metadata.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    // Read one byte past the limit so a file that grows (or a device with no
    // size) is still refused without being read whole.
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// A size in MiB with one decimal, for messages.
pub fn human_size(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

//! Bounded reading of a file brief was asked to open: opened without
//! blocking and checked to be a regular file before anything is read (a
//! FIFO named `x.toml` must not hang `brief check`), refused if it is larger
//! than its cap, and never read past the cap even if it grows meanwhile.
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
    /// A FIFO, device or socket: reading it could block forever or never
    /// end. Names the kind.
    #[error("is {0}, not a regular file")]
    NotRegular(&'static str),
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

/// Reads the file at `path`, refusing it before reading if it is not a
/// regular file or is larger than `cap` bytes, and reading at most one byte
/// past `cap` otherwise.
pub fn read_bounded(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_nonblocking(path)?;
    let metadata = file.metadata()?;
    if metadata.is_dir() {
        return Err(ReadError::Folder);
    }
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(kind_name(&metadata.file_type())));
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

/// Opens for reading without waiting: opening a FIFO blocks until a writer
/// comes, which may be never. For a regular file the flag changes nothing.
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// Windows has no FIFOs in the file system; a plain open cannot hang.
#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

/// What a file that is not a regular file is, for the message.
fn kind_name(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    let _ = file_type;
    "a special file"
}

/// A size in MiB with one decimal, for messages.
pub fn human_size(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

//! Files are opened as what they are: the one way brief reads a file it was
//! pointed at (a briefing, a library entry, a keymap, a state file).
//!
//! A path can name a FIFO, a device, a socket or a folder as easily as a
//! file, and a plain `open` of a FIFO blocks until a writer comes — forever,
//! with the reader frozen. So the path is looked at first, then opened
//! non-blocking (`O_NONBLOCK` on unix: even a FIFO swapped in between the
//! look and the open cannot block), the open descriptor is checked again
//! with `fstat`, and anything that is not a regular file is refused with an
//! error naming what it is. The read stops one byte past a size cap, so a
//! file that grows while read is refused without being read whole.
//!
//! This module says what went wrong, not where: the caller adds the path
//! and the advice in its own words ([`describe_io`] gives the plain words
//! for a system error, for writers too). It never writes.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

/// What a path that is not a regular file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A folder.
    Folder,
    /// A named pipe (FIFO).
    Fifo,
    /// A character device, such as `/dev/zero` or a terminal.
    CharDevice,
    /// A block device, such as a disk.
    BlockDevice,
    /// A unix socket.
    Socket,
    /// Anything else the platform has.
    Other,
}

impl Kind {
    /// The kind of a file that is not regular, from its metadata.
    fn of(metadata: &Metadata) -> Kind {
        let file_type = metadata.file_type();
        if file_type.is_dir() {
            return Kind::Folder;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if file_type.is_fifo() {
                return Kind::Fifo;
            }
            if file_type.is_char_device() {
                return Kind::CharDevice;
            }
            if file_type.is_block_device() {
                return Kind::BlockDevice;
            }
            if file_type.is_socket() {
                return Kind::Socket;
            }
        }
        Kind::Other
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Folder => "a folder",
            Kind::Fifo => "a named pipe (FIFO)",
            Kind::CharDevice => "a character device",
            Kind::BlockDevice => "a block device",
            Kind::Socket => "a socket",
            Kind::Other => "not a regular file",
        })
    }
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Nothing is at the path.
    #[error("there is no such file")]
    NotFound,
    /// The file or a folder on the way to it may not be read.
    #[error("permission denied")]
    PermissionDenied,
    /// The path names something other than a regular file.
    #[error("is {0}, not a regular file")]
    NotRegular(Kind),
    /// The file is larger than the caller allows. `size` is what `fstat`
    /// said, or, for a file that grew while read, at least `limit + 1`.
    #[error("is {}, over the {} limit", human_size(*.size), human_size(*.limit))]
    TooLarge {
        /// The size found, in bytes.
        size: u64,
        /// The cap, in bytes.
        limit: u64,
    },
    /// Any other failure, in the system's words.
    #[error("{0}")]
    Io(io::Error),
}

impl ReadError {
    /// True if nothing is at the path (often not worth a word).
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::NotFound)
    }
}

impl From<io::Error> for ReadError {
    fn from(error: io::Error) -> Self {
        match error.kind() {
            io::ErrorKind::NotFound => ReadError::NotFound,
            io::ErrorKind::PermissionDenied => ReadError::PermissionDenied,
            _ => ReadError::Io(error),
        }
    }
}

/// A size in the unit a person would use: `512 bytes`, `1.0 KiB`, `2.5 MiB`.
pub fn human_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    const GIB: u64 = 1024 * 1024 * 1024;
    if bytes < KIB {
        format!("{bytes} bytes")
    } else if bytes < MIB {
        format!("{:.1} KiB", bytes as f64 / KIB as f64)
    } else if bytes < GIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{:.1} GiB", bytes as f64 / GIB as f64)
    }
}

/// The real cause of a failed read or write, in plain words: what brief
/// says after "cannot write …:" so the reader knows what to fix.
pub fn describe_io(error: &io::Error) -> String {
    #[cfg(unix)]
    if error.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
        // What O_NOFOLLOW reports for a link where a file was expected.
        return "a symbolic link is in its place, and brief does not follow it there".to_owned();
    }
    match error.kind() {
        io::ErrorKind::StorageFull => "no space left on the device".to_owned(),
        io::ErrorKind::ReadOnlyFilesystem => "the file system is read-only".to_owned(),
        io::ErrorKind::FileTooLarge => {
            "the file would exceed the file-size limit set for this session (ulimit -f)".to_owned()
        }
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::QuotaExceeded => "the disk quota is used up".to_owned(),
        io::ErrorKind::NotFound => "no such file or folder".to_owned(),
        _ => error.to_string(),
    }
}

/// Opens `path` for reading if, and only if, it is a regular file, without
/// ever blocking on a FIFO; returns the file and its metadata as `fstat`
/// saw it on the open descriptor.
pub fn open_regular(path: &Path) -> Result<(File, Metadata), ReadError> {
    // A first look, so a device or a FIFO is never even opened (opening
    // some devices has effects of its own).
    let before = std::fs::metadata(path)?;
    if !before.is_file() {
        return Err(ReadError::NotRegular(Kind::of(&before)));
    }
    let file = open_nonblocking(path)?;
    // The path may have been swapped since the look: what counts is what
    // was opened.
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(Kind::of(&metadata)));
    }
    Ok((file, metadata))
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    // Windows has no FIFOs in the file system to block on; named pipes
    // live under \\.\pipe\ and are refused by the metadata check.
    File::open(path)
}

/// Reads the regular file at `path`, at most `cap` bytes: a FIFO, device,
/// socket or folder is refused without blocking, and a larger file is
/// refused without being read whole.
pub fn read_regular(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let (file, metadata) = open_regular(path)?;
    if metadata.len() > cap {
        return Err(ReadError::TooLarge {
            size: metadata.len(),
            limit: cap,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    // One byte past the cap, so a file that grows while read is refused
    // rather than read whole.
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit: cap,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp() -> tempfile::TempDir {
        tempfile::tempdir().expect("temp dir")
    }

    #[test]
    fn a_regular_file_is_read_whole() {
        let dir = temp();
        let path = dir.path().join("a.toml");
        std::fs::write(&path, b"title = \"x\"\n").expect("write");
        assert_eq!(
            read_regular(&path, 100).expect("read"),
            b"title = \"x\"\n".to_vec()
        );
        // Exactly at the cap is allowed; one byte over is not.
        assert_eq!(read_regular(&path, 12).expect("read").len(), 12);
        let error = read_regular(&path, 11).expect_err("too large");
        assert!(matches!(
            error,
            ReadError::TooLarge {
                size: 12,
                limit: 11
            }
        ));
        assert_eq!(error.to_string(), "is 12 bytes, over the 11 bytes limit");
    }

    #[test]
    fn a_missing_file_and_a_folder_are_named() {
        let dir = temp();
        let missing = read_regular(&dir.path().join("nope"), 10).expect_err("missing");
        assert!(missing.is_not_found());
        assert_eq!(missing.to_string(), "there is no such file");
        let folder = read_regular(dir.path(), 10).expect_err("folder");
        assert!(matches!(folder, ReadError::NotRegular(Kind::Folder)));
        assert_eq!(folder.to_string(), "is a folder, not a regular file");
        assert!(!folder.is_not_found());
    }

    #[cfg(all(unix, not(target_vendor = "apple")))]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        use rustix::fs::{CWD, FileType, Mode, mknodat};
        let dir = temp();
        let fifo = dir.path().join("keymap.toml");
        mknodat(CWD, &fifo, FileType::Fifo, Mode::from_raw_mode(0o600), 0).expect("mkfifo");
        // Were the open blocking, this test would never finish: no writer
        // ever comes.
        let error = read_regular(&fifo, 1024).expect_err("fifo");
        assert!(matches!(error, ReadError::NotRegular(Kind::Fifo)));
        assert_eq!(
            error.to_string(),
            "is a named pipe (FIFO), not a regular file"
        );
    }

    #[cfg(all(unix, not(target_vendor = "apple")))]
    #[test]
    fn the_open_itself_does_not_block_on_a_fifo() {
        use rustix::fs::{CWD, FileType, Mode, mknodat};
        let dir = temp();
        let fifo = dir.path().join("state.toml");
        mknodat(CWD, &fifo, FileType::Fifo, Mode::from_raw_mode(0o600), 0).expect("mkfifo");
        // The descriptor-level check, past the first look.
        let file = open_nonblocking(&fifo).expect("opened without a writer");
        let metadata = file.metadata().expect("fstat");
        assert_eq!(Kind::of(&metadata), Kind::Fifo);
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_sockets_are_refused() {
        let zero = read_regular(Path::new("/dev/zero"), 1024).expect_err("device");
        assert!(matches!(zero, ReadError::NotRegular(Kind::CharDevice)));
        assert_eq!(
            zero.to_string(),
            "is a character device, not a regular file"
        );
        let dir = temp();
        let socket_path = dir.path().join("s.toml");
        let _listener =
            std::os::unix::net::UnixListener::bind(&socket_path).expect("bind a socket");
        let socket = read_regular(&socket_path, 1024).expect_err("socket");
        assert!(matches!(socket, ReadError::NotRegular(Kind::Socket)));
        assert_eq!(socket.to_string(), "is a socket, not a regular file");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_device_is_refused_as_the_device() {
        let dir = temp();
        let link = dir.path().join("state.toml");
        std::os::unix::fs::symlink("/dev/zero", &link).expect("symlink");
        assert!(matches!(
            read_regular(&link, 1 << 20),
            Err(ReadError::NotRegular(Kind::CharDevice))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_file_says_permission_denied() {
        use std::os::unix::fs::PermissionsExt;
        if rustix::process::geteuid().is_root() {
            // root reads anything; the mapping is checked below instead.
            let error = ReadError::from(io::Error::from(io::ErrorKind::PermissionDenied));
            assert_eq!(error.to_string(), "permission denied");
            return;
        }
        let dir = temp();
        let path = dir.path().join("locked.toml");
        std::fs::write(&path, b"x").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
        let error = read_regular(&path, 10).expect_err("denied");
        assert!(matches!(error, ReadError::PermissionDenied));
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(human_size(0), "0 bytes");
        assert_eq!(human_size(1023), "1023 bytes");
        assert_eq!(human_size(1024), "1.0 KiB");
        assert_eq!(human_size(1024 * 1024), "1.0 MiB");
        assert_eq!(human_size(3 * 1024 * 1024 * 1024 / 2), "1.5 GiB");
        #[cfg(unix)]
        assert_eq!(
            describe_io(&io::Error::from_raw_os_error(
                rustix::io::Errno::LOOP.raw_os_error()
            )),
            "a symbolic link is in its place, and brief does not follow it there"
        );
        let other = ReadError::from(io::Error::other("disk on fire"));
        assert_eq!(other.to_string(), "disk on fire");
    }
}

//! The state folder's files, opened so that nothing planted in the folder
//! is followed or overwritten: the folder made private (0700) and checked
//! to be this user's own, the lock opened without following links, the
//! temporary file created exclusively, and whole files replaced atomically.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use super::{StoreError, io_error};

/// Checks the state folder, if it exists, is private to this user.
pub(super) fn check_existing_dir(dir: &Path) -> Result<(), StoreError> {
    match fs::metadata(dir) {
        Ok(metadata) => check_private(dir, &metadata),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(io_error("look at", dir)(error)),
    }
}

/// Creates the state folder 0700 if it is missing, and refuses one that
/// is not private to this user.
pub(super) fn ensure_private_dir(dir: &Path) -> Result<(), StoreError> {
    match fs::metadata(dir) {
        Ok(metadata) => return check_private(dir, &metadata),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(io_error("look at", dir)(error)),
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(io_error("create the state folder", dir))?;
    // Another process may have made it first: check what is there.
    let metadata = fs::metadata(dir).map_err(io_error("look at", dir))?;
    check_private(dir, &metadata)
}

#[cfg(unix)]
fn check_private(dir: &Path, metadata: &fs::Metadata) -> Result<(), StoreError> {
    use std::os::unix::fs::MetadataExt;
    if !metadata.is_dir() {
        return Err(StoreError::NotAFolder(dir.to_path_buf()));
    }
    let me = rustix::process::geteuid().as_raw();
    if metadata.uid() != me {
        return Err(StoreError::ForeignFolder {
            dir: dir.to_path_buf(),
            owner: metadata.uid(),
        });
    }
    let mode = metadata.mode() & 0o7777;
    if mode & 0o022 != 0 {
        return Err(StoreError::OpenFolder {
            dir: dir.to_path_buf(),
            mode: mode & 0o777,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(dir: &Path, metadata: &fs::Metadata) -> Result<(), StoreError> {
    // Windows: the folder under %LOCALAPPDATA% inherits the user's own
    // access list; there are no mode bits to check.
    if metadata.is_dir() {
        Ok(())
    } else {
        Err(StoreError::NotAFolder(dir.to_path_buf()))
    }
}

/// Opens (creating if need be) the lock file: never through a symbolic
/// link (a dangling one must not create its target), never blocking on a
/// FIFO, and only if what is there is a regular file.
pub(super) fn open_lock(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        options
            .mode(0o600)
            .custom_flags((OFlags::NOFOLLOW | OFlags::NONBLOCK).bits() as i32);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::other("it is not a regular file"));
    }
    Ok(file)
}

/// Creates a new file for writing, 0600, failing if anything (a file or a
/// symbolic link) is already at `path`.
fn create_exclusive(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    // create_new is O_CREAT | O_EXCL: a link at the name is never followed.
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options
            .mode(0o600)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    options.open(path)
}

/// Numbers the temporary files of this process.
pub(super) static TEMP_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Writes `bytes` to `path` so that readers see the old file or the new
/// one, never a torn one, even across a crash. The temporary file is
/// created exclusively under a fresh name; on failure it is removed and
/// the old file is left as it was.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Unique per process and per call, so concurrent savers never share a
    // temporary file; a name already taken (by anything) is passed over.
    let mut attempt = 0;
    let (temp, mut file) = loop {
        let n = TEMP_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
        match create_exclusive(&temp) {
            Ok(file) => break (temp, file),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists && attempt < 1000 => {
                attempt += 1;
            }
            Err(error) => return Err(error),
        }
    };
    let result = (|| {
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)?;
        File::open(dir)?.sync_all()
    })();
    drop(file);
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

//! Watching the open briefing file for changes, without polling.
//!
//! A thread blocks on inotify for the file's folder (editors often replace
//! a file by writing a new one and renaming it over the old, so the file
//! itself is not a stable thing to watch) and calls back when the file was
//! written, created or moved into place. Nothing runs while nothing
//! changes. Where inotify is not available the reader simply does not
//! reload on its own.

use std::ffi::{CString, OsStr};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// The folder to watch for a briefing file or a library folder.
pub fn folder_of(path: &Path) -> PathBuf {
    if path.is_dir() {
        return path.to_path_buf();
    }
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Starts watching the files in `folder`; `changed` is called from the
/// watcher thread with the name of each file that may have changed, until
/// it returns false.
pub fn watch(
    folder: &Path,
    mut changed: impl FnMut(&OsStr) -> bool + Send + 'static,
) -> io::Result<()> {
    let folder_c = CString::new(folder.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path with a NUL byte"))?;
    // SAFETY: plain system calls; the descriptor is owned by the thread
    // below and closed when it ends.
    let fd = unsafe { libc::inotify_init1(libc::IN_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    let mask = libc::IN_CLOSE_WRITE | libc::IN_MOVED_TO | libc::IN_CREATE;
    // SAFETY: `folder_c` is a valid NUL-terminated string for the call.
    let watch = unsafe { libc::inotify_add_watch(fd, folder_c.as_ptr(), mask) };
    if watch < 0 {
        let error = io::Error::last_os_error();
        // SAFETY: `fd` came from inotify_init1 above and is not used again.
        unsafe { libc::close(fd) };
        return Err(error);
    }
    std::thread::Builder::new()
        .name("watch".to_owned())
        .spawn(move || {
            let mut buffer = [0u8; 4096];
            loop {
                // SAFETY: reading into a buffer we own, of the size we pass.
                let read = unsafe { libc::read(fd, buffer.as_mut_ptr().cast(), buffer.len()) };
                if read <= 0 {
                    let error = io::Error::last_os_error();
                    if read < 0 && error.kind() == io::ErrorKind::Interrupted {
                        continue;
                    }
                    break;
                }
                let names = event_names(&buffer[..read as usize]);
                if names.iter().any(|name| !changed(name)) {
                    break;
                }
            }
            // SAFETY: `fd` is ours and closed exactly once, here.
            unsafe { libc::close(fd) };
        })?;
    Ok(())
}

/// The file names the inotify events in `bytes` are about, each once.
fn event_names(bytes: &[u8]) -> Vec<&OsStr> {
    let header = std::mem::size_of::<libc::inotify_event>();
    let mut offset = 0;
    let mut names: Vec<&OsStr> = Vec::new();
    while offset + header <= bytes.len() {
        // The name length is the last u32 of the fixed header.
        let len_at = offset + header - 4;
        let mut len_bytes = [0u8; 4];
        len_bytes.copy_from_slice(&bytes[len_at..len_at + 4]);
        let len = u32::from_ne_bytes(len_bytes) as usize;
        let start = offset + header;
        let end = (start + len).min(bytes.len());
        let raw = &bytes[start..end];
        let event_name = raw.split(|b| *b == 0).next().unwrap_or(&[]);
        let event_name = OsStr::from_bytes(event_name);
        if !event_name.is_empty() && !names.contains(&event_name) {
            names.push(event_name);
        }
        offset = start + len;
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn a_replaced_file_is_noticed() {
        let dir = std::env::temp_dir().join(format!("brief-watch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("b.toml");
        std::fs::write(&file, "one").expect("write");
        let (tx, rx) = mpsc::channel();
        watch(&dir, move |name| name != "b.toml" || tx.send(()).is_ok()).expect("watch");
        // Another file in the folder is not news.
        std::fs::write(dir.join("other.toml"), "x").expect("write");
        // Written in place, then replaced by rename as editors do.
        std::fs::write(&file, "two").expect("write");
        assert!(rx.recv_timeout(Duration::from_secs(5)).is_ok());
        let temp = dir.join(".b.toml.swp");
        std::fs::write(&temp, "three").expect("write");
        std::fs::rename(&temp, &file).expect("rename");
        assert!(rx.recv_timeout(Duration::from_secs(5)).is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }
}

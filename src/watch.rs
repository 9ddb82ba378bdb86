//! Watching the open briefing's folder for changes, without polling.
//!
//! The folder is watched rather than the file: editors often replace a file
//! by writing a new one and renaming it over the old, so the file itself is
//! not a stable thing to watch. The operating system's own notification
//! (inotify, FSEvents, ReadDirectoryChangesW, through the `notify` crate's
//! plain watcher, no debouncer) wakes one thread, which calls back with the
//! name of each file written, created or moved into place. Nothing runs
//! while nothing changes.
//!
//! When the folder itself is deleted or moved away, its parent is watched
//! instead until a folder of the same name appears again; then the folder
//! is watched anew and every file in it is reported, since it may have
//! been written before the new watch was in place. Where no notification
//! is available the reader simply does not reload on its own.

use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};

use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind, RenameMode};
use notify::{Event, RecursiveMode, Watcher};

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
    changed: impl FnMut(&OsStr) -> bool + Send + 'static,
) -> io::Result<()> {
    // Events name absolute paths; compare like with like.
    let folder = std::fs::canonicalize(folder)?;
    let (sender, events) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        // The receiving thread is gone only when the reader is.
        let _ = sender.send(event);
    })
    .map_err(io::Error::other)?;
    watcher
        .watch(&folder, RecursiveMode::NonRecursive)
        .map_err(io::Error::other)?;
    std::thread::Builder::new()
        .name("watch".to_owned())
        .spawn(move || {
            Follower {
                watcher,
                folder,
                lost: false,
                changed,
            }
            .run(&events);
        })?;
    Ok(())
}

/// The watcher thread's state: the watch, and whether the folder is gone.
struct Follower<W, F> {
    watcher: W,
    folder: PathBuf,
    /// The folder was deleted or moved away; its parent is watched.
    lost: bool,
    changed: F,
}

impl<W: Watcher, F: FnMut(&OsStr) -> bool> Follower<W, F> {
    /// Blocks on the events until the receiver of the names is gone (or
    /// the watcher is, which drops the sender).
    fn run(&mut self, events: &Receiver<notify::Result<Event>>) {
        while let Ok(event) = events.recv() {
            // An error from the backend (a full queue, a lost watch) may
            // hide changes: look at everything again.
            let keep_going = match event {
                Ok(event) => self.handle(&event),
                Err(_) => self.report_all(),
            };
            if !keep_going {
                return;
            }
        }
    }

    /// Acts on one event; false once the receiver of the names is gone.
    fn handle(&mut self, event: &Event) -> bool {
        if event.need_rescan() {
            return self.report_all();
        }
        let about_folder = event.paths.iter().any(|p| p == &self.folder);
        if about_folder && !self.lost && folder_went_away(&event.kind) {
            self.lose();
            return true;
        }
        if self.lost {
            // Only the folder's return matters while it is gone; it may
            // also have come back before the parent was watched.
            if self.folder.is_dir() {
                return self.recover();
            }
            return true;
        }
        for path in changed_paths(event) {
            if path.parent() == Some(self.folder.as_path())
                && let Some(name) = path.file_name()
                && !(self.changed)(name)
            {
                return false;
            }
        }
        true
    }

    /// The folder is gone: watch its parent for its return.
    fn lose(&mut self) {
        self.lost = true;
        let _ = self.watcher.unwatch(&self.folder);
        if let Some(parent) = self.folder.parent() {
            // Without a parent to watch the folder's return goes unseen;
            // there is nothing better to do than carry on.
            let _ = self.watcher.watch(parent, RecursiveMode::NonRecursive);
        }
        // Recreated already, before the parent was watched?
        if self.folder.is_dir() {
            self.recover();
        }
    }

    /// The folder is back: watch it again and report every file in it.
    fn recover(&mut self) -> bool {
        if self
            .watcher
            .watch(&self.folder, RecursiveMode::NonRecursive)
            .is_err()
        {
            return true;
        }
        self.lost = false;
        if let Some(parent) = self.folder.parent() {
            let _ = self.watcher.unwatch(parent);
        }
        self.report_all()
    }

    /// Reports every file in the folder as possibly changed.
    fn report_all(&mut self) -> bool {
        let Ok(entries) = std::fs::read_dir(&self.folder) else {
            return true;
        };
        for entry in entries.flatten() {
            if !(self.changed)(&entry.file_name()) {
                return false;
            }
        }
        true
    }
}

/// True for an event saying a watched path itself was deleted or renamed.
fn folder_went_away(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_))
    )
}

/// The paths an event says were written, created or moved into place. On
/// Linux a file is reported once it is closed after writing, not at each
/// write (a reload mid-write would see half a file); elsewhere the
/// backends only say "modified".
fn changed_paths(event: &Event) -> Vec<&Path> {
    let paths = || event.paths.iter().map(PathBuf::as_path).collect();
    match event.kind {
        EventKind::Create(_) | EventKind::Access(AccessKind::Close(AccessMode::Write)) => paths(),
        // A rename within the folder: the new name is the second path.
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => {
            event.paths.iter().skip(1).map(PathBuf::as_path).collect()
        }
        EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Any)) => paths(),
        EventKind::Modify(ModifyKind::Name(_)) => Vec::new(),
        EventKind::Modify(_) if cfg!(not(any(target_os = "linux", target_os = "android"))) => {
            paths()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Generous: the test only waits this long when something is wrong.
    const PATIENCE: Duration = Duration::from_secs(10);

    /// Waits for `name` among the reported names.
    fn wait_for(names: &Receiver<String>, name: &str) {
        loop {
            match names.recv_timeout(PATIENCE) {
                Ok(n) if n == name => return,
                Ok(_) => {}
                Err(error) => panic!("{name} was never reported: {error}"),
            }
        }
    }

    fn reporting(dir: &Path) -> Receiver<String> {
        let (tx, rx) = mpsc::channel();
        watch(dir, move |name| {
            tx.send(name.to_string_lossy().into_owned()).is_ok()
        })
        .expect("watch");
        rx
    }

    #[test]
    fn a_replaced_file_is_noticed() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("b.toml");
        std::fs::write(&file, "one").expect("write");
        let names = reporting(dir.path());
        // Written in place, then replaced by rename as editors do.
        std::fs::write(&file, "two").expect("write");
        wait_for(&names, "b.toml");
        let temp = dir.path().join(".b.toml.swp");
        std::fs::write(&temp, "three").expect("write");
        while names.try_recv().is_ok() {}
        std::fs::rename(&temp, &file).expect("rename");
        wait_for(&names, "b.toml");
    }

    #[test]
    fn a_deleted_and_recreated_folder_is_watched_again() {
        let parent = tempfile::tempdir().expect("dir");
        let dir = parent.path().join("briefings");
        std::fs::create_dir(&dir).expect("mkdir");
        std::fs::write(dir.join("a.toml"), "one").expect("write");
        let names = reporting(&dir);
        std::fs::remove_dir_all(&dir).expect("remove");
        std::fs::create_dir(&dir).expect("mkdir again");
        std::fs::write(dir.join("a.toml"), "two").expect("write");
        wait_for(&names, "a.toml");
        // And it keeps reporting after that.
        std::fs::write(dir.join("c.toml"), "three").expect("write");
        wait_for(&names, "c.toml");
    }

    #[test]
    fn a_moved_away_folder_is_watched_again_when_it_returns() {
        let parent = tempfile::tempdir().expect("dir");
        let dir = parent.path().join("briefings");
        let aside = parent.path().join("aside");
        std::fs::create_dir(&dir).expect("mkdir");
        let names = reporting(&dir);
        std::fs::rename(&dir, &aside).expect("move away");
        std::fs::create_dir(aside.join("x")).expect("mkdir");
        std::fs::rename(&aside, &dir).expect("move back");
        std::fs::write(dir.join("d.toml"), "four").expect("write");
        wait_for(&names, "d.toml");
    }
}

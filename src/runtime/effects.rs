//! The effects as this machine performs them, for the local reader and
//! for each `brief serve` session alike: briefings read from disk (on
//! worker threads when the source can take results later), layouts made
//! off the UI thread, state saved in the store, notes read, the one-page
//! brief exported.

use super::*;

/// The effects as performed for the local user: briefings read from
/// disk (off the UI thread when the source can take results later), state
/// saved in the store, the one-page brief written to the new file the
/// reader chose.
#[derive(Debug, Clone)]
pub struct LocalEffects {
    store: Option<Store>,
    reloads: Arc<Mutex<Reloads>>,
}

/// Reloads under way, so that a burst of file changes reads the file at
/// most twice and a file that blocks holds at most one thread.
#[derive(Debug, Default)]
struct Reloads {
    /// Being read now.
    running: HashSet<PathBuf>,
    /// Changed again while being read: read once more after.
    again: HashSet<PathBuf>,
}

impl LocalEffects {
    /// Effects that remember state in `store` (none: not at all).
    pub fn new(store: Option<Store>) -> Self {
        Self {
            store,
            reloads: Arc::default(),
        }
    }

    fn open(store: Option<&Store>, path: PathBuf) -> Done {
        let briefing = crate::loader::load_path_lazy(&path);
        let saved = store.map(|store| store.load(&path));
        Done::Opened(Box::new(Opened {
            path,
            briefing,
            saved,
        }))
    }

    fn reload(path: PathBuf) -> Done {
        let briefing = crate::loader::load_path_lazy(&path).map(Box::new);
        Done::Reloaded { path, briefing }
    }

    /// Reads the file again on a worker, and again after that for as long
    /// as it keeps changing meanwhile.
    fn spawn_reload(&self, path: PathBuf, post: &Post) -> Result<(), PathBuf> {
        let reloads = Arc::clone(&self.reloads);
        {
            let mut state = reloads.lock().unwrap_or_else(|e| e.into_inner());
            if state.running.contains(&path) {
                state.again.insert(path);
                return Ok(());
            }
            state.running.insert(path.clone());
        }
        let post = Arc::clone(post);
        let worker_path = path.clone();
        let spawned = std::thread::Builder::new()
            .name("reload".to_owned())
            .spawn(move || {
                let path = worker_path;
                loop {
                    post(Event::Done(Self::reload(path.clone())));
                    let mut state = reloads.lock().unwrap_or_else(|e| e.into_inner());
                    if !state.again.remove(&path) {
                        state.running.remove(&path);
                        return;
                    }
                }
            });
        if spawned.is_err() {
            let mut state = self.reloads.lock().unwrap_or_else(|e| e.into_inner());
            state.running.remove(&path);
            return Err(path);
        }
        Ok(())
    }

    fn save(&self, path: PathBuf, changes: &Changes) -> Done {
        let result = match &self.store {
            Some(store) => store
                .update(&path, changes)
                .map(SaveReport::from)
                .map_err(|source| SaveError {
                    dir: store.dir().to_path_buf(),
                    source,
                }),
            None => Ok(SaveReport::default()),
        };
        Done::Saved { path, result }
    }
}

impl Effects for LocalEffects {
    fn perform(&mut self, effect: Effect, post: Option<&Post>) -> Option<Done> {
        match effect {
            Effect::Open { path } => {
                if let Some(post) = post {
                    let (store, post) = (self.store.clone(), Arc::clone(post));
                    let worker_path = path.clone();
                    let spawned = std::thread::Builder::new()
                        .name("open".to_owned())
                        .spawn(move || post(Event::Done(Self::open(store.as_ref(), worker_path))));
                    if spawned.is_ok() {
                        return None;
                    }
                }
                Some(Self::open(self.store.as_ref(), path))
            }
            Effect::Reload { path } => match post {
                Some(post) => match self.spawn_reload(path, post) {
                    Ok(()) => None,
                    Err(path) => Some(Self::reload(path)),
                },
                None => Some(Self::reload(path)),
            },
            Effect::Save { path, changes } => Some(self.save(path, &changes)),
            Effect::ReadNote { path, id } => {
                // A small file read with a size cap, non-blocking: quick
                // enough for the UI thread, and the editor must open on it.
                let result = match &self.store {
                    Some(store) => store.note(&path, &id),
                    None => Ok(None),
                };
                Some(Done::NoteRead { path, id, result })
            }
            // A small file, written whole or not at all: quick enough for
            // the UI thread, and the dialog waits for the answer.
            Effect::Export {
                path,
                text,
                private,
                create_folder,
                ..
            } => Some(Done::Exported(crate::export::write_at(
                &path,
                &text,
                private,
                create_folder,
            ))),
            // Written by the run loop, which holds the terminal; with no
            // loop (a tool driving the app) there is no terminal to copy to.
            Effect::Copy { .. } => None,
            Effect::LayOut {
                briefing,
                width,
                options,
            } => {
                let options = *options;
                let lay_out = move |briefing: Arc<crate::model::Briefing>| {
                    let doc = crate::layout::document_in_background(&briefing, width, options);
                    Done::LaidOut {
                        briefing,
                        doc: Box::new(doc),
                    }
                };
                if let Some(post) = post {
                    let (post, worker_briefing) = (Arc::clone(post), Arc::clone(&briefing));
                    let spawned = std::thread::Builder::new()
                        .name("layout".to_owned())
                        .spawn(move || post(Event::Done(lay_out(worker_briefing))));
                    if spawned.is_ok() {
                        return None;
                    }
                }
                Some(lay_out(briefing))
            }
        }
    }
}

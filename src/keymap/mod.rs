//! Keymaps: the keys in force and looking them up. Reading a keymap file
//! is in `file`, checking and layering its entries in `validate`, and the
//! key notation in `key`.
//!
//! The default keymap is the repository's `keymap.toml`, embedded with
//! `include_str!` so the comments a user copies from are the keys in force.
//! A user's file overrides only the actions it names, context by context.
//! Reading never fails: every problem becomes a [`Diagnostic`] with line and
//! column, the entry in error keeps its default keys, and the valid rest of
//! the file applies — a bad keymap must never lock the reader out.
//!
//! Keys are [`Key`] values in one canonical form, so that `G`, `shift-g` and
//! whatever a terminal reports for shift+g all compare equal.

use std::collections::HashMap;
use std::path::Path;

use crate::action::{Action, Context};
use crate::diagnostic::Diagnostic;

mod file;
mod key;
mod validate;
use file::load_with_env;
pub use file::{check_file, inspect_file, user_keymap_path, user_keymap_path_with};
pub use key::{Code, Key, Modifiers};
use validate::build;

/// The default keymap, as shipped in the repository.
const DEFAULT_SOURCE: &str = include_str!("../../keymap.toml");

/// The name the built-in keymap goes by in diagnostics (there should be none).
const DEFAULT_NAME: &str = "keymap.toml (built in)";

/// Keymap files larger than this are refused before they are read; a keymap
/// is a few kilobytes, and `--keymap /dev/zero` must not hang the reader.
pub const MAX_KEYMAP_SIZE: u64 = 1024 * 1024;

/// The keys bound in one context.
#[derive(Debug, Clone, Default)]
pub(super) struct Bindings {
    /// Each action's keys, in file order.
    pub(super) keys: HashMap<Action, Vec<Key>>,
    /// The reverse, rebuilt after every change.
    pub(super) by_key: HashMap<Key, Action>,
    /// Each action's first key as the screen names it, rebuilt after
    /// every change: the status line shows a few on every frame.
    pub(super) first_names: HashMap<Action, String>,
}

/// The keys in force: one table of bindings per [`Context`].
#[derive(Debug, Clone)]
pub struct Keymap {
    pub(super) contexts: [Bindings; Context::ALL.len()],
}

pub(super) fn slot(context: Context) -> usize {
    context as usize
}

/// What `brief check` learns about one keymap file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileCheck {
    /// Key bindings the file makes that apply (an action with three keys is
    /// three bindings).
    pub bindings: usize,
    /// Everything wrong with it, in file order; empty if it is valid.
    pub diagnostics: Vec<Diagnostic>,
}

impl Keymap {
    /// A keymap with nothing bound: the base the default file is read onto.
    pub(super) fn empty() -> Keymap {
        Keymap {
            contexts: std::array::from_fn(|_| Bindings::default()),
        }
    }

    /// The default keymap, from the embedded `keymap.toml`.
    pub fn defaults() -> Keymap {
        // A test proves the embedded file has no diagnostics; were it ever
        // broken, its valid entries would still apply.
        build(&Keymap::empty(), DEFAULT_NAME, DEFAULT_SOURCE).0
    }

    /// The defaults with the user's keymap, if there is one, laid over them:
    /// `user_file` is the `--keymap` path; without it the usual places are
    /// looked in (see [`user_keymap_path`]). Never fails: a file that cannot
    /// be read, or entries in error, leave the defaults in their place and
    /// come back as diagnostics. Only a missing file in a usual place is not
    /// worth a word.
    pub fn load(user_file: Option<&Path>) -> (Keymap, Vec<Diagnostic>) {
        load_with_env(user_file, |name| std::env::var_os(name))
    }

    /// The defaults with `source` (a keymap file's text, shown as `name` in
    /// diagnostics) laid over them.
    pub fn with_overrides(name: &str, source: &str) -> (Keymap, Vec<Diagnostic>) {
        let (keymap, diagnostics, _) = build(&Keymap::defaults(), name, source);
        (keymap, diagnostics)
    }

    /// The action `key` is bound to in `context`'s own table.
    pub fn resolve(&self, context: Context, key: &Key) -> Option<Action> {
        self.contexts[slot(context)]
            .by_key
            .get(&key.canonical())
            .copied()
    }

    /// The action for `key` in `context`, else in `[global]` — except in
    /// `[search]` and `[editor]`, where unbound keys type text rather than
    /// act.
    pub fn resolve_with_global(&self, context: Context, key: &Key) -> Option<Action> {
        self.resolve(context, key).or_else(|| {
            (context != Context::Search && context != Context::Editor)
                .then(|| self.resolve(Context::Global, key))
                .flatten()
        })
    }

    /// How the screen names the first key bound to `action` in `context`
    /// (the key hints), if one is.
    pub fn first_name(&self, context: Context, action: Action) -> Option<&str> {
        self.contexts[slot(context)]
            .first_names
            .get(&action)
            .map(String::as_str)
    }

    /// The keys bound to `action` in `context`, in file order; empty if none.
    pub fn keys(&self, context: Context, action: Action) -> &[Key] {
        self.contexts[slot(context)]
            .keys
            .get(&action)
            .map_or(&[], Vec::as_slice)
    }

    /// Every action `context` allows, in [`Action::ALL`] order, with its keys
    /// (empty for an action the user unbound), for the help overlay.
    pub fn bindings(&self, context: Context) -> impl Iterator<Item = (Action, &[Key])> {
        Action::ALL
            .iter()
            .copied()
            .filter(move |action| action.contexts().contains(&context))
            .map(move |action| (action, self.keys(context, action)))
    }

    /// How many keys are bound, over all contexts.
    pub fn binding_count(&self) -> usize {
        self.contexts
            .iter()
            .map(|b| b.keys.values().map(Vec::len).sum::<usize>())
            .sum()
    }

    pub(super) fn rebuild_lookup(&mut self) {
        for context in Context::ALL {
            let bindings = &mut self.contexts[slot(context)];
            bindings.by_key.clear();
            bindings.first_names = (bindings.keys.iter())
                .filter_map(|(action, keys)| Some((*action, keys.first()?.to_string())))
                .collect();
            for action in Action::ALL {
                for key in bindings.keys.get(action).into_iter().flatten() {
                    // Checking guarantees one action per key; were that ever
                    // broken, the first action in help order wins.
                    bindings.by_key.entry(*key).or_insert(*action);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;

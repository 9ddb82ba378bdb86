//! Keymaps: key notation, reading keymap files, layering a user's file over
//! the defaults, finding conflicts, and looking keys up.
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

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use crate::action::{Action, Context};
use crate::diagnostic::{Diagnostic, LineIndex, Severity, quote};
use crate::loader::{display_name, suggest, type_name};
use crate::sanitize;

mod key;
use key::parse_key;
pub use key::{Code, Key, Modifiers};

/// The default keymap, as shipped in the repository.
const DEFAULT_SOURCE: &str = include_str!("../../keymap.toml");

/// The name the built-in keymap goes by in diagnostics (there should be none).
const DEFAULT_NAME: &str = "keymap.toml (built in)";

/// Keymap files larger than this are refused before they are read; a keymap
/// is a few kilobytes, and `--keymap /dev/zero` must not hang the reader.
pub const MAX_KEYMAP_SIZE: u64 = 1024 * 1024;

/// The keys bound in one context.
#[derive(Debug, Clone, Default)]
struct Bindings {
    /// Each action's keys, in file order.
    keys: HashMap<Action, Vec<Key>>,
    /// The reverse, rebuilt after every change.
    by_key: HashMap<Key, Action>,
}

/// The keys in force: one table of bindings per [`Context`].
#[derive(Debug, Clone)]
pub struct Keymap {
    contexts: [Bindings; Context::ALL.len()],
}

fn slot(context: Context) -> usize {
    context as usize
}

/// A user's binding that passed every check of its own.
struct Entry {
    context: Context,
    action: Action,
    /// The keys with the span of the string each came from.
    keys: Vec<(Key, Range<usize>)>,
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
    fn empty() -> Keymap {
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
    /// `[search]`, where unbound keys type text rather than act.
    pub fn resolve_with_global(&self, context: Context, key: &Key) -> Option<Action> {
        self.resolve(context, key).or_else(|| {
            (context != Context::Search)
                .then(|| self.resolve(Context::Global, key))
                .flatten()
        })
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

    fn rebuild_lookup(&mut self) {
        for context in Context::ALL {
            let bindings = &mut self.contexts[slot(context)];
            bindings.by_key.clear();
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

/// Where the user's keymap is: `explicit` (from `--keymap`), else
/// `$XDG_CONFIG_HOME/brief/keymap.toml`, else `~/.config/brief/keymap.toml`.
/// The file need not exist.
pub fn user_keymap_path(explicit: Option<&Path>) -> Option<PathBuf> {
    user_keymap_path_with(explicit, |name| std::env::var_os(name))
}

/// [`user_keymap_path`] with the environment read through `env`.
pub fn user_keymap_path_with(
    explicit: Option<&Path>,
    env: impl Fn(&str) -> Option<OsString>,
) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_path_buf());
    }
    // The XDG spec: an empty value counts as unset, and a relative one is
    // invalid and ignored.
    let set = |name: &str| {
        env(name)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
            .filter(|path| path.is_absolute())
    };
    let config = set("XDG_CONFIG_HOME").or_else(|| set("HOME").map(|home| home.join(".config")))?;
    Some(config.join("brief").join("keymap.toml"))
}

/// Checks the keymap at `path` for `brief check --keymap`: every diagnostic,
/// empty if the file is valid.
pub fn check_file(path: &Path) -> Vec<Diagnostic> {
    inspect_file(path).diagnostics
}

/// Like [`check_file`], also counting what the file binds.
pub fn inspect_file(path: &Path) -> FileCheck {
    match read_keymap_file(path) {
        Ok(source) => {
            let (_, diagnostics, bindings) =
                build(&Keymap::defaults(), &display_name(path), &source);
            FileCheck {
                bindings,
                diagnostics,
            }
        }
        Err(failure) => FileCheck {
            bindings: 0,
            diagnostics: vec![*failure.diagnostic],
        },
    }
}

fn load_with_env(
    explicit: Option<&Path>,
    env: impl Fn(&str) -> Option<OsString>,
) -> (Keymap, Vec<Diagnostic>) {
    let Some(path) = user_keymap_path_with(explicit, env) else {
        return (Keymap::defaults(), Vec::new());
    };
    match read_keymap_file(&path) {
        Ok(source) => Keymap::with_overrides(&display_name(&path), &source),
        Err(failure) if failure.missing && explicit.is_none() => (Keymap::defaults(), Vec::new()),
        Err(failure) => (Keymap::defaults(), vec![*failure.diagnostic]),
    }
}

/// Why a keymap file could not be read.
struct ReadFailure {
    /// The file does not exist (fine for the usual places, not for `--keymap`).
    missing: bool,
    /// Boxed: the error path is rare and should not bloat the `Result`.
    diagnostic: Box<Diagnostic>,
}

fn read_keymap_file(path: &Path) -> Result<String, ReadFailure> {
    let name = display_name(path);
    let fail = |message: String, hint: &str| ReadFailure {
        missing: false,
        diagnostic: Box::new(Diagnostic::whole_file(
            &name,
            Severity::Error,
            message,
            Some(hint.to_owned()),
        )),
    };
    let bytes = crate::fsio::read_regular(path, MAX_KEYMAP_SIZE).map_err(|error| {
        use crate::fsio::ReadError;
        let hint = match &error {
            ReadError::NotFound => "check the path; brief uses its default keys",
            ReadError::PermissionDenied => {
                "check the file's permissions; brief uses its default keys"
            }
            ReadError::NotRegular(_) => "give the path of a keymap.toml",
            ReadError::TooLarge { .. } => {
                "a keymap needs only the entries that differ from the defaults"
            }
            ReadError::Io(_) => "brief uses its default keys",
        };
        let message = match &error {
            ReadError::NotFound | ReadError::PermissionDenied | ReadError::Io(_) => {
                format!("cannot read the keymap: {error}")
            }
            ReadError::NotRegular(kind) => format!("is {kind}, not a keymap file"),
            ReadError::TooLarge { size, .. } => format!(
                "the keymap is {}, over the {} KiB limit",
                crate::fsio::human_size(*size),
                MAX_KEYMAP_SIZE / 1024
            ),
        };
        ReadFailure {
            missing: error.is_not_found(),
            ..fail(message, hint)
        }
    })?;
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let prefix =
            String::from_utf8_lossy(error.as_bytes().get(..valid).unwrap_or_default()).into_owned();
        let index = LineIndex::new(&prefix);
        ReadFailure {
            missing: false,
            diagnostic: Box::new(index.diagnostic(
                &name,
                prefix.len()..prefix.len(),
                Severity::Error,
                "the keymap is not valid UTF-8".to_owned(),
                Some("save it as UTF-8 in your editor".to_owned()),
            )),
        }
    })
}

/// Reads `source` and lays it over `base`. Returns the keymap, every
/// diagnostic in file order, and how many key bindings of the file apply.
fn build(base: &Keymap, name: &str, source: &str) -> (Keymap, Vec<Diagnostic>, usize) {
    let index = LineIndex::new(source);
    let mut reader = Reader {
        name,
        index: &index,
        base,
        entries: Vec::new(),
        diagnostics: Vec::new(),
    };
    reader.file(source);
    reader.reject_duplicates();
    let Reader {
        entries,
        mut diagnostics,
        ..
    } = reader;
    let mut keymap = base.clone();
    layer(&mut keymap, &entries);
    diagnostics.extend(protect_exits(&mut keymap, base, &entries, name, &index));
    keymap.rebuild_lookup();
    diagnostics.sort_by_key(|d| (d.line, d.column));
    let bindings = entries.iter().map(|e| e.keys.len()).sum();
    (keymap, diagnostics, bindings)
}

/// Replaces the keys of every action the user named; a key the user bound
/// is taken from the default action that held it in the same context,
/// without complaint, since the user asked for it by name.
fn layer(keymap: &mut Keymap, entries: &[Entry]) {
    for context in Context::ALL {
        let mine: Vec<&Entry> = entries.iter().filter(|e| e.context == context).collect();
        if mine.is_empty() {
            continue;
        }
        let named: HashSet<Action> = mine.iter().map(|e| e.action).collect();
        let taken: HashSet<Key> = mine
            .iter()
            .flat_map(|e| e.keys.iter().map(|(key, _)| *key))
            .collect();
        let bindings = &mut keymap.contexts[slot(context)];
        for (action, keys) in &mut bindings.keys {
            if !named.contains(action) {
                keys.retain(|key| !taken.contains(key));
            }
        }
        for entry in mine {
            let keys = entry.keys.iter().map(|(key, _)| *key).collect();
            bindings.keys.insert(entry.action, keys);
        }
    }
}

/// The actions no keymap may leave without a key: without them the reader
/// could be neither left nor explained.
const PROTECTED: [Action; 2] = [Action::Quit, Action::Help];

/// Gives `quit` and `help` back their default keys if the user's bindings
/// took all of them, and says so at each key taken back.
fn protect_exits(
    keymap: &mut Keymap,
    base: &Keymap,
    entries: &[Entry],
    name: &str,
    index: &LineIndex<'_>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let global = slot(Context::Global);
    for action in PROTECTED {
        let defaults = base.keys(Context::Global, action);
        if !keymap.keys(Context::Global, action).is_empty() || defaults.is_empty() {
            continue;
        }
        for key in defaults {
            let Some((thief, span)) = entries
                .iter()
                .filter(|e| e.context == Context::Global)
                .find_map(|e| {
                    e.keys
                        .iter()
                        .find(|(k, _)| k == key)
                        .map(|(_, span)| (e.action, span.clone()))
                })
            else {
                continue;
            };
            if let Some(keys) = keymap.contexts[global].keys.get_mut(&thief) {
                keys.retain(|k| k != key);
            }
            diagnostics.push(index.diagnostic(
                name,
                span,
                Severity::Error,
                format!(
                    "{} would leave `{action}` with no key, so it stays bound to `{action}`, not `{thief}`",
                    quote(&key.to_string())
                ),
                Some(format!(
                    "bind `{action}` to another key in [global] first; it must keep one"
                )),
            ));
        }
        keymap.contexts[global]
            .keys
            .insert(action, defaults.to_vec());
    }
    diagnostics
}

/// `[a], [b]` for messages.
fn table_list(contexts: &[Context]) -> String {
    contexts
        .iter()
        .map(|c| format!("[{c}]"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Keys as `a`, `b` for messages.
fn key_list(keys: &[Key]) -> String {
    keys.iter()
        .map(|k| quote(&k.to_string()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Walks a parsed keymap file, collecting valid entries and diagnostics.
struct Reader<'a> {
    name: &'a str,
    index: &'a LineIndex<'a>,
    /// What the file is laid over, for hints about keys kept.
    base: &'a Keymap,
    entries: Vec<Entry>,
    diagnostics: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn error(&mut self, span: Range<usize>, message: String, hint: String) {
        let diagnostic =
            self.index
                .diagnostic(self.name, span, Severity::Error, message, Some(hint));
        self.diagnostics.push(diagnostic);
    }

    fn file(&mut self, source: &str) {
        let (root, syntax_errors) = DeTable::parse_recoverable(source);
        if !syntax_errors.is_empty() {
            // Nothing of a file that is not TOML can be trusted to mean what
            // it seems to: the defaults apply whole.
            for error in syntax_errors.iter().take(20) {
                let span = error.span().unwrap_or(0..0);
                let message = sanitize::line(error.message().trim());
                self.error(
                    span,
                    format!("TOML syntax: {message}"),
                    "fix the syntax; until then brief uses its default keys".to_owned(),
                );
            }
            return;
        }
        // toml's tables are sorted by name; file order makes "bound twice"
        // point at the second binding, where the reader expects it.
        for (key, value) in in_file_order(root.get_ref()) {
            let table_name: &str = key.get_ref();
            let Some(context) = Context::from_name(table_name) else {
                self.unknown_table(key, value);
                continue;
            };
            let DeValue::Table(table) = value.get_ref() else {
                self.error(
                    value.span(),
                    format!(
                        "[{context}] must be a table of bindings, not {}",
                        type_name(value.get_ref())
                    ),
                    format!("write `[{context}]` on a line of its own, and `action = \"key\"` lines under it"),
                );
                continue;
            };
            for (action_key, value) in in_file_order(table) {
                self.entry(context, action_key, value);
            }
        }
    }

    fn unknown_table(&mut self, key: &Spanned<DeString<'_>>, value: &Spanned<DeValue<'_>>) {
        let name: &str = key.get_ref();
        let contexts: Vec<&str> = Context::ALL.iter().map(|c| c.name()).collect();
        if !matches!(value.get_ref(), DeValue::Table(_)) {
            let hint = match Action::from_name(name) {
                Some(action) => format!("put it under {}", table_list(action.contexts())),
                None => format!(
                    "the file holds only the tables {}",
                    table_list(&Context::ALL)
                ),
            };
            self.error(
                key.span(),
                format!("{} is outside any context table", quote(name)),
                hint,
            );
            return;
        }
        let hint = match suggest(name, &contexts) {
            Some(best) => format!("did you mean `[{best}]`?"),
            None => format!("the tables are {}", table_list(&Context::ALL)),
        };
        self.error(
            key.span(),
            format!("unknown context table {}", quote(&format!("[{name}]"))),
            hint,
        );
    }

    /// Checks one `action = keys` line; a valid one becomes an [`Entry`].
    fn entry(
        &mut self,
        context: Context,
        key: &Spanned<DeString<'_>>,
        value: &Spanned<DeValue<'_>>,
    ) {
        let action_name: &str = key.get_ref();
        let Some(action) = Action::from_name(action_name) else {
            self.unknown_action(context, key);
            return;
        };
        if !action.contexts().contains(&context) {
            let hint = match action.contexts() {
                [only] => format!("move it to [{only}]"),
                _ => "move it to one of those tables".to_owned(),
            };
            self.error(
                key.span(),
                format!(
                    "`{action}` cannot be bound in [{context}]; it belongs in {}",
                    table_list(action.contexts())
                ),
                hint,
            );
            return;
        }
        // Every key name is checked even when the value has other faults,
        // so one run of `brief check` finds them all.
        let (names, mut valid) = self.key_names(context, action, value);
        let mut keys: Vec<(Key, Range<usize>)> = Vec::with_capacity(names.len());
        for (text, span) in names {
            match parse_key(text) {
                Ok(parsed) => {
                    if keys.iter().any(|(k, _)| *k == parsed) {
                        self.error(
                            span,
                            format!(
                                "{} is listed twice for `{action}` in [{context}]",
                                quote(text)
                            ),
                            "remove one of them".to_owned(),
                        );
                        valid = false;
                    } else {
                        keys.push((parsed, span));
                    }
                }
                Err(error) => {
                    self.error(span, error.message, error.hint.unwrap_or_default());
                    valid = false;
                }
            }
        }
        if !valid {
            return;
        }
        if keys.is_empty() && context == Context::Global && PROTECTED.contains(&action) {
            let defaults = self.base.keys(Context::Global, action);
            self.error(
                value.span(),
                format!("`{action}` cannot be left without a key"),
                format!(
                    "it keeps its default keys ({}) so brief can always be {}; bind it to other keys instead",
                    key_list(defaults),
                    if action == Action::Quit {
                        "left"
                    } else {
                        "explained"
                    },
                ),
            );
            return;
        }
        self.entries.push(Entry {
            context,
            action,
            keys,
        });
    }

    fn unknown_action(&mut self, context: Context, key: &Spanned<DeString<'_>>) {
        let name: &str = key.get_ref();
        let here: Vec<&str> = Action::ALL
            .iter()
            .filter(|a| a.contexts().contains(&context))
            .map(|a| a.name())
            .collect();
        let everywhere: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
        let hint = match suggest(name, &here).or_else(|| suggest(name, &everywhere)) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("the actions for [{context}] are: {}", here.join(", ")),
        };
        self.error(
            key.span(),
            format!("unknown action {} in [{context}]", quote(name)),
            hint,
        );
    }

    /// The key names of a binding's value (one string, or a list of them),
    /// and whether the value held nothing else.
    fn key_names<'v>(
        &mut self,
        context: Context,
        action: Action,
        value: &'v Spanned<DeValue<'_>>,
    ) -> (Vec<(&'v str, Range<usize>)>, bool) {
        match value.get_ref() {
            DeValue::String(text) => (vec![(text.as_ref(), value.span())], true),
            DeValue::Array(items) => {
                let mut names = Vec::with_capacity(items.len());
                let mut valid = true;
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::String(text) => names.push((text.as_ref(), item.span())),
                        other => {
                            self.error(
                                item.span(),
                                format!(
                                    "each key of `{action}` in [{context}] must be a string, not {}",
                                    type_name(other)
                                ),
                                "put the key name in quotes, such as \"1\"".to_owned(),
                            );
                            valid = false;
                        }
                    }
                }
                (names, valid)
            }
            other => {
                self.error(
                    value.span(),
                    format!(
                        "`{action}` in [{context}] must be a key name or a list of key names, not {}",
                        type_name(other)
                    ),
                    format!("write `{action} = \"x\"` or `{action} = [\"x\", \"ctrl-x\"]`"),
                );
                (Vec::new(), false)
            }
        }
    }

    /// A key the user's file binds to two actions in one context: the later
    /// entry is refused (its action keeps its default keys), so what the
    /// key does never depends on the order toml hands tables out.
    fn reject_duplicates(&mut self) {
        let mut owners: HashMap<(Context, Key), (Action, usize)> = HashMap::new();
        let entries = std::mem::take(&mut self.entries);
        for entry in entries {
            let clashes: Vec<(Key, Range<usize>, Action, usize)> = entry
                .keys
                .iter()
                .filter_map(|(key, span)| {
                    owners
                        .get(&(entry.context, *key))
                        .map(|(owner, line)| (*key, span.clone(), *owner, *line))
                })
                .collect();
            if clashes.is_empty() {
                for (key, span) in &entry.keys {
                    let (line, _) = self.index.position(span.start);
                    owners.insert((entry.context, *key), (entry.action, line));
                }
                self.entries.push(entry);
                continue;
            }
            for (key, span, owner, line) in clashes {
                self.error(
                    span,
                    format!(
                        "{} is bound twice in [{}]: line {line} binds it to `{owner}`",
                        quote(&key.to_string()),
                        entry.context
                    ),
                    format!(
                        "remove it from one of them; until then `{}` keeps its default keys",
                        entry.action
                    ),
                );
            }
        }
    }
}

/// A table's entries in the order they appear in the file.
fn in_file_order<'t, 'i>(
    table: &'t DeTable<'i>,
) -> Vec<(&'t Spanned<DeString<'i>>, &'t Spanned<DeValue<'i>>)> {
    let mut items: Vec<_> = table.iter().collect();
    items.sort_by_key(|(key, _)| key.span().start);
    items
}

#[cfg(test)]
mod tests;

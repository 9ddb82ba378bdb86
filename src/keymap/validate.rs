//! Checking a keymap file's entries and laying them over a base keymap:
//! unknown tables, actions and keys, keys bound twice, and the exits
//! (`quit`, `help`) that must keep a key. Each problem is a diagnostic at
//! its line and column; the entry in error keeps its default keys.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::key::parse_key;
use super::{Key, Keymap, slot};
use crate::action::{Action, Context};
use crate::diagnostic::{Diagnostic, LineIndex, Severity, quote};
use crate::loader::{suggest, type_name};
use crate::sanitize;

/// A user's binding that passed every check of its own.
struct Entry {
    context: Context,
    action: Action,
    /// The keys with the span of the string each came from.
    keys: Vec<(Key, Range<usize>)>,
}

/// Reads `source` and lays it over `base`. Returns the keymap, every
/// diagnostic in file order, and how many key bindings of the file apply.
pub(super) fn build(base: &Keymap, name: &str, source: &str) -> (Keymap, Vec<Diagnostic>, usize) {
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

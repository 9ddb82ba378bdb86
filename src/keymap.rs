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
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

use ratatui::crossterm::event::{KeyCode as TermCode, KeyEvent, KeyModifiers};
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use crate::action::{Action, Context};
use crate::diagnostic::{Diagnostic, LineIndex, Severity, quote};
use crate::loader::{display_name, suggest, type_name};
use crate::sanitize;

/// The default keymap, as shipped in the repository.
const DEFAULT_SOURCE: &str = include_str!("../keymap.toml");

/// The name the built-in keymap goes by in diagnostics (there should be none).
const DEFAULT_NAME: &str = "keymap.toml (built in)";

/// Keymap files larger than this are refused before they are read; a keymap
/// is a few kilobytes, and `--keymap /dev/zero` must not hang the reader.
pub const MAX_KEYMAP_SIZE: u64 = 1024 * 1024;

/// A key without its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// A character; `' '` is written `space`.
    Char(char),
    /// Enter (Return).
    Enter,
    /// Escape.
    Esc,
    /// Tab; shift-tab is this with shift (terminals call it BackTab).
    Tab,
    /// Backspace.
    Backspace,
    /// Delete.
    Delete,
    /// Insert.
    Insert,
    /// Home.
    Home,
    /// End.
    End,
    /// Page Up.
    PageUp,
    /// Page Down.
    PageDown,
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Arrow left.
    Left,
    /// Arrow right.
    Right,
    /// A function key, `f1`…`f12` in the notation.
    F(u8),
    /// A key (or a modifier such as super) the notation has no name for.
    /// Nothing is ever bound to it.
    Other,
}

/// The modifiers the notation knows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Modifiers {
    /// `ctrl-`
    pub ctrl: bool,
    /// `alt-`
    pub alt: bool,
    /// `shift-`; never set with [`Code::Char`], whose character carries the case.
    pub shift: bool,
}

/// One key with its modifiers, in canonical form (see [`Key::canonical`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    /// The key.
    pub code: Code,
    /// Held modifiers.
    pub modifiers: Modifiers,
}

/// Named keys of the notation, in the order error messages list them.
const NAMED: &[(&str, Code)] = &[
    ("enter", Code::Enter),
    ("esc", Code::Esc),
    ("tab", Code::Tab),
    ("backspace", Code::Backspace),
    ("delete", Code::Delete),
    ("insert", Code::Insert),
    ("home", Code::Home),
    ("end", Code::End),
    ("pageup", Code::PageUp),
    ("pagedown", Code::PageDown),
    ("up", Code::Up),
    ("down", Code::Down),
    ("left", Code::Left),
    ("right", Code::Right),
    ("space", Code::Char(' ')),
];

const FUNCTION_KEYS: [&str; 12] = [
    "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12",
];

/// Names people write for keys from other programs' notations, and ours.
const ALIASES: &[(&str, &str)] = &[
    ("escape", "esc"),
    ("return", "enter"),
    ("ret", "enter"),
    ("cr", "enter"),
    ("pgdn", "pagedown"),
    ("pgup", "pageup"),
    ("del", "delete"),
    ("ins", "insert"),
    ("bs", "backspace"),
    ("bksp", "backspace"),
    ("backtab", "shift-tab"),
    ("spacebar", "space"),
    ("spc", "space"),
];

/// Why a key name was refused: what is wrong, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
struct KeyError {
    message: String,
    hint: Option<String>,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " — {hint}")?;
        }
        Ok(())
    }
}

impl Key {
    /// A key, put in canonical form.
    pub fn new(code: Code, modifiers: Modifiers) -> Key {
        Key { code, modifiers }.canonical()
    }

    /// Parses the keymap notation (`j`, `G`, `ctrl-d`, `shift-tab`,
    /// `pagedown`, …). The error is a message with a hint, ready to show.
    pub fn parse(text: &str) -> Result<Key, String> {
        parse_key(text).map_err(|e| e.to_string())
    }

    /// The key a terminal event stands for, normalised so that it matches
    /// the notation whatever the terminal sends: the shift a terminal may or
    /// may not report with an upper-case letter is dropped (the character
    /// carries the case), BackTab is shift-tab, and ctrl with a letter is the
    /// lower-case letter (terminals cannot tell ctrl-g from ctrl-G). The
    /// event's kind (press, repeat, release) is the caller's business.
    pub fn from_event(event: &KeyEvent) -> Key {
        let held = event.modifiers;
        // Super, hyper and meta only arrive from terminals speaking the kitty
        // protocol; with them held, the key is not the one the notation names.
        if held.intersects(KeyModifiers::SUPER | KeyModifiers::HYPER | KeyModifiers::META) {
            return Key::new(Code::Other, Modifiers::default());
        }
        let mut modifiers = Modifiers {
            ctrl: held.contains(KeyModifiers::CONTROL),
            alt: held.contains(KeyModifiers::ALT),
            shift: held.contains(KeyModifiers::SHIFT),
        };
        let code = match event.code {
            TermCode::Char(c) => Code::Char(c),
            TermCode::Enter => Code::Enter,
            TermCode::Esc => Code::Esc,
            TermCode::Tab => Code::Tab,
            TermCode::BackTab => {
                modifiers.shift = true;
                Code::Tab
            }
            TermCode::Backspace => Code::Backspace,
            TermCode::Delete => Code::Delete,
            TermCode::Insert => Code::Insert,
            TermCode::Home => Code::Home,
            TermCode::End => Code::End,
            TermCode::PageUp => Code::PageUp,
            TermCode::PageDown => Code::PageDown,
            TermCode::Up => Code::Up,
            TermCode::Down => Code::Down,
            TermCode::Left => Code::Left,
            TermCode::Right => Code::Right,
            TermCode::F(n) => Code::F(n),
            _ => Code::Other,
        };
        Key::new(code, modifiers)
    }

    /// The canonical form every comparison uses: no shift with a character,
    /// a lower-case letter with ctrl, no modifiers on [`Code::Other`].
    pub fn canonical(self) -> Key {
        let mut modifiers = self.modifiers;
        let code = match self.code {
            Code::Char(c) => {
                modifiers.shift = false;
                Code::Char(if modifiers.ctrl { lower(c) } else { c })
            }
            Code::Other => {
                return Key {
                    code: Code::Other,
                    modifiers: Modifiers::default(),
                };
            }
            other => other,
        };
        Key { code, modifiers }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = self.canonical();
        if key.modifiers.ctrl {
            f.write_str("ctrl-")?;
        }
        if key.modifiers.alt {
            f.write_str("alt-")?;
        }
        if key.modifiers.shift {
            f.write_str("shift-")?;
        }
        match key.code {
            Code::Char(' ') => f.write_str("space"),
            // Parsed keys are always visible characters; a Key built by hand
            // might not be, and this text reaches the screen.
            Code::Char(c) => f.write_str(&sanitize::line(c.encode_utf8(&mut [0; 4]))),
            Code::F(n) => write!(f, "f{n}"),
            Code::Other => f.write_str("(unnamed key)"),
            named => {
                let name = NAMED
                    .iter()
                    .find(|(_, code)| *code == named)
                    .map_or("?", |(name, _)| name);
                f.write_str(name)
            }
        }
    }
}

/// `c` in lower case, if that is one character.
fn lower(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// `c` in upper case, if that is one character.
fn upper(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// `text` without `prefix` (compared ignoring ASCII case), if it starts with
/// it and something follows.
fn strip_modifier<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    let rest = text.get(prefix.len()..)?;
    (head.eq_ignore_ascii_case(prefix) && !rest.is_empty()).then_some(rest)
}

fn named_code(name: &str) -> Option<Code> {
    if let Some((_, code)) = NAMED.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
        return Some(*code);
    }
    FUNCTION_KEYS
        .iter()
        .position(|f| f.eq_ignore_ascii_case(name))
        .and_then(|i| u8::try_from(i + 1).ok())
        .map(Code::F)
}

/// Longer than any key name (`ctrl-alt-shift-backspace` is 24): beyond it
/// no guess at what was meant is attempted.
const MAX_KEY_NAME: usize = 40;

fn parse_key(text: &str) -> Result<Key, KeyError> {
    parse_explained(text, true)
}

/// A key, if `text` names one; for the guesses behind a hint, which must not
/// guess in turn.
fn parse_quietly(text: &str) -> Option<Key> {
    parse_explained(text, false).ok()
}

/// Parses `text`; with `explain`, an unknown name's error carries a guess at
/// the key meant.
fn parse_explained(text: &str, explain: bool) -> Result<Key, KeyError> {
    if text.is_empty() {
        return Err(KeyError {
            message: "the key name is empty".to_owned(),
            hint: Some("write a key such as `j`, `ctrl-d` or `pagedown`".to_owned()),
        });
    }
    let explain = explain && text.chars().count() <= MAX_KEY_NAME;
    let mut modifiers = Modifiers::default();
    let mut rest = text;
    // Peel modifiers off the front; what is left is one character or a name.
    // Only a prefix with something after it counts, so `-` and `ctrl--` work.
    'peel: loop {
        for prefix in ["ctrl-", "alt-", "shift-"] {
            if let Some(after) = strip_modifier(rest, prefix) {
                match prefix {
                    "ctrl-" => modifiers.ctrl = true,
                    "alt-" => modifiers.alt = true,
                    _ => modifiers.shift = true,
                }
                rest = after;
                continue 'peel;
            }
        }
        break;
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) => {
            typeable(c, text)?;
            Code::Char(c)
        }
        _ => named_code(rest).ok_or_else(|| unknown_key_name(text, rest, explain))?,
    };
    let code = match code {
        Code::Char(c) if modifiers.shift => Code::Char(shifted(c, text)?),
        other => other,
    };
    Ok(Key::new(code, modifiers))
}

/// Refuses characters no terminal sends as themselves, or that would not
/// show in the help overlay.
fn typeable(c: char, text: &str) -> Result<(), KeyError> {
    if c.is_control() {
        let name = match c {
            '\t' => "tab",
            '\n' | '\r' => "enter",
            '\u{1b}' => "esc",
            '\u{8}' | '\u{7f}' => "backspace",
            _ => "",
        };
        let hint = if name.is_empty() {
            "write the key's name, such as `esc` or `ctrl-x`".to_owned()
        } else {
            format!("write `{name}`")
        };
        return Err(KeyError {
            message: format!("{} is a control character, not a key name", quote(text)),
            hint: Some(hint),
        });
    }
    let mut buffer = [0; 4];
    let alone: &str = c.encode_utf8(&mut buffer);
    if sanitize::line(alone) != alone {
        return Err(KeyError {
            message: format!("{} is not a character a key types", quote(text)),
            hint: Some("write a visible character or a named key".to_owned()),
        });
    }
    Ok(())
}

/// The character shift+`c` stands for: only letters have a case to change;
/// for anything else the shifted character depends on the keyboard.
fn shifted(c: char, text: &str) -> Result<char, KeyError> {
    if c.is_lowercase() && upper(c) != c {
        return Ok(upper(c));
    }
    if c.is_uppercase() {
        return Ok(c);
    }
    let hint = if c == ' ' {
        "terminals send shift-space as `space`; bind `space`".to_owned()
    } else {
        "write the character the shifted key types, such as `!` or `?`".to_owned()
    };
    Err(KeyError {
        message: format!(
            "{}: shift- only goes with letters and named keys",
            quote(text)
        ),
        hint: Some(hint),
    })
}

/// The error for a name that is neither one character nor a known key,
/// with the most likely intended key.
fn unknown_key_name(text: &str, rest: &str, explain: bool) -> KeyError {
    let modifiers = text.get(..text.len() - rest.len()).unwrap_or("");
    let hint = explain
        .then(|| likely_key(rest))
        .flatten()
        .map(|guess| format!("did you mean `{}`?", sanitize::line(&format!("{modifiers}{guess}"))))
        .or_else(|| {
            let head = rest.split('-').next().unwrap_or("").to_ascii_lowercase();
            matches!(
                head.as_str(),
                "super" | "cmd" | "command" | "win" | "hyper" | "meta"
            )
            .then(|| {
                "terminals do not pass that modifier to programs; use ctrl-, alt- or shift-"
                    .to_owned()
            })
        })
        .unwrap_or_else(|| {
            let names: Vec<&str> = NAMED.iter().map(|(name, _)| *name).collect();
            format!(
                "write one character, or one of {}, f1–f12, with ctrl-, alt- or shift- in front if needed",
                names.join(", ")
            )
        });
    KeyError {
        message: format!("unknown key name {}", quote(text)),
        hint: Some(hint),
    }
}

/// What someone who wrote `name` (modifiers already peeled) probably meant.
fn likely_key(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    if let Some((_, canonical)) = ALIASES.iter().find(|(alias, _)| *alias == lower) {
        return Some((*canonical).to_owned());
    }
    let mut candidates: Vec<&str> = NAMED.iter().map(|(name, _)| *name).collect();
    candidates.extend(FUNCTION_KEYS);
    if let Some(best) = suggest(name, &candidates) {
        return Some(best.to_owned());
    }
    // vim's <C-d> and emacs's C-d / M-x, ^D from terminal manuals.
    if let Some(inner) = name.strip_prefix('<').and_then(|n| n.strip_suffix('>')) {
        return likely_key(inner).or_else(|| parse_quietly(inner).map(|k| k.to_string()));
    }
    if let Some(letter) = name.strip_prefix('^')
        && letter.chars().count() == 1
    {
        return parse_quietly(&format!("ctrl-{letter}")).map(|k| k.to_string());
    }
    let (head, tail) = name.split_once('-')?;
    let modifier = match head.to_ascii_lowercase().as_str() {
        "c" | "control" | "ctl" | "ctr" | "strg" => "ctrl",
        "m" | "a" | "option" | "opt" => "alt",
        "s" => "shift",
        other => suggest(other, &["ctrl", "alt", "shift"])?,
    };
    let rest = parse_quietly(tail)
        .map(|k| k.to_string())
        .or_else(|| likely_key(tail))?;
    let guess = format!("{modifier}-{rest}");
    parse_quietly(&guess).map(|k| k.to_string())
}

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
    let io_fail = |error: std::io::Error| {
        let missing = error.kind() == std::io::ErrorKind::NotFound;
        let hint = match error.kind() {
            std::io::ErrorKind::NotFound => "check the path; brief uses its default keys",
            std::io::ErrorKind::PermissionDenied => {
                "check the file's permissions; brief uses its default keys"
            }
            _ => "brief uses its default keys",
        };
        ReadFailure {
            missing,
            ..fail(format!("cannot read the keymap: {error}"), hint)
        }
    };
    let file = File::open(path).map_err(io_fail)?;
    let metadata = file.metadata().map_err(io_fail)?;
    if metadata.is_dir() {
        return Err(fail(
            "is a folder, not a keymap file".to_owned(),
            "give the path of a keymap.toml",
        ));
    }
    let too_large = || {
        fail(
            format!(
                "the keymap is over the {} KiB limit",
                MAX_KEYMAP_SIZE / 1024
            ),
            "a keymap needs only the entries that differ from the defaults",
        )
    };
    if metadata.len() > MAX_KEYMAP_SIZE {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    // One byte past the limit, so a device or a growing file is refused
    // without being read whole.
    file.take(MAX_KEYMAP_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(io_fail)?;
    if bytes.len() as u64 > MAX_KEYMAP_SIZE {
        return Err(too_large());
    }
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
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEvent;

    fn key(text: &str) -> Key {
        Key::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn overrides(source: &str) -> (Keymap, Vec<String>) {
        let (keymap, diagnostics) = Keymap::with_overrides("k.toml", source);
        assert!(diagnostics.iter().all(|d| d.severity == Severity::Error));
        (
            keymap,
            diagnostics.iter().map(ToString::to_string).collect(),
        )
    }

    fn names(keys: &[Key]) -> Vec<String> {
        keys.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn notation_round_trips_in_canonical_form() {
        let cases = [
            ("j", "j"),
            ("G", "G"),
            ("shift-g", "G"),
            ("Shift-G", "G"),
            ("?", "?"),
            ("[", "["),
            ("1", "1"),
            ("-", "-"),
            ("ctrl--", "ctrl--"),
            ("ä", "ä"),
            ("shift-ä", "Ä"),
            ("中", "中"),
            (" ", "space"),
            ("Space", "space"),
            ("ctrl-d", "ctrl-d"),
            ("Ctrl-D", "ctrl-d"),
            ("ctrl-shift-d", "ctrl-d"),
            ("alt-G", "alt-G"),
            ("alt-ctrl-x", "ctrl-alt-x"),
            ("shift-tab", "shift-tab"),
            ("PageDown", "pagedown"),
            ("shift-up", "shift-up"),
            ("F12", "f12"),
            ("esc", "esc"),
        ];
        for (input, canonical) in cases {
            let parsed = key(input);
            assert_eq!(parsed.to_string(), canonical, "{input}");
            assert_eq!(key(canonical), parsed, "{input} round trip");
        }
        assert_eq!(key("G"), key("shift-g"));
        assert_ne!(key("G"), key("g"));
    }

    #[test]
    fn bad_key_names_say_what_to_write() {
        let error = |text: &str| Key::parse(text).expect_err(text);
        assert_eq!(
            error("pgdown"),
            "unknown key name `pgdown` — did you mean `pagedown`?"
        );
        assert!(error("ctrl-pgdn").ends_with("did you mean `ctrl-pagedown`?"));
        assert!(error("escape").ends_with("did you mean `esc`?"));
        assert!(error("ctl-d").ends_with("did you mean `ctrl-d`?"));
        assert!(error("C-d").ends_with("did you mean `ctrl-d`?"));
        assert!(error("<C-u>").ends_with("did you mean `ctrl-u`?"));
        assert!(error("^D").ends_with("did you mean `ctrl-d`?"));
        assert!(error("super-x").contains("terminals do not pass that modifier"));
        assert!(error("f13").starts_with("unknown key name `f13`"));
        assert!(error("ab").starts_with("unknown key name `ab`"));
        assert!(error("ctrl-").starts_with("unknown key name `ctrl-`"));
        assert!(error("").starts_with("the key name is empty"));
        // Guessing stays cheap however the name is built.
        let nested = format!("{}x{}", "<".repeat(5000), ">".repeat(5000));
        assert!(error(&nested).starts_with("unknown key name"));
        assert!(error(&"c-".repeat(5000)).starts_with("unknown key name"));
        assert!(error(&"c-".repeat(19)).starts_with("unknown key name"));
        assert!(error("shift-1").contains("shift- only goes with letters"));
        assert!(error("shift-space").contains("bind `space`"));
        assert_eq!(
            error("\u{1b}"),
            "`␛` is a control character, not a key name — write `esc`"
        );
        assert!(error("\u{202E}").contains("is not a character a key types"));
        assert!(error("\u{301}").contains("is not a character a key types"));
    }

    #[test]
    fn terminal_events_match_the_notation() {
        let event = |code, modifiers| Key::from_event(&KeyEvent::new(code, modifiers));
        let none = KeyModifiers::NONE;
        let shift = KeyModifiers::SHIFT;
        let ctrl = KeyModifiers::CONTROL;
        // Terminals differ on whether shift is reported with an upper-case letter.
        assert_eq!(event(TermCode::Char('G'), shift), key("G"));
        assert_eq!(event(TermCode::Char('G'), none), key("G"));
        assert_ne!(event(TermCode::Char('g'), none), key("G"));
        assert_eq!(event(TermCode::BackTab, shift), key("shift-tab"));
        assert_eq!(event(TermCode::BackTab, none), key("shift-tab"));
        assert_eq!(event(TermCode::Tab, shift), key("shift-tab"));
        assert_eq!(event(TermCode::Tab, none), key("tab"));
        assert_eq!(event(TermCode::Char('d'), ctrl), key("ctrl-d"));
        assert_eq!(event(TermCode::Char('D'), ctrl | shift), key("ctrl-d"));
        assert_eq!(event(TermCode::Char(' '), none), key("space"));
        assert_eq!(event(TermCode::Char('?'), shift), key("?"));
        assert_eq!(event(TermCode::PageDown, none), key("pagedown"));
        assert_eq!(event(TermCode::F(5), none), key("f5"));
        assert_eq!(
            event(TermCode::Char('x'), ctrl | KeyModifiers::ALT),
            key("ctrl-alt-x")
        );
        // With super held it is not plain `d`, and nothing can bind it.
        let super_d = event(TermCode::Char('d'), KeyModifiers::SUPER);
        assert_ne!(super_d, key("d"));
        assert_eq!(super_d.code, Code::Other);
        assert_eq!(event(TermCode::CapsLock, none).code, Code::Other);
    }

    #[test]
    fn default_keymap_is_valid_and_complete() {
        let (keymap, diagnostics, _) = build(&Keymap::empty(), DEFAULT_NAME, DEFAULT_SOURCE);
        assert_eq!(diagnostics, Vec::new());
        for context in Context::ALL {
            let mut seen = HashSet::new();
            for (action, keys) in keymap.bindings(context) {
                assert!(!keys.is_empty(), "`{action}` has no key in [{context}]");
                for k in keys {
                    assert!(seen.insert(*k), "{k} bound twice in [{context}]");
                    assert_eq!(keymap.resolve(context, k), Some(action));
                }
            }
        }
        // Nothing is bound outside the contexts an action allows.
        let allowed: usize = Context::ALL
            .iter()
            .map(|c| keymap.bindings(*c).map(|(_, k)| k.len()).sum::<usize>())
            .sum();
        assert_eq!(keymap.binding_count(), allowed);
    }

    #[test]
    fn default_keys_follow_less_and_vim() {
        let keymap = Keymap::defaults();
        let global = |text: &str| keymap.resolve(Context::Global, &key(text));
        assert_eq!(
            names(keymap.keys(Context::Global, Action::Quit)),
            ["q", "ctrl-c"]
        );
        assert_eq!(
            names(keymap.keys(Context::Global, Action::PageDown)),
            ["space", "pagedown", "ctrl-f"]
        );
        assert_eq!(global("G"), Some(Action::Bottom));
        assert_eq!(global("g"), Some(Action::Top));
        assert_eq!(global("N"), Some(Action::PrevMatch));
        assert_eq!(global("5"), Some(Action::Section5));
        assert_eq!(global("shift-tab"), Some(Action::FocusPrev));
        assert_eq!(
            keymap.resolve(Context::Reader, &key("ctrl-e")),
            Some(Action::ScrollDown)
        );
        assert_eq!(
            keymap.resolve(Context::Library, &key("ctrl-p")),
            Some(Action::SelectPrev)
        );
        assert_eq!(
            keymap.resolve(Context::Search, &key("esc")),
            Some(Action::Close)
        );
    }

    #[test]
    fn default_file_describes_every_entry() {
        // The comment above each binding is the action's description, so the
        // file a user copies from says what the help overlay says.
        let lines: Vec<&str> = DEFAULT_SOURCE.lines().collect();
        let mut entries = 0;
        for (i, line) in lines.iter().enumerate() {
            let Some((name, _)) = line.split_once(" = ").filter(|_| !line.starts_with('#')) else {
                continue;
            };
            let action = Action::from_name(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(
                lines[i - 1],
                format!("# {}", action.description()),
                "{name}"
            );
            entries += 1;
        }
        let expected: usize = Action::ALL.iter().map(|a| a.contexts().len()).sum();
        assert_eq!(entries, expected);
    }

    #[test]
    fn overriding_one_action_keeps_the_others() {
        let (keymap, errors) = overrides("[reader]\nscroll_down = \"e\"\n");
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(
            keymap.resolve(Context::Reader, &key("e")),
            Some(Action::ScrollDown)
        );
        // Naming an action replaces its keys.
        assert_eq!(keymap.resolve(Context::Reader, &key("j")), None);
        assert_eq!(
            names(keymap.keys(Context::Reader, Action::ScrollUp)),
            ["k", "up", "ctrl-y"]
        );
        assert_eq!(
            names(keymap.keys(Context::Facts, Action::ScrollDown)),
            ["j", "down"]
        );
        assert_eq!(
            keymap.resolve(Context::Global, &key("q")),
            Some(Action::Quit)
        );
    }

    #[test]
    fn a_user_key_is_taken_from_the_default_action_quietly() {
        let (keymap, errors) = overrides("[reader]\nscroll_up = [\"j\", \"k\"]\n");
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(
            keymap.resolve(Context::Reader, &key("j")),
            Some(Action::ScrollUp)
        );
        assert_eq!(
            names(keymap.keys(Context::Reader, Action::ScrollDown)),
            ["down", "ctrl-e"]
        );
        // Only in that context.
        assert_eq!(
            keymap.resolve(Context::Facts, &key("j")),
            Some(Action::ScrollDown)
        );
    }

    #[test]
    fn empty_list_unbinds() {
        let (keymap, errors) = overrides("[global]\npage_down = []\n");
        assert_eq!(errors, Vec::<String>::new());
        assert!(keymap.keys(Context::Global, Action::PageDown).is_empty());
        assert_eq!(keymap.resolve(Context::Global, &key("space")), None);
        assert!(
            keymap
                .bindings(Context::Global)
                .any(|(a, k)| a == Action::PageDown && k.is_empty())
        );
    }

    #[test]
    fn context_bindings_win_over_global_except_search_has_no_fallback() {
        let (keymap, errors) = overrides("[reader]\nscroll_down = \"g\"\n");
        assert_eq!(errors, Vec::<String>::new());
        let g = key("g");
        assert_eq!(
            keymap.resolve_with_global(Context::Reader, &g),
            Some(Action::ScrollDown)
        );
        assert_eq!(
            keymap.resolve_with_global(Context::Outline, &g),
            Some(Action::Top)
        );
        assert_eq!(keymap.resolve(Context::Outline, &g), None);
        assert_eq!(keymap.resolve_with_global(Context::Search, &key("q")), None);
        assert_eq!(
            keymap.resolve_with_global(Context::Search, &key("esc")),
            Some(Action::Close)
        );
    }

    #[test]
    fn unknown_context_table() {
        let (keymap, errors) = overrides("[reaer]\nscroll_down = \"x\"\n");
        assert_eq!(
            errors,
            ["k.toml:1:2: error: unknown context table `[reaer]` — did you mean `[reader]`?"]
        );
        assert_eq!(keymap.resolve(Context::Reader, &key("x")), None);
    }

    #[test]
    fn binding_outside_a_table() {
        let (_, errors) = overrides("quit = \"x\"\n");
        assert_eq!(
            errors,
            ["k.toml:1:1: error: `quit` is outside any context table — put it under [global]"]
        );
    }

    #[test]
    fn unknown_action() {
        let (_, errors) = overrides("[reader]\nscrol_down = \"x\"\n");
        assert_eq!(
            errors,
            [
                "k.toml:2:1: error: unknown action `scrol_down` in [reader] — did you mean `scroll_down`?"
            ]
        );
    }

    #[test]
    fn action_in_the_wrong_context() {
        let (_, errors) = overrides("[reader]\nopen = \"o\"\n");
        assert_eq!(
            errors,
            [
                "k.toml:2:1: error: `open` cannot be bound in [reader]; it belongs in [outline], [library] — move it to one of those tables"
            ]
        );
    }

    #[test]
    fn unknown_key_name_keeps_the_default_keys() {
        let (keymap, errors) = overrides("[global]\npage_down = [\"space\", \"pgdown\"]\n");
        assert_eq!(
            errors,
            ["k.toml:2:23: error: unknown key name `pgdown` — did you mean `pagedown`?"]
        );
        assert_eq!(
            names(keymap.keys(Context::Global, Action::PageDown)),
            ["space", "pagedown", "ctrl-f"]
        );
    }

    #[test]
    fn wrong_value_types() {
        let (keymap, errors) = overrides("[global]\nquit = 3\ntop = [\"gg\", 1]\n[reader]\n");
        assert_eq!(
            errors,
            [
                "k.toml:2:8: error: `quit` in [global] must be a key name or a list of key names, not an integer — write `quit = \"x\"` or `quit = [\"x\", \"ctrl-x\"]`",
                "k.toml:3:8: error: unknown key name `gg` — write one character, or one of enter, esc, tab, backspace, delete, insert, home, end, pageup, pagedown, up, down, left, right, space, f1–f12, with ctrl-, alt- or shift- in front if needed",
                "k.toml:3:14: error: each key of `top` in [global] must be a string, not an integer — put the key name in quotes, such as \"1\"",
            ]
        );
        assert_eq!(
            names(keymap.keys(Context::Global, Action::Top)),
            ["g", "home"]
        );
        // A value of the wrong type is not an empty list: quit keeps its keys.
        assert_eq!(
            names(keymap.keys(Context::Global, Action::Quit)),
            ["q", "ctrl-c"]
        );
        let (_, errors) = overrides("reader = 1\n");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with(
            "k.toml:1:10: error: [reader] must be a table of bindings, not an integer"
        ));
    }

    #[test]
    fn a_key_bound_twice_in_the_users_file() {
        let (keymap, errors) =
            overrides("[reader]\nscroll_down = \"x\"\nscroll_up = [\"up\", \"x\"]\n");
        assert_eq!(
            errors,
            [
                "k.toml:3:20: error: `x` is bound twice in [reader]: line 2 binds it to `scroll_down` — remove it from one of them; until then `scroll_up` keeps its default keys"
            ]
        );
        assert_eq!(
            keymap.resolve(Context::Reader, &key("x")),
            Some(Action::ScrollDown)
        );
        assert_eq!(
            names(keymap.keys(Context::Reader, Action::ScrollUp)),
            ["k", "up", "ctrl-y"]
        );
        // The same key twice in one list, spelt two ways.
        let (_, errors) = overrides("[global]\nbottom = [\"G\", \"shift-g\"]\n");
        assert_eq!(
            errors,
            [
                "k.toml:2:16: error: `shift-g` is listed twice for `bottom` in [global] — remove one of them"
            ]
        );
        // The same key in two contexts is no conflict.
        let (_, errors) =
            overrides("[reader]\nscroll_down = \"x\"\n[facts]\nscroll_down = \"x\"\n");
        assert_eq!(errors, Vec::<String>::new());
    }

    #[test]
    fn quit_and_help_cannot_be_unbound() {
        let (keymap, errors) = overrides("[global]\nquit = []\nhelp = []\n");
        assert_eq!(
            errors,
            [
                "k.toml:2:8: error: `quit` cannot be left without a key — it keeps its default keys (`q`, `ctrl-c`) so brief can always be left; bind it to other keys instead",
                "k.toml:3:8: error: `help` cannot be left without a key — it keeps its default keys (`?`) so brief can always be explained; bind it to other keys instead",
            ]
        );
        assert_eq!(
            names(keymap.keys(Context::Global, Action::Quit)),
            ["q", "ctrl-c"]
        );
        assert_eq!(names(keymap.keys(Context::Global, Action::Help)), ["?"]);
    }

    #[test]
    fn quit_keeps_its_last_key_when_another_action_takes_them() {
        let (keymap, errors) = overrides("[global]\nsearch = [\"q\", \"ctrl-c\", \"/\"]\n");
        assert_eq!(errors.len(), 2, "{errors:#?}");
        assert!(errors[0].starts_with(
            "k.toml:2:11: error: `q` would leave `quit` with no key, so it stays bound to `quit`, not `search`"
        ));
        assert_eq!(
            names(keymap.keys(Context::Global, Action::Quit)),
            ["q", "ctrl-c"]
        );
        assert_eq!(
            keymap.resolve(Context::Global, &key("q")),
            Some(Action::Quit)
        );
        assert_eq!(names(keymap.keys(Context::Global, Action::Search)), ["/"]);
        // Taking one of two is fine: quit still has a key.
        let (keymap, errors) = overrides("[global]\nsearch = \"q\"\n");
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(
            names(keymap.keys(Context::Global, Action::Quit)),
            ["ctrl-c"]
        );
    }

    #[test]
    fn every_error_is_reported_and_the_rest_applies() {
        let (keymap, errors) = overrides(
            "[global]\nquit = \"Q\"\ntop = \"pgup\"\n[reader]\nscroll_down = \"e\"\nopen = \"o\"\n[nope]\n",
        );
        assert_eq!(errors.len(), 3, "{errors:#?}");
        assert_eq!(
            keymap.resolve(Context::Global, &key("Q")),
            Some(Action::Quit)
        );
        assert_eq!(
            keymap.resolve(Context::Reader, &key("e")),
            Some(Action::ScrollDown)
        );
        assert_eq!(
            names(keymap.keys(Context::Global, Action::Top)),
            ["g", "home"]
        );
    }

    #[test]
    fn a_syntax_error_keeps_the_defaults_whole() {
        let (keymap, errors) = overrides("[reader]\nscroll_down = \"e\"\n[global\n");
        assert!(!errors.is_empty());
        assert!(errors[0].contains("error: TOML syntax:"), "{errors:?}");
        assert_eq!(
            keymap.resolve(Context::Reader, &key("j")),
            Some(Action::ScrollDown)
        );
        assert_eq!(keymap.resolve(Context::Reader, &key("e")), None);
    }

    #[test]
    fn quoted_text_is_sanitised() {
        let (_, errors) = overrides("[reader]\n\"a\\u001b]0;x\\u0007\" = \"j\"\n");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("`a␛]0;x␇`"), "{errors:?}");
        assert!(!errors[0].contains('\u{1b}'));
    }

    #[test]
    fn user_file_lookup_order() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| OsString::from(v))
            }
        };
        let explicit = Path::new("my.toml");
        assert_eq!(
            user_keymap_path_with(Some(explicit), env(&[("XDG_CONFIG_HOME", "/x")])),
            Some(PathBuf::from("my.toml"))
        );
        assert_eq!(
            user_keymap_path_with(None, env(&[("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")])),
            Some(PathBuf::from("/x/brief/keymap.toml"))
        );
        assert_eq!(
            user_keymap_path_with(None, env(&[("XDG_CONFIG_HOME", ""), ("HOME", "/h")])),
            Some(PathBuf::from("/h/.config/brief/keymap.toml"))
        );
        assert_eq!(
            user_keymap_path_with(None, env(&[("XDG_CONFIG_HOME", "rel"), ("HOME", "/h")])),
            Some(PathBuf::from("/h/.config/brief/keymap.toml"))
        );
        assert_eq!(user_keymap_path_with(None, env(&[("HOME", "")])), None);
        assert_eq!(user_keymap_path_with(None, env(&[])), None);
    }

    /// A scratch folder of this test's own, removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir =
                std::env::temp_dir().join(format!("brief-keymap-{}-{name}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("scratch folder");
            Scratch(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn loading_reads_the_file_in_force() {
        let scratch = Scratch::new("load");
        let dir = scratch.0.clone();
        let xdg = dir.clone().into_os_string();
        let env = move |name: &str| (name == "XDG_CONFIG_HOME").then(|| xdg.clone());
        // Nothing in the usual place: the defaults, silently.
        let (keymap, diagnostics) = load_with_env(None, &env);
        assert!(diagnostics.is_empty());
        assert_eq!(
            keymap.resolve(Context::Global, &key("q")),
            Some(Action::Quit)
        );
        // A file in the usual place applies.
        std::fs::create_dir_all(dir.join("brief")).expect("folder");
        std::fs::write(dir.join("brief/keymap.toml"), "[global]\nquit = \"x\"\n").expect("write");
        let (keymap, diagnostics) = load_with_env(None, &env);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(
            keymap.resolve(Context::Global, &key("x")),
            Some(Action::Quit)
        );
        // A --keymap file that is not there is worth a word.
        let missing = dir.join("missing.toml");
        let (keymap, diagnostics) = load_with_env(Some(&missing), &env);
        assert_eq!(diagnostics.len(), 1);
        let text = diagnostics[0].to_string();
        assert!(
            text.contains("missing.toml: error: cannot read the keymap"),
            "{text}"
        );
        assert_eq!(
            keymap.resolve(Context::Global, &key("q")),
            Some(Action::Quit)
        );
        // So is one that is not UTF-8, with where.
        let latin1 = dir.join("latin1.toml");
        std::fs::write(&latin1, b"[global]\nquit = \"\xe9\"\n").expect("write");
        let (_, diagnostics) = load_with_env(Some(&latin1), &env);
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (2, 9));
    }

    #[test]
    fn check_file_counts_bindings() {
        let scratch = Scratch::new("check");
        let path = scratch.0.join("k.toml");
        std::fs::write(&path, "[reader]\nscroll_down = [\"e\", \"ctrl-n\"]\n").expect("write");
        let report = inspect_file(&path);
        assert_eq!(report.diagnostics, Vec::new());
        assert_eq!(report.bindings, 2);
        std::fs::write(&path, "[reader]\nscroll_down = \"pgdown\"\n").expect("write");
        assert_eq!(check_file(&path).len(), 1);
    }
}

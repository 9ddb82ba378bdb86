//! Key notation: the readable names of keys (`j`, `G`, `ctrl-d`,
//! `shift-tab`), parsing them with helpful errors, and turning terminal
//! events into the same canonical [`Key`] values.

use std::fmt;

use ratatui::crossterm::event::{KeyCode as TermCode, KeyEvent, KeyModifiers};

use crate::diagnostic::quote;
use crate::loader::suggest;
use crate::sanitize;

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
pub(super) struct KeyError {
    pub(super) message: String,
    pub(super) hint: Option<String>,
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

pub(super) fn parse_key(text: &str) -> Result<Key, KeyError> {
    parse_explained(text, true)
}

/// A key, if `text` names one; for the guesses behind a hint, which must not
/// guess in turn.
pub(super) fn parse_quietly(text: &str) -> Option<Key> {
    parse_explained(text, false).ok()
}

/// Parses `text`; with `explain`, an unknown name's error carries a guess at
/// the key meant.
pub(super) fn parse_explained(text: &str, explain: bool) -> Result<Key, KeyError> {
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
pub(super) fn likely_key(name: &str) -> Option<String> {
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

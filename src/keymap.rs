//! TEMPORARY stand-in for the keymap module (replaced by the real one).
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::action::{Action, Context};
use crate::diagnostic::Diagnostic;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    pub fn from_event(event: &KeyEvent) -> Key {
        let mut modifiers = event.modifiers;
        let code = match event.code {
            KeyCode::Char(c) => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c)
            }
            KeyCode::BackTab => {
                modifiers.insert(KeyModifiers::SHIFT);
                KeyCode::Tab
            }
            other => other,
        };
        Key { code, modifiers }
    }
    fn parse(s: &str) -> Key {
        let (modifiers, rest) = if let Some(r) = s.strip_prefix("ctrl-") {
            (KeyModifiers::CONTROL, r)
        } else if let Some(r) = s.strip_prefix("shift-") {
            (KeyModifiers::SHIFT, r)
        } else {
            (KeyModifiers::NONE, s)
        };
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backspace" => KeyCode::Backspace,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "space" => KeyCode::Char(' '),
            other => KeyCode::Char(other.chars().next().unwrap_or(' ')),
        };
        Key { code, modifiers }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::PageDown => f.write_str("pagedown"),
            KeyCode::PageUp => f.write_str("pageup"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::Up => f.write_str("up"),
            KeyCode::Down => f.write_str("down"),
            KeyCode::Left => f.write_str("left"),
            KeyCode::Right => f.write_str("right"),
            _ => f.write_str("?"),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    map: HashMap<(Context, Action), Vec<Key>>,
}

impl Keymap {
    pub fn defaults() -> Keymap {
        let mut map = HashMap::new();
        let table: &[(Context, Action, &[&str])] = &[
            (Context::Global, Action::Quit, &["q", "ctrl-c"]),
            (Context::Global, Action::Help, &["?"]),
            (Context::Global, Action::Close, &["esc"]),
            (Context::Global, Action::FocusNext, &["tab"]),
            (Context::Global, Action::FocusPrev, &["shift-tab"]),
            (Context::Global, Action::NextSection, &["]"]),
            (Context::Global, Action::PrevSection, &["["]),
            (Context::Global, Action::Section1, &["1"]),
            (Context::Global, Action::Section2, &["2"]),
            (Context::Global, Action::Section3, &["3"]),
            (Context::Global, Action::Section4, &["4"]),
            (Context::Global, Action::Section5, &["5"]),
            (Context::Global, Action::Top, &["g", "home"]),
            (Context::Global, Action::Bottom, &["G", "end"]),
            (
                Context::Global,
                Action::PageDown,
                &["space", "pagedown", "ctrl-f"],
            ),
            (Context::Global, Action::PageUp, &["b", "pageup", "ctrl-b"]),
            (Context::Global, Action::HalfPageDown, &["ctrl-d"]),
            (Context::Global, Action::HalfPageUp, &["ctrl-u"]),
            (Context::Global, Action::ToggleFacts, &["f"]),
            (Context::Global, Action::ToggleOutline, &["o"]),
            (Context::Global, Action::ReadingOnly, &["z"]),
            (Context::Global, Action::Search, &["/"]),
            (Context::Global, Action::NextMatch, &["n"]),
            (Context::Global, Action::PrevMatch, &["N"]),
            (Context::Global, Action::Library, &["backspace", "L"]),
            (Context::Global, Action::Redraw, &["ctrl-l"]),
            (Context::Global, Action::Suspend, &["ctrl-z"]),
            (Context::Reader, Action::ScrollDown, &["j", "down"]),
            (Context::Reader, Action::ScrollUp, &["k", "up"]),
            (Context::Facts, Action::ScrollDown, &["j", "down"]),
            (Context::Facts, Action::ScrollUp, &["k", "up"]),
            (Context::Outline, Action::SelectNext, &["j", "down"]),
            (Context::Outline, Action::SelectPrev, &["k", "up"]),
            (Context::Outline, Action::Open, &["enter", "l", "right"]),
            (Context::Library, Action::SelectNext, &["j", "down"]),
            (Context::Library, Action::SelectPrev, &["k", "up"]),
            (Context::Library, Action::Open, &["enter", "l", "right"]),
            (Context::Search, Action::Confirm, &["enter"]),
            (Context::Search, Action::Close, &["esc"]),
            (Context::Search, Action::SelectNext, &["down"]),
            (Context::Search, Action::SelectPrev, &["up"]),
        ];
        for (c, a, keys) in table {
            map.insert((*c, *a), keys.iter().map(|k| Key::parse(k)).collect());
        }
        Keymap { map }
    }
    pub fn load(_user: Option<&Path>) -> (Keymap, Vec<Diagnostic>) {
        (Keymap::defaults(), Vec::new())
    }
    pub fn resolve(&self, context: Context, key: &Key) -> Option<Action> {
        Action::ALL
            .iter()
            .copied()
            .find(|a| self.keys(context, *a).contains(key))
    }
    pub fn resolve_with_global(&self, context: Context, key: &Key) -> Option<Action> {
        self.resolve(context, key).or_else(|| {
            if context == Context::Search {
                None
            } else {
                self.resolve(Context::Global, key)
            }
        })
    }
    pub fn keys(&self, context: Context, action: Action) -> &[Key] {
        self.map
            .get(&(context, action))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
    pub fn bindings(&self, context: Context) -> impl Iterator<Item = (Action, &[Key])> {
        Action::ALL
            .iter()
            .map(move |a| (*a, self.keys(context, *a)))
            .filter(|(_, k)| !k.is_empty())
    }
}

pub fn user_keymap_path(explicit: Option<&Path>) -> Option<std::path::PathBuf> {
    explicit.map(Path::to_path_buf)
}

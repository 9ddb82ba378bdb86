//! Input from an SSH channel: raw bytes turned into the reader's events.
//!
//! There is no local terminal to ask, so the bytes the client's terminal
//! sent are parsed by termwiz's input parser (xterm, VT and kitty key
//! encodings, bracketed paste) and turned into the crossterm key events
//! the app and its keymap already understand. A lone ESC may be the start
//! of a sequence split across packets: the parser holds it, and
//! [`InputDecoder::flush`] lets it go as the Escape key once no more bytes
//! followed.

use ratatui::crossterm::event::{
    KeyCode as TermCode, KeyEvent as TermKey, KeyEventKind, KeyEventState, KeyModifiers,
};
use termwiz::input::{InputEvent, InputParser, KeyCode, KeyEvent, Modifiers};

use crate::app::Event;

/// How long a lone ESC waits for the rest of a sequence.
pub const ESCAPE_WAIT: std::time::Duration = std::time::Duration::from_millis(40);

/// Turns the channel's bytes into events, keeping a partial sequence
/// between calls.
pub struct InputDecoder {
    parser: InputParser,
    /// Bytes were held back (a lone ESC, a half sequence).
    pending: bool,
}

impl Default for InputDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl InputDecoder {
    /// A decoder with nothing pending.
    pub fn new() -> Self {
        Self {
            parser: InputParser::new(),
            pending: false,
        }
    }

    /// The events in `bytes`; a trailing partial sequence is kept.
    pub fn decode(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        self.parser
            .parse(bytes, |event| events.extend(convert(event)), true);
        // An ESC at the end may begin a sequence: held until flushed.
        self.pending = bytes.last() == Some(&0x1b) || (bytes.contains(&0x1b) && events.is_empty());
        events
    }

    /// True if bytes wait for [`Self::flush`].
    pub fn pending(&self) -> bool {
        self.pending
    }

    /// No more bytes came: whatever was held is what it looks like (a lone
    /// ESC is the Escape key).
    pub fn flush(&mut self) -> Vec<Event> {
        let mut events = Vec::new();
        self.parser
            .parse(&[], |event| events.extend(convert(event)), false);
        self.pending = false;
        events
    }
}

/// One termwiz event as the app's event, if the app has a use for it.
fn convert(event: InputEvent) -> Option<Event> {
    match event {
        InputEvent::Key(key) => key_event(&key).map(Event::Key),
        InputEvent::Paste(text) => Some(Event::Paste(text)),
        // The size comes from the SSH window-change request, and the mouse
        // is not turned on for remote readers.
        _ => None,
    }
}

/// A termwiz key as the crossterm key the keymap resolves.
fn key_event(key: &KeyEvent) -> Option<TermKey> {
    let mut modifiers = KeyModifiers::empty();
    if key.modifiers.contains(Modifiers::SHIFT) {
        modifiers |= KeyModifiers::SHIFT;
    }
    if key.modifiers.contains(Modifiers::CTRL) {
        modifiers |= KeyModifiers::CONTROL;
    }
    if key.modifiers.contains(Modifiers::ALT) {
        modifiers |= KeyModifiers::ALT;
    }
    let code = match key.key {
        KeyCode::Char('\r' | '\n') | KeyCode::Enter => TermCode::Enter,
        KeyCode::Char('\t') | KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => {
            TermCode::BackTab
        }
        KeyCode::Char('\t') | KeyCode::Tab => TermCode::Tab,
        KeyCode::Char('\u{7f}' | '\u{8}') | KeyCode::Backspace => TermCode::Backspace,
        KeyCode::Char('\u{1b}') | KeyCode::Escape => TermCode::Esc,
        // Control characters arrive as themselves: ctrl-d is U+0004.
        KeyCode::Char(c) if (c as u32) < 0x20 => {
            modifiers |= KeyModifiers::CONTROL;
            TermCode::Char(char::from(b'a' + (c as u8) - 1))
        }
        KeyCode::Char(c) => TermCode::Char(c),
        KeyCode::UpArrow | KeyCode::ApplicationUpArrow => TermCode::Up,
        KeyCode::DownArrow | KeyCode::ApplicationDownArrow => TermCode::Down,
        KeyCode::LeftArrow | KeyCode::ApplicationLeftArrow => TermCode::Left,
        KeyCode::RightArrow | KeyCode::ApplicationRightArrow => TermCode::Right,
        KeyCode::Home | KeyCode::KeyPadHome => TermCode::Home,
        KeyCode::End | KeyCode::KeyPadEnd => TermCode::End,
        KeyCode::PageUp | KeyCode::KeyPadPageUp => TermCode::PageUp,
        KeyCode::PageDown | KeyCode::KeyPadPageDown => TermCode::PageDown,
        KeyCode::Insert => TermCode::Insert,
        KeyCode::Delete => TermCode::Delete,
        KeyCode::Function(n) => TermCode::F(n),
        _ => return None,
    };
    Some(TermKey {
        code,
        modifiers,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(decoder: &mut InputDecoder, bytes: &[u8]) -> Vec<(TermCode, KeyModifiers)> {
        decoder
            .decode(bytes)
            .into_iter()
            .filter_map(|e| match e {
                Event::Key(k) => Some((k.code, k.modifiers)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn letters_arrows_and_control_keys_come_through() {
        let mut decoder = InputDecoder::new();
        let got = keys(&mut decoder, b"jG\x1b[B\x1bOA\x04\r\x7f\t\x1b[Z\x1b[6~");
        let want = [
            (TermCode::Char('j'), KeyModifiers::empty()),
            (TermCode::Char('G'), KeyModifiers::SHIFT),
            (TermCode::Down, KeyModifiers::empty()),
            (TermCode::Up, KeyModifiers::empty()),
            (TermCode::Char('d'), KeyModifiers::CONTROL),
            (TermCode::Enter, KeyModifiers::empty()),
            (TermCode::Backspace, KeyModifiers::empty()),
            (TermCode::Tab, KeyModifiers::empty()),
            (TermCode::BackTab, KeyModifiers::SHIFT),
            (TermCode::PageDown, KeyModifiers::empty()),
        ];
        // Whether the terminal reports shift with a capital is its own
        // business; the keymap ignores it. Compare the codes, and the
        // modifiers where they matter.
        let codes: Vec<_> = got.iter().map(|k| k.0).collect();
        assert_eq!(codes, want.iter().map(|k| k.0).collect::<Vec<_>>());
        assert!(got[4].1.contains(KeyModifiers::CONTROL));
    }

    #[test]
    fn a_lone_escape_waits_then_is_the_escape_key() {
        let mut decoder = InputDecoder::new();
        assert!(keys(&mut decoder, b"\x1b").is_empty());
        assert!(decoder.pending());
        let flushed = decoder.flush();
        assert!(matches!(&flushed[..], [Event::Key(k)] if k.code == TermCode::Esc));
        // A sequence split across two packets is still one key.
        assert!(keys(&mut decoder, b"\x1b[").is_empty());
        assert_eq!(keys(&mut decoder, b"A")[0].0, TermCode::Up);
    }

    #[test]
    fn a_bracketed_paste_is_text_not_keys() {
        let mut decoder = InputDecoder::new();
        let events = decoder.decode(b"\x1b[200~q and more\x1b[201~");
        assert!(matches!(&events[..], [Event::Paste(text)] if text == "q and more"));
    }
}

//! Input as bytes, turned into the reader's events: what an SSH client's
//! terminal sends to `brief serve`, and on unix what the local terminal
//! sends (read by the main thread itself, see [`crate::terminal`]).
//!
//! The bytes are parsed by termwiz's input parser (xterm, VT and kitty key
//! encodings, SGR mouse reports, bracketed paste) and turned into the
//! crossterm events the app and its keymap already understand. A lone ESC
//! may be the start of a sequence split across reads: over SSH the parser
//! holds it and [`InputDecoder::flush`] lets it go as the Escape key once
//! no more bytes followed; from the local terminal a read that did not fill
//! its buffer is complete ([`InputDecoder::decode_read`]), as crossterm
//! takes it.

use ratatui::crossterm::event::{
    KeyCode as TermCode, KeyEvent as TermKey, KeyEventKind, KeyEventState, KeyModifiers,
    MouseButton, MouseEvent as TermMouse, MouseEventKind,
};
use termwiz::input::{
    InputEvent, InputParser, KeyCode, KeyEvent, Modifiers, MouseButtons, MouseEvent,
};

use crate::app::Event;

/// How long a lone ESC waits for the rest of a sequence.
pub const ESCAPE_WAIT: std::time::Duration = std::time::Duration::from_millis(40);

/// Turns the channel's bytes into events, keeping a partial sequence
/// between calls.
pub struct InputDecoder {
    /// Made for the first bytes that are not plain keys (its tables of key
    /// sequences take about 700 KB); kept from then on, as it may hold a
    /// partial sequence.
    parser: Option<InputParser>,
    /// Bytes were held back (a lone ESC, a half sequence).
    pending: bool,
    /// The mouse buttons held at the last report (termwiz's bits): a
    /// report gives the buttons held, and a press, a drag and a release
    /// tell apart by it.
    buttons: u8,
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
            parser: None,
            pending: false,
            buttons: 0,
        }
    }

    /// The events in `bytes`; a trailing partial sequence is kept.
    pub fn decode(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        self.parse(bytes, true, &mut events);
        // An ESC at the end may begin a sequence: held until flushed.
        self.pending = bytes.last() == Some(&0x1b) || (bytes.contains(&0x1b) && events.is_empty());
        events
    }

    /// The events in one read from a terminal, added to `events`. `more`
    /// says the read filled its buffer, so more bytes may be waiting: a
    /// partial sequence at the end is then kept for the next read.
    /// Otherwise the read held all the terminal had sent, and a lone ESC
    /// at its end is the Escape key.
    pub fn decode_read(&mut self, bytes: &[u8], more: bool, events: &mut Vec<Event>) {
        let before = events.len();
        self.parse(bytes, more, events);
        // A sequence is short: an ESC near the end may have been cut.
        let tail = &bytes[bytes.len().saturating_sub(SEQUENCE_TAIL)..];
        self.pending =
            more && bytes.contains(&0x1b) && (events.len() == before || tail.contains(&0x1b));
    }

    fn parse(&mut self, bytes: &[u8], maybe_more: bool, events: &mut Vec<Event>) {
        if self.parser.is_none() && plain_keys(bytes, events) {
            return;
        }
        let buttons = &mut self.buttons;
        self.parser.get_or_insert_with(InputParser::new).parse(
            bytes,
            |event| events.extend(convert(event, buttons)),
            maybe_more,
        );
    }

    /// True if bytes wait for [`Self::flush`].
    pub fn pending(&self) -> bool {
        self.pending
    }

    /// No more bytes came: whatever was held is what it looks like (a lone
    /// ESC is the Escape key).
    pub fn flush(&mut self) -> Vec<Event> {
        let mut events = Vec::new();
        self.parse(&[], false, &mut events);
        self.pending = false;
        events
    }
}

/// How near the end of a full read an ESC may begin a sequence cut by it.
const SEQUENCE_TAIL: usize = 32;

/// Adds the events of `bytes` to `events` and returns true if they are
/// plain keys: characters, and the control keys that are one byte
/// (enter, tab, backspace, ctrl with a letter), each exactly as termwiz
/// would give it (a test holds the two to the same events). Anything else
/// (an ESC, other controls, bytes that are not UTF-8) adds nothing and
/// returns false.
fn plain_keys(bytes: &[u8], events: &mut Vec<Event>) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let plain = |c: char| !c.is_control() || matches!(c, '\u{1}'..='\u{1a}' | '\u{7f}');
    if !text.chars().all(plain) {
        return false;
    }
    events.extend(text.chars().filter_map(|c| {
        key_event(&KeyEvent {
            key: KeyCode::Char(c),
            modifiers: Modifiers::NONE,
        })
        .map(Event::Key)
    }));
    true
}

/// One termwiz event as the app's event, if the app has a use for it;
/// `buttons` are the mouse buttons held before it, and after.
fn convert(event: InputEvent, buttons: &mut u8) -> Option<Event> {
    match event {
        InputEvent::Key(key) => key_event(&key).map(Event::Key),
        InputEvent::Paste(text) => Some(Event::Paste(text)),
        InputEvent::Mouse(mouse) => Some(Event::Mouse(mouse_event(&mouse, buttons))),
        // The size comes from SIGWINCH or the SSH window-change request;
        // focus reports and pixel positions are not asked for.
        _ => None,
    }
}

/// A termwiz mouse report as crossterm's event: 0-based cell position,
/// and a press, drag or release told apart by the buttons `held` before
/// (updated; termwiz's button flags as bits).
fn mouse_event(mouse: &MouseEvent, held: &mut u8) -> TermMouse {
    let flag = |buttons: MouseButtons| buttons.bits();
    let buttons = [
        (flag(MouseButtons::LEFT), MouseButton::Left),
        (flag(MouseButtons::RIGHT), MouseButton::Right),
        (flag(MouseButtons::MIDDLE), MouseButton::Middle),
    ];
    let now = mouse.mouse_buttons.bits();
    let has = |set: u8, bit: u8| set & bit != 0;
    let positive = has(now, flag(MouseButtons::WHEEL_POSITIVE));
    let kind = if has(now, flag(MouseButtons::VERT_WHEEL)) {
        if positive {
            MouseEventKind::ScrollUp
        } else {
            MouseEventKind::ScrollDown
        }
    } else if has(now, flag(MouseButtons::HORZ_WHEEL)) {
        if positive {
            MouseEventKind::ScrollLeft
        } else {
            MouseEventKind::ScrollRight
        }
    } else {
        let before = *held;
        let pressed = buttons.iter().find(|(bit, _)| has(now, *bit));
        *held = pressed.map_or(0, |(bit, _)| *bit);
        match pressed {
            Some((bit, button)) if has(before, *bit) => MouseEventKind::Drag(*button),
            Some((_, button)) => MouseEventKind::Down(*button),
            None => match buttons.iter().find(|(bit, _)| has(before, *bit)) {
                Some((_, button)) => MouseEventKind::Up(*button),
                None => MouseEventKind::Moved,
            },
        }
    };
    TermMouse {
        kind,
        column: mouse.x.saturating_sub(1),
        row: mouse.y.saturating_sub(1),
        modifiers: key_modifiers(mouse.modifiers),
    }
}

/// Shift, ctrl and alt as crossterm's modifiers (the others termwiz knows
/// are not sent by terminals brief reads from).
fn key_modifiers(theirs: Modifiers) -> KeyModifiers {
    let mut modifiers = KeyModifiers::empty();
    for (their, ours) in [
        (Modifiers::SHIFT, KeyModifiers::SHIFT),
        (Modifiers::CTRL, KeyModifiers::CONTROL),
        (Modifiers::ALT, KeyModifiers::ALT),
    ] {
        if theirs.contains(their) {
            modifiers |= ours;
        }
    }
    modifiers
}

/// A termwiz key as the crossterm key the keymap resolves.
fn key_event(key: &KeyEvent) -> Option<TermKey> {
    let mut modifiers = key_modifiers(key.modifiers);
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

    /// The key codes among `events`.
    fn codes(events: &[Event]) -> Vec<TermCode> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Key(k) => Some(k.code),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_read_that_did_not_fill_its_buffer_is_complete() {
        let mut decoder = InputDecoder::new();
        let mut events = Vec::new();
        // All the terminal had: the ESC is the Escape key, at once.
        decoder.decode_read(b"j\x1b", false, &mut events);
        let codes = codes(&events);
        assert_eq!(codes, [TermCode::Char('j'), TermCode::Esc]);
        assert!(!decoder.pending());
        // A full buffer may have cut a sequence: its start is kept.
        events.clear();
        decoder.decode_read(b"\x1b[", true, &mut events);
        assert!(events.is_empty());
        assert!(decoder.pending());
        decoder.decode_read(b"A", false, &mut events);
        assert!(matches!(&events[..], [Event::Key(k)] if k.code == TermCode::Up));
        assert!(!decoder.pending());
    }

    fn mice(decoder: &mut InputDecoder, bytes: &[u8]) -> Vec<(MouseEventKind, u16, u16)> {
        let mut events = Vec::new();
        decoder.decode_read(bytes, false, &mut events);
        events
            .into_iter()
            .filter_map(|e| match e {
                Event::Mouse(m) => Some((m.kind, m.column, m.row)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn sgr_mouse_reports_become_presses_drags_releases_and_wheel_notches() {
        let mut decoder = InputDecoder::new();
        // Reports count from 1; events from 0.
        assert_eq!(
            mice(&mut decoder, b"\x1b[<0;5;3M"),
            [(MouseEventKind::Down(MouseButton::Left), 4, 2)]
        );
        assert_eq!(
            mice(&mut decoder, b"\x1b[<32;6;3M\x1b[<0;6;3m"),
            [
                (MouseEventKind::Drag(MouseButton::Left), 5, 2),
                (MouseEventKind::Up(MouseButton::Left), 5, 2),
            ]
        );
        assert_eq!(
            mice(&mut decoder, b"\x1b[<64;1;1M\x1b[<65;1;1M\x1b[<35;2;2M"),
            [
                (MouseEventKind::ScrollUp, 0, 0),
                (MouseEventKind::ScrollDown, 0, 0),
                (MouseEventKind::Moved, 1, 1),
            ]
        );
        // A right press after the left was let go is a press, not a drag.
        assert_eq!(
            mice(&mut decoder, b"\x1b[<2;9;9M"),
            [(MouseEventKind::Down(MouseButton::Right), 8, 8)]
        );
        // Modifiers come through: ctrl is 16 in the report.
        let mut events = Vec::new();
        decoder.decode_read(b"\x1b[<16;1;1M", false, &mut events);
        assert!(matches!(
            &events[..],
            [Event::Mouse(m)] if m.modifiers == KeyModifiers::CONTROL
        ));
    }

    /// What termwiz makes of `bytes`, read whole from a terminal.
    fn through_termwiz(bytes: &[u8]) -> String {
        let mut decoder = InputDecoder::new();
        decoder.parser = Some(InputParser::new());
        let mut events = Vec::new();
        decoder.decode_read(bytes, false, &mut events);
        format!("{events:?}")
    }

    /// What the plain-key path makes of `bytes`, if it takes them.
    fn plain(bytes: &[u8]) -> Option<String> {
        let mut events = Vec::new();
        plain_keys(bytes, &mut events).then(|| format!("{events:?}"))
    }

    #[test]
    fn plain_keys_are_exactly_what_termwiz_makes_of_them() {
        let mut taken = 0;
        for byte in 0u8..0x80 {
            if let Some(fast) = plain(&[byte]) {
                assert_eq!(fast, through_termwiz(&[byte]), "byte {byte:#04x}");
                taken += 1;
            }
        }
        // Printable ASCII, DEL and the 26 ctrl-letters (enter, tab and
        // backspace among them) are plain; NUL, ESC and the rest are not.
        assert_eq!(taken, 95 + 1 + 26);
        for other in [
            &b"\x1b"[..],
            b"\x1b[A",
            b"j\x1bk",
            b"\x00",
            b"\x1c",
            b"\xff",
            b"\xc3",
        ] {
            assert_eq!(plain(other), None, "{other:?}");
        }
        let text = "jjG q/Étoile\r\t\x7f\x04€中😀";
        assert_eq!(
            plain(text.as_bytes()),
            Some(through_termwiz(text.as_bytes()))
        );
    }

    proptest::proptest! {
        #[test]
        fn runs_of_plain_keys_decode_as_termwiz_decodes_them(
            text in "[ -~\u{1}-\u{1a}\u{7f}é€中😀]{0,40}"
        ) {
            proptest::prop_assert_eq!(plain(text.as_bytes()), Some(through_termwiz(text.as_bytes())));
        }
    }

    #[test]
    fn the_parser_is_made_only_for_what_is_not_plain_and_then_kept() {
        let mut decoder = InputDecoder::new();
        let mut events = Vec::new();
        decoder.decode_read(b"jjq", false, &mut events);
        assert!(decoder.parser.is_none());
        // A sequence cut by a full read: the parser holds its start, and
        // the plain byte that completes it goes to the parser too.
        decoder.decode_read(b"\x1b[", true, &mut events);
        assert!(decoder.parser.is_some());
        decoder.decode_read(b"B", false, &mut events);
        let codes = codes(&events);
        assert_eq!(
            codes,
            [
                TermCode::Char('j'),
                TermCode::Char('j'),
                TermCode::Char('q'),
                TermCode::Down
            ]
        );
    }

    #[test]
    fn over_ssh_only_an_escape_that_may_begin_a_sequence_is_held() {
        let mut decoder = InputDecoder::new();
        // Keys before an ESC at the end go; the ESC waits.
        assert_eq!(
            keys(&mut decoder, b"j\x1b"),
            [(TermCode::Char('j'), KeyModifiers::empty())]
        );
        assert!(decoder.pending());
        decoder.flush();
        // Nothing held: plain keys, a whole sequence, nothing at all.
        for bytes in [&b"j"[..], b"\x1b[A", b""] {
            decoder.decode(bytes);
            assert!(!decoder.pending(), "{bytes:?}");
        }
    }

    #[test]
    fn a_full_read_holds_what_its_end_may_have_cut() {
        let mut decoder = InputDecoder::new();
        let mut events = Vec::new();
        // Keys came, and an ESC near the end begins a sequence.
        decoder.decode_read(b"jj\x1b[", true, &mut events);
        assert_eq!(events.len(), 2);
        assert!(decoder.pending());
        decoder.flush();
        // A paste begun and not ended: nothing came of the read, and its
        // ESC is far from the end.
        events.clear();
        let mut paste = b"\x1b[200~".to_vec();
        paste.extend_from_slice(&[b'a'; 40]);
        decoder.decode_read(&paste, true, &mut events);
        assert!(events.is_empty());
        assert!(decoder.pending());
        // The same read not full: whatever it holds is complete.
        let mut decoder = InputDecoder::new();
        decoder.decode_read(b"jj\x1b[", false, &mut events);
        assert!(!decoder.pending());
    }

    #[test]
    fn escape_before_a_key_is_alt_with_it() {
        let mut decoder = InputDecoder::new();
        let mut events = Vec::new();
        decoder.decode_read(b"\x1bj", false, &mut events);
        assert!(
            matches!(&events[..], [Event::Key(k)] if k.code == TermCode::Char('j') && k.modifiers == KeyModifiers::ALT),
            "{events:?}"
        );
    }

    #[test]
    fn the_keys_terminals_send_as_sequences_are_the_keys_the_keymap_names() {
        let cases: &[(&[u8], TermCode, KeyModifiers)] = &[
            (b"\x1b[A", TermCode::Up, KeyModifiers::NONE),
            (b"\x1b[B", TermCode::Down, KeyModifiers::NONE),
            (b"\x1b[C", TermCode::Right, KeyModifiers::NONE),
            (b"\x1b[D", TermCode::Left, KeyModifiers::NONE),
            (b"\x1bOA", TermCode::Up, KeyModifiers::NONE),
            (b"\x1bOD", TermCode::Left, KeyModifiers::NONE),
            (b"\x1b[1;5A", TermCode::Up, KeyModifiers::CONTROL),
            (b"\x1b[1;3C", TermCode::Right, KeyModifiers::ALT),
            (b"\x1b[H", TermCode::Home, KeyModifiers::NONE),
            (b"\x1b[F", TermCode::End, KeyModifiers::NONE),
            (b"\x1b[5~", TermCode::PageUp, KeyModifiers::NONE),
            (b"\x1b[6~", TermCode::PageDown, KeyModifiers::NONE),
            (b"\x1b[2~", TermCode::Insert, KeyModifiers::NONE),
            (b"\x1b[3~", TermCode::Delete, KeyModifiers::NONE),
            (b"\x1b[Z", TermCode::BackTab, KeyModifiers::SHIFT),
            (b"\x1bOP", TermCode::F(1), KeyModifiers::NONE),
            (b"\x1b[15~", TermCode::F(5), KeyModifiers::NONE),
            (b"\x1b[24~", TermCode::F(12), KeyModifiers::NONE),
            (b"\x1b", TermCode::Esc, KeyModifiers::NONE),
            (b"\r", TermCode::Enter, KeyModifiers::NONE),
            (b"\x7f", TermCode::Backspace, KeyModifiers::NONE),
            (b" ", TermCode::Char(' '), KeyModifiers::NONE),
            (b"\x04", TermCode::Char('d'), KeyModifiers::CONTROL),
            (b"\x1a", TermCode::Char('z'), KeyModifiers::CONTROL),
        ];
        for (bytes, code, modifiers) in cases {
            let mut decoder = InputDecoder::new();
            let mut events = Vec::new();
            decoder.decode_read(bytes, false, &mut events);
            assert!(
                matches!(&events[..], [Event::Key(k)] if k.code == *code && k.modifiers == *modifiers),
                "{bytes:?} gave {events:?}"
            );
        }
    }

    #[test]
    fn a_bracketed_paste_is_text_not_keys() {
        let mut decoder = InputDecoder::new();
        let events = decoder.decode(b"\x1b[200~q and more\x1b[201~");
        assert!(matches!(&events[..], [Event::Paste(text)] if text == "q and more"));
    }
}

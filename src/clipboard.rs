//! Copying to the reader's own clipboard through the terminal (OSC 52), and
//! whether the terminal is asked to at all.
//!
//! A copy is a control sequence written to the terminal, `ESC ] 52 ; c ;
//! <base64> ESC \`, which the terminal (the reader's own, at the far end
//! of any SSH link) turns into its clipboard's content. That is what makes
//! it work from `brief serve` and from a shell on a server alike.
//!
//! Under tmux two forms are sent, because tmux lets an application's copy
//! through only when the user allows it, in one of two ways:
//! `set -g set-clipboard on` makes tmux take the plain sequence and set
//! the outer terminal's clipboard; `set -g allow-passthrough on` (tmux 3.3
//! and later) lets the same sequence through wrapped in tmux's passthrough
//! envelope, `ESC P tmux; … ESC \` with every ESC inside doubled. Neither
//! is on by default (tmux's default `set-clipboard external` ignores
//! applications), and sending only the wrapped form breaks copies for
//! users who keep passthrough off, so both go out: whichever the user
//! allowed works, the other is dropped silently by tmux.
//!
//! This module only builds bytes and decides; the runtime writes them
//! between frames, and the app never sees a control sequence.

use std::fmt;

/// The most bytes of text one copy carries. Beyond it nothing is copied
/// (never a cut-off half): some terminals refuse long sequences, and a
/// whole briefing sent at every key would be a lot over a slow link.
pub const MAX_COPY_BYTES: usize = 100_000;

/// How copies reach the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Osc52 {
    /// Inside tmux (or screen): also send the passthrough form.
    pub tmux: bool,
}

/// Why brief does not write OSC 52 or OSC 8 sequences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Off {
    /// `clipboard = false` in config.toml or `--no-clipboard`.
    Setting,
    /// `TERM=dumb` (or no TERM): a terminal that takes no control sequences
    /// beyond the basics.
    DumbTerminal,
    /// ASCII drawing (`--ascii`, or a locale that is not UTF-8): an old
    /// or limited terminal, which may print the sequence as text.
    Ascii,
    /// Not a terminal brief draws on (a test, a tool).
    NoTerminal,
}

impl fmt::Display for Off {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Off::Setting => "copying is turned off (clipboard = false or --no-clipboard)",
            Off::DumbTerminal => "copying is off on a dumb terminal (TERM=dumb or unset)",
            Off::Ascii => "copying is off in ASCII mode (--ascii or a non-UTF-8 locale)",
            Off::NoTerminal => "copying needs a terminal",
        })
    }
}

/// What the terminal is sent besides frames: copies (OSC 52) and links
/// (OSC 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    /// Copies, or why not.
    pub clipboard: Result<Osc52, Off>,
    /// Links and addresses as OSC 8 hyperlinks.
    pub hyperlinks: bool,
}

impl Default for Features {
    /// Nothing beyond frames: what a program not on a terminal gets.
    fn default() -> Self {
        Self {
            clipboard: Err(Off::NoTerminal),
            hyperlinks: false,
        }
    }
}

/// What the settings allow, before the terminal is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wanted {
    /// Copies (`clipboard` in config.toml, `--no-clipboard`).
    pub clipboard: bool,
    /// Hyperlinks (`hyperlinks` in config.toml).
    pub hyperlinks: bool,
}

impl Default for Wanted {
    fn default() -> Self {
        Self {
            clipboard: true,
            hyperlinks: true,
        }
    }
}

impl Features {
    /// The features for a terminal named `term` (its TERM), `tmux` true if
    /// `$TMUX` is set, drawing in ASCII or not, with what the settings
    /// allow. A dumb terminal and ASCII mode get neither sequence,
    /// whatever the settings say.
    pub fn detect(term: Option<&str>, tmux: bool, ascii: bool, wanted: Wanted) -> Self {
        let term = term.unwrap_or("");
        let off = if term.is_empty() || term == "dumb" {
            Some(Off::DumbTerminal)
        } else if ascii {
            Some(Off::Ascii)
        } else {
            None
        };
        let clipboard = match off {
            Some(off) => Err(off),
            None if !wanted.clipboard => Err(Off::Setting),
            None => Ok(Osc52 {
                tmux: tmux || term.starts_with("screen") || term.starts_with("tmux"),
            }),
        };
        Self {
            clipboard,
            hyperlinks: off.is_none() && wanted.hyperlinks,
        }
    }
}

/// How large a copy of `bytes` bytes is, for the status line: `812 B`,
/// `2.1 KB`, `98 KB`.
pub fn size_label(bytes: usize) -> String {
    if bytes < 1000 {
        format!("{bytes} B")
    } else if bytes < 10_000 {
        format!("{:.1} KB", bytes as f64 / 1000.0)
    } else {
        format!("{} KB", bytes / 1000)
    }
}

/// Why a text cannot be copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge {
    /// Its size in bytes.
    pub bytes: usize,
}

/// The bytes that put `text` on the clipboard, or [`TooLarge`] beyond
/// [`MAX_COPY_BYTES`].
pub fn encode(text: &str, osc52: Osc52) -> Result<Vec<u8>, TooLarge> {
    if text.len() > MAX_COPY_BYTES {
        return Err(TooLarge { bytes: text.len() });
    }
    let payload = base64(text.as_bytes());
    let mut out = Vec::with_capacity(payload.len() * 2 + 32);
    let plain = |out: &mut Vec<u8>| {
        out.extend_from_slice(b"\x1b]52;c;");
        out.extend_from_slice(payload.as_bytes());
        out.extend_from_slice(b"\x1b\\");
    };
    plain(&mut out);
    if osc52.tmux {
        // The same sequence inside tmux's passthrough envelope: every ESC
        // in it doubled, so tmux does not take it for the envelope's end.
        out.extend_from_slice(b"\x1bPtmux;");
        let mut inner = Vec::with_capacity(payload.len() + 16);
        plain(&mut inner);
        for byte in inner {
            if byte == 0x1b {
                out.push(0x1b);
            }
            out.push(byte);
        }
        out.extend_from_slice(b"\x1b\\");
    }
    Ok(out)
}

/// Standard base64 with padding (RFC 4648), as OSC 52 wants. Twenty lines
/// here rather than a dependency for one call.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> shift & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
        }
        // Every byte value, as UTF-8 text and binary both travel.
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
        assert_eq!(base64("€9.1 bn".as_bytes()), "4oKsOS4xIGJu");
    }

    #[test]
    fn a_copy_is_one_osc_52_sequence() {
        let bytes = encode("foobar", Osc52 { tmux: false }).expect("small");
        assert_eq!(bytes, b"\x1b]52;c;Zm9vYmFy\x1b\\");
    }

    #[test]
    fn under_tmux_the_plain_and_the_passthrough_form_both_go() {
        let bytes = encode("foo", Osc52 { tmux: true }).expect("small");
        assert_eq!(
            bytes,
            b"\x1b]52;c;Zm9v\x1b\\\x1bPtmux;\x1b\x1b]52;c;Zm9v\x1b\x1b\\\x1b\\".as_slice()
        );
    }

    #[test]
    fn beyond_the_cap_nothing_is_encoded() {
        let at_cap = "a".repeat(MAX_COPY_BYTES);
        let bytes = encode(&at_cap, Osc52 { tmux: false }).expect("at the cap");
        assert_eq!(bytes.len(), MAX_COPY_BYTES.div_ceil(3) * 4 + 9);
        let over = "a".repeat(MAX_COPY_BYTES + 1);
        assert_eq!(
            encode(&over, Osc52 { tmux: false }),
            Err(TooLarge {
                bytes: MAX_COPY_BYTES + 1
            })
        );
    }

    #[test]
    fn the_payload_never_holds_a_control_byte() {
        // Whatever the text (escapes, bells, C1 controls), base64 leaves
        // only its alphabet between the sequence's start and end.
        let hostile = "\x1b]52;c;evil\x07\u{9b}31m\u{9c}\n";
        let bytes = encode(hostile, Osc52 { tmux: false }).expect("small");
        let payload = &bytes[7..bytes.len() - 2];
        assert!(
            payload
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(b)),
            "{payload:?}"
        );
    }

    #[test]
    fn dumb_terminals_and_ascii_mode_get_no_sequences() {
        let wanted = Wanted::default();
        for term in [None, Some(""), Some("dumb")] {
            let features = Features::detect(term, false, false, wanted);
            assert_eq!(features.clipboard, Err(Off::DumbTerminal), "{term:?}");
            assert!(!features.hyperlinks);
        }
        let ascii = Features::detect(Some("xterm-256color"), false, true, wanted);
        assert_eq!(ascii.clipboard, Err(Off::Ascii));
        assert!(!ascii.hyperlinks);
        let off = Wanted {
            clipboard: false,
            hyperlinks: true,
        };
        let setting = Features::detect(Some("xterm"), false, false, off);
        assert_eq!(setting.clipboard, Err(Off::Setting));
        assert!(setting.hyperlinks);
    }

    #[test]
    fn tmux_is_found_by_its_variable_or_its_terminal_name() {
        let wanted = Wanted::default();
        let on = |term, tmux| Features::detect(Some(term), tmux, false, wanted).clipboard;
        assert_eq!(on("xterm-256color", false), Ok(Osc52 { tmux: false }));
        assert_eq!(on("xterm-256color", true), Ok(Osc52 { tmux: true }));
        assert_eq!(on("tmux-256color", false), Ok(Osc52 { tmux: true }));
        assert_eq!(on("screen", false), Ok(Osc52 { tmux: true }));
    }

    #[test]
    fn sizes_read_as_a_person_says_them() {
        assert_eq!(size_label(812), "812 B");
        assert_eq!(size_label(2100), "2.1 KB");
        assert_eq!(size_label(98_765), "98 KB");
    }
}

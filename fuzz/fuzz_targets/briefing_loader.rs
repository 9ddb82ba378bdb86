//! Fuzz target: the briefing loader, and what is shown of its result.
//!
//! Any input must load or fail with diagnostics, never panic; and neither
//! the printed briefing (same layout engine as the reader) nor the error
//! messages quoting the input may hold a character a terminal would obey.
#![no_main]

use brief::glyphs::Glyphs;
use libfuzzer_sys::fuzz_target;

/// True for characters that must never reach a terminal from a briefing.
fn obeyed(c: char) -> bool {
    let u = c as u32;
    (u < 0x20 && c != '\n') || (0x7F..=0x9F).contains(&u) || brief::sanitize::bidi_name(c).is_some()
}

fuzz_target!(|data: &[u8]| {
    let Some((&width, rest)) = data.split_first() else {
        return;
    };
    let Ok(source) = std::str::from_utf8(rest) else {
        return;
    };
    match brief::loader::load_str("fuzz.toml", source) {
        Ok(briefing) => {
            let width = usize::from(width % 120) + 1;
            for glyphs in [Glyphs::UNICODE, Glyphs::ASCII] {
                let mut out = Vec::new();
                if brief::print::write(&briefing, width, glyphs, &mut out).is_ok() {
                    let text = String::from_utf8_lossy(&out);
                    assert!(!text.chars().any(obeyed), "printed text holds a control: {text:?}");
                }
            }
        }
        Err(error) => {
            for diagnostic in &error.diagnostics {
                let shown = diagnostic.render_with_snippet();
                assert!(!shown.chars().any(obeyed), "diagnostic holds a control: {shown:?}");
            }
        }
    }
});

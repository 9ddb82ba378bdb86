#![no_main]

use brief::action::{Action, Context};
use brief::keymap::Keymap;
use libfuzzer_sys::fuzz_target;

fn obeyed(c: char) -> bool {
    let u = c as u32;
    (u < 0x20 && c != '\n') || (0x7F..=0x9F).contains(&u) || brief::sanitize::bidi_name(c).is_some()
}

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let (keymap, diagnostics) = Keymap::with_overrides("fuzz.toml", source);
    for diagnostic in &diagnostics {
        let shown = diagnostic.render_with_snippet();
        assert!(!shown.chars().any(obeyed), "diagnostic holds a control: {shown:?}");
    }
    assert!(!keymap.keys(Context::Global, Action::Quit).is_empty(), "quit lost its keys");
    assert!(!keymap.keys(Context::Global, Action::Help).is_empty(), "help lost its keys");
});

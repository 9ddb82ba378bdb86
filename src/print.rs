//! `brief print`: a briefing as plain, wrapped text.
//!
//! The text comes from the same layout engine the reader draws with
//! ([`crate::layout`]); this module only chooses the options (facts and
//! charts inline after each section) and writes the lines.

use std::io::Write;

use crate::glyphs::Glyphs;
use crate::layout::{self, Options};
use crate::model::Briefing;

/// Width used when none is given and stdout is not a terminal.
pub const DEFAULT_WIDTH: usize = 80;

/// Writes `briefing` as plain text wrapped to `width` columns.
pub fn write(
    briefing: &Briefing,
    width: usize,
    glyphs: Glyphs,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let doc = layout::document(
        briefing,
        width,
        Options {
            glyphs,
            facts_inline: true,
            underline_headings: true,
            mark_strike: true,
        },
    );
    for index in 0..doc.lines.len() {
        // No-break spaces only steer wrapping; plain text gets plain ones.
        let line = doc.lines.plain(index).replace('\u{a0}', " ");
        out.write_all(line.trim_end().as_bytes())?;
        out.write_all(b"\n")?;
    }
    for notice in &briefing.notices {
        // Wrapped like the rest, so no line is wider than asked.
        let note = format!("Note: {notice}.");
        out.write_all(b"\n")?;
        for line in crate::text::wrap(&[(note.as_str(), ())], width.max(1), &[], &[]) {
            let text: String = line.into_iter().map(|(t, _)| t).collect();
            out.write_all(text.trim_end().as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()
}

//! Copying: what the copy keys put on the reader's clipboard, and what
//! the status line says about it.
//!
//! The text is plain, as `brief print` lays it out (no styles, no
//! escapes); the runtime sends it to the terminal as an
//! [`Effect::Copy`]. Whether the terminal takes it, nobody can tell from
//! here: the message says what was sent, and docs/clipboard.md what a
//! terminal needs for it to arrive.

use super::reader::{Focus, ReaderState};
use super::{App, Effect, Level, Message};
use crate::clipboard::{MAX_COPY_BYTES, size_label};
use crate::layout::{self, Options, Role};
use crate::model::Part;

/// What the copy key takes: the fact at the top of the key-facts pane
/// when that pane has focus, else the part being read. Returns how to
/// name it in a message, and the text.
pub(super) fn focused(reader: &ReaderState) -> (String, String) {
    if reader.focus == Focus::Facts
        && let Some(found) = focused_fact(reader)
    {
        return found;
    }
    part(reader, reader.current_part())
}

/// The fact the key-facts pane shows first: the one whose lines hold the
/// pane's top line.
fn focused_fact(reader: &ReaderState) -> Option<(String, String)> {
    let briefing = &reader.briefing;
    let facts = match reader.facts.part {
        Part::Front | Part::Summary => &briefing.facts,
        Part::Section(i) => &briefing.sections.get(i)?.facts,
        Part::Sources => return None,
    };
    // Each fact starts with a line whose first piece is its label.
    let lines = &reader.facts.lines;
    let starts = (0..=reader.facts.top.min(lines.len().saturating_sub(1)))
        .filter(|i| {
            lines
                .line(*i)
                .next()
                .is_some_and(|(_, style)| style.role == Role::FactLabel)
        })
        .count();
    let fact = facts.get(starts.clamp(1, facts.len().max(1)) - 1)?;
    let mut text = format!("{}: {}", fact.label, fact.value);
    if let Some(marker) = layout::marker(briefing, fact.source) {
        text.push(' ');
        text.push_str(&marker);
    }
    let meta = layout::fact_meta(fact);
    if !meta.is_empty() {
        text.push_str(&format!(" ({})", meta.join("; ")));
    }
    Some((format!("the fact \u{201c}{}\u{201d}", fact.label), text))
}

/// The part `part` as `brief print` lays it out: its lines of the printed
/// briefing, facts and charts included, blank lines at either end left out.
fn part(reader: &ReaderState, part: Part) -> (String, String) {
    let doc = layout::document(
        &reader.briefing,
        crate::print::DEFAULT_WIDTH,
        Options {
            glyphs: reader.glyphs,
            facts_inline: true,
            underline_headings: true,
            mark_strike: true,
        },
    );
    let start = doc.line_of_part(part).unwrap_or(0);
    let mut lines: Vec<String> = (start..doc.lines.len())
        .take_while(|i| doc.lines.anchor(*i).is_none_or(|a| a.part == part))
        .map(|i| {
            // No-break spaces only steer wrapping; plain text gets plain ones.
            doc.lines
                .plain(i)
                .replace('\u{a0}', " ")
                .trim_end()
                .to_owned()
        })
        .collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    let first = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
    let mut text = lines[first..].join("\n");
    text.push('\n');
    let what = match part {
        Part::Front => "the title".to_owned(),
        Part::Summary => "the bottom line".to_owned(),
        Part::Section(i) => format!("section {}", i + 1),
        Part::Sources => "the sources".to_owned(),
    };
    (what, text)
}

/// The one-page brief, as `E` writes it.
pub(super) fn brief(reader: &ReaderState) -> String {
    let notes = crate::onepage::note_entries(&reader.briefing, &reader.marks.notes);
    crate::onepage::render(
        &reader.briefing,
        &notes,
        crate::onepage::Format::Text,
        crate::print::DEFAULT_WIDTH,
        reader.glyphs,
    )
}

impl App {
    /// Sends `text` to the clipboard if the terminal may be asked and it
    /// is within the cap, and says what happened in the status line.
    pub(super) fn copy(&mut self, what: &str, text: String) {
        let size = size_label(text.len());
        let (level, message) = match self.features.clipboard {
            Err(off) => (Level::Info, format!("nothing copied: {off}")),
            Ok(_) if text.len() > MAX_COPY_BYTES => (
                Level::Warning,
                format!(
                    "nothing copied: {what} is {size}, more than the {} a copy may carry",
                    size_label(MAX_COPY_BYTES)
                ),
            ),
            Ok(_) => {
                self.effects.push(Effect::Copy { text });
                (
                    Level::Info,
                    format!("Copied {what} ({size}) to your clipboard"),
                )
            }
        };
        self.message = Some(Message {
            level,
            text: crate::sanitize::line(&message),
        });
    }
}

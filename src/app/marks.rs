//! What the reader has done to a briefing, beyond scrolling: sections read,
//! notes written, and which sections changed since they were read.
//!
//! [`Marks`] holds the current picture for the open briefing and the
//! [`Changes`] not yet written, so a save merges them into the state file
//! instead of overwriting it (two readers open at once keep each other's
//! notes). Fingerprints are taken when a section is read; a different
//! fingerprint later means the section changed since. The section's text
//! is kept with its fingerprint (see [`crate::diff::read_text`]), so what
//! changed can be shown word by word.

use std::collections::{BTreeMap, BTreeSet};

use crate::layout::{Anchor, Document};
use crate::model::{Briefing, Part, Section, blocks_text};
use crate::state::{BriefingState, Changes, MAX_READ_TEXT, Note, ReadText, fingerprint};

/// Why a section is marked as changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Its content differs from when it was read.
    Changed,
    /// It was not there when the briefing was last opened.
    New,
}

/// Read marks, notes and changes for one open briefing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks {
    /// Ids read to the end (`summary` and section ids).
    pub read: BTreeSet<String>,
    /// Notes by id (`summary` or a section id), orphaned ones included.
    pub notes: BTreeMap<String, Note>,
    /// Sections (by index) changed or new since last read.
    pub changed: BTreeMap<usize, Change>,
    /// Not yet written to the state file.
    pub pending: Changes,
    /// How much of each part has been on screen long enough to be read.
    pub reading: Reading,
    /// Each section's text as last read, by id: only texts that match
    /// the section's read fingerprint.
    pub texts: BTreeMap<String, ReadText>,
}

/// A fingerprint of everything a reader sees of a section.
pub fn section_fingerprint(section: &Section) -> String {
    let mut text = section.title.clone();
    text.push('\n');
    blocks_text(&section.body.blocks(), &mut text);
    for fact in &section.facts {
        text.push_str(&fact.text());
        text.push('\n');
    }
    for chart in &section.charts {
        text.push_str(&chart.text());
        for point in &chart.points {
            text.push_str(&format!(" {}", point.value));
        }
        text.push('\n');
    }
    fingerprint(text.as_bytes())
}

impl Marks {
    /// The marks for `briefing` given what was remembered.
    pub fn from_state(briefing: &Briefing, state: &BriefingState) -> Self {
        let mut marks = Marks {
            notes: state.notes.clone(),
            // A text is trusted only as the text of the reading its
            // section's fingerprint records.
            texts: state
                .texts
                .iter()
                .filter(|(id, text)| state.fingerprints.get(*id) == Some(&text.fingerprint))
                .map(|(id, text)| (id.clone(), text.clone()))
                .collect(),
            ..Marks::default()
        };
        let ids: BTreeSet<String> = briefing.sections.iter().map(|s| s.id.clone()).collect();
        marks.read = state
            .read
            .iter()
            .filter(|id| ids.contains(*id) || id.as_str() == "summary")
            .cloned()
            .collect();
        for (index, section) in briefing.sections.iter().enumerate() {
            match state.fingerprints.get(&section.id) {
                Some(old) if *old != section_fingerprint(section) => {
                    marks.changed.insert(index, Change::Changed);
                }
                Some(_) => {}
                None if !state.known.is_empty() && !state.known.contains(&section.id) => {
                    marks.changed.insert(index, Change::New);
                }
                None => {}
            }
        }
        // A changed section is no longer "read": its new content is not.
        for index in marks.changed.keys() {
            if let Some(section) = briefing.sections.get(*index) {
                marks.read.remove(&section.id);
            }
        }
        if state.known.is_empty() {
            // First time: every section present now is known, so only
            // sections added later count as new.
            marks.pending.known = ids;
        }
        marks
    }

    /// Marks a section (or `summary` with `None`) read, recording its
    /// fingerprint and its text as read; returns true if that was news.
    /// Both are taken only then, never for a part already read. (Only
    /// sections are compared later, so the bottom line keeps neither.) A
    /// section over [`MAX_READ_TEXT`] keeps no text.
    pub fn mark_read(&mut self, briefing: &Briefing, section: Option<usize>) -> bool {
        let id = match section {
            None => "summary",
            Some(index) => match briefing.sections.get(index) {
                Some(s) => s.id.as_str(),
                None => return false,
            },
        };
        if let Some(index) = section {
            self.changed.remove(&index);
        }
        if self.read.contains(id) {
            return false;
        }
        let read = section.and_then(|index| briefing.sections.get(index));
        let fp = read.map(section_fingerprint).unwrap_or_default();
        let id = id.to_owned();
        self.texts.remove(&id);
        self.pending.texts.remove(&id);
        if let Some(section) = read {
            let text = crate::diff::read_text(section, &fp);
            if text.size() <= MAX_READ_TEXT {
                self.texts.insert(id.clone(), text.clone());
                self.pending.texts.insert(id.clone(), text);
            }
            self.pending.present = Some(briefing.sections.iter().map(|s| s.id.clone()).collect());
        }
        self.read.insert(id.clone());
        self.pending.unread.remove(&id);
        self.pending.read.insert(id, fp);
        true
    }

    /// Marks an id unread; false if it was not read. The text as last
    /// read stays, as its fingerprint does: a change is still shown
    /// against that reading until the section is read again.
    pub fn mark_unread(&mut self, id: &str) -> bool {
        if !self.read.remove(id) {
            return false;
        }
        self.pending.read.remove(id);
        self.pending.texts.remove(id);
        self.pending.unread.insert(id.to_owned());
        true
    }

    /// Writes (or, for empty text, deletes) the note on `id`, written at
    /// `now` (seconds since the epoch).
    pub fn set_note(&mut self, id: &str, section_title: &str, text: &str, now: u64) {
        if text.trim().is_empty() {
            if self.notes.remove(id).is_some() {
                self.pending.notes.insert(id.to_owned(), None);
            }
            return;
        }
        let note = Note {
            text: text.to_owned(),
            section_title: section_title.to_owned(),
            updated: now,
        };
        self.notes.insert(id.to_owned(), note.clone());
        self.pending.notes.insert(id.to_owned(), Some(note));
    }

    /// Notes whose section is gone from the briefing: `(id, note)`.
    pub fn orphaned_notes<'a>(&'a self, briefing: &Briefing) -> Vec<(&'a String, &'a Note)> {
        self.notes
            .iter()
            .filter(|(id, _)| {
                id.as_str() != "summary" && !briefing.sections.iter().any(|s| &s.id == *id)
            })
            .collect()
    }

    /// After the briefing was edited on disk while open: sections read in
    /// the old version whose content differs now are changed, sections that
    /// were not there are new. Marks already set stay.
    pub fn carry_over(&mut self, old: &Briefing, new: &Briefing) {
        // The reading credited was of the old text.
        self.reading.reset();
        let old_by_id: BTreeMap<&str, String> = old
            .sections
            .iter()
            .map(|s| (s.id.as_str(), section_fingerprint(s)))
            .collect();
        let mut changed = BTreeMap::new();
        for (index, section) in new.sections.iter().enumerate() {
            let was_changed = old
                .sections
                .iter()
                .position(|s| s.id == section.id)
                .and_then(|i| self.changed.get(&i).copied());
            match old_by_id.get(section.id.as_str()) {
                None => {
                    changed.insert(index, Change::New);
                }
                Some(fp)
                    if *fp != section_fingerprint(section) && self.read.contains(&section.id) =>
                {
                    self.read.remove(&section.id);
                    changed.insert(index, Change::Changed);
                }
                Some(_) => {
                    if let Some(change) = was_changed {
                        changed.insert(index, change);
                    }
                }
            }
        }
        self.changed = changed;
    }

    /// The text of section `id` as it was last read, if it was kept.
    pub fn as_read(&self, id: &str) -> Option<&ReadText> {
        self.texts.get(id)
    }

    /// The number of sections changed or new since last read.
    pub fn changed_count(&self) -> usize {
        self.changed.len()
    }
}

/// Words per minute credited to the text on screen: a steady reading pace
/// for policy prose (skimming runs faster, study slower).
pub const READING_RATE_WPM: u32 = 250;

/// The share of a part's words that must have been credited before it
/// counts as read: most of it, not every word.
pub const READ_SHARE_NUMERATOR: u32 = 2;
/// See [`READ_SHARE_NUMERATOR`].
pub const READ_SHARE_DENOMINATOR: u32 = 3;

/// How long (milliseconds) a part must have been on screen, however short
/// it is, before it counts as read: a glance is not a reading.
pub const MIN_ON_SCREEN_MS: u64 = 2_000;

/// How much of each part has been on screen long enough to be read.
///
/// Time is credited when something happens (there is no timer): the time
/// since the last event is turned into words at [`READING_RATE_WPM`] and
/// given to the lines that were on screen meanwhile, top down, each line
/// taking at most the words it holds. A part is read once
/// [`READ_SHARE_NUMERATOR`]/[`READ_SHARE_DENOMINATOR`] of its words were
/// credited and it was on screen [`MIN_ON_SCREEN_MS`] in all. A jump or a
/// quick scroll past credits next to nothing. The work per event is a walk
/// over the lines on screen; a part's words are counted once per layout, when
/// it is first shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reading {
    /// When the screen was last credited (milliseconds since the epoch);
    /// `None` while nothing is being read (help open, suspended, not yet
    /// drawn).
    since: Option<u64>,
    /// Per line of the current layout shown while reading: its anchor (to
    /// carry the credit over to another width), the words credited, and
    /// the words it holds (counted once, not on every key).
    lines: BTreeMap<usize, (Anchor, f32, f32)>,
    /// Per part: words credited and milliseconds on screen.
    parts: BTreeMap<Part, (f32, u64)>,
    /// Words per part in the current layout.
    totals: BTreeMap<Part, u32>,
    /// The layout the line numbers refer to: width and length.
    layout: (usize, usize),
}

/// The words on a line: runs of non-blank characters holding a letter or a
/// digit (bullets, bars and borders are not words).
pub fn words(text: &str) -> u32 {
    let count = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

impl Reading {
    /// Starts (or restarts) counting at `now` (milliseconds): the screen
    /// is being shown from now on.
    pub fn start(&mut self, now: u64) {
        self.since = Some(now);
    }

    /// Stops counting: nothing is on screen to be read.
    pub fn stop(&mut self) {
        self.since = None;
    }

    /// After an event at `now`: goes on counting if the text is
    /// `visible` (from `now` if it was not counting), else stops.
    pub fn carry_on(&mut self, now: u64, visible: bool) {
        if !visible {
            self.since = None;
        } else if self.since.is_none() {
            self.since = Some(now);
        }
    }

    /// Forgets everything credited (the text changed).
    pub fn reset(&mut self) {
        *self = Reading {
            since: self.since,
            ..Reading::default()
        };
    }

    /// Forgets what was credited to `part` (it was marked unread: it must
    /// be read again before it counts).
    pub fn forget(&mut self, part: Part) {
        self.parts.remove(&part);
        self.lines.retain(|_, (anchor, _, _)| anchor.part != part);
    }

    /// Credits the time since the last call to lines `top..top + height`
    /// of `doc`, which were on screen meanwhile if `visible`, and goes on
    /// counting from `now` if `visible`. Returns the parts that reached
    /// the read rule.
    pub fn credit(
        &mut self,
        doc: &Document,
        top: usize,
        height: usize,
        now: u64,
        visible: bool,
    ) -> Vec<Part> {
        let since = self.since;
        self.since = visible.then_some(now);
        let Some(since) = since else {
            return Vec::new();
        };
        let elapsed = now.saturating_sub(since);
        if !visible || elapsed == 0 || doc.lines.is_empty() {
            return Vec::new();
        }
        self.follow_layout(doc);
        let bottom = top.saturating_add(height).min(doc.lines.len());
        // Words readable in the time; f32 is plenty for a count of words.
        let mut budget = (elapsed as f64 * f64::from(READING_RATE_WPM) / 60_000.0) as f32;
        let mut shown: Vec<Part> = Vec::new();
        for index in top..bottom {
            let Some(anchor) = doc.lines.anchor(index) else {
                continue;
            };
            if shown.last() != Some(&anchor.part) {
                shown.push(anchor.part);
                self.parts.entry(anchor.part).or_default().1 += elapsed;
            }
            if budget <= 0.0 {
                continue;
            }
            let entry = self
                .lines
                .entry(index)
                .or_insert_with(|| (anchor, 0.0, words(doc.lines.line_text(index)) as f32));
            let take = (entry.2 - entry.1).max(0.0).min(budget);
            if take > 0.0 {
                entry.1 += take;
                budget -= take;
                self.parts.entry(anchor.part).or_default().0 += take;
            }
        }
        for part in &shown {
            if !self.totals.contains_key(part) {
                let total = doc
                    .lines_of_part(*part)
                    .filter(|index| doc.lines.anchor(*index).is_some_and(|a| a.part == *part))
                    .map(|index| words(doc.lines.line_text(index)))
                    .fold(0u32, u32::saturating_add);
                self.totals.insert(*part, total);
            }
        }
        shown
            .into_iter()
            .filter(|part| self.is_read(*part))
            .collect()
    }

    /// True if `part` meets the read rule.
    pub fn is_read(&self, part: Part) -> bool {
        let (credited, on_screen) = self.parts.get(&part).copied().unwrap_or_default();
        let total = self.totals.get(&part).copied().unwrap_or(0);
        let needed =
            f64::from(total) * f64::from(READ_SHARE_NUMERATOR) / f64::from(READ_SHARE_DENOMINATOR);
        on_screen >= MIN_ON_SCREEN_MS && f64::from(credited) + 1e-3 >= needed
    }

    /// Carries the credit over to a new layout of the same briefing (a
    /// new width): each block's credit goes to its lines there, top down.
    /// Only when the layout changed, and only over the parts that hold
    /// credit: a long briefing is not walked on the first key (the words
    /// of a part are counted when it is first shown, in [`Self::credit`]).
    fn follow_layout(&mut self, doc: &Document) {
        let layout = (doc.lines.width(), doc.lines.len());
        if layout == self.layout {
            return;
        }
        self.layout = layout;
        let mut by_block: BTreeMap<Anchor, f32> = BTreeMap::new();
        for (anchor, credit, _) in self.lines.values() {
            *by_block.entry(*anchor).or_default() += credit;
        }
        self.lines.clear();
        self.totals.clear();
        let credited: BTreeSet<Part> = by_block.keys().map(|anchor| anchor.part).collect();
        for index in credited
            .into_iter()
            .flat_map(|part| doc.lines_of_part(part))
        {
            let Some(anchor) = doc.lines.anchor(index) else {
                continue;
            };
            if let Some(left) = by_block.get_mut(&anchor)
                && *left > 0.0
            {
                let held = words(doc.lines.line_text(index)) as f32;
                let take = left.min(held);
                *left -= take;
                if take > 0.0 {
                    self.lines.insert(index, (anchor, take, held));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::load_str;

    const ONE: &str = "title = \"T\"\n[[sections]]\ntitle = \"A\"\nbody = \"one\"\n[[sections]]\ntitle = \"B\"\nbody = \"two\"\n";

    #[test]
    fn a_changed_section_is_marked_and_clears_when_read_again() {
        let before = load_str("t", ONE).expect("valid");
        let mut marks = Marks::from_state(&before, &BriefingState::default());
        marks.mark_read(&before, Some(0));
        marks.mark_read(&before, Some(1));
        let mut state = BriefingState::default();
        marks.pending.apply(&mut state);

        let after = load_str("t", &ONE.replace("\"two\"", "\"two, revised\"")).expect("valid");
        let mut marks = Marks::from_state(&after, &state);
        assert_eq!(marks.changed.keys().copied().collect::<Vec<_>>(), vec![1]);
        assert!(marks.read.contains("a") && !marks.read.contains("b"));
        marks.mark_read(&after, Some(1));
        assert!(marks.changed.is_empty());
    }

    #[test]
    fn loading_keeps_the_notes_and_the_read_marks_of_what_still_exists() {
        let briefing = load_str("t", ONE).expect("valid");
        let mut state = BriefingState::default();
        for id in ["a", "summary", "gone"] {
            state.read.insert(id.to_owned());
        }
        let note = Note {
            text: "ask".into(),
            section_title: "A".into(),
            updated: 1,
        };
        state.notes.insert("a".into(), note.clone());
        let marks = Marks::from_state(&briefing, &state);
        let read: Vec<&str> = marks.read.iter().map(String::as_str).collect();
        assert_eq!(
            read,
            ["a", "summary"],
            "a removed section's mark is dropped"
        );
        assert_eq!(marks.notes.get("a"), Some(&note));
    }

    #[test]
    fn notes_of_removed_sections_are_orphaned_but_the_bottom_lines_is_not() {
        let briefing = load_str("t", ONE).expect("valid");
        let mut state = BriefingState::default();
        for id in ["a", "summary", "gone"] {
            state.notes.insert(
                id.into(),
                Note {
                    text: id.into(),
                    section_title: String::new(),
                    updated: 0,
                },
            );
        }
        let marks = Marks::from_state(&briefing, &state);
        let orphans: Vec<&str> = marks
            .orphaned_notes(&briefing)
            .into_iter()
            .map(|(id, _)| id.as_str())
            .collect();
        assert_eq!(orphans, ["gone"]);
    }

    #[test]
    fn an_edit_while_open_marks_read_sections_that_changed_and_new_ones() {
        const THREE: &str = "title = \"T\"\n[[sections]]\ntitle = \"A\"\nbody = \"one\"\n[[sections]]\ntitle = \"B\"\nbody = \"two\"\n[[sections]]\ntitle = \"C\"\nbody = \"three\"\n";
        let old = load_str("t", THREE).expect("valid");
        let mut marks = Marks::from_state(&old, &BriefingState::default());
        marks.mark_read(&old, Some(0));
        marks.mark_read(&old, Some(1));
        // B and C change; C was never read, so only B is "changed"; D is new.
        let edited = format!(
            "{}[[sections]]\ntitle = \"D\"\n",
            THREE
                .replace("\"two\"", "\"two, revised\"")
                .replace("\"three\"", "\"three, revised\"")
        );
        let new = load_str("t", &edited).expect("valid");
        marks.carry_over(&old, &new);
        assert_eq!(
            marks.changed.clone().into_iter().collect::<Vec<_>>(),
            [(1, Change::Changed), (3, Change::New)]
        );
        assert_eq!(marks.changed_count(), 2);
        assert!(marks.read.contains("a") && !marks.read.contains("b"));
        // Reordered and otherwise unchanged: the marks follow the sections.
        let reordered = "title = \"T\"\n[[sections]]\ntitle = \"D\"\n[[sections]]\ntitle = \"B\"\nbody = \"two, revised\"\n[[sections]]\ntitle = \"A\"\nbody = \"one\"\n[[sections]]\ntitle = \"C\"\nbody = \"three, revised\"\n";
        let moved = load_str("t", reordered).expect("valid");
        marks.carry_over(&new, &moved);
        assert_eq!(
            marks.changed.clone().into_iter().collect::<Vec<_>>(),
            [(0, Change::New), (1, Change::Changed)]
        );
    }

    #[test]
    fn sections_added_later_are_new() {
        let before = load_str("t", ONE).expect("valid");
        let marks = Marks::from_state(&before, &BriefingState::default());
        let mut state = BriefingState::default();
        marks.pending.apply(&mut state);
        let added = format!("{ONE}[[sections]]\ntitle = \"C\"\n");
        let after = load_str("t", &added).expect("valid");
        let marks = Marks::from_state(&after, &state);
        assert_eq!(marks.changed.get(&2), Some(&Change::New));
        assert_eq!(marks.changed.len(), 1);
    }

    fn laid_out(source: &str, width: usize) -> (Briefing, Document) {
        let briefing = load_str("t", source).expect("valid");
        let doc = crate::layout::document(
            &briefing,
            width,
            crate::layout::Options {
                glyphs: crate::glyphs::Glyphs::UNICODE,
                facts_inline: false,
                underline_headings: false,
                mark_strike: false,
            },
        );
        (briefing, doc)
    }

    fn laid_out_at(briefing: &Briefing, width: usize) -> (Briefing, Document) {
        let doc = crate::layout::document(
            briefing,
            width,
            crate::layout::Options {
                glyphs: crate::glyphs::Glyphs::UNICODE,
                facts_inline: false,
                underline_headings: false,
                mark_strike: false,
            },
        );
        (briefing.clone(), doc)
    }

    /// A briefing whose one section has 300 words.
    fn long_section() -> String {
        let body = vec!["word"; 300].join(" ");
        format!("title = \"T\"\n[[sections]]\ntitle = \"Long\"\nbody = \"{body}\"\n")
    }

    #[test]
    fn a_glance_reads_nothing_however_short_the_section() {
        let (_, doc) = laid_out(ONE, 60);
        let mut reading = Reading::default();
        reading.start(0);
        assert!(reading.credit(&doc, 0, 40, 200, true).is_empty());
        assert!(!reading.is_read(Part::Section(0)));
        // Two seconds on screen reads a one-word section.
        let read = reading.credit(&doc, 0, 40, 2_000, true);
        assert!(read.contains(&Part::Section(0)) && read.contains(&Part::Section(1)));
    }

    #[test]
    fn a_long_section_needs_two_thirds_of_its_words_at_250_a_minute() {
        let (_, doc) = laid_out(&long_section(), 60);
        let mut reading = Reading::default();
        reading.start(0);
        // 40 s is 166 words: not yet two thirds of 300 (and the title).
        let read = reading.credit(&doc, 0, 200, 40_000, true);
        assert!(!read.contains(&Part::Section(0)), "{read:?}");
        // 50 s is 208 words: enough.
        let read = reading.credit(&doc, 0, 200, 50_000, true);
        assert!(read.contains(&Part::Section(0)), "{read:?}");
    }

    #[test]
    fn time_not_on_screen_or_off_the_page_is_not_credited() {
        let (_, doc) = laid_out(&long_section(), 60);
        let section = doc.line_of_part(Part::Section(0)).expect("laid out");
        let mut reading = Reading::default();
        reading.start(0);
        // An hour with the help over the text, then with only the
        // section's heading on screen: neither reads the section.
        assert!(reading.credit(&doc, 0, 200, 3_600_000, false).is_empty());
        reading.carry_on(3_600_000, true);
        assert!(reading.credit(&doc, section, 1, 7_200_000, true).is_empty());
    }

    #[test]
    fn time_while_stopped_is_not_credited() {
        let (_, doc) = laid_out(ONE, 60);
        let mut reading = Reading::default();
        reading.start(0);
        reading.stop();
        assert!(reading.credit(&doc, 0, 40, 60_000, true).is_empty());
        // Nothing on screen to read from 60 s: the next minute is not read.
        reading.carry_on(60_000, false);
        assert!(reading.credit(&doc, 0, 40, 120_000, true).is_empty());
        assert!(!reading.is_read(Part::Section(0)));
        // Counting again from 120 s, and an event that keeps the text in
        // sight does not restart the count: 2.5 s in all reads it.
        reading.stop();
        reading.carry_on(120_000, true);
        reading.carry_on(121_000, true);
        let read = reading.credit(&doc, 0, 40, 122_500, true);
        assert!(read.contains(&Part::Section(0)), "{read:?}");
    }

    #[test]
    fn a_reset_forgets_the_credit_but_keeps_counting() {
        let (_, doc) = laid_out(&long_section(), 60);
        let mut reading = Reading::default();
        reading.start(0);
        let read = reading.credit(&doc, 0, 200, 40_000, true);
        assert!(!read.contains(&Part::Section(0)), "{read:?}");
        reading.reset();
        // 20 s more is not enough alone (it would be with the 40 s before).
        let read = reading.credit(&doc, 0, 200, 60_000, true);
        assert!(!read.contains(&Part::Section(0)), "{read:?}");
        let read = reading.credit(&doc, 0, 200, 100_000, true);
        assert!(read.contains(&Part::Section(0)), "{read:?}");
    }

    #[test]
    fn a_line_gives_its_words_once_however_long_it_is_looked_at() {
        let (_, doc) = laid_out(&long_section(), 60);
        let section = doc.line_of_part(Part::Section(0)).expect("laid out");
        let mut reading = Reading::default();
        reading.start(0);
        // Ten minutes on the heading and the first lines, a minute a key.
        for minute in 1..=10 {
            let read = reading.credit(&doc, section, 4, minute * 60_000, true);
            assert!(!read.contains(&Part::Section(0)), "minute {minute}");
        }
    }

    #[test]
    fn lines_read_at_one_width_give_no_words_again_at_another() {
        let (briefing, doc) = laid_out(&long_section(), 60);
        let mut reading = Reading::default();
        reading.start(0);
        // 40 s: 166 of the 300 words, from the top.
        let read = reading.credit(&doc, 0, 200, 40_000, true);
        assert!(!read.contains(&Part::Section(0)), "{read:?}");
        let (_, narrow) = laid_out_at(&briefing, 30);
        // At 30 columns, the first lines hold words already credited:
        // ten minutes on them read nothing more.
        let section = narrow.line_of_part(Part::Section(0)).expect("laid out");
        for minute in 1..=10 {
            let read = reading.credit(&narrow, section, 12, 40_000 + minute * 60_000, true);
            assert!(!read.contains(&Part::Section(0)), "minute {minute}");
        }
    }

    #[test]
    fn a_part_forgotten_is_read_again_from_its_first_line() {
        let (_, doc) = laid_out(&long_section(), 60);
        let mut reading = Reading::default();
        reading.start(0);
        let read = reading.credit(&doc, 0, 200, 120_000, true);
        assert!(read.contains(&Part::Section(0)), "{read:?}");
        reading.forget(Part::Section(0));
        assert!(!reading.is_read(Part::Section(0)));
        // The same lines, read again at the same pace, count again.
        let read = reading.credit(&doc, 0, 200, 240_000, true);
        assert!(read.contains(&Part::Section(0)), "{read:?}");
    }

    #[test]
    fn exactly_two_thirds_of_the_words_is_enough() {
        // A section whose words (heading included) are a multiple of 3.
        let probe = "title = \"T\"\n[[sections]]\ntitle = \"A\"\nbody = \"b\"\n";
        let (_, doc) = laid_out(probe, 60);
        let section = doc.line_of_part(Part::Section(0)).expect("laid out");
        let heading = words(doc.lines.line_text(section));
        let body = 3 + (3 - heading % 3) % 3;
        let source = format!(
            "title = \"T\"\n[[sections]]\ntitle = \"A\"\nbody = \"{}\"\n",
            vec!["w"; body as usize].join(" ")
        );
        let (_, doc) = laid_out(&source, 60);
        let needed = u64::from((heading + body) * 2 / 3);
        let mut reading = Reading::default();
        reading.start(0);
        // Exactly the words needed (240 ms a word at 250 a minute)…
        reading.credit(&doc, section, 3, needed * 240, true);
        // …then long enough on screen, on the blank line below the heading.
        reading.credit(&doc, section + 1, 1, needed * 240 + 2_000, true);
        assert!(reading.is_read(Part::Section(0)));
    }

    #[test]
    fn scrolling_past_fast_reads_nothing() {
        let (_, doc) = laid_out(&long_section(), 40);
        let mut reading = Reading::default();
        reading.start(0);
        let mut now = 0;
        for top in 0..doc.lines.len() {
            now += 100;
            assert!(reading.credit(&doc, top, 10, now, true).is_empty());
        }
    }

    #[test]
    fn credit_survives_a_new_width_and_is_forgotten_when_marked_unread() {
        let (briefing, doc) = laid_out(&long_section(), 60);
        let mut reading = Reading::default();
        reading.start(0);
        let read = reading.credit(&doc, 0, 200, 40_000, true);
        assert!(!read.contains(&Part::Section(0)), "{read:?}");
        let narrow = crate::layout::document(
            &briefing,
            30,
            crate::layout::Options {
                glyphs: crate::glyphs::Glyphs::UNICODE,
                facts_inline: false,
                underline_headings: false,
                mark_strike: false,
            },
        );
        // Ten more seconds at the new width complete the reading.
        let read = reading.credit(&narrow, 0, 400, 50_000, true);
        assert!(read.contains(&Part::Section(0)), "{read:?}");
        reading.forget(Part::Section(0));
        assert!(!reading.is_read(Part::Section(0)));
    }

    #[test]
    fn words_are_runs_holding_a_letter_or_digit() {
        assert_eq!(words("│ • the €9.1 bn deficit — up"), 5);
        assert_eq!(words("────"), 0);
    }

    #[test]
    fn empty_notes_are_deletions() {
        let briefing = load_str("t", ONE).expect("valid");
        let mut marks = Marks::from_state(&briefing, &BriefingState::default());
        marks.set_note("a", "A", "remember the figure", 1);
        marks.set_note("a", "A", "  ", 2);
        assert!(marks.notes.is_empty());
        assert_eq!(marks.pending.notes.get("a"), Some(&None));
    }

    #[test]
    fn reading_a_section_keeps_its_text_with_its_fingerprint() {
        let briefing = load_str("t", ONE).expect("valid");
        let mut marks = Marks::from_state(&briefing, &BriefingState::default());
        marks.mark_read(&briefing, Some(1));
        let kept = marks.as_read("b").expect("kept");
        assert_eq!((kept.title.as_str(), kept.body.as_str()), ("B", "two"));
        assert_eq!(kept.fingerprint, section_fingerprint(&briefing.sections[1]));
        assert_eq!(marks.pending.texts.get("b"), Some(kept));
        let present: BTreeSet<String> = ["a", "b"].into_iter().map(str::to_owned).collect();
        assert_eq!(marks.pending.present, Some(present));
        // The bottom line keeps none.
        marks.mark_read(&briefing, None);
        assert!(marks.as_read("summary").is_none());
    }

    #[test]
    fn a_kept_text_survives_a_reload_and_shows_what_changed() {
        let before = load_str("t", ONE).expect("valid");
        let mut marks = Marks::from_state(&before, &BriefingState::default());
        marks.mark_read(&before, Some(1));
        let after = load_str("t", &ONE.replace("\"two\"", "\"two, revised\"")).expect("valid");
        marks.carry_over(&before, &after);
        assert_eq!(marks.changed.get(&1), Some(&Change::Changed));
        let kept = marks.as_read("b").expect("still the text as read");
        let now = crate::diff::read_text(&after.sections[1], "");
        let shown = crate::diff::compare(kept, &now, crate::glyphs::Glyphs::UNICODE);
        assert!(
            shown.blocks.iter().any(|b| b.text() == "two{+, revised+}"),
            "{shown:?}"
        );
        // Reading it again keeps the new text.
        marks.mark_read(&after, Some(1));
        assert_eq!(
            marks.as_read("b").map(|t| t.body.as_str()),
            Some("two, revised")
        );
    }

    #[test]
    fn a_stored_text_that_does_not_match_its_mark_is_not_trusted() {
        let briefing = load_str("t", ONE).expect("valid");
        let mut marks = Marks::from_state(&briefing, &BriefingState::default());
        marks.mark_read(&briefing, Some(0));
        marks.mark_read(&briefing, Some(1));
        let mut state = BriefingState::default();
        marks.pending.apply(&mut state);
        state
            .fingerprints
            .insert("b".into(), "another reading".into());
        let marks = Marks::from_state(&briefing, &state);
        assert!(marks.as_read("a").is_some());
        assert!(marks.as_read("b").is_none());
    }

    #[test]
    fn a_section_too_long_to_keep_keeps_no_text() {
        // Title "Long" (4 bytes) and a body of one word: `size` in all.
        let briefing_of = |size: usize| {
            let body = "x".repeat(size - 4);
            let source =
                format!("title = \"T\"\n[[sections]]\ntitle = \"Long\"\nbody = \"{body}\"\n");
            load_str("t", &source).expect("valid")
        };
        let at = briefing_of(MAX_READ_TEXT);
        let mut marks = Marks::from_state(&at, &BriefingState::default());
        marks.mark_read(&at, Some(0));
        assert_eq!(
            marks.as_read("long").map(ReadText::size),
            Some(MAX_READ_TEXT)
        );

        let over = briefing_of(MAX_READ_TEXT + 1);
        let mut marks = Marks::from_state(&over, &BriefingState::default());
        marks.texts.insert("long".into(), ReadText::default());
        assert!(marks.mark_read(&over, Some(0)));
        assert!(marks.as_read("long").is_none(), "the old text went too");
        assert!(marks.pending.texts.is_empty());
        assert!(marks.pending.read.contains_key("long"));
    }

    #[test]
    fn marking_unread_keeps_the_last_reading_until_read_again() {
        let briefing = load_str("t", ONE).expect("valid");
        let mut marks = Marks::from_state(&briefing, &BriefingState::default());
        marks.mark_read(&briefing, Some(0));
        assert!(marks.mark_unread("a"));
        assert!(marks.as_read("a").is_some());
        assert!(
            marks.pending.texts.is_empty(),
            "nothing to save with no read"
        );
    }

    #[test]
    fn a_section_is_read_by_its_own_words_not_its_neighbours() {
        // A short section between two long ones: read once its own 30
        // words were on screen, whatever the others hold.
        let long = vec!["word"; 300].join(" ");
        let short = vec!["word"; 30].join(" ");
        let source = format!(
            "title = \"T\"\n[[sections]]\ntitle = \"A\"\nbody = \"{long}\"\n\
             [[sections]]\ntitle = \"B\"\nbody = \"{short}\"\n\
             [[sections]]\ntitle = \"C\"\nbody = \"{long}\"\n"
        );
        let (_, doc) = laid_out(&source, 60);
        let b = doc.lines_of_part(Part::Section(1));
        assert!(!b.is_empty());
        assert_eq!(doc.part_at(b.start), Part::Section(1));
        assert_eq!(doc.part_at(b.end - 1), Part::Section(1));
        assert_eq!(doc.part_at(b.end), Part::Section(2));
        let mut reading = Reading::default();
        reading.start(0);
        // 30 words and the heading take 7.7 s at 250 a minute; 2/3 of
        // them 5.1 s.
        let read = reading.credit(&doc, b.start, b.len(), 4_000, true);
        assert!(read.is_empty(), "{read:?}");
        let read = reading.credit(&doc, b.start, b.len(), 6_000, true);
        assert_eq!(read, [Part::Section(1)]);
        // The last part runs to the end of the document.
        let sources = doc.lines_of_part(Part::Section(2));
        assert_eq!(sources.end, doc.lines.len());
        assert!(doc.lines_of_part(Part::Section(7)).is_empty());
    }

    #[test]
    fn text_already_read_gives_no_credit_again_after_a_new_width() {
        let (briefing, wide) = laid_out(&long_section(), 60);
        let (_, narrow) = laid_out_at(&briefing, 30);
        // The lines holding the first half of the 300 words, at each width.
        let half = |doc: &Document| {
            let mut words_so_far = 0;
            (0..doc.lines.len())
                .find(|i| {
                    words_so_far += words(doc.lines.line_text(*i));
                    words_so_far >= 150
                })
                .map_or(doc.lines.len(), |i| i + 1)
        };
        let mut reading = Reading::default();
        reading.start(0);
        // Ten minutes on the first half: every word of it is read, but
        // that is half the section, not two thirds.
        let read = reading.credit(&wide, 0, half(&wide), 600_000, true);
        assert!(!read.contains(&Part::Section(0)), "{read:?}");
        // The same text at a new width, ten minutes more: nothing new.
        let read = reading.credit(&narrow, 0, half(&narrow), 1_200_000, true);
        assert!(!read.contains(&Part::Section(0)), "{read:?}");
        assert!(!reading.is_read(Part::Section(0)));
        // The rest of it, once, completes the reading.
        let rest = half(&narrow);
        let read = reading.credit(&narrow, rest, narrow.lines.len() - rest, 1_800_000, true);
        assert!(read.contains(&Part::Section(0)), "{read:?}");
    }
}

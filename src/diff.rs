//! What changed in a section since it was read, word by word.
//!
//! Owns two things: a section's text in plain words, as it is kept when the
//! section is read ([`read_text`]), and the comparison of a kept text with
//! the section as it is now ([`compare`]). Paragraphs are matched first and
//! words compared only inside the paragraphs that changed (with the
//! `similar` crate's patience diff on Unicode word boundaries), so the work
//! stays small however long the section; key facts are matched by label, so
//! a changed figure shows its old value beside the new one, and come first,
//! under the heading: the figures are what a reader checks before a meeting.
//!
//! Deleted and inserted words carry markers in the text itself (`[-old-]`,
//! `{+new+}`, as `wdiff` and `git diff --word-diff` write them), so the
//! change is visible with no colour and in ASCII; the theme adds colour.
//! Every string in the output is sanitised: the kept text comes from a
//! state file and is not trusted. Nothing here draws or knows a terminal.

use similar::{Algorithm, ChangeTag, DiffOp, TextDiff};
use unicode_segmentation::UnicodeSegmentation;

use crate::glyphs::Glyphs;
use crate::layout::format_value;
use crate::model::{Block as BodyBlock, Section, blocks_text, plain_text};
use crate::sanitize::{Mode, sanitize};
use crate::state::{ReadFact, ReadText};

/// Opens a run of deleted words.
pub const DELETED_OPEN: &str = "[-";
/// Closes a run of deleted words.
pub const DELETED_CLOSE: &str = "-]";
/// Opens a run of inserted words.
pub const INSERTED_OPEN: &str = "{+";
/// Closes a run of inserted words.
pub const INSERTED_CLOSE: &str = "+}";

/// A changed paragraph run with more words than this (old and new
/// together) is shown as whole paragraphs deleted and inserted instead of
/// word by word: a word diff of two unrelated long texts costs time and
/// reads worse than the two texts.
pub const MAX_WORD_DIFF_TOKENS: usize = 8_000;

/// What a piece of text is, for the theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ink {
    /// Text the same as when read.
    Same,
    /// The section's heading.
    Heading,
    /// A fact's label.
    Label,
    /// Words about the comparison, and a fact's detail.
    Meta,
    /// Words deleted since the reading.
    Deleted,
    /// Words inserted since the reading.
    Inserted,
    /// The markers around deleted words.
    DeletedMarker,
    /// The markers around inserted words.
    InsertedMarker,
    /// The arrow from a fact's old value to its new one.
    Arrow,
}

/// How a block is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The section's heading.
    Heading,
    /// What changed, in numbers, and what the markers mean.
    Summary,
    /// A paragraph of the body.
    Paragraph,
    /// The heading over the key facts.
    FactsHeading,
    /// The heading over the body, after the key facts.
    TextHeading,
    /// One key fact: `label: value`.
    Fact,
    /// A fact's date and qualification, under it.
    Detail,
}

/// One block of the comparison: styled runs of sanitised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// How it is laid out.
    pub kind: Kind,
    /// The text, in runs.
    pub runs: Vec<(String, Ink)>,
}

impl Block {
    fn new(kind: Kind) -> Self {
        Self {
            kind,
            runs: Vec::new(),
        }
    }

    fn push(&mut self, text: &str, ink: Ink) {
        if text.is_empty() {
            return;
        }
        let text = sanitize(text, Mode::Line);
        match self.runs.last_mut() {
            Some((last, last_ink)) if *last_ink == ink => last.push_str(&text),
            _ => self.runs.push((text.into_owned(), ink)),
        }
    }

    /// The block's text, markers included.
    pub fn text(&self) -> String {
        self.runs.iter().map(|(t, _)| t.as_str()).collect()
    }
}

/// A section compared with its text as read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// The blocks, in reading order.
    pub blocks: Vec<Block>,
    /// Words deleted from the heading and body.
    pub deleted: usize,
    /// Words inserted into the heading and body.
    pub inserted: usize,
    /// Key facts added, removed or changed.
    pub facts: usize,
}

impl Comparison {
    /// True if nothing a reader sees differs.
    pub fn is_empty(&self) -> bool {
        self.deleted == 0 && self.inserted == 0 && self.facts == 0
    }
}

/// A section's text in plain words, to be kept as read: its heading, its
/// body one paragraph a line, and its key facts with each chart bar as a
/// fact of its own (a changed bar is a changed figure).
pub fn read_text(section: &Section, fingerprint: &str) -> ReadText {
    let mut facts: Vec<ReadFact> = section
        .facts
        .iter()
        .map(|fact| {
            let mut detail = Vec::new();
            if let Some(as_of) = &fact.as_of {
                detail.push(format!("as of {as_of}"));
            }
            if let Some(note) = &fact.note {
                detail.push(note.clone());
            }
            ReadFact {
                label: fact.label.clone(),
                value: fact.value.clone(),
                detail: detail.join("; "),
            }
        })
        .collect();
    for chart in &section.charts {
        for point in &chart.points {
            let label = match &chart.unit {
                Some(unit) => format!("{} ({unit}), {}", chart.title, point.label),
                None => format!("{}, {}", chart.title, point.label),
            };
            facts.push(ReadFact {
                label,
                value: format_value(point.value),
                detail: String::new(),
            });
        }
    }
    ReadText {
        fingerprint: fingerprint.to_owned(),
        order: 0,
        title: section.title.clone(),
        body: plain_body(&section.body.blocks()).trim_end().to_owned(),
        facts,
    }
}

/// A body in plain words, one line a paragraph, heading, list item, quote
/// line or table row: list items start `- ` (or their number), quoted
/// lines `> `, and table cells are divided by ` | `, so the structure a
/// reader saw survives without any styling.
fn plain_body(blocks: &[BodyBlock]) -> String {
    let mut out = String::new();
    body_into(blocks, "", &mut out);
    out
}

fn body_into(blocks: &[BodyBlock], prefix: &str, out: &mut String) {
    for block in blocks {
        match block {
            BodyBlock::List { start, items, .. } => {
                for (n, item) in items.iter().enumerate() {
                    let mark = match start {
                        Some(first) => format!("{prefix}{}. ", u64::from(*first) + n as u64),
                        None => format!("{prefix}- "),
                    };
                    let mut inner = String::new();
                    body_into(item, "", &mut inner);
                    for (i, line) in inner.lines().enumerate() {
                        out.push_str(if i == 0 { &mark } else { prefix });
                        out.push_str(line);
                        out.push('\n');
                    }
                }
            }
            BodyBlock::Quote(inner) => body_into(inner, &format!("{prefix}> "), out),
            BodyBlock::Table(table) => {
                for row in std::iter::once(&table.head).chain(&table.rows) {
                    let cells: Vec<String> = row.iter().map(plain_text).collect();
                    out.push_str(prefix);
                    out.push_str(&cells.join(" | "));
                    out.push('\n');
                }
            }
            other => {
                let mut text = String::new();
                blocks_text(std::slice::from_ref(other), &mut text);
                for line in text.lines() {
                    out.push_str(prefix);
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
    }
}

/// Compares the text as read (`old`) with the section now (`new`).
pub fn compare(old: &ReadText, new: &ReadText, glyphs: Glyphs) -> Comparison {
    let mut out = Builder::default();
    // The heading, word by word if it changed.
    out.start(Kind::Heading);
    out.words(&old.title, &new.title);
    let summary_at = out.blocks.len();
    // The key facts first: the figures are what a reader needs before
    // the meeting, and they are short.
    out.facts(&old.facts, &new.facts, glyphs);
    if !(old.facts.is_empty() && new.facts.is_empty()) {
        out.start(Kind::TextHeading);
        out.current().push("Text", Ink::Label);
    }
    // The body, paragraph by paragraph.
    out.start(Kind::Paragraph);
    let old_lines: Vec<&str> = old.body.lines().collect();
    let new_lines: Vec<&str> = new.body.lines().collect();
    for op in similar::capture_diff_slices(Algorithm::Patience, &old_lines, &new_lines) {
        match op {
            DiffOp::Equal { old_index, len, .. } => {
                for line in &old_lines[old_index..old_index + len] {
                    out.paragraph(line, Ink::Same);
                }
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                for line in &old_lines[old_index..old_index + old_len] {
                    out.paragraph(line, Ink::Deleted);
                }
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                for line in &new_lines[new_index..new_index + new_len] {
                    out.paragraph(line, Ink::Inserted);
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let before = old_lines[old_index..old_index + old_len].join("\n");
                let after = new_lines[new_index..new_index + new_len].join("\n");
                out.start(Kind::Paragraph);
                out.words(&before, &after);
            }
        }
    }
    let mut comparison = Comparison {
        blocks: out.blocks,
        deleted: out.deleted,
        inserted: out.inserted,
        facts: out.facts,
    };
    comparison.blocks.retain(|b| !b.runs.is_empty());
    let summary = summary(&comparison);
    let at = summary_at.min(comparison.blocks.len());
    comparison.blocks.insert(at, summary);
    comparison
}

/// The line under the heading: how much changed, and what the marks mean.
fn summary(comparison: &Comparison) -> Block {
    let words = |n: usize| if n == 1 { "word" } else { "words" };
    let mut said = Vec::new();
    if comparison.deleted > 0 {
        said.push(format!(
            "{} {} deleted",
            comparison.deleted,
            words(comparison.deleted)
        ));
    }
    if comparison.inserted > 0 {
        said.push(format!(
            "{} {} inserted",
            comparison.inserted,
            words(comparison.inserted)
        ));
    }
    if comparison.facts > 0 {
        said.push(format!(
            "{} key {} changed",
            comparison.facts,
            if comparison.facts == 1 {
                "fact"
            } else {
                "facts"
            }
        ));
    }
    let mut block = Block::new(Kind::Summary);
    if said.is_empty() {
        block.push(
            "Since you read it: no word or figure changed (only its layout).",
            Ink::Meta,
        );
        return block;
    }
    block.push(
        &format!("Since you read it: {}. ", said.join(", ")),
        Ink::Meta,
    );
    block.push(DELETED_OPEN, Ink::DeletedMarker);
    block.push("was there", Ink::Deleted);
    block.push(DELETED_CLOSE, Ink::DeletedMarker);
    block.push(", ", Ink::Meta);
    block.push(INSERTED_OPEN, Ink::InsertedMarker);
    block.push("is new", Ink::Inserted);
    block.push(INSERTED_CLOSE, Ink::InsertedMarker);
    block.push(".", Ink::Meta);
    block
}

/// Collects blocks and counts as the comparison is walked.
#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    deleted: usize,
    inserted: usize,
    facts: usize,
}

impl Builder {
    fn start(&mut self, kind: Kind) {
        self.blocks.push(Block::new(kind));
    }

    fn current(&mut self) -> &mut Block {
        if self.blocks.is_empty() {
            self.start(Kind::Paragraph);
        }
        let last = self.blocks.len() - 1;
        &mut self.blocks[last]
    }

    /// A whole paragraph, the same or deleted or inserted; a list item's
    /// or a quote's mark stays outside the change markers.
    fn paragraph(&mut self, text: &str, ink: Ink) {
        self.start(Kind::Paragraph);
        let rest = structure_marks(text);
        let (marks, rest) = text.split_at(text.len() - rest.len());
        self.current().push(marks, Ink::Same);
        self.text(rest, ink);
    }

    /// Text of one kind into the current block; a line break starts a new
    /// block of the same kind. Deleted and inserted words are counted and
    /// get their markers, with the spaces around them left outside.
    fn text(&mut self, text: &str, ink: Ink) {
        let kind = self.current().kind;
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.start(kind);
            }
            let (open, close, marker) = match ink {
                Ink::Deleted => (DELETED_OPEN, DELETED_CLOSE, Ink::DeletedMarker),
                Ink::Inserted => (INSERTED_OPEN, INSERTED_CLOSE, Ink::InsertedMarker),
                _ => {
                    self.current().push(line, ink);
                    continue;
                }
            };
            let core = line.trim();
            if core.is_empty() {
                // Only space changed: shown as the space it now is.
                if ink == Ink::Inserted {
                    self.current().push(line, Ink::Same);
                }
                continue;
            }
            let count = words(core);
            match ink {
                Ink::Deleted => self.deleted += count,
                _ => self.inserted += count,
            }
            let lead = &line[..line.len() - line.trim_start().len()];
            let trail = &line[line.trim_end().len()..];
            let block = self.current();
            block.push(lead, Ink::Same);
            block.push(open, marker);
            block.push(core, ink);
            block.push(close, marker);
            block.push(trail, Ink::Same);
        }
    }

    /// `old` and `new` compared word by word into the current block (whole
    /// texts deleted and inserted if they are too long to compare).
    fn words(&mut self, old: &str, new: &str) {
        if old == new {
            let ink = match self.current().kind {
                Kind::Heading => Ink::Heading,
                _ => Ink::Same,
            };
            self.text(old, ink);
            return;
        }
        let tokens = old.split_word_bounds().count() + new.split_word_bounds().count();
        if tokens > MAX_WORD_DIFF_TOKENS {
            let kind = self.current().kind;
            self.text(old, Ink::Deleted);
            self.start(kind);
            self.text(new, Ink::Inserted);
            return;
        }
        let diff = TextDiff::configure()
            .algorithm(Algorithm::Patience)
            .diff_unicode_words(old, new);
        // Runs of one tag, so markers go around phrases, not each word.
        let mut runs: Vec<(ChangeTag, String)> = Vec::new();
        for change in diff.iter_all_changes() {
            let value = change.value();
            match runs.last_mut() {
                Some((tag, text)) if *tag == change.tag() => text.push_str(value),
                _ => runs.push((change.tag(), value.to_owned())),
            }
        }
        let same = match self.current().kind {
            Kind::Heading => Ink::Heading,
            _ => Ink::Same,
        };
        for (tag, text) in runs {
            let ink = match tag {
                ChangeTag::Equal => same,
                ChangeTag::Delete => Ink::Deleted,
                ChangeTag::Insert => Ink::Inserted,
            };
            self.text(&text, ink);
        }
    }

    /// The key facts, matched by label: a changed value shows
    /// `label: old → new`; a fact added or removed is marked whole.
    fn facts(&mut self, old: &[ReadFact], new: &[ReadFact], glyphs: Glyphs) {
        if old.is_empty() && new.is_empty() {
            return;
        }
        self.start(Kind::FactsHeading);
        self.current().push("Key facts", Ink::Label);
        let old_labels: Vec<&str> = old.iter().map(|f| f.label.as_str()).collect();
        let new_labels: Vec<&str> = new.iter().map(|f| f.label.as_str()).collect();
        let arrow = if glyphs.ascii { " -> " } else { " → " };
        for op in similar::capture_diff_slices(Algorithm::Patience, &old_labels, &new_labels) {
            let (_, old_range, new_range) = op.as_tag_tuple();
            if let DiffOp::Equal { .. } = op {
                for (was, now) in old[old_range].iter().zip(&new[new_range]) {
                    self.fact_pair(was, now, arrow);
                }
                continue;
            }
            // Labels that differ are different facts: the old ones went,
            // the new ones came.
            for fact in &old[old_range] {
                self.whole_fact(fact, Ink::Deleted);
            }
            for fact in &new[new_range] {
                self.whole_fact(fact, Ink::Inserted);
            }
        }
    }

    fn fact_pair(&mut self, was: &ReadFact, now: &ReadFact, arrow: &str) {
        self.start(Kind::Fact);
        let block = self.current();
        block.push(&now.label, Ink::Label);
        block.push(": ", Ink::Same);
        if was.value == now.value {
            block.push(&now.value, Ink::Same);
        } else {
            self.facts += 1;
            let (deleted, inserted) = (self.deleted, self.inserted);
            self.text(&was.value, Ink::Deleted);
            self.current().push(arrow, Ink::Arrow);
            self.text(&now.value, Ink::Inserted);
            // A fact's words are counted as the fact, not as body words.
            (self.deleted, self.inserted) = (deleted, inserted);
        }
        if was.detail == now.detail {
            if !now.detail.is_empty() {
                self.start(Kind::Detail);
                self.current().push(&now.detail, Ink::Meta);
            }
            return;
        }
        if was.value == now.value {
            self.facts += 1;
        }
        let (deleted, inserted) = (self.deleted, self.inserted);
        self.start(Kind::Detail);
        self.words(&was.detail, &now.detail);
        (self.deleted, self.inserted) = (deleted, inserted);
    }

    fn whole_fact(&mut self, fact: &ReadFact, ink: Ink) {
        self.facts += 1;
        let (deleted, inserted) = (self.deleted, self.inserted);
        self.start(Kind::Fact);
        self.text(&format!("{}: {}", fact.label, fact.value), ink);
        if !fact.detail.is_empty() {
            self.start(Kind::Detail);
            self.text(&fact.detail, ink);
        }
        (self.deleted, self.inserted) = (deleted, inserted);
    }
}

/// What follows the list and quote marks [`read_text`] puts at the start of
/// a line (`- `, `3. `, `> `, in any nesting).
fn structure_marks(line: &str) -> &str {
    let mut rest = line;
    loop {
        if let Some(after) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("> ")) {
            rest = after;
            continue;
        }
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0
            && let Some(after) = rest[digits..].strip_prefix(". ")
        {
            rest = after;
            continue;
        }
        return rest;
    }
}

/// The words in `text`: runs holding a letter or a digit.
fn words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(title: &str, body: &str, facts: &[(&str, &str)]) -> ReadText {
        ReadText {
            fingerprint: String::new(),
            order: 0,
            title: title.to_owned(),
            body: body.to_owned(),
            facts: facts
                .iter()
                .map(|(label, value)| ReadFact {
                    label: (*label).to_owned(),
                    value: (*value).to_owned(),
                    detail: String::new(),
                })
                .collect(),
        }
    }

    /// The comparison as plain lines, markers included.
    fn lines(comparison: &Comparison) -> Vec<String> {
        comparison.blocks.iter().map(Block::text).collect()
    }

    #[test]
    fn inserted_words_are_marked_and_counted() {
        let old = text("Trade", "The deficit grew.", &[]);
        let new = text("Trade", "The deficit grew sharply.", &[]);
        let c = compare(&old, &new, Glyphs::UNICODE);
        assert_eq!(lines(&c)[2], "The deficit grew {+sharply+}.");
        assert_eq!((c.deleted, c.inserted, c.facts), (0, 1, 0));
        let inserted: Vec<&str> = c.blocks[2]
            .runs
            .iter()
            .filter(|(_, ink)| *ink == Ink::Inserted)
            .map(|(t, _)| t.as_str())
            .collect();
        assert_eq!(inserted, ["sharply"]);
    }

    #[test]
    fn deleted_words_are_marked_with_the_spaces_outside() {
        let old = text("Trade", "The big red car.", &[]);
        let new = text("Trade", "The red car.", &[]);
        let c = compare(&old, &new, Glyphs::UNICODE);
        assert_eq!(lines(&c)[2], "The [-big-] red car.");
        assert_eq!((c.deleted, c.inserted), (1, 0));
    }

    #[test]
    fn a_changed_number_shows_both() {
        let old = text("Trade", "The deficit was €9.1 bn in 2022.", &[]);
        let new = text("Trade", "The deficit was €9.4 bn in 2022.", &[]);
        let c = compare(&old, &new, Glyphs::UNICODE);
        assert_eq!(lines(&c)[2], "The deficit was €[-9.1-]{+9.4+} bn in 2022.");
        assert_eq!((c.deleted, c.inserted), (1, 1));
    }

    #[test]
    fn a_fact_whose_value_changed_shows_old_beside_new() {
        let old = text("T", "", &[("Deficit, 2022", "€9.1 bn"), ("Same", "1")]);
        let new = text("T", "", &[("Deficit, 2022", "€9.4 bn"), ("Same", "1")]);
        let c = compare(&old, &new, Glyphs::UNICODE);
        let shown = lines(&c);
        assert!(
            shown.contains(&"Deficit, 2022: [-€9.1 bn-] → {+€9.4 bn+}".to_owned()),
            "{shown:?}"
        );
        assert!(shown.contains(&"Same: 1".to_owned()), "{shown:?}");
        assert_eq!(c.facts, 1);
        assert_eq!((c.deleted, c.inserted), (0, 0), "facts count apart");
        let ascii = compare(&old, &new, Glyphs::ASCII);
        assert!(
            lines(&ascii).contains(&"Deficit, 2022: [-€9.1 bn-] -> {+€9.4 bn+}".to_owned()),
            "{:?}",
            lines(&ascii)
        );
    }

    #[test]
    fn facts_added_and_removed_are_marked_whole() {
        let old = text("T", "", &[("Gone", "1"), ("Kept", "2")]);
        let new = text("T", "", &[("Kept", "2"), ("Added", "3")]);
        let c = compare(&old, &new, Glyphs::UNICODE);
        let shown = lines(&c);
        assert!(shown.contains(&"[-Gone: 1-]".to_owned()), "{shown:?}");
        assert!(shown.contains(&"{+Added: 3+}".to_owned()), "{shown:?}");
        assert_eq!(c.facts, 2);
    }

    #[test]
    fn paragraphs_added_and_removed_are_marked_whole_and_others_kept() {
        let old = text("T", "First.\nSecond goes.\nThird.", &[]);
        let new = text("T", "First.\nThird.\nFourth comes.", &[]);
        let c = compare(&old, &new, Glyphs::UNICODE);
        let shown = lines(&c);
        assert_eq!(
            shown[2..],
            ["First.", "[-Second goes.-]", "Third.", "{+Fourth comes.+}"]
        );
        assert_eq!((c.deleted, c.inserted), (2, 2));
    }

    #[test]
    fn list_and_quote_marks_stay_outside_the_markers() {
        let old = text("T", "- kept\n- gone\n> > quoted\n2. counted", &[]);
        let new = text("T", "- kept", &[]);
        let c = compare(&old, &new, Glyphs::UNICODE);
        assert_eq!(
            lines(&c)[2..],
            ["- kept", "- [-gone-]", "> > [-quoted-]", "2. [-counted-]"]
        );
        assert_eq!(structure_marks("-x"), "-x");
        assert_eq!(structure_marks("12.5 bn"), "12.5 bn");
    }

    #[test]
    fn a_changed_heading_is_compared_too() {
        let old = text("Trade deficit", "x", &[]);
        let new = text("Trade surplus", "x", &[]);
        let c = compare(&old, &new, Glyphs::UNICODE);
        assert_eq!(c.blocks[0].kind, Kind::Heading);
        assert_eq!(c.blocks[0].text(), "Trade [-deficit-]{+surplus+}");
    }

    #[test]
    fn the_summary_says_how_much_changed_and_what_the_marks_mean() {
        let old = text("T", "a b", &[("F", "1")]);
        let new = text("T", "a c d", &[("F", "2")]);
        let c = compare(&old, &new, Glyphs::UNICODE);
        assert_eq!(c.blocks[1].kind, Kind::Summary);
        assert_eq!(
            c.blocks[1].text(),
            "Since you read it: 1 word deleted, 2 words inserted, 1 key fact changed. [-was there-], {+is new+}."
        );
        let same = compare(&old, &old, Glyphs::UNICODE);
        assert!(same.is_empty());
        assert!(same.blocks[1].text().contains("no word or figure changed"));
    }

    #[test]
    fn kept_text_is_sanitised_before_it_is_shown() {
        let old = text("T", "safe \u{1b}[31mred", &[("L\u{7}", "v\u{202e}")]);
        let new = text("T", "safe now", &[("L\u{7}", "w")]);
        let c = compare(&old, &new, Glyphs::UNICODE);
        for block in &c.blocks {
            for (run, _) in &block.runs {
                assert!(
                    !run.chars().any(|ch| ch.is_control() || ch == '\u{202e}'),
                    "{run:?}"
                );
            }
        }
    }

    #[test]
    fn a_long_rewrite_is_shown_as_whole_paragraphs() {
        let old_body = vec!["alpha"; MAX_WORD_DIFF_TOKENS].join(" ");
        let new_body = vec!["beta"; MAX_WORD_DIFF_TOKENS].join(" ");
        let c = compare(
            &text("T", &old_body, &[]),
            &text("T", &new_body, &[]),
            Glyphs::UNICODE,
        );
        let shown = lines(&c);
        assert_eq!(shown.len(), 4, "heading, summary, old, new");
        assert!(shown[2].starts_with("[-alpha alpha") && shown[2].ends_with("alpha-]"));
        assert!(shown[3].starts_with("{+beta") && shown[3].ends_with("beta+}"));
        assert_eq!(c.deleted, MAX_WORD_DIFF_TOKENS);
    }

    #[test]
    fn the_text_as_read_holds_heading_body_facts_and_chart_bars() {
        let briefing = crate::loader::load_str(
            "t",
            r#"title = "T"
[[sections]]
title = "Trade"
body = """
The deficit **grew**.

- one
- two

> quoted

| A | B |
|---|---|
| 1 | 2 |
"""
  [[sections.facts]]
  label = "Deficit, 2022"
  value = "€9.1 bn"
  as_of = "2022"
  note = "NBB figure"
  [[sections.charts]]
  title = "Deficit"
  unit = "€ bn"
  points = [ { label = "2021", value = 3.7 } ]
"#,
        )
        .expect("valid");
        let kept = read_text(&briefing.sections[0], "fp");
        assert_eq!(kept.title, "Trade");
        assert_eq!(
            kept.body,
            "The deficit grew.\n- one\n- two\n> quoted\nA | B\n1 | 2"
        );
        assert_eq!(kept.fingerprint, "fp");
        assert_eq!(
            kept.facts,
            [
                ReadFact {
                    label: "Deficit, 2022".into(),
                    value: "€9.1 bn".into(),
                    detail: "as of 2022; NBB figure".into(),
                },
                ReadFact {
                    label: "Deficit (€ bn), 2021".into(),
                    value: "3.7".into(),
                    detail: String::new(),
                },
            ]
        );
    }
}

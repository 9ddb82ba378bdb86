//! The document index: where each part and each body heading starts.
//!
//! A [`Document`] is the laid-out lines plus the index the reader needs to
//! follow sections (scroll-spy), jump to a part and find its way back to a
//! block after a change of width. Lookups are binary searches, never walks
//! over the whole document.

use super::{Anchor, Lines};
use crate::model::Part;

/// A briefing laid out at one width, with an index of where each part and
/// each body heading starts.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The lines.
    pub lines: Lines,
    /// `(part, first line)`, in order.
    pub parts: Vec<(Part, usize)>,
    /// The headings inside section bodies, in order.
    pub headings: Vec<Heading>,
    /// Only the start of the briefing is laid out (the first screen of a
    /// large one, while the rest is laid out off the UI thread).
    pub partial: bool,
    /// Where the last [`Document::part_at`] found its part.
    pub part_spot: crate::spot::Spot,
}

/// A heading inside a section's body, where it was laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// The section's index.
    pub section: usize,
    /// The heading's block index in the section's body.
    pub block: usize,
    /// Its first line.
    pub line: usize,
    /// Its text, for the outline.
    pub label: String,
}

impl Document {
    /// The part that line `index` belongs to.
    pub fn part_at(&self, index: usize) -> Part {
        let position = self
            .part_spot
            .partition_point(&self.parts, |(_, start)| *start <= index);
        self.parts
            .get(position.saturating_sub(1))
            .map_or(Part::Front, |(part, _)| *part)
    }

    /// The first line of `part`, if the document has it.
    pub fn line_of_part(&self, part: Part) -> Option<usize> {
        // Parts are laid out in their own order (front, summary, sections,
        // sources), so the list is sorted by part as well as by line.
        self.parts
            .binary_search_by(|(p, _)| p.cmp(&part))
            .ok()
            .and_then(|i| self.parts.get(i))
            .map(|(_, l)| *l)
    }

    /// The lines `part` is laid out on: from its first line to the next
    /// part's (empty if the document does not have it).
    pub fn lines_of_part(&self, part: Part) -> std::ops::Range<usize> {
        let Some(start) = self.line_of_part(part) else {
            return 0..0;
        };
        let next = self.parts.partition_point(|(p, _)| *p <= part);
        let end = self
            .parts
            .get(next)
            .map_or(self.lines.len(), |(_, line)| *line);
        start..end.max(start)
    }

    /// The first line laid out from `anchor` (or the nearest block before it).
    pub fn line_of_anchor(&self, anchor: Anchor) -> Option<usize> {
        let start = self.line_of_part(anchor.part)?;
        let mut best = start;
        for index in start..self.lines.len() {
            match self.lines.anchor(index) {
                Some(a) if a.part != anchor.part => break,
                Some(a) if a.block <= anchor.block => {
                    if a.block == anchor.block {
                        return Some(index);
                    }
                    best = index;
                }
                Some(_) => break,
                None => break,
            }
        }
        Some(best)
    }
}

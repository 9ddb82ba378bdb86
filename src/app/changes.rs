//! The changes view: the section being read compared with its text as
//! read, word by word, over the reader's panes.
//!
//! Owns opening the view (or saying in the status line why there is
//! nothing to show), its keys, its lines laid out at the view's width and
//! where they are scrolled to. The comparison itself is [`crate::diff`]'s;
//! drawing is [`crate::ui`]'s. Laid out in `update` (on opening, a resize
//! or a reload), so the view only reads.

use ratatui::crossterm::event::{MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::geometry::{MAX_TEXT_WIDTH, MIN_HEIGHT, MIN_WIDTH, text_area};
use super::marks::Change;
use super::{App, Level, Message, Outcome, Screen};
use crate::action::{Action, Context};
use crate::diff::{self, Comparison, Ink, Kind};
use crate::keymap::Key;
use crate::model::Part;
use crate::state::{MAX_READ_TEXT, MAX_READ_TEXTS};
use crate::text::{self, StyledLine};

/// The open changes view.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangesView {
    /// The section compared (its index in the briefing).
    pub section: usize,
    /// Its id, to find it again after a reload.
    pub id: String,
    /// "3/5 Trade deficit", for the view's title.
    pub label: String,
    /// The comparison.
    pub comparison: Comparison,
    /// The comparison laid out at `width`.
    pub lines: Vec<StyledLine<Ink>>,
    /// The width the lines are laid out at.
    pub width: usize,
    /// Rows of text shown.
    pub height: usize,
    /// First line shown.
    pub top: usize,
    /// The first line after the heading and the summary (whose legend
    /// shows the marks but is no change).
    pub body: usize,
}

/// Lines shown above a change that `n` or `N` went to.
pub const CONTEXT: usize = 2;

/// Where the view is drawn in a window of `area`: between the header and
/// the status line, over every pane, no wider than a reading line needs.
pub fn rect(area: Rect) -> Rect {
    let body = Rect::new(
        area.x,
        area.y.saturating_add(1),
        area.width,
        area.height.saturating_sub(2),
    );
    let width = body.width.min(MAX_TEXT_WIDTH + 4);
    Rect::new(
        body.x + (body.width - width) / 2,
        body.y,
        width,
        body.height,
    )
}

impl ChangesView {
    fn new(section: usize, id: String, label: String, comparison: Comparison, area: Rect) -> Self {
        let mut view = Self {
            section,
            id,
            label,
            comparison,
            lines: Vec::new(),
            width: 0,
            height: 1,
            top: 0,
            body: 0,
        };
        view.relayout(area);
        view
    }

    /// Lays the comparison out again for a window of `area` (if its width
    /// changed) and keeps the last page full.
    pub fn relayout(&mut self, area: Rect) {
        // Below the minimum size nothing is drawn: keep the lines there are
        // rather than lay a long section out one column wide.
        if (area.width < MIN_WIDTH || area.height < MIN_HEIGHT) && !self.lines.is_empty() {
            return;
        }
        let text = text_area(rect(area));
        let width = usize::from(text.width).max(1);
        self.height = usize::from(text.height).max(1);
        if width != self.width || self.lines.is_empty() {
            self.width = width;
            self.lines = lay_out(&self.comparison, width);
            let head = Comparison {
                blocks: self.comparison.blocks.iter().take(2).cloned().collect(),
                ..Comparison::default()
            };
            self.body = lay_out(&head, width).len();
        }
        self.scroll(0);
    }

    /// Scrolls by `delta` lines, keeping the last page full.
    pub fn scroll(&mut self, delta: isize) {
        let last = self.lines.len().saturating_sub(self.height);
        self.top = self.top.saturating_add_signed(delta).min(last);
    }

    /// Brings the next (or previous) line holding a change near the top,
    /// under [`CONTEXT`] lines of what leads to it; false if there is none
    /// further that way.
    pub fn step_change(&mut self, forward: bool) -> bool {
        let changed = |line: &StyledLine<Ink>| {
            line.iter()
                .any(|(_, ink)| matches!(ink, Ink::Deleted | Ink::Inserted))
        };
        let target = if forward {
            (self.body.max(self.top + CONTEXT + 1)..self.lines.len())
                .find(|i| changed(&self.lines[*i]))
        } else {
            (self.body..self.top + CONTEXT)
                .rev()
                .find(|i| changed(&self.lines[*i]))
        };
        let before = self.top;
        if let Some(line) = target {
            self.top = line.saturating_sub(CONTEXT);
            self.scroll(0);
        }
        self.top != before
    }
}

/// The comparison as lines `width` columns wide: a blank line after the
/// heading, the summary and each paragraph; facts indented under their
/// first line.
pub fn lay_out(comparison: &Comparison, width: usize) -> Vec<StyledLine<Ink>> {
    let mut lines: Vec<StyledLine<Ink>> = Vec::new();
    let indent = [("  ", Ink::Same)];
    for block in &comparison.blocks {
        let runs: Vec<(&str, Ink)> = block.runs.iter().map(|(t, i)| (t.as_str(), *i)).collect();
        let wrapped = match block.kind {
            Kind::Fact => text::wrap(&runs, width, &[], &indent),
            Kind::Detail => text::wrap(&runs, width, &indent, &indent),
            _ => text::wrap(&runs, width, &[], &[]),
        };
        if block.kind == Kind::TextHeading && lines.last().is_some_and(|l| !l.is_empty()) {
            lines.push(Vec::new());
        }
        lines.extend(wrapped);
        if matches!(
            block.kind,
            Kind::Heading | Kind::Summary | Kind::Paragraph | Kind::TextHeading
        ) {
            lines.push(Vec::new());
        }
    }
    while lines.last().is_some_and(Vec::is_empty) {
        lines.pop();
    }
    lines
}

impl App {
    /// True if the changes view is open.
    pub fn changes_open(&self) -> bool {
        self.changes.is_some()
    }

    /// Opens the changes view on the section being read, or says in the
    /// status line why there is nothing to compare.
    pub(super) fn show_changes(&mut self) -> Outcome {
        let Screen::Reader(reader) = &self.screen else {
            return Outcome::Idle;
        };
        let part = reader.current_part();
        let label = reader.part_label();
        let said = match part {
            Part::Section(index) => {
                let Some(section) = reader.briefing.sections.get(index) else {
                    return Outcome::Idle;
                };
                match (
                    reader.marks.changed.get(&index),
                    reader.marks.as_read(&section.id),
                ) {
                    (Some(Change::Changed), Some(old)) => {
                        let now = diff::read_text(section, "");
                        let comparison = diff::compare(old, &now, self.glyphs);
                        if comparison.is_empty() {
                            format!(
                                "{label} reads as it did when you read it: no word or figure changed"
                            )
                        } else {
                            let view = ChangesView::new(
                                index,
                                section.id.clone(),
                                label,
                                comparison,
                                self.area,
                            );
                            self.changes = Some(view);
                            let text = format!(
                                "{} and {} go from change to change; {} closes",
                                self.first_key(Context::Global, Action::NextMatch),
                                self.first_key(Context::Global, Action::PrevMatch),
                                self.first_key(Context::Global, Action::Close),
                            );
                            self.message = Some(Message {
                                level: Level::Info,
                                text,
                            });
                            return Outcome::Redraw;
                        }
                    }
                    (Some(Change::Changed), None) => format!(
                        "{label} changed since you read it, but its text as read was not kept (read with an older brief, or over the {} KiB a section or {} KiB a briefing kept); read it again to keep it",
                        MAX_READ_TEXT / 1024,
                        MAX_READ_TEXTS / 1024
                    ),
                    (Some(Change::New), _) => format!(
                        "{label} is new since you last opened this briefing: there is no earlier reading to compare it with"
                    ),
                    (None, _) if reader.is_read(part) => {
                        format!("{label} has not changed since you read it")
                    }
                    (None, _) => format!(
                        "you have not read {label} yet: there is no earlier reading to compare it with"
                    ),
                }
            }
            _ => format!(
                "{} compares a section with its text as you read it: move into a section first",
                self.first_key(Context::Global, Action::ShowChanges)
            ),
        };
        self.message = Some(Message {
            level: Level::Info,
            text: said,
        });
        Outcome::Redraw
    }

    /// A key while the changes view is open: it scrolls like the reading
    /// pane, `n` and `N` go from change to change, it closes on close (or
    /// its own key, or quit), and `c` moves on to the next changed
    /// section's changes.
    pub(super) fn changes_key(&mut self, key: &Key) -> Outcome {
        let action = self
            .keymap
            .resolve(Context::Reader, key)
            .or_else(|| self.keymap.resolve(Context::Global, key));
        let Some(view) = &mut self.changes else {
            return Outcome::Idle;
        };
        let page = view.height.saturating_sub(1).max(1) as isize;
        match action {
            Some(Action::Close | Action::ShowChanges | Action::Quit) => self.changes = None,
            Some(Action::ScrollDown) => view.scroll(1),
            Some(Action::ScrollUp) => view.scroll(-1),
            Some(Action::PageDown) => view.scroll(page),
            Some(Action::PageUp) => view.scroll(-page),
            Some(Action::HalfPageDown) => view.scroll((page / 2).max(1)),
            Some(Action::HalfPageUp) => view.scroll(-(page / 2).max(1)),
            Some(Action::Top) => view.scroll(isize::MIN / 2),
            Some(Action::Bottom) => view.scroll(isize::MAX / 2),
            Some(Action::NextMatch | Action::PrevMatch) => {
                let forward = action == Some(Action::NextMatch);
                if !view.step_change(forward) {
                    self.message = Some(Message {
                        level: Level::Info,
                        text: if forward {
                            "no further change below".to_owned()
                        } else {
                            "no further change above".to_owned()
                        },
                    });
                }
            }
            Some(Action::Help) => self.set_help(true),
            Some(Action::Suspend) => return Outcome::Suspend,
            Some(Action::Redraw) => return Outcome::FullRedraw,
            Some(Action::NextChanged) => {
                self.changes = None;
                if let Screen::Reader(reader) = &mut self.screen {
                    reader.next_changed();
                    reader.unsaved = true;
                }
                return self.show_changes();
            }
            _ => return Outcome::Idle,
        }
        Outcome::Redraw
    }

    /// The mouse over the changes view: the wheel scrolls it; nothing
    /// under it is clicked.
    pub(super) fn changes_mouse(&mut self, mouse: MouseEvent) -> Outcome {
        let Some(view) = &mut self.changes else {
            return Outcome::Idle;
        };
        match mouse.kind {
            MouseEventKind::ScrollDown => view.scroll(3),
            MouseEventKind::ScrollUp => view.scroll(-3),
            _ => return Outcome::Idle,
        }
        Outcome::Redraw
    }

    /// After a resize or a reload: the view laid out again, compared again
    /// with the section as it now is, or closed if the section is gone or
    /// no longer changed.
    pub(super) fn refresh_changes(&mut self) {
        let Some(view) = self.changes.take() else {
            return;
        };
        let Screen::Reader(reader) = &self.screen else {
            return;
        };
        let Some(index) = reader
            .briefing
            .sections
            .iter()
            .position(|s| s.id == view.id)
        else {
            return;
        };
        let (Some(Change::Changed), Some(old)) = (
            reader.marks.changed.get(&index),
            reader.marks.as_read(&view.id),
        ) else {
            return;
        };
        let now = diff::read_text(&reader.briefing.sections[index], "");
        let comparison = diff::compare(old, &now, self.glyphs);
        let mut fresh = if comparison == view.comparison {
            view
        } else {
            ChangesView {
                section: index,
                comparison,
                lines: Vec::new(),
                ..view
            }
        };
        fresh.section = index;
        fresh.relayout(self.area);
        self.changes = Some(fresh);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glyphs::Glyphs;
    use crate::state::{ReadFact, ReadText};

    fn comparison() -> Comparison {
        let old = ReadText {
            title: "Trade deficit".into(),
            body: "The deficit grew to €9.1 bn in 2022, the National Bank says.".into(),
            facts: vec![ReadFact {
                label: "Belgian deficit, 2022".into(),
                value: "€9.1 bn".into(),
                detail: "as of 2022".into(),
            }],
            ..ReadText::default()
        };
        let new = ReadText {
            body: old.body.replace("9.1", "9.4"),
            facts: vec![ReadFact {
                value: "€9.4 bn".into(),
                ..old.facts[0].clone()
            }],
            ..old.clone()
        };
        diff::compare(&old, &new, Glyphs::UNICODE)
    }

    fn plain(lines: &[StyledLine<Ink>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.iter().map(|(t, _)| t.as_str()).collect())
            .collect()
    }

    #[test]
    fn the_comparison_wraps_to_the_width_with_nothing_wider() {
        for width in [20, 26, 40, 76] {
            let lines = lay_out(&comparison(), width);
            for line in &lines {
                assert!(text::line_width(line) <= width, "{width}: {line:?}");
            }
            let joined = plain(&lines).join(" ");
            assert!(joined.contains("[-€9.1 bn-]"), "{width}: {joined}");
        }
        let shown = plain(&lay_out(&comparison(), 60));
        assert_eq!(shown[0], "Trade deficit");
        assert!(shown[1].is_empty());
        assert!(
            shown.contains(&"Belgian deficit, 2022: [-€9.1 bn-] → {+€9.4 bn+}".to_owned()),
            "{shown:?}"
        );
        assert!(shown.contains(&"  as of 2022".to_owned()), "{shown:?}");
        assert!(
            !shown.last().is_some_and(String::is_empty),
            "no blank at the end"
        );
    }

    #[test]
    fn the_view_keeps_its_last_page_full_and_lays_out_again_on_a_new_width() {
        let area = Rect::new(0, 0, 40, 8);
        let mut view = ChangesView::new(0, "t".into(), "1/1 T".into(), comparison(), area);
        assert_eq!(view.height, 4, "8 rows less header, status and borders");
        view.scroll(1000);
        assert_eq!(view.top, view.lines.len() - view.height);
        view.scroll(-1000);
        assert_eq!(view.top, 0);
        let narrow = view.lines.len();
        view.relayout(Rect::new(0, 0, 120, 8));
        assert_eq!(view.width, 100, "no wider than a reading line");
        assert!(view.lines.len() < narrow);
        // A window too small to draw keeps the layout there is.
        view.relayout(Rect::new(0, 0, 5, 3));
        assert_eq!(view.width, 100);
    }

    #[test]
    fn next_and_previous_change_bring_changed_lines_to_the_top() {
        let old = ReadText {
            title: "T".into(),
            body: (0..30)
                .map(|i| format!("Paragraph {i} stays."))
                .collect::<Vec<_>>()
                .join("\n"),
            ..ReadText::default()
        };
        let new = ReadText {
            body: old.body.replace("Paragraph 12 stays", "Paragraph 12 moved"),
            ..old.clone()
        };
        let comparison = diff::compare(&old, &new, Glyphs::UNICODE);
        let mut view = ChangesView::new(
            0,
            "t".into(),
            "1/1 T".into(),
            comparison,
            Rect::new(0, 0, 60, 20),
        );
        let line = plain(&view.lines)
            .iter()
            .position(|l| l.contains("[-stays-]{+moved+}"))
            .expect("laid out");
        assert!(view.step_change(true));
        assert_eq!(view.top, line - CONTEXT, "under two lines of context");
        assert!(!view.step_change(true), "nothing further down");
        view.scroll(isize::MAX / 2);
        assert!(view.step_change(false));
        assert_eq!(view.top, line - CONTEXT);
        assert!(
            !view.step_change(false),
            "the summary's legend is no change"
        );
    }

    #[test]
    fn the_view_sits_between_header_and_status_and_is_centred() {
        assert_eq!(rect(Rect::new(0, 0, 80, 24)), Rect::new(0, 1, 80, 22));
        assert_eq!(rect(Rect::new(0, 0, 204, 30)), Rect::new(50, 1, 104, 28));
    }
}

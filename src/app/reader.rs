//! The reader's state: one open briefing, its layout and where the reader is.
//!
//! Owns scrolling, section jumps, the outline's entries and selection, the
//! sidebar's content for the section being read (scroll-spy), focus and which
//! panes are shown. Layout is redone only when the reading pane's width
//! changes, keeping the reader on the same paragraph. Nothing here draws or
//! touches the terminal.

use std::sync::Arc;

use ratatui::layout::Rect;

use crate::app::editor::NoteEdit;
use crate::app::find::SearchState;
use crate::app::geometry::{Geometry, Overlay, Panes, WidthClass, text_area};
use crate::app::marks::Marks;
use crate::glyphs::Glyphs;
use crate::layout::{self, Anchor, Document, Lines, Options};
use crate::model::{Briefing, Part};
use crate::search::Match;

/// A pane that can hold the keyboard focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The outline.
    Outline,
    /// The reading pane.
    Reader,
    /// The key-facts sidebar.
    Facts,
}

/// One line of the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineEntry {
    /// The text shown.
    pub label: String,
    /// The section number shown before it, if a section.
    pub number: Option<usize>,
    /// 0 for parts, 1 for headings inside a section.
    pub depth: u8,
    /// The part it belongs to.
    pub part: Part,
    /// Its first line in the current layout.
    pub line: usize,
}

/// The outline pane's state: its entries for the current layout and the
/// selection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutlineState {
    /// The entries, in document order.
    pub entries: Vec<OutlineEntry>,
    /// The selected entry.
    pub selected: usize,
    /// Where [`ReaderState::current_entry`] last found the reading
    /// position.
    pub spot: crate::spot::Spot,
}

impl OutlineState {
    /// Moves the selection by `delta`, staying in range.
    pub fn select(&mut self, delta: isize) {
        let last = self.entries.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// The selected entry, if there is one.
    pub fn selected_entry(&self) -> Option<&OutlineEntry> {
        self.entries.get(self.selected)
    }
}

/// The key-facts sidebar's state: the lines for one part, laid out at the
/// sidebar's width, how far they are scrolled, and search matches in them.
#[derive(Debug, Clone)]
pub struct FactsState {
    /// The sidebar's lines, for `part`.
    pub lines: Lines,
    /// The part whose facts the sidebar shows.
    pub part: Part,
    /// First line shown.
    pub top: usize,
    /// Rows of text in the sidebar.
    pub height: usize,
    /// Search matches in the lines.
    pub matches: Vec<Match>,
}

impl Default for FactsState {
    fn default() -> Self {
        Self {
            lines: Lines::default(),
            part: Part::Front,
            top: 0,
            height: 1,
            matches: Vec::new(),
        }
    }
}

impl FactsState {
    /// Drops the lines, so the next sync lays them out again (the
    /// briefing, a note or the width changed).
    pub fn forget(&mut self) {
        self.lines = Lines::default();
    }

    /// True if the lines are not those of `part` at `width`.
    fn stale(&self, part: Part, width: usize) -> bool {
        part != self.part || width != self.lines.width() || self.lines.is_empty()
    }

    /// Shows `lines` for `part`, from the top if the part changed.
    fn show(&mut self, part: Part, lines: Lines) {
        if part != self.part {
            self.top = 0;
        }
        self.part = part;
        self.lines = lines;
    }

    /// Scrolls by `delta` lines (clamped at the next sync).
    fn scroll(&mut self, delta: isize) {
        self.top = self.top.saturating_add_signed(delta);
    }

    /// Keeps the last page full.
    fn clamp(&mut self) {
        self.top = self.top.min(self.lines.len().saturating_sub(self.height));
    }
}

/// Width the sidebar is laid out at when it is not on screen.
const HIDDEN_FACTS_WIDTH: usize = 30;

/// The reading pane's window onto the laid-out document: which line is at
/// the top and how many rows the pane shows. It knows nothing of the
/// document; `ReaderState::sync` keeps `top` within the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewport {
    /// First line shown.
    pub top: usize,
    /// Rows of text in the reading pane (at least 1).
    pub page_height: usize,
}

impl Default for Viewport {
    fn default() -> Self {
        Self {
            top: 0,
            page_height: 1,
        }
    }
}

impl Viewport {
    /// One past the last line shown.
    pub fn bottom(&self) -> usize {
        self.top + self.page_height
    }

    /// True when `line` is on screen.
    pub fn shows(&self, line: usize) -> bool {
        (self.top..self.bottom()).contains(&line)
    }

    /// Moves the window by `delta` lines, stopping at the first line.
    pub fn scroll(&mut self, delta: isize) {
        self.top = self.top.saturating_add_signed(delta);
    }

    /// Brings `line` on screen, a third of the way down, unless it already is.
    pub fn reveal(&mut self, line: usize) {
        if !self.shows(line) {
            self.top = line.saturating_sub(self.page_height / 3);
        }
    }
}

/// Everything about the open briefing.
#[derive(Debug, Clone)]
pub struct ReaderState {
    /// The briefing.
    pub briefing: Arc<Briefing>,
    /// Its file name, sanitised, for the header.
    pub name: String,
    /// The laid-out document at the reading pane's width.
    pub doc: Document,
    /// The reading pane's window onto the document.
    pub view: Viewport,
    /// The pane with the focus.
    pub focus: Focus,
    /// Which panes are wanted.
    pub panes: Panes,
    /// The current frame's rectangles.
    pub geometry: Geometry,
    /// The outline: its entries and selection.
    pub outline: OutlineState,
    /// The key-facts sidebar: its lines, scroll and matches.
    pub facts: FactsState,
    /// Drawing characters.
    pub glyphs: Glyphs,
    /// The search, if one is active.
    pub search: Option<SearchState>,
    /// Where each line's searchable text starts; computed on first search.
    pub(super) search_starts: Vec<u32>,
    /// Read marks, notes and changes since last read.
    pub marks: Marks,
    /// The position changed since it was last saved.
    pub unsaved: bool,
    /// The briefing's file, where state is remembered by.
    pub path: Option<std::path::PathBuf>,
    /// The note being written, and the part it belongs to.
    pub note_editor: Option<NoteEdit>,
    /// The document is the start of a large briefing, and the whole of it
    /// is still to be asked for.
    layout_wanted: bool,
    /// The keys the screen last made for the lines it showed: see
    /// [`LineKeys`].
    pub line_keys: LineKeys,
}

/// What the screen keeps from one frame to the next about the lines it
/// showed: a key for what each line looked like, made for the reading
/// pane's rows ([`crate::ui::PaneRows`]), for a run of lines from `first`,
/// together with a stamp saying what they were made from. A line scroll
/// makes one new key instead of hashing every row again. Only the screen
/// reads it; the state it caches is never changed through it.
#[derive(Debug, Default)]
pub struct LineKeys(std::sync::Mutex<LineKeyRun>);

/// A run of line keys (see [`LineKeys`]).
#[derive(Debug, Default)]
pub struct LineKeyRun {
    /// What the keys were made from.
    pub stamp: Option<u64>,
    /// The line the first key is for.
    pub first: usize,
    /// The keys, line by line.
    pub keys: Vec<u64>,
}

impl LineKeys {
    /// The run kept, for the caller to use and put back.
    pub fn lock(&self) -> std::sync::MutexGuard<'_, LineKeyRun> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Clone for LineKeys {
    /// A copy starts empty: it is a cache.
    fn clone(&self) -> Self {
        LineKeys::default()
    }
}

/// A large briefing opened (or resized) with the reader in one of its
/// first sections is shown from its start while the rest is laid out off
/// the UI thread; further in, the whole is laid out at once.
const START_SECTIONS: usize = 32;

impl ReaderState {
    /// Opens `briefing` in a window of `area`.
    pub fn new(briefing: Arc<Briefing>, name: String, area: Rect, glyphs: Glyphs) -> Self {
        let panes = Panes::default();
        let geometry = Geometry::compute(area, panes);
        let mut state = Self {
            briefing,
            name,
            doc: Document::default(),
            view: Viewport::default(),
            focus: Focus::Reader,
            panes,
            geometry,
            outline: OutlineState::default(),
            facts: FactsState::default(),
            glyphs,
            search: None,
            search_starts: Vec::new(),
            layout_wanted: false,
            marks: Marks::default(),
            unsaved: false,
            path: None,
            note_editor: None,
            line_keys: LineKeys::default(),
        };
        state.relayout(area);
        state
    }

    /// Lays out again for a window of `area`, keeping the reader on the
    /// same paragraph if the width changed.
    pub fn relayout(&mut self, area: Rect) {
        self.geometry = Geometry::compute(area, self.panes);
        let text = self.geometry.reader_text();
        self.view.page_height = usize::from(text.height).max(1);
        // Below the minimum size nothing is drawn: keep the layout there is
        // (a 10 MB briefing laid out one column wide would take hundreds of
        // megabytes), or make a first one at a sensible width.
        let width = if self.geometry.too_small {
            match self.doc.lines.width() {
                0 => usize::from(crate::app::geometry::MEDIUM),
                kept => kept,
            }
        } else {
            usize::from(text.width).max(1)
        };
        if width != self.doc.lines.width() || self.doc.lines.is_empty() {
            let position = self.position();
            let through = position.map_or(0, |(anchor, _)| match anchor.part {
                Part::Front | Part::Summary => 0,
                Part::Section(i) => i,
                Part::Sources => usize::MAX,
            });
            let later = through < START_SECTIONS && layout::worth_laying_out_later(&self.briefing);
            self.doc = if later {
                // The section the reader is in and the next, at least a
                // few pages, and an entry for every row of the outline, so
                // the first screen is the one the whole layout draws.
                let lines = self.view.page_height.saturating_mul(4);
                let rows = usize::from(area.height);
                layout::document_start(
                    &self.briefing,
                    width,
                    self.options(),
                    through + 1,
                    lines,
                    rows,
                )
            } else {
                layout::document_shared(&self.briefing, width, self.options())
            };
            self.layout_wanted = self.doc.partial;
            self.install(position);
        }
        self.sync();
    }

    /// What the reading pane lays out.
    fn options(&self) -> Options {
        Options {
            glyphs: self.glyphs,
            facts_inline: false,
            underline_headings: false,
            mark_strike: false,
        }
    }

    /// Takes a new layout in, keeping the reader at `position`.
    fn install(&mut self, position: Option<(Anchor, f64)>) {
        self.outline.entries = outline_entries(&self.briefing, &self.doc);
        self.restore(position);
        self.facts.forget();
        self.search_starts.clear();
        if self.search.is_some() {
            self.refresh_search();
        }
    }

    /// The layout of the whole briefing to ask for, if the document is the
    /// start of it and it has not been asked for yet.
    pub fn layout_wanted(&mut self) -> Option<crate::app::Effect> {
        std::mem::take(&mut self.layout_wanted).then(|| crate::app::Effect::LayOut {
            briefing: Arc::clone(&self.briefing),
            width: self.doc.lines.width(),
            options: Box::new(self.options()),
        })
    }

    /// Takes in the layout of the whole briefing asked for with
    /// [`Self::layout_wanted`]; false (and nothing changes) if it is of
    /// another version of the briefing or another width, or no longer
    /// wanted.
    pub fn laid_out(&mut self, briefing: &Arc<Briefing>, doc: Document) -> bool {
        let wanted = self.doc.partial
            && Arc::ptr_eq(&self.briefing, briefing)
            && doc.lines.width() == self.doc.lines.width()
            && !doc.partial;
        if wanted {
            let position = self.position();
            self.doc = doc;
            self.install(position);
            self.sync();
        }
        wanted
    }

    /// Lays the whole briefing out now if only its start is, and `part`
    /// is not in it (a jump or a remembered place further on).
    fn reach(&mut self, part: Part) {
        if self.doc.line_of_part(part).is_none() {
            self.lay_out_whole();
        }
    }

    /// Lays the whole briefing out now if only its start is: the reader
    /// asked for a place past it (its end, the next section) before the
    /// whole layout arrived.
    pub fn lay_out_whole(&mut self) {
        if self.doc.partial {
            let position = self.position();
            self.doc =
                layout::document_shared(&self.briefing, self.doc.lines.width(), self.options());
            self.layout_wanted = false;
            self.install(position);
        }
    }

    /// Where the reader is, independent of width: the block at the top and
    /// how far into it, as a fraction.
    pub fn position(&self) -> Option<(Anchor, f64)> {
        let anchor = self.doc.lines.anchor(self.view.top)?;
        let start = self.doc.line_of_anchor(anchor)?;
        let length = self.block_length(start, anchor);
        // At a zero-width layout a part can start after the line its
        // anchor is on; saturate rather than panic.
        let into = self.view.top.saturating_sub(start) as f64 / length.max(1) as f64;
        Some((anchor, into))
    }

    /// Goes back to a position taken with [`Self::position`].
    pub fn restore(&mut self, position: Option<(Anchor, f64)>) {
        let Some((anchor, into)) = position else {
            self.view.top = 0;
            return;
        };
        self.reach(anchor.part);
        let Some(start) = self.doc.line_of_anchor(anchor) else {
            self.view.top = 0;
            return;
        };
        let length = self.block_length(start, anchor);
        let offset = (into * length as f64).floor() as usize;
        self.view.top = start + offset.min(length.saturating_sub(1));
        self.clamp_top();
    }

    fn block_length(&self, start: usize, anchor: Anchor) -> usize {
        (start..self.doc.lines.len())
            .take_while(|i| self.doc.lines.anchor(*i) == Some(anchor))
            .count()
    }

    /// The furthest the top line may go: the last page, or further if that
    /// is needed to bring the last part's heading to the top.
    pub fn max_top(&self) -> usize {
        let len = self.doc.lines.len();
        let last_page = len.saturating_sub(self.view.page_height);
        let last_part = self.doc.parts.last().map_or(0, |(_, line)| *line);
        last_page.max(last_part.min(len.saturating_sub(1)))
    }

    fn clamp_top(&mut self) {
        self.view.top = self.view.top.min(self.max_top());
    }

    /// The part being read: the one at the top of the reading pane.
    pub fn current_part(&self) -> Part {
        self.doc.part_at(self.view.top)
    }

    /// The outline entry the reading position is in.
    pub fn current_entry(&self) -> usize {
        let outline = &self.outline;
        let after = outline
            .spot
            .partition_point(&outline.entries, |e| e.line <= self.view.top);
        after.saturating_sub(1)
    }

    /// Keeps sidebar and outline in step with the reading position.
    pub fn sync(&mut self) {
        self.clamp_top();
        // A large briefing keeps the text of the sections near the reader
        // only: the page, and a page either side (links are followed a few
        // lines past the page, and the next key reads the next line), so
        // what is read every key is never let go and laid out again. While
        // a search is open its matches are read from every line, so the
        // text stays until it is closed.
        if self.search.is_none() {
            let page = self.view.page_height;
            let top = self.view.top;
            let keep = top.saturating_sub(page)..top.saturating_add(page.saturating_mul(2));
            self.doc.lines.let_go(keep, layout::RESIDENT_TEXT);
        }
        let part = self.current_part();
        let facts_rect = self.facts_rect();
        let width = facts_rect.map_or(HIDDEN_FACTS_WIDTH, |r| {
            usize::from(text_area(r).width).max(1)
        });
        self.facts.height = facts_rect.map_or(1, |r| usize::from(text_area(r).height).max(1));
        if self.facts.stale(part, width) {
            let lines = self.facts_lines(part, width);
            self.facts.show(part, lines);
            self.refresh_facts_matches();
        }
        self.facts.clamp();
        if self.focus != Focus::Outline {
            self.outline.selected = self.current_entry();
        }
        if !self.focus_visible(self.focus) {
            self.focus = Focus::Reader;
        }
    }

    fn facts_lines(&self, part: Part, width: usize) -> Lines {
        let anchor = Anchor { part, block: 0 };
        let briefing = &self.briefing;
        let mut lines = match part {
            Part::Front | Part::Summary => {
                layout::facts(briefing, &briefing.facts, &[], width, self.glyphs, anchor)
            }
            Part::Section(i) => match briefing.sections.get(i) {
                Some(section) => layout::facts(
                    briefing,
                    &section.facts,
                    &section.charts,
                    width,
                    self.glyphs,
                    anchor,
                ),
                None => Lines::new(width),
            },
            Part::Sources => Lines::new(width),
        };
        // The reader's own note follows the facts; notes whose section is
        // gone are shown with the briefing-wide facts, never dropped.
        let note_part = if part == Part::Front {
            Part::Summary
        } else {
            part
        };
        if let Some(note) = self.note(note_part) {
            layout::note(&mut lines, "Your note", &note.text, self.glyphs, anchor);
        }
        if matches!(part, Part::Front | Part::Summary) {
            for (_, note) in self.marks.orphaned_notes(briefing) {
                let heading = format!(
                    "Note on “{}” (no longer in this briefing)",
                    note.section_title
                );
                layout::note(&mut lines, &heading, &note.text, self.glyphs, anchor);
            }
        }
        lines
    }

    /// How many facts and charts the sidebar holds for the part being
    /// read (the title part and bottom line show the briefing's own).
    pub fn facts_count(&self) -> usize {
        match self.current_part() {
            Part::Front | Part::Summary => self.briefing.facts.len(),
            Part::Section(i) => self
                .briefing
                .sections
                .get(i)
                .map_or(0, |s| s.facts.len() + s.charts.len()),
            Part::Sources => 0,
        }
    }

    /// Where the sidebar is drawn now, if it is.
    pub fn facts_rect(&self) -> Option<Rect> {
        self.geometry.facts.or(match self.geometry.overlay {
            Some((Overlay::Facts, rect)) => Some(rect),
            _ => None,
        })
    }

    /// Where the outline is drawn now, if it is.
    pub fn outline_rect(&self) -> Option<Rect> {
        self.geometry.outline.or(match self.geometry.overlay {
            Some((Overlay::Outline, rect)) => Some(rect),
            _ => None,
        })
    }

    fn focus_visible(&self, focus: Focus) -> bool {
        match focus {
            Focus::Reader => true,
            Focus::Outline => self.outline_rect().is_some(),
            Focus::Facts => self.facts_rect().is_some(),
        }
    }

    /// Moves the focus to the next (or previous) visible pane.
    pub fn cycle_focus(&mut self, forward: bool) {
        let order = [Focus::Outline, Focus::Reader, Focus::Facts];
        let current = order.iter().position(|f| *f == self.focus).unwrap_or(1);
        for step in 1..=order.len() {
            let index = if forward {
                (current + step) % order.len()
            } else {
                (current + order.len() * 2 - step) % order.len()
            };
            if self.focus_visible(order[index]) {
                self.focus = order[index];
                break;
            }
        }
    }

    /// Scrolls the reading pane by `delta` lines.
    pub fn scroll(&mut self, delta: isize) {
        self.view.scroll(delta);
        self.sync();
    }

    /// Scrolls the sidebar by `delta` lines.
    pub fn scroll_facts(&mut self, delta: isize) {
        self.facts.scroll(delta);
        self.sync();
    }

    /// Puts line `line` at the top of the reading pane.
    pub fn go_to_line(&mut self, line: usize) {
        self.view.top = line;
        self.sync();
    }

    /// Jumps to a part's first line.
    pub fn go_to_part(&mut self, part: Part) -> bool {
        self.reach(part);
        match self.doc.line_of_part(part) {
            Some(line) => {
                self.go_to_line(line);
                true
            }
            None => false,
        }
    }

    /// Jumps to the next (`forward`) or previous part.
    pub fn step_part(&mut self, forward: bool) {
        let beyond = self
            .doc
            .parts
            .last()
            .is_none_or(|(_, line)| *line <= self.view.top);
        if forward && beyond {
            self.lay_out_whole();
        }
        let current = self
            .doc
            .parts
            .partition_point(|(_, line)| *line <= self.view.top);
        let target = if forward {
            self.doc.parts.get(current).map(|(_, l)| *l)
        } else {
            // Back to the start of this part if inside it, else the one before.
            let this = current.saturating_sub(1);
            match self.doc.parts.get(this) {
                Some((_, line)) if *line < self.view.top => Some(*line),
                _ => self.doc.parts.get(this.saturating_sub(1)).map(|(_, l)| *l),
            }
        };
        if let Some(line) = target {
            self.go_to_line(line);
        }
    }

    /// Moves the outline selection by `delta`, staying in range.
    pub fn select(&mut self, delta: isize) {
        self.outline.select(delta);
    }

    /// Jumps to the selected outline entry.
    pub fn open_selected(&mut self) {
        if let Some(entry) = self.outline.selected_entry() {
            let line = entry.line;
            self.go_to_line(line);
        }
    }

    /// Applies a change of wanted panes.
    pub fn set_panes(&mut self, panes: Panes) {
        self.panes = panes;
        let area = self.geometry.area;
        self.relayout(area);
    }

    /// Shows or hides the sidebar: docked where it fits, else as an overlay.
    pub fn toggle_facts(&mut self) {
        let mut panes = self.panes;
        if self.geometry.class != WidthClass::Narrow {
            if panes.reading_only {
                panes.reading_only = false;
                panes.facts = true;
            } else {
                panes.facts = !panes.facts;
            }
            panes.overlay = None;
        } else {
            panes.overlay = toggle(panes.overlay, Overlay::Facts);
        }
        self.set_panes(panes);
        if self.panes.overlay == Some(Overlay::Facts) {
            self.focus = Focus::Facts;
        }
    }

    /// Shows or hides the outline: docked where it fits, else as an overlay
    /// (at medium widths it gives way to a docked sidebar).
    pub fn toggle_outline(&mut self) {
        let mut panes = self.panes;
        let sidebar_docked = self.geometry.facts.is_some();
        if self.geometry.class == WidthClass::Narrow
            || (self.geometry.class == WidthClass::Medium && sidebar_docked)
        {
            panes.overlay = toggle(panes.overlay, Overlay::Outline);
        } else {
            if panes.reading_only {
                panes.reading_only = false;
                panes.outline = true;
            } else {
                panes.outline = !panes.outline;
            }
            panes.overlay = None;
        }
        self.set_panes(panes);
        if self.panes.overlay == Some(Overlay::Outline) {
            self.focus = Focus::Outline;
        }
    }

    /// Reading pane alone, or the panes back.
    pub fn toggle_reading_only(&mut self) {
        let mut panes = self.panes;
        panes.reading_only = !panes.reading_only;
        if panes.reading_only {
            panes.overlay = None;
        }
        self.set_panes(panes);
    }

    /// Closes the open overlay; false if there was none.
    pub fn close_overlay(&mut self) -> bool {
        if self.panes.overlay.is_none() {
            return false;
        }
        let mut panes = self.panes;
        panes.overlay = None;
        self.set_panes(panes);
        self.focus = Focus::Reader;
        true
    }

    /// Removes any overlay, leaving the focus to be checked by the layout.
    pub fn hide_overlay(&mut self) {
        let mut panes = self.panes;
        panes.overlay = None;
        self.set_panes(panes);
    }

    /// How far through the document the bottom of the page is, in percent.
    pub fn percent(&self) -> usize {
        if self.doc.partial {
            // Only the start is laid out: say how far by sections.
            let count = self.briefing.sections.len().max(1);
            let part = self.doc.part_at(self.view.bottom().saturating_sub(1));
            return match part {
                Part::Section(i) => (i * 100 / count).min(99),
                _ => 0,
            };
        }
        let len = self.doc.lines.len();
        if len == 0 {
            return 100;
        }
        (self.view.bottom().min(len) * 100) / len
    }

    /// "2/5 Software risk" for the part being read.
    pub fn part_label(&self) -> String {
        let count = self.briefing.sections.len();
        match self.current_part() {
            Part::Front => "Title".to_owned(),
            Part::Summary => "Bottom line".to_owned(),
            Part::Section(i) => {
                let title = self
                    .briefing
                    .sections
                    .get(i)
                    .map_or("", |s| s.title.as_str());
                format!("{}/{count} {title}", i + 1)
            }
            Part::Sources => "Sources".to_owned(),
        }
    }
}

fn toggle(current: Option<Overlay>, overlay: Overlay) -> Option<Overlay> {
    if current == Some(overlay) {
        None
    } else {
        Some(overlay)
    }
}

/// The outline of a laid-out briefing.
pub fn outline_entries(briefing: &Briefing, doc: &Document) -> Vec<OutlineEntry> {
    let mut entries = Vec::new();
    let mut headings = doc.headings.iter().peekable();
    for (part, line) in &doc.parts {
        let (label, number) = match part {
            Part::Front => continue,
            Part::Summary => ("Bottom line".to_owned(), None),
            Part::Section(i) => (
                briefing
                    .sections
                    .get(*i)
                    .map_or_else(String::new, |s| s.title.clone()),
                Some(i + 1),
            ),
            Part::Sources => ("Sources".to_owned(), None),
        };
        entries.push(OutlineEntry {
            label,
            number,
            depth: 0,
            part: *part,
            line: *line,
        });
        if let Part::Section(i) = part {
            while let Some(heading) = headings.next_if(|h| h.section == *i) {
                entries.push(OutlineEntry {
                    label: heading.label.clone(),
                    number: None,
                    depth: 1,
                    part: *part,
                    line: heading.line,
                });
            }
        }
    }
    entries
}

#[cfg(test)]
mod pane_tests {
    use super::*;

    fn entry(line: usize) -> OutlineEntry {
        OutlineEntry {
            label: format!("at {line}"),
            number: None,
            depth: 0,
            part: Part::Summary,
            line,
        }
    }

    #[test]
    fn the_outline_selection_stays_on_an_entry() {
        let mut outline = OutlineState {
            entries: vec![entry(0), entry(5), entry(9)],
            selected: 0,
            spot: Default::default(),
        };
        outline.select(-1);
        assert_eq!(outline.selected, 0);
        outline.select(10);
        assert_eq!(outline.selected_entry().map(|e| e.line), Some(9));
    }

    #[test]
    fn the_sidebar_starts_at_the_top_of_a_new_part_and_keeps_its_last_page_full() {
        let mut lines = Lines::new(20);
        for _ in 0..10 {
            lines.blank(Anchor {
                part: Part::Section(0),
                block: 0,
            });
        }
        let mut facts = FactsState {
            height: 4,
            ..FactsState::default()
        };
        facts.show(Part::Section(0), lines.clone());
        facts.scroll(100);
        facts.clamp();
        assert_eq!(facts.top, 6, "the last page is full");
        facts.show(Part::Section(0), lines.clone());
        assert_eq!(facts.top, 6, "the same part keeps its place");
        facts.show(Part::Section(1), lines);
        assert_eq!(facts.top, 0, "a new part starts at its top");
        assert!(!facts.stale(Part::Section(1), 20));
        facts.forget();
        assert!(facts.stale(Part::Section(1), 20));
    }
}

#[cfg(test)]
mod viewport_tests {
    use super::Viewport;

    #[test]
    fn it_shows_exactly_its_page() {
        let view = Viewport {
            top: 10,
            page_height: 5,
        };
        assert_eq!(view.bottom(), 15);
        assert!(!view.shows(9));
        assert!(view.shows(10));
        assert!(view.shows(14));
        assert!(!view.shows(15));
    }

    #[test]
    fn scrolling_up_stops_at_the_first_line() {
        let mut view = Viewport {
            top: 2,
            page_height: 5,
        };
        view.scroll(-5);
        assert_eq!(view.top, 0);
        view.scroll(7);
        assert_eq!(view.top, 7);
    }

    #[test]
    fn a_line_off_screen_is_brought_a_third_of_the_way_down() {
        let mut view = Viewport {
            top: 0,
            page_height: 9,
        };
        view.reveal(8);
        assert_eq!(view.top, 0, "a line on screen does not move the page");
        view.reveal(40);
        assert_eq!(view.top, 37);
        view.reveal(2);
        assert_eq!(view.top, 0);
    }
}

#[cfg(test)]
mod start_tests {
    use super::*;
    use crate::app::Effect;

    /// A briefing of many short paragraphs, past the size laid out off the
    /// UI thread.
    fn large() -> Arc<Briefing> {
        let mut text = String::from("title = \"Large\"\n");
        for section in 0..100 {
            text.push_str(&format!(
                "\n[[sections]]\ntitle = \"Part {section}\"\nbody = \"\"\"\n"
            ));
            for paragraph in 0..90 {
                text.push_str(&format!("Paragraph {paragraph} of part {section}.\n\n"));
            }
            text.push_str("\"\"\"\n");
        }
        let briefing = crate::loader::load_str("large.toml", &text).expect("valid");
        assert!(layout::worth_laying_out_later(&briefing));
        Arc::new(briefing)
    }

    /// `briefing` opened in a 100x30 window.
    fn open(briefing: Arc<Briefing>) -> ReaderState {
        ReaderState::new(
            briefing,
            "l".into(),
            Rect::new(0, 0, 100, 30),
            Glyphs::UNICODE,
        )
    }

    fn whole(reader: &ReaderState) -> Document {
        layout::document_shared(&reader.briefing, reader.doc.lines.width(), reader.options())
    }

    #[test]
    fn a_large_briefing_opens_on_its_start_and_takes_the_whole_once() {
        let mut reader = open(large());
        assert!(reader.doc.partial);
        // The start holds an outline entry for every row (here each
        // section is one: they have no headings).
        assert!(reader.doc.line_of_part(Part::Section(29)).is_some());
        assert!(reader.doc.line_of_part(Part::Section(40)).is_none());
        assert_eq!(reader.doc.line_of_part(Part::Sources), None);
        assert!(reader.outline.entries.len() >= 30);
        let Some(Effect::LayOut {
            width, briefing, ..
        }) = reader.layout_wanted()
        else {
            panic!("the whole layout is asked for");
        };
        assert_eq!(width, reader.doc.lines.width());
        assert!(Arc::ptr_eq(&briefing, &reader.briefing));
        assert!(reader.layout_wanted().is_none(), "asked for once");

        // How far through is said by sections while only the start is
        // laid out: never the end.
        assert_eq!(reader.percent(), 0);
        let (last, _) = *reader.doc.parts.last().expect("parts");
        assert!(reader.go_to_part(last));
        assert!(reader.doc.partial);
        assert!((1..100).contains(&reader.percent()), "{}", reader.percent());
        reader.go_to_line(0);

        reader.scroll(7);
        let (top, part) = (reader.view.top, reader.current_part());
        let doc = whole(&reader);
        let len = doc.lines.len();
        assert!(reader.laid_out(&briefing, doc));
        assert!(!reader.doc.partial);
        assert_eq!(reader.doc.lines.len(), len);
        assert_eq!((reader.view.top, reader.current_part()), (top, part));
        assert_eq!(reader.outline.entries.len(), 100);
        // Nothing more to take.
        let again = whole(&reader);
        assert!(!reader.laid_out(&briefing, again));
    }

    #[test]
    fn a_layout_of_another_version_or_width_is_not_taken() {
        let mut reader = open(large());
        let other = large();
        let doc = whole(&reader);
        assert!(!reader.laid_out(&other, doc));
        let narrow = layout::document_shared(&reader.briefing, 20, reader.options());
        let briefing = Arc::clone(&reader.briefing);
        assert!(!reader.laid_out(&briefing, narrow));
        assert!(reader.doc.partial);
    }

    #[test]
    fn a_place_past_the_start_lays_out_the_whole_at_once() {
        let mut reader = open(large());
        assert!(reader.doc.partial);
        let anchor = Anchor {
            part: Part::Section(90),
            block: 4,
        };
        reader.restore(Some((anchor, 0.0)));
        assert!(!reader.doc.partial);
        assert_eq!(reader.doc.lines.anchor(reader.view.top), Some(anchor));
        assert!(reader.layout_wanted().is_none());
        // And a jump in an outline of the start does the same.
        let mut reader = open(large());
        assert!(
            reader.go_to_part(Part::Sources) || reader.doc.line_of_part(Part::Sources).is_none()
        );
        assert!(reader.go_to_part(Part::Section(99)));
        assert!(!reader.doc.partial);
        assert_eq!(reader.current_part(), Part::Section(99));
        // The next section from the last one of the start.
        let mut reader = open(large());
        let (last, _) = *reader.doc.parts.last().expect("parts");
        assert!(reader.go_to_part(last));
        assert!(reader.doc.partial);
        reader.step_part(true);
        assert!(!reader.doc.partial);
        let Part::Section(i) = last else {
            panic!("the start ends on a section");
        };
        assert_eq!(reader.current_part(), Part::Section(i + 1));
        // Laying out the whole twice changes nothing.
        let len = reader.doc.lines.len();
        reader.lay_out_whole();
        assert_eq!(reader.doc.lines.len(), len);
    }

    #[test]
    fn a_small_briefing_is_laid_out_whole_at_once() {
        let briefing = crate::loader::load_str(
            "s.toml",
            "title = \"S\"\n[[sections]]\ntitle = \"One\"\nbody = \"Text.\"\n",
        )
        .expect("valid");
        let mut reader = ReaderState::new(
            Arc::new(briefing),
            "s".into(),
            Rect::new(0, 0, 100, 30),
            Glyphs::UNICODE,
        );
        assert!(!reader.doc.partial);
        assert!(reader.layout_wanted().is_none());
    }
}

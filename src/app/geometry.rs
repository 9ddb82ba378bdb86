//! Where everything goes on the screen, for a given size and pane state.
//!
//! One pure function, [`Geometry::compute`], used both by `update` (to lay
//! the document out at the reading pane's width and know its page height)
//! and by the view (to draw): the two can never disagree. Wide windows get
//! three panes; medium ones the reading pane and the key-facts sidebar, with
//! the outline folded away (an overlay on `o`); narrow ones the reading pane
//! alone with full-screen overlays.
//!
//! Why the outline folds first at medium widths: the figures are the point
//! of a briefing and change with every section, while the outline is a map
//! the reader consults now and then — and the reading pane's title and the
//! status line already say which section is open. At 80x24 the sidebar
//! beside a 50-column text reads better than the facts squeezed above the
//! text, which would take half of the 22 rows; at 60x20 the text keeps 30
//! columns, still a readable line. Hiding the sidebar (`f`) docks the
//! outline again.
//! The library's list geometry and the outline's scroll offset live here
//! too, so drawing and mouse hit-testing share them.

use ratatui::layout::Rect;

use crate::app::library::LibraryState;

/// Below this many columns the screen shows a "too small" notice.
pub const MIN_WIDTH: u16 = 20;
/// Below this many rows the screen shows a "too small" notice.
pub const MIN_HEIGHT: u16 = 6;
/// From this width on, all three panes fit side by side.
pub const WIDE: u16 = 110;
/// From this width on, outline and reading pane fit side by side.
pub const MEDIUM: u16 = 60;
/// Lines longer than this are hard to read; wider panes get a margin.
pub const MAX_TEXT_WIDTH: u16 = 100;

/// How much room there is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WidthClass {
    /// Three panes.
    Wide,
    /// Reading pane and sidebar; the outline is an overlay, or docked in
    /// place of the sidebar when the sidebar is hidden.
    Medium,
    /// The reading pane alone; outline and sidebar are full-screen overlays.
    Narrow,
}

impl WidthClass {
    /// The class of a window `width` columns wide.
    pub fn of(width: u16) -> Self {
        if width >= WIDE {
            WidthClass::Wide
        } else if width >= MEDIUM {
            WidthClass::Medium
        } else {
            WidthClass::Narrow
        }
    }
}

/// A pane that can be drawn over the reading pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    /// The list of keys (and keymap problems).
    Help,
    /// The outline, when it is not docked.
    Outline,
    /// The key-facts sidebar, when it is not docked.
    Facts,
}

/// Which panes the reader wants, before the window size has its say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    /// The outline is wanted (toggled with `o`).
    pub outline: bool,
    /// The sidebar is wanted (toggled with `f`).
    pub facts: bool,
    /// Reading pane only (`z`).
    pub reading_only: bool,
    /// An overlay is open.
    pub overlay: Option<Overlay>,
}

impl Default for Panes {
    fn default() -> Self {
        Self {
            outline: true,
            facts: true,
            reading_only: false,
            overlay: None,
        }
    }
}

/// The rectangles of one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    /// The whole window.
    pub area: Rect,
    /// True if the window is below the minimum size.
    pub too_small: bool,
    /// The size class.
    pub class: WidthClass,
    /// The header line (title, classification, date).
    pub header: Rect,
    /// The status line.
    pub status: Rect,
    /// The docked outline pane.
    pub outline: Option<Rect>,
    /// The reading pane, borders included.
    pub reader: Rect,
    /// The docked key-facts pane.
    pub facts: Option<Rect>,
    /// The open overlay and where it is drawn.
    pub overlay: Option<(Overlay, Rect)>,
}

impl Geometry {
    /// Lays out a window of `area` for `panes`.
    pub fn compute(area: Rect, panes: Panes) -> Self {
        let class = WidthClass::of(area.width);
        let too_small = area.width < MIN_WIDTH || area.height < MIN_HEIGHT;
        let header = Rect::new(area.x, area.y, area.width, area.height.min(1));
        let status = Rect::new(
            area.x,
            area.y + area.height.saturating_sub(1),
            area.width,
            area.height.min(1),
        );
        let body = Rect::new(
            area.x,
            area.y + 1,
            area.width,
            area.height.saturating_sub(2),
        );
        let mut geometry = Geometry {
            area,
            too_small,
            class,
            header,
            status,
            outline: None,
            reader: body,
            facts: None,
            overlay: None,
        };
        if too_small {
            return geometry;
        }
        let docked_facts = panes.facts && !panes.reading_only && class != WidthClass::Narrow;
        // At medium widths the outline gives way to the sidebar.
        let docked_outline = panes.outline
            && !panes.reading_only
            && (class == WidthClass::Wide || (class == WidthClass::Medium && !docked_facts));
        let mut reader = body;
        if docked_outline {
            let width = (area.width / 5).clamp(20, 30).min(area.width / 3);
            geometry.outline = Some(Rect::new(body.x, body.y, width, body.height));
            reader.x += width;
            reader.width -= width;
        }
        if docked_facts {
            let width = (area.width / 4).clamp(26, 36);
            let width = width.min(reader.width / 2);
            // At medium widths a little wider, so that a label such as
            // "Belgian deficit, 2021/2022" keeps to one line at 80 columns.
            let width = if class == WidthClass::Medium {
                (area.width * 3 / 8).clamp(26, 32).min(reader.width / 2)
            } else {
                width
            };
            geometry.facts = Some(Rect::new(
                reader.x + reader.width - width,
                body.y,
                width,
                body.height,
            ));
            reader.width -= width;
        }
        geometry.reader = reader;
        geometry.overlay = panes.overlay.map(|overlay| {
            let rect = match (overlay, class) {
                (Overlay::Help, WidthClass::Narrow) => body,
                (Overlay::Help, _) => centered(body, 76, body.height.saturating_sub(2).max(3)),
                (_, WidthClass::Narrow) => body,
                (Overlay::Facts, _) => {
                    let width = 36.min(body.width.saturating_sub(4));
                    Rect::new(body.x + body.width - width, body.y, width, body.height)
                }
                (Overlay::Outline, _) => {
                    let width = 30.min(body.width.saturating_sub(4));
                    Rect::new(body.x, body.y, width, body.height)
                }
            };
            (overlay, rect)
        });
        geometry
    }

    /// The text area inside the reading pane: borders and a one-column
    /// margin off, no wider than [`MAX_TEXT_WIDTH`].
    pub fn reader_text(&self) -> Rect {
        text_area(self.reader)
    }
}

/// The text area inside a bordered pane with a one-column margin.
pub fn text_area(pane: Rect) -> Rect {
    let inner = Rect::new(
        pane.x.saturating_add(2),
        pane.y.saturating_add(1),
        pane.width.saturating_sub(4),
        pane.height.saturating_sub(2),
    );
    Rect {
        width: inner.width.min(MAX_TEXT_WIDTH),
        ..inner
    }
}

/// The inside of a bordered pane.
pub fn inner(pane: Rect) -> Rect {
    Rect::new(
        pane.x.saturating_add(1),
        pane.y.saturating_add(1),
        pane.width.saturating_sub(2),
        pane.height.saturating_sub(2),
    )
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

/// Rows each library entry takes: title, details, a blank.
pub const LIBRARY_ROWS_PER_ENTRY: u16 = 3;

/// The first library entry shown in a list `rows` tall, keeping the
/// selection visible.
pub fn library_list_offset(library: &LibraryState, rows: u16) -> usize {
    let room = usize::from(rows / LIBRARY_ROWS_PER_ENTRY).max(1);
    if library.selected >= room {
        library.selected + 1 - room
    } else {
        0
    }
}

/// The rectangle the library's entries are drawn in (a window of `area`),
/// and the row the list starts at, below the filter line if one is shown.
pub fn library_list_area(library: &LibraryState, area: Rect) -> (Rect, u16) {
    let body = Rect::new(
        area.x,
        area.y + 1,
        area.width,
        area.height.saturating_sub(2),
    );
    let inner = text_area(body);
    let filter_rows = if library.filtering || !library.filter.is_empty() {
        2
    } else {
        0
    };
    (inner, inner.y + filter_rows)
}

/// The visible-list index of the library entry drawn at row `y`, for
/// mouse clicks.
pub fn library_entry_at(library: &LibraryState, area: Rect, y: u16) -> Option<usize> {
    let (inner, top) = library_list_area(library, area);
    let bottom = inner.y + inner.height;
    if y < top || y >= bottom {
        return None;
    }
    let index = library_list_offset(library, bottom - top)
        + usize::from((y - top) / LIBRARY_ROWS_PER_ENTRY);
    (index < library.visible.len()).then_some(index)
}

/// The first outline entry shown in a pane `height` rows tall, so that the
/// selection is visible. Used by the view and by mouse clicks.
pub fn outline_offset(selected: usize, height: usize) -> usize {
    if height == 0 || selected < height {
        0
    } else {
        selected + 1 - height
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(width: u16, height: u16, panes: Panes) -> Geometry {
        Geometry::compute(Rect::new(0, 0, width, height), panes)
    }

    #[test]
    fn wide_windows_get_three_panes() {
        let g = at(120, 40, Panes::default());
        let (outline, facts) = (g.outline.expect("outline"), g.facts.expect("facts"));
        assert_eq!(outline.x + outline.width, g.reader.x);
        assert_eq!(g.reader.x + g.reader.width, facts.x);
        assert_eq!(facts.x + facts.width, 120);
    }

    #[test]
    fn medium_windows_keep_the_sidebar_and_fold_the_outline() {
        for (width, height) in [(80, 24), (60, 20), (109, 30)] {
            let g = at(width, height, Panes::default());
            assert!(g.outline.is_none(), "{width}x{height}");
            let facts = g.facts.expect("facts docked");
            assert_eq!(g.reader.x + g.reader.width, facts.x);
            assert!(g.reader_text().width >= 26, "{width}x{height}");
        }
        let hidden = at(
            80,
            24,
            Panes {
                facts: false,
                ..Panes::default()
            },
        );
        assert!(hidden.outline.is_some() && hidden.facts.is_none());
    }

    #[test]
    fn narrow_windows_show_the_reading_pane_alone() {
        let g = at(40, 20, Panes::default());
        assert!(g.outline.is_none() && g.facts.is_none());
        assert_eq!(g.reader.width, 40);
        let overlay = at(
            40,
            20,
            Panes {
                overlay: Some(Overlay::Outline),
                ..Panes::default()
            },
        );
        assert_eq!(overlay.overlay.map(|(_, r)| r), Some(g.reader));
    }

    #[test]
    fn tiny_windows_are_too_small() {
        assert!(at(19, 20, Panes::default()).too_small);
        assert!(at(40, 5, Panes::default()).too_small);
        assert!(!at(20, 6, Panes::default()).too_small);
    }

    #[test]
    fn every_rectangle_stays_inside_the_window() {
        for width in 0..=220u16 {
            for height in [0u16, 1, 5, 6, 7, 24, 60] {
                for overlay in [
                    None,
                    Some(Overlay::Help),
                    Some(Overlay::Outline),
                    Some(Overlay::Facts),
                ] {
                    let g = at(
                        width,
                        height,
                        Panes {
                            overlay,
                            ..Panes::default()
                        },
                    );
                    let area = g.area;
                    let mut rects = vec![g.header, g.status, g.reader];
                    rects.extend(g.outline);
                    rects.extend(g.facts);
                    rects.extend(g.overlay.map(|(_, r)| r));
                    for r in rects {
                        assert!(
                            r.x + r.width <= area.width && r.y + r.height <= area.height.max(1),
                            "{r:?} outside {area:?}"
                        );
                    }
                }
            }
        }
    }
}

//! Where the frame's hyperlinks are: the addresses in the reading pane's
//! visible lines, as cells of the screen, for the backend to wrap in OSC
//! 8 (see [`crate::hyperlink`]). Read from the model like the frame
//! itself, so the two always agree; nothing covered by an overlay (help,
//! an outline or facts overlay, the note editor) is linked.

use ratatui::layout::Rect;

use crate::app::geometry::text_area;
use crate::app::{App, Screen};
use crate::hyperlink::{self, Hyperlink};

/// The hyperlinks of the frame [`super::render`] draws for `app`.
pub fn hyperlinks(app: &App) -> Vec<Hyperlink> {
    let Screen::Reader(state) = &app.screen else {
        return Vec::new();
    };
    let geometry = &state.geometry;
    if geometry.too_small || app.area != geometry.area || state.note_editor.is_some() {
        return Vec::new();
    }
    let mut covered: Vec<Rect> = Vec::new();
    if let Some((_, rect)) = geometry.overlay {
        covered.push(rect);
    }
    if app.help_open()
        && let Some(rect) = app.help_rect()
    {
        covered.push(rect);
    }
    let area = text_area(geometry.reader);
    let lines = &state.doc.lines;
    let mut links = Vec::new();
    for row in 0..area.height {
        let index = state.view.top + usize::from(row);
        if index >= lines.len() {
            break;
        }
        for (columns, url) in hyperlink::on_line(lines, index) {
            let start = columns.start.min(usize::from(area.width));
            let end = columns.end.min(usize::from(area.width));
            if end <= start {
                continue;
            }
            let rect = Rect::new(area.x + start as u16, area.y + row, (end - start) as u16, 1);
            if covered.iter().any(|c| c.intersects(rect)) {
                continue;
            }
            links.push(Hyperlink {
                y: rect.y,
                x: rect.x,
                width: rect.width,
                url,
            });
        }
    }
    links
}

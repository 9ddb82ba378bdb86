//! Drawing the changes view; its lines are laid out in
//! [`crate::app::changes`], the comparison made in [`crate::diff`].

use ratatui::buffer::Buffer;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Clear, Widget};

use super::{pane, put_line};
use crate::action::{Action, Context};
use crate::app::App;
use crate::app::changes::{ChangesView, rect};
use crate::app::geometry::text_area;
use crate::diff::Ink;
use crate::layout::{Role, Style as TextStyle};
use crate::theme::Theme;

/// Draws the changes view over whatever is under it.
pub fn render(app: &App, view: &ChangesView, buffer: &mut Buffer) {
    let area = rect(app.area);
    Clear.render(area, buffer);
    // The keys first: a long section title is what gets cut.
    let title = format!(
        "Changes {dot} {} closes {dot} {}",
        app.first_key(Context::Global, Action::Close),
        view.label,
        dot = app.glyphs.dot,
    );
    pane(&title, area, true, &app.theme, app.glyphs, buffer);
    let text = text_area(area);
    let width = usize::from(text.width);
    for (row, line) in view
        .lines
        .iter()
        .skip(view.top)
        .take(usize::from(text.height))
        .enumerate()
    {
        let pieces = line
            .iter()
            .map(|(piece, ink)| (piece.as_str(), style(&app.theme, *ink)));
        put_line(buffer, text.x, text.y + row as u16, width, pieces);
    }
}

/// The theme's style for each kind of text in the view.
fn style(theme: &Theme, ink: Ink) -> Style {
    match ink {
        Ink::Same => Style::default(),
        Ink::Heading => theme.text(TextStyle::role(Role::SectionHeading)),
        Ink::Label => theme.text(TextStyle::role(Role::FactLabel)),
        Ink::Meta => theme.secondary(),
        Ink::Deleted => theme.deleted(),
        Ink::Inserted => theme.inserted(),
        Ink::DeletedMarker => theme.change_marker(false),
        Ink::InsertedMarker => theme.change_marker(true),
        Ink::Arrow => Style::default().add_modifier(Modifier::BOLD),
    }
}

//! The theme: roles turned into terminal styles.
//!
//! Layout and the panes speak of roles (a section heading, a quote, the
//! focused pane); only this module decides what they look like. The default
//! uses the 16 ANSI colours, so it follows the user's own terminal palette
//! and survives screen and tmux. With colour off (`NO_COLOR`, `--no-color`)
//! every distinction is carried by bold, italic, underline, dim and reverse
//! video alone.

use ratatui::style::{Color, Modifier, Style};

use crate::layout::{Role, Style as TextStyle};
use crate::model::InlineStyle;

/// Whether to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorMode {
    /// The 16 ANSI colours.
    Ansi16,
    /// No colour at all.
    Monochrome,
}

impl ColorMode {
    /// Colour unless `NO_COLOR` is set (to anything non-empty) or the user
    /// asked for none.
    pub fn detect(no_color_flag: bool, no_color_env: Option<&str>) -> Self {
        if no_color_flag || no_color_env.is_some_and(|v| !v.is_empty()) {
            ColorMode::Monochrome
        } else {
            ColorMode::Ansi16
        }
    }
}

/// Styles by role for everything the reader draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// The colour mode in force.
    pub mode: ColorMode,
}

impl Theme {
    /// A theme for `mode`.
    pub fn new(mode: ColorMode) -> Self {
        Self { mode }
    }

    fn color(&self, style: Style, color: Color) -> Style {
        match self.mode {
            ColorMode::Ansi16 => style.fg(color),
            ColorMode::Monochrome => style,
        }
    }

    /// The style of laid-out text.
    pub fn text(&self, style: TextStyle) -> Style {
        let base = Style::default();
        let b = Modifier::BOLD;
        let mut s = match style.role {
            Role::Text | Role::BottomLine => base,
            Role::Banner => base.add_modifier(b | Modifier::REVERSED),
            Role::Title => base.add_modifier(b),
            Role::Subtitle => base.add_modifier(Modifier::ITALIC),
            Role::Meta => self.dim(base),
            Role::Label => self.color(base.add_modifier(b), Color::Yellow),
            Role::SummaryBar => self.color(base, Color::Yellow),
            Role::SectionHeading => self.color(base.add_modifier(b), Color::Cyan),
            Role::Heading => base.add_modifier(b | Modifier::UNDERLINED),
            Role::QuoteBar => self.dim(base),
            Role::Quote => base.add_modifier(Modifier::ITALIC),
            Role::Bullet => self.color(base, Color::Cyan),
            Role::Code => self.color(base, Color::Green),
            Role::Rule => self.dim(base),
            Role::FactLabel => base.add_modifier(b),
            Role::FactValue => self.color(base, Color::Yellow),
            Role::Marker => self.color(base, Color::Blue),
            Role::ChartTitle => base.add_modifier(b),
            Role::Bar => self.color(base, Color::Cyan),
            Role::BarValue => base.add_modifier(b),
            Role::SourceId => self.color(base.add_modifier(b), Color::Blue),
            Role::TableBorder => self.dim(base),
            Role::TableHeader => self.color(base.add_modifier(b), Color::Cyan),
        };
        let inline = style.inline;
        if inline.contains(InlineStyle::EMPHASIS) {
            s = s.add_modifier(Modifier::ITALIC);
        }
        if inline.contains(InlineStyle::STRONG) {
            s = s.add_modifier(b);
        }
        if inline.contains(InlineStyle::CODE) {
            s = match self.mode {
                ColorMode::Ansi16 => s.fg(Color::Green),
                ColorMode::Monochrome => s.add_modifier(Modifier::BOLD),
            };
        }
        if inline.contains(InlineStyle::LINK) {
            s = s.add_modifier(Modifier::UNDERLINED);
        }
        if inline.contains(InlineStyle::ADDRESS) {
            s = self.dim(s);
        }
        if inline.contains(InlineStyle::NOTE) {
            s = self.color(s, Color::Blue);
        }
        if inline.contains(InlineStyle::STRIKE) {
            s = s.add_modifier(Modifier::CROSSED_OUT);
        }
        s
    }

    fn dim(&self, style: Style) -> Style {
        style.add_modifier(Modifier::DIM)
    }

    /// A pane's border.
    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.color(Style::default().add_modifier(Modifier::BOLD), Color::Cyan)
        } else {
            self.dim(Style::default())
        }
    }

    /// A pane's title.
    pub fn pane_title(&self, focused: bool) -> Style {
        if focused {
            Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }

    /// The selected row of a list (visible without colour).
    pub fn selection(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    /// The entry that marks where the reader is (scroll-spy).
    pub fn current(&self) -> Style {
        self.color(Style::default().add_modifier(Modifier::BOLD), Color::Cyan)
    }

    /// Secondary text: metadata, counts.
    pub fn secondary(&self) -> Style {
        self.dim(Style::default())
    }

    /// The status line's background.
    pub fn status(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    /// A key name in hints and help.
    pub fn key(&self) -> Style {
        self.color(Style::default().add_modifier(Modifier::BOLD), Color::Cyan)
    }

    /// An error message.
    pub fn error(&self) -> Style {
        match self.mode {
            ColorMode::Ansi16 => Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
            ColorMode::Monochrome => {
                Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
            }
        }
    }

    /// A warning or notice.
    pub fn warning(&self) -> Style {
        self.color(Style::default().add_modifier(Modifier::BOLD), Color::Yellow)
    }

    /// The header's classification banner.
    pub fn banner(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }

    /// A search match.
    pub fn search_match(&self) -> Style {
        match self.mode {
            ColorMode::Ansi16 => Style::default().fg(Color::Black).bg(Color::Yellow),
            ColorMode::Monochrome => Style::default().add_modifier(Modifier::REVERSED),
        }
    }

    /// The current search match.
    pub fn current_match(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// Words deleted since a section was read: red and struck through;
    /// without colour, struck through and dim (the `[-…-]` markers carry
    /// it where neither shows).
    pub fn deleted(&self) -> Style {
        let struck = Style::default().add_modifier(Modifier::CROSSED_OUT);
        match self.mode {
            ColorMode::Ansi16 => struck.fg(Color::Red),
            ColorMode::Monochrome => struck.add_modifier(Modifier::DIM),
        }
    }

    /// Words inserted since a section was read: green and underlined;
    /// without colour, underlined and bold.
    pub fn inserted(&self) -> Style {
        let underlined = Style::default().add_modifier(Modifier::UNDERLINED);
        match self.mode {
            ColorMode::Ansi16 => underlined.fg(Color::Green),
            ColorMode::Monochrome => underlined.add_modifier(Modifier::BOLD),
        }
    }

    /// The `[-`, `-]`, `{+` and `+}` markers around changed words: bold,
    /// in the colour of the change (`inserted` picks which).
    pub fn change_marker(&self, inserted: bool) -> Style {
        let color = if inserted { Color::Green } else { Color::Red };
        self.color(Style::default().add_modifier(Modifier::BOLD), color)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_env_turns_colour_off() {
        assert_eq!(ColorMode::detect(false, Some("1")), ColorMode::Monochrome);
        assert_eq!(ColorMode::detect(false, Some("")), ColorMode::Ansi16);
        assert_eq!(ColorMode::detect(true, None), ColorMode::Monochrome);
        assert_eq!(ColorMode::detect(false, None), ColorMode::Ansi16);
    }

    #[test]
    fn monochrome_uses_no_colour() {
        let theme = Theme::new(ColorMode::Monochrome);
        let heading = theme.text(TextStyle::role(Role::SectionHeading));
        assert_eq!(heading.fg, None);
        assert!(heading.add_modifier.contains(Modifier::BOLD));
        assert_eq!(theme.border(true).fg, None);
    }
}

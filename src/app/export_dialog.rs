//! The export dialog (`E`): where to write the one-page brief, and as what.
//!
//! Owns the file name being typed (an [`Editor`] kept to one line), the
//! format (text or Markdown, which follows the name's extension and the
//! switch key), and what the last try found: a taken name (the next free
//! one is put in its place), a folder (a file name is added), a missing
//! folder (the next write makes it). Enter becomes an [`Effect::Export`]
//! carrying the path and the brief; the runtime writes it and the result
//! comes back to `App::exported`. Nothing here touches a file.
//!
//! Where `brief serve` runs the reader, exporting is off
//! ([`ExportPlace::Off`]): a file written there would stay on the server,
//! out of the remote reader's reach.

use std::path::{Path, PathBuf};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::editor::{EditOutcome, Editor};
use super::effect::{Effect, ExportError};
use super::{App, Level, Message, Outcome, Screen};
use crate::action::{Action, Context};
use crate::keymap::Key;
use crate::onepage::Format;

/// Where `E` may write the one-page brief, set up once at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportPlace {
    /// Ask for a file, proposing one in `dir`; `~` in a typed path is
    /// `home`, and a name without a folder goes in `dir`.
    Ask {
        /// The folder proposed (the user's documents, else home).
        dir: PathBuf,
        /// The home folder, if there is one.
        home: Option<PathBuf>,
    },
    /// No file is written here; `why` says what to do instead.
    Off {
        /// The message shown when `E` is pressed.
        why: String,
    },
}

/// The export setting and the dialog, if open.
#[derive(Debug, Clone)]
pub struct ExportState {
    /// Where exports may go.
    pub place: ExportPlace,
    /// The dialog, while it is open.
    pub dialog: Option<ExportDialog>,
    /// The folder and format of the last brief written this session: the
    /// next one is proposed the same way.
    last: Option<(PathBuf, Format)>,
}

impl ExportState {
    /// No dialog open, exports going to `place`.
    pub fn new(place: ExportPlace) -> Self {
        Self {
            place,
            dialog: None,
            last: None,
        }
    }
}

/// The open export dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportDialog {
    /// The path as typed (`~` not yet expanded).
    pub path: Editor,
    /// What the brief is written as.
    pub format: Format,
    /// What the last try found, and what enter does now (sanitised).
    pub notice: Option<Message>,
    /// The brief holds the reader's notes (it is written private).
    pub private: bool,
    /// The reader was told this folder does not exist: the next write
    /// into it makes it.
    create_folder: Option<PathBuf>,
    /// The file name proposed, without extension (`NAME-brief`).
    stem: String,
}

impl ExportDialog {
    /// The path as typed.
    pub fn typed(&self) -> String {
        self.path.text()
    }

    fn set_path(&mut self, text: &str) {
        self.path = Editor::new(text);
    }
}

/// The most columns a path takes in a message in the dialog.
const NOTICE_PATH_WIDTH: usize = 40;

/// `text` cut in the middle to at most `max` columns (an ellipsis where
/// the middle was): the start and the file name stay.
fn elide(text: &str, max: usize) -> String {
    if crate::text::width(text) <= max {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let width = |c: &char| crate::text::width(&c.to_string());
    let head_room = max / 3;
    let mut head = String::new();
    let mut used = 0;
    for c in &chars {
        if used + width(c) > head_room {
            break;
        }
        used += width(c);
        head.push(*c);
    }
    let tail_room = max.saturating_sub(used + 1);
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    for c in chars.iter().rev() {
        if used + width(c) > tail_room {
            break;
        }
        used += width(c);
        tail.push(*c);
    }
    tail.reverse();
    format!("{head}…{}", tail.into_iter().collect::<String>())
}

/// The extension a format is written with.
pub fn extension(format: Format) -> &'static str {
    match format {
        Format::Text => "txt",
        Format::Markdown => "md",
    }
}

/// The format a name's extension stands for, if it is one of them.
fn format_of(typed: &str) -> Option<Format> {
    let extension = Path::new(typed).extension()?.to_str()?.to_ascii_lowercase();
    match extension.as_str() {
        "md" | "markdown" => Some(Format::Markdown),
        "txt" | "text" => Some(Format::Text),
        _ => None,
    }
}

/// `typed` with its extension made `format`'s: a known extension is
/// replaced, a name without one is given one, any other extension is the
/// reader's choice and stays.
fn with_format(typed: &str, format: Format) -> String {
    let trimmed = typed.trim_end();
    if trimmed.is_empty() || trimmed.ends_with(std::path::is_separator) {
        return typed.to_owned();
    }
    let path = Path::new(trimmed);
    match path.extension() {
        Some(_) if format_of(trimmed).is_some() => path
            .with_extension(extension(format))
            .to_string_lossy()
            .into_owned(),
        Some(_) => typed.to_owned(),
        None => format!("{trimmed}.{}", extension(format)),
    }
}

impl App {
    /// `E`: opens the dialog on the proposed file, or says why there is
    /// none here.
    pub(super) fn open_export(&mut self) {
        let Screen::Reader(reader) = &self.screen else {
            return;
        };
        let (dir, home) = match &self.export.place {
            ExportPlace::Ask { dir, home } => (dir, home.as_deref()),
            ExportPlace::Off { why } => {
                self.message = Some(Message {
                    level: Level::Info,
                    text: why.clone(),
                });
                return;
            }
        };
        let stem = reader
            .path
            .as_deref()
            .and_then(|p| p.file_stem())
            .map(|s| format!("{}-brief", s.to_string_lossy()))
            .unwrap_or_else(|| "briefing-brief".to_owned());
        let (dir, format) = match &self.export.last {
            Some((dir, format)) => (dir.as_path(), *format),
            None => (dir.as_path(), Format::Text),
        };
        let file = dir.join(format!("{stem}.{}", extension(format)));
        let private = !reader.marks.notes.is_empty();
        self.export.dialog = Some(ExportDialog {
            path: Editor::new(&crate::paths::with_tilde(&file, home)),
            format,
            notice: None,
            private,
            create_folder: None,
            stem,
        });
        self.message = None;
    }

    /// The home folder, for `~`.
    fn export_home(&self) -> Option<&Path> {
        match &self.export.place {
            ExportPlace::Ask { home, .. } => home.as_deref(),
            ExportPlace::Off { .. } => None,
        }
    }

    /// `path` for the reader: `~` for home, sanitised.
    fn show_path(&self, path: &Path) -> String {
        crate::sanitize::line(&crate::paths::with_tilde(path, self.export_home()))
    }

    /// A key in the export dialog: the `[export]` keys write, switch the
    /// format or cancel; every other key edits the path. If a keymap
    /// leaves one of them without a key, enter, tab and esc still do it.
    pub(super) fn export_key(&mut self, event: &KeyEvent) -> Outcome {
        let key = Key::from_event(event);
        let bound = |action| !self.keymap.keys(Context::Export, action).is_empty();
        let action = self.keymap.resolve(Context::Export, &key).or_else(|| {
            let plain = !event
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
            match event.code {
                KeyCode::Enter if plain && !bound(Action::WriteExport) => Some(Action::WriteExport),
                KeyCode::Tab if plain && !bound(Action::SwitchExportFormat) => {
                    Some(Action::SwitchExportFormat)
                }
                KeyCode::Esc if !bound(Action::CancelExport) => Some(Action::CancelExport),
                _ => None,
            }
        });
        match action {
            Some(Action::WriteExport) => self.write_export(),
            Some(Action::SwitchExportFormat) => {
                if let Some(dialog) = &mut self.export.dialog {
                    let format = match dialog.format {
                        Format::Text => Format::Markdown,
                        Format::Markdown => Format::Text,
                    };
                    let typed = with_format(&dialog.typed(), format);
                    dialog.set_path(&typed);
                    dialog.format = format;
                    dialog.notice = None;
                }
            }
            Some(Action::CancelExport) => {
                self.export.dialog = None;
                self.message = Some(Message {
                    level: Level::Info,
                    text: "export cancelled; nothing was written".to_owned(),
                });
            }
            _ => {
                let Some(dialog) = &mut self.export.dialog else {
                    return Outcome::Idle;
                };
                // One line: enter and tab never reach the field as text.
                if matches!(event.code, KeyCode::Enter | KeyCode::Tab)
                    || dialog.path.key(event) == EditOutcome::Ignored
                {
                    return Outcome::Idle;
                }
                self.edited_export_path();
            }
        }
        Outcome::Redraw
    }

    /// Pasted text goes into the path, without its line breaks.
    pub(super) fn export_paste(&mut self, text: &str) -> Outcome {
        let Some(dialog) = &mut self.export.dialog else {
            return Outcome::Idle;
        };
        let line: String = text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
        dialog.path.insert(&line);
        self.edited_export_path();
        Outcome::Redraw
    }

    /// After the path changed: the format follows a known extension, and
    /// what the last try said no longer applies.
    fn edited_export_path(&mut self) {
        if let Some(dialog) = &mut self.export.dialog {
            if let Some(format) = format_of(dialog.typed().trim_end()) {
                dialog.format = format;
            }
            dialog.notice = None;
        }
    }

    /// The path typed, as the file to write: `~` expanded, a name without
    /// a folder placed in the proposed folder, a trailing separator given
    /// the proposed file name.
    fn export_target(&self, dialog: &ExportDialog) -> Option<PathBuf> {
        let ExportPlace::Ask { dir, home } = &self.export.place else {
            return None;
        };
        let typed = dialog.typed();
        let typed = typed.trim();
        if typed.is_empty() {
            return None;
        }
        let mut path = crate::paths::expand_tilde(typed, home.as_deref());
        if path.is_relative() {
            path = dir.join(path);
        }
        if typed.ends_with(std::path::is_separator) {
            path = path.join(format!("{}.{}", dialog.stem, extension(dialog.format)));
        }
        Some(path)
    }

    /// Enter: asks the runtime to write the brief at the path typed.
    fn write_export(&mut self) {
        let Some(dialog) = &self.export.dialog else {
            return;
        };
        let Some(path) = self.export_target(dialog) else {
            if let Some(dialog) = &mut self.export.dialog {
                dialog.notice = Some(Message {
                    level: Level::Warning,
                    text: "type where to write the brief (a file name, or a path)".to_owned(),
                });
            }
            return;
        };
        let Screen::Reader(reader) = &self.screen else {
            return;
        };
        let format = dialog.format;
        let notes = crate::onepage::note_entries(&reader.briefing, &reader.marks.notes);
        let text = crate::onepage::render(
            &reader.briefing,
            &notes,
            format,
            crate::print::DEFAULT_WIDTH,
            reader.glyphs,
        );
        let folder = path.parent().map(Path::to_path_buf);
        let create_folder = folder.is_some() && dialog.create_folder == folder;
        let private = !notes.is_empty();
        if let Some(dialog) = &mut self.export.dialog {
            dialog.private = private;
        }
        self.effects.push(Effect::Export {
            path,
            format,
            text,
            private,
            create_folder,
        });
    }

    /// Takes in the result of a write: done (the dialog closes and the
    /// status line says where), or what was found, said in the dialog
    /// with what enter does now. Nothing is ever written over.
    pub(super) fn exported(&mut self, result: Result<PathBuf, ExportError>) -> Outcome {
        let home = self.export_home().map(Path::to_path_buf);
        let Some(dialog) = &mut self.export.dialog else {
            // Closed meanwhile: the status line says what happened.
            self.message = Some(match result {
                Ok(path) => Message {
                    level: Level::Info,
                    text: format!("one-page brief written to {}", self.show_path(&path)),
                },
                Err(error) => Message {
                    level: Level::Error,
                    text: error.describe(home.as_deref()),
                },
            });
            return Outcome::Redraw;
        };
        // In the dialog, where what enter does must stay in sight, a long
        // path is shortened in the middle: the whole of it is in the field.
        let show = |path: &Path| {
            elide(
                &crate::sanitize::line(&crate::paths::with_tilde(path, home.as_deref())),
                NOTICE_PATH_WIDTH,
            )
        };
        let notice = match result {
            Ok(path) => {
                let format = dialog.format;
                let private = dialog.private;
                self.export.dialog = None;
                if let Some(dir) = path.parent() {
                    self.export.last = Some((dir.to_path_buf(), format));
                }
                let kind = match format {
                    Format::Text => "",
                    Format::Markdown => " (Markdown)",
                };
                let private = if private {
                    "; it holds your notes, so only you can read it"
                } else {
                    ""
                };
                self.message = Some(Message {
                    level: Level::Info,
                    text: format!(
                        "one-page brief{kind} written to {}{private}",
                        self.show_path(&path)
                    ),
                });
                return Outcome::Redraw;
            }
            Err(ExportError::Exists {
                path,
                free: Some(free),
            }) => {
                dialog.set_path(&crate::paths::with_tilde(&free, home.as_deref()));
                Message {
                    level: Level::Warning,
                    text: format!(
                        "{} already exists and is kept: enter writes {} instead, or edit the name",
                        path.file_name()
                            .map(|n| crate::sanitize::line(&n.to_string_lossy()))
                            .unwrap_or_else(|| show(&path)),
                        free.file_name()
                            .map(|n| crate::sanitize::line(&n.to_string_lossy()))
                            .unwrap_or_default()
                    ),
                }
            }
            Err(ExportError::Link {
                path,
                free: Some(free),
            }) => {
                dialog.set_path(&crate::paths::with_tilde(&free, home.as_deref()));
                Message {
                    level: Level::Warning,
                    text: format!(
                        "{} is a symbolic link, which brief does not follow: enter writes {} instead (to write in the folder it points to, end the path with /)",
                        show(&path),
                        free.file_name()
                            .map(|n| crate::sanitize::line(&n.to_string_lossy()))
                            .unwrap_or_default()
                    ),
                }
            }
            Err(ExportError::IsFolder { path }) => {
                let file = path.join(format!("{}.{}", dialog.stem, extension(dialog.format)));
                dialog.set_path(&crate::paths::with_tilde(&file, home.as_deref()));
                Message {
                    level: Level::Info,
                    text: format!(
                        "{} is a folder: enter writes {} in it",
                        show(&path),
                        file.file_name()
                            .map(|n| crate::sanitize::line(&n.to_string_lossy()))
                            .unwrap_or_default()
                    ),
                }
            }
            Err(ExportError::MissingFolder { dir }) => {
                let text = format!(
                    "the folder {} does not exist: enter makes it and writes the brief there, or edit the path",
                    show(&dir)
                );
                dialog.create_folder = Some(dir);
                Message {
                    level: Level::Warning,
                    text,
                }
            }
            Err(error) => Message {
                level: Level::Error,
                text: error.describe_with(&show),
            },
        };
        dialog.notice = Some(notice);
        Outcome::Redraw
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Event, Settings, Step};
    use crate::glyphs::Glyphs;
    use crate::keymap::Keymap;
    use crate::theme::{ColorMode, Theme};
    use ratatui::layout::Rect;

    fn app(place: ExportPlace) -> App {
        let settings = Settings {
            keymap: Keymap::defaults(),
            keymap_errors: Vec::new(),
            theme: Theme::new(ColorMode::Monochrome),
            glyphs: Glyphs::UNICODE,
            store: None,
            mouse: false,
            export: place,
        };
        let briefing = crate::loader::load_str(
            "t",
            "title = \"Liège hub\"\n[[facts]]\nlabel = \"Deficit\"\nvalue = \"€9.1 bn\"\n[[sections]]\ntitle = \"A\"\n",
        )
        .expect("valid");
        App::with_briefing(
            settings,
            briefing,
            "liege.toml".to_owned(),
            Some(PathBuf::from("/srv/briefings/liege.toml")),
            Rect::new(0, 0, 80, 24),
        )
    }

    fn ask() -> App {
        app(ExportPlace::Ask {
            dir: PathBuf::from("/home/ana/Documents"),
            home: Some(PathBuf::from("/home/ana")),
        })
    }

    fn key(app: &mut App, code: KeyCode) -> Step {
        app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)), 0)
    }

    fn typed(app: &App) -> String {
        app.export.dialog.as_ref().expect("open").typed()
    }

    #[test]
    fn e_opens_the_dialog_on_a_file_in_the_documents_folder() {
        let mut app = ask();
        let step = key(&mut app, KeyCode::Char('E'));
        assert!(step.effects.is_empty(), "nothing written before enter");
        assert_eq!(typed(&app), "~/Documents/liege-brief.txt");
        assert_eq!(app.context(), Context::Export);
        let dialog = app.export.dialog.as_ref().expect("open");
        assert_eq!(dialog.format, Format::Text);
        assert_eq!(dialog.path.cursor(), (0, typed(&app).chars().count()));
    }

    #[test]
    fn tab_switches_the_format_and_the_extension_shown() {
        let mut app = ask();
        key(&mut app, KeyCode::Char('E'));
        key(&mut app, KeyCode::Tab);
        assert_eq!(typed(&app), "~/Documents/liege-brief.md");
        assert_eq!(
            app.export.dialog.as_ref().map(|d| d.format),
            Some(Format::Markdown)
        );
        key(&mut app, KeyCode::Tab);
        assert_eq!(typed(&app), "~/Documents/liege-brief.txt");
        // Typing a Markdown extension switches the format too.
        for _ in 0..3 {
            key(&mut app, KeyCode::Backspace);
        }
        for c in "md".chars() {
            key(&mut app, KeyCode::Char(c));
        }
        assert_eq!(
            app.export.dialog.as_ref().map(|d| d.format),
            Some(Format::Markdown)
        );
    }

    #[test]
    fn enter_asks_for_the_file_typed_with_the_brief_in_its_format() {
        let mut app = ask();
        key(&mut app, KeyCode::Char('E'));
        key(&mut app, KeyCode::Tab);
        let step = key(&mut app, KeyCode::Enter);
        match step.effects.as_slice() {
            [
                Effect::Export {
                    path,
                    format,
                    text,
                    private,
                    create_folder,
                },
            ] => {
                assert_eq!(path, Path::new("/home/ana/Documents/liege-brief.md"));
                assert_eq!(*format, Format::Markdown);
                assert!(text.starts_with("# Liège hub"), "{text}");
                assert!(text.contains("## Key facts"), "{text}");
                assert!(!private);
                assert!(!create_folder);
            }
            other => panic!("{other:?}"),
        }
        // The dialog waits for the answer.
        assert!(app.export.dialog.is_some());
    }

    #[test]
    fn a_tilde_a_bare_name_and_a_folder_are_read_as_the_reader_means() {
        let mut app = ask();
        key(&mut app, KeyCode::Char('E'));
        let target = |app: &App| {
            app.export
                .dialog
                .as_ref()
                .and_then(|d| app.export_target(d))
                .expect("a path")
        };
        let set = |app: &mut App, text: &str| {
            if let Some(dialog) = &mut app.export.dialog {
                dialog.set_path(text);
            }
        };
        set(&mut app, "~/Desktop/meeting.md");
        assert_eq!(target(&app), Path::new("/home/ana/Desktop/meeting.md"));
        set(&mut app, "meeting.txt");
        assert_eq!(target(&app), Path::new("/home/ana/Documents/meeting.txt"));
        set(&mut app, "~/Desktop/");
        assert_eq!(target(&app), Path::new("/home/ana/Desktop/liege-brief.txt"));
        set(&mut app, "   ");
        let step = key(&mut app, KeyCode::Enter);
        assert!(step.effects.is_empty());
        let notice = app.export.dialog.as_ref().and_then(|d| d.notice.clone());
        assert!(notice.is_some_and(|n| n.text.starts_with("type where")));
    }

    #[test]
    fn esc_cancels_and_asks_for_nothing() {
        let mut app = ask();
        key(&mut app, KeyCode::Char('E'));
        let step = key(&mut app, KeyCode::Esc);
        assert!(step.effects.is_empty());
        assert!(app.export.dialog.is_none());
        assert_eq!(
            app.message.as_ref().map(|m| m.text.as_str()),
            Some("export cancelled; nothing was written")
        );
        // Keys act on the reader again.
        assert_ne!(app.context(), Context::Export);
    }

    #[test]
    fn a_taken_name_is_replaced_by_the_free_one_and_a_missing_folder_offered() {
        let mut app = ask();
        key(&mut app, KeyCode::Char('E'));
        app.update(
            Event::Done(crate::app::Done::Exported(Err(ExportError::Exists {
                path: PathBuf::from("/home/ana/Documents/liege-brief.txt"),
                free: Some(PathBuf::from("/home/ana/Documents/liege-brief-2.txt")),
            }))),
            0,
        );
        assert_eq!(typed(&app), "~/Documents/liege-brief-2.txt");
        let notice = app.export.dialog.as_ref().and_then(|d| d.notice.clone());
        assert_eq!(
            notice.map(|n| n.text),
            Some(
                "liege-brief.txt already exists and is kept: enter writes liege-brief-2.txt instead, or edit the name"
                    .to_owned()
            )
        );
        app.update(
            Event::Done(crate::app::Done::Exported(Err(
                ExportError::MissingFolder {
                    dir: PathBuf::from("/home/ana/Documents"),
                },
            ))),
            0,
        );
        let step = key(&mut app, KeyCode::Enter);
        assert!(
            matches!(
                step.effects.as_slice(),
                [Effect::Export {
                    create_folder: true,
                    ..
                }]
            ),
            "{:?}",
            step.effects
        );
        app.update(
            Event::Done(crate::app::Done::Exported(Ok(PathBuf::from(
                "/home/ana/Documents/liege-brief-2.txt",
            )))),
            0,
        );
        assert!(app.export.dialog.is_none());
        assert_eq!(
            app.message.as_ref().map(|m| m.text.as_str()),
            Some("one-page brief written to ~/Documents/liege-brief-2.txt")
        );
    }

    #[test]
    fn under_serve_e_says_why_and_opens_nothing() {
        let mut app = app(ExportPlace::Off {
            why: "export is off over SSH".to_owned(),
        });
        let step = key(&mut app, KeyCode::Char('E'));
        assert!(step.effects.is_empty());
        assert!(app.export.dialog.is_none());
        assert_eq!(
            app.message.as_ref().map(|m| m.text.as_str()),
            Some("export is off over SSH")
        );
    }

    #[test]
    fn a_long_path_is_shortened_in_the_middle() {
        assert_eq!(elide("~/Documents/b.txt", 40), "~/Documents/b.txt");
        let long = format!("~/{}/meeting-brief.txt", "x".repeat(80));
        let short = elide(&long, 40);
        assert_eq!(crate::text::width(&short), 40);
        assert!(short.starts_with("~/xxx") && short.ends_with("x/meeting-brief.txt"));
        assert!(short.contains('…'));
        let wide = elide(&"北京".repeat(30), 11);
        assert!(crate::text::width(&wide) <= 11, "{wide}");
    }

    #[test]
    fn the_format_follows_a_known_extension_only() {
        assert_eq!(format_of("~/b-brief.md"), Some(Format::Markdown));
        assert_eq!(format_of("~/B.MARKDOWN"), Some(Format::Markdown));
        assert_eq!(format_of("~/b-brief.txt"), Some(Format::Text));
        assert_eq!(format_of("~/b-brief.doc"), None);
        assert_eq!(format_of("~/b-brief"), None);
    }

    #[test]
    fn switching_the_format_changes_a_known_extension_only() {
        assert_eq!(
            with_format("~/Documents/b-brief.txt", Format::Markdown),
            "~/Documents/b-brief.md"
        );
        assert_eq!(with_format("~/b-brief.md", Format::Text), "~/b-brief.txt");
        assert_eq!(with_format("~/b-brief", Format::Markdown), "~/b-brief.md");
        assert_eq!(with_format("~/b.v2.rtf", Format::Markdown), "~/b.v2.rtf");
        assert_eq!(with_format("~/out/", Format::Markdown), "~/out/");
        assert_eq!(with_format("", Format::Markdown), "");
    }
}

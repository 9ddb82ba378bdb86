//! The note editor: a small multi-line text field.
//!
//! Owns the text being typed and the cursor, and the usual editing keys
//! (arrows, home/end, ctrl-a/e/u/k/w, backspace, delete, enter for a new
//! line, paste), and its layout in rows wrapped at word boundaries. Saving
//! and cancelling are keymap actions (`[editor]`), handled by the app. Text is kept exactly as typed or pasted (line endings
//! normalised to `\n`); making it safe to show is the view's job.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::model::Part;

/// The note editor open on one part, with what it opened on: the text
/// shown at first, and the note as it was on disk then (the base a save
/// is compared with, so a note changed elsewhere meanwhile is kept
/// alongside, never overwritten).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteEdit {
    /// The text being typed.
    pub editor: Editor,
    /// The part the note belongs to.
    pub part: Part,
    /// The text the editor opened on.
    pub opened: String,
    /// The note's text on disk when the editor opened (`None`: there was
    /// no note).
    pub base: Option<String>,
    /// Cancel was pressed once with changes typed: a second press
    /// discards them.
    pub confirm_discard: bool,
}

impl NoteEdit {
    /// An editor on `part` holding `text`, which is also the note's text
    /// as last known (`None`: no note).
    pub fn new(part: Part, text: Option<&str>) -> Self {
        let opened = text.unwrap_or_default().to_owned();
        Self {
            editor: Editor::new(&opened),
            part,
            opened,
            base: text.map(str::to_owned),
            confirm_discard: false,
        }
    }

    /// True if the reader changed the text since the editor opened.
    pub fn changed(&self) -> bool {
        self.editor.text() != self.opened
    }

    /// Starts again from the note as read from disk now, if nothing has
    /// been typed yet; otherwise keeps the typing (and the older base, so
    /// the save keeps both if they differ). True if the text was replaced.
    pub fn refresh(&mut self, disk: Option<&str>) -> bool {
        if self.changed() {
            return false;
        }
        *self = Self::new(self.part, disk);
        true
    }
}

/// What a key did to the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOutcome {
    /// The text or cursor changed (or nothing did).
    Edited,
    /// The key means nothing here.
    Ignored,
}

/// A multi-line text field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    lines: Vec<String>,
    /// Cursor line.
    row: usize,
    /// Cursor position in characters within the line.
    column: usize,
}

impl Editor {
    /// An editor holding `text`, the cursor at its end.
    pub fn new(text: &str) -> Self {
        let mut lines: Vec<String> = text
            .replace("\r\n", "\n")
            .split('\n')
            .map(str::to_owned)
            .collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        let row = lines.len() - 1;
        let column = lines[row].chars().count();
        Self { lines, row, column }
    }

    /// The text, lines joined with `\n`.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    /// The lines.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// Cursor as (line, character column).
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.column)
    }

    fn byte_at(&self, row: usize, column: usize) -> usize {
        let line = &self.lines[row];
        line.char_indices()
            .nth(column)
            .map_or(line.len(), |(i, _)| i)
    }

    fn line_chars(&self, row: usize) -> usize {
        self.lines[row].chars().count()
    }

    /// Inserts text at the cursor (typing or paste).
    pub fn insert(&mut self, text: &str) {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        for (i, piece) in text.split('\n').enumerate() {
            if i > 0 {
                self.newline();
            }
            let at = self.byte_at(self.row, self.column);
            self.lines[self.row].insert_str(at, piece);
            self.column += piece.chars().count();
        }
    }

    /// Splits the line at the cursor.
    pub fn newline(&mut self) {
        let at = self.byte_at(self.row, self.column);
        let rest = self.lines[self.row].split_off(at);
        self.lines.insert(self.row + 1, rest);
        self.row += 1;
        self.column = 0;
    }

    fn backspace(&mut self) {
        if self.column > 0 {
            let start = self.byte_at(self.row, self.column - 1);
            let end = self.byte_at(self.row, self.column);
            self.lines[self.row].replace_range(start..end, "");
            self.column -= 1;
        } else if self.row > 0 {
            let line = self.lines.remove(self.row);
            self.row -= 1;
            self.column = self.line_chars(self.row);
            self.lines[self.row].push_str(&line);
        }
    }

    fn delete(&mut self) {
        if self.column < self.line_chars(self.row) {
            let start = self.byte_at(self.row, self.column);
            let end = self.byte_at(self.row, self.column + 1);
            self.lines[self.row].replace_range(start..end, "");
        } else if self.row + 1 < self.lines.len() {
            let next = self.lines.remove(self.row + 1);
            self.lines[self.row].push_str(&next);
        }
    }

    fn delete_word_back(&mut self) {
        let chars: Vec<char> = self.lines[self.row].chars().collect();
        let mut start = self.column;
        while start > 0 && chars[start - 1].is_whitespace() {
            start -= 1;
        }
        while start > 0 && !chars[start - 1].is_whitespace() {
            start -= 1;
        }
        let (from, to) = (
            self.byte_at(self.row, start),
            self.byte_at(self.row, self.column),
        );
        self.lines[self.row].replace_range(from..to, "");
        self.column = start;
    }

    /// Applies one key.
    pub fn key(&mut self, event: &KeyEvent) -> EditOutcome {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        match (event.code, ctrl) {
            (KeyCode::Enter, _) => self.newline(),
            (KeyCode::Backspace, _) | (KeyCode::Char('h'), true) => self.backspace(),
            (KeyCode::Delete, _) | (KeyCode::Char('d'), true) => self.delete(),
            (KeyCode::Left, _) | (KeyCode::Char('b'), true) => {
                if self.column > 0 {
                    self.column -= 1;
                } else if self.row > 0 {
                    self.row -= 1;
                    self.column = self.line_chars(self.row);
                }
            }
            (KeyCode::Right, _) | (KeyCode::Char('f'), true) => {
                if self.column < self.line_chars(self.row) {
                    self.column += 1;
                } else if self.row + 1 < self.lines.len() {
                    self.row += 1;
                    self.column = 0;
                }
            }
            (KeyCode::Up, _) | (KeyCode::Char('p'), true) => {
                if self.row > 0 {
                    self.row -= 1;
                    self.column = self.column.min(self.line_chars(self.row));
                }
            }
            (KeyCode::Down, _) | (KeyCode::Char('n'), true) => {
                if self.row + 1 < self.lines.len() {
                    self.row += 1;
                    self.column = self.column.min(self.line_chars(self.row));
                }
            }
            (KeyCode::Home, _) | (KeyCode::Char('a'), true) => self.column = 0,
            (KeyCode::End, _) | (KeyCode::Char('e'), true) => {
                self.column = self.line_chars(self.row)
            }
            (KeyCode::Char('u'), true) => {
                let at = self.byte_at(self.row, self.column);
                self.lines[self.row].replace_range(..at, "");
                self.column = 0;
            }
            (KeyCode::Char('k'), true) => {
                let at = self.byte_at(self.row, self.column);
                self.lines[self.row].truncate(at);
            }
            (KeyCode::Char('w'), true) => self.delete_word_back(),
            (KeyCode::Tab, _) => self.insert("    "),
            (KeyCode::Char(c), false) if !event.modifiers.contains(KeyModifiers::ALT) => {
                let mut buffer = [0; 4];
                self.insert(c.encode_utf8(&mut buffer));
            }
            _ => return EditOutcome::Ignored,
        }
        EditOutcome::Edited
    }
}

/// One row of the editor as drawn: its text (sanitised for display) and,
/// on the cursor's row, the cursor's display column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// What to draw.
    pub text: String,
    /// Where the cursor is on this row, in display columns.
    pub cursor: Option<usize>,
}

impl Editor {
    /// The text laid out in rows of at most `width` display columns,
    /// wrapped at word boundaries (a word longer than a row is the only
    /// thing cut), one column kept free so the cursor fits at a row's end.
    /// Each character is sanitised for display; the stored text is not.
    pub fn rows(&self, width: usize) -> Vec<Row> {
        let room = width.saturating_sub(1).max(1);
        let mut rows = Vec::new();
        for (row, line) in self.lines.iter().enumerate() {
            let cells: Vec<(String, usize, bool)> = line
                .chars()
                .map(|c| {
                    let shown = crate::sanitize::line(&c.to_string());
                    let w = crate::text::width(&shown);
                    (shown, w, c.is_whitespace())
                })
                .collect();
            let starts = wrap_starts(&cells, room);
            let cursor = (row == self.row).then_some(self.column);
            for (k, &start) in starts.iter().enumerate() {
                let end = starts.get(k + 1).copied().unwrap_or(cells.len());
                let text: String = cells[start..end].iter().map(|c| c.0.as_str()).collect();
                let last = k + 1 == starts.len();
                let here = cursor.filter(|&c| c >= start && (c < end || (last && c == end)));
                rows.push(Row {
                    text,
                    cursor: here.map(|c| {
                        cells[start..c]
                            .iter()
                            .map(|cell| cell.1)
                            .sum::<usize>()
                            .min(room)
                    }),
                });
            }
        }
        rows
    }
}

/// Where each row of one line starts (character indices), wrapping the
/// cells (shown text, width, is a space) greedily at spaces so that no
/// row's words exceed `room` columns; spaces at a break hang past it.
fn wrap_starts(cells: &[(String, usize, bool)], room: usize) -> Vec<usize> {
    let mut starts = vec![0];
    let (mut start, mut used, mut after_space) = (0, 0, None::<usize>);
    let mut i = 0;
    while i < cells.len() {
        let (_, w, space) = &cells[i];
        if used + w > room && i > start {
            if *space {
                // A space at the edge ends the row where it is.
                after_space = None;
                start = i + 1;
                used = 0;
                if start < cells.len() {
                    starts.push(start);
                }
                i += 1;
                continue;
            }
            // Break after the last space, or cut a word longer than a row.
            let next = after_space.filter(|&b| b > start).unwrap_or(i);
            starts.push(next);
            start = next;
            used = 0;
            after_space = None;
            i = next;
            continue;
        }
        used += w;
        if *space {
            after_space = Some(i + 1);
        }
        i += 1;
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn typed(editor: &mut Editor, text: &str) {
        for c in text.chars() {
            editor.key(&key(KeyCode::Char(c)));
        }
    }

    fn texts(rows: &[Row]) -> Vec<&str> {
        rows.iter().map(|r| r.text.as_str()).collect()
    }

    #[test]
    fn rows_wrap_at_word_boundaries() {
        let e = Editor::new("Ask about the Liège lease terms");
        // 13 columns: 12 for text, one for the cursor.
        let rows = e.rows(13);
        assert_eq!(texts(&rows), ["Ask about ", "the Liège ", "lease terms"]);
        for row in &rows {
            assert!(crate::text::width(row.text.trim_end()) <= 12, "{row:?}");
        }
        // The cursor is at the end of the text.
        assert_eq!(rows[2].cursor, Some(11));
        assert_eq!(rows[0].cursor, None);
    }

    #[test]
    fn only_a_word_longer_than_a_row_is_cut() {
        let e = Editor::new("an extraordinarily long word");
        let rows = e.rows(9);
        assert_eq!(
            texts(&rows),
            ["an ", "extraord", "inarily ", "long ", "word"]
        );
    }

    #[test]
    fn the_cursor_is_placed_by_display_width_on_its_row() {
        let mut e = Editor::new("北京 talks\nsecond");
        e.key(&key(KeyCode::Up));
        e.key(&key(KeyCode::Home));
        e.key(&key(KeyCode::Right));
        let rows = e.rows(40);
        assert_eq!(rows[0].cursor, Some(2));
        assert_eq!(rows[1].cursor, None);
        // At a row boundary the cursor starts the next row.
        let mut e = Editor::new("aaaa bbbb");
        e.key(&key(KeyCode::Home));
        for _ in 0..5 {
            e.key(&key(KeyCode::Right));
        }
        let rows = e.rows(6);
        assert_eq!(texts(&rows), ["aaaa ", "bbbb"]);
        assert_eq!(rows[1].cursor, Some(0));
    }

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        let e = Editor::new("red \u{1b}[31m");
        let rows = e.rows(40);
        assert!(!rows.iter().any(|r| r.text.contains('\u{1b}')));
    }

    #[test]
    fn typing_and_new_lines() {
        let mut e = Editor::new("");
        typed(&mut e, "Ask about");
        e.key(&key(KeyCode::Enter));
        typed(&mut e, "the 2022 figure");
        assert_eq!(e.text(), "Ask about\nthe 2022 figure");
        // Saving and cancelling are the keymap's: here they edit nothing.
        assert_eq!(e.key(&key(KeyCode::Esc)), EditOutcome::Ignored);
        assert_eq!(e.key(&ctrl('s')), EditOutcome::Ignored);
        assert_eq!(e.text(), "Ask about\nthe 2022 figure");
    }

    #[test]
    fn editing_keys() {
        let mut e = Editor::new("Lüttich hub");
        e.key(&key(KeyCode::Home));
        e.key(&key(KeyCode::Delete));
        typed(&mut e, "L");
        e.key(&key(KeyCode::End));
        e.key(&ctrl('w'));
        typed(&mut e, "Hub");
        assert_eq!(e.text(), "Lüttich Hub");
        e.key(&key(KeyCode::Left));
        e.key(&key(KeyCode::Left));
        e.key(&ctrl('k'));
        assert_eq!(e.text(), "Lüttich H");
        e.key(&ctrl('u'));
        assert_eq!(e.text(), "");
    }

    #[test]
    fn backspace_joins_lines() {
        let mut e = Editor::new("one\ntwo");
        e.key(&key(KeyCode::Home));
        e.key(&key(KeyCode::Backspace));
        assert_eq!(e.text(), "onetwo");
        assert_eq!(e.cursor(), (0, 3));
    }

    #[test]
    fn paste_keeps_text_as_typed() {
        let mut e = Editor::new("");
        e.insert("line one\r\nline two \u{1b}[31m");
        assert_eq!(e.text(), "line one\nline two \u{1b}[31m");
        assert_eq!(e.cursor(), (1, 14));
    }
}

//! Diagnostics: what is wrong with a file, where, and what to do about it.
//!
//! A [`Diagnostic`] names the file, the line and column (1-based, columns
//! counted in characters), says what is wrong and, where it can, what to do.
//! Every piece of untrusted text in it (file names, quoted keys and values,
//! the quoted source line) has been sanitised before it gets here, so a
//! diagnostic can be printed to a terminal as it is.

use std::fmt;
use std::ops::Range;

use crate::sanitize;

/// How bad it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The file cannot be used as it is.
    Error,
    /// The file is usable, but the reader should know something.
    Warning,
}

/// One finding in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as given on the command line (sanitised).
    pub file: String,
    /// 1-based line; 0 when the finding is about the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when about the whole file.
    pub column: usize,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The offending source line, sanitised, for context.
    pub snippet: Option<String>,
    /// How many columns of that line, from the column, the finding is
    /// about (underlined with carets); 1 for a point.
    pub width: usize,
}

impl Diagnostic {
    /// A finding about the whole file.
    pub fn whole_file(
        file: &str,
        severity: Severity,
        message: String,
        hint: Option<String>,
    ) -> Self {
        Self {
            file: file.to_owned(),
            line: 0,
            column: 0,
            severity,
            message,
            hint,
            snippet: None,
            width: 1,
        }
    }

    /// The one-line form with the source line and carets under what it is
    /// about, from the column, as printed by `brief check`.
    pub fn render_with_snippet(&self) -> String {
        let mut out = self.to_string();
        if let Some(snippet) = &self.snippet {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            // Under the snippet as shown: tabs stay tabs, anything else
            // takes as many columns as it does on screen (a Chinese
            // character two).
            let before: String = snippet
                .chars()
                .take(self.column.saturating_sub(1))
                .collect();
            let caret_pad: String = before
                .split_inclusive('\t')
                .map(|part| {
                    let tab = part.ends_with('\t');
                    let spaces = " ".repeat(crate::text::width(part.trim_end_matches('\t')));
                    if tab { spaces + "\t" } else { spaces }
                })
                .collect();
            let carets = "^".repeat(self.width.max(1));
            out.push_str(&format!(
                "\n {number} | {snippet}\n {pad} | {caret_pad}{carets}"
            ));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.line == 0 {
            write!(f, "{}: {label}: {}", self.file, self.message)?;
        } else {
            write!(
                f,
                "{}:{}:{}: {label}: {}",
                self.file, self.line, self.column, self.message
            )?;
        }
        if let Some(hint) = &self.hint {
            write!(f, " — {hint}")?;
        }
        Ok(())
    }
}

/// Maps byte offsets in a source text to lines and columns.
#[derive(Debug)]
pub struct LineIndex<'s> {
    source: &'s str,
    /// Where each line starts. `u32`, allocated once at its final size: a
    /// 10 MB briefing has 300,000 lines, and this lives while it loads.
    /// (Sources over 4 GiB are refused long before this; offsets beyond
    /// would all map to the last line.)
    starts: Vec<u32>,
}

impl<'s> LineIndex<'s> {
    /// Indexes `source`.
    pub fn new(source: &'s str) -> Self {
        let count = memchr::memchr_iter(b'\n', source.as_bytes()).count();
        let mut starts = Vec::with_capacity(count + 1);
        starts.push(0);
        starts.extend(
            memchr::memchr_iter(b'\n', source.as_bytes())
                .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        Self { source, starts }
    }

    /// 1-based line and character column of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.source.len());
        let line = self
            .starts
            .partition_point(|start| *start as usize <= offset)
            .max(1);
        let start = self.starts[line - 1] as usize;
        let column = self
            .source
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        (line, column)
    }

    /// The text of a 1-based line, sanitised, without its newline.
    pub fn line_text(&self, line: usize) -> String {
        let Some(start) = self.starts.get(line.wrapping_sub(1)).map(|s| *s as usize) else {
            return String::new();
        };
        let text = self.source.get(start..self.line_end(line)).unwrap_or("");
        sanitize::line(text.trim_end_matches('\r'))
    }

    /// Where the text of a 1-based line ends: at its newline, or at the
    /// end of the source for the last line.
    fn line_end(&self, line: usize) -> usize {
        self.starts
            .get(line)
            .map_or(self.source.len(), |next| *next as usize - 1)
    }

    /// A diagnostic at the start of `span`, underlining it up to the end
    /// of its first line.
    pub fn diagnostic(
        &self,
        file: &str,
        span: Range<usize>,
        severity: Severity,
        message: String,
        hint: Option<String>,
    ) -> Diagnostic {
        let (line, column) = self.position(span.start);
        let start = span.start.min(self.source.len());
        let end = span.end.min(self.line_end(line));
        let width = self
            .source
            .get(start..end)
            .map_or(0, |text| {
                crate::text::width(&sanitize::line(text.trim_end_matches('\r')))
            })
            .max(1);
        Diagnostic {
            file: file.to_owned(),
            line,
            column,
            severity,
            message,
            hint,
            snippet: Some(self.line_text(line)),
            width,
        }
    }
}

/// Quotes untrusted text for a message: sanitised, cut to a sensible length,
/// in backticks.
pub fn quote(text: &str) -> String {
    let clean = sanitize::line(text);
    let cut = crate::text::truncate(&clean, 60);
    format!("`{cut}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let index = LineIndex::new("a = 1\nüber = 2\n");
        assert_eq!(index.position(0), (1, 1));
        assert_eq!(index.position(6), (2, 1));
        // "über" is 5 bytes: the '=' after "über " is at character 6.
        assert_eq!(index.position(12), (2, 6));
    }

    #[test]
    fn display_is_file_line_column() {
        let d = Diagnostic {
            file: "b.toml".into(),
            line: 3,
            column: 1,
            severity: Severity::Error,
            message: "unknown key `sumary`".into(),
            hint: Some("did you mean `summary`?".into()),
            snippet: Some("sumary = \"x\"".into()),
            width: 6,
        };
        assert_eq!(
            d.to_string(),
            "b.toml:3:1: error: unknown key `sumary` — did you mean `summary`?"
        );
        assert!(
            d.render_with_snippet()
                .ends_with(" 3 | sumary = \"x\"\n   | ^^^^^^")
        );
    }

    #[test]
    fn quotes_are_sanitised() {
        assert_eq!(quote("a\u{1b}]0;x\u{7}"), "`a␛]0;x␇`");
    }

    #[test]
    fn carets_underline_the_span_as_the_line_is_shown() {
        let source = "title = \"比利时\"\nnote = \"a\tb\"  \r\nx = 1";
        let index = LineIndex::new(source);
        let value = source.find('"').unwrap_or(0);
        let d = index.diagnostic(
            "b.toml",
            value..value + "\"比利时\"".len(),
            Severity::Error,
            "m".into(),
            None,
        );
        assert_eq!(d.width, 8, "two quotes and three wide characters");
        assert!(
            d.render_with_snippet()
                .ends_with(" 1 | title = \"比利时\"\n   |         ^^^^^^^^")
        );
        // A span running past its line is underlined to the line's end,
        // its trailing CR not counted; an empty span is one caret.
        let second = source.find("note").unwrap_or(0);
        let d = index.diagnostic(
            "b.toml",
            second..source.len(),
            Severity::Error,
            "m".into(),
            None,
        );
        assert_eq!(d.width, crate::text::width("note = \"a\tb\"  "));
        let d = index.diagnostic(
            "b.toml",
            second + 4..second + 4,
            Severity::Error,
            "m".into(),
            None,
        );
        assert_eq!(d.width, 1);
        assert!(
            d.render_with_snippet().ends_with("\n   |     ^"),
            "{:?}",
            d.render_with_snippet()
        );
        // After a wide character the carets move over two columns for it.
        let after = source.find('时').unwrap_or(0);
        let d = index.diagnostic(
            "b.toml",
            after..after + '时'.len_utf8(),
            Severity::Error,
            "m".into(),
            None,
        );
        assert_eq!(d.column, 12);
        assert!(
            d.render_with_snippet().ends_with("\n   |              ^^"),
            "{}",
            d.render_with_snippet()
        );
    }
}

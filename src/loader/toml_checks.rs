//! Generic checks on a spanned TOML tree: typed field access that turns
//! every wrong type, blank required string or bad date into a
//! [`Diagnostic`] with line and column, "did you mean" suggestions and the
//! names of TOML types as an analyst reads them.
//!
//! Owns the [`Checker`] that collects diagnostics while a file is walked; it
//! knows nothing of what a briefing holds (that is [`super::briefing`]), so
//! the same checks serve TOML files and the TOML inside Markdown files.

use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, LineIndex, Severity, quote};
use crate::model::Date;
use crate::sanitize::{self, Findings, Mode};

pub(super) type Table<'i> = DeTable<'i>;

/// Walks a parsed file against a schema, collecting diagnostics.
pub(super) struct Checker<'a> {
    pub(super) name: &'a str,
    pub(super) index: &'a LineIndex<'a>,
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) findings: Findings,
    /// Where the TOML being walked starts in the file the diagnostics
    /// name: 0 for a TOML file, the start of the front matter or of a
    /// fenced block in a Markdown file. Spans are relative to the TOML.
    pub(super) base: usize,
    /// What becomes of the section bodies.
    pub(super) bodies: Bodies,
}

impl<'a> Checker<'a> {
    /// A checker of the file `name` (indexed by `index`) with nothing
    /// found yet, its TOML starting at the file's start.
    pub(super) fn new(name: &'a str, index: &'a LineIndex<'a>, bodies: Bodies) -> Self {
        Self {
            name,
            index,
            diagnostics: Vec::new(),
            findings: Findings::default(),
            base: 0,
            bodies,
        }
    }
}

/// What the checker does with section bodies.
pub(super) enum Bodies {
    /// Parsed into blocks, kept in the model.
    Parse,
    /// Checked to be strings and kept as ranges of the file's text (given
    /// here), not parsed ([`crate::model::Body::from_toml`]).
    Defer(Arc<String>),
    /// Parsed for what parsing finds (the notices), then kept as ranges of
    /// the text like [`Self::Defer`]: all the notices, without holding
    /// every body's blocks at once.
    ParseAndDefer(Arc<String>),
}

impl Bodies {
    /// The file's text, when bodies are kept as ranges of it.
    pub(super) fn text(&self) -> Option<&Arc<String>> {
        match self {
            Self::Parse => None,
            Self::Defer(text) | Self::ParseAndDefer(text) => Some(text),
        }
    }
}

impl Checker<'_> {
    pub(super) fn error(&mut self, span: Range<usize>, message: String, hint: Option<String>) {
        let span = span.start + self.base..span.end + self.base;
        let diagnostic = self
            .index
            .diagnostic(self.name, span, Severity::Error, message, hint);
        self.diagnostics.push(diagnostic);
    }

    /// The line and column of an offset into the TOML being walked.
    pub(super) fn position(&self, offset: usize) -> (usize, usize) {
        self.index.position(offset + self.base)
    }

    /// Parses a piece of TOML at [`Self::base`], reporting its syntax
    /// errors; `None` if it has any.
    pub(super) fn parse_toml<'i>(&mut self, text: &'i str) -> Option<Spanned<Table<'i>>> {
        let (root, syntax_errors) = DeTable::parse_recoverable(text);
        if syntax_errors.is_empty() {
            return Some(root);
        }
        for error in syntax_errors.iter().take(20) {
            let span = error.span().unwrap_or(0..0);
            let (span, message, hint) = syntax_message(text, error.message(), span);
            self.error(span, message, Some(hint));
        }
        None
    }

    pub(super) fn clean(&mut self, text: &str) -> String {
        let (clean, found) = sanitize::sanitize_with_findings(text, Mode::Line);
        self.findings.merge(found);
        clean.into_owned()
    }

    /// A string field's raw value and span, after checking its type.
    pub(super) fn optional_string<'t>(
        &mut self,
        table: &'t Table<'_>,
        key: &str,
        place: &str,
    ) -> Option<(&'t str, Range<usize>)> {
        let value = table.get(key)?;
        match value.get_ref() {
            DeValue::String(s) => Some((s.as_ref(), value.span())),
            other => {
                let hint = quote_hint(key, other);
                self.error(
                    value.span(),
                    format!("`{key}` {place} must be a string, not {}", type_name(other)),
                    Some(hint),
                );
                None
            }
        }
    }

    pub(super) fn optional_text(
        &mut self,
        table: &Table<'_>,
        key: &str,
        place: &str,
    ) -> Option<String> {
        let (raw, _) = self.optional_string(table, key, place)?;
        Some(self.clean(raw))
    }

    /// A required, non-blank string field, sanitised.
    pub(super) fn required_text(
        &mut self,
        table: &Table<'_>,
        key: &str,
        place: &str,
        table_span: Range<usize>,
    ) -> Option<String> {
        if !table.contains_key(key) {
            self.missing(
                table,
                key,
                place,
                table_span,
                format!("add `{key} = \"…\"`"),
            );
            return None;
        }
        let (raw, span) = self.optional_string(table, key, place)?;
        if raw.trim().is_empty() {
            self.error(
                span,
                format!("`{key}` {place} is empty"),
                Some(format!("write the {key}, or remove the entry")),
            );
            return None;
        }
        Some(self.clean(raw.trim()))
    }

    pub(super) fn string_list(&mut self, table: &Table<'_>, key: &str, place: &str) -> Vec<String> {
        self.string_list_spanned(table, key, place)
            .into_iter()
            .map(|(s, _)| self.clean(&s))
            .collect()
    }

    pub(super) fn string_list_spanned(
        &mut self,
        table: &Table<'_>,
        key: &str,
        place: &str,
    ) -> Vec<(String, Range<usize>)> {
        let Some(value) = table.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.error(
                value.span(),
                format!(
                    "`{key}` {place} must be a list of strings, not {}",
                    type_name(value.get_ref())
                ),
                Some(format!("write `{key} = [\"…\", \"…\"]`")),
            );
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push((s.to_string(), item.span())),
                other => self.error(
                    item.span(),
                    format!(
                        "`{key}` {place} must hold only strings; this is {}",
                        type_name(other)
                    ),
                    Some("put the entry in quotes".to_owned()),
                ),
            }
        }
        out
    }

    /// [`Self::tables`] for a value taken out of its table: the same
    /// checks, the tables handed over by value.
    pub(super) fn owned_tables<'i>(
        &mut self,
        value: Option<Spanned<DeValue<'i>>>,
        key: &str,
        place: &str,
    ) -> Vec<(Table<'i>, Range<usize>)> {
        let Some(value) = value else {
            return Vec::new();
        };
        let span = value.span();
        let items = match value.into_inner() {
            DeValue::Array(items) => items,
            other => {
                self.error(
                    span,
                    format!(
                        "`{key}` {place} must be a list of tables, not {}",
                        type_name(&other)
                    ),
                    Some(format!("write each entry as a [[{key}]] table")),
                );
                return Vec::new();
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let item_span = item.span();
            match item.into_inner() {
                DeValue::Table(t) => out.push((t, item_span)),
                other => self.error(
                    item_span,
                    format!(
                        "each entry of `{key}` {place} must be a table, not {}",
                        type_name(&other)
                    ),
                    Some(format!("write each entry as a [[{key}]] table")),
                ),
            }
        }
        out
    }

    /// An array of tables (`[[key]]` or `key = [{…}]`).
    pub(super) fn tables<'t, 'i>(
        &mut self,
        table: &'t Table<'i>,
        key: &str,
        place: &str,
    ) -> Vec<(&'t Table<'i>, Range<usize>)> {
        let Some(value) = table.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.error(
                value.span(),
                format!(
                    "`{key}` {place} must be a list of tables, not {}",
                    type_name(value.get_ref())
                ),
                Some(format!("write each entry as a [[{key}]] table")),
            );
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(t) => out.push((t, item.span())),
                other => self.error(
                    item.span(),
                    format!(
                        "each entry of `{key}` {place} must be a table, not {}",
                        type_name(other)
                    ),
                    Some(format!("write each entry as a [[{key}]] table")),
                ),
            }
        }
        out
    }

    pub(super) fn date(&mut self, table: &Table<'_>, key: &str, place: &str) -> Option<Date> {
        let value = table.get(key)?;
        let example = format!("write a date without quotes: `{key} = 2023-10-12`");
        match value.get_ref() {
            DeValue::Datetime(dt) => match (dt.date, dt.time) {
                (Some(d), None) => Some(Date {
                    year: d.year,
                    month: d.month,
                    day: d.day,
                }),
                _ => {
                    self.error(
                        value.span(),
                        format!("`{key}` {place} must be a date without a time"),
                        Some(example),
                    );
                    None
                }
            },
            other => {
                self.error(
                    value.span(),
                    format!("`{key}` {place} must be a date, not {}", type_name(other)),
                    Some(example),
                );
                None
            }
        }
    }

    /// The `source` of a fact or chart; `what` names it in messages
    /// ("fact 2 of section 1").
    pub(super) fn number(
        &mut self,
        table: &Table<'_>,
        key: &str,
        place: &str,
        table_span: Range<usize>,
    ) -> Option<f64> {
        let Some(value) = table.get(key) else {
            self.missing(table, key, place, table_span, format!("add `{key} = 1.0`"));
            return None;
        };
        let number = match value.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
            other => {
                let hint = match other {
                    DeValue::String(s) if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => {
                        // Debug formatting of a parsed f64 is always a valid
                        // TOML float (`3.7`, `5.0`, `1e300`), unlike the text.
                        let n = s.trim().parse::<f64>().unwrap_or_default();
                        format!("write the number without quotes: `{key} = {n:?}`")
                    }
                    _ => format!("write a number: `{key} = 3.7`"),
                };
                self.error(
                    value.span(),
                    format!("`{key}` {place} must be a number, not {}", type_name(other)),
                    Some(hint),
                );
                return None;
            }
        };
        match number {
            Some(n) if n.is_finite() => Some(n),
            _ => {
                self.error(
                    value.span(),
                    format!("`{key}` {place} is not a finite number"),
                    Some("use a finite number; `inf` and `nan` cannot be drawn".to_owned()),
                );
                None
            }
        }
    }
}

/// A TOML syntax error's place, message and hint, made specific where the
/// parser's own words leave an analyst guessing.
pub(super) fn syntax_message(
    source: &str,
    message: &str,
    span: Range<usize>,
) -> (Range<usize>, String, String) {
    let message = sanitize::line(message.trim());
    if message == "duplicate key" {
        let key = source.get(span.clone()).unwrap_or("").trim();
        let key = key.trim_matches(|c| c == '"' || c == '\'');
        return (
            span,
            format!("TOML syntax: duplicate key {}", quote(key)),
            "a key may appear only once in a table; remove or rename one of them".to_owned(),
        );
    }
    let at_end = source
        .get(span.start..)
        .is_none_or(|rest| rest.trim().is_empty());
    if message.contains("multi-line") && at_end {
        // An unclosed `"""` runs to the end of the file, where the parser
        // reports it; the useful place is where it was opened, the last
        // `"""` in the file (everything after it is inside the string).
        let quotes = if message.contains("literal") {
            "'''"
        } else {
            r#"""""#
        };
        if let Some(at) = source.get(..span.start).and_then(|s| s.rfind(quotes)) {
            return (
                at..at + quotes.len(),
                format!("TOML syntax: this {quotes} string is never closed"),
                format!("end it with {quotes}; the rest of the file was read as part of it"),
            );
        }
    }
    let hint = if message.contains("escaped value") {
        r#"a backslash starts an escape in "…" strings: write `\\`, or use a '''…''' literal string"#
    } else {
        "see docs/briefing-format.md for the file's shape"
    };
    (span, format!("TOML syntax: {message}"), hint.to_owned())
}

pub(super) fn table_key_span(table: &Table<'_>, key: &str) -> Option<Range<usize>> {
    table.get(key).map(Spanned::span)
}

/// The closest allowed name, if one is close enough to be a likely typo.
pub(crate) fn suggest<'k>(name: &str, allowed: &[&'k str]) -> Option<&'k str> {
    let lower = name.to_lowercase();
    allowed
        .iter()
        .map(|candidate| (strsim::damerau_levenshtein(&lower, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.chars().count() / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

pub(crate) fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a number with a decimal point",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

pub(super) fn quote_hint(key: &str, value: &DeValue<'_>) -> String {
    match value {
        DeValue::Integer(i) => format!("put it in quotes: `{key} = \"{}\"`", i.as_str()),
        DeValue::Float(f) => format!("put it in quotes: `{key} = \"{}\"`", f.as_str()),
        DeValue::Datetime(d) => format!("put it in quotes: `{key} = \"{d}\"`"),
        _ => format!("write `{key} = \"…\"`"),
    }
}

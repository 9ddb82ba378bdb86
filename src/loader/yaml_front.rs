//! YAML front matter of a Markdown briefing (`---` … `---`): the common
//! keys only (title, subtitle, date, classification, audience, authors,
//! tags, summary), read from saphyr-parser's events so every problem is
//! placed at its line and column in the `.md` file.
//!
//! Facts and sources need format 1's tables; they are TOML front matter's
//! job, and this module says so when it meets them. It returns raw text:
//! the caller sanitises it as it enters the model.

use std::ops::Range;

use saphyr_parser::{Event, Marker, Parser, ScanError};

use super::toml_checks::suggest;
use crate::diagnostic::{Diagnostic, LineIndex, Severity, quote};
use crate::model::Date;

/// The keys YAML front matter may hold.
const YAML_KEYS: &[&str] = &[
    "title",
    "subtitle",
    "date",
    "classification",
    "audience",
    "authors",
    "tags",
    "summary",
];

/// The fields read, as far as they were valid; text not yet sanitised.
#[derive(Debug, Default)]
pub(super) struct YamlFields {
    pub(super) title: Option<String>,
    pub(super) subtitle: Option<String>,
    pub(super) date: Option<Date>,
    pub(super) classification: Option<String>,
    pub(super) audience: Option<String>,
    pub(super) authors: Vec<String>,
    pub(super) tags: Vec<String>,
    /// The summary and its offset in the file.
    pub(super) summary: Option<(String, usize)>,
}

/// A value in the front matter: text, a list of texts, or something else.
enum Value {
    Text(String),
    List(Vec<String>),
    /// A mapping, a nested list or an alias: named for the message.
    Other(&'static str),
}

/// Reads YAML front matter `text`, which starts at `base` in the file.
pub(super) fn read(
    name: &str,
    index: &LineIndex<'_>,
    text: &str,
    base: usize,
) -> (YamlFields, Vec<Diagnostic>) {
    let mut reader = Reader {
        name,
        index,
        text,
        base,
        diagnostics: Vec::new(),
    };
    let fields = match reader.fields() {
        Ok(fields) => fields,
        Err(error) => {
            let at = reader.offset(error.marker());
            reader.error(
                at..at,
                format!("YAML syntax: {}", error.info()),
                "see docs/briefing-format.md for the front matter's shape".to_owned(),
            );
            YamlFields::default()
        }
    };
    (fields, reader.diagnostics)
}

struct Reader<'a> {
    name: &'a str,
    index: &'a LineIndex<'a>,
    text: &'a str,
    base: usize,
    diagnostics: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn error(&mut self, span: Range<usize>, message: String, hint: String) {
        let span = span.start + self.base..span.end + self.base;
        let d = self
            .index
            .diagnostic(self.name, span, Severity::Error, message, Some(hint));
        self.diagnostics.push(d);
    }

    /// The byte offset in the front matter of a marker (line 1-based,
    /// column 0-based in characters).
    fn offset(&self, marker: &Marker) -> usize {
        let line_start: usize = self
            .text
            .split_inclusive('\n')
            .take(marker.line().saturating_sub(1))
            .map(str::len)
            .sum();
        let line = self.text.get(line_start..).unwrap_or("");
        line_start
            + line
                .char_indices()
                .nth(marker.col())
                .map_or(line.len(), |(i, _)| i)
    }

    fn fields(&mut self) -> Result<YamlFields, ScanError> {
        let mut fields = YamlFields::default();
        let mut parser = Parser::new_from_str(self.text);
        let mut seen: Vec<String> = Vec::new();
        let mut depth = 0usize;
        let mut key: Option<(String, usize)> = None;
        while let Some(next) = parser.next_event() {
            let (event, span) = next?;
            let at = self.offset(&span.start);
            match event {
                Event::MappingStart(..) if depth == 0 => depth = 1,
                Event::MappingEnd if depth == 1 => depth = 0,
                Event::Scalar(text, ..) if depth == 0 && !text.trim().is_empty() => {
                    self.error(
                        at..at,
                        "the front matter must be `key: value` lines".to_owned(),
                        "write for example `title: Alibaba in Liège`".to_owned(),
                    );
                }
                _ if depth == 0 => {}
                Event::Scalar(text, ..) if key.is_none() => {
                    key = Some((text.into_owned(), at));
                }
                event => {
                    let value = match event {
                        Event::Scalar(text, ..) => Value::Text(text.into_owned()),
                        Event::SequenceStart(..) => self.list(&mut parser)?,
                        Event::MappingStart(..) => {
                            skip_nested(&mut parser)?;
                            Value::Other("a mapping")
                        }
                        _ => Value::Other("an alias"),
                    };
                    if let Some((name, key_at)) = key.take() {
                        if seen.contains(&name) {
                            self.error(
                                key_at..key_at,
                                format!("duplicate key {} in the front matter", quote(&name)),
                                "a key may appear only once; remove one of them".to_owned(),
                            );
                            continue;
                        }
                        seen.push(name.clone());
                        self.field(&mut fields, &name, key_at, at, value);
                    }
                }
            }
        }
        Ok(fields)
    }

    /// The items of a list whose start was just read.
    fn list(
        &mut self,
        parser: &mut Parser<'_, impl saphyr_parser::Input>,
    ) -> Result<Value, ScanError> {
        let mut items = Vec::new();
        let mut other = None;
        while let Some(next) = parser.next_event() {
            match next?.0 {
                Event::SequenceEnd => break,
                Event::Scalar(text, ..) => items.push(text.into_owned()),
                Event::SequenceStart(..) | Event::MappingStart(..) => {
                    skip_nested(parser)?;
                    other = Some("a list holding lists or mappings");
                }
                _ => other = Some("a list holding aliases"),
            }
        }
        Ok(other.map_or(Value::List(items), Value::Other))
    }

    fn field(
        &mut self,
        fields: &mut YamlFields,
        name: &str,
        key_at: usize,
        at: usize,
        value: Value,
    ) {
        let place = "in the front matter";
        if !YAML_KEYS.contains(&name) {
            let hint = match suggest(name, YAML_KEYS) {
                Some(best) => format!("did you mean `{best}`?"),
                None if matches!(name, "facts" | "sources") => {
                    "facts and sources need TOML front matter between +++ lines".to_owned()
                }
                None => format!("the keys allowed here are: {}", YAML_KEYS.join(", ")),
            };
            self.error(
                key_at..key_at,
                format!("unknown key {} {place}", quote(name)),
                hint,
            );
            return;
        }
        match (name, value) {
            ("authors" | "tags", Value::List(items)) => {
                let list = if name == "authors" {
                    &mut fields.authors
                } else {
                    &mut fields.tags
                };
                *list = items;
            }
            // One author or tag may be written without a list.
            ("authors" | "tags", Value::Text(text)) => {
                let list = if name == "authors" {
                    &mut fields.authors
                } else {
                    &mut fields.tags
                };
                if !text.trim().is_empty() {
                    *list = vec![text];
                }
            }
            ("date", Value::Text(text)) => {
                let date = text
                    .trim()
                    .parse::<toml::value::Datetime>()
                    .ok()
                    .filter(|d| d.time.is_none())
                    .and_then(|d| d.date);
                match date {
                    Some(d) => {
                        fields.date = Some(Date {
                            year: d.year,
                            month: d.month,
                            day: d.day,
                        });
                    }
                    None => self.error(
                        at..at,
                        format!("`date` {place} must be a date, not {}", quote(&text)),
                        "write a date such as `date: 2023-10-12`".to_owned(),
                    ),
                }
            }
            (_, Value::Text(text)) => {
                if name == "title" && text.trim().is_empty() {
                    self.error(
                        at..at,
                        format!("`title` {place} is empty"),
                        "write the title, or remove the line".to_owned(),
                    );
                    return;
                }
                let slot = match name {
                    "title" => &mut fields.title,
                    "subtitle" => &mut fields.subtitle,
                    "classification" => &mut fields.classification,
                    "audience" => &mut fields.audience,
                    _ => {
                        fields.summary = Some((text, at + self.base));
                        return;
                    }
                };
                *slot = Some(text);
            }
            (_, value) => {
                let kind = match value {
                    Value::List(_) => "a list",
                    Value::Other(kind) => kind,
                    Value::Text(_) => "text",
                };
                let want = if matches!(name, "authors" | "tags") {
                    "a list of text"
                } else {
                    "text"
                };
                self.error(
                    at..at,
                    format!("`{name}` {place} must be {want}, not {kind}"),
                    format!("write `{name}: …`"),
                );
            }
        }
    }
}

/// Skips a nested list or mapping whose start was just read.
fn skip_nested(parser: &mut Parser<'_, impl saphyr_parser::Input>) -> Result<(), ScanError> {
    let mut depth = 1usize;
    while let Some(next) = parser.next_event() {
        match next?.0 {
            Event::SequenceStart(..) | Event::MappingStart(..) => depth += 1,
            Event::SequenceEnd | Event::MappingEnd => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(source: &str, front: &str) -> (YamlFields, Vec<String>) {
        let index = LineIndex::new(source);
        let base = source.find(front).unwrap_or(0);
        let (fields, d) = read("b.md", &index, front, base);
        (fields, d.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn common_keys_are_read() {
        let front = "title: Alibaba in Liège\ndate: 2023-10-12\ntags: [trade, security]\nauthors: Jane Doe\n";
        let source = format!("---\n{front}---\n");
        let (f, d) = read_all(&source, front);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(f.title.as_deref(), Some("Alibaba in Liège"));
        assert_eq!(f.date.map(|d| d.iso()).as_deref(), Some("2023-10-12"));
        assert_eq!(f.tags, ["trade", "security"]);
        assert_eq!(f.authors, ["Jane Doe"]);
    }

    #[test]
    fn problems_are_placed_in_the_file() {
        let front = "title: T\ntittle: U\ndate: soon\nfacts: []\n";
        let source = format!("---\n{front}---\n");
        let (_, d) = read_all(&source, front);
        assert_eq!(
            d,
            [
                "b.md:3:1: error: unknown key `tittle` in the front matter — did you mean `title`?",
                "b.md:4:7: error: `date` in the front matter must be a date, not `soon` — write a date such as `date: 2023-10-12`",
                "b.md:5:1: error: unknown key `facts` in the front matter — facts and sources need TOML front matter between +++ lines",
            ]
        );
    }

    #[test]
    fn a_syntax_error_is_placed() {
        let front = "title: [unclosed\n";
        let source = format!("---\n{front}---\n");
        let (_, d) = read_all(&source, front);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].starts_with("b.md:"), "{d:?}");
        assert!(d[0].contains("YAML syntax"), "{d:?}");
    }

    fn read_front(front: &str) -> (YamlFields, Vec<String>) {
        read_all(&format!("---\n{front}---\n"), front)
    }

    #[test]
    fn front_matter_that_is_not_key_value_lines_says_so() {
        let (_, d) = read_front("Just a sentence.\n");
        assert_eq!(
            d,
            [
                "b.md:2:1: error: the front matter must be `key: value` lines — write for example `title: Alibaba in Liège`"
            ]
        );
        // A list is no mapping either: each of its items is named.
        let (_, d) = read_front("- a\n- b\n");
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(
            d[1].starts_with("b.md:3:3: error: the front matter must be"),
            "{d:?}"
        );
    }

    #[test]
    fn a_nested_value_is_named_and_the_keys_after_it_are_still_read() {
        let (f, d) = read_front(
            "title:\n  subtitle: Nested\n  more: [a, {b: c}]\nsubtitle: S\ntags: [a, [b], c]\naudience: A\n",
        );
        assert_eq!(
            d,
            [
                "b.md:3:3: error: `title` in the front matter must be text, not a mapping — write `title: …`",
                "b.md:6:7: error: `tags` in the front matter must be a list of text, not a list holding lists or mappings — write `tags: …`",
            ]
        );
        assert_eq!(f.title, None);
        assert_eq!(f.subtitle.as_deref(), Some("S"));
        assert!(f.tags.is_empty());
        assert_eq!(f.audience.as_deref(), Some("A"));
    }

    #[test]
    fn aliases_duplicates_and_unknown_keys_are_errors_placed_at_their_key() {
        let (f, d) =
            read_front("title: &t T\nsubtitle: *t\ntitle: Again\ncolour: red\nauthors: [*t]\n");
        assert_eq!(
            d,
            [
                "b.md:3:11: error: `subtitle` in the front matter must be text, not an alias — write `subtitle: …`",
                "b.md:4:1: error: duplicate key `title` in the front matter — a key may appear only once; remove one of them",
                "b.md:5:1: error: unknown key `colour` in the front matter — the keys allowed here are: title, subtitle, date, classification, audience, authors, tags, summary",
                "b.md:6:10: error: `authors` in the front matter must be a list of text, not a list holding aliases — write `authors: …`",
            ]
        );
        assert_eq!(f.title.as_deref(), Some("T"));
    }

    #[test]
    fn values_that_cannot_be_used_are_errors_and_the_rest_is_kept() {
        let (f, d) = read_front(
            "title: \"\"\ndate: 2023-10-12T10:00:00\nauthors: \"\"\ntags: solo\nclassification: OFFICIAL\nsummary: In brief.\n",
        );
        assert_eq!(
            d,
            [
                "b.md:2:8: error: `title` in the front matter is empty — write the title, or remove the line",
                "b.md:3:7: error: `date` in the front matter must be a date, not `2023-10-12T10:00:00` — write a date such as `date: 2023-10-12`",
            ]
        );
        assert_eq!(f.title, None);
        assert_eq!(f.date, None);
        assert!(f.authors.is_empty(), "an empty author is no author");
        assert_eq!(f.tags, ["solo"]);
        assert_eq!(f.classification.as_deref(), Some("OFFICIAL"));
        // The summary's text and where it starts in the file.
        let (text, at) = f.summary.expect("summary");
        assert_eq!(text, "In brief.");
        let source = "---\ntitle: \"\"\ndate: 2023-10-12T10:00:00\nauthors: \"\"\ntags: solo\nclassification: OFFICIAL\nsummary: In brief.\n---\n";
        assert_eq!(&source[at..at + 9], "In brief.");
    }

    #[test]
    fn a_yaml_error_marks_the_point_where_the_value_starts() {
        let front = "title: T\ndate: next week\n";
        let source = format!("---\n{front}---\n");
        let index = LineIndex::new(&source);
        let (_, d) = read("b.md", &index, front, 4);
        assert_eq!(
            d[0].render_with_snippet(),
            "b.md:3:7: error: `date` in the front matter must be a date, not `next week` — write a date such as `date: 2023-10-12`\n 3 | date: next week\n   |       ^"
        );
    }
}

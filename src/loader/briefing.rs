//! The briefing rules of format 1: which keys a file, a fact, a section, a
//! chart and a source may hold, which are required, how ids are made and
//! kept unique, and that every cited source exists.
//!
//! The schema is walked here rather than derived with serde because a serde
//! derive stops at the first error: every unknown key, missing or mistyped
//! field, duplicate id and dangling source reference becomes a diagnostic,
//! so an analyst fixes a file in one pass. Text is sanitised as it enters
//! the model; bodies go through [`crate::markdown`].

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use super::chunks::{self, Kind};
use super::toml_checks::{Bodies, Checker, Table, suggest, syntax_message, table_key_span};
use super::{LoadError, RawText, notices};
use crate::diagnostic::{Diagnostic, LineIndex, Severity, quote};
use crate::markdown;
use crate::model::{Block, Body, Briefing, Chart, Fact, Point, Section, Source};
use crate::sanitize::Findings;

/// Validates format-1 TOML text; `name` is used in diagnostics.
pub(super) fn load_toml(name: &str, source: &str) -> Result<Briefing, LoadError> {
    check_toml(name, source, Bodies::Parse, chunks::split(source))
}

/// [`load_toml`], with the Markdown of the section bodies left unparsed:
/// each body is checked to be a string and kept as its place in `source`.
pub(super) fn load_toml_deferred(name: &str, source: &Arc<String>) -> Result<Briefing, LoadError> {
    let bodies = Bodies::Defer(Arc::clone(source));
    check_toml(name, source, bodies, chunks::split(source))
}

/// [`load_toml`] for a check: every body is parsed, for its notices, but
/// kept as its place in `source`, so the blocks of only a batch of bodies
/// are ever held at once.
pub(super) fn check_toml_deferred(name: &str, source: &Arc<String>) -> Result<Briefing, LoadError> {
    let bodies = Bodies::ParseAndDefer(Arc::clone(source));
    check_toml(name, source, bodies, chunks::split(source))
}

/// Checks a file in the pieces `chunks` says, or as one tree.
fn check_toml(
    name: &str,
    source: &str,
    bodies: Bodies,
    chunks: Option<chunks::Chunks>,
) -> Result<Briefing, LoadError> {
    let index = LineIndex::new(source);
    let mut checker = Checker::new(name, &index, bodies);
    if let Some(briefing) = chunks.and_then(|c| checker.pieces(source, &c)) {
        return finish(checker, briefing);
    }
    // The whole file as one tree: when it does not split, or a piece does
    // not parse (so syntax errors are those of the whole file).
    let mut checker = Checker {
        diagnostics: Vec::new(),
        findings: Findings::default(),
        ..checker
    };
    let (root, syntax_errors) = DeTable::parse_recoverable(source);
    if !syntax_errors.is_empty() {
        let mut diagnostics: Vec<Diagnostic> = syntax_errors
            .iter()
            .take(20)
            .map(|error| {
                let span = error.span().unwrap_or(0..0);
                let (span, message, hint) = syntax_message(source, error.message(), span);
                index.diagnostic(name, span, Severity::Error, message, Some(hint))
            })
            .collect();
        diagnostics.sort_by_key(|d| (d.line, d.column));
        return Err(LoadError { diagnostics });
    }
    let span = root.span();
    let briefing = checker.briefing(root.into_inner(), span, None);
    match briefing {
        Some(briefing) => finish(checker, briefing),
        // Only pieces can fail to parse, and there are none here.
        None => finish(checker, Briefing::default()),
    }
}

/// The `[[sections]]` of a file split into pieces, parsed one at a time.
struct Pieces<'i, 'p> {
    /// How many there are.
    count: usize,
    /// Each entry's table and span in the file; `None` for a piece that
    /// does not parse as one entry.
    tables: SectionTables<'i, 'p>,
}

/// The sections of a file, from its tree or its pieces.
type SectionTables<'i, 'p> = Box<dyn Iterator<Item = Option<(Table<'i>, Range<usize>)>> + 'p>;

/// The bottom line and section bodies of a valid format-1 file, as written.
pub(super) fn raw_text(source: &str) -> RawText {
    let (root, _) = DeTable::parse_recoverable(source);
    let root = root.into_inner();
    let text = |table: &Table<'_>, key: &str| match table.get(key).map(Spanned::get_ref) {
        Some(DeValue::String(s)) => s.to_string(),
        _ => String::new(),
    };
    let bodies = match root.get("sections").map(Spanned::get_ref) {
        Some(DeValue::Array(items)) => items
            .iter()
            .map(|item| match item.get_ref() {
                DeValue::Table(t) => text(t, "body"),
                _ => String::new(),
            })
            .collect(),
        _ => Vec::new(),
    };
    RawText {
        summary: text(&root, "summary"),
        bodies,
    }
}

/// The briefing, or every diagnostic in file order.
pub(super) fn finish(checker: Checker<'_>, briefing: Briefing) -> Result<Briefing, LoadError> {
    let Checker {
        mut diagnostics,
        findings,
        ..
    } = checker;
    if diagnostics.is_empty() {
        let mut briefing = briefing;
        briefing.notices = notices(findings);
        Ok(briefing)
    } else {
        diagnostics.sort_by_key(|d| (d.line, d.column));
        Err(LoadError { diagnostics })
    }
}

pub(super) const TOP_KEYS: &[&str] = &[
    "title",
    "subtitle",
    "date",
    "classification",
    "audience",
    "authors",
    "tags",
    "summary",
    "facts",
    "sections",
    "sources",
];
pub(super) const FACT_KEYS: &[&str] = &["label", "value", "as_of", "source", "note"];
const SECTION_KEYS: &[&str] = &["id", "title", "body", "sources", "facts", "charts"];
const CHART_KEYS: &[&str] = &["title", "unit", "source", "points"];
const POINT_KEYS: &[&str] = &["label", "value"];
const SOURCE_KEYS: &[&str] = &["id", "title", "publisher", "date", "url"];

/// The sources a file defines, by id, for resolving what cites them.
pub(super) struct SourceIds {
    by_id: HashMap<String, usize>,
    /// The file has `[[sources]]` entries (valid or not).
    any_sources: bool,
}

impl SourceIds {
    pub(super) fn new(sources: &[Source]) -> Self {
        Self {
            // Only ids that are themselves valid can be cited (or
            // suggested): a bad id already has its own error.
            by_id: sources
                .iter()
                .enumerate()
                .filter(|(_, s)| !s.id.is_empty() && s.id.chars().all(is_id_char))
                .map(|(i, s)| (s.id.clone(), i))
                .collect(),
            any_sources: !sources.is_empty(),
        }
    }
}

impl Checker<'_> {
    /// Checks a file split into pieces ([`chunks`]): the head with the
    /// `[[sources]]` and `[[facts]]` entries put back in it is the root, the
    /// `[[sections]]` are parsed one at a time as they are checked, so the
    /// whole tree never exists. `None` (and the caller parses the whole
    /// file) if a piece does not parse or the head names a key the pieces
    /// hold: the diagnostics are then the whole file's.
    fn pieces(&mut self, source: &str, chunks: &chunks::Chunks) -> Option<Briefing> {
        let mut root = chunks::parse_at(source.get(chunks.head.clone())?, 0)?;
        let kinds = [Kind::Sections, Kind::Sources, Kind::Facts];
        if kinds.iter().any(|kind| root.contains_key(kind.key())) {
            return None;
        }
        let of_kind = move |kind: Kind| {
            chunks
                .tables
                .iter()
                .filter(move |(k, _)| *k == kind)
                .map(|(_, range)| range.clone())
        };
        // The sources and facts are few and small, and a section may cite
        // a source defined after it: they are read first.
        for kind in [Kind::Sources, Kind::Facts] {
            let mut items = DeArray::new();
            let mut first = None;
            for range in of_kind(kind) {
                let (key, item) = chunks::entry_at(source.get(range.clone())?, range.start, kind)?;
                first.get_or_insert((key, item.span()));
                items.push(item);
            }
            if let Some((key, span)) = first {
                root.insert(key, Spanned::new(span, DeValue::Array(items)));
            }
        }
        let count = of_kind(Kind::Sections).count();
        let tables = of_kind(Kind::Sections).map(move |range| {
            let (_, item) =
                chunks::entry_at(source.get(range.clone())?, range.start, Kind::Sections)?;
            let span = item.span();
            match item.into_inner() {
                DeValue::Table(table) => Some((table, span)),
                _ => None,
            }
        });
        let pieces = Pieces {
            count,
            tables: Box::new(tables),
        };
        self.briefing(root, 0..source.len(), Some(pieces))
    }

    /// Checks a file: its root table, and its sections from the root or
    /// from `pieces`. `None` if a piece does not parse.
    fn briefing<'i>(
        &mut self,
        mut root_table: Table<'i>,
        span: Range<usize>,
        pieces: Option<Pieces<'i, '_>>,
    ) -> Option<Briefing> {
        // The sections are taken out of the tree and each is dropped once
        // checked, so the model grows into the memory the parsed file
        // gives back: a 10 MB briefing peaks ~10 MB lower.
        let section_values = root_table.remove("sections");
        let root = &root_table;
        self.unknown_keys(root, TOP_KEYS, "at the top level");

        let sources = self.sources(root);
        let ids = SourceIds::new(&sources);
        let here = "at the top level";
        let title = self.required_text(root, "title", here, span.start..span.start);
        let summary = self
            .optional_string(root, "summary", here)
            .map(|(text, _)| self.markdown(text))
            .unwrap_or_default();
        let facts = self
            .tables(root, "facts", here)
            .into_iter()
            .enumerate()
            .map(|(i, (table, span))| {
                self.fact(table, span, &format!("briefing fact {}", i + 1), &ids)
            })
            .collect();
        // Where `sections` was and whether it was a list, for "no sections"
        // below (a `sections` that is not a list gets its own error).
        let sections_at = match &pieces {
            Some(pieces) => (pieces.count > 0).then_some((span.start..span.start, true)),
            None => section_values
                .as_ref()
                .map(|v| (v.span(), matches!(v.get_ref(), DeValue::Array(_)))),
        };
        let (count, section_tables): (usize, SectionTables<'i, '_>) = match pieces {
            Some(pieces) => (pieces.count, pieces.tables),
            None => {
                let tables = self.owned_tables(section_values, "sections", here);
                (tables.len(), Box::new(tables.into_iter().map(Some)))
            }
        };
        if count == 0 {
            // An empty list (`sections = []`) is as much "no sections" as none.
            let at = match sections_at {
                None => Some(span.start..span.start),
                Some((at, true)) => Some(at),
                Some((_, false)) => None,
            };
            if let Some(at) = at {
                self.error(
                    at,
                    "the briefing has no sections".to_owned(),
                    Some("add at least one [[sections]] table with a title".to_owned()),
                );
            }
        }
        let mut sections = Vec::with_capacity(count);
        let mut seen_ids: HashMap<String, usize> = HashMap::new();
        // Bodies are parsed a batch at a time on all cores (the Markdown is
        // most of the work), then checked in order; each batch's tables are
        // dropped before the next is parsed.
        let mut tables = section_tables.enumerate().peekable();
        while tables.peek().is_some() {
            let batch: Vec<_> = tables
                .by_ref()
                .take(BODY_BATCH)
                .map(|(i, table)| table.map(|table| (i, table)))
                .collect::<Option<_>>()?;
            let mut bodies = if let Bodies::Defer(_) = self.bodies {
                Vec::new()
            } else {
                parse_bodies(&batch)
            }
            .into_iter();
            for (i, (table, table_span)) in batch {
                let body = bodies.next().flatten();
                let section =
                    self.section(&table, table_span.clone(), i + 1, &ids, &mut seen_ids, body);
                sections.push(section);
            }
        }
        Some(Briefing {
            title: title.unwrap_or_default(),
            subtitle: self.optional_text(root, "subtitle", here),
            date: self.date(root, "date", here),
            classification: self.optional_text(root, "classification", here),
            audience: self.optional_text(root, "audience", here),
            authors: self.string_list(root, "authors", here),
            tags: self.string_list(root, "tags", here),
            summary,
            facts,
            sections,
            sources,
            notices: Vec::new(),
        })
    }

    pub(super) fn markdown(&mut self, text: &str) -> Vec<Block> {
        let (blocks, found) = markdown::parse(text);
        self.findings.merge(found);
        blocks
    }

    pub(super) fn unknown_keys(&mut self, table: &Table<'_>, allowed: &[&str], place: &str) {
        for key in table.keys() {
            let name = key.get_ref().as_ref();
            if allowed.contains(&name) {
                continue;
            }
            let hint = match suggest(name, allowed) {
                Some(best) => format!("did you mean `{best}`?"),
                // The documented trap: a top-level key written below a
                // `[[…]]` header belongs to that table.
                None if allowed != TOP_KEYS && TOP_KEYS.contains(&name) => {
                    format!("`{name}` is a top-level key: move it above the first [[…]] header")
                }
                None => format!("the keys allowed here are: {}", allowed.join(", ")),
            };
            self.error(
                key.span(),
                format!("unknown key {} {place}", quote(name)),
                Some(hint),
            );
        }
    }

    /// Reports a missing required key, unless the table holds a misspelling
    /// of it: that already has its own "did you mean" error, and one fix
    /// should not be asked for twice.
    pub(super) fn missing(
        &mut self,
        table: &Table<'_>,
        key: &str,
        place: &str,
        table_span: Range<usize>,
        hint: String,
    ) {
        let misspelt = table.keys().any(|k| {
            let name = k.get_ref().as_ref();
            !is_known_key(name) && suggest(name, &[key]).is_some()
        });
        if !misspelt {
            self.error(table_span, format!("missing `{key}` {place}"), Some(hint));
        }
    }

    pub(super) fn source_ref(
        &mut self,
        table: &Table<'_>,
        what: &str,
        ids: &SourceIds,
    ) -> Option<usize> {
        let (raw, span) = self.optional_string(table, "source", &format!("in {what}"))?;
        self.resolve_source(raw, span, what, ids)
    }

    /// Resolves a cited source id; `what` is the citing thing, the subject of
    /// the message ("section 2 cites unknown source `nbb`").
    pub(super) fn resolve_source(
        &mut self,
        id: &str,
        span: Range<usize>,
        what: &str,
        ids: &SourceIds,
    ) -> Option<usize> {
        if let Some(index) = ids.by_id.get(id) {
            return Some(*index);
        }
        // In file order, so that of two ids as close as each other the
        // first defined is suggested, the same every time (a map's order
        // changes from run to run).
        let mut by_place: Vec<(usize, &str)> = ids
            .by_id
            .iter()
            .map(|(id, index)| (*index, id.as_str()))
            .collect();
        by_place.sort_unstable();
        let known: Vec<&str> = by_place.into_iter().map(|(_, id)| id).collect();
        let hint = match suggest(id, &known) {
            Some(best) => format!("did you mean `{best}`?"),
            None if known.is_empty() && !ids.any_sources => {
                "the file has no [[sources]]; add one with this id and a title".to_owned()
            }
            None if known.is_empty() => {
                "no [[sources]] entry has a valid id yet; give one this id and a title".to_owned()
            }
            None => {
                let mut sorted = known.clone();
                sorted.sort_unstable();
                format!(
                    "the sources are: {}; or add a [[sources]] table with this id",
                    sorted.join(", ")
                )
            }
        };
        self.error(
            span,
            format!("{what} cites unknown source {}", quote(id)),
            Some(hint),
        );
        None
    }

    pub(super) fn fact(
        &mut self,
        table: &Table<'_>,
        span: Range<usize>,
        what: &str,
        ids: &SourceIds,
    ) -> Fact {
        let place = format!("in {what}");
        self.unknown_keys(table, FACT_KEYS, &place);
        let label = self.required_text(table, "label", &place, span.clone());
        let value = self.required_text(table, "value", &place, span);
        let as_of = match table.get("as_of").map(|v| v.get_ref()) {
            Some(DeValue::Datetime(_)) => self.date(table, "as_of", &place).map(|d| d.display()),
            _ => self.optional_text(table, "as_of", &place),
        };
        Fact {
            label: label.unwrap_or_default(),
            value: value.unwrap_or_default(),
            as_of,
            source: self.source_ref(table, what, ids),
            note: self.optional_text(table, "note", &place),
        }
    }

    fn section(
        &mut self,
        table: &Table<'_>,
        span: Range<usize>,
        number: usize,
        ids: &SourceIds,
        seen: &mut HashMap<String, usize>,
        body: Option<(Vec<Block>, Findings)>,
    ) -> Section {
        let place = format!("in section {number}");
        self.unknown_keys(table, SECTION_KEYS, &place);
        let title = self.required_text(table, "title", &place, span.clone());
        let id = match self.optional_string(table, "id", &place) {
            Some((raw, id_span)) => {
                if raw.trim().is_empty() {
                    self.error(
                        id_span.clone(),
                        format!("`id` {place} is empty"),
                        Some("write an id such as `trade-deficit`, or remove the line".to_owned()),
                    );
                } else if let Some(bad) = raw.chars().find(|c| !is_id_char(*c)) {
                    self.error(
                        id_span.clone(),
                        format!(
                            "`id` {place} contains {}, which ids may not",
                            quote(&bad.to_string())
                        ),
                        Some("use only letters, digits, `-`, `_` and `.`".to_owned()),
                    );
                }
                Some((raw.to_owned(), id_span))
            }
            None => title.as_deref().map(|t| {
                (
                    slug(t, number),
                    table_key_span(table, "title").unwrap_or(span.clone()),
                )
            }),
        };
        let id = match id {
            Some((id, id_span)) => {
                let (line, _) = self.position(id_span.start);
                if let Some(first_line) = seen.get(&id) {
                    let explicit = table.contains_key("id");
                    let hint = if explicit {
                        format!("line {first_line} uses it already; give each section its own id")
                    } else {
                        format!(
                            "the id is made from the title, and line {first_line} has it already; add an `id = \"…\"` to tell them apart"
                        )
                    };
                    self.error(
                        id_span,
                        format!("duplicate section id {}", quote(&id)),
                        Some(hint),
                    );
                } else {
                    seen.insert(id.clone(), line);
                }
                self.clean(&id)
            }
            None => format!("section-{number}"),
        };
        // `body` holds the parse of every string body (see `parse_bodies`)
        // unless bodies are deferred; this reports a body that is no string.
        let body = match self.optional_string(table, "body", &place) {
            Some((_, span)) => {
                let (blocks, found) = body.unwrap_or_default();
                self.findings.merge(found);
                match self.bodies.text() {
                    Some(text) => Body::from_toml(
                        Arc::clone(text),
                        span.start + self.base..span.end + self.base,
                    ),
                    None => Body::from(blocks),
                }
            }
            None => Body::default(),
        };
        let sources = self
            .string_list_spanned(table, "sources", &place)
            .into_iter()
            .filter_map(|(id, span)| {
                self.resolve_source(&id, span, &format!("section {number}"), ids)
            })
            .collect();
        let facts = self
            .tables(table, "facts", &place)
            .into_iter()
            .enumerate()
            .map(|(i, (t, s))| self.fact(t, s, &format!("fact {} of section {number}", i + 1), ids))
            .collect();
        let charts = self
            .tables(table, "charts", &place)
            .into_iter()
            .enumerate()
            .map(|(i, (t, s))| {
                self.chart(t, s, &format!("chart {} of section {number}", i + 1), ids)
            })
            .collect();
        Section {
            id,
            title: title.unwrap_or_default(),
            body,
            sources,
            facts,
            charts,
        }
    }

    pub(super) fn chart(
        &mut self,
        table: &Table<'_>,
        span: Range<usize>,
        what: &str,
        ids: &SourceIds,
    ) -> Chart {
        let place = format!("in {what}");
        self.unknown_keys(table, CHART_KEYS, &place);
        let title = self.required_text(table, "title", &place, span.clone());
        let unit = self.optional_text(table, "unit", &place);
        let source = self.source_ref(table, what, ids);
        let mut points = Vec::new();
        match table.get("points") {
            None => self.missing(
                table,
                "points",
                &place,
                span,
                "add `points = [ { label = \"2021\", value = 3.7 } ]`".to_owned(),
            ),
            Some(value) => {
                let point_tables = self.tables(table, "points", &place);
                if point_tables.is_empty() && matches!(value.get_ref(), DeValue::Array(_)) {
                    self.error(
                        value.span(),
                        format!("{what} has no points"),
                        Some("add at least one `{ label = \"…\", value = 1.0 }`".to_owned()),
                    );
                }
                for (i, (point, point_span)) in point_tables.into_iter().enumerate() {
                    let place = format!("in point {} of {what}", i + 1);
                    self.unknown_keys(point, POINT_KEYS, &place);
                    let label = self.required_text(point, "label", &place, point_span.clone());
                    let value = self.number(point, "value", &place, point_span);
                    if let (Some(label), Some(value)) = (label, value) {
                        points.push(Point { label, value });
                    }
                }
            }
        }
        Chart {
            title: title.unwrap_or_default(),
            unit,
            source,
            points,
        }
    }

    pub(super) fn sources(&mut self, root: &Table<'_>) -> Vec<Source> {
        let mut sources = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, (table, span)) in self
            .tables(root, "sources", "at the top level")
            .into_iter()
            .enumerate()
        {
            let place = format!("in source {}", i + 1);
            self.unknown_keys(table, SOURCE_KEYS, &place);
            let id_span = table_key_span(table, "id").unwrap_or(span.clone());
            let id = self.required_text(table, "id", &place, span.clone());
            if let Some(id) = &id {
                let (line, _) = self.position(id_span.start);
                if let Some(bad) = id.chars().find(|c| !is_id_char(*c)) {
                    self.error(
                        id_span.clone(),
                        format!(
                            "`id` {place} contains {}, which ids may not",
                            quote(&bad.to_string())
                        ),
                        Some("use only letters, digits, `-`, `_` and `.`".to_owned()),
                    );
                }
                if let Some(first_line) = seen.get(id) {
                    self.error(
                        id_span,
                        format!("duplicate source id {}", quote(id)),
                        Some(format!(
                            "line {first_line} uses it already; give each source its own id"
                        )),
                    );
                } else {
                    seen.insert(id.clone(), line);
                }
            }
            let title = self.required_text(table, "title", &place, span);
            sources.push(Source {
                id: id.unwrap_or_default(),
                title: title.unwrap_or_default(),
                publisher: self.optional_text(table, "publisher", &place),
                date: self.date(table, "date", &place),
                url: self.optional_text(table, "url", &place),
            });
        }
        sources
    }
}

/// True for a key that is allowed somewhere in format 1.
fn is_known_key(name: &str) -> bool {
    [
        TOP_KEYS,
        FACT_KEYS,
        SECTION_KEYS,
        CHART_KEYS,
        POINT_KEYS,
        SOURCE_KEYS,
    ]
    .iter()
    .any(|keys| keys.contains(&name))
}

/// Sections whose bodies are parsed together, on as many threads as there
/// are cores.
const BODY_BATCH: usize = 64;

/// Below this many bytes of Markdown a batch is parsed on this thread: a
/// thread costs more than it saves.
const PARALLEL_BYTES: usize = 64 * 1024;

/// Parses the string bodies of a batch of section tables, in order; `None`
/// where there is no string body (the checker reports that).
fn parse_bodies(
    batch: &[(usize, (Table<'_>, Range<usize>))],
) -> Vec<Option<(Vec<Block>, Findings)>> {
    let texts: Vec<Option<&str>> = batch
        .iter()
        .map(
            |(_, (table, _))| match table.get("body").map(Spanned::get_ref) {
                Some(DeValue::String(text)) => Some(text.as_ref()),
                _ => None,
            },
        )
        .collect();
    let parse = |texts: &[Option<&str>]| -> Vec<Option<(Vec<Block>, Findings)>> {
        texts.iter().map(|t| t.map(markdown::parse)).collect()
    };
    let bytes: usize = texts.iter().flatten().map(|t| t.len()).sum();
    // Asked only when it matters: the answer costs a few reads of /proc
    // and /sys. One thread makes one chunk, parsed here.
    let threads = if bytes < PARALLEL_BYTES {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(4)
    };
    let chunk = texts.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let mut chunks = texts.chunks(chunk);
        let mine = chunks.next().unwrap_or_default();
        let handles: Vec<_> = chunks.map(|c| scope.spawn(move || parse(c))).collect();
        let mut out = parse(mine);
        for (handle, texts) in handles.into_iter().zip(texts.chunks(chunk).skip(1)) {
            // A thread that panicked is parsed again here, so the panic
            // (a bug) shows where it happens instead of being lost.
            out.extend(handle.join().unwrap_or_else(|_| parse(texts)));
        }
        out
    })
}

pub(super) fn is_id_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// The id made from a title: lower case, letters and digits kept, every run
/// of anything else one `-`.
pub fn slug(title: &str, number: usize) -> String {
    let mut out = String::with_capacity(title.len());
    let mut dash = false;
    for c in title.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    if out.is_empty() {
        format!("section-{number}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;
    use crate::loader::load_str;

    const MINIMAL: &str = "title = \"T\"\n[[sections]]\ntitle = \"Only\"\nbody = \"Text.\"\n";

    fn errors(source: &str) -> Vec<String> {
        match load_str("b.toml", source) {
            Ok(_) => Vec::new(),
            Err(e) => e.diagnostics.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn minimal_briefing_loads() {
        let b = load_str("b.toml", MINIMAL).expect("valid");
        assert_eq!(b.title, "T");
        assert_eq!(b.sections[0].id, "only");
    }

    #[test]
    fn unknown_keys_suggest_the_closest() {
        let e = errors("title = \"T\"\nsumary = \"x\"\n[[sections]]\ntitle = \"S\"\n");
        assert_eq!(
            e,
            ["b.toml:2:1: error: unknown key `sumary` at the top level — did you mean `summary`?"]
        );
    }

    #[test]
    fn every_error_is_reported() {
        let e =
            errors("title = \"\"\n[[sections]]\ntitel = \"S\"\n[[sections.facts]]\nlabel = 3\n");
        // Empty title, `titel`, `label = 3`, no `value`; the missing section
        // title is not asked for twice, since `titel` already says it.
        assert_eq!(e.len(), 4, "{e:#?}");
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Trade deficit (2022)", 1), "trade-deficit-2022");
        assert_eq!(slug("Lüttich: Überblick", 1), "lüttich-überblick");
        assert_eq!(slug("!!!", 4), "section-4");
    }

    #[test]
    fn a_misspelt_required_key_is_reported_once() {
        let e = errors(
            "title = \"T\"\n[[facts]]\nlable = \"L\"\nvalue = \"V\"\n[[sections]]\ntitle = \"S\"\n",
        );
        assert_eq!(
            e,
            ["b.toml:3:1: error: unknown key `lable` in briefing fact 1 — did you mean `label`?"]
        );
        // A key that is no misspelling still leaves the field missing.
        let e = errors(
            "title = \"T\"\n[[facts]]\nwhat = \"L\"\nvalue = \"V\"\n[[sections]]\ntitle = \"S\"\n",
        );
        assert!(
            e.iter()
                .any(|d| d.contains("missing `label` in briefing fact 1")),
            "{e:?}"
        );
    }

    #[test]
    fn an_empty_sections_list_is_no_sections() {
        let e = errors("title = \"T\"\nsections = []\n");
        assert_eq!(
            e,
            [
                "b.toml:2:12: error: the briefing has no sections — add at least one [[sections]] table with a title"
            ]
        );
    }

    #[test]
    fn an_unclosed_multiline_string_points_at_its_opening() {
        let e = errors("title = \"T\"\nsummary = \"\"\"\nText.\n\n[[sections]]\ntitle = \"S\"\n");
        assert_eq!(
            e,
            [
                "b.toml:2:11: error: TOML syntax: this \"\"\" string is never closed — end it with \"\"\"; the rest of the file was read as part of it"
            ]
        );
    }

    #[test]
    fn a_duplicate_key_is_named() {
        let e = errors("title = \"T\"\ntitle = \"U\"\n[[sections]]\ntitle = \"S\"\n");
        assert_eq!(
            e,
            [
                "b.toml:2:1: error: TOML syntax: duplicate key `title` — a key may appear only once in a table; remove or rename one of them"
            ]
        );
    }

    #[test]
    fn a_top_level_key_below_a_header_says_where_it_belongs() {
        let e = errors("title = \"T\"\n[[sections]]\ntitle = \"S\"\nsummary = \"x\"\n");
        assert_eq!(
            e,
            [
                "b.toml:4:1: error: unknown key `summary` in section 1 — `summary` is a top-level key: move it above the first [[…]] header"
            ]
        );
    }

    #[test]
    fn a_key_unknown_everywhere_lists_the_keys_allowed_there() {
        let top = errors("title = \"T\"\nqqqqqq = 1\n[[sections]]\ntitle = \"S\"\n");
        assert_eq!(top.len(), 1);
        assert!(
            top[0].ends_with("— the keys allowed here are: title, subtitle, date, classification, audience, authors, tags, summary, facts, sections, sources"),
            "{top:?}"
        );
        let section = errors("title = \"T\"\n[[sections]]\ntitle = \"S\"\nqqqqqq = 1\n");
        assert_eq!(section.len(), 1);
        assert!(
            section[0].contains("in section 1 — the keys allowed here are: "),
            "{section:?}"
        );
    }

    #[test]
    fn a_quoted_point_value_is_only_unquoted_if_it_is_a_number() {
        let chart = |value: &str| {
            format!(
                "title = \"T\"\n[[sections]]\ntitle = \"S\"\n[[sections.charts]]\ntitle = \"C\"\npoints = [ {{ label = \"a\", value = {value} }} ]\n"
            )
        };
        let e = errors(&chart("\"9.1\""));
        assert!(
            e[0].ends_with("write the number without quotes: `value = 9.1`"),
            "{e:?}"
        );
        let e = errors(&chart("\"a lot\""));
        assert!(e[0].ends_with("write a number: `value = 3.7`"), "{e:?}");
    }

    #[test]
    fn unknown_sources_name_what_cites_them() {
        let e = errors(
            "title = \"T\"\n[[facts]]\nlabel = \"L\"\nvalue = \"V\"\nsource = \"fT\"\n[[sections]]\ntitle = \"S\"\n[[sources]]\nid = \"ft\"\ntitle = \"FT\"\n",
        );
        assert_eq!(
            e,
            ["b.toml:5:10: error: briefing fact 1 cites unknown source `fT` — did you mean `ft`?"]
        );
    }

    #[test]
    fn of_two_sources_as_close_the_first_defined_is_suggested_every_time() {
        let mut source =
            "title = \"T\"\n[[sections]]\ntitle = \"S\"\nsources = [\"src-5\"]\n".to_owned();
        for id in ["src-9", "src-4", "src-3", "other"] {
            source.push_str(&format!("[[sources]]\nid = \"{id}\"\ntitle = \"X\"\n"));
        }
        for _ in 0..20 {
            let e = errors(&source);
            assert!(e[0].ends_with("did you mean `src-9`?"), "{e:?}");
        }
    }

    #[test]
    fn string_dates_get_a_hint() {
        let e = errors("title = \"T\"\ndate = \"2023-10-12\"\n[[sections]]\ntitle = \"S\"\n");
        assert!(
            e[0].contains("must be a date, not a string — write a date without quotes"),
            "{e:?}"
        );
    }

    /// A fact citing `cited`, with `sources` (TOML) after the section.
    fn citing(cited: &str, sources: &str) -> Vec<String> {
        errors(&format!(
            "title = \"T\"\n[[facts]]\nlabel = \"L\"\nvalue = \"V\"\nsource = \"{cited}\"\n\
             [[sections]]\ntitle = \"S\"\n{sources}"
        ))
    }

    #[test]
    fn an_unknown_source_gets_the_hint_that_fits_the_file() {
        let hint = |e: Vec<String>| {
            assert_eq!(e.len(), 1, "{e:?}");
            e[0].split(" — ").nth(1).unwrap_or_default().to_owned()
        };
        assert_eq!(
            hint(citing("ft", "")),
            "the file has no [[sources]]; add one with this id and a title"
        );
        // The only source has an id that cannot be cited: its own error,
        // and the citation's hint says no id is valid yet.
        let e = citing("ft", "[[sources]]\nid = \"f t\"\ntitle = \"FT\"\n");
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].ends_with("no [[sources]] entry has a valid id yet; give one this id and a title"),
            "{e:?}"
        );
        assert!(e[1].contains("`id` in source 1 contains ` `"), "{e:?}");
        assert_eq!(
            hint(citing(
                "bloomberg",
                "[[sources]]\nid = \"reuters\"\ntitle = \"R\"\n[[sources]]\nid = \"ft\"\ntitle = \"FT\"\n"
            )),
            "the sources are: ft, reuters; or add a [[sources]] table with this id"
        );
    }

    #[test]
    fn an_as_of_written_as_a_date_reads_as_one() {
        let b = load_str(
            "b.toml",
            "title = \"T\"\n[[facts]]\nlabel = \"L\"\nvalue = \"V\"\nas_of = 2024-05-17\n\
             [[sections]]\ntitle = \"S\"\n[[sections.facts]]\nlabel = \"M\"\nvalue = \"W\"\nas_of = \"Q2 2024\"\n",
        )
        .expect("valid");
        assert_eq!(b.facts[0].as_of.as_deref(), Some("17 May 2024"));
        assert_eq!(b.sections[0].facts[0].as_of.as_deref(), Some("Q2 2024"));
    }

    #[test]
    fn an_id_with_a_character_ids_may_not_hold_is_an_error() {
        let e = errors("title = \"T\"\n[[sections]]\nid = \"trade deficit\"\ntitle = \"S\"\n");
        assert_eq!(
            e,
            [
                "b.toml:3:6: error: `id` in section 1 contains ` `, which ids may not — use only letters, digits, `-`, `_` and `.`"
            ]
        );
        for good in ["trade-deficit_2.0", "lüttich", "数据"] {
            let source = format!("title = \"T\"\n[[sections]]\nid = \"{good}\"\ntitle = \"S\"\n");
            assert_eq!(errors(&source), Vec::<String>::new(), "{good}");
        }
    }

    #[test]
    fn every_body_is_parsed_as_markdown_and_kept_with_its_section() {
        // Enough sections and text that the bodies are parsed in batches,
        // on more than one thread where there is more than one core.
        let mut source = String::from("title = \"T\"\n");
        for n in 0..300 {
            source.push_str(&format!(
                "[[sections]]\ntitle = \"S{n}\"\nbody = \"\"\"\n### Part {n}\n\n- first {n}\n- second\n\n{}\n\"\"\"\n",
                "word ".repeat(60)
            ));
        }
        let b = load_str("b.toml", &source).expect("valid");
        assert_eq!(b.sections.len(), 300);
        for (n, section) in b.sections.iter().enumerate() {
            assert_eq!(
                section.body.blocks().len(),
                3,
                "section {n}: {:?}",
                section.body
            );
            assert!(
                matches!(&section.body.blocks()[0], Block::Heading { level: 3, text } if crate::model::plain_text(text) == format!("Part {n}")),
                "section {n}: {:?}",
                section.body.blocks()[0]
            );
            assert!(
                matches!(&section.body.blocks()[1], Block::List { start: None, items, .. } if items.len() == 2),
                "section {n}: {:?}",
                section.body.blocks()[1]
            );
        }
    }

    #[test]
    fn a_value_of_the_wrong_kind_is_shown_in_quotes_as_it_should_be() {
        let e = errors(
            "title = \"T\"\nclasifcaton = \"x\"\n[[facts]]\nlabel = 2024-01-01\nvalue = 9.1\n\
             [[sections]]\ntitle = \"S\"\n[[sections.facts]]\nlabel = \"L\"\nvalue = 3\n",
        );
        assert_eq!(
            e,
            [
                "b.toml:2:1: error: unknown key `clasifcaton` at the top level — did you mean `classification`?",
                "b.toml:4:9: error: `label` in briefing fact 1 must be a string, not a date — put it in quotes: `label = \"2024-01-01\"`",
                "b.toml:5:9: error: `value` in briefing fact 1 must be a string, not a number with a decimal point — put it in quotes: `value = \"9.1\"`",
                "b.toml:10:9: error: `value` in fact 1 of section 1 must be a string, not an integer — put it in quotes: `value = \"3\"`",
            ]
        );
    }

    #[test]
    fn syntax_errors_say_where_to_look_and_what_to_write() {
        let e = errors("title = \"T\"\nsummary = '''\nnever closed\n");
        assert_eq!(
            e,
            [
                "b.toml:2:11: error: TOML syntax: this ''' string is never closed — end it with '''; the rest of the file was read as part of it"
            ]
        );
        let e = errors("title = \"a\\q\"\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("b.toml:1:12: error: TOML syntax: missing escaped value"),
            "{e:?}"
        );
        assert!(
            e[0].ends_with(
                "a backslash starts an escape in \"…\" strings: write `\\\\`, or use a '''…''' literal string"
            ),
            "{e:?}"
        );
        let e = errors("title = \"T\"\nx = \n");
        assert!(
            e[0].ends_with("see docs/briefing-format.md for the file's shape"),
            "{e:?}"
        );
    }

    #[test]
    fn every_top_level_field_is_read() {
        let b = load_str(
            "b.toml",
            "title = \"T\"\nsubtitle = \"Sub\"\ndate = 2024-05-17\nclassification = \"OFFICIAL\"\n\
             audience = \"Ministers\"\nauthors = [\"A\", \"B\"]\ntags = [\"t\"]\nsummary = \"S.\"\n\
             [[sections]]\ntitle = \"S\"\nbody = \"Text.\"\n",
        )
        .expect("valid");
        assert_eq!(b.subtitle.as_deref(), Some("Sub"));
        assert_eq!(b.date.map(|d| d.iso()).as_deref(), Some("2024-05-17"));
        assert_eq!(b.classification.as_deref(), Some("OFFICIAL"));
        assert_eq!(b.audience.as_deref(), Some("Ministers"));
        assert_eq!(b.authors, ["A", "B"]);
        assert_eq!(b.tags, ["t"]);
        assert_eq!(crate::model::blocks_text_of(&b.summary).trim_end(), "S.");
    }

    fn rendered(source: &str) -> Vec<String> {
        match load_str("b.toml", source) {
            Ok(_) => Vec::new(),
            Err(e) => e
                .diagnostics
                .iter()
                .map(Diagnostic::render_with_snippet)
                .collect(),
        }
    }

    #[test]
    fn syntax_errors_underline_what_they_are_about() {
        assert_eq!(
            rendered("title = \"T\"\nsummary = \"\"\"First line\nnever closed\n"),
            [
                "b.toml:2:11: error: TOML syntax: this \"\"\" string is never closed — end it with \"\"\"; the rest of the file was read as part of it\n 2 | summary = \"\"\"First line\n   |           ^^^"
            ]
        );
        // An unclosed "…" at the end is not blamed on an earlier """.
        assert_eq!(
            rendered("summary = \"\"\"\nx\n\"\"\"\ntitle = \"abc\n"),
            [
                "b.toml:4:13: error: TOML syntax: invalid basic string, expected `\"` — see docs/briefing-format.md for the file's shape\n 4 | title = \"abc\n   |             ^"
            ]
        );
        assert_eq!(
            rendered("\"title\" = \"a\"\n\"title\" = \"b\"\n"),
            [
                "b.toml:2:1: error: TOML syntax: duplicate key `title` — a key may appear only once in a table; remove or rename one of them\n 2 | \"title\" = \"b\"\n   | ^^^^^^^"
            ]
        );
    }
}

/// The split parse against the whole-file parse: the same briefing or the
/// same diagnostics, always.
#[cfg(test)]
mod split_tests {
    use super::*;

    /// Loads `source` both ways and says whether the split way was taken
    /// to the end (not given up for the whole file).
    fn both_ways(source: &str) -> bool {
        let whole = check_toml("b.toml", source, Bodies::Parse, None);
        let split = chunks::split(source);
        let taken = split.as_ref().is_some_and(|chunks| {
            let index = LineIndex::new(source);
            let mut checker = Checker::new("b.toml", &index, Bodies::Parse);
            checker.pieces(source, chunks).is_some()
        });
        let pieces = check_toml("b.toml", source, Bodies::Parse, split);
        match (whole, pieces) {
            (Ok(whole), Ok(pieces)) => assert_eq!(whole, pieces, "{source}"),
            (Err(whole), Err(pieces)) => {
                assert_eq!(whole.diagnostics, pieces.diagnostics, "{source}");
            }
            (whole, pieces) => panic!("{source}\nwhole: {whole:?}\npieces: {pieces:?}"),
        }
        taken
    }

    /// Lines put into a generated briefing at line starts: entries of each
    /// kind, sub-tables, headers the split does not know, and mistakes.
    const INSERTS: &[&str] = &[
        "[[sections]]\ntitle = \"Extra\"\nbody = 'x'\n",
        "[[sections]] # with a comment\ntitle = \"Commented\"\n",
        "  [[sections]]\ntitle = \"Indented\"\n",
        "[[sources]]\nid = \"late\"\ntitle = \"Late\"\n",
        "[[facts]]\nlabel = \"L\"\nvalue = \"V\"\nsource = \"late\"\n",
        "[[sections.facts]]\nlabel = \"x\"\nvalue = \"y\"\n",
        "[[sections.charts]]\ntitle = \"C\"\npoints = [{ label = \"a\", value = 1 }]\n",
        "[sections.extra]\nk = 1\n",
        "[sections.facts]\nk = 1\n",
        "bogus = 1\n",
        "title = \"again\"\n",
        "id = \"s1\"\n",
        "x = [\n[1],\n[2]]\n",
        "broken = \n",
        "body = 3\n",
        "sources = [\"nope\"]\n",
        "[meta]\nk = 1\n",
        "sections = []\n",
        "facts.x = 1\n",
        "s = \"\"\"\n[[sections]]\n\"\"\"\n",
        "t = '''\n[[sources]]'''\n",
        "\r\n",
        "# [[sections]]\n",
        "\"sections\" = 1\n",
    ];

    fn insert_at_lines(text: &str, inserts: &[(usize, usize)]) -> String {
        let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
        for &(at, which) in inserts {
            let at = at % (lines.len() + 1);
            lines.insert(at, INSERTS[which % INSERTS.len()].to_owned());
        }
        lines.concat()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn split_and_whole_file_parses_agree(
            seed in 0u64..1000,
            size in 0usize..12_000,
            sections in 1usize..12,
            inserts in proptest::collection::vec((0usize..10_000, 0usize..100), 0..4),
            crlf in proptest::bool::ANY,
        ) {
            let spec = crate::testdata::Spec { seed, ..crate::testdata::Spec::new(size, sections) };
            let mut text = insert_at_lines(&crate::testdata::generate(&spec), &inserts);
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            both_ways(&text);
        }
    }

    #[test]
    fn generated_briefings_are_loaded_in_pieces() {
        for (size, sections) in [(0, 1), (5_000, 4), (40_000, 20)] {
            let text = crate::testdata::generate(&crate::testdata::Spec::new(size, sections));
            assert!(both_ways(&text), "{size}/{sections}");
            let crlf = text.replace('\n', "\r\n");
            assert!(both_ways(&crlf), "{size}/{sections} with CRLF");
        }
    }

    #[test]
    fn every_fixture_loads_the_same_in_pieces() {
        let mut seen = 0;
        for folder in ["tests/fixtures/valid", "tests/fixtures/invalid"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
            for entry in std::fs::read_dir(dir).expect("fixtures") {
                let path = entry.expect("entry").path();
                if path.extension().is_some_and(|e| e == "toml") {
                    let bytes = std::fs::read(&path).expect("read");
                    if let Ok(text) = String::from_utf8(bytes) {
                        both_ways(&text);
                        seen += 1;
                    }
                }
            }
        }
        assert!(seen >= 25, "{seen}");
    }

    #[test]
    fn each_insert_alone_agrees() {
        let text = crate::testdata::generate(&crate::testdata::Spec::new(6_000, 5));
        let lines = text.lines().count();
        for which in 0..INSERTS.len() {
            for at in [0, 1, lines / 3, lines / 2, lines] {
                both_ways(&insert_at_lines(&text, &[(at, which)]));
            }
        }
    }
}

//! The layout engine: a briefing laid out as styled lines at one width.
//!
//! Both outputs use it: `brief print` writes the lines as plain text, the
//! reader draws the visible ones with a theme. Lines are stored compactly
//! (one string for all text, style runs and line records as offsets), each
//! line tagged with the part of the briefing and the block it came from, so
//! the reader can follow sections (scroll-spy) and remember a position that
//! survives a change of width. Styles are roles ([`Role`]) plus inline
//! emphasis; turning roles into colours is the theme's job, not this one's.

mod blocks;
mod facts;
mod index;
mod lines;
mod table;

pub use blocks::blocks;
pub use facts::{chart_into, fact_meta, facts, format_value, marker};
pub use index::{Document, Heading};
pub use lines::{Lines, Refill};

use std::ops::Range;
use std::sync::Arc;

use crate::glyphs::Glyphs;
use crate::model::{Block, Briefing, InlineStyle, Part, Source, plain_text};
use facts::facts_into;

/// What a piece of laid-out text is, for the theme to style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Running text.
    Text,
    /// The classification banner.
    Banner,
    /// The briefing's title.
    Title,
    /// Its subtitle.
    Subtitle,
    /// Date, audience, authors; fact notes.
    Meta,
    /// A label such as BOTTOM LINE or SOURCES.
    Label,
    /// The bottom line's text.
    BottomLine,
    /// The bar that sets the bottom line apart.
    SummaryBar,
    /// A section heading.
    SectionHeading,
    /// A heading inside a section body.
    Heading,
    /// The bar of a block quote.
    QuoteBar,
    /// Quoted text.
    Quote,
    /// A list bullet or number.
    Bullet,
    /// Preformatted text.
    Code,
    /// A thematic break.
    Rule,
    /// A key fact's label.
    FactLabel,
    /// A key fact's value.
    FactValue,
    /// A source marker such as `[ft]`.
    Marker,
    /// A chart's title.
    ChartTitle,
    /// A chart's bar.
    Bar,
    /// A chart's value.
    BarValue,
    /// A source's id in the sources list.
    SourceId,
    /// A table's lines and corners.
    TableBorder,
    /// A table's header cells.
    TableHeader,
}

/// A role and inline emphasis: everything the theme needs to style a piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Style {
    /// What the text is.
    pub role: Role,
    /// Emphasis within it.
    pub inline: InlineStyle,
}

impl Style {
    /// A role with no inline emphasis.
    pub const fn role(role: Role) -> Self {
        Self {
            role,
            inline: InlineStyle::PLAIN,
        }
    }
}

/// Where a line came from: the part of the briefing and the index of the
/// top-level block within it (the position a reader returns to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Anchor {
    /// Title block, summary, a section or the sources.
    pub part: Part,
    /// Top-level block index within the part; 0 for headings and front matter.
    pub block: u32,
}

/// What to put into the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Drawing characters.
    pub glyphs: Glyphs,
    /// Put each section's facts and charts after its body (for `brief
    /// print`); the reader shows them in the sidebar instead.
    pub facts_inline: bool,
    /// Draw a rule under each heading in a body, so headings stand out in
    /// plain text where there is no bold.
    pub underline_headings: bool,
    /// Mark struck-through text with `~~` (plain text, where it cannot be
    /// drawn struck through and must not read as live text).
    pub mark_strike: bool,
}

/// Lays out a whole briefing at `width` columns (at least 1), keeping every
/// line's text (for `brief print` and everything else that reads it all).
pub fn document(briefing: &Briefing, width: usize, options: Options) -> Document {
    layout_document(
        briefing,
        width,
        options,
        parallel_worthwhile(briefing),
        None,
    )
}

/// Text of laid-out sections a reader's document keeps, in bytes, beyond
/// the sections on screen: about 25 screens of text, so moving around near
/// the reader seldom lays a section out again (about 0.1 ms a section),
/// while a 10 MB briefing does not hold its whole layout (about 15 MB).
pub const RESIDENT_TEXT: usize = 1 << 18;

/// Lays out a whole briefing for the reader: every line is counted and
/// anchored, but the text of sections beyond [`RESIDENT_TEXT`] is let go as
/// soon as it is laid out, and laid out again from `briefing` when one of
/// its lines is read.
pub fn document_shared(briefing: &Arc<Briefing>, width: usize, options: Options) -> Document {
    layout_document(
        briefing,
        width,
        options,
        parallel_worthwhile(briefing),
        Some((refill(briefing, width, options), RESIDENT_TEXT)),
    )
}

/// Lays out the start of a briefing for the reader, as
/// [`document_shared`] does, but only the front matter and the sections up
/// to `through` (a section index), and further until there are `lines`
/// lines and `entries` sections and body headings (what the outline lists):
/// enough for a first screen of a large briefing while the rest is laid
/// out off the UI thread. The document is [`Document::partial`]
/// unless that was every section.
pub fn document_start(
    briefing: &Arc<Briefing>,
    width: usize,
    options: Options,
    through: usize,
    lines: usize,
    entries: usize,
) -> Document {
    let width = width.max(1);
    let mut doc = Document {
        lines: Lines::new(width),
        ..Document::default()
    };
    doc.lines.set_refill(refill(briefing, width, options));
    front_into(&mut doc, briefing, options);
    let count = briefing.sections.len();
    let mut end = 0;
    while end < count
        && (end <= through || doc.lines.len() < lines || end + doc.headings.len() < entries)
    {
        sections_into(
            &mut doc,
            briefing,
            end..end + 1,
            options,
            Some(RESIDENT_TEXT),
        );
        end += 1;
    }
    doc.lines.begin_chunk(None);
    if end < count {
        doc.partial = true;
    } else {
        sources_into(&mut doc, briefing);
    }
    doc.lines.shrink_to_fit();
    doc
}

/// Worth laying out off the UI thread: a briefing whose layout takes long
/// enough to hold up the first screen (about 50 ms here).
pub fn worth_laying_out_later(briefing: &Briefing) -> bool {
    const LATER_BLOCKS: usize = 8_000;
    briefing
        .sections
        .iter()
        .map(|s| s.body.blocks_estimate())
        .sum::<usize>()
        >= LATER_BLOCKS
}

/// Lays out a whole briefing for the reader as [`document_shared`] does,
/// on the calling thread only: for a layout made while the reader already
/// shows the start, where a second thread would only add the memory of
/// its own sections under way to the reader's peak.
pub fn document_in_background(
    briefing: &Arc<Briefing>,
    width: usize,
    options: Options,
) -> Document {
    layout_document(
        briefing,
        width,
        options,
        false,
        Some((refill(briefing, width, options), RESIDENT_TEXT)),
    )
}

/// Lays out one section of `briefing` alone, as [`document`] lays it out
/// among the others.
fn refill(briefing: &Arc<Briefing>, width: usize, options: Options) -> Refill {
    let briefing = Arc::clone(briefing);
    let width = width.max(1);
    Refill::new(move |section| {
        let mut doc = Document {
            lines: Lines::new(width),
            ..Document::default()
        };
        let end = (section + 1).min(briefing.sections.len());
        sections_into(&mut doc, &briefing, section.min(end)..end, options, None);
        doc.lines
    })
}

fn layout_document(
    briefing: &Briefing,
    width: usize,
    options: Options,
    parallel: bool,
    keep: Option<(Refill, usize)>,
) -> Document {
    let width = width.max(1);
    let mut doc = Document {
        lines: Lines::new(width),
        ..Document::default()
    };
    // A large briefing's second half of sections is laid out on another
    // thread meanwhile, then joined on without copying.
    let count = briefing.sections.len();
    let split = if parallel { count / 2 } else { count };
    if let Some((refill, _)) = &keep {
        doc.lines.set_refill(refill.clone());
    }
    // The first half keeps text up to the budget; the second half, further
    // from where a reader starts, keeps none.
    let first_budget = keep.as_ref().map(|(_, budget)| *budget);
    let second_budget = keep.as_ref().map(|_| 0);
    let half_refill = keep.as_ref().map(|(refill, _)| refill.clone());
    std::thread::scope(|scope| {
        let second = (split < count).then(|| {
            let half_refill = half_refill.clone();
            scope.spawn(move || {
                let mut half = Document {
                    lines: Lines::new(width),
                    ..Document::default()
                };
                if let Some(refill) = half_refill {
                    half.lines.set_refill(refill);
                }
                sections_into(&mut half, briefing, split..count, options, second_budget);
                half
            })
        });
        front_into(&mut doc, briefing, options);
        sections_into(&mut doc, briefing, 0..split, options, first_budget);
        if let Some(second) = second {
            // A thread that panicked is laid out again here, so the panic
            // (a bug) shows where it happens.
            let half = second.join().unwrap_or_else(|_| {
                let mut half = Document {
                    lines: Lines::new(width),
                    ..Document::default()
                };
                if let Some(refill) = half_refill {
                    half.lines.set_refill(refill);
                }
                sections_into(&mut half, briefing, split..count, options, second_budget);
                half
            });
            let offset = doc.lines.len();
            doc.parts.extend(
                half.parts
                    .into_iter()
                    .map(|(part, line)| (part, line + offset)),
            );
            doc.headings
                .extend(half.headings.into_iter().map(|mut heading| {
                    heading.line += offset;
                    heading
                }));
            doc.lines.append(half.lines);
        }
    });
    doc.lines.begin_chunk(None);
    sources_into(&mut doc, briefing);
    doc.lines.shrink_to_fit();
    doc
}

/// Worth a second thread: a big briefing, and a second core to run it on.
fn parallel_worthwhile(briefing: &Briefing) -> bool {
    const PARALLEL_BLOCKS: usize = 2_000;
    briefing.sections.len() >= 8
        && briefing
            .sections
            .iter()
            .map(|s| s.body.blocks_estimate())
            .sum::<usize>()
            >= PARALLEL_BLOCKS
        && std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
}

/// The title block and the bottom line.
fn front_into(doc: &mut Document, briefing: &Briefing, options: Options) {
    let glyphs = options.glyphs;
    let front = Anchor {
        part: Part::Front,
        block: 0,
    };
    doc.parts.push((Part::Front, 0));
    title_block(&mut doc.lines, briefing, glyphs, front);

    if !briefing.summary.is_empty() {
        let anchor = Anchor {
            part: Part::Summary,
            block: 0,
        };
        doc.lines.blank(anchor);
        doc.parts.push((Part::Summary, doc.lines.len()));
        doc.lines.wrap(
            &[("BOTTOM LINE", Style::role(Role::Label))],
            &[],
            &[],
            anchor,
        );
        let bar = format!("{} ", glyphs.summary_bar);
        let indent = [(bar.as_str(), Style::role(Role::SummaryBar))];
        blocks(
            &mut doc.lines,
            &briefing.summary,
            Part::Summary,
            &indent,
            Role::BottomLine,
            options,
            &mut Vec::new(),
        );
        if options.facts_inline && !briefing.facts.is_empty() {
            doc.lines.blank(anchor);
            doc.lines
                .wrap(&[("Key facts", Style::role(Role::Label))], &[], &[], anchor);
            facts_into(
                &mut doc.lines,
                briefing,
                &briefing.facts,
                &[],
                anchor,
                glyphs,
            );
        }
    }
}

/// Sections `range` of the briefing, with their part and heading lines.
///
/// Each section is a chunk of its own; with a `budget`, the sections after
/// the text kept reaches it are only counted (the lines must have a
/// refill to read them by).
fn sections_into(
    doc: &mut Document,
    briefing: &Briefing,
    range: Range<usize>,
    options: Options,
    budget: Option<usize>,
) {
    let glyphs = options.glyphs;
    let mut held = doc.lines.resident();
    for (number, section) in briefing.sections[range.clone()]
        .iter()
        .enumerate()
        .map(|(i, s)| (i + range.start, s))
    {
        let part = Part::Section(number);
        let anchor = Anchor { part, block: 0 };
        // Past the budget, a section is laid out for its lines' count and
        // anchors only: its text is laid out again when read.
        let counting = budget.is_some_and(|budget| held >= budget);
        if counting {
            doc.lines.begin_counting(number);
        } else {
            doc.lines.begin_chunk(Some(number));
        }
        doc.lines.blank(anchor);
        doc.parts.push((part, doc.lines.len()));
        let heading = format!("{}  {}", number + 1, section.title.to_uppercase());
        doc.lines.wrap(
            &[(heading.as_str(), Style::role(Role::SectionHeading))],
            &[],
            &[],
            anchor,
        );
        // Parsed once here (a body kept as text would be parsed again to
        // say whether it is empty).
        let body = section.body.blocks();
        if !body.is_empty() {
            doc.lines.blank(anchor);
        }
        let mut heading_lines = Vec::new();
        blocks(
            &mut doc.lines,
            &body,
            part,
            &[],
            Role::Text,
            options,
            &mut heading_lines,
        );
        doc.headings
            .extend(heading_lines.into_iter().map(|(block, line)| Heading {
                section: number,
                block,
                line,
                label: match body.get(block) {
                    Some(Block::Heading { text, .. }) => plain_text(text),
                    _ => String::new(),
                },
            }));
        let end = Anchor {
            part,
            block: body.len() as u32,
        };
        if options.facts_inline && (!section.facts.is_empty() || !section.charts.is_empty()) {
            doc.lines.blank(end);
            doc.lines
                .wrap(&[("Key facts", Style::role(Role::Label))], &[], &[], end);
            facts_into(
                &mut doc.lines,
                briefing,
                &section.facts,
                &section.charts,
                end,
                glyphs,
            );
        }
        if options.facts_inline && !section.sources.is_empty() {
            doc.lines.blank(end);
            let mut pieces = vec![("Sources: ", Style::role(Role::Meta))];
            let markers: Vec<String> = section
                .sources
                .iter()
                .filter_map(|i| briefing.sources.get(*i))
                .map(|s| format!("[{}]", s.id))
                .collect();
            let joined = markers.join(" ");
            pieces.push((joined.as_str(), Style::role(Role::Marker)));
            doc.lines.wrap(&pieces, &[], &[], end);
        }
        held += doc.lines.last_size();
    }
}

/// The list of sources at the end.
fn sources_into(doc: &mut Document, briefing: &Briefing) {
    if !briefing.sources.is_empty() {
        let anchor = Anchor {
            part: Part::Sources,
            block: 0,
        };
        doc.lines.blank(anchor);
        doc.parts.push((Part::Sources, doc.lines.len()));
        doc.lines.wrap(
            &[("SOURCES", Style::role(Role::SectionHeading))],
            &[],
            &[],
            anchor,
        );
        doc.lines.blank(anchor);
        for source in &briefing.sources {
            source_entry(&mut doc.lines, source, anchor);
        }
    }
}

pub fn title_block(lines: &mut Lines, briefing: &Briefing, glyphs: Glyphs, anchor: Anchor) {
    if let Some(classification) = &briefing.classification {
        let banner = classification.to_uppercase();
        lines.wrap(
            &[(banner.as_str(), Style::role(Role::Banner))],
            &[],
            &[],
            anchor,
        );
    }
    lines.wrap(
        &[(briefing.title.as_str(), Style::role(Role::Title))],
        &[],
        &[],
        anchor,
    );
    if let Some(subtitle) = &briefing.subtitle {
        lines.wrap(
            &[(subtitle.as_str(), Style::role(Role::Subtitle))],
            &[],
            &[],
            anchor,
        );
    }
    let mut meta = Vec::new();
    if let Some(date) = &briefing.date {
        meta.push(format!("As of {}", date.display()));
    }
    if let Some(audience) = &briefing.audience {
        meta.push(format!("For {audience}"));
    }
    if !briefing.authors.is_empty() {
        meta.push(format!("By {}", briefing.authors.join(", ")));
    }
    if !meta.is_empty() {
        let separator = format!(" {} ", glyphs.dot);
        let joined = meta.join(&separator);
        lines.wrap(
            &[(joined.as_str(), Style::role(Role::Meta))],
            &[],
            &[],
            anchor,
        );
    }
}

/// Appends a note of the reader's: a heading, then the text (kept as
/// typed, sanitised here) set off by a bar.
pub fn note(lines: &mut Lines, heading: &str, text: &str, glyphs: Glyphs, anchor: Anchor) {
    if !lines.is_empty() {
        lines.blank(anchor);
    }
    let heading = crate::sanitize::line(heading);
    lines.wrap(
        &[(heading.as_str(), Style::role(Role::Label))],
        &[],
        &[],
        anchor,
    );
    let bar = format!("{} ", glyphs.quote_bar);
    let indent = [(bar.as_str(), Style::role(Role::QuoteBar))];
    let text = crate::sanitize::sanitize(text, crate::sanitize::Mode::Block);
    lines.wrap(
        &[(text.as_ref(), Style::role(Role::Text))],
        &indent,
        &indent,
        anchor,
    );
}

pub fn source_entry(lines: &mut Lines, source: &Source, anchor: Anchor) {
    let marker = format!("[{}] ", source.id);
    let mut text = source.title.clone();
    if let Some(publisher) = &source.publisher {
        text.push_str(", ");
        text.push_str(publisher);
    }
    if let Some(date) = &source.date {
        text.push_str(", ");
        text.push_str(&date.display());
    }
    let mut pieces = vec![
        (marker.as_str(), Style::role(Role::SourceId)),
        (text.as_str(), Style::role(Role::Text)),
    ];
    let url;
    if let Some(address) = &source.url {
        url = format!(" {address}");
        pieces.push((
            url.as_str(),
            Style {
                role: Role::Text,
                inline: InlineStyle::ADDRESS,
            },
        ));
    }
    lines.wrap(&pieces, &[], &[("    ", Style::role(Role::Text))], anchor);
}

#[cfg(test)]
mod unit_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::load_str;
    use crate::text;

    const SAMPLE: &str = r#"
title = "Alibaba's Liège hub"
classification = "OFFICIAL"
summary = "Belgium's service *watches* the hub."
[[facts]]
label = "Investment"
value = "€100 million"
source = "ft"
[[sections]]
title = "Trade deficit"
body = """
The deficit widened.

### Figures

- 2021
  - nested
- 2022

> A quote.
"""
sources = ["ft"]
[[sections.charts]]
title = "Belgian trade deficit"
unit = "€ bn"
source = "ft"
points = [ { label = "2021", value = 3.7 }, { label = "2022", value = 9.1 } ]
[[sources]]
id = "ft"
title = "Financial Times report"
"#;

    fn plain(width: usize, facts_inline: bool) -> Vec<String> {
        let briefing = load_str("t.toml", SAMPLE).expect("valid sample");
        let doc = document(
            &briefing,
            width,
            Options {
                glyphs: Glyphs::UNICODE,
                facts_inline,
                underline_headings: facts_inline,
                mark_strike: facts_inline,
            },
        );
        (0..doc.lines.len()).map(|i| doc.lines.plain(i)).collect()
    }

    #[test]
    fn the_document_reads_in_order() {
        let lines = plain(40, true);
        let text = lines.join("\n");
        for expected in [
            "OFFICIAL",
            "Alibaba's Liège hub",
            "BOTTOM LINE",
            "▌ Belgium's service watches the hub.",
            "1  TRADE DEFICIT",
            "Figures",
            "• 2021",
            "  ◦ nested",
            "│ A quote.",
            "Key facts",
            " 2021 ████████████▎                  3.7",
            " 2022 ██████████████████████████████ 9.1",
            "Sources: [ft]",
            "SOURCES",
            "[ft] Financial Times report",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
    }

    #[test]
    fn no_line_is_wider_than_the_width() {
        for width in [1, 2, 5, 13, 40, 80] {
            for line in plain(width, true) {
                assert!(text::width(&line) <= width, "{line:?} wider than {width}");
            }
        }
    }

    #[test]
    fn part_lookups_agree_with_a_walk() {
        let text = crate::testdata::generate(&crate::testdata::Spec::new(20_000, 12));
        let briefing = load_str("g.toml", &text).expect("valid");
        let doc = document(
            &briefing,
            50,
            Options {
                glyphs: Glyphs::UNICODE,
                facts_inline: false,
                underline_headings: false,
                mark_strike: false,
            },
        );
        for (part, line) in &doc.parts {
            assert_eq!(doc.line_of_part(*part), Some(*line));
        }
        assert_eq!(doc.line_of_part(Part::Section(99)), None);
    }

    #[test]
    fn laying_out_in_parallel_changes_nothing() {
        let text = crate::testdata::generate(&crate::testdata::Spec::new(150_000, 40));
        let briefing = load_str("g.toml", &text).expect("valid");
        for facts_inline in [false, true] {
            let options = Options {
                glyphs: Glyphs::UNICODE,
                facts_inline,
                underline_headings: facts_inline,
                mark_strike: facts_inline,
            };
            let one = layout_document(&briefing, 60, options, false, None);
            let two = layout_document(&briefing, 60, options, true, None);
            assert_eq!(one.lines.len(), two.lines.len());
            for i in 0..one.lines.len() {
                let a: Vec<_> = one.lines.line(i).collect();
                let b: Vec<_> = two.lines.line(i).collect();
                assert_eq!(a, b, "line {i}");
                assert_eq!(one.lines.anchor(i), two.lines.anchor(i), "line {i}");
            }
            assert_eq!(one.parts, two.parts);
            assert_eq!(one.headings, two.headings);
            assert_eq!(one.lines.to_plain_text(), two.lines.to_plain_text());
        }
    }

    #[test]
    fn parts_and_headings_are_indexed() {
        let briefing = load_str("t.toml", SAMPLE).expect("valid sample");
        let doc = document(
            &briefing,
            40,
            Options {
                glyphs: Glyphs::UNICODE,
                facts_inline: false,
                underline_headings: false,
                mark_strike: false,
            },
        );
        let section_line = doc
            .line_of_part(Part::Section(0))
            .expect("section laid out");
        assert_eq!(doc.lines.plain(section_line), "1  TRADE DEFICIT");
        assert_eq!(doc.part_at(section_line + 1), Part::Section(0));
        let heading = &doc.headings[0];
        assert_eq!((heading.section, heading.block), (0, 1));
        assert_eq!(doc.lines.plain(heading.line), "Figures");
        assert_eq!(heading.label, "Figures");
    }

    /// What the reader lays out.
    const READER: Options = Options {
        glyphs: Glyphs::UNICODE,
        facts_inline: false,
        underline_headings: false,
        mark_strike: false,
    };

    /// Every line of `kept` reads as the same line of `full`.
    fn same_lines(full: &Document, kept: &Document) {
        assert_eq!(full.lines.len(), kept.lines.len());
        for i in 0..full.lines.len() {
            let a: Vec<_> = full.lines.line(i).collect();
            let b: Vec<_> = kept.lines.line(i).collect();
            assert_eq!(a, b, "line {i}");
            assert_eq!(full.lines.line_text(i), kept.lines.line_text(i), "line {i}");
            assert_eq!(full.lines.anchor(i), kept.lines.anchor(i), "line {i}");
        }
        assert_eq!(full.parts, kept.parts);
        assert_eq!(full.headings, kept.headings);
    }

    #[test]
    fn sections_let_go_read_as_they_were_laid_out() {
        let text = crate::testdata::generate(&crate::testdata::Spec::new(150_000, 40));
        let briefing = Arc::new(load_str("g.toml", &text).expect("valid"));
        let options = READER;
        let full = document(&briefing, 60, options);
        let background = document_in_background(&briefing, 60, options);
        assert!(background.lines.resident() <= RESIDENT_TEXT + 8_000);
        same_lines(&full, &background);
        for (parallel, budget) in [(false, 0), (true, 0), (false, 20_000), (true, 20_000)] {
            let keep = Some((refill(&briefing, 60, options), budget));
            let mut kept = layout_document(&briefing, 60, options, parallel, keep);
            // Only the front matter, the sources and what fits the budget
            // keep their text.
            assert!(
                kept.lines.resident() <= budget + 8_000,
                "{} bytes kept against {budget}",
                kept.lines.resident()
            );
            assert!(kept.lines.resident() < full.lines.resident() / 4);
            same_lines(&full, &kept);
            // Reading every line brought every section back; letting go
            // around the middle keeps the middle and reads the same.
            assert!(kept.lines.resident() >= full.lines.resident() / 2);
            let middle = full.lines.len() / 2;
            kept.lines.let_go(middle..middle + 10, budget);
            assert!(kept.lines.resident() <= budget + 20_000);
            assert!(
                !kept.lines.line_text(middle).is_empty() || full.lines.line_text(middle).is_empty()
            );
            same_lines(&full, &kept);
            // Filling brings every section back at once, as it was.
            kept.lines.let_go(middle..middle + 10, 0);
            assert!(kept.lines.resident() < full.lines.resident() / 4);
            kept.lines.fill();
            assert!(kept.lines.resident() >= full.lines.resident());
            same_lines(&full, &kept);
        }
    }

    #[test]
    fn the_start_of_a_briefing_is_laid_out_as_the_whole_lays_it_out() {
        let text = crate::testdata::generate(&crate::testdata::Spec::new(150_000, 40));
        let briefing = Arc::new(load_str("g.toml", &text).expect("valid"));
        let options = READER;
        let full = document(&briefing, 60, options);
        // Through section 5, and at least 10 lines (fewer than that holds).
        let start = document_start(&briefing, 60, options, 5, 10, 0);
        assert!(start.partial);
        assert_eq!(
            start.parts.last(),
            Some(&(Part::Section(5), full.parts[7].1))
        );
        assert_eq!(start.line_of_part(Part::Section(6)), None);
        assert_eq!(start.line_of_part(Part::Sources), None);
        // Up to the blank line above section 6's heading.
        let end = full.line_of_part(Part::Section(6)).expect("laid out") - 1;
        assert_eq!(start.lines.len(), end);
        for i in 0..end {
            let a: Vec<_> = full.lines.line(i).collect();
            let b: Vec<_> = start.lines.line(i).collect();
            assert_eq!(a, b, "line {i}");
            assert_eq!(full.lines.anchor(i), start.lines.anchor(i), "line {i}");
        }
        let headings = full.headings.iter().take_while(|h| h.section <= 5);
        assert!(headings.eq(start.headings.iter()));
        // Asked for more lines than section 5 ends at: sections until
        // there are that many.
        let longer = document_start(&briefing, 60, options, 0, end + 1, 0);
        assert_eq!(longer.line_of_part(Part::Section(6)), Some(end + 1));
        assert_eq!(longer.line_of_part(Part::Section(7)), None);
        // Asked for everything: the whole, not partial.
        let whole = document_start(&briefing, 60, options, usize::MAX, 0, 0);
        assert!(!whole.partial);
        same_lines(&full, &whole);
    }

    /// True if reading line `index` had to lay its section out again.
    fn laid_out_again(doc: &Document, index: usize) -> bool {
        let before = doc.lines.resident();
        let _ = doc.lines.line_text(index);
        doc.lines.resident() > before
    }

    #[test]
    fn the_text_furthest_from_the_reader_is_let_go_first() {
        let text = crate::testdata::generate(&crate::testdata::Spec::new(150_000, 40));
        let briefing = Arc::new(load_str("g.toml", &text).expect("valid"));
        let options = READER;
        let keep = Some((refill(&briefing, 60, options), usize::MAX));
        let mut doc = layout_document(&briefing, 60, options, false, keep);
        let first = doc.line_of_part(Part::Section(0)).expect("laid out");
        let second = doc.line_of_part(Part::Section(1)).expect("laid out");
        let last = doc.line_of_part(Part::Section(39)).expect("laid out");
        let before_last = doc.line_of_part(Part::Section(38)).expect("laid out");
        let all = doc.lines.resident();
        // Under budget: nothing is let go.
        doc.lines.let_go(last..last + 1, all);
        assert_eq!(doc.lines.resident(), all);
        // Just over: the section furthest from the reader at the end goes.
        doc.lines.let_go(last..last + 1, all - 1);
        assert!(doc.lines.resident() < all);
        assert!(!laid_out_again(&doc, second));
        assert!(!laid_out_again(&doc, before_last));
        assert!(!laid_out_again(&doc, last));
        assert!(laid_out_again(&doc, first));
        // With no room at all, everything goes but the reader's sections
        // and the parts that are not one section's (front, sources).
        doc.lines.let_go(last..last + 1, 0);
        assert!(!laid_out_again(&doc, last));
        assert!(!laid_out_again(&doc, 0));
        assert!(laid_out_again(&doc, before_last));
        assert!(laid_out_again(&doc, second));
        // A reader back at the start keeps the start.
        let _ = doc.lines.line_text(first);
        doc.lines.let_go(first..first + 1, 0);
        assert!(!laid_out_again(&doc, first));
        assert!(laid_out_again(&doc, last));
        // Within its budget it stays so until text is added, by laying a
        // section out again or by appending.
        let held = doc.lines.resident();
        doc.lines.let_go(first..first + 1, held);
        assert_eq!(doc.lines.resident(), held);
        let sources = Anchor {
            part: Part::Sources,
            block: 0,
        };
        doc.lines.wrap(
            &[("more text at the end", Style::role(Role::Text))],
            &[],
            &[],
            sources,
        );
        doc.lines.let_go(first..first + 1, held);
        assert!(laid_out_again(&doc, last));
        // ... or until a section is laid out again: reading one far away
        // takes the text past the budget, and it is let go again.
        doc.lines.let_go(first..first + 1, held);
        let held = doc.lines.resident();
        doc.lines.let_go(first..first + 1, held);
        assert!(laid_out_again(&doc, before_last));
        doc.lines.let_go(first..first + 1, held);
        assert!(doc.lines.resident() <= held);
        assert!(laid_out_again(&doc, before_last));
    }

    #[test]
    fn lines_with_no_refill_keep_every_text() {
        let mut lines = Lines::new(20);
        let anchor = Anchor {
            part: Part::Section(0),
            block: 0,
        };
        lines.begin_counting(0);
        lines.wrap(
            &[("kept all the same", Style::role(Role::Text))],
            &[],
            &[],
            anchor,
        );
        lines.let_go(1..1, 0);
        assert_eq!(lines.plain(0), "kept all the same");
        assert!(lines.resident() > 0);
        lines.fill();
        assert_eq!(lines.plain(0), "kept all the same");
    }

    #[test]
    fn a_reader_document_keeps_a_small_briefing_whole() {
        let briefing = Arc::new(load_str("t.toml", SAMPLE).expect("valid sample"));
        let options = READER;
        let full = document(&briefing, 40, options);
        let mut kept = document_shared(&briefing, 40, options);
        assert_eq!(kept.lines.resident(), full.lines.resident());
        kept.lines.let_go(0..1, RESIDENT_TEXT);
        assert_eq!(kept.lines.resident(), full.lines.resident());
        same_lines(&full, &kept);
    }
}

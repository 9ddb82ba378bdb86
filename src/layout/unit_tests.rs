//! Unit tests of the layout rules a reader sees: which lines a briefing
//! becomes, where they start, their roles, and the index over them.

use super::*;
use crate::loader::load_str;
use crate::model::Fact;
use crate::text;

/// What the reader lays out: facts go to the sidebar.
const READER: Options = Options {
    glyphs: Glyphs::UNICODE,
    facts_inline: false,
    underline_headings: false,
    mark_strike: false,
};

/// What `brief print` lays out: facts and sources after each section.
const PRINT: Options = Options {
    glyphs: Glyphs::UNICODE,
    facts_inline: true,
    underline_headings: false,
    mark_strike: false,
};

fn load(toml: &str) -> Briefing {
    load_str("t.toml", toml).expect("valid briefing")
}

fn read(lines: &Lines) -> Vec<String> {
    (0..lines.len()).map(|i| lines.plain(i)).collect()
}

fn laid_out(toml: &str, width: usize, options: Options) -> Vec<String> {
    read(&document(&load(toml), width, options).lines)
}

/// The lines of a section whose body is `markdown`, from its heading on.
fn body(markdown: &str, width: usize, options: Options) -> Vec<String> {
    let toml = format!("title = \"T\"\n[[sections]]\ntitle = \"S\"\nbody = '''\n{markdown}\n'''\n");
    let lines = laid_out(&toml, width, options);
    let start = lines
        .iter()
        .position(|l| l == "1  S")
        .expect("section heading");
    lines[start..].to_vec()
}

/// The roles of line `index`, piece by piece, with the text of each.
fn roles(lines: &Lines, index: usize) -> Vec<(String, Role)> {
    lines
        .line(index)
        .map(|(t, s)| (t.to_owned(), s.role))
        .collect()
}

fn at(part: Part, block: u32) -> Anchor {
    Anchor { part, block }
}

const FULL: &str = r#"
title = "T"
subtitle = "Sub"
date = 2023-10-12
classification = "official"
audience = "Staff"
authors = ["A", "B"]
summary = """
One.

Two.
"""

[[facts]]
label = "L"
value = "V"
as_of = "2023"
source = "port"
note = "N"

[[facts]]
label = "L2"
value = "V2"

[[sections]]
title = "Award"
sources = ["port", "gov"]
body = """
Para.

### Head

- a
"""

  [[sections.facts]]
  label = "Op"
  value = "E"

  [[sections.charts]]
  title = "C1"
  unit = "m TEU"
  source = "port"
  points = [ { label = "a", value = 1 }, { label = "b", value = 2 } ]

  [[sections.charts]]
  title = "C2"
  points = [ { label = "a", value = 1 } ]

[[sections]]
title = "Empty"

[[sources]]
id = "port"
title = "Press"
publisher = "Pub"
date = 2023-10-12
url = "https://e.org"

[[sources]]
id = "gov"
title = "Gov"
"#;

#[test]
fn print_layout_puts_facts_charts_and_sources_after_their_part() {
    assert_eq!(
        laid_out(FULL, 40, PRINT),
        [
            "OFFICIAL",
            "T",
            "Sub",
            "As of 12 Oct 2023 · For Staff · By A, B",
            "",
            "BOTTOM LINE",
            "▌ One.",
            "▌",
            "▌ Two.",
            "",
            "Key facts",
            "L",
            "  V [port]",
            "  as of 2023 · N",
            "L2",
            "  V2",
            "",
            "1  AWARD",
            "",
            "Para.",
            "",
            "Head",
            "",
            "• a",
            "",
            "Key facts",
            "Op",
            "  E",
            "",
            "C1, m\u{a0}TEU [port]",
            " a █████████████████▌                  1",
            " b ███████████████████████████████████ 2",
            "",
            "C2",
            " a ███████████████████████████████████ 1",
            "",
            "Sources: [port] [gov]",
            "",
            "2  EMPTY",
            "",
            "SOURCES",
            "",
            "[port] Press, Pub, 12 Oct 2023 https://",
            "    e.org",
            "[gov] Gov",
        ]
    );
}

#[test]
fn reader_layout_leaves_facts_and_section_sources_to_the_sidebar() {
    assert_eq!(
        laid_out(FULL, 40, READER),
        [
            "OFFICIAL",
            "T",
            "Sub",
            "As of 12 Oct 2023 · For Staff · By A, B",
            "",
            "BOTTOM LINE",
            "▌ One.",
            "▌",
            "▌ Two.",
            "",
            "1  AWARD",
            "",
            "Para.",
            "",
            "Head",
            "",
            "• a",
            "",
            "2  EMPTY",
            "",
            "SOURCES",
            "",
            "[port] Press, Pub, 12 Oct 2023 https://",
            "    e.org",
            "[gov] Gov",
        ]
    );
}

#[test]
fn print_layout_has_no_key_facts_where_there_are_none() {
    let toml = r#"
title = "T"
summary = "S."
[[sections]]
title = "A"
body = "B."
"#;
    assert_eq!(
        laid_out(toml, 40, PRINT),
        ["T", "", "BOTTOM LINE", "▌ S.", "", "1  A", "", "B."]
    );
}

#[test]
fn print_layout_lists_a_sections_sources_without_facts() {
    let toml = r#"
title = "T"
[[sections]]
title = "A"
body = "B."
sources = ["x"]
[[sources]]
id = "x"
title = "X"
"#;
    assert_eq!(
        laid_out(toml, 40, PRINT),
        [
            "T",
            "",
            "1  A",
            "",
            "B.",
            "",
            "Sources: [x]",
            "",
            "SOURCES",
            "",
            "[x] X"
        ]
    );
}

#[test]
fn print_layout_shows_a_sections_chart_without_facts() {
    let toml = r#"
title = "T"
[[sections]]
title = "A"
body = "B."
[[sections.charts]]
title = "C"
points = [ { label = "a", value = 1 } ]
"#;
    assert_eq!(
        laid_out(toml, 20, PRINT),
        [
            "T",
            "",
            "1  A",
            "",
            "B.",
            "",
            "Key facts",
            "C",
            " a ███████████████ 1"
        ]
    );
}

#[test]
fn the_title_block_gives_each_meta_item_only_when_present() {
    let title = |extra: &str| {
        let briefing = load(&format!(
            "title = \"T\"\n{extra}\n[[sections]]\ntitle = \"S\"\n"
        ));
        let mut lines = Lines::new(40);
        title_block(&mut lines, &briefing, Glyphs::UNICODE, at(Part::Front, 0));
        lines
    };
    assert_eq!(read(&title("")), ["T"]);
    assert_eq!(read(&title("authors = [\"A\"]")), ["T", "By A"]);
    assert_eq!(read(&title("audience = \"Staff\"")), ["T", "For Staff"]);
    assert_eq!(
        read(&title("audience = \"Staff\"\nauthors = [\"A\", \"B\"]")),
        ["T", "For Staff · By A, B"]
    );
    let lines = title("authors = [\"A\"]");
    assert_eq!(roles(&lines, 0), [("T".to_owned(), Role::Title)]);
    assert_eq!(roles(&lines, 1), [("By A".to_owned(), Role::Meta)]);
}

#[test]
fn the_summary_block_has_a_label_and_a_bar_on_every_line() {
    let doc = document(&load(FULL), 40, READER);
    assert_eq!(doc.lines.plain(5), "BOTTOM LINE");
    assert_eq!(
        roles(&doc.lines, 5),
        [("BOTTOM LINE".to_owned(), Role::Label)]
    );
    assert_eq!(
        roles(&doc.lines, 6),
        [
            ("▌ ".to_owned(), Role::SummaryBar),
            ("One.".to_owned(), Role::BottomLine)
        ]
    );
    assert_eq!(roles(&doc.lines, 7), [("▌".to_owned(), Role::SummaryBar)]);
}

#[test]
fn a_section_with_no_body_has_no_blank_line_under_its_heading() {
    let toml =
        "title = \"T\"\n[[sections]]\ntitle = \"A\"\n[[sections]]\ntitle = \"B\"\nbody = \"x\"\n";
    assert_eq!(
        laid_out(toml, 40, READER),
        ["T", "", "1  A", "", "2  B", "", "x"]
    );
}

#[test]
fn blocks_are_set_apart_by_one_blank_line() {
    assert_eq!(
        body("One.\n\nTwo.\n\nThree.", 40, READER),
        ["1  S", "", "One.", "", "Two.", "", "Three."]
    );
    // A single block has none after it.
    assert_eq!(body("One.", 40, READER), ["1  S", "", "One."]);
}

#[test]
fn a_quote_keeps_its_bar_on_the_blank_line_between_its_blocks() {
    assert_eq!(
        body("> q1\n>\n> q2", 40, READER),
        ["1  S", "", "│ q1", "│", "│ q2"]
    );
    // In the bottom line, both bars go on down the blank line.
    let doc = document(
        &load(
            "title = \"T\"\nsummary = \"\"\"\n> q1\n>\n> q2\n\"\"\"\n[[sections]]\ntitle = \"S\"\n",
        ),
        40,
        READER,
    );
    let bars: Vec<Role> = roles(&doc.lines, 4).into_iter().map(|(_, r)| r).collect();
    assert_eq!(bars, [Role::SummaryBar, Role::QuoteBar]);
    // The quote's bar stays under itself, one column in from the summary's.
    assert_eq!(read(&doc.lines)[3..6], ["▌ │ q1", "▌ │", "▌ │ q2"]);
    assert_eq!(roles(&doc.lines, 5)[2], ("q2".to_owned(), Role::Quote));
}

#[test]
fn a_quote_in_a_list_item_starts_on_the_bullets_line() {
    let lines = body("- > q1\n  >\n  > q2\n- b", 40, READER);
    // The bar on the blank line is under the bars above and below it.
    assert_eq!(lines[2..], ["• │ q1", "  │", "  │ q2", "• b"]);
}

#[test]
fn nested_lists_indent_under_their_item_and_use_the_sub_bullet() {
    // A nested list follows its item's line; a second paragraph is set
    // apart, so that it does not read as the first one going on, and makes
    // the list loose: its items are set apart too.
    assert_eq!(
        body("- - a\n  - b\n- c\n\n  d", 40, READER),
        ["1  S", "", "• ◦ a", "  ◦ b", "", "• c", "", "  d"]
    );
}

#[test]
fn numbered_lists_count_from_their_start() {
    let lines = body("3. x\n4. y", 40, READER);
    assert_eq!(lines, ["1  S", "", "3. x", "4. y"]);
    let doc = document(
        &load("title = \"T\"\n[[sections]]\ntitle = \"S\"\nbody = \"7. x\"\n"),
        40,
        READER,
    );
    assert_eq!(
        roles(&doc.lines, 4),
        [
            ("7. ".to_owned(), Role::Bullet),
            ("x".to_owned(), Role::Text)
        ]
    );
}

#[test]
fn footnotes_sit_under_a_short_rule_with_their_number() {
    assert_eq!(
        body("Text[^1].\n\n[^1]: note one\n\n    note two", 40, READER),
        [
            "1  S",
            "",
            "Text[1].",
            "",
            "────────",
            "[1] note one",
            "",
            "    note two"
        ]
    );
}

#[test]
fn footnotes_cited_in_a_list_item_are_listed_at_the_margin() {
    assert_eq!(
        body("- a\n\n  Text[^1].\n\n[^1]: n", 40, READER)[2..],
        ["• a", "", "  Text[1].", "", "────────", "[1] n"]
    );
}

#[test]
fn definitions_indent_their_details_and_are_set_apart() {
    assert_eq!(
        body("Term\n: def one\n\n  def two\n\nTerm2\n: d2", 40, READER),
        [
            "1  S",
            "",
            "Term",
            "  def one",
            "    def two",
            "",
            "Term2",
            "  d2"
        ]
    );
}

#[test]
fn definitions_in_a_list_item_start_on_the_bullets_line() {
    assert_eq!(
        body("- Term\n  : def\n\n  Term2\n  : d2", 40, READER),
        ["1  S", "", "• Term", "    def", "", "  Term2", "    d2"]
    );
}

#[test]
fn task_boxes_are_drawn_done_for_either_case_of_x() {
    let lines = body("- [x] a\n- [X] b\n- [ ] c", 40, READER);
    assert_eq!(lines[2..], ["• ☑ a", "• ☑ b", "• ☐ c"]);
}

#[test]
fn struck_text_is_marked_only_where_it_is_struck() {
    let marked = Options {
        mark_strike: true,
        ..READER
    };
    assert_eq!(body("plain", 40, marked)[2], "plain");
    assert_eq!(body("a ~~b~~ c", 40, marked)[2], "a ~~b~~ c");
    assert_eq!(body("a ~~b~~", 40, marked)[2], "a ~~b~~");
    assert_eq!(body("a ~~b~~", 40, READER)[2], "a b");
}

#[test]
fn a_note_follows_earlier_lines_after_a_blank_one() {
    let anchor = at(Part::Front, 0);
    let mut lines = Lines::new(20);
    note(&mut lines, "Note", "one", Glyphs::UNICODE, anchor);
    note(&mut lines, "Second", "two", Glyphs::UNICODE, anchor);
    assert_eq!(read(&lines), ["Note", "│ one", "", "Second", "│ two"]);
    assert_eq!(roles(&lines, 0), [("Note".to_owned(), Role::Label)]);
    assert_eq!(
        roles(&lines, 1),
        [
            ("│ ".to_owned(), Role::QuoteBar),
            ("one".to_owned(), Role::Text)
        ]
    );
}

#[test]
fn a_fact_is_its_label_then_its_value_marker_and_meta() {
    let briefing = load(FULL);
    let lines = facts(
        &briefing,
        &briefing.facts,
        &[],
        20,
        Glyphs::UNICODE,
        at(Part::Summary, 0),
    );
    assert_eq!(
        read(&lines),
        ["L", "  V [port]", "  as of 2023 · N", "L2", "  V2"]
    );
    assert_eq!(
        roles(&lines, 1),
        [
            ("  ".to_owned(), Role::Text),
            ("V".to_owned(), Role::FactValue),
            (" ".to_owned(), Role::Text),
            ("[port]".to_owned(), Role::Marker)
        ]
    );
    assert_eq!(roles(&lines, 2)[1].1, Role::Meta);
    assert_eq!(lines.anchor(4), Some(at(Part::Summary, 0)));
}

#[test]
fn charts_after_facts_or_charts_follow_a_blank_line() {
    let briefing = load(FULL);
    let section = &briefing.sections[0];
    let anchor = at(Part::Section(0), 3);
    let only_charts = facts(&briefing, &[], &section.charts, 40, Glyphs::UNICODE, anchor);
    let text = read(&only_charts);
    assert_eq!(text[0], "C1, m\u{a0}TEU [port]");
    assert_eq!(text[3..5], ["", "C2"]);
    let both = facts(
        &briefing,
        &section.facts,
        &section.charts[1..],
        40,
        Glyphs::UNICODE,
        anchor,
    );
    assert_eq!(read(&both)[..4], ["Op", "  E", "", "C2"]);
}

#[test]
fn fact_meta_says_as_of_then_the_note() {
    let fact = Fact {
        as_of: Some("2023".to_owned()),
        note: Some("N".to_owned()),
        ..Fact::default()
    };
    assert_eq!(fact_meta(&fact), ["as of 2023", "N"]);
    assert!(fact_meta(&Fact::default()).is_empty());
}

#[test]
fn a_marker_names_the_cited_source_by_id() {
    let briefing = load(FULL);
    assert_eq!(marker(&briefing, Some(1)), Some("[gov]".to_owned()));
    assert_eq!(marker(&briefing, Some(9)), None);
    assert_eq!(marker(&briefing, None), None);
}

#[test]
fn a_chart_label_takes_at_most_a_third_of_the_width() {
    let toml = r#"
title = "T"
[[sections]]
title = "A"
[[sections.charts]]
title = "C"
points = [ { label = "a very long label indeed", value = 1 } ]
"#;
    let lines = laid_out(toml, 30, PRINT);
    let bar = lines.last().expect("a bar line");
    // One space, ten columns of label, one space, the bar, " 1".
    assert_eq!(text::width(bar), 30, "{bar:?}");
    assert!(bar.starts_with(" a very lo…"), "{bar:?}");
    assert!(bar.ends_with("█ 1"), "{bar:?}");
}

const THREE_BLOCKS: &str = r#"
title = "T"
[[sections]]
title = "A"
body = """
A.

B.

C.
"""
[[sections]]
title = "B"
body = "D."
"#;

#[test]
fn an_anchor_leads_to_the_first_line_of_its_block() {
    let doc = document(&load(THREE_BLOCKS), 40, READER);
    let heading = doc.line_of_part(Part::Section(0)).expect("section");
    assert_eq!(doc.lines.plain(heading), "1  A");
    assert_eq!(doc.line_of_anchor(at(Part::Section(0), 0)), Some(heading));
    // Block 1 starts with the blank line that sets it apart, then "B.".
    let b = doc
        .line_of_anchor(at(Part::Section(0), 1))
        .expect("block 1");
    assert_eq!(b, heading + 3);
    assert_eq!(doc.lines.plain(b + 1), "B.");
    let c = doc
        .line_of_anchor(at(Part::Section(0), 2))
        .expect("block 2");
    assert_eq!(doc.lines.plain(c + 1), "C.");
    let d = doc
        .line_of_anchor(at(Part::Section(1), 0))
        .expect("section 1");
    assert_eq!(doc.lines.plain(d), "2  B");
}

#[test]
fn an_anchor_past_a_sections_last_block_stays_in_that_section() {
    let doc = document(&load(THREE_BLOCKS), 40, READER);
    let line = doc
        .line_of_anchor(at(Part::Section(0), 7))
        .expect("nearest block");
    assert_eq!(doc.lines.plain(line), "C.");
    assert_eq!(doc.part_at(line), Part::Section(0));
    assert_eq!(doc.line_of_anchor(at(Part::Sources, 0)), None);
    assert_eq!(doc.line_of_anchor(at(Part::Section(5), 0)), None);
}

#[test]
fn each_line_belongs_to_the_part_whose_heading_precedes_it() {
    let doc = document(&load(THREE_BLOCKS), 40, READER);
    let a = doc.line_of_part(Part::Section(0)).expect("section 0");
    let b = doc.line_of_part(Part::Section(1)).expect("section 1");
    assert_eq!(doc.part_at(0), Part::Front);
    assert_eq!(doc.part_at(a), Part::Section(0));
    assert_eq!(doc.part_at(b - 1), Part::Section(0));
    assert_eq!(doc.part_at(b), Part::Section(1));
    assert_eq!(doc.part_at(doc.lines.len() + 10), Part::Section(1));
    assert_eq!(Document::default().part_at(3), Part::Front);
}

#[test]
fn every_part_is_kept_as_each_lines_anchor() {
    let mut lines = Lines::new(10);
    assert!(lines.is_empty());
    let anchors = [
        at(Part::Front, 0),
        at(Part::Summary, 0),
        at(Part::Section(0), 0),
        at(Part::Section(0), 1),
        at(Part::Section(4), 1),
        at(Part::Sources, 1),
        at(Part::Sources, 1),
        at(Part::Section(7), 1),
    ];
    for (i, anchor) in anchors.iter().enumerate() {
        lines.wrap(
            &[(format!("l{i}").as_str(), Style::role(Role::Text))],
            &[],
            &[],
            *anchor,
        );
    }
    assert!(!lines.is_empty());
    assert_eq!(lines.len(), anchors.len());
    for (i, anchor) in anchors.iter().enumerate() {
        assert_eq!(lines.anchor(i), Some(*anchor), "line {i}");
        assert_eq!(lines.line_text(i), format!("l{i}"));
    }
    assert_eq!(lines.anchor(anchors.len()), None);
    assert_eq!(lines.line_text(anchors.len()), "");
    assert_eq!(lines.plain(anchors.len()), "");
}

#[test]
fn appended_lines_keep_their_text_styles_and_anchors() {
    let mut one = Lines::new(10);
    one.wrap(
        &[("a", Style::role(Role::Title))],
        &[],
        &[],
        at(Part::Front, 0),
    );
    one.blank(at(Part::Front, 0));
    let mut two = Lines::new(10);
    two.wrap(
        &[("b", Style::role(Role::Heading))],
        &[],
        &[],
        at(Part::Section(1), 2),
    );
    two.wrap(
        &[("c", Style::role(Role::Text))],
        &[],
        &[],
        at(Part::Sources, 0),
    );
    let mut three = Lines::new(10);
    three.wrap(
        &[("d", Style::role(Role::Quote))],
        &[],
        &[],
        at(Part::Sources, 3),
    );
    one.append(two);
    one.append(Lines::new(10));
    one.append(three);
    assert_eq!(read(&one), ["a", "", "b", "c", "d"]);
    assert_eq!(roles(&one, 2), [("b".to_owned(), Role::Heading)]);
    assert_eq!(roles(&one, 4), [("d".to_owned(), Role::Quote)]);
    assert_eq!(one.anchor(1), Some(at(Part::Front, 0)));
    assert_eq!(one.anchor(2), Some(at(Part::Section(1), 2)));
    assert_eq!(one.anchor(3), Some(at(Part::Sources, 0)));
    assert_eq!(one.anchor(4), Some(at(Part::Sources, 3)));
    assert_eq!(one.anchor(5), None);
    assert_eq!(one.line_text(3), "c");
    assert_eq!(one.to_plain_text(), "a\n\nb\nc\nd\n");
    // Appending to an empty store takes the lines over as they are.
    let mut empty = Lines::new(10);
    empty.append(one);
    assert_eq!(read(&empty), ["a", "", "b", "c", "d"]);
    assert_eq!(empty.anchor(4), Some(at(Part::Sources, 3)));
}

/// The lines of a table (or anything else) in a section body, after the
/// heading and the blank line under it.
fn table(markdown: &str, width: usize) -> Vec<String> {
    body(markdown, width, READER)[2..].to_vec()
}

#[test]
fn a_table_that_fits_is_drawn_at_its_natural_width_with_its_alignments() {
    assert_eq!(
        table("| a | bb |\n|:-|-:|\n| 1 | 2 |\n| 333 | 4 |", 40),
        [
            "┌─────┬────┐",
            "│ a   │ bb │",
            "╞═════╪════╡",
            "│ 1   │  2 │",
            "│ 333 │  4 │",
            "└─────┴────┘",
        ]
    );
    assert_eq!(
        table("| centred | c |\n|:-:|---|\n| x | y |\n| ab | z |", 40),
        [
            "┌─────────┬───┐",
            "│ centred │ c │",
            "╞═════════╪═══╡",
            "│    x    │ y │",
            "│   ab    │ z │",
            "└─────────┴───┘",
        ]
    );
}

#[test]
fn a_tables_header_and_borders_have_their_own_roles() {
    let doc = document(
        &load(
            "title = \"T\"\n[[sections]]\ntitle = \"S\"\nbody = '''\n| a | bb |\n|---|--:|\n| 1 | 2 |\n'''\n",
        ),
        40,
        READER,
    );
    let top = doc.line_of_part(Part::Section(0)).expect("section") + 2;
    assert_eq!(
        roles(&doc.lines, top),
        [("┌───┬────┐".to_owned(), Role::TableBorder)]
    );
    assert_eq!(
        roles(&doc.lines, top + 1),
        [
            ("│ ".to_owned(), Role::TableBorder),
            ("a".to_owned(), Role::TableHeader),
            (" │ ".to_owned(), Role::TableBorder),
            ("bb".to_owned(), Role::TableHeader),
            (" │".to_owned(), Role::TableBorder),
        ]
    );
    assert_eq!(
        roles(&doc.lines, top + 3),
        [
            ("│ ".to_owned(), Role::TableBorder),
            ("1".to_owned(), Role::Text),
            (" │  ".to_owned(), Role::TableBorder),
            ("2".to_owned(), Role::Text),
            (" │".to_owned(), Role::TableBorder),
        ]
    );
}

#[test]
fn rows_that_wrap_are_told_apart_by_a_rule_between_them() {
    assert_eq!(
        table(
            "| head one | head two |\n|---|---|\n| some longer text here | more words in this cell |\n| b | c |",
            30
        ),
        [
            "┌──────────────┬─────────────┐",
            "│ head one     │ head two    │",
            "╞══════════════╪═════════════╡",
            "│ some longer  │ more words  │",
            "│ text here    │ in this     │",
            "│              │ cell        │",
            "├──────────────┼─────────────┤",
            "│ b            │ c           │",
            "└──────────────┴─────────────┘",
        ]
    );
}

#[test]
fn a_table_with_no_body_rows_has_no_header_rule() {
    assert_eq!(
        table("| h1 | h2 |\n|---|---|", 40),
        ["┌────┬────┐", "│ h1 │ h2 │", "└────┴────┘"]
    );
}

#[test]
fn a_table_too_wide_for_a_grid_becomes_records() {
    assert_eq!(
        table(
            "| head one | head two |\n|---|---|\n| some longer text here | more words in this cell |\n| b | c |",
            12
        ),
        [
            "head one:",
            "  some",
            "  longer",
            "  text here",
            "head two:",
            "  more words",
            "  in this",
            "  cell",
            "───",
            "head one: b",
            "head two: c",
        ]
    );
    // With no body rows, the header cells are listed.
    assert_eq!(table("| h1 | h2 |\n|---|---|", 5), ["h1", "h2"]);
}

#[test]
fn a_table_in_a_list_item_starts_on_the_bullets_line_and_hangs_under_it() {
    assert_eq!(
        table("- | a | b |\n  |---|---|\n  | 1 | 2 |", 40),
        [
            "• ┌───┬───┐",
            "  │ a │ b │",
            "  ╞═══╪═══╡",
            "  │ 1 │ 2 │",
            "  └───┴───┘",
        ]
    );
    assert_eq!(
        table("- | a | b |\n  |---|---|\n  | 1 | 2 |\n  | 3 | 4 |", 10),
        ["• a: 1", "  b: 2", "  ───", "  a: 3", "  b: 4"]
    );
}

#[test]
fn neighbouring_pieces_of_one_style_are_stored_as_one() {
    let text = Style::role(Role::Text);
    let mut lines = Lines::new(40);
    lines.push_pieces(
        &[("a", text), ("", Style::role(Role::Title)), ("b", text)],
        at(Part::Front, 0),
    );
    // A new line never joins the last piece of the line before it.
    lines.push_pieces(
        &[("c", text), ("d", Style::role(Role::Meta))],
        at(Part::Front, 0),
    );
    assert_eq!(roles(&lines, 0), [("ab".to_owned(), Role::Text)]);
    assert_eq!(
        roles(&lines, 1),
        [("c".to_owned(), Role::Text), ("d".to_owned(), Role::Meta)]
    );
}

#[test]
fn pushed_lines_leave_out_empty_pieces() {
    let mut lines = Lines::new(40);
    lines.push(
        &[
            (String::new(), Style::role(Role::Title)),
            ("a".to_owned(), Style::role(Role::Text)),
            ("b".to_owned(), Style::role(Role::Text)),
        ],
        at(Part::Summary, 2),
    );
    assert_eq!(
        roles(&lines, 0),
        [("a".to_owned(), Role::Text), ("b".to_owned(), Role::Text)]
    );
    assert_eq!(lines.anchor(0), Some(at(Part::Summary, 2)));
}

#[test]
fn extending_copies_every_line_with_its_styles_and_anchor() {
    let mut from = Lines::new(20);
    from.wrap(
        &[("one", Style::role(Role::Label))],
        &[],
        &[],
        at(Part::Section(2), 1),
    );
    from.blank(at(Part::Sources, 0));
    let mut into = Lines::new(20);
    into.wrap(
        &[("zero", Style::role(Role::Text))],
        &[],
        &[],
        at(Part::Front, 0),
    );
    into.extend(&from);
    assert_eq!(read(&into), ["zero", "one", ""]);
    assert_eq!(roles(&into, 1), [("one".to_owned(), Role::Label)]);
    assert_eq!(into.anchor(1), Some(at(Part::Section(2), 1)));
    assert_eq!(into.anchor(2), Some(at(Part::Sources, 0)));
}

#[test]
fn plain_text_ends_every_line_trims_it_and_shows_no_break_spaces_as_spaces() {
    let mut lines = Lines::new(20);
    lines.push(
        &[
            ("m\u{a0}TEU".to_owned(), Style::role(Role::ChartTitle)),
            ("   ".to_owned(), Style::role(Role::Text)),
        ],
        at(Part::Front, 0),
    );
    lines.blank(at(Part::Front, 0));
    lines.push(
        &[("x".to_owned(), Style::role(Role::Text))],
        at(Part::Front, 0),
    );
    assert_eq!(lines.to_plain_text(), "m TEU\n\nx\n");
    assert_eq!(lines.width(), 20);
}

#[test]
fn a_table_exactly_as_wide_as_the_line_is_still_a_grid() {
    let md = "| a | b |\n|---|---|\n| 1 | 2 |";
    assert_eq!(
        table(md, 9),
        [
            "┌───┬───┐",
            "│ a │ b │",
            "╞═══╪═══╡",
            "│ 1 │ 2 │",
            "└───┴───┘"
        ]
    );
    // One column less, and the borders no longer fit.
    assert_eq!(table(md, 8), ["a: 1", "b: 2"]);
    // In a list item the bullet's width counts too.
    let item = "- | a | b |\n  |---|---|\n  | 1 | 2 |";
    assert_eq!(table(item, 11)[0], "• ┌───┬───┐");
    assert_eq!(table(item, 10), ["• a: 1", "  b: 2"]);
}

#[test]
fn a_column_is_never_narrower_than_its_longest_word() {
    // "longer" needs six columns: with the borders, fourteen in all.
    let md = "| a | b |\n|---|---|\n| x longer | y |";
    assert_eq!(
        table(md, 14),
        [
            "┌────────┬───┐",
            "│ a      │ b │",
            "╞════════╪═══╡",
            "│ x      │ y │",
            "│ longer │   │",
            "└────────┴───┘",
        ]
    );
    assert_eq!(table(md, 13), ["a: x longer", "b: y"]);
}

#[test]
fn an_anchor_of_a_block_with_no_lines_leads_to_the_block_before_it() {
    // Should a block lay out no lines (a table without columns), its
    // anchor leads to the end of the block before it, not past it.
    let mut lines = Lines::new(20);
    let section = Part::Section(0);
    let text = Style::role(Role::Text);
    lines.wrap(&[("heading", text)], &[], &[], at(section, 0));
    lines.wrap(&[("zero", text)], &[], &[], at(section, 0));
    lines.wrap(&[("two", text)], &[], &[], at(section, 2));
    lines.wrap(&[("two more", text)], &[], &[], at(section, 2));
    let doc = Document {
        lines,
        parts: vec![(section, 0)],
        headings: Vec::new(),
        partial: false,
        part_spot: Default::default(),
    };
    assert_eq!(doc.line_of_anchor(at(section, 1)), Some(1));
    assert_eq!(doc.line_of_anchor(at(section, 2)), Some(2));
    assert_eq!(doc.line_of_anchor(at(section, 3)), Some(3));
}

#[test]
fn a_loose_list_keeps_its_items_apart_and_a_tight_one_does_not() {
    assert_eq!(
        body("- a\n- b\n\nAfter.", 40, READER),
        ["1  S", "", "• a", "• b", "", "After."]
    );
    assert_eq!(
        body("1. a\n\n2. b\n\nAfter.", 40, READER),
        ["1  S", "", "1. a", "", "2. b", "", "After."]
    );
}

#[test]
fn a_parts_lines_run_from_its_first_line_to_the_next_parts() {
    let doc = document(
        &load(
            "title = \"T\"\nsummary = \"S.\"\n[[sections]]\ntitle = \"A\"\nbody = \"a\"\n[[sections]]\ntitle = \"B\"\nbody = \"b\"\n",
        ),
        40,
        READER,
    );
    for (i, (part, start)) in doc.parts.iter().enumerate() {
        let end = doc.parts.get(i + 1).map_or(doc.lines.len(), |(_, l)| *l);
        assert_eq!(doc.lines_of_part(*part), *start..end, "{part:?}");
    }
    assert!(doc.lines_of_part(Part::Section(9)).is_empty());
}

//! Markdown files as briefings, through the library API and the real
//! binary: the same model as TOML, diagnostics placed in the `.md` file,
//! folders listing both kinds, and `print --format markdown` reading back
//! as the same briefing (a property test over generated briefings).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use std::path::Path;
use std::process::{Command, Output};

use brief::loader::{self, markdown_out};
use brief::model::{Block, Briefing};
use proptest::prelude::*;

fn brief(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the brief binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

const MARKDOWN: &str = r#"+++
title = "Liège hub"
date = 2023-10-12

[[sources]]
id = "ft"
title = "Financial Times report"
+++

# Not the title: the front matter gave one

The bottom line.

```facts
[[facts]]
label = "Deficit 2022"
value = "€9.1 bn"
source = "ft"
```

## Software risk

```sources
sources = ["ft"]
```

```facts
[[facts]]
label = "Cainiao"
value = "part of eWTP"
```

```chart
title = "Trade deficit"
unit = "€ bn"
source = "ft"
points = [ { label = "2021", value = 3.7 }, { label = "2022", value = 9.1 } ]
```

Belgian services see a risk.

```
## not a section: code
```

### A child heading

## Trade deficit {#deficit}

Figures.
"#;

#[test]
fn a_markdown_briefing_loads_into_the_same_model() {
    let b = loader::load_str("b.md", MARKDOWN).expect("valid");
    assert_eq!(b.title, "Liège hub");
    assert_eq!(b.date.map(|d| d.iso()).as_deref(), Some("2023-10-12"));
    assert_eq!(
        b.facts.len(),
        1,
        "the facts block before ## is briefing-wide"
    );
    assert_eq!(b.sections.len(), 2);
    let software = &b.sections[0];
    assert_eq!(software.id, "software-risk");
    assert_eq!(software.sources, [0]);
    assert_eq!(software.facts[0].label, "Cainiao");
    assert_eq!(software.charts[0].points[1].value, 9.1);
    assert_eq!(software.charts[0].source, Some(0));
    // The blocks are in the sidebar, not the body; the ## in code is code.
    assert!(
        software
            .body
            .blocks()
            .iter()
            .all(|block| !matches!(block, Block::Code(c) if c.contains("label")))
    );
    assert_eq!(software.headings().len(), 1);
    assert_eq!(b.sections[1].id, "deficit");
}

/// Writes `content` to a fresh folder as `name` and runs `brief check` on it.
fn check_file(name: &str, content: &str) -> (Output, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, content).expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .arg("check")
        .arg(&path)
        .output()
        .expect("runs");
    let stderr = text(&output.stderr).replace(&path.display().to_string(), name);
    (output, stderr)
}

#[test]
fn an_error_in_a_facts_block_names_the_md_files_line_and_column() {
    // `lable` is on line 29 of the file, in its first column; the value on
    // line 30 is at column 9.
    let bad = MARKDOWN
        .replacen("label = \"Cainiao\"", "lable = \"Cainiao\"", 1)
        .replacen("value = \"part of eWTP\"", "value = 3", 1);
    let (output, stderr) = check_file("b.md", &bad);
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("b.md:") && !l.starts_with("b.md: "))
        .collect();
    assert_eq!(
        lines,
        [
            "b.md:29:1: error: unknown key `lable` in fact 1 of section 1 — did you mean `label`?",
            "b.md:30:9: error: `value` in fact 1 of section 1 must be a string, not an integer — put it in quotes: `value = \"3\"`",
        ],
        "{stderr}"
    );
    assert!(
        stderr.contains(" 29 | lable = \"Cainiao\"\n    | ^"),
        "{stderr}"
    );
}

#[test]
fn front_matter_and_chart_errors_are_placed_too() {
    let bad = MARKDOWN
        .replacen("date = 2023-10-12", "date = \"2023-10-12\"", 1)
        .replacen("value = 9.1 }", "value = \"9.1\" }", 1)
        .replacen(
            "source = \"ft\"\n```\n\n## Software",
            "source = \"FT\"\n```\n\n## Software",
            1,
        );
    let (output, stderr) = check_file("b.md", &bad);
    assert_eq!(output.status.code(), Some(1));
    for want in [
        "b.md:3:8: error: `date` in the front matter must be a date, not a string",
        "b.md:18:10: error: briefing fact 1 cites unknown source `FT` — did you mean `ft`?",
        "b.md:37:71: error: `value` in point 2 of chart 1 of section 1 must be a number, not a string",
    ] {
        assert!(stderr.contains(want), "want {want}\n{stderr}");
    }
}

#[test]
fn yaml_front_matter_gives_the_common_keys() {
    let source = "---\ntitle: Notes on Liège\ndate: 2023-10-12\ntags: [trade]\n---\n\nBottom line.\n\n## One\n\nText.\n";
    let b = loader::load_str("n.md", source).expect("valid");
    assert_eq!(b.title, "Notes on Liège");
    assert_eq!(b.tags, ["trade"]);
    assert_eq!(b.summary.len(), 1);
    let (_, stderr) = check_file("n.md", &source.replace("tags:", "tagz:"));
    assert!(
        stderr.contains(
            "n.md:4:1: error: unknown key `tagz` in the front matter — did you mean `tags`?"
        ),
        "{stderr}"
    );
}

#[test]
fn a_folder_lists_markdown_and_toml_briefings() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.md"), MARKDOWN).expect("write");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/minimal.toml"),
        dir.path().join("b.toml"),
    )
    .expect("copy");
    std::fs::write(dir.path().join("c.txt"), "not a briefing").expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .arg("check")
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let names: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split(": ").next())
        .filter_map(|l| l.rsplit('/').next())
        .collect();
    assert_eq!(names, ["a.md", "b.toml"], "{stdout}");
    assert!(
        stdout.contains("a.md: 2 sections, 2 facts, 1 chart, 1 source"),
        "{stdout}"
    );
}

#[test]
fn print_shows_a_markdown_briefing_like_a_toml_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("b.md");
    std::fs::write(&path, MARKDOWN).expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["print", "--width", "60"])
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    for want in ["LIÈGE HUB", "SOFTWARE RISK", "Cainiao", "Trade deficit"] {
        assert!(
            stdout.to_uppercase().contains(&want.to_uppercase()),
            "{want}\n{stdout}"
        );
    }
    assert!(
        !stdout.contains("```"),
        "no fences in the output:\n{stdout}"
    );
}

/// `brief print --width 60` of `content` saved as a `.md` file.
fn print_markdown(content: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("b.md");
    std::fs::write(&path, content).expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["print", "--width", "60"])
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    text(&output.stdout)
}

#[test]
fn a_title_in_front_matter_and_as_the_heading_is_shown_once() {
    // Many Markdown tools want both: the front matter's title and the same
    // words as the text's `#` heading. The heading is the title, not the
    // start of the bottom line (nor, without `##`, of the one section).
    let cases = [
        "+++\ntitle = \"Liège hub\"\n+++\n\n# Liège hub\n\nThe bottom line.\n\n## One\n\nText.\n",
        "---\ntitle: Liège hub\n---\n\n# Liège  HUB\n\nThe bottom line.\n\n## One\n\nText.\n",
        "+++\ntitle = \"Liège hub\"\n+++\n\n# Liège hub\n\nThe bottom line.\n",
    ];
    for case in cases {
        let stdout = print_markdown(case);
        let lines: Vec<&str> = stdout.lines().collect();
        let shown = lines
            .iter()
            .filter(|line| line.to_lowercase().contains("liège"))
            .count();
        // Without `##` the one section is named after the title, so its
        // heading carries the title a second time (and only then).
        let expected = if case.contains("## One") { 1 } else { 2 };
        assert_eq!(shown, expected, "{case:?} printed as\n{stdout}");
        assert_eq!(lines[0], "Liège hub", "{stdout}");
        assert!(stdout.contains("The bottom line."), "{stdout}");
        assert!(!stdout.contains("───"), "no heading rule:\n{stdout}");
    }
    // A different `#` heading is the text's own, and stays.
    let other = print_markdown(
        "+++\ntitle = \"Liège hub\"\n+++\n\n# Background\n\nThe bottom line.\n\n## One\n\nText.\n",
    );
    assert!(other.contains("Background"), "{other}");
}

#[test]
fn the_shipped_briefings_print_as_markdown_and_read_back_the_same() {
    for name in [
        "briefings/alibaba-liege.toml",
        "briefings/alibaba-liege-meeting.toml",
    ] {
        let output = brief(&["print", name, "--format", "markdown"]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        let markdown = text(&output.stdout);
        let source = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name))
            .expect("read");
        let mut want = loader::load_str(name, &source).expect("valid");
        let mut got = loader::load_str("copy.md", &markdown).expect("the copy is valid");
        want.notices.clear();
        got.notices.clear();
        assert_eq!(got, want, "{name}");
    }
}

// ---- the round trip, over generated briefings ----

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// Text for titles, labels and values: punctuation that means something
/// in Markdown or TOML included, never blank.
fn words() -> impl Strategy<Value = String> {
    "[A-Za-zÀ-ÿ0-9€][A-Za-z0-9 ()*_#\\[\\]{}&<>!.,:'\"\\\\`~|€-]{0,24}"
        .prop_map(|s| s.trim().to_owned())
        .prop_filter("not blank", |s| !s.is_empty())
}

/// Markdown bodies: pieces that are easy to get wrong in a Markdown file.
const PIECES: &[&str] = &[
    "Plain text with *emphasis*, **strong** and `code`.",
    "## A second-level heading inside a body",
    "### An outline child",
    "# A first-level heading",
    "Setext heading\n--------------",
    "- one\n- two\n  - nested",
    "1. first\n2. second",
    "> quoted\n> text",
    "```\n## not a heading\n```",
    "```facts\nlabel = \"looks like facts\"\n```",
    "~~~chart\nnot a chart\n~~~",
    "    indented code",
    "A [link](https://example.org) and <https://example.org>.",
    "***",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "Text with a footnote[^1].\n\n[^1]: The note.",
    "<!-- a comment -->",
    "+++\nnot front matter\n+++",
];

fn markdown() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::sample::select(PIECES), 0..5),
        any::<bool>(),
    )
        .prop_map(|(pieces, open_fence)| {
            let mut text = pieces.join("\n\n");
            if open_fence {
                // A fence left open runs to the end of the body.
                text.push_str("\n\n```\nunclosed code");
            }
            text
        })
}

#[derive(Debug, Clone)]
struct Gen {
    title: String,
    subtitle: Option<String>,
    date: Option<(u16, u8, u8)>,
    tags: Vec<String>,
    summary: String,
    facts: Vec<(String, String, Option<usize>)>,
    sources: usize,
    sections: Vec<GenSection>,
}

#[derive(Debug, Clone)]
struct GenSection {
    title: String,
    explicit_id: bool,
    body: String,
    facts: Vec<(String, String, Option<usize>)>,
    charts: Vec<(String, Vec<(String, f64)>)>,
    cites: Vec<usize>,
}

fn facts() -> impl Strategy<Value = Vec<(String, String, Option<usize>)>> {
    prop::collection::vec((words(), words(), prop::option::of(0usize..3)), 0..3)
}

fn section() -> impl Strategy<Value = GenSection> {
    (
        words(),
        any::<bool>(),
        markdown(),
        facts(),
        prop::collection::vec(
            (
                words(),
                prop::collection::vec(
                    (
                        words(),
                        prop_oneof![-1e6f64..1e6, Just(0.1), Just(1e300), Just(-0.0)],
                    ),
                    1..4,
                ),
            ),
            0..2,
        ),
        prop::collection::vec(0usize..3, 0..3),
    )
        .prop_map(
            |(title, explicit_id, body, facts, charts, cites)| GenSection {
                title,
                explicit_id,
                body,
                facts,
                charts,
                cites,
            },
        )
}

fn briefing() -> impl Strategy<Value = Gen> {
    (
        words(),
        prop::option::of(words()),
        prop::option::of((1990u16..2040, 1u8..13, 1u8..29)),
        prop::collection::vec(words(), 0..3),
        markdown(),
        facts(),
        0usize..4,
        prop::collection::vec(section(), 1..4),
    )
        .prop_map(
            |(title, subtitle, date, tags, summary, facts, sources, sections)| Gen {
                title,
                subtitle,
                date,
                tags,
                summary,
                facts,
                sources,
                sections,
            },
        )
}

/// The generated briefing as format-1 TOML. Source references beyond the
/// sources made are left out, so every file is valid but for duplicate
/// section titles (which the property skips).
fn to_toml(g: &Gen) -> String {
    let mut out = format!("title = {}\n", toml_string(&g.title));
    if let Some(subtitle) = &g.subtitle {
        out.push_str(&format!("subtitle = {}\n", toml_string(subtitle)));
    }
    if let Some((y, m, d)) = g.date {
        out.push_str(&format!("date = {y:04}-{m:02}-{d:02}\n"));
    }
    let tags: Vec<String> = g.tags.iter().map(|t| toml_string(t)).collect();
    out.push_str(&format!("tags = [{}]\n", tags.join(", ")));
    out.push_str(&format!("summary = {}\n", toml_string(&g.summary)));
    let source = |i: &Option<usize>| match i {
        Some(i) if *i < g.sources => format!("source = \"s{i}\"\n"),
        _ => String::new(),
    };
    for (label, value, src) in &g.facts {
        out.push_str(&format!(
            "[[facts]]\nlabel = {}\nvalue = {}\n{}",
            toml_string(label),
            toml_string(value),
            source(src)
        ));
    }
    for (n, s) in g.sections.iter().enumerate() {
        out.push_str(&format!(
            "[[sections]]\ntitle = {}\n",
            toml_string(&s.title)
        ));
        if s.explicit_id {
            out.push_str(&format!("id = \"section.{n}\"\n"));
        }
        out.push_str(&format!("body = {}\n", toml_string(&s.body)));
        let cites: Vec<String> = s
            .cites
            .iter()
            .filter(|i| **i < g.sources)
            .map(|i| format!("\"s{i}\""))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        out.push_str(&format!("sources = [{}]\n", cites.join(", ")));
        for (label, value, src) in &s.facts {
            out.push_str(&format!(
                "[[sections.facts]]\nlabel = {}\nvalue = {}\n{}",
                toml_string(label),
                toml_string(value),
                source(src)
            ));
        }
        for (title, points) in &s.charts {
            let points: Vec<String> = points
                .iter()
                .map(|(l, v)| {
                    format!(
                        "{{ label = {}, value = {} }}",
                        toml_string(l),
                        toml::Value::Float(*v)
                    )
                })
                .collect();
            out.push_str(&format!(
                "[[sections.charts]]\ntitle = {}\npoints = [{}]\n",
                toml_string(title),
                points.join(", ")
            ));
        }
    }
    for i in 0..g.sources {
        out.push_str(&format!(
            "[[sources]]\nid = \"s{i}\"\ntitle = \"Source {i}\"\n"
        ));
    }
    out
}

/// What a Markdown file cannot say: a `##` at the top level of a body is a
/// section there, so the copy has it as `###`. Notices depend on the text
/// as written and are left out.
fn as_markdown_can_say(mut b: Briefing) -> Briefing {
    fn demote(blocks: &mut [Block]) {
        for block in blocks {
            if let Block::Heading { level, .. } = block
                && *level == 2
            {
                *level = 3;
            }
        }
    }
    demote(&mut b.summary);
    for section in &mut b.sections {
        demote(section.body.blocks_mut());
    }
    b.notices.clear();
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn print_as_markdown_reads_back_as_the_same_briefing(g in briefing()) {
        let toml = to_toml(&g);
        let loaded = loader::load_str_with_text("gen.toml", &toml);
        // Two sections whose titles make the same id are an error in TOML.
        prop_assume!(loaded.is_ok());
        let Ok((want, raw)) = loaded else { unreachable!() };
        let markdown = markdown_out::write(&want, &raw);
        let got = loader::load_str("gen.md", &markdown);
        prop_assert!(got.is_ok(), "{:?}\n---\n{markdown}", got.err());
        let Ok(mut got) = got else { unreachable!() };
        got.notices.clear();
        prop_assert_eq!(got, as_markdown_can_say(want), "{}", markdown);
    }
}

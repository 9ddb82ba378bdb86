//! The CommonMark spec examples and the GitHub-flavoured Markdown table,
//! strikethrough, task-list, footnote and definition-list examples, each
//! put through `brief print` as a body: it loads, every word a browser
//! would show is printed, every table row stands on a line of its own with
//! its cells in order, and no delimiter row, footnote label or HTML comment
//! is shown raw.
//!
//! The spec files are vendored in `tests/spec/` with their licences
//! (CommonMark and GFM: CommonMark-LICENSE and GFM-LICENSE; the footnote
//! and definition-list examples come from pulldown-cmark:
//! pulldown-cmark-LICENSE). Each example runs twice: alone, as the body of
//! a one-section briefing loaded and printed through the library (the code
//! `brief print` runs) and as the one section of a Markdown briefing, and,
//! all examples of a file together as the sections of one briefing,
//! through the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use brief::glyphs::Glyphs;
use brief::{loader, print};

/// Wide enough that no example's text wraps, so rows and words can be
/// found whole.
const WIDTH: usize = 400;

/// One spec example: where it is, its Markdown and the HTML it renders to.
#[derive(Debug, Clone)]
struct Example {
    file: &'static str,
    number: usize,
    line: usize,
    markdown: String,
    html: String,
}

/// The examples of a spec file (`→` stands for a tab, as in the spec).
fn examples(file: &'static str) -> Vec<Example> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/spec")
        .join(file);
    let text = std::fs::read_to_string(&path).expect("the spec file is vendored");
    let fence = "````````````````````````````````";
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((at, line)) = lines.next() {
        if !(line.starts_with(fence) && line[fence.len()..].trim_start().starts_with("example")) {
            continue;
        }
        let mut markdown = String::new();
        let mut html = String::new();
        let mut in_html = false;
        for (_, line) in lines.by_ref() {
            if line.starts_with(fence) {
                break;
            }
            if line == "." && !in_html {
                in_html = true;
                continue;
            }
            let target = if in_html { &mut html } else { &mut markdown };
            target.push_str(&line.replace('→', "\t"));
            target.push('\n');
        }
        out.push(Example {
            file,
            number: out.len() + 1,
            line: at + 1,
            markdown,
            html,
        });
    }
    assert!(!out.is_empty(), "no examples found in {file}");
    out
}

/// A TOML basic string holding `text` exactly.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A briefing whose sections have these bodies, as TOML.
fn as_toml(bodies: &[&str]) -> String {
    let mut out = String::from("title = \"Spec examples\"\n");
    for (i, body) in bodies.iter().enumerate() {
        out.push_str(&format!(
            "[[sections]]\ntitle = \"Spec example {}\"\nbody = {}\n",
            i + 1,
            toml_string(body)
        ));
    }
    out
}

/// A Markdown briefing with one section holding `body`.
fn as_markdown_file(body: &str) -> String {
    format!("+++\ntitle = \"Spec examples\"\n+++\n\n## Spec example 1\n\n{body}")
}

/// The example alone in a TOML briefing, through the library.
fn print_alone(example: &Example) -> String {
    let briefing =
        loader::load_str("example.toml", &as_toml(&[&example.markdown])).unwrap_or_else(|e| {
            panic!(
                "{} example {} does not load: {e:?}",
                example.file, example.number
            )
        });
    let mut out = Vec::new();
    print::write(&briefing, WIDTH, Glyphs::UNICODE, &mut out).expect("printed");
    String::from_utf8(out).expect("UTF-8")
}

/// All examples of a file as the sections of one briefing, through the
/// binary; the printed text of each section's body, in order.
fn print_together(examples: &[Example], extension: &str, toml: &str) -> Vec<String> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join(format!("examples.{extension}"));
    std::fs::write(&path, toml).expect("written");
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["print", "--width", &WIDTH.to_string()])
        .arg(&path)
        .output()
        .expect("the brief binary runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let mut bodies: Vec<String> = Vec::new();
    for line in text.lines() {
        let heading = format!("{}  SPEC EXAMPLE {}", bodies.len() + 1, bodies.len() + 1);
        if line == heading {
            bodies.push(String::new());
        } else if let Some(body) = bodies.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    assert_eq!(bodies.len(), examples.len(), "a section per example");
    bodies
}

/// The text of an HTML fragment as a browser shows it: tags, comments and
/// script or style contents left out, character references decoded.
fn browser_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&decode(&rest[..at]));
        let tail = &rest[at..];
        let next = tail[1..].chars().next().unwrap_or(' ');
        if !(next.is_ascii_alphabetic() || matches!(next, '/' | '!' | '?')) {
            out.push('<');
            rest = &tail[1..];
            continue;
        }
        if let Some(comment) = tail.strip_prefix("<!--") {
            // `<!-->` and `<!--->` are whole comments (CommonMark 0.31).
            rest = match comment.strip_prefix('>').or(comment.strip_prefix("->")) {
                Some(after) => after,
                None => comment.find("-->").map_or("", |e| &comment[e + 3..]),
            };
            continue;
        }
        if let Some(cdata) = tail.strip_prefix("<![CDATA[") {
            rest = cdata.find("]]>").map_or("", |e| &cdata[e + 3..]);
            continue;
        }
        // The tag ends at the first `>` outside quotes.
        let mut quote = None;
        let mut end = tail.len();
        for (i, c) in tail.char_indices().skip(1) {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (None, '"' | '\'') => quote = Some(c),
                (None, '>') => {
                    end = i + 1;
                    break;
                }
                _ => {}
            }
        }
        let name: String = tail[1..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        rest = &tail[end..];
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            rest = match rest.to_ascii_lowercase().find(&close) {
                Some(at) => rest[at..].find('>').map_or("", |e| &rest[at + e + 1..]),
                None => "",
            };
        }
        // Blocks stand apart; inline tags join their neighbours
        // (`<code>a</code>b` reads "ab"), except footnote numbers, which
        // are superscript, and links, whose address brief shows after them.
        let apart = [
            "p",
            "div",
            "li",
            "tr",
            "td",
            "th",
            "br",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "pre",
            "blockquote",
            "ul",
            "ol",
            "hr",
            "table",
            "thead",
            "tbody",
            "dl",
            "dt",
            "dd",
            "sup",
            "section",
            "img",
            "input",
            "a",
        ];
        if apart.contains(&name.as_str()) {
            out.push(' ');
        }
    }
    out.push_str(&decode(rest));
    out
}

fn decode(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find(';').filter(|e| *e < 12);
        let c = end.and_then(|e| match &tail[1..e] {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            name => {
                let n = name.strip_prefix('#')?;
                let code = match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => n.parse().ok()?,
                };
                char::from_u32(code)
            }
        });
        match (c, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Runs of letters and digits.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The rows of the tables in an example's HTML, as cell texts.
fn table_rows(html: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for row in html.split("<tr>").skip(1) {
        let row = row.split("</tr>").next().unwrap_or("");
        let cells: Vec<String> = row
            .split(['<'])
            .enumerate()
            .filter(|(_, piece)| piece.starts_with("td") || piece.starts_with("th"))
            .map(|(i, _)| i)
            .map(|i| {
                // The cell's HTML runs from its tag to the next cell's.
                let pieces: Vec<&str> = row.split('<').collect();
                let mut cell = String::new();
                for (j, piece) in pieces.iter().enumerate().skip(i) {
                    if j > i && (piece.starts_with("td") || piece.starts_with("th")) {
                        break;
                    }
                    cell.push('<');
                    cell.push_str(piece);
                }
                browser_text(&cell)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        rows.push(cells);
    }
    rows
}

/// Asserts everything the tests promise about one example's output.
fn check(example: &Example, out: &str, how: &str) {
    let place = format!(
        "{} example {} (line {}), {how}:\n--- markdown\n{}--- output\n{out}",
        example.file, example.number, example.line, example.markdown
    );
    // A word may be glued to a neighbour in the output where the browser
    // shows it next to a link (`a<https://…>`), so it is found in a word.
    // Case is ignored: in a Markdown briefing a `##` heading in an example
    // is a section of its own, its title shown in capitals.
    // Each word as many times as the browser shows it, at least: a word
    // shown once where the browser shows it twice was lost.
    let shown = words(&out.to_lowercase());
    let mut wanted: HashMap<String, usize> = HashMap::new();
    for word in words(&browser_text(&example.html).to_lowercase()) {
        *wanted.entry(word).or_default() += 1;
    }
    for (word, times) in &wanted {
        let found = shown.iter().filter(|w| w.contains(word.as_str())).count();
        assert!(
            found >= *times,
            "{word:?} is shown {found} times, not {times}, in {place}"
        );
    }
    // Rows of Markdown tables (not of tables written in HTML): the words
    // of each row's cells, in order, on one line.
    let markdown_table = example.markdown.lines().any(is_delimiter_row);
    for cells in table_rows(&example.html).iter().filter(|_| markdown_table) {
        let wanted: Vec<String> = cells.iter().flat_map(|c| words(c)).collect();
        let found = out.lines().any(|line| {
            let mut have = words(line).into_iter();
            wanted.iter().all(|w| have.any(|h| h == *w))
        });
        assert!(found, "the row {cells:?} is not on one line in {place}");
    }
    if example.html.contains("<table>") {
        for line in example.markdown.lines() {
            if is_delimiter_row(line) {
                assert!(
                    !out.lines().any(|l| l.trim() == line.trim()),
                    "the delimiter row {line:?} is shown in {place}"
                );
            }
        }
    }
    if !example.html.contains("[^") {
        assert!(
            !out.contains("[^"),
            "a footnote label is shown raw in {place}"
        );
    }
    if example.html.contains("<!--") && !example.html.contains("&lt;!--") {
        assert!(!out.contains("<!--"), "an HTML comment is shown in {place}");
    }
}

/// The example alone in a Markdown briefing, through the library; the
/// diagnostics' messages if it does not load.
fn load_markdown_example(example: &Example) -> Result<String, String> {
    let text = as_markdown_file(&example.markdown);
    let briefing = loader::load_str("example.md", &text).map_err(|e| {
        e.diagnostics
            .iter()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let mut out = Vec::new();
    print::write(&briefing, WIDTH, Glyphs::UNICODE, &mut out).expect("printed");
    Ok(String::from_utf8(out).expect("UTF-8"))
}

/// A table's delimiter row, such as `| --- | :-: |`.
fn is_delimiter_row(line: &str) -> bool {
    line.contains('-')
        && line.contains('|')
        && line
            .chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

fn run_file(file: &'static str) {
    let examples = examples(file);
    for example in &examples {
        check(
            example,
            &print_alone(example),
            "alone in a TOML briefing, through the library",
        );
        match load_markdown_example(example) {
            Ok(out) => check(
                example,
                &out,
                "alone in a Markdown briefing, through the library",
            ),
            // A `##` with no text cannot be a section's title: the one
            // error the Markdown form gives where a TOML body has none.
            Err(message) => assert!(
                message.contains("heading of section 2 has no text")
                    && example.markdown.lines().any(|l| l.trim_end() == "##"),
                "{} example {} does not load as a Markdown briefing: {message}",
                example.file,
                example.number
            ),
        }
    }
    let bodies: Vec<&str> = examples.iter().map(|e| e.markdown.as_str()).collect();
    let printed = print_together(&examples, "toml", &as_toml(&bodies));
    for (example, out) in examples.iter().zip(&printed) {
        check(example, out, "as a TOML briefing, through the binary");
    }
}

#[test]
fn commonmark_spec_examples() {
    run_file("commonmark-spec.txt");
}

#[test]
fn gfm_table_examples() {
    run_file("gfm_table.txt");
}

#[test]
fn gfm_strikethrough_examples() {
    run_file("gfm_strikethrough.txt");
}

#[test]
fn gfm_task_list_examples() {
    run_file("gfm_tasklist.txt");
}

#[test]
fn footnote_examples() {
    run_file("footnotes.txt");
}

#[test]
fn definition_list_examples() {
    run_file("definition_lists.txt");
}

#[test]
fn the_helpers_find_what_a_browser_shows() {
    assert_eq!(
        browser_text("<p>a <em>b</em> &amp; <!-- c --> d</p>")
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["a", "b", "&", "d"]
    );
    assert_eq!(
        table_rows(
            "<table><tr><th>x</th><th>y</th></tr><tr><td>1 <b>2</b></td><td></td></tr></table>"
        ),
        vec![
            vec!["x".to_owned(), "y".to_owned()],
            vec!["1 2".to_owned(), String::new()]
        ]
    );
}

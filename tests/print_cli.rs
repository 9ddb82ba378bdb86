//! `brief print` through the real binary: the shipped briefing as plain
//! text at several widths, errors, usage, and a reader that stops early.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use brief::loader;
use brief::text;

const BRIEFING: &str = "briefings/alibaba-liege.toml";

fn brief(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the brief binary runs")
}

fn print_at(width: usize) -> String {
    let output = brief(&["print", BRIEFING, "--width", &width.to_string()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "", "nothing on stderr for a valid briefing");
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Runs of spaces and line ends as one space, so a phrase can be found
/// wherever the wrap put its line breaks.
fn flowed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_complete_at(width: usize) {
    let out = print_at(width);
    for (number, line) in out.lines().enumerate() {
        assert!(
            text::width(line) <= width,
            "line {} is {} columns, over {width}: {line:?}",
            number + 1,
            text::width(line)
        );
        assert!(
            !line.chars().any(|c| c.is_control()),
            "control character in line {}: {line:?}",
            number + 1
        );
    }
    let briefing = loader::load_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join(BRIEFING))
        .expect("the shipped briefing loads");
    let all = flowed(&out);
    assert!(
        all.contains(&flowed(&briefing.title)),
        "title missing at {width}"
    );
    assert!(
        out.lines().any(|l| l == "BOTTOM LINE"),
        "no BOTTOM LINE at {width}"
    );
    for (i, section) in briefing.sections.iter().enumerate() {
        let heading = flowed(&format!("{}  {}", i + 1, section.title.to_uppercase()));
        assert!(
            all.contains(&heading),
            "heading {heading:?} missing at {width}"
        );
    }
    for (label, value) in [("2021", "3.7"), ("2022", "9.1")] {
        assert!(
            out.lines().any(|l| l.starts_with(&format!(" {label} "))
                && l.contains('█')
                && l.ends_with(&format!(" {value}"))),
            "no bar for {label} = {value} at {width}:\n{out}"
        );
    }
    let sources_at = out
        .lines()
        .position(|l| l == "SOURCES")
        .unwrap_or_else(|| panic!("no SOURCES list at {width}"));
    let after: Vec<&str> = out.lines().skip(sources_at).collect();
    for source in &briefing.sources {
        let marker = format!("[{}] ", source.id);
        assert!(
            after.iter().any(|l| l.starts_with(&marker)),
            "source {marker} missing from the list at {width}"
        );
    }
}

#[test]
fn prints_the_whole_briefing_at_60_columns() {
    assert_complete_at(60);
}

#[test]
fn prints_the_whole_briefing_at_40_columns() {
    assert_complete_at(40);
}

#[test]
fn prints_the_whole_briefing_at_200_columns() {
    assert_complete_at(200);
}

#[test]
fn the_printed_briefing_at_60_columns_is_as_reviewed() {
    insta::assert_snapshot!("alibaba_liege_width_60", print_at(60));
}

#[test]
fn an_invalid_briefing_prints_nothing_and_says_why() {
    let output = brief(&["print", "tests/fixtures/invalid/unknown_key.toml"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "nothing printed from a bad file");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "tests/fixtures/invalid/unknown_key.toml:2:1: error: unknown key `sumary` at the top level — did you mean `summary`?"
        ),
        "{stderr}"
    );
}

#[test]
fn width_zero_is_a_usage_error() {
    let output = brief(&["print", BRIEFING, "--width", "0"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--width"));
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // Far more output than a pipe holds (64 KiB on Linux), so `brief` is
    // still writing when the reader goes away and really meets the closed
    // pipe, as under `brief print … | head -1`.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("long.toml");
    let mut file = std::fs::File::create(&path).expect("create");
    writeln!(
        file,
        "title = \"Long\"\n[[sections]]\ntitle = \"Body\"\nbody = \"\"\""
    )
    .expect("write");
    for _ in 0..20_000 {
        writeln!(file, "A sentence of running text that fills the pipe.\n").expect("write");
    }
    writeln!(file, "\"\"\"").expect("write");
    drop(file);

    let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
        .arg("print")
        .arg(&path)
        .args(["--width", "60"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("read one line");
    // The reader (and with it the pipe's read end) is dropped here.
    assert_eq!(first, "Long\n");
    let output = child.wait_with_output().expect("wait");
    assert!(output.status.success(), "exit status {:?}", output.status);
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn format_markdown_is_the_whole_briefing_and_with_brief_the_one_page() {
    let whole = brief(&["print", BRIEFING, "--format", "markdown"]);
    assert_eq!(whole.status.code(), Some(0));
    let whole = String::from_utf8(whole.stdout).expect("UTF-8");
    assert!(whole.starts_with("+++\ntitle = "), "{whole}");
    let briefing = loader::load_path(Path::new(BRIEFING)).expect("valid");
    for section in &briefing.sections {
        assert!(
            whole.contains(&format!("\n## {}", section.title)),
            "section {} missing:\n{whole}",
            section.title
        );
    }
    assert!(whole.contains("```facts\n[[facts]]\n"), "{whole}");
    assert!(whole.contains("```chart\n"), "{whole}");
    let one_page = brief(&["print", BRIEFING, "--brief", "--format", "markdown"]);
    assert_eq!(one_page.status.code(), Some(0));
    let one_page = String::from_utf8(one_page.stdout).expect("UTF-8");
    assert!(!one_page.starts_with("+++"), "{one_page}");
    assert!(one_page.len() < whole.len());
}

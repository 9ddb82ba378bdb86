//! `brief check` through the real binary: one broken briefing per failure
//! mode (tests/fixtures/invalid), each asserted by exit status and the exact
//! `file:line:col: error: message — hint` line an analyst would read, plus the
//! command-line cases (folders, several paths, no path, missing files).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use std::path::Path;
use std::process::{Command, Output};

const INVALID: &str = "tests/fixtures/invalid";

/// Runs `brief ARGS` from the crate root, so relative fixture paths are
/// shown in messages exactly as given.
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

/// Nothing on stderr that a terminal would obey: no ESC or BEL byte, valid
/// UTF-8 (so a 0x9B byte can only be the tail of a character such as `␛`,
/// never a lone C1 CSI), and no C0 (but newline), DEL or C1 character.
fn assert_terminal_safe(stderr: &[u8], what: &str) {
    for byte in [0x1b_u8, 0x07] {
        assert!(
            !stderr.contains(&byte),
            "{what}: stderr holds byte {byte:#04x}: {:?}",
            String::from_utf8_lossy(stderr)
        );
    }
    let text = std::str::from_utf8(stderr).unwrap_or_else(|e| {
        panic!("{what}: stderr is not UTF-8 ({e}), so raw bytes reach the terminal")
    });
    if let Some(c) = text
        .chars()
        .find(|c| (*c < ' ' && *c != '\n') || ('\u{7f}'..='\u{9f}').contains(c))
    {
        panic!("{what}: stderr holds control character {c:?}: {text:?}");
    }
}

/// One fixture: where the error is and what it says. `message` is matched
/// in full after `file:line:col: error: `; `hint` is what follows ` — `.
struct Case {
    file: &'static str,
    line: usize,
    column: usize,
    message: &'static str,
    hint: Option<&'static str>,
}

const fn case(
    file: &'static str,
    line: usize,
    column: usize,
    message: &'static str,
    hint: Option<&'static str>,
) -> Case {
    Case {
        file,
        line,
        column,
        message,
        hint,
    }
}

/// Every fixture with a single error (several_errors.toml, not_utf8.toml
/// checked more closely below, are here too, by their first error).
const CASES: &[Case] = &[
    case(
        "unknown_key.toml",
        2,
        1,
        "unknown key `sumary` at the top level",
        Some("did you mean `summary`?"),
    ),
    case(
        "unknown_section_key.toml",
        5,
        1,
        "unknown key `bdy` in section 1",
        Some("did you mean `body`?"),
    ),
    case(
        "unknown_fact_key.toml",
        4,
        1,
        "unknown key `lable` in briefing fact 1",
        Some("did you mean `label`?"),
    ),
    case(
        "missing_title.toml",
        1,
        1,
        "missing `title` at the top level",
        Some("add `title = \"…\"`"),
    ),
    case(
        "missing_section_title.toml",
        3,
        1,
        "missing `title` in section 1",
        Some("add `title = \"…\"`"),
    ),
    case(
        "no_sections.toml",
        1,
        1,
        "the briefing has no sections",
        Some("add at least one [[sections]] table with a title"),
    ),
    case(
        "empty_sections.toml",
        2,
        12,
        "the briefing has no sections",
        Some("add at least one [[sections]] table with a title"),
    ),
    case(
        "wrong_type_title.toml",
        1,
        9,
        "`title` at the top level must be a string, not an integer",
        Some("put it in quotes: `title = \"3\"`"),
    ),
    case(
        "wrong_type_tags.toml",
        2,
        8,
        "`tags` at the top level must be a list of strings, not a string",
        Some("write `tags = [\"…\", \"…\"]`"),
    ),
    case(
        "date_as_string.toml",
        2,
        8,
        "`date` at the top level must be a date, not a string",
        Some("write a date without quotes: `date = 2023-10-12`"),
    ),
    case(
        "duplicate_section_id.toml",
        8,
        6,
        "duplicate section id `schedule`",
        Some("line 4 uses it already; give each section its own id"),
    ),
    case(
        "duplicate_section_title.toml",
        7,
        9,
        "duplicate section id `background`",
        Some(
            "the id is made from the title, and line 4 has it already; add an `id = \"…\"` to tell them apart",
        ),
    ),
    case(
        "duplicate_source_id.toml",
        11,
        6,
        "duplicate source id `ft`",
        Some("line 7 uses it already; give each source its own id"),
    ),
    case(
        "fact_unknown_source.toml",
        6,
        10,
        "briefing fact 1 cites unknown source `fT`",
        Some("did you mean `ft`?"),
    ),
    case(
        "section_unknown_source.toml",
        5,
        18,
        "section 1 cites unknown source `nbb`",
        Some("the sources are: ft; or add a [[sources]] table with this id"),
    ),
    case(
        "chart_unknown_source.toml",
        8,
        12,
        "chart 1 of section 1 cites unknown source `nbbb`",
        Some("did you mean `nbb`?"),
    ),
    case(
        "empty_title.toml",
        1,
        9,
        "`title` at the top level is empty",
        Some("write the title, or remove the entry"),
    ),
    case(
        "chart_empty_points.toml",
        8,
        12,
        "chart 1 of section 1 has no points",
        Some("add at least one `{ label = \"…\", value = 1.0 }`"),
    ),
    case(
        "chart_missing_points.toml",
        6,
        3,
        "missing `points` in chart 1 of section 1",
        Some("add `points = [ { label = \"2021\", value = 3.7 } ]`"),
    ),
    case(
        "chart_value_inf.toml",
        8,
        40,
        "`value` in point 1 of chart 1 of section 1 is not a finite number",
        Some("use a finite number; `inf` and `nan` cannot be drawn"),
    ),
    case(
        "chart_value_nan.toml",
        8,
        73,
        "`value` in point 2 of chart 1 of section 1 is not a finite number",
        Some("use a finite number; `inf` and `nan` cannot be drawn"),
    ),
    case(
        "chart_value_string.toml",
        8,
        40,
        "`value` in point 1 of chart 1 of section 1 must be a number, not a string",
        Some("write the number without quotes: `value = 3.7`"),
    ),
    case(
        "not_utf8.toml",
        3,
        13,
        "the file is not valid UTF-8 (byte 0xFF)",
        Some("save it as UTF-8 in your editor"),
    ),
    case(
        "syntax_error.toml",
        2,
        11,
        "TOML syntax: this \"\"\" string is never closed",
        Some("end it with \"\"\"; the rest of the file was read as part of it"),
    ),
    case(
        "escape_in_key.toml",
        2,
        1,
        "unknown key `␛]0;pwned␇` at the top level",
        Some(
            "the keys allowed here are: title, subtitle, date, classification, audience, authors, tags, summary, facts, sections, sources",
        ),
    ),
    case(
        "several_errors.toml",
        1,
        9,
        "`title` at the top level is empty",
        Some("write the title, or remove the entry"),
    ),
    // Markdown briefings: placed in the .md file, inside its blocks too.
    case(
        "md_facts_block_unknown_key.md",
        10,
        1,
        "unknown key `valeu` in fact 1 of section 1",
        Some("did you mean `value`?"),
    ),
    case(
        "md_front_matter_unclosed.md",
        1,
        1,
        "the front matter opened here with +++ is never closed",
        Some("end it with a line holding only +++"),
    ),
    case(
        "md_no_title.md",
        1,
        1,
        "the briefing has no title",
        Some("begin the text with a `# Title` heading, or give `title` in front matter"),
    ),
    case(
        "md_chart_before_sections.md",
        3,
        1,
        "a ```chart block belongs to a section, and this one is before the first `##` heading",
        Some("move it below the `##` heading of its section"),
    ),
    case(
        "md_yaml_bad_date.md",
        3,
        7,
        "`date` in the front matter must be a date, not `next week`",
        Some("write a date such as `date: 2023-10-12`"),
    ),
];

/// The diagnostic lines (`file:line:col: …`) of a check's stderr, without
/// the quoted source lines and the summary.
fn diagnostic_lines<'s>(stderr: &'s str, path: &str) -> Vec<&'s str> {
    let prefix = format!("{path}:");
    stderr
        .lines()
        .filter(|l| l.starts_with(&prefix) && l.contains(": error: "))
        .collect()
}

fn expected_line(path: &str, case: &Case) -> String {
    let mut line = format!(
        "{path}:{}:{}: error: {}",
        case.line, case.column, case.message
    );
    if let Some(hint) = case.hint {
        line.push_str(" — ");
        line.push_str(hint);
    }
    line
}

#[test]
fn every_invalid_fixture_is_reported_where_the_problem_is() {
    let mut failures = Vec::new();
    for case in CASES {
        let path = format!("{INVALID}/{}", case.file);
        let output = brief(&["check", &path]);
        assert_terminal_safe(&output.stderr, &path);
        let stderr = text(&output.stderr);
        if output.status.code() != Some(1) {
            failures.push(format!("{path}: exit {:?}, want 1", output.status.code()));
        }
        if !output.stdout.is_empty() {
            failures.push(format!(
                "{path}: unexpected stdout {:?}",
                text(&output.stdout)
            ));
        }
        let expected = expected_line(&path, case);
        let lines = diagnostic_lines(&stderr, &path);
        if lines.first() != Some(&expected.as_str()) {
            failures.push(format!(
                "{path}:\n  want  {expected}\n  got   {:?}",
                lines.first()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_in_the_folder_has_a_case() {
    let mut on_disk: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(INVALID))
            .expect("fixture folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
    on_disk.sort();
    let mut covered: Vec<String> = CASES.iter().map(|c| c.file.to_owned()).collect();
    covered.sort();
    assert_eq!(
        on_disk, covered,
        "each fixture needs its expected diagnostic"
    );
}

#[test]
fn single_error_fixtures_report_exactly_one_error() {
    for case in CASES.iter().filter(|c| c.file != "several_errors.toml") {
        let path = format!("{INVALID}/{}", case.file);
        let stderr = text(&brief(&["check", &path]).stderr);
        assert_eq!(
            diagnostic_lines(&stderr, &path).len(),
            1,
            "{path} should report one error:\n{stderr}"
        );
        assert!(
            stderr.contains(&format!(
                "{path}: 1 error — fix it and run `brief check` again"
            )),
            "{stderr}"
        );
    }
}

#[test]
fn a_file_with_several_errors_reports_all_of_them_in_file_order() {
    let path = format!("{INVALID}/several_errors.toml");
    let output = brief(&["check", &path]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    let at = |rest: &str| format!("{path}:{rest}");
    assert_eq!(
        diagnostic_lines(&stderr, &path),
        [
            at(
                "1:9: error: `title` at the top level is empty — write the title, or remove the entry"
            ),
            at("2:1: error: unknown key `sumary` at the top level — did you mean `summary`?"),
            at("5:1: error: unknown key `titel` in section 1 — did you mean `title`?"),
            at(
                "8:11: error: `label` in fact 1 of section 1 must be a string, not an integer — put it in quotes: `label = \"3\"`"
            ),
            at(
                "10:12: error: fact 1 of section 1 cites unknown source `nbb` — the file has no [[sources]]; add one with this id and a title"
            ),
            at(
                "17:40: error: `value` in point 1 of chart 1 of section 2 is not a finite number — use a finite number; `inf` and `nan` cannot be drawn"
            ),
        ]
    );
    assert!(stderr.contains(&format!(
        "{path}: 6 errors — fix them and run `brief check` again"
    )));
}

#[test]
fn each_error_quotes_its_line_with_carets_under_what_it_is_about() {
    let path = format!("{INVALID}/chart_value_nan.toml");
    let stderr = text(&brief(&["check", &path]).stderr);
    let source_line =
        "  points = [ { label = \"2021\", value = 3.7 }, { label = \"2022\", value = nan } ]";
    // The value `nan`, three characters from column 73.
    let caret = format!("   | {}^^^", " ".repeat(72));
    assert!(
        stderr.contains(&format!(" 8 | {source_line}\n{caret}\n")),
        "{stderr}"
    );
    // A table missing a key: its header line, whole and no further.
    let path = format!("{INVALID}/chart_missing_points.toml");
    let stderr = text(&brief(&["check", &path]).stderr);
    assert!(
        stderr.contains(" 6 |   [[sections.charts]]\n   |   ^^^^^^^^^^^^^^^^^^^\n"),
        "{stderr}"
    );
}

#[test]
fn a_file_that_is_not_utf8_shows_the_bad_byte_as_a_replacement() {
    let path = format!("{INVALID}/not_utf8.toml");
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(&path)).expect("fixture");
    let line_3 = bytes.split(|b| *b == b'\n').nth(2).expect("three lines");
    assert!(
        line_3.contains(&0xFF),
        "the fixture must keep its 0xFF byte on line 3"
    );
    let stderr = text(&brief(&["check", &path]).stderr);
    assert!(
        stderr.contains(" 3 | title = \"Sch\u{FFFD}edule\"\n"),
        "{stderr}"
    );
}

#[test]
fn an_escape_sequence_in_a_key_is_shown_not_sent() {
    let path = format!("{INVALID}/escape_in_key.toml");
    let source = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&path))
        .expect("fixture");
    assert!(
        source.contains(r#""\u001b]0;pwned\u0007" = 1"#),
        "the fixture must spell the escape as a TOML escape"
    );
    let output = brief(&["check", &path]);
    assert_terminal_safe(&output.stderr, &path);
    assert!(text(&output.stderr).contains("`␛]0;pwned␇`"));
}

#[test]
fn an_escape_sequence_in_a_file_name_is_shown_not_sent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("\u{1b}]0;pwned\u{7}.toml");
    std::fs::write(&path, "title = 3\n[[sections]]\ntitle = \"S\"\n").expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .arg("check")
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert_terminal_safe(&output.stderr, "file name with ESC");
    assert!(text(&output.stderr).contains("␛]0;pwned␇.toml:1:9: error:"));
}

#[test]
fn a_file_over_64_mib_is_refused_unread() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("huge.toml");
    // Sparse: no disk is used and nothing could be parsed if it were read.
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(65 * 1024 * 1024).expect("set_len");
    drop(file);
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .arg("check")
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert_terminal_safe(&output.stderr, "huge.toml");
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(
            "huge.toml: error: the file is 65.0 MiB, over the 64 MiB limit for a briefing — split it into several briefings"
        ),
        "{stderr}"
    );
}

#[test]
fn the_shipped_briefings_are_valid() {
    let output = brief(&["check", "briefings"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stderr),
        "",
        "no warnings for shipped briefings"
    );
    let mut names: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("briefings"))
            .expect("briefings folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml") || n.ends_with(".md"))
            .collect();
    names.sort();
    assert!(
        names.iter().any(|n| n.ends_with(".md")),
        "a Markdown briefing ships too"
    );
    let ok_lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(ok_lines.len(), names.len(), "{stdout}");
    for (line, name) in ok_lines.iter().zip(&names) {
        assert!(
            line.starts_with(&format!("ok  briefings/{name}: ")),
            "{line}"
        );
    }
    assert!(
        stdout
            .contains("ok  briefings/alibaba-liege.toml: 5 sections, 21 facts, 1 chart, 4 sources")
    );
}

#[test]
fn valid_fixtures_pass() {
    let output = brief(&["check", "tests/fixtures/valid"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "ok  tests/fixtures/valid/every_field.toml: 2 sections, 3 facts, 1 chart, 2 sources\n\
         ok  tests/fixtures/valid/minimal.toml: 1 section, 0 facts, 0 sources\n\
         ok  tests/fixtures/valid/yaml_front_matter.md: 2 sections, 1 fact, 1 chart, 0 sources\n"
    );
}

#[test]
fn several_paths_are_all_checked_and_one_bad_file_fails_the_run() {
    let output = brief(&[
        "check",
        "tests/fixtures/valid",
        "tests/fixtures/invalid/unknown_key.toml",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("ok  tests/fixtures/valid/every_field.toml: "),
        "{stdout}"
    );
    assert!(
        stdout.contains("ok  tests/fixtures/valid/minimal.toml: "),
        "{stdout}"
    );
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("tests/fixtures/invalid/unknown_key.toml:2:1: error: unknown key `sumary`"),
        "{stderr}"
    );
}

#[test]
fn check_without_a_path_is_a_usage_error() {
    let output = brief(&["check"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(text(&output.stderr).contains("name at least one briefing file or folder"));
}

#[test]
fn a_missing_file_is_named_with_what_to_do() {
    let output = brief(&["check", "does/not/exist.toml"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(
        text(&output.stderr)
            .starts_with("does/not/exist.toml: error: there is no such file — check the path\n"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn a_folder_without_briefings_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("notes.txt"), "not a briefing").expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .arg("check")
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(
        text(&output.stderr)
            .contains(": error: no briefings (.toml or .md files) in this folder — check the path"),
        "{}",
        text(&output.stderr)
    );
}

/// Runs `brief ARGS` and waits for it to end, killing it (and failing)
/// if it is still running after a generous deadline: a hang must show as a
/// failure, not as a test run that never ends.
#[cfg(unix)]
fn brief_must_end(args: &[&std::ffi::OsStr]) -> Output {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("brief {args:?} did not end: it blocked on a special file");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A FIFO at `dir/name`, made with the real `mkfifo`.
#[cfg(unix)]
fn make_fifo(dir: &Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    let status = Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo failed");
    path
}

#[cfg(unix)]
#[test]
fn a_fifo_among_briefings_is_refused_without_blocking() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/minimal.toml"),
        dir.path().join("a.toml"),
    )
    .expect("copy");
    make_fifo(dir.path(), "x.toml");
    let output = brief_must_end(&["check".as_ref(), dir.path().as_os_str()]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("a.toml: 1 section"), "{stdout}");
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(
            "x.toml: error: is a named pipe (FIFO), not a briefing file — give a regular .toml or .md file"
        ),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_given_as_the_briefing_is_refused_by_print_and_the_reader() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = make_fifo(dir.path(), "x.toml");
    // Without a terminal the reader prints (a file) or checks (a folder):
    // the same reads a terminal session makes first.
    for args in [
        vec!["print".as_ref(), fifo.as_os_str()],
        vec![fifo.as_os_str()],
        vec![dir.path().as_os_str()],
    ] {
        let output = brief_must_end(&args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains("is a named pipe (FIFO)"),
            "{args:?}: {stderr}"
        );
    }
}

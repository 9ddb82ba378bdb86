//! Generated briefings are valid and close to the size asked for; deeply
//! nested bodies (10,000 levels) load, print and check through the binary
//! with their nesting flattened; the fuzz seeds load and print.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use brief::loader;
use brief::testdata::{Spec, generate};

#[test]
fn a_generated_megabyte_loads_and_has_its_size() {
    let spec = Spec::new(1_000_000, 200);
    let text = generate(&spec);
    let size = text.len() as f64;
    assert!(
        (size - 1e6).abs() / 1e6 < 0.02,
        "asked for 1 MB, got {} bytes",
        text.len()
    );
    let briefing = match loader::load_str("big.toml", &text) {
        Ok(b) => b,
        Err(e) => panic!("{:#?}", &e.diagnostics[..e.diagnostics.len().min(5)]),
    };
    assert_eq!(briefing.sections.len(), 200);
    assert!(
        briefing.fact_count() > 100,
        "facts: {}",
        briefing.fact_count()
    );
    assert!(
        briefing.chart_count() > 20,
        "charts: {}",
        briefing.chart_count()
    );
    assert_eq!(briefing.sources.len(), 6);
    let all = briefing.full_text();
    for expected in ["Lüttich", "比利时", "📦"] {
        assert!(all.contains(expected), "no {expected} in the text");
    }
    let headings: usize = briefing.sections.iter().map(|s| s.headings().len()).sum();
    assert!(headings >= 200, "headings: {headings}");
    assert!(briefing.notices.is_empty(), "{:?}", briefing.notices);
}

#[test]
fn sizes_follow_the_request() {
    for (size, sections) in [(2_000_000, 2000), (300_000, 10), (3_000_000, 2000)] {
        let text = generate(&Spec::new(size, sections));
        let got = text.len() as f64;
        assert!(
            (got - size as f64).abs() / (size as f64) < 0.03,
            "asked for {size} in {sections} sections, got {}",
            text.len()
        );
    }
}

#[test]
fn generated_bodies_hold_tables_and_footnotes() {
    use brief::model::Block;
    let text = generate(&Spec::new(300_000, 40));
    let briefing = loader::load_str("g.toml", &text).expect("valid");
    let bodies: Vec<Block> = briefing
        .sections
        .iter()
        .flat_map(|s| s.body.blocks().into_owned())
        .collect();
    let tables = bodies
        .iter()
        .filter(|b| matches!(b, Block::Table(_)))
        .count();
    let notes = bodies
        .iter()
        .filter(|b| matches!(b, Block::Notes(_)))
        .count();
    assert!(tables > 10, "tables: {tables}");
    assert!(notes > 5, "sections with footnotes: {notes}");
    assert!(briefing.notices.is_empty(), "{:?}", briefing.notices);
}

/// A one-section briefing whose body is `body`, in a temporary file.
fn briefing_file(body: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("deep.toml");
    let text =
        format!("title = \"Deep\"\n[[sections]]\ntitle = \"Body\"\nbody = '''\n{body}\n'''\n");
    std::fs::write(&path, text).expect("written");
    (dir, path)
}

fn brief(args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .output()
        .expect("the brief binary runs")
}

#[test]
fn ten_thousand_levels_of_nesting_are_flattened_not_fatal() {
    for prefix in [">", "- ", "1. ", "> - "] {
        let (_dir, path) = briefing_file(&format!("{}deep text", prefix.repeat(10_000)));
        let check = brief(&["check".as_ref(), path.as_os_str()]);
        let stderr = String::from_utf8_lossy(&check.stderr);
        assert_eq!(check.status.code(), Some(0), "{prefix:?}: {stderr}");
        assert!(
            stderr.contains("warning") && stderr.contains("levels deep"),
            "{prefix:?}: the flattening is reported: {stderr}"
        );
        let print = brief(&[
            "print".as_ref(),
            path.as_os_str(),
            "--width".as_ref(),
            "40".as_ref(),
        ]);
        assert_eq!(
            print.status.code(),
            Some(0),
            "{prefix:?}: {}",
            String::from_utf8_lossy(&print.stderr)
        );
        let out = String::from_utf8_lossy(&print.stdout);
        let flowed: String = out.split_whitespace().collect();
        assert!(flowed.contains("deeptext"), "{prefix:?}: the text is kept");
        for line in out.lines() {
            assert!(brief::text::width(line) <= 40, "{prefix:?}: {line:?}");
        }
        // Linear in the input: the printed text is a small multiple of
        // the body, not its square.
        assert!(
            out.len() < 200_000,
            "{prefix:?}: {} bytes printed",
            out.len()
        );
    }
}

#[test]
fn the_fuzz_seeds_load_and_print() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/briefing_loader");
    let mut seeds = 0;
    for entry in std::fs::read_dir(dir).expect("the seeds are kept") {
        let path = entry.expect("an entry").path();
        let data = std::fs::read(&path).expect("readable");
        let (width, rest) = data.split_first().expect("a width byte");
        let source = std::str::from_utf8(rest).expect("UTF-8");
        let briefing = loader::load_str("seed.toml", source).expect("a seed loads");
        for glyphs in [brief::glyphs::Glyphs::UNICODE, brief::glyphs::Glyphs::ASCII] {
            let mut out = Vec::new();
            let width = usize::from(width % 120) + 1;
            brief::print::write(&briefing, width, glyphs, &mut out).expect("printed");
            let text = String::from_utf8(out).expect("UTF-8");
            for line in text.lines() {
                assert!(brief::text::width(line) <= width, "{path:?}: {line:?}");
            }
        }
        seeds += 1;
    }
    assert!(seeds >= 5, "{seeds} seeds");
}

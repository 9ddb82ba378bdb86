//! Generated briefings are valid and close to the size asked for.

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
    let headings: usize = briefing.sections.iter().map(|s| s.headings().count()).sum();
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
    let bodies = || briefing.sections.iter().flat_map(|s| &s.body);
    let tables = bodies().filter(|b| matches!(b, Block::Table(_))).count();
    let notes = bodies().filter(|b| matches!(b, Block::Notes(_))).count();
    assert!(tables > 10, "tables: {tables}");
    assert!(notes > 5, "sections with footnotes: {notes}");
    assert!(briefing.notices.is_empty(), "{:?}", briefing.notices);
}

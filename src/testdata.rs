//! Synthetic briefings of any size, for benchmarks, tests and the budgets
//! harness.
//!
//! [`generate`] writes a valid format-1 briefing (TOML text) close to a
//! requested size, with the shapes real briefings have: a summary, key
//! facts, sections with `###` headings, paragraphs with emphasis and links,
//! nested lists, quotes, code, charts and sources, and text in English,
//! German, Chinese and emoji. It is deterministic: the same [`Spec`] always
//! gives the same bytes, so a benchmark measures the same document on every
//! run without a big file in the repository. It owns no I/O.

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Approximate size of the TOML text in bytes.
    pub size: usize,
    /// Number of sections (at least 1).
    pub sections: usize,
    /// Seed of the pseudo-random choices.
    pub seed: u64,
}

impl Spec {
    /// A briefing of about `size` bytes in `sections` sections, seed 1.
    pub fn new(size: usize, sections: usize) -> Self {
        Self {
            size,
            sections,
            seed: 1,
        }
    }
}

/// The size of the large briefing the budgets speak of: 10 MB.
pub const TEN_MB: usize = 10_000_000;

/// Parses a size such as `10MB`, `512KB`, `1.5MB`, `2MiB` or `4096`.
/// `KB`/`MB` are decimal (1000), `KiB`/`MiB` binary (1024).
pub fn parse_size(text: &str) -> Option<usize> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "kib" => 1024.0,
        "m" | "mb" => 1e6,
        "mib" => 1024.0 * 1024.0,
        _ => return None,
    };
    let bytes = number * factor;
    (bytes.is_finite() && bytes >= 0.0).then_some(bytes.round() as usize)
}

/// A small, fast, seeded generator (SplitMix64): enough to vary text, and
/// no dependency.
/// Also used by tests that need varied, repeatable input.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// One of `items` (not empty).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// True one time in `n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

const ENGLISH: &[&str] = &[
    "the",
    "hub",
    "trade",
    "deficit",
    "widened",
    "security",
    "service",
    "logistics",
    "software",
    "data",
    "freight",
    "merchants",
    "airport",
    "cargo",
    "ministry",
    "tariffs",
    "electric",
    "cars",
    "European",
    "Commission",
    "investment",
    "region",
    "observation",
    "espionage",
    "risk",
    "suppliers",
    "platform",
    "customs",
    "parcels",
    "consumers",
    "exports",
    "imports",
    "policy",
    "partners",
    "agreement",
    "review",
    "screening",
    "critical",
    "infrastructure",
    "report",
    "statement",
    "officials",
    "analysts",
    "according",
    "to",
    "and",
    "of",
    "in",
    "with",
    "for",
    "on",
    "its",
    "by",
    "as",
    "that",
    "which",
    "while",
    "under",
    "over",
    "between",
    "since",
    "Belgium",
    "China",
    "Wallonia",
    "Liège",
    "Brussels",
    "Beijing",
    "Cainiao",
    "Alibaba",
];

const GERMAN: &[&str] = &[
    "Lüttich",
    "Überwachung",
    "Handelsbilanz",
    "Wirtschaftsbeziehungen",
    "Geheimdienst",
    "Flughafen",
    "Frachtverkehr",
    "Naivität",
    "Verbraucher",
    "Zölle",
    "Elektroautos",
    "Sicherheitsbehörden",
    "Datenschutz",
    "größte",
    "Güter",
    "überwacht",
    "Straße",
    "Äußerung",
];

const CHINESE: &[&str] = &[
    "比利时",
    "阿里巴巴",
    "物流中心",
    "数据安全",
    "菜鸟网络",
    "列日机场",
    "贸易逆差",
    "电动汽车",
    "关税",
    "情报机构",
    "监视",
    "欧盟",
];

const EMOJI: &[&str] = &["📦", "✈️", "🇧🇪", "🇨🇳", "👩‍👩‍👧", "⚠️", "📈", "🔒"];

const TITLES: &[&str] = &[
    "Trade deficit",
    "Software risk",
    "Espionage suspicion",
    "Customs and parcels",
    "Die Zeit der Naivität",
    "Überwachung in Lüttich",
    "电动汽车关税",
    "Investment screening",
    "Critical infrastructure",
    "Outlook 📈",
];

const PUBLISHERS: &[&str] = &[
    "Financial Times",
    "National Bank of Belgium",
    "VSSE",
    "Süddeutsche Zeitung",
    "新华社",
    "European Commission",
];

/// A sentence of 6–18 words, mostly English, now and then German, Chinese
/// or an emoji, with inline emphasis when `markdown` is true.
fn sentence(rng: &mut Rng, out: &mut String, markdown: bool) {
    let words = 6 + rng.below(13);
    let chinese = rng.one_in(12);
    for i in 0..words {
        if i > 0 && !chinese {
            out.push(' ');
        }
        let word = if chinese {
            rng.pick(CHINESE)
        } else if rng.one_in(9) {
            rng.pick(GERMAN)
        } else if rng.one_in(40) {
            rng.pick(EMOJI)
        } else {
            rng.pick(ENGLISH)
        };
        if markdown && rng.one_in(25) {
            match rng.below(4) {
                0 => {
                    out.push('*');
                    out.push_str(word);
                    out.push('*');
                }
                1 => {
                    out.push_str("**");
                    out.push_str(word);
                    out.push_str("**");
                }
                2 => {
                    out.push('`');
                    out.push_str(word);
                    out.push('`');
                }
                _ => {
                    out.push('[');
                    out.push_str(word);
                    out.push_str("](https://example.org/");
                    out.push_str(&rng.below(10_000).to_string());
                    out.push(')');
                }
            }
        } else if i == 0 && !chinese {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push_str(word);
        }
    }
    out.push_str(if chinese { "。" } else { "." });
}

/// A paragraph of sentences, wrapped at about 78 columns like a person's
/// file (soft breaks become spaces).
fn paragraph(rng: &mut Rng, out: &mut String, sentences: usize) {
    let mut text = String::new();
    for i in 0..sentences {
        if i > 0 {
            text.push(' ');
        }
        sentence(rng, &mut text, true);
    }
    hard_wrap(&text, "", out);
}

/// Breaks `text` at spaces near 78 bytes, prefixing every line.
fn hard_wrap(text: &str, prefix: &str, out: &mut String) {
    let mut column = 0;
    out.push_str(prefix);
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            if column + word.len() > 78 {
                out.push('\n');
                out.push_str(prefix);
                column = 0;
            } else {
                out.push(' ');
                column += 1;
            }
        }
        out.push_str(word);
        column += word.len();
    }
    out.push('\n');
}

/// One body block, chosen at random; headings come from the caller.
fn block(rng: &mut Rng, out: &mut String) {
    match rng.below(12) {
        10 => {
            // A table of figures with a note per row, right-aligned numbers.
            out.push_str(
                "| Year | Imports | Exports | Note |\n|------|--------:|--------:|------|\n",
            );
            for year in 2019..2019 + 2 + rng.below(4) {
                // Notes are a few words, as in a table of figures.
                let note: Vec<&str> = (0..2 + rng.below(4)).map(|_| rng.pick(ENGLISH)).collect();
                let note = note.join(" ");
                out.push_str(&format!(
                    "| {year} | {} | {} | {note} |\n",
                    rng.below(90_000),
                    rng.below(90_000)
                ));
            }
        }
        11 => {
            // A paragraph citing a footnote, and the note.
            let label = rng.below(1_000);
            let mut text = String::new();
            sentence(rng, &mut text, true);
            text.pop();
            out.push_str(&format!("{text}.[^n{label}]\n\n[^n{label}]: "));
            sentence(rng, out, true);
            out.push('\n');
        }
        0..=4 => {
            let sentences = 2 + rng.below(5);
            paragraph(rng, out, sentences);
        }
        5 | 6 => {
            // A bulleted list, with a nested list now and then.
            for _ in 0..2 + rng.below(4) {
                let mut item = String::new();
                sentence(rng, &mut item, true);
                out.push_str("- ");
                out.push_str(&item);
                out.push('\n');
                if rng.one_in(3) {
                    for _ in 0..1 + rng.below(3) {
                        let mut inner = String::new();
                        sentence(rng, &mut inner, true);
                        out.push_str("  - ");
                        out.push_str(&inner);
                        out.push('\n');
                    }
                }
            }
        }
        7 => {
            let start = 1 + rng.below(5);
            for n in start..start + 2 + rng.below(3) {
                let mut item = String::new();
                sentence(rng, &mut item, true);
                out.push_str(&format!("{n}. {item}\n"));
            }
        }
        8 => {
            let mut text = String::new();
            sentence(rng, &mut text, false);
            text.push(' ');
            sentence(rng, &mut text, false);
            hard_wrap(&format!("„{text}“"), "> ", out);
            out.push_str(">\n> — statement, as quoted in the report\n");
        }
        _ => {
            out.push_str("```\n");
            for year in 2019..2019 + 2 + rng.below(4) {
                out.push_str(&format!(
                    "{year}  imports {:>5}  exports {:>5}\n",
                    rng.below(90_000),
                    rng.below(90_000)
                ));
            }
            out.push_str("```\n");
        }
    }
}

/// Quotes `text` as a one-line TOML basic string.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn fact(rng: &mut Rng, out: &mut String, table: &str, sources: usize) {
    let mut label = String::new();
    for i in 0..2 + rng.below(3) {
        if i > 0 {
            label.push(' ');
        }
        label.push_str(rng.pick(ENGLISH));
    }
    let value = match rng.below(3) {
        0 => format!("€{}.{} bn", rng.below(100), rng.below(10)),
        1 => format!("{} {}", rng.pick(GERMAN), rng.pick(CHINESE)),
        _ => format!("{} tonnes a day", rng.below(5_000)),
    };
    out.push_str(&format!(
        "\n  [[{table}]]\n  label = {}\n  value = {}\n",
        quoted(&label),
        quoted(&value)
    ));
    if rng.one_in(2) {
        out.push_str(&format!("  as_of = \"{}\"\n", 2015 + rng.below(10)));
    }
    if rng.one_in(3) {
        let mut note = String::new();
        sentence(rng, &mut note, false);
        out.push_str(&format!("  note = {}\n", quoted(&note)));
    }
    out.push_str(&format!("  source = \"src-{}\"\n", rng.below(sources)));
}

fn chart(rng: &mut Rng, out: &mut String, sources: usize) {
    let title = format!("{} {}", rng.pick(TITLES), rng.pick(ENGLISH));
    out.push_str(&format!(
        "\n  [[sections.charts]]\n  title = {}\n  unit = \"€ bn\"\n  source = \"src-{}\"\n  points = [",
        quoted(&title),
        rng.below(sources)
    ));
    let start = 2010 + rng.below(8);
    for (i, year) in (start..start + 2 + rng.below(6)).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            " {{ label = \"{year}\", value = {}.{} }}",
            rng.below(50),
            rng.below(10)
        ));
    }
    out.push_str(" ]\n");
}

/// Writes a briefing for `spec`: valid format 1, about `spec.size` bytes
/// (never much less; at most a block or so more, or the smallest briefing
/// with that many sections if `size` is below it).
pub fn generate(spec: &Spec) -> String {
    let mut rng = Rng(spec.seed ^ 0x5EED_B81E_F000_0001);
    let sections = spec.sections.max(1);
    let source_count = 6;
    let mut out = String::with_capacity(spec.size + 4096);
    out.push_str("# Briefing (format 1), generated by brief's testdata module.\n\n");
    out.push_str(&format!(
        "title = {}\n",
        quoted(&format!(
            "Synthetic briefing {} — Lüttich, 比利时 📦",
            spec.seed
        ))
    ));
    out.push_str("subtitle = \"Generated text for benchmarks: trade, Überwachung and 数据安全\"\n");
    out.push_str("date = 2024-05-17\nclassification = \"OFFICIAL\"\n");
    out.push_str("audience = \"Whoever measures brief\"\n");
    out.push_str("authors = [\"brief testdata\", \"Jürgen Müller\"]\n");
    out.push_str("tags = [\"synthetic\", \"benchmark\", \"Lüttich\", \"中文\"]\n");
    out.push_str("summary = \"\"\"\n");
    paragraph(&mut rng, &mut out, 4);
    out.push_str("\"\"\"\n");
    for _ in 0..4 {
        let mut table = String::new();
        fact(&mut rng, &mut table, "facts", source_count);
        out.push_str(&table.replace("\n  ", "\n"));
    }

    // The sources go at the end; measure them first so that sections can
    // share what is left of the budget.
    let mut sources = String::new();
    for i in 0..source_count {
        let publisher = rng.pick(PUBLISHERS);
        let mut title = String::new();
        sentence(&mut rng, &mut title, false);
        sources.push_str(&format!(
            "\n[[sources]]\nid = \"src-{i}\"\ntitle = {}\npublisher = {}\ndate = 2023-{:02}-{:02}\nurl = \"https://example.org/source/{i}\"\n",
            quoted(&title),
            quoted(publisher),
            1 + rng.below(12),
            1 + rng.below(28)
        ));
    }

    for number in 0..sections {
        // Spread what is left evenly over the sections still to come, so
        // the total lands close to the request whatever the block sizes.
        let left = spec
            .size
            .saturating_sub(out.len() + sources.len())
            .checked_div(sections - number)
            .unwrap_or(0);
        let title = format!("{} {}", rng.pick(TITLES), number + 1);
        let header = format!(
            "\n[[sections]]\nid = \"s{}\"\ntitle = {}\nsources = [\"src-{}\", \"src-{}\"]\nbody = \"\"\"\n",
            number + 1,
            quoted(&title),
            rng.below(source_count),
            rng.below(source_count)
        );
        // Facts for most sections, a chart for one in three; the body
        // fills the rest of the section's share.
        let mut extras = String::new();
        if !rng.one_in(4) {
            fact(&mut rng, &mut extras, "sections.facts", source_count);
        }
        if rng.one_in(3) {
            chart(&mut rng, &mut extras, source_count);
        }
        let body_budget = left.saturating_sub(header.len() + extras.len() + 4);
        out.push_str(&header);
        let body_start = out.len();
        let mut blocks = 0;
        // Stop when half a typical block would overshoot, so that the
        // error averages out instead of always adding.
        while blocks == 0 || out.len() - body_start + 150 < body_budget {
            if blocks > 0 {
                out.push('\n');
            }
            if blocks % 4 == 2 {
                let mut heading = String::new();
                for i in 0..2 + rng.below(3) {
                    if i > 0 {
                        heading.push(' ');
                    }
                    heading.push_str(if rng.one_in(4) {
                        rng.pick(GERMAN)
                    } else {
                        rng.pick(ENGLISH)
                    });
                }
                out.push_str(&format!("### {heading}\n\n"));
            }
            block(&mut rng, &mut out);
            blocks += 1;
        }
        out.push_str("\"\"\"\n");
        out.push_str(&extras);
    }
    out.push_str(&sources);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("10MB"), Some(10_000_000));
        assert_eq!(parse_size("1.5mb"), Some(1_500_000));
        assert_eq!(parse_size("2MiB"), Some(2 * 1024 * 1024));
        assert_eq!(parse_size("512KB"), Some(512_000));
        assert_eq!(parse_size("4096"), Some(4096));
        assert_eq!(parse_size("ten"), None);
        assert_eq!(parse_size("3 parsecs"), None);
    }

    #[test]
    fn the_same_spec_gives_the_same_bytes() {
        let spec = Spec::new(50_000, 20);
        assert_eq!(generate(&spec), generate(&spec));
        let other = Spec { seed: 2, ..spec };
        assert_ne!(generate(&spec), generate(&other));
    }

    #[test]
    fn small_briefings_load() {
        for (size, sections) in [(0, 1), (2_000, 3), (30_000, 7), (100_000, 50)] {
            let text = generate(&Spec::new(size, sections));
            let briefing = crate::loader::load_str("gen.toml", &text)
                .unwrap_or_else(|e| panic!("{size}/{sections}: {:?}", e.diagnostics));
            assert_eq!(briefing.sections.len(), sections);
        }
    }
}

//! Writes a synthetic briefing to stdout, for benchmarks and budgets.
//!
//! `cargo run --release --example generate -- --size 10MB --sections 2000 > big.toml`
//! (`--seed N` gives another, equally deterministic, briefing).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use std::io::Write;
use std::process::ExitCode;

use brief::testdata::{self, Spec};

fn main() -> ExitCode {
    let mut spec = Spec::new(testdata::TEN_MB, 2000);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next();
        let parsed = match (flag.as_str(), value.as_deref()) {
            ("--size", Some(v)) => testdata::parse_size(v).map(|n| spec.size = n),
            ("--sections", Some(v)) => v.parse().ok().filter(|n| *n > 0).map(|n| spec.sections = n),
            ("--seed", Some(v)) => v.parse().ok().map(|n| spec.seed = n),
            _ => None,
        };
        if parsed.is_none() {
            eprintln!(
                "usage: generate [--size 10MB] [--sections 2000] [--seed 1]  (bad or missing value for {flag})"
            );
            return ExitCode::from(2);
        }
    }
    let text = testdata::generate(&spec);
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("generate: cannot write: {e}");
            ExitCode::from(1)
        }
    }
}

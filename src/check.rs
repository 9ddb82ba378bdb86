//! `brief check`: validate briefings (and a keymap) for analysts and CI.
//!
//! Owns finding the files behind the paths given, running the loader (or
//! the keymap reader) on each and reporting: an `ok` line with a short
//! summary per valid file on stdout, every diagnostic of an invalid one on
//! stderr. It never stops at the first bad file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Severity};
use crate::keymap;
use crate::loader::{self, display_name};
use crate::model::Briefing;

/// The outcome of a check run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Files that loaded.
    pub valid: usize,
    /// Files with errors.
    pub invalid: usize,
}

impl Summary {
    /// True if nothing was wrong.
    pub fn all_valid(&self) -> bool {
        self.invalid == 0
    }
}

/// The briefing files behind `path`: the file itself, or the `.toml` and
/// `.md` files directly inside a folder, sorted by name.
pub fn briefing_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|p| loader::is_briefing_path(p) && !p.is_dir())
        .collect();
    files.sort();
    Ok(files)
}

/// One line saying what a valid briefing holds.
pub fn describe(briefing: &Briefing) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = vec![
        plural(briefing.sections.len(), "section", "sections"),
        plural(briefing.fact_count(), "fact", "facts"),
    ];
    let charts = briefing.chart_count();
    if charts > 0 {
        parts.push(plural(charts, "chart", "charts"));
    }
    parts.push(plural(briefing.sources.len(), "source", "sources"));
    parts.join(", ")
}

/// Checks every briefing behind `paths`, writing reports to `out`/`err`.
pub fn run(
    paths: &[PathBuf],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Summary> {
    let mut summary = Summary::default();
    for path in paths {
        let files = match briefing_files(path) {
            Ok(files) => files,
            Err(error) => {
                let d = Diagnostic::whole_file(
                    &display_name(path),
                    Severity::Error,
                    format!("cannot read the folder: {error}"),
                    None,
                );
                writeln!(err, "{d}")?;
                summary.invalid += 1;
                continue;
            }
        };
        if files.is_empty() {
            let d = Diagnostic::whole_file(
                &display_name(path),
                Severity::Error,
                "no briefings (.toml or .md files) in this folder".to_owned(),
                Some("check the path".to_owned()),
            );
            writeln!(err, "{d}")?;
            summary.invalid += 1;
            continue;
        }
        for file in files {
            match loader::check_path(&file) {
                Ok(briefing) => {
                    summary.valid += 1;
                    writeln!(out, "ok  {}: {}", display_name(&file), describe(&briefing))?;
                    for notice in &briefing.notices {
                        let d = Diagnostic::whole_file(
                            &display_name(&file),
                            Severity::Warning,
                            notice.clone(),
                            None,
                        );
                        writeln!(err, "{d}")?;
                    }
                }
                Err(error) => {
                    summary.invalid += 1;
                    for d in &error.diagnostics {
                        writeln!(err, "{}", d.render_with_snippet())?;
                    }
                    let count = error.diagnostics.len();
                    writeln!(
                        err,
                        "{}: {count} {} — fix {} and run `brief check` again\n",
                        display_name(&file),
                        if count == 1 { "error" } else { "errors" },
                        if count == 1 { "it" } else { "them" },
                    )?;
                }
            }
        }
    }
    Ok(summary)
}

/// Checks the keymap at `path`, strictly: an `ok` line with the number of
/// bindings it makes, or every diagnostic. Returns whether it is valid.
pub fn run_keymap(path: &Path, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<bool> {
    let report = keymap::inspect_file(path);
    let name = display_name(path);
    if report.diagnostics.is_empty() {
        let n = report.bindings;
        writeln!(
            out,
            "ok  {name}: keymap, {n} {}",
            if n == 1 { "binding" } else { "bindings" }
        )?;
        return Ok(true);
    }
    for d in &report.diagnostics {
        writeln!(err, "{}", d.render_with_snippet())?;
    }
    let count = report.diagnostics.len();
    writeln!(
        err,
        "{name}: {count} {} — fix {} and run `brief check --keymap` again\n",
        if count == 1 { "error" } else { "errors" },
        if count == 1 { "it" } else { "them" },
    )?;
    Ok(false)
}

//! The `brief` binary: parses the command line and runs one command.
//!
//! Errors before the screen is taken go to stderr with exit status 2 (usage)
//! or 1 (a file that cannot be used).

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use brief::check;
use brief::cli::{Cli, Command};
use brief::glyphs::Glyphs;
use brief::loader;
use brief::print;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let glyphs = Glyphs::new(cli.ascii);
    match cli.command {
        Some(Command::Check { paths, keymap }) => run_check(&paths, keymap.as_deref()),
        Some(Command::Print { file, width }) => run_print(&file, width.map(usize::from), glyphs),
        None => {
            let path = cli.path.unwrap_or_else(|| PathBuf::from("briefings"));
            run_print(&path, None, glyphs)
        }
    }
}

/// `brief check [--keymap PATH] [paths…]`: the keymap first, then the
/// briefings; exit 1 if any of them is invalid.
fn run_check(paths: &[PathBuf], keymap: Option<&Path>) -> ExitCode {
    if paths.is_empty() && keymap.is_none() {
        eprintln!(
            "brief check: name at least one briefing file or folder, e.g. `brief check briefings`, or a keymap with `--keymap PATH`"
        );
        return ExitCode::from(2);
    }
    let stdout = io::stdout();
    let stderr = io::stderr();
    let (mut out, mut err) = (stdout.lock(), stderr.lock());
    let mut valid = true;
    if let Some(path) = keymap {
        match check::run_keymap(path, &mut out, &mut err) {
            Ok(ok) => valid &= ok,
            Err(error) => return exit_on_write_error(&error),
        }
    }
    if !paths.is_empty() {
        match check::run(paths, &mut out, &mut err) {
            Ok(summary) => valid &= summary.all_valid(),
            Err(error) => return exit_on_write_error(&error),
        }
    }
    if valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn run_print(path: &Path, width: Option<usize>, glyphs: Glyphs) -> ExitCode {
    let briefing = match loader::load_path(path) {
        Ok(briefing) => briefing,
        Err(error) => {
            for d in &error.diagnostics {
                eprintln!("{}", d.render_with_snippet());
            }
            return ExitCode::from(1);
        }
    };
    let stdout = io::stdout();
    let width = width.unwrap_or_else(|| {
        if stdout.is_terminal() {
            ratatui::crossterm::terminal::size()
                .map(|(w, _)| usize::from(w))
                .unwrap_or(print::DEFAULT_WIDTH)
        } else {
            print::DEFAULT_WIDTH
        }
    });
    let mut out = io::BufWriter::new(stdout.lock());
    match print::write(&briefing, width, glyphs, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => exit_on_write_error(&error),
    }
}

/// A closed pipe (`brief print … | head`) is a normal end; anything else is
/// reported.
fn exit_on_write_error(error: &io::Error) -> ExitCode {
    if error.kind() == io::ErrorKind::BrokenPipe {
        return ExitCode::SUCCESS;
    }
    let _ = writeln!(io::stderr(), "brief: cannot write the output: {error}");
    ExitCode::from(1)
}

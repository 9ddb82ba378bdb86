//! The `brief` binary: parses the command line and runs one command.
//!
//! Errors before the screen is taken go to stderr with exit status 2 (usage)
//! or 1 (a file that cannot be used).

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use brief::app::export_dialog::ExportPlace;
use brief::app::library::LibraryState;
use brief::app::{App, Settings};
use brief::check;
use brief::cli::{BriefFormat, Cli, Command};
use brief::glyphs::Glyphs;
use brief::keymap::Keymap;
use brief::loader;
use brief::onepage;
use brief::print;
use brief::runtime::{self, LocalEffects, SystemClock};
use brief::state::Store;
use brief::terminal;
use brief::theme::{ColorMode, Theme};
use ratatui::layout::Rect;

fn main() -> ExitCode {
    let mut cli = match brief::cli::parse_from(
        std::env::args_os(),
        &mut io::stdout().lock(),
        &mut io::stderr().lock(),
        io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    ) {
        Ok(cli) => cli,
        Err(status) => return ExitCode::from(status),
    };
    let glyphs = Glyphs::detect(cli.ascii, |name| std::env::var(name).ok());
    match cli.command {
        Some(Command::Check { paths, keymap }) => run_check(&paths, keymap.as_deref()),
        Some(Command::Print {
            file,
            width,
            brief: true,
            format,
        }) => run_brief(&file, width.map(usize::from), format, glyphs),
        Some(Command::Print {
            file,
            format: BriefFormat::Markdown,
            ..
        }) => run_print_markdown(&file),
        Some(Command::Print { file, width, .. }) => {
            run_print(&file, width.map(usize::from), glyphs)
        }
        Some(Command::Serve(args)) => brief::serve::run(&args, cli.ascii, cli.no_color),
        None => {
            // Settings from config.toml, before the screen is taken so that
            // a problem with them can be shown.
            let mut wanted = brief::clipboard::Wanted {
                clipboard: !cli.no_clipboard,
                hyperlinks: true,
            };
            match brief::config::load() {
                Ok(config) => {
                    cli.plain_output |= config.output == brief::config::Output::Plain;
                    wanted.clipboard &= config.clipboard;
                    wanted.hyperlinks &= config.hyperlinks;
                }
                Err(message) => {
                    let _ = writeln!(io::stderr(), "brief: {message}");
                    return ExitCode::from(2);
                }
            }
            let path = cli
                .path
                .clone()
                .unwrap_or_else(|| PathBuf::from("briefings"));
            run_reader(&cli, &path, glyphs, wanted)
        }
    }
}

/// Opens the reader on a file or a folder. Problems found before the
/// screen is taken go to stderr; after that, to the status line.
fn run_reader(
    cli: &Cli,
    path: &Path,
    glyphs: Glyphs,
    wanted: brief::clipboard::Wanted,
) -> ExitCode {
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() || dumb {
        // No screen to draw on: give the plain text instead of a broken one.
        if path.is_dir() {
            return run_check(&[path.to_path_buf()], None);
        }
        return run_print(path, None, glyphs);
    }
    // The explicit --keymap, else the user's file in the usual places.
    let (keymap, keymap_errors) = Keymap::load(cli.keymap.as_deref());
    let settings = Settings {
        keymap,
        keymap_errors,
        theme: Theme::new(ColorMode::detect(
            cli.no_color,
            std::env::var("NO_COLOR").ok().as_deref(),
        )),
        glyphs,
        store: Some(Store::for_this_user()),
        mouse: cli.mouse,
        // Never the current folder: the user's documents (or home), shown
        // in the dialog so it can be changed.
        export: ExportPlace::Ask {
            dir: brief::export::proposed_folder(),
            home: brief::paths::home_dir(),
        },
    };
    let (width, height) = terminal::size().unwrap_or((80, 24));
    let area = Rect::new(0, 0, width, height);
    let mut app = if path.is_dir() {
        let library = match LibraryState::open(path) {
            Ok(library) => library,
            Err(error) => {
                eprintln!(
                    "brief: cannot read the folder {}: {error}",
                    loader::display_name(path)
                );
                return ExitCode::from(1);
            }
        };
        match library.entries.len() {
            0 => {
                eprintln!(
                    "brief: no briefings (.toml or .md files) in {} — give a briefing file or a folder that holds some",
                    loader::display_name(path)
                );
                return ExitCode::from(1);
            }
            1 if library.entries[0].briefing.is_ok() => {
                let entry = &library.entries[0];
                match &entry.briefing {
                    Ok(briefing) => App::with_briefing(
                        settings,
                        (**briefing).clone(),
                        entry.name.clone(),
                        Some(entry.path.clone()),
                        area,
                    ),
                    Err(_) => App::with_library(settings, library, area),
                }
            }
            _ => App::with_library(settings, library, area),
        }
    } else {
        // The reader: a large briefing's bodies are parsed as they are shown.
        let Some(briefing) = load_or_report_with(path, loader::load_path_lazy) else {
            return ExitCode::from(1);
        };
        let name = path
            .file_name()
            .map(|n| loader::display_name(Path::new(n)))
            .unwrap_or_default();
        App::with_briefing(settings, briefing, name, Some(path.to_path_buf()), area)
    };
    // Copies and links only where the terminal can take them.
    app.features = brief::clipboard::Features::detect(
        std::env::var("TERM").ok().as_deref(),
        std::env::var_os("TMUX").is_some_and(|v| !v.is_empty()),
        glyphs.ascii,
        wanted,
    );
    terminal::install_panic_hook();
    // Bracketed paste, so pasted text reaches a note as text; the mouse
    // only when asked for, as it takes over the terminal's own selection.
    let modes = terminal::Modes {
        mouse: cli.mouse,
        paste: true,
        plain_output: cli.plain_output,
    };
    let mut save_error = None;
    // The folder is watched so an edited briefing reloads in place.
    let folder = brief::watch::folder_of(path);
    // Effects are performed with the same store and folder the app was
    // set up with.
    let mut effects = LocalEffects::new(app.store.clone());
    let result = terminal::run(
        &mut app,
        modes,
        Some(&folder),
        &mut effects,
        |app, effects| {
            // Called once on every way out but a panic (quit, a signal, the
            // terminal going away): remember the place, the marks and notes.
            save_error = runtime::finish(app, effects, &SystemClock).err();
            #[cfg(feature = "test-hooks")]
            test_hooks::record_exit();
        },
    );
    let save_failed = save_error.is_some();
    if let Some(message) = save_error {
        let _ = writeln!(io::stderr(), "brief: {message}");
    }
    match result {
        // Notes or marks that were not written are lost: a script (or the
        // shell's prompt) must see that, not a clean exit.
        Ok(ending) if save_failed && ending.exit_code() == 0 => ExitCode::from(1),
        Ok(ending) => ExitCode::from(ending.exit_code()),
        Err(error) => {
            // The terminal may be gone, stderr with it: never panic here.
            let _ = writeln!(io::stderr(), "brief: the terminal failed: {error}");
            ExitCode::from(1)
        }
    }
}

/// Test-only instrumentation, compiled in with the `test-hooks` feature.
#[cfg(feature = "test-hooks")]
mod test_hooks {
    /// Appends a line to the file named by `BRIEF_TEST_EXIT_LOG`, so tests
    /// can count how often the exit hook ran.
    pub fn record_exit() {
        use std::io::Write;
        if let Some(path) = std::env::var_os("BRIEF_TEST_EXIT_LOG") {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path);
            if let Ok(mut file) = file {
                let _ = writeln!(file, "exit");
            }
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

/// Loads a briefing, or prints every problem with it to stderr.
fn load_or_report(path: &Path) -> Option<brief::model::Briefing> {
    load_or_report_with(path, loader::load_path)
}

/// [`load_or_report`] with the given way of loading.
fn load_or_report_with(
    path: &Path,
    load: fn(&Path) -> Result<brief::model::Briefing, loader::LoadError>,
) -> Option<brief::model::Briefing> {
    match load(path) {
        Ok(briefing) => Some(briefing),
        Err(error) => {
            for d in &error.diagnostics {
                eprintln!("{}", d.render_with_snippet());
            }
            None
        }
    }
}

fn run_print(path: &Path, width: Option<usize>, glyphs: Glyphs) -> ExitCode {
    let Some(briefing) = load_or_report(path) else {
        return ExitCode::from(1);
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

/// `brief print --format markdown`: the whole briefing as a Markdown
/// briefing file, written from the text as it was authored.
fn run_print_markdown(path: &Path) -> ExitCode {
    let (briefing, raw) = match loader::load_path_with_text(path) {
        Ok(loaded) => loaded,
        Err(error) => {
            for d in &error.diagnostics {
                eprintln!("{}", d.render_with_snippet());
            }
            return ExitCode::from(1);
        }
    };
    let text = loader::markdown_out::write(&briefing, &raw);
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => exit_on_write_error(&error),
    }
}

/// `brief print --brief`: the one-page brief, with the reader's notes.
fn run_brief(path: &Path, width: Option<usize>, format: BriefFormat, glyphs: Glyphs) -> ExitCode {
    let Some(briefing) = load_or_report(path) else {
        return ExitCode::from(1);
    };
    // The reader's notes, if any are kept; a state file that cannot be
    // read is said (the brief is printed without its notes) and the exit
    // is non-zero, so a brief missing notes is never taken for complete.
    let store = Store::for_this_user();
    let (state, load) = store.load(path);
    let notes_missing = store.unavailable().is_none() && load != brief::state::LoadNote::Fine;
    if notes_missing {
        let _ = writeln!(
            io::stderr(),
            "brief: your notes on this briefing are not in this brief: {}",
            brief::sanitize::line(&load.to_string())
        );
    }
    let notes = state.notes;
    let entries = onepage::note_entries(&briefing, &notes);
    let format = match format {
        BriefFormat::Text => onepage::Format::Text,
        BriefFormat::Markdown => onepage::Format::Markdown,
    };
    let text = onepage::render(
        &briefing,
        &entries,
        format,
        width.unwrap_or(print::DEFAULT_WIDTH),
        glyphs,
    );
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) if notes_missing => ExitCode::from(1),
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

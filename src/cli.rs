//! The command line: what `brief` accepts, as clap definitions.
//!
//! Parsing only; deciding what to run is `main`'s job. `--help` and
//! `--version` are written here rather than by clap, so that a failed
//! write (`brief --help > /dev/full`) is reported and ends non-zero.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;

use clap::error::ErrorKind;
use clap::{Parser, Subcommand};

/// A terminal reader for policy briefings.
///
/// Opens a briefing file in the reader, or a folder of briefings as a
/// library (default: ./briefings).
#[derive(Debug, Parser)]
#[command(name = "brief", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do other than reading.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// A briefing file, or a folder of briefings [default: ./briefings]
    pub path: Option<PathBuf>,

    /// Keymap file overriding the default keys
    #[arg(long, value_name = "PATH")]
    pub keymap: Option<PathBuf>,

    /// Draw with ASCII characters only
    #[arg(long, global = true)]
    pub ascii: bool,

    /// No colour (also when NO_COLOR is set)
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Let the mouse wheel scroll and clicks select (off: the terminal keeps
    /// its own text selection)
    #[arg(long)]
    pub mouse: bool,

    /// Draw with ratatui's plain terminal backend instead of sending each
    /// frame as the smallest change (for a terminal that garbles scrolled
    /// regions); also `output = "plain"` in the config file
    #[arg(long)]
    pub plain_output: bool,

    /// Never copy to the clipboard through the terminal (OSC 52), so the
    /// copy keys do nothing; also `clipboard = false` in the config file
    #[arg(long)]
    pub no_clipboard: bool,
}

/// Parses `args` (the program name first). On `--help`, `--version` or a
/// usage error, writes what clap prepared — help and version to `out`,
/// errors to `err`, with colour if `color` — and returns the exit status:
/// 0 once the help is written, 1 if writing it failed, 2 for a usage error.
pub fn parse_from<I, T>(
    args: I,
    out: &mut impl Write,
    err: &mut impl Write,
    color: bool,
) -> Result<Cli, u8>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let error = match Cli::try_parse_from(args) {
        Ok(cli) => return Ok(cli),
        Err(error) => error,
    };
    let rendered = error.render();
    let text = if color {
        rendered.ansi().to_string()
    } else {
        rendered.to_string()
    };
    let asked_for = matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if !asked_for || error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
        return Err(2);
    }
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Err(0),
        // `brief --help | head -1` is a normal end.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Err(0),
        Err(error) => {
            let _ = writeln!(err, "brief: cannot write the output: {error}");
            Err(1)
        }
    }
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate briefings (files or folders) and, with --keymap, a keymap
    Check {
        /// Briefing files or folders of briefings
        paths: Vec<PathBuf>,
        /// Also check this keymap file, strictly
        #[arg(long, value_name = "PATH")]
        keymap: Option<PathBuf>,
    },
    /// Print a briefing as plain wrapped text, key facts included
    Print {
        /// The briefing file
        file: PathBuf,
        /// Wrap to this many columns [default: the terminal's width, or 80]
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        width: Option<u16>,
        /// The one-page brief for a meeting: bottom line, key facts, charts,
        /// your notes, sources
        #[arg(long)]
        brief: bool,
        /// Output format: plain text, or Markdown (with --brief the one-page
        /// brief; without, the whole briefing as a .md file brief opens again)
        #[arg(long, value_enum, default_value_t = BriefFormat::Text)]
        format: BriefFormat,
    },
    /// Serve the library over SSH: public keys only, no shell, each
    /// reader their own state, briefings above a reader's level invisible
    Serve(Box<crate::serve::ServeArgs>),
}

/// Formats `print` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BriefFormat {
    /// Plain text
    Text,
    /// CommonMark, for mail or a document
    Markdown,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream that refuses every byte, like /dev/full.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _buf: &[u8]) -> io::Result<usize> {
            Err(io::Error::from_raw_os_error(28))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn help_and_version_are_written_to_stdout_and_end_with_zero() {
        for (flag, expected) in [("--help", "Usage: brief"), ("--version", "brief 0.")] {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let result = parse_from(["brief", flag], &mut out, &mut err, false);
            assert_eq!(result.err(), Some(0), "{flag}");
            assert!(String::from_utf8_lossy(&out).contains(expected), "{flag}");
            assert!(err.is_empty(), "{flag}");
        }
    }

    #[test]
    fn a_help_that_cannot_be_written_ends_with_an_error() {
        for flag in ["--help", "--version", "-h", "-V"] {
            let mut err = Vec::new();
            let result = parse_from(["brief", flag], &mut Full, &mut err, false);
            assert_eq!(result.err(), Some(1), "{flag}");
            let message = String::from_utf8_lossy(&err);
            assert!(
                message.contains("cannot write the output"),
                "{flag}: {message}"
            );
        }
    }

    #[test]
    fn a_usage_error_goes_to_stderr_with_status_two() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let result = parse_from(["brief", "--no-such-flag"], &mut out, &mut err, false);
        assert_eq!(result.err(), Some(2));
        assert!(out.is_empty());
        assert!(String::from_utf8_lossy(&err).contains("--no-such-flag"));
    }

    #[test]
    fn plain_output_is_a_flag_of_the_reader() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let cli = parse_from(
            ["brief", "--plain-output", "x.toml"],
            &mut out,
            &mut err,
            false,
        )
        .ok()
        .map(|cli| cli.plain_output);
        assert_eq!(cli, Some(true));
    }
}

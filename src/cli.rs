//! The command line: what `brief` accepts, as clap definitions.
//!
//! Parsing only; deciding what to run is `main`'s job.

use std::path::PathBuf;

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
        /// Format of the one-page brief
        #[arg(long, value_enum, default_value_t = BriefFormat::Text, requires = "brief")]
        format: BriefFormat,
    },
    /// Serve the library over SSH: public keys only, no shell, each
    /// reader their own state, briefings above a reader's level invisible
    Serve(crate::serve::ServeArgs),
}

/// Formats of the one-page brief.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BriefFormat {
    /// Plain text
    Text,
    /// CommonMark, for mail or a document
    Markdown,
}

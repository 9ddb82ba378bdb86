//! brief: a terminal reader for policy briefings.
//!
//! The library holds everything but the process entry point: the briefing
//! model and its loader, the text layout engine shared by the reader and
//! `brief print`, and the reader itself.

pub mod action;
pub mod app;
pub mod check;
pub mod cli;
pub mod clipboard;
pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod export;
pub mod fsio;
pub mod glyphs;
pub mod hyperlink;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod loader;
pub mod markdown;
pub mod model;
pub mod onepage;
pub mod output;
pub mod paths;
pub mod phases;
pub mod print;
pub mod runtime;
pub mod sanitize;
pub mod search;
pub mod serve;
pub mod spot;
pub mod state;
pub mod terminal;
pub mod testdata;
pub mod text;
pub mod theme;
pub mod ui;
pub mod watch;

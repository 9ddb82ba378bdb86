//! Where the memory of a large briefing goes, counted exactly: a counting
//! allocator reports the bytes live after loading the generated 10 MB
//! briefing, after laying it out for the reader, and the high-water mark of
//! each step, and fails if the model, or the model with its layout,
//! outgrows its budget.
//!
//! `cargo bench --bench memory` (or `-- PATH` for another briefing). The
//! figures are bytes asked of the allocator, not resident pages: the
//! process's peak resident set adds the allocator's own overhead and the
//! binary, and is measured by `tools/budgets.py`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use brief::glyphs::Glyphs;
use brief::layout::{self, Options};
use brief::loader;
use brief::testdata::{self, Spec};

/// The system allocator, counting live bytes, their high-water mark and
/// the number of allocations.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static COUNT: AtomicUsize = AtomicUsize::new(0);

fn grew(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is passed straight to `System`, which upholds the
// `GlobalAlloc` contract; the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        COUNT.fetch_add(1, Ordering::Relaxed);
        grew(layout.size());
        // SAFETY: the caller's layout is passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        COUNT.fetch_add(1, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        grew(new_size);
        // SAFETY: `ptr` was allocated by `System` with this layout.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MB: f64 = 1024.0 * 1024.0;

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / MB)
}

/// Runs `step`, then reports the live bytes and the step's high-water mark.
fn step<T>(name: &str, step: impl FnOnce() -> T) -> (T, usize, usize) {
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
    let before = COUNT.load(Ordering::Relaxed);
    let out = step();
    let live = LIVE.load(Ordering::Relaxed);
    let peak = PEAK.load(Ordering::Relaxed);
    let count = COUNT.load(Ordering::Relaxed) - before;
    println!(
        "{name:<34} live {:>9}  peak {:>9}  {count:>9} allocations",
        mb(live),
        mb(peak)
    );
    (out, live, peak)
}

fn main() {
    // `cargo bench` passes `--bench`; a path given after `--` is read instead.
    let path = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let (text, name) = match &path {
        Some(path) => (
            std::fs::read_to_string(path).expect("readable"),
            path.clone(),
        ),
        None => (
            testdata::generate(&Spec::new(testdata::TEN_MB, 2000)),
            "generated 10 MB".to_owned(),
        ),
    };
    let file = text.len();
    println!("{name}: {}", mb(file));
    let file_name = if name.ends_with(".md") {
        "b.md"
    } else {
        "b.toml"
    };
    // The reader's way first: bodies kept as the file's text, the start
    // laid out, then the whole with only 256 KB of its text kept.
    let shared = std::sync::Arc::new(text.clone());
    let reader_peak = if file_name.ends_with(".toml") {
        PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
        let base = LIVE.load(Ordering::Relaxed);
        let (lazy, _, _) = step("reader: load, bodies as text", || {
            std::sync::Arc::new(loader::load_str_lazy(file_name, &shared).expect("valid"))
        });
        let options = Options {
            glyphs: Glyphs::UNICODE,
            facts_inline: false,
            underline_headings: false,
            mark_strike: false,
        };
        let (start, _, _) = step("reader: the start, width 100", || {
            layout::document_start(&lazy, 100, options, 1, 240, 60)
        });
        let (whole, held, _) = step("reader: the whole, width 100", || {
            layout::document_in_background(&lazy, 100, options)
        });
        drop((start, whole, lazy));
        // What the reader's briefing and layout hold beyond the file's
        // text (which the bodies share).
        Some((held - base, PEAK.load(Ordering::Relaxed) - base))
    } else {
        None
    };
    drop(shared);
    let (briefing, model, _) = step("load (file text still held)", || {
        loader::load_str(file_name, &text).expect("valid briefing")
    });
    drop(text);
    let model = model - file;
    println!("{:<34} {:>14}", "the model alone", mb(model));
    let options = Options {
        glyphs: Glyphs::UNICODE,
        facts_inline: false,
        underline_headings: false,
        mark_strike: false,
    };
    let (doc, laid_out, _) = step("lay out for the reader, width 100", || {
        layout::document(&briefing, 100, options)
    });
    let (first, _, _) = step("first screen's lines, width 100", || {
        (0..60.min(doc.lines.len()))
            .map(|i| doc.lines.plain(i))
            .collect::<Vec<_>>()
    });
    assert!(!first.is_empty());
    drop(doc);
    drop(briefing);

    // Budgets for the generated briefing only: another file has its own.
    // The steps' peaks are reported, not held to a budget: loading's is
    // the TOML lexer reserving room for a token per 3.5 bytes of the file,
    // most of it never touched (so never resident).
    if let (None, Some((held, peak))) = (&path, reader_peak) {
        // The reader holds the file's text and little more: the model
        // without bodies, the index of every line and 256 KB of laid-out
        // text (2.5 MB for this file); at its peak, a section under way.
        println!(
            "reader: {} held beyond the file's text, {} at the peak, for a file of {}",
            mb(held),
            mb(peak),
            mb(file)
        );
        assert!(
            held <= file * 4 / 10,
            "the reader's briefing and layout outgrew 0.4 times the file beyond its text"
        );
        assert!(
            peak <= file * 5 / 10,
            "the reader's peak outgrew 0.5 times the file beyond its text"
        );
    }
    if path.is_none() {
        let model_budget = file * 8 / 5;
        let laid_out_budget = file * 16 / 5;
        println!(
            "budgets: model {} of {}, model and layout {} of {}",
            mb(model),
            mb(model_budget),
            mb(laid_out),
            mb(laid_out_budget)
        );
        assert!(
            model <= model_budget,
            "the model outgrew 1.6 times the file"
        );
        assert!(
            laid_out <= laid_out_budget,
            "the model and its layout outgrew 3.2 times the file"
        );
    }
}

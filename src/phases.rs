//! Where a key's time goes, measured in a real terminal. Built with the
//! `phase-trace` feature and run with `BRIEF_PHASES=<file>`, the reader
//! notes the time at each step of a key's way to the screen (read from the
//! terminal, applied to the model, drawn, compared, weighed, written) and
//! appends the marks to the file after each frame, one `phase seconds`
//! line each, on the clock Python's `time.monotonic` reads (unix
//! `CLOCK_MONOTONIC`). `tools/phases.py` types keys at the reader in a
//! pseudo-terminal and splits each key's latency by them.
//!
//! Without the feature (the default) every mark is an empty function the
//! compiler removes; with it but without the variable, one atomic load.

/// A step of a key's way to the screen, in the order they happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The terminal's bytes were read.
    Read,
    /// The batch of messages was applied to the model.
    Applied,
    /// The reading pane's changed rows and the status line were made
    /// ready to be written instead of a frame (only for keys where they
    /// were the whole change).
    Ahead,
    /// The frame's buffer was made blank, ready to draw in.
    Cleared,
    /// The panes were drawn into the buffer.
    Rendered,
    /// The rows were compared with the last frame and their glyphs built.
    Compared,
    /// The ways of writing the changes were weighed and the bytes made.
    Weighed,
    /// The bytes were written to the terminal.
    Written,
}

impl Phase {
    /// The name written to the file.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Read => "read",
            Phase::Applied => "applied",
            Phase::Ahead => "ahead",
            Phase::Cleared => "cleared",
            Phase::Rendered => "rendered",
            Phase::Compared => "compared",
            Phase::Weighed => "weighed",
            Phase::Written => "written",
        }
    }
}

#[cfg(all(feature = "phase-trace", unix))]
mod traced {
    use std::fs::File;
    use std::io::Write;
    use std::sync::{Mutex, OnceLock};

    use super::Phase;

    struct Trace {
        file: File,
        marks: Vec<(Phase, rustix::time::Timespec)>,
    }

    static TRACE: OnceLock<Option<Mutex<Trace>>> = OnceLock::new();

    /// Notes that `phase` ended now; after [`Phase::Written`], appends the
    /// frame's marks to the file (outside the key's measured time: the
    /// bytes are already on their way).
    pub fn mark(phase: Phase) {
        let trace = TRACE.get_or_init(|| {
            let path = std::env::var_os("BRIEF_PHASES")?;
            let file = File::create(path).ok()?;
            Some(Mutex::new(Trace {
                file,
                marks: Vec::with_capacity(64),
            }))
        });
        let Some(trace) = trace else {
            return;
        };
        let now = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
        let Ok(mut trace) = trace.lock() else {
            return;
        };
        trace.marks.push((phase, now));
        if phase == Phase::Written {
            let mut text = String::new();
            for (phase, at) in trace.marks.drain(..) {
                text.push_str(&format!(
                    "{} {}.{:09}\n",
                    phase.name(),
                    at.tv_sec,
                    at.tv_nsec
                ));
            }
            // A measuring aid: a failed write loses marks, nothing else.
            let _ = trace.file.write_all(text.as_bytes());
        }
    }
}

#[cfg(all(feature = "phase-trace", unix))]
pub use traced::mark;

/// Notes that `phase` ended now (nothing: built without `phase-trace`).
#[cfg(not(all(feature = "phase-trace", unix)))]
#[inline(always)]
pub fn mark(_phase: Phase) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_are_named_as_tools_phases_reads_them() {
        let names: Vec<&str> = [
            Phase::Read,
            Phase::Applied,
            Phase::Cleared,
            Phase::Rendered,
            Phase::Compared,
            Phase::Weighed,
            Phase::Written,
        ]
        .into_iter()
        .map(Phase::name)
        .collect();
        assert_eq!(
            names,
            [
                "read", "applied", "cleared", "rendered", "compared", "weighed", "written"
            ]
        );
    }
}

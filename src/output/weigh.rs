//! Which way to write a frame: the rows in place, or a band of rows
//! moved by the terminal first (by region or by lines), weighed by their
//! bytes. Finds the bands that moved ([`scroll_candidates`], by the rows'
//! hashes) and tries each alternative against the best so far, giving up
//! on one as soon as it cannot win. The bytes themselves are `encode`'s.

use super::*;

/// The alternatives of one frame being weighed; the best so far is in
/// `best_out`.
pub(super) struct Weighing<'a, 'v> {
    pub(super) view: &'a View<'v>,
    pub(super) width: usize,
    pub(super) height: usize,
    /// The terminal's state before the frame.
    pub(super) start: State,
    /// The best so far: its length in bytes and the state it leaves.
    pub(super) best: Option<(usize, State)>,
    pub(super) best_out: &'a mut Vec<u8>,
    pub(super) out: &'a mut Vec<u8>,
}

impl Weighing<'_, '_> {
    /// Tries each scroll, by region then by lines, taking one whose cost is
    /// below the best's length; returns the first one's cost.
    pub(super) fn scrolls(&mut self, scrolls: &[Option<(Scroll, &[bool])>; 2]) -> Option<usize> {
        let mut first = None;
        for (scroll, same) in scrolls.iter().flatten().copied() {
            for by_region in [true, false] {
                let mut state = self.start;
                let out = &mut *self.out;
                out.clear();
                // A region newly set is an investment: the next scroll of
                // the same band costs 3 bytes instead of about 15, so it
                // wins ties and near-ties.
                let sets_region = by_region && state.region != region_for(scroll, self.height);
                let bonus = if sets_region { 4 } else { 0 };
                // New lines are blank in the current background on some
                // terminals: reset the pen if that would show.
                if !state.blank_lines_are_plain() {
                    set_pen(Pen::DEFAULT, &mut state, out);
                }
                if by_region {
                    scroll_by_region(scroll, self.height, &mut state, out);
                } else {
                    scroll_by_lines(scroll, self.height, &mut state, out);
                }
                // Taken if its cost is below the best's length: worth
                // finishing only while that can still be.
                let limit = self
                    .best
                    .map_or(usize::MAX, |(len, _)| (len + bonus).saturating_sub(1));
                let trial = Trial {
                    scroll: Some(scroll),
                    same,
                    limit,
                };
                let done = emit_rows(self.view, trial, self.width, self.height, &mut state, out);
                if !done {
                    continue;
                }
                let cost = out.len().saturating_sub(bonus);
                first.get_or_insert(cost);
                if self.best.is_none_or(|(len, _)| cost < len) {
                    std::mem::swap(self.best_out, self.out);
                    self.best = Some((self.best_out.len(), state));
                }
            }
        }
        first
    }
}

/// One way of drawing the frame being weighed.
#[derive(Clone, Copy)]
pub(super) struct Trial<'a> {
    /// The band the terminal moves first, if any.
    pub(super) scroll: Option<Scroll>,
    /// Rows already known to be right after `scroll` (by row index).
    pub(super) same: &'a [bool],
    /// Give up once the bytes are more than this.
    pub(super) limit: usize,
}

/// The screen before and the rows wanted, without copies.
pub(super) struct View<'a> {
    pub(super) links: &'a Links,
    pub(super) long: &'a compact::Long,
    pub(super) screen: &'a [Option<Row>],
    pub(super) screen_hashes: &'a [Option<u64>],
    pub(super) target: &'a [Option<Row>],
    pub(super) target_hashes: &'a [Option<u64>],
    /// See [`Scratch::spans`].
    pub(super) spans: &'a [(usize, usize)],
    pub(super) blank: &'a Row,
    pub(super) blank_hash: u64,
}

impl View<'_> {
    /// The tables the glyphs' numbers refer to.
    pub(super) fn tables(&self) -> (&Links, &compact::Long) {
        (self.links, self.long)
    }

    /// Row `y` as wanted (`None` if unknown).
    pub(super) fn new_row(&self, y: usize) -> Option<&Row> {
        match self.target.get(y) {
            Some(Some(row)) => Some(row),
            _ => self.screen.get(y).and_then(Option::as_ref),
        }
    }

    /// The hash of row `y` as wanted.
    pub(super) fn new_hash(&self, y: usize) -> Option<u64> {
        match self.target_hashes.get(y) {
            Some(Some(hash)) => Some(*hash),
            _ => self.screen_hashes.get(y).copied().flatten(),
        }
    }

    /// Row `y` as on screen after `scroll` (`None` if unknown), with its
    /// hash.
    pub(super) fn old_row(&self, y: usize, scroll: Option<Scroll>) -> Option<(&Row, Option<u64>)> {
        let from = match scroll {
            Some(s) if (usize::from(s.top)..usize::from(s.bottom)).contains(&y) => {
                let from = y as i64 + i64::from(s.amount);
                if from < i64::from(s.top) || from >= i64::from(s.bottom) {
                    return Some((self.blank, Some(self.blank_hash)));
                }
                from as usize
            }
            _ => y,
        };
        let row = self.screen.get(from).and_then(Option::as_ref)?;
        Some((row, self.screen_hashes.get(from).copied().flatten()))
    }
}

/// Buffers for [`scroll_candidates`], reused from frame to frame.
#[derive(Debug, Default)]
pub(super) struct Candidates {
    /// The hash of each row as wanted.
    new: Vec<Option<u64>>,
    /// `(hash, row)` for each known row on screen, sorted.
    old: Vec<(u64, usize)>,
    /// `(shift, votes)`.
    votes: Vec<(i32, usize)>,
    /// For each candidate found, the rows it puts right (compared already,
    /// so the alternatives weighed need not compare them again).
    pub(super) same: [Vec<bool>; 2],
}

/// The bands of rows that moved, most promising first (at most two).
pub(super) fn scroll_candidates(view: &View<'_>, buffers: &mut Candidates) -> [Option<Scroll>; 2] {
    let mut candidates = [None, None];
    let height = view.target.len();
    let hashes = view.screen_hashes;
    if height < 3 || view.screen.len() != height || hashes.len() != height {
        return candidates;
    }
    let Candidates {
        new,
        old,
        votes,
        same,
    } = buffers;
    new.clear();
    new.extend((0..height).map(|y| view.new_hash(y)));
    old.clear();
    old.extend(
        hashes
            .iter()
            .enumerate()
            .filter_map(|(y, hash)| hash.map(|h| (h, y))),
    );
    old.sort_unstable();
    votes.clear();
    for (y, hash) in new.iter().enumerate() {
        let Some(hash) = *hash else { continue };
        if hashes[y] == Some(hash) {
            continue;
        }
        let first = old.partition_point(|(h, _)| *h < hash);
        let twins = old[first..].partition_point(|(h, _)| *h == hash);
        // Repeated rows (blank lines, borders) vote for many shifts; only
        // rows with few twins are worth counting.
        if twins == 0 || twins > 3 {
            continue;
        }
        for (_, from) in &old[first..first + twins] {
            let shift = *from as i32 - y as i32;
            match votes.iter_mut().find(|(s, _)| *s == shift) {
                Some((_, count)) => *count += 1,
                None => votes.push((shift, 1)),
            }
        }
    }
    votes.retain(|(_, v)| *v >= 2);
    votes.sort_by_key(|(shift, v)| (std::cmp::Reverse(*v), shift.abs(), *shift));
    let mut found = 0;
    for (amount, _) in votes.iter().take(2) {
        let amount = *amount;
        // The longest run of rows that the shift puts right.
        let matches = |y: usize| {
            let from = y as i64 + i64::from(amount);
            from >= 0
                && (from as usize) < height
                && new[y].is_some()
                && hashes[from as usize] == new[y]
                && view.screen[from as usize].as_ref() == view.new_row(y)
        };
        let (mut best, mut run_start) = ((0, 0), None);
        for y in 0..=height {
            if y < height && matches(y) {
                run_start.get_or_insert(y);
            } else if let Some(start) = run_start.take()
                && y - start > best.1 - best.0
            {
                best = (start, y);
            }
        }
        let (a, b) = best;
        if b - a < 2 {
            continue;
        }
        let (top, bottom) = if amount > 0 {
            (a, b + amount as usize)
        } else {
            (a - amount.unsigned_abs() as usize, b)
        };
        candidates[found] = Some(Scroll {
            top: top as u16,
            bottom: bottom.min(height) as u16,
            amount,
        });
        // The run's rows come from inside the band: right after the scroll.
        let same = &mut same[found];
        same.clear();
        same.resize(height, false);
        same[a..b].iter_mut().for_each(|s| *s = true);
        found += 1;
    }
    candidates
}

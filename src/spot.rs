//! Where the last search of a sorted list ended, so that the next one,
//! usually for the line beside the last, is a check rather than a search.
//!
//! A large briefing's indexes (its parts, its outline, its chunks of
//! lines) are searched by line on every key. After a pause they are out of
//! the processor's cache, and a binary search through one touches a dozen
//! cold cache lines: several microseconds a search, several searches a
//! key. A [`Spot`] remembers the answer; the next search checks it and its
//! neighbours (a line scroll moves by one) in two or three reads before it
//! searches the whole list.

use std::sync::atomic::{AtomicUsize, Ordering};

/// A remembered partition point (see the module doc). A cache: two spots
/// are always equal, and cloning one copies what it remembers.
#[derive(Debug, Default)]
pub struct Spot(AtomicUsize);

impl Clone for Spot {
    fn clone(&self) -> Self {
        Spot(AtomicUsize::new(self.0.load(Ordering::Relaxed)))
    }
}

impl PartialEq for Spot {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Spot {}

impl Spot {
    /// The index of the first item of `items` for which `before` is false,
    /// as [`slice::partition_point`] finds it (`items` must be partitioned
    /// by `before`), trying the index remembered and its neighbours first.
    pub fn partition_point<T>(&self, items: &[T], before: impl Fn(&T) -> bool) -> usize {
        let is_point =
            |p: usize| (p == 0 || before(&items[p - 1])) && items.get(p).is_none_or(|i| !before(i));
        let last = self.0.load(Ordering::Relaxed);
        let near = [Some(last), last.checked_add(1), last.checked_sub(1)];
        let found = near
            .into_iter()
            .flatten()
            .find(|&p| p <= items.len() && is_point(p));
        let point = found.unwrap_or_else(|| items.partition_point(before));
        self.0.store(point, Ordering::Relaxed);
        point
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever it remembers, a spot finds what the slice's own search
        /// finds.
        #[test]
        fn finds_what_partition_point_finds(
            mut items in proptest::collection::vec(0usize..50, 0..40),
            probes in proptest::collection::vec(0usize..60, 1..20),
        ) {
            items.sort_unstable();
            let spot = Spot::default();
            for probe in probes {
                let found = spot.partition_point(&items, |i| *i <= probe);
                prop_assert_eq!(found, items.partition_point(|i| *i <= probe));
            }
        }
    }

    #[test]
    fn a_step_to_the_next_item_is_found_without_a_search() {
        let items: Vec<usize> = (0..1000).map(|i| i * 10).collect();
        let spot = Spot::default();
        assert_eq!(spot.partition_point(&items, |i| *i <= 505), 51);
        // From here on, a search would be noticed: `before` is called on
        // the items checked, and a binary search calls it on far ones.
        let asked = std::cell::RefCell::new(Vec::new());
        let found = spot.partition_point(&items, |i| {
            asked.borrow_mut().push(*i);
            *i <= 515
        });
        assert_eq!(found, 52);
        assert!(
            asked.borrow().iter().all(|i| (500..=530).contains(i)),
            "searched: {:?}",
            asked.borrow()
        );
        assert_eq!(spot.partition_point(&items, |i| *i <= 495), 50);
        assert_eq!(spot.partition_point(&items, |i| *i <= 9_000), 901);
        assert_eq!(spot.partition_point(&items, |i| *i <= 99_999), 1000);
        assert_eq!(spot.clone().partition_point(&items, |i| *i <= 99_999), 1000);
        // A copy remembers what the spot did: its next step is a check.
        let copy = spot.clone();
        let asked = std::cell::Cell::new(0);
        let found = copy.partition_point(&items, |i| {
            asked.set(asked.get() + 1);
            *i <= 99_999
        });
        assert_eq!((found, asked.get()), (1000, 1), "searched again");
        // What a spot remembers never makes two states unequal.
        assert_eq!(spot, Spot::default());
        assert!(spot == copy);
    }
}

//! How many sessions may run: in all, and for one key.
//!
//! A [`Permit`] is taken when a reading session starts and given back when
//! it is dropped, however the session ends (quit, dropped link, panic).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The limits and the sessions counted against them.
#[derive(Debug)]
pub struct Limits {
    total: usize,
    per_key: usize,
    counts: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    by_key: HashMap<String, usize>,
}

/// Why a session may not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// The server holds its most sessions.
    Server(usize),
    /// This key holds its most sessions.
    Key(usize),
}

impl Full {
    /// A line for the reader.
    pub fn message(self) -> String {
        match self {
            Full::Server(n) => {
                format!("brief serve: the server is full ({n} readers); try again in a while")
            }
            Full::Key(n) => format!(
                "brief serve: your key already has {n} sessions open; close one and try again"
            ),
        }
    }
}

/// One running session, counted until dropped.
#[derive(Debug)]
pub struct Permit {
    limits: Arc<Limits>,
    key: String,
}

impl Limits {
    /// At most `total` sessions, and `per_key` for any one key.
    pub fn new(total: usize, per_key: usize) -> Arc<Self> {
        Arc::new(Self {
            total,
            per_key,
            counts: Mutex::new(Counts::default()),
        })
    }

    /// A permit for a session of the key `key`, if both limits allow.
    pub fn acquire(self: &Arc<Self>, key: &str) -> Result<Permit, Full> {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if counts.total >= self.total {
            return Err(Full::Server(self.total));
        }
        let mine = counts.by_key.get(key).copied().unwrap_or(0);
        if mine >= self.per_key {
            return Err(Full::Key(self.per_key));
        }
        counts.total += 1;
        counts.by_key.insert(key.to_owned(), mine + 1);
        Ok(Permit {
            limits: Arc::clone(self),
            key: key.to_owned(),
        })
    }

    /// The most sessions in all.
    pub fn total(&self) -> usize {
        self.total
    }

    /// Sessions running now.
    pub fn running(&self) -> usize {
        self.counts.lock().unwrap_or_else(|e| e.into_inner()).total
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut counts = self.limits.counts.lock().unwrap_or_else(|e| e.into_inner());
        counts.total = counts.total.saturating_sub(1);
        if let Some(n) = counts.by_key.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.by_key.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_limits_hold_and_a_dropped_permit_frees_its_place() {
        let limits = Limits::new(3, 2);
        let a1 = limits.acquire("a").expect("first");
        let _a2 = limits.acquire("a").expect("second");
        assert_eq!(limits.acquire("a").unwrap_err(), Full::Key(2));
        let _b1 = limits.acquire("b").expect("b");
        assert_eq!(limits.acquire("c").unwrap_err(), Full::Server(3));
        drop(a1);
        assert_eq!(limits.running(), 2);
        assert!(limits.acquire("a").is_ok());
    }
}

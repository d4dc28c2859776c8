//! The raw class blocks (spec §19.1, §20): π_t, block t of the class permutations of stream
//! (s, PK_CLASSES, e), C classes each; a batch (or unit) reads one or two of them.

use crate::alloc::reserve;
use crate::error::EngineError;
use crate::keystream::PK_CLASSES;
use crate::permutation::Bijection;

/// The two entries used last, by block number: a run of batches reads the same block, or the one before, again.
pub(crate) struct Recent<V> {
    newer: Option<(u64, V)>,
    older: Option<(u64, V)>,
}

impl<V> Recent<V> {
    pub(crate) fn new() -> Self {
        Recent {
            newer: None,
            older: None,
        }
    }

    pub(crate) fn contains(&self, key: u64) -> bool {
        [&self.newer, &self.older]
            .into_iter()
            .any(|entry| entry.as_ref().is_some_and(|(k, _)| *k == key))
    }

    /// The value of `key`, taken out (`put` stores it again).
    pub(crate) fn take(&mut self, key: u64) -> Option<V> {
        match (self.newer.take(), self.older.take()) {
            (Some((k, value)), older) if k == key => {
                self.newer = older;
                Some(value)
            }
            (newer, Some((k, value))) if k == key => {
                self.newer = newer;
                Some(value)
            }
            (newer, older) => {
                (self.newer, self.older) = (newer, older);
                None
            }
        }
    }

    /// Stores `value` as the newer entry (the older one is dropped) and lends it back.
    pub(crate) fn put(&mut self, key: u64, value: V) -> &V {
        self.older = self.newer.take();
        &self.newer.insert((key, value)).1
    }
}

/// The raw blocks π_t of stream (s, PK_CLASSES, e), C classes each: the last two bijections kept.
pub(crate) struct Blocks {
    seed: u64,
    epoch: u64,
    classes: u64,
    bijections: Recent<Bijection>,
}

impl Blocks {
    pub(crate) fn new(seed: u64, epoch: u64, classes: u64) -> Self {
        Blocks {
            seed,
            epoch,
            classes,
            bijections: Recent::new(),
        }
    }

    /// C, the number of classes (the length of every block).
    pub(crate) fn classes(&self) -> u64 {
        self.classes
    }

    fn bijection(&mut self, t: u64) -> Result<&Bijection, EngineError> {
        let bijection = match self.bijections.take(t) {
            Some(bijection) => bijection,
            // t·C ≤ (b + 1)·P < 2^63 for every block a batch reads (the draw limit).
            None => Bijection::for_block(self.seed, PK_CLASSES, self.epoch, self.classes, t)?,
        };
        Ok(self.bijections.put(t, bijection))
    }

    /// π_t[lo … lo + count − 1] appended to `out` (lo + count ≤ C), after clearing it.
    pub(crate) fn class_block(&mut self, t: u64, lo: u64, count: u64, out: &mut Vec<i64>) -> Result<(), EngineError> {
        out.clear();
        self.extend_block(t, lo, count, out)
    }

    /// π_t[lo … lo + count − 1] appended to `out`.
    pub(crate) fn extend_block(&mut self, t: u64, lo: u64, count: u64, out: &mut Vec<i64>) -> Result<(), EngineError> {
        let bijection = self.bijection(t)?;
        reserve(out, count)?;
        out.extend((lo..lo + count).map(|offset| bijection.apply(offset) as i64));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Recent;

    #[test]
    fn recent_keeps_the_two_last_used() {
        let mut recent = Recent::new();
        recent.put(1, "a");
        recent.put(2, "b");
        // Taking the newer one moves the older up: both survive a take and a put.
        assert_eq!(recent.take(2), Some("b"));
        recent.put(2, "b");
        assert!(recent.contains(1) && recent.contains(2));
        assert_eq!(recent.take(1), Some("a"));
        recent.put(1, "a");
        recent.put(3, "c");
        assert!(!recent.contains(2) && recent.contains(1) && recent.contains(3));
        assert_eq!(recent.take(9), None);
        assert!(recent.contains(1) && recent.contains(3));
    }
}

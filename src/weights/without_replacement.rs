//! Weighted sampling without replacement (spec §8): successive sampling on the integer masses, exact.

use crate::bounded::multiply_shift128;
use crate::error::EngineError;
use crate::keystream::{Keystream, MAIN};
use crate::limits::{check_epoch, vec_with_capacity};
use crate::weights::masses::check_masses;

/// k distinct indices drawn from the integer masses (§7.1's result), k ≤ the number of non-zero masses.
pub fn weighted_without_replacement(masses: &[u64], seed: u64, epoch: u64, k: u64) -> Result<Vec<i64>, EngineError> {
    let nonzero = check_masses(masses)?;
    check_k(k, nonzero)?;
    draw(masses, seed, epoch, k)
}

/// Spec §8's precondition, with the reference's message.
pub(crate) fn check_k(k: u64, nonzero: usize) -> Result<(), EngineError> {
    if k > nonzero as u64 {
        return Err(EngineError::TooManyDraws { k, nonzero });
    }
    Ok(())
}

/// The draws, for masses and k already checked (masses sum to n · 2^32 < 2^64, so no sum overflows).
pub(crate) fn draw(masses: &[u64], seed: u64, epoch: u64, k: u64) -> Result<Vec<i64>, EngineError> {
    check_epoch(epoch)?;
    let mut tree = Fenwick::new(masses)?;
    let mut remaining: u64 = masses.iter().sum();
    let mut stream = Keystream::new(seed, MAIN, epoch)?;
    let mut out = vec_with_capacity(k)?;
    for _ in 0..k {
        // Draw i consumes words 4i .. 4i+3: x0 then x1.
        let x0 = stream.next_u64();
        let x1 = stream.next_u64();
        let j = tree.find(multiply_shift128(x0, x1, remaining));
        // v < R, so j is a remaining index with positive mass.
        let Some(&mass) = masses.get(j) else { break };
        tree.remove(j, mass);
        remaining -= mass;
        out.push(j as i64);
    }
    Ok(out)
}

/// Fenwick tree over u64 masses (1-based internally): prefix sums, search and removal in O(log n).
pub(crate) struct Fenwick {
    tree: Vec<u64>,
}

impl Fenwick {
    /// Node sums never exceed Σ masses, which callers keep below 2^64.
    pub(crate) fn new(masses: &[u64]) -> Result<Self, EngineError> {
        let n = masses.len();
        let mut tree: Vec<u64> = vec_with_capacity(n as u64 + 1)?;
        tree.push(0);
        tree.extend_from_slice(masses);
        for i in 1..=n {
            let value = tree.get(i).copied().unwrap_or(0);
            // A parent past n does not exist: get_mut says so.
            if let Some(parent) = tree.get_mut(i + (i & i.wrapping_neg())) {
                *parent += value;
            }
        }
        Ok(Fenwick { tree })
    }

    /// The 0-based index j with prefix(j) ≤ v < prefix(j + 1).
    pub(crate) fn find(&self, mut v: u64) -> usize {
        let n = self.tree.len().saturating_sub(1);
        let mut position = 0;
        let mut step = if n == 0 {
            0
        } else {
            1 << (usize::BITS - 1 - n.leading_zeros())
        };
        while step > 0 {
            if let Some(&sum) = self.tree.get(position + step) {
                if sum <= v {
                    position += step;
                    v -= sum;
                }
            }
            step >>= 1;
        }
        position
    }

    /// Takes `mass` off index `index` (its whole remaining mass: it is never drawn again).
    pub(crate) fn remove(&mut self, index: usize, mass: u64) {
        let mut i = index + 1;
        while let Some(node) = self.tree.get_mut(i) {
            *node -= mass;
            i += i & i.wrapping_neg();
        }
    }
}

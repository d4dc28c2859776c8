//! Permutations (spec §5): the epoch as a sequence of independent permutation blocks, read at strided
//! positions; `Permutation` chooses the block algorithm (Feistel by default, Fisher–Yates = spec v1).

mod feistel;
mod fisher_yates;
mod lanes;

pub use feistel::{
    Bijection, Feistel, LANES, MIX_1, MIX_2, ROUNDS, TABLE_MAX, bit_width, feistel_values, round_function, round_keys,
};
pub use fisher_yates::{SPARSE_RATIO, fisher_yates_prefix, prefix_is_sparse};

use crate::alloc::zeroed;
use crate::error::EngineError;
use crate::limits::{check_epoch, check_population, check_strided_span};
use crate::threads;

/// Which algorithm computes a permutation block (spec §5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Permutation {
    /// Spec §5.2–§5.3: random access, O(1) per offset (the default).
    #[default]
    Feistel,
    /// Spec §5.1: spec v1's forward Fisher–Yates, O(prefix) per block.
    FisherYates,
}

/// Every block algorithm, the default first: `_core.PERMUTATIONS` exports their names.
pub const PERMUTATIONS: [Permutation; 2] = [Permutation::Feistel, Permutation::FisherYates];

impl Permutation {
    /// The name `permutation=` gives it (spec §5).
    pub const fn name(self) -> &'static str {
        match self {
            Permutation::Feistel => "feistel",
            Permutation::FisherYates => "fisher-yates",
        }
    }

    /// The algorithm named `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        PERMUTATIONS.into_iter().find(|permutation| permutation.name() == name)
    }
}

/// Positions start + c·stride (c < count) of a sequence of independent permutations of [0, n).
#[allow(clippy::too_many_arguments)]
pub fn permutation_stream(
    seed: u64,
    purpose: u8,
    epoch: u64,
    n: u64,
    start: u64,
    count: u64,
    permutation: Permutation,
    stride: u64,
) -> Result<Vec<i64>, EngineError> {
    check_strided_span(start, count, stride)?;
    check_population(n, count)?;
    check_epoch(epoch)?;
    match permutation {
        // Every chunk is the same read from its own first position (all positions < 2^64: checked).
        Permutation::Feistel => threads::fill_new(count, |first, chunk| {
            fill_feistel(seed, purpose, epoch, n, start + first * stride, stride, chunk)
        }),
        // Fisher–Yates is sequential within a block: one thread.
        Permutation::FisherYates => {
            let mut out = zeroed(count)?;
            fill_fisher_yates(seed, purpose, epoch, n, start, stride, &mut out)?;
            Ok(out)
        }
    }
}

/// The outputs of `out` that fall in one block: `(block, offset of the first, how many)`.
fn block_run(n: u64, position: u64, stride: u64, remaining: usize) -> (u64, u64, usize) {
    let (block, offset) = (position / n, position % n);
    // Offsets offset + k·stride < n: ⌈(n − offset)/stride⌉ ≥ 1 of them.
    let in_block = (n - offset).div_ceil(stride);
    let take = usize::try_from(in_block).map_or(remaining, |in_block| in_block.min(remaining));
    (block, offset, take)
}

/// Splits the positions start, start + stride, … of `out` into runs inside one block and fills
/// each run with `fill(block, offset of its first, run)`. Callers keep n ≥ 1 when `out` is not
/// empty, stride ≥ 1 and every position < 2^64.
fn for_each_block_run(
    n: u64,
    start: u64,
    stride: u64,
    out: &mut [i64],
    mut fill: impl FnMut(u64, u64, &mut [i64]) -> Result<(), EngineError>,
) -> Result<(), EngineError> {
    let mut position = start;
    let mut rest = out;
    while !rest.is_empty() {
        let (block, offset, take) = block_run(n, position, stride, rest.len());
        let (run, tail) = rest.split_at_mut(take.min(rest.len()));
        fill(block, offset, run)?;
        rest = tail;
        // The position after the run; past 2^64 only once nothing is left.
        position = position.wrapping_add((take as u64).wrapping_mul(stride));
    }
    Ok(())
}

/// Feistel blocks (spec §5.2): each block's offsets evaluated directly.
fn fill_feistel(
    seed: u64,
    purpose: u8,
    epoch: u64,
    n: u64,
    start: u64,
    stride: u64,
    out: &mut [i64],
) -> Result<(), EngineError> {
    for_each_block_run(n, start, stride, out, |block, offset, run| {
        let bijection = Bijection::for_block(seed, purpose, epoch, n, block)?;
        let mut next = offset;
        bijection.fill_with(run, || {
            let value = next;
            // Only the value after the run's last can pass n (it is never used).
            next = next.wrapping_add(stride);
            value
        });
        Ok(())
    })
}

/// Fisher–Yates blocks (spec §5.1): each block's prefix up to its last offset read, once.
fn fill_fisher_yates(
    seed: u64,
    purpose: u8,
    epoch: u64,
    n: u64,
    start: u64,
    stride: u64,
    out: &mut [i64],
) -> Result<(), EngineError> {
    for_each_block_run(n, start, stride, out, |block, offset, run| {
        // offset + (len − 1)·stride < n.
        let last = offset + (run.len() as u64 - 1) * stride;
        let prefix = fisher_yates_prefix(seed, purpose, epoch, n, block, last + 1)?;
        let step = usize::try_from(stride).unwrap_or(usize::MAX);
        let picked = prefix.iter().skip(offset as usize).step_by(step);
        for (slot, &value) in run.iter_mut().zip(picked) {
            *slot = value;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_the_default_comes_first() {
        assert_eq!(PERMUTATIONS.first(), Some(&Permutation::default()));
        for permutation in PERMUTATIONS {
            assert_eq!(Permutation::from_name(permutation.name()), Some(permutation));
        }
        assert_eq!(Permutation::from_name("Feistel"), None);
    }
}

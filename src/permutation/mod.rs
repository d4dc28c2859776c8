//! Permutations (spec §5): the epoch as a sequence of independent permutation blocks, read by position.

// One file per block algorithm (spec version 1: fisher_yates); `block_prefix` chooses among them.

mod fisher_yates;

pub use fisher_yates::{SPARSE_RATIO, prefix_is_sparse};

use crate::error::EngineError;
use crate::limits::{check_epoch, check_population, check_span, vec_with_capacity};

/// Positions [start, start + count) of a sequence of independent permutations of [0, n),
/// block `b` keyed at u64 draw `b·n` of stream (seed, purpose, epoch).
pub fn permutation_stream(
    seed: u64,
    purpose: u8,
    epoch: u64,
    n: u64,
    start: u64,
    count: u64,
) -> Result<Vec<i64>, EngineError> {
    check_span(start, count)?;
    check_population(n, count)?;
    check_epoch(epoch)?;
    let mut out = vec_with_capacity(count)?;
    // start + count < 2^64 (checked), and n ≥ 1 whenever the loop runs.
    let end = start + count;
    let mut position = start;
    while position < end {
        let block = position / n;
        let offset = position % n;
        // block·n ≤ position < end, so neither line overflows.
        let last = (end - block * n).min(n);
        let prefix = block_prefix(seed, purpose, epoch, n, block, last)?;
        out.extend_from_slice(prefix.get(offset as usize..).unwrap_or_default());
        position = block * n + last;
    }
    Ok(out)
}

/// The first `length ≤ n` outputs of block `block`, by the block algorithm of this spec version.
pub(crate) fn block_prefix(
    seed: u64,
    purpose: u8,
    epoch: u64,
    n: u64,
    block: u64,
    length: u64,
) -> Result<Vec<i64>, EngineError> {
    fisher_yates::fisher_yates_prefix(seed, purpose, epoch, n, block, length)
}

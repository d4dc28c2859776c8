//! Strided read of a permutation (spec §6): how every sharded sampler reads its part.

use crate::error::EngineError;
use crate::keystream::MAIN;
use crate::limits::{check_epoch, check_population, vec_with_capacity};
use crate::permutation::block_prefix;

/// Output c is perm[(first + c·stride) mod n] of block 0 (exact, never wrapped at 2^64); the identity
/// when not shuffling. Only the permutation's prefix up to the largest position read is computed.
pub fn strided_permutation(
    seed: u64,
    epoch: u64,
    n: u64,
    shuffle: bool,
    first: u64,
    stride: u64,
    count: u64,
) -> Result<Vec<i64>, EngineError> {
    check_population(n, count)?;
    check_epoch(epoch)?;
    // The output is allocated first: a huge count fails here, before any work.
    let mut out: Vec<i64> = vec_with_capacity(count)?;
    if count == 0 {
        return Ok(out);
    }
    // (first + c·stride) mod n, stepping by stride mod n: both terms are below n ≤ 2^63, so no overflow.
    let step = stride % n;
    let mut position = first % n;
    let mut furthest = position;
    for _ in 0..count {
        out.push(position as i64);
        furthest = furthest.max(position);
        position += step;
        if position >= n {
            position -= n;
        }
    }
    if !shuffle {
        return Ok(out);
    }
    let perm = block_prefix(seed, MAIN, epoch, n, 0, furthest + 1)?;
    for slot in &mut out {
        // Every position is ≤ furthest < perm.len().
        if let Some(&index) = perm.get(*slot as usize) {
            *slot = index;
        }
    }
    Ok(out)
}

//! Each sampler's epoch as a pure function of (seed, epoch, position, parameters)
//! (spec §4–§6, §9). The reference (python/ferrosampler/reference/_engine.py) has the
//! same functions with the same steps.
//!
//! Preconditions (the binding layer checks them and raises ValueError): `n ≥ 1` whenever
//! something is drawn, `n ≤ 2^63` (indices are i64), `start + count < 2^64`.

use std::collections::HashMap;

use crate::keystream::{Keystream, MAIN, bounded};

/// Positions [start, start + count) of independent uniform draws from [0, n) (spec §4).
pub fn uniform_draws(seed: u64, epoch: u64, n: u64, start: u64, count: usize) -> Vec<i64> {
    let mut stream = Keystream::new(seed, MAIN, epoch).at_word(2 * u128::from(start));
    (0..count).map(|_| bounded(stream.next_u64(), n) as i64).collect()
}

/// Positions [start, start + count) of a sequence of independent permutations of
/// [0, n), block b keyed at draw b·n (spec §5).
pub fn permutation_stream(seed: u64, purpose: u8, epoch: u64, n: u64, start: u64, count: usize) -> Vec<i64> {
    let mut out = Vec::with_capacity(count);
    let end = start + count as u64;
    let mut position = start;
    while position < end {
        let block = position / n;
        let offset = position % n;
        let last = (end - block * n).min(n);
        let prefix = fisher_yates_prefix(seed, purpose, epoch, n, block, last);
        out.extend_from_slice(&prefix[offset as usize..]);
        position = block * n + last; // never past `end`, so no overflow near 2^64
    }
    out
}

/// A prefix this much shorter than n keeps only displaced entries (same output, O(length) memory).
const SPARSE_RATIO: u64 = 8;

/// Whether `fisher_yates_prefix` works in O(length) rather than O(n) memory.
pub fn prefix_is_sparse(n: u64, length: u64) -> bool {
    length.saturating_mul(SPARSE_RATIO) < n
}

/// The first `length` outputs of block `block`: forward Fisher–Yates from the identity.
fn fisher_yates_prefix(seed: u64, purpose: u8, epoch: u64, n: u64, block: u64, length: u64) -> Vec<i64> {
    let word = 2 * u128::from(block) * u128::from(n);
    let mut stream = Keystream::new(seed, purpose, epoch).at_word(word);
    let mut draw = |q: u64| q + bounded(stream.next_u64(), n - q);
    if prefix_is_sparse(n, length) {
        // a[k] = k unless displaced.
        let mut displaced: HashMap<u64, u64> = HashMap::with_capacity(2 * length as usize);
        (0..length)
            .map(|q| {
                let j = draw(q);
                let a_q = *displaced.get(&q).unwrap_or(&q);
                let a_j = *displaced.get(&j).unwrap_or(&j);
                displaced.insert(j, a_q);
                a_j as i64
            })
            .collect()
    } else {
        let mut items: Vec<i64> = (0..n as i64).collect();
        for q in 0..length {
            let j = draw(q);
            items.swap(q as usize, j as usize);
        }
        items.truncate(length as usize);
        items
    }
}

/// Output c is perm[(first + c·stride) mod n] of block 0 (spec §6); the identity when
/// not shuffling. This is how every sharded sampler reads its part.
pub fn strided_permutation(
    seed: u64,
    epoch: u64,
    n: u64,
    shuffle: bool,
    first: u64,
    stride: u64,
    count: usize,
) -> Vec<i64> {
    let positions: Vec<u64> = (0..count as u64)
        .map(|c| ((u128::from(first) + u128::from(c) * u128::from(stride)) % u128::from(n)) as u64)
        .collect();
    if !shuffle {
        return positions.into_iter().map(|p| p as i64).collect();
    }
    // Only the permutation's prefix up to the largest position read is computed.
    let Some(&furthest) = positions.iter().max() else {
        return Vec::new();
    };
    let perm = fisher_yates_prefix(seed, MAIN, epoch, n, 0, furthest + 1);
    positions.into_iter().map(|p| perm[p as usize]).collect()
}

/// PK: `num_val` uniform draws with replacement per class, classes in `class_order`
/// (spec §9). `rows` holds every class's rows back to back, delimited by `offsets`.
#[allow(clippy::too_many_arguments)]
pub fn pk_draws(
    seed: u64,
    epoch: u64,
    rows: &[i64],
    offsets: &[usize],
    class_order: &[usize],
    num_val: u64,
    start: u64,
    count: usize,
) -> Vec<i64> {
    let mut stream = Keystream::new(seed, MAIN, epoch).at_word(2 * u128::from(start));
    (start..start + count as u64)
        .map(|p| {
            let class = class_order[(p / num_val) as usize];
            let (lo, hi) = (offsets[class], offsets[class + 1]);
            rows[lo + bounded(stream.next_u64(), (hi - lo) as u64) as usize]
        })
        .collect()
}

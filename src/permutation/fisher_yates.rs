//! Forward Fisher–Yates from the identity (spec §5), with a dense and a sparse path giving the same output.

use std::collections::HashMap;

use crate::alloc::{reserve_map, vec_with_capacity};
use crate::bounded::multiply_shift;
use crate::error::EngineError;
use crate::keystream::Keystream;

/// A prefix this much shorter than n keeps only displaced entries (same output, O(length) memory).
pub const SPARSE_RATIO: u64 = 8;

/// Whether `fisher_yates_prefix` works in O(length) rather than O(n) memory.
pub fn prefix_is_sparse(n: u64, length: u64) -> bool {
    length.saturating_mul(SPARSE_RATIO) < n
}

/// The first `length` outputs of block `block` of a permutation of [0, n) (`length` is capped at n).
/// Callers guarantee `n ≤ 2^63` and `block·n + length ≤ 2^64`; the keystream checks the epoch.
pub fn fisher_yates_prefix(
    seed: u64,
    purpose: u8,
    epoch: u64,
    n: u64,
    block: u64,
    length: u64,
) -> Result<Vec<i64>, EngineError> {
    let length = length.min(n);
    let word = 2 * u128::from(block) * u128::from(n);
    let mut stream = Keystream::new(seed, purpose, epoch)?.at_word(word);
    // offset < length ≤ n, so n − offset ≥ 1 and j = offset + bounded(·, n − offset) < n.
    let draw = |offset: u64| offset + multiply_shift(stream.next_u64(), n - offset);
    if prefix_is_sparse(n, length) {
        sparse_prefix(length, draw)
    } else {
        dense_prefix(n, length, draw)
    }
}

/// The whole array a = [0, n), swapped in place, then truncated to the prefix.
fn dense_prefix(n: u64, length: u64, mut draw: impl FnMut(u64) -> u64) -> Result<Vec<i64>, EngineError> {
    let mut items: Vec<i64> = vec_with_capacity(n)?;
    // Entries are below n ≤ 2^63: they fit in i64.
    items.extend((0..n).map(|k| k as i64));
    for offset in 0..length {
        let j = draw(offset);
        // offset ≤ j < n = items.len(): in bounds.
        items.swap(offset as usize, j as usize);
    }
    items.truncate(length as usize);
    Ok(items)
}

/// Only displaced entries are kept (a[k] = k otherwise), so memory is O(length) whatever n is.
fn sparse_prefix(length: u64, mut draw: impl FnMut(u64) -> u64) -> Result<Vec<i64>, EngineError> {
    let mut out = vec_with_capacity(length)?;
    let mut displaced: HashMap<u64, u64> = HashMap::new();
    // length < n/8 ≤ 2^60, so 2·length fits; one insertion per step never outgrows the reservation.
    reserve_map(&mut displaced, 2 * length)?;
    for offset in 0..length {
        let j = draw(offset);
        let a_offset = displaced.get(&offset).copied().unwrap_or(offset);
        let a_j = displaced.get(&j).copied().unwrap_or(j);
        displaced.insert(j, a_offset);
        out.push(a_j as i64);
    }
    Ok(out)
}

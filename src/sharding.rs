//! Strided read of a permutation (spec §6): how every sharded sampler reads its part.

use crate::alloc::zeroed;
use crate::error::EngineError;
use crate::keystream::MAIN;
use crate::limits::{check_epoch, check_population};
use crate::permutation::{Bijection, Permutation, fisher_yates_prefix};
use crate::threads;

/// Output c is π_0((first + c·stride) mod n) of block 0 of stream (seed, MAIN, epoch), exact (never
/// wrapped at 2^64); the identity when not shuffling. Feistel evaluates only the offsets read; Fisher–Yates
/// computes the prefix up to the largest one.
#[allow(clippy::too_many_arguments)]
pub fn strided_permutation(
    seed: u64,
    epoch: u64,
    n: u64,
    shuffle: bool,
    first: u64,
    stride: u64,
    count: u64,
    permutation: Permutation,
) -> Result<Vec<i64>, EngineError> {
    check_population(n, count)?;
    check_epoch(epoch)?;
    if count == 0 || (shuffle && permutation == Permutation::FisherYates) {
        // The output is allocated first: a huge count fails here, before any work.
        let mut out = zeroed(count)?;
        if count > 0 {
            fisher_yates_read(seed, epoch, n, first, stride, &mut out)?;
        }
        return Ok(out);
    }
    // The bijection's only failure is the epoch (checked above), so a huge count still fails first, in fill_new.
    let bijection = match shuffle {
        true => Some(Bijection::for_block(seed, MAIN, epoch, n, 0)?),
        false => None,
    };
    threads::fill_new(count, |c0, chunk| {
        let mut offsets = Offsets::new(n, first, stride, c0);
        match &bijection {
            Some(bijection) => bijection.fill_with(chunk, || offsets.next_offset()),
            // Offsets are below n ≤ 2^63: they fit in i64.
            None => chunk.iter_mut().for_each(|slot| *slot = offsets.next_offset() as i64),
        }
        Ok(())
    })
}

/// (first + c·stride) mod n for c = c0, c0 + 1, …, stepping by stride mod n without overflow.
struct Offsets {
    n: u64,
    step: u64,
    offset: u64,
}

impl Offsets {
    /// Callers keep n ≥ 1.
    fn new(n: u64, first: u64, stride: u64, c0: u64) -> Self {
        let wide = u128::from(n.max(1));
        let step = u128::from(stride) % wide;
        let offset = (u128::from(first) + u128::from(c0) % wide * step) % wide;
        // Both are below n.
        Offsets {
            n,
            step: step as u64,
            offset: offset as u64,
        }
    }

    #[inline]
    fn next_offset(&mut self) -> u64 {
        let value = self.offset;
        // offset, step < n ≤ 2^63, so the sum does not overflow.
        self.offset += self.step;
        if self.offset >= self.n {
            self.offset -= self.n;
        }
        value
    }
}

/// Spec §5.1's block 0, computed up to the largest offset read.
fn fisher_yates_read(
    seed: u64,
    epoch: u64,
    n: u64,
    first: u64,
    stride: u64,
    out: &mut [i64],
) -> Result<(), EngineError> {
    let mut offsets = Offsets::new(n, first, stride, 0);
    let mut furthest = 0;
    for slot in out.iter_mut() {
        let offset = offsets.next_offset();
        furthest = furthest.max(offset);
        *slot = offset as i64;
    }
    let perm = fisher_yates_prefix(seed, MAIN, epoch, n, 0, furthest + 1)?;
    for slot in out.iter_mut() {
        // Every offset is ≤ furthest < perm.len().
        if let Some(&index) = perm.get(*slot as usize) {
            *slot = index;
        }
    }
    Ok(())
}

//! Uniform draws with replacement (spec §4).

use crate::bounded::multiply_shift;
use crate::error::EngineError;
use crate::keystream::{Keystream, MAIN};
use crate::limits::{check_epoch, check_population, check_strided_span};
use crate::threads;

/// Positions start + c·stride (c < count) of independent uniform draws from [0, n): position i is u64 draw i.
pub fn uniform_draws(
    seed: u64,
    epoch: u64,
    n: u64,
    start: u64,
    count: u64,
    stride: u64,
) -> Result<Vec<i64>, EngineError> {
    check_strided_span(start, count, stride)?;
    check_population(n, count)?;
    check_epoch(epoch)?;
    threads::fill_new(count, |first, chunk| {
        let stream = Keystream::new(seed, MAIN, epoch)?;
        // Draws are below n ≤ 2^63, so they fit in i64; position i is words 2i, 2i + 1.
        stream.read_strided(2, start + first * stride, stride, chunk, |s| {
            multiply_shift(s.next_u64(), n) as i64
        });
        Ok(())
    })
}

//! Uniform draws with replacement (spec §4).

use crate::bounded::multiply_shift;
use crate::error::EngineError;
use crate::keystream::{Keystream, MAIN};
use crate::limits::{check_population, check_span, vec_with_capacity};

/// Positions [start, start + count) of independent uniform draws from [0, n): position i is u64 draw i.
pub fn uniform_draws(seed: u64, epoch: u64, n: u64, start: u64, count: u64) -> Result<Vec<i64>, EngineError> {
    check_span(start, count)?;
    check_population(n, count)?;
    let mut stream = Keystream::new(seed, MAIN, epoch)?.at_word(2 * u128::from(start));
    let mut out = vec_with_capacity(count)?;
    // Draws are below n ≤ 2^63, so they fit in i64.
    out.extend((0..count).map(|_| multiply_shift(stream.next_u64(), n) as i64));
    Ok(out)
}

//! Bounded integers (spec §3): Lemire's multiply-shift without rejection, and its 128-bit form.

use crate::error::EngineError;
use crate::limits::{BOUNDED_NS, POSITIVE_U64S};

/// `(x · n) >> 64` for `1 ≤ n ≤ 2^64` (spec §3); n = 2^64 maps x to itself. The product is below 2^128.
pub fn bounded(x: u64, n: u128) -> Result<u64, EngineError> {
    let n = BOUNDED_NS.check("n", n)?;
    Ok(((u128::from(x) * n) >> 64) as u64)
}

/// `floor((x1·2^64 + x0) · r / 2^128)` for `1 ≤ r < 2^64` (spec §3).
pub fn bounded128(x0: u64, x1: u64, r: u64) -> Result<u64, EngineError> {
    POSITIVE_U64S.check("r", r.into())?;
    Ok(multiply_shift128(x0, x1, r))
}

/// The engine's inner step: `bounded(x, n)` for a u64 `n` the caller has checked is ≥ 1 (0 gives 0).
#[inline]
pub(crate) fn multiply_shift(x: u64, n: u64) -> u64 {
    ((u128::from(x) * u128::from(n)) >> 64) as u64
}

/// The engine's inner step of `bounded128`; r = 0 gives 0.
#[inline]
pub(crate) fn multiply_shift128(x0: u64, x1: u64, r: u64) -> u64 {
    let high = u128::from(x1) * u128::from(r);
    let low = (u128::from(x0) * u128::from(r)) >> 64;
    // high ≤ (2^64 − 1)·r and low < r, so high + low < 2^64·r ≤ 2^128: no overflow.
    ((high + low) >> 64) as u64
}

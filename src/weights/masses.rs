//! Integer weights (spec §7.1): float weights to exact integer masses summing to n · 2^32.

use crate::error::EngineError;
use crate::limits::{WEIGHTS_LIMIT, vec_with_capacity};

/// Column capacity of the alias table; the masses of n weights sum to n · CAPACITY.
pub const CAPACITY: u64 = 1 << 32;

/// Integer significand and binary exponent: w = m · 2^e (spec §7.1 step 2).
pub fn decompose(w: f64) -> (u64, i32) {
    let bits = w.to_bits();
    let exponent_bits = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    if exponent_bits == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), exponent_bits - 1075)
    }
}

/// floor(log2(w)) for w > 0, subnormals included (0 gives the exponent of the smallest subnormal).
pub fn floor_log2(w: f64) -> i32 {
    let (m, e) = decompose(w);
    (63 - m.leading_zeros().min(63) as i32) + e
}

/// Exact integer masses with Σ masses = n · 2^32 (spec §7.1), or the first reason the weights are refused.
pub fn integer_weights(weights: &[f64]) -> Result<Vec<u64>, EngineError> {
    let n = weights.len();
    if n == 0 {
        return Err(EngineError::NoWeights);
    }
    if n as u64 >= WEIGHTS_LIMIT {
        return Err(EngineError::TooManyWeights { n });
    }
    let mut largest = 0.0f64;
    for (index, &value) in weights.iter().enumerate() {
        if !value.is_finite() || value < 0.0 {
            return Err(EngineError::InvalidWeight { index, value });
        }
        largest = largest.max(value);
    }
    if largest == 0.0 {
        return Err(EngineError::AllZeroWeights);
    }

    // Step 2: ω = floor(w · 2^(52−E)), at least 1 for w > 0 (ω < 2^53).
    let top = floor_log2(largest);
    let mut masses: Vec<u64> = vec_with_capacity(n as u64)?;
    masses.extend(weights.iter().map(|&w| omega(w, top)));

    // Steps 3–4, in place: masses = ceil(ω · T / W) in exact 128-bit arithmetic (ω · T < 2^117).
    let total_omega: u128 = masses.iter().map(|&w| u128::from(w)).sum();
    let total = n as u128 * u128::from(CAPACITY);
    for mass in &mut masses {
        // ω ≤ W, so the quotient is at most T < 2^64.
        *mass = (u128::from(*mass) * total).div_ceil(total_omega.max(1)) as u64;
    }

    // Step 5: the excess X < n comes off the lowest index holding the largest mass (≥ 2^32 > X).
    let excess = masses
        .iter()
        .map(|&x| u128::from(x))
        .sum::<u128>()
        .saturating_sub(total) as u64;
    let mut heaviest = 0;
    let mut heaviest_mass = 0;
    for (index, &mass) in masses.iter().enumerate() {
        if mass > heaviest_mass {
            (heaviest, heaviest_mass) = (index, mass);
        }
    }
    if let Some(mass) = masses.get_mut(heaviest) {
        *mass -= excess;
    }
    Ok(masses)
}

/// Step 2 for one weight: shift the significand left (only when the largest weight is subnormal) or right.
fn omega(w: f64, top: i32) -> u64 {
    if w == 0.0 {
        return 0;
    }
    let (m, e) = decompose(w);
    let shift = e + 52 - top;
    let scaled = if shift >= 0 {
        m.checked_shl(shift.unsigned_abs()).unwrap_or(0)
    } else {
        m.checked_shr(shift.unsigned_abs()).unwrap_or(0)
    };
    scaled.max(1)
}

/// The invariants of §7.1's result: 1 to 2^32 − 1 masses summing to n · 2^32. Returns the non-zero count.
pub fn check_masses(masses: &[u64]) -> Result<usize, EngineError> {
    let n = masses.len();
    let total: u128 = masses.iter().map(|&q| u128::from(q)).sum();
    if n == 0 || n as u64 >= WEIGHTS_LIMIT || total != n as u128 * u128::from(CAPACITY) {
        return Err(EngineError::InvalidMasses { n, total });
    }
    Ok(masses.iter().filter(|&&q| q > 0).count())
}

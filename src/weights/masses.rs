//! Integer weights (spec §7.1): float weights to exact integer masses summing to n · 2^32.
//!
//! Three passes over the weights: `check_weights` copies them (each read once) while checking them and
//! finding the largest; `integer_masses` sums ω, then turns ω into q in place. The last two run on the
//! engine's threads (spec §12: their results are exact sums and maxima, the same for any split).

use std::sync::Mutex;

use crate::alloc::vec_with_capacity;
use crate::error::EngineError;
use crate::limits::WEIGHTS_LIMIT;
use crate::threads;

/// Column capacity of the alias table; the masses of n weights sum to n · CAPACITY.
pub const CAPACITY: u64 = 1 << 32;

/// −0.0's bits; a weight's copy keeps it as +0.0 (it counts as 0).
const NEGATIVE_ZERO: u64 = 1 << 63;
/// +∞'s bits: exactly the finite non-negative weights (−0.0 read as +0.0) have bits below it.
const INFINITY_BITS: u64 = 0x7ff0_0000_0000_0000;
/// Weights summed in a u64 at a time: 2^11 values of ω < 2^53 sum below 2^64.
const BLOCK: usize = 1 << 11;
/// Fraction bits of q's reciprocal estimate (see `Divisor`).
const RECIPROCAL_BITS: u32 = 52;

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

/// §7.1's input, checked: a copy of the weights (as bits, −0.0 as +0.0) and the largest of them.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedWeights {
    bits: Vec<u64>,
    largest: f64,
}

impl CheckedWeights {
    pub fn len(&self) -> usize {
        self.bits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bits.is_empty()
    }
}

/// §7.1's result: the masses and how many of them are non-zero (as many as non-zero weights).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masses {
    pub masses: Vec<u64>,
    pub nonzero: usize,
}

/// Exact integer masses with Σ masses = n · 2^32 (spec §7.1), or the first reason the weights are refused.
pub fn integer_weights(weights: &[f64]) -> Result<Vec<u64>, EngineError> {
    Ok(integer_masses(check_weights(weights)?)?.masses)
}

/// §7.1's input rule and step 1: 1 ≤ n < 2^32 weights, each finite and ≥ 0, not all zero; the first
/// offending index otherwise. Reads each weight once, into the copy the other steps use.
pub fn check_weights(weights: &[f64]) -> Result<CheckedWeights, EngineError> {
    let n = weights.len();
    if n == 0 {
        return Err(EngineError::NoWeights);
    }
    if n as u64 >= WEIGHTS_LIMIT {
        return Err(EngineError::TooManyWeights { n });
    }
    let mut bits: Vec<u64> = vec_with_capacity(n as u64)?;
    let mut largest = 0;
    for block in weights.chunks(BLOCK) {
        let first = bits.len();
        let mut block_largest = 0;
        bits.extend(block.iter().map(|&w| {
            let b = if w.to_bits() == NEGATIVE_ZERO { 0 } else { w.to_bits() };
            block_largest = block_largest.max(b);
            b
        }));
        // Bits order the non-negative weights, and every refused value's bits are at least +∞'s.
        if block_largest >= INFINITY_BITS {
            let tail = bits.get(first..).unwrap_or_default();
            if let Some(offset) = tail.iter().position(|&b| b >= INFINITY_BITS) {
                let value = tail.get(offset).map_or(f64::NAN, |&b| f64::from_bits(b));
                return Err(EngineError::InvalidWeight {
                    index: first + offset,
                    value,
                });
            }
        }
        largest = largest.max(block_largest);
    }
    if largest == 0 {
        return Err(EngineError::AllZeroWeights);
    }
    Ok(CheckedWeights {
        bits,
        largest: f64::from_bits(largest),
    })
}

/// Steps 2–5 on checked weights, in place of their copy.
pub fn integer_masses(checked: CheckedWeights) -> Result<Masses, EngineError> {
    let CheckedWeights {
        bits: mut masses,
        largest,
    } = checked;
    let n = masses.len();

    // Steps 2–3: ω = floor(w · 2^(52−E)), at least 1 for w > 0 (ω < 2^53, the largest's ω ≥ 2^52);
    // W = Σ ω.
    let scale = Scale::new(largest);
    let total_omega = reduce(&mut masses, |_, chunk| {
        chunk
            .chunks(BLOCK)
            .map(|block| u128::from(block.iter().map(|&b| scale.omega(b)).sum::<u64>()))
            .sum::<u128>()
    })?;

    // Step 4, in place: q = ceil(ω · T / W), with Σ q, the lowest index of the largest q and the non-zero count.
    let divisor = Divisor::new(n as u64 * CAPACITY, total_omega);
    let heaviest = reduce(&mut masses, |first, chunk| {
        let mut found = Heaviest::default();
        for (index, mass) in (first as usize..).zip(chunk.iter_mut()) {
            let q = divisor.ceil_quotient(scale.omega(*mass));
            *mass = q;
            found.sum += u128::from(q);
            found.nonzero += usize::from(q > 0);
            if q > found.mass {
                (found.index, found.mass) = (index, q);
            }
        }
        found
    })?;

    // Step 5: the excess X < n comes off the lowest index holding the largest mass (≥ 2^32 > X).
    let excess = heaviest.sum.saturating_sub(u128::from(divisor.total)) as u64;
    if let Some(mass) = masses.get_mut(heaviest.index) {
        *mass -= excess;
    }
    Ok(Masses {
        masses,
        nonzero: heaviest.nonzero,
    })
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

/// Step 2 on a checked weight's bits, for the largest weight's exponent.
#[derive(Debug, Clone, Copy)]
struct Scale {
    /// E = ⌊log2 M⌋.
    top: i32,
    /// M's biased exponent when M is normal (then every shift is to the right), else 0.
    top_exponent: u64,
}

impl Scale {
    fn new(largest: f64) -> Self {
        Scale {
            top: floor_log2(largest),
            top_exponent: largest.to_bits() >> 52,
        }
    }

    /// `omega(w, E)` for the weight with these bits; without branches when M is normal: then w = m · 2^e
    /// with e = max(x, 1) − 1075 (x its biased exponent) and E = X − 1023, so ω = m >> (X − max(x, 1))
    /// (a shift of 53 or more gives 0 for m < 2^53, like any shift ≥ 64), at least 1 when w > 0.
    #[inline(always)]
    fn omega(&self, bits: u64) -> u64 {
        if self.top_exponent == 0 {
            return omega(f64::from_bits(bits), self.top);
        }
        let exponent = bits >> 52;
        let significand = (bits & ((1 << 52) - 1)) | (u64::from(exponent != 0) << 52);
        let shift = self.top_exponent - exponent.max(1);
        (significand >> shift.min(63)).max(u64::from(bits != 0))
    }
}

/// Step 4's exact ceiling by an invariant divisor: ⌈ω · T / W⌉ for 0 ≤ ω ≤ W (ω < 2^53, 2^52 ≤ W < 2^85,
/// T < 2^64), without a 128-bit division per weight.
///
/// With R = ⌊T · 2^52 / W⌋ (< 2^64, since T / W ≤ T / 2^52 < 2^12), the estimate e = ⌊ω · R / 2^52⌋
/// satisfies x − 3 < e ≤ x for x = ω · T / W: R is at most 1 below T · 2^52 / W, so ω · R / 2^52 is at most
/// ω / 2^52 < 2 below x. Hence the remainder r = ω · T − e · W (exact: 0 ≤ e · W ≤ ω · T < 2^117) lies in
/// [0, 3W), and ⌈x⌉ = e + ⌈r / W⌉ = e + [r > 0] + [r > W] + [r > 2W], with no case left out.
#[derive(Debug, Clone, Copy)]
struct Divisor {
    total: u64,
    divisor: u128,
    reciprocal: u64,
}

impl Divisor {
    fn new(total: u64, divisor: u128) -> Self {
        let divisor = divisor.max(1);
        Divisor {
            total,
            divisor,
            // < 2^64 when divisor ≥ 2^52 (always, for checked weights); saturates otherwise (never read).
            reciprocal: u64::try_from((u128::from(total) << RECIPROCAL_BITS) / divisor).unwrap_or(u64::MAX),
        }
    }

    #[inline(always)]
    fn ceil_quotient(&self, omega: u64) -> u64 {
        let exact = u128::from(omega) * u128::from(self.total);
        let estimate = ((u128::from(omega) * u128::from(self.reciprocal)) >> RECIPROCAL_BITS) as u64;
        let remainder = exact.wrapping_sub(u128::from(estimate).wrapping_mul(self.divisor));
        estimate
            + u64::from(remainder > 0)
            + u64::from(remainder > self.divisor)
            + u64::from(remainder > 2 * self.divisor)
    }
}

/// Step 4's running totals over a chunk: Σ q, the largest q and its lowest index, the non-zero count.
#[derive(Debug, Default, Clone, Copy)]
struct Heaviest {
    sum: u128,
    mass: u64,
    index: usize,
    nonzero: usize,
}

/// Chunk results combined exactly whatever the split: sums, and the largest mass at its lowest index.
trait Combine {
    fn combine(self, other: Self) -> Self;
}

impl Combine for u128 {
    fn combine(self, other: Self) -> Self {
        self + other
    }
}

impl Combine for Heaviest {
    fn combine(self, other: Self) -> Self {
        let (mass, index) = if other.mass > self.mass || (other.mass == self.mass && other.index < self.index) {
            (other.mass, other.index)
        } else {
            (self.mass, self.index)
        };
        Heaviest {
            sum: self.sum + other.sum,
            mass,
            index,
            nonzero: self.nonzero + other.nonzero,
        }
    }
}

/// `work(first, chunk)` over `data` on the engine's threads, the chunks' results combined.
fn reduce<R, W>(data: &mut [u64], work: W) -> Result<R, EngineError>
where
    R: Combine + Default + Send,
    W: Fn(u64, &mut [u64]) -> R + Sync,
{
    let total = Mutex::new(R::default());
    threads::fill(data, |first, chunk| {
        let part = work(first, chunk);
        let mut total = total.lock().map_err(|_| EngineError::Thread)?;
        *total = std::mem::take(&mut *total).combine(part);
        Ok(())
    })?;
    total.into_inner().map_err(|_| EngineError::Thread)
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

#[cfg(test)]
mod tests {
    use super::{CAPACITY, Divisor};

    use crate::test_rng::next;

    /// The invariant-divisor ceiling equals the 128-bit division over the whole range the spec allows:
    /// T = n · 2^32 up to (2^32 − 1) · 2^32, 2^52 ≤ W < 2^85, 0 ≤ ω ≤ min(W, 2^53 − 1), edges included.
    #[test]
    fn ceil_quotient_is_the_exact_ceiling() {
        let mut state = 5;
        let omega_max = (1u64 << 53) - 1;
        let n_edges = [1u64, 2, 3, 1 << 20, (1 << 31) + 1, (1 << 32) - 2, (1 << 32) - 1];
        for case in 0..200_000u64 {
            let r = next(&mut state);
            let n = if case % 4 == 0 {
                n_edges[(r % 7) as usize]
            } else {
                1 + (next(&mut state) >> (32 + r % 32))
            };
            let total = n * CAPACITY;
            // W between 2^52 and n · (2^53 − 1) (its range for n weights), near either end or anywhere.
            let low = 1u128 << 52;
            let high = u128::from(n) * u128::from(omega_max);
            let span = high - low + 1;
            let wide = (u128::from(next(&mut state)) << 64 | u128::from(next(&mut state))) % span;
            let divisor = match case % 5 {
                0 => low + wide % 4,
                1 => high - wide % 4,
                2 => low + (wide >> (r % 80)),
                _ => low + wide,
            };
            let cap = u64::try_from(divisor.min(u128::from(omega_max))).unwrap();
            let pick = next(&mut state);
            let omega = match case % 6 {
                0 => cap - pick % 3.min(cap + 1),
                1 => pick % 3,
                2 => (pick >> (pick % 64)) % (cap + 1),
                _ => pick % (cap + 1),
            };
            let d = Divisor::new(total, divisor);
            let expected = (u128::from(omega) * u128::from(total)).div_ceil(divisor) as u64;
            assert_eq!(
                d.ceil_quotient(omega),
                expected,
                "ω = {omega}, T = {total}, W = {divisor}"
            );
        }
    }
}

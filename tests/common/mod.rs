//! Shared by the no-panic property tests: a seeded generator of extreme arguments and the Ok/Err oracle.

// Each test crate uses a different part of this module.
#![allow(dead_code)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use ferrosampler::EngineError;
use ferrosampler::limits::{EPOCH_LIMIT, POPULATION_LIMIT};

// Calls up to WORK elements run and must succeed; from 2^60 elements (over isize::MAX bytes) the allocation
// must be refused; in between the core would do the work, slowly, so the case is skipped.
pub const WORK: u64 = 1 << 16;
pub const REFUSED: u64 = 1 << 60;
pub const CASES: usize = 4000;

pub const EXTREMES: [u64; 20] = [
    0,
    1,
    2,
    3,
    7,
    (1 << 31) - 1,
    1 << 31,
    (1 << 32) - 1,
    1 << 32,
    (1 << 32) + 1,
    (1 << 56) - 1,
    1 << 56,
    (1 << 56) + 1,
    1 << 60,
    (1 << 63) - 1,
    1 << 63,
    (1 << 63) + 1,
    u64::MAX - 1,
    u64::MAX,
    1 << 62,
];

/// SplitMix64: a seeded generator, so a failure is reproducible from the case number.
pub struct Gen(pub u64);

impl Gen {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// An extreme value, a value next to one, a small value or any u64.
    pub fn u64(&mut self) -> u64 {
        match self.below(4) {
            0 => self.pick(&EXTREMES),
            1 => self.pick(&EXTREMES).wrapping_add(self.below(5)).wrapping_sub(2),
            2 => self.below(100),
            _ => self.next(),
        }
    }

    /// Mostly small counts (so calls run), sometimes absurd ones (so they must be refused).
    /// A stride: mostly 1, else small, huge or extreme (0 is refused by the strided functions).
    pub fn stride(&mut self) -> u64 {
        match self.below(4) {
            0 | 1 => 1,
            2 => self.below(1000),
            _ => self.u64(),
        }
    }

    pub fn count(&mut self) -> u64 {
        if self.below(4) == 0 { self.u64() } else { self.below(70) }
    }

    pub fn epoch(&mut self) -> u64 {
        if self.below(3) == 0 {
            self.u64()
        } else {
            self.below(EPOCH_LIMIT)
        }
    }

    pub fn population(&mut self) -> u64 {
        match self.below(3) {
            0 => self.u64(),
            1 => self.below(50),
            _ => self.below(POPULATION_LIMIT) + 1,
        }
    }

    pub fn weight(&mut self) -> f64 {
        match self.below(6) {
            0 => self.pick(&[
                0.0,
                -0.0,
                1.0,
                5e-324,
                f64::MIN_POSITIVE,
                f64::MAX,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NAN,
                -1e-300,
                -1.5e20,
            ]),
            1 => 0.0,
            2 => f64::from_bits(self.next()),
            _ => (self.below(1000) as f64) * 2f64.powi(self.below(200) as i32 - 100),
        }
    }
}

/// Runs `call`, turning a panic into a test failure that names the case.
pub fn no_panic<T>(what: &str, call: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(call)) {
        Ok(value) => value,
        Err(_) => panic!("{what} panicked"),
    }
}

/// What a call must do, from the oracle: succeed, fail, fail on allocation, or too slow to run.
#[derive(Debug, PartialEq)]
pub enum Expect {
    Ok,
    Err,
    Refused,
    Skip,
}

pub fn expect(valid: bool, work: u64) -> Expect {
    match (valid, work) {
        (false, _) => Expect::Err,
        (true, w) if w <= WORK => Expect::Ok,
        (true, w) if w >= REFUSED => Expect::Refused,
        _ => Expect::Skip,
    }
}

/// Checks `result` against `expected`; returns the output to check when the call succeeded.
pub fn judge<T: std::fmt::Debug>(what: &str, expected: &Expect, result: Result<T, EngineError>) -> Option<T> {
    match (expected, result) {
        (Expect::Ok, Ok(out)) => Some(out),
        (Expect::Err, Err(_)) => None,
        (Expect::Refused, Err(EngineError::Allocation { .. })) => None,
        (expected, got) => panic!("{what}: expected {expected:?}, got {got:?}"),
    }
}

pub fn span_ok(start: u64, count: u64) -> bool {
    u128::from(start) + u128::from(count) < 1 << 64
}

pub fn population_ok(n: u64, count: u64) -> bool {
    n <= POPULATION_LIMIT && (count == 0 || n >= 1)
}

/// Positions start + c·stride (c < count) all below 2^64 − 1, stride ≥ 1 (spec §2's strided span).
pub fn strided_span_ok(start: u64, count: u64, stride: u64) -> bool {
    stride >= 1 && (count == 0 || u128::from(start) + u128::from(count - 1) * u128::from(stride) + 1 < 1 << 64)
}

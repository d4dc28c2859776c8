//! Limits (spec §2, §7.1): every bound once and the precondition checks (allocation: `alloc.rs`).

use std::fmt;

use crate::error::EngineError;

/// Epochs live in the low 56 bits of the stream id (spec §2).
pub const EPOCH_LIMIT: u64 = 1 << 56;
/// Indices are int64, so a population holds at most 2^63 items (spec §2).
pub const POPULATION_LIMIT: u64 = 1 << 63;
/// A weight vector has fewer than 2^32 entries (spec §7.1).
pub const WEIGHTS_LIMIT: u64 = 1 << 32;
/// Positions are below 2^64: `start + count < 2^64` (spec §2).
pub const POSITION_LIMIT: u128 = 1 << 64;

/// A half-open integer range [lo, hi), with hi written as the reference writes it in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntRange {
    pub lo: u128,
    pub hi: u128,
    pub hi_text: &'static str,
}

/// Any u64: seeds, positions, counts, strides.
pub const U64S: IntRange = IntRange {
    lo: 0,
    hi: POSITION_LIMIT,
    hi_text: "2**64",
};
/// A u64 that must be at least 1: bounded128's r, PK's num_val.
pub const POSITIVE_U64S: IntRange = IntRange {
    lo: 1,
    hi: POSITION_LIMIT,
    hi_text: "2**64",
};
pub const EPOCHS: IntRange = IntRange {
    lo: 0,
    hi: EPOCH_LIMIT as u128,
    hi_text: "2**56",
};
pub const PURPOSES: IntRange = IntRange {
    lo: 0,
    hi: 256,
    hi_text: "256",
};
pub const POPULATIONS: IntRange = IntRange {
    lo: 0,
    hi: POPULATION_LIMIT as u128 + 1,
    hi_text: "2**63 + 1",
};
/// bounded's n: 1 ≤ n ≤ 2^64 (spec §3).
pub const BOUNDED_NS: IntRange = IntRange {
    lo: 1,
    hi: POSITION_LIMIT + 1,
    hi_text: "2**64 + 1",
};

impl IntRange {
    pub fn contains(&self, value: u128) -> bool {
        self.lo <= value && value < self.hi
    }

    /// `value` if it lies in the range, else the reference's "`name` must be in [lo, hi)" error.
    pub fn check(&self, name: &'static str, value: u128) -> Result<u128, EngineError> {
        if self.contains(value) {
            Ok(value)
        } else {
            Err(EngineError::OutOfRange {
                name,
                range: *self,
                value,
            })
        }
    }

    /// The message refusing `name = value` (any integer, in decimal: the binding's may not fit a u128).
    pub fn refusal(&self, name: &str, value: &dyn fmt::Display) -> String {
        format!("{name} must be in [{}, {}), got {name}={value}", self.lo, self.hi_text)
    }
}

/// Spec §2: `epoch < 2^56`.
pub fn check_epoch(epoch: u64) -> Result<(), EngineError> {
    EPOCHS.check("epoch", epoch.into()).map(drop)
}

/// Spec §2: a purpose is below 256 (the Rust type `u8` already says so; the binding passes wider values).
pub fn check_purpose(purpose: u64) -> Result<u8, EngineError> {
    u8::try_from(purpose).map_err(|_| EngineError::OutOfRange {
        name: "purpose",
        range: PURPOSES,
        value: purpose.into(),
    })
}

/// Spec §2: every position read is below 2^64.
pub fn check_span(start: u64, count: u64) -> Result<(), EngineError> {
    if u128::from(start) + u128::from(count) >= POSITION_LIMIT {
        return Err(EngineError::SpanTooLong { start, count });
    }
    Ok(())
}

/// Spec §2: positions start + c·stride (c < count, stride ≥ 1) are read; the last plus one is below
/// 2^64, which at stride 1 is `check_span` (and its message).
pub fn check_strided_span(start: u64, count: u64, stride: u64) -> Result<(), EngineError> {
    POSITIVE_U64S.check("stride", stride.into())?;
    if stride == 1 || count <= 1 {
        return check_span(start, count);
    }
    let last = u128::from(start) + u128::from(count - 1) * u128::from(stride);
    if last + 1 >= POSITION_LIMIT {
        return Err(EngineError::StridedSpanTooLong { start, count, stride });
    }
    Ok(())
}

/// Spec §2/§4: a population size is at most 2^63, and at least 1 as soon as something is drawn.
pub fn check_population(n: u64, count: u64) -> Result<(), EngineError> {
    POPULATIONS.check("n", n.into())?;
    if count > 0 && n == 0 {
        return Err(EngineError::EmptyPopulation { name: "n" });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_refuse_exactly_the_out_of_range_values() {
        assert!(check_epoch(EPOCH_LIMIT - 1).is_ok());
        assert!(check_epoch(EPOCH_LIMIT).is_err());
        assert_eq!(check_purpose(255), Ok(255));
        assert_eq!(
            check_purpose(256).unwrap_err().to_string(),
            "purpose must be in [0, 256), got purpose=256"
        );
        assert!(check_span(u64::MAX - 1, 1).is_ok());
        assert!(check_span(u64::MAX - 1, 2).is_err());
        assert!(check_population(POPULATION_LIMIT, 1).is_ok());
        assert!(check_population(POPULATION_LIMIT + 1, 0).is_err());
        assert!(check_population(0, 0).is_ok());
        assert_eq!(check_population(0, 1), Err(EngineError::EmptyPopulation { name: "n" }));
    }
}

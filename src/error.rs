//! Errors (spec §2–§9 preconditions): one `EngineError` whose Display is the pure-Python reference's message.

use std::fmt;

use crate::limits::IntRange;

/// Why an engine call was refused. Every variant but `Allocation` is a bad value (Python's ValueError);
/// `Allocation` is memory the machine does not have (MemoryError).
#[derive(Debug, Clone, PartialEq)]
pub enum EngineError {
    /// An integer argument outside its range.
    OutOfRange {
        name: &'static str,
        range: IntRange,
        value: u128,
    },
    /// `start + count` reaches 2^64 (positions are below 2^64, spec §2).
    SpanTooLong { start: u64, count: u64 },
    /// The last strided position `start + (count − 1)·stride` reaches 2^64 − 1 (the span rule, strided).
    StridedSpanTooLong { start: u64, count: u64, stride: u64 },
    /// A worker thread could not be started (the machine's limit, like an allocation).
    Thread,
    /// Something is drawn from a population of size 0.
    EmptyPopulation { name: &'static str },
    /// An array of `elements` items (outputs or working memory) cannot be allocated.
    Allocation { elements: u128 },
    /// Spec §7.1: no weights at all.
    NoWeights,
    /// Spec §7.1: n ≥ 2^32 weights.
    TooManyWeights { n: usize },
    /// Spec §7.1: the first weight that is not finite and ≥ 0.
    InvalidWeight { index: usize, value: f64 },
    /// Spec §7.1: no weight is positive.
    AllZeroWeights,
    /// Integer masses that are not 1..2^32 − 1 masses summing to n · 2^32 (spec §7.1's result).
    InvalidMasses { n: usize, total: u128 },
    /// Spec §8: k above the number of non-zero weights.
    TooManyDraws { k: u64, nonzero: usize },
    /// Spec §9: fewer than 2 offsets (no class).
    TooFewOffsets { len: usize },
    /// Spec §9: offsets[0] ≠ 0.
    FirstOffset { first: i64 },
    /// Spec §9: offsets[C] ≠ len(rows).
    LastOffset { classes: usize, rows: usize, last: i64 },
    /// Spec §9: class `class` has no row (offsets[class + 1] ≤ offsets[class]).
    EmptyClass { class: usize, lo: i64, hi: i64 },
    /// Spec §9: class_order[index] is not a class number.
    ClassId { index: usize, class: i64, classes: usize },
    /// Spec §9: positions past len(class_order) · num_val.
    PastTheEnd { available: u128, start: u64, count: u64 },
    /// Spec §19.4/§20: more slots per batch (`name` = p or group) than classes.
    TooManySlots {
        name: &'static str,
        value: u64,
        classes: usize,
    },
    /// Spec §19.4/§20: the last batch's row draws reach past 2^63.
    DrawsPastLimit {
        names: (&'static str, &'static str),
        batch: u128,
        p: u64,
        k: u64,
    },
    /// Spec §20: the last unit's class block reaches past position 2^63.
    BlocksPastLimit { unit: u128, classes: u64 },
    /// Spec §24.2: no lengths at all.
    EmptyLengths,
    /// Spec §24.2: the first length outside [0, 2^63).
    InvalidLength { index: usize, value: i128 },
    /// Spec §24.2: both or neither of batch_size and max_tokens (each as Python shows it: an int or None).
    BatchingChoice { batch_size: String, max_tokens: String },
    /// Spec §24.2: with batch_size, a window that is not a whole number of batches.
    WindowNotMultiple { window: u64, batch_size: u64 },
    /// Spec §24.2: batches read from a plan that has none.
    EmptyPlan { count: u64 },
    /// An index argument outside [0, len) (spec §23.5: a phase or a source of a mixture plan).
    IndexOutOfRange { name: &'static str, value: i128, len: u64 },
    /// An integer argument of either sign outside its range (spec §23.1: num_samples as the binding reads it).
    WideOutOfRange {
        name: &'static str,
        range: IntRange,
        value: i128,
    },
    /// Spec §23.1: no source.
    NoSources,
    /// Spec §23.1: more than 2^16 sources.
    TooManySources { n: usize },
    /// Spec §23.1: a source size outside [1, 2^48].
    SourceSize { index: usize, value: i128 },
    /// Spec §23.1: the sizes sum past 2^63.
    SizesTooLarge { total: u128 },
    /// Spec §23.1: no phase.
    NoPhases,
    /// Spec §23.1: 2^32 phases or more.
    TooManyPhases { n: usize },
    /// Spec §23.1: phase 0 starts elsewhere than 0.
    FirstPhase { start: i128 },
    /// Spec §23.1: a phase starting at or before the previous one.
    PhaseOrder { phase: usize, previous: i128, start: i128 },
    /// Spec §23.1: a phase starting at or past num_samples.
    PhasePastEnd {
        phase: usize,
        start: i128,
        num_samples: u64,
    },
    /// Spec §23.1: not one weight per source and phase.
    WeightsShape { expected: u128, len: usize },
    /// Spec §23.1: a weight that is not finite and ≥ 0; `phase` is None for a single phase.
    MixtureWeight {
        phase: Option<usize>,
        index: usize,
        value: f64,
    },
    /// Spec §23.1: a phase without a positive weight; `phase` is None for a single phase.
    MixtureAllZero { phase: Option<usize> },
    /// Spec §23.5: a position at or past num_samples.
    MixturePastEnd {
        start: u64,
        count: u64,
        stride: u64,
        num_samples: u64,
    },
    /// Spec §23.4: (epoch + 1) · num_samples past 2^64.
    RunTooLong { epoch: u64, num_samples: u64 },
    /// Spec §23.7: no exhaustion length within 2^62 positions.
    NeverExhausted { all_sources: bool, source: usize },
    /// Spec §25: block `block` of a population of n starts past the last stream position.
    BlockPastEnd { block: u64, n: u64 },
    /// Spec §25: values[index] is not in [0, n) (`value` may lie outside i64: the binding reads wider integers).
    NotInPopulation { index: usize, value: i128, n: u64 },
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OutOfRange { name, range, value } => f.write_str(&range.refusal(name, value)),
            Self::SpanTooLong { start, count } => {
                write!(f, "start + count must be < 2**64, got start={start}, count={count}")
            }
            Self::StridedSpanTooLong { start, count, stride } => write!(
                f,
                "start + (count - 1) * stride must be < 2**64 - 1, got start={start}, count={count}, stride={stride}"
            ),
            Self::Thread => write!(f, "cannot start a worker thread"),
            Self::EmptyPopulation { name } => write!(f, "{name} must be >= 1 when count > 0, got {name}=0"),
            Self::Allocation { elements } => write!(f, "cannot allocate {elements} indices"),
            Self::NoWeights => write!(f, "weights must not be empty"),
            Self::TooManyWeights { n } => write!(f, "weights must have fewer than 2**32 entries, got {n}"),
            // Rust's float notation; the binding writes the value as Python's repr (the reference's text).
            Self::InvalidWeight { index, value } => {
                write!(f, "weights[{index}] must be finite and non-negative, got {value:?}")
            }
            Self::AllZeroWeights => write!(f, "weights must contain at least one positive value, got all zeros"),
            Self::InvalidMasses { n, total } => write!(
                f,
                "integer weights must be 1 to 2**32 - 1 masses summing to len * 2**32, got {n} summing to {total}"
            ),
            Self::TooManyDraws { k, nonzero } => {
                write!(f, "k must be <= the number of non-zero weights ({nonzero}), got k={k}")
            }
            Self::TooFewOffsets { len } => write!(f, "offsets must have at least 2 entries, got {len}"),
            Self::FirstOffset { first } => write!(f, "offsets[0] must be 0, got offsets[0]={first}"),
            Self::LastOffset { classes, rows, last } => {
                write!(f, "offsets[{classes}] must equal len(rows)={rows}, got {last}")
            }
            Self::EmptyClass { class, lo, hi } => write!(
                f,
                "every class must have at least one row: offsets[{}]={hi} <= offsets[{class}]={lo}",
                class + 1
            ),
            Self::ClassId { index, class, classes } => {
                write!(f, "class_order[{index}] must be in [0, {classes}), got {class}")
            }
            Self::PastTheEnd {
                available,
                start,
                count,
            } => write!(
                f,
                "start + count must be <= len(class_order) * num_val = {available}, got start={start}, count={count}"
            ),
            Self::TooManySlots { name, value, classes } => {
                write!(
                    f,
                    "{name} must be <= the number of classes ({classes}), got {name}={value}"
                )
            }
            Self::DrawsPastLimit {
                names: (p_name, k_name),
                batch,
                p,
                k,
            } => write!(
                f,
                "(b + 1) * {p_name} * {k_name} must be <= 2**63 for the last b = start + (count - 1) * stride, \
                 got b={batch}, {p_name}={p}, {k_name}={k}"
            ),
            Self::BlocksPastLimit { unit, classes } => write!(
                f,
                "(b + 1) * (number of classes) must be <= 2**63 for the last b = start + (count - 1) * stride, \
                 got b={unit}, classes={classes}"
            ),
            Self::EmptyLengths => write!(f, "lengths must not be empty"),
            Self::InvalidLength { index, value } => write!(f, "lengths[{index}] must be in [0, 2**63), got {value}"),
            Self::BatchingChoice { batch_size, max_tokens } => write!(
                f,
                "exactly one of batch_size and max_tokens must be given, got batch_size={batch_size}, \
                 max_tokens={max_tokens}"
            ),
            Self::WindowNotMultiple { window, batch_size } => write!(
                f,
                "window must be a multiple of batch_size={batch_size}, got window={window}"
            ),
            Self::EmptyPlan { count } => write!(f, "the plan has no batch (num_batches=0), got count={count}"),
            Self::IndexOutOfRange { name, value, len } => {
                write!(f, "{name} must be in [0, {len}), got {name}={value}")
            }
            Self::WideOutOfRange { name, range, value } => f.write_str(&range.refusal(name, value)),
            Self::NoSources => write!(f, "sizes must not be empty"),
            Self::TooManySources { n } => write!(f, "sizes must have at most 2**16 entries, got {n}"),
            Self::SourceSize { index, value } => write!(f, "sizes[{index}] must be in [1, 2**48], got {value}"),
            Self::SizesTooLarge { total } => write!(f, "sizes must sum to at most 2**63, got {total}"),
            Self::NoPhases => write!(f, "starts must not be empty"),
            Self::TooManyPhases { n } => write!(f, "starts must have fewer than 2**32 entries, got {n}"),
            Self::FirstPhase { start } => write!(f, "weights phase 0 must start at 0, got start={start}"),
            Self::PhaseOrder { phase, previous, start } => write!(
                f,
                "weights phase {phase} must start after phase {} (start={previous}), got start={start}",
                phase - 1
            ),
            Self::PhasePastEnd {
                phase,
                start,
                num_samples,
            } => write!(
                f,
                "weights phase {phase} must start before num_samples={num_samples}, got start={start}"
            ),
            Self::WeightsShape { expected, len } => write!(
                f,
                "weights must hold len(starts) * len(sizes) = {expected} values, got {len}"
            ),
            // Rust's float notation; the binding writes the value as Python's repr (the reference's text).
            Self::MixtureWeight { phase, index, value } => {
                let value = format!("{value:?}");
                match phase {
                    None => write!(
                        f,
                        "weights[{index}] = {value}: a weight must be finite and non-negative"
                    ),
                    Some(phase) => write!(
                        f,
                        "weights phase {phase} [{index}] = {value}: a weight must be finite and non-negative"
                    ),
                }
            }
            Self::MixtureAllZero { phase } => match phase {
                None => write!(f, "weights are all zero: at least one must be positive"),
                Some(phase) => write!(f, "weights phase {phase} are all zero: at least one must be positive"),
            },
            Self::MixturePastEnd {
                start,
                count,
                stride,
                num_samples,
            } => write!(
                f,
                "start + (count - 1) * stride must be < num_samples={num_samples}, got start={start}, \
                 count={count}, stride={stride}"
            ),
            Self::RunTooLong { epoch, num_samples } => write!(
                f,
                "(epoch + 1) * num_samples must be <= 2**64, got epoch={epoch}, num_samples={num_samples}"
            ),
            Self::NeverExhausted { all_sources, source } => {
                let which = if *all_sources {
                    "all_exhausted"
                } else {
                    "first_exhausted"
                };
                write!(
                    f,
                    "num_samples='{which}' would be more than 2**62 positions: source {source} completes its \
                     first pass only after that"
                )
            }
            Self::BlockPastEnd { block, n } => {
                write!(f, "block * n must be < 2**64, got block={block}, n={n}")
            }
            Self::NotInPopulation { index, value, n } => {
                write!(f, "values[{index}] must be in [0, {n}), got {value}")
            }
        }
    }
}

impl std::error::Error for EngineError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::{EPOCHS, POPULATIONS};

    #[test]
    fn messages_are_the_references() {
        let cases: Vec<(EngineError, &str)> = vec![
            (
                EngineError::OutOfRange {
                    name: "epoch",
                    range: EPOCHS,
                    value: 72057594037927936,
                },
                "epoch must be in [0, 2**56), got epoch=72057594037927936",
            ),
            (
                EngineError::OutOfRange {
                    name: "n",
                    range: POPULATIONS,
                    value: 9223372036854775809,
                },
                "n must be in [0, 2**63 + 1), got n=9223372036854775809",
            ),
            (
                EngineError::SpanTooLong {
                    start: u64::MAX - 1,
                    count: 3,
                },
                "start + count must be < 2**64, got start=18446744073709551614, count=3",
            ),
            (
                EngineError::EmptyPopulation { name: "n" },
                "n must be >= 1 when count > 0, got n=0",
            ),
            (EngineError::NoWeights, "weights must not be empty"),
            (
                EngineError::WideOutOfRange {
                    name: "num_samples",
                    range: crate::mixture::NUM_SAMPLES,
                    value: -3,
                },
                "num_samples must be in [1, 2**62 + 1), got num_samples=-3",
            ),
            (
                EngineError::IndexOutOfRange {
                    name: "phase",
                    value: -1,
                    len: 2,
                },
                "phase must be in [0, 2), got phase=-1",
            ),
            (
                EngineError::TooManyWeights { n: 1 << 32 },
                "weights must have fewer than 2**32 entries, got 4294967296",
            ),
            (
                EngineError::InvalidWeight {
                    index: 1,
                    value: -1e-300,
                },
                "weights[1] must be finite and non-negative, got -1e-300",
            ),
            (
                EngineError::AllZeroWeights,
                "weights must contain at least one positive value, got all zeros",
            ),
            (
                EngineError::InvalidMasses { n: 2, total: 3 },
                "integer weights must be 1 to 2**32 - 1 masses summing to len * 2**32, got 2 summing to 3",
            ),
            (
                EngineError::TooManyDraws { k: 2, nonzero: 1 },
                "k must be <= the number of non-zero weights (1), got k=2",
            ),
            (
                EngineError::TooFewOffsets { len: 1 },
                "offsets must have at least 2 entries, got 1",
            ),
            (
                EngineError::FirstOffset { first: 1 },
                "offsets[0] must be 0, got offsets[0]=1",
            ),
            (
                EngineError::LastOffset {
                    classes: 1,
                    rows: 4,
                    last: 3,
                },
                "offsets[1] must equal len(rows)=4, got 3",
            ),
            (
                EngineError::EmptyClass { class: 0, lo: 0, hi: 0 },
                "every class must have at least one row: offsets[1]=0 <= offsets[0]=0",
            ),
            (
                EngineError::ClassId {
                    index: 0,
                    class: 2,
                    classes: 2,
                },
                "class_order[0] must be in [0, 2), got 2",
            ),
            (
                EngineError::PastTheEnd {
                    available: 4,
                    start: 3,
                    count: 2,
                },
                "start + count must be <= len(class_order) * num_val = 4, got start=3, count=2",
            ),
            (
                EngineError::TooManySlots {
                    name: "p",
                    value: 3,
                    classes: 2,
                },
                "p must be <= the number of classes (2), got p=3",
            ),
            (
                EngineError::DrawsPastLimit {
                    names: ("group", "m"),
                    batch: 7,
                    p: 1 << 60,
                    k: 1,
                },
                "(b + 1) * group * m must be <= 2**63 for the last b = start + (count - 1) * stride, got b=7, \
                 group=1152921504606846976, m=1",
            ),
            (EngineError::EmptyLengths, "lengths must not be empty"),
            (
                EngineError::InvalidLength { index: 2, value: -1 },
                "lengths[2] must be in [0, 2**63), got -1",
            ),
            (
                EngineError::BatchingChoice {
                    batch_size: "None".into(),
                    max_tokens: "None".into(),
                },
                "exactly one of batch_size and max_tokens must be given, got batch_size=None, max_tokens=None",
            ),
            (
                EngineError::WindowNotMultiple {
                    window: 100,
                    batch_size: 32,
                },
                "window must be a multiple of batch_size=32, got window=100",
            ),
            (
                EngineError::EmptyPlan { count: 2 },
                "the plan has no batch (num_batches=0), got count=2",
            ),
            (
                EngineError::BlocksPastLimit { unit: 9, classes: 3 },
                "(b + 1) * (number of classes) must be <= 2**63 for the last b = start + (count - 1) * stride, \
                 got b=9, classes=3",
            ),
            (
                EngineError::BlockPastEnd { block: 2, n: 1 << 63 },
                "block * n must be < 2**64, got block=2, n=9223372036854775808",
            ),
            (
                EngineError::NotInPopulation {
                    index: 3,
                    value: -1,
                    n: 10,
                },
                "values[3] must be in [0, 10), got -1",
            ),
        ];
        for (error, text) in cases {
            assert_eq!(error.to_string(), text);
        }
    }
}

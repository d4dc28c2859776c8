//! Binding errors: every `EngineError` becomes the Python exception the pure-Python reference raises, with its
//! message (the core's text; a float written as Python's `repr`, as the reference prints it).

use pyo3::exceptions::{PyMemoryError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyFloat;

use crate::error::EngineError;

impl From<EngineError> for PyErr {
    fn from(error: EngineError) -> PyErr {
        let message = message(&error);
        // Listed in full so that a new variant has to choose its exception here.
        match error {
            EngineError::Allocation { .. } => PyMemoryError::new_err(message),
            EngineError::Thread => PyRuntimeError::new_err(message),
            EngineError::OutOfRange { .. }
            | EngineError::SpanTooLong { .. }
            | EngineError::StridedSpanTooLong { .. }
            | EngineError::EmptyPopulation { .. }
            | EngineError::NoWeights
            | EngineError::TooManyWeights { .. }
            | EngineError::InvalidWeight { .. }
            | EngineError::AllZeroWeights
            | EngineError::InvalidMasses { .. }
            | EngineError::TooManyDraws { .. }
            | EngineError::TooFewOffsets { .. }
            | EngineError::FirstOffset { .. }
            | EngineError::LastOffset { .. }
            | EngineError::EmptyClass { .. }
            | EngineError::ClassId { .. }
            | EngineError::PastTheEnd { .. }
            | EngineError::TooManySlots { .. }
            | EngineError::DrawsPastLimit { .. }
            | EngineError::BlocksPastLimit { .. }
            | EngineError::EmptyLengths
            | EngineError::InvalidLength { .. }
            | EngineError::BatchingChoice { .. }
            | EngineError::WindowNotMultiple { .. }
            | EngineError::EmptyPlan { .. } => PyValueError::new_err(message),
            EngineError::IndexOutOfRange { .. }
            | EngineError::WideOutOfRange { .. }
            | EngineError::NoSources
            | EngineError::TooManySources { .. }
            | EngineError::SourceSize { .. }
            | EngineError::SizesTooLarge { .. }
            | EngineError::NoPhases
            | EngineError::TooManyPhases { .. }
            | EngineError::FirstPhase { .. }
            | EngineError::PhaseOrder { .. }
            | EngineError::PhasePastEnd { .. }
            | EngineError::WeightsShape { .. }
            | EngineError::MixtureWeight { .. }
            | EngineError::MixtureAllZero { .. }
            | EngineError::MixturePastEnd { .. }
            | EngineError::RunTooLong { .. }
            | EngineError::NeverExhausted { .. } => PyValueError::new_err(message),
            EngineError::BlockPastEnd { .. } | EngineError::NotInPopulation { .. } => PyValueError::new_err(message),
        }
    }
}

/// The reference's message for `error`.
fn message(error: &EngineError) -> String {
    match error {
        EngineError::InvalidWeight { index, value } => {
            format!(
                "weights[{index}] must be finite and non-negative, got {}",
                float_repr(*value)
            )
        }
        EngineError::MixtureWeight { phase, index, value } => {
            let named = match phase {
                None => format!("weights[{index}]"),
                Some(phase) => format!("weights phase {phase} [{index}]"),
            };
            format!(
                "{named} = {}: a weight must be finite and non-negative",
                float_repr(*value)
            )
        }
        _ => error.to_string(),
    }
}

/// Python's `repr(value)`, from Python itself (Rust's notation if that ever failed).
fn float_repr(value: f64) -> String {
    Python::attach(|py| PyFloat::new(py, value).repr().map(|text| text.to_string()))
        .unwrap_or_else(|_| format!("{value:?}"))
}

//! Binding errors: every `EngineError` becomes the Python exception the pure-Python reference raises.

use pyo3::PyErr;
use pyo3::exceptions::{PyMemoryError, PyRuntimeError, PyValueError};

use crate::error::EngineError;

impl From<EngineError> for PyErr {
    fn from(error: EngineError) -> PyErr {
        let message = error.to_string();
        // Listed in full so that a new variant has to choose its exception here.
        match error {
            EngineError::Allocation { .. } => PyMemoryError::new_err(message),
            EngineError::Thread => PyRuntimeError::new_err(message),
            EngineError::OutOfRange { .. }
            | EngineError::SpanTooLong { .. }
            | EngineError::StridedSpanTooLong { .. }
            | EngineError::UnknownPermutation { .. }
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
        }
    }
}

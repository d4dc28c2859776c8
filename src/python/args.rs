//! Binding arguments: Python objects to Rust integers and slices, with the reference's TypeError/ValueError.

use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::error::EngineError;
use crate::limits::{EPOCHS, IntRange, POPULATIONS, POSITIVE_U64S, PURPOSES, U64S, check_span, check_strided_span};
use crate::permutation::Permutation;

pub(crate) type Arg<'a, 'py> = &'a Bound<'py, PyAny>;

/// An integer in `range`, or TypeError (not an integer) / the core's out-of-range ValueError, whose
/// message quotes the Python value (it may not fit any Rust integer).
pub(crate) fn integer_in(name: &'static str, value: Arg, range: IntRange) -> PyResult<u128> {
    let number = match value.extract::<i128>() {
        Ok(number) => Some(number),
        Err(error) if error.is_instance_of::<PyOverflowError>(value.py()) => None,
        Err(_) => {
            let type_name = value.get_type().name()?;
            return Err(PyTypeError::new_err(format!(
                "{name} must be an integer, got {type_name}: {}",
                value.repr()?
            )));
        }
    };
    match number.and_then(|number| u128::try_from(number).ok()) {
        Some(number) if range.contains(number) => Ok(number),
        _ => Err(EngineError::OutOfRange {
            name,
            range,
            value: value.str()?.to_string(),
        }
        .into()),
    }
}

/// Narrows an integer already checked against a range that fits the target type.
fn narrow<T: TryFrom<u128>>(name: &'static str, value: u128, range: IntRange) -> PyResult<T> {
    T::try_from(value).map_err(|_| {
        EngineError::OutOfRange {
            name,
            range,
            value: value.to_string(),
        }
        .into()
    })
}

pub(crate) fn u64_arg(name: &'static str, value: Arg) -> PyResult<u64> {
    narrow(name, integer_in(name, value, U64S)?, U64S)
}

/// A u64 that must be at least 1 (bounded128's r, PK's num_val).
pub(crate) fn positive_u64_arg(name: &'static str, value: Arg) -> PyResult<u64> {
    narrow(name, integer_in(name, value, POSITIVE_U64S)?, POSITIVE_U64S)
}

pub(crate) fn epoch_arg(value: Arg) -> PyResult<u64> {
    narrow("epoch", integer_in("epoch", value, EPOCHS)?, EPOCHS)
}

pub(crate) fn purpose_arg(value: Arg) -> PyResult<u8> {
    narrow("purpose", integer_in("purpose", value, PURPOSES)?, PURPOSES)
}

/// A population size n ≤ 2^63 (the core refuses n = 0 when something is drawn).
pub(crate) fn population_arg(value: Arg) -> PyResult<u64> {
    narrow("n", integer_in("n", value, POPULATIONS)?, POPULATIONS)
}

/// (start, count), refused in the reference's order: start, count, then their sum (spec §2).
pub(crate) fn span_args(start: Arg, count: Arg) -> PyResult<(u64, u64)> {
    let (start, count) = (u64_arg("start", start)?, u64_arg("count", count)?);
    check_span(start, count)?;
    Ok((start, count))
}

/// (start, count, stride), refused in the reference's order: start, count, stride (≥ 1, default 1), then
/// the last position (spec §2).
pub(crate) fn strided_span_args(start: Arg, count: Arg, stride: Option<Arg>) -> PyResult<(u64, u64, u64)> {
    let (start, count) = (u64_arg("start", start)?, u64_arg("count", count)?);
    let stride = match stride {
        Some(stride) => positive_u64_arg("stride", stride)?,
        None => 1,
    };
    check_strided_span(start, count, stride)?;
    Ok((start, count, stride))
}

/// `permutation=`: one of "feistel" (the default, also for None) and "fisher-yates".
pub(crate) fn permutation_arg(value: Option<Arg>) -> PyResult<Permutation> {
    let Some(value) = value.filter(|value| !value.is_none()) else {
        return Ok(Permutation::default());
    };
    let quoted = value.repr()?.to_string();
    let name = value.extract::<String>().unwrap_or_default();
    Ok(Permutation::from_name(&name, &quoted)?)
}

/// A sequence of integers as a Vec<i64>, or TypeError naming the argument.
pub(crate) fn integers_arg(name: &str, value: Arg) -> PyResult<Vec<i64>> {
    value
        .extract::<Vec<i64>>()
        .map_err(|error| PyTypeError::new_err(format!("{name} must be a 1-D sequence of integers ({error})")))
}

/// Integer masses (from `integer_weights()`), each in [0, 2^64): ValueError naming them otherwise, never
/// pyo3's OverflowError.
pub(crate) fn integer_masses(value: Arg) -> PyResult<Vec<u64>> {
    value.extract::<Vec<u64>>().map_err(|error| {
        let message = format!("integer weights must be a sequence of integers in [0, 2**64) ({error})");
        match error.is_instance_of::<PyOverflowError>(value.py()) {
            true => PyValueError::new_err(message),
            false => PyTypeError::new_err(message),
        }
    })
}

/// A contiguous float64 view of `weights`: no copy when it already is one; anything else goes through
/// `ferrosampler._weights.engine_weights`, which accepts exactly what the reference engine accepts (no
/// scalars, strings, 0-d or 2-d arrays, complex numbers; tensors with a gradient are read, not refused).
pub(crate) fn float64_weights<'py>(weights: Arg<'_, 'py>) -> PyResult<PyReadonlyArray1<'py, f64>> {
    if let Ok(array) = weights.cast::<PyArray1<f64>>()
        && array.is_contiguous()
    {
        return Ok(array.readonly());
    }
    let converted = weights
        .py()
        .import("ferrosampler._inputs.weights")?
        .call_method1("engine_weights", (weights,))?;
    let array = converted
        .cast_into::<PyArray1<f64>>()
        .map_err(|_| PyValueError::new_err("weights must be 1-D"))?;
    Ok(array.readonly())
}

//! Binding of the engine functions (spec §1–§6, §12): convert, run the core without the GIL, wrap the result.

use numpy::{PyArray1, PyArrayMethods};
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::error::EngineError;
use crate::limits::BOUNDED_NS;
use crate::python::args::{
    Arg, epoch_arg, integer_in, permutation_arg, population_arg, positive_u64_arg, purpose_arg, span_args,
    strided_span_args, u64_arg,
};
use crate::{keystream, permutation, sharding, threads, uniform};

type Indices<'py> = Bound<'py, PyArray1<i64>>;

#[pyfunction]
pub(crate) fn expand_seed(seed: Arg) -> PyResult<Vec<u32>> {
    Ok(keystream::expand_seed(u64_arg("seed", seed)?).to_vec())
}

#[pyfunction]
pub(crate) fn stream_id(purpose: Arg, epoch: Arg) -> PyResult<u64> {
    Ok(keystream::stream_id(purpose_arg(purpose)?, epoch_arg(epoch)?)?)
}

#[pyfunction]
pub(crate) fn bounded(x: Arg, n: Arg) -> PyResult<u64> {
    let x = u64_arg("x", x)?;
    // n may be 2^64, so it stays a u128 into the core.
    Ok(crate::bounded::bounded(x, integer_in("n", n, BOUNDED_NS)?)?)
}

#[pyfunction]
pub(crate) fn bounded128(x0: Arg, x1: Arg, r: Arg) -> PyResult<u64> {
    let (x0, x1, r) = (u64_arg("x0", x0)?, u64_arg("x1", x1)?, positive_u64_arg("r", r)?);
    Ok(crate::bounded::bounded128(x0, x1, r)?)
}

#[pyfunction]
pub(crate) fn keystream_words<'py>(
    py: Python<'py>,
    seed: Arg,
    purpose: Arg,
    epoch: Arg,
    start: Arg,
    count: Arg,
) -> PyResult<Bound<'py, PyArray1<u32>>> {
    let (seed, purpose, epoch) = (u64_arg("seed", seed)?, purpose_arg(purpose)?, epoch_arg(epoch)?);
    let (start, count) = span_args(start, count)?;
    let words = py.detach(|| keystream::keystream_words(seed, purpose, epoch, start, count))?;
    Ok(PyArray1::from_vec(py, words))
}

#[pyfunction]
#[pyo3(signature = (seed, epoch, n, start, count, stride=None), text_signature = "(seed, epoch, n, start, count, stride=1)")]
pub(crate) fn uniform_draws<'py>(
    py: Python<'py>,
    seed: Arg,
    epoch: Arg,
    n: Arg,
    start: Arg,
    count: Arg,
    stride: Option<Arg>,
) -> PyResult<Indices<'py>> {
    let (seed, epoch) = (u64_arg("seed", seed)?, epoch_arg(epoch)?);
    let (start, count, stride) = strided_span_args(start, count, stride)?;
    let n = population_arg(n)?;
    let out = py.detach(|| uniform::uniform_draws(seed, epoch, n, start, count, stride))?;
    Ok(PyArray1::from_vec(py, out))
}

#[pyfunction]
#[pyo3(
    signature = (seed, purpose, epoch, n, start, count, permutation=None, stride=None),
    text_signature = "(seed, purpose, epoch, n, start, count, permutation='feistel', stride=1)"
)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn permutation_stream<'py>(
    py: Python<'py>,
    seed: Arg,
    purpose: Arg,
    epoch: Arg,
    n: Arg,
    start: Arg,
    count: Arg,
    permutation: Option<Arg>,
    stride: Option<Arg>,
) -> PyResult<Indices<'py>> {
    let (seed, purpose, epoch) = (u64_arg("seed", seed)?, purpose_arg(purpose)?, epoch_arg(epoch)?);
    let (start, count, stride) = strided_span_args(start, count, stride)?;
    let n = population_arg(n)?;
    let permutation = permutation_arg(permutation)?;
    let out =
        py.detach(|| permutation::permutation_stream(seed, purpose, epoch, n, start, count, permutation, stride))?;
    Ok(PyArray1::from_vec(py, out))
}

#[pyfunction]
#[pyo3(
    signature = (seed, epoch, n, shuffle, first, stride, count, permutation=None),
    text_signature = "(seed, epoch, n, shuffle, first, stride, count, permutation='feistel')"
)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn strided_permutation<'py>(
    py: Python<'py>,
    seed: Arg,
    epoch: Arg,
    n: Arg,
    shuffle: Arg,
    first: Arg,
    stride: Arg,
    count: Arg,
    permutation: Option<Arg>,
) -> PyResult<Indices<'py>> {
    let (seed, epoch) = (u64_arg("seed", seed)?, epoch_arg(epoch)?);
    let (first, stride, count) = (
        u64_arg("first", first)?,
        u64_arg("stride", stride)?,
        u64_arg("count", count)?,
    );
    let n = population_arg(n)?;
    let shuffle = shuffle.is_truthy()?;
    let permutation = permutation_arg(permutation)?;
    let out =
        py.detach(|| sharding::strided_permutation(seed, epoch, n, shuffle, first, stride, count, permutation))?;
    Ok(PyArray1::from_vec(py, out))
}

#[pyfunction]
#[pyo3(
    signature = (seed, purpose, epoch, n, block, values, permutation=None),
    text_signature = "(seed, purpose, epoch, n, block, values, permutation='feistel')"
)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn inverse_permutation<'py>(
    py: Python<'py>,
    seed: Arg,
    purpose: Arg,
    epoch: Arg,
    n: Arg,
    block: Arg,
    values: Arg,
    permutation: Option<Arg>,
) -> PyResult<Indices<'py>> {
    let (seed, purpose, epoch) = (u64_arg("seed", seed)?, purpose_arg(purpose)?, epoch_arg(epoch)?);
    let (n, block) = (population_arg(n)?, u64_arg("block", block)?);
    let wide = values_arg(values)?;
    let permutation = permutation_arg(permutation)?;
    // A value outside i64 is outside [0, n) too: the core sees -1, and its error quotes the value given.
    let narrow: Vec<i64> = wide.iter().map(|&value| i64::try_from(value).unwrap_or(-1)).collect();
    let out = py.detach(|| permutation::inverse_permutation(seed, purpose, epoch, n, block, &narrow, permutation));
    match out {
        Ok(out) => Ok(PyArray1::from_vec(py, out)),
        Err(EngineError::NotInPopulation { index, n, value }) => Err(EngineError::NotInPopulation {
            index,
            n,
            value: wide.get(index).copied().unwrap_or(value),
        }
        .into()),
        Err(error) => Err(error.into()),
    }
}

/// `values` of `inverse_permutation`: a contiguous int64 array is copied as is; any other sequence of integers
/// is read item by item (TypeError for a non-integer, ValueError for one beyond ±2^127).
fn values_arg(values: Arg) -> PyResult<Vec<i128>> {
    if let Ok(array) = values.cast::<PyArray1<i64>>()
        && let Ok(slice) = array.readonly().as_slice()
    {
        return Ok(slice.iter().map(|&value| i128::from(value)).collect());
    }
    values.extract::<Vec<i128>>().map_err(|error| {
        let message = format!("values must be a 1-D sequence of integers ({error})");
        match error.is_instance_of::<PyOverflowError>(values.py()) {
            true => PyValueError::new_err(message),
            false => PyTypeError::new_err(message),
        }
    })
}

#[pyfunction]
pub(crate) fn get_num_threads() -> usize {
    threads::num_threads()
}

#[pyfunction]
pub(crate) fn set_num_threads(n: Arg) -> PyResult<()> {
    let n = integer_in("n", n, threads::THREAD_COUNTS)?;
    Ok(threads::set_num_threads(n as u64)?)
}

/// The smallest chunk a thread is given (a testing knob: the output is the same at every value).
#[pyfunction]
pub(crate) fn _set_min_chunk(n: Arg) -> PyResult<()> {
    let n = integer_in("n", n, threads::CHUNK_SIZES)?;
    Ok(threads::set_min_chunk(n as u64)?)
}

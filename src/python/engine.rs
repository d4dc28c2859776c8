//! Binding of the engine functions (spec §1–§6, §12): typed arguments in, the core run without the GIL, the
//! result wrapped.

use numpy::PyArray1;
use pyo3::prelude::*;

use crate::error::EngineError;
use crate::permutation::Permutation;
use crate::python::args::{
    Block, ChunkSize, Count, Epoch, First, HighWord, LowWord, Population, Purpose, Seed, ShardStride, Start, Stride,
    ThreadCount, Truthy, UpperBound, UpperBound128, Values, Word,
};
use crate::{keystream, permutation, sharding, threads, uniform};

type Indices<'py> = Bound<'py, PyArray1<i64>>;

#[pyfunction]
pub(crate) fn expand_seed(seed: Seed) -> Vec<u32> {
    keystream::expand_seed(seed.0).to_vec()
}

#[pyfunction]
pub(crate) fn stream_id(purpose: Purpose, epoch: Epoch) -> PyResult<u64> {
    Ok(keystream::stream_id(purpose.0, epoch.0)?)
}

#[pyfunction]
pub(crate) fn bounded(x: Word, n: UpperBound) -> PyResult<u64> {
    Ok(crate::bounded::bounded(x.0, n.0)?)
}

#[pyfunction]
pub(crate) fn bounded128(x0: LowWord, x1: HighWord, r: UpperBound128) -> PyResult<u64> {
    Ok(crate::bounded::bounded128(x0.0, x1.0, r.0)?)
}

#[pyfunction]
pub(crate) fn keystream_words<'py>(
    py: Python<'py>,
    seed: Seed,
    purpose: Purpose,
    epoch: Epoch,
    start: Start,
    count: Count,
) -> PyResult<Bound<'py, PyArray1<u32>>> {
    let words = py.detach(|| keystream::keystream_words(seed.0, purpose.0, epoch.0, start.0, count.0))?;
    Ok(PyArray1::from_vec(py, words))
}

#[pyfunction]
#[pyo3(signature = (seed, epoch, n, start, count, stride=None), text_signature = "(seed, epoch, n, start, count, stride=1)")]
pub(crate) fn uniform_draws<'py>(
    py: Python<'py>,
    seed: Seed,
    epoch: Epoch,
    n: Population,
    start: Start,
    count: Count,
    stride: Option<Stride>,
) -> PyResult<Indices<'py>> {
    let stride = Stride::or_one(stride);
    let out = py.detach(|| uniform::uniform_draws(seed.0, epoch.0, n.0, start.0, count.0, stride))?;
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
    seed: Seed,
    purpose: Purpose,
    epoch: Epoch,
    n: Population,
    start: Start,
    count: Count,
    permutation: Option<Permutation>,
    stride: Option<Stride>,
) -> PyResult<Indices<'py>> {
    let (permutation, stride) = (permutation.unwrap_or_default(), Stride::or_one(stride));
    let out = py.detach(|| {
        permutation::permutation_stream(seed.0, purpose.0, epoch.0, n.0, start.0, count.0, permutation, stride)
    })?;
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
    seed: Seed,
    epoch: Epoch,
    n: Population,
    shuffle: Truthy,
    first: First,
    stride: ShardStride,
    count: Count,
    permutation: Option<Permutation>,
) -> PyResult<Indices<'py>> {
    let permutation = permutation.unwrap_or_default();
    let out = py.detach(|| {
        sharding::strided_permutation(seed.0, epoch.0, n.0, shuffle.0, first.0, stride.0, count.0, permutation)
    })?;
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
    seed: Seed,
    purpose: Purpose,
    epoch: Epoch,
    n: Population,
    block: Block,
    values: Values,
    permutation: Option<Permutation>,
) -> PyResult<Indices<'py>> {
    let permutation = permutation.unwrap_or_default();
    // A value outside i64 is outside [0, n) too: the core sees -1, and its error quotes the value given.
    let narrow: Vec<i64> = values
        .0
        .iter()
        .map(|&value| i64::try_from(value).unwrap_or(-1))
        .collect();
    let out =
        py.detach(|| permutation::inverse_permutation(seed.0, purpose.0, epoch.0, n.0, block.0, &narrow, permutation));
    match out {
        Ok(out) => Ok(PyArray1::from_vec(py, out)),
        Err(EngineError::NotInPopulation { index, n, value }) => Err(EngineError::NotInPopulation {
            index,
            n,
            value: values.0.get(index).copied().unwrap_or(value),
        }
        .into()),
        Err(error) => Err(error.into()),
    }
}

/// The SIMD kernel the engine uses: FERROSAMPLER_KERNEL's when this CPU runs it, else the widest (speed only).
#[pyfunction]
pub(crate) fn kernel() -> &'static str {
    crate::kernel::selected().name()
}

#[pyfunction]
pub(crate) fn get_num_threads() -> usize {
    threads::num_threads()
}

#[pyfunction]
pub(crate) fn set_num_threads(n: ThreadCount) -> PyResult<()> {
    Ok(threads::set_num_threads(n.0)?)
}

/// The smallest chunk a thread is given (a testing knob: the output is the same at every value).
#[pyfunction]
pub(crate) fn _set_min_chunk(n: ChunkSize) -> PyResult<()> {
    Ok(threads::set_min_chunk(n.0)?)
}

//! Thin PyO3 layer: extract arguments, check what the core assumes, run the core with
//! the GIL released, wrap the result as a numpy array without copying.

use std::sync::OnceLock;

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::exceptions::{PyMemoryError, PyValueError};
use pyo3::prelude::*;

use crate::keystream::{self, EPOCH_LIMIT, Keystream};
use crate::samplers;
use crate::weights::{self, AliasTable};

type Indices<'py> = Bound<'py, PyArray1<i64>>;

fn value_error(message: String) -> PyErr {
    PyValueError::new_err(message)
}

fn check_epoch(epoch: u64) -> PyResult<()> {
    if epoch < EPOCH_LIMIT {
        Ok(())
    } else {
        Err(value_error(format!("epoch must be in [0, 2**56), got epoch={epoch}")))
    }
}

fn check_population(n: u64, count: usize) -> PyResult<()> {
    if n == 0 && count > 0 {
        Err(value_error(format!("n must be >= 1 when count > 0, got n={n}")))
    } else {
        Ok(())
    }
}

fn check_end(start: u64, count: usize) -> PyResult<()> {
    start
        .checked_add(count as u64)
        .map(|_| ())
        .ok_or_else(|| value_error(format!("start + count overflows 2**64, got start={start}, count={count}")))
}

/// An allocation failure in Rust aborts the process; probe first and raise MemoryError.
fn check_allocatable(elements: u64) -> PyResult<()> {
    let mut probe: Vec<i64> = Vec::new();
    usize::try_from(elements)
        .ok()
        .and_then(|len| probe.try_reserve_exact(len).ok())
        .ok_or_else(|| PyMemoryError::new_err(format!("cannot allocate {elements} indices")))
}

#[pyfunction]
fn expand_seed(seed: u64) -> Vec<u32> {
    keystream::expand_seed(seed).to_vec()
}

#[pyfunction]
fn stream_id(purpose: u8, epoch: u64) -> PyResult<u64> {
    check_epoch(epoch)?;
    Ok(keystream::stream_id(purpose, epoch).unwrap_or_default())
}

#[pyfunction]
fn bounded(x: u64, n: u64) -> u64 {
    keystream::bounded(x, n)
}

#[pyfunction]
fn bounded128(x0: u64, x1: u64, r: u64) -> u64 {
    keystream::bounded128(x0, x1, r)
}

#[pyfunction]
fn keystream_words<'py>(
    py: Python<'py>,
    seed: u64,
    purpose: u8,
    epoch: u64,
    start: u64,
    count: usize,
) -> PyResult<Bound<'py, PyArray1<u32>>> {
    check_epoch(epoch)?;
    check_allocatable(count as u64)?;
    let words = py.detach(|| {
        let mut stream = Keystream::new(seed, purpose, epoch).at_word(u128::from(start));
        (0..count).map(|_| stream.next_u32()).collect::<Vec<u32>>()
    });
    Ok(PyArray1::from_vec(py, words))
}

#[pyfunction]
fn uniform_draws(py: Python<'_>, seed: u64, epoch: u64, n: u64, start: u64, count: usize) -> PyResult<Indices<'_>> {
    check_epoch(epoch)?;
    check_population(n, count)?;
    check_end(start, count)?;
    check_allocatable(count as u64)?;
    let out = py.detach(|| samplers::uniform_draws(seed, epoch, n, start, count));
    Ok(PyArray1::from_vec(py, out))
}

#[pyfunction]
fn permutation_stream(
    py: Python<'_>,
    seed: u64,
    purpose: u8,
    epoch: u64,
    n: u64,
    start: u64,
    count: usize,
) -> PyResult<Indices<'_>> {
    check_epoch(epoch)?;
    check_population(n, count)?;
    check_end(start, count)?;
    if count > 0 {
        check_allocatable(n.saturating_add(count as u64))?;
    }
    let out = py.detach(|| samplers::permutation_stream(seed, purpose, epoch, n, start, count));
    Ok(PyArray1::from_vec(py, out))
}

#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn strided_permutation(
    py: Python<'_>,
    seed: u64,
    epoch: u64,
    n: u64,
    shuffle: bool,
    first: u64,
    stride: u64,
    count: usize,
) -> PyResult<Indices<'_>> {
    check_epoch(epoch)?;
    check_population(n, count)?;
    if count > 0 {
        check_allocatable(if shuffle { n.saturating_add(count as u64) } else { count as u64 })?;
    }
    let out = py.detach(|| samplers::strided_permutation(seed, epoch, n, shuffle, first, stride, count));
    Ok(PyArray1::from_vec(py, out))
}

#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn pk_draws<'py>(
    py: Python<'py>,
    seed: u64,
    epoch: u64,
    rows: PyReadonlyArray1<'py, i64>,
    offsets: PyReadonlyArray1<'py, i64>,
    class_order: PyReadonlyArray1<'py, i64>,
    num_val: u64,
    start: u64,
    count: usize,
) -> PyResult<Indices<'py>> {
    check_epoch(epoch)?;
    check_end(start, count)?;
    check_allocatable(count as u64)?;
    let rows = rows.as_slice()?.to_vec();
    let offsets: Vec<usize> = offsets
        .as_slice()?
        .iter()
        .map(|&o| usize::try_from(o).map_err(|_| value_error(format!("offsets must be non-negative, got {o}"))))
        .collect::<PyResult<_>>()?;
    let classes = offsets.len().saturating_sub(1);
    if offsets.first() != Some(&0)
        || offsets.last() != Some(&rows.len())
        || offsets.windows(2).any(|pair| pair[0] >= pair[1])
    {
        return Err(value_error(
            "offsets must start at 0, end at len(rows) and delimit non-empty classes".into(),
        ));
    }
    let class_order: Vec<usize> = class_order
        .as_slice()?
        .iter()
        .map(|&c| {
            usize::try_from(c)
                .ok()
                .filter(|&c| c < classes)
                .ok_or_else(|| value_error(format!("class_order entries must be in [0, {classes}), got {c}")))
        })
        .collect::<PyResult<_>>()?;
    if num_val == 0 {
        return Err(value_error("num_val must be >= 1, got num_val=0".into()));
    }
    let end = start + count as u64;
    if count > 0 && (end - 1) / num_val >= class_order.len() as u64 {
        return Err(value_error(format!(
            "start + count must be <= num_val * len(class_order) = {}, got {end}",
            u128::from(num_val) * class_order.len() as u128
        )));
    }
    let out = py.detach(|| samplers::pk_draws(seed, epoch, &rows, &offsets, &class_order, num_val, start, count));
    Ok(PyArray1::from_vec(py, out))
}

/// Validated integer masses of a weight vector, with the alias table built on first use.
#[pyclass(frozen, module = "ferrosampler._core")]
struct WeightTable {
    masses: Vec<u64>,
    nonzero: usize,
    alias: OnceLock<AliasTable>,
}

impl WeightTable {
    fn alias(&self) -> &AliasTable {
        self.alias.get_or_init(|| AliasTable::build(&self.masses))
    }
}

#[pymethods]
impl WeightTable {
    #[new]
    fn new(py: Python<'_>, weights: PyReadonlyArray1<'_, f64>) -> PyResult<Self> {
        let weights = weights.as_slice()?.to_vec();
        let masses = py
            .detach(|| weights::integer_weights(&weights))
            .map_err(|e| value_error(e.to_string()))?;
        let nonzero = masses.iter().filter(|&&q| q > 0).count();
        Ok(WeightTable { masses, nonzero, alias: OnceLock::new() })
    }

    #[getter]
    fn n(&self) -> usize {
        self.masses.len()
    }

    #[getter]
    fn nonzero(&self) -> usize {
        self.nonzero
    }

    fn integer_weights<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<u64>> {
        PyArray1::from_vec(py, self.masses.clone())
    }

    fn alias_table<'py>(&self, py: Python<'py>) -> (Bound<'py, PyArray1<u64>>, Bound<'py, PyArray1<u32>>) {
        let (threshold, alias) = py.detach(|| self.alias().columns());
        (PyArray1::from_vec(py, threshold), PyArray1::from_vec(py, alias))
    }

    fn alias_draws<'py>(&self, py: Python<'py>, seed: u64, epoch: u64, start: u64, count: usize) -> PyResult<Indices<'py>> {
        check_epoch(epoch)?;
        check_end(start, count)?;
        check_allocatable(count as u64)?;
        let out = py.detach(|| self.alias().draws(seed, epoch, start, count));
        Ok(PyArray1::from_vec(py, out))
    }

    fn without_replacement<'py>(&self, py: Python<'py>, seed: u64, epoch: u64, k: usize) -> PyResult<Indices<'py>> {
        check_epoch(epoch)?;
        if k > self.nonzero {
            return Err(value_error(format!(
                "k must be <= the number of non-zero weights ({}), got k={k}",
                self.nonzero
            )));
        }
        let out = py.detach(|| weights::weighted_without_replacement(&self.masses, seed, epoch, k));
        Ok(PyArray1::from_vec(py, out))
    }

    fn __len__(&self) -> usize {
        self.masses.len()
    }
}

#[pymodule]
#[pyo3(name = "_core")]
fn core_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("MAIN", keystream::MAIN)?;
    m.add("CLASS_ORDER", keystream::CLASS_ORDER)?;
    m.add("SPEC_VERSION", 1)?;
    m.add_function(wrap_pyfunction!(expand_seed, m)?)?;
    m.add_function(wrap_pyfunction!(stream_id, m)?)?;
    m.add_function(wrap_pyfunction!(bounded, m)?)?;
    m.add_function(wrap_pyfunction!(bounded128, m)?)?;
    m.add_function(wrap_pyfunction!(keystream_words, m)?)?;
    m.add_function(wrap_pyfunction!(uniform_draws, m)?)?;
    m.add_function(wrap_pyfunction!(permutation_stream, m)?)?;
    m.add_function(wrap_pyfunction!(strided_permutation, m)?)?;
    m.add_function(wrap_pyfunction!(pk_draws, m)?)?;
    m.add_class::<WeightTable>()?;
    Ok(())
}

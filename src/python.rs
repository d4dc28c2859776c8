//! Thin PyO3 layer: extract and check arguments (ValueError/TypeError naming the argument,
//! with the same messages as the pure-Python reference), run the core with the GIL
//! released, and wrap the result as a numpy array without copying.

use std::sync::OnceLock;

use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray1};
use pyo3::exceptions::{PyMemoryError, PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyFloat;

use crate::keystream::{self, EPOCH_LIMIT, Keystream};
use crate::samplers;
use crate::weights::{self, AliasTable, WeightError};

type Indices<'py> = Bound<'py, PyArray1<i64>>;
type Arg<'a, 'py> = &'a Bound<'py, PyAny>;

const TWO_64: i128 = 1 << 64;
/// Indices are int64, so a population holds at most 2^63 items.
const POPULATION_LIMIT: i128 = 1 << 63;

fn value_error(message: String) -> PyErr {
    PyValueError::new_err(message)
}

/// An integer in [lo, hi), or TypeError / ValueError naming the argument and value.
fn integer_in(name: &str, value: Arg, lo: i128, hi: i128, hi_text: &str) -> PyResult<i128> {
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
    match number {
        Some(number) if lo <= number && number < hi => Ok(number),
        _ => Err(value_error(format!(
            "{name} must be in [{lo}, {hi_text}), got {name}={}",
            value.str()?
        ))),
    }
}

fn u64_arg(name: &str, value: Arg) -> PyResult<u64> {
    Ok(integer_in(name, value, 0, TWO_64, "2**64")? as u64)
}

fn epoch_arg(value: Arg) -> PyResult<u64> {
    Ok(integer_in("epoch", value, 0, i128::from(EPOCH_LIMIT), "2**56")? as u64)
}

fn purpose_arg(value: Arg) -> PyResult<u8> {
    Ok(integer_in("purpose", value, 0, 256, "256")? as u8)
}

/// (start, count) with every position below 2^64 (spec §2).
fn span_args(start: Arg, count: Arg) -> PyResult<(u64, usize)> {
    let (start, count) = (u64_arg("start", start)?, u64_arg("count", count)?);
    if u128::from(start) + u128::from(count) >= 1 << 64 {
        return Err(value_error(format!(
            "start + count must be < 2**64, got start={start}, count={count}"
        )));
    }
    let count =
        usize::try_from(count).map_err(|_| PyMemoryError::new_err(format!("cannot allocate {count} indices")))?;
    Ok((start, count))
}

/// A population size: at most 2^63, and at least 1 as soon as something is drawn from it.
fn population_arg(name: &str, value: Arg, count: usize) -> PyResult<u64> {
    let n = integer_in(name, value, 0, POPULATION_LIMIT + 1, "2**63 + 1")? as u64;
    if count > 0 && n == 0 {
        return Err(value_error(format!(
            "{name} must be >= 1 when count > 0, got {name}={n}"
        )));
    }
    Ok(n)
}

/// An allocation failure in Rust aborts the process; probe first and raise MemoryError.
fn check_allocatable(elements: u64) -> PyResult<()> {
    let mut probe: Vec<i64> = Vec::new();
    usize::try_from(elements)
        .ok()
        .and_then(|len| probe.try_reserve_exact(len).ok())
        .ok_or_else(|| PyMemoryError::new_err(format!("cannot allocate {elements} indices")))
}

/// Memory for a permutation prefix of `length` items of n (dense or sparse, as the core chooses).
fn check_prefix_allocatable(n: u64, length: u64) -> PyResult<()> {
    let working = if samplers::prefix_is_sparse(n, length) {
        3 * length
    } else {
        n
    };
    check_allocatable(working.saturating_add(length))
}

/// A sequence of integers as a Vec<i64>, or TypeError naming the argument.
fn integers_arg(name: &str, value: Arg) -> PyResult<Vec<i64>> {
    value
        .extract::<Vec<i64>>()
        .map_err(|error| PyTypeError::new_err(format!("{name} must be a 1-D sequence of integers ({error})")))
}

#[pyfunction]
fn expand_seed(seed: Arg) -> PyResult<Vec<u32>> {
    Ok(keystream::expand_seed(u64_arg("seed", seed)?).to_vec())
}

#[pyfunction]
fn stream_id(purpose: Arg, epoch: Arg) -> PyResult<u64> {
    let (purpose, epoch) = (purpose_arg(purpose)?, epoch_arg(epoch)?);
    keystream::stream_id(purpose, epoch)
        .ok_or_else(|| value_error(format!("epoch must be in [0, 2**56), got epoch={epoch}")))
}

#[pyfunction]
fn bounded(x: Arg, n: Arg) -> PyResult<u64> {
    let x = u64_arg("x", x)?;
    let n = integer_in("n", n, 1, TWO_64 + 1, "2**64 + 1")?;
    // n = 2^64 maps x to itself.
    Ok(if n == TWO_64 {
        x
    } else {
        keystream::bounded(x, n as u64)
    })
}

#[pyfunction]
fn bounded128(x0: Arg, x1: Arg, r: Arg) -> PyResult<u64> {
    let (x0, x1) = (u64_arg("x0", x0)?, u64_arg("x1", x1)?);
    let r = integer_in("r", r, 1, TWO_64, "2**64")? as u64;
    Ok(keystream::bounded128(x0, x1, r))
}

#[pyfunction]
fn keystream_words<'py>(
    py: Python<'py>,
    seed: Arg,
    purpose: Arg,
    epoch: Arg,
    start: Arg,
    count: Arg,
) -> PyResult<Bound<'py, PyArray1<u32>>> {
    let (seed, purpose, epoch) = (u64_arg("seed", seed)?, purpose_arg(purpose)?, epoch_arg(epoch)?);
    let (start, count) = span_args(start, count)?;
    check_allocatable(count as u64)?;
    let words = py.detach(|| {
        let mut stream = Keystream::new(seed, purpose, epoch).at_word(u128::from(start));
        (0..count).map(|_| stream.next_u32()).collect::<Vec<u32>>()
    });
    Ok(PyArray1::from_vec(py, words))
}

#[pyfunction]
fn uniform_draws<'py>(
    py: Python<'py>,
    seed: Arg,
    epoch: Arg,
    n: Arg,
    start: Arg,
    count: Arg,
) -> PyResult<Indices<'py>> {
    let (seed, epoch) = (u64_arg("seed", seed)?, epoch_arg(epoch)?);
    let (start, count) = span_args(start, count)?;
    let n = population_arg("n", n, count)?;
    check_allocatable(count as u64)?;
    let out = py.detach(|| samplers::uniform_draws(seed, epoch, n, start, count));
    Ok(PyArray1::from_vec(py, out))
}

#[pyfunction]
fn permutation_stream<'py>(
    py: Python<'py>,
    seed: Arg,
    purpose: Arg,
    epoch: Arg,
    n: Arg,
    start: Arg,
    count: Arg,
) -> PyResult<Indices<'py>> {
    let (seed, purpose, epoch) = (u64_arg("seed", seed)?, purpose_arg(purpose)?, epoch_arg(epoch)?);
    let (start, count) = span_args(start, count)?;
    let n = population_arg("n", n, count)?;
    if count > 0 {
        check_prefix_allocatable(n, (count as u64).saturating_add(start % n).min(n))?;
        check_allocatable(count as u64)?;
    }
    let out = py.detach(|| samplers::permutation_stream(seed, purpose, epoch, n, start, count));
    Ok(PyArray1::from_vec(py, out))
}

#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn strided_permutation<'py>(
    py: Python<'py>,
    seed: Arg,
    epoch: Arg,
    n: Arg,
    shuffle: Arg,
    first: Arg,
    stride: Arg,
    count: Arg,
) -> PyResult<Indices<'py>> {
    let (seed, epoch) = (u64_arg("seed", seed)?, epoch_arg(epoch)?);
    let (first, stride) = (u64_arg("first", first)?, u64_arg("stride", stride)?);
    let count = u64_arg("count", count)?;
    let count =
        usize::try_from(count).map_err(|_| PyMemoryError::new_err(format!("cannot allocate {count} indices")))?;
    let n = population_arg("n", n, count)?;
    let shuffle = shuffle.is_truthy()?;
    if count > 0 {
        check_allocatable(2 * count as u64)?;
        if shuffle {
            check_prefix_allocatable(n, n.min((count as u64).saturating_mul(stride.max(1))))?;
        }
    }
    let out = py.detach(|| samplers::strided_permutation(seed, epoch, n, shuffle, first, stride, count));
    Ok(PyArray1::from_vec(py, out))
}

#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn pk_draws<'py>(
    py: Python<'py>,
    seed: Arg,
    epoch: Arg,
    rows: Arg,
    offsets: Arg,
    class_order: Arg,
    num_val: Arg,
    start: Arg,
    count: Arg,
) -> PyResult<Indices<'py>> {
    let (seed, epoch) = (u64_arg("seed", seed)?, epoch_arg(epoch)?);
    let (start, count) = span_args(start, count)?;
    let num_val = integer_in("num_val", num_val, 1, TWO_64, "2**64")? as u64;
    let rows = integers_arg("rows", rows)?;
    let offsets = integers_arg("offsets", offsets)?;
    let class_order = integers_arg("class_order", class_order)?;
    let (offsets, class_order) = check_classes(&rows, &offsets, &class_order)?;
    let available = class_order.len() as u128 * u128::from(num_val);
    if u128::from(start) + count as u128 > available {
        return Err(value_error(format!(
            "start + count must be <= len(class_order) * num_val = {available}, got start={start}, count={count}"
        )));
    }
    check_allocatable(count as u64)?;
    let out = py.detach(|| samplers::pk_draws(seed, epoch, &rows, &offsets, &class_order, num_val, start, count));
    Ok(PyArray1::from_vec(py, out))
}

/// The reference's checks of a class layout, with its messages.
fn check_classes(rows: &[i64], offsets: &[i64], class_order: &[i64]) -> PyResult<(Vec<usize>, Vec<usize>)> {
    let classes = offsets.len().saturating_sub(1);
    if classes < 1 {
        return Err(value_error(format!(
            "offsets must have at least 2 entries, got {}",
            offsets.len()
        )));
    }
    if offsets[0] != 0 {
        return Err(value_error(format!(
            "offsets[0] must be 0, got offsets[0]={}",
            offsets[0]
        )));
    }
    if offsets[classes] != rows.len() as i64 {
        return Err(value_error(format!(
            "offsets[{classes}] must equal len(rows)={}, got {}",
            rows.len(),
            offsets[classes]
        )));
    }
    for c in 0..classes {
        if offsets[c + 1] <= offsets[c] {
            return Err(value_error(format!(
                "every class must have at least one row: offsets[{}]={} <= offsets[{c}]={}",
                c + 1,
                offsets[c + 1],
                offsets[c]
            )));
        }
    }
    let mut order = Vec::with_capacity(class_order.len());
    for (i, &c) in class_order.iter().enumerate() {
        if c < 0 || c as usize >= classes {
            return Err(value_error(format!(
                "class_order[{i}] must be in [0, {classes}), got {c}"
            )));
        }
        order.push(c as usize);
    }
    // Offsets are now known to increase from 0 to len(rows).
    Ok((offsets.iter().map(|&o| o as usize).collect(), order))
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

/// A contiguous float64 view of `weights` (no copy when it already is one).
fn float64_weights<'py>(weights: Arg<'_, 'py>) -> PyResult<PyReadonlyArray1<'py, f64>> {
    let py = weights.py();
    let converted = py
        .import("numpy")?
        .call_method1("ascontiguousarray", (weights, "float64"))
        .map_err(|error| PyTypeError::new_err(format!("weights must be a 1-D sequence of real numbers ({error})")))?;
    let array = converted
        .cast_into::<PyArray1<f64>>()
        .map_err(|_| value_error("weights must be 1-D".to_string()))?;
    Ok(array.readonly())
}

fn weight_error(py: Python<'_>, error: WeightError) -> PyErr {
    match error {
        // Python's repr of the value, as the reference prints it.
        WeightError::Invalid { index, value } => match PyFloat::new(py, value).repr() {
            Ok(repr) => value_error(format!("weights[{index}] must be finite and non-negative, got {repr}")),
            Err(error) => error,
        },
        other => value_error(other.to_string()),
    }
}

#[pymethods]
impl WeightTable {
    #[new]
    fn new(py: Python<'_>, weights: Arg) -> PyResult<Self> {
        let weights = float64_weights(weights)?;
        let weights = weights.as_slice()?;
        let n = weights.len() as u64;
        if n >= 1 << 32 {
            return Err(weight_error(py, WeightError::TooMany(weights.len())));
        }
        // Building needs about six u64 arrays of n (masses, ω, the alias table, the work stacks).
        check_allocatable(6 * n)?;
        let masses = py
            .detach(|| weights::integer_weights(weights))
            .map_err(|e| weight_error(py, e))?;
        let nonzero = masses.iter().filter(|&&q| q > 0).count();
        Ok(WeightTable {
            masses,
            nonzero,
            alias: OnceLock::new(),
        })
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

    fn alias_draws<'py>(
        &self,
        py: Python<'py>,
        seed: Arg,
        epoch: Arg,
        start: Arg,
        count: Arg,
    ) -> PyResult<Indices<'py>> {
        let (seed, epoch) = (u64_arg("seed", seed)?, epoch_arg(epoch)?);
        let (start, count) = span_args(start, count)?;
        check_allocatable(count as u64)?;
        let out = py.detach(|| self.alias().draws(seed, epoch, start, count));
        Ok(PyArray1::from_vec(py, out))
    }

    fn without_replacement<'py>(&self, py: Python<'py>, seed: Arg, epoch: Arg, k: Arg) -> PyResult<Indices<'py>> {
        let (seed, epoch, k) = (u64_arg("seed", seed)?, epoch_arg(epoch)?, u64_arg("k", k)?);
        if k > self.nonzero as u64 {
            return Err(value_error(format!(
                "k must be <= the number of non-zero weights ({}), got k={k}",
                self.nonzero
            )));
        }
        let out = py.detach(|| weights::weighted_without_replacement(&self.masses, seed, epoch, k as usize));
        Ok(PyArray1::from_vec(py, out))
    }

    fn __len__(&self) -> usize {
        self.masses.len()
    }

    /// Rebuilds a table from `integer_weights()`: what pickle and deepcopy use.
    #[staticmethod]
    fn _from_integer_weights(masses: Vec<u64>) -> PyResult<Self> {
        let n = masses.len() as u128;
        let total: u128 = masses.iter().map(|&q| u128::from(q)).sum();
        if n == 0 || n >= 1 << 32 || total != n << 32 {
            return Err(value_error(format!(
                "integer weights must be 1 to 2**32 - 1 masses summing to len * 2**32, got {n} summing to {total}"
            )));
        }
        let nonzero = masses.iter().filter(|&&q| q > 0).count();
        Ok(WeightTable {
            masses,
            nonzero,
            alias: OnceLock::new(),
        })
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (Vec<u64>,))> {
        let rebuild = py.get_type::<WeightTable>().getattr("_from_integer_weights")?;
        Ok((rebuild, (self.masses.clone(),)))
    }
}

#[pymodule]
#[pyo3(name = "_core")]
fn core_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("MAIN", keystream::MAIN)?;
    m.add("CLASS_ORDER", keystream::CLASS_ORDER)?;
    m.add("SPEC_VERSION", 1)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
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

//! Binding of LengthTable and LengthPlan (spec §23): frozen pyclasses around the core's validated lengths and
//! an epoch's plan; their methods run without the GIL.

use numpy::{PyArray1, PyArrayMethods};
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::error::EngineError;
use crate::lengths;
use crate::python::args::{Arg, epoch_arg, integer_in, permutation_arg, positive_u64_arg, strided_span_args, u64_arg};

type Indices<'py> = Bound<'py, PyArray1<i64>>;

/// The lengths as int64: a contiguous int64 array is copied as is (a fast snapshot: another thread may write
/// to it while the core runs detached); a sequence is read as integers, each in [0, 2^63) (the reference's
/// message for the first that is not).
fn lengths_arg(value: Arg) -> PyResult<Vec<i64>> {
    if let Ok(array) = value.cast::<PyArray1<i64>>()
        && let Ok(slice) = array.readonly().as_slice()
    {
        return Ok(slice.to_vec());
    }
    let wide = value.extract::<Vec<i128>>().map_err(|error| {
        let message = format!("lengths must be a 1-D sequence of integers in [0, 2**63) ({error})");
        match error.is_instance_of::<PyOverflowError>(value.py()) {
            true => PyValueError::new_err(message),
            false => PyTypeError::new_err(message),
        }
    })?;
    let mut out = crate::limits::vec_with_capacity(wide.len() as u64)?;
    for (index, &length) in wide.iter().enumerate() {
        match i64::try_from(length) {
            Ok(length) => out.push(length),
            Err(_) => {
                return Err(EngineError::InvalidLength {
                    index,
                    value: length.to_string(),
                }
                .into());
            }
        }
    }
    Ok(out)
}

/// An optional argument given as something else than None.
fn given<'a, 'py>(value: Option<Arg<'a, 'py>>) -> Option<Arg<'a, 'py>> {
    value.filter(|value| !value.is_none())
}

/// An argument as the reference's message shows it: its Python repr, or None.
fn shown(value: Option<Arg>) -> PyResult<String> {
    match value {
        Some(value) => Ok(value.repr()?.to_string()),
        None => Ok("None".to_string()),
    }
}

/// One length per sample, validated once (every length in [0, 2^63), at least one). Immutable: shared by
/// threads without a lock.
#[pyclass(frozen, module = "ferrosampler._core")]
pub(crate) struct LengthTable {
    table: lengths::LengthTable,
}

#[pymethods]
impl LengthTable {
    #[new]
    fn new(py: Python<'_>, lengths: Arg) -> PyResult<Self> {
        let values = lengths_arg(lengths)?;
        let table = py.detach(|| lengths::LengthTable::new(values))?;
        Ok(LengthTable { table })
    }

    fn __len__(&self) -> usize {
        self.table.len()
    }

    /// The sum of the lengths (exact).
    #[getter]
    fn total(&self) -> u128 {
        self.table.total()
    }

    /// A copy of the lengths.
    fn lengths<'py>(&self, py: Python<'py>) -> PyResult<Indices<'py>> {
        Ok(PyArray1::from_vec(py, self.table.lengths()?))
    }

    fn __repr__(&self) -> String {
        format!("LengthTable(n={})", self.table.len())
    }

    /// Spec §23.1: the plan of epoch (seed, epoch), the checks in §23.2's order.
    #[pyo3(
        signature = (seed, epoch, batch_size, max_tokens, window, group, shuffle, drop_last, permutation=None),
        text_signature = "(self, seed, epoch, batch_size, max_tokens, window, group, shuffle, drop_last, permutation='feistel')"
    )]
    #[allow(clippy::too_many_arguments)]
    fn plan(
        &self,
        py: Python<'_>,
        seed: Arg,
        epoch: Arg,
        batch_size: Option<Arg>,
        max_tokens: Option<Arg>,
        window: Arg,
        group: Arg,
        shuffle: Arg,
        drop_last: Arg,
        permutation: Option<Arg>,
    ) -> PyResult<LengthPlan> {
        let (seed, epoch) = (u64_arg("seed", seed)?, epoch_arg(epoch)?);
        let (batch_size, max_tokens) = match (given(batch_size), given(max_tokens)) {
            (Some(size), None) => (Some(positive_u64_arg("batch_size", size)?), None),
            (None, Some(budget)) => (None, Some(positive_u64_arg("max_tokens", budget)?)),
            (size, budget) => {
                return Err(EngineError::BatchingChoice {
                    batch_size: shown(size)?,
                    max_tokens: shown(budget)?,
                }
                .into());
            }
        };
        let window = positive_u64_arg("window", window)?;
        let batching = match (batch_size, max_tokens) {
            (Some(size), _) => lengths::Batching::Size(size),
            (None, budget) => lengths::Batching::Tokens(budget.unwrap_or(1)),
        };
        lengths::check_window(batching, window)?;
        let group = integer_in("group", group, lengths::GROUPS)? as u64;
        let (shuffle, drop_last) = (shuffle.is_truthy()?, drop_last.is_truthy()?);
        let permutation = permutation_arg(permutation)?;
        let grouping = lengths::Grouping::new(batch_size, max_tokens, window, group, shuffle, drop_last, permutation)?;
        let table = &self.table;
        let plan = py.detach(|| table.plan(seed, epoch, &grouping))?;
        Ok(LengthPlan { plan })
    }

    /// `LengthTable(lengths)` again: what pickle and deepcopy use.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (Indices<'py>,))> {
        let lengths = PyArray1::from_vec(py, self.table.lengths()?);
        Ok((py.get_type::<LengthTable>().into_any(), (lengths,)))
    }
}

/// An epoch's plan (spec §23.1): `num_batches` global positions, each a batch of indices. Immutable.
#[pyclass(frozen, module = "ferrosampler._core")]
pub(crate) struct LengthPlan {
    plan: lengths::LengthPlan,
}

#[pymethods]
impl LengthPlan {
    /// n: the global positions of the epoch (num_steps × group).
    #[getter]
    fn num_batches(&self) -> u64 {
        self.plan.num_batches()
    }

    /// S′: the steps served.
    #[getter]
    fn num_steps(&self) -> u64 {
        self.plan.num_steps()
    }

    /// G: batches per step.
    #[getter]
    fn group(&self) -> u64 {
        self.plan.group()
    }

    /// nb: the batches cut from the windows.
    #[getter]
    fn distinct_batches(&self) -> u64 {
        self.plan.distinct_batches()
    }

    fn __repr__(&self) -> String {
        format!(
            "LengthPlan(num_batches={}, group={})",
            self.plan.num_batches(),
            self.plan.group()
        )
    }

    /// Global positions start + c·stride (c < count, read mod num_batches): (indices, offsets).
    #[pyo3(signature = (start, count, stride=None), text_signature = "(self, start, count, stride=1)")]
    fn batches<'py>(
        &self,
        py: Python<'py>,
        start: Arg,
        count: Arg,
        stride: Option<Arg>,
    ) -> PyResult<(Indices<'py>, Indices<'py>)> {
        let (start, count, stride) = strided_span_args(start, count, stride)?;
        let plan = &self.plan;
        let (indices, offsets) = py.detach(|| plan.batches(start, count, stride))?;
        Ok((PyArray1::from_vec(py, indices), PyArray1::from_vec(py, offsets)))
    }
}

//! Binding of LengthTable and LengthPlan (spec §24): frozen pyclasses around the core's validated lengths and
//! an epoch's plan; their methods run without the GIL.

use numpy::PyArray1;
use pyo3::prelude::*;

use crate::error::EngineError;
use crate::lengths;
use crate::permutation::Permutation;
use crate::python::args::{
    BatchSize, Count, Epoch, Group, Lengths, MaxTokens, SampleIndex, Seed, Start, Stride, Truthy, Window,
};

type Indices<'py> = Bound<'py, PyArray1<i64>>;

/// An optional argument given as something else than None.
fn given<'py>(value: Option<Bound<'py, PyAny>>) -> Option<Bound<'py, PyAny>> {
    value.filter(|value| !value.is_none())
}

/// An argument as the reference's message shows it: its Python repr, or None.
fn shown(value: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
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
    fn new(py: Python<'_>, lengths: Lengths) -> PyResult<Self> {
        let values = lengths.0;
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

    /// Spec §24.1: the plan of epoch (seed, epoch), the checks in §24.2's order.
    #[pyo3(
        signature = (seed, epoch, batch_size, max_tokens, window, group, shuffle, drop_last, permutation=None),
        text_signature = "(self, seed, epoch, batch_size, max_tokens, window, group, shuffle, drop_last, permutation='feistel')"
    )]
    #[allow(clippy::too_many_arguments)]
    fn plan<'py>(
        slf: &Bound<'py, Self>,
        py: Python<'py>,
        seed: Seed,
        epoch: Epoch,
        batch_size: Option<Bound<'py, PyAny>>,
        max_tokens: Option<Bound<'py, PyAny>>,
        window: Window,
        group: Group,
        shuffle: Truthy,
        drop_last: Truthy,
        permutation: Option<Permutation>,
    ) -> PyResult<LengthPlan> {
        // The epoch is refused before the batching, as the reference does.
        crate::limits::check_epoch(epoch.0)?;
        // Exactly one of the two is checked first (the reference's message shows both as given).
        let (batch_size, max_tokens) = match (given(batch_size), given(max_tokens)) {
            (Some(size), None) => (Some(size.extract::<BatchSize>()?.0), None),
            (None, Some(budget)) => (None, Some(budget.extract::<MaxTokens>()?.0)),
            (size, budget) => {
                return Err(EngineError::BatchingChoice {
                    batch_size: shown(size.as_ref())?,
                    max_tokens: shown(budget.as_ref())?,
                }
                .into());
            }
        };
        let permutation = permutation.unwrap_or_default();
        let grouping = lengths::Grouping::new(
            batch_size,
            max_tokens,
            window.0,
            group.0,
            shuffle.0,
            drop_last.0,
            permutation,
        )?;
        let (seed, epoch) = (seed.0, epoch.0);
        let table = &slf.get().table;
        let plan = py.detach(|| table.plan(seed, epoch, &grouping))?;
        Ok(LengthPlan {
            plan,
            table: slf.clone().unbind(),
        })
    }

    /// `LengthTable(lengths)` again: what pickle and deepcopy use.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (Indices<'py>,))> {
        let lengths = PyArray1::from_vec(py, self.table.lengths()?);
        Ok((py.get_type::<LengthTable>().into_any(), (lengths,)))
    }
}

/// An epoch's plan (spec §24.1): `num_batches` global positions, each a batch of indices. Immutable.
#[pyclass(frozen, module = "ferrosampler._core")]
pub(crate) struct LengthPlan {
    plan: lengths::LengthPlan,
    /// The table the plan was computed from (its lengths rank the batches for `locate`).
    table: Py<LengthTable>,
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

    /// Spec §24.4: where `index` is served, (g, offset, step, count): global positions g + c·step (c < count),
    /// the index at `offset` in each; None when it is not served.
    fn locate(&self, py: Python<'_>, index: SampleIndex) -> PyResult<Option<lengths::Located>> {
        let (plan, table) = (&self.plan, &self.table.get().table);
        Ok(py.detach(|| plan.locate(table, index.0))?)
    }

    /// Global positions start + c·stride (c < count, read mod num_batches): (indices, offsets).
    #[pyo3(signature = (start, count, stride=None), text_signature = "(self, start, count, stride=1)")]
    fn batches<'py>(
        &self,
        py: Python<'py>,
        start: Start,
        count: Count,
        stride: Option<Stride>,
    ) -> PyResult<(Indices<'py>, Indices<'py>)> {
        let (start, count, stride) = (start.0, count.0, Stride::or_one(stride));
        let plan = &self.plan;
        let (indices, offsets) = py.detach(|| plan.batches(start, count, stride))?;
        Ok((PyArray1::from_vec(py, indices), PyArray1::from_vec(py, offsets)))
    }
}

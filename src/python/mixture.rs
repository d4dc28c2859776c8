//! Binding of MixturePlan (spec §23): a frozen pyclass around the core's validated mixture, built once per
//! sampler; its methods borrow it without the GIL.

use numpy::PyArray1;
use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::prelude::*;

use crate::error::EngineError;
use crate::mixture;
use crate::python::args::{Arg, epoch_arg, float64_weights, integer_in, strided_span_args, u64_arg};

type Indices<'py> = Bound<'py, PyArray1<i64>>;
/// A plan's arguments as the core takes them: sizes, starts, weights (row-major), num_samples.
type PlanArgs = (Vec<i128>, Vec<i128>, Vec<f64>, i128);

/// Sources, phases and their integer masses, validated once (`MixturePlan(sizes, starts, weights,
/// num_samples)`, weights row-major: phase i's S weights at i·S). Immutable: shared by threads without a lock.
#[pyclass(frozen, module = "ferrosampler._core")]
pub(crate) struct MixturePlan {
    plan: mixture::MixturePlan,
}

/// An integer as i128 (a Python int beyond i128 is clamped: every check refuses it alike), or the reference's
/// TypeError naming it.
fn wide_integer(name: &str, value: Arg) -> PyResult<i128> {
    match value.extract::<i128>() {
        Ok(number) => Ok(number),
        Err(error) if error.is_instance_of::<PyOverflowError>(value.py()) => {
            let negative = value.lt(0)?;
            Ok(if negative { i128::MIN } else { i128::MAX })
        }
        Err(_) => {
            let type_name = value.get_type().name()?;
            Err(PyTypeError::new_err(format!(
                "{name} must be an integer, got {type_name}: {}",
                value.repr()?
            )))
        }
    }
}

/// A sequence of integers, each named `name[i]` in its TypeError.
fn wide_integers(name: &str, values: Arg) -> PyResult<Vec<i128>> {
    let Ok(items) = values.try_iter() else {
        let type_name = values.get_type().name()?;
        return Err(PyTypeError::new_err(format!(
            "{name} must be a 1-D sequence of integers, got {type_name}: {}",
            values.repr()?
        )));
    };
    let mut out = Vec::new();
    for (index, item) in items.enumerate() {
        out.push(wide_integer(&format!("{name}[{index}]"), &item?)?);
    }
    Ok(out)
}

/// An index in [0, len): the reference's TypeError or ValueError naming it.
fn index_arg(name: &'static str, value: Arg, len: usize) -> PyResult<u64> {
    let number = wide_integer(name, value)?;
    match u64::try_from(number) {
        Ok(index) if (index as u128) < len as u128 => Ok(index),
        _ => Err(EngineError::IndexOutOfRange {
            name,
            value: value.str()?.to_string(),
            len: len as u64,
        }
        .into()),
    }
}

/// The arguments in the reference's order: sizes, starts, weights, num_samples (conversions, then the core's checks).
fn plan_args(sizes: Arg, starts: Arg, weights: Arg, num_samples: Arg) -> PyResult<PlanArgs> {
    let sizes = wide_integers("sizes", sizes)?;
    let starts = wide_integers("starts", starts)?;
    let weights = float64_weights(weights)?.as_slice()?.to_vec();
    let num_samples = wide_integer("num_samples", num_samples)?;
    Ok((sizes, starts, weights, num_samples))
}

#[pymethods]
impl MixturePlan {
    #[classattr]
    const BLOCK: u64 = mixture::BLOCK;

    #[new]
    fn new(py: Python<'_>, sizes: Arg, starts: Arg, weights: Arg, num_samples: Arg) -> PyResult<Self> {
        let (sizes, starts, weights, num_samples) = plan_args(sizes, starts, weights, num_samples)?;
        let plan = py.detach(|| mixture::MixturePlan::new(&sizes, &starts, &weights, num_samples))?;
        Ok(MixturePlan { plan })
    }

    #[getter]
    fn sizes(&self) -> Vec<u64> {
        self.plan.sizes().to_vec()
    }

    #[getter]
    fn offsets(&self) -> Vec<u64> {
        self.plan.offsets().to_vec()
    }

    #[getter]
    fn starts(&self) -> Vec<u64> {
        self.plan.starts().to_vec()
    }

    #[getter]
    fn weights<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_slice(py, self.plan.weights())
    }

    #[getter]
    fn num_samples(&self) -> u64 {
        self.plan.num_samples()
    }

    #[getter]
    fn num_phases(&self) -> usize {
        self.plan.num_phases()
    }

    /// D, the slot tree's depth (⌈log2 S⌉).
    #[getter]
    fn depth(&self) -> u32 {
        self.plan.depth()
    }

    /// Each phase's integer masses (spec §23.2).
    fn masses(&self) -> PyResult<Vec<Vec<u64>>> {
        Ok(self.plan.masses()?)
    }

    /// Spec §23.3: the source of slot g of phase `phase`'s stream and its index among that source's slots.
    fn slot_source(&self, phase: Arg, g: Arg) -> PyResult<(usize, u64)> {
        let phase = index_arg("phase", phase, self.plan.num_phases())?;
        let g = u64_arg("g", g)?;
        Ok(self.plan.slot_source(phase, g)?)
    }

    /// Spec §23.3: how many of slots 0 … slots − 1 of phase `phase`'s stream hold `source`.
    fn slot_count(&self, phase: Arg, source: Arg, slots: Arg) -> PyResult<u128> {
        let phase = index_arg("phase", phase, self.plan.num_phases())?;
        let source = index_arg("source", source, self.plan.num_sources())?;
        let slots = integer_in("slots", slots, mixture::SLOTS)?;
        Ok(self.plan.slot_count(phase, source, slots)?)
    }

    /// Spec §23.5: positions start + c·stride (c < count) of epoch `epoch`, as global indices.
    #[pyo3(signature = (seed, epoch, start, count, stride=None), text_signature = "(self, seed, epoch, start, count, stride=1)")]
    fn draws<'py>(
        &self,
        py: Python<'py>,
        seed: Arg,
        epoch: Arg,
        start: Arg,
        count: Arg,
        stride: Option<Arg>,
    ) -> PyResult<Indices<'py>> {
        let (seed, epoch) = (u64_arg("seed", seed)?, epoch_arg(epoch)?);
        let (start, count, stride) = strided_span_args(start, count, stride)?;
        let plan = &self.plan;
        let out = py.detach(|| plan.draws(seed, epoch, start, count, stride))?;
        Ok(PyArray1::from_vec(py, out))
    }

    /// Spec §23.7: the shortest epoch in which the first (or, with `all_sources`, every) source with positive
    /// weight completes its first pass.
    #[staticmethod]
    fn exhausted_length(py: Python<'_>, sizes: Arg, weights: Arg, all_sources: Arg) -> PyResult<u64> {
        let sizes = wide_integers("sizes", sizes)?;
        let weights = float64_weights(weights)?.as_slice()?.to_vec();
        let all_sources = all_sources.is_truthy()?;
        Ok(py.detach(|| mixture::MixturePlan::exhausted_length(&sizes, &weights, all_sources))?)
    }

    /// `MixturePlan(sizes, starts, weights, num_samples)` again: what pickle and deepcopy use.
    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, (Vec<u64>, Vec<u64>, Bound<'py, PyArray1<f64>>, u64))> {
        let plan = &self.plan;
        Ok((
            py.get_type::<MixturePlan>().into_any(),
            (
                plan.sizes().to_vec(),
                plan.starts().to_vec(),
                PyArray1::from_slice(py, plan.weights()),
                plan.num_samples(),
            ),
        ))
    }
}

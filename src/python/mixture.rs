//! Binding of MixturePlan (spec §23): a frozen pyclass around the core's validated mixture, built once per
//! sampler; its methods borrow it without the GIL.

use numpy::PyArray1;
use pyo3::prelude::*;

use crate::error::EngineError;
use crate::mixture;
use crate::python::args::{
    Count, Epoch, Float64Weights, ItemIndex, NumSamples, PhaseIndex, Seed, Sizes, Slot, Slots, SourceIndex, Start,
    Starts, Stride, Truthy,
};

type Indices<'py> = Bound<'py, PyArray1<i64>>;

/// Sources, phases and their integer masses, validated once (`MixturePlan(sizes, starts, weights,
/// num_samples)`, weights row-major: phase i's S weights at i·S). Immutable: shared by threads without a lock.
#[pyclass(frozen, module = "ferrosampler._core")]
pub(crate) struct MixturePlan {
    plan: mixture::MixturePlan,
}

/// An index as the core takes it; one of either sign beyond u64 is past any plan's `len` alike.
fn index(name: &'static str, value: i128, len: usize) -> PyResult<u64> {
    u64::try_from(value).map_err(|_| {
        EngineError::IndexOutOfRange {
            name,
            value,
            len: len as u64,
        }
        .into()
    })
}

#[pymethods]
impl MixturePlan {
    #[classattr]
    const BLOCK: u64 = mixture::BLOCK;

    #[new]
    fn new(
        py: Python<'_>,
        sizes: Sizes,
        starts: Starts,
        weights: Float64Weights<'_>,
        num_samples: NumSamples,
    ) -> PyResult<Self> {
        // A copy, made while the GIL is held: another thread may write to the caller's array once detached.
        let weights = weights.0.as_slice()?.to_vec();
        let plan = py.detach(|| mixture::MixturePlan::new(&sizes.0, &starts.0, &weights, num_samples.0))?;
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
    fn slot_source(&self, phase: PhaseIndex, g: Slot) -> PyResult<(usize, u64)> {
        let phase = index("phase", phase.0, self.plan.num_phases())?;
        Ok(self.plan.slot_source(phase, g.0)?)
    }

    /// Spec §23.3: how many of slots 0 … slots − 1 of phase `phase`'s stream hold `source`.
    fn slot_count(&self, phase: PhaseIndex, source: SourceIndex, slots: Slots) -> PyResult<u128> {
        let phase = index("phase", phase.0, self.plan.num_phases())?;
        let source = index("source", source.0, self.plan.num_sources())?;
        Ok(self.plan.slot_count(phase, source, slots.0)?)
    }

    /// Spec §23.5: positions start + c·stride (c < count) of epoch `epoch`, as global indices.
    #[pyo3(signature = (seed, epoch, start, count, stride=None), text_signature = "(self, seed, epoch, start, count, stride=1)")]
    fn draws<'py>(
        &self,
        py: Python<'py>,
        seed: Seed,
        epoch: Epoch,
        start: Start,
        count: Count,
        stride: Option<Stride>,
    ) -> PyResult<Indices<'py>> {
        let stride = Stride::or_one(stride);
        let plan = &self.plan;
        let out = py.detach(|| plan.draws(seed.0, epoch.0, start.0, count.0, stride))?;
        Ok(PyArray1::from_vec(py, out))
    }

    /// Spec §23.9: the positions of epoch `epoch` that hold global index `index`, ascending.
    fn positions(&self, py: Python<'_>, seed: Seed, epoch: Epoch, index: ItemIndex) -> PyResult<Vec<u64>> {
        let plan = &self.plan;
        Ok(py.detach(|| plan.positions(seed.0, epoch.0, index.0))?)
    }

    /// Spec §23.7: the shortest epoch in which the first (or, with `all_sources`, every) source with positive
    /// weight completes its first pass.
    #[staticmethod]
    fn exhausted_length(
        py: Python<'_>,
        sizes: Sizes,
        weights: Float64Weights<'_>,
        all_sources: Truthy,
    ) -> PyResult<u64> {
        let weights = weights.0.as_slice()?.to_vec();
        Ok(py.detach(|| mixture::MixturePlan::exhausted_length(&sizes.0, &weights, all_sources.0))?)
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

//! Binding of WeightTable (spec §7–§8): a frozen pyclass around the core's validated table.

use numpy::PyArray1;
use pyo3::prelude::*;

use crate::python::args::{Count, Draws, Epoch, Float64Weights, IntegerMasses, Seed, Start, Stride};
use crate::weights;
use crate::weights::Algorithm;

type Array<'py, T> = Bound<'py, PyArray1<T>>;

/// Validated integer masses of a weight vector, with the alias table built on first use.
#[pyclass(frozen, module = "ferrosampler._core")]
pub(crate) struct WeightTable {
    table: weights::WeightTable,
}

#[pymethods]
impl WeightTable {
    #[new]
    fn new(py: Python<'_>, weights: Float64Weights<'_>) -> PyResult<Self> {
        // The check copies the weights, reading each once, while the GIL is held: another thread may write
        // to the caller's array once this one is detached; the other steps read the copy.
        let checked = weights::check_weights(weights.0.as_slice()?)?;
        let table = py.detach(|| weights::WeightTable::from_checked_weights(checked))?;
        Ok(WeightTable { table })
    }

    #[getter]
    fn n(&self) -> usize {
        self.table.n()
    }

    #[getter]
    fn nonzero(&self) -> usize {
        self.table.nonzero()
    }

    fn integer_weights<'py>(&self, py: Python<'py>) -> PyResult<Array<'py, u64>> {
        Ok(PyArray1::from_vec(py, self.table.masses_copy()?))
    }

    fn alias_table<'py>(&self, py: Python<'py>) -> PyResult<(Array<'py, u64>, Array<'py, u32>)> {
        let (threshold, alias) = py.detach(|| self.table.alias_table())?;
        Ok((PyArray1::from_vec(py, threshold), PyArray1::from_vec(py, alias)))
    }

    #[pyo3(signature = (seed, epoch, start, count, stride=None), text_signature = "(self, seed, epoch, start, count, stride=1)")]
    fn alias_draws<'py>(
        &self,
        py: Python<'py>,
        seed: Seed,
        epoch: Epoch,
        start: Start,
        count: Count,
        stride: Option<Stride>,
    ) -> PyResult<Array<'py, i64>> {
        let stride = Stride::or_one(stride);
        let out = py.detach(|| self.table.alias_draws(seed.0, epoch.0, start.0, count.0, stride))?;
        Ok(PyArray1::from_vec(py, out))
    }

    #[pyo3(signature = (seed, epoch, k, algorithm=None), text_signature = "(self, seed, epoch, k, algorithm='keys')")]
    fn without_replacement<'py>(
        &self,
        py: Python<'py>,
        seed: Seed,
        epoch: Epoch,
        k: Draws,
        algorithm: Option<Algorithm>,
    ) -> PyResult<Array<'py, i64>> {
        let algorithm = algorithm.unwrap_or_default();
        let out = py.detach(|| self.table.without_replacement(seed.0, epoch.0, k.0, algorithm))?;
        Ok(PyArray1::from_vec(py, out))
    }

    fn __len__(&self) -> usize {
        self.table.n()
    }

    /// Rebuilds a table from `integer_weights()`: what pickle and deepcopy use.
    #[staticmethod]
    fn _from_integer_weights(py: Python<'_>, masses: IntegerMasses) -> PyResult<Self> {
        let table = py.detach(|| weights::WeightTable::from_integer_weights(masses.0))?;
        Ok(WeightTable { table })
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (Vec<u64>,))> {
        let rebuild = py.get_type::<WeightTable>().getattr("_from_integer_weights")?;
        Ok((rebuild, (self.table.masses_copy()?,)))
    }
}

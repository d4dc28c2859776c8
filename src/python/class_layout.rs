//! Binding of ClassLayout (spec §9, §19–§20): a frozen pyclass around the core's validated class layout,
//! built once per sampler; its methods borrow it without the GIL (no copy, no re-validation per call).

use numpy::PyArray1;
use pyo3::prelude::*;

use crate::classes;
use crate::python::args::{
    ClassOrder, ClassesPerBatch, ClassesPerUnit, Count, DrawsPerClass, Epoch, Offsets, Rows, RowsPerSlot,
    RowsPerUnitClass, Seed, Start, Stride, Truthy,
};

type Indices<'py> = Bound<'py, PyArray1<i64>>;

/// Every class's rows back to back (class c is `rows[offsets[c]:offsets[c + 1]]`), validated once.
/// Immutable: shared by threads without a lock.
#[pyclass(frozen, module = "ferrosampler._core")]
pub(crate) struct ClassLayout {
    layout: classes::ClassLayout,
}

#[pymethods]
impl ClassLayout {
    #[new]
    fn new(py: Python<'_>, rows: Rows, offsets: Offsets) -> PyResult<Self> {
        let layout = py.detach(|| classes::ClassLayout::new(rows.0, offsets.0))?;
        Ok(ClassLayout { layout })
    }

    /// The number of classes (at least 1).
    #[getter]
    fn num_classes(&self) -> usize {
        self.layout.classes()
    }

    /// The number of rows (of all classes).
    fn __len__(&self) -> usize {
        self.layout.rows().len()
    }

    fn __repr__(&self) -> String {
        format!(
            "ClassLayout(rows={}, num_classes={})",
            self.layout.rows().len(),
            self.layout.classes()
        )
    }

    /// Spec §9: positions start + c·stride (c < count), position p a uniform row of class
    /// `class_order[p // num_val]`.
    #[pyo3(
        signature = (seed, epoch, class_order, num_val, start, count, stride=None),
        text_signature = "(self, seed, epoch, class_order, num_val, start, count, stride=1)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn pk_draws<'py>(
        &self,
        py: Python<'py>,
        seed: Seed,
        epoch: Epoch,
        class_order: ClassOrder,
        num_val: DrawsPerClass,
        start: Start,
        count: Count,
        stride: Option<Stride>,
    ) -> PyResult<Indices<'py>> {
        let (layout, stride) = (&self.layout, Stride::or_one(stride));
        let out = py.detach(|| {
            classes::pk_draws(
                seed.0,
                epoch.0,
                layout,
                &class_order.0,
                num_val.0,
                start.0,
                count.0,
                stride,
            )
        })?;
        Ok(PyArray1::from_vec(py, out))
    }

    /// Spec §19.4: PKBatchSampler's batches start + c·stride (c < count), P·K rows each, flat.
    #[pyo3(
        signature = (seed, epoch, p, k, replacement, start, count, stride=None),
        text_signature = "(self, seed, epoch, p, k, replacement, start, count, stride=1)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn pk_batches<'py>(
        &self,
        py: Python<'py>,
        seed: Seed,
        epoch: Epoch,
        p: ClassesPerBatch,
        k: RowsPerSlot,
        replacement: Truthy,
        start: Start,
        count: Count,
        stride: Option<Stride>,
    ) -> PyResult<Indices<'py>> {
        let (layout, stride) = (&self.layout, Stride::or_one(stride));
        let out = py.detach(|| {
            classes::pk_batches(
                seed.0,
                epoch.0,
                layout,
                p.0,
                k.0,
                replacement.0,
                start.0,
                count.0,
                stride,
            )
        })?;
        Ok(PyArray1::from_vec(py, out))
    }

    /// Spec §20: MPerClassSampler's units start + c·stride (c < count), G·m rows each, flat.
    #[pyo3(
        signature = (seed, epoch, group, m, start, count, stride=None),
        text_signature = "(self, seed, epoch, group, m, start, count, stride=1)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn m_per_class_units<'py>(
        &self,
        py: Python<'py>,
        seed: Seed,
        epoch: Epoch,
        group: ClassesPerUnit,
        m: RowsPerUnitClass,
        start: Start,
        count: Count,
        stride: Option<Stride>,
    ) -> PyResult<Indices<'py>> {
        let (layout, stride) = (&self.layout, Stride::or_one(stride));
        let out =
            py.detach(|| classes::m_per_class_units(seed.0, epoch.0, layout, group.0, m.0, start.0, count.0, stride))?;
        Ok(PyArray1::from_vec(py, out))
    }

    /// `ClassLayout(rows, offsets)` again: what pickle and deepcopy use.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (Indices<'py>, Indices<'py>))> {
        let rows = PyArray1::from_slice(py, self.layout.rows());
        let offsets = PyArray1::from_slice(py, self.layout.offsets());
        Ok((py.get_type::<ClassLayout>().into_any(), (rows, offsets)))
    }
}

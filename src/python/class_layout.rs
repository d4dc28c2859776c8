//! Binding of ClassLayout (spec §9, §19–§20): a frozen pyclass around the core's validated class layout,
//! built once per sampler; its methods borrow it without the GIL (no copy, no re-validation per call).

use numpy::{PyArray1, PyArrayMethods};
use pyo3::prelude::*;

use crate::classes;
use crate::python::args::{Arg, epoch_arg, integers_arg, positive_u64_arg, strided_span_args, u64_arg};

type Indices<'py> = Bound<'py, PyArray1<i64>>;

/// Every class's rows back to back (class c is `rows[offsets[c]:offsets[c + 1]]`), validated once.
/// Immutable: shared by threads without a lock.
#[pyclass(frozen, module = "ferrosampler._core")]
pub(crate) struct ClassLayout {
    layout: classes::ClassLayout,
}

/// `rows` or `offsets` of a class layout: a contiguous int64 array is copied as is (a fast snapshot: another
/// thread may write to it while the core runs detached); anything else goes through `integers_arg`.
fn layout_part(name: &str, value: Arg) -> PyResult<Vec<i64>> {
    if let Ok(array) = value.cast::<PyArray1<i64>>()
        && let Ok(slice) = array.readonly().as_slice()
    {
        return Ok(slice.to_vec());
    }
    integers_arg(name, value)
}

#[pymethods]
impl ClassLayout {
    #[new]
    fn new(py: Python<'_>, rows: Arg, offsets: Arg) -> PyResult<Self> {
        let (rows, offsets) = (layout_part("rows", rows)?, layout_part("offsets", offsets)?);
        let layout = py.detach(|| classes::ClassLayout::new(rows, offsets))?;
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
        seed: Arg,
        epoch: Arg,
        class_order: Arg,
        num_val: Arg,
        start: Arg,
        count: Arg,
        stride: Option<Arg>,
    ) -> PyResult<Indices<'py>> {
        let (seed, epoch) = (u64_arg("seed", seed)?, epoch_arg(epoch)?);
        let (start, count, stride) = strided_span_args(start, count, stride)?;
        let num_val = positive_u64_arg("num_val", num_val)?;
        let class_order = integers_arg("class_order", class_order)?;
        let layout = &self.layout;
        let out = py.detach(|| classes::pk_draws(seed, epoch, layout, &class_order, num_val, start, count, stride))?;
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
        seed: Arg,
        epoch: Arg,
        p: Arg,
        k: Arg,
        replacement: Arg,
        start: Arg,
        count: Arg,
        stride: Option<Arg>,
    ) -> PyResult<Indices<'py>> {
        let (seed, epoch) = (u64_arg("seed", seed)?, epoch_arg(epoch)?);
        let (start, count, stride) = strided_span_args(start, count, stride)?;
        let (p, k) = (positive_u64_arg("p", p)?, positive_u64_arg("k", k)?);
        let replacement = replacement.is_truthy()?;
        let layout = &self.layout;
        let out = py.detach(|| classes::pk_batches(seed, epoch, layout, p, k, replacement, start, count, stride))?;
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
        seed: Arg,
        epoch: Arg,
        group: Arg,
        m: Arg,
        start: Arg,
        count: Arg,
        stride: Option<Arg>,
    ) -> PyResult<Indices<'py>> {
        let (seed, epoch) = (u64_arg("seed", seed)?, epoch_arg(epoch)?);
        let (start, count, stride) = strided_span_args(start, count, stride)?;
        let (group, m) = (positive_u64_arg("group", group)?, positive_u64_arg("m", m)?);
        let layout = &self.layout;
        let out = py.detach(|| classes::m_per_class_units(seed, epoch, layout, group, m, start, count, stride))?;
        Ok(PyArray1::from_vec(py, out))
    }

    /// `ClassLayout(rows, offsets)` again: what pickle and deepcopy use.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (Indices<'py>, Indices<'py>))> {
        let rows = PyArray1::from_slice(py, self.layout.rows());
        let offsets = PyArray1::from_slice(py, self.layout.offsets());
        Ok((py.get_type::<ClassLayout>().into_any(), (rows, offsets)))
    }
}

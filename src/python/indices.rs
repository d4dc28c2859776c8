//! An engine output handed to Python one int at a time: the C-level iterator a sampler's chunk is consumed
//! through, so no Python list of the chunk is built first (`list(sampler)`, `for i in sampler`).

use std::sync::atomic::{AtomicUsize, Ordering};

use numpy::{PyArray1, PyArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::alloc;

/// What `__reduce__` returns: the class and its one argument.
type Reduced<'py> = (Bound<'py, PyAny>, (Bound<'py, PyArray1<i64>>,));

/// The ints of a 1-D int64 array, copied at construction (a snapshot: the array may change afterwards), in
/// order; `__length_hint__` is exact, which is how a sampler's progress counts what was handed out. Frozen,
/// its position an atomic: a state_dict read from another thread (free-threaded Python too) sees a count,
/// never a borrow error, and two threads sharing it never receive the same int.
#[pyclass(module = "ferrosampler._core", frozen)]
pub(crate) struct IndexIterator {
    values: Vec<i64>,
    next: AtomicUsize,
}

#[pymethods]
impl IndexIterator {
    #[new]
    fn new(values: &Bound<'_, PyAny>) -> PyResult<Self> {
        let Ok(array) = values.cast::<PyArray1<i64>>() else {
            return Err(PyTypeError::new_err(format!(
                "values must be a 1-D int64 array, got {}",
                values.get_type().name()?
            )));
        };
        let array = array.try_readonly()?;
        let values = match array.as_slice() {
            Ok(slice) => alloc::copy_of(slice)?,
            Err(_) => {
                let view = array.as_array();
                let mut out = alloc::vec_with_capacity(view.len() as u64)?;
                out.extend(view.iter().copied());
                out
            }
        };
        Ok(IndexIterator {
            values,
            next: AtomicUsize::new(0),
        })
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self) -> Option<i64> {
        let len = self.values.len();
        let taken = self.next.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |next| {
            (next < len).then_some(next + 1)
        });
        self.values.get(taken.ok()?).copied()
    }

    /// The next `count` ints (fewer at the end) as a list, built in one call: a batch cut from the buffer. The
    /// list holds only ints, so it is left out of the cycle collector (as CPython leaves out such tuples): an epoch
    /// of batches then costs no collection passes over every batch made so far, which cost more than making them.
    fn take<'py>(&self, py: Python<'py>, count: usize) -> PyResult<Bound<'py, PyList>> {
        let len = self.values.len();
        let first = self
            .next
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |next| {
                Some(next.saturating_add(count).min(len).max(next))
            })
            .unwrap_or(len);
        let last = first.saturating_add(count).min(len);
        let batch = PyList::new(py, self.values.get(first..last).unwrap_or_default())?;
        // SAFETY: `batch` is a live list we own; untracking only hides it from the cycle collector.
        unsafe { pyo3::ffi::PyObject_GC_UnTrack(batch.as_ptr().cast()) };
        Ok(batch)
    }

    fn __length_hint__(&self) -> usize {
        self.values.len().saturating_sub(self.next.load(Ordering::Relaxed))
    }

    /// `IndexIterator(the ints not yet handed out)`: what pickle and deepcopy use, as a list iterator pickles.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Reduced<'py>> {
        let this = slf.get();
        let first = this.next.load(Ordering::Relaxed).min(this.values.len());
        let rest = PyArray1::from_slice(slf.py(), this.values.get(first..).unwrap_or_default());
        Ok((slf.get_type().into_any(), (rest,)))
    }
}

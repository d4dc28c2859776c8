//! An engine output handed to Python one int at a time: the C-level iterator a sampler's chunk is consumed
//! through, so no Python list of the chunk is built first (`list(sampler)`, `for i in sampler`).
//!
//! `IndexIterator` is a type written against the C API (`PyType_FromSpec`), not a `#[pyclass]`: its
//! `tp_iternext` is the whole per-int cost of iterating a sampler, and PyO3's generated slot (attaching, panic
//! trap, argument conversion) cost as much again as making the int. The hot slot is three lines that cannot
//! panic; every other method runs through `guarded`, which turns errors and panics into Python exceptions.

use std::ffi::{CStr, c_int, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

use numpy::{PyArray1, PyArrayMethods};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyType};

use crate::alloc;

/// An instance: the object header, then a snapshot of the ints and the position of the next one.
#[repr(C)]
struct Instance {
    ob_base: ffi::PyObject,
    values: Vec<i64>,
    next: AtomicUsize,
}

impl Instance {
    /// Claims the next `count` positions (fewer at the end). With the GIL a load and a store suffice (nothing
    /// else runs between them); free-threaded, two threads sharing the iterator must never get the same int.
    fn claim(&self, count: usize) -> std::ops::Range<usize> {
        let len = self.values.len();
        #[cfg(not(Py_GIL_DISABLED))]
        let first = {
            let first = self.next.load(Ordering::Relaxed).min(len);
            self.next.store(first.saturating_add(count).min(len), Ordering::Relaxed);
            first
        };
        #[cfg(Py_GIL_DISABLED)]
        let first = self
            .next
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |next| {
                Some(next.saturating_add(count).min(len).max(next))
            })
            .unwrap_or(len)
            .min(len);
        first..first.saturating_add(count).min(len)
    }

    fn rest(&self) -> &[i64] {
        let first = self.next.load(Ordering::Relaxed).min(self.values.len());
        self.values.get(first..).unwrap_or_default()
    }
}

/// The `IndexIterator` type of one module instance: created from its spec, added to the module.
pub(crate) fn index_iterator_type(py: Python<'_>) -> PyResult<Bound<'_, PyType>> {
    // CPython keeps pointers into the method table (and, before 3.12, to the name): both live for the process.
    let methods: &'static mut [ffi::PyMethodDef; 4] = Box::leak(Box::new([
        method(c"take", take, ffi::METH_O, TAKE_DOC),
        method(c"__length_hint__", length_hint, ffi::METH_NOARGS, LENGTH_HINT_DOC),
        method(c"__reduce__", reduce, ffi::METH_NOARGS, REDUCE_DOC),
        ffi::PyMethodDef::zeroed(),
    ]));
    let slots: &'static mut [ffi::PyType_Slot; 7] = Box::leak(Box::new([
        slot(ffi::Py_tp_new, new as *mut c_void),
        slot(ffi::Py_tp_dealloc, dealloc as *mut c_void),
        slot(ffi::Py_tp_iter, ffi::PyObject_SelfIter as *mut c_void),
        slot(ffi::Py_tp_iternext, next as *mut c_void),
        slot(ffi::Py_tp_methods, methods.as_mut_ptr().cast()),
        slot(ffi::Py_tp_doc, TYPE_DOC.as_ptr().cast_mut().cast()),
        ffi::PyType_Slot::default(),
    ]));
    let spec: &'static mut ffi::PyType_Spec = Box::leak(Box::new(ffi::PyType_Spec {
        name: c"ferrosampler._core.IndexIterator".as_ptr(),
        basicsize: c_int::try_from(size_of::<Instance>()).map_err(|_| PyRuntimeError::new_err("IndexIterator size"))?,
        itemsize: 0,
        flags: (ffi::Py_TPFLAGS_DEFAULT | ffi::Py_TPFLAGS_IMMUTABLETYPE) as _,
        slots: slots.as_mut_ptr(),
    }));
    // SAFETY: the spec and everything it points to are leaked ('static); a null result carries an exception.
    let created = unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyType_FromSpec(spec)) }?;
    Ok(created.cast_into::<PyType>()?)
}

const TYPE_DOC: &CStr = c"IndexIterator(values, /)\n--\n\nThe ints of a 1-D int64 array (copied), handed out one at a time; __length_hint__ is exact.";
const TAKE_DOC: &CStr =
    c"take($self, count, /)\n--\n\nThe next count ints (fewer at the end) as a list, built in one call.";
const LENGTH_HINT_DOC: &CStr = c"__length_hint__($self, /)\n--\n\nThe number of ints not yet handed out.";
const REDUCE_DOC: &CStr = c"__reduce__($self, /)\n--\n\nIndexIterator(the ints not yet handed out).";

fn method(
    name: &'static CStr,
    function: unsafe extern "C" fn(*mut ffi::PyObject, *mut ffi::PyObject) -> *mut ffi::PyObject,
    flags: c_int,
    doc: &'static CStr,
) -> ffi::PyMethodDef {
    ffi::PyMethodDef {
        ml_name: name.as_ptr(),
        ml_meth: ffi::PyMethodDefPointer { PyCFunction: function },
        ml_flags: flags,
        ml_doc: doc.as_ptr(),
    }
}

fn slot(slot: c_int, pfunc: *mut c_void) -> ffi::PyType_Slot {
    ffi::PyType_Slot { slot, pfunc }
}

/// A method body as a C function's result: its object, or null with its error (a panic becomes RuntimeError).
fn guarded(body: impl FnOnce(Python<'_>) -> PyResult<Bound<'_, PyAny>>) -> *mut ffi::PyObject {
    // SAFETY: CPython calls the type's slots and methods with the thread attached.
    let py = unsafe { Python::assume_attached() };
    let outcome = catch_unwind(AssertUnwindSafe(|| body(py)))
        .unwrap_or_else(|_| Err(PyRuntimeError::new_err("ferrosampler: internal error in IndexIterator")));
    match outcome {
        Ok(object) => object.into_ptr(),
        Err(error) => {
            error.restore(py);
            ptr::null_mut()
        }
    }
}

/// # Safety
/// `object` is an instance of the type (CPython checks a method's self, and the slots are its own).
unsafe fn instance<'a>(object: *mut ffi::PyObject) -> &'a Instance {
    // SAFETY: see above; an instance's fields are written by `new` before it is handed out.
    unsafe { &*object.cast::<Instance>() }
}

/// The hot path: the next int, or null without an exception at the end (the iterator protocol's StopIteration).
unsafe extern "C" fn next(object: *mut ffi::PyObject) -> *mut ffi::PyObject {
    // SAFETY: tp_iternext is called on instances of the type.
    let this = unsafe { instance(object) };
    match this.values.get(this.claim(1)) {
        // SAFETY: attached; PyLong_FromLongLong returns a new reference or null with MemoryError.
        Some(&[value]) => unsafe { ffi::PyLong_FromLongLong(value) },
        _ => ptr::null_mut(),
    }
}

unsafe extern "C" fn new(
    subtype: *mut ffi::PyTypeObject,
    args: *mut ffi::PyObject,
    kwargs: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    guarded(|py| {
        // SAFETY: tp_new receives a tuple of arguments and a dict or null.
        let args = unsafe { Bound::from_borrowed_ptr(py, args) };
        let no_keywords = kwargs.is_null() || unsafe { ffi::PyDict_Size(kwargs) } == 0;
        let (Ok(1), true) = (args.len(), no_keywords) else {
            return Err(PyTypeError::new_err(
                "IndexIterator takes one positional argument, values",
            ));
        };
        let values = snapshot(&args.get_item(0)?)?;
        // SAFETY: tp_alloc of the type returns a zeroed instance (a new reference) or null with an exception.
        let allocate = unsafe { ffi::PyType_GetSlot(subtype, ffi::Py_tp_alloc) };
        if allocate.is_null() {
            return Err(PyRuntimeError::new_err("IndexIterator: the type has no allocator"));
        }
        // SAFETY: the Py_tp_alloc slot holds an allocfunc.
        let allocate: ffi::allocfunc = unsafe { std::mem::transmute(allocate) };
        let object = unsafe { Bound::from_owned_ptr_or_err(py, allocate(subtype, 0)) }?;
        let fields = object.as_ptr().cast::<Instance>();
        // SAFETY: fresh, zeroed memory of the instance's size: the fields are written before anyone reads them.
        unsafe {
            ptr::addr_of_mut!((*fields).values).write(values);
            ptr::addr_of_mut!((*fields).next).write(AtomicUsize::new(0));
        }
        Ok(object)
    })
}

/// The array's ints, copied: the array may change afterwards.
fn snapshot(values: &Bound<'_, PyAny>) -> PyResult<Vec<i64>> {
    let Ok(array) = values.cast::<PyArray1<i64>>() else {
        return Err(PyTypeError::new_err(format!(
            "values must be a 1-D int64 array, got {}",
            values.get_type().name()?
        )));
    };
    let array = array.try_readonly()?;
    Ok(match array.as_slice() {
        Ok(slice) => alloc::copy_of(slice)?,
        Err(_) => {
            let view = array.as_array();
            let mut out = alloc::vec_with_capacity(view.len() as u64)?;
            out.extend(view.iter().copied());
            out
        }
    })
}

unsafe extern "C" fn dealloc(object: *mut ffi::PyObject) {
    // SAFETY: the last reference is gone; the fields were written by `new`, the memory is freed by the type's
    // tp_free, and a heap type's instance holds a reference to its type, released last.
    unsafe {
        let kind = ffi::Py_TYPE(object);
        ptr::drop_in_place(ptr::addr_of_mut!((*object.cast::<Instance>()).values));
        let free = ffi::PyType_GetSlot(kind, ffi::Py_tp_free);
        if !free.is_null() {
            let free: ffi::freefunc = std::mem::transmute(free);
            free(object.cast());
        }
        ffi::Py_DECREF(kind.cast());
    }
}

/// The next `count` ints as a list, built in one call: a batch cut from the buffer. The list holds only ints, so
/// it is left out of the cycle collector (as CPython leaves out such tuples): an epoch of batches then costs no
/// collection passes over every batch made so far, which cost more than making them.
unsafe extern "C" fn take(object: *mut ffi::PyObject, count: *mut ffi::PyObject) -> *mut ffi::PyObject {
    guarded(|py| {
        // SAFETY: a method's self is an instance (CPython checks it); its argument a borrowed object.
        let (this, count) = unsafe { (instance(object), Bound::from_borrowed_ptr(py, count)) };
        let taken = this.claim(count.extract::<usize>()?);
        let batch = PyList::new(py, this.values.get(taken).unwrap_or_default())?;
        // SAFETY: `batch` is a live list we own; untracking only hides it from the cycle collector.
        unsafe { ffi::PyObject_GC_UnTrack(batch.as_ptr().cast()) };
        Ok(batch.into_any())
    })
}

unsafe extern "C" fn length_hint(object: *mut ffi::PyObject, _: *mut ffi::PyObject) -> *mut ffi::PyObject {
    // SAFETY: a method's self is an instance of the type.
    let left = unsafe { instance(object) }.rest().len();
    guarded(|py| Ok(left.into_pyobject(py)?.into_any()))
}

/// `IndexIterator(the ints not yet handed out)`: what pickle and deepcopy use, as a list iterator pickles.
unsafe extern "C" fn reduce(object: *mut ffi::PyObject, _: *mut ffi::PyObject) -> *mut ffi::PyObject {
    guarded(|py| {
        // SAFETY: a method's self is an instance of the type, borrowed for the call.
        let (this, bound) = unsafe { (instance(object), Bound::from_borrowed_ptr(py, object)) };
        let rest = PyArray1::from_slice(py, this.rest());
        Ok((bound.get_type(), (rest,)).into_pyobject(py)?.into_any())
    })
}

//! Binding arguments: each Python argument converted once, by its type (`FromPyObject`), into what the core
//! takes. A conversion refuses only what the target type cannot hold, with the reference's messages: a
//! TypeError for a non-integer (a bool included), the argument's range for an integer no Rust type of it holds.
//! Every other check is the core's, at its public entry.

use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray1, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyInt, PyString, PyType};

use crate::error::EngineError;
use crate::lengths::GROUPS;
use crate::limits::{BOUNDED_NS, EPOCHS, IntRange, POPULATIONS, POSITIVE_U64S, PURPOSES, U64S, check_purpose};
use crate::mixture::SLOTS;
use crate::permutation::{PERMUTATIONS, Permutation};
use crate::threads::{CHUNK_SIZES, THREAD_COUNTS};
use crate::weights::{ALGORITHMS, Algorithm};

/// Python's bool and numpy's: never an integer argument, though both convert to one.
fn is_bool(value: &Bound<'_, PyAny>) -> bool {
    static NUMPY_BOOL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    if value.is_instance_of::<PyBool>() {
        return true;
    }
    if value.is_instance_of::<PyInt>() {
        return false;
    }
    // numpy.bool_ (also numpy.bool since numpy 2, which took away its __index__; numpy 1 still had one).
    NUMPY_BOOL
        .import(value.py(), "numpy", "bool_")
        .is_ok_and(|numpy_bool| value.get_type().is(numpy_bool))
}

/// The reference's TypeError for a `name` that is not an integer.
fn not_an_integer(name: &str, value: &Bound<'_, PyAny>) -> PyErr {
    let described = value
        .get_type()
        .name()
        .and_then(|type_name| Ok(format!("{type_name}: {}", value.repr()?)));
    match described {
        Ok(described) => PyTypeError::new_err(format!("{name} must be an integer, got {described}")),
        Err(error) => error,
    }
}

/// A Python integer (an int or anything with `__index__`, never a bool) that is at least 0 and below 2^127:
/// TypeError otherwise, or `range`'s ValueError quoting the Python value when it is negative or larger.
fn integer(name: &'static str, value: &Bound<'_, PyAny>, range: IntRange) -> PyResult<u128> {
    if is_bool(value) {
        return Err(not_an_integer(name, value));
    }
    match value.extract::<i128>() {
        Ok(number) => match u128::try_from(number) {
            Ok(number) => Ok(number),
            Err(_) => Err(PyValueError::new_err(range.refusal(name, &number))),
        },
        Err(error) if error.is_instance_of::<PyOverflowError>(value.py()) => {
            Err(PyValueError::new_err(range.refusal(name, &value.str()?)))
        }
        Err(_) => Err(not_an_integer(name, value)),
    }
}

/// Newtypes of the integer arguments: each knows its name and the range its messages quote; it holds any
/// value of its Rust type (the core refuses the rest of what lies outside the range).
macro_rules! integer_arguments {
    ($($(#[$doc:meta])* $type:ident($int:ty) = $name:literal in $range:expr;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub(crate) struct $type(pub(crate) $int);

        impl<'a, 'py> FromPyObject<'a, 'py> for $type {
            type Error = PyErr;

            fn extract(value: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
                let number = integer($name, &value, $range)?;
                <$int>::try_from(number)
                    .map(Self)
                    .map_err(|_| PyValueError::new_err($range.refusal($name, &number)))
            }
        }
    )*};
}

integer_arguments! {
    /// A stream's seed (spec §1): any u64 (the Python side reduces a seed mod 2^64 first).
    Seed(u64) = "seed" in U64S;
    /// An epoch (spec §2): the core refuses 2^56 and above.
    Epoch(u64) = "epoch" in EPOCHS;
    /// The first position read (spec §2).
    Start(u64) = "start" in U64S;
    /// How many positions are read.
    Count(u64) = "count" in U64S;
    /// The distance between positions read: the core refuses 0 and a last position past 2^64 − 2.
    Stride(u64) = "stride" in POSITIVE_U64S;
    /// Spec §6: the first offset a shard reads.
    First(u64) = "first" in U64S;
    /// Spec §6: the distance between a shard's offsets, taken mod n (0 reads one offset again and again).
    ShardStride(u64) = "stride" in U64S;
    /// A population size n: the core refuses more than 2^63, and 0 when something is drawn.
    Population(u64) = "n" in POPULATIONS;
    /// Spec §3: a random word x.
    Word(u64) = "x" in U64S;
    /// Spec §3: bounded128's low word.
    LowWord(u64) = "x0" in U64S;
    /// Spec §3: bounded128's high word.
    HighWord(u64) = "x1" in U64S;
    /// Spec §3: bounded's n, 1 ≤ n ≤ 2^64 (the core checks).
    UpperBound(u128) = "n" in BOUNDED_NS;
    /// Spec §3: bounded128's r, at least 1 (the core checks).
    UpperBound128(u64) = "r" in POSITIVE_U64S;
    /// Spec §8: how many distinct indices are drawn.
    Draws(u64) = "k" in U64S;
    /// Spec §9: draws per class in `class_order`.
    DrawsPerClass(u64) = "num_val" in POSITIVE_U64S;
    /// Spec §19: classes per batch, P.
    ClassesPerBatch(u64) = "p" in POSITIVE_U64S;
    /// Spec §19: rows per class slot, K.
    RowsPerSlot(u64) = "k" in POSITIVE_U64S;
    /// Spec §20: classes per unit, G.
    ClassesPerUnit(u64) = "group" in POSITIVE_U64S;
    /// Spec §20: rows per class of a unit, m.
    RowsPerUnitClass(u64) = "m" in POSITIVE_U64S;
    /// Spec §12: a thread count.
    ThreadCount(u64) = "n" in THREAD_COUNTS;
    /// Spec §12: the smallest chunk a thread is given.
    ChunkSize(u64) = "n" in CHUNK_SIZES;
    /// Spec §23.3: a slot of a phase's stream.
    Slot(u64) = "g" in U64S;
    /// Spec §23.3: how many slots are counted, at most 2^64 (the core checks).
    Slots(u128) = "slots" in SLOTS;
    /// Spec §25: the permutation block whose offsets are sought (the core refuses block·n ≥ 2^64).
    Block(u64) = "block" in U64S;
    /// Spec §24.2: samples per batch (the core refuses 0).
    BatchSize(u64) = "batch_size" in POSITIVE_U64S;
    /// Spec §24.2: the padded-token budget of a batch (the core refuses 0).
    MaxTokens(u64) = "max_tokens" in POSITIVE_U64S;
    /// Spec §24.2: samples per sorted window (the core refuses 0).
    Window(u64) = "window" in POSITIVE_U64S;
    /// Spec §24.4: a sample index (the core refuses one past the table).
    SampleIndex(u64) = "index" in U64S;
    /// Spec §24.2: batches per step, G (the core refuses 0 and 2^32 and above).
    Group(u64) = "group" in GROUPS;
}

impl Stride {
    /// `stride=` left out or None: 1.
    pub(crate) fn or_one(stride: Option<Stride>) -> u64 {
        stride.map_or(1, |stride| stride.0)
    }
}

/// A stream purpose (spec §2): the core's `check_purpose` narrows it to a u8.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Purpose(pub(crate) u8);

impl<'a, 'py> FromPyObject<'a, 'py> for Purpose {
    type Error = PyErr;

    fn extract(value: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let number = integer("purpose", &value, PURPOSES)?;
        let number = u64::try_from(number).map_err(|_| PyValueError::new_err(PURPOSES.refusal("purpose", &number)))?;
        Ok(Purpose(check_purpose(number)?))
    }
}

/// A flag read as Python reads one, `bool(value)`, as the reference does.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Truthy(pub(crate) bool);

impl<'a, 'py> FromPyObject<'a, 'py> for Truthy {
    type Error = PyErr;

    fn extract(value: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(Truthy(value.is_truthy()?))
    }
}

/// `permutation=` (spec §5): one of `_core.PERMUTATIONS` by name (None, as an omitted argument, is the default).
impl<'a, 'py> FromPyObject<'a, 'py> for Permutation {
    type Error = PyErr;

    fn extract(value: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let known = match value.cast::<PyString>() {
            Ok(name) => Permutation::from_name(&name.to_cow()?),
            Err(_) => None,
        };
        known.ok_or_else(|| {
            let names: Vec<String> = PERMUTATIONS.iter().map(|p| format!("'{}'", p.name())).collect();
            match value.repr() {
                Ok(quoted) => PyValueError::new_err(format!(
                    "permutation must be one of {}, got permutation={quoted}",
                    names.join(", ")
                )),
                Err(error) => error,
            }
        })
    }
}

/// `algorithm=` (spec §8): one of `_core.WITHOUT_REPLACEMENT` by name (None, as an omitted argument, is the default).
impl<'a, 'py> FromPyObject<'a, 'py> for Algorithm {
    type Error = PyErr;

    fn extract(value: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let known = match value.cast::<PyString>() {
            Ok(name) => Algorithm::from_name(&name.to_cow()?),
            Err(_) => None,
        };
        known.ok_or_else(|| {
            let names: Vec<String> = ALGORITHMS.iter().map(|a| format!("'{}'", a.name())).collect();
            match value.repr() {
                Ok(quoted) => PyValueError::new_err(format!(
                    "algorithm must be one of {}, got algorithm={quoted}",
                    names.join(", ")
                )),
                Err(error) => error,
            }
        })
    }
}

/// `weights` as the core reads them: a contiguous 1-D float64 numpy array, borrowed (no copy). The Python
/// side (`ferrosampler._weights`) makes one of lists, tensors and other dtypes.
pub(crate) struct Float64Weights<'py>(pub(crate) PyReadonlyArray1<'py, f64>);

impl<'a, 'py> FromPyObject<'a, 'py> for Float64Weights<'py> {
    type Error = PyErr;

    fn extract(value: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(array) = value.cast::<PyArray1<f64>>()
            && array.is_contiguous()
        {
            return Ok(Float64Weights(array.try_readonly()?));
        }
        let got = match value.cast::<PyUntypedArray>() {
            Ok(array) => {
                let layout = if array.is_contiguous() { "" } else { "non-contiguous " };
                format!("a {layout}{}-D {} array", array.ndim(), array.dtype().str()?)
            }
            Err(_) => value.get_type().name()?.to_string(),
        };
        Err(PyTypeError::new_err(format!(
            "weights must be a contiguous 1-D float64 array, got {got}"
        )))
    }
}

/// A sequence of integers as a Vec<i64>: TypeError naming the argument, or ValueError for an integer outside
/// int64 (as the reference refuses it); a contiguous int64 array is copied as is (a snapshot: another thread
/// may write to it while the core runs detached).
fn integers(name: &str, value: &Bound<'_, PyAny>) -> PyResult<Vec<i64>> {
    if let Ok(array) = value.cast::<PyArray1<i64>>()
        && let Ok(array) = array.try_readonly()
        && let Ok(slice) = array.as_slice()
    {
        return Ok(slice.to_vec());
    }
    value.extract::<Vec<i64>>().map_err(|error| {
        let message = format!("{name} must be a 1-D sequence of integers in [-2**63, 2**63) ({error})");
        match error.is_instance_of::<PyOverflowError>(value.py()) {
            true => PyValueError::new_err(message),
            false => PyTypeError::new_err(message),
        }
    })
}

/// Newtypes of the integer-sequence arguments, each knowing its name.
macro_rules! integer_sequences {
    ($($(#[$doc:meta])* $type:ident = $name:literal;)*) => {$(
        $(#[$doc])*
        pub(crate) struct $type(pub(crate) Vec<i64>);

        impl<'a, 'py> FromPyObject<'a, 'py> for $type {
            type Error = PyErr;

            fn extract(value: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
                integers($name, &value).map(Self)
            }
        }
    )*};
}

integer_sequences! {
    /// Spec §9: every class's rows back to back.
    Rows = "rows";
    /// Spec §9: where each class starts in `rows`, then len(rows).
    Offsets = "offsets";
    /// Spec §9: the class each group of `num_val` positions draws from.
    ClassOrder = "class_order";
}

/// `values` of `inverse_permutation` (spec §25): a contiguous int64 array is copied as is (a snapshot); any
/// other sequence of integers is read item by item, wider than i64 so that the core's refusal of a value
/// outside [0, n) quotes it (TypeError for a non-integer, ValueError for one beyond ±2^127).
pub(crate) struct Values(pub(crate) Vec<i128>);

impl<'a, 'py> FromPyObject<'a, 'py> for Values {
    type Error = PyErr;

    fn extract(value: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(array) = value.cast::<PyArray1<i64>>()
            && let Ok(array) = array.try_readonly()
            && let Ok(slice) = array.as_slice()
        {
            return Ok(Values(slice.iter().map(|&item| i128::from(item)).collect()));
        }
        value.extract::<Vec<i128>>().map(Values).map_err(|error| {
            let message = format!("values must be a 1-D sequence of integers ({error})");
            match error.is_instance_of::<PyOverflowError>(value.py()) {
                true => PyValueError::new_err(message),
                false => PyTypeError::new_err(message),
            }
        })
    }
}

/// Spec §24.2: one length per sample as int64. A contiguous int64 array is copied as is (a snapshot: another
/// thread may write to it while the core runs detached); a sequence is read as integers, the first outside
/// [0, 2^63) refused with the reference's message (the core refuses the negative ones).
pub(crate) struct Lengths(pub(crate) Vec<i64>);

impl<'a, 'py> FromPyObject<'a, 'py> for Lengths {
    type Error = PyErr;

    fn extract(value: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(array) = value.cast::<PyArray1<i64>>()
            && let Ok(array) = array.try_readonly()
            && let Ok(slice) = array.as_slice()
        {
            return Ok(Lengths(slice.to_vec()));
        }
        let wide = value.extract::<Vec<i128>>().map_err(|error| {
            let message = format!("lengths must be a 1-D sequence of integers in [0, 2**63) ({error})");
            match error.is_instance_of::<PyOverflowError>(value.py()) {
                true => PyValueError::new_err(message),
                false => PyTypeError::new_err(message),
            }
        })?;
        let mut out = crate::alloc::vec_with_capacity(wide.len() as u64)?;
        for (index, &length) in wide.iter().enumerate() {
            match i64::try_from(length) {
                Ok(length) => out.push(length),
                Err(_) => return Err(EngineError::InvalidLength { index, value: length }.into()),
            }
        }
        Ok(Lengths(out))
    }
}

/// Integer masses (from `integer_weights()`), each in [0, 2^64): ValueError naming them otherwise, never
/// pyo3's OverflowError.
pub(crate) struct IntegerMasses(pub(crate) Vec<u64>);

impl<'a, 'py> FromPyObject<'a, 'py> for IntegerMasses {
    type Error = PyErr;

    fn extract(value: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        value.extract::<Vec<u64>>().map(IntegerMasses).map_err(|error| {
            let message = format!("integer weights must be a sequence of integers in [0, 2**64) ({error})");
            match error.is_instance_of::<PyOverflowError>(value.py()) {
                true => PyValueError::new_err(message),
                false => PyTypeError::new_err(message),
            }
        })
    }
}

/// An integer of either sign as i128 (one beyond i128 is clamped: every check refuses it alike), or the
/// reference's TypeError naming it (a bool included): the mixture plan's checks are all the core's, in the
/// spec's order, so the conversion refuses no value.
fn wide_integer(name: &str, value: &Bound<'_, PyAny>) -> PyResult<i128> {
    if is_bool(value) {
        return Err(not_an_integer(name, value));
    }
    match value.extract::<i128>() {
        Ok(number) => Ok(number),
        Err(error) if error.is_instance_of::<PyOverflowError>(value.py()) => {
            Ok(if value.lt(0)? { i128::MIN } else { i128::MAX })
        }
        Err(_) => Err(not_an_integer(name, value)),
    }
}

/// A sequence of integers of either sign, each named `name[i]` in its TypeError.
fn wide_integers(name: &str, values: &Bound<'_, PyAny>) -> PyResult<Vec<i128>> {
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

/// Newtypes of the signed arguments of spec §23 (sizes, starts, num_samples, phase and source indices): the
/// core checks their ranges, in the spec's order.
macro_rules! wide_arguments {
    ($($(#[$doc:meta])* $type:ident($int:ty) = $name:literal by $convert:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub(crate) struct $type(pub(crate) $int);

        impl<'a, 'py> FromPyObject<'a, 'py> for $type {
            type Error = PyErr;

            fn extract(value: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
                $convert($name, &value).map(Self)
            }
        }
    )*};
}

wide_arguments! {
    /// Spec §23.1: the sources' sizes.
    Sizes(Vec<i128>) = "sizes" by wide_integers;
    /// Spec §23.1: the phases' starts.
    Starts(Vec<i128>) = "starts" by wide_integers;
    /// Spec §23.1: the epoch length N.
    NumSamples(i128) = "num_samples" by wide_integer;
    /// Spec §23.3: a phase of a plan.
    PhaseIndex(i128) = "phase" by wide_integer;
    /// Spec §23.3: a source of a plan.
    SourceIndex(i128) = "source" by wide_integer;
    /// Spec §23.9: a global index into the concatenated sources.
    ItemIndex(i128) = "index" by wide_integer;
}

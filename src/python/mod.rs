//! Binding (feature "python"): `ferrosampler._core`; converts arguments (`args.rs`), maps errors (`errors.rs`),
//! releases the GIL, wraps arrays.

mod args;
mod class_layout;
mod engine;
mod errors;
mod indices;
mod lengths;
mod mixture;
mod weight_table;

use pyo3::prelude::*;

/// The Rust engine: every function is a pure function of its arguments (docs/spec.md).
// Free-threaded Python (docs/threads.md): the module has no Python-object state; its pyclasses,
// WeightTable and ClassLayout, are frozen (immutable after __new__, WeightTable's alias table behind a
// OnceLock); the only statics are the thread settings in src/threads.rs and the kernel choice in
// src/kernel.rs, atomics. So it runs without the GIL.
#[pymodule(gil_used = false)]
mod _core {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::class_layout::ClassLayout;
    #[pymodule_export]
    use super::engine::{
        _set_min_chunk, bounded, bounded128, expand_seed, get_num_threads, inverse_permutation, kernel,
        keystream_words, permutation_stream, set_num_threads, stream_id, strided_permutation, uniform_draws,
    };
    #[pymodule_export]
    use super::lengths::{LengthPlan, LengthTable};
    #[pymodule_export]
    use super::mixture::MixturePlan;
    #[pymodule_export]
    use super::weight_table::WeightTable;

    #[pymodule_export]
    const MAIN: u8 = crate::keystream::MAIN;
    #[pymodule_export]
    const CLASS_ORDER: u8 = crate::keystream::CLASS_ORDER;
    #[pymodule_export]
    const PK_CLASSES: u8 = crate::keystream::PK_CLASSES;
    #[pymodule_export]
    const PK_ROWS: u8 = crate::keystream::PK_ROWS;
    #[pymodule_export]
    const MIXTURE_ORDER: u8 = crate::keystream::MIXTURE_ORDER;
    #[pymodule_export]
    const MIXTURE_ITEMS: u8 = crate::keystream::MIXTURE_ITEMS;
    #[pymodule_export]
    const SPEC_VERSION: u32 = crate::SPEC_VERSION;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        use crate::permutation::{PERMUTATIONS, Permutation};
        use pyo3::types::PyTuple;
        // The block algorithms' names, default first: written once, in the core.
        m.add(
            "PERMUTATIONS",
            PyTuple::new(m.py(), PERMUTATIONS.map(Permutation::name))?,
        )?;
        // The without-replacement algorithms' names (spec §8), default first.
        m.add(
            "WITHOUT_REPLACEMENT",
            PyTuple::new(m.py(), crate::weights::ALGORITHMS.map(crate::weights::Algorithm::name))?,
        )?;
        m.add("IndexIterator", super::indices::index_iterator_type(m.py())?)?;
        // The package version comes from Cargo.toml, its single source.
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}

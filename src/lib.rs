//! ferrosampler (docs/spec.md): index samplers as pure functions of (seed, epoch, position, parameters).

// The core knows nothing of Python and returns Result from every public function; `python` is the binding.

// The core never panics on any input: these lints keep it so (tests may unwrap).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

pub mod alloc;
pub mod bounded;
pub mod classes;
pub mod error;
pub mod kernel;
pub mod keystream;
pub mod lengths;
pub mod limits;
pub mod mixture;
pub mod permutation;
mod prefetch;
pub mod sharding;
#[cfg(test)]
mod test_rng;
pub mod threads;
pub mod uniform;
pub mod weights;

#[cfg(feature = "python")]
mod python;

pub use error::EngineError;

/// The version of docs/spec.md this crate implements; `_core.SPEC_VERSION` exports it.
pub const SPEC_VERSION: u32 = 3;

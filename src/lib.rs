//! ferrosampler: dataset index samplers as pure functions of
//! (seed, epoch, position, parameters). The modules here know nothing of Python;
//! `python` (feature "python") is the thin binding layer. docs/spec.md is the contract.

pub mod keystream;
pub mod samplers;
pub mod weights;

#[cfg(feature = "python")]
mod python;

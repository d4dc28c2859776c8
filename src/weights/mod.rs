//! Weights (spec §7–§8): float weights to exact integer masses, the alias table, sampling without replacement.

pub mod alias;
pub mod keys;
pub mod masses;
pub mod table;
pub mod without_replacement;

pub use alias::AliasTable;
pub use keys::{exponential, weighted_keys};
pub use masses::{CAPACITY, CheckedWeights, Masses, check_masses, check_weights, integer_masses, integer_weights};
pub use table::WeightTable;
pub use without_replacement::{ALGORITHMS, Algorithm, weighted_without_replacement};

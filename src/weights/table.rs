//! WeightTable (spec §7–§8): validated integer masses, with the alias table built on first use.

use std::sync::OnceLock;

use crate::alloc::copy_of;
use crate::error::EngineError;
use crate::weights::alias::AliasTable;
use crate::weights::keys::select;
use crate::weights::masses::{CheckedWeights, Masses, check_masses, check_weights, integer_masses};
use crate::weights::without_replacement::{Algorithm, check_k, draw};

/// The integer masses of a weight vector and what samplers draw from them.
#[derive(Debug)]
pub struct WeightTable {
    masses: Vec<u64>,
    nonzero: usize,
    alias: OnceLock<AliasTable>,
}

impl WeightTable {
    /// From float weights (spec §7.1), refusing what `integer_weights` refuses.
    pub fn new(weights: &[f64]) -> Result<Self, EngineError> {
        Self::from_checked_weights(check_weights(weights)?)
    }

    /// From weights `check_weights` accepted (spec §7.1 steps 2–5; their masses need no second check).
    pub fn from_checked_weights(weights: CheckedWeights) -> Result<Self, EngineError> {
        let Masses { masses, nonzero } = integer_masses(weights)?;
        Ok(WeightTable {
            masses,
            nonzero,
            alias: OnceLock::new(),
        })
    }

    /// From integer masses (what pickling keeps), refusing any that §7.1 could not have produced.
    pub fn from_integer_weights(masses: Vec<u64>) -> Result<Self, EngineError> {
        let nonzero = check_masses(&masses)?;
        Ok(WeightTable {
            masses,
            nonzero,
            alias: OnceLock::new(),
        })
    }

    pub fn masses(&self) -> &[u64] {
        &self.masses
    }

    pub fn n(&self) -> usize {
        self.masses.len()
    }

    pub fn nonzero(&self) -> usize {
        self.nonzero
    }

    /// The alias table, built once (two racing first calls may both build it; one is kept).
    pub fn alias(&self) -> Result<&AliasTable, EngineError> {
        if let Some(table) = self.alias.get() {
            return Ok(table);
        }
        // The masses were checked (or computed by §7.1) when the table was made.
        let table = AliasTable::build_checked(&self.masses)?;
        Ok(self.alias.get_or_init(|| table))
    }

    /// Thresholds and aliases (spec §7.2, as the golden vectors write them).
    pub fn alias_table(&self) -> Result<(Vec<u64>, Vec<u32>), EngineError> {
        self.alias()?.columns()
    }

    /// Draws start + c·stride (c < count) with replacement (spec §7.3); `AliasTable::draws` checks the span.
    pub fn alias_draws(
        &self,
        seed: u64,
        epoch: u64,
        start: u64,
        count: u64,
        stride: u64,
    ) -> Result<Vec<i64>, EngineError> {
        self.alias()?.draws(seed, epoch, start, count, stride)
    }

    /// k distinct indices (spec §8) by `algorithm`, k ≤ `nonzero`.
    pub fn without_replacement(
        &self,
        seed: u64,
        epoch: u64,
        k: u64,
        algorithm: Algorithm,
    ) -> Result<Vec<i64>, EngineError> {
        check_k(k, self.nonzero)?;
        match algorithm {
            Algorithm::Keys => select(&self.masses, seed, epoch, k),
            Algorithm::Sequential => draw(&self.masses, seed, epoch, k),
        }
    }

    /// A copy of the masses, made with fallible allocation (for pickling and `integer_weights()`).
    pub fn masses_copy(&self) -> Result<Vec<u64>, EngineError> {
        copy_of(&self.masses)
    }
}

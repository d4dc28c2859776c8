//! Classes (spec §9, §19–§20): a validated class layout, rows of every class back to back; PK draws (§9),
//! PK batches and m-per-class units (§19–§20).

mod balanced;
mod blocks;
pub mod m_per_class;
pub mod pk;
pub mod pk_batches;
mod slot_rows;

pub use m_per_class::m_per_class_units;
pub use pk::pk_draws;
pub use pk_batches::pk_batches;

use crate::error::EngineError;

/// `rows` holds every class's rows back to back in ascending class order; class c is
/// `rows[offsets[c]..offsets[c + 1]]`. Built only through `new`, so every class is non-empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassLayout {
    rows: Vec<i64>,
    offsets: Vec<i64>,
}

impl ClassLayout {
    /// The reference's checks, in its order: at least one class, offsets from 0 to len(rows), none empty.
    pub fn new(rows: Vec<i64>, offsets: Vec<i64>) -> Result<Self, EngineError> {
        let (Some(&first), Some(&last)) = (offsets.first(), offsets.last()) else {
            return Err(EngineError::TooFewOffsets { len: offsets.len() });
        };
        let classes = offsets.len() - 1;
        if classes < 1 {
            return Err(EngineError::TooFewOffsets { len: offsets.len() });
        }
        if first != 0 {
            return Err(EngineError::FirstOffset { first });
        }
        if usize::try_from(last).ok() != Some(rows.len()) {
            return Err(EngineError::LastOffset {
                classes,
                rows: rows.len(),
                last,
            });
        }
        for (class, pair) in offsets.windows(2).enumerate() {
            if let &[lo, hi] = pair
                && hi <= lo
            {
                return Err(EngineError::EmptyClass { class, lo, hi });
            }
        }
        // Offsets now increase strictly from 0 to len(rows), so each is a valid row boundary.
        Ok(ClassLayout { rows, offsets })
    }

    /// The number of classes (at least 1).
    pub fn classes(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn rows(&self) -> &[i64] {
        &self.rows
    }

    pub fn offsets(&self) -> &[i64] {
        &self.offsets
    }

    /// The rows of class `class`, or None past the last class; never empty.
    pub fn class_rows(&self, class: usize) -> Option<&[i64]> {
        let lo = usize::try_from(*self.offsets.get(class)?).ok()?;
        let hi = usize::try_from(*self.offsets.get(class.checked_add(1)?)?).ok()?;
        self.rows.get(lo..hi)
    }
}

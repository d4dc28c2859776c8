//! PK batches (spec §19.4), and the validated call they share with m-per-class units (§20): the class
//! slots of a batch (or unit) and the K rows of each slot, for batches start + c·stride (c < count), as one
//! flat array.

use crate::alloc::zeroed;
use crate::classes::ClassLayout;
use crate::classes::balanced::BalancedClasses;
use crate::classes::blocks::Blocks;
use crate::classes::slot_rows::SlotRows;
use crate::error::EngineError;
use crate::limits::{POSITIVE_U64S, check_epoch, check_strided_span};
use crate::threads;

/// Slot draws (and class-block positions) stay below 2^63: every keystream word read is below 2^64.
pub const DRAW_LIMIT: u128 = 1 << 63;

/// Spec §19: PKBatchSampler's batches `start + c·stride` (c < count), each P·K rows: the P slots of the
/// balanced schedule (§19.1), each slot's K rows (§19.2). `replacement`: every slot draws with replacement;
/// otherwise a slot draws without replacement when its class has ≥ K rows.
#[allow(clippy::too_many_arguments)]
pub fn pk_batches(
    seed: u64,
    epoch: u64,
    layout: &ClassLayout,
    p: u64,
    k: u64,
    replacement: bool,
    start: u64,
    count: u64,
    stride: u64,
) -> Result<Vec<i64>, EngineError> {
    let unit = Unit::new(
        layout,
        Schedule::Balanced,
        ("p", p),
        ("k", k),
        replacement,
        (start, count, stride),
    )?;
    check_epoch(epoch)?;
    unit.fill(seed, epoch, layout, start, count, stride)
}

/// Which classes a batch's (unit's) slots hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Schedule {
    /// §19.1: the effective blocks σ_0, σ_1, … cut into groups of P.
    Balanced,
    /// §20: unit u is π_u's first P entries.
    Independent,
}

/// A validated call: P slots of K rows per batch.
pub(crate) struct Unit {
    schedule: Schedule,
    classes: u64,
    p: u64,
    k: u64,
    replacement: bool,
}

impl Unit {
    /// The reference's checks, in its order: the span, P ≥ 1, K ≥ 1, P ≤ C, then the last batch's draws.
    pub(crate) fn new(
        layout: &ClassLayout,
        schedule: Schedule,
        (p_name, p): (&'static str, u64),
        (k_name, k): (&'static str, u64),
        replacement: bool,
        (start, count, stride): (u64, u64, u64),
    ) -> Result<Self, EngineError> {
        check_strided_span(start, count, stride)?;
        POSITIVE_U64S.check(p_name, p.into())?;
        POSITIVE_U64S.check(k_name, k.into())?;
        let classes = layout.classes() as u64;
        if p > classes {
            return Err(EngineError::TooManySlots {
                name: p_name,
                value: p,
                classes: layout.classes(),
            });
        }
        if count > 0 {
            // The last batch read (below 2^64: the span); its last draw is (b + 1)·P·K − 1.
            let last = u128::from(start) + u128::from(count - 1) * u128::from(stride);
            let draws = (last + 1)
                .checked_mul(u128::from(p))
                .and_then(|draws| draws.checked_mul(u128::from(k)));
            if draws.is_none_or(|draws| draws > DRAW_LIMIT) {
                return Err(EngineError::DrawsPastLimit {
                    names: (p_name, k_name),
                    batch: last,
                    p,
                    k,
                });
            }
            // Unit u reads block u of the class permutations: positions below (u + 1)·C.
            let blocks = (last + 1).checked_mul(u128::from(classes));
            if schedule == Schedule::Independent && blocks.is_none_or(|blocks| blocks > DRAW_LIMIT) {
                return Err(EngineError::BlocksPastLimit { unit: last, classes });
            }
        }
        Ok(Unit {
            schedule,
            classes,
            p,
            k,
            replacement,
        })
    }

    /// count batches of P·K rows, filled in chunks by the thread rule (spec §12): each chunk starts its
    /// own schedule at its first batch.
    pub(crate) fn fill(
        &self,
        seed: u64,
        epoch: u64,
        layout: &ClassLayout,
        start: u64,
        count: u64,
        stride: u64,
    ) -> Result<Vec<i64>, EngineError> {
        if count == 0 {
            return Ok(Vec::new());
        }
        // count ≥ 1: the draw limit makes P·K ≤ 2^63; the total may not fit, which the allocation refuses.
        let width = self.p * self.k;
        let len = u64::try_from(u128::from(count) * u128::from(width)).map_err(|_| EngineError::Allocation {
            elements: u128::from(count) * u128::from(width),
        })?;
        threads::fill_new(len, |first, chunk| {
            let mut classes = match self.schedule {
                Schedule::Balanced => Classes::Balanced(BalancedClasses::new(seed, epoch, self.classes, self.p)),
                Schedule::Independent => Classes::Independent(Blocks::new(seed, epoch, self.classes)),
            };
            let mut rows = SlotRows::new(seed, epoch, layout, self.k, self.replacement);
            let mut batch_classes = Vec::new();
            let mut buffer: Vec<i64> = Vec::new();
            let (mut index, mut skip) = (first / width, first % width);
            let mut rest = chunk;
            while !rest.is_empty() {
                // index < count and the span was checked: b < 2^64.
                let b = start + index * stride;
                match &mut classes {
                    Classes::Balanced(schedule) => schedule.batch(b, &mut batch_classes)?,
                    Classes::Independent(blocks) => blocks.class_block(b, 0, self.p, &mut batch_classes)?,
                }
                let take = (width - skip).min(rest.len() as u64) as usize;
                let (part, tail) = rest.split_at_mut(take);
                if take as u64 == width {
                    rows.slot_rows(&batch_classes, b * self.p, part)?;
                } else {
                    // A batch cut by the chunk's edge: the whole batch, then its part in this chunk.
                    if buffer.is_empty() {
                        buffer = zeroed(width)?;
                    }
                    rows.slot_rows(&batch_classes, b * self.p, &mut buffer)?;
                    for (slot, &row) in part.iter_mut().zip(buffer.iter().skip(skip as usize)) {
                        *slot = row;
                    }
                }
                rest = tail;
                skip = 0;
                index += 1;
            }
            Ok(())
        })
    }
}

/// The schedule a chunk reads its batches' classes from.
enum Classes {
    Balanced(BalancedClasses),
    Independent(Blocks),
}

//! m-per-class units (spec §20): unit u's classes are the first G entries of block π_u, each slot's m rows by
//! §19.2.

use crate::classes::ClassLayout;
use crate::classes::pk_batches::{Schedule, Unit};
use crate::error::EngineError;
use crate::limits::check_epoch;

/// Spec §20: MPerClassSampler's units `start + c·stride` (c < count), each G·m rows: unit u's classes are
/// π_u's first G entries (§20), its slot i is slot u·G + i, each slot's m rows by §19.2 (without
/// replacement when the class has ≥ m rows, else with).
#[allow(clippy::too_many_arguments)]
pub fn m_per_class_units(
    seed: u64,
    epoch: u64,
    layout: &ClassLayout,
    group: u64,
    m: u64,
    start: u64,
    count: u64,
    stride: u64,
) -> Result<Vec<i64>, EngineError> {
    let unit = Unit::new(
        layout,
        Schedule::Independent,
        ("group", group),
        ("m", m),
        false,
        (start, count, stride),
    )?;
    check_epoch(epoch)?;
    unit.fill(seed, epoch, layout, start, count, stride)
}

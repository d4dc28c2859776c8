//! PK sampling (spec §9): `num_val` uniform draws with replacement per class, classes in `class_order`.

use crate::bounded::multiply_shift;
use crate::classes::ClassLayout;
use crate::error::EngineError;
use crate::keystream::{Keystream, MAIN};
use crate::limits::{POSITIVE_U64S, check_epoch, check_strided_span};
use crate::threads;

/// Positions start + c·stride (c < count): position p draws a row of class `class_order[p div num_val]`,
/// with u64 draw p of stream (seed, MAIN, epoch).
#[allow(clippy::too_many_arguments)]
pub fn pk_draws(
    seed: u64,
    epoch: u64,
    layout: &ClassLayout,
    class_order: &[i64],
    num_val: u64,
    start: u64,
    count: u64,
    stride: u64,
) -> Result<Vec<i64>, EngineError> {
    check_strided_span(start, count, stride)?;
    POSITIVE_U64S.check("num_val", num_val.into())?;
    let classes = layout.classes();
    for (index, &class) in class_order.iter().enumerate() {
        if usize::try_from(class).map_or(true, |class| class >= classes) {
            return Err(EngineError::ClassId { index, class, classes });
        }
    }
    let available = class_order.len() as u128 * u128::from(num_val);
    let past_the_end = EngineError::PastTheEnd {
        available,
        start,
        count,
    };
    // The end of the read: one past its last position (start when nothing is read).
    let end = match count {
        0 => u128::from(start),
        _ => u128::from(start) + u128::from(count - 1) * u128::from(stride) + 1,
    };
    if end > available {
        return Err(past_the_end);
    }
    check_epoch(epoch)?;
    threads::fill_new(count, |first, chunk| {
        let stream = Keystream::new(seed, MAIN, epoch)?;
        let mut position = start + first * stride;
        let mut failed = false;
        stream.read_strided(2, position, stride, chunk, |s| {
            // position < len(class_order) · num_val, so every lookup succeeds (`failed` stays false).
            let row = usize::try_from(position / num_val)
                .ok()
                .and_then(|index| class_order.get(index))
                .and_then(|&class| usize::try_from(class).ok())
                .and_then(|class| layout.class_rows(class))
                .and_then(|rows| {
                    rows.get(multiply_shift(s.next_u64(), rows.len() as u64) as usize)
                        .copied()
                });
            position = position.wrapping_add(stride);
            row.unwrap_or_else(|| {
                failed = true;
                0
            })
        });
        if failed { Err(past_the_end.clone()) } else { Ok(()) }
    })
}

//! PK sampling (spec §9): `num_val` uniform draws with replacement per class, classes in `class_order`.

use crate::bounded::multiply_shift;
use crate::classes::ClassLayout;
use crate::error::EngineError;
use crate::keystream::{Keystream, MAIN};
use crate::limits::{POSITIVE_U64S, check_epoch, check_span, vec_with_capacity};

/// Positions [start, start + count): position p draws a row of class `class_order[p div num_val]`,
/// with u64 draw p of stream (seed, MAIN, epoch).
pub fn pk_draws(
    seed: u64,
    epoch: u64,
    layout: &ClassLayout,
    class_order: &[i64],
    num_val: u64,
    start: u64,
    count: u64,
) -> Result<Vec<i64>, EngineError> {
    check_span(start, count)?;
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
    if u128::from(start) + u128::from(count) > available {
        return Err(past_the_end);
    }
    check_epoch(epoch)?;
    let mut stream = Keystream::new(seed, MAIN, epoch)?.at_word(2 * u128::from(start));
    let mut out = vec_with_capacity(count)?;
    // start + count < 2^64 (checked).
    for position in start..start + count {
        // position < len(class_order) · num_val, so every lookup succeeds; the error is unreachable.
        let class = usize::try_from(position / num_val)
            .ok()
            .and_then(|index| class_order.get(index))
            .and_then(|&class| usize::try_from(class).ok())
            .and_then(|class| layout.class_rows(class))
            .ok_or_else(|| past_the_end.clone())?;
        let row = multiply_shift(stream.next_u64(), class.len() as u64);
        out.push(class.get(row as usize).copied().ok_or_else(|| past_the_end.clone())?);
    }
    Ok(out)
}

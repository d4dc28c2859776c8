//! The inverse permutation (spec §25): where values sit in one permutation block — the Feistel network run
//! backwards with reverse cycle walking, O(1) per value; a materialised block (n ≤ 128, Fisher–Yates) inverted.

use crate::alloc::{vec_with_capacity, zeroed};
use crate::error::EngineError;
use crate::limits::{POSITION_LIMIT, check_epoch, check_population};
use crate::permutation::Permutation;
use crate::permutation::feistel::{Bijection, TABLE_MAX};
use crate::permutation::fisher_yates::fisher_yates_prefix;
use crate::threads;

/// Output k is the offset q < n with π_block(q) = values[k] (block `block` of stream (seed, purpose, epoch)).
pub fn inverse_permutation(
    seed: u64,
    purpose: u8,
    epoch: u64,
    n: u64,
    block: u64,
    values: &[i64],
    permutation: Permutation,
) -> Result<Vec<i64>, EngineError> {
    check_epoch(epoch)?;
    check_population(n, values.len() as u64)?;
    check_block(n, block)?;
    check_values(n, values)?;
    if values.is_empty() {
        return Ok(Vec::new());
    }
    if permutation == Permutation::Feistel && n > TABLE_MAX {
        let bijection = Bijection::for_block(seed, purpose, epoch, n, block)?;
        // Every chunk inverts its own values; the output is the serial one (spec §12).
        return threads::fill_new(values.len() as u64, |first, chunk| {
            let mine = values.iter().skip(first as usize);
            for (slot, &value) in chunk.iter_mut().zip(mine) {
                // value < n ≤ 2^63 (checked), so both casts are exact.
                *slot = bijection.inverse(value as u64) as i64;
            }
            Ok(())
        });
    }
    let table = fisher_yates_prefix(seed, purpose, epoch, n, block, n)?;
    let inverse = inverse_table(&table)?;
    let mut out = vec_with_capacity(values.len() as u64)?;
    // Every value is below n = inverse.len() (checked): the lookup always finds it.
    out.extend(
        values
            .iter()
            .map(|&value| inverse.get(value as usize).copied().unwrap_or(0)),
    );
    Ok(out)
}

/// Spec §25: `block·n < 2^64`: the block starts at a stream position, as every block `permutation_stream` reads.
pub fn check_block(n: u64, block: u64) -> Result<(), EngineError> {
    if u128::from(block) * u128::from(n) >= POSITION_LIMIT {
        return Err(EngineError::BlockPastEnd { block, n });
    }
    Ok(())
}

/// Spec §25: every value in [0, n), the first that is not named.
fn check_values(n: u64, values: &[i64]) -> Result<(), EngineError> {
    match values.iter().position(|&value| value < 0 || value as u64 >= n) {
        Some(index) => Err(EngineError::NotInPopulation {
            index,
            value: values.get(index).map_or(-1, |&value| i128::from(value)),
            n,
        }),
        None => Ok(()),
    }
}

/// I with I[T[q]] = q for a table T of the values 0 … len − 1 (a materialised block).
pub fn inverse_table(table: &[i64]) -> Result<Vec<i64>, EngineError> {
    let mut inverse = zeroed(table.len() as u64)?;
    for (offset, &value) in table.iter().enumerate() {
        // A block's entries are below its length; `get_mut` keeps a wrong table from panicking.
        if let Some(slot) = usize::try_from(value).ok().and_then(|value| inverse.get_mut(value)) {
            *slot = offset as i64;
        }
    }
    Ok(inverse)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permutation::permutation_stream;

    #[test]
    fn inverts_every_value_of_a_block() {
        for permutation in [Permutation::Feistel, Permutation::FisherYates] {
            for n in [1u64, 2, 3, 127, 128, 129, 255, 256, 257, 1000] {
                for block in [0u64, 1, 7] {
                    let forward = permutation_stream(9, 0, 4, n, block * n, n, permutation, 1).unwrap();
                    let offsets = inverse_permutation(9, 0, 4, n, block, &forward, permutation).unwrap();
                    let expected: Vec<i64> = (0..n as i64).collect();
                    assert_eq!(offsets, expected, "n={n} block={block} {permutation:?}");
                }
            }
        }
    }

    #[test]
    fn refuses_bad_arguments() {
        let fy = Permutation::FisherYates;
        assert!(matches!(
            inverse_permutation(0, 0, 0, 0, 0, &[0], fy),
            Err(EngineError::EmptyPopulation { .. })
        ));
        assert_eq!(inverse_permutation(0, 0, 0, 0, 0, &[], fy), Ok(vec![]));
        assert!(matches!(
            inverse_permutation(0, 0, 0, 10, 0, &[3, 10], fy),
            Err(EngineError::NotInPopulation { index: 1, .. })
        ));
        assert!(matches!(
            inverse_permutation(0, 0, 0, 10, 0, &[-1], fy),
            Err(EngineError::NotInPopulation { index: 0, .. })
        ));
        assert!(matches!(
            inverse_permutation(0, 0, 0, 1 << 63, 2, &[0], Permutation::Feistel),
            Err(EngineError::BlockPastEnd { .. })
        ));
        assert!(inverse_permutation(0, 0, 0, 1 << 63, 1, &[(1 << 62) + 5], Permutation::Feistel).is_ok());
        assert!(inverse_permutation(0, 0, 1 << 56, 10, 0, &[], fy).is_err());
    }
}

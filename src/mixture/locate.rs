//! Where an item is served (spec §23.9): the positions of an epoch holding a global index, each found by running
//! §23.4's steps backwards — the pass's inverse, the slot of the source's j-th slot, the block order's inverse.

use super::{BLOCK, MixturePlan, RUN_LIMIT, at, block_order, slot_count};
use crate::alloc::vec_with_capacity;
use crate::error::EngineError;
use crate::keystream::MIXTURE_ITEMS;
use crate::limits::check_epoch;
use crate::permutation::Bijection;

/// §23.9 step 4: the slot g holding source s's j-th slot (`slot_source(prefix, g) = (s, j)`), up s's path from
/// its leaf: the j-th left-goer of a node is its arrival ⌈(j+1)·T/L⌉ − 1, the j-th right-goer ⌊j·T/R⌋. Callers
/// keep s's mass positive and j below its slot count of a stream prefix of at most 2^64 slots.
pub(crate) fn slot_select(prefix: &[u64], s: usize, j: u64) -> u64 {
    // (left mass, total, s in the left child) from the root down: at most 16 levels.
    let mut path = [(0u64, 0u64, false); 64];
    let mut depth = 0usize;
    let (mut lo, mut hi) = (0, prefix.len().saturating_sub(1));
    while hi - lo >= 2 {
        let mid = lo + (hi - lo) / 2;
        let base = at(prefix, lo);
        let (left, total) = (at(prefix, mid).wrapping_sub(base), at(prefix, hi).wrapping_sub(base));
        if let Some(step) = path.get_mut(depth) {
            *step = (left, total, s < mid);
        }
        depth += 1;
        (lo, hi) = if s < mid { (lo, mid) } else { (mid, hi) };
    }
    let mut g = u128::from(j);
    for &(left, total, went_left) in path.iter().take(depth).rev() {
        let (left, total) = (u128::from(left), u128::from(total));
        // j < 2^64 and T < 2^64: (j + 1)·T < 2^128. The side holding s has positive mass.
        g = if went_left {
            ((g + 1) * total).div_ceil(left.max(1)) - 1
        } else {
            g * total / (total - left).max(1)
        };
    }
    // A slot of the stream: below 2^64.
    g as u64
}

impl MixturePlan {
    /// §23.9: the positions of epoch `epoch` that hold global index `index`, ascending.
    pub fn positions(&self, seed: u64, epoch: u64, index: i128) -> Result<Vec<u64>, EngineError> {
        check_epoch(epoch)?;
        let total = self.offsets.last().copied().unwrap_or(0) + self.sizes.last().copied().unwrap_or(0);
        let index = u64::try_from(index)
            .ok()
            .filter(|&x| x < total)
            .ok_or(EngineError::IndexOutOfRange {
                name: "index",
                value: index,
                len: total,
            })?;
        let n_all = self.num_samples;
        if (u128::from(epoch) + 1) * u128::from(n_all) > RUN_LIMIT {
            return Err(EngineError::RunTooLong {
                epoch,
                num_samples: n_all,
            });
        }
        // 1. Source and item.
        let s = self
            .offsets
            .partition_point(|&offset| offset <= index)
            .saturating_sub(1);
        let (n, item) = (
            self.sizes.get(s).copied().unwrap_or(1),
            index - self.offsets.get(s).copied().unwrap_or(0),
        );
        // 2. Phase instances: the first occurrence of phase 0's instance follows every phase's earlier instances.
        let mut base = 0u128;
        for (h, &length) in self.lengths.iter().enumerate() {
            base += slot_count(self.prefix(h), s, u128::from(epoch) * u128::from(length));
        }
        let mut found = vec_with_capacity(0)?;
        for (i, &length) in self.lengths.iter().enumerate() {
            let prefix = self.prefix(i);
            let first = slot_count(prefix, s, u128::from(epoch) * u128::from(length));
            let count = slot_count(prefix, s, (u128::from(epoch) + 1) * u128::from(length)) - first;
            if count > 0 {
                // 3. Occurrences: one per pass touched, where the pass puts the item (every occurrence < 2^64).
                let (first_pass, last_pass) = (
                    (base / u128::from(n)) as u64,
                    ((base + count - 1) / u128::from(n)) as u64,
                );
                for k in first_pass..=last_pass {
                    let o = u128::from(k) * u128::from(n)
                        + u128::from(Bijection::for_block(seed, MIXTURE_ITEMS, s as u64, n, k)?.inverse(item));
                    if base <= o && o < base + count {
                        // 4. Slot, 5. position.
                        let g = slot_select(prefix, s, (first + o - base) as u64);
                        let u = g - epoch * length;
                        let (b, offset) = (u / BLOCK, u % BLOCK);
                        let block_length = BLOCK.min(length - b * BLOCK);
                        let tau = self.first_blocks.get(i).copied().unwrap_or(0) + b;
                        let order = block_order(seed, epoch, tau, block_length)?;
                        let start = self.starts.get(i).copied().unwrap_or(0);
                        if found.len() == found.capacity() {
                            found
                                .try_reserve(found.len().max(4))
                                .map_err(|_| EngineError::Allocation {
                                    elements: found.len() as u128 + 1,
                                })?;
                        }
                        found.push(start + b * BLOCK + order.inverse(offset));
                    }
                }
            }
            base += count;
        }
        // 6. Ascending.
        found.sort_unstable();
        Ok(found)
    }
}

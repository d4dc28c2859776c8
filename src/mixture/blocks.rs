//! Runs of consecutive slots of a slot stream (spec §23.3, §23.5), sorted by source level by level: a node's
//! arrivals in the run are consecutive, so their directions are a Bresenham sequence from one remainder, and
//! a stable partition sends them on; each slot costs D additions instead of D 128-bit divisions. Speed only,
//! no reference twin: slot u's (source, index) equals `slot_source(prefix, g0 + u)`.

use crate::alloc::{grow_zeroed, zeroed};
use crate::error::EngineError;
use crate::kernel::{self, Kernel};

/// One source's slots in a run: `order[start .. start + count]`, in slot order; the first is the source's
/// slot number `first` (its index among the source's slots).
#[derive(Clone, Copy, Debug)]
pub(super) struct Group {
    pub source: usize,
    pub start: usize,
    pub count: usize,
    pub first: u64,
}

/// The run's slot offsets grouped by source (`order`), the groups, and per-slot lookups (`spread`).
pub(super) struct BlockWalker {
    order: Vec<u32>,
    scratch: Vec<u32>,
    groups: Vec<Group>,
    sources: Vec<u32>,
    indices: Vec<u64>,
}

impl BlockWalker {
    /// Buffers for runs of up to `capacity` slots, without per-slot lookups (`spread` needs `with_lookups`).
    pub(super) fn new(capacity: usize) -> Result<Self, EngineError> {
        Ok(BlockWalker {
            order: zeroed(capacity as u64)?,
            scratch: zeroed(capacity as u64)?,
            groups: Vec::new(),
            sources: Vec::new(),
            indices: Vec::new(),
        })
    }

    /// Room for runs of `len` slots (buffers grow, zeroed, only as far as the runs walked need).
    pub(super) fn fit(&mut self, len: usize) -> Result<(), EngineError> {
        grow_zeroed(&mut self.order, len)?;
        grow_zeroed(&mut self.scratch, len)
    }

    /// `new` with room for `spread`'s per-slot lookups.
    pub(super) fn with_lookups(capacity: usize) -> Result<Self, EngineError> {
        Ok(BlockWalker {
            sources: zeroed(capacity as u64)?,
            indices: zeroed(capacity as u64)?,
            ..BlockWalker::new(capacity)?
        })
    }

    /// The last walked run's slot offsets, grouped by source.
    pub(super) fn order(&self) -> &[u32] {
        &self.order
    }

    /// The last walked run's non-empty groups, in source order.
    pub(super) fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// Slot offsets g0 … g0 + len − 1 (len ≤ capacity, g0 + len ≤ 2^64) of the stream whose mass prefix sums
    /// are `prefix`, grouped by source.
    pub(super) fn walk(&mut self, prefix: &[u64], g0: u64, len: usize) {
        for (u, slot) in self.order.iter_mut().take(len).enumerate() {
            *slot = u as u32;
        }
        self.walk_loaded(prefix, g0, len);
    }

    /// The payloads of slots 0 … len − 1 (at most the capacity), for `walk_loaded` to group.
    pub(super) fn payload_mut(&mut self, len: usize) -> &mut [u32] {
        let len = len.min(self.order.len());
        self.order.get_mut(..len).unwrap_or_default()
    }

    /// `walk` with `order` holding any per-slot payload (`payload_mut`) instead of the slot offsets: the same
    /// groups, each slot's payload moved where its offset would be.
    pub(super) fn walk_loaded(&mut self, prefix: &[u64], g0: u64, len: usize) {
        self.groups.clear();
        let leaves = prefix.len().saturating_sub(1);
        self.split(prefix, (0, leaves), g0, (0, len.min(self.order.len())), true);
    }

    /// Node [lo, hi) with `arrivals` slots before the run receives slots [from, to) of `order` (`in_order`) or of
    /// `scratch`: a leaf is a group (its slots copied to `order`), an internal node partitions them (stably) into the
    /// other buffer, its left and right children's.
    fn split(
        &mut self,
        prefix: &[u64],
        (lo, hi): (usize, usize),
        arrivals: u64,
        (from, to): (usize, usize),
        in_order: bool,
    ) {
        if from >= to {
            return;
        }
        if hi - lo < 2 {
            if !in_order
                && let (Some(order), Some(scratch)) = (self.order.get_mut(from..to), self.scratch.get(from..to))
            {
                order.copy_from_slice(scratch);
            }
            self.groups.push(Group {
                source: lo,
                start: from,
                count: to - from,
                first: arrivals,
            });
            return;
        }
        let at = |index: usize| prefix.get(index).copied().unwrap_or(0);
        let mid = lo + (hi - lo) / 2;
        let base = at(lo);
        let left_mass = at(mid).wrapping_sub(base);
        let total = at(hi).wrapping_sub(base).max(1);
        // a(A) = ⌊A·L/T⌋ before and after the run: how many went left before it, and during it.
        let product = u128::from(arrivals) * u128::from(left_mass);
        let lefts_before = product / u128::from(total);
        let remainder = (product - lefts_before * u128::from(total)) as u64;
        let after = (u128::from(arrivals) + (to - from) as u128) * u128::from(left_mass) / u128::from(total);
        let left_count = (after - lefts_before) as usize;
        let (source, target) = if in_order {
            (self.order.get(from..to), self.scratch.get_mut(from..to))
        } else {
            (self.scratch.get(from..to), self.order.get_mut(from..to))
        };
        if let (Some(input), Some(output)) = (source, target) {
            partition(input, output, left_count, remainder, left_mass, total);
        }
        let lefts_before = lefts_before as u64;
        self.split(prefix, (lo, mid), lefts_before, (from, from + left_count), !in_order);
        self.split(
            prefix,
            (mid, hi),
            arrivals - lefts_before,
            (from + left_count, to),
            !in_order,
        );
    }

    /// Per-slot lookups of the last walked run (for `slot`; the walker made by `with_lookups`).
    pub(super) fn spread(&mut self) {
        let Self {
            order,
            groups,
            sources,
            indices,
            ..
        } = self;
        for group in groups.iter() {
            let slots = order.get(group.start..group.start + group.count).unwrap_or_default();
            for (k, &u) in slots.iter().enumerate() {
                if let (Some(source), Some(index)) = (sources.get_mut(u as usize), indices.get_mut(u as usize)) {
                    *source = group.source as u32;
                    *index = group.first + k as u64;
                }
            }
        }
    }

    /// Slot u of the last walked and spread run: its source and index among that source's slots.
    pub(super) fn slot(&self, u: usize) -> (usize, u64) {
        let source = self.sources.get(u).copied().unwrap_or(0) as usize;
        (source, self.indices.get(u).copied().unwrap_or(0))
    }
}

/// Arrival k (remainder ρ_k = (ρ_0 + k·L) mod T) goes left iff ρ_k + L ≥ T: lefts fill the front of `output` in
/// order, rights the back from `left_count`, by the engine's kernel (every kernel gives the scalar one's output).
fn partition(input: &[u32], output: &mut [u32], left_count: usize, remainder: u64, left: u64, total: u64) {
    partition_with(kernel::selected(), input, output, left_count, remainder, left, total);
}

/// `partition` by `kernel` (the scalar loop when this CPU lacks it, or for a kernel without its own).
pub(super) fn partition_with(
    kernel: Kernel,
    input: &[u32],
    output: &mut [u32],
    left_count: usize,
    remainder: u64,
    left: u64,
    total: u64,
) {
    #[cfg(target_arch = "x86_64")]
    {
        if kernel == Kernel::Avx512 && kernel.is_available() {
            // SAFETY: the CPU supports AVX-512 F (checked by `is_available`).
            unsafe { partition_avx512(input, output, left_count, remainder, left, total) };
            return;
        }
    }
    let _ = kernel;
    let state = Arrivals {
        k: 0,
        lefts: 0,
        rho: remainder,
    };
    partition_scalar(input, output, left_count, state, left, total);
}

/// Where a partition stands: the next arrival k, the lefts before it, and its remainder ρ_k.
#[derive(Clone, Copy)]
struct Arrivals {
    k: usize,
    lefts: usize,
    rho: u64,
}

/// The scalar partition from arrival `at.k` on: the k-th arrival, after `lefts` of them went left, goes right to
/// left_count + k − lefts: one counter, no branch.
fn partition_scalar(input: &[u32], output: &mut [u32], left_count: usize, at: Arrivals, left: u64, total: u64) {
    let right = total - left;
    let Arrivals {
        k: first,
        mut lefts,
        mut rho,
    } = at;
    for (k, &slot) in input.iter().enumerate().skip(first) {
        let turn = rho >= right;
        rho = if turn { rho - right } else { rho + left };
        let at = if turn { lefts } else { left_count + k - lefts };
        if let Some(target) = output.get_mut(at) {
            *target = slot;
        }
        lefts += usize::from(turn);
    }
}

/// The AVX-512 partition: 16 arrivals at a time, their remainders in two registers of 8 (each stepping by
/// 16·L mod T), the directions a 16-bit mask, lefts and rights compressed and stored under a mask; the scalar
/// loop takes the tail (and any group whose stores would leave `output`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,popcnt")]
fn partition_avx512(input: &[u32], output: &mut [u32], left_count: usize, remainder: u64, left: u64, total: u64) {
    use core::arch::x86_64::*;
    let right = total - left;
    // Remainders of arrivals 0 … 15, stepped as the scalar loop steps them.
    let mut first = [0u64; 16];
    let mut rho = remainder;
    for value in first.iter_mut() {
        *value = rho;
        rho = if rho >= right { rho - right } else { rho + left };
    }
    // ρ_{k+16} = (ρ_k + step) mod T with step = 16·L mod T < T: subtract T − step when ρ_k ≥ T − step.
    let step = (16 * u128::from(left) % u128::from(total.max(1))) as u64;
    let back = total - step;
    let (v_right, v_step, v_back) = (
        _mm512_set1_epi64(right as i64),
        _mm512_set1_epi64(step as i64),
        _mm512_set1_epi64(back as i64),
    );
    // SAFETY: `first` is 16 u64 = two 64-byte unaligned loads.
    let (mut low, mut high) = unsafe {
        (
            _mm512_loadu_si512(first.as_ptr().cast()),
            _mm512_loadu_si512(first.as_ptr().add(8).cast()),
        )
    };
    let (mut k, mut lefts) = (0usize, 0usize);
    while k + 16 <= input.len() {
        let turns =
            _mm512_cmpge_epu64_mask(low, v_right) as u16 | (u16::from(_mm512_cmpge_epu64_mask(high, v_right)) << 8);
        let count = turns.count_ones() as usize;
        let rights_at = left_count + k - lefts;
        // Lefts stay below left_count and rights from it inside `output`: no store overlaps another, so the
        // order of the stores does not matter (an inconsistent left_count finishes in the scalar order).
        if lefts + count > left_count.min(output.len()) || rights_at + (16 - count) > output.len() {
            break;
        }
        // SAFETY: k + 16 ≤ input.len(): an unaligned 64-byte load. The stores write lanes below `count` at
        // lefts and below 16 − count at rights_at, both inside `output` (checked just above).
        unsafe {
            let slots = _mm512_loadu_si512(input.as_ptr().add(k).cast());
            let lefts_out = _mm512_maskz_compress_epi32(turns, slots);
            let rights_out = _mm512_maskz_compress_epi32(!turns, slots);
            let base = output.as_mut_ptr();
            _mm512_mask_storeu_epi32(base.add(lefts).cast(), ((1u32 << count) - 1) as u16, lefts_out);
            _mm512_mask_storeu_epi32(
                base.add(rights_at).cast(),
                ((1u32 << (16 - count)) - 1) as u16,
                rights_out,
            );
        }
        lefts += count;
        k += 16;
        low = _mm512_mask_sub_epi64(
            _mm512_add_epi64(low, v_step),
            _mm512_cmpge_epu64_mask(low, v_back),
            low,
            v_back,
        );
        high = _mm512_mask_sub_epi64(
            _mm512_add_epi64(high, v_step),
            _mm512_cmpge_epu64_mask(high, v_back),
            high,
            v_back,
        );
    }
    // Arrival k's remainder is lane 0 of `low`.
    let rho = _mm_cvtsi128_si64(_mm512_castsi512_si128(low)) as u64;
    partition_scalar(input, output, left_count, Arrivals { k, lefts, rho }, left, total);
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_rng::next;

    /// Every kernel this CPU runs partitions like the scalar loop: masses of every size (up to T near 2^64, L of
    /// 0 and T), lengths around multiples of 16, and left counts too small or too large (stores dropped alike).
    #[test]
    fn every_kernel_partitions_like_the_scalar_loop() {
        let mut state = 23;
        for case in 0..3000u64 {
            let r = next(&mut state);
            let total = match case % 5 {
                0 => 1 + r % 100,
                1 => u64::MAX - r % 1000,
                2 => 1 + (next(&mut state) >> (r % 64)),
                3 => 1 << (r % 64),
                _ => 1 + r % (1 << 48),
            };
            let left = match case % 7 {
                0 => 0,
                1 => total,
                _ => next(&mut state) % (total.saturating_add(1)).max(1),
            }
            .min(total);
            let remainder = next(&mut state) % total;
            let len = match case % 3 {
                0 => (r >> 40) as usize % 40,
                _ => (r >> 40) as usize % 3000,
            };
            let exact = ((u128::from(remainder) + len as u128 * u128::from(left)) / u128::from(total)) as usize;
            let left_count = match case % 11 {
                0 => exact.saturating_sub(1 + (r >> 60) as usize),
                1 => exact + 1 + (r >> 60) as usize,
                _ => exact,
            };
            let input: Vec<u32> = (0..len as u32).map(|u| u.wrapping_mul(2_654_435_761)).collect();
            let mut expected = vec![u32::MAX; len];
            let start = Arrivals {
                k: 0,
                lefts: 0,
                rho: remainder,
            };
            partition_scalar(&input, &mut expected, left_count, start, left, total);
            for kernel in kernel::available() {
                let mut got = vec![u32::MAX; len];
                partition_with(kernel, &input, &mut got, left_count, remainder, left, total);
                assert_eq!(got, expected, "case={case} T={total} L={left} len={len} {kernel:?}");
            }
        }
    }
}

//! Runs of consecutive slots of a slot stream (spec §23.3, §23.5), sorted by source level by level: a node's
//! arrivals in the run are consecutive, so their directions are a Bresenham sequence from one remainder, and
//! a stable partition sends them on; each slot costs D additions instead of D 128-bit divisions. Speed only,
//! no reference twin: slot u's (source, index) equals `slot_source(prefix, g0 + u)`.

use crate::alloc::vec_with_capacity;
use crate::error::EngineError;

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

fn zeros<T: Clone + Default>(len: usize) -> Result<Vec<T>, EngineError> {
    let mut out = vec_with_capacity(len as u64)?;
    out.resize(len, T::default());
    Ok(out)
}

impl BlockWalker {
    /// Buffers for runs of up to `capacity` slots.
    pub(super) fn new(capacity: usize) -> Result<Self, EngineError> {
        Ok(BlockWalker {
            order: zeros(capacity)?,
            scratch: zeros(capacity)?,
            groups: Vec::new(),
            sources: zeros(capacity)?,
            indices: zeros(capacity)?,
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

    /// Per-slot lookups of the last walked run (for `slot`).
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
/// order, rights the back from `left_count` (the k-th arrival, after `lefts` of them went left, goes right to
/// left_count + k − lefts): one counter, no branch.
fn partition(input: &[u32], output: &mut [u32], left_count: usize, remainder: u64, left: u64, total: u64) {
    let right = total - left;
    let mut rho = remainder;
    let mut lefts = 0usize;
    for (k, &slot) in input.iter().enumerate() {
        let turn = rho >= right;
        rho = if turn { rho - right } else { rho + left };
        let at = if turn { lefts } else { left_count + k - lefts };
        if let Some(target) = output.get_mut(at) {
            *target = slot;
        }
        lefts += usize::from(turn);
    }
}

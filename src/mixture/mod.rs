//! Weighted mixtures of datasets (spec §23): a validated plan of sources, phases and integer masses, and
//! the steps of a position — phase and block, block order, slot, occurrence, item — each computed alone.
//! `blocks.rs` computes whole blocks at once (speed only, the same output).

mod blocks;
mod locate;

use std::collections::HashMap;

use crate::alloc::{copy_of, grow_zeroed, vec_with_capacity, zeroed};
use crate::bounded::multiply_shift;
use crate::error::EngineError;
use crate::keystream::{Keystream, MIXTURE_ITEMS, MIXTURE_ORDER};
use crate::limits::{IntRange, check_epoch, check_strided_span};
use crate::permutation::{Bijection, bit_width};
use crate::threads;
use crate::weights::masses::{decompose, floor_log2};

use blocks::BlockWalker;

/// B: positions per block of a phase (spec §23.4).
pub const BLOCK: u64 = 1024;
/// u64 draws of the order stream reserved per block: enough for a Fisher–Yates table of TABLE_MAX.
pub const ORDER_DRAWS: u64 = 128;
/// A block this short is a materialised Fisher–Yates table, longer ones the Feistel network (§5.3's rule).
pub const TABLE_MAX: u64 = 128;
/// The largest mass of a phase is in [2^47, 2^48), so the masses of 2^16 sources sum below 2^64.
pub const MASS_BITS: i32 = 47;
pub const SOURCES_LIMIT: usize = 1 << 16;
pub const SIZE_LIMIT: i128 = 1 << 48;
/// The sizes sum to at most 2^63: global indices are int64.
pub const INDEX_LIMIT: u128 = 1 << 63;
pub const NUM_SAMPLES_LIMIT: u64 = 1 << 62;
pub const PHASES_LIMIT: u64 = 1 << 32;
/// (epoch + 1) · num_samples ≤ 2^64: every slot, occurrence and item position is below 2^64.
pub const RUN_LIMIT: u128 = 1 << 64;
/// num_samples: 1 ≤ N ≤ 2^62.
pub const NUM_SAMPLES: IntRange = IntRange {
    lo: 1,
    hi: (1 << 62) + 1,
    hi_text: "2**62 + 1",
};
/// slot_count's slots: 0 ≤ G ≤ 2^64.
pub const SLOTS: IntRange = IntRange {
    lo: 0,
    hi: (1 << 64) + 1,
    hi_text: "2**64 + 1",
};
/// A chunk computes a block whole when it reads at least one position in DENSE of it.
const DENSE: u64 = 16;
/// Sources whose current pass a reader keeps (direct-mapped by source number).
const PASS_CACHE: usize = 256;

/// A validated mixture (spec §23.1): sources, phases and their masses. Immutable; shared by threads.
#[derive(Debug, Clone, PartialEq)]
pub struct MixturePlan {
    sizes: Vec<u64>,
    offsets: Vec<u64>,
    starts: Vec<u64>,
    lengths: Vec<u64>,
    /// τ of each phase's first block: Σ_{h<i} ⌈ℓ_h / B⌉.
    first_blocks: Vec<u64>,
    /// Phase i's mass prefix sums, S + 1 of them, at i·(S + 1).
    prefixes: Vec<u64>,
    weights: Vec<f64>,
    num_samples: u64,
    depth: u32,
}

/// §23.1's size checks, in order.
fn check_sizes(sizes: &[i128]) -> Result<Vec<u64>, EngineError> {
    if sizes.is_empty() {
        return Err(EngineError::NoSources);
    }
    if sizes.len() > SOURCES_LIMIT {
        return Err(EngineError::TooManySources { n: sizes.len() });
    }
    let mut out = vec_with_capacity(sizes.len() as u64)?;
    for (index, &value) in sizes.iter().enumerate() {
        if !(1..=SIZE_LIMIT).contains(&value) {
            return Err(EngineError::SourceSize { index, value });
        }
        out.push(value as u64);
    }
    let total: u128 = out.iter().map(|&n| u128::from(n)).sum();
    if total > INDEX_LIMIT {
        return Err(EngineError::SizesTooLarge { total });
    }
    Ok(out)
}

/// §23.1's phase checks, in order: at least one, fewer than 2^32, from 0, increasing, before N.
fn check_starts(starts: &[i128], num_samples: u64) -> Result<Vec<u64>, EngineError> {
    let Some(&first) = starts.first() else {
        return Err(EngineError::NoPhases);
    };
    if starts.len() as u64 >= PHASES_LIMIT {
        return Err(EngineError::TooManyPhases { n: starts.len() });
    }
    if first != 0 {
        return Err(EngineError::FirstPhase { start: first });
    }
    for (phase, pair) in (1..).zip(starts.windows(2)) {
        if let &[previous, start] = pair
            && start <= previous
        {
            return Err(EngineError::PhaseOrder { phase, previous, start });
        }
    }
    let mut out = vec_with_capacity(starts.len() as u64)?;
    for (phase, &start) in starts.iter().enumerate() {
        if start >= i128::from(num_samples) {
            return Err(EngineError::PhasePastEnd {
                phase,
                start,
                num_samples,
            });
        }
        // 0 ≤ start < N: increasing from 0.
        out.push(start as u64);
    }
    Ok(out)
}

/// §23.2: one phase's weights checked (the first bad one named; `phase` None for a single phase) and
/// turned into exact integer masses.
pub fn phase_masses(row: &[f64], phase: Option<usize>) -> Result<Vec<u64>, EngineError> {
    let mut largest = 0.0f64;
    for (index, &value) in row.iter().enumerate() {
        if !(value.is_finite() && value >= 0.0) {
            return Err(EngineError::MixtureWeight { phase, index, value });
        }
        largest = largest.max(value);
    }
    if largest == 0.0 {
        return Err(EngineError::MixtureAllZero { phase });
    }
    let top = floor_log2(largest);
    let mut out = vec_with_capacity(row.len() as u64)?;
    out.extend(row.iter().map(|&w| mass(w, top)));
    Ok(out)
}

/// ⌊w · 2^(47 − top)⌋ by shifting the significand (w ≤ 2^(top + 1): no bit is lost to the left), at least
/// 1 for w > 0.
fn mass(w: f64, top: i32) -> u64 {
    if w == 0.0 {
        return 0;
    }
    let (m, e) = decompose(w);
    let shift = e + MASS_BITS - top;
    let scaled = if shift >= 0 {
        m.checked_shl(shift.unsigned_abs()).unwrap_or(0)
    } else {
        m.checked_shr(shift.unsigned_abs()).unwrap_or(0)
    };
    scaled.max(1)
}

/// D = ⌈log2 S⌉, the slot tree's depth (0 for one source).
pub fn tree_depth(sources: usize) -> u32 {
    bit_width((sources as u64).saturating_sub(1))
}

#[inline(always)]
fn at(prefix: &[u64], index: usize) -> u64 {
    prefix.get(index).copied().unwrap_or(0)
}

/// a(g) = ⌊g·L/T⌋ at a node with left mass L of T, and whether slot g goes left: a(g + 1) > a(g), i.e.
/// (g·L mod T) + L ≥ T. Exact for g ≤ 2^64 (g·L < 2^128).
#[inline(always)]
fn split(g: u128, left: u64, total: u64) -> (u128, bool) {
    let product = g * u128::from(left);
    let total = u128::from(total.max(1));
    let sent = product / total;
    let remainder = product - sent * total;
    (sent, remainder + u128::from(left) >= total)
}

/// §23.3: the source of slot g of the stream with mass prefix sums `prefix` (S + 1 of them, non-decreasing), and
/// its index among that source's slots.
pub(crate) fn slot_source(prefix: &[u64], g: u64) -> (usize, u64) {
    let (mut lo, mut hi) = (0, prefix.len().saturating_sub(1));
    let mut g = u128::from(g);
    while hi - lo >= 2 {
        let mid = lo + (hi - lo) / 2;
        let base = at(prefix, lo);
        let (left, total) = (at(prefix, mid).wrapping_sub(base), at(prefix, hi).wrapping_sub(base));
        let (sent, goes_left) = split(g, left, total);
        if goes_left {
            (g, hi) = (sent, mid);
        } else {
            (g, lo) = (g.saturating_sub(sent), mid);
        }
    }
    // g only decreases from a u64.
    (lo, g as u64)
}

/// §23.3: how many of slots 0 … slots − 1 hold source s (slots ≤ 2^64; `prefix` as `slot_source`'s).
pub(crate) fn slot_count(prefix: &[u64], s: usize, slots: u128) -> u128 {
    let (mut lo, mut hi) = (0, prefix.len().saturating_sub(1));
    let mut slots = slots;
    while hi - lo >= 2 {
        let mid = lo + (hi - lo) / 2;
        let base = at(prefix, lo);
        let (left, total) = (at(prefix, mid).wrapping_sub(base), at(prefix, hi).wrapping_sub(base));
        let (sent, _) = split(slots, left, total);
        if s < mid {
            (slots, hi) = (sent, mid);
        } else {
            (slots, lo) = (slots.saturating_sub(sent), mid);
        }
    }
    slots
}

/// §23.4 step 2: π_{e,τ}, a permutation of [0, length) (1 ≤ length ≤ B), from u64 draws 128τ … 128τ + 127
/// of the order stream: a Fisher–Yates table up to 128, else the Feistel network walked into [0, length).
pub fn block_order(seed: u64, epoch: u64, tau: u64, length: u64) -> Result<Bijection, EngineError> {
    let word = 2 * u128::from(ORDER_DRAWS) * u128::from(tau);
    let mut stream = Keystream::new(seed, MIXTURE_ORDER, epoch)?.at_word(word);
    if length <= TABLE_MAX {
        // length ≤ 128: the table fits any integer type.
        let mut table: Vec<i64> = (0..length as i64).collect();
        for q in 0..length {
            // q ≤ j < length: in bounds.
            let j = q + multiply_shift(stream.next_u64(), length - q);
            table.swap(q as usize, j as usize);
        }
        return Ok(Bijection::from_table(table));
    }
    let keys = core::array::from_fn(|_| stream.next_u64());
    Ok(Bijection::from_keys(length, keys))
}

impl MixturePlan {
    /// §23.1: the checks in the spec's order, then the masses (§23.2). Integers come as the binding reads
    /// them (any sign), so every range check is the core's.
    pub fn new(sizes: &[i128], starts: &[i128], weights: &[f64], num_samples: i128) -> Result<Self, EngineError> {
        let sizes = check_sizes(sizes)?;
        let num_samples = u128::try_from(num_samples)
            .ok()
            .filter(|&n| NUM_SAMPLES.contains(n))
            .ok_or(EngineError::WideOutOfRange {
                name: "num_samples",
                range: NUM_SAMPLES,
                value: num_samples,
            })? as u64;
        let starts = check_starts(starts, num_samples)?;
        let (phases, sources) = (starts.len(), sizes.len());
        let expected = phases as u128 * sources as u128;
        if weights.len() as u128 != expected {
            return Err(EngineError::WeightsShape {
                expected,
                len: weights.len(),
            });
        }
        let room = u64::try_from(expected + phases as u128).map_err(|_| EngineError::Allocation {
            elements: expected + phases as u128,
        })?;
        let mut prefixes = vec_with_capacity(room)?;
        for (phase, row) in weights.chunks(sources.max(1)).enumerate() {
            let masses = phase_masses(row, (phases > 1).then_some(phase))?;
            let mut sum = 0u64;
            prefixes.push(0);
            for m in masses {
                // < 2^16 masses below 2^48 each: the sum stays below 2^64.
                sum += m;
                prefixes.push(sum);
            }
        }
        let mut lengths = vec_with_capacity(phases as u64)?;
        let mut first_blocks = vec_with_capacity(phases as u64)?;
        let mut tau = 0u64;
        for (phase, &start) in starts.iter().enumerate() {
            let end = starts.get(phase + 1).copied().unwrap_or(num_samples);
            let length = end - start;
            lengths.push(length);
            first_blocks.push(tau);
            tau += length.div_ceil(BLOCK);
        }
        let mut offsets = vec_with_capacity(sources as u64)?;
        let mut offset = 0u64;
        for &n in &sizes {
            offsets.push(offset);
            offset += n;
        }
        Ok(MixturePlan {
            depth: tree_depth(sources),
            sizes,
            offsets,
            starts,
            lengths,
            first_blocks,
            prefixes,
            weights: copy_of(weights)?,
            num_samples,
        })
    }

    pub fn sizes(&self) -> &[u64] {
        &self.sizes
    }

    pub fn offsets(&self) -> &[u64] {
        &self.offsets
    }

    pub fn starts(&self) -> &[u64] {
        &self.starts
    }

    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    pub fn num_samples(&self) -> u64 {
        self.num_samples
    }

    pub fn num_sources(&self) -> usize {
        self.sizes.len()
    }

    pub fn num_phases(&self) -> usize {
        self.starts.len()
    }

    /// D, the slot tree's depth.
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// Phase i's mass prefix sums (S + 1 of them).
    fn prefix(&self, phase: usize) -> &[u64] {
        let width = self.sizes.len() + 1;
        self.prefixes
            .get(phase * width..(phase + 1) * width)
            .unwrap_or_default()
    }

    /// Each phase's integer masses (§23.2).
    pub fn masses(&self) -> Result<Vec<Vec<u64>>, EngineError> {
        let mut out = vec_with_capacity(self.starts.len() as u64)?;
        for phase in 0..self.starts.len() {
            let prefix = self.prefix(phase);
            let mut row = vec_with_capacity(self.sizes.len() as u64)?;
            row.extend(prefix.windows(2).map(|pair| at(pair, 1) - at(pair, 0)));
            out.push(row);
        }
        Ok(out)
    }

    fn check_phase(&self, phase: u64) -> Result<usize, EngineError> {
        let len = self.starts.len() as u64;
        if phase >= len {
            return Err(EngineError::IndexOutOfRange {
                name: "phase",
                value: phase.into(),
                len,
            });
        }
        Ok(phase as usize)
    }

    /// §23.3 on phase `phase`'s stream: the source of slot g and its index among that source's slots.
    pub fn slot_source(&self, phase: u64, g: u64) -> Result<(usize, u64), EngineError> {
        let phase = self.check_phase(phase)?;
        Ok(slot_source(self.prefix(phase), g))
    }

    /// §23.3 on phase `phase`'s stream: how many of slots 0 … slots − 1 hold `source` (slots ≤ 2^64).
    pub fn slot_count(&self, phase: u64, source: u64, slots: u128) -> Result<u128, EngineError> {
        let phase = self.check_phase(phase)?;
        let len = self.sizes.len() as u64;
        if source >= len {
            return Err(EngineError::IndexOutOfRange {
                name: "source",
                value: source.into(),
                len,
            });
        }
        SLOTS.check("slots", slots)?;
        Ok(slot_count(self.prefix(phase), source as usize, slots))
    }

    /// §23.4 step 4: source s's earlier slots over the run, every phase's stream counted up to this phase
    /// instance, plus its index j in the current one. Callers keep (epoch + 1)·N ≤ 2^64.
    pub(crate) fn occurrence(&self, phase: usize, epoch: u64, s: usize, j: u64) -> u128 {
        let mut o = u128::from(j);
        for (h, &length) in self.lengths.iter().enumerate() {
            let instances = if h < phase {
                u128::from(epoch) + 1
            } else {
                u128::from(epoch)
            };
            if h != phase {
                o += slot_count(self.prefix(h), s, instances * u128::from(length));
            }
        }
        o
    }

    /// The first position ≥ p at which a batched run can start: a multiple of RUN_BLOCKS·B within its phase, or
    /// the next phase's start (N for p ≥ N).
    fn run_start_from(&self, p: u128) -> u64 {
        let n = self.num_samples;
        let Ok(p) = u64::try_from(p) else {
            return n;
        };
        if p >= n {
            return n;
        }
        let phase = self.phase_of(p);
        let start = self.starts.get(phase).copied().unwrap_or(0);
        let end = self.starts.get(phase + 1).copied().unwrap_or(n);
        let run = RUN_BLOCKS * BLOCK;
        // p − start < 2^62: rounding up stays below 2^63.
        (start + (p - start).div_ceil(run) * run).min(end)
    }

    /// The phase holding position p (< N): the last start ≤ p.
    fn phase_of(&self, p: u64) -> usize {
        self.starts.partition_point(|&start| start <= p).saturating_sub(1)
    }

    /// §23.5: positions start + c·stride (c < count) of epoch `epoch`, as int64 global indices.
    pub fn draws(&self, seed: u64, epoch: u64, start: u64, count: u64, stride: u64) -> Result<Vec<i64>, EngineError> {
        check_epoch(epoch)?;
        check_strided_span(start, count, stride)?;
        let n = self.num_samples;
        if count >= 1 && u128::from(start) + u128::from(count - 1) * u128::from(stride) >= u128::from(n) {
            return Err(EngineError::MixturePastEnd {
                start,
                count,
                stride,
                num_samples: n,
            });
        }
        if (u128::from(epoch) + 1) * u128::from(n) > RUN_LIMIT {
            return Err(EngineError::RunTooLong { epoch, num_samples: n });
        }
        // Threads and pieces start where a run of blocks starts, so no block is walked by two of them.
        let snap = |at: u64| {
            let position = u128::from(start) + u128::from(at) * u128::from(stride);
            let boundary = u128::from(self.run_start_from(position));
            // The first output at or past the boundary (≥ at for every position read: those are below N).
            boundary
                .saturating_sub(u128::from(start))
                .div_ceil(u128::from(stride.max(1)))
                .min(u128::from(count)) as u64
        };
        // Every position read is below N ≤ 2^62: start + first·stride fits.
        threads::fill_new_with(
            count,
            snap,
            || Ok(Reader::new(self, seed, epoch)),
            |reader, first, piece| reader.fill(start + first * stride, stride, piece),
        )
    }

    /// §23.7: the shortest epoch in which the first (`all_sources` false) or every (true) source with
    /// positive weight completes its first pass.
    pub fn exhausted_length(sizes: &[i128], weights: &[f64], all_sources: bool) -> Result<u64, EngineError> {
        let plan = MixturePlan::new(sizes, &[0], weights, 1)?;
        let prefix = plan.prefix(0);
        let total = u128::from(at(prefix, plan.sizes.len()));
        let depth = u128::from(plan.depth);
        let cap = u128::from(NUM_SAMPLES_LIMIT);
        let mut best: Option<u128> = None;
        let mut first_positive = None;
        for (s, &n) in plan.sizes.iter().enumerate() {
            let m = u128::from(at(prefix, s + 1) - at(prefix, s));
            if m == 0 {
                continue;
            }
            first_positive.get_or_insert(s);
            let n = u128::from(n);
            // G·f − D ≤ slot_count(G) ≤ G·f + D: short of n at `low`, at least n at `high` (unless capped).
            let mut low = (n.saturating_sub(depth + 1)) * total / m;
            let mut high = ((n + depth) * total).div_ceil(m).min(cap);
            let beaten = match best {
                Some(best) if all_sources => high <= best,
                Some(best) => low >= best,
                None => false,
            };
            if beaten {
                continue;
            }
            if slot_count(prefix, s, high) < n {
                if all_sources {
                    return Err(EngineError::NeverExhausted { all_sources, source: s });
                }
                continue;
            }
            while high - low > 1 {
                let middle = (low + high) / 2;
                if slot_count(prefix, s, middle) >= n {
                    high = middle;
                } else {
                    low = middle;
                }
            }
            let better = match best {
                Some(best) if all_sources => high > best,
                Some(best) => high < best,
                None => true,
            };
            if better {
                best = Some(high);
            }
        }
        match best {
            // ≤ 2^62.
            Some(best) => Ok(best as u64),
            None => Err(EngineError::NeverExhausted {
                all_sources,
                source: first_positive.unwrap_or(0),
            }),
        }
    }
}

/// One thread's reads of one epoch: the caches (block order, passes, occurrence bases) change nothing.
struct Reader<'a> {
    plan: &'a MixturePlan,
    seed: u64,
    epoch: u64,
    /// The last block order used, by τ.
    order: Option<(u64, Bijection)>,
    /// The last block order tabulated whole, and its inverse.
    table: BlockTable,
    inverse: BlockTable,
    /// A source's current pass, direct-mapped by source number: (source, pass, π_pass).
    passes: Vec<Option<(usize, u64, Bijection)>>,
    /// Occurrence bases of the current phase instance, by source (only with several phases).
    bases: HashMap<usize, u128>,
    bases_phase: Option<usize>,
    /// One block's slots (the per-block path).
    walker: Option<BlockWalker>,
    /// Runs of whole blocks (the batched path).
    batch: Option<Batch>,
}

/// A block order tabulated whole by `tabulate` (its forward or its inverse table), and the τ it holds.
struct BlockTable {
    tau: Option<u64>,
    values: [u16; BLOCK as usize],
    tabulate: fn(&Bijection, &mut [u16]) -> bool,
}

impl BlockTable {
    fn new(tabulate: fn(&Bijection, &mut [u16]) -> bool) -> Self {
        BlockTable {
            tau: None,
            values: [0; BLOCK as usize],
            tabulate,
        }
    }

    /// Block τ's order (`order`, by τ) tabulated; `tau` None afterwards if it cannot be.
    fn fill(&mut self, tau: u64, order: Option<&(u64, Bijection)>) {
        let filled = order.is_some_and(|(_, order)| (self.tabulate)(order, &mut self.values));
        self.tau = filled.then_some(tau);
    }
}

/// The batched path's buffers: up to RUN_BLOCKS blocks of slots, their items grouped by source, then in
/// slot order.
struct Batch {
    walker: BlockWalker,
    grouped: Vec<i64>,
    items: Vec<i64>,
    picks: Vec<i64>,
    /// Where each group's stores stand (`store_items`).
    cursors: Vec<usize>,
}

/// Up to this many groups, a run's items are stored block by block (else group by group).
const STORE_BY_BLOCK_GROUPS: usize = 64;

/// Each group's items (`grouped`) stored at their payloads, the output indices. With few groups, block by block:
/// a block's 8 KiB of outputs stay in the first-level cache while every group writes its share to them.
fn store_items(
    walker: &BlockWalker,
    grouped: &[i64],
    cursors: &mut Vec<usize>,
    offsets: &[u64],
    r0: u64,
    out: &mut [i64],
) {
    let groups = walker.groups();
    let base = |source: usize| offsets.get(source).copied().unwrap_or(0) as i64;
    if groups.len() > STORE_BY_BLOCK_GROUPS {
        for group in groups {
            let range = group.start..group.start + group.count;
            if let (Some(targets), Some(values)) = (walker.order().get(range.clone()), grouped.get(range)) {
                store_block_share(targets, values, base(group.source), None, out);
            }
        }
        return;
    }
    cursors.clear();
    cursors.extend(groups.iter().map(|group| group.start));
    // Run offsets (output index + r0, wrapping like the payloads) of the run's block k are below (k + 1)·B.
    let r0 = r0 as u32;
    let blocks = groups
        .iter()
        .map(|group| group.count)
        .sum::<usize>()
        .div_ceil(BLOCK as usize);
    for block in 1..=blocks {
        // The last block takes what is left of every group.
        let stop = (block < blocks).then(|| (r0, (block as u32).wrapping_mul(BLOCK as u32)));
        for (cursor, group) in cursors.iter_mut().zip(groups) {
            let end = group.start + group.count;
            let (Some(targets), Some(values)) = (walker.order().get(*cursor..end), grouped.get(*cursor..end)) else {
                continue;
            };
            *cursor += store_block_share(targets, values, base(group.source), stop, out);
        }
    }
}

/// A group's items stored at their output indices: all of them (`stop` None), or its share of one block, a prefix
/// of its slots (they run block by block), until a run offset (payload + r0) reaches `end` (`stop` (r0, end)).
/// How many were read.
// Out of line: inlined into the run's loop, its variables lived on the stack.
#[inline(never)]
fn store_block_share(targets: &[u32], values: &[i64], base: i64, stop: Option<(u32, u32)>, out: &mut [i64]) -> usize {
    let mut stored = 0;
    for (&at, &item) in targets.iter().zip(values.iter()) {
        if stop.is_some_and(|(r0, end)| at.wrapping_add(r0) >= end) {
            break;
        }
        if let Some(target) = out.get_mut(at as usize) {
            *target = item + base;
        }
        stored += 1;
    }
    stored
}

/// Blocks a batched run covers at most (its buffers hold RUN_BLOCKS·B slots).
const RUN_BLOCKS: u64 = 32;
/// The batched path reads positions at most this far apart (it computes every slot's item).
const BATCH_STRIDE: u64 = 4;

impl Batch {
    fn new() -> Result<Self, EngineError> {
        // The run buffers grow to the runs read (up to RUN_BLOCKS·B slots); items only on the strided path.
        Ok(Batch {
            walker: BlockWalker::new(0)?,
            grouped: Vec::new(),
            items: Vec::new(),
            picks: zeroed(BLOCK)?,
            cursors: Vec::new(),
        })
    }
}

impl<'a> Reader<'a> {
    fn new(plan: &'a MixturePlan, seed: u64, epoch: u64) -> Self {
        Reader {
            plan,
            seed,
            epoch,
            order: None,
            table: BlockTable::new(Bijection::fill_all),
            inverse: BlockTable::new(Bijection::fill_inverse_all),
            passes: Vec::new(),
            bases: HashMap::new(),
            bases_phase: None,
            walker: None,
            batch: None,
        }
    }

    /// Positions start + c·stride of `out`, phase instance by phase instance.
    fn fill(&mut self, start: u64, stride: u64, out: &mut [i64]) -> Result<(), EngineError> {
        let plan = self.plan;
        let mut done = 0usize;
        while done < out.len() {
            let p = start + done as u64 * stride;
            let phase = plan.phase_of(p);
            let phase_start = plan.starts.get(phase).copied().unwrap_or(0);
            let length = plan.lengths.get(phase).copied().unwrap_or(0);
            // Outputs p, p + stride, … inside this phase.
            let in_phase = (phase_start + length).saturating_sub(p).div_ceil(stride.max(1));
            let take = usize::try_from(in_phase).map_or(out.len() - done, |k| k.min(out.len() - done));
            if take == 0 {
                // Only a position at or past N reads nothing (`draws` refuses those first): never loop on it.
                return Err(EngineError::MixturePastEnd {
                    start: p,
                    count: (out.len() - done) as u64,
                    stride,
                    num_samples: plan.num_samples,
                });
            }
            let run = out.get_mut(done..done + take).unwrap_or_default();
            // Every slot's item is computed: worth it when the slots read are dense and outnumber the sources.
            let slots = take as u64 * stride;
            if stride <= BATCH_STRIDE && slots >= 4 * plan.sizes.len() as u64 {
                self.fill_batched(phase, p - phase_start, stride, run)?;
            } else {
                self.fill_blocks(phase, p - phase_start, stride, run)?;
            }
            done += take;
        }
        Ok(())
    }

    /// Phase-local offsets q0, q0 + stride, … of phase `phase`, block by block: a block read densely is
    /// walked whole, a sparse one read position by position.
    fn fill_blocks(&mut self, phase: usize, q0: u64, stride: u64, out: &mut [i64]) -> Result<(), EngineError> {
        let plan = self.plan;
        let length = plan.lengths.get(phase).copied().unwrap_or(0);
        let mut done = 0usize;
        while done < out.len() {
            let q = q0 + done as u64 * stride;
            let block = q / BLOCK;
            let block_length = BLOCK.min(length - block * BLOCK);
            let in_block = (block * BLOCK + block_length - q).div_ceil(stride);
            let take = usize::try_from(in_block).map_or(out.len() - done, |k| k.min(out.len() - done));
            let run = out.get_mut(done..done + take).unwrap_or_default();
            let tau = plan.first_blocks.get(phase).copied().unwrap_or(0) + block;
            self.use_order(tau, block_length)?;
            if take as u64 * DENSE >= block_length {
                self.fill_block(phase, block, block_length, q - block * BLOCK, stride, run)?;
            } else {
                for (k, slot) in run.iter_mut().enumerate() {
                    *slot = self.position_in_block(phase, block, q - block * BLOCK + k as u64 * stride)?;
                }
            }
            done += take;
        }
        Ok(())
    }

    /// Runs of up to RUN_BLOCKS whole blocks: every slot walked once, each source's items of the run
    /// computed together (its occurrences in a phase instance are consecutive in slot order, so each pass is
    /// one lane evaluation of consecutive offsets), then each output's slot looked up through its block order.
    fn fill_batched(&mut self, phase: usize, q0: u64, stride: u64, out: &mut [i64]) -> Result<(), EngineError> {
        let plan = self.plan;
        let length = plan.lengths.get(phase).copied().unwrap_or(0);
        let first_block = plan.first_blocks.get(phase).copied().unwrap_or(0);
        let mut batch = match self.batch.take() {
            Some(batch) => batch,
            None => Batch::new()?,
        };
        let mut done = 0usize;
        let mut result = Ok(());
        while done < out.len() && result.is_ok() {
            let q = q0 + done as u64 * stride;
            let b0 = q / BLOCK;
            let last_q = q0 + (out.len() - 1) as u64 * stride;
            let b1 = (last_q / BLOCK).min(b0 + RUN_BLOCKS - 1);
            let slot_end = ((b1 + 1) * BLOCK).min(length);
            let slots = (slot_end - b0 * BLOCK) as usize;
            let in_run = (slot_end - q).div_ceil(stride);
            let take = usize::try_from(in_run).map_or(out.len() - done, |k| k.min(out.len() - done));
            let run = out.get_mut(done..done + take).unwrap_or_default();
            result = self.batched_run(&mut batch, phase, b0, slots, q - b0 * BLOCK, stride, run, first_block);
            done += take;
        }
        self.batch = Some(batch);
        result
    }

    /// One run: slots b0·B … b0·B + slots − 1 of phase `phase`'s instance; outputs at run offsets r0 + k·stride.
    #[allow(clippy::too_many_arguments)]
    fn batched_run(
        &mut self,
        batch: &mut Batch,
        phase: usize,
        b0: u64,
        slots: usize,
        r0: u64,
        stride: u64,
        out: &mut [i64],
        first_block: u64,
    ) -> Result<(), EngineError> {
        let plan = self.plan;
        let length = plan.lengths.get(phase).copied().unwrap_or(0);
        let g0 = self.epoch * length + b0 * BLOCK;
        batch.walker.fit(slots)?;
        grow_zeroed(&mut batch.grouped, slots)?;
        if stride == 1 && self.load_positions(&mut batch.walker, length, b0, slots, r0, first_block)? {
            batch.walker.walk_loaded(plan.prefix(phase), g0, slots);
            // Each item straight to its output: the payload is its output index.
            let Batch {
                walker,
                grouped,
                cursors,
                ..
            } = batch;
            self.items_of_groups(phase, walker, grouped)?;
            store_items(walker, grouped, cursors, &plan.offsets, r0, out);
            return Ok(());
        }
        grow_zeroed(&mut batch.items, slots)?;
        batch.walker.walk(plan.prefix(phase), g0, slots);
        let Batch {
            walker,
            grouped,
            items,
            picks,
            ..
        } = batch;
        self.items_of_groups(phase, walker, grouped)?;
        // Global indices in slot order (offset_s + item < Σ n ≤ 2^63).
        for group in walker.groups() {
            let base = plan.offsets.get(group.source).copied().unwrap_or(0) as i64;
            let range = group.start..group.start + group.count;
            let (Some(order), Some(values)) = (walker.order().get(range.clone()), grouped.get(range)) else {
                continue;
            };
            for (&u, &item) in order.iter().zip(values.iter()) {
                if let Some(target) = items.get_mut(u as usize) {
                    *target = item + base;
                }
            }
        }
        // Outputs block by block through the block orders.
        let mut done = 0usize;
        while done < out.len() {
            let r = r0 + done as u64 * stride;
            let block = b0 + r / BLOCK;
            let block_length = BLOCK.min(length - block * BLOCK);
            let offset = r % BLOCK;
            let in_block = (block_length - offset).div_ceil(stride);
            let take = usize::try_from(in_block).map_or(out.len() - done, |k| k.min(out.len() - done));
            let base = ((block - b0) * BLOCK) as usize;
            let run = out.get_mut(done..done + take).unwrap_or_default();
            let block_items = items.get(base..).unwrap_or_default();
            if self.use_table(first_block + block, block_length)? {
                // The block order tabulated whole: each output one lookup.
                let step = usize::try_from(stride).unwrap_or(usize::MAX);
                let offsets = self.table.values.iter().skip(offset as usize).step_by(step);
                for (slot, &u) in run.iter_mut().zip(offsets) {
                    *slot = block_items.get(usize::from(u)).copied().unwrap_or(0);
                }
            } else {
                let picked = picks.get_mut(..take).unwrap_or_default();
                if let Some((_, order)) = &self.order {
                    let mut next = offset;
                    order.fill_with(picked, || {
                        let value = next;
                        next = next.wrapping_add(stride);
                        value
                    });
                }
                for (slot, &u) in run.iter_mut().zip(picked.iter()) {
                    *slot = block_items.get(u as usize).copied().unwrap_or(0);
                }
            }
            done += take;
        }
        Ok(())
    }

    /// Stride 1: slot u of the run gets as payload its output index (its block order's inverse, less r0; slots
    /// before the outputs wrap past every index), block by block; false if a block order cannot be tabulated.
    #[allow(clippy::too_many_arguments)]
    fn load_positions(
        &mut self,
        walker: &mut BlockWalker,
        length: u64,
        b0: u64,
        slots: usize,
        r0: u64,
        first_block: u64,
    ) -> Result<bool, EngineError> {
        let payload = walker.payload_mut(slots);
        let mut start = 0usize;
        let mut block = b0;
        while start < payload.len() {
            let block_length = BLOCK.min(length - block * BLOCK);
            if !self.use_inverse(first_block + block, block_length)? {
                return Ok(false);
            }
            let part = payload.get_mut(start..).unwrap_or_default();
            // Slot start + u is read at run offset start + π⁻¹(u): its output index is that less r0.
            let first = (start as u32).wrapping_sub(r0 as u32);
            for (slot, &r) in part
                .iter_mut()
                .zip(self.inverse.values.iter().take(block_length as usize))
            {
                *slot = first.wrapping_add(u32::from(r));
            }
            start += block_length as usize;
            block += 1;
        }
        Ok(true)
    }

    /// Each group's items into its place in `grouped` (laid out as the walker's groups): a group's occurrences are
    /// consecutive, so pass by pass, by lanes.
    fn items_of_groups(&mut self, phase: usize, walker: &BlockWalker, grouped: &mut [i64]) -> Result<(), EngineError> {
        for group in walker.groups() {
            let o = self.base(phase, group.source) + u128::from(group.first);
            let part = grouped
                .get_mut(group.start..group.start + group.count)
                .unwrap_or_default();
            self.items_of_source(group.source, o, part)?;
        }
        Ok(())
    }

    /// out[t] = the item (within source s) of its occurrence o + t: pass by pass, each a lane evaluation.
    fn items_of_source(&mut self, s: usize, o: u128, out: &mut [i64]) -> Result<(), EngineError> {
        let plan = self.plan;
        let n = plan.sizes.get(s).copied().unwrap_or(1);
        let mut o = o;
        let mut done = 0usize;
        while done < out.len() {
            // o < 2^64 (the run limit).
            let (pass, offset) = ((o / u128::from(n)) as u64, (o % u128::from(n)) as u64);
            let take = usize::try_from(n - offset).map_or(out.len() - done, |k| k.min(out.len() - done));
            let part = out.get_mut(done..done + take).unwrap_or_default();
            let bijection = self.pass(s, pass)?;
            let mut next = offset;
            bijection.fill_with(part, || {
                let value = next;
                next += 1;
                value
            });
            done += take;
            o += take as u128;
        }
        Ok(())
    }

    /// Step 2, cached by τ.
    fn use_order(&mut self, tau: u64, length: u64) -> Result<(), EngineError> {
        if self.order.as_ref().is_none_or(|(cached, _)| *cached != tau) {
            self.order = Some((tau, block_order(self.seed, self.epoch, tau, length)?));
        }
        Ok(())
    }

    /// Step 2 tabulated whole into `table` (cached by τ); false if it cannot be (then `order` is in use).
    fn use_table(&mut self, tau: u64, length: u64) -> Result<bool, EngineError> {
        if self.table.tau != Some(tau) {
            self.use_order(tau, length)?;
            self.table.fill(tau, self.order.as_ref());
        }
        Ok(self.table.tau == Some(tau))
    }

    /// Step 2's inverse tabulated whole into `inverse` (cached by τ); false if it cannot be.
    fn use_inverse(&mut self, tau: u64, length: u64) -> Result<bool, EngineError> {
        if self.inverse.tau != Some(tau) {
            self.use_order(tau, length)?;
            self.inverse.fill(tau, self.order.as_ref());
        }
        Ok(self.inverse.tau == Some(tau))
    }

    fn apply_order(&self, r: u64) -> u64 {
        self.order.as_ref().map_or(r, |(_, order)| order.apply(r))
    }

    /// Steps 3–6 for offset r of block `block` of phase `phase` (its order in use).
    fn position_in_block(&mut self, phase: usize, block: u64, r: u64) -> Result<i64, EngineError> {
        let plan = self.plan;
        let length = plan.lengths.get(phase).copied().unwrap_or(0);
        let u = block * BLOCK + self.apply_order(r);
        // e·ℓ_i + u < (e + 1)·ℓ_i ≤ (e + 1)·N ≤ 2^64.
        let g = self.epoch * length + u;
        let (s, j) = slot_source(plan.prefix(phase), g);
        let base = self.base(phase, s);
        self.item(s, base + u128::from(j))
    }

    /// A block read at offsets r0, r0 + stride, …: every slot of the block walked once (blocks.rs), then
    /// each output's slot looked up.
    fn fill_block(
        &mut self,
        phase: usize,
        block: u64,
        block_length: u64,
        r0: u64,
        stride: u64,
        run: &mut [i64],
    ) -> Result<(), EngineError> {
        let plan = self.plan;
        let length = plan.lengths.get(phase).copied().unwrap_or(0);
        let g0 = self.epoch * length + block * BLOCK;
        let mut walker = match self.walker.take() {
            Some(walker) => walker,
            None => BlockWalker::with_lookups(BLOCK as usize)?,
        };
        let mut slots = [0i64; BLOCK as usize];
        let slots = slots.get_mut(..run.len()).unwrap_or_default();
        if let Some((_, order)) = &self.order {
            let mut next = r0;
            order.fill_with(slots, || {
                let r = next;
                next = next.wrapping_add(stride);
                r
            });
        }
        walker.walk(plan.prefix(phase), g0, block_length as usize);
        walker.spread();
        let mut result = Ok(());
        for (slot, &u) in run.iter_mut().zip(slots.iter()) {
            let (s, j) = walker.slot(u as usize);
            let base = self.base(phase, s);
            match self.item(s, base + u128::from(j)) {
                Ok(value) => *slot = value,
                Err(error) => {
                    result = Err(error);
                    break;
                }
            }
        }
        self.walker = Some(walker);
        result
    }

    /// Step 4's earlier phase instances for source s (0 with one phase), cached per phase instance.
    fn base(&mut self, phase: usize, s: usize) -> u128 {
        if self.plan.starts.len() == 1 {
            return 0;
        }
        if self.bases_phase != Some(phase) {
            self.bases.clear();
            self.bases_phase = Some(phase);
        }
        let (plan, epoch) = (self.plan, self.epoch);
        *self
            .bases
            .entry(s)
            .or_insert_with(|| plan.occurrence(phase, epoch, s, 0))
    }

    /// π_k of source s: block k of its pass stream (seed, MIXTURE_ITEMS, s), cached.
    fn pass(&mut self, s: usize, pass: u64) -> Result<&Bijection, EngineError> {
        let plan = self.plan;
        if self.passes.is_empty() {
            self.passes.resize(PASS_CACHE.min(plan.sizes.len()), None);
        }
        let index = s % self.passes.len().max(1);
        let cached = self
            .passes
            .get(index)
            .and_then(|entry| entry.as_ref())
            .is_some_and(|(source, k, _)| *source == s && *k == pass);
        if !cached {
            let n = plan.sizes.get(s).copied().unwrap_or(1);
            let bijection = Bijection::for_block(self.seed, MIXTURE_ITEMS, s as u64, n, pass)?;
            if let Some(entry) = self.passes.get_mut(index) {
                *entry = Some((s, pass, bijection));
            }
        }
        match self.passes.get(index).and_then(|entry| entry.as_ref()) {
            Some((_, _, bijection)) => Ok(bijection),
            None => Err(EngineError::Allocation { elements: 1 }),
        }
    }

    /// Steps 5–6: occurrence o of source s is position o of its pass stream; the global index.
    fn item(&mut self, s: usize, o: u128) -> Result<i64, EngineError> {
        let plan = self.plan;
        let n = plan.sizes.get(s).copied().unwrap_or(1);
        // o < 2^64 (the run limit): a u64 division.
        let o = o as u64;
        let (pass, offset) = (o / n, o % n);
        let value = self.pass(s, pass)?.apply(offset);
        let base = plan.offsets.get(s).copied().unwrap_or(0);
        // offset_s + item < Σ n ≤ 2^63.
        Ok((base + value) as i64)
    }
}

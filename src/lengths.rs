//! Length-grouped batches (spec §24): an epoch's plan — windows of a seeded order sorted by length and cut
//! into batches, the batches ranked by padded tokens and grouped into shuffled steps of G.

use crate::alloc::{reserve, vec_with_capacity};
use crate::error::EngineError;
use crate::keystream::{LENGTH_STEPS, MAIN};
use crate::limits::{IntRange, POSITIVE_U64S, check_epoch, check_population, check_strided_span};
use crate::permutation::{Bijection, Permutation, inverse_permutation, permutation_stream};
use crate::threads;

/// Batches per step: a world of fewer than 2^32 ranks (spec §24.2).
pub const GROUPS: IntRange = IntRange {
    lo: 1,
    hi: 1 << 32,
    hi_text: "2**32",
};

/// A length as stored: the table keeps the narrowest type that holds its longest length (a quarter of the
/// memory for token counts below 2^16, so the random lookups of step 3 mostly hit the cache).
trait Length: Copy + Send + Sync {
    fn value(self) -> u64;
}

impl Length for u16 {
    #[inline]
    fn value(self) -> u64 {
        u64::from(self)
    }
}

impl Length for u32 {
    #[inline]
    fn value(self) -> u64 {
        u64::from(self)
    }
}

impl Length for i64 {
    #[inline]
    fn value(self) -> u64 {
        self as u64
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Stored {
    Short(Vec<u16>),
    Medium(Vec<u32>),
    Long(Vec<i64>),
}

/// `lengths` narrowed to `T` (every length fits: checked by the caller), allocated fallibly.
fn narrowed<T: TryFrom<i64> + Default>(lengths: &[i64]) -> Result<Vec<T>, EngineError> {
    let mut out = vec_with_capacity(lengths.len() as u64)?;
    out.extend(lengths.iter().map(|&length| T::try_from(length).unwrap_or_default()));
    Ok(out)
}

/// The lengths of a dataset's samples, validated once; `plan` computes an epoch's plan (§24.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LengthTable {
    stored: Stored,
    total: u128,
    longest: u64,
}

impl LengthTable {
    /// The reference's checks, in its order: not empty, then the first negative length.
    pub fn new(lengths: Vec<i64>) -> Result<Self, EngineError> {
        if lengths.is_empty() {
            return Err(EngineError::EmptyLengths);
        }
        if let Some((index, value)) = lengths.iter().enumerate().find(|(_, value)| **value < 0) {
            return Err(EngineError::InvalidLength {
                index,
                value: i128::from(*value),
            });
        }
        // Every length is in [0, 2^63) and there are fewer than 2^64 of them: the sum fits u128.
        let total = lengths.iter().map(|&length| length as u128).sum();
        let longest = lengths.iter().copied().max().unwrap_or(0) as u64;
        let stored = if longest <= u64::from(u16::MAX) {
            Stored::Short(narrowed(&lengths)?)
        } else if longest <= u64::from(u32::MAX) {
            Stored::Medium(narrowed(&lengths)?)
        } else {
            Stored::Long(lengths)
        };
        Ok(LengthTable { stored, total, longest })
    }

    /// A copy of the lengths as int64 (allocated fallibly).
    pub fn lengths(&self) -> Result<Vec<i64>, EngineError> {
        let mut out = vec_with_capacity(self.len() as u64)?;
        match &self.stored {
            Stored::Short(values) => out.extend(values.iter().map(|&v| i64::from(v))),
            Stored::Medium(values) => out.extend(values.iter().map(|&v| i64::from(v))),
            Stored::Long(values) => out.extend_from_slice(values),
        }
        Ok(out)
    }

    pub fn len(&self) -> usize {
        match &self.stored {
            Stored::Short(values) => values.len(),
            Stored::Medium(values) => values.len(),
            Stored::Long(values) => values.len(),
        }
    }

    /// Never true: a table holds at least one length.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The length of sample `index` (0 outside the table).
    pub fn length(&self, index: i64) -> u64 {
        match &self.stored {
            Stored::Short(values) => length_of(values, index),
            Stored::Medium(values) => length_of(values, index),
            Stored::Long(values) => length_of(values, index),
        }
    }

    /// The longest length.
    pub fn longest(&self) -> u64 {
        self.longest
    }

    /// The sum of the lengths (exact).
    pub fn total(&self) -> u128 {
        self.total
    }

    /// Spec §24.1: the plan of epoch (seed, epoch).
    pub fn plan(&self, seed: u64, epoch: u64, grouping: &Grouping) -> Result<LengthPlan, EngineError> {
        check_epoch(epoch)?;
        // Each storage type gets its own compiled plan (no branch per lookup).
        match &self.stored {
            Stored::Short(values) => LengthPlan::build(values, self.longest, seed, epoch, grouping),
            Stored::Medium(values) => LengthPlan::build(values, self.longest, seed, epoch, grouping),
            Stored::Long(values) => LengthPlan::build(values, self.longest, seed, epoch, grouping),
        }
    }
}

/// How a sorted window is cut: batches of a fixed number of samples, or greedily under a token budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Batching {
    Size(u64),
    Tokens(u64),
}

/// Spec §24.2: with batch_size, the window is a whole number of batches.
pub fn check_window(batching: Batching, window: u64) -> Result<(), EngineError> {
    match batching {
        Batching::Size(batch_size) if !window.is_multiple_of(batch_size) => {
            Err(EngineError::WindowNotMultiple { window, batch_size })
        }
        _ => Ok(()),
    }
}

/// A plan's validated parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grouping {
    batching: Batching,
    window: u64,
    group: u64,
    shuffle: bool,
    drop_last: bool,
    permutation: Permutation,
}

impl Grouping {
    /// The reference's checks, in its order: exactly one of batch_size and max_tokens, its range, the window,
    /// the window against the batch size, the group.
    pub fn new(
        batch_size: Option<u64>,
        max_tokens: Option<u64>,
        window: u64,
        group: u64,
        shuffle: bool,
        drop_last: bool,
        permutation: Permutation,
    ) -> Result<Self, EngineError> {
        let batching = match (batch_size, max_tokens) {
            (Some(size), None) => Batching::Size(POSITIVE_U64S.check("batch_size", size.into())? as u64),
            (None, Some(budget)) => Batching::Tokens(POSITIVE_U64S.check("max_tokens", budget.into())? as u64),
            _ => {
                let shown = |value: Option<u64>| value.map_or("None".to_string(), |value| value.to_string());
                return Err(EngineError::BatchingChoice {
                    batch_size: shown(batch_size),
                    max_tokens: shown(max_tokens),
                });
            }
        };
        POSITIVE_U64S.check("window", window.into())?;
        check_window(batching, window)?;
        GROUPS.check("group", group.into())?;
        Ok(Grouping {
            batching,
            window,
            group,
            shuffle,
            drop_last,
            permutation,
        })
    }

    pub fn batching(&self) -> Batching {
        self.batching
    }

    pub fn window(&self) -> u64 {
        self.window
    }

    pub fn group(&self) -> u64 {
        self.group
    }
}

/// Step 1: position p of the epoch holds index o[p] (block 0 of the MAIN permutation, or the identity).
pub fn epoch_order(
    seed: u64,
    epoch: u64,
    n: u64,
    shuffle: bool,
    permutation: Permutation,
) -> Result<Vec<i64>, EngineError> {
    if shuffle {
        return permutation_stream(seed, MAIN, epoch, n, 0, n, permutation, 1);
    }
    identity(n)
}

/// How the windows get step 1's order: already filled (Fisher–Yates is sequential), or filled window by window
/// by the thread that sorts it (the identity, or block 0 of §5.2's bijection: the same values as
/// `epoch_order`, without a separate pass over the whole order).
enum Order {
    Filled,
    Identity,
    Feistel(Bijection),
}

/// Step 1's order as a buffer (zeroed unless filled) and how the windows fill it.
fn order_source(
    seed: u64,
    epoch: u64,
    n: u64,
    shuffle: bool,
    permutation: Permutation,
) -> Result<(Vec<i64>, Order), EngineError> {
    // Zeroed on the engine's threads: the buffer's first touch (its page faults) is spread over them too.
    let buffer = || threads::fill_new(n, |_, _| Ok(()));
    match (shuffle, permutation) {
        (false, _) => Ok((buffer()?, Order::Identity)),
        (true, Permutation::Feistel) if n >= 1 => {
            check_population(n, n)?;
            let bijection = Bijection::for_block(seed, MAIN, epoch, n, 0)?;
            Ok((buffer()?, Order::Feistel(bijection)))
        }
        (true, _) => Ok((epoch_order(seed, epoch, n, shuffle, permutation)?, Order::Filled)),
    }
}

/// [0, 1, …, n − 1], filled on the engine's threads.
fn identity(n: u64) -> Result<Vec<i64>, EngineError> {
    threads::fill_new(n, |first, chunk| {
        for (value, slot) in (first..).zip(chunk.iter_mut()) {
            *slot = value as i64;
        }
        Ok(())
    })
}

/// The length of sample `index` (indices come from a permutation of the table: always in range).
#[inline]
fn length_of<T: Length>(lengths: &[T], index: i64) -> u64 {
    lengths.get(index as usize).map_or(0, |&length| length.value())
}

/// Lengths and indices below this pack into one u64 radix item (half the memory traffic, same order).
const NARROW: u64 = 1 << 32;

/// An item of the radix sort: its key (a length) in the bits the passes read.
trait Keyed: Copy {
    fn key(self) -> u64;
}

/// `(length << 32) | index`.
impl Keyed for u64 {
    #[inline]
    fn key(self) -> u64 {
        self >> 32
    }
}

/// `(length, index)`.
impl Keyed for (u64, i64) {
    #[inline]
    fn key(self) -> u64 {
        self.0
    }
}

/// The two buffers of a radix sort of wide items.
type WideBuffers = (Vec<(u64, i64)>, Vec<(u64, i64)>);

/// A thread's working memory for sorting windows: the radix sort's two buffers of either item kind.
#[derive(Default)]
struct Scratch {
    narrow: (Vec<u64>, Vec<u64>),
    wide: WideBuffers,
}

impl Scratch {
    /// Buffers for windows of up to `span` entries, allocated fallibly (the sort then never allocates).
    fn new(span: u64, narrow: bool) -> Result<Self, EngineError> {
        let mut scratch = Scratch::default();
        if narrow {
            scratch.narrow = (vec_with_capacity(span)?, vec_with_capacity(span)?);
        } else {
            scratch.wide = (vec_with_capacity(span)?, vec_with_capacity(span)?);
        }
        Ok(scratch)
    }
}

/// A stable LSD radix sort of `from` by key, one byte per pass (`passes` ≤ 8 bytes; the counts of every pass
/// in one read); the result ends in `from` (`to` is the other buffer, as long).
fn radix_sort<K: Keyed>(from: &mut Vec<K>, to: &mut Vec<K>, passes: u32) {
    let mut counts = [[0usize; 256]; 8];
    for item in from.iter() {
        let key = item.key();
        for (pass, count) in (0..passes).zip(counts.iter_mut()) {
            if let Some(slot) = count.get_mut(((key >> (8 * pass)) & 0xFF) as usize) {
                *slot += 1;
            }
        }
    }
    for (pass, count) in (0..passes).zip(counts.iter_mut()) {
        // One bucket holds everything: this byte orders nothing.
        if count.contains(&from.len()) {
            continue;
        }
        let mut sum = 0;
        for start in count.iter_mut() {
            (*start, sum) = (sum, sum + *start);
        }
        for &item in from.iter() {
            if let Some(start) = count.get_mut(((item.key() >> (8 * pass)) & 0xFF) as usize) {
                if let Some(slot) = to.get_mut(*start) {
                    *slot = item;
                }
                *start += 1;
            }
        }
        std::mem::swap(from, to);
    }
}

/// Step 3: a window's indices (in position order) put in ascending (length, position) order, by a stable LSD
/// radix sort on the length (`passes` = the bytes of the table's longest length): stable on input in position
/// order is exactly the (length, position) order. `narrow`: every length and index below 2^32.
fn sort_window<T: Length>(lengths: &[T], entries: &mut [i64], passes: u32, narrow: bool, scratch: &mut Scratch) {
    if narrow {
        let (from, to) = &mut scratch.narrow;
        from.clear();
        from.extend(
            entries
                .iter()
                .map(|&index| (length_of(lengths, index) << 32) | (index as u64 & (NARROW - 1))),
        );
        to.clear();
        to.resize(from.len(), 0);
        radix_sort(from, to, passes);
        for (slot, &item) in entries.iter_mut().zip(from.iter()) {
            *slot = (item & (NARROW - 1)) as i64;
        }
    } else {
        let (from, to) = &mut scratch.wide;
        from.clear();
        from.extend(entries.iter().map(|&index| (length_of(lengths, index), index)));
        to.clear();
        to.resize(from.len(), (0, 0));
        radix_sort(from, to, passes);
        for (slot, &(_, index)) in entries.iter_mut().zip(from.iter()) {
            *slot = index;
        }
    }
}

/// Appends `value`, allocating fallibly.
fn push<T>(out: &mut Vec<T>, value: T) -> Result<(), EngineError> {
    reserve(out, 1)?;
    out.push(value);
    Ok(())
}

/// Step 4: the sizes of a sorted window's batches, from its first entry.
fn cut_window<T: Length>(lengths: &[T], entries: &[i64], batching: Batching) -> Result<Vec<u64>, EngineError> {
    let mut sizes = Vec::new();
    let m = entries.len() as u64;
    match batching {
        Batching::Size(size) => {
            let mut lo = 0;
            while lo < m {
                push(&mut sizes, size.min(m - lo))?;
                lo = lo.saturating_add(size);
            }
        }
        Batching::Tokens(budget) => {
            let mut count: u64 = 0;
            for &index in entries {
                // The entries ascend, so this one would be the batch's longest: (count + 1) of its length is the
                // padded size.
                let padded = u128::from(count + 1) * u128::from(length_of(lengths, index));
                if count > 0 && padded > u128::from(budget) {
                    push(&mut sizes, count)?;
                    count = 0;
                }
                count += 1;
            }
            push(&mut sizes, count)?;
        }
    }
    Ok(sizes)
}

/// One window of the plan order, sorted and cut in place by a worker.
struct Window<'a> {
    entries: &'a mut [i64],
    sizes: Vec<u64>,
}

/// Steps 2–4: the plan order (the sorted windows back to back) and the batch bounds (batch b is
/// plan[bounds[b]..bounds[b + 1]]). Windows are sorted in chunks of whole windows on the engine's threads.
fn sorted_windows<T: Length>(
    lengths: &[T],
    (mut order, source): (Vec<i64>, Order),
    grouping: &Grouping,
    longest: u64,
) -> Result<(Vec<i64>, Vec<u64>), EngineError> {
    // A window past N is one window of N (usize::MAX when the window does not fit usize).
    let width = usize::try_from(grouping.window).unwrap_or(usize::MAX).max(1);
    let span = width.min(order.len());
    // The radix sort's passes: the bytes of the longest length (0 when every length is 0).
    let passes = (u64::BITS - longest.leading_zeros()).div_ceil(8);
    let narrow = longest < NARROW && (order.len() as u64) <= NARROW;
    let mut windows: Vec<Window> = vec_with_capacity(order.len().div_ceil(width) as u64)?;
    windows.extend(order.chunks_mut(width).map(|entries| Window {
        entries,
        sizes: Vec::new(),
    }));
    let batching = grouping.batching;
    threads::fill_weighted(&mut windows, span as u64, |first, chunk| {
        let mut scratch = Scratch::new(span as u64, narrow)?;
        for (w, window) in (first..).zip(chunk.iter_mut()) {
            // Window w starts at position w·W (< N); its order is filled here, while it is in this thread's cache.
            let mut position = w * width as u64;
            let mut next = || {
                position += 1;
                position - 1
            };
            match &source {
                Order::Filled => {}
                Order::Identity => window.entries.iter_mut().for_each(|slot| *slot = next() as i64),
                Order::Feistel(bijection) => bijection.fill_with(window.entries, next),
            }
            sort_window(lengths, window.entries, passes, narrow, &mut scratch);
            window.sizes = cut_window(lengths, window.entries, batching)?;
        }
        Ok(())
    })?;
    let batches: usize = windows.iter().map(|window| window.sizes.len()).sum();
    let mut bounds = vec_with_capacity(batches as u64 + 1)?;
    let mut end = 0u64;
    bounds.push(end);
    for window in &windows {
        for &size in &window.sizes {
            end += size;
            bounds.push(end);
        }
    }
    drop(windows);
    Ok((order, bounds))
}

/// Step 5: the batch numbers in ascending order of (padded tokens, batch number).
fn ranking<T: Length>(lengths: &[T], plan: &[i64], bounds: &[u64]) -> Result<Vec<u64>, EngineError> {
    let batches = bounds.len().saturating_sub(1);
    let mut keys: Vec<(u128, u64)> = vec_with_capacity(batches as u64)?;
    keys.extend((0u64..).zip(bounds.windows(2)).map(|(b, pair)| {
        let (lo, hi) = match pair {
            [lo, hi] => (*lo, *hi),
            _ => (0, 0),
        };
        let longest = hi
            .checked_sub(1)
            .and_then(|last| plan.get(last as usize))
            .map_or(0, |&index| length_of(lengths, index));
        (u128::from(hi - lo) * u128::from(longest), b)
    }));
    let mut ranked = vec_with_capacity(batches as u64)?;
    if keys.iter().all(|&(tokens, _)| tokens <= u128::from(u64::MAX)) {
        // The same order on narrower keys (a faster sort).
        let mut narrow: Vec<(u64, u64)> = vec_with_capacity(batches as u64)?;
        narrow.extend(keys.iter().map(|&(tokens, b)| (tokens as u64, b)));
        drop(keys);
        narrow.sort_unstable();
        ranked.extend(narrow.iter().map(|&(_, b)| b));
    } else {
        keys.sort_unstable();
        ranked.extend(keys.iter().map(|&(_, b)| b));
    }
    Ok(ranked)
}

/// Step 6: slot j holds ranks f_j … f_j + m_j − 1 of the ranking; the partial slot j* = σ[S − 1].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slots {
    group: u64,
    partial_size: u64,
    partial: Option<u64>,
}

impl Slots {
    fn new(batches: u64, group: u64, steps: &[i64]) -> Self {
        let partial_size = batches % group;
        let partial = match partial_size {
            0 => None,
            _ => steps.last().map(|&slot| slot as u64),
        };
        Slots {
            group,
            partial_size,
            partial,
        }
    }

    /// The slot j holding rank r of the ranking, and r's place in it (r − f_j): `run` backwards.
    fn slot_of(&self, r: u64) -> (u64, u64) {
        let (g, k) = (self.group, self.partial_size);
        match self.partial {
            Some(partial) if r >= partial * g + k => {
                let shifted = r + (g - k);
                (shifted / g, shifted % g)
            }
            Some(partial) if r >= partial * g => (partial, r - partial * g),
            _ => (r / g, r % g),
        }
    }

    /// (f_j, m_j).
    fn run(&self, j: u64) -> (u64, u64) {
        let (g, k) = (self.group, self.partial_size);
        match self.partial {
            None => (j * g, g),
            Some(partial) if j == partial => (j * g, k),
            Some(partial) if j < partial => (j * g, g),
            Some(_) => (j * g - (g - k), g),
        }
    }
}

/// Where an index is served (spec §24.4): `(g, offset, step, count)`, global positions g + c·step for c < count.
pub type Located = (u64, u64, u64, u64);

/// An epoch's plan: `num_batches` global positions, position p a batch of the plan order (§24.1 step 7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LengthPlan {
    plan: Vec<i64>,
    bounds: Vec<u64>,
    ranked: Vec<u64>,
    steps: Vec<i64>,
    slots: Slots,
    served: u64,
    key: (u64, u64),
    grouping: Grouping,
}

impl LengthPlan {
    fn build<T: Length>(
        lengths: &[T],
        longest: u64,
        seed: u64,
        epoch: u64,
        grouping: &Grouping,
    ) -> Result<Self, EngineError> {
        let n = lengths.len() as u64;
        let order = order_source(seed, epoch, n, grouping.shuffle, grouping.permutation)?;
        let (plan, mut bounds) = sorted_windows(lengths, order, grouping, longest)?;
        if let Batching::Size(size) = grouping.batching
            && grouping.drop_last
            && !n.is_multiple_of(size)
        {
            bounds.pop();
        }
        let ranked = ranking(lengths, &plan, &bounds)?;
        let batches = ranked.len() as u64;
        let group = grouping.group;
        let (full, partial) = (batches / group, batches % group);
        let count = full + u64::from(partial > 0);
        let steps = if grouping.shuffle {
            permutation_stream(seed, LENGTH_STEPS, epoch, count, 0, count, grouping.permutation, 1)?
        } else {
            identity(count)?
        };
        let slots = Slots::new(batches, group, &steps);
        let served = if grouping.drop_last { full } else { count };
        Ok(LengthPlan {
            plan,
            bounds,
            ranked,
            steps,
            slots,
            served,
            key: (seed, epoch),
            grouping: *grouping,
        })
    }

    /// n: the global positions of the epoch (served steps × group).
    pub fn num_batches(&self) -> u64 {
        self.served * self.slots.group
    }

    /// S′: the steps served.
    pub fn num_steps(&self) -> u64 {
        self.served
    }

    /// G: batches per step.
    pub fn group(&self) -> u64 {
        self.slots.group
    }

    /// nb: the batches cut from the windows (before padding or dropping a partial step).
    pub fn distinct_batches(&self) -> u64 {
        self.ranked.len() as u64
    }

    /// Step 7: the batch number at global position `position` (read mod num_batches ≥ 1).
    fn batch_at(&self, position: u64) -> u64 {
        let n = self.num_batches().max(1);
        let g = self.slots.group;
        let at = position % n;
        let (step, slot) = (at / g, at % g);
        let j = self.steps.get(step as usize).map_or(0, |&j| j as u64);
        let (first, size) = self.slots.run(j);
        self.ranked
            .get((first + slot % size.max(1)) as usize)
            .copied()
            .unwrap_or(0)
    }

    /// The indices of batch `b`, ascending length.
    fn batch(&self, b: u64) -> &[i64] {
        let lo = self.bounds.get(b as usize).copied().unwrap_or(0);
        let hi = self.bounds.get(b as usize + 1).copied().unwrap_or(lo);
        self.plan.get(lo as usize..hi as usize).unwrap_or(&[])
    }

    /// Spec §24.4: where `index` is served, as `(g, offset, step, count)`: global positions g + c·step (c < count;
    /// more than one only in the partial step, whose repeats are every `step`-th place), the index at `offset` in
    /// each; None when no position serves it. The order's inverse gives the window, a scan of that sorted window
    /// the batch, a binary search of the ranking its rank, the step order's inverse its step.
    pub fn locate(&self, table: &LengthTable, index: u64) -> Result<Option<Located>, EngineError> {
        let n = self.plan.len() as u64;
        if index >= n {
            return Err(EngineError::IndexOutOfRange {
                name: "index",
                value: i128::from(index),
                len: n,
            });
        }
        let (seed, epoch) = self.key;
        let grouping = &self.grouping;
        // Step 1 backwards: the position p of the index in the epoch's order, hence its window.
        let p = match grouping.shuffle {
            true => inverse_permutation(seed, MAIN, epoch, n, 0, &[index as i64], grouping.permutation)?
                .first()
                .map_or(0, |&p| p as u64),
            false => index,
        };
        let lo = p / grouping.window * grouping.window;
        let hi = lo.saturating_add(grouping.window).min(n);
        let window = self.plan.get(lo as usize..hi as usize).unwrap_or(&[]);
        let Some(q) = window.iter().position(|&i| i as u64 == index).map(|q| lo + q as u64) else {
            return Ok(None);
        };
        // Step 4: the batch holding plan position q (none: the short batch drop_last removed).
        let b = (self.bounds.partition_point(|&bound| bound <= q) as u64).saturating_sub(1);
        if b >= self.distinct_batches() {
            return Ok(None);
        }
        let offset = q - self.bounds.get(b as usize).copied().unwrap_or(0);
        // Step 5: its rank among (τ, batch number), by binary search of the ranking.
        let tokens = |b: u64| -> u128 {
            let batch = self.batch(b);
            let longest = batch.last().map_or(0, |&i| table.length(i));
            batch.len() as u128 * u128::from(longest)
        };
        let key = (tokens(b), b);
        let r = self.ranked.partition_point(|&other| (tokens(other), other) < key) as u64;
        // Step 6 backwards: the slot j holding rank r and the place i in it; σ's inverse gives the step.
        let (j, i) = self.slots.slot_of(r);
        let count = self.steps.len() as u64;
        let t = match grouping.shuffle {
            true => inverse_permutation(seed, LENGTH_STEPS, epoch, count, 0, &[j as i64], grouping.permutation)?
                .first()
                .map_or(0, |&t| t as u64),
            false => j,
        };
        // Step 7: served positions t·G + i, and in the partial step the repeats i + c·k < G.
        if t >= self.served {
            return Ok(None);
        }
        let g = self.slots.group;
        let (_, size) = self.slots.run(j);
        Ok(Some((t * g + i, offset, size, 1 + (g - 1 - i) / size)))
    }

    /// Global positions start + c·stride (c < count): the batches' indices back to back and count + 1
    /// offsets (batch c is indices[offsets[c]..offsets[c + 1]]).
    pub fn batches(&self, start: u64, count: u64, stride: u64) -> Result<(Vec<i64>, Vec<i64>), EngineError> {
        check_strided_span(start, count, stride)?;
        if count > 0 && self.num_batches() == 0 {
            return Err(EngineError::EmptyPlan { count });
        }
        // The span is checked: every start + c·stride < 2^64. The offsets come first: an absurd count fails
        // its allocation before any batch is looked at.
        let positions = (0..count).map(|c| start + c * stride);
        let mut offsets = vec_with_capacity(count.saturating_add(1))?;
        let mut total: u64 = 0;
        offsets.push(0);
        for position in positions.clone() {
            let size = self.batch(self.batch_at(position)).len() as u64;
            total = total.checked_add(size).ok_or(EngineError::Allocation {
                elements: u128::from(total) + u128::from(size),
            })?;
            offsets.push(total as i64);
        }
        let mut indices = vec_with_capacity(total)?;
        for position in positions {
            indices.extend_from_slice(self.batch(self.batch_at(position)));
        }
        Ok((indices, offsets))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grouping(batch_size: Option<u64>, max_tokens: Option<u64>, window: u64, group: u64) -> Grouping {
        Grouping::new(batch_size, max_tokens, window, group, true, false, Permutation::Feistel).unwrap()
    }

    #[test]
    fn every_index_once_and_each_step_of_neighbours() {
        let lengths: Vec<i64> = (0..1000).map(|i| (i * 7919) % 613).collect();
        let table = LengthTable::new(lengths.clone()).unwrap();
        let plan = table.plan(3, 1, &grouping(Some(8), None, 64, 4)).unwrap();
        assert_eq!(plan.distinct_batches(), 125);
        let (indices, offsets) = plan.batches(0, plan.num_batches(), 1).unwrap();
        assert_eq!(plan.num_batches(), 128);
        // 125 batches + 3 repeats in the partial step.
        let batches: Vec<&[i64]> = offsets
            .windows(2)
            .map(|w| &indices[w[0] as usize..w[1] as usize])
            .collect();
        let mut seen: Vec<i64> = Vec::new();
        let mut distinct = std::collections::HashSet::new();
        for batch in &batches {
            if distinct.insert(batch.to_vec()) {
                seen.extend_from_slice(batch);
            }
        }
        seen.sort_unstable();
        assert_eq!(seen, (0..1000).collect::<Vec<i64>>());
        for batch in &batches {
            assert!(
                batch
                    .windows(2)
                    .all(|w| lengths[w[0] as usize] <= lengths[w[1] as usize])
            );
        }
    }

    #[test]
    fn a_token_budget_holds_except_for_over_long_samples() {
        let lengths: Vec<i64> = (0..500).map(|i| (i * 31) % 97).collect();
        let table = LengthTable::new(lengths.clone()).unwrap();
        let plan = table.plan(0, 0, &grouping(None, Some(90), 128, 1)).unwrap();
        let (indices, offsets) = plan.batches(0, plan.num_batches(), 1).unwrap();
        for w in offsets.windows(2) {
            let batch = &indices[w[0] as usize..w[1] as usize];
            let longest = batch.iter().map(|&i| lengths[i as usize]).max().unwrap();
            assert!(batch.len() as i64 * longest <= 90 || batch.len() == 1);
        }
    }

    #[test]
    fn refusals_name_the_argument() {
        assert_eq!(LengthTable::new(vec![]).unwrap_err(), EngineError::EmptyLengths);
        assert_eq!(
            LengthTable::new(vec![1, -2]).unwrap_err().to_string(),
            "lengths[1] must be in [0, 2**63), got -2"
        );
        let error = Grouping::new(None, None, 1, 1, true, false, Permutation::Feistel).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("exactly one of batch_size and max_tokens")
        );
        let error = Grouping::new(Some(4), None, 6, 1, true, false, Permutation::Feistel).unwrap_err();
        assert_eq!(
            error.to_string(),
            "window must be a multiple of batch_size=4, got window=6"
        );
        let error = Grouping::new(None, Some(4), 6, 1 << 32, true, false, Permutation::Feistel).unwrap_err();
        assert_eq!(error.to_string(), "group must be in [1, 2**32), got group=4294967296");
    }
}

//! PK batches and m-per-class units (spec §19.1–§19.4, §20): the class slots of a batch (or unit) and
//! the K rows of each slot, for batches start + c·stride (c < count), as one flat array.

use std::collections::HashMap;

use crate::bounded::multiply_shift;
use crate::classes::ClassLayout;
use crate::error::EngineError;
use crate::keystream::{Keystream, PK_CLASSES, PK_ROWS};
use crate::limits::{POSITIVE_U64S, check_epoch, check_strided_span, vec_with_capacity};
use crate::permutation::Bijection;
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

/// Which classes a batch's (unit's) slots hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Schedule {
    /// §19.1: the effective blocks σ_0, σ_1, … cut into groups of P.
    Balanced,
    /// §20: unit u is π_u's first P entries.
    Independent,
}

/// A validated call: P slots of K rows per batch.
struct Unit {
    schedule: Schedule,
    classes: u64,
    p: u64,
    k: u64,
    replacement: bool,
}

impl Unit {
    /// The reference's checks, in its order: the span, P ≥ 1, K ≥ 1, P ≤ C, then the last batch's draws.
    fn new(
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
    fn fill(
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
            let mut rows = SlotRows {
                seed,
                epoch,
                layout,
                k: self.k,
                replacement: self.replacement,
                displaced: Displaced::default(),
            };
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
                        buffer = vec_with_capacity(width)?;
                        buffer.resize(width as usize, 0);
                    }
                    rows.slot_rows(&batch_classes, b * self.p, &mut buffer)?;
                    let lo = skip as usize;
                    part.copy_from_slice(
                        buffer
                            .get(lo..lo + take)
                            .ok_or(EngineError::Allocation { elements: width.into() })?,
                    );
                }
                rest = tail;
                skip = 0;
                index += 1;
            }
            Ok(())
        })
    }
}

enum Classes {
    Balanced(BalancedClasses),
    Independent(Blocks),
}

/// The raw blocks π_t of stream (s, PK_CLASSES, e), C classes each: the last two bijections kept.
struct Blocks {
    seed: u64,
    epoch: u64,
    classes: u64,
    cached: Vec<(u64, Bijection)>,
}

impl Blocks {
    fn new(seed: u64, epoch: u64, classes: u64) -> Self {
        Blocks {
            seed,
            epoch,
            classes,
            cached: Vec::new(),
        }
    }

    fn bijection(&mut self, t: u64) -> Result<&Bijection, EngineError> {
        let position = match self.cached.iter().position(|(block, _)| *block == t) {
            Some(position) => position,
            None => {
                // t·C ≤ (b + 1)·P < 2^63 for every block a batch reads (the draw limit).
                let bijection = Bijection::for_block(self.seed, PK_CLASSES, self.epoch, self.classes, t)?;
                if self.cached.len() >= 2 {
                    self.cached.remove(0);
                }
                self.cached.push((t, bijection));
                self.cached.len() - 1
            }
        };
        self.cached
            .get(position)
            .map(|(_, bijection)| bijection)
            .ok_or(EngineError::Allocation { elements: 0 })
    }

    /// π_t[lo … lo + count − 1] appended to `out` (lo + count ≤ C), after clearing it.
    fn class_block(&mut self, t: u64, lo: u64, count: u64, out: &mut Vec<i64>) -> Result<(), EngineError> {
        out.clear();
        self.extend_block(t, lo, count, out)
    }

    /// π_t[lo … lo + count − 1] appended to `out`.
    fn extend_block(&mut self, t: u64, lo: u64, count: u64, out: &mut Vec<i64>) -> Result<(), EngineError> {
        let bijection = self.bijection(t)?;
        reserve(out, count)?;
        out.extend((lo..lo + count).map(|offset| bijection.apply(offset) as i64));
        Ok(())
    }
}

/// Room for `extra` more items, or `Allocation`.
fn reserve<T>(out: &mut Vec<T>, extra: u64) -> Result<(), EngineError> {
    let failed = || EngineError::Allocation { elements: extra.into() };
    out.try_reserve(usize::try_from(extra).map_err(|_| failed())?)
        .map_err(|_| failed())
}

/// Spec §19.1: the effective blocks σ_t, their heads σ_t[0 … P − 1] cached (σ_t[i] = π_t[i] for i ≥ P).
struct BalancedClasses {
    blocks: Blocks,
    p: u64,
    /// (t, σ_t's head), at most the two latest.
    heads: Vec<(u64, Vec<i64>)>,
}

impl BalancedClasses {
    fn new(seed: u64, epoch: u64, classes: u64, p: u64) -> Self {
        BalancedClasses {
            blocks: Blocks::new(seed, epoch, classes),
            p,
            heads: Vec::new(),
        }
    }

    fn cached_head(&self, t: u64) -> Option<&Vec<i64>> {
        self.heads.iter().find(|(u, _)| *u == t).map(|(_, head)| head)
    }

    /// σ_t[0 … P − 1]: its chain of heads back to a block whose head needs no earlier head (t = 0,
    /// a = 0 or C − a ≥ P) or is cached, computed forwards.
    fn head(&mut self, t: u64) -> Result<&Vec<i64>, EngineError> {
        if self.cached_head(t).is_none() {
            let (c, p) = (self.blocks.classes, self.p);
            let mut bottom = t;
            loop {
                let a = ((u128::from(bottom) * u128::from(c)) % u128::from(p)) as u64;
                if bottom == 0 || a == 0 || c - a >= p || self.cached_head(bottom - 1).is_some() {
                    break;
                }
                bottom -= 1;
            }
            // Forwards: σ_u's head needs σ_{u−1}'s, cached just before (or at the chain's bottom).
            for u in bottom..=t {
                let head = self.fixed_head(u)?;
                self.keep((u, head));
            }
        }
        self.cached_head(t).ok_or(EngineError::Allocation { elements: 0 })
    }

    /// Caches σ_u's head, dropping all but the latest two (the reference drops those below t − 1).
    fn keep(&mut self, (u, head): (u64, Vec<i64>)) {
        self.heads.retain(|(v, _)| *v != u);
        self.heads.push((u, head));
        self.heads.sort_by_key(|(v, _)| *v);
        while self.heads.len() > 2 {
            self.heads.remove(0);
        }
    }

    /// σ_t's head from π_t's first P entries: the first P − a not in T = σ_{t−1}[C − a … C − 1], then
    /// the rest in π_t's order.
    fn fixed_head(&mut self, t: u64) -> Result<Vec<i64>, EngineError> {
        let (c, p) = (self.blocks.classes, self.p);
        let mut first = Vec::new();
        self.blocks.class_block(t, 0, p, &mut first)?;
        let a = ((u128::from(t) * u128::from(c)) % u128::from(p)) as u64;
        if t == 0 || a == 0 {
            return Ok(first);
        }
        let mut taken = Vec::new();
        self.sigma(t - 1, c - a, c, &mut taken)?;
        taken.sort_unstable();
        let mut head = vec_with_capacity(p)?;
        let mut rest = vec_with_capacity(p)?;
        for x in first {
            if (head.len() as u64) < p - a && taken.binary_search(&x).is_err() {
                head.push(x);
            } else {
                rest.push(x);
            }
        }
        head.append(&mut rest);
        Ok(head)
    }

    /// σ_t[lo … hi − 1] appended to `out`.
    fn sigma(&mut self, t: u64, lo: u64, hi: u64, out: &mut Vec<i64>) -> Result<(), EngineError> {
        let p = self.p;
        if lo < p {
            self.head(t)?;
            let head = self
                .heads
                .iter()
                .find(|(u, _)| *u == t)
                .map(|(_, head)| head.as_slice());
            let end = hi.min(p) as usize;
            out.extend_from_slice(head.and_then(|head| head.get(lo as usize..end)).unwrap_or_default());
        }
        let start = lo.max(p);
        if hi > start {
            self.blocks.extend_block(t, start, hi - start, out)?;
        }
        Ok(())
    }

    /// Batch b's classes σ over slots bP … bP + P − 1 into `out` (bP + P < 2^63: the draw limit).
    fn batch(&mut self, b: u64, out: &mut Vec<i64>) -> Result<(), EngineError> {
        out.clear();
        let (c, p) = (self.blocks.classes, self.p);
        let first = b * p;
        let mut j = first;
        while j < first + p {
            let (t, lo) = (j / c, j % c);
            let hi = c.min(lo + first + p - j);
            self.sigma(t, lo, hi, out)?;
            j += hi - lo;
        }
        Ok(())
    }
}

/// Spec §19.2: the rows of consecutive slots, from stream (s, PK_ROWS, e).
struct SlotRows<'a> {
    seed: u64,
    epoch: u64,
    layout: &'a ClassLayout,
    k: u64,
    replacement: bool,
    displaced: Displaced,
}

impl SlotRows<'_> {
    /// The K rows of slots first_slot, first_slot + 1, … holding `classes`, into `out` (K per slot):
    /// slot j reads u64 draws jK … jK + K − 1.
    fn slot_rows(&mut self, classes: &[i64], first_slot: u64, out: &mut [i64]) -> Result<(), EngineError> {
        let k = self.k;
        // (first_slot + P)·K ≤ 2^63: the draw limit.
        let word = 2 * u128::from(first_slot) * u128::from(k);
        let mut stream = Keystream::new(self.seed, PK_ROWS, self.epoch)?.at_word(word);
        let bad_class = |index: usize, class: i64| EngineError::ClassId {
            index,
            class,
            classes: self.layout.classes(),
        };
        for (index, (&class, slot)) in classes.iter().zip(out.chunks_mut(k as usize)).enumerate() {
            let rows = usize::try_from(class)
                .ok()
                .and_then(|class| self.layout.class_rows(class))
                .ok_or_else(|| bad_class(index, class))?;
            let size = rows.len() as u64;
            if self.replacement || size < k {
                for value in slot.iter_mut() {
                    let j = multiply_shift(stream.next_u64(), size) as usize;
                    *value = rows.get(j).copied().unwrap_or_default();
                }
                continue;
            }
            // A sparse Fisher–Yates prefix of length K (spec §5.1's step).
            self.displaced.clear(k)?;
            for (position, value) in (0u64..).zip(slot.iter_mut()) {
                let j = position + multiply_shift(stream.next_u64(), size - position);
                let a_q = self.displaced.get(position);
                let a_j = self.displaced.get(j);
                self.displaced.set(j, a_q);
                *value = rows.get(a_j as usize).copied().unwrap_or_default();
            }
        }
        Ok(())
    }
}

/// The displaced entries of a sparse Fisher–Yates array (a[i] = i unless stored): a short list for a
/// small K, a map beyond (the same values either way).
#[derive(Default)]
struct Displaced {
    short: Vec<(u64, u64)>,
    map: Option<HashMap<u64, u64>>,
}

/// Up to this many draws per slot, the displaced entries are a list searched linearly.
const SHORT: u64 = 32;

impl Displaced {
    fn clear(&mut self, k: u64) -> Result<(), EngineError> {
        self.short.clear();
        if k <= SHORT {
            self.map = None;
            return reserve(&mut self.short, k);
        }
        let mut map = self.map.take().unwrap_or_default();
        map.clear();
        let failed = || EngineError::Allocation { elements: k.into() };
        map.try_reserve(usize::try_from(k).map_err(|_| failed())?)
            .map_err(|_| failed())?;
        self.map = Some(map);
        Ok(())
    }

    fn get(&self, i: u64) -> u64 {
        match &self.map {
            Some(map) => map.get(&i).copied().unwrap_or(i),
            None => self.short.iter().rev().find(|(j, _)| *j == i).map_or(i, |(_, v)| *v),
        }
    }

    fn set(&mut self, i: u64, value: u64) {
        match &mut self.map {
            Some(map) => {
                map.insert(i, value);
            }
            None => self.short.push((i, value)),
        }
    }
}

//! Alias table (spec §7.2) and its draws (spec §7.3).

use crate::alloc::vec_with_capacity;
use crate::bounded::multiply_shift;
use crate::error::EngineError;
use crate::keystream::{Keystream, MAIN};
use crate::limits::{check_epoch, check_strided_span};
use crate::prefetch::prefetch;
use crate::threads;
use crate::weights::masses::{CAPACITY, check_masses};

/// Draws resolved together: their columns are prefetched before the first is read.
const DRAW_LANES: usize = 128;

/// One column (one u64, so one cache line per draw): accept index j when the coin word is below `threshold`, else take `alias`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Column {
    /// A full column stores 2^32 − 1 and aliases itself, which draws the same as a threshold of 2^32.
    threshold: u32,
    alias: u32,
}

/// Walker/Vose alias table with integer thresholds (spec §7.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasTable {
    columns: Vec<Column>,
}

/// One of §7.2's stacks before anything is pushed back: the indices whose mass `belongs`, popped from the
/// highest down (64 indices at a time are classified into a bit mask, so finding the next costs no branch
/// per index).
struct Cursor<'a, F> {
    masses: &'a [u64],
    /// The first index of the block `pending` covers; blocks below it are not read yet.
    base: usize,
    /// Bit k set: index base + k belongs and is not popped yet.
    pending: u64,
    belongs: F,
}

impl<'a, F: Fn(u64) -> bool> Cursor<'a, F> {
    fn new(masses: &'a [u64], belongs: F) -> Self {
        Cursor {
            masses,
            base: masses.len().next_multiple_of(64),
            pending: 0,
            belongs,
        }
    }

    /// The highest index not yet popped whose mass belongs, with its mass.
    #[inline]
    fn pop(&mut self) -> Option<(u32, u64)> {
        while self.pending == 0 {
            if self.base == 0 {
                return None;
            }
            self.base -= 64;
            let block = self.masses.get(self.base..).unwrap_or_default();
            self.pending = (0..64)
                .zip(block)
                .fold(0, |mask, (k, &q)| mask | (u64::from((self.belongs)(q)) << k));
        }
        let k = 63 - self.pending.leading_zeros() as usize;
        self.pending &= !(1 << k);
        let index = self.base + k;
        // index < n < 2^32 (checked by `build`).
        Some((index as u32, self.masses.get(index).copied().unwrap_or(0)))
    }
}

impl AliasTable {
    /// The table of integer masses (§7.1's result; anything else is `InvalidMasses`).
    ///
    /// §7.2's two stacks without the stacks: both start in index order, so each pops its indices from the
    /// highest down, and the one index pushed back (l, once reduced) is the next one popped from its stack.
    /// So a cursor per stack walks the masses down from n − 1, and the reduced l waits in `pushed` (on
    /// `small` or `large`) until the next step takes it; no mass but l's ever changes.
    pub fn build(masses: &[u64]) -> Result<Self, EngineError> {
        check_masses(masses)?;
        Self::build_checked(masses)
    }

    /// `build` of masses already known to be §7.1's result (a `WeightTable`'s, checked when it was made).
    pub(crate) fn build_checked(masses: &[u64]) -> Result<Self, EngineError> {
        let n = masses.len() as u64;
        let mut columns: Vec<Column> = vec_with_capacity(n)?;
        // n < 2^32 (checked), so every index fits in u32.
        columns.extend((0..n as u32).map(|j| Column {
            threshold: u32::MAX,
            alias: j,
        }));
        let mut small = Cursor::new(masses, |q| q < CAPACITY);
        let mut large = Cursor::new(masses, |q| q >= CAPACITY);
        // The pushed-back l and its reduced mass, on `small` when below the capacity, else on `large`.
        let mut pushed: Option<(u32, u64)> = None;
        loop {
            let (s, q_s) = match pushed {
                Some((l, q_l)) if q_l < CAPACITY => (l, q_l),
                _ => match small.pop() {
                    Some(popped) => popped,
                    None => break,
                },
            };
            let (l, q_l) = match pushed.take() {
                Some((l, q_l)) if q_l >= CAPACITY => (l, q_l),
                _ => match large.pop() {
                    Some(popped) => popped,
                    None => break,
                },
            };
            if let Some(column) = columns.get_mut(s as usize) {
                // Small columns hold q_s < 2^32.
                *column = Column {
                    threshold: q_s as u32,
                    alias: l,
                };
            }
            // q_l ≥ 2^32 ≥ 2^32 − q_s: exact, never below zero.
            pushed = Some((l, q_l - (CAPACITY - q_s)));
        }
        // Exact arithmetic: every index left on a stack has q = 2^32 and keeps its full column.
        Ok(AliasTable { columns })
    }

    pub fn len(&self) -> usize {
        self.columns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// Thresholds (2^32 for a full column, as the spec writes them) and aliases.
    pub fn columns(&self) -> Result<(Vec<u64>, Vec<u32>), EngineError> {
        let n = self.columns.len() as u64;
        let mut threshold: Vec<u64> = vec_with_capacity(n)?;
        let mut alias: Vec<u32> = vec_with_capacity(n)?;
        for (j, column) in (0u32..).zip(&self.columns) {
            let full = column.threshold == u32::MAX && column.alias == j;
            threshold.push(if full { CAPACITY } else { column.threshold.into() });
            alias.push(column.alias);
        }
        Ok((threshold, alias))
    }

    /// Draws start + c·stride (c < count) of the epoch, three words each (spec §7.3).
    pub fn draws(&self, seed: u64, epoch: u64, start: u64, count: u64, stride: u64) -> Result<Vec<i64>, EngineError> {
        check_strided_span(start, count, stride)?;
        check_epoch(epoch)?;
        threads::fill_new(count, |first, chunk| {
            let stream = Keystream::new(seed, MAIN, epoch)?;
            let position = start + first * stride;
            if stride == 1 {
                // Position p starts at word 3p (3 · p < 3 · 2^64: far below the keystream's 2^68 words).
                self.draw_lanes(stream.at_word(3 * u128::from(position)), chunk);
            } else {
                stream.read_strided(3, position, stride, chunk, |s| self.draw(s));
            }
            Ok(())
        })
    }

    /// Consecutive draws, DRAW_LANES at a time and one lane ahead: a lane's words are read in bulk and its
    /// columns computed and prefetched while the previous lane is resolved (the same values as `draw`
    /// one after another).
    fn draw_lanes(&self, mut stream: Keystream, out: &mut [i64]) {
        let mut words = [0u32; 3 * DRAW_LANES];
        let mut picks = [[(0u64, 0u32); DRAW_LANES]; 2];
        let mut base = 0;
        let mut current = 0;
        let mut ready = self.pick(&mut stream, &mut words, &mut picks[0], out.len());
        while ready > 0 {
            let next = base + ready;
            let [first, second] = &mut picks;
            let (now, ahead) = if current == 0 { (first, second) } else { (second, first) };
            let coming = self.pick(&mut stream, &mut words, ahead, out.len().saturating_sub(next));
            if let Some(lane) = out.get_mut(base..next) {
                for (slot, &(j, coin)) in lane.iter_mut().zip(now.iter()) {
                    *slot = self.resolve(j, coin);
                }
            }
            (base, ready, current) = (next, coming, 1 - current);
        }
    }

    /// The next min(left, DRAW_LANES) draws' columns and coins, each column prefetched; returns how many.
    fn pick(
        &self,
        stream: &mut Keystream,
        words: &mut [u32; 3 * DRAW_LANES],
        picks: &mut [(u64, u32); DRAW_LANES],
        left: usize,
    ) -> usize {
        let n = self.columns.len() as u64;
        let count = left.min(DRAW_LANES);
        let Some(words) = words.get_mut(..3 * count) else {
            return 0;
        };
        stream.fill_words(words);
        for (pick, draw) in picks.iter_mut().zip(words.chunks_exact(3)) {
            if let &[low, high, coin] = draw {
                let j = multiply_shift(u64::from(low) | (u64::from(high) << 32), n);
                if let Some(column) = self.columns.get(j as usize) {
                    prefetch(column);
                }
                *pick = (j, coin);
            }
        }
        count
    }

    /// One draw: a u64 picks the column, a u32 coin accepts it or takes its alias.
    #[inline]
    fn draw(&self, stream: &mut Keystream) -> i64 {
        let x = stream.next_u64();
        let coin = stream.next_u32();
        self.resolve(multiply_shift(x, self.columns.len() as u64), coin)
    }

    /// Column j < n (so it exists: `build` never makes an empty table) accepts or takes its alias.
    #[inline(always)]
    fn resolve(&self, j: u64, coin: u32) -> i64 {
        let Some(column) = self.columns.get(j as usize) else {
            return j as i64;
        };
        // Branch-free (the coin is a fair guess): all ones when the alias is taken.
        let take = u64::from(coin >= column.threshold).wrapping_neg();
        (j ^ ((j ^ u64::from(column.alias)) & take)) as i64
    }
}

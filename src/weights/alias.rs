//! Alias table (spec §7.2) and its draws (spec §7.3); the draws' columns are picked and resolved by the
//! widest SIMD kernel the CPU runs (`kernel::selected`), with the scalar kernel's output.

use crate::alloc::{table_with_capacity, vec_with_capacity};
use crate::bounded::multiply_shift;
use crate::error::EngineError;
use crate::kernel::{self, Kernel};
use crate::keystream::{Keystream, MAIN};
use crate::limits::{check_epoch, check_strided_span};
use crate::prefetch::prefetch;
use crate::threads;
use crate::weights::masses::{CAPACITY, check_masses};

/// Draws resolved together: their columns are prefetched before the first is read.
const DRAW_LANES: usize = 128;
/// The keystream words of a lane.
const WORDS: usize = 3 * DRAW_LANES;

// Whole SIMD groups (8 draws) per lane.
const _: () = assert!(DRAW_LANES.is_multiple_of(8));

/// A lane's draws: the column each picks (< n) and its coin word.
#[derive(Debug, Clone, Copy)]
struct Picks {
    column: [u64; DRAW_LANES],
    coin: [u64; DRAW_LANES],
}

impl Default for Picks {
    fn default() -> Self {
        Picks {
            column: [0; DRAW_LANES],
            coin: [0; DRAW_LANES],
        }
    }
}

/// One column (one u64, so one cache line per draw): accept index j when the coin word is below `threshold`, else take `alias`.
/// `repr(C)`: read as one little-endian u64 by the SIMD kernels, the threshold is its low half.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
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

/// One of §7.2's stacks before anything is pushed back: the small (q < 2^32) or the large indices, popped from
/// the highest down through the bit mask `small_bits` made (so finding the next costs no branch per index).
struct Cursor<'a> {
    masses: &'a [u64],
    /// Bit k of word b: index 64b + k is small.
    small: &'a [u64],
    large: bool,
    /// The first index of the block `pending` covers; blocks below it are not read yet.
    base: usize,
    /// Bit k set: index base + k is on this stack and not popped yet.
    pending: u64,
}

impl<'a> Cursor<'a> {
    fn new(masses: &'a [u64], small: &'a [u64], large: bool) -> Self {
        Cursor {
            masses,
            small,
            large,
            base: masses.len().next_multiple_of(64),
            pending: 0,
        }
    }

    /// The highest index not yet popped on this stack, with its mass.
    #[inline]
    fn pop(&mut self) -> Option<(u32, u64)> {
        while self.pending == 0 {
            if self.base == 0 {
                return None;
            }
            self.base -= 64;
            let word = self.small.get(self.base / 64).copied().unwrap_or(0);
            // Bits past the last index are 0 in `small`, so only the large stack masks them.
            let present = self.masses.len() - self.base;
            let valid = if present >= 64 { u64::MAX } else { (1 << present) - 1 };
            self.pending = if self.large { !word & valid } else { word };
        }
        let k = 63 - self.pending.leading_zeros() as usize;
        self.pending &= !(1 << k);
        let index = self.base + k;
        // index < n < 2^32 (checked by `build`).
        Some((index as u32, self.masses.get(index).copied().unwrap_or(0)))
    }
}

/// Bit k of word b set when mass 64b + k is small (below the capacity): §7.2's first classification, once
/// for both stacks, by `kernel` (the scalar loop when this CPU lacks it).
fn small_bits(kernel: Kernel, masses: &[u64]) -> Result<Vec<u64>, EngineError> {
    let mut bits: Vec<u64> = vec_with_capacity(masses.len().div_ceil(64) as u64)?;
    let kernel = if kernel.is_available() { kernel } else { Kernel::Scalar };
    bits.extend(masses.chunks(64).map(|block| {
        match (kernel, <&[u64; 64]>::try_from(block)) {
            #[cfg(target_arch = "x86_64")]
            (Kernel::Avx512, Ok(block)) => {
                // SAFETY: this CPU runs AVX-512 F (checked just above).
                unsafe { small_avx512(block) }
            }
            #[cfg(target_arch = "x86_64")]
            (Kernel::Avx2, Ok(block)) => {
                // SAFETY: this CPU runs AVX2 (checked just above).
                unsafe { small_avx2(block) }
            }
            _ => (0..64)
                .zip(block)
                .fold(0, |mask, (k, &q)| mask | (u64::from(q < CAPACITY) << k)),
        }
    }));
    Ok(bits)
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
        Self::build_checked_with(kernel::selected(), masses)
    }

    /// `build_checked` with the masses classified by `kernel`.
    pub(crate) fn build_checked_with(kernel: Kernel, masses: &[u64]) -> Result<Self, EngineError> {
        let n = masses.len() as u64;
        let small_bits = small_bits(kernel, masses)?;
        let mut columns: Vec<Column> = table_with_capacity(n)?;
        // n < 2^32 (checked), so every index fits in u32.
        columns.extend((0..n as u32).map(|j| Column {
            threshold: u32::MAX,
            alias: j,
        }));
        let mut small = Cursor::new(masses, &small_bits, false);
        let mut large = Cursor::new(masses, &small_bits, true);
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
        self.draws_with(kernel::selected(), seed, epoch, start, count, stride)
    }

    /// `draws` with the consecutive draws resolved by `kernel` (the scalar one when this CPU lacks it).
    pub(crate) fn draws_with(
        &self,
        kernel: Kernel,
        seed: u64,
        epoch: u64,
        start: u64,
        count: u64,
        stride: u64,
    ) -> Result<Vec<i64>, EngineError> {
        check_strided_span(start, count, stride)?;
        check_epoch(epoch)?;
        let kernel = if kernel.is_available() { kernel } else { Kernel::Scalar };
        threads::fill_new(count, |first, chunk| {
            let stream = Keystream::new(seed, MAIN, epoch)?;
            let position = start + first * stride;
            if stride == 1 {
                // Position p starts at word 3p (3 · p < 3 · 2^64: far below the keystream's 2^68 words).
                self.draw_lanes(kernel, stream.at_word(3 * u128::from(position)), chunk);
            } else {
                stream.read_strided(3, position, stride, chunk, |s| self.draw(s));
            }
            Ok(())
        })
    }

    /// Consecutive draws, DRAW_LANES at a time and one lane ahead: a lane's words are read in bulk and its
    /// columns computed and prefetched while the previous lane is resolved (the same values as `draw`
    /// one after another).
    fn draw_lanes(&self, kernel: Kernel, mut stream: Keystream, out: &mut [i64]) {
        let mut words = [0u32; WORDS];
        let mut picks = [Picks::default(), Picks::default()];
        let mut resolved = [0i64; DRAW_LANES];
        let mut base = 0;
        let mut current = 0;
        let mut ready = self.pick(kernel, &mut stream, &mut words, &mut picks[0], out.len());
        while ready > 0 {
            let next = base + ready;
            let [first, second] = &mut picks;
            let (now, ahead) = if current == 0 { (first, second) } else { (second, first) };
            let coming = self.pick(kernel, &mut stream, &mut words, ahead, out.len().saturating_sub(next));
            if let Some(lane) = out.get_mut(base..next) {
                self.resolve_all(kernel, now, &mut resolved);
                for (slot, &value) in lane.iter_mut().zip(resolved.iter()) {
                    *slot = value;
                }
            }
            (base, ready, current) = (next, coming, 1 - current);
        }
    }

    /// The next min(left, DRAW_LANES) draws' columns and coins, each column prefetched; returns how many.
    /// The entries past that many hold columns < n too (from stale words), never read into the output.
    fn pick(
        &self,
        kernel: Kernel,
        stream: &mut Keystream,
        words: &mut [u32; WORDS],
        picks: &mut Picks,
        left: usize,
    ) -> usize {
        let n = self.columns.len() as u64;
        let count = left.min(DRAW_LANES);
        let Some(fresh) = words.get_mut(..3 * count) else {
            return 0;
        };
        stream.fill_words(fresh);
        match kernel {
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => {
                // SAFETY: `draws_with` keeps `kernel` to one this CPU runs (AVX-512 F and DQ here).
                unsafe { pick_avx512(words, n, picks) }
            }
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => {
                // SAFETY: `draws_with` keeps `kernel` to one this CPU runs (AVX2 here).
                unsafe { pick_avx2(words, n, picks) }
            }
            _ => {
                for ((column, coin), draw) in picks
                    .column
                    .iter_mut()
                    .zip(picks.coin.iter_mut())
                    .zip(words.chunks_exact(3))
                {
                    if let &[low, high, word] = draw {
                        *column = multiply_shift(u64::from(low) | (u64::from(high) << 32), n);
                        *coin = u64::from(word);
                    }
                }
            }
        }
        for &j in picks.column.iter().take(count) {
            if let Some(column) = self.columns.get(j as usize) {
                prefetch(column);
            }
        }
        count
    }

    /// Every entry of `picks` resolved into `out` (columns < n: `pick` makes no other).
    fn resolve_all(&self, kernel: Kernel, picks: &Picks, out: &mut [i64; DRAW_LANES]) {
        match kernel {
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => {
                // SAFETY: `draws_with` keeps `kernel` to one this CPU runs (AVX-512 F here).
                unsafe { resolve_avx512(&self.columns, picks, out) }
            }
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => {
                // SAFETY: `draws_with` keeps `kernel` to one this CPU runs (AVX2 here).
                unsafe { resolve_avx2(&self.columns, picks, out) }
            }
            _ => {
                for ((slot, &j), &coin) in out.iter_mut().zip(picks.column.iter()).zip(picks.coin.iter()) {
                    *slot = self.resolve(j, coin as u32);
                }
            }
        }
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

/// The AVX-512 pick: 8 draws per register, words (low, high, coin) de-interleaved by a two-register
/// permute, j = ⌊x·n / 2^64⌋ from two 32×32→64 products (n < 2^32: (hi(x)·n + ⌊lo(x)·n / 2^32⌋) < 2^64).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn pick_avx512(words: &[u32; WORDS], n: u64, picks: &mut Picks) {
    use core::arch::x86_64::*;
    // Draw k's words 3k, 3k + 1 to dwords 2k, 2k + 1 (x as a u64); its coin 3k + 2 to dword 2k.
    let x_index = _mm512_setr_epi32(0, 1, 3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 18, 19, 21, 22);
    let coin_index = _mm512_setr_epi32(2, 0, 5, 0, 8, 0, 11, 0, 14, 0, 17, 0, 20, 0, 23, 0);
    let nv = _mm512_set1_epi64(n as i64);
    let groups = words
        .chunks_exact(24)
        .zip(picks.column.chunks_exact_mut(8))
        .zip(picks.coin.chunks_exact_mut(8));
    for ((draws, column), coin) in groups {
        let (Some(head), Some(tail)) = (draws.get(..16), draws.get(16..24)) else {
            break;
        };
        // SAFETY: `head` is 16 u32 = 64 bytes; an unaligned load.
        let a = unsafe { _mm512_loadu_si512(head.as_ptr().cast()) };
        // SAFETY: `tail` is 8 u32 = 32 bytes; an unaligned load.
        let b = _mm512_zextsi256_si512(unsafe { _mm256_loadu_si256(tail.as_ptr().cast()) });
        let x = _mm512_permutex2var_epi32(a, x_index, b);
        let c = _mm512_maskz_permutex2var_epi32(0x5555, a, coin_index, b);
        let low = _mm512_srli_epi64::<32>(_mm512_mul_epu32(x, nv));
        let j = _mm512_srli_epi64::<32>(_mm512_add_epi64(_mm512_mul_epu32(_mm512_srli_epi64::<32>(x), nv), low));
        // SAFETY: `column` and `coin` are 8 u64 = 64 bytes each; unaligned stores.
        unsafe { _mm512_storeu_si512(column.as_mut_ptr().cast(), j) };
        // SAFETY: as above.
        unsafe { _mm512_storeu_si512(coin.as_mut_ptr().cast(), c) };
    }
}

/// The AVX-512 resolve: 8 columns gathered at once, the coin compared with the threshold (low half), the
/// alias (high half) taken when the coin is not below it.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn resolve_avx512(columns: &[Column], picks: &Picks, out: &mut [i64; DRAW_LANES]) {
    use core::arch::x86_64::*;
    let low = _mm512_set1_epi64(0xFFFF_FFFF);
    let groups = picks
        .column
        .chunks_exact(8)
        .zip(picks.coin.chunks_exact(8))
        .zip(out.chunks_exact_mut(8));
    for ((column, coin), slot) in groups {
        // SAFETY: `column` and `coin` are 8 u64 = 64 bytes each; unaligned loads.
        let (j, c) = unsafe {
            (
                _mm512_loadu_si512(column.as_ptr().cast()),
                _mm512_loadu_si512(coin.as_ptr().cast()),
            )
        };
        // SAFETY: every j < n = columns.len() (`pick` makes no other), so each 8-byte read is inside `columns`.
        let packed = unsafe { _mm512_i64gather_epi64::<8>(j, columns.as_ptr().cast()) };
        let take = _mm512_cmpge_epu64_mask(c, _mm512_and_si512(packed, low));
        let value = _mm512_mask_blend_epi64(take, j, _mm512_srli_epi64::<32>(packed));
        // SAFETY: `slot` is 8 i64 = 64 bytes; an unaligned store.
        unsafe { _mm512_storeu_si512(slot.as_mut_ptr().cast(), value) };
    }
}

/// The AVX2 pick: 4 draws per register (words de-interleaved by two in-register permutes and a blend), j as
/// in `pick_avx512`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn pick_avx2(words: &[u32; WORDS], n: u64, picks: &mut Picks) {
    use core::arch::x86_64::*;
    // Words 0–7 give draws 0–2's (low, high) and draws 0–1's coins; words 4–11 the rest (word 4 + d is b's dword d).
    let x_from_a = _mm256_setr_epi32(0, 1, 3, 4, 6, 7, 0, 0);
    let x_from_b = _mm256_setr_epi32(0, 0, 0, 0, 0, 0, 5, 6);
    let coin_from_a = _mm256_setr_epi32(2, 0, 5, 0, 0, 0, 0, 0);
    let coin_from_b = _mm256_setr_epi32(0, 0, 0, 0, 4, 0, 7, 0);
    let coin_mask = _mm256_set1_epi64x(0xFFFF_FFFF);
    let nv = _mm256_set1_epi64x(n as i64);
    let groups = words
        .chunks_exact(12)
        .zip(picks.column.chunks_exact_mut(4))
        .zip(picks.coin.chunks_exact_mut(4));
    for ((draws, column), coin) in groups {
        let (Some(head), Some(tail)) = (draws.get(..8), draws.get(4..12)) else {
            break;
        };
        // SAFETY: `head` and `tail` are 8 u32 = 32 bytes each; unaligned loads.
        let (a, b) = unsafe {
            (
                _mm256_loadu_si256(head.as_ptr().cast()),
                _mm256_loadu_si256(tail.as_ptr().cast()),
            )
        };
        let x = _mm256_blend_epi32::<0b1100_0000>(
            _mm256_permutevar8x32_epi32(a, x_from_a),
            _mm256_permutevar8x32_epi32(b, x_from_b),
        );
        let c = _mm256_and_si256(
            _mm256_blend_epi32::<0b1111_0000>(
                _mm256_permutevar8x32_epi32(a, coin_from_a),
                _mm256_permutevar8x32_epi32(b, coin_from_b),
            ),
            coin_mask,
        );
        let low = _mm256_srli_epi64::<32>(_mm256_mul_epu32(x, nv));
        let j = _mm256_srli_epi64::<32>(_mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64::<32>(x), nv), low));
        // SAFETY: `column` and `coin` are 4 u64 = 32 bytes each; unaligned stores.
        unsafe { _mm256_storeu_si256(column.as_mut_ptr().cast(), j) };
        // SAFETY: as above.
        unsafe { _mm256_storeu_si256(coin.as_mut_ptr().cast(), c) };
    }
}

/// The AVX2 resolve: 4 columns gathered at once; coins and thresholds are below 2^32, so a signed compare
/// of the u64 lanes orders them.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn resolve_avx2(columns: &[Column], picks: &Picks, out: &mut [i64; DRAW_LANES]) {
    use core::arch::x86_64::*;
    let low = _mm256_set1_epi64x(0xFFFF_FFFF);
    let groups = picks
        .column
        .chunks_exact(4)
        .zip(picks.coin.chunks_exact(4))
        .zip(out.chunks_exact_mut(4));
    for ((column, coin), slot) in groups {
        // SAFETY: `column` and `coin` are 4 u64 = 32 bytes each; unaligned loads.
        let (j, c) = unsafe {
            (
                _mm256_loadu_si256(column.as_ptr().cast()),
                _mm256_loadu_si256(coin.as_ptr().cast()),
            )
        };
        // SAFETY: every j < n = columns.len() (`pick` makes no other), so each 8-byte read is inside `columns`.
        let packed = unsafe { _mm256_i64gather_epi64::<8>(columns.as_ptr().cast(), j) };
        let accept = _mm256_cmpgt_epi64(_mm256_and_si256(packed, low), c);
        let value = _mm256_blendv_epi8(_mm256_srli_epi64::<32>(packed), j, accept);
        // SAFETY: `slot` is 4 i64 = 32 bytes; an unaligned store.
        unsafe { _mm256_storeu_si256(slot.as_mut_ptr().cast(), value) };
    }
}

/// 64 masses classified 8 at a time: bit k set when mass k is below 2^32.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn small_avx512(block: &[u64; 64]) -> u64 {
    use core::arch::x86_64::*;
    let capacity = _mm512_set1_epi64(CAPACITY as i64);
    (0..).zip(block.chunks_exact(8)).fold(0, |mask, (g, octet)| {
        // SAFETY: `octet` is 8 u64 = 64 bytes; an unaligned load.
        let q = unsafe { _mm512_loadu_si512(octet.as_ptr().cast()) };
        mask | (u64::from(_mm512_cmplt_epu64_mask(q, capacity)) << (8 * g))
    })
}

/// 64 masses classified 4 at a time: a mass is below 2^32 when its high half is 0.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn small_avx2(block: &[u64; 64]) -> u64 {
    use core::arch::x86_64::*;
    let zero = _mm256_setzero_si256();
    (0..).zip(block.chunks_exact(4)).fold(0, |mask, (g, quad)| {
        // SAFETY: `quad` is 4 u64 = 32 bytes; an unaligned load.
        let q = unsafe { _mm256_loadu_si256(quad.as_ptr().cast()) };
        let small = _mm256_cmpeq_epi64(_mm256_srli_epi64::<32>(q), zero);
        mask | ((_mm256_movemask_pd(_mm256_castsi256_pd(small)) as u64) << (4 * g))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weights::masses::integer_weights;

    use crate::test_rng::next;

    /// §7.2 word for word: two LIFO stacks filled in index order.
    fn two_stacks(masses: &[u64]) -> (Vec<u64>, Vec<u32>) {
        let mut q = masses.to_vec();
        let mut small: Vec<usize> = (0..q.len()).filter(|&i| q[i] < CAPACITY).collect();
        let mut large: Vec<usize> = (0..q.len()).filter(|&i| q[i] >= CAPACITY).collect();
        let mut threshold = vec![CAPACITY; q.len()];
        let mut alias: Vec<u32> = (0..q.len() as u32).collect();
        while !small.is_empty() && !large.is_empty() {
            let (s, l) = (small.pop().unwrap(), large.pop().unwrap());
            (threshold[s], alias[s]) = (q[s], l as u32);
            q[l] -= CAPACITY - q[s];
            if q[l] < CAPACITY { small.push(l) } else { large.push(l) }
        }
        (threshold, alias)
    }

    /// Large tables (several 64-mass blocks, a partial last one) built by every kernel equal §7.2's stacks.
    #[test]
    fn every_kernel_builds_the_stacks_table() {
        let mut state = 3;
        for n in [1usize, 63, 64, 65, 127, 128, 129, 1000, 4096, 100_003] {
            let weights: Vec<f64> = (0..n)
                .map(|i| match next(&mut state) % 5 {
                    0 if i > 0 => 0.0,
                    1 => 1.0,
                    _ => ((next(&mut state) >> 11) as f64 / (1u64 << 53) as f64).powi(3) + 1e-9,
                })
                .collect();
            let masses = integer_weights(&weights).unwrap();
            let expected = two_stacks(&masses);
            for kernel in kernel::KERNELS {
                let table = AliasTable::build_checked_with(kernel, &masses).unwrap();
                assert_eq!(table.columns().unwrap(), expected, "n={n} {kernel:?}");
            }
        }
    }

    /// Each kernel this CPU runs picks the scalar columns and coins from the same words, for n up to 2^32 − 1
    /// (no table needed: a pick only multiplies).
    #[test]
    fn every_kernel_picks_like_the_scalar_one() {
        let mut state = 7;
        let edges = [
            1u64,
            2,
            3,
            255,
            256,
            257,
            (1 << 31) - 1,
            1 << 31,
            (1 << 32) - 2,
            (1 << 32) - 1,
        ];
        for case in 0..2000u64 {
            let r = next(&mut state);
            let n = if case % 3 == 0 {
                edges[(r % 10) as usize]
            } else {
                1 + (next(&mut state) >> (32 + r % 32))
            };
            let mut words = [0u32; WORDS];
            for word in words.iter_mut() {
                // Extreme words now and then: all ones, zero.
                *word = match next(&mut state) % 8 {
                    0 => u32::MAX,
                    1 => 0,
                    _ => next(&mut state) as u32,
                };
            }
            let mut expected = Picks::default();
            for ((column, coin), draw) in expected
                .column
                .iter_mut()
                .zip(expected.coin.iter_mut())
                .zip(words.chunks_exact(3))
            {
                *column = multiply_shift(u64::from(draw[0]) | (u64::from(draw[1]) << 32), n);
                *coin = u64::from(draw[2]);
            }
            for kernel in kernel::available() {
                let mut picks = Picks::default();
                match kernel {
                    #[cfg(target_arch = "x86_64")]
                    Kernel::Avx512 => unsafe { pick_avx512(&words, n, &mut picks) },
                    #[cfg(target_arch = "x86_64")]
                    Kernel::Avx2 => unsafe { pick_avx2(&words, n, &mut picks) },
                    _ => continue,
                }
                assert_eq!(picks.column, expected.column, "n={n} {kernel:?}");
                assert_eq!(picks.coin, expected.coin, "n={n} {kernel:?}");
            }
        }
    }

    /// Each kernel this CPU runs draws what the scalar kernel draws: random tables (full columns, zero
    /// masses, one heavy weight), n near powers of two and tiny, counts around the lane size, any start.
    #[test]
    fn every_kernel_draws_like_the_scalar_one() {
        let kernels: Vec<Kernel> = kernel::available().collect();
        assert!(kernels.contains(&Kernel::Scalar));
        let mut state = 11;
        for case in 0..300u64 {
            let r = next(&mut state);
            let n = match case % 5 {
                0 => 1 + r % 4,
                1 => (1u64 << (1 + r % 17)) + (r >> 62) - 1,
                2 => 1 + r % 5000,
                _ => 1 + r % 300,
            };
            let weights: Vec<f64> = (0..n)
                .map(|i| match (next(&mut state) % 6, case % 3) {
                    (0, _) if i > 0 => 0.0,
                    (_, 0) => 1.0,
                    (_, 1) if i == 0 => 1e6,
                    _ => (next(&mut state) >> 11) as f64 / (1u64 << 53) as f64 + 1e-3,
                })
                .collect();
            let masses = integer_weights(&weights).unwrap();
            let table = AliasTable::build(&masses).unwrap();
            // §7.2's two stacks, as the spec writes them, make the same table; and so does every kernel.
            assert_eq!(table.columns().unwrap(), two_stacks(&masses), "n={n}");
            for &kernel in &kernels {
                assert_eq!(
                    AliasTable::build_checked_with(kernel, &masses).unwrap(),
                    table,
                    "n={n} {kernel:?}"
                );
            }
            let count = match case % 4 {
                0 => next(&mut state) % 9,
                1 => 120 + next(&mut state) % 20,
                _ => next(&mut state) % 2000,
            };
            let start = if case % 7 == 0 {
                u64::MAX / 4 - count
            } else {
                next(&mut state) % 1_000_000
            };
            let seed = next(&mut state);
            let expected = table.draws_with(Kernel::Scalar, seed, case, start, count, 1).unwrap();
            // The scalar kernel is the one-at-a-time draw of §7.3.
            let mut stream = Keystream::new(seed, MAIN, case).unwrap().at_word(3 * u128::from(start));
            let one_by_one: Vec<i64> = (0..count).map(|_| table.draw(&mut stream)).collect();
            assert_eq!(expected, one_by_one, "n={n} count={count}");
            for &kernel in &kernels {
                let drawn = table.draws_with(kernel, seed, case, start, count, 1).unwrap();
                assert_eq!(drawn, expected, "n={n} count={count} start={start} {kernel:?}");
            }
        }
    }
}
